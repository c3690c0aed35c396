/* ub-test-bbfw.c — synthetic BBFW zips and the test server's signatures
 *
 * See ub-test-bbfw.h for the layout and the blob formula. The zip is
 * reproducible: entries in manifest order, fixed time stamps.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <zip.h>

#include "ub-test-bbfw.h"

#define FIXED_MTIME 1646092800   /* 2022-03-01, around iOS 15.4 */

typedef struct
{
  const char *element;
  const char *file;
} ElementFile;

/* Signed elements as real BBFW zips name their files (idevicerestore's
 * table), then the unsigned ones under names of our own: some with a kept
 * extension, some the host must drop */
static const ElementFile files[] = {
  { "RamPSI", "psi_ram.fls" },
  { "FlashPSI", "psi_flash.fls" },
  { "eDBL", "dbl.mbn" },
  { "RestoreDBL", "restoredbl.mbn" },
  { "DBL", "dbl.mbn" },
  { "ENANDPRG", "ENPRG.mbn" },
  { "RestoreSBL1", "restoresbl1.mbn" },
  { "SBL1", "sbl1.mbn" },
  { "RestorePSI", "restorepsi.bin" },
  { "PSI", "psi_ram.bin" },
  { "RestorePSI2", "restorepsi2.bin" },
  { "PSI2", "psi_ram2.bin" },
  { "Misc", "multi_image.mbn" },
  { "EBL", "ebl.bin" },
  { "BBCFG", "bbcfg.mtx" },
  { "ACDB", "acdb.mbn" },
  { "LTEFW", "lte_fw.elf" },
  { "TDSFW", "tds_fw.elf" },
  { "SystemSW", "system_sw.elf" },
};

const char *
ub_test_bbfw_file_name (const char *element)
{
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    if (strcmp (files[i].element, element) == 0)
      return files[i].file;
  return NULL;
}

gboolean
ub_test_bbfw_is_signed (plist_t     baseband_entry,
                        const char *element)
{
  g_autofree char *key = g_strdup_printf ("%s-PartialDigest", element);

  return plist_dict_get_item (baseband_entry, key) != NULL;
}

static void
stream (const char *element, guint64 chip_id, GBytes *snum, GBytes *nonce, guint8 *out, gsize len)
{
  g_autoptr(GByteArray) key = g_byte_array_new ();
  guint8 chip[8], snum_len = snum ? (guint8)g_bytes_get_size (snum) : 0;

  g_byte_array_append (key, (const guint8 *)"ub-test-bbfw", 13);
  g_byte_array_append (key, (const guint8 *)element, strlen (element) + 1);
  for (guint i = 0; i < 8; i++)
    chip[i] = (guint8)(chip_id >> (56 - 8 * i));
  g_byte_array_append (key, chip, 8);
  g_byte_array_append (key, &snum_len, 1);
  if (snum != NULL)
    g_byte_array_append (key, g_bytes_get_data (snum, NULL), snum_len);
  if (nonce != NULL)
    g_byte_array_append (key, g_bytes_get_data (nonce, NULL), g_bytes_get_size (nonce));
  for (guint32 block = 0; block * 32 < len; block++)
    {
      g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
      guint8 counter[4] = { block >> 24, block >> 16, block >> 8, block };
      guint8 digest[32];
      gsize digest_len = sizeof digest;

      g_checksum_update (sum, key->data, key->len);
      g_checksum_update (sum, counter, 4);
      g_checksum_get_digest (sum, digest, &digest_len);
      memcpy (out + block * 32, digest, MIN (32, len - block * 32));
    }
}

GBytes *
ub_test_bbfw_blob (const char *element,
                   guint64     chip_id,
                   GBytes     *snum,
                   GBytes     *nonce)
{
  guint8 *out = g_malloc (UB_TEST_BBFW_BLOB_SIZE);

  stream (element, chip_id, snum, nonce, out, UB_TEST_BBFW_BLOB_SIZE);
  return g_bytes_new_take (out, UB_TEST_BBFW_BLOB_SIZE);
}

GBytes *
ub_test_bbfw_ticket (guint64  chip_id,
                     GBytes  *snum,
                     GBytes  *nonce)
{
  guint8 *out = g_malloc (UB_TEST_BBFW_TICKET_SIZE);

  memcpy (out, "\x30\x82\x01\x00", 4);
  stream ("@BBTicket", chip_id, snum, nonce, out + 4, UB_TEST_BBFW_TICKET_SIZE - 4);
  return g_bytes_new_take (out, UB_TEST_BBFW_TICKET_SIZE);
}

static GBytes *
data_of (plist_t dict, const char *key)
{
  plist_t node = plist_dict_get_item (dict, key);
  uint64_t len = 0;
  const char *data;

  if (node == NULL || plist_get_node_type (node) != PLIST_DATA)
    return NULL;
  data = plist_get_data_ptr (node, &len);
  return g_bytes_new (data, len);
}

