/* ub-dfu.h — send a firmware image to a phone in DFU mode
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ub-device.h"

G_BEGIN_DECLS

#define UB_DFU_BLOCK_SIZE          0x800
#define UB_DFU_SUFFIX_SIZE         16
#define UB_DFU_TRANSFER_TIMEOUT_MS 2000
#define UB_DFU_MAX_IMAGE           (32 * 1024 * 1024)

/**
 * UbDfuProgressFunc:
 * @sent: bytes the phone has acknowledged, DFU suffix included
 * @total: bytes to send, DFU suffix included (never 0)
 * @user_data: the data given to ub_dfu_send_async()
 *
 * Called on the main context of the caller of ub_dfu_send_async(), at most
 * four times a second, and once more when the last block went through.
 */
typedef void (*UbDfuProgressFunc) (gsize    sent,
                                   gsize    total,
                                   gpointer user_data);

guint32  ub_dfu_crc32_update (guint32              crc,
                              const guint8        *data,
                              gsize                len);
void     ub_dfu_make_suffix  (GBytes              *image,
                              guint8               suffix[UB_DFU_SUFFIX_SIZE]);
guint    ub_dfu_count_blocks (gsize                image_size);

void     ub_dfu_send_async   (UbDevice            *device,
                              GBytes              *image,
                              GCancellable        *cancellable,
                              UbDfuProgressFunc    progress,
                              gpointer             progress_data,
                              GDestroyNotify       progress_destroy,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data);
gboolean ub_dfu_send_finish  (GAsyncResult        *result,
                              GError             **error);

G_END_DECLS
