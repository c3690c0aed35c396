/* ub-download-private.h — the worker side of UbDownload
 *
 * The job holds copies of everything the worker needs (made on the main
 * thread before the worker starts) and the progress numbers it shares with
 * the main context, under the mutex. The worker never sees the UbDownload.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ub-download.h"
#include "ub-hash.h"

G_BEGIN_DECLS

/* Free space kept beyond the download itself */
#define UB_DOWNLOAD_SPACE_MARGIN (32 * 1024 * 1024)

typedef struct
{
  /* inputs: written once on the main thread, read-only afterwards */
  char    *url;
  char    *directory;
  char    *path;
  char    *part_path;
  char    *lock_path;
  char    *expected_sha256;
  char    *expected_sha1;
  guint64  expected_size;
  char    *ca_file;
  guint    stall_ms;
  guint    connect_timeout_ms;
  guint    retry_delay_ms;
  guint    lock_poll_ms;
  guint    lock_stall_ms;

  /* shared with the main context */
  GMutex           mutex;
  UbDownloadState  state;
  guint64          received;
  guint64          total;

  /* the worker's, read by the main thread only after it has returned */
  char    *sha256;
  char    *sha1;
} UbDownloadJob;

UbDownloadJob *ub_download_job_new        (void);
UbDownloadJob *ub_download_job_ref        (UbDownloadJob  *job);
void           ub_download_job_unref      (UbDownloadJob  *job);
void           ub_download_job_set_state  (UbDownloadJob  *job,
                                           UbDownloadState state);
void           ub_download_job_set_progress (UbDownloadJob *job,
                                           guint64         received,
                                           guint64         total);
gboolean       ub_download_job_run        (UbDownloadJob  *job,
                                           GCancellable   *cancellable,
                                           GError        **error);

/* ub-download-transfer.c: the network part, on an open .part file */
typedef struct
{
  UbDownloadJob *job;
  int            fd;
  UbHasher      *hasher;
  UbHashQueue   *queue;     /* feeds @hasher from its own thread while transferring */
  guint64        offset;    /* bytes in the .part file, all hashed */
  guint64        total;     /* announced by the server; 0 unknown */
  guint64        written_back;  /* bytes handed to the disk with sync_file_range() */
} UbDownloadPart;

gboolean       ub_download_transfer       (UbDownloadPart *part,
                                           GCancellable   *cancellable,
                                           GError        **error);
gboolean       ub_download_check_space    (const char     *directory,
                                           guint64         needed,
                                           GError        **error);
gboolean       ub_download_sleep          (guint           ms,
                                           GCancellable   *cancellable);
gboolean       ub_download_truncate       (UbDownloadPart *part,
                                           GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UbDownloadJob, ub_download_job_unref)

G_END_DECLS
