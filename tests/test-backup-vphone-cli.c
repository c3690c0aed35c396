/* test-backup-vphone-cli.c — unbrick-cli backup against the virtual iPhone
 *
 * Runs as the child of vphone (an iPhone X running iOS) and runs the real
 * unbrick-cli ($UB_CLI) as a script would: exit codes, the path on stdout,
 * JSON progress, Ctrl-C. Time runs 30 times faster (UNBRICK_TIME_SCALE).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <string.h>

#include "ub-core.h"
#include "ub-test-backup-vphone.h"
#include "ub-test-cli.h"
#include "ub-test-device.h"
#include "ub-test-files.h"

static UbVphoneClient *phone;
static char           *udid;
static char           *tmpdir;

static char *
new_folder (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

/* Without --udid: the one phone running iOS */
static void
test_backup (void)
{
  g_autofree char *folder = new_folder ("plain");
  g_autofree char *path = g_build_filename (folder, udid, NULL);
  g_autofree char *expected = g_strconcat (path, "\n", NULL);
  g_autofree char *state = NULL;
  g_auto(UbTestCliRun) run = { 0 };
  UbVphoneBackupLayout layout;

  ub_test_backup_setup (phone, &layout, 1024 * 1024, 5);
  g_assert_cmpint (ub_test_cli (&run, "backup", "--to", folder, NULL), ==, 0);
  g_assert_cmpstr (run.out, ==, expected);
  ub_test_backup_check_files (path, &layout);
  state = ub_test_backup_snapshot_state (path);
  g_assert_cmpstr (state, ==, "finished");
}

static void
test_json_progress (void)
{
  g_autofree char *folder = new_folder ("json");
  g_autofree char *path = g_build_filename (folder, udid, NULL);
  g_auto(UbTestCliRun) run = { 0 };
  g_auto(GStrv) lines = NULL;
  UbVphoneBackupLayout layout;
  double last = -1;
  guint n;

  ub_test_backup_setup (phone, &layout, 512 * 1024, 3);
  g_assert_cmpint (ub_test_cli (&run, "backup", "--udid", udid, "--to", folder, "--json-progress", NULL), ==, 0);
  lines = g_strsplit (g_strstrip (run.out), "\n", -1);
  n = g_strv_length (lines);
  g_assert_cmpuint (n, >=, 2);
  for (guint i = 0; i + 1 < n; i++)
    {
      g_autoptr(JsonNode) node = ub_test_parse_json (lines[i]);
      JsonObject *o = json_node_get_object (node);
      double fraction = json_object_get_double_member (o, "fraction");

      g_assert_cmpstr (json_object_get_string_member (o, "state"), ==, "running");
      g_assert_cmpfloat (fraction, >=, last);
      last = fraction;
    }
  g_assert_cmpfloat (last, ==, 1.0);
  {
    g_autoptr(JsonNode) node = ub_test_parse_json (lines[n - 1]);
    JsonObject *o = json_node_get_object (node);

    g_assert_cmpstr (json_object_get_string_member (o, "state"), ==, "done");
    g_assert_cmpstr (json_object_get_string_member (o, "path"), ==, path);
  }
  ub_test_backup_check_files (path, &layout);
}

static void
test_no_space (void)
{
  g_autofree char *folder = new_folder ("no-space");
  g_auto(UbTestCliRun) run = { 0 };

  ub_test_vphone_run (phone, "set data-used 4000000000000000000");
  g_assert_cmpint (ub_test_cli (&run, "backup", "--udid", udid, "--to", folder, NULL), ==, 7);
  ub_test_vphone_run (phone, "set data-used auto");
  g_assert_nonnull (strstr (run.err, "Not enough free disk space"));
  g_assert_cmpstr (run.out, ==, "");
}

static void
test_stall (void)
{
  g_autofree char *folder = new_folder ("stall");
  g_auto(UbTestCliRun) run = { 0 };
  UbVphoneBackupLayout layout;

  ub_test_backup_setup (phone, &layout, 2 * 1024 * 1024, 4);
  ub_test_vphone_run (phone, "fault backup-stall");
  g_assert_cmpint (ub_test_cli (&run, "backup", "--udid", udid, "--to", folder, NULL), ==, 4);
  ub_test_vphone_run (phone, "clear-faults");
  g_assert_nonnull (strstr (run.err, "sent nothing for 60 seconds"));
}

static void
test_usage (void)
{
  g_auto(UbTestCliRun) run = { 0 };

  g_assert_cmpint (ub_test_cli (&run, "backup", "--udid", udid, "surplus", NULL), ==, 2);
  g_assert_cmpint (ub_test_cli (&run, "backup", "--udid", "../../etc", "--to", tmpdir, NULL), ==, 1);
  g_assert_nonnull (strstr (run.err, "not the identifier of an iPhone"));
}

/* Ctrl-C half way: exit 1, what was copied is kept and marked incomplete */
static void
test_interrupt (void)
{
  g_autofree char *folder = new_folder ("interrupt");
  g_autofree char *path = g_build_filename (folder, udid, NULL);
  g_autofree char *state = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) cli = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  UbVphoneBackupLayout layout;
  char *line;

  ub_test_backup_setup (phone, &layout, 64 * 1024 * 1024, 16);
  ub_test_vphone_run (phone, "set backup-rate 8000000");
  cli = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                          g_getenv ("UB_CLI"), "backup", "--udid", udid, "--to", folder, "--json-progress", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (cli));
  while ((line = g_data_input_stream_read_line (out, NULL, NULL, &error)) != NULL)
    {
      g_autoptr(JsonNode) node = ub_test_parse_json (line);
      JsonObject *o = json_node_get_object (node);

      g_free (line);
      if (json_object_get_int_member (o, "bytes") >= 2 * 1024 * 1024)
        break;
    }
  g_assert_no_error (error);
  g_subprocess_send_signal (cli, SIGINT);
  g_subprocess_communicate_utf8 (cli, NULL, NULL, NULL, &err, &error);
  ub_test_vphone_run (phone, "set backup-rate 0");
  g_assert_no_error (error);
  g_test_message ("unbrick-cli after Ctrl-C: %s", err);
  g_assert_true (g_subprocess_get_if_exited (cli));
  g_assert_cmpint (g_subprocess_get_exit_status (cli), ==, 1);
  g_assert_nonnull (strstr (err, "The backup was stopped."));
  g_assert_nonnull (strstr (err, "marked as an incomplete backup"));
  state = ub_test_backup_snapshot_state (path);
  g_assert_cmpstr (state, !=, "finished");
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  phone = ub_test_vphone ();
  udid = ub_test_backup_udid (phone);
  tmpdir = g_dir_make_tmp ("test-backup-cli-XXXXXX", NULL);
  g_assert_nonnull (tmpdir);

  g_test_add_func ("/unbrick/backup-cli/backup", test_backup);
  g_test_add_func ("/unbrick/backup-cli/json-progress", test_json_progress);
  g_test_add_func ("/unbrick/backup-cli/no-space", test_no_space);
  g_test_add_func ("/unbrick/backup-cli/stall", test_stall);
  g_test_add_func ("/unbrick/backup-cli/usage", test_usage);
  g_test_add_func ("/unbrick/backup-cli/interrupt", test_interrupt);
  status = g_test_run ();

  ub_test_remove_tree (tmpdir);
  g_free (tmpdir);
  g_free (udid);
  g_object_unref (phone);
  return status;
}
