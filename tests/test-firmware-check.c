/* test-firmware-check.c — a firmware file the person already has
 *
 * Synthetic IPSWs with real Apple manifests (ub-test-ipsw) against catalog
 * lists built here: a listed build must match the catalog's size and
 * checksums and still be signed; an unlisted one passes on its contents; a
 * file for another model, or a damaged one, never passes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "ub-core.h"
#include "ub-test-ipsw.h"

typedef struct
{
  char           *dir;
  char           *path;        /* an iPhone X IPSW, iOS 11.2 (15C114) */
  char           *sha256;
  char           *sha1;
  guint64         size;
  UbModelDb      *db;
  UbModel        *model;       /* iPhone10,3 */
  guint           n_ticks;
  guint64         last_done;
  guint64         last_total;
} Fixture;

typedef struct
{
  gboolean          done;
  UbFirmwareOrigin  origin;
  UbFirmware       *firmware;
  GError           *error;
} Outcome;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *contents = NULL;
  gsize len;

  f->dir = ub_test_ipsw_make_dir ();
  f->path = ub_test_ipsw_write_manifest (f->dir, UB_TEST_MANIFEST_IPHONE_X,
                                         "iPhone10,3,iPhone10,6_11.2_15C114_Restore.ipsw");
  g_assert_true (g_file_get_contents (f->path, &contents, &len, NULL));
  f->size = len;
  f->sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *)contents, len);
  f->sha1 = g_compute_checksum_for_data (G_CHECKSUM_SHA1, (const guchar *)contents, len);
  f->db = ub_model_db_new_default ();
  f->model = g_object_ref (ub_model_db_lookup_product_type (f->db, "iPhone10,3"));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  ub_test_ipsw_remove_dir (f->dir);
  g_free (f->dir);
  g_free (f->path);
  g_free (f->sha256);
  g_free (f->sha1);
  g_clear_object (&f->model);
  g_clear_object (&f->db);
}

/* A catalog list with one image of build @build */
static UbFirmwareList *
make_list (const char *build,
           guint64     size,
           const char *sha256,
           const char *sha1,
           UbSigned    is_signed)
{
  g_autoptr(GPtrArray) firmwares = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  UbFirmware *firmware = ub_firmware_new ("iPhone10,3", "11.2", build,
                                          "https://updates.cdn-apple.com/x/iPhone10,3,iPhone10,6_11.2_15C114_Restore.ipsw");

  _ub_firmware_set_size (firmware, size);
  _ub_firmware_set_hashes (firmware, sha1, sha256);
  _ub_firmware_set_signed (firmware, is_signed);
  g_ptr_array_add (firmwares, firmware);
  return ub_firmware_list_new (firmwares, UB_CATALOG_SOURCE_IPSW_ME, now, FALSE, NULL);
}

static void
on_progress (guint64  done,
             guint64  total,
             gpointer user_data)
{
  Fixture *f = user_data;

  g_assert_cmpuint (done, <=, total);
  g_assert_cmpuint (done, >=, f->last_done);
  f->n_ticks++;
  f->last_done = done;
  f->last_total = total;
}

static void
on_checked (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Outcome *o = user_data;
  g_autofree char *path = NULL;

  o->origin = ub_firmware_check_file_finish (result, &path, &o->firmware, &o->error);
  g_assert_true ((o->origin == UB_FIRMWARE_ORIGIN_NONE) == (o->error != NULL));
  o->done = TRUE;
}

static void
check (Fixture        *f,
       const char     *path,
       UbFirmwareList *list,
       GCancellable   *cancellable,
       Outcome        *o)
{
  *o = (Outcome) { 0 };
  f->n_ticks = 0;
  f->last_done = 0;
  ub_firmware_check_file_async (path, f->model, list, on_progress, f, cancellable, on_checked, o);
  while (!o->done)
    g_main_context_iteration (NULL, TRUE);
}

static void
outcome_clear (Outcome *o)
{
  g_clear_object (&o->firmware);
  g_clear_error (&o->error);
}

static void
test_matched (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(UbFirmwareList) list = make_list ("15C114", f->size, f->sha256, f->sha1, UB_SIGNED_YES);
  Outcome o;

  check (f, f->path, list, NULL, &o);
  g_assert_no_error (o.error);
  g_assert_cmpint (o.origin, ==, UB_FIRMWARE_ORIGIN_LOCAL_MATCHED);
  g_assert_true (o.firmware == ub_firmware_list_find_build (list, "15C114"));
  /* the whole file was hashed, and the last tick says so */
  g_assert_cmpuint (f->n_ticks, >=, 1);
  g_assert_cmpuint (f->last_done, ==, f->size);
  g_assert_cmpuint (f->last_total, ==, f->size);
  outcome_clear (&o);

  /* SHA-1 alone (Apple's list) is enough */
  g_clear_object (&list);
  list = make_list ("15C114", f->size, NULL, f->sha1, UB_SIGNED_YES);
  check (f, f->path, list, NULL, &o);
  g_assert_no_error (o.error);
  g_assert_cmpint (o.origin, ==, UB_FIRMWARE_ORIGIN_LOCAL_MATCHED);
  outcome_clear (&o);
}

