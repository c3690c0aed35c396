/* test-ipsw-bad.c — every kind of bad firmware file is refused, clearly
 *
 * Each case checks the error domain and code, and a phrase of the message a
 * person reads. The archives are synthetic (tests/ub-test-ipsw.c), patched
 * byte by byte where a real tool would never write them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "ub-core.h"
#include "ub-test-ipsw.h"
#include "ub-zip-directory.h"

#define IBSS "Firmware/dfu/iBSS.d22.RELEASE.im4p"

static char *tmp_dir;
static GBytes *good;            /* the iPhone X IPSW, for cutting and patching */

static void
expect_error (const char *path,
              GQuark      domain,
              int         code,
              const char *phrase)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UbIpsw) ipsw = ub_ipsw_new_for_path (path, &error);

  g_assert_null (ipsw);
  g_assert_error (error, domain, code);
  g_test_message ("%s", error->message);
  if (strstr (error->message, phrase) == NULL)
    g_error ("“%s” is not in “%s”", phrase, error->message);
}

static void
expect_bytes_error (const void *data,
                    gsize       len,
                    GQuark      domain,
                    int         code,
                    const char *phrase)
{
  g_autofree char *path = ub_test_ipsw_write_file (tmp_dir, "bad.ipsw", data, len);

  expect_error (path, domain, code, phrase);
}

static GBytes *
good_ipsw (void)
{
  g_autofree char *path = ub_test_ipsw_write_manifest (tmp_dir, UB_TEST_MANIFEST_IPHONE_X, "good.ipsw");
  char *contents;
  gsize len;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  return g_bytes_new_take (contents, len);
}

/* A copy of the good archive to patch */
static GByteArray *
good_copy (void)
{
  return g_byte_array_append (g_byte_array_new (), g_bytes_get_data (good, NULL), g_bytes_get_size (good));
}

static guint32
get32 (const guint8 *p)
{
  return p[0] | p[1] << 8 | p[2] << 16 | (guint32)p[3] << 24;
}

static void
test_empty (void)
{
  expect_bytes_error ("", 0, UB_ERROR, UB_ERROR_CORRUPT_ARCHIVE, "is empty");
}

static void
test_not_zip (void)
{
  g_autoptr(GBytes) manifest = ub_test_ipsw_load_manifest (UB_TEST_MANIFEST_IPHONE_X);

  expect_bytes_error ("hello\n", 6, UB_ERROR, UB_ERROR_INVALID_DATA, "not a ZIP archive");
  /* A bare manifest, as if someone picked the wrong file */
  expect_bytes_error (g_bytes_get_data (manifest, NULL), g_bytes_get_size (manifest),
                      UB_ERROR, UB_ERROR_INVALID_DATA, "not an iPhone firmware file");
}

static void
test_not_a_file (void)
{
  g_autofree char *missing = g_build_filename (tmp_dir, "missing.ipsw", NULL);

  expect_error (tmp_dir, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY, "not a file");
  expect_error (missing, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "Cannot open");
}

