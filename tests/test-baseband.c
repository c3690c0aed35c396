/* test-baseband.c — the baseband TSS request and the BBFW rewrite
 *
 * Requests are built from the real iPhone 7 (19E241, ICE16) and iPhone 12
 * (23C71, Mav20) identities and compared with key lists written by hand
 * from the research notes (restore-mode.md §6). The rewrite runs on
 * synthetic BBFW zips (ub-test-bbfw.c) against answers made the way the
 * test TSS server makes them. Bad inputs must be refused with an error.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <zip.h>

#include "ub-error.h"
#include "ub-test-baseband.h"
#include "ub-test-bbfw.h"

#define ECID UB_TEST_BASEBAND_ECID

static guint64
uint_of (plist_t dict, const char *key)
{
  plist_t node = plist_dict_get_item (dict, key);
  guint64 value = 0;

  g_assert_nonnull (node);
  g_assert_cmpint (plist_get_node_type (node), ==, PLIST_UINT);
  plist_get_uint_val (node, &value);
  return value;
}

static void
check_request (const UbTestBasebandCase *c, gboolean with_nonce)
{
  g_autoptr(UbBuildIdentity) identity = ub_test_baseband_load_identity (c);
  g_auto(UbBasebandDevice) device = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *keys = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *firmware_keys = NULL;
  g_autofree char *expected_firmware = ub_test_baseband_sorted_words (c->firmware_keys);
  plist_t request;
  plist_t node;

  ub_test_baseband_device_init (&device, c, with_nonce);
  request = ub_baseband_request_new (identity, ECID, &device, &error);
  g_assert_no_error (error);
  keys = ub_test_baseband_sorted_keys (request);
  expected = ub_test_baseband_sorted_words (with_nonce ? "BbNonce " "@BBTicket @HostPlatformInfo @UUID @VersionInfo ApBoardID "
                                        "ApChipID ApECID ApProductionMode ApSecurityDomain ApSecurityMode "
                                        "BasebandFirmware BbActivationManifestKeyHash BbChipID "
                                        "BbFDRSecurityKeyHash BbGoldCertId BbProvisioningManifestKeyHash "
                                        "BbSNUM UniqueBuildID"
                                      : ub_test_baseband_common_keys);
  g_assert_cmpstr (keys, ==, expected);
  g_assert_cmpuint (uint_of (request, "ApECID"), ==, ECID);
  g_assert_cmpuint (uint_of (request, "ApChipID"), ==, ub_build_identity_get_chip_id (identity));
  g_assert_cmpuint (uint_of (request, "ApBoardID"), ==, 0x0C);
  g_assert_cmpuint (uint_of (request, "ApSecurityDomain"), ==, 1);
  g_assert_cmpuint (uint_of (request, "BbChipID"), ==, c->chip_id);
  g_assert_cmpuint (uint_of (request, "BbGoldCertId"), ==, c->cert_id);
  node = plist_dict_get_item (request, "@BBTicket");
  g_assert_cmpint (plist_get_node_type (node), ==, PLIST_BOOLEAN);
  g_assert_true (plist_bool_val_is_true (node));
  node = plist_dict_get_item (request, "BbSNUM");
  g_assert_cmpint (plist_get_node_type (node), ==, PLIST_DATA);
  {
    uint64_t len = 0;

    plist_get_data_ptr (node, &len);
    g_assert_cmpuint (len, ==, c->snum_size);
  }
  firmware_keys = ub_test_baseband_sorted_keys (plist_dict_get_item (request, "BasebandFirmware"));
  g_assert_cmpstr (firmware_keys, ==, expected_firmware);
  plist_free (request);
}

static void
test_request_ice16 (void)
{
  check_request (&ub_test_baseband_ice16, FALSE);
  check_request (&ub_test_baseband_ice16, TRUE);
}

static void
test_request_mav20 (void)
{
  check_request (&ub_test_baseband_mav20, FALSE);
  check_request (&ub_test_baseband_mav20, TRUE);
}

/* Chip 0x68 (ICE19): the certificate decides between the PSI and PSI2 digests */
static void
test_request_psi_rule (void)
{
  const char *xml =
    "<plist><dict><key>ApChipID</key><string>0x8020</string><key>ApBoardID</key><string>0x0C</string>"
    "<key>ApSecurityDomain</key><string>0x01</string><key>UniqueBuildID</key><data>AAECAw==</data>"
    "<key>BbChipID</key><string>0x68</string>"
    "<key>Info</key><dict><key>DeviceClass</key><string>d321ap</string>"
    "<key>Variant</key><string>Customer Erase Install (IPSW)</string></dict>"
    "<key>Manifest</key><dict><key>BasebandFirmware</key><dict>"
    "<key>Info</key><dict><key>Path</key><string>Firmware/ICE19.bbfw</string></dict>"
    "<key>PSI-PartialDigest</key><data>AQ==</data><key>RestorePSI-PartialDigest</key><data>AQ==</data>"
    "<key>PSI2-PartialDigest</key><data>Ag==</data><key>RestorePSI2-PartialDigest</key><data>Ag==</data>"
    "</dict></dict></dict></plist>";
  const guint64 certs[] = { 0x26F3FACC, 0x1234 };
  const char *kept[] = { "PSI-PartialDigest RestorePSI-PartialDigest",
                         "PSI2-PartialDigest RestorePSI2-PartialDigest" };
  plist_t dict = NULL;
  g_autoptr(UbBuildIdentity) identity = NULL;
  g_autoptr(GError) error = NULL;

  plist_from_xml (xml, strlen (xml), &dict);
  g_assert_nonnull (dict);
  identity = ub_build_identity_new_from_plist (dict, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (certs); i++)
    {
      g_auto(UbBasebandDevice) device = { 0 };
      g_autofree char *keys = NULL;
      plist_t request;

      device.chip_id = 0x68;
      device.cert_id = certs[i];
      device.snum = ub_test_baseband_filler (12, 1);
      request = ub_baseband_request_new (identity, ECID, &device, &error);
      g_assert_no_error (error);
      keys = ub_test_baseband_sorted_keys (plist_dict_get_item (request, "BasebandFirmware"));
      g_assert_cmpstr (keys, ==, kept[i]);
      g_assert_null (plist_dict_get_item (request, "ApProductionMode"));
      plist_free (request);
    }
  plist_free (dict);
}

