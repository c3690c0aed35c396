/* test-ipsw.c — the IPSW reader on firmware files with real Apple manifests
 *
 * Each archive is synthetic (tests/ub-test-ipsw.c): a real BuildManifest.plist
 * (iOS 7.1.2, 11.2 with its Restore.plist, 26.2.1) and a small dummy file at
 * every path its identities name. Bad archives are in test-ipsw-bad.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <plist/plist.h>
#include <string.h>
#include <unistd.h>

#include "ub-core.h"
#include "ub-test-ipsw.h"

static char *tmp_dir;
static UbModelDb *db;

static char *
write_ipsw (const char *manifest,
            const char *basename)
{
  return ub_test_ipsw_write_manifest (tmp_dir, manifest, basename);
}

static UbIpsw *
open_ipsw (const char *manifest)
{
  g_autofree char *basename = g_strconcat (manifest, ".ipsw", NULL);
  g_autofree char *path = g_build_filename (tmp_dir, basename, NULL);
  g_autoptr(GError) error = NULL;
  UbIpsw *ipsw;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    g_free (write_ipsw (manifest, basename));
  ipsw = ub_ipsw_new_for_path (path, &error);
  g_assert_no_error (error);
  return ipsw;
}

static UbModel *
model (const char *product_type)
{
  UbModel *found = ub_model_db_lookup_product_type (db, product_type);

  g_assert_nonnull (found);
  return found;
}

typedef struct
{
  const char *manifest;
  const char *version;
  const char *build;
  const char *types;
  guint       identities;
  gboolean    restore_plist;
} Summary;

/* Versions, builds, product types and identity counts as
 * shared/research/fixtures/README.md lists them */
static const Summary summaries[] = {
  { UB_TEST_MANIFEST_IPHONE_4, "7.1.2", "11D257", "iPhone3,1", 2, FALSE },
  { UB_TEST_MANIFEST_IPHONE_X, "11.2", "15C114", "iPhone10,6 iPhone10,3", 4, TRUE },
  { UB_TEST_MANIFEST_IPHONE_12, "26.2.1", "23C71", "iPhone13,2 iPhone13,3", 6, FALSE },
};

static void
test_summary (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (summaries); i++)
    {
      const Summary *s = &summaries[i];
      g_autoptr(UbIpsw) ipsw = open_ipsw (s->manifest);
      g_autoptr(GPtrArray) paths = ub_test_ipsw_manifest_paths (s->manifest);
      g_autofree char *types = g_strjoinv (" ", (char **)ub_ipsw_get_product_types (ipsw));

      g_test_message ("%s: %u entries", s->manifest, ub_ipsw_get_n_entries (ipsw));
      g_assert_cmpstr (ub_ipsw_get_product_version (ipsw), ==, s->version);
      g_assert_cmpstr (ub_ipsw_get_build_version (ipsw), ==, s->build);
      g_assert_cmpstr (types, ==, s->types);
      g_assert_cmpuint (ub_ipsw_get_n_identities (ipsw), ==, s->identities);
      g_assert_cmpuint (ub_build_manifest_get_n_skipped (ub_ipsw_get_manifest (ipsw)), ==, 0);
      g_assert_cmpint (ub_ipsw_get_restore_plist (ipsw) != NULL, ==, s->restore_plist);
      g_assert_cmpuint (ub_ipsw_get_n_entries (ipsw), ==, paths->len + 1 + s->restore_plist);
      g_assert_nonnull (ub_build_manifest_get_plist (ub_ipsw_get_manifest (ipsw)));
    }
}