/* Cut anywhere, from the first bytes to the last one: incomplete */
static void
test_truncated (void)
{
  gsize len = g_bytes_get_size (good);
  const guint8 *data = g_bytes_get_data (good, NULL);
  gsize cuts[] = { 4, 100, 4096, len / 4, len / 2, len * 9 / 10, len - 1000, len - 200, len - 22, len - 5, len - 1 };

  for (guint i = 0; i < G_N_ELEMENTS (cuts); i++)
    {
      g_test_message ("cut at %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT, cuts[i], len);
      expect_bytes_error (data, cuts[i], UB_ERROR, UB_ERROR_CORRUPT_ARCHIVE, "is incomplete");
    }
}

static void
expect_patched (gsize       offset,
                guint8      value,
                const char *phrase)
{
  g_autoptr(GByteArray) copy = good_copy ();

  copy->data[offset] = value;
  expect_bytes_error (copy->data, copy->len, UB_ERROR, UB_ERROR_CORRUPT_ARCHIVE, phrase);
}

/* The central directory or the end record says something impossible */
static void
test_corrupt_directory (void)
{
  const guint8 *data = g_bytes_get_data (good, NULL);
  gsize len = g_bytes_get_size (good);
  guint32 directory = get32 (data + len - 22 + 16);
  g_autoptr(GByteArray) junk = good_copy ();

  g_assert_cmpmem (data + directory, 4, "PK\1\2", 4);
  expect_patched (directory, 'X', "is damaged");                          /* first entry's signature */
  expect_patched (len - 22 + 16, data[len - 22 + 16] + 1, "is damaged");  /* directory offset */
  expect_patched (directory + 42, data[directory + 42] + 7, "is damaged"); /* an entry's data offset */
  expect_patched (directory + 20, data[directory + 20] + 200, "is damaged"); /* compressed size */
  expect_patched (directory + 10, 12, "ZIP features");                    /* method: bzip2 */
  expect_patched (directory + 8, data[directory + 8] | 1, "ZIP features"); /* encrypted */
  expect_patched (0, 'X', "is damaged");                                   /* a local header */

  g_byte_array_append (junk, (const guint8 *)"trailing junk", 13);
  expect_bytes_error (junk->data, junk->len, UB_ERROR, UB_ERROR_CORRUPT_ARCHIVE, "is damaged");
}

static void
expect_fixture_error (UbTestIpsw *fixture,
                      GQuark      domain,
                      int         code,
                      const char *phrase)
{
  g_autofree char *path = ub_test_ipsw_write (fixture, tmp_dir, "fixture.ipsw");

  ub_test_ipsw_free (fixture);
  expect_error (path, domain, code, phrase);
}

static void
test_no_manifest (void)
{
  UbTestIpsw *fixture = ub_test_ipsw_new ();

  ub_test_ipsw_add_manifest (fixture, UB_TEST_MANIFEST_IPHONE_X);
  ub_test_ipsw_remove (fixture, "BuildManifest.plist");
  expect_fixture_error (fixture, UB_ERROR, UB_ERROR_INVALID_DATA, "has no BuildManifest.plist");
}

static void
expect_manifest_error (const char *contents,
                       gsize       len)
{
  UbTestIpsw *fixture = ub_test_ipsw_new ();
  g_autoptr(GBytes) bytes = g_bytes_new (contents, len);

  ub_test_ipsw_add_bytes (fixture, "BuildManifest.plist", bytes, TRUE);
  expect_fixture_error (fixture, UB_ERROR, UB_ERROR_CORRUPT_ARCHIVE, "build manifest");
}

static void
test_manifest_not_plist (void)
{
  static const char binary_junk[] = "bplist00\xd1\x01\x02junk and more junk to fill a trailer of thirty-two";
  static const char no_identities[] = "<?xml version=\"1.0\"?><plist version=\"1.0\"><dict>"
    "<key>ProductVersion</key><string>11.2</string><key>ProductBuildVersion</key><string>15C114</string>"
    "<key>SupportedProductTypes</key><array><string>iPhone10,3</string></array></dict></plist>";
  static const char bad_chip[] = "<plist><dict><key>ProductVersion</key><string>1</string>"
    "<key>ProductBuildVersion</key><string>1A1</string><key>SupportedProductTypes</key>"
    "<array><string>iPhone10,3</string></array><key>BuildIdentities</key><array><dict>"
    "<key>ApChipID</key><string>banana</string><key>ApBoardID</key><string>0x06</string></dict></array>"
    "</dict></plist>";
  static const char unsafe_path[] = "<plist><dict><key>ProductVersion</key><string>1</string>"
    "<key>ProductBuildVersion</key><string>1A1</string><key>SupportedProductTypes</key>"
    "<array><string>iPhone10,3</string></array><key>BuildIdentities</key><array><dict>"
    "<key>ApChipID</key><string>0x8015</string><key>ApBoardID</key><string>0x06</string>"
    "<key>Info</key><dict><key>DeviceClass</key><string>d22ap</string></dict>"
    "<key>Manifest</key><dict><key>iBSS</key><dict><key>Info</key><dict><key>Path</key>"
    "<string>../../etc/passwd</string></dict></dict></dict></dict></array></dict></plist>";

  expect_manifest_error ("this is not a property list", 27);
  expect_manifest_error (binary_junk, sizeof binary_junk - 1);
  expect_manifest_error ("<plist><array/></plist>", 23);
  expect_manifest_error (no_identities, sizeof no_identities - 1);
  expect_manifest_error (bad_chip, sizeof bad_chip - 1);
  expect_manifest_error (unsafe_path, sizeof unsafe_path - 1);
}

static void
expect_raw_error (const UbTestZipEntry *entries,
                  guint                 n,
                  const char           *phrase)
{
  g_autoptr(GBytes) zip = ub_test_zip_raw (entries, n);

  expect_bytes_error (g_bytes_get_data (zip, NULL), g_bytes_get_size (zip), UB_ERROR, UB_ERROR_CORRUPT_ARCHIVE,
                      phrase);
}

/* Names that would write outside a folder if unpacked, or hide a NUL */
static void
test_unsafe_names (void)
{
  static const struct { const char *name; gsize len; } names[] = {
    { "/etc/passwd", 0 }, { "../evil", 0 }, { "Firmware/../../evil", 0 }, { "Firmware/..", 0 },
    { "Firmware\\dfu\\iBSS", 0 }, { "C:/evil", 0 }, { "Firm\0ware", 9 }, { "line\nbreak", 0 },
    { "", 0 }, { "\xff\xfe", 0 },
  };
  g_autoptr(GBytes) data = g_bytes_new_static ("data", 4);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      UbTestZipEntry entries[] = {
        { "BuildManifest.plist", 0, data, 0 },
        { names[i].name, names[i].len, data, 0 },
      };

      expect_raw_error (entries, G_N_ELEMENTS (entries), "unsafe file name");
    }
}

