/* test-restore-ipsw.c — the complete synthetic IPSWs of the virtual restores
 *
 * ub_test_restore_full_ipsw_write() around the iPhone 7 (iOS 15.4) and
 * iPhone 12 (iOS 26.2.1) manifests, read back with the real reader
 * (UbIpsw): every file the board's Erase and Update identities name is
 * there, with the bytes ub_test_restore_entry_sha256s() promises; every
 * IM4P parses and matches its manifest Digest; disk images have their size
 * and magic. One case writes a 1 GiB OS image in a subprocess and measures
 * its peak memory.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <plist/plist.h>
#include <string.h>
#include <sys/resource.h>

#include "ub-core.h"
#include "ub-test-bbfw.h"
#include "ub-test-ipsw.h"
#include "ub-test-restore.h"

#define BIG_OS_SIZE (G_GUINT64_CONSTANT (1) << 30)
#define PROBE_OS_SIZE (64 * 1024 * 1024)
#define MAX_BIG_SECONDS 20.0
#define MAX_RSS_GROWTH_KIB (64 * 1024)

static char *tmp_dir;
static UbModelDb *db;

typedef struct
{
  const char *manifest;
  const char *board;
  const char *product_type;
  const char *version;
  const char *build;
  guint       min_files;   /* files one identity names, at least */
  UbTestRestoreOptions options;
} Target;

static const Target iphone_7 = {
  UB_TEST_MANIFEST_IPHONE_7, "d101ap", "iPhone9,3", "15.4", "19E241", 25,
  { .os_size = 3 * 1024 * 1024 + 7, .deflate_os = FALSE, .ramdisk_size = 128 * 1024 + 3 },
};

static const Target iphone_12 = {
  UB_TEST_MANIFEST_IPHONE_12, "d53gap", "iPhone13,2", "26.2.1", "23C71", 60,
  { .os_size = 2 * 1024 * 1024 + 5, .deflate_os = TRUE, .ramdisk_size = 96 * 1024 + 1,
    .cryptex_size = 512 * 1024 + 11 },
};

typedef struct
{
  char    *sha256;
  guint64  size;
  guint8   head[4];
  GBytes  *bytes;      /* only when asked: small files */
} Read;

static void
read_clear (Read *read)
{
  g_free (read->sha256);
  g_clear_pointer (&read->bytes, g_bytes_unref);
}

/* Streams @path out of @ipsw */
static void
read_component (UbIpsw     *ipsw,
                const char *path,
                gboolean    keep,
                Read       *read)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stream = ub_ipsw_open_component (ipsw, path, &error);
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GByteArray) kept = g_byte_array_new ();
  g_autofree guint8 *block = g_malloc (256 * 1024);
  gssize n;

  g_assert_no_error (error);
  memset (read, 0, sizeof *read);
  while ((n = g_input_stream_read (stream, block, 256 * 1024, NULL, &error)) > 0)
    {
      if (read->size < sizeof read->head)
        memcpy (read->head + read->size, block, MIN ((gsize)n, sizeof read->head - read->size));
      g_checksum_update (sum, block, n);
      if (keep)
        g_byte_array_append (kept, block, n);
      read->size += n;
    }
  g_assert_no_error (error);
  read->sha256 = g_strdup (g_checksum_get_string (sum));
  read->bytes = keep ? g_byte_array_free_to_bytes (g_steal_pointer (&kept)) : NULL;
}

static UbModel *
model (const char *product_type)
{
  UbModel *found = ub_model_db_lookup_product_type (db, product_type);

  g_assert_nonnull (found);
  return found;
}

/* Decided from the name alone, independently of the writer */
static gboolean
is_im4p (const char *component,
         const char *path)
{
  g_autofree char *base = g_path_get_basename (path);

  return g_str_equal (component, "RestoreRamDisk") || g_str_has_suffix (path, ".im4p") ||
         g_str_has_suffix (path, ".trustcache") || g_str_has_suffix (path, ".root_hash") ||
         g_str_has_suffix (path, ".mtree") || g_str_has_prefix (base, "kernelcache.");
}