static void
test_checksum_mismatch (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *wrong = g_strdup (f->sha256);
  g_autoptr(UbFirmwareList) list = NULL;
  Outcome o;

  wrong[0] = wrong[0] == '0' ? '1' : '0';
  list = make_list ("15C114", f->size, wrong, f->sha1, UB_SIGNED_YES);
  check (f, f->path, list, NULL, &o);
  g_assert_error (o.error, UB_ERROR, UB_ERROR_CHECKSUM);
  g_assert_nonnull (strstr (o.error->message, "15C114"));
  outcome_clear (&o);

  /* a size other than the catalog's fails before any hashing */
  g_clear_object (&list);
  list = make_list ("15C114", f->size + 1, f->sha256, f->sha1, UB_SIGNED_YES);
  check (f, f->path, list, NULL, &o);
  g_assert_error (o.error, UB_ERROR, UB_ERROR_CHECKSUM);
  g_assert_cmpuint (f->n_ticks, ==, 0);
  outcome_clear (&o);
}

static void
test_not_signed (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(UbFirmwareList) list = make_list ("15C114", f->size, f->sha256, f->sha1, UB_SIGNED_NO);
  Outcome o;

  check (f, f->path, list, NULL, &o);
  g_assert_error (o.error, UB_ERROR, UB_ERROR_WRONG_FIRMWARE);
  g_assert_nonnull (strstr (o.error->message, "no longer signs iOS 11.2"));
  outcome_clear (&o);
}

static void
test_unlisted (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(UbFirmwareList) list = make_list ("20H364", 5, f->sha256, f->sha1, UB_SIGNED_YES);
  Outcome o;

  for (guint i = 0; i < 2; i++)
    {
      check (f, f->path, i == 0 ? list : NULL, NULL, &o);
      g_assert_no_error (o.error);
      g_assert_cmpint (o.origin, ==, UB_FIRMWARE_ORIGIN_LOCAL_UNLISTED);
      /* made from the file's own manifest */
      g_assert_cmpstr (ub_firmware_get_version (o.firmware), ==, "11.2");
      g_assert_cmpstr (ub_firmware_get_build (o.firmware), ==, "15C114");
      g_assert_cmpint (ub_firmware_get_signed (o.firmware), ==, UB_SIGNED_UNKNOWN);
      g_assert_true (g_str_has_prefix (ub_firmware_get_url (o.firmware), "file:///"));
      g_assert_cmpuint (f->n_ticks, ==, 0);
      outcome_clear (&o);
    }
}

static void
test_other_model (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *other = ub_test_ipsw_write_manifest (f->dir, UB_TEST_MANIFEST_IPHONE_12, "iPhone12.ipsw");
  Outcome o;

  check (f, other, NULL, NULL, &o);
  g_assert_error (o.error, UB_ERROR, UB_ERROR_WRONG_FIRMWARE);
  g_test_message ("%s", o.error->message);
  outcome_clear (&o);
}

static void
test_damaged (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *contents = NULL;
  g_autofree char *truncated = NULL;
  g_autofree char *text = NULL;
  g_autofree char *missing = g_build_filename (f->dir, "missing.ipsw", NULL);
  gsize len;
  Outcome o;

  g_assert_true (g_file_get_contents (f->path, &contents, &len, NULL));
  truncated = ub_test_ipsw_write_file (f->dir, "truncated.ipsw", contents, len / 2);
  check (f, truncated, NULL, NULL, &o);
  g_assert_error (o.error, UB_ERROR, UB_ERROR_CORRUPT_ARCHIVE);
  outcome_clear (&o);

  text = ub_test_ipsw_write_file (f->dir, "notes.ipsw", "not a zip at all\n", 17);
  check (f, text, NULL, NULL, &o);
  g_assert_error (o.error, UB_ERROR, UB_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (o.error->message, "not an iPhone firmware file"));
  outcome_clear (&o);

  check (f, missing, NULL, NULL, &o);
  g_assert_nonnull (o.error);
  g_assert_cmpint (o.origin, ==, UB_FIRMWARE_ORIGIN_NONE);
  outcome_clear (&o);
}

static void
test_cancelled (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(UbFirmwareList) list = make_list ("15C114", f->size, f->sha256, f->sha1, UB_SIGNED_YES);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Outcome o;

  g_cancellable_cancel (cancellable);
  check (f, f->path, list, cancellable, &o);
  g_assert_error (o.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  outcome_clear (&o);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/unbrick/firmware-check/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("matched", test_matched);
  ADD ("checksum-mismatch", test_checksum_mismatch);
  ADD ("not-signed", test_not_signed);
  ADD ("unlisted", test_unlisted);
  ADD ("other-model", test_other_model);
  ADD ("damaged", test_damaged);
  ADD ("cancelled", test_cancelled);
#undef ADD
  return g_test_run ();
}