/* Entry name → content of a zip, bounded (these are our own test zips) */
static GHashTable *
zip_contents (GBytes *zip)
{
  GHashTable *files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_bytes_unref);
  zip_source_t *src = zip_source_buffer_create (g_bytes_get_data (zip, NULL), g_bytes_get_size (zip), 0, NULL);
  zip_t *za = zip_open_from_source (src, ZIP_RDONLY | ZIP_CHECKCONS, NULL);

  g_assert_nonnull (za);
  for (zip_int64_t i = 0; i < zip_get_num_entries (za, 0); i++)
    {
      zip_stat_t st;
      zip_file_t *zf;
      guint8 *data;

      zip_stat_init (&st);
      g_assert_cmpint (zip_stat_index (za, i, 0, &st), ==, 0);
      g_assert_cmpuint (st.size, <, 16 * 1024 * 1024);
      zf = zip_fopen_index (za, i, 0);
      g_assert_nonnull (zf);
      data = g_malloc (st.size + 1);
      g_assert_cmpint (zip_fread (zf, data, st.size), ==, (zip_int64_t)st.size);
      zip_fclose (zf);
      g_hash_table_insert (files, g_strdup (st.name), g_bytes_new_take (data, st.size));
    }
  zip_discard (za);
  return files;
}

static char *
sorted_names (GHashTable *files)
{
  g_autofree const char **names = (const char **)g_hash_table_get_keys_as_array (files, NULL);
  g_autofree char *joined = g_strjoinv (" ", (char **)names);

  return ub_test_baseband_sorted_words (joined);
}

static void
check_tail (GBytes *file, GBytes *original, GBytes *blob)
{
  gsize len = g_bytes_get_size (file), blob_len = g_bytes_get_size (blob);

  g_assert_cmpuint (len, ==, g_bytes_get_size (original));
  g_assert_cmpmem (g_bytes_get_data (file, NULL), len - blob_len, g_bytes_get_data (original, NULL), len - blob_len);
  g_assert_cmpmem ((const guint8 *)g_bytes_get_data (file, NULL) + len - blob_len, blob_len,
                   g_bytes_get_data (blob, NULL), blob_len);
}

