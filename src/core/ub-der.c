/* ub-der.c — a small, strict DER reader and writer (enough for IMG4)
 *
 * IMG4 files and the IM4M tickets Apple's signing server returns are DER
 * (ITU-T X.690): each element is an identifier (class, constructed bit, tag
 * number, with the high-tag-number form for the private-class fourcc
 * properties such as [PRIVATE 0x4D414E42] "MANB"), a definite length and the
 * contents. A ticket arrives from the network and an image from a firmware
 * file, so the reader trusts neither: every length is checked against what is
 * left, only definite minimal lengths and minimal tag numbers are accepted
 * (DER, not BER), and nesting is bounded. Nothing here recurses: the reader
 * reads one header at a time and ub_der_validate() walks a tree with a stack
 * of at most UB_DER_MAX_DEPTH entries. Elements point into the caller's
 * buffer; nothing is copied until a value is asked for.
 *
 * The writer builds nested elements in one growing buffer and writes each
 * constructed element's header when it is closed, once its length is known.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-der"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ub-der.h"
#include "ub-error.h"

/* Lengths above 4 GiB never occur in an image we send to a phone */
#define MAX_LENGTH_OCTETS 4
/* 32-bit tag numbers: five base-128 digits at most */
#define MAX_TAG_OCTETS 5

static gboolean
fail (GError     **error,
      const char  *message)
{
  g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA, message);
  return FALSE;
}

static gboolean
fail_truncated (GError **error)
{
  /* TRANSLATORS: DER is the binary format of signed firmware images */
  return fail (error, _("The signed firmware data is cut short (DER element truncated)."));
}

/* The high-tag-number form: base-128 digits, most significant first */
static gboolean
read_long_tag (const guint8  *data,
               gsize          len,
               gsize         *pos,
               guint32       *tag,
               GError       **error)
{
  guint64 value = 0;

  for (guint n = 0; ; n++)
    {
      guint8 b;

      if (*pos >= len)
        return fail_truncated (error);
      b = data[(*pos)++];
      if ((n == 0 && b == 0x80) || n >= MAX_TAG_OCTETS)
        return fail (error, _("The signed firmware data has a malformed DER tag."));
      value = value << 7 | (b & 0x7F);
      if (!(b & 0x80))
        break;
    }
  if (value > G_MAXUINT32 || value < 0x1F)
    return fail (error, _("The signed firmware data has a malformed DER tag."));
  *tag = (guint32) value;
  return TRUE;
}

static gboolean
read_length (const guint8  *data,
             gsize          len,
             gsize         *pos,
             gsize         *length,
             GError       **error)
{
  guint8 first, n;
  guint64 value = 0;

  if (*pos >= len)
    return fail_truncated (error);
  first = data[(*pos)++];
  if (first < 0x80)
    {
      *length = first;
      return TRUE;
    }
  n = first & 0x7F;
  if (n == 0)
    return fail (error, _("The signed firmware data uses an indefinite length, which DER does not allow."));
  if (n > MAX_LENGTH_OCTETS)
    return fail (error, _("The signed firmware data has an impossibly large DER length."));
  if (len - *pos < n)
    return fail_truncated (error);
  if (data[*pos] == 0)
    return fail (error, _("The signed firmware data has a malformed DER length."));
  for (guint8 i = 0; i < n; i++)
    value = value << 8 | data[(*pos)++];
  if (value < 0x80)
    return fail (error, _("The signed firmware data has a malformed DER length."));
  *length = (gsize) value;
  return TRUE;
}

/**
 * ub_der_read_element:
 * @data: the encoding
 * @len: how many bytes of @data may be read
 * @out: (out caller-allocates): the element at @data (depth 0)
 * @error: %UB_ERROR_INVALID_DATA when the header is malformed or the
 *   contents run past @len
 *
 * Reads the element that starts at @data. Trailing bytes are not looked at.
 */
gboolean
ub_der_read_element (const guint8  *data,
                     gsize          len,
                     UbDerElement  *out,
                     GError       **error)
{
  gsize pos = 1, length;
  guint32 tag;

  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  if (len < 2)
    return fail_truncated (error);
  tag = data[0] & 0x1F;
  if (tag == 0x1F && !read_long_tag (data, len, &pos, &tag, error))
    return FALSE;
  if (!read_length (data, len, &pos, &length, error))
    return FALSE;
  if (len - pos < length)
    return fail_truncated (error);

  out->klass = data[0] >> 6;
  out->constructed = (data[0] & 0x20) != 0;
  out->tag = tag;
  out->raw = data;
  out->value = data + pos;
  out->length = length;
  out->raw_length = pos + length;
  out->depth = 0;
  return TRUE;
}

