/* test-hash.c — ub-hash: OpenSSL's digests against GLib's, files, progress
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "ub-core.h"

#define FILE_SIZE (5 * 1024 * 1024 + 77)    /* several 1 MiB buffers and a tail */

static char *tmp_dir;
static char *file_path;
static char *file_sha256;
static char *file_sha1;

typedef struct
{
  gboolean  done;
  gboolean  ok;
  char     *sha256;
  char     *sha1;
  GError   *error;
  guint     n_progress;
  guint64   last_done;
  guint64   last_total;
} Hash;

static void
hash_clear (Hash *h)
{
  g_free (h->sha256);
  g_free (h->sha1);
  g_clear_error (&h->error);
}

static void
on_progress (guint64  done,
             guint64  total,
             gpointer user_data)
{
  Hash *h = user_data;

  g_assert_cmpuint (done, <=, total);
  g_assert_cmpuint (done, >=, h->last_done);
  h->n_progress++;
  h->last_done = done;
  h->last_total = total;
}

static void
on_hashed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Hash *h = user_data;

  h->ok = ub_hash_file_finish (result, &h->sha256, &h->sha1, &h->error);
  h->done = TRUE;
}

static void
hash (Hash         *h,
      const char   *path,
      UbHashKinds   kinds,
      GCancellable *cancellable)
{
  ub_hash_file_async (path, kinds, on_progress, h, cancellable, on_hashed, h);
  while (!h->done)
    g_main_context_iteration (NULL, TRUE);
}

