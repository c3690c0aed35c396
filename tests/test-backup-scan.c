/* test-backup-scan.c — finding a phone's backups and judging them
 *
 * Every backup is written here, into a temporary folder, as idevicebackup2
 * and the phone write them (ub-test-backup-folder.c): complete, interrupted,
 * encrypted, another phone's, damaged, unreadable, and in each kind of
 * place the scan looks (a parent folder, a backup given directly, a folder
 * added in GSettings).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ub-core.h"
#include "ub-test-backup-folder.h"
#include "ub-test-files.h"

#define DAY (24 * 3600)

typedef struct
{
  char   *dir;         /* a temporary parent of backups */
  gint64  now;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("unbrick-backups-XXXXXX", &error);
  g_assert_no_error (error);
  f->now = g_get_real_time () / G_USEC_PER_SEC;
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  ub_test_remove_tree (f->dir);
  g_free (f->dir);
}

/* Scans @folder (NULL-terminated list of one) for @udid */
static GPtrArray *
scan_one (const char *folder,
          const char *udid)
{
  const char *folders[] = { folder, NULL };
  g_autoptr(GError) error = NULL;
  GPtrArray *found = ub_backup_scan_sync (udid, folders, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (found);
  return found;
}

static void
test_complete (Fixture       *f,
               gconstpointer  data)
{
  UbTestBackupSpec spec = { UB_TEST_UDID_A, "finished", FALSE, f->now - 3 * DAY - 60, 7 };
  g_autofree char *path = ub_test_backup_folder_write (f->dir, &spec);
  g_autoptr(GPtrArray) found = scan_one (f->dir, NULL);
  g_autoptr(GDateTime) now = g_date_time_new_from_unix_utc (f->now);
  g_autofree char *summary = NULL;
  g_autofree char *size = NULL;
  g_autofree char *expected = NULL;
  UbBackupInfo *info;

  g_assert_cmpuint (found->len, ==, 1);
  info = found->pdata[0];
  g_assert_cmpstr (info->path, ==, path);
  g_assert_cmpstr (info->udid, ==, UB_TEST_UDID_A);
  g_assert_cmpstr (info->device_name, ==, "Anna’s iPhone");
  g_assert_cmpstr (info->product_type, ==, "iPhone12,1");
  g_assert_cmpstr (info->product_version, ==, "17.1");
  g_assert_cmpstr (info->build_version, ==, "21B80");
  g_assert_cmpstr (info->serial_number, ==, "F2LZK0ABCDEF");
  g_assert_nonnull (info->date);
  g_assert_cmpint (g_date_time_to_unix (info->date), ==, spec.date);
  g_assert_cmpuint (info->size, ==, ub_test_backup_folder_size (path));
  g_assert_cmpuint (info->size, >, 7000);
  g_assert_false (info->encrypted);
  g_assert_true (info->complete);
  g_assert_null (info->problem);

  size = g_format_size (info->size);
  expected = g_strdup_printf ("Backed up 3 days ago, %s, not encrypted", size);
  summary = ub_backup_info_dup_summary_at (info, now);
  g_assert_cmpstr (summary, ==, expected);
}

static void
test_partial (Fixture       *f,
              gconstpointer  data)
{
  UbTestBackupSpec uploading = { UB_TEST_UDID_A, "uploading", FALSE, f->now - 3600 };
  UbTestBackupSpec no_status = { UB_TEST_UDID_B, NULL, FALSE, f->now - 7200 };
  UbTestBackupSpec undated = { UB_TEST_UDID_C, NULL, FALSE, 0 };
  g_autofree char *a = ub_test_backup_folder_write (f->dir, &uploading);
  g_autofree char *b = ub_test_backup_folder_write (f->dir, &no_status);
  g_autofree char *c = ub_test_backup_folder_write (f->dir, &undated);
  g_autoptr(GPtrArray) found = scan_one (f->dir, NULL);
  g_autoptr(GDateTime) now = g_date_time_new_from_unix_utc (f->now);

  g_assert_cmpuint (found->len, ==, 3);
  g_assert_cmpstr (((UbBackupInfo *)found->pdata[2])->path, ==, c);   /* undated last */
  g_assert_null (((UbBackupInfo *)found->pdata[2])->date);
  for (guint i = 0; i < 2; i++)
    {
      UbBackupInfo *info = found->pdata[i];
      g_autofree char *summary = ub_backup_info_dup_summary_at (info, now);

      g_assert_false (info->complete);
      g_assert_cmpstr (info->problem, ==, "It was interrupted before the iPhone finished it.");
      g_assert_true (g_str_has_prefix (summary, i == 0 ? "Incomplete backup, 1 hour ago, "
                                                       : "Incomplete backup, 2 hours ago, "));
      g_assert_null (strstr (summary, "encrypted"));
    }
  g_assert_cmpstr (((UbBackupInfo *)found->pdata[0])->path, ==, a);   /* newest first */
  g_assert_cmpstr (((UbBackupInfo *)found->pdata[1])->path, ==, b);
}

static void
test_encrypted (Fixture       *f,
                gconstpointer  data)
{
  UbTestBackupSpec spec = { UB_TEST_UDID_A, "finished", TRUE, f->now - 90 };
  g_autofree char *path = ub_test_backup_folder_write (f->dir, &spec);
  g_autoptr(GPtrArray) found = scan_one (f->dir, UB_TEST_UDID_A);
  g_autoptr(GDateTime) now = g_date_time_new_from_unix_utc (f->now);
  g_autofree char *summary = NULL;
  UbBackupInfo *info;

  g_assert_cmpuint (found->len, ==, 1);
  info = found->pdata[0];
  g_assert_true (info->encrypted);
  g_assert_true (info->complete);
  summary = ub_backup_info_dup_summary_at (info, now);
  g_assert_true (g_str_has_prefix (summary, "Backed up 1 minute ago, "));
  g_assert_true (g_str_has_suffix (summary, ", encrypted"));
}

static void
test_other_phone (Fixture       *f,
                  gconstpointer  data)
{
  UbTestBackupSpec mine = { UB_TEST_UDID_A, "finished", FALSE, f->now - DAY };
  UbTestBackupSpec other = { UB_TEST_UDID_B, "finished", FALSE, f->now };
  g_autofree char *a = ub_test_backup_folder_write (f->dir, &mine);
  g_autofree char *b = ub_test_backup_folder_write (f->dir, &other);
  g_autofree char *lower = g_ascii_strdown (UB_TEST_UDID_A, -1);
  g_autoptr(GPtrArray) all = scan_one (f->dir, NULL);
  g_autoptr(GPtrArray) only_a = scan_one (f->dir, UB_TEST_UDID_A);
  g_autoptr(GPtrArray) any_case = scan_one (f->dir, lower);
  g_autoptr(GPtrArray) nobody = scan_one (f->dir, "00008101-000000000000001E");

  g_assert_cmpuint (all->len, ==, 2);
  g_assert_cmpstr (((UbBackupInfo *)all->pdata[0])->udid, ==, UB_TEST_UDID_B);
  g_assert_cmpuint (only_a->len, ==, 1);
  g_assert_cmpstr (((UbBackupInfo *)only_a->pdata[0])->path, ==, a);
  g_assert_cmpuint (any_case->len, ==, 1);
  g_assert_cmpuint (nobody->len, ==, 0);
}

/* A folder this user may not enter: listed, with the reason. Root enters
 * anyway, so this case cannot be made as root. */
static void
test_unreadable_mode (Fixture       *f,
                      gconstpointer  data)
{
  UbTestBackupSpec spec = { UB_TEST_UDID_A, "finished", FALSE, f->now };
  g_autofree char *path = ub_test_backup_folder_write (f->dir, &spec);
  g_autoptr(GPtrArray) found = NULL;
  UbBackupInfo *info;

  if (geteuid () == 0)
    {
      g_test_skip ("root reads folders whatever their mode");
      return;
    }
  g_assert_cmpint (g_chmod (path, 0), ==, 0);
  found = scan_one (f->dir, UB_TEST_UDID_A);
  g_assert_cmpint (g_chmod (path, 0700), ==, 0);
  g_assert_cmpuint (found->len, ==, 1);
  info = found->pdata[0];
  g_assert_cmpstr (info->udid, ==, UB_TEST_UDID_A);      /* from the folder's name */
  g_assert_false (info->complete);
  g_assert_nonnull (info->problem);
  g_assert_true (g_str_has_prefix (info->problem, "It cannot be read: "));
}

static void
write_text (const char *dir,
            const char *name,
            const char *text,
            gssize      len)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, text, len, NULL));
}

