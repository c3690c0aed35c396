/* test-vphone-cli.c — vphone as a command: options, environment, exit, cleanup
 *
 * Runs vphone itself (not under it), so it also covers the re-exec through
 * umockdev-wrapper.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "ub-vphone-testutil.h"

#define TIMEOUT 30.0

static char *vphone;

static UbVphoneRun *
run_vphone (const char *first,
            ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char *arg = first;
  va_list args;
  UbVphoneRun *run;

  g_ptr_array_add (argv, vphone);
  va_start (args, first);
  for (; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  run = ub_vphone_run_tool ((const char * const *) argv->pdata, TIMEOUT);
  g_test_message ("stdout: %s\nstderr: %s", run->out, run->err);
  return run;
}

static void
test_exit_status (void)
{
  g_autoptr(UbVphoneRun) exited = run_vphone ("--", "sh", "-c", "exit 3", NULL);
  g_autoptr(UbVphoneRun) killed = run_vphone ("--", "sh", "-c", "kill -SEGV $$", NULL);

  g_assert_cmpint (exited->status, ==, 3);
  g_assert_cmpint (killed->status, ==, 128 + SIGSEGV);
}

static void
test_environment (void)
{
  g_autoptr(UbVphoneRun) run = NULL;
  g_auto(GStrv) values = NULL;

  g_setenv ("LD_PRELOAD", "libm.so.6", TRUE);
  run = run_vphone ("--", "sh", "-c",
                    "echo \"$LD_PRELOAD|$UMOCKDEV_DIR|$USBMUXD_SOCKET_ADDRESS|"
                    "$UNBRICK_VPHONE_CONTROL|$UNBRICK_VPHONE_RECORD|$UNBRICK_VPHONE_REEXEC\"",
                    NULL);
  g_unsetenv ("LD_PRELOAD");
  g_assert_cmpint (run->status, ==, 0);
  values = g_strsplit (g_strchomp (run->out), "|", -1);
  g_assert_cmpuint (g_strv_length (values), ==, 6);
  g_assert_cmpstr (values[0], ==, "libm.so.6:libumockdev-preload.so.0");
  g_assert_true (g_str_has_prefix (values[1], "/"));
  g_assert_true (g_str_has_prefix (values[2], "UNIX:/"));
  g_assert_true (g_str_has_suffix (values[2], "/usbmuxd.sock"));
  g_assert_true (g_str_has_suffix (values[3], "/control.sock"));
  g_assert_true (g_str_has_suffix (values[4], "/record.txt"));
  g_assert_cmpstr (values[5], ==, "");
  /* All of it is gone afterwards. */
  g_assert_false (g_file_test (values[1], G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (values[2] + 5, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (values[4], G_FILE_TEST_EXISTS));
}

/* Whatever the command leaves running ends with it. */
static void
test_no_leftovers (void)
{
  g_autoptr(UbVphoneRun) run = run_vphone ("--", "sh", "-c", "sleep 300 & echo $!", NULL);
  int pid = atoi (run->out);

  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpint (pid, >, 0);
  g_assert_cmpint (kill (pid, 0), ==, -1);
  g_assert_cmpint (errno, ==, ESRCH);
  g_assert_cmpfloat (run->wall_seconds, <, 10);
}

static void
on_line (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  char **line = data;

  *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL, NULL);
}

