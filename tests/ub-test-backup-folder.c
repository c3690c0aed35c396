/* ub-test-backup-folder.c — iPhone backup folders for tests, written as the tools write them
 *
 * Info.plist as XML (idevicebackup2 and iTunes write it so), Manifest.plist
 * and Status.plist as binary (the phone sends them so), and data files in
 * two-hex-digit subfolders, as in backups since iOS 10.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "ub-test-backup-folder.h"

#define APPLE_EPOCH_OFFSET G_GINT64_CONSTANT (978307200)

/* Writes @plist (consumed) to @path */
void
ub_test_backup_folder_write_plist (const char *path,
                                   plist_t     plist,
                                   gboolean    binary)
{
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  uint32_t len = 0;

  if (binary)
    plist_to_bin (plist, &data, &len);
  else
    plist_to_xml (plist, &data, &len);
  g_assert_nonnull (data);
  g_file_set_contents (path, data, len, &error);
  g_assert_no_error (error);
  if (binary)
    plist_to_bin_free (data);
  else
    plist_to_xml_free (data);
  plist_free (plist);
}

static plist_t
info_plist (const UbTestBackupSpec *spec)
{
  plist_t dict = plist_new_dict ();

  plist_dict_set_item (dict, "Applications", plist_new_dict ());
  plist_dict_set_item (dict, "Build Version", plist_new_string ("21B80"));
  plist_dict_set_item (dict, "Device Name", plist_new_string ("Anna’s iPhone"));
  plist_dict_set_item (dict, "GUID", plist_new_string ("0123456789ABCDEF0123456789ABCDEF"));
  if (spec->date != 0)
    plist_dict_set_item (dict, "Last Backup Date", plist_new_date ((int32_t)(spec->date - APPLE_EPOCH_OFFSET), 0));
  plist_dict_set_item (dict, "Product Type", plist_new_string ("iPhone12,1"));
  plist_dict_set_item (dict, "Product Version", plist_new_string ("17.1"));
  plist_dict_set_item (dict, "Serial Number", plist_new_string ("F2LZK0ABCDEF"));
  plist_dict_set_item (dict, "Target Identifier", plist_new_string (spec->udid));
  plist_dict_set_item (dict, "Target Type", plist_new_string ("Device"));
  return dict;
}

static plist_t
manifest_plist (const UbTestBackupSpec *spec)
{
  plist_t dict = plist_new_dict ();
  plist_t lockdown = plist_new_dict ();

  plist_dict_set_item (lockdown, "DeviceName", plist_new_string ("Anna’s iPhone"));
  plist_dict_set_item (lockdown, "ProductType", plist_new_string ("iPhone12,1"));
  plist_dict_set_item (lockdown, "UniqueDeviceID", plist_new_string (spec->udid));
  plist_dict_set_item (dict, "IsEncrypted", plist_new_bool (spec->encrypted));
  plist_dict_set_item (dict, "Lockdown", lockdown);
  plist_dict_set_item (dict, "Version", plist_new_string ("10.0"));
  return dict;
}

static plist_t
status_plist (const UbTestBackupSpec *spec)
{
  plist_t dict = plist_new_dict ();

  plist_dict_set_item (dict, "BackupState", plist_new_string ("new"));
  plist_dict_set_item (dict, "IsFullBackup", plist_new_bool (TRUE));
  plist_dict_set_item (dict, "SnapshotState", plist_new_string (spec->state));
  plist_dict_set_item (dict, "UUID", plist_new_string ("6E3E2B1C-7D4A-4E49-9C55-5B0C6B8A2F10"));
  plist_dict_set_item (dict, "Version", plist_new_string ("3.3"));
  return dict;
}

static void
write_data_files (const char *folder,
                  guint       n_files)
{
  g_autofree char *block = g_strnfill (1000, 'd');

  for (guint i = 0; i < n_files; i++)
    {
      g_autofree char *sub = g_strdup_printf ("%s/%02x", folder, i % 3);
      g_autofree char *file = g_strdup_printf ("%s/%02x%038u", sub, i % 3, i);

      g_assert_cmpint (g_mkdir_with_parents (sub, 0700), ==, 0);
      g_assert_true (g_file_set_contents (file, block, 1000, NULL));
    }
}

/**
 * ub_test_backup_folder_write:
 *
 * Returns: (transfer full): the new backup folder, @parent/@spec->udid
 */
char *
ub_test_backup_folder_write (const char             *parent,
                             const UbTestBackupSpec *spec)
{
  char *folder = g_build_filename (parent, spec->udid, NULL);
  g_autofree char *info = g_build_filename (folder, "Info.plist", NULL);
  g_autofree char *manifest = g_build_filename (folder, "Manifest.plist", NULL);
  g_autofree char *status = g_build_filename (folder, "Status.plist", NULL);

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  if (!spec->no_info)
    ub_test_backup_folder_write_plist (info, info_plist (spec), FALSE);
  if (!spec->no_manifest)
    ub_test_backup_folder_write_plist (manifest, manifest_plist (spec), TRUE);
  if (spec->state != NULL)
    ub_test_backup_folder_write_plist (status, status_plist (spec), TRUE);
  write_data_files (folder, spec->n_files);
  return folder;
}

/* Every regular file's size below @path, added up */
guint64
ub_test_backup_folder_size (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;
  guint64 total = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      GStatBuf st;

      g_assert_cmpint (g_lstat (child, &st), ==, 0);
      if (S_ISDIR (st.st_mode))
        total += ub_test_backup_folder_size (child);
      else if (S_ISREG (st.st_mode))
        total += st.st_size;
    }
  return total;
}
