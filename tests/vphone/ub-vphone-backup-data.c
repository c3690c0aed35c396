/* ub-vphone-backup-data.c — what the virtual iPhone's backup holds, byte for byte
 *
 * Linked into vphone and into the tests that check what the host wrote. A
 * data file's bytes come from a counter-based generator (SplitMix64 over
 * the ECID, the file's number and the position), so any stretch of any file
 * can be made without the ones before it, at a few hundred MB/s. File names
 * look like a real backup's: "ab/ab12…" (40 hex digits, from a SHA-1).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ub-vphone-backup-data.h"

static guint64
mix (guint64 x)
{
  x += G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
  x = (x ^ (x >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  x = (x ^ (x >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return x ^ (x >> 31);
}

/**
 * ub_vphone_backup_file_size:
 *
 * Returns: the size of data file @index: @total split evenly, the rest in
 *   the last file
 */
guint64
ub_vphone_backup_file_size (const UbVphoneBackupLayout *layout,
                            guint                       index)
{
  guint64 each;

  g_return_val_if_fail (layout->n_files > 0 && index < layout->n_files, 0);

  each = layout->total / layout->n_files;
  if (index + 1 < layout->n_files)
    return each;
  return layout->total - each * (layout->n_files - 1);
}

/**
 * ub_vphone_backup_file_name:
 *
 * Returns: (transfer full): data file @index's path below the phone's
 *   backup folder, "ab/ab12…"
 */
char *
ub_vphone_backup_file_name (const UbVphoneBackupLayout *layout,
                            guint                       index)
{
  g_autofree char *seed = g_strdup_printf ("vphone-backup-%016" G_GINT64_MODIFIER "x-%u", layout->ecid, index);
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA1, seed, -1);

  return g_strdup_printf ("%.2s/%s", hash, hash);
}

/**
 * ub_vphone_backup_fill:
 * @offset: where in the file @buffer starts
 *
 * Fills @buffer with bytes @offset… of data file @index.
 */
void
ub_vphone_backup_fill (const UbVphoneBackupLayout *layout,
                       guint                       index,
                       guint64                     offset,
                       guint8                     *buffer,
                       gsize                       length)
{
  guint64 seed = mix (layout->ecid) ^ ((guint64)index << 40);
  gsize done = 0;

  while (done < length)
    {
      guint64 position = offset + done;
      guint64 word = GUINT64_TO_LE (mix (seed ^ (position / 8)));
      gsize skip = position % 8;
      gsize n = MIN (8 - skip, length - done);

      memcpy (buffer + done, (const guint8 *)&word + skip, n);
      done += n;
    }
}

/**
 * ub_vphone_backup_manifest_db:
 *
 * Returns: (transfer full): the stand-in for the backup's file database
 */
GBytes *
ub_vphone_backup_manifest_db (const UbVphoneBackupLayout *layout)
{
  g_autoptr(GString) text = g_string_new ("vphone Manifest.db\n");

  for (guint i = 0; i < layout->n_files; i++)
    {
      g_autofree char *name = ub_vphone_backup_file_name (layout, i);

      g_string_append_printf (text, "%s %" G_GUINT64_FORMAT "\n", name, ub_vphone_backup_file_size (layout, i));
    }
  return g_string_free_to_bytes (g_steal_pointer (&text));
}