static void
check_im4p (UbBuildIdentity *identity,
            const char      *component,
            GBytes          *im4p)
{
  plist_t digest = plist_access_path (ub_build_identity_get_plist (identity), 3, "Manifest", component, "Digest");
  g_autoptr(GError) error = NULL;
  g_autofree char *type = ub_img4_im4p_dup_type (im4p, &error);
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA384);
  guint8 expected[48];
  gsize len = sizeof expected;
  const char *manifest_digest;
  uint64_t digest_len = 0;

  g_assert_no_error (error);
  g_assert_cmpuint (strlen (type), ==, 4);
  g_assert_cmpstr (type, ==,
                   ub_test_restore_im4p_type (component, ub_build_identity_get_component_path (identity, component)));
  g_assert_nonnull (digest);
  manifest_digest = plist_get_data_ptr (digest, &digest_len);
  g_checksum_update (sum, g_bytes_get_data (im4p, NULL), g_bytes_get_size (im4p));
  g_checksum_get_digest (sum, expected, &len);
  g_assert_cmpmem (manifest_digest, digest_len, expected, len);
}

/* ub_test_bbfw_new() stamps its zip entries with the current time, so
 * its bytes are compared only when made in the same second */
static void
check_baseband (UbBuildIdentity *identity,
                const Read      *read)
{
  plist_t entry = plist_access_path (ub_build_identity_get_plist (identity), 2, "Manifest", "BasebandFirmware");
  g_autoptr(GBytes) fresh = ub_test_bbfw_new (entry);
  g_autofree char *sum = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, fresh);

  g_assert_cmpmem (read->head, 4, "PK\3\4", 4);
  g_assert_cmpuint (read->size, ==, g_bytes_get_size (fresh));
  if (!g_str_equal (sum, read->sha256))
    g_test_message ("the modem zip differs from a fresh one in its time stamps only, or more");
}

/* One component of @identity: its bytes, and what its kind promises */
static void
check_component (const Target    *target,
                 UbIpsw          *ipsw,
                 UbBuildIdentity *identity,
                 GHashTable      *sums,
                 const char      *component)
{
  const char *path = ub_build_identity_get_component_path (identity, component);
  gboolean im4p = is_im4p (component, path);
  Read read;

  read_component (ipsw, path, im4p, &read);
  if (g_str_equal (component, "BasebandFirmware"))
    check_baseband (identity, &read);
  else if (g_strcmp0 (read.sha256, g_hash_table_lookup (sums, path)) != 0)
    g_error ("%s (%s): %" G_GUINT64_FORMAT " bytes, not what the helper promises", path, component, read.size);
  if (im4p)
    check_im4p (identity, component, read.bytes);
  if (g_str_has_suffix (path, ".dmg.aea"))
    g_assert_cmpmem (read.head, 4, "AEA1", 4);
  if (g_str_equal (component, "OS"))
    {
      g_autofree char *os_sum = ub_test_restore_entry_sha256 (target->manifest, target->board, "OS",
                                                              &target->options);
      g_assert_cmpuint (read.size, ==, target->options.os_size);
      g_assert_cmpstr (read.sha256, ==, os_sum);
    }
  read_clear (&read);
}

static void
check_identity (const Target *target,
                UbIpsw       *ipsw,
                GHashTable   *sums,
                gboolean      erase)
{
  g_autoptr(GError) error = NULL;
  UbBuildIdentity *identity = ub_ipsw_choose_identity (ipsw, model (target->product_type), erase, &error);
  const char * const *names;
  guint n_files = 0;

  g_assert_no_error (error);
  g_assert_cmpstr (ub_build_identity_get_device_class (identity), ==, target->board);
  ub_ipsw_check_components (ipsw, identity, &error);
  g_assert_no_error (error);
  names = ub_build_identity_get_component_names (identity);
  for (guint i = 0; names[i] != NULL; i++)
    if (ub_build_identity_get_component_path (identity, names[i]) != NULL)
      {
        check_component (target, ipsw, identity, sums, names[i]);
        n_files++;
      }
  g_test_message ("%s %s: %u components with files checked", target->board, erase ? "Erase" : "Update", n_files);
  g_assert_cmpuint (n_files, >=, target->min_files);
}