static void
test_file (void)
{
  g_autofree char *empty = g_build_filename (tmp_dir, "empty", NULL);
  gint64 began = g_get_monotonic_time ();
  Hash h = { 0 };

  hash (&h, file_path, UB_HASH_ALL, NULL);
  g_assert_no_error (h.error);
  g_assert_true (h.ok);
  g_assert_cmpstr (h.sha256, ==, file_sha256);
  g_assert_cmpstr (h.sha1, ==, file_sha1);
  /* the last report is the whole file; none more often than every 250 ms */
  g_assert_cmpuint (h.last_done, ==, FILE_SIZE);
  g_assert_cmpuint (h.last_total, ==, FILE_SIZE);
  g_assert_cmpuint (h.n_progress, <=, (g_get_monotonic_time () - began) / 250000 + 2);
  hash_clear (&h);

  h = (Hash) { 0 };
  hash (&h, file_path, UB_HASH_SHA256, NULL);
  g_assert_cmpstr (h.sha256, ==, file_sha256);
  g_assert_null (h.sha1);
  hash_clear (&h);

  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  h = (Hash) { 0 };
  hash (&h, empty, UB_HASH_ALL, NULL);
  g_assert_cmpstr (h.sha256, ==, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  g_assert_cmpstr (h.sha1, ==, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  hash_clear (&h);
}

static void
test_errors (void)
{
  g_autofree char *missing = g_build_filename (tmp_dir, "missing", NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Hash h = { 0 };

  hash (&h, missing, UB_HASH_ALL, NULL);
  g_assert_error (h.error, UB_ERROR, UB_ERROR_NOT_FOUND);
  g_assert_false (h.ok);
  hash_clear (&h);

  h = (Hash) { 0 };
  hash (&h, tmp_dir, UB_HASH_ALL, NULL);
  g_assert_error (h.error, UB_ERROR, UB_ERROR_FAILED);
  hash_clear (&h);

  h = (Hash) { 0 };
  g_cancellable_cancel (cancellable);
  hash (&h, file_path, UB_HASH_ALL, cancellable);
  g_assert_error (h.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  hash_clear (&h);
}

/* Fed in uneven pieces, reset and fed again: the same digests */
static void
test_hasher (void)
{
  g_autoptr(UbHasher) hasher = ub_hasher_new (UB_HASH_ALL);
  g_autofree char *data = NULL;
  g_autofree char *sha256 = NULL;
  g_autofree char *sha1 = NULL;
  gsize len, done = 0, step = 1;

  g_assert_true (g_file_get_contents (file_path, &data, &len, NULL));
  ub_hasher_update (hasher, "junk", 4);
  ub_hasher_reset (hasher);
  while (done < len)
    {
      gsize n = MIN (step, len - done);

      ub_hasher_update (hasher, data + done, n);
      done += n;
      step = step * 3 + 1;
    }
  sha256 = ub_hasher_finish_hex (hasher, UB_HASH_SHA256);
  sha1 = ub_hasher_finish_hex (hasher, UB_HASH_SHA1);
  g_assert_cmpstr (sha256, ==, file_sha256);
  g_assert_cmpstr (sha1, ==, file_sha1);
}

/* The same through the queue's thread, with a reset in the middle */
static void
test_queue (void)
{
  g_autoptr(UbHasher) hasher = ub_hasher_new (UB_HASH_ALL);
  g_autofree char *data = NULL;
  g_autofree char *sha256 = NULL;
  g_autofree char *sha1 = NULL;
  UbHashQueue *queue;
  gsize len, done = 0, step = 1;

  g_assert_true (g_file_get_contents (file_path, &data, &len, NULL));
  queue = ub_hash_queue_new (hasher, 64 * 1024, 3);
  ub_hash_queue_push (queue, data, len / 2);
  ub_hash_queue_reset (queue);
  while (done < len)
    {
      gsize n = MIN (step, len - done);

      ub_hash_queue_push (queue, data + done, n);
      done += n;
      step = step * 2 + 7;
    }
  ub_hash_queue_finish (queue);
  sha256 = ub_hasher_finish_hex (hasher, UB_HASH_SHA256);
  sha1 = ub_hasher_finish_hex (hasher, UB_HASH_SHA1);
  g_assert_cmpstr (sha256, ==, file_sha256);
  g_assert_cmpstr (sha1, ==, file_sha1);
}

static void
test_hex (void)
{
  g_assert_true (ub_hash_hex_is_valid (file_sha256, UB_HASH_SHA256));
  g_assert_true (ub_hash_hex_is_valid (file_sha1, UB_HASH_SHA1));
  g_assert_false (ub_hash_hex_is_valid (file_sha1, UB_HASH_SHA256));
  g_assert_false (ub_hash_hex_is_valid ("da39a3ee5e6b4b0d3255bfef95601890afd8070g", UB_HASH_SHA1));
  g_assert_false (ub_hash_hex_is_valid (NULL, UB_HASH_SHA1));
  g_assert_true (ub_hash_hex_is_valid ("DA39A3EE5E6B4B0D3255BFEF95601890AFD80709", UB_HASH_SHA1));
  g_assert_true (ub_hash_hex_equal ("DA39a3ee5e6b4b0d3255bfef95601890afd80709",
                                    "da39a3ee5e6b4b0d3255bfef95601890afd80709"));
  g_assert_false (ub_hash_hex_equal ("da39", NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autofree guint8 *data = g_malloc (FILE_SIZE);
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  tmp_dir = g_dir_make_tmp ("test-hash-XXXXXX", NULL);
  file_path = g_build_filename (tmp_dir, "file.bin", NULL);
  for (gsize i = 0; i < FILE_SIZE; i++)
    data[i] = (guint8)g_rand_int (rand);
  g_assert_true (g_file_set_contents (file_path, (const char *)data, FILE_SIZE, NULL));
  file_sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, FILE_SIZE);
  file_sha1 = g_compute_checksum_for_data (G_CHECKSUM_SHA1, data, FILE_SIZE);

  g_test_add_func ("/unbrick/hash/file", test_file);
  g_test_add_func ("/unbrick/hash/errors", test_errors);
  g_test_add_func ("/unbrick/hash/hasher", test_hasher);
  g_test_add_func ("/unbrick/hash/queue", test_queue);
  g_test_add_func ("/unbrick/hash/hex", test_hex);
  status = g_test_run ();

  g_unlink (file_path);
  {
    g_autofree char *empty = g_build_filename (tmp_dir, "empty", NULL);
    g_unlink (empty);
  }
  g_rmdir (tmp_dir);
  return status;
}
