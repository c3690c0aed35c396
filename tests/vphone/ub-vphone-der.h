/* ub-vphone-der.h — a small, strictly bounds-checked DER reader for the phone
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Tag classes, as the two top bits of the identifier octet */
#define UB_VPHONE_DER_UNIVERSAL 0
#define UB_VPHONE_DER_CONTEXT   2
#define UB_VPHONE_DER_PRIVATE   3

/* Universal tag numbers the phone looks at */
#define UB_VPHONE_DER_BOOLEAN      1
#define UB_VPHONE_DER_INTEGER      2
#define UB_VPHONE_DER_OCTET_STRING 4
#define UB_VPHONE_DER_SEQUENCE     16
#define UB_VPHONE_DER_SET          17
#define UB_VPHONE_DER_IA5_STRING   22

/**
 * UbVphoneDerItem:
 * @cls: the tag class (%UB_VPHONE_DER_UNIVERSAL, …)
 * @constructed: whether the contents are further items
 * @number: the tag number (a fourcc for Image4's private tags)
 * @value: the contents
 * @length: their length
 * @start: the whole item, identifier octets first
 * @total: its length
 *
 * One item; the pointers point into the buffer being read.
 */
typedef struct
{
  guint         cls;
  gboolean      constructed;
  guint32       number;
  const guint8 *value;
  gsize         length;
  const guint8 *start;
  gsize         total;
} UbVphoneDerItem;

/**
 * UbVphoneDerReader:
 *
 * Reads the items of one level, one after another.
 */
typedef struct
{
  const guint8 *pos;
  gsize         left;
} UbVphoneDerReader;

void     ub_vphone_der_reader_init   (UbVphoneDerReader     *reader,
                                      const guint8          *data,
                                      gsize                  len);
void     ub_vphone_der_reader_enter  (UbVphoneDerReader     *reader,
                                      const UbVphoneDerItem *item);
gboolean ub_vphone_der_reader_at_end (const UbVphoneDerReader *reader);
gboolean ub_vphone_der_read          (UbVphoneDerReader     *reader,
                                      UbVphoneDerItem       *item,
                                      GError               **error);
gboolean ub_vphone_der_read_expect   (UbVphoneDerReader     *reader,
                                      guint                  cls,
                                      guint32                number,
                                      UbVphoneDerItem       *item,
                                      const char            *what,
                                      GError               **error);
gboolean ub_vphone_der_is            (const UbVphoneDerItem *item,
                                      guint                  cls,
                                      guint32                number);
gboolean ub_vphone_der_string_equal  (const UbVphoneDerItem *item,
                                      const char            *str);
gboolean ub_vphone_der_get_uint64    (const UbVphoneDerItem *item,
                                      guint64               *value);
guint32  ub_vphone_der_fourcc        (const char            *fourcc);

G_END_DECLS
