/* test-download.c — UbDownload against the loopback test server and its faults
 *
 * tests/httpd/ub-test-httpd.py serves a 3 MiB file of random bytes; each case
 * picks a fault through the URL and checks the result, the files left behind
 * and, from the server's log, what went over the wire (how many requests,
 * which ranges, how many bytes). meson runs every case as its own test with
 * UNBRICK_TIME_SCALE=30, so a 30 s stall timeout takes one second.
 *
 * The full disk is simulated with RLIMIT_FSIZE: with SIGXFSZ ignored, write()
 * past the limit fails with EFBIG, which the downloader treats as ENOSPC. It
 * works for root and non-root alike and needs no special file system.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ub-core.h"
#include "ub-test-httpd.h"

#define BLOB_SIZE (3 * 1024 * 1024 + 4321)
#define MIB 1048576
#define RUN_TIMEOUT_S 60

static char *tmp_dir;
static GBytes *blob;
static char *blob_sha256;
static char *blob_sha1;
static UbTestHttpd *httpd;

typedef struct
{
  UbDownload *dl;
  char       *path;
  GError     *error;
  gboolean    done;
  guint       n_received;     /* notify::received */
  gboolean    saw_speed;
  gboolean    saw_eta;
  guint64     cancel_at;
  GCancellable *cancellable;
} Run;

static void
run_clear (Run *run)
{
  g_clear_object (&run->dl);
  g_clear_pointer (&run->path, g_free);
  g_clear_error (&run->error);
  g_clear_object (&run->cancellable);
  *run = (Run) { 0 };
}

static char *
new_dir (void)
{
  static guint n;
  char *dir = g_strdup_printf ("%s/out-%u", tmp_dir, ++n);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  return dir;
}

static char *
url (const char *prefix)
{
  g_autofree char *path = g_strconcat (prefix, "/blob.bin", NULL);

  return ub_test_httpd_url (httpd, path);
}

static void
on_received (UbDownload *dl,
             GParamSpec *pspec,
             Run        *run)
{
  run->n_received++;
  run->saw_speed |= ub_download_get_speed (dl) > 0;
  run->saw_eta |= ub_download_get_eta (dl) >= 0;
  if (run->cancel_at != 0 && ub_download_get_received (dl) >= run->cancel_at)
    g_cancellable_cancel (run->cancellable);
}

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Run *run = user_data;

  run->path = ub_download_run_finish (UB_DOWNLOAD (source), result, &run->error);
  run->done = TRUE;
}

static void
start (Run        *run,
       const char *the_url,
       const char *dir,
       gboolean    expect)
{
  run->dl = ub_download_new (the_url, dir, "blob.bin");
  if (expect)
    ub_download_set_expected (run->dl, BLOB_SIZE, blob_sha256, blob_sha1);
  if (run->cancellable == NULL)
    run->cancellable = g_cancellable_new ();
  g_signal_connect (run->dl, "notify::received", G_CALLBACK (on_received), run);
  ub_download_run_async (run->dl, run->cancellable, on_done, run);
}

static void
wait_for (Run *runs,
          guint n)
{
  gint64 deadline = g_get_monotonic_time () + RUN_TIMEOUT_S * G_USEC_PER_SEC;

  for (guint i = 0; i < n; i++)
    while (!runs[i].done)
      {
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        g_main_context_iteration (NULL, TRUE);
      }
}

static void
rerun (Run        *run,
       const char *the_url)
{
  g_autofree char *dir = g_path_get_dirname (ub_download_get_path (run->dl));

  run_clear (run);
  start (run, the_url, dir, TRUE);
  wait_for (run, 1);
}

static void
assert_blob (const char *path)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  g_assert_cmpmem (data, len, g_bytes_get_data (blob, NULL), g_bytes_get_size (blob));
}

static gboolean
exists (const char *dir,
        const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static goffset
size_of (const char *dir,
         const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  GStatBuf st;

  return g_stat (path, &st) == 0 ? st.st_size : -1;
}

static void
write_part (const char *dir,
            gsize       len)
{
  g_autofree char *path = g_build_filename (dir, "blob.bin.part", NULL);

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (blob, NULL), (gssize)len, NULL));
}

