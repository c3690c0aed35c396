/* ub-zip-directory.c — a ZIP archive's central directory, read and checked
 *
 * libzip 1.7 (Debian 12) reads names as C strings, so it cannot see a name
 * with a NUL inside, and it checks neither names, sizes nor overlapping
 * entries. UbIpsw reads the end records and the central directory itself,
 * checks every entry here, then opens the archive with libzip and compares
 * the two views. Pure functions over buffers, so fuzz-zip-directory can
 * drive them directly.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-zip-directory"

#include "config.h"

#include <string.h>

#include "ub-zip-directory.h"

#define END_SIZE 22
#define END64_LOCATOR_SIZE 20
#define END64_SIZE 56
#define ENTRY_SIZE 46
#define LOCAL_SIZE 30
#define SATURATED16 0xFFFF
#define SATURATED32 0xFFFFFFFF

struct _UbZipDirectory
{
  UbZipEntry *entries;
  guint       n_entries;
  GHashTable *by_name;           /* name → index + 1 */
  guint64     total_size;
};

G_DEFINE_QUARK (ub-zip-problem-quark, ub_zip_problem)

static guint64
le (const guint8 *p,
    guint         n)
{
  guint64 v = 0;

  for (guint i = n; i > 0; i--)
    v = v << 8 | p[i - 1];
  return v;
}

static gboolean
read_end64 (const guint8 *tail,
            gsize         tail_len,
            guint64       tail_start,
            gsize         at,
            UbZipEnd     *end,
            GError      **error)
{
  const guint8 *locator = tail + at - END64_LOCATOR_SIZE;
  guint64 offset = le (locator + 8, 8);
  const guint8 *r;

  if (le (locator + 4, 4) != 0 || le (locator + 16, 4) > 1)
    {
      g_set_error_literal (error, UB_ZIP_PROBLEM, UB_ZIP_PROBLEM_UNSUPPORTED,
                           "the archive spans several disks");
      return FALSE;
    }
  if (at < END64_LOCATOR_SIZE + END64_SIZE || offset < tail_start ||
      offset - tail_start > at - END64_LOCATOR_SIZE - END64_SIZE)
    {
      g_set_error (error, UB_ZIP_PROBLEM, UB_ZIP_PROBLEM_CORRUPT,
                   "the ZIP64 end record offset %" G_GUINT64_FORMAT " is not just before the end", offset);
      return FALSE;
    }
  r = tail + (offset - tail_start);
  if (memcmp (r, "PK\6\6", 4) != 0 || le (r + 4, 8) < END64_SIZE - 12 ||
      le (r + 4, 8) > (tail_start + at - END64_LOCATOR_SIZE) - offset - 12)
    {
      g_set_error (error, UB_ZIP_PROBLEM, UB_ZIP_PROBLEM_CORRUPT,
                   "no valid ZIP64 end record at offset %" G_GUINT64_FORMAT, offset);
      return FALSE;
    }
  if (le (r + 16, 4) != 0 || le (r + 20, 4) != 0 || le (r + 24, 8) != le (r + 32, 8))
    {
      g_set_error_literal (error, UB_ZIP_PROBLEM, UB_ZIP_PROBLEM_UNSUPPORTED,
                           "the archive spans several disks");
      return FALSE;
    }
  end->n_entries = le (r + 32, 8);
  end->directory_size = le (r + 40, 8);
  end->directory_offset = le (r + 48, 8);
  end->end_offset = offset;
  end->zip64 = TRUE;
  return TRUE;
}

