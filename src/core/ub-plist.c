/* ub-plist.c — parsing property lists that come from outside, safely
 *
 * libplist 2.2 (Debian 12) aborts the whole program on a string or a key
 * with a NUL inside (an assert in plist_get_string_val() and
 * plist_get_key_val()), which a binary plist can carry; its XML parser
 * refuses them. Everything that parses a plist we did not write (a catalog
 * from the network, a BuildManifest from a firmware file, an answer from a
 * phone) goes through here first: XML must be NUL-free and not nested
 * absurdly deep (libplist's XML parser recurses); in a binary plist every
 * string object is checked before libplist sees it. Found by fuzz-catalog.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-plist"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ub-error.h"
#include "ub-plist.h"

#define BPLIST_MAGIC "bplist00"
#define TRAILER_SIZE 32

static guint64
read_be (const guint8 *p,
         guint         size)
{
  guint64 v = 0;

  for (guint i = 0; i < size; i++)
    v = v << 8 | p[i];
  return v;
}

/* The length of a string object and where its bytes start, or FALSE */
static gboolean
object_length (const guint8 *data,
               gsize         len,
               gsize         offset,
               guint64      *count,
               gsize        *start)
{
  guint8 marker = data[offset];
  guint size;

  *count = marker & 0x0F;
  *start = offset + 1;
  if (*count != 0x0F)
    return TRUE;
  /* 0x1n: an integer of 2^n bytes follows with the real length */
  if (offset + 1 >= len || (data[offset + 1] & 0xF0) != 0x10)
    return FALSE;
  size = 1u << (data[offset + 1] & 0x0F);
  if (size > 8 || offset + 2 + size > len)
    return FALSE;
  *count = read_be (data + offset + 2, size);
  *start = offset + 2 + size;
  return TRUE;
}

static gboolean
string_object_is_safe (const guint8 *data,
                       gsize         len,
                       gsize         offset)
{
  guint8 kind = data[offset] & 0xF0;
  guint64 count;
  gsize start, bytes;

  if (kind != 0x50 && kind != 0x60)            /* ASCII and UTF-16 strings */
    return TRUE;
  if (!object_length (data, len, offset, &count, &start))
    return FALSE;
  bytes = kind == 0x60 ? count * 2 : count;
  if (count > len || start > len || bytes > len - start)
    return FALSE;
  if (kind == 0x50)
    return memchr (data + start, 0, bytes) == NULL;
  for (gsize i = 0; i < bytes; i += 2)
    if (data[start + i] == 0 && data[start + i + 1] == 0)
      return FALSE;
  return TRUE;
}

static gboolean
binary_is_safe (const guint8 *data,
                gsize         len)
{
  const guint8 *t;
  guint offset_size;
  guint64 n_objects, table;

  if (len < strlen (BPLIST_MAGIC) + TRAILER_SIZE)
    return FALSE;
  t = data + len - TRAILER_SIZE;
  offset_size = t[6];
  n_objects = read_be (t + 8, 8);
  table = read_be (t + 24, 8);
  if (offset_size < 1 || offset_size > 8 || table >= len || n_objects > len ||
      n_objects * offset_size > len - table)
    return FALSE;
  for (guint64 i = 0; i < n_objects; i++)
    {
      guint64 offset = read_be (data + table + i * offset_size, offset_size);

      if (offset >= len - TRAILER_SIZE || !string_object_is_safe (data, len, offset))
        return FALSE;
    }
  return TRUE;
}

static gboolean
xml_is_safe (const guint8 *data,
             gsize         len)
{
  int depth = 0, max_depth = 0;

  if (memchr (data, 0, len) != NULL)
    return FALSE;
  for (gsize i = 0; i + 1 < len; i++)
    {
      if (data[i] != '<')
        continue;
      if (data[i + 1] == '/')
        depth--;
      else if ((i + 6 <= len && memcmp (data + i, "<dict>", 6) == 0) ||
               (i + 7 <= len && memcmp (data + i, "<array>", 7) == 0))
        max_depth = MAX (max_depth, ++depth);
    }
  return max_depth <= UB_PLIST_MAX_DEPTH;
}

/**
 * ub_plist_bytes_are_safe:
 *
 * Returns: whether libplist can parse @data without aborting the program
 */
gboolean
ub_plist_bytes_are_safe (const guint8 *data,
                         gsize         len)
{
  if (data == NULL || len == 0 || len > G_MAXUINT32)
    return FALSE;
  if (len >= strlen (BPLIST_MAGIC) && memcmp (data, BPLIST_MAGIC, strlen (BPLIST_MAGIC)) == 0)
    return binary_is_safe (data, len);
  return xml_is_safe (data, len);
}

/**
 * ub_plist_parse_untrusted:
 *
 * Returns: (transfer full): the plist, or %NULL with %UB_ERROR_INVALID_DATA
 */
plist_t
ub_plist_parse_untrusted (const guint8  *data,
                          gsize          len,
                          GError       **error)
{
  plist_t root = NULL;

  if (ub_plist_bytes_are_safe (data, len))
    plist_from_memory ((const char *)data, (uint32_t)len, &root);
  if (root == NULL)
    g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                         _("The property list is damaged or not a property list."));
  return root;
}

/**
 * ub_plist_dup_string:
 *
 * Reads a string node without libplist's assertion on embedded NULs.
 *
 * Returns: (transfer full) (nullable): the string, or %NULL if @node is not a
 *   string, or is not valid UTF-8 text
 */
char *
ub_plist_dup_string (plist_t node)
{
  uint64_t length = 0;
  const char *ptr;

  if (node == NULL || plist_get_node_type (node) != PLIST_STRING)
    return NULL;
  ptr = plist_get_string_ptr (node, &length);
  if (ptr == NULL || length > G_MAXINT32 || memchr (ptr, 0, length) != NULL ||
      !g_utf8_validate (ptr, (gssize)length, NULL))
    return NULL;
  return g_strndup (ptr, length);
}