static void
assert_success (Run        *run,
                const char *dir)
{
  g_assert_no_error (run->error);
  g_assert_nonnull (run->path);
  assert_blob (run->path);
  g_assert_false (exists (dir, "blob.bin.part"));
  g_assert_false (exists (dir, "blob.bin.part.lock"));
  g_assert_cmpint (ub_download_get_state (run->dl), ==, UB_DOWNLOAD_STATE_DONE);
  g_assert_cmpuint (ub_download_get_received (run->dl), ==, BLOB_SIZE);
}

static gint64
entry_int (GPtrArray  *log,
           guint       i,
           const char *member)
{
  return json_object_get_int_member (g_ptr_array_index (log, i), member);
}

static const char *
entry_range (GPtrArray *log,
             guint      i)
{
  JsonObject *o = g_ptr_array_index (log, i);

  return json_object_get_null_member (o, "range") ? NULL : json_object_get_string_member (o, "range");
}

static gint64
bytes_sent (GPtrArray *log)
{
  gint64 sum = 0;

  for (guint i = 0; i < log->len; i++)
    sum += entry_int (log, i, "sent");
  return sum;
}

/* Requests finished so far (for "no request was made") */
static guint
n_requests (void)
{
  g_autoptr(GPtrArray) log = ub_test_httpd_wait_log (httpd, 0);

  return log->len;
}

/* ------------------------------------------------------------------------ */

static void
test_plain (void)
{
  g_autofree char *dir = new_dir ();
  g_autofree char *upper = g_ascii_strup (blob_sha1, -1);
  g_autofree char *the_url = url ("");
  g_autoptr(GPtrArray) log = NULL;
  Run run = { 0 };

  ub_test_httpd_clear_log (httpd);
  run.dl = ub_download_new (the_url, dir, NULL);
  g_assert_true (g_str_has_suffix (ub_download_get_path (run.dl), "/blob.bin"));
  ub_download_set_expected (run.dl, BLOB_SIZE, blob_sha256, upper);   /* any case */
  ub_download_run_async (run.dl, NULL, on_done, &run);
  wait_for (&run, 1);
  assert_success (&run, dir);
  g_assert_cmpstr (ub_download_get_sha256 (run.dl), ==, blob_sha256);

  log = ub_test_httpd_wait_log (httpd, 1);
  g_assert_cmpuint (log->len, ==, 1);
  g_assert_null (entry_range (log, 0));
  g_assert_cmpint (entry_int (log, 0, "sent"), ==, BLOB_SIZE);
  run_clear (&run);
}

/* Progress reaches the main context, at most four times a second */
static void
test_progress (void)
{
  g_autofree char *dir = new_dir ();
  g_autofree char *the_url = url ("/fault/rate=3000000");
  gint64 began = g_get_monotonic_time ();
  double seconds;
  Run run = { 0 };

  start (&run, the_url, dir, TRUE);
  wait_for (&run, 1);
  seconds = (g_get_monotonic_time () - began) / (double)G_USEC_PER_SEC;
  assert_success (&run, dir);
  g_test_message ("%u received notifications in %.2f s", run.n_received, seconds);
  g_assert_cmpuint (run.n_received, >=, 2);
  g_assert_cmpuint (run.n_received, <=, (guint)(seconds * 4) + 2);
  g_assert_true (run.saw_speed);
  g_assert_true (run.saw_eta);
  g_assert_cmpint (ub_download_get_eta (run.dl), ==, 0);
  g_assert_cmpuint (ub_download_get_total (run.dl), ==, BLOB_SIZE);
  run_clear (&run);
}

static void
test_resume_after_drop (void)
{
  g_autofree char *dir = new_dir ();
  g_autofree char *the_url = url ("/fault/drop-at=1048576");
  g_autoptr(GPtrArray) log = NULL;
  Run run = { 0 };

  ub_test_httpd_clear_log (httpd);
  start (&run, the_url, dir, TRUE);
  wait_for (&run, 1);
  assert_success (&run, dir);

  log = ub_test_httpd_wait_log (httpd, 2);
  g_assert_cmpuint (log->len, ==, 2);
  g_assert_null (entry_range (log, 0));
  g_assert_cmpint (entry_int (log, 0, "sent"), ==, MIB);
  g_assert_cmpstr (entry_range (log, 1), ==, "bytes=1048576-");
  g_assert_cmpint (entry_int (log, 1, "status"), ==, 206);
  g_assert_cmpint (bytes_sent (log), ==, BLOB_SIZE);     /* nothing sent twice */
  run_clear (&run);
}

