/* test-ftab.c — Rose firmware tables (src/core/ub-ftab.c)
 *
 * The test IPSW's ftab (tests/ub-test-ftab.c, written byte by byte) is
 * parsed, written back identically, gets an 'rrko' entry from a restore
 * ftab, and damaged tables are refused.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ub-error.h"
#include "ub-ftab.h"
#include "ub-test-ftab.h"

#define RKOS UB_FTAB_TAG ('r', 'k', 'o', 's')
#define SBD1 UB_FTAB_TAG ('s', 'b', 'd', '1')
#define RRKO UB_FTAB_TAG ('r', 'r', 'k', 'o')

static guint32
le32_at (GBytes *bytes, gsize offset)
{
  const guint8 *p = (const guint8 *) g_bytes_get_data (bytes, NULL) + offset;

  return p[0] | (p[1] << 8) | (p[2] << 16) | ((guint32) p[3] << 24);
}

static void
test_parse (void)
{
  g_autoptr(GBytes) file = ub_test_ftab_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(UbFtab) ftab = ub_ftab_parse (file, &error);
  g_autoptr(GBytes) rkos = NULL, sbd1 = NULL, expected = NULL;
  g_autofree char *name = NULL;

  g_assert_no_error (error);
  g_assert_cmphex (ub_ftab_get_tag (ftab), ==, RKOS);
  g_assert_cmpuint (ub_ftab_get_n_entries (ftab), ==, UB_TEST_FTAB_N_ENTRIES);
  g_assert_cmphex (ub_ftab_get_entry_tag (ftab, 0), ==, RKOS);
  g_assert_cmphex (ub_ftab_get_entry_tag (ftab, 1), ==, SBD1);
  rkos = ub_ftab_dup_entry (ftab, RKOS);
  sbd1 = ub_ftab_dup_entry (ftab, SBD1);
  expected = ub_test_ftab_entry_bytes ("rkos", UB_TEST_FTAB_RKOS_SIZE);
  g_assert_true (g_bytes_equal (rkos, expected));
  g_assert_cmpuint (g_bytes_get_size (sbd1), ==, UB_TEST_FTAB_SBD1_SIZE);
  g_assert_null (ub_ftab_dup_entry (ftab, RRKO));
  name = ub_ftab_tag_to_string (ub_ftab_get_entry_tag (ftab, 1));
  g_assert_cmpstr (name, ==, "sbd1");
}

static void
test_round_trip (void)
{
  g_autoptr(GBytes) file = ub_test_ftab_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(UbFtab) ftab = ub_ftab_parse (file, &error);
  g_autoptr(GBytes) written = NULL;
  g_autoptr(UbFtab) built = ub_ftab_new (RKOS);
  g_autoptr(GBytes) rkos = ub_test_ftab_entry_bytes ("rkos", UB_TEST_FTAB_RKOS_SIZE);
  g_autoptr(GBytes) sbd1 = ub_test_ftab_entry_bytes ("sbd1", UB_TEST_FTAB_SBD1_SIZE);
  g_autoptr(GBytes) built_bytes = NULL;

  g_assert_no_error (error);
  written = ub_ftab_write (ftab);
  g_assert_true (g_bytes_equal (written, file));
  /* a table built from nothing is the same file */
  g_assert_true (ub_ftab_add_entry (built, RKOS, rkos, &error));
  g_assert_true (ub_ftab_add_entry (built, SBD1, sbd1, &error));
  built_bytes = ub_ftab_write (built);
  g_assert_true (g_bytes_equal (built_bytes, file));
}

