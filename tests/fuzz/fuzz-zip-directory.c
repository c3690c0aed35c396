/* fuzz-zip-directory.c — a ZIP archive's end records and central directory
 *
 * The bytes are a whole file; the IPSW reader's checks run on them as
 * UbIpsw runs them: the first bytes, the tail, then the directory.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ub-zip-directory.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
check_directory (UbZipDirectory *dir,
                 const UbZipEnd *end)
{
  guint64 total = 0;

  g_assert_cmpuint (ub_zip_directory_get_n_entries (dir), ==, end->n_entries);
  for (guint i = 0; i < ub_zip_directory_get_n_entries (dir); i++)
    {
      const UbZipEntry *entry = ub_zip_directory_get_entry (dir, i);
      guint index = G_MAXUINT;

      g_assert_true (ub_zip_name_check (entry->name, strlen (entry->name), NULL));
      g_assert_true (ub_zip_directory_lookup (dir, entry->name, &index) == entry);
      g_assert_cmpuint (index, ==, i);
      g_assert_cmpuint (entry->offset + entry->compressed_size, <=, end->directory_offset);
      g_assert_true (entry->method == 0 || entry->method == 8);
      total += entry->size;
    }
  g_assert_cmpuint (total, ==, ub_zip_directory_get_total_size (dir));
  g_assert_cmpuint (total, <=, UB_ZIP_MAX_TOTAL_SIZE);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  gsize tail_len = MIN (size, UB_ZIP_TAIL_SIZE);
  g_autoptr(UbZipDirectory) dir = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *escaped = ub_zip_name_escape ((const char *)data, MIN (size, 300));
  UbZipEnd end;

  ub_zip_name_check ((const char *)data, MIN (size, 2000), NULL);
  g_assert_nonnull (escaped);
  if (!ub_zip_find_end (data, MIN (size, UB_ZIP_HEAD_SIZE), data + size - tail_len, tail_len, size, &end, &error))
    {
      g_assert_error (error, UB_ZIP_PROBLEM, error->code);
      return 0;
    }
  g_assert_cmpuint (end.directory_offset + end.directory_size, ==, end.end_offset);
  g_assert_cmpuint (end.end_offset, <=, size);
  if (end.directory_size > UB_ZIP_MAX_DIRECTORY_SIZE)
    return 0;
  dir = ub_zip_directory_parse (data + end.directory_offset, end.directory_size, &end, &error);
  if (dir == NULL)
    {
      g_assert_nonnull (error);
      return 0;
    }
  check_directory (dir, &end);
  return 0;
}
