/* ub-backup-info.h — what one iPhone backup folder holds, read without trusting it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The most of each file that is read. Info.plist carries the apps' icons and
 * store data (often tens of MB); above its cap, the facts come from
 * Manifest.plist instead. */
#define UB_BACKUP_INFO_PLIST_MAX      (8 * 1024 * 1024)
#define UB_BACKUP_MANIFEST_PLIST_MAX  (32 * 1024 * 1024)
#define UB_BACKUP_STATUS_PLIST_MAX    (64 * 1024)
/* How deep the size count goes below the backup folder (real backups: 2–3) */
#define UB_BACKUP_MAX_DEPTH           8

typedef struct
{
  char      *path;             /* the backup folder itself: <dir>/<UDID> */
  char      *udid;             /* nullable: Info.plist, Manifest.plist, else the folder's name */
  char      *device_name;      /* nullable */
  char      *product_type;     /* nullable, "iPhone10,3" */
  char      *product_version;  /* nullable, "16.7.2" */
  char      *build_version;    /* nullable, "20H115" */
  char      *serial_number;    /* nullable */
  GDateTime *date;             /* nullable: Info.plist's Last Backup Date, else Status.plist's Date */
  guint64    size;             /* bytes: the sizes of its files, summed */
  gboolean   encrypted;        /* Manifest.plist's IsEncrypted */
  gboolean   complete;         /* the phone finished it, and its three files are sound */
  char      *problem;          /* nullable, translated: why it is incomplete or unreadable */
} UbBackupInfo;

void          ub_backup_info_free              (UbBackupInfo        *info);
UbBackupInfo *ub_backup_info_copy              (const UbBackupInfo  *info);
UbBackupInfo *ub_backup_info_parse_folder      (const char          *path,
                                                GError             **error);
UbBackupInfo *ub_backup_info_parse_folder_full (const char          *path,
                                                GCancellable        *cancellable,
                                                GError             **error);
UbBackupInfo *ub_backup_info_new_from_data     (const char          *path,
                                                GBytes              *info_plist,
                                                GBytes              *manifest_plist,
                                                GBytes              *status_plist);
gboolean      ub_backup_info_is_for            (const UbBackupInfo  *info,
                                                const char          *udid);
gboolean      ub_backup_udid_is_valid          (const char          *udid);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UbBackupInfo, ub_backup_info_free)

G_END_DECLS
