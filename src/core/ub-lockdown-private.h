/* ub-lockdown-private.h — the lockdownd connection shared by ub-lockdown*.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <libimobiledevice/libimobiledevice.h>
#include <libimobiledevice/lockdown.h>

G_BEGIN_DECLS

gboolean _ub_lockdown_connect (const char          *udid,
                               gboolean             handshake,
                               idevice_t           *device,
                               lockdownd_client_t  *client,
                               GError             **error);

G_END_DECLS
