/* ub-plist.c — parsing property lists that come from outside, safely
 *
 * libplist 2.2 (Debian 12) aborts the whole program on a string or a key
 * with a NUL inside (an assert in plist_get_string_val() and
 * plist_get_key_val()), which a binary plist can carry; its XML parser
 * refuses them. Everything that parses a plist we did not write (a catalog
 * from the network, a BuildManifest from a firmware file, an answer from a
 * phone) goes through here first: XML must be NUL-free and not nested
 * absurdly deep (libplist frees and copies trees recursively); in a binary
 * plist every string object is checked, and the nesting depth and the number
 * of nodes libplist would build are bounded, before libplist sees it. Found
 * by fuzz-catalog (NULs) and by reading libplist 2.2 (depth, shared objects).
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

/* Binary: libplist parses containers recursively and builds a new node
 * each time an object is referenced, so a deep chain overflows the stack and
 * a shared object referenced twice per level doubles per level. Every
 * object reached from the root is walked once (heights and node counts are
 * remembered) with a fixed stack: too deep, too many nodes or a cycle is
 * refused. */
#define MAX_NODES (1u << 22)

typedef struct
{
  const guint8 *data;
  gsize         len;
  guint64       table;
  guint         offset_size;
  guint         ref_size;
  guint64       n_objects;
  guint8       *height;      /* 0 not seen yet, 0xFF on the current path */
  guint32      *nodes;
} Bplist;

typedef struct
{
  guint64 object;
  gsize   refs;
  guint64 n_refs;
  guint64 next;
  guint   height;            /* of its tallest child so far */
  guint64 nodes;
} Frame;

/* A container's references (none for other objects); FALSE if libplist
 * would read them out of bounds */
static gboolean
object_refs (const Bplist *b,
             guint64       object,
             gsize        *refs,
             guint64      *n_refs)
{
  guint64 offset = read_be (b->data + b->table + object * b->offset_size, b->offset_size);
  guint8 kind = b->data[offset] & 0xF0;
  guint64 count;
  gsize start;

  *refs = 0;
  *n_refs = 0;
  if (kind != 0xA0 && kind != 0xC0 && kind != 0xD0)   /* array, set, dict */
    return TRUE;
  if (!object_length (b->data, b->len, offset, &count, &start) || count > b->len)
    return FALSE;
  if (kind == 0xD0)
    count *= 2;                                       /* keys, then values */
  if (start > b->table || count > (b->table - start) / b->ref_size)
    return FALSE;
  *refs = start;
  *n_refs = count;
  return TRUE;
}

static void
frame_add (Frame   *f,
           guint    height,
           guint64  nodes)
{
  if (height > f->height)
    f->height = height;
  f->nodes = MIN (f->nodes + nodes, (guint64)MAX_NODES + 1);
}

/* Visits @object below @top frames: pushes a container not seen yet, or
 * adds what is known of it to the frame on top */
static gboolean
visit (Bplist  *b,
       Frame   *stack,
       guint   *top,
       guint64  object)
{
  Frame *f;

  if (object >= b->n_objects || b->height[object] == 0xFF)
    return FALSE;                                     /* out of range, or a cycle */
  if (b->height[object] != 0)
    {
      frame_add (&stack[*top - 1], b->height[object], b->nodes[object]);
      return *top + b->height[object] <= UB_PLIST_MAX_DEPTH + 1;
    }
  if (*top > UB_PLIST_MAX_DEPTH)
    return FALSE;
  f = &stack[(*top)++];
  *f = (Frame) { .object = object, .nodes = 1 };
  b->height[object] = 0xFF;
  return object_refs (b, object, &f->refs, &f->n_refs);
}

static gboolean
walk_objects (Bplist  *b,
              guint64  root)
{
  Frame stack[UB_PLIST_MAX_DEPTH + 1];
  guint top = 0;

  if (!visit (b, stack, &top, root))
    return FALSE;
  while (top > 0)
    {
      Frame *f = &stack[top - 1];

      if (f->next < f->n_refs)
        {
          guint64 child = read_be (b->data + f->refs + f->next++ * b->ref_size, b->ref_size);

          if (!visit (b, stack, &top, child))
            return FALSE;
          continue;
        }
      if (f->nodes > MAX_NODES)
        return FALSE;
      b->height[f->object] = f->height + 1;
      b->nodes[f->object] = f->nodes;
      if (--top > 0)
        frame_add (&stack[top - 1], f->height + 1, f->nodes);
    }
  return TRUE;
}

static gboolean
binary_shape_is_safe (const guint8 *data,
                      gsize         len)
{
  const guint8 *t = data + len - TRAILER_SIZE;
  Bplist b = {
    .data = data,
    .len = len,
    .offset_size = t[6],
    .ref_size = t[7],
    .n_objects = read_be (t + 8, 8),
    .table = read_be (t + 24, 8),
  };
  guint64 root = read_be (t + 16, 8);
  gboolean ok;

  if (b.ref_size < 1 || b.ref_size > 8 || b.n_objects > MAX_NODES || root >= b.n_objects)
    return FALSE;
  b.height = g_malloc0 (b.n_objects);
  b.nodes = g_new0 (guint32, b.n_objects);
  ok = walk_objects (&b, root);
  g_free (b.height);
  g_free (b.nodes);
  return ok;
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
  return binary_shape_is_safe (data, len);
}