static void
test_absurd_sizes (void)
{
  const guint64 gib = G_GUINT64_CONSTANT (1) << 30;
  g_autoptr(GBytes) data = g_bytes_new_static ("data", 4);
  UbTestZipEntry huge[] = { { "Firmware/huge.dmg", 0, data, 40 * gib } };
  UbTestZipEntry sum[] = {
    { "a.dmg", 0, data, 12 * gib }, { "b.dmg", 0, data, 12 * gib }, { "c.dmg", 0, data, 12 * gib },
  };
  UbTestZipEntry manifest[] = { { "BuildManifest.plist", 0, data, 65 << 20 } };
  g_autofree UbTestZipEntry *many = g_new0 (UbTestZipEntry, UB_ZIP_MAX_ENTRIES + 1);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  expect_raw_error (huge, G_N_ELEMENTS (huge), "impossible sizes");
  expect_raw_error (sum, G_N_ELEMENTS (sum), "impossible sizes");
  expect_raw_error (manifest, G_N_ELEMENTS (manifest), "impossible sizes");
  for (guint i = 0; i <= UB_ZIP_MAX_ENTRIES; i++)
    {
      g_ptr_array_add (names, g_strdup_printf ("f%u", i));
      many[i] = (UbTestZipEntry) { names->pdata[i], 0, data, 0 };
    }
  expect_raw_error (many, UB_ZIP_MAX_ENTRIES + 1, "impossible sizes");
}

static void
test_duplicates (void)
{
  g_autoptr(GBytes) data = g_bytes_new_static ("data", 4);
  UbTestZipEntry twice[] = { { "BuildManifest.plist", 0, data, 0 }, { "BuildManifest.plist", 0, data, 0 } };

  expect_raw_error (twice, G_N_ELEMENTS (twice), "two entries are named");
}

/* A component the chosen identity needs is not in the archive */
static void
test_missing_component (void)
{
  UbTestIpsw *fixture = ub_test_ipsw_new ();
  g_autofree char *path = NULL;
  g_autoptr(UbIpsw) ipsw = NULL;
  g_autoptr(GError) error = NULL;
  UbModelDb *db = ub_model_db_new_default ();
  UbBuildIdentity *identity;

  ub_test_ipsw_add_manifest (fixture, UB_TEST_MANIFEST_IPHONE_X);
  g_assert_true (ub_test_ipsw_remove (fixture, IBSS));
  path = ub_test_ipsw_write (fixture, tmp_dir, "missing.ipsw");
  ub_test_ipsw_free (fixture);

  ipsw = ub_ipsw_new_for_path (path, &error);
  g_assert_no_error (error);
  identity = ub_ipsw_choose_identity (ipsw, ub_model_db_lookup_product_type (db, "iPhone10,3"), TRUE, &error);
  g_assert_no_error (error);
  g_assert_false (ub_ipsw_check_components (ipsw, identity, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_CORRUPT_ARCHIVE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "lacks 1 file this restore needs (" IBSS ")"));
  g_object_unref (db);
}

