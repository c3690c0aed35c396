/* ub-test-download.c — a file to download, a server for it, and UbDownload runs
 *
 * Shared by the download tests: a 3 MiB file of random bytes (the same in
 * every run) served by tests/httpd/ub-test-httpd.py, helpers that start
 * UbDownloads and wait for them on the main context, and readers for the
 * server's request log.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <sys/resource.h>

#include "ub-test-download.h"

#define RUN_TIMEOUT_S 60


void
ub_test_run_clear (UbTestRun *run)
{
  g_clear_object (&run->dl);
  g_clear_pointer (&run->path, g_free);
  g_clear_error (&run->error);
  g_clear_object (&run->cancellable);
  *run = (UbTestRun) { 0 };
}

char *
ub_test_new_dir (void)
{
  static guint n;
  char *dir = g_strdup_printf ("%s/out-%u", ub_test_blob.tmp_dir, ++n);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  return dir;
}

char *
ub_test_blob_url (const char *prefix)
{
  g_autofree char *path = g_strconcat (prefix, "/blob.bin", NULL);

  return ub_test_httpd_url (ub_test_blob.httpd, path);
}

static void
on_received (UbDownload *dl,
             GParamSpec *pspec,
             UbTestRun        *run)
{
  run->n_received++;
  run->saw_speed |= ub_download_get_speed (dl) > 0;
  run->saw_eta |= ub_download_get_eta (dl) >= 0;
  if (run->cancel_at != 0 && ub_download_get_received (dl) >= run->cancel_at)
    g_cancellable_cancel (run->cancellable);
}

void
ub_test_run_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  UbTestRun *run = user_data;

  run->path = ub_download_run_finish (UB_DOWNLOAD (source), result, &run->error);
  run->done = TRUE;
}

void
ub_test_run_start (UbTestRun        *run,
       const char *the_url,
       const char *dir,
       gboolean    expect)
{
  run->dl = ub_download_new (the_url, dir, "blob.bin");
  if (expect)
    ub_download_set_expected (run->dl, BLOB_SIZE, ub_test_blob.sha256, ub_test_blob.sha1);
  if (run->cancellable == NULL)
    run->cancellable = g_cancellable_new ();
  g_signal_connect (run->dl, "notify::received", G_CALLBACK (on_received), run);
  ub_download_run_async (run->dl, run->cancellable, ub_test_run_done, run);
}

void
ub_test_run_wait (UbTestRun *runs,
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

void
ub_test_run_again (UbTestRun        *run,
       const char *the_url)
{
  g_autofree char *dir = g_path_get_dirname (ub_download_get_path (run->dl));

  ub_test_run_clear (run);
  ub_test_run_start (run, the_url, dir, TRUE);
  ub_test_run_wait (run, 1);
}

void
ub_test_assert_blob (const char *path)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  g_assert_cmpmem (data, len, g_bytes_get_data (ub_test_blob.blob, NULL), g_bytes_get_size (ub_test_blob.blob));
}

gboolean
ub_test_exists (const char *dir,
        const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

goffset
ub_test_size_of (const char *dir,
         const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  GStatBuf st;

  return g_stat (path, &st) == 0 ? st.st_size : -1;
}

void
ub_test_write_part (const char *dir,
            gsize       len)
{
  g_autofree char *path = g_build_filename (dir, "blob.bin.part", NULL);

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (ub_test_blob.blob, NULL), (gssize)len, NULL));
}

void
ub_test_assert_success (UbTestRun        *run,
                const char *dir)
{
  g_assert_no_error (run->error);
  g_assert_nonnull (run->path);
  ub_test_assert_blob (run->path);
  g_assert_false (ub_test_exists (dir, "blob.bin.part"));
  g_assert_false (ub_test_exists (dir, "blob.bin.part.lock"));
  g_assert_cmpint (ub_download_get_state (run->dl), ==, UB_DOWNLOAD_STATE_DONE);
  g_assert_cmpuint (ub_download_get_received (run->dl), ==, BLOB_SIZE);
}

gint64
ub_test_log_int (GPtrArray  *log,
           guint       i,
           const char *member)
{
  return json_object_get_int_member (g_ptr_array_index (log, i), member);
}

const char *
ub_test_log_range (GPtrArray *log,
             guint      i)
{
  JsonObject *o = g_ptr_array_index (log, i);

  return json_object_get_null_member (o, "range") ? NULL : json_object_get_string_member (o, "range");
}

gint64
ub_test_log_sent (GPtrArray *log)
{
  gint64 sum = 0;

  for (guint i = 0; i < log->len; i++)
    sum += ub_test_log_int (log, i, "sent");
  return sum;
}

/* Requests finished so far (for "no request was made") */
guint
ub_test_n_requests (guint expected)
{
  /* the server logs a response when it has finished it, maybe after the
   * client saw its end: wait (up to 5 s) for the ones expected */
  g_autoptr(GPtrArray) log = ub_test_httpd_wait_log (ub_test_blob.httpd, expected);

  return log->len;
}


double
ub_test_cpu_seconds (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static void
make_blob (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (4);
  g_autofree char *www = g_build_filename (ub_test_blob.tmp_dir, "www", NULL);
  g_autofree char *path = g_build_filename (www, "blob.bin", NULL);
  guint8 *data = g_malloc (BLOB_SIZE);

  for (gsize i = 0; i < BLOB_SIZE; i++)
    data[i] = (guint8)g_rand_int (rand);
  ub_test_blob.blob = g_bytes_new_take (data, BLOB_SIZE);
  /* GLib's own digests, to check OpenSSL's against */
  ub_test_blob.sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, ub_test_blob.blob);
  ub_test_blob.sha1 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA1, ub_test_blob.blob);
  g_assert_cmpint (g_mkdir_with_parents (www, 0755), ==, 0);
  g_assert_true (g_file_set_contents (path, (const char *)data, BLOB_SIZE, NULL));
}

UbTestBlob ub_test_blob;

/**
 * ub_test_blob_setup:
 *
 * g_test_init(), then the file and a plain HTTP server for it.
 */
void
ub_test_blob_setup (int    *argc,
                    char ***argv)
{
  g_autofree char *www = NULL;

  g_test_init (argc, argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_setenv ("no_proxy", "127.0.0.1,localhost", TRUE);
  g_unsetenv ("UNBRICK_TEST_CA_FILE");
  ub_test_blob.tmp_dir = g_dir_make_tmp ("test-download-XXXXXX", NULL);
  make_blob ();
  www = g_build_filename (ub_test_blob.tmp_dir, "www", NULL);
  ub_test_blob.httpd = ub_test_httpd_start (www, NULL, NULL);
}

/**
 * ub_test_blob_run:
 *
 * g_test_run(), then the server stopped and the files removed.
 */
int
ub_test_blob_run (void)
{
  const char *rm[] = { "rm", "-rf", NULL, NULL };
  int status = g_test_run ();

  ub_test_httpd_stop (ub_test_blob.httpd);
  rm[2] = ub_test_blob.tmp_dir;
  g_spawn_sync (NULL, (char **)rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  return status;
}
