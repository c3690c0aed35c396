/* test-download-cli.c — unbrick-cli download and verify, spawned, against the test server
 *
 * The real unbrick-cli ($UB_CLI) is run as a script would run it: exit codes,
 * stdout (the path; JSON lines with --json-progress), messages on stderr, the
 * files left behind, and the server's log for what went over the wire. The
 * full disk is RLIMIT_FSIZE set in the child (write() fails with EFBIG).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "ub-test-download.h"

typedef struct
{
  GSubprocess *process;
  char        *out;
  char        *err;
  int          status;
} Cli;

static void
cli_clear (Cli *cli)
{
  g_clear_object (&cli->process);
  g_clear_pointer (&cli->out, g_free);
  g_clear_pointer (&cli->err, g_free);
}

static void
limit_file_size (gpointer data)
{
  struct rlimit lim;

  /* in the child, before exec: ignored signals stay ignored */
  signal (SIGXFSZ, SIG_IGN);
  getrlimit (RLIMIT_FSIZE, &lim);
  lim.rlim_cur = MIB;
  setrlimit (RLIMIT_FSIZE, &lim);
}

static void
cli_spawnv (Cli         *cli,
            gboolean     small_disk,
            const char **args)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (argv, (char *)g_getenv ("UB_CLI"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *)args[i]);
  g_ptr_array_add (argv, NULL);
  if (small_disk)
    g_subprocess_launcher_set_child_setup (launcher, limit_file_size, NULL, NULL);
  cli->process = g_subprocess_launcher_spawnv (launcher, (const char * const *)argv->pdata, &error);
  g_assert_no_error (error);
}

static int
cli_finish (Cli *cli)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8 (cli->process, NULL, NULL, &cli->out, &cli->err, &error);
  g_assert_no_error (error);
  cli->status = g_subprocess_get_if_exited (cli->process) ? g_subprocess_get_exit_status (cli->process) : -1;
  g_test_message ("unbrick-cli → %d\n%s%s", cli->status, cli->out, cli->err);
  return cli->status;
}

static int
cli_run (Cli         *cli,
         gboolean     small_disk,
         const char **args)
{
  cli_clear (cli);
  cli_spawnv (cli, small_disk, args);
  return cli_finish (cli);
}

static void
test_download (void)
{
  g_autofree char *dir = ub_test_new_dir ();
  g_autofree char *url = ub_test_blob_url ("");
  g_autofree char *expected = g_build_filename (dir, "blob.bin", NULL);
  g_autofree char *upper = g_ascii_strup (ub_test_blob.sha256, -1);
  const char *args[] = { "download", url, "--to", dir, "--sha256", upper, "--size", "3150049", NULL };
  Cli cli = { 0 };

  g_assert_cmpint (cli_run (&cli, FALSE, args), ==, 0);
  g_assert_true (g_str_has_prefix (cli.out, expected));
  g_assert_cmpstr (cli.out + strlen (expected), ==, "\n");
  ub_test_assert_blob (expected);
  g_assert_false (ub_test_exists (dir, "blob.bin.part"));
  cli_clear (&cli);
}

static void
test_json_progress (void)
{
  g_autofree char *dir = ub_test_new_dir ();
  g_autofree char *url = ub_test_blob_url ("/fault/rate=4000000");
  const char *args[] = { "download", url, "--to", dir, "--json-progress", NULL };
  g_auto(GStrv) lines = NULL;
  guint n = 0;
  Cli cli = { 0 };

  g_assert_cmpint (cli_run (&cli, FALSE, args), ==, 0);
  lines = g_strsplit (g_strstrip (cli.out), "\n", -1);
  for (n = 0; lines[n] != NULL; n++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *o;

      g_assert_true (json_parser_load_from_data (parser, lines[n], -1, NULL));
      o = json_node_get_object (json_parser_get_root (parser));
      g_assert_true (json_object_has_member (o, "state"));
      if (lines[n + 1] == NULL)
        {
          g_assert_cmpstr (json_object_get_string_member (o, "state"), ==, "done");
          g_assert_cmpstr (json_object_get_string_member (o, "sha256"), ==, ub_test_blob.sha256);
        }
    }
  g_assert_cmpuint (n, >=, 3);
  cli_clear (&cli);
}

static void
test_failures (void)
{
  g_autofree char *dir = ub_test_new_dir ();
  g_autofree char *corrupt = ub_test_blob_url ("/fault/corrupt-byte=99");
  g_autofree char *missing = ub_test_blob_url ("/fault/status=404");
  const char *damaged[] = { "download", corrupt, "--to", dir, "--sha256", ub_test_blob.sha256, NULL };
  const char *not_found[] = { "download", missing, "--to", dir, NULL };
  const char *bad_hex[] = { "download", missing, "--sha1", "abc", NULL };
  const char *no_url[] = { "download", NULL };
  Cli cli = { 0 };

  g_assert_cmpint (cli_run (&cli, FALSE, damaged), ==, 6);
  g_assert_nonnull (strstr (cli.err, "damaged"));
  g_assert_false (ub_test_exists (dir, "blob.bin.part"));
  g_assert_cmpint (cli_run (&cli, FALSE, not_found), ==, 8);
  g_assert_nonnull (strstr (cli.err, "404"));
  g_assert_cmpint (cli_run (&cli, FALSE, bad_hex), ==, 2);
  g_assert_cmpint (cli_run (&cli, FALSE, no_url), ==, 2);
  cli_clear (&cli);
}

