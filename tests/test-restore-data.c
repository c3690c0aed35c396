/* test-restore-data.c — the answers to restored's data requests, built as
 * plists on real Apple manifests, and the seekable IPSW stream ASR needs
 *
 * Expected lists are written by hand from the manifests in
 * tests/data/manifests/ (the Customer Erase identity of each board).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <plist/plist.h>
#include <string.h>

#include "ub-error.h"
#include "ub-ipsw.h"
#include "ub-restore-data-replies.h"
#include "ub-test-ipsw.h"

static char *tmp_dir;

typedef struct
{
  plist_t manifest_file;
  plist_t identity;    /* borrowed from manifest_file */
  plist_t manifest;    /* its Manifest */
} Fixture;

static gboolean
string_is (plist_t     node,
           const char *value)
{
  const char *text;

  if (node == NULL || plist_get_node_type (node) != PLIST_STRING)
    return FALSE;
  text = plist_get_string_ptr (node, NULL);
  return g_strcmp0 (text, value) == 0;
}

static gboolean
plists_equal (plist_t a,
              plist_t b)
{
  char *xml_a = NULL, *xml_b = NULL;
  uint32_t len_a = 0, len_b = 0;
  gboolean equal;

  if (a == NULL || b == NULL)
    return FALSE;
  plist_to_xml (a, &xml_a, &len_a);
  plist_to_xml (b, &xml_b, &len_b);
  equal = len_a > 0 && len_a == len_b && memcmp (xml_a, xml_b, len_a) == 0;
  free (xml_a);
  free (xml_b);
  return equal;
}

/* The erase identity of @board on @chip */
static void
fixture_load (Fixture    *fixture,
              const char *file,
              const char *chip,
              const char *board)
{
  g_autoptr(GBytes) bytes = ub_test_ipsw_load_manifest (file);
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);
  plist_t identities;

  plist_from_memory (data, (uint32_t) len, &fixture->manifest_file);
  g_assert_nonnull (fixture->manifest_file);
  identities = plist_dict_get_item (fixture->manifest_file, "BuildIdentities");
  for (guint i = 0; i < plist_array_get_size (identities); i++)
    {
      plist_t identity = plist_array_get_item (identities, i);
      plist_t info = plist_dict_get_item (identity, "Info");

      if (string_is (plist_dict_get_item (identity, "ApChipID"), chip) &&
          string_is (plist_dict_get_item (identity, "ApBoardID"), board) &&
          string_is (plist_dict_get_item (info, "Variant"), "Customer Erase Install (IPSW)"))
        {
          fixture->identity = identity;
          fixture->manifest = plist_dict_get_item (identity, "Manifest");
          return;
        }
    }
  g_assert_not_reached ();
}

static void
fixture_iphone7 (Fixture *fixture, gconstpointer data)
{
  fixture_load (fixture, UB_TEST_MANIFEST_IPHONE_7, "0x8010", "0x0C");
}

static void
fixture_iphone12 (Fixture *fixture, gconstpointer data)
{
  fixture_load (fixture, UB_TEST_MANIFEST_IPHONE_12, "0x8101", "0x0C");
}

static void
fixture_free (Fixture *fixture, gconstpointer data)
{
  plist_free (fixture->manifest_file);
}

static void
assert_names (GPtrArray          *names,
              const char * const *expected)
{
  guint n = g_strv_length ((char **) expected);

  for (guint i = 0; i < MIN (n, names->len); i++)
    g_assert_cmpstr (g_ptr_array_index (names, i), ==, expected[i]);
  g_assert_cmpuint (names->len, ==, n);
}

/* A stand-in IMG4: "img4:<name>", and an error for "Broken" */
static GBytes *
fake_image (const char  *component,
            gpointer     user_data,
            GError     **error)
{
  guint *calls = user_data;

  if (calls != NULL)
    (*calls)++;
  if (g_str_equal (component, "Broken"))
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_CORRUPT_ARCHIVE, "broken");
      return NULL;
    }
  return g_bytes_new_take (g_strdup_printf ("img4:%s", component), strlen (component) + 5);
}

static void
assert_image (plist_t     node,
              const char *component)
{
  g_autofree char *expected = g_strdup_printf ("img4:%s", component);
  char *data = NULL;
  uint64_t len = 0;

  g_assert_nonnull (node);
  g_assert_cmpint (plist_get_node_type (node), ==, PLIST_DATA);
  plist_get_data_val (node, &data, &len);
  g_assert_cmpmem (data, len, expected, strlen (expected));
  free (data);
}