static gboolean
read_end (const guint8 *tail,
          gsize         tail_len,
          guint64       tail_start,
          gsize         at,
          UbZipEnd     *end,
          GError      **error)
{
  const guint8 *p = tail + at;

  if (le (p + 4, 2) != 0 || le (p + 6, 2) != 0 || le (p + 8, 2) != le (p + 10, 2))
    {
      g_set_error_literal (error, UB_ZIP_PROBLEM, UB_ZIP_PROBLEM_UNSUPPORTED,
                           "the archive spans several disks");
      return FALSE;
    }
  *end = (UbZipEnd) {
    .n_entries = le (p + 10, 2),
    .directory_size = le (p + 12, 4),
    .directory_offset = le (p + 16, 4),
    .end_offset = tail_start + at,
  };
  if (at >= END64_LOCATOR_SIZE && memcmp (p - END64_LOCATOR_SIZE, "PK\6\7", 4) == 0)
    {
      if (!read_end64 (tail, tail_len, tail_start, at, end, error))
        return FALSE;
    }
  else if (end->n_entries == SATURATED16 || end->directory_size == SATURATED32 ||
           end->directory_offset == SATURATED32)
    {
      g_set_error_literal (error, UB_ZIP_PROBLEM, UB_ZIP_PROBLEM_CORRUPT,
                           "ZIP64 values in the end record but no ZIP64 locator");
      return FALSE;
    }
  if (end->directory_offset > end->end_offset ||
      end->directory_size != end->end_offset - end->directory_offset)
    {
      g_set_error (error, UB_ZIP_PROBLEM, UB_ZIP_PROBLEM_CORRUPT,
                   "the central directory (offset %" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT
                   " bytes) does not end where the end record starts (%" G_GUINT64_FORMAT ")",
                   end->directory_offset, end->directory_size, end->end_offset);
      return FALSE;
    }
  return TRUE;
}

/**
 * ub_zip_find_end:
 * @head: the first bytes of the file (up to %UB_ZIP_HEAD_SIZE)
 * @tail: the last @tail_len bytes of the file
 * @file_size: the file's size
 *
 * Finds the end-of-central-directory record (and its ZIP64 form). The
 * record and its comment must end the file, and the central directory must
 * end where the end records start.
 */
gboolean
ub_zip_find_end (const guint8  *head,
                 gsize          head_len,
                 const guint8  *tail,
                 gsize          tail_len,
                 guint64        file_size,
                 UbZipEnd      *end,
                 GError       **error)
{
  gboolean seen = FALSE;

  g_return_val_if_fail (tail_len <= file_size, FALSE);

  for (gsize at = tail_len >= END_SIZE ? tail_len - END_SIZE + 1 : 0; at-- > 0;)
    {
      if (memcmp (tail + at, "PK\5\6", 4) != 0)
        continue;
      seen = TRUE;
      if (at + END_SIZE + le (tail + at + 20, 2) == tail_len)
        return read_end (tail, tail_len, file_size - tail_len, at, end, error);
    }
  if (seen)
    g_set_error_literal (error, UB_ZIP_PROBLEM, UB_ZIP_PROBLEM_CORRUPT,
                         "the end-of-central-directory record does not end the file");
  else if (head_len >= 4 && memcmp (head, "PK\3\4", 4) == 0)
    g_set_error (error, UB_ZIP_PROBLEM, UB_ZIP_PROBLEM_TRUNCATED,
                 "no end-of-central-directory record in the last %" G_GSIZE_FORMAT " bytes", tail_len);
  else
    g_set_error_literal (error, UB_ZIP_PROBLEM, UB_ZIP_PROBLEM_NOT_ZIP,
                         "no ZIP signature at the start and no end-of-central-directory record");
  return FALSE;
}

/**
 * ub_zip_name_check:
 * @problem: (out) (optional): what is wrong, for a message
 *
 * Returns: whether @name is a safe relative path: not empty, not absolute
 *   (no leading “/”, no drive letter), no “..” component, no backslash,
 *   NUL or control character, valid UTF-8, at most 1024 bytes
 */
gboolean
ub_zip_name_check (const char  *name,
                   gsize        len,
                   const char **problem)
{
  const char *why = NULL;

  if (len == 0)
    why = "empty name";
  else if (len > UB_ZIP_MAX_NAME_LENGTH)
    why = "name longer than 1024 bytes";
  else if (memchr (name, '\0', len) != NULL)
    why = "NUL byte in the name";
  else if (name[0] == '/' || (len >= 2 && g_ascii_isalpha (name[0]) && name[1] == ':'))
    why = "absolute path";
  else if (memchr (name, '\\', len) != NULL)
    why = "backslash in the name";
  else if (!g_utf8_validate_len (name, len, NULL))
    why = "name is not UTF-8";

  for (gsize i = 0, start = 0; why == NULL && i <= len; i++)
    {
      if (i < len && ((guchar)name[i] < 0x20 || name[i] == 0x7F))
        why = "control character in the name";
      else if (i == len || name[i] == '/')
        {
          if (i - start == 2 && name[start] == '.' && name[start + 1] == '.')
            why = "“..” in the path";
          start = i + 1;
        }
    }
  if (problem != NULL)
    *problem = why;
  return why == NULL;
}