/* The disk fills at 1 MiB: exit 7, the .part kept; run again, it continues */
static void
test_no_space (void)
{
  g_autofree char *dir = ub_test_new_dir ();
  g_autofree char *url = ub_test_blob_url ("");
  const char *args[] = { "download", url, "--to", dir, "--sha256", ub_test_blob.sha256, NULL };
  g_autoptr(GPtrArray) log = NULL;
  Cli cli = { 0 };

  g_assert_cmpint (cli_run (&cli, TRUE, args), ==, 7);
  g_assert_nonnull (strstr (cli.err, "disk is full"));
  g_assert_nonnull (strstr (cli.err, "blob.bin.part"));
  g_assert_cmpint (ub_test_size_of (dir, "blob.bin.part"), ==, MIB);

  ub_test_httpd_clear_log (ub_test_blob.httpd);
  g_assert_cmpint (cli_run (&cli, FALSE, args), ==, 0);
  log = ub_test_httpd_wait_log (ub_test_blob.httpd, 1);
  g_assert_cmpstr (ub_test_log_range (log, 0), ==, "bytes=1048576-");
  cli_clear (&cli);
}

/* Ctrl-C: exit 1, the .part kept and how to go on said; run again, it continues */
static void
test_interrupt (void)
{
  g_autofree char *dir = ub_test_new_dir ();
  g_autofree char *slow = ub_test_blob_url ("/fault/rate=1000000");
  g_autofree char *fast = ub_test_blob_url ("");
  const char *args[] = { "download", slow, "--to", dir, NULL };
  const char *again[] = { "download", fast, "--to", dir, "--sha1", ub_test_blob.sha1, NULL };
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  g_autoptr(GPtrArray) log = NULL;
  Cli cli = { 0 };

  cli_spawnv (&cli, FALSE, args);
  while (ub_test_size_of (dir, "blob.bin.part") < 200 * 1024)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (20 * 1000);
    }
  g_subprocess_send_signal (cli.process, SIGINT);
  g_assert_cmpint (cli_finish (&cli), ==, 1);
  g_assert_nonnull (strstr (cli.err, "run the same command again"));
  g_assert_cmpint (ub_test_size_of (dir, "blob.bin.part"), >=, 200 * 1024);
  g_assert_false (ub_test_exists (dir, "blob.bin.part.lock"));

  ub_test_httpd_clear_log (ub_test_blob.httpd);
  g_assert_cmpint (cli_run (&cli, FALSE, again), ==, 0);
  log = ub_test_httpd_wait_log (ub_test_blob.httpd, 1);
  g_assert_cmpuint (log->len, ==, 1);
  g_assert_nonnull (ub_test_log_range (log, 0));
  cli_clear (&cli);
}

/* Two processes download the same file: one transfer, both succeed */
static void
test_two_processes (void)
{
  g_autofree char *dir = ub_test_new_dir ();
  g_autofree char *url = ub_test_blob_url ("/fault/rate=3000000");
  g_autofree char *expected = g_build_filename (dir, "blob.bin\n", NULL);
  const char *args[] = { "download", url, "--to", dir, "--sha256", ub_test_blob.sha256, NULL };
  g_autoptr(GPtrArray) log = NULL;
  Cli a = { 0 }, b = { 0 };

  ub_test_httpd_clear_log (ub_test_blob.httpd);
  cli_spawnv (&a, FALSE, args);
  cli_spawnv (&b, FALSE, args);
  g_assert_cmpint (cli_finish (&a), ==, 0);
  g_assert_cmpint (cli_finish (&b), ==, 0);
  g_assert_cmpstr (a.out, ==, expected);
  g_assert_cmpstr (b.out, ==, expected);
  ub_test_assert_blob (g_strstrip (a.out));
  log = ub_test_httpd_wait_log (ub_test_blob.httpd, 1);
  g_assert_cmpuint (log->len, ==, 1);
  g_assert_false (ub_test_exists (dir, "blob.bin.part.lock"));
  cli_clear (&a);
  cli_clear (&b);
}

static void
test_verify (void)
{
  g_autofree char *file = g_build_filename (ub_test_blob.tmp_dir, "www", "blob.bin", NULL);
  g_autofree char *missing = g_build_filename (ub_test_blob.tmp_dir, "missing.bin", NULL);
  const char *good[] = { "verify", file, "--sha256", ub_test_blob.sha256, "--sha1", ub_test_blob.sha1, NULL };
  const char *bad[] = { "verify", file, "--sha1", "0000000000000000000000000000000000000000", NULL };
  const char *absent[] = { "verify", missing, "--sha1", ub_test_blob.sha1, NULL };
  const char *no_digest[] = { "verify", file, NULL };
  Cli cli = { 0 };

  g_assert_cmpint (cli_run (&cli, FALSE, good), ==, 0);
  g_assert_nonnull (strstr (cli.out, ub_test_blob.sha256));
  g_assert_cmpint (cli_run (&cli, FALSE, bad), ==, 6);
  g_assert_nonnull (strstr (cli.err, ub_test_blob.sha1));
  g_assert_cmpint (cli_run (&cli, FALSE, absent), ==, 1);
  g_assert_cmpint (cli_run (&cli, FALSE, no_digest), ==, 2);
  cli_clear (&cli);
}

int
main (int   argc,
      char *argv[])
{
  ub_test_blob_setup (&argc, &argv);
  g_test_add_func ("/unbrick/download/cli-download", test_download);
  g_test_add_func ("/unbrick/download/cli-json-progress", test_json_progress);
  g_test_add_func ("/unbrick/download/cli-failures", test_failures);
  g_test_add_func ("/unbrick/download/cli-no-space", test_no_space);
  g_test_add_func ("/unbrick/download/cli-interrupt", test_interrupt);
  g_test_add_func ("/unbrick/download/cli-two-processes", test_two_processes);
  g_test_add_func ("/unbrick/download/cli-verify", test_verify);
  return ub_test_blob_run ();
}