/* ---- NORData ---- */

static const char * const nor_iphone7[] = {
  "iBoot", "AppleLogo", "BatteryCharging0", "BatteryCharging1", "BatteryFull", "BatteryLow0",
  "BatteryLow1", "BatteryPlugin", "DeviceTree", "Liquid", "RecoveryMode", NULL
};

static const char * const nor_iphone12[] = {
  "iBoot", "ANS", "AppleLogo", "BatteryCharging0", "BatteryCharging1", "BatteryFull", "BatteryLow0",
  "BatteryLow1", "BatteryPlugin", "DeviceTree", "Liquid", "LowPowerWallet0", "LowPowerWallet1",
  "RecoveryMode", "WCHFirmwareUpdater", NULL
};

static void
test_nor_list (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GPtrArray) names = ub_restore_data_nor_components (fixture->manifest);

  assert_names (names, data);
}

static void
test_nor_list_secondary (void)
{
  plist_t manifest = plist_new_dict ();
  plist_t entry = plist_new_dict ();
  plist_t info = plist_new_dict ();
  g_autoptr(GPtrArray) names = NULL;
  const char * const expected[] = { "iBoot", "Loaded", NULL };

  /* secondary payloads count only when iBoot loads them */
  plist_dict_set_item (info, "IsSecondaryFirmwarePayload", plist_new_bool (1));
  plist_dict_set_item (info, "IsLoadedByiBoot", plist_new_bool (1));
  plist_dict_set_item (entry, "Info", info);
  plist_dict_set_item (manifest, "Loaded", entry);
  entry = plist_new_dict ();
  info = plist_new_dict ();
  plist_dict_set_item (info, "IsSecondaryFirmwarePayload", plist_new_bool (1));
  plist_dict_set_item (entry, "Info", info);
  plist_dict_set_item (manifest, "NotLoaded", entry);
  entry = plist_new_dict ();
  info = plist_new_dict ();
  plist_dict_set_item (info, "IsFirmwarePayload", plist_new_bool (1));
  plist_dict_set_item (entry, "Info", info);
  plist_dict_set_item (manifest, "iBoot", entry);
  /* LLB and RestoreSEP have their own keys, whatever their flags */
  entry = plist_new_dict ();
  info = plist_new_dict ();
  plist_dict_set_item (info, "IsSecondaryFirmwarePayload", plist_new_bool (1));
  plist_dict_set_item (info, "IsLoadedByiBoot", plist_new_bool (1));
  plist_dict_set_item (entry, "Info", info);
  plist_dict_set_item (manifest, "RestoreSEP", entry);
  entry = plist_new_dict ();
  info = plist_new_dict ();
  plist_dict_set_item (info, "IsFirmwarePayload", plist_new_bool (1));
  plist_dict_set_item (entry, "Info", info);
  plist_dict_set_item (manifest, "LLB", entry);
  plist_dict_set_item (manifest, "Garbage", plist_new_string ("not a dict"));
  names = ub_restore_data_nor_components (manifest);
  assert_names (names, expected);
  plist_free (manifest);
}

static void
test_nor_reply (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  plist_t reply = ub_restore_data_nor_reply (fixture->manifest, FALSE, fake_image, NULL, &error);
  plist_t images;

  g_assert_no_error (error);
  assert_image (plist_dict_get_item (reply, "LlbImageData"), "LLB");
  assert_image (plist_dict_get_item (reply, "RestoreSEPImageData"), "RestoreSEP");
  assert_image (plist_dict_get_item (reply, "SEPImageData"), "SEP");
  g_assert_null (plist_dict_get_item (reply, "SEPPatchImageData"));
  images = plist_dict_get_item (reply, "NorImageData");
  g_assert_cmpint (plist_get_node_type (images), ==, PLIST_ARRAY);
  g_assert_cmpuint (plist_array_get_size (images), ==, g_strv_length ((char **) nor_iphone12));
  for (guint i = 0; nor_iphone12[i] != NULL; i++)
    assert_image (plist_array_get_item (images, i), nor_iphone12[i]);
  g_assert_cmpuint (plist_dict_get_size (reply), ==, 4);
  plist_free (reply);

  reply = ub_restore_data_nor_reply (fixture->manifest, TRUE, fake_image, NULL, &error);
  g_assert_no_error (error);
  images = plist_dict_get_item (reply, "NorImageData");
  g_assert_cmpint (plist_get_node_type (images), ==, PLIST_DICT);
  g_assert_cmpuint (plist_dict_get_size (images), ==, g_strv_length ((char **) nor_iphone12));
  assert_image (plist_dict_get_item (images, "iBoot"), "iBoot");
  assert_image (plist_dict_get_item (images, "WCHFirmwareUpdater"), "WCHFirmwareUpdater");
  g_assert_null (plist_dict_get_item (images, "LLB"));
  g_assert_null (plist_dict_get_item (images, "RestoreSEP"));
  plist_free (reply);
}

