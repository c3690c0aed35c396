/* ub-vphone-der.c — a small, strictly bounds-checked DER reader for the phone
 *
 * What the virtual iPhone needs to look into an Image4 file: identifier
 * octets with low or high tag numbers (Image4 properties use private tags
 * whose number is a fourcc, written in base 128 over up to five octets),
 * definite lengths in the short form or the long form with one to four
 * length octets, and nothing else. Every length is checked against what is
 * left of the enclosing item before anything is read; indefinite lengths,
 * tag numbers above 32 bits and non-minimal encodings that would hide data
 * are refused. The core's own DER library is separate on purpose: the phone
 * must not trust the code it tests.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-vphone-der"

#include "config.h"

#include <string.h>
#include <gio/gio.h>

#include "ub-vphone-der.h"

void
ub_vphone_der_reader_init (UbVphoneDerReader *reader,
                           const guint8      *data,
                           gsize              len)
{
  g_return_if_fail (reader != NULL);
  g_return_if_fail (data != NULL || len == 0);

  reader->pos = data;
  reader->left = len;
}

/**
 * ub_vphone_der_reader_enter:
 *
 * Reads the items inside @item next.
 */
void
ub_vphone_der_reader_enter (UbVphoneDerReader     *reader,
                            const UbVphoneDerItem *item)
{
  ub_vphone_der_reader_init (reader, item->value, item->length);
}

gboolean
ub_vphone_der_reader_at_end (const UbVphoneDerReader *reader)
{
  return reader->left == 0;
}

static gboolean
malformed (GError    **error,
           const char *what)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "bad DER: %s", what);
  return FALSE;
}

/* The identifier octets: class, constructed bit and tag number. */
static gboolean
read_tag (UbVphoneDerReader  *reader,
          UbVphoneDerItem    *item,
          gsize              *used,
          GError            **error)
{
  const guint8 *p = reader->pos;
  guint64 number;
  gsize i = 1;

  item->cls = p[0] >> 6;
  item->constructed = (p[0] & 0x20) != 0;
  number = p[0] & 0x1f;
  if (number == 0x1f)
    {
      number = 0;
      do
        {
          if (i >= reader->left)
            return malformed (error, "tag runs past the end");
          if (i == 1 && p[i] == 0x80)
            return malformed (error, "tag number with a leading zero");
          number = number << 7 | (p[i] & 0x7f);
          if (number > G_MAXUINT32)
            return malformed (error, "tag number too large");
        }
      while (p[i++] & 0x80);
    }
  item->number = (guint32) number;
  *used = i;
  return TRUE;
}

static gboolean
read_length (const guint8  *p,
             gsize          left,
             gsize         *length,
             gsize         *used,
             GError       **error)
{
  guint n;

  if (left < 1)
    return malformed (error, "length missing");
  if ((p[0] & 0x80) == 0)
    {
      *length = p[0];
      *used = 1;
      return TRUE;
    }
  n = p[0] & 0x7f;
  if (n == 0)
    return malformed (error, "indefinite length");
  if (n > 4)
    return malformed (error, "length of more than four octets");
  if (n >= left)
    return malformed (error, "length runs past the end");
  *length = 0;
  for (guint i = 1; i <= n; i++)
    *length = *length << 8 | p[i];
  if (p[1] == 0 || *length < 0x80)
    return malformed (error, "length not in its shortest form");
  *used = 1 + n;
  return TRUE;
}

/**
 * ub_vphone_der_read:
 * @item: (out): the next item
 *
 * Returns: %FALSE with @error set when the next item is malformed or does
 *   not fit in what is left (also at the end)
 */
gboolean
ub_vphone_der_read (UbVphoneDerReader  *reader,
                    UbVphoneDerItem    *item,
                    GError            **error)
{
  gsize tag_len, len_len, length;

  g_return_val_if_fail (reader != NULL && item != NULL, FALSE);

  if (reader->left == 0)
    return malformed (error, "an item is missing");
  if (!read_tag (reader, item, &tag_len, error) ||
      !read_length (reader->pos + tag_len, reader->left - tag_len, &length, &len_len, error))
    return FALSE;
  if (length > reader->left - tag_len - len_len)
    return malformed (error, "contents run past the end");
  item->start = reader->pos;
  item->value = reader->pos + tag_len + len_len;
  item->length = length;
  item->total = tag_len + len_len + length;
  reader->pos += item->total;
  reader->left -= item->total;
  return TRUE;
}

gboolean
ub_vphone_der_is (const UbVphoneDerItem *item,
                  guint                  cls,
                  guint32                number)
{
  return item->cls == cls && item->number == number;
}

/**
 * ub_vphone_der_read_expect:
 * @what: what the item is, for the error message
 *
 * Reads the next item and checks its class and number.
 */
gboolean
ub_vphone_der_read_expect (UbVphoneDerReader  *reader,
                           guint               cls,
                           guint32             number,
                           UbVphoneDerItem    *item,
                           const char         *what,
                           GError            **error)
{
  if (!ub_vphone_der_read (reader, item, error))
    {
      g_prefix_error (error, "%s: ", what);
      return FALSE;
    }
  if (!ub_vphone_der_is (item, cls, number))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s expected, found tag class %u number %u", what, item->cls, item->number);
      return FALSE;
    }
  return TRUE;
}

gboolean
ub_vphone_der_string_equal (const UbVphoneDerItem *item,
                            const char            *str)
{
  gsize len = strlen (str);

  return item->length == len && memcmp (item->value, str, len) == 0;
}

/**
 * ub_vphone_der_get_uint64:
 *
 * Returns: %FALSE unless @item is a non-negative INTEGER that fits 64 bits
 */
gboolean
ub_vphone_der_get_uint64 (const UbVphoneDerItem *item,
                          guint64               *value)
{
  const guint8 *p = item->value;
  gsize len = item->length;

  if (!ub_vphone_der_is (item, UB_VPHONE_DER_UNIVERSAL, UB_VPHONE_DER_INTEGER) ||
      item->constructed || len == 0 || (p[0] & 0x80) != 0)
    return FALSE;
  if (len > 1 && p[0] == 0)
    {
      p++;
      len--;
    }
  if (len > 8)
    return FALSE;
  *value = 0;
  for (gsize i = 0; i < len; i++)
    *value = *value << 8 | p[i];
  return TRUE;
}

/**
 * ub_vphone_der_fourcc:
 * @fourcc: four characters, such as "MANB"
 *
 * Returns: the tag number Image4 gives a property of that name
 */
guint32
ub_vphone_der_fourcc (const char *fourcc)
{
  g_return_val_if_fail (fourcc != NULL && strlen (fourcc) == 4, 0);

  return (guint32) (guint8) fourcc[0] << 24 | (guint32) (guint8) fourcc[1] << 16 |
         (guint32) (guint8) fourcc[2] << 8 | (guint8) fourcc[3];
}