static void
check_rewrite (const UbTestBasebandCase *c, gboolean with_nonce)
{
  g_autoptr(UbBuildIdentity) identity = ub_test_baseband_load_identity (c);
  g_auto(UbBasebandDevice) device = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bbfw = ub_test_bbfw_new (ub_test_baseband_entry (identity));
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GHashTable) before = zip_contents (bbfw);
  g_autoptr(GHashTable) after = NULL;
  g_autofree char *names = NULL;
  g_autofree char *wanted = g_strdup_printf ("bbticket.der %s %s", c->signed_files, c->kept_files);
  g_autofree char *expected = ub_test_baseband_sorted_words (wanted);
  g_auto(GStrv) signed_files = g_strsplit (c->signed_files, " ", -1);
  g_auto(GStrv) kept_files = g_strsplit (c->kept_files, " ", -1);
  g_autoptr(GBytes) ticket = NULL;
  plist_t request, response;

  ub_test_baseband_device_init (&device, c, with_nonce);
  request = ub_baseband_request_new (identity, ECID, &device, &error);
  g_assert_no_error (error);
  response = ub_test_bbfw_response (request);
  g_assert_true (ub_baseband_response_check (response, c->chip_id, &error));
  g_assert_no_error (error);
  out = ub_baseband_rewrite (bbfw, response, c->chip_id, &error);
  g_assert_no_error (error);
  after = zip_contents (out);
  names = sorted_names (after);
  g_assert_cmpstr (names, ==, expected);
  g_assert_true (g_hash_table_contains (before, "Info.plist"));
  ticket = ub_test_bbfw_ticket (c->chip_id, device.snum, device.nonce);
  g_assert_true (g_bytes_equal (g_hash_table_lookup (after, "bbticket.der"), ticket));
  for (guint i = 0; signed_files[i] != NULL; i++)
    {
      static const char * const elements[] = { "PSI", "RestorePSI", "Misc", "RestoreSBL1", "SBL1" };
      const char *element = NULL;
      g_autoptr(GBytes) blob = NULL;

      for (guint j = 0; j < G_N_ELEMENTS (elements) && element == NULL; j++)
        if (g_str_equal (ub_test_bbfw_file_name (elements[j]), signed_files[i]))
          element = elements[j];
      g_assert_nonnull (element);
      g_assert_cmpstr (ub_baseband_file_for_element (element, c->chip_id), ==, signed_files[i]);
      blob = ub_test_bbfw_blob (element, c->chip_id, device.snum, device.nonce);
      check_tail (g_hash_table_lookup (after, signed_files[i]), g_hash_table_lookup (before, signed_files[i]), blob);
    }
  for (guint i = 0; kept_files[i] != NULL; i++)
    g_assert_true (g_bytes_equal (g_hash_table_lookup (after, kept_files[i]),
                                  g_hash_table_lookup (before, kept_files[i])));
  plist_free (request);
  plist_free (response);
}

static void
test_rewrite_ice16 (void)
{
  check_rewrite (&ub_test_baseband_ice16, FALSE);
  check_rewrite (&ub_test_baseband_ice16, TRUE);
}

static void
test_rewrite_mav20 (void)
{
  check_rewrite (&ub_test_baseband_mav20, FALSE);
  check_rewrite (&ub_test_baseband_mav20, TRUE);
}

/* A zip of the given files (name, content) */
static GBytes *
make_zip (const char * const *names, GBytes **contents, guint n)
{
  zip_source_t *src = zip_source_buffer_create (NULL, 0, 0, NULL);
  zip_t *za;
  zip_stat_t st;
  guint8 *out;

  zip_source_keep (src);
  za = zip_open_from_source (src, ZIP_TRUNCATE, NULL);
  for (guint i = 0; i < n; i++)
    {
      zip_source_t *zs = zip_source_buffer (za, g_bytes_get_data (contents[i], NULL),
                                            g_bytes_get_size (contents[i]), 0);

      g_assert_cmpint (zip_file_add (za, names[i], zs, 0), >=, 0);
    }
  g_assert_cmpint (zip_close (za), ==, 0);
  zip_stat_init (&st);
  zip_source_stat (src, &st);
  zip_source_open (src);
  out = g_malloc (st.size);
  g_assert_cmpint (zip_source_read (src, out, st.size), ==, (zip_int64_t)st.size);
  zip_source_close (src);
  zip_source_free (src);
  return g_bytes_new_take (out, st.size);
}