static void
test_nor_reply_errors (void)
{
  g_autoptr(GError) error = NULL;
  plist_t manifest = plist_new_dict ();
  plist_t entry = plist_new_dict ();
  plist_t info = plist_new_dict ();

  g_assert_null (ub_restore_data_nor_reply (manifest, FALSE, fake_image, NULL, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_WRONG_FIRMWARE);
  g_clear_error (&error);
  plist_dict_set_item (manifest, "LLB", plist_new_dict ());
  plist_dict_set_item (info, "IsFirmwarePayload", plist_new_bool (1));
  plist_dict_set_item (entry, "Info", info);
  plist_dict_set_item (manifest, "Broken", entry);
  g_assert_null (ub_restore_data_nor_reply (manifest, FALSE, fake_image, NULL, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_CORRUPT_ARCHIVE);
  plist_free (manifest);
}

/* ---- image lists ---- */

static const char * const fud_iphone7[] = {
  "AOP", "AVE", "Ap,SystemVolumeCanonicalMetadata", "Homer", "RestoreTrustCache",
  "StaticTrustCache", "SystemVolume", NULL
};

static void
test_flagged (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GPtrArray) fud = ub_restore_data_flagged_components (fixture->manifest, "IsFUDFirmware");
  g_autoptr(GPtrArray) ean = ub_restore_data_flagged_components (fixture->manifest, "IsEarlyAccessFirmware");

  assert_names (fud, fud_iphone7);
  g_assert_cmpuint (ean->len, ==, 0);
}

static plist_t
arguments (const char *first_key, ...)
{
  plist_t dict = plist_new_dict ();
  const char *key = first_key;
  va_list args;

  va_start (args, first_key);
  for (; key != NULL; key = va_arg (args, const char *))
    {
      const char *value = va_arg (args, const char *);

      plist_dict_set_item (dict, key, value ? plist_new_string (value) : plist_new_bool (1));
    }
  va_end (args);
  return dict;
}

static void
test_image_list (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  plist_t args = arguments ("ImageType", "IsiBootEANFirmware", "ImageList", NULL, NULL);
  plist_t reply = ub_restore_data_image_reply (fixture->manifest, "PersonalizedData", args,
                                               fake_image, NULL, &error);
  plist_t list;
  guint calls = 0;

  g_assert_no_error (error);
  list = plist_dict_get_item (reply, "ImageList");
  g_assert_cmpuint (plist_dict_get_size (reply), ==, 1);
  g_assert_cmpuint (plist_array_get_size (list), ==, 1);
  g_assert_true (string_is (plist_array_get_item (list, 0), "DCP"));
  plist_free (reply);
  plist_free (args);

  args = arguments ("ImageType", "IsiBootEANFirmware", "ImageName", "DCP", NULL);
  reply = ub_restore_data_image_reply (fixture->manifest, "PersonalizedData", args, fake_image, &calls, &error);
  g_assert_no_error (error);
  assert_image (plist_dict_get_item (reply, "ImageData"), "DCP");
  g_assert_true (string_is (plist_dict_get_item (reply, "ImageName"), "DCP"));
  g_assert_cmpuint (calls, ==, 1);
  plist_free (reply);
  plist_free (args);

  /* a name the list does not offer, and no ImageType at all */
  args = arguments ("ImageType", "IsiBootEANFirmware", "ImageName", "iBoot", NULL);
  g_assert_null (ub_restore_data_image_reply (fixture->manifest, "PersonalizedData", args,
                                              fake_image, NULL, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_WRONG_FIRMWARE);
  g_clear_error (&error);
  plist_free (args);
  g_assert_null (ub_restore_data_image_reply (fixture->manifest, "PersonalizedData", NULL,
                                              fake_image, NULL, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_PROTOCOL);
}

static void
test_fud_list (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  plist_t args = arguments ("FUDImageList", NULL, NULL);
  plist_t reply = ub_restore_data_image_reply (fixture->manifest, "FUDData", args, fake_image, NULL, &error);
  plist_t list = plist_dict_get_item (reply, "FUDImageList");
  plist_t images;
  guint calls = 0;

  g_assert_no_error (error);
  g_assert_cmpuint (plist_array_get_size (list), ==, g_strv_length ((char **) fud_iphone7));
  for (guint i = 0; fud_iphone7[i] != NULL; i++)
    g_assert_true (string_is (plist_array_get_item (list, i), fud_iphone7[i]));
  plist_free (reply);
  plist_free (args);

  /* neither list nor name: every image at once */
  reply = ub_restore_data_image_reply (fixture->manifest, "FUDData", NULL, fake_image, &calls, &error);
  g_assert_no_error (error);
  images = plist_dict_get_item (reply, "FUDImageData");
  g_assert_cmpuint (plist_dict_get_size (images), ==, g_strv_length ((char **) fud_iphone7));
  g_assert_cmpuint (calls, ==, g_strv_length ((char **) fud_iphone7));
  assert_image (plist_dict_get_item (images, "Homer"), "Homer");
  plist_free (reply);

  /* a plain ImageList asks the same; the answer keeps the type's key */
  args = arguments ("ImageList", NULL, "ImageType", "IsFUDFirmware", NULL);
  reply = ub_restore_data_image_reply (fixture->manifest, "FUDData", args, fake_image, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (plist_array_get_size (plist_dict_get_item (reply, "FUDImageList")), ==,
                    g_strv_length ((char **) fud_iphone7));
  g_assert_null (plist_dict_get_item (reply, "ImageList"));
  plist_free (reply);
  plist_free (args);

  /* EANData: its own keys, nothing flagged on this firmware */
  args = arguments ("EANImageList", NULL, NULL);
  reply = ub_restore_data_image_reply (fixture->manifest, "EANData", args, fake_image, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (plist_array_get_size (plist_dict_get_item (reply, "EANImageList")), ==, 0);
  plist_free (reply);
  plist_free (args);
}

/* ---- identity, receipt, single components ---- */

static void
test_identity_reply (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  plist_t reply = ub_restore_data_identity_reply (fixture->identity, NULL, &error);
  plist_t args;

  g_assert_no_error (error);
  g_assert_true (plists_equal (plist_dict_get_item (reply, "BuildIdentityDict"), fixture->identity));
  g_assert_true (string_is (plist_dict_get_item (reply, "Variant"), "Erase"));
  plist_free (reply);

  args = arguments ("Variant", "Upgrade", NULL);
  reply = ub_restore_data_identity_reply (fixture->identity, args, &error);
  g_assert_true (string_is (plist_dict_get_item (reply, "Variant"), "Upgrade"));
  plist_free (reply);
  plist_free (args);

  args = arguments ("IsRecoveryOS", NULL, NULL);
  g_assert_null (ub_restore_data_identity_reply (fixture->identity, args, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_NOT_SUPPORTED);
  plist_free (args);
  g_clear_error (&error);

  reply = ub_restore_data_receipt_reply (fixture->identity, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (plist_dict_get_size (reply), ==, 1);
  g_assert_true (plists_equal (plist_dict_get_item (reply, "ReceiptManifest"), fixture->manifest));
  plist_free (reply);
  args = plist_new_dict ();
  g_assert_null (ub_restore_data_receipt_reply (args, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_CORRUPT_ARCHIVE);
  plist_free (args);
}

static void
test_components (Fixture *fixture, gconstpointer data)
{
  const char *key = NULL;

  g_assert_cmpstr (ub_restore_data_component_for ("KernelCache", &key), ==, "KernelCache");
  g_assert_cmpstr (key, ==, "KernelCacheFile");
  g_assert_cmpstr (ub_restore_data_component_for ("DeviceTree", &key), ==, "DeviceTree");
  g_assert_cmpstr (key, ==, "DeviceTreeFile");
  g_assert_cmpstr (ub_restore_data_component_for ("SystemImageRootHash", &key), ==, "SystemVolume");
  g_assert_cmpstr (key, ==, "SystemImageRootHashFile");
  g_assert_cmpstr (ub_restore_data_component_for ("SystemImageCanonicalMetadata", &key), ==,
                   "Ap,SystemVolumeCanonicalMetadata");
  g_assert_cmpstr (key, ==, "SystemImageCanonicalMetadataFile");
  g_assert_null (ub_restore_data_component_for ("NORData", &key));
  /* every one of them is in the real manifest */
  g_assert_true (ub_restore_data_has_component (fixture->manifest, "KernelCache"));
  g_assert_true (ub_restore_data_has_component (fixture->manifest, "SystemVolume"));
  g_assert_true (ub_restore_data_has_component (fixture->manifest, "Ap,SystemVolumeCanonicalMetadata"));
  g_assert_false (ub_restore_data_has_component (fixture->manifest, "SepStage1"));

  g_assert_cmpstr (ub_restore_data_boot_entry ("__RestoreVersion__"), ==, "RestoreVersion.plist");
  g_assert_cmpstr (ub_restore_data_boot_entry ("__SystemVersion__"), ==, "SystemVersion.plist");
  g_assert_null (ub_restore_data_boot_entry ("__GlobalManifest__"));
  g_assert_null (ub_restore_data_boot_entry ("Cryptex1,SystemOS"));
}

/* ---- the seekable IPSW stream ---- */

#define SEEK_STORED "Firmware/seek-stored.dmg"
#define SEEK_DEFLATED "Firmware/seek-deflated.dmg"
#define SEEK_SIZE ((guint64) (3 << 20) + 4321)

static void
read_at (GInputStream *stream,
         const char   *name,
         guint64       offset,
         gsize         len)
{
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *buffer = g_malloc (len + 1);
  g_autofree guint8 *expected = g_malloc (len + 1);
  gsize done = 0;
  gsize want = (gsize) MIN ((guint64) len, SEEK_SIZE - offset);

  g_assert_true (g_seekable_seek (G_SEEKABLE (stream), (goffset) offset, G_SEEK_SET, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_seekable_tell (G_SEEKABLE (stream)), ==, (goffset) offset);
  g_assert_true (g_input_stream_read_all (stream, buffer, len, &done, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (done, ==, want);
  ub_test_ipsw_fill (name, offset, expected, want);
  g_assert_cmpmem (buffer, done, expected, want);
  g_assert_cmpint (g_seekable_tell (G_SEEKABLE (stream)), ==, (goffset) (offset + done));
}

static void
check_seeks (UbIpsw     *ipsw,
             const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stream = ub_ipsw_open_component (ipsw, name, &error);
  GRand *rand = g_rand_new_with_seed (g_str_hash (name));

  g_assert_no_error (error);
  g_assert_true (G_IS_SEEKABLE (stream));
  g_assert_true (g_seekable_can_seek (G_SEEKABLE (stream)));
  g_assert_false (g_seekable_can_truncate (G_SEEKABLE (stream)));
  /* what ASR asks: the header, the end, then random places both ways */
  read_at (stream, name, 0, 72);
  read_at (stream, name, SEEK_SIZE - 512, 512);
  read_at (stream, name, SEEK_SIZE - 100, 512);
  for (guint i = 0; i < 40; i++)
    read_at (stream, name, g_rand_int_range (rand, 0, (gint32) SEEK_SIZE),
             (gsize) g_rand_int_range (rand, 1, 200000));
  /* relative seeks */
  g_assert_true (g_seekable_seek (G_SEEKABLE (stream), -1000, G_SEEK_END, NULL, &error));
  g_assert_cmpint (g_seekable_tell (G_SEEKABLE (stream)), ==, (goffset) SEEK_SIZE - 1000);
  g_assert_true (g_seekable_seek (G_SEEKABLE (stream), -(goffset) SEEK_SIZE + 1000, G_SEEK_CUR, NULL, &error));
  g_assert_no_error (error);
  read_at (stream, name, 0, 4096);
  /* outside the entry */
  g_assert_false (g_seekable_seek (G_SEEKABLE (stream), 1, G_SEEK_END, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (g_seekable_seek (G_SEEKABLE (stream), -1, G_SEEK_SET, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_cmpint (g_seekable_tell (G_SEEKABLE (stream)), ==, 4096);
  /* back to the start and the whole entry, as the Payload phase reads it */
  read_at (stream, name, 0, (gsize) SEEK_SIZE + 10);
  g_rand_free (rand);
}

static void
test_stream_seek (void)
{
  g_autoptr(UbIpsw) ipsw = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  UbTestIpsw *fixture = ub_test_ipsw_new ();

  ub_test_ipsw_add_manifest (fixture, UB_TEST_MANIFEST_IPHONE_4);
  ub_test_ipsw_add_generated (fixture, SEEK_STORED, SEEK_SIZE, FALSE);
  ub_test_ipsw_add_generated (fixture, SEEK_DEFLATED, SEEK_SIZE, TRUE);
  path = ub_test_ipsw_write (fixture, tmp_dir, "seek.ipsw");
  ub_test_ipsw_free (fixture);
  ipsw = ub_ipsw_new_for_path (path, &error);
  g_assert_no_error (error);
  check_seeks (ipsw, SEEK_STORED);
  check_seeks (ipsw, SEEK_DEFLATED);
}

/* A seek on a closed stream fails, and a cancelled one does not move */
static void
test_stream_seek_closed (void)
{
  g_autoptr(UbIpsw) ipsw = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *path = NULL;
  UbTestIpsw *fixture = ub_test_ipsw_new ();

  ub_test_ipsw_add_manifest (fixture, UB_TEST_MANIFEST_IPHONE_4);
  ub_test_ipsw_add_generated (fixture, SEEK_DEFLATED, 200000, TRUE);
  path = ub_test_ipsw_write (fixture, tmp_dir, "seek-closed.ipsw");
  ub_test_ipsw_free (fixture);
  ipsw = ub_ipsw_new_for_path (path, &error);
  g_assert_no_error (error);
  stream = ub_ipsw_open_component (ipsw, SEEK_DEFLATED, &error);
  g_assert_no_error (error);
  g_cancellable_cancel (cancellable);
  g_assert_false (g_seekable_seek (G_SEEKABLE (stream), 1000, G_SEEK_SET, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpint (g_seekable_tell (G_SEEKABLE (stream)), ==, 0);
  g_assert_true (g_input_stream_close (stream, NULL, &error));
  g_assert_false (g_seekable_seek (G_SEEKABLE (stream), 1000, G_SEEK_SET, NULL, &error));
  g_assert_nonnull (error);
}

int
main (int argc, char **argv)
{
  int result;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = ub_test_ipsw_make_dir ();

  g_test_add ("/restore-data/nor/list-iphone7", Fixture, nor_iphone7,
              fixture_iphone7, test_nor_list, fixture_free);
  g_test_add ("/restore-data/nor/list-iphone12", Fixture, nor_iphone12,
              fixture_iphone12, test_nor_list, fixture_free);
  g_test_add_func ("/restore-data/nor/list-secondary", test_nor_list_secondary);
  g_test_add ("/restore-data/nor/reply", Fixture, NULL, fixture_iphone12, test_nor_reply, fixture_free);
  g_test_add_func ("/restore-data/nor/reply-errors", test_nor_reply_errors);
  g_test_add ("/restore-data/images/flagged", Fixture, NULL, fixture_iphone7, test_flagged, fixture_free);
  g_test_add ("/restore-data/images/personalized", Fixture, NULL, fixture_iphone12, test_image_list,
              fixture_free);
  g_test_add ("/restore-data/images/fud", Fixture, NULL, fixture_iphone7, test_fud_list, fixture_free);
  g_test_add ("/restore-data/identity/iphone7", Fixture, NULL, fixture_iphone7, test_identity_reply,
              fixture_free);
  g_test_add ("/restore-data/identity/iphone12", Fixture, NULL, fixture_iphone12, test_identity_reply,
              fixture_free);
  g_test_add ("/restore-data/components", Fixture, NULL, fixture_iphone12, test_components, fixture_free);
  g_test_add_func ("/restore-data/stream/seek", test_stream_seek);
  g_test_add_func ("/restore-data/stream/seek-closed", test_stream_seek_closed);

  result = g_test_run ();
  ub_test_ipsw_remove_dir (tmp_dir);
  g_free (tmp_dir);
  return result;
}
