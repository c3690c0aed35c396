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
#define UB_RECOVERY_BULK_TIMEOUT_MS 5000
#define UB_RECOVERY_UPLOAD_CHUNK 0x8000
#define UB_RECOVERY_MAX_FILE (256 * 1024 * 1024)

void     ub_recovery_send_commands_async  (UbDevice            *device,
                                           const char * const  *commands,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
const char * const *ub_recovery_get_exit_commands (void);
gboolean ub_recovery_send_commands_finish (GAsyncResult        *result,
                                           GError             **error);

/* ub-recovery-upload.c */
void     ub_recovery_send_file_async          (UbDevice            *device,
                                               GBytes              *data,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
void     ub_recovery_send_stream_async        (UbDevice            *device,
                                               GBytes              *prefix,
                                               GInputStream        *stream,
                                               guint64              stream_len,
                                               GBytes              *suffix,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean ub_recovery_send_file_finish         (GAsyncResult        *result,
                                               GError             **error);
void     ub_recovery_send_command_breq_async  (UbDevice            *device,
                                               const char          *command_text,
                                               guint8               b_request,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean ub_recovery_send_command_breq_finish (GAsyncResult        *result,
                                               GError             **error);
void     ub_recovery_getenv_async             (UbDevice            *device,
                                               const char          *name,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
char    *ub_recovery_getenv_finish            (GAsyncResult        *result,
                                               GError             **error);

G_END_DECLS