/**
 * ub_der_read_single:
 * @bytes: a buffer that must hold exactly one element
 * @out: (out caller-allocates): the element; it points into @bytes
 * @error: %UB_ERROR_INVALID_DATA when @bytes is not one whole element
 *
 * Reads and validates (see ub_der_validate()) the one element in @bytes.
 */
gboolean
ub_der_read_single (GBytes        *bytes,
                    UbDerElement  *out,
                    GError       **error)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  if (!ub_der_read_element (data, len, out, error))
    return FALSE;
  if (out->raw_length != len)
    return fail (error, _("The signed firmware data has unexpected bytes after its end."));
  return ub_der_validate (out, error);
}

/* DER rules for universal types: only SEQUENCE and SET are constructed;
 * booleans are 00 or FF, integers minimal, NULL empty, tag 0 unused. */
static gboolean
check_universal (const UbDerElement  *el,
                 GError             **error)
{
  gboolean want_constructed = el->tag == UB_DER_TAG_SEQUENCE || el->tag == UB_DER_TAG_SET;

  if (el->klass != UB_DER_CLASS_UNIVERSAL)
    return TRUE;
  if (el->tag == 0 || el->constructed != want_constructed)
    return fail (error, _("The signed firmware data has a DER element of the wrong form."));
  if (el->tag == UB_DER_TAG_BOOLEAN)
    {
      gboolean b;
      return ub_der_get_boolean (el, &b, error);
    }
  if (el->tag == UB_DER_TAG_INTEGER)
    {
      if (el->length == 0 ||
          (el->length > 1 && el->value[0] == 0x00 && !(el->value[1] & 0x80)) ||
          (el->length > 1 && el->value[0] == 0xFF && (el->value[1] & 0x80)))
        return fail (error, _("The signed firmware data has a malformed DER integer."));
    }
  if (el->tag == 0x05 && el->length != 0)
    return fail (error, _("The signed firmware data has a DER element of the wrong form."));
  return TRUE;
}

/**
 * ub_der_validate:
 * @element: an element read with ub_der_read_element() or an iterator
 * @error: %UB_ERROR_INVALID_DATA on the first problem found
 *
 * Checks the whole tree below @element: every constructed element is exactly
 * filled by its children, universal types have their DER form, and nothing
 * nests deeper than %UB_DER_MAX_DEPTH. Walks with a bounded stack, no
 * recursion.
 */
gboolean
ub_der_validate (const UbDerElement  *element,
                 GError             **error)
{
  UbDerIter stack[UB_DER_MAX_DEPTH + 1];
  guint top = 0;

  g_return_val_if_fail (element != NULL, FALSE);

  if (!check_universal (element, error))
    return FALSE;
  if (!element->constructed)
    return TRUE;
  if (!ub_der_iter_init (&stack[0], element, error))
    return FALSE;
  for (;;)
    {
      UbDerElement child;
      g_autoptr(GError) local = NULL;

      if (!ub_der_iter_next (&stack[top], &child, &local))
        {
          if (local != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local));
              return FALSE;
            }
          if (top == 0)
            return TRUE;
          top--;
          continue;
        }
      if (!check_universal (&child, error))
        return FALSE;
      if (child.constructed)
        {
          if (!ub_der_iter_init (&stack[top + 1], &child, error))
            return FALSE;
          top++;
        }
    }
}

/**
 * ub_der_iter_init:
 * @iter: (out caller-allocates): the iterator
 * @parent: a constructed element
 * @error: %UB_ERROR_INVALID_DATA if @parent is primitive or its children
 *   would nest deeper than %UB_DER_MAX_DEPTH
 */
gboolean
ub_der_iter_init (UbDerIter           *iter,
                  const UbDerElement  *parent,
                  GError             **error)
{
  g_return_val_if_fail (iter != NULL, FALSE);
  g_return_val_if_fail (parent != NULL, FALSE);

  if (!parent->constructed)
    return fail (error, _("The signed firmware data has a DER element of the wrong form."));
  if (parent->depth >= UB_DER_MAX_DEPTH)
    return fail (error, _("The signed firmware data is nested too deeply."));
  iter->pos = parent->value;
  iter->end = parent->value + parent->length;
  iter->depth = parent->depth + 1;
  return TRUE;
}

/**
 * ub_der_iter_next:
 * @iter: an iterator
 * @child: (out caller-allocates): the next child
 * @error: %UB_ERROR_INVALID_DATA if the next child is malformed
 *
 * Returns: %TRUE with the next child; %FALSE at the end (with @error unset)
 *   or on a malformed child (with @error set). A failed iterator stays at end.
 */