/* Drops every 512 KiB: each attempt adds bytes, so the retries never run out */
static void
test_many_drops (void)
{
  g_autofree char *dir = new_dir ();
  g_autofree char *the_url = url ("/fault/drop-after=524288");
  g_autoptr(GPtrArray) log = NULL;
  Run run = { 0 };

  ub_test_httpd_clear_log (httpd);
  start (&run, the_url, dir, TRUE);
  wait_for (&run, 1);
  assert_success (&run, dir);
  log = ub_test_httpd_wait_log (httpd, 7);
  g_assert_cmpuint (log->len, ==, 7);
  g_assert_cmpint (bytes_sent (log), ==, BLOB_SIZE);
  run_clear (&run);
}

static void
test_resume_after_cancel (void)
{
  g_autofree char *dir = new_dir ();
  g_autofree char *slow = url ("/fault/rate=2000000");
  g_autofree char *fast = url ("");
  g_autofree char *range = NULL;
  g_autoptr(GPtrArray) log = NULL;
  goffset kept;
  Run run = { .cancel_at = 512 * 1024 };

  start (&run, slow, dir, TRUE);
  wait_for (&run, 1);
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (ub_download_get_state (run.dl), ==, UB_DOWNLOAD_STATE_FAILED);
  kept = size_of (dir, "blob.bin.part");
  g_test_message ("cancelled with %" G_GOFFSET_FORMAT " bytes kept", kept);
  g_assert_cmpint (kept, >=, 512 * 1024);
  g_assert_cmpint (kept, <, BLOB_SIZE);
  g_assert_false (exists (dir, "blob.bin"));
  g_assert_false (exists (dir, "blob.bin.part.lock"));

  ub_test_httpd_clear_log (httpd);
  rerun (&run, fast);
  assert_success (&run, dir);
  log = ub_test_httpd_wait_log (httpd, 1);
  g_assert_cmpuint (log->len, ==, 1);
  range = g_strdup_printf ("bytes=%" G_GOFFSET_FORMAT "-", kept);
  g_assert_cmpstr (entry_range (log, 0), ==, range);
  g_assert_cmpint (entry_int (log, 0, "sent"), ==, BLOB_SIZE - kept);
  run_clear (&run);
}

/* A .part left by an earlier run of the program */
static void
test_resume_after_restart (void)
{
  g_autofree char *dir = new_dir ();
  g_autofree char *the_url = url ("");
  g_autoptr(GPtrArray) log = NULL;
  Run run = { 0 };

  write_part (dir, 1536 * 1024);
  ub_test_httpd_clear_log (httpd);
  start (&run, the_url, dir, TRUE);
  wait_for (&run, 1);
  assert_success (&run, dir);
  log = ub_test_httpd_wait_log (httpd, 1);
  g_assert_cmpuint (log->len, ==, 1);
  g_assert_cmpstr (entry_range (log, 0), ==, "bytes=1572864-");
  g_assert_cmpint (entry_int (log, 0, "sent"), ==, BLOB_SIZE - 1536 * 1024);
  run_clear (&run);
}

/* A .part that is already complete: no request with the expected size, a 416 without */
static void
test_part_complete (void)
{
  g_autofree char *dir = new_dir ();
  g_autofree char *the_url = url ("");
  g_autoptr(GPtrArray) log = NULL;
  Run run = { 0 };

  write_part (dir, BLOB_SIZE);
  ub_test_httpd_clear_log (httpd);
  start (&run, the_url, dir, TRUE);
  wait_for (&run, 1);
  assert_success (&run, dir);
  g_assert_cmpuint (n_requests (), ==, 0);
  run_clear (&run);

  /* Without expectations the finished file is not trusted, but the .part is
   * resumed: the server says there is nothing more (416), and it is used. */
  write_part (dir, BLOB_SIZE);
  start (&run, the_url, dir, FALSE);
  wait_for (&run, 1);
  g_assert_no_error (run.error);
  assert_blob (run.path);
  log = ub_test_httpd_wait_log (httpd, 1);
  g_assert_cmpuint (log->len, ==, 1);
  g_assert_cmpint (entry_int (log, 0, "status"), ==, 416);
  run_clear (&run);
}