/* Damaged files: the backup is listed as incomplete with the reason, the
 * scan carries on, and nothing reaches libplist's aborts */
static void
test_damaged (Fixture       *f,
              gconstpointer  data)
{
  UbTestBackupSpec spec = { UB_TEST_UDID_A, "finished", FALSE, f->now };
  g_autofree char *path = ub_test_backup_folder_write (f->dir, &spec);
  g_autofree char *status = g_build_filename (path, "Status.plist", NULL);
  static const char nul_info[] = "<plist><dict><key>Device Name</key><string>a\0b</string></dict></plist>";
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(UbBackupInfo) info = NULL;

  write_text (path, "Manifest.plist", "bplist00\xff\xff not really", 21);
  found = scan_one (f->dir, NULL);
  g_assert_cmpuint (found->len, ==, 1);
  info = ub_backup_info_copy (found->pdata[0]);
  g_assert_false (info->complete);
  g_assert_cmpstr (info->problem, ==, "Its list of files (Manifest.plist) is damaged.");
  g_assert_cmpstr (info->device_name, ==, "Anna’s iPhone");    /* Info.plist still read */
  g_clear_pointer (&info, ub_backup_info_free);

  /* A property list that is an array, not a dictionary */
  write_text (path, "Status.plist", "<plist><array><string>finished</string></array></plist>", -1);
  info = ub_backup_info_parse_folder (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->problem, ==, "Its status (Status.plist) is damaged.");
  g_clear_pointer (&info, ub_backup_info_free);

  /* A folder named Status.plist, and an Info.plist with a NUL in a string */
  g_assert_cmpint (g_remove (status), ==, 0);
  g_assert_cmpint (g_mkdir (status, 0700), ==, 0);
  write_text (path, "Info.plist", nul_info, sizeof nul_info - 1);
  info = ub_backup_info_parse_folder (path, &error);
  g_assert_no_error (error);
  g_assert_false (info->complete);
  g_assert_cmpstr (info->problem, ==, "Its status (Status.plist) is damaged.");
  g_assert_null (info->product_version);
}

