/* test-firmware-catalog.c — the two catalogs' formats, the cross-check, the cache
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <time.h>
#include <utime.h>

#include "ub-core.h"
#include "ub-firmware-parse.h"

#define PT "iPhone10,3"

static GBytes *
fixture (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "catalog", name, NULL);
  g_autoptr(GError) error = NULL;
  char *data;
  gsize len;

  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (data, len);
}

static UbFirmware *
find (GPtrArray  *list,
      const char *build)
{
  for (guint i = 0; i < list->len; i++)
    if (g_str_equal (ub_firmware_get_build (g_ptr_array_index (list, i)), build))
      return g_ptr_array_index (list, i);
  return NULL;
}

static void
test_ipsw_me (void)
{
  g_autoptr(GBytes) json = fixture ("ipsw-me-iPhone10,3.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = ub_firmware_parse_ipsw_me (json, PT, &error);
  UbFirmware *latest;

  g_assert_no_error (error);
  /* another identifier, an ftp:// URL and an entry without version are left out */
  g_assert_cmpuint (list->len, ==, 4);
  latest = g_ptr_array_index (list, 0);
  g_assert_cmpstr (ub_firmware_get_version (latest), ==, "16.7.12");
  g_assert_cmpstr (ub_firmware_get_build (latest), ==, "20H364");
  g_assert_cmpint (ub_firmware_get_signed (latest), ==, UB_SIGNED_YES);
  g_assert_cmpuint (ub_firmware_get_size (latest), ==, 5800000000);
  g_assert_true (ub_hex_digest_is_valid (ub_firmware_get_sha1 (latest), 20));
  g_assert_true (ub_hex_digest_is_valid (ub_firmware_get_sha256 (latest), 32));
  g_assert_cmpint (g_date_time_get_year (ub_firmware_get_release_date (latest)), ==, 2025);
  g_assert_false (ub_firmware_get_sha1_from_apple (latest));
  g_assert_cmpint (ub_firmware_get_signed (find (list, "15C114")), ==, UB_SIGNED_NO);
}

static void
test_apple_and_cross_check (void)
{
  g_autoptr(GBytes) json = fixture ("ipsw-me-iPhone10,3.json");
  g_autoptr(GBytes) plist = fixture ("apple-version.plist");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = ub_firmware_parse_ipsw_me (json, PT, NULL);
  g_autoptr(UbAppleCatalog) apple = ub_firmware_parse_apple (plist, PT, &error);
  g_autoptr(GPtrArray) fallback = NULL;
  UbFirmware *f;

  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (apple->by_build), ==, 3);   /* the javascript: URL is out */
  g_assert_cmpstr (apple->latest_build, ==, "20H364");

  ub_firmware_cross_check (list, apple);
  f = find (list, "20H364");                     /* Apple agrees (in upper case) */
  g_assert_true (ub_firmware_get_sha1_from_apple (f));
  g_assert_nonnull (ub_firmware_get_sha256 (f));
  f = find (list, "20H360");                     /* Apple disagrees: Apple wins */
  g_assert_true (ub_firmware_get_sha1_from_apple (f));
  g_assert_cmpstr (ub_firmware_get_sha1 (f), ==, "0000000000000000000000000000000000000000");
  g_assert_null (ub_firmware_get_sha256 (f));
  f = find (list, "20H350");                     /* Apple does not list it */
  g_assert_false (ub_firmware_get_sha1_from_apple (f));

  fallback = ub_firmware_list_from_apple (apple, PT);
  g_assert_cmpuint (fallback->len, ==, 3);
  g_assert_cmpstr (ub_firmware_get_build (g_ptr_array_index (fallback, 0)), ==, "20H364");
  g_assert_cmpstr (ub_firmware_get_build (g_ptr_array_index (fallback, 2)), ==, "20H348");
  g_assert_cmpint (ub_firmware_get_signed (g_ptr_array_index (fallback, 0)), ==, UB_SIGNED_UNKNOWN);
  g_assert_cmpuint (ub_firmware_get_size (g_ptr_array_index (fallback, 0)), ==, 0);
}

