/* ub-ftab.c — reading and writing firmware tables (ftab.bin)
 *
 * The ultra wideband chip (Rose) gets its firmware as one "ftab": a table
 * of named blobs. The layout (48-byte header, then 16 bytes per entry, then
 * the blobs):
 *
 *   0x00  LE32  1
 *   0x04  LE32  0xFFFFFFFF
 *   0x08  24 bytes, zero in every file seen (kept as they are)
 *   0x20  BE32  the table's tag, 'rkos' for Rose's RTKit OS
 *   0x24  BE32  'ftab'
 *   0x28  LE32  number of entries
 *   0x2C  LE32  0
 *   entry: BE32 tag, LE32 offset from the start of the file, LE32 size, LE32 0
 *
 * The file comes from a firmware archive and is not trusted: sizes, offsets
 * and the entry count are bounded, entries must lie after the table and
 * inside the file, and a tag may appear only once. Entries are kept as
 * slices of the parsed bytes; writing lays them out one after another in
 * table order.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-ftab"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ub-error.h"
#include "ub-ftab.h"

#define FTAB_MAGIC UB_FTAB_TAG ('f', 't', 'a', 'b')

typedef struct
{
  guint32  tag;
  GBytes  *data;
} Entry;

struct _UbFtab
{
  guint8  header[UB_FTAB_HEADER_SIZE];
  guint32 tag;
  GArray *entries;      /* of Entry */
};

static guint32
read_le32 (const guint8 *p)
{
  return (guint32) p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16) | ((guint32) p[3] << 24);
}

static guint32
read_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | (guint32) p[3];
}

static void
write_le32 (guint8 *p, guint32 v)
{
  p[0] = v & 0xff;
  p[1] = (v >> 8) & 0xff;
  p[2] = (v >> 16) & 0xff;
  p[3] = (v >> 24) & 0xff;
}

static void
write_be32 (guint8 *p, guint32 v)
{
  p[0] = (v >> 24) & 0xff;
  p[1] = (v >> 16) & 0xff;
  p[2] = (v >> 8) & 0xff;
  p[3] = v & 0xff;
}

static void
clear_entry (gpointer data)
{
  g_bytes_unref (((Entry *) data)->data);
}

static UbFtab *
ftab_alloc (void)
{
  UbFtab *self = g_new0 (UbFtab, 1);

  self->entries = g_array_new (FALSE, TRUE, sizeof (Entry));
  g_array_set_clear_func (self->entries, clear_entry);
  return self;
}

/**
 * ub_ftab_new:
 * @tag: the table's tag, e.g. UB_FTAB_TAG ('r','k','o','s')
 *
 * Returns: (transfer full): an empty table with a standard header
 */
UbFtab *
ub_ftab_new (guint32 tag)
{
  UbFtab *self = ftab_alloc ();

  write_le32 (self->header, 1);
  write_le32 (self->header + 4, 0xFFFFFFFF);
  self->tag = tag;
  return self;
}

void
ub_ftab_free (UbFtab *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->entries);
  g_free (self);
}

static gboolean
fail (GError **error, const char *why)
{
  g_debug ("Refusing an ftab: %s", why);
  g_set_error_literal (error, UB_ERROR, UB_ERROR_CORRUPT_ARCHIVE,
                       /* TRANSLATORS: an ftab is a firmware table inside the firmware file */
                       _("The firmware file is damaged: a firmware table (ftab) in it cannot be read. "
                         "Download the firmware again."));
  return FALSE;
}

static gboolean
has_tag (UbFtab *self, guint32 tag)
{
  for (guint i = 0; i < self->entries->len; i++)
    if (g_array_index (self->entries, Entry, i).tag == tag)
      return TRUE;
  return FALSE;
}

static gboolean
read_entries (UbFtab *self, GBytes *data, guint32 n, GError **error)
{
  gsize len = 0;
  const guint8 *p = g_bytes_get_data (data, &len);
  guint64 table_end = UB_FTAB_HEADER_SIZE + (guint64) n * UB_FTAB_ENTRY_SIZE;

  if (table_end > len)
    return fail (error, "entry table past the end");
  for (guint32 i = 0; i < n; i++)
    {
      const guint8 *e = p + UB_FTAB_HEADER_SIZE + i * UB_FTAB_ENTRY_SIZE;
      Entry entry = { read_be32 (e), NULL };
      guint64 offset = read_le32 (e + 4), size = read_le32 (e + 8);

      if (entry.tag == 0 || has_tag (self, entry.tag))
        return fail (error, "empty or repeated tag");
      if (offset < table_end || offset + size > len)
        return fail (error, "entry outside the file");
      entry.data = g_bytes_new_from_bytes (data, offset, size);
      g_array_append_val (self->entries, entry);
    }
  return TRUE;
}

/**
 * ub_ftab_parse:
 * @data: the file
 *
 * Returns: (transfer full): the table, or %NULL with %UB_ERROR_CORRUPT_ARCHIVE
 */