/* Rose's FirmwareData: the rkos ftab plus the restore ftab's rrko entry */
static void
test_rrko (void)
{
  g_autoptr(GBytes) file = ub_test_ftab_new ();
  g_autoptr(GBytes) restore_file = ub_test_ftab_new_restore ();
  g_autoptr(GError) error = NULL;
  g_autoptr(UbFtab) ftab = ub_ftab_parse (file, &error);
  g_autoptr(UbFtab) restore = ub_ftab_parse (restore_file, &error);
  g_autoptr(UbFtab) reread = NULL;
  g_autoptr(GBytes) rrko = NULL, out = NULL, again = NULL, rkos = NULL;
  gsize n = UB_TEST_FTAB_N_ENTRIES + 1;

  g_assert_no_error (error);
  rrko = ub_ftab_dup_entry (restore, RRKO);
  g_assert_nonnull (rrko);
  g_assert_true (ub_ftab_add_entry (ftab, RRKO, rrko, &error));
  g_assert_no_error (error);
  /* a second rrko is refused */
  g_assert_false (ub_ftab_add_entry (ftab, RRKO, rrko, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);
  g_clear_error (&error);
  out = ub_ftab_write (ftab);
  g_assert_cmpuint (g_bytes_get_size (out), ==, g_bytes_get_size (file) + UB_FTAB_ENTRY_SIZE + g_bytes_get_size (rrko));
  g_assert_cmpuint (le32_at (out, 0x28), ==, n);
  /* offsets moved by one table entry; rrko last */
  g_assert_cmpuint (le32_at (out, UB_FTAB_HEADER_SIZE + 4), ==, UB_FTAB_HEADER_SIZE + n * UB_FTAB_ENTRY_SIZE);
  g_assert_cmpuint (le32_at (out, UB_FTAB_HEADER_SIZE + 2 * UB_FTAB_ENTRY_SIZE + 4), ==,
                    g_bytes_get_size (out) - g_bytes_get_size (rrko));
  reread = ub_ftab_parse (out, &error);
  g_assert_no_error (error);
  again = ub_ftab_dup_entry (reread, RRKO);
  rkos = ub_ftab_dup_entry (reread, RKOS);
  g_assert_true (g_bytes_equal (again, rrko));
  g_assert_cmpuint (g_bytes_get_size (rkos), ==, UB_TEST_FTAB_RKOS_SIZE);
}

static GBytes *
damaged (void (*damage) (guint8 *data, gsize *len))
{
  g_autoptr(GBytes) file = ub_test_ftab_new ();
  gsize len = g_bytes_get_size (file);
  guint8 *data = g_memdup2 (g_bytes_get_data (file, NULL), len);

  damage (data, &len);
  return g_bytes_new_take (data, len);
}

static void put32 (guint8 *p, guint32 v) { p[0] = v; p[1] = v >> 8; p[2] = v >> 16; p[3] = v >> 24; }
static void bad_magic (guint8 *d, gsize *len) { d[0x24] = 'x'; }
static void truncated_header (guint8 *d, gsize *len) { *len = 40; }
static void truncated_blob (guint8 *d, gsize *len) { *len -= 1; }
static void too_many (guint8 *d, gsize *len) { put32 (d + 0x28, 100000); }
static void count_past_end (guint8 *d, gsize *len) { put32 (d + 0x28, 3); }
static void offset_in_table (guint8 *d, gsize *len) { put32 (d + UB_FTAB_HEADER_SIZE + 4, 8); }
static void size_overflow (guint8 *d, gsize *len) { put32 (d + UB_FTAB_HEADER_SIZE + 8, 0xFFFFFFF0); }
static void repeated_tag (guint8 *d, gsize *len) { memcpy (d + UB_FTAB_HEADER_SIZE + UB_FTAB_ENTRY_SIZE, "rkos", 4); }
static void zero_tag (guint8 *d, gsize *len) { memset (d + UB_FTAB_HEADER_SIZE, 0, 4); }

static void
test_malformed (void)
{
  void (*damages[]) (guint8 *, gsize *) = {
    bad_magic, truncated_header, truncated_blob, too_many, count_past_end,
    offset_in_table, size_overflow, repeated_tag, zero_tag,
  };

  for (guint i = 0; i < G_N_ELEMENTS (damages); i++)
    {
      g_autoptr(GBytes) bytes = damaged (damages[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(UbFtab) ftab = ub_ftab_parse (bytes, &error);

      g_test_message ("damage %u", i);
      g_assert_null (ftab);
      g_assert_error (error, UB_ERROR, UB_ERROR_CORRUPT_ARCHIVE);
    }
}

/* An empty table (no entries) is valid; a table with only a header too */
static void
test_empty (void)
{
  g_autoptr(UbFtab) ftab = ub_ftab_new (RKOS);
  g_autoptr(GBytes) out = ub_ftab_write (ftab);
  g_autoptr(GError) error = NULL;
  g_autoptr(UbFtab) reread = NULL;

  g_assert_cmpuint (g_bytes_get_size (out), ==, UB_FTAB_HEADER_SIZE);
  g_assert_cmpuint (le32_at (out, 0), ==, 1);
  g_assert_cmpuint (le32_at (out, 4), ==, 0xFFFFFFFF);
  g_assert_cmpmem ((const guint8 *) g_bytes_get_data (out, NULL) + 0x20, 8, "rkosftab", 8);
  reread = ub_ftab_parse (out, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ub_ftab_get_n_entries (reread), ==, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ftab/parse", test_parse);
  g_test_add_func ("/ftab/round-trip", test_round_trip);
  g_test_add_func ("/ftab/rrko", test_rrko);
  g_test_add_func ("/ftab/malformed", test_malformed);
  g_test_add_func ("/ftab/empty", test_empty);
  return g_test_run ();
}
