/* test-download-files.c — UbDownload and the disk: space, locks, sharing, TLS
 *
 * The full disk is simulated with RLIMIT_FSIZE: with SIGXFSZ ignored, write()
 * past the limit fails with EFBIG, which the downloader treats like ENOSPC.
 * That works for root and non-root alike and needs no special file system
 * (a small tmpfs or loop device needs privileges CI does not have).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <unistd.h>

#include "ub-test-download.h"

/* Not enough room for the expected size: refused before any request */
static void
test_no_space_up_front (void)
{
  g_autofree char *dir = ub_test_new_dir ();
  g_autofree char *the_url = ub_test_blob_url ("");
  UbTestRun run = { 0 };

  ub_test_httpd_clear_log (ub_test_blob.httpd);
  run.dl = ub_download_new (the_url, dir, "blob.bin");
  ub_download_set_expected (run.dl, G_GUINT64_CONSTANT (1) << 60, NULL, NULL);
  ub_download_run_async (run.dl, NULL, ub_test_run_done, &run);
  ub_test_run_wait (&run, 1);
  g_test_message ("%s", run.error->message);
  g_assert_error (run.error, UB_ERROR, UB_ERROR_NO_SPACE);
  g_assert_nonnull (strstr (run.error->message, "free"));
  g_assert_cmpint (ub_test_n_requests (0), ==, 0);
  g_assert_false (ub_test_exists (dir, "blob.bin.part"));
  ub_test_run_clear (&run);
}

/* The disk fills up at 1 MiB (RLIMIT_FSIZE: write() fails with EFBIG) */
static void
test_no_space_midway (void)
{
  g_autofree char *dir = ub_test_new_dir ();
  g_autofree char *the_url = ub_test_blob_url ("");
  g_autoptr(GPtrArray) log = NULL;
  struct rlimit saved, small;
  UbTestRun run = { 0 };

  signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  small = saved;
  small.rlim_cur = MIB;
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &small), ==, 0);
  ub_test_run_start (&run, the_url, dir, TRUE);
  ub_test_run_wait (&run, 1);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &saved), ==, 0);

  g_test_message ("%s", run.error->message);
  g_assert_error (run.error, UB_ERROR, UB_ERROR_NO_SPACE);
  g_assert_nonnull (strstr (run.error->message, "disk is full"));
  g_assert_null (strstr (run.error->message, "checksum"));
  g_assert_cmpint (ub_test_size_of (dir, "blob.bin.part"), ==, MIB);

  ub_test_httpd_clear_log (ub_test_blob.httpd);
  ub_test_run_again (&run, the_url);
  ub_test_assert_success (&run, dir);
  log = ub_test_httpd_wait_log (ub_test_blob.httpd, 1);
  g_assert_cmpstr (ub_test_log_range (log, 0), ==, "bytes=1048576-");
  ub_test_run_clear (&run);
}

static void
run_tls (const char *cert,
         const char *key,
         const char *ca_file,
         GError    **error)
{
  g_autoptr(UbTestHttpd) server = NULL;
  g_autofree char *dir = ub_test_new_dir ();
  g_autofree char *the_url = NULL;
  g_autofree char *certs = g_build_filename (ub_test_blob.tmp_dir, "certs", NULL);
  g_autofree char *cert_path = g_build_filename (certs, cert, NULL);
  g_autofree char *key_path = g_build_filename (certs, key, NULL);
  g_autofree char *ca_path = ca_file ? g_build_filename (certs, ca_file, NULL) : NULL;
  UbTestRun run = { 0 };

  server = ub_test_httpd_start (ub_test_blob.tmp_dir, cert_path, key_path);
  the_url = ub_test_httpd_url (server, "/www/blob.bin");
  if (ca_path != NULL)
    g_setenv ("UNBRICK_TEST_CA_FILE", ca_path, TRUE);
  else
    g_unsetenv ("UNBRICK_TEST_CA_FILE");
  ub_test_run_start (&run, the_url, dir, TRUE);    /* the variable is read here, on the main thread */
  g_unsetenv ("UNBRICK_TEST_CA_FILE");
  ub_test_run_wait (&run, 1);
  if (run.error == NULL)
    ub_test_assert_success (&run, dir);
  else
    g_propagate_error (error, g_steal_pointer (&run.error));
  ub_test_run_clear (&run);
}

static gboolean
have_certs (void)
{
  g_autofree char *certs = g_build_filename (ub_test_blob.tmp_dir, "certs", NULL);

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
  g_autofree char *dir = ub_test_new_dir ();
  g_autofree char *the_url = ub_test_blob_url ("/fault/rate=6000000");
  g_autoptr(GPtrArray) log = NULL;
  UbTestRun runs[2] = { { 0 }, { 0 } };

  ub_test_httpd_clear_log (ub_test_blob.httpd);
  ub_test_run_start (&runs[0], the_url, dir, TRUE);
  ub_test_run_start (&runs[1], the_url, dir, TRUE);
  ub_test_run_wait (runs, 2);
  ub_test_assert_success (&runs[0], dir);
  ub_test_assert_success (&runs[1], dir);
  g_assert_cmpstr (runs[0].path, ==, runs[1].path);
  g_assert_cmpstr (ub_download_get_sha256 (runs[1].dl), ==, ub_test_blob.sha256);
  g_assert_cmpuint (runs[1].n_received, >=, 1);     /* the follower saw progress too */
  log = ub_test_httpd_wait_log (ub_test_blob.httpd, 1);
  g_assert_cmpuint (log->len, ==, 1);
  ub_test_run_clear (&runs[0]);
  ub_test_run_clear (&runs[1]);
}