static void
test_recommended (void)
{
  g_autoptr(GBytes) json = fixture ("ipsw-me-iPhone10,3.json");
  g_autoptr(GBytes) plist = fixture ("apple-version.plist");
  g_autoptr(GPtrArray) list = ub_firmware_parse_ipsw_me (json, PT, NULL);
  g_autoptr(UbAppleCatalog) apple = ub_firmware_parse_apple (plist, PT, NULL);
  g_autoptr(GPtrArray) fallback = ub_firmware_list_from_apple (apple, PT);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(UbFirmwareList) full = ub_firmware_list_new (list, UB_CATALOG_SOURCE_IPSW_ME, now, FALSE, NULL);
  g_autoptr(UbFirmwareList) apple_only = ub_firmware_list_new (fallback, UB_CATALOG_SOURCE_APPLE, now,
                                                               FALSE, apple->latest_build);
  g_autoptr(GPtrArray) none_signed = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(UbFirmwareList) unsigned_list = NULL;

  g_assert_cmpstr (ub_firmware_get_build (ub_firmware_list_get_recommended (full)), ==, "20H364");
  g_assert_cmpstr (ub_firmware_get_build (ub_firmware_list_get_recommended (apple_only)), ==, "20H364");
  g_ptr_array_add (none_signed, g_object_ref (find (list, "15C114")));
  unsigned_list = ub_firmware_list_new (none_signed, UB_CATALOG_SOURCE_IPSW_ME, now, FALSE, NULL);
  g_assert_null (ub_firmware_list_get_recommended (unsigned_list));
}

static void
test_junk (void)
{
  static const char * const json_junk[] = {
    "", "[]", "{}", "{\"firmwares\": 3}", "{\"firmwares\": [1, \"x\", null]}", "not json", "{\"firmwares\": [",
  };

  for (guint i = 0; i < G_N_ELEMENTS (json_junk); i++)
    {
      g_autoptr(GBytes) bytes = g_bytes_new_static (json_junk[i], strlen (json_junk[i]));
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) list = ub_firmware_parse_ipsw_me (bytes, PT, &error);

      if (list != NULL)
        g_assert_cmpuint (list->len, ==, 0);   /* a valid shape with nothing usable */
      else
        g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);
    }
  {
    g_autoptr(GBytes) bytes = g_bytes_new_static ("<plist><dict/></plist>", 22);
    g_autoptr(GError) error = NULL;
    g_autoptr(UbAppleCatalog) apple = ub_firmware_parse_apple (bytes, PT, &error);

    g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);
    g_assert_null (apple);
  }
}

static void
test_versions_and_names (void)
{
  g_autoptr(UbFirmware) plain = ub_firmware_new (PT, "16.7.12", "20H364",
                                                 "https://x/iPhone10,3,iPhone10,6_16.7.12_20H364_Restore.ipsw");
  g_autoptr(UbFirmware) nasty = ub_firmware_new (PT, "16.7/12", "20H364", "https://x/../../etc/passwd");
  g_autofree char *a = ub_firmware_dup_file_name (plain);
  g_autofree char *b = ub_firmware_dup_file_name (nasty);

  g_assert_cmpint (ub_firmware_compare_versions ("16.7.10", "16.7.9"), >, 0);
  g_assert_cmpint (ub_firmware_compare_versions ("16.7", "16.7.1"), <, 0);
  g_assert_cmpint (ub_firmware_compare_versions ("26.2.1", "26.2.1"), ==, 0);
  g_assert_cmpint (ub_firmware_compare_versions ("9.3.6", "10.0"), <, 0);
  g_assert_cmpstr (a, ==, "iPhone10,3,iPhone10,6_16.7.12_20H364_Restore.ipsw");
  g_assert_cmpstr (b, ==, "iPhone10,3_16.7_12_20H364_Restore.ipsw");
}

/* ---- the cache: fresh, stale with the network down, nothing at all ---- */