/* The identities of iOS 11.2 for the iPhone X, in manifest order */
static void
test_identities (void)
{
  g_autoptr(UbIpsw) ipsw = open_ipsw (UB_TEST_MANIFEST_IPHONE_X);
  static const struct { const char *board; guint bdid; UbRestoreBehavior behavior; } expected[] = {
    { "d221ap", 0x0E, UB_RESTORE_BEHAVIOR_ERASE },
    { "d221ap", 0x0E, UB_RESTORE_BEHAVIOR_UPDATE },
    { "d22ap", 0x06, UB_RESTORE_BEHAVIOR_ERASE },
    { "d22ap", 0x06, UB_RESTORE_BEHAVIOR_UPDATE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      UbBuildIdentity *identity = ub_ipsw_get_identity (ipsw, i);
      plist_t dict = ub_build_identity_get_plist (identity);

      g_assert_cmpuint (ub_build_identity_get_index (identity), ==, i);
      g_assert_cmpuint (ub_build_identity_get_chip_id (identity), ==, 0x8015);
      g_assert_cmpuint (ub_build_identity_get_board_id (identity), ==, expected[i].bdid);
      g_assert_cmpstr (ub_build_identity_get_device_class (identity), ==, expected[i].board);
      g_assert_cmpint (ub_build_identity_get_behavior (identity), ==, expected[i].behavior);
      g_assert_true (ub_build_identity_is_customer (identity));
      g_assert_false (ub_build_identity_is_research (identity));
      g_assert_cmpuint (ub_build_identity_get_n_components (identity), ==, 39);
      g_assert_cmpstr (ub_build_identity_get_component_path (identity, "iBSS"), ==,
                       "Firmware/dfu/iBSS.d22.RELEASE.im4p");
      g_assert_null (ub_build_identity_get_component_path (identity, "ftap"));   /* personalised */
      g_assert_cmpstr (ub_build_identity_get_component_names (identity)[0], ==, "AOP");
      g_assert_nonnull (plist_dict_get_item (dict, "UniqueBuildID"));             /* all of it, for TSS */
    }
}

/* Every BuildManifest of the research fixtures, XML and converted to a
 * binary plist, when ../shared is there (never needed by CI) */
static void
test_research_manifests (void)
{
  static const struct { const char *file; const char *version; guint identities; } all[] = {
    { "iPhone3,1_11D257.plist", "7.1.2", 2 },
    { "iPhone7,2_12H321.plist", "8.4.1", 2 },
    { "iPhone8,1_19H12.plist", "15.7", 4 },
    { "iPhone9,1-iPhone9,3-iPhone10,1-iPhone10,4_17F80.plist", "13.5.1", 8 },
    { "iPhone9,1-iPhone9,3-iPhone10,1-iPhone10,4_19E241.plist", "15.4", 8 },
    { "iPhone10,3-iPhone10,6_15C114.plist", "11.2", 4 },
    { "iPhone14,3_19E258.plist", "15.4.1", 2 },
    { "iPhone13,2-iPhone13,3_23C71.plist", "26.2.1", 6 },
  };
  const char *dir = g_getenv ("UB_RESEARCH_DIR");

  if (dir == NULL || !g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("research fixtures not available (UB_RESEARCH_DIR)");
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    {
      g_autofree char *path = g_build_filename (dir, "fixtures", "manifests", all[i].file, NULL);
      g_autofree char *xml = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(UbBuildManifest) manifest = NULL;
      g_autoptr(UbBuildManifest) again = NULL;
      char *bin = NULL;
      uint32_t bin_len = 0;
      gsize len;

      g_file_get_contents (path, &xml, &len, &error);
      g_assert_no_error (error);
      manifest = ub_build_manifest_new_from_data ((const guint8 *)xml, len, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (ub_build_manifest_get_product_version (manifest), ==, all[i].version);
      g_assert_cmpuint (ub_build_manifest_get_n_identities (manifest), ==, all[i].identities);
      plist_to_bin (ub_build_manifest_get_plist (manifest), &bin, &bin_len);
      again = ub_build_manifest_new_from_data ((const guint8 *)bin, bin_len, &error);
      free (bin);
      g_assert_no_error (error);
      g_assert_cmpstr (ub_build_manifest_get_build_version (again), ==,
                       ub_build_manifest_get_build_version (manifest));
      g_assert_cmpuint (ub_build_manifest_get_n_identities (again), ==, all[i].identities);
    }
}

static void
test_fits (void)
{
  g_autoptr(UbIpsw) x = open_ipsw (UB_TEST_MANIFEST_IPHONE_X);
  g_autoptr(UbIpsw) twelve = open_ipsw (UB_TEST_MANIFEST_IPHONE_12);
  g_autoptr(UbModel) other_board = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (ub_ipsw_check_fits (x, model ("iPhone10,3"), &error));
  g_assert_true (ub_ipsw_check_fits (x, model ("iPhone10,6"), &error));
  g_assert_true (ub_ipsw_check_fits (twelve, model ("iPhone13,3"), &error));
  g_assert_no_error (error);

  g_assert_false (ub_ipsw_check_fits (twelve, model ("iPhone10,3"), &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_WRONG_FIRMWARE);
  g_assert_cmpstr (error->message, ==,
                   "This firmware is for other models (iPhone13,2, iPhone13,3); your phone is an iPhone10,3.");
  g_clear_error (&error);
  g_assert_false (ub_ipsw_check_fits (x, model ("iPhone3,1"), &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_WRONG_FIRMWARE);
  g_clear_error (&error);

  /* Listed product type, but no identity for this board */
  other_board = ub_model_new ("Test", "iPhone10,3", "d99ap", 0x8015, 0x07, "A11", 2017,
                              UB_BUTTON_FAMILY_MODERN, UB_POWER_BUTTON_SIDE, UB_CONNECTOR_LIGHTNING, "16");
  g_assert_false (ub_ipsw_check_fits (x, other_board, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_WRONG_FIRMWARE);
  g_assert_nonnull (strstr (error->message, "d99ap"));
  g_assert_null (ub_ipsw_choose_identity (x, other_board, TRUE, NULL));
}

static void
check_choice (UbIpsw     *ipsw,
              const char *product_type,
              gboolean    erase,
              guint       index,
              const char *variant)
{
  g_autoptr(GError) error = NULL;
  UbBuildIdentity *identity = ub_ipsw_choose_identity (ipsw, model (product_type), erase, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (ub_build_identity_get_index (identity), ==, index);
  g_assert_cmpstr (ub_build_identity_get_variant (identity), ==, variant);
  g_assert_true (ub_build_identity_matches_model (identity, model (product_type)));
  g_assert_true (ub_ipsw_check_components (ipsw, identity, &error));
  g_assert_no_error (error);
}

/* Erase and update on both boards; iOS 26.2.1's Research identities for
 * d53gap come after the Customer ones and are never chosen */
static void
test_choose (void)
{
  g_autoptr(UbIpsw) x = open_ipsw (UB_TEST_MANIFEST_IPHONE_X);
  g_autoptr(UbIpsw) twelve = open_ipsw (UB_TEST_MANIFEST_IPHONE_12);
  g_autoptr(UbIpsw) four = open_ipsw (UB_TEST_MANIFEST_IPHONE_4);

  check_choice (x, "iPhone10,3", TRUE, 2, UB_BUILD_IDENTITY_VARIANT_ERASE);
  check_choice (x, "iPhone10,3", FALSE, 3, UB_BUILD_IDENTITY_VARIANT_UPDATE);
  check_choice (x, "iPhone10,6", TRUE, 0, UB_BUILD_IDENTITY_VARIANT_ERASE);
  check_choice (x, "iPhone10,6", FALSE, 1, UB_BUILD_IDENTITY_VARIANT_UPDATE);
  check_choice (twelve, "iPhone13,2", TRUE, 0, UB_BUILD_IDENTITY_VARIANT_ERASE);
  check_choice (twelve, "iPhone13,2", FALSE, 2, UB_BUILD_IDENTITY_VARIANT_UPDATE);
  check_choice (twelve, "iPhone13,3", TRUE, 1, UB_BUILD_IDENTITY_VARIANT_ERASE);
  check_choice (twelve, "iPhone13,3", FALSE, 3, UB_BUILD_IDENTITY_VARIANT_UPDATE);
  check_choice (four, "iPhone3,1", TRUE, 0, UB_BUILD_IDENTITY_VARIANT_ERASE);
  check_choice (four, "iPhone3,1", FALSE, 1, UB_BUILD_IDENTITY_VARIANT_UPDATE);

  g_assert_true (ub_build_identity_is_research (ub_ipsw_get_identity (twelve, 4)));
  g_assert_cmpint (ub_build_identity_get_behavior (ub_ipsw_get_identity (twelve, 4)), ==,
                   UB_RESTORE_BEHAVIOR_ERASE);
  g_assert_cmpint (ub_build_identity_get_behavior (ub_ipsw_get_identity (twelve, 5)), ==,
                   UB_RESTORE_BEHAVIOR_UPDATE);
}

/* The 26.2.1 manifest with only the identities @keep says (by index) */
static UbBuildManifest *
manifest_keeping (const char *keep)
{
  g_autoptr(GBytes) bytes = ub_test_ipsw_load_manifest (UB_TEST_MANIFEST_IPHONE_12);
  g_autoptr(GError) error = NULL;
  plist_t root = NULL, list;
  char *xml = NULL;
  uint32_t len = 0;
  UbBuildManifest *manifest;

  plist_from_xml (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &root);
  list = plist_dict_get_item (root, "BuildIdentities");
  for (int i = (int)plist_array_get_size (list) - 1; i >= 0; i--)
    if (strchr (keep, '0' + i) == NULL)
      plist_array_remove_item (list, i);
  plist_to_xml (root, &xml, &len);
  plist_free (root);
  manifest = ub_build_manifest_new_from_data ((const guint8 *)xml, len, &error);
  free (xml);
  g_assert_no_error (error);
  return manifest;
}

/* Research variants only when nothing else exists; never an erase for an
 * update, and never the reverse */
static void
test_choose_fallbacks (void)
{
  g_autoptr(UbBuildManifest) research = manifest_keeping ("45");
  g_autoptr(UbBuildManifest) erase_only = manifest_keeping ("04");
  g_autoptr(UbBuildManifest) update_only = manifest_keeping ("2");
  UbModel *d53g = model ("iPhone13,2");
  g_autoptr(GError) error = NULL;
  UbBuildIdentity *identity;

  identity = ub_build_manifest_choose_identity (research, d53g, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ub_build_identity_get_variant (identity), ==, "Research Customer Erase Install (IPSW)");
  identity = ub_build_manifest_choose_identity (research, d53g, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ub_build_identity_get_variant (identity), ==, "Research Customer Upgrade Install (IPSW)");

  identity = ub_build_manifest_choose_identity (erase_only, d53g, TRUE, &error);
  g_assert_cmpstr (ub_build_identity_get_variant (identity), ==, UB_BUILD_IDENTITY_VARIANT_ERASE);
  g_assert_null (ub_build_manifest_choose_identity (erase_only, d53g, FALSE, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_ERASE_REQUIRED);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  g_assert_null (ub_build_manifest_choose_identity (update_only, d53g, TRUE, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);
  /* d53pap has no identity left at all */
  g_assert_null (ub_build_manifest_choose_identity (update_only, model ("iPhone13,3"), FALSE, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_WRONG_FIRMWARE);
}

static void
check_component (UbIpsw     *ipsw,
                 const char *path)
{
  g_autoptr(GBytes) expected = ub_test_ipsw_dummy_content (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stream = ub_ipsw_open_component (ipsw, path, &error);
  g_autoptr(GBytes) read = NULL;
  guint64 size = 0;

  g_assert_no_error (error);
  g_assert_true (ub_ipsw_get_component_size (ipsw, path, &size, &error));
  g_assert_cmpuint (size, ==, g_bytes_get_size (expected));
  read = g_input_stream_read_bytes (stream, size + 100, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (read, expected));
  g_assert_true (g_input_stream_close (stream, NULL, &error));
}

/* Every component of the chosen identity, stored and deflated ones */
static void
test_components (void)
{
  g_autoptr(UbIpsw) ipsw = open_ipsw (UB_TEST_MANIFEST_IPHONE_12);
  UbBuildIdentity *identity = ub_ipsw_choose_identity (ipsw, model ("iPhone13,2"), TRUE, NULL);
  g_autoptr(GPtrArray) paths = ub_build_identity_dup_paths (identity);
  g_autoptr(GError) error = NULL;
  guint64 size;

  g_assert_cmpuint (paths->len, ==, 71);
  for (guint i = 0; i < paths->len; i++)
    check_component (ipsw, paths->pdata[i]);

  g_assert_false (ub_ipsw_has_component (ipsw, "Firmware/none.im4p"));
  g_assert_null (ub_ipsw_open_component (ipsw, "Firmware/none.im4p", &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (ub_ipsw_get_component_size (ipsw, "firmware/dfu/iBSS.d53g.RELEASE.im4p", &size, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_NOT_FOUND);       /* names match exactly */
}

static gsize
status_kib (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      (line = strstr (status, field)) == NULL)
    return 0;
  return g_ascii_strtoull (line + strlen (field), NULL, 10);
}

/* Writing 5 to clear_refs resets the peak (VmHWM) to the current size */
static gboolean
reset_peak_memory (void)
{
  int fd = g_open ("/proc/self/clear_refs", O_WRONLY, 0);
  gboolean ok = fd >= 0 && write (fd, "5", 1) == 1;

  if (fd >= 0)
    close (fd);
  return ok;
}

static void
stream_and_compare (UbIpsw     *ipsw,
                    const char *name,
                    guint64     size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stream = ub_ipsw_open_component (ipsw, name, &error);
  g_autofree guint8 *buffer = g_malloc (65536);
  g_autofree guint8 *expected = g_malloc (65536);
  guint64 total = 0;
  gssize n;

  g_assert_no_error (error);
  while ((n = g_input_stream_read (stream, buffer, 65536, NULL, &error)) > 0)
    {
      ub_test_ipsw_fill (name, total, expected, n);
      g_assert_true (memcmp (buffer, expected, n) == 0);
      total += n;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (total, ==, size);
}

/* 160 MiB stored and 64 MiB deflated: the content is right and the
 * process's peak memory grows by far less than an entry */
static void
test_large_entry (void)
{
  const guint64 stored = 160 << 20, deflated = 64 << 20;
  g_autoptr(UbIpsw) ipsw = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  UbTestIpsw *fixture = ub_test_ipsw_new ();
  gboolean peak_reset;
  gsize before;

  ub_test_ipsw_add_manifest (fixture, UB_TEST_MANIFEST_IPHONE_4);
  ub_test_ipsw_add_generated (fixture, "Firmware/huge-stored.dmg", stored, FALSE);
  ub_test_ipsw_add_generated (fixture, "Firmware/huge-deflated.dmg", deflated, TRUE);
  path = ub_test_ipsw_write (fixture, tmp_dir, "large.ipsw");
  ub_test_ipsw_free (fixture);
  ipsw = ub_ipsw_new_for_path (path, &error);
  g_assert_no_error (error);

  peak_reset = reset_peak_memory ();
  before = status_kib ("VmRSS:");
  stream_and_compare (ipsw, "Firmware/huge-stored.dmg", stored);
  stream_and_compare (ipsw, "Firmware/huge-deflated.dmg", deflated);
  g_test_message ("peak memory grew by %" G_GSIZE_FORMAT " KiB (reset %s)",
                  status_kib ("VmHWM:") - MIN (before, status_kib ("VmHWM:")), peak_reset ? "worked" : "failed");
  if (peak_reset)
    g_assert_cmpuint (status_kib ("VmHWM:"), <, before + 16 * 1024);
  g_unlink (path);
}

typedef struct
{
  UbIpsw     *ipsw;
  const char *name;
} Reader;

static gpointer
read_in_thread (gpointer data)
{
  Reader *r = data;

  for (guint i = 0; i < 20; i++)
    check_component (r->ipsw, r->name);
  return NULL;
}

/* Streams of one archive read from several threads at once */
static void
test_threads (void)
{
  g_autoptr(UbIpsw) ipsw = open_ipsw (UB_TEST_MANIFEST_IPHONE_X);
  UbBuildIdentity *identity = ub_ipsw_get_identity (ipsw, 2);
  Reader readers[] = {
    { ipsw, ub_build_identity_get_component_path (identity, "iBSS") },
    { ipsw, ub_build_identity_get_component_path (identity, "iBEC") },
    { ipsw, ub_build_identity_get_component_path (identity, "KernelCache") },
    { ipsw, ub_build_identity_get_component_path (identity, "RestoreRamDisk") },
  };
  GThread *threads[G_N_ELEMENTS (readers)];

  for (guint i = 0; i < G_N_ELEMENTS (readers); i++)
    threads[i] = g_thread_new ("reader", read_in_thread, &readers[i]);
  for (guint i = 0; i < G_N_ELEMENTS (readers); i++)
    g_thread_join (threads[i]);
}

static void
on_opened (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  UbIpsw **out = data;
  g_autoptr(GError) error = NULL;

  *out = ub_ipsw_new_for_path_finish (result, &error);
  g_assert_no_error (error);
}

static void
test_async (void)
{
  g_autofree char *path = g_build_filename (tmp_dir, UB_TEST_MANIFEST_IPHONE_X ".ipsw", NULL);
  g_autoptr(UbIpsw) first = open_ipsw (UB_TEST_MANIFEST_IPHONE_X);
  g_autoptr(UbIpsw) ipsw = NULL;

  ub_ipsw_new_for_path_async (path, NULL, on_opened, &ipsw);
  while (ipsw == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (ub_ipsw_get_build_version (ipsw), ==, "15C114");
  g_assert_cmpstr (ub_ipsw_get_path (ipsw), ==, path);
  g_assert_cmpuint (ub_ipsw_get_file_size (ipsw), >, 274135 / 8);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  tmp_dir = ub_test_ipsw_make_dir ();
  db = ub_model_db_new_default ();

  g_test_add_func ("/unbrick/ipsw/summary", test_summary);
  g_test_add_func ("/unbrick/ipsw/identities", test_identities);
  g_test_add_func ("/unbrick/ipsw/research-manifests", test_research_manifests);
  g_test_add_func ("/unbrick/ipsw/fits", test_fits);
  g_test_add_func ("/unbrick/ipsw/choose", test_choose);
  g_test_add_func ("/unbrick/ipsw/choose-fallbacks", test_choose_fallbacks);
  g_test_add_func ("/unbrick/ipsw/components", test_components);
  g_test_add_func ("/unbrick/ipsw/large-entry", test_large_entry);
  g_test_add_func ("/unbrick/ipsw/threads", test_threads);
  g_test_add_func ("/unbrick/ipsw/async", test_async);

  ret = g_test_run ();
  g_object_unref (db);
  ub_test_ipsw_remove_dir (tmp_dir);
  g_free (tmp_dir);
  return ret;
}