static void
test_range_ignored (void)
{
  g_autofree char *dir = new_dir ();
  g_autofree char *the_url = url ("/fault/ignore-range");
  g_autoptr(GPtrArray) log = NULL;
  Run run = { 0 };

  write_part (dir, MIB);
  ub_test_httpd_clear_log (httpd);
  start (&run, the_url, dir, TRUE);
  wait_for (&run, 1);
  assert_success (&run, dir);
  log = ub_test_httpd_wait_log (httpd, 1);
  g_assert_cmpuint (log->len, ==, 1);
  g_assert_cmpstr (entry_range (log, 0), ==, "bytes=1048576-");
  g_assert_cmpint (entry_int (log, 0, "status"), ==, 200);
  g_assert_cmpint (entry_int (log, 0, "sent"), ==, BLOB_SIZE);
  run_clear (&run);
}

/* A 206 from another byte than asked: a new request from zero */
static void
test_range_wrong_start (void)
{
  g_autofree char *dir = new_dir ();
  g_autofree char *the_url = url ("/fault/bad-range");
  g_autoptr(GPtrArray) log = NULL;
  Run run = { 0 };

  write_part (dir, MIB);
  ub_test_httpd_clear_log (httpd);
  start (&run, the_url, dir, TRUE);
  wait_for (&run, 1);
  assert_success (&run, dir);
  log = ub_test_httpd_wait_log (httpd, 2);
  g_assert_cmpuint (log->len, ==, 2);
  g_assert_cmpstr (entry_range (log, 0), ==, "bytes=1048576-");
  g_assert_cmpint (entry_int (log, 0, "start"), ==, 0);
  g_assert_null (entry_range (log, 1));
  g_assert_cmpint (entry_int (log, 1, "status"), ==, 200);
  run_clear (&run);
}