/* XML: libplist's parser builds the tree without recursion, but frees and
 * copies it recursively, so a deep nesting crashes later (a 55 MB manifest
 * of nested dicts did). The scan below follows the tokenizer of libplist
 * 2.2's xplist.c: comments, CDATA, <?…?> and DOCTYPE are skipped as it
 * skips them (quotes included), a tag is read up to its '>' honouring
 * double quotes, and only <dict> and <array> (not <dict/>) open a level.
 * It may count levels libplist would reject, never fewer than it builds;
 * anything it does not understand is refused. */
typedef struct
{
  const guint8 *p;
  const guint8 *end;
} XmlScan;

static gboolean
xml_skip_quoted (XmlScan *s)
{
  const guint8 *q = memchr (s->p + 1, '"', s->end - s->p - 1);

  if (q == NULL)
    return FALSE;
  s->p = q + 1;
  return TRUE;
}

static gboolean
xml_skip_past (XmlScan    *s,
               const char *marker,
               gboolean    quotes)
{
  gsize mlen = strlen (marker);

  while ((gsize)(s->end - s->p) >= mlen)
    {
      if (memcmp (s->p, marker, mlen) == 0)
        {
          s->p += mlen;
          return TRUE;
        }
      if (quotes && *s->p == '"')
        {
          if (!xml_skip_quoted (s))
            return FALSE;
          continue;
        }
      s->p++;
    }
  return FALSE;
}

static gboolean
xml_skip_doctype (XmlScan *s)
{
  while (s->p < s->end)
    {
      if (*s->p == '"')
        {
          if (!xml_skip_quoted (s))
            return FALSE;
          continue;
        }
      if (*s->p == '[')
        return xml_skip_past (s, "]>", TRUE);
      if (*s->p++ == '>')
        return TRUE;
    }
  return FALSE;
}

static gboolean
xml_has_prefix (const XmlScan *s,
                const char    *prefix)
{
  gsize plen = strlen (prefix);

  return (gsize)(s->end - s->p) >= plen && memcmp (s->p, prefix, plen) == 0;
}

/* At the character after '<': reads the tag to its '>'; *delta is +1 for an
 * opening <dict> or <array>, -1 for their closing tags, else 0 */
static gboolean
xml_read_tag (XmlScan *s,
              int     *delta)
{
  const guint8 *name = s->p;
  gsize nlen;
  gboolean empty, closing;

  while (s->p < s->end && memchr (" \r\n\t<>", *s->p, 6) == NULL)
    s->p++;
  nlen = s->p - name;
  while (s->p < s->end && *s->p != '>')
    {
      if (*s->p == '<')
        return FALSE;
      if (*s->p != '"')
        s->p++;
      else if (!xml_skip_quoted (s))
        return FALSE;
    }
  if (s->p >= s->end)
    return FALSE;
  empty = s->p[-1] == '/';
  s->p++;
  closing = nlen > 0 && name[0] == '/';
  if (closing)
    name++, nlen--;
  if (nlen > 0 && name[nlen - 1] == '/')
    nlen--;
  *delta = 0;
  if ((nlen == 4 && memcmp (name, "dict", 4) == 0) || (nlen == 5 && memcmp (name, "array", 5) == 0))
    *delta = closing ? -1 : (empty ? 0 : 1);
  return TRUE;
}

static gboolean
xml_is_safe (const guint8 *data,
             gsize         len)
{
  XmlScan s = { data, data + len };
  int depth = 0;

  if (memchr (data, 0, len) != NULL)
    return FALSE;
  while ((s.p = memchr (s.p, '<', s.end - s.p)) != NULL && ++s.p < s.end)
    {
      int delta = 0;
      gboolean ok;

      if (xml_has_prefix (&s, "!--"))
        ok = xml_skip_past (&s, "-->", FALSE);
      else if (xml_has_prefix (&s, "![CDATA["))
        ok = xml_skip_past (&s, "]]>", FALSE);
      else if (xml_has_prefix (&s, "!DOCTYPE"))
        ok = xml_skip_doctype (&s);
      else if (*s.p == '!')
        ok = FALSE;
      else if (*s.p == '?')
        ok = xml_skip_past (&s, "?>", TRUE);
      else
        ok = xml_read_tag (&s, &delta);
      if (!ok)
        return FALSE;
      depth = MAX (depth + delta, 0);
      if (depth > UB_PLIST_MAX_DEPTH)
        return FALSE;
    }
  return TRUE;
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

/**
 * ub_plist_new_data_bytes:
 *
 * Returns: (transfer full): a data node with a copy of @bytes
 */
plist_t
ub_plist_new_data_bytes (GBytes *bytes)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);

  return plist_new_data (data, len);
}
