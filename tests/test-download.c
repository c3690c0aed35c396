/* test-download.c — UbDownload against the loopback test server's faults
 *
 * tests/httpd/ub-test-httpd.py serves a 3 MiB file of random bytes; each case
 * picks a fault through the URL and checks the result, the files left behind
 * and, from the server's log, what went over the wire (how many requests,
 * which ranges, how many bytes). meson runs every case as its own test with
 * UNBRICK_TIME_SCALE=30, so a 30 s stall window takes one second.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ub-test-download.h"

static void
test_plain (void)
{
  g_autofree char *dir = ub_test_new_dir ();
  g_autofree char *upper = g_ascii_strup (ub_test_blob.sha1, -1);
  g_autofree char *the_url = ub_test_blob_url ("");
  g_autoptr(GPtrArray) log = NULL;
  UbTestRun run = { 0 };

  ub_test_httpd_clear_log (ub_test_blob.httpd);
  run.dl = ub_download_new (the_url, dir, NULL);
  g_assert_true (g_str_has_suffix (ub_download_get_path (run.dl), "/blob.bin"));
  ub_download_set_expected (run.dl, BLOB_SIZE, ub_test_blob.sha256, upper);   /* any case */
  ub_download_run_async (run.dl, NULL, ub_test_run_done, &run);
  ub_test_run_wait (&run, 1);
  ub_test_assert_success (&run, dir);
  g_assert_cmpstr (ub_download_get_sha256 (run.dl), ==, ub_test_blob.sha256);

  log = ub_test_httpd_wait_log (ub_test_blob.httpd, 1);
  g_assert_cmpuint (log->len, ==, 1);
  g_assert_null (ub_test_log_range (log, 0));
  g_assert_cmpint (ub_test_log_int (log, 0, "sent"), ==, BLOB_SIZE);
  ub_test_run_clear (&run);
}

/* Progress reaches the main context, at most four times a second */
static void
test_progress (void)
{
  g_autofree char *dir = ub_test_new_dir ();
  g_autofree char *the_url = ub_test_blob_url ("/fault/rate=3000000");
  gint64 began = g_get_monotonic_time ();
  double seconds;
  UbTestRun run = { 0 };

  ub_test_run_start (&run, the_url, dir, TRUE);
  ub_test_run_wait (&run, 1);
  seconds = (g_get_monotonic_time () - began) / (double)G_USEC_PER_SEC;
  ub_test_assert_success (&run, dir);
  g_test_message ("%u received notifications in %.2f s", run.n_received, seconds);
  g_assert_cmpuint (run.n_received, >=, 2);
  g_assert_cmpuint (run.n_received, <=, (guint)(seconds * 4) + 2);
  g_assert_true (run.saw_speed);
  g_assert_true (run.saw_eta);
  g_assert_cmpint (ub_download_get_eta (run.dl), ==, 0);
  g_assert_cmpuint (ub_download_get_total (run.dl), ==, BLOB_SIZE);
  ub_test_run_clear (&run);
}

static void
test_resume_after_drop (void)
{
  g_autofree char *dir = ub_test_new_dir ();
  g_autofree char *the_url = ub_test_blob_url ("/fault/drop-at=1048576");
  g_autoptr(GPtrArray) log = NULL;
  UbTestRun run = { 0 };

  ub_test_httpd_clear_log (ub_test_blob.httpd);
  ub_test_run_start (&run, the_url, dir, TRUE);
  ub_test_run_wait (&run, 1);
  ub_test_assert_success (&run, dir);

  log = ub_test_httpd_wait_log (ub_test_blob.httpd, 2);
  g_assert_cmpuint (log->len, ==, 2);
  g_assert_null (ub_test_log_range (log, 0));
  g_assert_cmpint (ub_test_log_int (log, 0, "sent"), ==, MIB);
  g_assert_cmpstr (ub_test_log_range (log, 1), ==, "bytes=1048576-");
  g_assert_cmpint (ub_test_log_int (log, 1, "status"), ==, 206);
  g_assert_cmpint (ub_test_log_sent (log), ==, BLOB_SIZE);     /* nothing sent twice */
  ub_test_run_clear (&run);
}