static double
cpu_seconds (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* Stalls once at 1 MiB: detected (1 s at this time scale), resumed, done */
static void
test_stall (void)
{
  g_autofree char *dir = new_dir ();
  g_autofree char *the_url = url ("/fault/stall-at=1048576");
  g_autoptr(GPtrArray) log = NULL;
  gint64 began = g_get_monotonic_time ();
  double cpu = cpu_seconds (), wall;
  Run run = { 0 };

  ub_test_httpd_clear_log (httpd);
  start (&run, the_url, dir, TRUE);
  wait_for (&run, 1);
  wall = (g_get_monotonic_time () - began) / (double)G_USEC_PER_SEC;
  cpu = cpu_seconds () - cpu;
  g_test_message ("stall and resume: %.2f s wall, %.2f s CPU", wall, cpu);
  assert_success (&run, dir);
  g_assert_cmpfloat (wall, <, 10);
  g_assert_cmpfloat (cpu, <, 0.5);
  log = ub_test_httpd_wait_log (httpd, 2);
  g_assert_cmpuint (log->len, ==, 2);
  g_assert_cmpstr (entry_range (log, 1), ==, "bytes=1048576-");
  run_clear (&run);
}

/* A server that never sends a byte: given up on in bounded time, idly */
static void
test_stall_forever (void)
{
  g_autofree char *dir = new_dir ();
  g_autofree char *the_url = url ("/fault/stall-after=0");
  g_autoptr(GPtrArray) log = NULL;
  gint64 began = g_get_monotonic_time ();
  double cpu = cpu_seconds (), wall;
  Run run = { 0 };

  ub_test_httpd_clear_log (httpd);
  start (&run, the_url, dir, TRUE);
  wait_for (&run, 1);
  wall = (g_get_monotonic_time () - began) / (double)G_USEC_PER_SEC;
  cpu = cpu_seconds () - cpu;
  g_test_message ("gave up after %.2f s wall, %.2f s CPU: %s", wall, cpu, run.error->message);
  g_assert_error (run.error, UB_ERROR, UB_ERROR_TIMED_OUT);
  g_assert_cmpfloat (wall, <, 15);
  g_assert_cmpfloat (cpu, <, 0.5);
  log = ub_test_httpd_wait_log (httpd, 5);
  g_assert_cmpuint (log->len, ==, 5);
  g_assert_false (exists (dir, "blob.bin.part"));   /* nothing came: nothing kept */
  run_clear (&run);
}

static void
test_not_found (void)
{
  g_autofree char *dir = new_dir ();
  g_autofree char *the_url = url ("/fault/status=404");
  Run run = { 0 };

  ub_test_httpd_clear_log (httpd);
  start (&run, the_url, dir, TRUE);
  wait_for (&run, 1);
  g_assert_error (run.error, UB_ERROR, UB_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (run.error->message, "404"));
  g_assert_cmpint (n_requests (), ==, 1);
  g_assert_false (exists (dir, "blob.bin.part"));
  g_assert_false (exists (dir, "blob.bin.part.lock"));
  run_clear (&run);
}

/* 503 is worth a few more tries; then its status is in the message */
static void
test_server_error (void)
{
  g_autofree char *dir = new_dir ();
  g_autofree char *the_url = url ("/fault/status=503");
  Run run = { 0 };

  ub_test_httpd_clear_log (httpd);
  start (&run, the_url, dir, TRUE);
  wait_for (&run, 1);
  g_assert_error (run.error, UB_ERROR, UB_ERROR_NETWORK);
  g_assert_nonnull (strstr (run.error->message, "503"));
  g_assert_cmpint (n_requests (), ==, 5);
  run_clear (&run);
}

static void
test_wrong_length (void)
{
  g_autofree char *dir = new_dir ();
  g_autofree char *the_url = url ("/fault/wrong-length");
  Run run = { 0 };

  ub_test_httpd_clear_log (httpd);
  start (&run, the_url, dir, TRUE);
  wait_for (&run, 1);
  g_test_message ("%s", run.error->message);
  g_assert_error (run.error, UB_ERROR, UB_ERROR_CHECKSUM);
  g_assert_nonnull (strstr (run.error->message, "3151049"));   /* announced */
  g_assert_nonnull (strstr (run.error->message, "3150049"));   /* expected */
  g_assert_cmpint (n_requests (), ==, 1);
  g_assert_false (exists (dir, "blob.bin"));
  run_clear (&run);
}

static void
test_wrong_hash (void)
{
  g_autofree char *dir = new_dir ();
  g_autofree char *the_url = url ("/fault/corrupt-byte=2000000");
  Run run = { 0 };

  start (&run, the_url, dir, TRUE);
  wait_for (&run, 1);
  g_assert_error (run.error, UB_ERROR, UB_ERROR_CHECKSUM);
  g_assert_cmpstr (run.error->message, ==,
                   "The download is damaged: its checksum does not match. It was deleted; try again.");
  g_assert_false (exists (dir, "blob.bin.part"));
  g_assert_false (exists (dir, "blob.bin"));
  g_assert_false (exists (dir, "blob.bin.part.lock"));
  run_clear (&run);
}

/* Not enough room for the expected size: refused before any request */
static void
test_no_space_up_front (void)
{
  g_autofree char *dir = new_dir ();
  g_autofree char *the_url = url ("");
  Run run = { 0 };

  ub_test_httpd_clear_log (httpd);
  run.dl = ub_download_new (the_url, dir, "blob.bin");
  ub_download_set_expected (run.dl, G_GUINT64_CONSTANT (1) << 60, NULL, NULL);
  ub_download_run_async (run.dl, NULL, on_done, &run);
  wait_for (&run, 1);
  g_test_message ("%s", run.error->message);
  g_assert_error (run.error, UB_ERROR, UB_ERROR_NO_SPACE);
  g_assert_nonnull (strstr (run.error->message, "free"));
  g_assert_cmpint (n_requests (), ==, 0);
  g_assert_false (exists (dir, "blob.bin.part"));
  run_clear (&run);
}

/* The disk fills up at 1 MiB (RLIMIT_FSIZE: write() fails with EFBIG) */
static void
test_no_space_midway (void)
{
  g_autofree char *dir = new_dir ();
  g_autofree char *the_url = url ("");
  g_autoptr(GPtrArray) log = NULL;
  struct rlimit saved, small;
  Run run = { 0 };

  signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  small = saved;
  small.rlim_cur = MIB;
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &small), ==, 0);
  start (&run, the_url, dir, TRUE);
  wait_for (&run, 1);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &saved), ==, 0);

  g_test_message ("%s", run.error->message);
  g_assert_error (run.error, UB_ERROR, UB_ERROR_NO_SPACE);
  g_assert_nonnull (strstr (run.error->message, "disk is full"));
  g_assert_null (strstr (run.error->message, "checksum"));
  g_assert_cmpint (size_of (dir, "blob.bin.part"), ==, MIB);

  ub_test_httpd_clear_log (httpd);
  rerun (&run, the_url);
  assert_success (&run, dir);
  log = ub_test_httpd_wait_log (httpd, 1);
  g_assert_cmpstr (entry_range (log, 0), ==, "bytes=1048576-");
  run_clear (&run);
}

