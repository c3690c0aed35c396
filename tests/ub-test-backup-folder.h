/* ub-test-backup-folder.h — iPhone backup folders for tests, written as the tools write them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <plist/plist.h>

G_BEGIN_DECLS

#define UB_TEST_UDID_A "00008030-001A2D3C0E12802E"
#define UB_TEST_UDID_B "3d0d7e5fb2ce288813306e4d4636395e047a3d28"
#define UB_TEST_UDID_C "00008101-000A1B2C3D4E5F60"

typedef struct
{
  const char *udid;            /* the folder's name, and Info.plist's Target Identifier */
  const char *state;           /* Status.plist's SnapshotState; NULL: no Status.plist */
  gboolean    encrypted;
  gint64      date;            /* Last Backup Date, Unix seconds; 0: none */
  guint       n_files;         /* data files of 1000 bytes, in <xx>/ subfolders */
  gboolean    no_info;         /* no Info.plist */
  gboolean    no_manifest;     /* no Manifest.plist */
} UbTestBackupSpec;

char    *ub_test_backup_folder_write        (const char              *parent,
                                             const UbTestBackupSpec  *spec);
guint64  ub_test_backup_folder_size         (const char              *path);
void     ub_test_backup_folder_write_plist  (const char              *path,
                                             plist_t                  plist,
                                             gboolean                 binary);

G_END_DECLS