/* Drops every 512 KiB: each attempt adds bytes, so the retries never run out */
static void
test_many_drops (void)
{
  g_autofree char *dir = ub_test_new_dir ();
  g_autofree char *the_url = ub_test_blob_url ("/fault/drop-after=524288");
  g_autoptr(GPtrArray) log = NULL;
  UbTestRun run = { 0 };

  ub_test_httpd_clear_log (ub_test_blob.httpd);
  ub_test_run_start (&run, the_url, dir, TRUE);
  ub_test_run_wait (&run, 1);
  ub_test_assert_success (&run, dir);
  log = ub_test_httpd_wait_log (ub_test_blob.httpd, 7);
  g_assert_cmpuint (log->len, ==, 7);
  g_assert_cmpint (ub_test_log_sent (log), ==, BLOB_SIZE);
  ub_test_run_clear (&run);
}

static void
test_resume_after_cancel (void)
{
  g_autofree char *dir = ub_test_new_dir ();
  g_autofree char *slow = ub_test_blob_url ("/fault/rate=2000000");
  g_autofree char *fast = ub_test_blob_url ("");
  g_autofree char *range = NULL;
  g_autoptr(GPtrArray) log = NULL;
  goffset kept;
  UbTestRun run = { .cancel_at = 512 * 1024 };

  ub_test_run_start (&run, slow, dir, TRUE);
  ub_test_run_wait (&run, 1);
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (ub_download_get_state (run.dl), ==, UB_DOWNLOAD_STATE_FAILED);
  kept = ub_test_size_of (dir, "blob.bin.part");
  g_test_message ("cancelled with %" G_GOFFSET_FORMAT " bytes kept", kept);
  g_assert_cmpint (kept, >=, 512 * 1024);
  g_assert_cmpint (kept, <, BLOB_SIZE);
  g_assert_false (ub_test_exists (dir, "blob.bin"));
  g_assert_false (ub_test_exists (dir, "blob.bin.part.lock"));

  /* the server logs the cancelled response once it notices: wait for it */
  g_ptr_array_unref (ub_test_httpd_wait_log (ub_test_blob.httpd, 1));
  ub_test_httpd_clear_log (ub_test_blob.httpd);
  ub_test_run_again (&run, fast);
  ub_test_assert_success (&run, dir);
  log = ub_test_httpd_wait_log (ub_test_blob.httpd, 1);
  g_assert_cmpuint (log->len, ==, 1);
  range = g_strdup_printf ("bytes=%" G_GOFFSET_FORMAT "-", kept);
  g_assert_cmpstr (ub_test_log_range (log, 0), ==, range);
  g_assert_cmpint (ub_test_log_int (log, 0, "sent"), ==, BLOB_SIZE - kept);
  ub_test_run_clear (&run);
}

/* A .part left by an earlier run of the program */
static void
test_resume_after_restart (void)
{
  g_autofree char *dir = ub_test_new_dir ();
  g_autofree char *the_url = ub_test_blob_url ("");
  g_autoptr(GPtrArray) log = NULL;
  UbTestRun run = { 0 };

  ub_test_write_part (dir, 1536 * 1024);
  ub_test_httpd_clear_log (ub_test_blob.httpd);
  ub_test_run_start (&run, the_url, dir, TRUE);
  ub_test_run_wait (&run, 1);
  ub_test_assert_success (&run, dir);
  log = ub_test_httpd_wait_log (ub_test_blob.httpd, 1);
  g_assert_cmpuint (log->len, ==, 1);
  g_assert_cmpstr (ub_test_log_range (log, 0), ==, "bytes=1572864-");
  g_assert_cmpint (ub_test_log_int (log, 0, "sent"), ==, BLOB_SIZE - 1536 * 1024);
  ub_test_run_clear (&run);
}