static char *
find (char       *data,
      gsize       len,
      const char *text)
{
  gsize n = strlen (text);

  for (gsize i = 0; i + n <= len; i++)
    if (memcmp (data + i, text, n) == 0)
      return data + i;
  return NULL;
}

/* Bytes changed inside stored data: the CRC catches it when read */
static void
test_crc (void)
{
  UbTestIpsw *fixture = ub_test_ipsw_new ();
  g_autoptr(GBytes) manifest = ub_test_ipsw_load_manifest (UB_TEST_MANIFEST_IPHONE_X);
  g_autoptr(GBytes) component = ub_test_ipsw_dummy_content (IBSS);
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(UbIpsw) ipsw = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GBytes) read = NULL;
  gsize len;
  char *hit;

  ub_test_ipsw_add_bytes (fixture, "BuildManifest.plist", manifest, FALSE);
  ub_test_ipsw_add_bytes (fixture, IBSS, component, FALSE);
  path = ub_test_ipsw_write (fixture, tmp_dir, "crc.ipsw");
  ub_test_ipsw_free (fixture);
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));

  hit = find (contents, len, "ub-test-ipsw dummy " IBSS);
  g_assert_nonnull (hit);
  hit[0] = 'U';
  g_file_set_contents (path, contents, len, NULL);
  ipsw = ub_ipsw_new_for_path (path, &error);
  g_assert_no_error (error);
  stream = ub_ipsw_open_component (ipsw, IBSS, &error);
  g_assert_no_error (error);
  read = g_input_stream_read_bytes (stream, 4096, NULL, &error);
  g_assert_error (error, UB_ERROR, UB_ERROR_CORRUPT_ARCHIVE);
  g_test_message ("%s", error->message);

  hit = find (contents, len, "<key>BuildIdentities</key>");
  g_assert_nonnull (hit);
  hit[5] = 'b';
  expect_bytes_error (contents, len, UB_ERROR, UB_ERROR_CORRUPT_ARCHIVE, "CRC");
}

/* Restore.plist for another build than the manifest */
static void
test_restore_mismatch (void)
{
  UbTestIpsw *fixture = ub_test_ipsw_new ();
  g_autoptr(GBytes) restore = ub_test_ipsw_load_manifest ("iPhone10,3-iPhone10,6_15C114.Restore.plist");

  ub_test_ipsw_add_manifest (fixture, UB_TEST_MANIFEST_IPHONE_12);
  ub_test_ipsw_add_bytes (fixture, "Restore.plist", restore, TRUE);
  expect_fixture_error (fixture, UB_ERROR, UB_ERROR_CORRUPT_ARCHIVE, "Restore.plist is for 11.2 (15C114)");
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  tmp_dir = ub_test_ipsw_make_dir ();
  good = good_ipsw ();

  g_test_add_func ("/unbrick/ipsw/bad/empty", test_empty);
  g_test_add_func ("/unbrick/ipsw/bad/not-zip", test_not_zip);
  g_test_add_func ("/unbrick/ipsw/bad/not-a-file", test_not_a_file);
  g_test_add_func ("/unbrick/ipsw/bad/truncated", test_truncated);
  g_test_add_func ("/unbrick/ipsw/bad/corrupt-directory", test_corrupt_directory);
  g_test_add_func ("/unbrick/ipsw/bad/no-manifest", test_no_manifest);
  g_test_add_func ("/unbrick/ipsw/bad/manifest-not-plist", test_manifest_not_plist);
  g_test_add_func ("/unbrick/ipsw/bad/unsafe-names", test_unsafe_names);
  g_test_add_func ("/unbrick/ipsw/bad/absurd-sizes", test_absurd_sizes);
  g_test_add_func ("/unbrick/ipsw/bad/duplicates", test_duplicates);
  g_test_add_func ("/unbrick/ipsw/bad/missing-component", test_missing_component);
  g_test_add_func ("/unbrick/ipsw/bad/crc", test_crc);
  g_test_add_func ("/unbrick/ipsw/bad/restore-mismatch", test_restore_mismatch);

  ret = g_test_run ();
  g_bytes_unref (good);
  ub_test_ipsw_remove_dir (tmp_dir);
  g_free (tmp_dir);
  return ret;
}