/**
 * ub_zip_name_escape:
 *
 * Returns: (transfer full): @name for a message: bytes that are not
 *   printable ASCII as \xNN, at most about 200 characters
 */
char *
ub_zip_name_escape (const char *name,
                    gsize       len)
{
  GString *out = g_string_new (NULL);

  for (gsize i = 0; i < len && out->len < 200; i++)
    {
      guchar c = name[i];

      if (c >= 0x20 && c < 0x7F && c != '\\')
        g_string_append_c (out, c);
      else
        g_string_append_printf (out, "\\x%02x", c);
    }
  if (out->len >= 200)
    g_string_append (out, "…");
  return g_string_free (out, FALSE);
}

/* Replaces saturated 32-bit values (and the disk number) from the ZIP64
 * extra field, which holds them in this order */
static gboolean
read_zip64_extra (const guint8 *extra,
                  gsize         len,
                  UbZipEntry   *entry,
                  guint64      *disk)
{
  guint64 *fields[] = { &entry->size, &entry->compressed_size, &entry->offset };

  for (gsize pos = 0; pos + 4 <= len;)
    {
      guint id = le (extra + pos, 2);
      gsize size = le (extra + pos + 2, 2);
      gsize at = pos + 4;

      if (size > len - at)
        return FALSE;
      pos = at + size;
      if (id != 0x0001)
        continue;
      for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
        {
          if (*fields[f] != SATURATED32)
            continue;
          if (at + 8 > pos)
            return FALSE;
          *fields[f] = le (extra + at, 8);
          at += 8;
        }
      if (*disk == SATURATED16)
        *disk = at + 4 <= pos ? le (extra + at, 4) : SATURATED16;
      return *disk != SATURATED16;
    }
  return FALSE;
}

static gboolean
check_entry (UbZipDirectory  *self,
             const UbZipEntry *e,
             const UbZipEnd  *end,
             GError         **error)
{
  guint64 room = end->directory_offset;

  if (e->flags & 0x41)
    g_set_error (error, UB_ZIP_PROBLEM, UB_ZIP_PROBLEM_UNSUPPORTED, "“%s” is encrypted", e->name);
  else if (e->method != 0 && e->method != 8)
    g_set_error (error, UB_ZIP_PROBLEM, UB_ZIP_PROBLEM_UNSUPPORTED,
                 "“%s” uses compression method %u (only stored and deflate are known)", e->name, e->method);
  else if (e->size > UB_ZIP_MAX_TOTAL_SIZE)
    g_set_error (error, UB_ZIP_PROBLEM, UB_ZIP_PROBLEM_TOO_LARGE,
                 "“%s” declares %" G_GUINT64_FORMAT " bytes", e->name, e->size);
  else if ((self->total_size += e->size) > UB_ZIP_MAX_TOTAL_SIZE)
    g_set_error (error, UB_ZIP_PROBLEM, UB_ZIP_PROBLEM_TOO_LARGE,
                 "the entries declare more than %" G_GUINT64_FORMAT " bytes in all",
                 (guint64)UB_ZIP_MAX_TOTAL_SIZE);
  else if (e->method == 0 && e->size != e->compressed_size)
    g_set_error (error, UB_ZIP_PROBLEM, UB_ZIP_PROBLEM_CORRUPT,
                 "stored entry “%s” has %" G_GUINT64_FORMAT " bytes but declares %" G_GUINT64_FORMAT,
                 e->name, e->compressed_size, e->size);
  else if (e->offset > room || e->compressed_size > room - e->offset ||
           LOCAL_SIZE + strlen (e->name) > room - e->offset - e->compressed_size)
    g_set_error (error, UB_ZIP_PROBLEM, UB_ZIP_PROBLEM_CORRUPT,
                 "“%s” (offset %" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT " bytes) runs into the central directory",
                 e->name, e->offset, e->compressed_size);
  else if (g_hash_table_contains (self->by_name, e->name))
    g_set_error (error, UB_ZIP_PROBLEM, UB_ZIP_PROBLEM_CORRUPT, "two entries are named “%s”", e->name);
  else
    return TRUE;
  return FALSE;
}