static void
run_tls (const char *cert,
         const char *key,
         const char *ca_file,
         GError    **error)
{
  g_autoptr(UbTestHttpd) server = NULL;
  g_autofree char *dir = new_dir ();
  g_autofree char *the_url = NULL;
  g_autofree char *certs = g_build_filename (tmp_dir, "certs", NULL);
  g_autofree char *cert_path = g_build_filename (certs, cert, NULL);
  g_autofree char *key_path = g_build_filename (certs, key, NULL);
  g_autofree char *ca_path = ca_file ? g_build_filename (certs, ca_file, NULL) : NULL;
  Run run = { 0 };

  server = ub_test_httpd_start (tmp_dir, cert_path, key_path);
  the_url = ub_test_httpd_url (server, "/www/blob.bin");
  if (ca_path != NULL)
    g_setenv ("UNBRICK_TEST_CA_FILE", ca_path, TRUE);
  else
    g_unsetenv ("UNBRICK_TEST_CA_FILE");
  start (&run, the_url, dir, TRUE);    /* the variable is read here, on the main thread */
  g_unsetenv ("UNBRICK_TEST_CA_FILE");
  wait_for (&run, 1);
  if (run.error == NULL)
    assert_success (&run, dir);
  else
    g_propagate_error (error, g_steal_pointer (&run.error));
  run_clear (&run);
}

static gboolean
have_certs (void)
{
  g_autofree char *certs = g_build_filename (tmp_dir, "certs", NULL);

  if (g_file_test (certs, G_FILE_TEST_IS_DIR) || ub_test_make_certs (certs))
    return TRUE;
  g_test_skip ("no openssl command to make test certificates");
  return FALSE;
}

/* A server whose certificate a test CA signed: trusted only with that CA */
static void
test_tls_trusted (void)
{
  g_autoptr(GError) error = NULL;

  if (!have_certs ())
    return;
  run_tls ("server.pem", "server.key", "ca.pem", &error);
  g_assert_no_error (error);
  run_tls ("server.pem", "server.key", NULL, &error);
  g_assert_error (error, UB_ERROR, UB_ERROR_UNTRUSTED_CERTIFICATE);
}

/* A self-signed certificate is refused, unless the test trusts it explicitly */
static void
test_tls_self_signed (void)
{
  g_autoptr(GError) error = NULL;

  if (!have_certs ())
    return;
  run_tls ("self.pem", "self.key", NULL, &error);
  g_test_message ("%s", error ? error->message : "no error");
  g_assert_error (error, UB_ERROR, UB_ERROR_UNTRUSTED_CERTIFICATE);
  g_assert_nonnull (strstr (error->message, "certificate is not trusted"));
  g_clear_error (&error);
  run_tls ("self.pem", "self.key", "ca.pem", &error);        /* another CA: still refused */
  g_assert_error (error, UB_ERROR, UB_ERROR_UNTRUSTED_CERTIFICATE);
  g_clear_error (&error);
  run_tls ("self.pem", "self.key", "self.pem", &error);      /* the same server works */
  g_assert_no_error (error);
}

/* Two UbDownloads of one file in one process: one transfer, two results */
static void
test_same_file_in_process (void)
{
  g_autofree char *dir = new_dir ();
  g_autofree char *the_url = url ("/fault/rate=6000000");
  g_autoptr(GPtrArray) log = NULL;
  Run runs[2] = { { 0 }, { 0 } };

  ub_test_httpd_clear_log (httpd);
  start (&runs[0], the_url, dir, TRUE);
  start (&runs[1], the_url, dir, TRUE);
  wait_for (runs, 2);
  assert_success (&runs[0], dir);
  assert_success (&runs[1], dir);
  g_assert_cmpstr (runs[0].path, ==, runs[1].path);
  g_assert_cmpstr (ub_download_get_sha256 (runs[1].dl), ==, blob_sha256);
  g_assert_cmpuint (runs[1].n_received, >=, 1);     /* the follower saw progress too */
  log = ub_test_httpd_wait_log (httpd, 1);
  g_assert_cmpuint (log->len, ==, 1);
  run_clear (&runs[0]);
  run_clear (&runs[1]);
}