/* A .part that is already complete: no request with the expected size, a 416 without */
static void
test_part_complete (void)
{
  g_autofree char *dir = ub_test_new_dir ();
  g_autofree char *the_url = ub_test_blob_url ("");
  g_autoptr(GPtrArray) log = NULL;
  UbTestRun run = { 0 };

  ub_test_write_part (dir, BLOB_SIZE);
  ub_test_httpd_clear_log (ub_test_blob.httpd);
  ub_test_run_start (&run, the_url, dir, TRUE);
  ub_test_run_wait (&run, 1);
  ub_test_assert_success (&run, dir);
  g_assert_cmpuint (ub_test_n_requests (0), ==, 0);
  ub_test_run_clear (&run);

  /* Without expectations the finished file is not trusted, but the .part is
   * resumed: the server says there is nothing more (416), and it is used. */
  ub_test_write_part (dir, BLOB_SIZE);
  ub_test_run_start (&run, the_url, dir, FALSE);
  ub_test_run_wait (&run, 1);
  g_assert_no_error (run.error);
  ub_test_assert_blob (run.path);
  log = ub_test_httpd_wait_log (ub_test_blob.httpd, 1);
  g_assert_cmpuint (log->len, ==, 1);
  g_assert_cmpint (ub_test_log_int (log, 0, "status"), ==, 416);
  ub_test_run_clear (&run);
}

static void
test_range_ignored (void)
{
  g_autofree char *dir = ub_test_new_dir ();
  g_autofree char *the_url = ub_test_blob_url ("/fault/ignore-range");
  g_autoptr(GPtrArray) log = NULL;
  UbTestRun run = { 0 };

  ub_test_write_part (dir, MIB);
  ub_test_httpd_clear_log (ub_test_blob.httpd);
  ub_test_run_start (&run, the_url, dir, TRUE);
  ub_test_run_wait (&run, 1);
  ub_test_assert_success (&run, dir);
  log = ub_test_httpd_wait_log (ub_test_blob.httpd, 1);
  g_assert_cmpuint (log->len, ==, 1);
  g_assert_cmpstr (ub_test_log_range (log, 0), ==, "bytes=1048576-");
  g_assert_cmpint (ub_test_log_int (log, 0, "status"), ==, 200);
  g_assert_cmpint (ub_test_log_int (log, 0, "sent"), ==, BLOB_SIZE);
  ub_test_run_clear (&run);
}

/* A 206 from another byte than asked: a new request from zero */
static void
test_range_wrong_start (void)
{
  g_autofree char *dir = ub_test_new_dir ();
  g_autofree char *the_url = ub_test_blob_url ("/fault/bad-range");
  g_autoptr(GPtrArray) log = NULL;
  UbTestRun run = { 0 };

  ub_test_write_part (dir, MIB);
  ub_test_httpd_clear_log (ub_test_blob.httpd);
  ub_test_run_start (&run, the_url, dir, TRUE);
  ub_test_run_wait (&run, 1);
  ub_test_assert_success (&run, dir);
  log = ub_test_httpd_wait_log (ub_test_blob.httpd, 2);
  g_assert_cmpuint (log->len, ==, 2);
  g_assert_cmpstr (ub_test_log_range (log, 0), ==, "bytes=1048576-");
  g_assert_cmpint (ub_test_log_int (log, 0, "start"), ==, 0);
  g_assert_null (ub_test_log_range (log, 1));
  g_assert_cmpint (ub_test_log_int (log, 1, "status"), ==, 200);
  ub_test_run_clear (&run);
}

