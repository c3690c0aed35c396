/* ub-vphone-backup-data.h — what the virtual iPhone's backup holds, byte for byte
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define UB_VPHONE_BACKUP_DEFAULT_SIZE   (1024 * 1024)
#define UB_VPHONE_BACKUP_DEFAULT_FILES  8
#define UB_VPHONE_BACKUP_MAX_FILES      10000

/**
 * UbVphoneBackupLayout:
 * @ecid: the phone's ECID; every byte of the backup derives from it
 * @total: the bytes of all data files together
 * @n_files: how many data files
 *
 * The synthetic backup: @n_files data files that share @total bytes, plus
 * the small files any backup has (Status.plist, Manifest.plist,
 * Manifest.db). Tests compute the same names and bytes to check what the
 * host wrote.
 */
typedef struct
{
  guint64 ecid;
  guint64 total;
  guint   n_files;
} UbVphoneBackupLayout;

guint64  ub_vphone_backup_file_size  (const UbVphoneBackupLayout *layout,
                                      guint                       index);
char    *ub_vphone_backup_file_name  (const UbVphoneBackupLayout *layout,
                                      guint                       index);
void     ub_vphone_backup_fill       (const UbVphoneBackupLayout *layout,
                                      guint                       index,
                                      guint64                     offset,
                                      guint8                     *buffer,
                                      gsize                       length);
GBytes  *ub_vphone_backup_manifest_db (const UbVphoneBackupLayout *layout);

G_END_DECLS