/* SIGTERM to vphone goes to the command; vphone then exits as it did. */
static void
test_forwards_signals (void)
{
  const char *argv[] = { vphone, "--", "sh", "-c", "echo ready; exec sleep 300", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_autoptr(GDataInputStream) output = NULL;
  g_autofree char *line = NULL;

  g_assert_no_error (error);
  output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  g_data_input_stream_read_line_async (output, G_PRIORITY_DEFAULT, NULL, on_line, &line);
  while (line == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (line, ==, "ready");
  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 128 + SIGTERM);
}

static void
test_errors (void)
{
  g_autoptr(UbVphoneRun) model = run_vphone ("--model", "iPhone99,9", "--", "true", NULL);
  g_autoptr(UbVphoneRun) mode = run_vphone ("--mode", "sleeping", "--", "true", NULL);
  g_autoptr(UbVphoneRun) ecid = run_vphone ("--ecid", "nothex", "--", "true", NULL);
  g_autoptr(UbVphoneRun) no_command = run_vphone (NULL);
  g_autoptr(UbVphoneRun) not_found = run_vphone ("--", "/nonexistent/tool", NULL);

  g_assert_cmpint (model->status, ==, 125);
  g_assert_nonnull (strstr (model->err, "iPhone99,9"));
  g_assert_cmpint (mode->status, ==, 125);
  g_assert_cmpint (ecid->status, ==, 125);
  g_assert_cmpint (no_command->status, ==, 125);
  g_assert_cmpint (not_found->status, ==, 127);
}

static char *
write_file (const char *name,
            const char *contents)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (g_get_tmp_dir (), name, NULL);

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

static void
test_bad_scenario (void)
{
  g_autofree char *path = write_file ("bad-scenario.txt", "mode recovery\n\npress elbow\n");
  g_autoptr(UbVphoneRun) run = run_vphone ("--scenario", path, "--", "true", NULL);

  g_assert_cmpint (run->status, ==, 125);
  g_assert_nonnull (strstr (run->err, "line 3"));
  g_unlink (path);
}

/* A scenario with timed lines, an explicit record file and control socket. */
static void
test_scenario (void)
{
  g_autofree char *scenario = write_file ("scenario.txt",
                                          "# a phone stuck in a recovery loop\n"
                                          "setenv auto-boot false\n"
                                          "mode recovery\n"
                                          "at 2 unplug\n"
                                          "at 3 plug\n"
                                          "wait pid=0x1281 5\n"
                                          "tap power\n");
  g_autofree char *record_path = g_build_filename (g_get_tmp_dir (), "record.txt", NULL);
  g_autofree char *control = g_build_filename (g_get_tmp_dir (), "phone.sock", NULL);
  g_autoptr(UbVphoneRun) run = NULL;
  g_autofree char *record = NULL;
  g_autofree char *check = g_strdup_printf ("test -S %s && sleep 1", control);
  const char *order[] = { "control setenv auto-boot false", "phone mode=recovery screen=recovery",
                          "control unplug", "usb detach 05ac:1281", "control plug",
                          "usb attach 05ac:1281", "control tap power", NULL };
  const char *at = NULL;

  run = run_vphone ("--scenario", scenario, "--record", record_path, "--control", control,
                    "--", "sh", "-c", check, NULL);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_false (g_file_test (control, G_FILE_TEST_EXISTS));
  g_file_get_contents (record_path, &record, NULL, NULL);
  g_assert_nonnull (record);
  at = record;
  for (guint i = 0; order[i] != NULL; i++)
    {
      at = strstr (at, order[i]);
      g_assert_nonnull (at);
    }
  g_unlink (record_path);
  g_unlink (scenario);
}

static void
test_options (void)
{
  g_autoptr(UbVphoneRun) run = run_vphone ("--verbose", "--model", "iPhone9,1", "--mode", "dfu",
                                           "--ecid", "0x1234abcd", "--", "sh", "-c",
                                           "irecovery -q | grep -E 'CPID|ECID|MODE'; "
                                           "echo \"[$G_MESSAGES_DEBUG]\"", NULL);

  g_assert_cmpint (run->status, ==, 0);
  g_assert_nonnull (strstr (run->out, "CPID: 0x8010\n"));
  g_assert_nonnull (strstr (run->out, "ECID: 0x000000001234abcd\n"));
  g_assert_nonnull (strstr (run->out, "MODE: DFU\n"));
  /* --verbose is for the simulator, not for the command. */
  g_assert_nonnull (strstr (run->out, "[]"));
  g_assert_nonnull (strstr (run->err, "ub-vphone-DEBUG"));
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  vphone = g_test_build_filename (G_TEST_BUILT, "vphone", NULL);
  g_unsetenv ("G_MESSAGES_DEBUG");

  g_test_add_func ("/vphone/cli/exit-status", test_exit_status);
  g_test_add_func ("/vphone/cli/environment", test_environment);
  g_test_add_func ("/vphone/cli/no-leftovers", test_no_leftovers);
  g_test_add_func ("/vphone/cli/forwards-signals", test_forwards_signals);
  g_test_add_func ("/vphone/cli/errors", test_errors);
  g_test_add_func ("/vphone/cli/bad-scenario", test_bad_scenario);
  g_test_add_func ("/vphone/cli/scenario", test_scenario);
  g_test_add_func ("/vphone/cli/options", test_options);
  status = g_test_run ();
  g_free (vphone);
  return status;
}
