/* ub-test-ipsw.c — synthetic firmware files (IPSW) for tests
 *
 * A synthetic IPSW is a ZIP archive written with libzip: a real Apple
 * BuildManifest.plist (from tests/data/manifests/, with its Restore.plist
 * when there is one) and a small file at every Info.Path any identity
 * references, with contents that depend on the name (ub_test_ipsw_fill()),
 * so a test can tell one component from another. Large entries are
 * generated while libzip writes them, never held in memory.
 *
 * ub_test_zip_raw() writes archives byte by byte, for what libzip refuses to
 * write: names with a NUL, absurd declared sizes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <plist/plist.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "ub-test-ipsw.h"

/* 2023-11-14, so archives are the same byte for byte on every run */
#define FIXED_MTIME 1700000000

typedef struct
{
  char     *name;
  GBytes   *data;            /* NULL: generated */
  GBytes   *head;            /* generated: the first bytes, or NULL */
  guint64   size;
  gboolean  deflate;
} Item;

struct _UbTestIpsw
{
  GPtrArray *items;
};

typedef struct
{
  char        *name;
  GBytes      *head;
  guint64      size;
  guint64      offset;
  zip_error_t  error;
} Generator;

static void
item_free (Item *item)
{
  g_free (item->name);
  g_clear_pointer (&item->data, g_bytes_unref);
  g_clear_pointer (&item->head, g_bytes_unref);
  g_free (item);
}

UbTestIpsw *
ub_test_ipsw_new (void)
{
  UbTestIpsw *self = g_new0 (UbTestIpsw, 1);

  self->items = g_ptr_array_new_with_free_func ((GDestroyNotify)item_free);
  return self;
}

void
ub_test_ipsw_free (UbTestIpsw *self)
{
  g_ptr_array_unref (self->items);
  g_free (self);
}

/**
 * ub_test_ipsw_fill:
 *
 * The bytes of generated entries: a pattern of the name and the offset,
 * compressible, different for every name and position
 */
void
ub_test_ipsw_fill (const char *name,
                   guint64     offset,
                   guint8     *buffer,
                   gsize       len)
{
  guint h = g_str_hash (name);

  for (gsize i = 0; i < len; i++)
    {
      guint64 o = offset + i;

      buffer[i] = (guint8)((o * 31) ^ (o >> 10) ^ h ^ (h >> 8));
    }
}

/**
 * ub_test_ipsw_dummy_content:
 *
 * Returns: (transfer full): 200–699 bytes for the component @name: a text
 *   line naming it, then ub_test_ipsw_fill()
 */
GBytes *
ub_test_ipsw_dummy_content (const char *name)
{
  gsize size = 200 + g_str_hash (name) % 500;
  g_autofree char *head = g_strdup_printf ("ub-test-ipsw dummy %s\n", name);
  guint8 *data = g_malloc (size);
  gsize head_len = MIN (strlen (head), size);

  memcpy (data, head, head_len);
  ub_test_ipsw_fill (name, head_len, data + head_len, size - head_len);
  return g_bytes_new_take (data, size);
}

static void
add_item (UbTestIpsw *self,
          const char *name,
          GBytes     *data,
          guint64     size,
          gboolean    deflate)
{
  Item *item = g_new0 (Item, 1);

  ub_test_ipsw_remove (self, name);
  item->name = g_strdup (name);
  item->data = data ? g_bytes_ref (data) : NULL;
  item->size = data ? g_bytes_get_size (data) : size;
  item->deflate = deflate;
  g_ptr_array_add (self->items, item);
}

void
ub_test_ipsw_add_bytes (UbTestIpsw *self,
                        const char *name,
                        GBytes     *data,
                        gboolean    deflate)
{
  add_item (self, name, data, 0, deflate);
}

void
ub_test_ipsw_add_generated (UbTestIpsw *self,
                            const char *name,
                            guint64     size,
                            gboolean    deflate)
{
  add_item (self, name, NULL, size, deflate);
}

/**
 * ub_test_ipsw_add_generated_with_head:
 * @head: (nullable): the entry's first bytes (e.g. a magic number)
 *
 * Like ub_test_ipsw_add_generated(), but the entry starts with @head; the
 * rest is ub_test_ipsw_fill() at the same offsets (see
 * ub_test_ipsw_generated_fill()). Nothing is held in memory but @head.
 */