/* The fixed fields of the directory record at @p, then those the ZIP64
 * extra field holds */
static gboolean
read_record (const guint8  *p,
             gsize          name_len,
             gsize          extra_len,
             UbZipEntry    *e,
             GError       **error)
{
  guint64 disk = le (p + 34, 2);

  e->flags = le (p + 8, 2);
  e->method = le (p + 10, 2);
  e->crc = le (p + 16, 4);
  e->compressed_size = le (p + 20, 4);
  e->size = le (p + 24, 4);
  e->offset = le (p + 42, 4);
  if ((e->size == SATURATED32 || e->compressed_size == SATURATED32 || e->offset == SATURATED32 ||
       disk == SATURATED16) && !read_zip64_extra (p + ENTRY_SIZE + name_len, extra_len, e, &disk))
    {
      g_set_error (error, UB_ZIP_PROBLEM, UB_ZIP_PROBLEM_CORRUPT, "“%s” lacks its ZIP64 sizes", e->name);
      return FALSE;
    }
  if (disk != 0)
    {
      g_set_error (error, UB_ZIP_PROBLEM, UB_ZIP_PROBLEM_UNSUPPORTED, "“%s” is on another disk", e->name);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_entry (UbZipDirectory  *self,
             const guint8    *data,
             gsize            len,
             gsize           *pos,
             const UbZipEnd  *end,
             GError         **error)
{
  const guint8 *p = data + *pos;
  UbZipEntry *e = &self->entries[self->n_entries];
  gsize name_len, record_len;
  const char *why;

  if (len - *pos < ENTRY_SIZE || memcmp (p, "PK\1\2", 4) != 0)
    {
      g_set_error (error, UB_ZIP_PROBLEM, UB_ZIP_PROBLEM_CORRUPT,
                   "no directory entry %u at directory offset %" G_GSIZE_FORMAT, self->n_entries, *pos);
      return FALSE;
    }
  name_len = le (p + 28, 2);
  record_len = ENTRY_SIZE + name_len + le (p + 30, 2) + le (p + 32, 2);
  if (record_len > len - *pos)
    {
      g_set_error (error, UB_ZIP_PROBLEM, UB_ZIP_PROBLEM_CORRUPT,
                   "directory entry %u runs past the directory", self->n_entries);
      return FALSE;
    }
  if (!ub_zip_name_check ((const char *)p + ENTRY_SIZE, name_len, &why))
    {
      g_autofree char *shown = ub_zip_name_escape ((const char *)p + ENTRY_SIZE, name_len);

      g_set_error (error, UB_ZIP_PROBLEM, UB_ZIP_PROBLEM_UNSAFE_NAME, "“%s”: %s", shown, why);
      return FALSE;
    }
  e->name = g_strndup ((const char *)p + ENTRY_SIZE, name_len);
  self->n_entries++;                     /* from here on, freed with the directory */
  if (!read_record (p, name_len, le (p + 30, 2), e, error) || !check_entry (self, e, end, error))
    return FALSE;
  g_hash_table_insert (self->by_name, e->name, GUINT_TO_POINTER (self->n_entries));
  *pos += record_len;
  return TRUE;
}

static int
compare_offsets (gconstpointer a,
                 gconstpointer b)
{
  const UbZipEntry *x = *(const UbZipEntry * const *)a;
  const UbZipEntry *y = *(const UbZipEntry * const *)b;

  return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* No two entries share bytes (the local header, the name and the data are
 * the least each one needs); overlapping entries are how ZIP bombs and
 * archives that unpack differently in different tools are made */
static gboolean
check_overlaps (UbZipDirectory  *self,
                GError         **error)
{
  g_autofree const UbZipEntry **sorted = g_new (const UbZipEntry *, self->n_entries + 1);

  for (guint i = 0; i < self->n_entries; i++)
    sorted[i] = &self->entries[i];
  qsort (sorted, self->n_entries, sizeof *sorted, compare_offsets);
  for (guint i = 1; i < self->n_entries; i++)
    {
      const UbZipEntry *a = sorted[i - 1], *b = sorted[i];

      if (a->offset + LOCAL_SIZE + strlen (a->name) + a->compressed_size > b->offset)
        {
          g_set_error (error, UB_ZIP_PROBLEM, UB_ZIP_PROBLEM_CORRUPT,
                       "“%s” and “%s” overlap", a->name, b->name);
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * ub_zip_directory_parse:
 * @data: the central directory, @end->directory_size bytes
 *
 * Reads and checks every entry: names (ub_zip_name_check()), sizes
 * (%UB_ZIP_MAX_TOTAL_SIZE per entry and in all), offsets inside the file
 * and before the directory, no overlap, no duplicate name.
 *
 * Returns: (transfer full) (nullable): the directory, or %NULL with a
 *   %UB_ZIP_PROBLEM error
 */
UbZipDirectory *
ub_zip_directory_parse (const guint8    *data,
                        gsize            len,
                        const UbZipEnd  *end,
                        GError         **error)
{
  g_autoptr(UbZipDirectory) self = NULL;
  gsize pos = 0;

  g_return_val_if_fail (end != NULL, NULL);
  g_return_val_if_fail (len == end->directory_size, NULL);

  if (end->n_entries > UB_ZIP_MAX_ENTRIES || len > UB_ZIP_MAX_DIRECTORY_SIZE)
    {
      g_set_error (error, UB_ZIP_PROBLEM, UB_ZIP_PROBLEM_TOO_LARGE,
                   "%" G_GUINT64_FORMAT " entries in a %" G_GSIZE_FORMAT "-byte directory "
                   "(at most %u entries and %u bytes)", end->n_entries, len,
                   UB_ZIP_MAX_ENTRIES, UB_ZIP_MAX_DIRECTORY_SIZE);
      return NULL;
    }
  self = g_new0 (UbZipDirectory, 1);
  self->entries = g_new0 (UbZipEntry, end->n_entries + 1);
  self->by_name = g_hash_table_new (g_str_hash, g_str_equal);
  while (self->n_entries < end->n_entries)
    if (!parse_entry (self, data, len, &pos, end, error))
      return NULL;
  if (pos != len)
    {
      g_set_error (error, UB_ZIP_PROBLEM, UB_ZIP_PROBLEM_CORRUPT,
                   "%" G_GSIZE_FORMAT " bytes follow the last of %u directory entries", len - pos,
                   self->n_entries);
      return NULL;
    }
  if (!check_overlaps (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

void
ub_zip_directory_free (UbZipDirectory *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < self->n_entries; i++)
    g_free (self->entries[i].name);
  g_free (self->entries);
  g_hash_table_unref (self->by_name);
  g_free (self);
}

guint
ub_zip_directory_get_n_entries (UbZipDirectory *self)
{
  return self->n_entries;
}

const UbZipEntry *
ub_zip_directory_get_entry (UbZipDirectory *self,
                            guint           index)
{
  g_return_val_if_fail (index < self->n_entries, NULL);
  return &self->entries[index];
}

/**
 * ub_zip_directory_lookup:
 * @index: (out) (optional): the entry's index, which is libzip's index too
 *
 * Returns: (nullable): the entry named exactly @name
 */
const UbZipEntry *
ub_zip_directory_lookup (UbZipDirectory *self,
                         const char     *name,
                         guint          *index)
{
  guint found = GPOINTER_TO_UINT (g_hash_table_lookup (self->by_name, name));

  if (found == 0)
    return NULL;
  if (index != NULL)
    *index = found - 1;
  return &self->entries[found - 1];
}

guint64
ub_zip_directory_get_total_size (UbZipDirectory *self)
{
  return self->total_size;
}