/* An answer with the given blobs (element, size) and a BBTicket */
static plist_t
make_response (const char *element, gsize blob_size)
{
  plist_t response = plist_new_dict ();
  plist_t firmware = plist_new_dict ();

  if (element != NULL)
    {
      g_autofree char *key = g_strdup_printf ("%s-Blob", element);
      g_autoptr(GBytes) blob = ub_test_baseband_filler (blob_size, 9);

      plist_dict_set_item (firmware, key, plist_new_data (g_bytes_get_data (blob, NULL), blob_size));
    }
  plist_dict_set_item (response, "BBTicket", plist_new_data ("\x30\x00", 2));
  plist_dict_set_item (response, "BasebandFirmware", firmware);
  return response;
}

static void
expect_refused (GBytes *bbfw, plist_t response, guint64 chip_id, int code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) out = ub_baseband_rewrite (bbfw, response, chip_id, &error);

  g_assert_null (out);
  g_assert_error (error, UB_ERROR, code);
  g_assert_cmpuint (strlen (error->message), >, 20);
  g_test_message ("refused: %s", error->message);
  plist_free (response);
}

static void
test_bad_inputs (void)
{
  const char *psi[] = { "psi_ram.bin" };
  const char *fls[] = { "psi_ram.fls" };
  g_autoptr(GBytes) small = ub_test_baseband_filler (100, 1);
  g_autoptr(GBytes) good = ub_test_baseband_filler (4096, 2);
  g_autoptr(GBytes) not_zip = g_bytes_new_static ("PK\x03\x04 this is not a zip at all", 32);
  g_autoptr(GBytes) small_zip = make_zip (psi, &small, 1);
  g_autoptr(GBytes) good_zip = make_zip (psi, &good, 1);
  g_autoptr(GBytes) fls_zip = make_zip (fls, &good, 1);
  g_autoptr(GError) error = NULL;

  expect_refused (not_zip, make_response ("PSI", 16), 0x60, UB_ERROR_CORRUPT_ARCHIVE);
  /* no blob at all, and a blob for a file the zip lacks */
  {
    plist_t response = make_response (NULL, 0);

    g_assert_false (ub_baseband_response_check (response, 0x60, &error));
    g_assert_error (error, UB_ERROR, UB_ERROR_PROTOCOL);
    g_clear_error (&error);
    plist_free (response);
  }
  expect_refused (good_zip, make_response (NULL, 0), 0x60, UB_ERROR_CORRUPT_ARCHIVE);
  expect_refused (good_zip, make_response ("RestorePSI", 16), 0x60, UB_ERROR_CORRUPT_ARCHIVE);
  /* a blob longer than its file */
  expect_refused (small_zip, make_response ("PSI", 101), 0x60, UB_ERROR_CORRUPT_ARCHIVE);
  /* ICE3 .fls and Mav25 are not supported */
  expect_refused (fls_zip, make_response ("RamPSI", 16), 0x50, UB_ERROR_NOT_SUPPORTED);
  expect_refused (good_zip, make_response ("Misc", 16), 0x1F30E1, UB_ERROR_NOT_SUPPORTED);
  /* an unknown element */
  {
    plist_t response = make_response ("Nonsense", 16);

    g_assert_false (ub_baseband_response_check (response, 0x60, &error));
    g_assert_error (error, UB_ERROR, UB_ERROR_PROTOCOL);
    g_clear_error (&error);
    plist_free (response);
  }
}

/* A signed file of more than UB_BASEBAND_MAX_FILE bytes: refused before it
 * is inflated */
