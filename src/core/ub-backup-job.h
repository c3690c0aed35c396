/* ub-backup-job.h — a backup of a phone that still starts, made by this computer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The phone sends nothing for this long while it copies: the backup has
 * stalled (in the clock's time, see ub-clock.c) */
#define UB_BACKUP_STALL_MS          60000
/* After the backup request, until the phone starts copying: it may be making
 * a snapshot, or asking its owner for the passcode */
#define UB_BACKUP_PREPARE_STALL_MS  180000
/* Free space kept on top of what the phone's data needs */
#define UB_BACKUP_SPACE_MARGIN      (64 * 1024 * 1024)

/**
 * UbBackupProgressFunc:
 * @fraction: 0…1, or -1 while unknown
 * @bytes_received: bytes of files received so far
 * @status: (nullable): what is happening, translated plain words
 *
 * Called on the thread-default main context of the caller of
 * ub_backup_run_async(), at most four times a second.
 */
typedef void (*UbBackupProgressFunc) (double      fraction,
                                      guint64     bytes_received,
                                      const char *status,
                                      gpointer    user_data);

void      ub_backup_run_async           (const char            *udid,
                                         const char            *folder,
                                         GCancellable          *cancellable,
                                         UbBackupProgressFunc   progress,
                                         gpointer               progress_data,
                                         GDestroyNotify         progress_notify,
                                         GAsyncReadyCallback    callback,
                                         gpointer               user_data);
gboolean  ub_backup_run_finish          (GAsyncResult          *result,
                                         GError               **error);
char     *ub_backup_dup_default_folder  (void);
char     *ub_backup_dup_path            (const char            *udid,
                                         const char            *folder);

G_END_DECLS