static char *
cache_with_fixtures (time_t mtime)
{
  /* G_TEST_OPTION_ISOLATE_DIRS gives every test case its own, removed afterwards */
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "catalog", NULL);
  const char *names[][2] = { { "ipsw-me-iPhone10,3.json", "ipsw-me-iPhone10,3.json" },
                             { "apple-version.plist", "apple-version.plist" } };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GBytes) bytes = fixture (names[i][0]);
      g_autofree char *path = g_build_filename (dir, names[i][1], NULL);
      struct utimbuf times = { mtime, mtime };

      g_mkdir_with_parents (dir, 0700);
      g_assert_true (g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL));
      g_assert_cmpint (utime (path, &times), ==, 0);
    }
  return g_steal_pointer (&dir);
}

static void
point_at_nowhere (void)
{
  /* port 9 (discard) on loopback: refused at once, no real network */
  g_setenv ("UNBRICK_IPSW_API_URL", "http://127.0.0.1:9", TRUE);
  g_setenv ("UNBRICK_APPLE_VERSION_URL", "http://127.0.0.1:9/version", TRUE);
}

static void
test_cache_fresh (void)
{
  g_autofree char *dir = cache_with_fixtures (time (NULL) - 60);
  g_autoptr(UbFirmwareCatalog) catalog = ub_firmware_catalog_new (dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(UbFirmwareList) list = NULL;

  point_at_nowhere ();
  list = ub_firmware_catalog_lookup (catalog, PT, UB_CATALOG_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (ub_firmware_list_get_offline (list));
  g_assert_cmpint (ub_firmware_list_get_sources (list), ==, UB_CATALOG_SOURCE_IPSW_ME | UB_CATALOG_SOURCE_APPLE);
  g_assert_cmpuint (ub_firmware_list_get_n_firmwares (list), ==, 4);
  g_assert_cmpstr (ub_firmware_get_build (ub_firmware_list_get_recommended (list)), ==, "20H364");
}

static void
test_cache_stale_offline (void)
{
  g_autofree char *dir = cache_with_fixtures (time (NULL) - 3 * 24 * 3600 - 600);
  g_autoptr(UbFirmwareCatalog) catalog = ub_firmware_catalog_new (dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(UbFirmwareList) list = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *age = NULL;

  point_at_nowhere ();
  list = ub_firmware_catalog_lookup (catalog, PT, UB_CATALOG_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ub_firmware_list_get_offline (list));
  age = ub_firmware_list_dup_age_text (list, now);
  g_assert_cmpstr (age, ==, "checked 3 days ago");
}

static void
test_nothing (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "catalog", NULL);
  g_autoptr(UbFirmwareCatalog) catalog = ub_firmware_catalog_new (dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(UbFirmwareList) list = NULL;

  point_at_nowhere ();
  list = ub_firmware_catalog_lookup (catalog, PT, UB_CATALOG_NONE, NULL, &error);
  g_assert_null (list);
  g_assert_error (error, UB_ERROR, UB_ERROR_NETWORK);
  g_assert_nonnull (strstr (error->message, "firmware file you already have"));
  g_clear_error (&error);
  list = ub_firmware_catalog_lookup (catalog, "iPhone10,3/../../x", UB_CATALOG_NONE, NULL, &error);
  g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/unbrick/firmware-catalog/ipsw-me", test_ipsw_me);
  g_test_add_func ("/unbrick/firmware-catalog/apple-and-cross-check", test_apple_and_cross_check);
  g_test_add_func ("/unbrick/firmware-catalog/recommended", test_recommended);
  g_test_add_func ("/unbrick/firmware-catalog/junk", test_junk);
  g_test_add_func ("/unbrick/firmware-catalog/versions-and-names", test_versions_and_names);
  g_test_add_func ("/unbrick/firmware-catalog/cache-fresh", test_cache_fresh);
  g_test_add_func ("/unbrick/firmware-catalog/cache-stale-offline", test_cache_stale_offline);
  g_test_add_func ("/unbrick/firmware-catalog/nothing", test_nothing);

  return g_test_run ();
}