static void
check_version_plist (UbIpsw       *ipsw,
                     const char   *name,
                     const Target *target)
{
  Read read;
  plist_t dict = NULL;
  plist_t build;

  read_component (ipsw, name, TRUE, &read);
  plist_from_memory (g_bytes_get_data (read.bytes, NULL), g_bytes_get_size (read.bytes), &dict);
  g_assert_nonnull (dict);
  build = plist_dict_get_item (dict, "ProductBuildVersion");
  g_assert_nonnull (build);
  g_assert_cmpstr (plist_get_string_ptr (build, NULL), ==, target->build);
  plist_free (dict);
  read_clear (&read);
}

static void
test_full (gconstpointer data)
{
  const Target *target = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = ub_test_restore_full_ipsw_write (tmp_dir, target->manifest, target->board,
                                                           &target->options);
  g_autoptr(UbIpsw) ipsw = ub_ipsw_new_for_path (path, &error);
  g_autoptr(GHashTable) sums = ub_test_restore_entry_sha256s (target->manifest, target->board,
                                                              &target->options);
  GHashTableIter iter;
  gpointer key;

  g_assert_no_error (error);
  g_assert_cmpstr (ub_ipsw_get_product_version (ipsw), ==, target->version);
  g_assert_cmpstr (ub_ipsw_get_build_version (ipsw), ==, target->build);
  g_assert_nonnull (ub_ipsw_get_restore_plist (ipsw));
  check_version_plist (ipsw, "RestoreVersion.plist", target);
  check_version_plist (ipsw, "SystemVersion.plist", target);
  check_identity (target, ipsw, sums, TRUE);
  check_identity (target, ipsw, sums, FALSE);
  g_hash_table_iter_init (&iter, sums);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_assert_true (ub_ipsw_has_component (ipsw, key));
  g_test_message ("%s: %u files of the board", target->board, g_hash_table_size (sums));
  g_remove (path);
}

/* The boot-chain-only writer the restore tests use */
static void
test_boot_chain (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = ub_test_restore_ipsw_write (tmp_dir, UB_TEST_MANIFEST_IPHONE_7, "d101ap", 4096);
  g_autoptr(UbIpsw) ipsw = ub_ipsw_new_for_path (path, &error);
  static const char * const boot[] = { "iBSS", "iBEC", "RestoreRamDisk", "RestoreDeviceTree",
                                       "RestoreSEP", "RestoreKernelCache", "RestoreLogo", "DeviceTree" };
  UbBuildIdentity *identity;

  g_assert_no_error (error);
  identity = ub_ipsw_choose_identity (ipsw, model ("iPhone9,3"), TRUE, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (boot); i++)
    {
      Read read;

      read_component (ipsw, ub_build_identity_get_component_path (identity, boot[i]), TRUE, &read);
      check_im4p (identity, boot[i], read.bytes);
      read_clear (&read);
    }
  g_remove (path);
}

static guint64
free_space (const char *dir)
{
  g_autoptr(GFile) file = g_file_new_for_path (dir);
  g_autoptr(GFileInfo) info = g_file_query_filesystem_info (file, G_FILE_ATTRIBUTE_FILESYSTEM_FREE, NULL, NULL);

  return info ? g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_FILESYSTEM_FREE) : 0;
}

static glong
peak_rss_kib (void)
{
  struct rusage usage;

  g_assert_cmpint (getrusage (RUSAGE_SELF, &usage), ==, 0);
  return usage.ru_maxrss;
}