static plist_t
bytes_node (GBytes *bytes)
{
  return plist_new_data (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

plist_t
ub_test_bbfw_response (plist_t request)
{
  g_autoptr(GBytes) snum = data_of (request, "BbSNUM");
  g_autoptr(GBytes) nonce = data_of (request, "BbNonce");
  g_autoptr(GBytes) ticket = NULL;
  plist_t entry = plist_dict_get_item (request, "BasebandFirmware");
  plist_t chip_node = plist_dict_get_item (request, "BbChipID");
  plist_t firmware = plist_new_dict ();
  plist_t response = plist_new_dict ();
  plist_dict_iter iter = NULL;
  guint64 chip_id = 0;

  if (chip_node != NULL && plist_get_node_type (chip_node) == PLIST_UINT)
    plist_get_uint_val (chip_node, &chip_id);
  plist_dict_new_iter (entry, &iter);
  for (;;)
    {
      char *key = NULL;
      plist_t node = NULL;
      char *dash;

      plist_dict_next_item (entry, iter, &key, &node);
      if (key == NULL)
        break;
      dash = g_strrstr (key, "-PartialDigest");
      if (dash != NULL && dash[strlen ("-PartialDigest")] == '\0')
        {
          g_autofree char *element = g_strndup (key, dash - key);
          g_autofree char *blob_key = g_strdup_printf ("%s-Blob", element);
          g_autoptr(GBytes) blob = ub_test_bbfw_blob (element, chip_id, snum, nonce);

          plist_dict_set_item (firmware, blob_key, bytes_node (blob));
        }
      free (key);
    }
  free (iter);
  ticket = ub_test_bbfw_ticket (chip_id, snum, nonce);
  plist_dict_set_item (response, "@ServerVersion", plist_new_string ("2.1.0"));
  plist_dict_set_item (response, "BBTicket", bytes_node (ticket));
  plist_dict_set_item (response, "BasebandFirmware", firmware);
  return response;
}

/* A file's content: a format-like header, a body derived from its name,
 * and for a signed file the 0xFF signature area at the end */
static GBytes *
file_content (const char *name, gboolean is_signed)
{
  gsize len = 8192 + 64 * strlen (name) + (is_signed ? UB_TEST_BBFW_TAIL_SIZE : 0);
  guint8 *out = g_malloc (len);
  guint32 state = g_str_hash (name);

  for (gsize i = 0; i < len; i++)
    {
      state = state * 1103515245u + 12345u;
      out[i] = (guint8)(state >> 16);
    }
  if (g_str_has_suffix (name, ".elf"))
    memcpy (out, "\x7f" "ELF\x01\x01\x01", 7);
  else if (g_str_has_suffix (name, ".mbn") || g_str_has_suffix (name, ".bin"))
    memcpy (out, "\xd1\xdc\x4b\x84\x34\x10\xd7\x73", 8);
  if (is_signed)
    memset (out + len - UB_TEST_BBFW_TAIL_SIZE, 0xFF, UB_TEST_BBFW_TAIL_SIZE);
  return g_bytes_new_take (out, len);
}

static void
add_file (zip_t *za, GPtrArray *alive, const char *name, GBytes *content)
{
  zip_source_t *zs = zip_source_buffer (za, g_bytes_get_data (content, NULL), g_bytes_get_size (content), 0);
  zip_int64_t index;

  g_ptr_array_add (alive, content);
  g_assert_nonnull (zs);
  index = zip_file_add (za, name, zs, ZIP_FL_OVERWRITE);
  g_assert_cmpint (index, >=, 0);
  zip_set_file_compression (za, index, ZIP_CM_DEFLATE, 1);
  /* a fixed time stamp: the same entry gives the same zip bytes */
  g_assert_cmpint (zip_file_set_mtime (za, index, FIXED_MTIME, 0), ==, 0);
}

static GBytes *
take_zip (zip_t *za, zip_source_t *src)
{
  zip_stat_t st;
  guint8 *out;

  g_assert_cmpint (zip_close (za), ==, 0);
  zip_stat_init (&st);
  g_assert_cmpint (zip_source_stat (src, &st), ==, 0);
  g_assert_cmpint (zip_source_open (src), ==, 0);
  out = g_malloc (st.size);
  g_assert_cmpint (zip_source_read (src, out, st.size), ==, (zip_int64_t)st.size);
  zip_source_close (src);
  zip_source_free (src);
  return g_bytes_new_take (out, st.size);
}

/**
 * ub_test_bbfw_new:
 * @baseband_entry: Manifest.BasebandFirmware of a build identity
 *
 * Returns: (transfer full): a BBFW zip with one file per element (those
 *   ub_test_bbfw_file_name() knows), an Info.plist and a version.xml
 */
GBytes *
ub_test_bbfw_new (plist_t baseband_entry)
{
  g_autoptr(GPtrArray) alive = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  zip_source_t *src = zip_source_buffer_create (NULL, 0, 0, NULL);
  plist_dict_iter iter = NULL;
  zip_t *za;

  g_assert_nonnull (src);
  zip_source_keep (src);
  za = zip_open_from_source (src, ZIP_TRUNCATE, NULL);
  g_assert_nonnull (za);
  add_file (za, alive, "Info.plist", g_bytes_new_static ("<?xml version=\"1.0\"?><plist/>", 28));
  plist_dict_new_iter (baseband_entry, &iter);
  for (;;)
    {
      char *key = NULL;
      plist_t node = NULL;
      char *dash;

      plist_dict_next_item (baseband_entry, iter, &key, &node);
      if (key == NULL)
        break;
      dash = strchr (key, '-');
      if (dash != NULL)
        {
          g_autofree char *element = g_strndup (key, dash - key);
          const char *name = ub_test_bbfw_file_name (element);

          if (name != NULL)
            add_file (za, alive, name, file_content (name, ub_test_bbfw_is_signed (baseband_entry, element)));
        }
      free (key);
    }
  free (iter);
  add_file (za, alive, "version.xml", g_bytes_new_static ("<version>6.02.02</version>", 26));
  return take_zip (za, src);
}
