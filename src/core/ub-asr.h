/* ub-asr.h — streaming the filesystem image to a phone in restore mode (ASR)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define UB_ASR_DEFAULT_PORT 12345
#define UB_ASR_CHUNK_SIZE   131072
/* the most bytes one OOBData request may ask for */
#define UB_ASR_MAX_OOB_LENGTH (1024 * 1024)

/**
 * UbAsrProgressFunc:
 * @sent: image bytes streamed so far
 * @total: the image's size
 * @user_data: the data given to ub_asr_send_async()
 *
 * Called on the caller's main context, at most 4 times a second.
 */
typedef void (*UbAsrProgressFunc) (gsize    sent,
                                   gsize    total,
                                   gpointer user_data);

void     ub_asr_send_async  (const char          *udid,
                             guint16              port,
                             GInputStream        *image,
                             guint64              size,
                             GCancellable        *cancellable,
                             UbAsrProgressFunc    progress,
                             gpointer             progress_data,
                             GDestroyNotify       progress_destroy,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data);
gboolean ub_asr_send_finish (GAsyncResult        *result,
                             GError             **error);

G_END_DECLS
