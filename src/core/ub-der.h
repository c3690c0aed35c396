/* ub-der.h — a small, strict DER reader and writer (enough for IMG4)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * UbDerClass:
 *
 * The class bits of a DER identifier octet (its two high bits).
 */
typedef enum
{
  UB_DER_CLASS_UNIVERSAL   = 0,
  UB_DER_CLASS_APPLICATION = 1,
  UB_DER_CLASS_CONTEXT     = 2,
  UB_DER_CLASS_PRIVATE     = 3,
} UbDerClass;

#define UB_DER_TAG_BOOLEAN      0x01
#define UB_DER_TAG_INTEGER      0x02
#define UB_DER_TAG_OCTET_STRING 0x04
#define UB_DER_TAG_SEQUENCE     0x10
#define UB_DER_TAG_SET          0x11
#define UB_DER_TAG_IA5_STRING   0x16

/* Deepest nesting the reader accepts; a real IM4M ticket is 11 levels deep
 * (certificates included). */
#define UB_DER_MAX_DEPTH 24

/* A four-character code as the tag number of a private-class element
 * ("MANB" → 0x4D414E42), the way IMG4 names its properties. */
#define UB_DER_FOURCC(a, b, c, d) \
  (((guint32)(guint8)(a) << 24) | ((guint32)(guint8)(b) << 16) | \
   ((guint32)(guint8)(c) << 8) | (guint32)(guint8)(d))

/**
 * UbDerElement:
 * @klass: the class of the identifier
 * @constructed: whether the element holds other elements
 * @tag: the tag number (private IMG4 properties: a fourcc)
 * @value: the contents octets, inside the buffer that was read
 * @length: how many contents octets
 * @raw: the first identifier octet (the whole encoding starts here)
 * @raw_length: header plus contents
 * @depth: 0 for an element read from the top of a buffer, parent + 1 inside
 *
 * One element, pointing into the caller's buffer (no copy).
 */
typedef struct
{
  UbDerClass    klass;
  gboolean      constructed;
  guint32       tag;
  const guint8 *value;
  gsize         length;
  const guint8 *raw;
  gsize         raw_length;
  guint         depth;
} UbDerElement;

/**
 * UbDerIter:
 *
 * Walks the children of a constructed element, one at a time.
 */
typedef struct
{
  const guint8 *pos;
  const guint8 *end;
  guint         depth;
} UbDerIter;

gboolean  ub_der_read_element  (const guint8        *data,
                                gsize                len,
                                UbDerElement        *out,
                                GError             **error);
gboolean  ub_der_read_single   (GBytes              *bytes,
                                UbDerElement        *out,
                                GError             **error);
gboolean  ub_der_validate      (const UbDerElement  *element,
                                GError             **error);
gboolean  ub_der_iter_init     (UbDerIter           *iter,
                                const UbDerElement  *parent,
                                GError             **error);
gboolean  ub_der_iter_next     (UbDerIter           *iter,
                                UbDerElement        *child,
                                GError             **error);
gboolean  ub_der_iter_at_end   (const UbDerIter     *iter);

gboolean  ub_der_is            (const UbDerElement  *element,
                                UbDerClass           klass,
                                guint32              tag);
gboolean  ub_der_get_uint64    (const UbDerElement  *element,
                                guint64             *out,
                                GError             **error);
gboolean  ub_der_get_boolean   (const UbDerElement  *element,
                                gboolean            *out,
                                GError             **error);
gboolean  ub_der_ia5_equal     (const UbDerElement  *element,
                                const char          *str);
char     *ub_der_dup_ia5       (const UbDerElement  *element,
                                GError             **error);
GBytes   *ub_der_dup_octets    (const UbDerElement  *element,
                                GError             **error);

guint32   ub_der_fourcc_from_string (const char *fourcc);

/* Writing */
void      ub_der_write_header  (GByteArray          *out,
                                UbDerClass           klass,
                                gboolean             constructed,
                                guint32              tag,
                                gsize                length);
gsize     ub_der_header_size   (guint32              tag,
                                gsize                length);

typedef struct _UbDerWriter UbDerWriter;

UbDerWriter *ub_der_writer_new          (void);
void         ub_der_writer_free         (UbDerWriter  *writer);
void         ub_der_writer_begin        (UbDerWriter  *writer,
                                         UbDerClass    klass,
                                         guint32       tag);
void         ub_der_writer_end          (UbDerWriter  *writer);
void         ub_der_writer_add          (UbDerWriter  *writer,
                                         UbDerClass    klass,
                                         guint32       tag,
                                         const guint8 *data,
                                         gsize         len);
void         ub_der_writer_add_raw      (UbDerWriter  *writer,
                                         const guint8 *der,
                                         gsize         len);
void         ub_der_writer_add_ia5      (UbDerWriter  *writer,
                                         const char   *str);
void         ub_der_writer_add_octets   (UbDerWriter  *writer,
                                         GBytes       *bytes);
void         ub_der_writer_add_uint64   (UbDerWriter  *writer,
                                         guint64       value);
void         ub_der_writer_add_boolean  (UbDerWriter  *writer,
                                         gboolean      value);
GBytes      *ub_der_writer_finish       (UbDerWriter  *writer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UbDerWriter, ub_der_writer_free)

G_END_DECLS