void
ub_test_ipsw_add_generated_with_head (UbTestIpsw *self,
                                      const char *name,
                                      guint64     size,
                                      GBytes     *head,
                                      gboolean    deflate)
{
  Item *item;

  add_item (self, name, NULL, size, deflate);
  item = self->items->pdata[self->items->len - 1];
  item->head = head ? g_bytes_ref (head) : NULL;
}

gboolean
ub_test_ipsw_has (UbTestIpsw *self,
                  const char *name)
{
  for (guint i = 0; i < self->items->len; i++)
    if (g_str_equal (((Item *)self->items->pdata[i])->name, name))
      return TRUE;
  return FALSE;
}

gboolean
ub_test_ipsw_remove (UbTestIpsw *self,
                     const char *name)
{
  for (guint i = 0; i < self->items->len; i++)
    if (g_str_equal (((Item *)self->items->pdata[i])->name, name))
      {
        g_ptr_array_remove_index (self->items, i);
        return TRUE;
      }
  return FALSE;
}

static char *
data_path (const char *manifest)
{
  return g_test_build_filename (G_TEST_DIST, "data", "manifests", manifest, NULL);
}

GBytes *
ub_test_ipsw_load_manifest (const char *manifest)
{
  g_autofree char *path = data_path (manifest);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, len);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *)a, *(const char * const *)b);
}

/**
 * ub_test_ipsw_manifest_paths:
 *
 * Read with libplist here, independently of the code under test.
 *
 * Returns: (transfer container): every Info.Path of every identity, sorted,
 *   each once
 */
GPtrArray *
ub_test_ipsw_manifest_paths (const char *manifest)
{
  g_autoptr(GBytes) bytes = ub_test_ipsw_load_manifest (manifest);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  plist_t root = NULL, identities;

  plist_from_xml (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &root);
  g_assert_nonnull (root);
  identities = plist_dict_get_item (root, "BuildIdentities");
  for (guint i = 0; i < plist_array_get_size (identities); i++)
    {
      plist_t components = plist_dict_get_item (plist_array_get_item (identities, i), "Manifest");
      plist_dict_iter iter = NULL;
      char *key = NULL;
      plist_t value = NULL;

      plist_dict_new_iter (components, &iter);
      for (plist_dict_next_item (components, iter, &key, &value); key != NULL;
           plist_dict_next_item (components, iter, &key, &value))
        {
          plist_t path = plist_access_path (value, 2, "Info", "Path");
          char *text = NULL;

          if (path != NULL)
            plist_get_string_val (path, &text);
          if (text != NULL && g_hash_table_add (seen, g_strdup (text)))
            g_ptr_array_add (paths, g_strdup (text));
          free (text);
          free (key);
          key = NULL;
        }
      free (iter);
    }
  plist_free (root);
  g_ptr_array_sort (paths, compare_strings);
  return paths;
}

/**
 * ub_test_ipsw_add_manifest:
 * @manifest: a file in tests/data/manifests/
 *
 * Adds it as BuildManifest.plist (deflated, as Apple does), its
 * Restore.plist if the data has one, and a dummy file at every Info.Path,
 * stored and deflated in turn.
 */
void
ub_test_ipsw_add_manifest (UbTestIpsw *self,
                           const char *manifest)
{
  g_autoptr(GBytes) bytes = ub_test_ipsw_load_manifest (manifest);
  g_autoptr(GPtrArray) paths = ub_test_ipsw_manifest_paths (manifest);
  g_autofree char *base = g_strndup (manifest, strlen (manifest) - strlen (".plist"));
  g_autofree char *restore_name = g_strconcat (base, ".Restore.plist", NULL);
  g_autofree char *restore_path = data_path (restore_name);

  ub_test_ipsw_add_bytes (self, "BuildManifest.plist", bytes, TRUE);
  if (g_file_test (restore_path, G_FILE_TEST_EXISTS))
    {
      g_autoptr(GBytes) restore = ub_test_ipsw_load_manifest (restore_name);
      ub_test_ipsw_add_bytes (self, "Restore.plist", restore, TRUE);
    }
  for (guint i = 0; i < paths->len; i++)
    {
      g_autoptr(GBytes) dummy = ub_test_ipsw_dummy_content (paths->pdata[i]);
      ub_test_ipsw_add_bytes (self, paths->pdata[i], dummy, i % 2 == 1);
    }
}