/* Values of the wrong type are ignored, one by one */
static void
test_wrong_types (Fixture       *f,
                  gconstpointer  data)
{
  UbTestBackupSpec spec = { UB_TEST_UDID_A, "finished", FALSE, 0, 0, TRUE, TRUE };
  g_autofree char *path = ub_test_backup_folder_write (f->dir, &spec);
  g_autofree char *info_path = g_build_filename (path, "Info.plist", NULL);
  g_autofree char *manifest_path = g_build_filename (path, "Manifest.plist", NULL);
  g_autoptr(UbBackupInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  plist_t dict = plist_new_dict ();

  plist_dict_set_item (dict, "Last Backup Date", plist_new_string ("2024-03-05"));
  plist_dict_set_item (dict, "Device Name", plist_new_uint (7));
  plist_dict_set_item (dict, "Product Type", plist_new_string (""));
  plist_dict_set_item (dict, "Target Identifier", plist_new_string ("../../etc"));
  ub_test_backup_folder_write_plist (info_path, dict, FALSE);
  dict = plist_new_dict ();
  plist_dict_set_item (dict, "IsEncrypted", plist_new_string ("yes"));
  plist_dict_set_item (dict, "Lockdown", plist_new_array ());
  ub_test_backup_folder_write_plist (manifest_path, dict, TRUE);

  info = ub_backup_info_parse_folder (path, &error);
  g_assert_no_error (error);
  g_assert_true (info->complete);
  g_assert_false (info->encrypted);
  g_assert_null (info->device_name);
  g_assert_null (info->product_type);
  g_assert_null (info->date);
  g_assert_cmpstr (info->udid, ==, UB_TEST_UDID_A);        /* the folder's name, not "../../etc" */
}

/* Info.plist over its cap (app icons): the facts come from Manifest.plist */
static void
test_huge_info (Fixture       *f,
                gconstpointer  data)
{
  UbTestBackupSpec spec = { UB_TEST_UDID_B, "finished", TRUE, 0 };
  g_autofree char *path = ub_test_backup_folder_write (f->dir, &spec);
  g_autofree char *info_path = g_build_filename (path, "Info.plist", NULL);
  g_autofree guint8 *icons = g_malloc0 (UB_BACKUP_INFO_PLIST_MAX);
  g_autoptr(UbBackupInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  plist_t dict = plist_new_dict ();
  plist_t apps = plist_new_dict ();

  plist_dict_set_item (apps, "com.example.big", plist_new_data ((const char *)icons, UB_BACKUP_INFO_PLIST_MAX));
  plist_dict_set_item (dict, "Applications", apps);
  plist_dict_set_item (dict, "Device Name", plist_new_string ("Not read"));
  ub_test_backup_folder_write_plist (info_path, dict, FALSE);

  info = ub_backup_info_parse_folder (path, &error);
  g_assert_no_error (error);
  g_assert_true (info->complete);
  g_assert_null (info->problem);
  g_assert_true (info->encrypted);
  g_assert_cmpstr (info->device_name, ==, "Anna’s iPhone");
  g_assert_cmpstr (info->product_type, ==, "iPhone12,1");
  g_assert_cmpstr (info->udid, ==, UB_TEST_UDID_B);
  g_assert_cmpuint (info->size, >, UB_BACKUP_INFO_PLIST_MAX);
}

/* A FIFO where a plist should be must not block the scan */
static void
test_fifo (Fixture       *f,
           gconstpointer  data)
{
  UbTestBackupSpec spec = { UB_TEST_UDID_A, NULL, FALSE, f->now };
  g_autofree char *path = ub_test_backup_folder_write (f->dir, &spec);
  g_autofree char *status = g_build_filename (path, "Status.plist", NULL);
  g_autoptr(GPtrArray) found = NULL;
  UbBackupInfo *info;

  g_assert_cmpint (mkfifo (status, 0600), ==, 0);
  found = scan_one (f->dir, NULL);
  g_assert_cmpuint (found->len, ==, 1);
  info = found->pdata[0];
  g_assert_false (info->complete);
  g_assert_cmpstr (info->problem, ==, "Its status (Status.plist) is damaged.");
}

static void
test_folder_is_backup (Fixture       *f,
                       gconstpointer  data)
{
  UbTestBackupSpec spec = { UB_TEST_UDID_A, "finished", FALSE, f->now };
  g_autofree char *path = ub_test_backup_folder_write (f->dir, &spec);
  g_autofree char *link = g_build_filename (f->dir, "link", NULL);
  g_autoptr(GPtrArray) found = scan_one (path, NULL);
  g_autoptr(GPtrArray) twice = NULL;
  g_autoptr(GError) error = NULL;
  const char *folders[] = { path, f->dir, link, f->dir, NULL };

  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (((UbBackupInfo *)found->pdata[0])->path, ==, path);

  /* Reached four ways: listed once */
  g_assert_cmpint (symlink (path, link), ==, 0);
  twice = ub_backup_scan_sync (NULL, folders, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (twice->len, ==, 1);

  /* Not a backup at all */
  g_assert_null (ub_backup_info_parse_folder (f->dir, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_NOT_FOUND);
}

static void
test_missing_folders (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *missing = g_build_filename (f->dir, "nowhere", NULL);
  g_autofree char *file = g_build_filename (f->dir, "a-file", NULL);
  const char *folders[] = { missing, file, f->dir, NULL };
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *none = NULL;
  g_autofree char *expected = NULL;

  write_text (f->dir, "a-file", "x", 1);
  found = ub_backup_scan_sync (UB_TEST_UDID_A, folders, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 0);

  none = ub_backup_dup_none_found_text (UB_TEST_UDID_A, folders);
  expected = g_strdup_printf ("No backup of this iPhone was found in:\n  %s\n  %s\n  %s", missing, file, f->dir);
  g_assert_cmpstr (none, ==, expected);
}

static void
test_user_folder (Fixture       *f,
                  gconstpointer  data)
{
  UbTestBackupSpec spec = { UB_TEST_UDID_A, "finished", TRUE, f->now };
  g_autofree char *path = ub_test_backup_folder_write (f->dir, &spec);
  g_autofree char *own = g_build_filename (g_get_user_data_dir (), "unbrick", "backups", NULL);
  g_autofree char *messy = g_strconcat (f->dir, "/./", NULL);
  g_auto(GStrv) before = ub_backup_dup_search_folders ();
  g_auto(GStrv) after = NULL;
  g_auto(GStrv) added = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (before[0], ==, own);
  g_assert_false (g_strv_contains ((const char * const *)before, f->dir));
  g_assert_true (ub_backup_add_user_folder (f->dir, &error));
  g_assert_true (ub_backup_add_user_folder (messy, &error));      /* the same, once */
  g_assert_true (ub_backup_add_user_folder (own, &error));        /* a usual place, once */
  g_assert_no_error (error);
  added = ub_backup_dup_user_folders ();
  g_assert_cmpuint (g_strv_length (added), ==, 2);
  after = ub_backup_dup_search_folders ();
  g_assert_cmpuint (g_strv_length (after), ==, g_strv_length (before) + 1);
  g_assert_cmpstr (after[g_strv_length (after) - 1], ==, f->dir);

  found = ub_backup_scan_sync (UB_TEST_UDID_A, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (((UbBackupInfo *)found->pdata[0])->path, ==, path);

  g_assert_true (ub_backup_remove_user_folder (messy, &error));
  g_assert_true (ub_backup_remove_user_folder ("/not/added", &error));
  g_clear_pointer (&added, g_strfreev);
  added = ub_backup_dup_user_folders ();
  g_assert_cmpuint (g_strv_length (added), ==, 1);
  g_assert_cmpstr (added[0], ==, own);
  g_assert_true (ub_backup_remove_user_folder (own, &error));
  g_assert_no_error (error);
}

/* Our own folder, $XDG_DATA_HOME/unbrick/backups, is searched by default */
static void
test_own_folder (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *own = g_build_filename (g_get_user_data_dir (), "unbrick", "backups", NULL);
  UbTestBackupSpec spec = { UB_TEST_UDID_B, "finished", FALSE, f->now };
  g_autofree char *path = ub_test_backup_folder_write (own, &spec);
  g_autoptr(GPtrArray) found = ub_backup_scan_sync (NULL, NULL, NULL, NULL);

  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (((UbBackupInfo *)found->pdata[0])->path, ==, path);
}

static void
test_dates (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GDateTime) now = g_date_time_new_utc (2024, 3, 5, 12, 0, 0);
  struct { int seconds_ago; const char *text; } ages[] = {
    { 0, "just now" }, { 59, "just now" }, { 60, "1 minute ago" }, { 150, "2 minutes ago" },
    { 3600, "1 hour ago" }, { 23 * 3600, "23 hours ago" }, { DAY, "1 day ago" },
    { 29 * DAY, "29 days ago" }, { 30 * DAY, "on 4 February 2024" }, { -DAY, "on 6 March 2024" },
  };
  UbTestBackupSpec dated = { UB_TEST_UDID_A, "finished", FALSE, 0 };
  g_autofree char *path = ub_test_backup_folder_write (f->dir, &dated);
  g_autofree char *status = g_build_filename (path, "Status.plist", NULL);
  g_autoptr(UbBackupInfo) info = NULL;
  g_autofree char *summary = NULL;
  plist_t dict = plist_new_dict ();

  /* Noon UTC: the dates are the same in every time zone */
  for (guint i = 0; i < G_N_ELEMENTS (ages); i++)
    {
      g_autoptr(GDateTime) when = g_date_time_add_seconds (now, -ages[i].seconds_ago);
      g_autofree char *text = ub_backup_dup_age_text (when, now);

      g_assert_cmpstr (text, ==, ages[i].text);
    }

  /* No Last Backup Date: Status.plist's Date (the phone's, in 2001 seconds) */
  plist_dict_set_item (dict, "SnapshotState", plist_new_string ("finished"));
  plist_dict_set_item (dict, "Date", plist_new_date ((int32_t)(g_date_time_to_unix (now) - 978307200 - 2 * DAY), 0));
  ub_test_backup_folder_write_plist (status, dict, TRUE);
  info = ub_backup_info_parse_folder (path, NULL);
  g_assert_nonnull (info->date);
  summary = ub_backup_info_dup_summary_at (info, now);
  g_assert_true (g_str_has_prefix (summary, "Backed up 2 days ago, "));

  /* No date at all */
  g_clear_pointer (&info->date, g_date_time_unref);
  g_clear_pointer (&summary, g_free);
  summary = ub_backup_info_dup_summary_at (info, now);
  g_assert_true (g_str_has_prefix (summary, "Backed up on an unknown date, "));
}

static void
on_scanned (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GError **error = user_data;
  GPtrArray *found = ub_backup_scan_finish (result, error);

  g_assert_null (found);
  g_assert_nonnull (*error);
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  UbTestBackupSpec spec = { UB_TEST_UDID_A, "finished", FALSE, f->now, 30 };
  g_autofree char *path = ub_test_backup_folder_write (f->dir, &spec);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  const char *folders[] = { f->dir, NULL };
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  ub_backup_scan_async (NULL, folders, cancellable, on_scanned, &error);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_mode_note (void)
{
  g_assert_null (ub_backup_mode_note (UB_DEVICE_MODE_NORMAL));
  g_assert_null (ub_backup_mode_note (UB_DEVICE_MODE_UNKNOWN));
  g_assert_true (g_str_has_prefix (ub_backup_mode_note (UB_DEVICE_MODE_RECOVERY),
                                   "The iPhone is in recovery mode, so a backup is no longer possible"));
  g_assert_true (g_str_has_prefix (ub_backup_mode_note (UB_DEVICE_MODE_DFU),
                                   "The iPhone is in DFU mode, so a backup is no longer possible"));
  g_assert_nonnull (strstr (ub_backup_mode_note (UB_DEVICE_MODE_DFU), "erased"));
  g_assert_nonnull (ub_backup_mode_note (UB_DEVICE_MODE_RESTORE));
  g_assert_cmpstr (ub_backup_mode_note (UB_DEVICE_MODE_WTF), ==, ub_backup_mode_note (UB_DEVICE_MODE_DFU));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) g_test_add ("/unbrick/backup-scan/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("complete", test_complete);
  ADD ("partial", test_partial);
  ADD ("encrypted", test_encrypted);
  ADD ("other-phone", test_other_phone);
  ADD ("unreadable-mode", test_unreadable_mode);
  ADD ("damaged", test_damaged);
  ADD ("wrong-types", test_wrong_types);
  ADD ("huge-info", test_huge_info);
  ADD ("fifo", test_fifo);
  ADD ("folder-is-backup", test_folder_is_backup);
  ADD ("missing-folders", test_missing_folders);
  ADD ("user-folder", test_user_folder);
  ADD ("own-folder", test_own_folder);
  ADD ("dates", test_dates);
  ADD ("cancel", test_cancel);
#undef ADD
  g_test_add_func ("/unbrick/backup-scan/mode-note", test_mode_note);

  return g_test_run ();
}
