/* ub-download-private.h — the worker side of UbDownload
 *
 * The job holds copies of everything the worker needs (made on the main
 * thread before the worker starts) and the progress numbers it shares with
 * the main context, under the mutex. The worker never sees the UbDownload,
 * whose instance struct is here for ub-download-share.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ub-download.h"
#include "ub-hash.h"

G_BEGIN_DECLS

typedef struct _UbDownloadJob UbDownloadJob;

struct _UbDownload
{
  GObject          parent_instance;

  char            *url;
  char            *directory;
  char            *name;
  char            *path;
  char            *expected_sha256;
  char            *expected_sha1;
  guint64          expected_size;

  UbDownloadState  state;
  guint64          received;
  guint64          total;
  double           speed;
  gint64           eta;
  char            *sha256;

  GTask           *task;          /* the caller's, while running or waiting */
  UbDownloadJob   *job;           /* while this object runs the transfer */
  GSource         *timer;
  gint64           last_tick;
  guint64          last_received;
  GPtrArray       *followers;     /* UbDownloads of the same file waiting for this one */
  UbDownload      *leader;        /* the one this object waits for */
  GSource         *cancel_source; /* a follower's own cancellable */
};

/* ub-download.c, for ub-download-share.c; main context only */
void           _ub_download_apply             (UbDownload      *self,
                                               UbDownloadState  state,
                                               guint64          received,
                                               guint64          total,
                                               double           speed,
                                               gint64           eta);
void           _ub_download_set_sha256        (UbDownload      *self,
                                               const char      *sha256);
void           _ub_download_complete          (UbDownload      *self,
                                               const GError    *error);
void           _ub_download_start             (UbDownload      *self);

/* ub-download-share.c */
void           _ub_download_start_or_follow   (UbDownload      *self);
void           _ub_download_registry_remove   (UbDownload      *self);
void           _ub_download_finish_follower   (UbDownload      *follower,
                                               UbDownload      *leader,
                                               const GError    *error);

/* Free space kept beyond the download itself */
#define UB_DOWNLOAD_SPACE_MARGIN (32 * 1024 * 1024)

struct _UbDownloadJob
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
};

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
/* ub-download-part.c */
gboolean       ub_download_truncate       (UbDownloadPart *part,
                                           GError        **error);
gboolean       ub_download_part_write     (UbDownloadPart *part,
                                           const char     *data,
                                           gsize           len,
                                           GError        **error);
void           ub_download_part_set_error (UbDownloadPart *part,
                                           int             errsv,
                                           GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UbDownloadJob, ub_download_job_unref)

G_END_DECLS