/* The first is cancelled: the second carries on from its .part */
static void
test_leader_cancelled (void)
{
  g_autofree char *dir = ub_test_new_dir ();
  g_autofree char *the_url = ub_test_blob_url ("/fault/rate=4000000");
  g_autoptr(GPtrArray) log = NULL;
  UbTestRun runs[2] = { { .cancel_at = 512 * 1024 }, { 0 } };

  ub_test_httpd_clear_log (ub_test_blob.httpd);
  ub_test_run_start (&runs[0], the_url, dir, TRUE);
  ub_test_run_start (&runs[1], the_url, dir, TRUE);
  ub_test_run_wait (runs, 2);
  g_assert_error (runs[0].error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  ub_test_assert_success (&runs[1], dir);
  log = ub_test_httpd_wait_log (ub_test_blob.httpd, 2);
  g_assert_cmpuint (log->len, ==, 2);
  g_assert_nonnull (ub_test_log_range (log, 1));
  g_assert_cmpint (ub_test_log_sent (log), <=, BLOB_SIZE + 256 * 1024);
  ub_test_run_clear (&runs[0]);
  ub_test_run_clear (&runs[1]);
}

/* The second is cancelled: only it stops */
static void
test_follower_cancelled (void)
{
  g_autofree char *dir = ub_test_new_dir ();
  g_autofree char *the_url = ub_test_blob_url ("/fault/rate=6000000");
  UbTestRun runs[2] = { { 0 }, { .cancel_at = 256 * 1024 } };

  ub_test_run_start (&runs[0], the_url, dir, TRUE);
  ub_test_run_start (&runs[1], the_url, dir, TRUE);
  ub_test_run_wait (runs, 2);
  g_assert_error (runs[1].error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (ub_download_get_state (runs[1].dl), ==, UB_DOWNLOAD_STATE_FAILED);
  ub_test_assert_success (&runs[0], dir);
  ub_test_run_clear (&runs[0]);
  ub_test_run_clear (&runs[1]);
}

/* A finished file with the right checksum is used without the network;
 * a damaged one is downloaded again and replaced */
static void
test_reuse_final (void)
{
  g_autofree char *dir = ub_test_new_dir ();
  g_autofree char *the_url = ub_test_blob_url ("");
  g_autofree char *final = g_build_filename (dir, "blob.bin", NULL);
  g_autofree char *damaged = g_memdup2 (g_bytes_get_data (ub_test_blob.blob, NULL), BLOB_SIZE);
  UbTestRun run = { 0 };

  g_assert_true (g_file_set_contents (final, g_bytes_get_data (ub_test_blob.blob, NULL), BLOB_SIZE, NULL));
  ub_test_httpd_clear_log (ub_test_blob.httpd);
  ub_test_run_start (&run, the_url, dir, TRUE);
  ub_test_run_wait (&run, 1);
  ub_test_assert_success (&run, dir);
  g_assert_cmpint (ub_test_n_requests (0), ==, 0);
  ub_test_run_clear (&run);

  damaged[1000] ^= 1;
  g_assert_true (g_file_set_contents (final, damaged, BLOB_SIZE, NULL));
  ub_test_run_start (&run, the_url, dir, TRUE);
  ub_test_run_wait (&run, 1);
  ub_test_assert_success (&run, dir);
  g_assert_cmpint (ub_test_n_requests (1), ==, 1);
  ub_test_run_clear (&run);
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
  g_assert_true (g_file_set_contents (final, g_bytes_get_data (ub_test_blob.blob, NULL), BLOB_SIZE, NULL));
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
  g_autofree char *dir = ub_test_new_dir ();
  g_autofree char *the_url = ub_test_blob_url ("");
  Holder h = { hold_lock (dir), dir };
  UbTestRun run = { 0 };

  ub_test_httpd_clear_log (ub_test_blob.httpd);
  g_timeout_add_once (700, on_release, &h);
  ub_test_run_start (&run, the_url, dir, TRUE);
  ub_test_run_wait (&run, 1);
  ub_test_assert_success (&run, dir);
  g_assert_cmpint (ub_test_n_requests (0), ==, 0);
  ub_test_run_clear (&run);
}

/* A lock held by a download that never moves: the wait ends with an error
 * (5 minutes, 3 s at UNBRICK_TIME_SCALE=100) */
static void
test_lock_timeout (void)
{
  g_autofree char *dir = ub_test_new_dir ();
  g_autofree char *the_url = ub_test_blob_url ("");
  int fd = hold_lock (dir);
  UbTestRun run = { 0 };

  ub_test_run_start (&run, the_url, dir, TRUE);
  ub_test_run_wait (&run, 1);
  g_test_message ("%s", run.error->message);
  g_assert_error (run.error, UB_ERROR, UB_ERROR_TIMED_OUT);
  g_assert_nonnull (strstr (run.error->message, "Another download of this file is running"));
  close (fd);
  ub_test_run_clear (&run);
}

int
main (int   argc,
      char *argv[])
{
  ub_test_blob_setup (&argc, &argv);
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
  return ub_test_blob_run ();
}