static zip_int64_t
generate (void             *user_data,
          void             *data,
          zip_uint64_t      len,
          zip_source_cmd_t  cmd)
{
  Generator *g = user_data;

  switch ((int)cmd)
    {
    case ZIP_SOURCE_OPEN:
      g->offset = 0;
      return 0;
    case ZIP_SOURCE_READ:
      len = MIN (len, g->size - g->offset);
      ub_test_ipsw_generated_fill (g->name, g->head, g->offset, data, len);
      g->offset += len;
      return (zip_int64_t)len;
    case ZIP_SOURCE_CLOSE:
      return 0;
    case ZIP_SOURCE_STAT:
      zip_stat_init (data);
      ((zip_stat_t *)data)->size = g->size;
      ((zip_stat_t *)data)->mtime = FIXED_MTIME;
      ((zip_stat_t *)data)->valid |= ZIP_STAT_SIZE | ZIP_STAT_MTIME;
      return sizeof (zip_stat_t);
    case ZIP_SOURCE_ERROR:
      return zip_error_to_data (&g->error, data, len);
    case ZIP_SOURCE_FREE:
      zip_error_fini (&g->error);
      g_clear_pointer (&g->head, g_bytes_unref);
      g_free (g->name);
      g_free (g);
      return 0;
    case ZIP_SOURCE_SUPPORTS:
      return zip_source_make_command_bitmap (ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE,
                                             ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, -1);
    default:
      zip_error_set (&g->error, ZIP_ER_OPNOTSUPP, 0);
      return -1;
    }
}

static zip_source_t *
item_source (zip_t *za,
             Item  *item)
{
  Generator *g;

  if (item->data != NULL)
    return zip_source_buffer (za, g_bytes_get_data (item->data, NULL), g_bytes_get_size (item->data), 0);
  g = g_new0 (Generator, 1);
  g->name = g_strdup (item->name);
  g->head = item->head ? g_bytes_ref (item->head) : NULL;
  g->size = item->size;
  zip_error_init (&g->error);
  return zip_source_function (za, generate, g);
}

/**
 * ub_test_ipsw_write:
 *
 * Returns: (transfer full): the path of the archive written in @dir
 */
char *
ub_test_ipsw_write (UbTestIpsw *self,
                    const char *dir,
                    const char *basename)
{
  char *path = g_build_filename (dir, basename, NULL);
  int code = 0;
  zip_t *za = zip_open (path, ZIP_CREATE | ZIP_TRUNCATE, &code);

  g_assert_nonnull (za);
  for (guint i = 0; i < self->items->len; i++)
    {
      Item *item = self->items->pdata[i];
      zip_source_t *source = item_source (za, item);
      zip_int64_t index = zip_file_add (za, item->name, source, ZIP_FL_ENC_UTF_8);

      g_assert_cmpint (index, >=, 0);
      g_assert_cmpint (zip_set_file_compression (za, index, item->deflate ? ZIP_CM_DEFLATE : ZIP_CM_STORE,
                                                 item->deflate && item->data == NULL ? 1 : 0), ==, 0);
      g_assert_cmpint (zip_file_set_mtime (za, index, FIXED_MTIME, 0), ==, 0);
    }
  if (zip_close (za) != 0)
    g_error ("zip_close: %s", zip_strerror (za));
  return path;
}

char *
ub_test_ipsw_make_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("ub-test-ipsw-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

/**
 * ub_test_ipsw_write_manifest:
 * @manifest: a file in tests/data/manifests/
 *
 * The usual fixture in one call: @manifest with all its components,
 * written to @dir/@basename.
 *
 * Returns: (transfer full): the file's path
 */
char *
ub_test_ipsw_write_manifest (const char *dir,
                             const char *manifest,
                             const char *basename)
{
  UbTestIpsw *fixture = ub_test_ipsw_new ();
  char *path;

  ub_test_ipsw_add_manifest (fixture, manifest);
  path = ub_test_ipsw_write (fixture, dir, basename);
  ub_test_ipsw_free (fixture);
  return path;
}

void
ub_test_ipsw_remove_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

char *
ub_test_ipsw_write_file (const char *dir,
                         const char *basename,
                         const void *data,
                         gsize       len)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, basename, NULL);

  g_file_set_contents (path, data, len, &error);
  g_assert_no_error (error);
  return path;
}