static void
test_huge_entry (void)
{
  const char *psi[] = { "psi_ram.bin" };
  GBytes *huge = g_bytes_new_take (g_malloc0 (UB_BASEBAND_MAX_FILE + 1), UB_BASEBAND_MAX_FILE + 1);
  g_autoptr(GBytes) zip = NULL;

  zip = make_zip (psi, &huge, 1);
  g_bytes_unref (huge);
  g_assert_cmpuint (g_bytes_get_size (zip), <, 1024 * 1024);
  expect_refused (zip, make_response ("PSI", 16), 0x60, UB_ERROR_CORRUPT_ARCHIVE);
}

static void
test_stitch (void)
{
  g_autoptr(GBytes) file = g_bytes_new_static ("abcdefgh", 8);
  g_autoptr(GBytes) blob = g_bytes_new_static ("XYZ", 3);
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(GBytes) out = ub_baseband_stitch (file, blob, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpmem (g_bytes_get_data (out, NULL), 8, "abcdeXYZ", 8);
  g_assert_null (ub_baseband_stitch (blob, file, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_CORRUPT_ARCHIVE);
  g_clear_error (&error);
  g_assert_null (ub_baseband_stitch (file, empty, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_CORRUPT_ARCHIVE);
}

/* What the phone sends: ChipSerialNo is required, sizes are bounded */
static void
test_device_arguments (void)
{
  const char *bad[] = {
    "<dict><key>ChipID</key><integer>96</integer></dict>",
    "<dict><key>ChipSerialNo</key><string>x</string></dict>",
    "<dict><key>ChipSerialNo</key><data>AQ==</data><key>ChipID</key><string>96</string></dict>",
    "<dict><key>ChipSerialNo</key><data>AQ==</data><key>Nonce</key><data></data></dict>",
  };
  g_autofree char *nonce_text = g_strnfill (65, 'n');
  g_autofree char *long_nonce = g_base64_encode ((const guchar *)nonce_text, 65);
  g_autofree char *too_long = g_strdup_printf ("<dict><key>ChipSerialNo</key><data>AQ==</data>"
                                               "<key>Nonce</key><data>%s</data></dict>", long_nonce);
  const char *good = "<dict><key>ChipID</key><integer>96</integer><key>CertID</key><integer>7</integer>"
                     "<key>ChipSerialNo</key><data>AQID</data><key>Nonce</key><data>BAUG</data></dict>";
  g_auto(UbBasebandDevice) device = { 0 };
  g_autoptr(GError) error = NULL;
  plist_t args = NULL;

  for (guint i = 0; i <= G_N_ELEMENTS (bad); i++)
    {
      const char *xml = i < G_N_ELEMENTS (bad) ? bad[i] : too_long;
      g_autofree char *doc = g_strdup_printf ("<plist>%s</plist>", xml);

      plist_from_xml (doc, strlen (doc), &args);
      g_assert_nonnull (args);
      g_assert_false (ub_baseband_device_init (&device, args, &error));
      g_assert_error (error, UB_ERROR, UB_ERROR_PROTOCOL);
      g_clear_error (&error);
      g_clear_pointer (&args, plist_free);
    }
  {
    g_autofree char *doc = g_strdup_printf ("<plist>%s</plist>", good);

    plist_from_xml (doc, strlen (doc), &args);
  }
  g_assert_true (ub_baseband_device_init (&device, args, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (device.chip_id, ==, 96);
  g_assert_cmpuint (device.cert_id, ==, 7);
  g_assert_cmpuint (g_bytes_get_size (device.snum), ==, 3);
  g_assert_cmpuint (g_bytes_get_size (device.nonce), ==, 3);
  plist_free (args);
}

/* The whole chain without a phone: the virtual phone's arguments, our
 * request, the test server's answer, our zip, the virtual phone's check */

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/baseband/request/ice16", test_request_ice16);
  g_test_add_func ("/baseband/request/mav20", test_request_mav20);
  g_test_add_func ("/baseband/request/psi-rule", test_request_psi_rule);
  g_test_add_func ("/baseband/device-arguments", test_device_arguments);
  g_test_add_func ("/baseband/stitch", test_stitch);
  g_test_add_func ("/baseband/rewrite/ice16", test_rewrite_ice16);
  g_test_add_func ("/baseband/rewrite/mav20", test_rewrite_mav20);
  g_test_add_func ("/baseband/bad-inputs", test_bad_inputs);
  g_test_add_func ("/baseband/huge-entry", test_huge_entry);
  return g_test_run ();
}