UbFtab *
ub_ftab_parse (GBytes   *data,
               GError  **error)
{
  g_autoptr(UbFtab) self = NULL;
  gsize len = 0;
  const guint8 *p = g_bytes_get_data (data, &len);
  guint32 n;

  if (len < UB_FTAB_HEADER_SIZE || len > UB_FTAB_MAX_SIZE)
    return fail (error, "bad size"), NULL;
  if (read_be32 (p + 0x24) != FTAB_MAGIC)
    return fail (error, "no ftab magic"), NULL;
  n = read_le32 (p + 0x28);
  if (n > UB_FTAB_MAX_ENTRIES)
    return fail (error, "too many entries"), NULL;
  self = ftab_alloc ();
  memcpy (self->header, p, UB_FTAB_HEADER_SIZE);
  self->tag = read_be32 (p + 0x20);
  if (!read_entries (self, data, n, error))
    return NULL;
  g_debug ("ftab with %u entries, %" G_GSIZE_FORMAT " bytes", n, len);
  return g_steal_pointer (&self);
}

guint32
ub_ftab_get_tag (UbFtab *self)
{
  return self->tag;
}

guint
ub_ftab_get_n_entries (UbFtab *self)
{
  return self->entries->len;
}

guint32
ub_ftab_get_entry_tag (UbFtab *self,
                       guint   index)
{
  g_return_val_if_fail (index < self->entries->len, 0);
  return g_array_index (self->entries, Entry, index).tag;
}

/**
 * ub_ftab_dup_entry:
 *
 * Returns: (transfer full) (nullable): the entry's bytes, %NULL if none has @tag
 */
GBytes *
ub_ftab_dup_entry (UbFtab  *self,
                   guint32  tag)
{
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = &g_array_index (self->entries, Entry, i);

      if (entry->tag == tag)
        return g_bytes_ref (entry->data);
    }
  return NULL;
}

static guint64
written_size (UbFtab *self, guint n_entries)
{
  guint64 total = UB_FTAB_HEADER_SIZE + (guint64) n_entries * UB_FTAB_ENTRY_SIZE;

  for (guint i = 0; i < self->entries->len; i++)
    total += g_bytes_get_size (g_array_index (self->entries, Entry, i).data);
  return total;
}

/**
 * ub_ftab_add_entry:
 *
 * Appends an entry. Fails (%UB_ERROR_INVALID_DATA) if @tag is already
 * there or the table would pass the size or count bounds.
 */
gboolean
ub_ftab_add_entry (UbFtab   *self,
                   guint32   tag,
                   GBytes   *data,
                   GError  **error)
{
  Entry entry = { tag, NULL };

  if (tag == 0 || has_tag (self, tag) || self->entries->len >= UB_FTAB_MAX_ENTRIES ||
      written_size (self, self->entries->len + 1) + g_bytes_get_size (data) > UB_FTAB_MAX_SIZE)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                           /* TRANSLATORS: an ftab is a firmware table inside the firmware file */
                           _("The firmware file is damaged: a firmware table (ftab) cannot take one more part."));
      return FALSE;
    }
  entry.data = g_bytes_ref (data);
  g_array_append_val (self->entries, entry);
  g_debug ("ftab entry %08x added, %" G_GSIZE_FORMAT " bytes", tag, g_bytes_get_size (data));
  return TRUE;
}

/**
 * ub_ftab_write:
 *
 * Returns: (transfer full): the file: the header as parsed (or standard),
 *   the table, then every entry in order
 */
GBytes *
ub_ftab_write (UbFtab *self)
{
  guint n = self->entries->len;
  gsize total = written_size (self, n);
  guint8 *out = g_malloc0 (total);
  gsize offset = UB_FTAB_HEADER_SIZE + (gsize) n * UB_FTAB_ENTRY_SIZE;

  memcpy (out, self->header, UB_FTAB_HEADER_SIZE);
  write_be32 (out + 0x20, self->tag);
  write_be32 (out + 0x24, FTAB_MAGIC);
  write_le32 (out + 0x28, n);
  write_le32 (out + 0x2C, 0);
  for (guint i = 0; i < n; i++)
    {
      Entry *entry = &g_array_index (self->entries, Entry, i);
      guint8 *e = out + UB_FTAB_HEADER_SIZE + i * UB_FTAB_ENTRY_SIZE;
      gsize size = 0;
      const guint8 *bytes = g_bytes_get_data (entry->data, &size);

      write_be32 (e, entry->tag);
      write_le32 (e + 4, offset);
      write_le32 (e + 8, size);
      write_le32 (e + 12, 0);
      if (size > 0)
        memcpy (out + offset, bytes, size);
      offset += size;
    }
  return g_bytes_new_take (out, total);
}

/**
 * ub_ftab_tag_to_string:
 *
 * Returns: (transfer full): "rkos", or the hex value if not printable
 */
char *
ub_ftab_tag_to_string (guint32 tag)
{
  char text[5];

  write_be32 ((guint8 *) text, tag);
  text[4] = '\0';
  for (guint i = 0; i < 4; i++)
    if (!g_ascii_isprint (text[i]))
      return g_strdup_printf ("0x%08x", tag);
  return g_strdup (text);
}
