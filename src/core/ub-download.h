/* ub-download.h — one file from the network, resumable and verified
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define UB_TYPE_DOWNLOAD (ub_download_get_type ())

G_DECLARE_FINAL_TYPE (UbDownload, ub_download, UB, DOWNLOAD, GObject)

/**
 * UbDownloadState:
 * @UB_DOWNLOAD_STATE_IDLE: not started
 * @UB_DOWNLOAD_STATE_CHECKING: waiting for another download of the same file,
 *   or checking a finished file or the part kept from before
 * @UB_DOWNLOAD_STATE_DOWNLOADING: bytes are arriving (or a dropped connection
 *   is being retried)
 * @UB_DOWNLOAD_STATE_VERIFYING: comparing size and checksums, then moving the
 *   file into place
 * @UB_DOWNLOAD_STATE_DONE: the file is complete and verified under its name
 * @UB_DOWNLOAD_STATE_FAILED: stopped with an error (or cancelled)
 */
typedef enum
{
  UB_DOWNLOAD_STATE_IDLE,
  UB_DOWNLOAD_STATE_CHECKING,
  UB_DOWNLOAD_STATE_DOWNLOADING,
  UB_DOWNLOAD_STATE_VERIFYING,
  UB_DOWNLOAD_STATE_DONE,
  UB_DOWNLOAD_STATE_FAILED,
} UbDownloadState;

UbDownload      *ub_download_new           (const char           *url,
                                            const char           *directory,
                                            const char           *name);
void             ub_download_set_expected  (UbDownload           *self,
                                            guint64               size,
                                            const char           *sha256,
                                            const char           *sha1);
const char      *ub_download_get_url       (UbDownload           *self);
const char      *ub_download_get_path      (UbDownload           *self);
UbDownloadState  ub_download_get_state     (UbDownload           *self);
guint64          ub_download_get_received  (UbDownload           *self);
guint64          ub_download_get_total     (UbDownload           *self);
double           ub_download_get_speed     (UbDownload           *self);
gint64           ub_download_get_eta       (UbDownload           *self);
const char      *ub_download_get_sha256    (UbDownload           *self);

void             ub_download_run_async     (UbDownload           *self,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
char            *ub_download_run_finish    (UbDownload           *self,
                                            GAsyncResult         *result,
                                            GError              **error);

const char      *ub_download_state_to_string (UbDownloadState     state);

G_END_DECLS
