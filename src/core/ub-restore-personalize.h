/* ub-restore-personalize.h — an IPSW component, personalized with the AP ticket
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ub-build-identity.h"
#include "ub-ipsw.h"

G_BEGIN_DECLS

/* The most a boot component may weigh (restore ramdisks are ~100–200 MB) */
#define UB_RESTORE_MAX_COMPONENT (512 * 1024 * 1024)

GBytes *ub_restore_read_component   (UbIpsw           *ipsw,
                                     UbBuildIdentity  *identity,
                                     const char       *name,
                                     gboolean          optional,
                                     GCancellable     *cancellable,
                                     GError          **error);
GBytes *ub_restore_personalize      (UbIpsw           *ipsw,
                                     UbBuildIdentity  *identity,
                                     GBytes           *ticket,
                                     GBytes           *ticket_nonce,
                                     const char       *name,
                                     gboolean          optional,
                                     GCancellable     *cancellable,
                                     GError          **error);

G_END_DECLS