/* Stalls once at 1 MiB: detected (1 s at this time scale), resumed, done */
static void
test_stall (void)
{
  g_autofree char *dir = ub_test_new_dir ();
  g_autofree char *the_url = ub_test_blob_url ("/fault/stall-at=1048576");
  g_autoptr(GPtrArray) log = NULL;
  gint64 began = g_get_monotonic_time ();
  double cpu = ub_test_cpu_seconds (), wall;
  UbTestRun run = { 0 };

  ub_test_httpd_clear_log (ub_test_blob.httpd);
  ub_test_run_start (&run, the_url, dir, TRUE);
  ub_test_run_wait (&run, 1);
  wall = (g_get_monotonic_time () - began) / (double)G_USEC_PER_SEC;
  cpu = ub_test_cpu_seconds () - cpu;
  g_test_message ("stall and resume: %.2f s wall, %.2f s CPU", wall, cpu);
  ub_test_assert_success (&run, dir);
  g_assert_cmpfloat (wall, <, 10);
  g_assert_cmpfloat (cpu, <, 0.5);
  log = ub_test_httpd_wait_log (ub_test_blob.httpd, 2);
  g_assert_cmpuint (log->len, ==, 2);
  g_assert_cmpstr (ub_test_log_range (log, 1), ==, "bytes=1048576-");
  ub_test_run_clear (&run);
}

/* A server that never sends a byte: given up on in bounded time, idly */
static void
test_stall_forever (void)
{
  g_autofree char *dir = ub_test_new_dir ();
  g_autofree char *the_url = ub_test_blob_url ("/fault/stall-after=0");
  g_autoptr(GPtrArray) log = NULL;
  gint64 began = g_get_monotonic_time ();
  double cpu = ub_test_cpu_seconds (), wall;
  UbTestRun run = { 0 };

  ub_test_httpd_clear_log (ub_test_blob.httpd);
  ub_test_run_start (&run, the_url, dir, TRUE);
  ub_test_run_wait (&run, 1);
  wall = (g_get_monotonic_time () - began) / (double)G_USEC_PER_SEC;
  cpu = ub_test_cpu_seconds () - cpu;
  g_test_message ("gave up after %.2f s wall, %.2f s CPU: %s", wall, cpu, run.error->message);
  g_assert_error (run.error, UB_ERROR, UB_ERROR_TIMED_OUT);
  g_assert_cmpfloat (wall, <, 15);
  g_assert_cmpfloat (cpu, <, 0.5);
  log = ub_test_httpd_wait_log (ub_test_blob.httpd, 5);
  g_assert_cmpuint (log->len, ==, 5);
  g_assert_false (ub_test_exists (dir, "blob.bin.part"));   /* nothing came: nothing kept */
  ub_test_run_clear (&run);
}

static void
test_not_found (void)
{
  g_autofree char *dir = ub_test_new_dir ();
  g_autofree char *the_url = ub_test_blob_url ("/fault/status=404");
  UbTestRun run = { 0 };

  ub_test_httpd_clear_log (ub_test_blob.httpd);
  ub_test_run_start (&run, the_url, dir, TRUE);
  ub_test_run_wait (&run, 1);
  g_assert_error (run.error, UB_ERROR, UB_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (run.error->message, "404"));
  g_assert_cmpint (ub_test_n_requests (1), ==, 1);
  g_assert_false (ub_test_exists (dir, "blob.bin.part"));
  g_assert_false (ub_test_exists (dir, "blob.bin.part.lock"));
  ub_test_run_clear (&run);
}

/* 503 is worth a few more tries; then its status is in the message */
static void
test_server_error (void)
{
  g_autofree char *dir = ub_test_new_dir ();
  g_autofree char *the_url = ub_test_blob_url ("/fault/status=503");
  UbTestRun run = { 0 };

  ub_test_httpd_clear_log (ub_test_blob.httpd);
  ub_test_run_start (&run, the_url, dir, TRUE);
  ub_test_run_wait (&run, 1);
  g_assert_error (run.error, UB_ERROR, UB_ERROR_NETWORK);
  g_assert_nonnull (strstr (run.error->message, "503"));
  g_assert_cmpint (ub_test_n_requests (5), ==, 5);
  ub_test_run_clear (&run);
}

