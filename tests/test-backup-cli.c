/* test-backup-cli.c — unbrick-cli backups, as a script would run it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ub-test-backup-folder.h"
#include "ub-test-cli.h"
#include "ub-test-files.h"

static char *tmp_dir;
static char *backup_a;     /* complete, encrypted, a day old */
static char *backup_b;     /* interrupted, an hour old */

static void
test_json (void)
{
  g_auto(UbTestCliRun) run = { 0 };
  g_autoptr(JsonNode) root = NULL;
  static const char * const keys[] = {
    "build_version", "complete", "date", "device_name", "encrypted", "path", "problem",
    "product_type", "product_version", "serial_number", "size", "summary", "udid",
  };
  JsonObject *top, *a, *b;
  JsonArray *backups;
  g_autoptr(GList) members = NULL;
  guint i = 0;

  g_assert_cmpint (ub_test_cli (&run, "backups", "--folder", tmp_dir, "--json", NULL), ==, 0);
  root = ub_test_parse_json (run.out);
  top = json_node_get_object (root);
  g_assert_true (json_object_get_null_member (top, "udid"));
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (top, "folders"), 0), ==, tmp_dir);
  backups = json_object_get_array_member (top, "backups");
  g_assert_cmpuint (json_array_get_length (backups), ==, 2);

  b = json_array_get_object_element (backups, 0);        /* newest first */
  a = json_array_get_object_element (backups, 1);
  members = json_object_get_members (a);
  members = g_list_sort (members, (GCompareFunc)strcmp);
  g_assert_cmpuint (g_list_length (members), ==, G_N_ELEMENTS (keys));
  for (GList *l = members; l != NULL; l = l->next)
    g_assert_cmpstr (l->data, ==, keys[i++]);

  g_assert_cmpstr (json_object_get_string_member (a, "path"), ==, backup_a);
  g_assert_cmpstr (json_object_get_string_member (a, "udid"), ==, UB_TEST_UDID_A);
  g_assert_cmpstr (json_object_get_string_member (a, "product_type"), ==, "iPhone12,1");
  g_assert_true (json_object_get_boolean_member (a, "encrypted"));
  g_assert_true (json_object_get_boolean_member (a, "complete"));
  g_assert_true (json_object_get_null_member (a, "problem"));
  g_assert_cmpint (json_object_get_int_member (a, "size"), ==, ub_test_backup_folder_size (backup_a));
  g_assert_true (g_str_has_prefix (json_object_get_string_member (a, "summary"), "Backed up 1 day ago, "));
  g_assert_true (g_str_has_suffix (json_object_get_string_member (a, "date"), "Z"));

  g_assert_cmpstr (json_object_get_string_member (b, "udid"), ==, UB_TEST_UDID_B);
  g_assert_false (json_object_get_boolean_member (b, "complete"));
  g_assert_cmpstr (json_object_get_string_member (b, "problem"), ==,
                   "It was interrupted before the iPhone finished it.");
}

static void
test_udid (void)
{
  g_auto(UbTestCliRun) run = { 0 };
  g_autoptr(JsonNode) root = NULL;
  JsonArray *backups;

  g_assert_cmpint (ub_test_cli (&run, "backups", "--folder", tmp_dir, "--udid", UB_TEST_UDID_B, "--json", NULL), ==, 0);
  root = ub_test_parse_json (run.out);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "udid"), ==, UB_TEST_UDID_B);
  backups = json_object_get_array_member (json_node_get_object (root), "backups");
  g_assert_cmpuint (json_array_get_length (backups), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (backups, 0), "path"), ==, backup_b);
}

static void
test_text (void)
{
  g_auto(UbTestCliRun) run = { 0 };
  g_auto(GStrv) lines = NULL;

  g_assert_cmpint (ub_test_cli (&run, "backups", "--folder", tmp_dir, NULL), ==, 0);
  lines = g_strsplit (run.out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 7);     /* heading, 2 + 3 lines, "" */
  g_assert_nonnull (strstr (lines[0], "ENCRYPTED"));
  g_assert_nonnull (strstr (lines[1], UB_TEST_UDID_B));
  g_assert_nonnull (strstr (lines[2], backup_b));
  g_assert_nonnull (strstr (lines[3], "interrupted"));
  g_assert_nonnull (strstr (lines[4], UB_TEST_UDID_A));
  g_assert_nonnull (strstr (lines[4], "Anna’s iPhone (iPhone12,1, iOS 17.1)"));
  g_assert_nonnull (strstr (lines[5], backup_a));
  g_assert_cmpstr (lines[6], ==, "");
}

static void
test_none (void)
{
  g_auto(UbTestCliRun) run = { 0 };
  g_autofree char *empty = g_build_filename (tmp_dir, "empty", NULL);
  g_autofree char *expected = g_strdup_printf ("No backup of this iPhone was found in:\n  %s\n", empty);

  g_assert_cmpint (ub_test_cli (&run, "backups", "--folder", empty, "--udid", UB_TEST_UDID_A, NULL), ==, 0);
  g_assert_cmpstr (run.out, ==, expected);

  /* The usual places (GTest points the child's $HOME and XDG folders at
   * /dev/null: nothing can be found there) */
  g_assert_cmpint (ub_test_cli (&run, "backups", NULL), ==, 0);
  g_assert_true (g_str_has_prefix (run.out, "No iPhone backup was found in:\n"));
  g_assert_nonnull (strstr (run.out, "/unbrick/backups\n"));
  g_assert_nonnull (strstr (run.out, "MobileSync/Backup"));
}

static void
test_usage (void)
{
  g_auto(UbTestCliRun) run = { 0 };

  g_assert_cmpint (ub_test_cli (&run, "backups", "--udid", "../etc", NULL), ==, 2);
  g_assert_nonnull (strstr (run.err, "--udid"));
  g_assert_cmpint (ub_test_cli (&run, "backups", "extra", NULL), ==, 2);
  g_assert_cmpint (ub_test_cli (&run, "backups", "--help", NULL), ==, 0);
  g_assert_nonnull (strstr (run.out, "--folder"));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  UbTestBackupSpec a = { UB_TEST_UDID_A, "finished", TRUE, now - 24 * 3600 - 60, 5 };
  UbTestBackupSpec b = { UB_TEST_UDID_B, "uploading", FALSE, now - 3600, 2 };
  int ret;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  if (g_getenv ("UB_CLI") == NULL)
    {
      g_test_skip ("UB_CLI is not set");
      return 77;
    }
  tmp_dir = g_dir_make_tmp ("unbrick-backup-cli-XXXXXX", &error);
  g_assert_no_error (error);
  backup_a = ub_test_backup_folder_write (tmp_dir, &a);
  backup_b = ub_test_backup_folder_write (tmp_dir, &b);

  g_test_add_func ("/unbrick/backup-cli/json", test_json);
  g_test_add_func ("/unbrick/backup-cli/udid", test_udid);
  g_test_add_func ("/unbrick/backup-cli/text", test_text);
  g_test_add_func ("/unbrick/backup-cli/none", test_none);
  g_test_add_func ("/unbrick/backup-cli/usage", test_usage);

  ret = g_test_run ();
  ub_test_remove_tree (tmp_dir);
  g_free (tmp_dir);
  g_free (backup_a);
  g_free (backup_b);
  return ret;
}
