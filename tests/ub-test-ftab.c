/* ub-test-ftab.c — a synthetic Rose firmware table (ftab.bin)
 *
 * Laid out like the Firmware/Rose/r1p1/ftab.bin of a real IPSW, written here
 * byte by byte (not with src/core/ub-ftab.c, which it tests):
 *   header: LE32 1, LE32 0xFFFFFFFF, 24 zero bytes, BE32 'rkos',
 *           BE32 'ftab', LE32 entry count, LE32 0;
 *   entries: BE32 tag, LE32 offset, LE32 size, LE32 0;
 *   then the blobs, one after another.
 * The blobs are deterministic (SHA-256 of the tag and a counter) so a
 * check can recompute them with ub_test_ftab_entry_bytes().
 *
 * ub_test_ftab_new_restore() is a restore ftab (Rap,RestoreRTKitOS): tag
 * 'rkos' with one 'rrko' entry.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ub-test-ftab.h"

#define HEADER_SIZE 48
#define ENTRY_SIZE  16
#define RRKO_SIZE   3000

static void
put_le32 (GByteArray *out, guint32 v)
{
  guint8 b[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >> 24) & 0xff };

  g_byte_array_append (out, b, 4);
}

static void
put_tag (GByteArray *out, const char *tag)
{
  g_byte_array_append (out, (const guint8 *) tag, 4);
}

/**
 * ub_test_ftab_entry_bytes:
 * @tag: four characters
 *
 * Returns: the blob of @size bytes the test ftabs carry for @tag
 */
GBytes *
ub_test_ftab_entry_bytes (const char *tag,
                          gsize       size)
{
  GByteArray *out = g_byte_array_sized_new (size + 32);

  for (guint32 block = 0; out->len < size; block++)
    {
      g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
      guint8 digest[32];
      gsize len = sizeof digest;
      guint8 counter[4] = { block >> 24, block >> 16, block >> 8, block };

      g_checksum_update (sum, (const guint8 *) "ub-test-ftab", 13);
      g_checksum_update (sum, (const guint8 *) tag, 4);
      g_checksum_update (sum, counter, 4);
      g_checksum_get_digest (sum, digest, &len);
      g_byte_array_append (out, digest, len);
    }
  g_byte_array_set_size (out, size);
  return g_byte_array_free_to_bytes (out);
}

static GBytes *
write_ftab (const char * const *tags, const gsize *sizes, guint n)
{
  GByteArray *out = g_byte_array_new ();
  guint32 offset = HEADER_SIZE + n * ENTRY_SIZE;
  static const guint8 zeros[24] = { 0 };

  put_le32 (out, 1);
  put_le32 (out, 0xFFFFFFFF);
  g_byte_array_append (out, zeros, sizeof zeros);
  put_tag (out, "rkos");
  put_tag (out, "ftab");
  put_le32 (out, n);
  put_le32 (out, 0);
  for (guint i = 0; i < n; i++)
    {
      put_tag (out, tags[i]);
      put_le32 (out, offset);
      put_le32 (out, sizes[i]);
      put_le32 (out, 0);
      offset += sizes[i];
    }
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GBytes) blob = ub_test_ftab_entry_bytes (tags[i], sizes[i]);

      g_byte_array_append (out, g_bytes_get_data (blob, NULL), sizes[i]);
    }
  return g_byte_array_free_to_bytes (out);
}

/**
 * ub_test_ftab_new:
 *
 * Returns: (transfer full): a Rose ftab.bin with an 'rkos' and an 'sbd1'
 *   entry
 */
GBytes *
ub_test_ftab_new (void)
{
  static const char * const tags[] = { "rkos", "sbd1" };
  static const gsize sizes[] = { UB_TEST_FTAB_RKOS_SIZE, UB_TEST_FTAB_SBD1_SIZE };

  return write_ftab (tags, sizes, G_N_ELEMENTS (tags));
}

/**
 * ub_test_ftab_new_restore:
 *
 * Returns: (transfer full): a restore ftab with one 'rrko' entry
 */
GBytes *
ub_test_ftab_new_restore (void)
{
  static const char * const tags[] = { "rrko" };
  static const gsize sizes[] = { RRKO_SIZE };

  return write_ftab (tags, sizes, G_N_ELEMENTS (tags));
}