static guint32
crc32_of (const guint8 *data,
          gsize         len)
{
  guint32 crc = 0xFFFFFFFF;

  for (gsize i = 0; i < len; i++)
    {
      crc ^= data[i];
      for (guint k = 0; k < 8; k++)
        crc = (crc >> 1) ^ (0xEDB88320 & -(crc & 1));
    }
  return ~crc;
}

static void
put (GByteArray *out,
     guint64     value,
     guint       size)
{
  for (guint i = 0; i < size; i++)
    g_byte_array_append (out, (guint8[]) { (value >> (8 * i)) & 0xFF }, 1);
}

/* The fields local and central headers share, from “version needed” on */
static void
put_common (GByteArray           *out,
            const UbTestZipEntry *e,
            gsize                 name_len,
            gboolean              zip64)
{
  gsize len = g_bytes_get_size (e->data);
  guint64 size = e->declared_size ? e->declared_size : len;

  put (out, zip64 ? 45 : 20, 2);
  put (out, 0x0800, 2);                                   /* UTF-8 names */
  put (out, e->declared_size ? 8 : 0, 2);
  put (out, 0, 4);                                        /* DOS time and date */
  put (out, crc32_of (g_bytes_get_data (e->data, NULL), len), 4);
  put (out, zip64 ? 0xFFFFFFFF : len, 4);
  put (out, zip64 ? 0xFFFFFFFF : size, 4);
  put (out, name_len, 2);
  put (out, zip64 ? 20 : 0, 2);
}

static void
put_zip64_extra (GByteArray           *out,
                 const UbTestZipEntry *e)
{
  put (out, 0x0001, 2);
  put (out, 16, 2);
  put (out, e->declared_size, 8);
  put (out, g_bytes_get_size (e->data), 8);
}

static gsize
name_length (const UbTestZipEntry *e)
{
  return e->name_len ? e->name_len : strlen (e->name);
}

static void
put_locals (GByteArray           *out,
            const UbTestZipEntry *entries,
            guint                 n_entries,
            guint32              *offsets)
{
  for (guint i = 0; i < n_entries; i++)
    {
      const UbTestZipEntry *e = &entries[i];
      gboolean zip64 = e->declared_size >= 0xFFFFFFFF;

      offsets[i] = out->len;
      g_byte_array_append (out, (const guint8 *)"PK\3\4", 4);
      put_common (out, e, name_length (e), zip64);
      g_byte_array_append (out, (const guint8 *)e->name, name_length (e));
      if (zip64)
        put_zip64_extra (out, e);
      g_byte_array_append (out, g_bytes_get_data (e->data, NULL), g_bytes_get_size (e->data));
    }
}

static void
put_directory (GByteArray           *out,
               const UbTestZipEntry *entries,
               guint                 n_entries,
               const guint32        *offsets)
{
  for (guint i = 0; i < n_entries; i++)
    {
      const UbTestZipEntry *e = &entries[i];
      gboolean zip64 = e->declared_size >= 0xFFFFFFFF;

      g_byte_array_append (out, (const guint8 *)"PK\1\2", 4);
      put (out, 0x031E, 2);                               /* made by: Unix, 3.0 */
      put_common (out, e, name_length (e), zip64);
      put (out, 0, 2);                                    /* comment length */
      put (out, 0, 2);                                    /* disk */
      put (out, 0, 2);                                    /* internal attributes */
      put (out, 0, 4);                                    /* external attributes */
      put (out, offsets[i], 4);
      g_byte_array_append (out, (const guint8 *)e->name, name_length (e));
      if (zip64)
        put_zip64_extra (out, e);
    }
}

/**
 * ub_test_zip_raw:
 *
 * Returns: (transfer full): a ZIP archive of @entries, written byte by byte
 */
GBytes *
ub_test_zip_raw (const UbTestZipEntry *entries,
                 guint                 n_entries)
{
  GByteArray *out = g_byte_array_new ();
  g_autofree guint32 *offsets = g_new0 (guint32, n_entries + 1);
  gsize directory;

  put_locals (out, entries, n_entries, offsets);
  directory = out->len;
  put_directory (out, entries, n_entries, offsets);
  g_byte_array_append (out, (const guint8 *)"PK\5\6", 4);
  put (out, 0, 4);                                        /* disks */
  put (out, n_entries, 2);
  put (out, n_entries, 2);
  put (out, out->len - directory - 12, 4);
  put (out, directory, 4);
  put (out, 0, 2);                                        /* comment length */
  return g_byte_array_free_to_bytes (out);
}