/* In the subprocess: write, check, measure; the numbers go to the file
 * $UB_TEST_RSS_FILE for the parent to report */
static void
big_os_child (void)
{
  UbTestRestoreOptions options = { .os_size = BIG_OS_SIZE, .ramdisk_size = 4096 };
  g_autoptr(GError) error = NULL;
  g_autoptr(UbIpsw) ipsw = NULL;
  g_autoptr(GTimer) timer = g_timer_new ();
  glong before = peak_rss_kib (), after;
  g_autofree char *path = ub_test_restore_full_ipsw_write (tmp_dir, UB_TEST_MANIFEST_IPHONE_12, "d53gap", &options);
  g_autofree char *report = NULL;
  UbBuildIdentity *identity;
  guint64 size = 0;

  ipsw = ub_ipsw_new_for_path (path, &error);
  g_assert_no_error (error);
  identity = ub_ipsw_choose_identity (ipsw, model ("iPhone13,2"), TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (ub_ipsw_get_component_size (ipsw, ub_build_identity_get_component_path (identity, "OS"),
                                             &size, &error));
  g_assert_cmpuint (size, ==, BIG_OS_SIZE);
  after = peak_rss_kib ();
  report = g_strdup_printf ("1 GiB OS written in %.1f s; peak RSS %ld KiB before, %ld KiB after (+%ld KiB)",
                            g_timer_elapsed (timer, NULL), before, after, after - before);
  g_file_set_contents (g_getenv ("UB_TEST_RSS_FILE"), report, -1, &error);
  g_assert_no_error (error);
  g_remove (path);
  g_assert_cmpint (after - before, <, MAX_RSS_GROWTH_KIB);
}

/* How long a 1 GiB image would take here, from a 64 MiB one */
static double
predicted_seconds (void)
{
  UbTestRestoreOptions options = { .os_size = PROBE_OS_SIZE, .ramdisk_size = 4096 };
  g_autoptr(GTimer) timer = g_timer_new ();
  g_autofree char *path = ub_test_restore_full_ipsw_write (tmp_dir, UB_TEST_MANIFEST_IPHONE_12, "d53gap", &options);

  g_remove (path);
  return g_timer_elapsed (timer, NULL) * (BIG_OS_SIZE / PROBE_OS_SIZE);
}

static void
test_big_os_memory (void)
{
  g_autofree char *rss_file = g_build_filename (tmp_dir, "rss.txt", NULL);
  g_autofree char *report = NULL;
  double seconds;

  if (g_test_subprocess ())
    {
      big_os_child ();
      return;
    }
  if (free_space (tmp_dir) < 2 * BIG_OS_SIZE)
    {
      g_test_skip ("less than 2 GiB free for the 1 GiB image");
      return;
    }
  seconds = predicted_seconds ();
  if (seconds > MAX_BIG_SECONDS)
    {
      g_autofree char *why = g_strdup_printf ("a 1 GiB image would take %.0f s here", seconds);
      g_test_skip (why);
      return;
    }
  g_setenv ("UB_TEST_RSS_FILE", rss_file, TRUE);
  g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_assert_true (g_file_get_contents (rss_file, &report, NULL, NULL));
  g_test_message ("%s", report);
  g_remove (rss_file);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = ub_test_ipsw_make_dir ();
  db = ub_model_db_new_default ();
  g_test_add_data_func ("/restore-ipsw/iphone-7", &iphone_7, test_full);
  g_test_add_data_func ("/restore-ipsw/iphone-12", &iphone_12, test_full);
  g_test_add_func ("/restore-ipsw/boot-chain", test_boot_chain);
  g_test_add_func ("/restore-ipsw/big-os-memory", test_big_os_memory);
  status = g_test_run ();
  g_object_unref (db);
  ub_test_ipsw_remove_dir (tmp_dir);
  g_free (tmp_dir);
  return status;
}
