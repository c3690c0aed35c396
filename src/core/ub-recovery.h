/* ub-recovery.h — commands to a phone in recovery mode, over our own USB transport
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ub-device.h"

G_BEGIN_DECLS

#define UB_RECOVERY_COMMAND_TIMEOUT_MS 2000
#define UB_RECOVERY_MAX_COMMAND 255

void     ub_recovery_send_commands_async  (UbDevice            *device,
                                           const char * const  *commands,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
const char * const *ub_recovery_get_exit_commands (void);
gboolean ub_recovery_send_commands_finish (GAsyncResult        *result,
                                           GError             **error);

G_END_DECLS
