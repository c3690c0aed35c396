/* ub-backup-scan.h — finding the backups of a phone on this computer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ub-backup-info.h"

G_BEGIN_DECLS

/* A search gives up after this long (a folder on a network drive that does
 * not answer); counting a large backup's files on a cold disk takes seconds */
#define UB_BACKUP_SCAN_TIMEOUT_MS 120000

/* The GSettings key with the folders the person added */
#define UB_BACKUP_FOLDERS_KEY "backup-folders"

char       **ub_backup_dup_usual_folders      (void);
char       **ub_backup_dup_user_folders       (void);
char       **ub_backup_dup_search_folders     (void);
gboolean     ub_backup_add_user_folder        (const char           *folder,
                                               GError              **error);
gboolean     ub_backup_remove_user_folder     (const char           *folder,
                                               GError              **error);

void         ub_backup_scan_async             (const char           *udid,
                                               const char * const   *folders,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
GPtrArray   *ub_backup_scan_finish            (GAsyncResult         *result,
                                               GError              **error);
GPtrArray   *ub_backup_scan_sync              (const char           *udid,
                                               const char * const   *folders,
                                               GCancellable         *cancellable,
                                               GError              **error);

G_END_DECLS