static void
test_wrong_length (void)
{
  g_autofree char *dir = ub_test_new_dir ();
  g_autofree char *the_url = ub_test_blob_url ("/fault/wrong-length");
  UbTestRun run = { 0 };

  ub_test_httpd_clear_log (ub_test_blob.httpd);
  ub_test_run_start (&run, the_url, dir, TRUE);
  ub_test_run_wait (&run, 1);
  g_test_message ("%s", run.error->message);
  g_assert_error (run.error, UB_ERROR, UB_ERROR_CHECKSUM);
  g_assert_nonnull (strstr (run.error->message, "3151049"));   /* announced */
  g_assert_nonnull (strstr (run.error->message, "3150049"));   /* expected */
  g_assert_cmpint (ub_test_n_requests (1), ==, 1);
  g_assert_false (ub_test_exists (dir, "blob.bin"));
  ub_test_run_clear (&run);
}

static void
test_wrong_hash (void)
{
  g_autofree char *dir = ub_test_new_dir ();
  g_autofree char *the_url = ub_test_blob_url ("/fault/corrupt-byte=2000000");
  UbTestRun run = { 0 };

  ub_test_run_start (&run, the_url, dir, TRUE);
  ub_test_run_wait (&run, 1);
  g_assert_error (run.error, UB_ERROR, UB_ERROR_CHECKSUM);
  g_assert_cmpstr (run.error->message, ==,
                   "The download is damaged: its checksum does not match. It was deleted; try again.");
  g_assert_false (ub_test_exists (dir, "blob.bin.part"));
  g_assert_false (ub_test_exists (dir, "blob.bin"));
  g_assert_false (ub_test_exists (dir, "blob.bin.part.lock"));
  ub_test_run_clear (&run);
}

static void
test_invalid (void)
{
  g_autofree char *dir = ub_test_new_dir ();
  g_autofree char *the_url = ub_test_blob_url ("");
  UbTestRun run = { 0 };

  run.dl = ub_download_new ("ftp://example.com/a.ipsw", dir, NULL);
  ub_download_run_async (run.dl, NULL, ub_test_run_done, &run);
  ub_test_run_wait (&run, 1);
  g_assert_error (run.error, UB_ERROR, UB_ERROR_INVALID_DATA);
  ub_test_run_clear (&run);

  run.dl = ub_download_new (the_url, dir, NULL);
  ub_download_set_expected (run.dl, 0, "not-hex", NULL);
  ub_download_run_async (run.dl, NULL, ub_test_run_done, &run);
  ub_test_run_wait (&run, 1);
  g_assert_error (run.error, UB_ERROR, UB_ERROR_INVALID_DATA);
  ub_test_run_clear (&run);

  run.dl = ub_download_new ("https://example.com/", dir, "..");
  ub_download_run_async (run.dl, NULL, ub_test_run_done, &run);
  ub_test_run_wait (&run, 1);
  g_assert_error (run.error, UB_ERROR, UB_ERROR_INVALID_DATA);
  ub_test_run_clear (&run);
}

int
main (int   argc,
      char *argv[])
{
  ub_test_blob_setup (&argc, &argv);
  g_test_add_func ("/unbrick/download/plain", test_plain);
  g_test_add_func ("/unbrick/download/progress", test_progress);
  g_test_add_func ("/unbrick/download/resume-after-drop", test_resume_after_drop);
  g_test_add_func ("/unbrick/download/many-drops", test_many_drops);
  g_test_add_func ("/unbrick/download/resume-after-cancel", test_resume_after_cancel);
  g_test_add_func ("/unbrick/download/resume-after-restart", test_resume_after_restart);
  g_test_add_func ("/unbrick/download/part-complete", test_part_complete);
  g_test_add_func ("/unbrick/download/range-ignored", test_range_ignored);
  g_test_add_func ("/unbrick/download/range-wrong-start", test_range_wrong_start);
  g_test_add_func ("/unbrick/download/stall", test_stall);
  g_test_add_func ("/unbrick/download/stall-forever", test_stall_forever);
  g_test_add_func ("/unbrick/download/not-found", test_not_found);
  g_test_add_func ("/unbrick/download/server-error", test_server_error);
  g_test_add_func ("/unbrick/download/wrong-length", test_wrong_length);
  g_test_add_func ("/unbrick/download/wrong-hash", test_wrong_hash);
  g_test_add_func ("/unbrick/download/invalid", test_invalid);
  return ub_test_blob_run ();
}
