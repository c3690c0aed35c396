/* ub-img4-stream.c — an IMG4 around an IM4P that is sent as it is read
 *
 * A restore ramdisk is 100–200 MB: instead of reading it whole and building
 * the IMG4 around it (ub_img4_stitch_take), the caller reads only its first
 * bytes (the IM4P header, magic and type), and sends
 *   prefix = SEQUENCE header + IA5 "IMG4" + those first bytes (type
 *            rewritten where the restore needs it)
 *   the rest of the IM4P, streamed from the firmware file
 *   suffix = [0] { the ticket }
 * which are the same bytes ub_img4_stitch_take() produces. What can be
 * checked without the rest is checked: the IM4P's outer length is the
 * entry's size, its magic and type; the ticket is valid and for the nonce.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-img4"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "ub-error.h"
#include "ub-img4-private.h"

/* The outer SEQUENCE header of an IM4P of @size bytes, from its first bytes */
static gboolean
outer_header (const guint8 *head,
              gsize         head_len,
              guint64       size,
              gsize        *header_len)
{
  guint64 content = 0;
  guint n;

  if (head_len < 2 || head[0] != 0x30)
    return FALSE;
  if (head[1] < 0x80)
    {
      *header_len = 2;
      content = head[1];
    }
  else
    {
      n = head[1] & 0x7f;
      if (n == 0 || n > 4 || head_len < 2 + n || head[2] == 0)
        return FALSE;
      for (guint i = 0; i < n; i++)
        content = (content << 8) | head[2 + i];
      *header_len = 2 + n;
    }
  return *header_len + content == size;
}

/* Magic "IM4P" and a printable four-character type within @head */
static gboolean
find_type (const guint8 *head,
           gsize         head_len,
           gsize         header_len,
           gsize        *type_offset)
{
  UbDerElement magic, type;

  if (!ub_der_read_element (head + header_len, head_len - header_len, &magic, NULL) ||
      !ub_der_is (&magic, UB_DER_CLASS_UNIVERSAL, UB_DER_TAG_IA5_STRING) ||
      !ub_der_ia5_equal (&magic, "IM4P"))
    return FALSE;
  if (!ub_der_read_element (magic.raw + magic.raw_length, head + head_len - (magic.raw + magic.raw_length),
                            &type, NULL) ||
      !ub_der_is (&type, UB_DER_CLASS_UNIVERSAL, UB_DER_TAG_IA5_STRING) || type.length != 4)
    return FALSE;
  for (guint i = 0; i < 4; i++)
    if (!g_ascii_isprint (type.value[i]))
      return FALSE;
  *type_offset = type.value - head;
  return TRUE;
}

static gboolean
check_ticket (GBytes  *im4m,
              GBytes  *ap_nonce,
              GError **error)
{
  UbDerElement ticket, manb;

  if (ap_nonce != NULL && !_ub_img4_check_ticket_nonce (im4m, ap_nonce, error))
    return FALSE;
  if (!ub_der_read_single (im4m, &ticket, error) || !_ub_img4_ticket_find_manb (&ticket, &manb, error))
    {
      g_prefix_error (error, _("The signed ticket cannot be used: "));
      return FALSE;
    }
  return TRUE;
}

/**
 * ub_img4_stitch_parts:
 * @head: the IM4P's first bytes (at least its header, magic and type;
 *   %UB_IMG4_STREAM_HEAD bytes or the whole IM4P if smaller)
 * @im4p_size: the whole IM4P's size
 * @im4m: the ticket
 * @component: its BuildManifest name
 * @ap_nonce: (nullable): the nonce the ticket must be for
 * @prefix: (out) (transfer full): what goes before the rest of the IM4P
 * @suffix: (out) (transfer full): what goes after it
 *
 * Returns: %FALSE with %UB_ERROR_INVALID_DATA for an IM4P that is not one
 *   (or not of @im4p_size bytes), or the ticket's error
 */
gboolean
ub_img4_stitch_parts (GBytes      *head,
                      guint64      im4p_size,
                      GBytes      *im4m,
                      const char  *component,
                      GBytes      *ap_nonce,
                      GBytes     **prefix,
                      GBytes     **suffix,
                      GError     **error)
{
  gsize head_len = 0, header_len = 0, type_offset = 0, im4m_len = g_bytes_get_size (im4m);
  const guint8 *data = g_bytes_get_data (head, &head_len);
  const char *rewrite = ub_img4_component_tag (component);
  g_autoptr(GByteArray) out = g_byte_array_new ();
  guint64 content = 6 + im4p_size + ub_der_header_size (0, im4m_len) + im4m_len;

  if (!outer_header (data, head_len, im4p_size, &header_len) ||
      !find_type (data, head_len, header_len, &type_offset))
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                           _("The firmware image (IM4P) is damaged or not an image."));
      return FALSE;
    }
  if (!check_ticket (im4m, ap_nonce, error))
    return FALSE;
  if (content > G_MAXUINT32 - 16)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA, _("The firmware image is too large."));
      return FALSE;
    }
  ub_der_write_header (out, UB_DER_CLASS_UNIVERSAL, TRUE, UB_DER_TAG_SEQUENCE, (gsize) content);
  ub_der_write_header (out, UB_DER_CLASS_UNIVERSAL, FALSE, UB_DER_TAG_IA5_STRING, 4);
  g_byte_array_append (out, (const guint8 *) "IMG4", 4);
  g_byte_array_append (out, data, head_len);
  if (rewrite != NULL)
    memcpy (out->data + out->len - head_len + type_offset, rewrite, 4);
  *prefix = g_byte_array_free_to_bytes (g_steal_pointer (&out));
  out = g_byte_array_new ();
  ub_der_write_header (out, UB_DER_CLASS_CONTEXT, TRUE, 0, im4m_len);
  g_byte_array_append (out, g_bytes_get_data (im4m, NULL), im4m_len);
  *suffix = g_byte_array_free_to_bytes (g_steal_pointer (&out));
  g_debug ("Stitched “%s” for streaming: %zu + %" G_GUINT64_FORMAT " + %zu bytes", component,
           g_bytes_get_size (*prefix), im4p_size - head_len, g_bytes_get_size (*suffix));
  return TRUE;
}