gboolean
ub_der_iter_next (UbDerIter     *iter,
                  UbDerElement  *child,
                  GError       **error)
{
  g_return_val_if_fail (iter != NULL, FALSE);

  if (iter->pos >= iter->end)
    return FALSE;
  if (!ub_der_read_element (iter->pos, iter->end - iter->pos, child, error))
    {
      iter->pos = iter->end;
      return FALSE;
    }
  child->depth = iter->depth;
  iter->pos += child->raw_length;
  return TRUE;
}

gboolean
ub_der_iter_at_end (const UbDerIter *iter)
{
  return iter->pos >= iter->end;
}

/**
 * ub_der_is:
 *
 * Whether @element has this class and tag number.
 */
gboolean
ub_der_is (const UbDerElement *element,
           UbDerClass          klass,
           guint32             tag)
{
  return element->klass == klass && element->tag == tag;
}

static gboolean
is_primitive_universal (const UbDerElement *el,
                        guint32             tag)
{
  return ub_der_is (el, UB_DER_CLASS_UNIVERSAL, tag) && !el->constructed;
}

/**
 * ub_der_get_uint64:
 * @element: an INTEGER
 * @out: (out): its value
 * @error: %UB_ERROR_INVALID_DATA if @element is not a minimal, non-negative
 *   INTEGER that fits in 64 bits
 */
gboolean
ub_der_get_uint64 (const UbDerElement  *element,
                   guint64             *out,
                   GError             **error)
{
  const guint8 *v = element->value;
  gsize n = element->length;
  guint64 value = 0;

  if (!is_primitive_universal (element, UB_DER_TAG_INTEGER) || n == 0 ||
      (n > 1 && v[0] == 0x00 && !(v[1] & 0x80)) || (v[0] & 0x80))
    return fail (error, _("The signed firmware data has a malformed DER integer."));
  if (v[0] == 0x00 && n > 1)
    {
      v++;
      n--;
    }
  if (n > 8)
    return fail (error, _("The signed firmware data has an integer too large for 64 bits."));
  for (gsize i = 0; i < n; i++)
    value = value << 8 | v[i];
  *out = value;
  return TRUE;
}

/**
 * ub_der_get_boolean:
 * @element: a BOOLEAN (one octet, 00 or FF in DER)
 */
gboolean
ub_der_get_boolean (const UbDerElement  *element,
                    gboolean            *out,
                    GError             **error)
{
  if (!is_primitive_universal (element, UB_DER_TAG_BOOLEAN) || element->length != 1 ||
      (element->value[0] != 0x00 && element->value[0] != 0xFF))
    return fail (error, _("The signed firmware data has a malformed DER boolean."));
  *out = element->value[0] == 0xFF;
  return TRUE;
}

/**
 * ub_der_ia5_equal:
 *
 * Whether @element is an IA5String holding exactly @str.
 */
gboolean
ub_der_ia5_equal (const UbDerElement *element,
                  const char         *str)
{
  gsize n = strlen (str);

  return is_primitive_universal (element, UB_DER_TAG_IA5_STRING) &&
         element->length == n && memcmp (element->value, str, n) == 0;
}

/**
 * ub_der_dup_ia5:
 * @element: an IA5String (7-bit ASCII, no NUL)
 *
 * Returns: (transfer full): its text
 */
char *
ub_der_dup_ia5 (const UbDerElement  *element,
                GError             **error)
{
  if (!is_primitive_universal (element, UB_DER_TAG_IA5_STRING))
    {
      fail (error, _("The signed firmware data has a DER element of the wrong type."));
      return NULL;
    }
  for (gsize i = 0; i < element->length; i++)
    if (element->value[i] == 0 || element->value[i] >= 0x80)
      {
        fail (error, _("The signed firmware data has a malformed text string."));
        return NULL;
      }
  return g_strndup ((const char *) element->value, element->length);
}

/**
 * ub_der_dup_octets:
 * @element: an OCTET STRING
 *
 * Returns: (transfer full): a copy of its contents
 */
GBytes *
ub_der_dup_octets (const UbDerElement  *element,
                   GError             **error)
{
  if (!is_primitive_universal (element, UB_DER_TAG_OCTET_STRING))
    {
      fail (error, _("The signed firmware data has a DER element of the wrong type."));
      return NULL;
    }
  return g_bytes_new (element->value, element->length);
}

/**
 * ub_der_fourcc_from_string:
 * @fourcc: exactly four characters
 *
 * Returns: the private tag number IMG4 uses for @fourcc, or 0 if @fourcc is
 *   not four characters long
 */
guint32
ub_der_fourcc_from_string (const char *fourcc)
{
  g_return_val_if_fail (fourcc != NULL, 0);

  if (strlen (fourcc) != 4)
    return 0;
  return UB_DER_FOURCC (fourcc[0], fourcc[1], fourcc[2], fourcc[3]);
}
