/* fuzz-ftab.c — a Rose firmware table (ftab.bin) from a firmware file:
 * parse, write back, add an rrko entry
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ub-error.h"
#include "ub-ftab.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(UbFtab) ftab = ub_ftab_parse (bytes, &error);
  g_autoptr(UbFtab) reread = NULL;
  g_autoptr(GBytes) written = NULL, extra = g_bytes_new_static ("rrko entry", 10);
  guint n;

  if (ftab == NULL)
    {
      g_assert_error (error, UB_ERROR, UB_ERROR_CORRUPT_ARCHIVE);
      return 0;
    }
  n = ub_ftab_get_n_entries (ftab);
  g_assert_cmpuint (n, <=, UB_FTAB_MAX_ENTRIES);
  if (ub_ftab_add_entry (ftab, UB_FTAB_TAG ('r', 'r', 'k', 'o'), extra, &error))
    n++;
  else
    g_clear_error (&error);
  written = ub_ftab_write (ftab);
  g_assert_cmpuint (g_bytes_get_size (written), <=, UB_FTAB_MAX_SIZE);
  reread = ub_ftab_parse (written, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ub_ftab_get_n_entries (reread), ==, n);
  for (guint i = 0; i < n; i++)
    {
      guint32 tag = ub_ftab_get_entry_tag (ftab, i);
      g_autoptr(GBytes) a = ub_ftab_dup_entry (ftab, tag);
      g_autoptr(GBytes) b = ub_ftab_dup_entry (reread, tag);
      g_autofree char *name = ub_ftab_tag_to_string (tag);

      g_assert_cmphex (ub_ftab_get_entry_tag (reread, i), ==, tag);
      g_assert_true (g_bytes_equal (a, b));
      g_assert_nonnull (name);
    }
  return 0;
}
