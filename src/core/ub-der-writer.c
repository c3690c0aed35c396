/* ub-der-writer.c — writing DER: headers, and nested elements in one buffer
 *
 * ub_der_writer_begin() remembers where a constructed element's contents
 * start; ub_der_writer_end() measures them and slides them right to make room
 * for the header. Lengths are written in the shortest form, tag numbers of 31
 * and above (the private-class fourccs of IMG4) in base 128: the output is
 * DER that our own strict reader accepts.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-der"

#include "config.h"

#include <string.h>

#include "ub-der.h"

typedef struct
{
  gsize      start;
  UbDerClass klass;
  guint32    tag;
} OpenElement;

struct _UbDerWriter
{
  GByteArray *buf;
  GArray     *open;   /* of OpenElement, innermost last */
};

static guint
tag_octets (guint32 tag)
{
  guint n = 1;

  if (tag < 0x1F)
    return 1;
  for (guint32 t = tag; t > 0x7F; t >>= 7)
    n++;
  return 1 + n;
}

static guint
length_octets (gsize length)
{
  guint n = 0;

  if (length < 0x80)
    return 1;
  for (gsize l = length; l > 0; l >>= 8)
    n++;
  return 1 + n;
}

/**
 * ub_der_header_size:
 *
 * Returns: how many octets ub_der_write_header() writes for @tag and @length
 */
gsize
ub_der_header_size (guint32 tag,
                    gsize   length)
{
  return tag_octets (tag) + length_octets (length);
}

/**
 * ub_der_write_header:
 * @out: where to append
 * @klass: the class
 * @constructed: whether the contents are elements
 * @tag: the tag number
 * @length: the length of the contents that will follow
 *
 * Appends an identifier and a definite, minimal length.
 */
void
ub_der_write_header (GByteArray *out,
                     UbDerClass  klass,
                     gboolean    constructed,
                     guint32     tag,
                     gsize       length)
{
  guint8 head[16];
  guint n = 0, t = tag_octets (tag), l = length_octets (length);

  head[n++] = (guint8) (klass << 6 | (constructed ? 0x20 : 0) | (tag < 0x1F ? tag : 0x1F));
  for (guint i = t - 1; i >= 1 && t > 1; i--)
    head[n++] = (guint8) (((tag >> (7 * (i - 1))) & 0x7F) | (i > 1 ? 0x80 : 0));
  if (l == 1)
    head[n++] = (guint8) length;
  else
    {
      head[n++] = (guint8) (0x80 | (l - 1));
      for (guint i = l - 1; i >= 1; i--)
        head[n++] = (guint8) (length >> (8 * (i - 1)));
    }
  g_byte_array_append (out, head, n);
}

UbDerWriter *
ub_der_writer_new (void)
{
  UbDerWriter *self = g_new0 (UbDerWriter, 1);

  self->buf = g_byte_array_new ();
  self->open = g_array_new (FALSE, FALSE, sizeof (OpenElement));
  return self;
}

void
ub_der_writer_free (UbDerWriter *writer)
{
  if (writer == NULL)
    return;
  g_clear_pointer (&writer->buf, g_byte_array_unref);
  g_clear_pointer (&writer->open, g_array_unref);
  g_free (writer);
}

/**
 * ub_der_writer_begin:
 *
 * Opens a constructed element (SEQUENCE, SET, a context or private tag);
 * everything added until the matching ub_der_writer_end() goes inside.
 */
void
ub_der_writer_begin (UbDerWriter *writer,
                     UbDerClass   klass,
                     guint32      tag)
{
  OpenElement el = { writer->buf->len, klass, tag };

  g_return_if_fail (writer->open->len < UB_DER_MAX_DEPTH);
  g_array_append_val (writer->open, el);
}

void
ub_der_writer_end (UbDerWriter *writer)
{
  OpenElement el;
  g_autoptr(GByteArray) head = g_byte_array_new ();
  gsize content;

  g_return_if_fail (writer->open->len > 0);

  el = g_array_index (writer->open, OpenElement, writer->open->len - 1);
  g_array_set_size (writer->open, writer->open->len - 1);
  content = writer->buf->len - el.start;
  ub_der_write_header (head, el.klass, TRUE, el.tag, content);
  g_byte_array_set_size (writer->buf, writer->buf->len + head->len);
  memmove (writer->buf->data + el.start + head->len, writer->buf->data + el.start, content);
  memcpy (writer->buf->data + el.start, head->data, head->len);
}

/**
 * ub_der_writer_add:
 *
 * Adds a primitive element with @len contents octets.
 */
void
ub_der_writer_add (UbDerWriter  *writer,
                   UbDerClass    klass,
                   guint32       tag,
                   const guint8 *data,
                   gsize         len)
{
  ub_der_write_header (writer->buf, klass, FALSE, tag, len);
  if (len > 0)
    g_byte_array_append (writer->buf, data, len);
}

/**
 * ub_der_writer_add_raw:
 *
 * Adds @der, an element that is already encoded, as it is.
 */
void
ub_der_writer_add_raw (UbDerWriter  *writer,
                       const guint8 *der,
                       gsize         len)
{
  g_byte_array_append (writer->buf, der, len);
}

void
ub_der_writer_add_ia5 (UbDerWriter *writer,
                       const char  *str)
{
  ub_der_writer_add (writer, UB_DER_CLASS_UNIVERSAL, UB_DER_TAG_IA5_STRING,
                     (const guint8 *) str, strlen (str));
}

void
ub_der_writer_add_octets (UbDerWriter *writer,
                          GBytes      *bytes)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  ub_der_writer_add (writer, UB_DER_CLASS_UNIVERSAL, UB_DER_TAG_OCTET_STRING, data, len);
}

/* Big-endian, no redundant leading zero, plus a zero when the top bit is
 * set so the value stays positive */
void
ub_der_writer_add_uint64 (UbDerWriter *writer,
                          guint64      value)
{
  guint8 be[9];
  guint n = 0, skip = 0;

  be[n++] = 0;
  for (gint shift = 56; shift >= 0; shift -= 8)
    be[n++] = (guint8) (value >> shift);
  while (skip < 8 && be[skip] == 0 && !(be[skip + 1] & 0x80))
    skip++;
  ub_der_writer_add (writer, UB_DER_CLASS_UNIVERSAL, UB_DER_TAG_INTEGER, be + skip, n - skip);
}

void
ub_der_writer_add_boolean (UbDerWriter *writer,
                           gboolean     value)
{
  guint8 b = value ? 0xFF : 0x00;

  ub_der_writer_add (writer, UB_DER_CLASS_UNIVERSAL, UB_DER_TAG_BOOLEAN, &b, 1);
}

/**
 * ub_der_writer_finish:
 *
 * Returns: (transfer full): everything written; all elements must be closed
 */
GBytes *
ub_der_writer_finish (UbDerWriter *writer)
{
  g_return_val_if_fail (writer->open->len == 0, NULL);

  return g_byte_array_free_to_bytes (g_steal_pointer (&writer->buf));
}
