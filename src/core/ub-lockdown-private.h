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

gboolean _ub_lockdown_connect_paired (const char          *udid,
                                      idevice_t           *device,
                                      lockdownd_client_t  *client,
                                      GError             **error);
plist_t  _ub_lockdown_get_value (lockdownd_client_t   client,
                                 const char          *domain,
                                 const char          *key,
                                 plist_type           type);
GTask   *_ub_lockdown_task_new  (const char          *udid,
                                 guint                timeout_ms,
                                 const char          *what,
                                 gpointer             source_tag,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data);

G_END_DECLS