/* The first is cancelled: the second carries on from its .part */
static void
test_leader_cancelled (void)
{
  g_autofree char *dir = new_dir ();
  g_autofree char *the_url = url ("/fault/rate=4000000");
  g_autoptr(GPtrArray) log = NULL;
  Run runs[2] = { { .cancel_at = 512 * 1024 }, { 0 } };

  ub_test_httpd_clear_log (httpd);
  start (&runs[0], the_url, dir, TRUE);
  start (&runs[1], the_url, dir, TRUE);
  wait_for (runs, 2);
  g_assert_error (runs[0].error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_success (&runs[1], dir);
  log = ub_test_httpd_wait_log (httpd, 2);
  g_assert_cmpuint (log->len, ==, 2);
  g_assert_nonnull (entry_range (log, 1));
  g_assert_cmpint (bytes_sent (log), <=, BLOB_SIZE + 256 * 1024);
  run_clear (&runs[0]);
  run_clear (&runs[1]);
}

/* The second is cancelled: only it stops */
static void
test_follower_cancelled (void)
{
  g_autofree char *dir = new_dir ();
  g_autofree char *the_url = url ("/fault/rate=6000000");
  Run runs[2] = { { 0 }, { .cancel_at = 256 * 1024 } };

  start (&runs[0], the_url, dir, TRUE);
  start (&runs[1], the_url, dir, TRUE);
  wait_for (runs, 2);
  g_assert_error (runs[1].error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (ub_download_get_state (runs[1].dl), ==, UB_DOWNLOAD_STATE_FAILED);
  assert_success (&runs[0], dir);
  run_clear (&runs[0]);
  run_clear (&runs[1]);
}

/* A finished file with the right checksum is used without the network;
 * a damaged one is downloaded again and replaced */
static void
test_reuse_final (void)
{
  g_autofree char *dir = new_dir ();
  g_autofree char *the_url = url ("");
  g_autofree char *final = g_build_filename (dir, "blob.bin", NULL);
  g_autofree char *damaged = g_memdup2 (g_bytes_get_data (blob, NULL), BLOB_SIZE);
  Run run = { 0 };

  g_assert_true (g_file_set_contents (final, g_bytes_get_data (blob, NULL), BLOB_SIZE, NULL));
  ub_test_httpd_clear_log (httpd);
  start (&run, the_url, dir, TRUE);
  wait_for (&run, 1);
  assert_success (&run, dir);
  g_assert_cmpint (n_requests (), ==, 0);
  run_clear (&run);

  damaged[1000] ^= 1;
  g_assert_true (g_file_set_contents (final, damaged, BLOB_SIZE, NULL));
  start (&run, the_url, dir, TRUE);
  wait_for (&run, 1);
  assert_success (&run, dir);
  g_assert_cmpint (n_requests (), ==, 1);
  run_clear (&run);
}

typedef struct
{
  int         fd;
  const char *dir;
} Holder;

static void
on_release (gpointer data)
{
  Holder *h = data;
  g_autofree char *final = g_build_filename (h->dir, "blob.bin", NULL);
  g_autofree char *lock = g_build_filename (h->dir, "blob.bin.part.lock", NULL);

  /* what another process does when its download is complete */
  g_assert_true (g_file_set_contents (final, g_bytes_get_data (blob, NULL), BLOB_SIZE, NULL));
  g_unlink (lock);
  close (h->fd);
}

static int
hold_lock (const char *dir)
{
  g_autofree char *lock = g_build_filename (dir, "blob.bin.part.lock", NULL);
  int fd = g_open (lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (flock (fd, LOCK_EX), ==, 0);
  return fd;
}

/* Another process holds the lock (here: another open file, which flock() treats
 * alike): wait, then take the file it finished, checked, with no request */
static void
test_lock_wait (void)
{
  g_autofree char *dir = new_dir ();
  g_autofree char *the_url = url ("");
  Holder h = { hold_lock (dir), dir };
  Run run = { 0 };

  ub_test_httpd_clear_log (httpd);
  g_timeout_add_once (700, on_release, &h);
  start (&run, the_url, dir, TRUE);
  wait_for (&run, 1);
  assert_success (&run, dir);
  g_assert_cmpint (n_requests (), ==, 0);
  run_clear (&run);
}

/* A lock held by a download that never moves: the wait ends with an error
 * (5 minutes, 3 s at UNBRICK_TIME_SCALE=100) */
static void
test_lock_timeout (void)
{
  g_autofree char *dir = new_dir ();
  g_autofree char *the_url = url ("");
  int fd = hold_lock (dir);
  Run run = { 0 };

  start (&run, the_url, dir, TRUE);
  wait_for (&run, 1);
  g_test_message ("%s", run.error->message);
  g_assert_error (run.error, UB_ERROR, UB_ERROR_TIMED_OUT);
  g_assert_nonnull (strstr (run.error->message, "Another download of this file is running"));
  close (fd);
  run_clear (&run);
}

static void
test_invalid (void)
{
  g_autofree char *dir = new_dir ();
  g_autofree char *the_url = url ("");
  Run run = { 0 };

  run.dl = ub_download_new ("ftp://example.com/a.ipsw", dir, NULL);
  ub_download_run_async (run.dl, NULL, on_done, &run);
  wait_for (&run, 1);
  g_assert_error (run.error, UB_ERROR, UB_ERROR_INVALID_DATA);
  run_clear (&run);

  run.dl = ub_download_new (the_url, dir, NULL);
  ub_download_set_expected (run.dl, 0, "not-hex", NULL);
  ub_download_run_async (run.dl, NULL, on_done, &run);
  wait_for (&run, 1);
  g_assert_error (run.error, UB_ERROR, UB_ERROR_INVALID_DATA);
  run_clear (&run);

  run.dl = ub_download_new ("https://example.com/", dir, "..");
  ub_download_run_async (run.dl, NULL, on_done, &run);
  wait_for (&run, 1);
  g_assert_error (run.error, UB_ERROR, UB_ERROR_INVALID_DATA);
  run_clear (&run);
}

static void
make_blob (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (4);
  g_autofree char *www = g_build_filename (tmp_dir, "www", NULL);
  g_autofree char *path = g_build_filename (www, "blob.bin", NULL);
  guint8 *data = g_malloc (BLOB_SIZE);

  for (gsize i = 0; i < BLOB_SIZE; i++)
    data[i] = (guint8)g_rand_int (rand);
  blob = g_bytes_new_take (data, BLOB_SIZE);
  /* GLib's own digests, to check OpenSSL's against */
  blob_sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, blob);
  blob_sha1 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA1, blob);
  g_assert_cmpint (g_mkdir_with_parents (www, 0755), ==, 0);
  g_assert_true (g_file_set_contents (path, (const char *)data, BLOB_SIZE, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *www = NULL;
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_setenv ("no_proxy", "127.0.0.1,localhost", TRUE);
  g_unsetenv ("UNBRICK_TEST_CA_FILE");
  tmp_dir = g_dir_make_tmp ("test-download-XXXXXX", NULL);
  make_blob ();
  www = g_build_filename (tmp_dir, "www", NULL);
  httpd = ub_test_httpd_start (www, NULL, NULL);

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
  g_test_add_func ("/unbrick/download/no-space-up-front", test_no_space_up_front);
  g_test_add_func ("/unbrick/download/no-space-midway", test_no_space_midway);
  g_test_add_func ("/unbrick/download/tls-trusted", test_tls_trusted);
  g_test_add_func ("/unbrick/download/tls-self-signed", test_tls_self_signed);
  g_test_add_func ("/unbrick/download/same-file-in-process", test_same_file_in_process);
  g_test_add_func ("/unbrick/download/leader-cancelled", test_leader_cancelled);
  g_test_add_func ("/unbrick/download/follower-cancelled", test_follower_cancelled);
  g_test_add_func ("/unbrick/download/reuse-final", test_reuse_final);
  g_test_add_func ("/unbrick/download/lock-wait", test_lock_wait);
  g_test_add_func ("/unbrick/download/lock-timeout", test_lock_timeout);
  g_test_add_func ("/unbrick/download/invalid", test_invalid);
  status = g_test_run ();

  ub_test_httpd_stop (httpd);
  {
    const char *rm[] = { "rm", "-rf", tmp_dir, NULL };
    g_spawn_sync (NULL, (char **)rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  }
  return status;
}
