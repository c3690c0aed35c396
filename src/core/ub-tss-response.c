/* ub-tss-response.c — reading what Apple's TSS server answers
 *
 * The body of an answer is a form-encoded line followed by a plist:
 *
 *     STATUS=0&MESSAGE=SUCCESS&REQUEST_STRING=<?xml version="1.0" …
 *
 * STATUS 0 carries the plist, whose ApImg4Ticket is the DER IM4M. Any other
 * status is the server's final word (94: this iOS is no longer signed for
 * this phone); an answer without STATUS (a proxy's error page, a cut-off
 * body) may be retried. Everything in it is untrusted: the plist goes through
 * ub-plist's checks, the message is cleaned before it reaches a person, and
 * the ticket must at least look like an IM4M (SEQUENCE, IA5String "IM4M").
 * Reading the ticket's fields is ub-img4's job.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-tss-response"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ub-error.h"
#include "ub-plist.h"
#include "ub-tss-response.h"

#define REQUEST_STRING "REQUEST_STRING="
#define MAX_MESSAGE_CHARS 160

typedef struct
{
  int   status;
  char *message;     /* cleaned, or NULL */
} Header;

/* Where @needle first occurs in @data, or NULL (memmem is a GNU extension) */
static const guint8 *
find_bytes (const guint8 *data,
            gsize         len,
            const char   *needle)
{
  gsize n = strlen (needle);

  for (gsize i = 0; i + n <= len; i++)
    if (data[i] == (guint8)needle[0] && memcmp (data + i, needle, n) == 0)
      return data + i;
  return NULL;
}

/* A message from the server, fit to show: valid UTF-8, no control
 * characters, not too long */
static char *
clean_message (const char *text,
               gsize       len)
{
  g_autofree char *valid = g_utf8_make_valid (text, (gssize)len);
  GString *out = g_string_new (NULL);
  guint n = 0;

  for (const char *p = valid; *p != '\0' && n < MAX_MESSAGE_CHARS; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c))
        c = ' ';
      else if (c == '+')
        c = ' ';      /* form encoding */
      g_string_append_unichar (out, c);
    }
  g_strstrip (out->str);
  return g_string_free (out, FALSE);
}

/* One "KEY=value" field of the form-encoded part */
static void
read_field (Header     *header,
            const char *field,
            gsize       len)
{
  const char *eq = memchr (field, '=', len);
  gsize key_len, value_len;
  gint64 status = 0;

  if (eq == NULL)
    return;
  key_len = eq - field;
  value_len = len - key_len - 1;
  if (key_len == 6 && memcmp (field, "STATUS", 6) == 0 && header->status == UB_TSS_STATUS_NONE)
    {
      g_autofree char *value = g_strndup (eq + 1, value_len);

      if (g_ascii_string_to_signed (value, 10, 0, G_MAXINT, &status, NULL))
        header->status = (int)status;
    }
  else if (key_len == 7 && memcmp (field, "MESSAGE", 7) == 0 && header->message == NULL)
    header->message = clean_message (eq + 1, value_len);
}

static void
read_header (Header       *header,
             const guint8 *body,
             gsize         len)
{
  const char *p = (const char *)body;
  const char *end = p + len;

  header->status = UB_TSS_STATUS_NONE;
  header->message = NULL;
  while (p < end && g_ascii_isspace (*p))
    p++;
  while (p < end)
    {
      const char *amp = memchr (p, '&', end - p);
      const char *stop = amp ? amp : end;

      read_field (header, p, stop - p);
      p = amp ? amp + 1 : end;
    }
}

static void
set_status_error (GError     **error,
                  int          status,
                  const char  *message)
{
  if (status == UB_TSS_STATUS_NOT_SIGNED)
    g_set_error_literal (error, UB_ERROR, UB_ERROR_NOT_SIGNED,
                         _("Apple no longer signs this iOS version for this phone."));
  else if (message != NULL && message[0] != '\0')
    g_set_error (error, UB_ERROR, UB_ERROR_NETWORK,
                 /* TRANSLATORS: %d is a number, %s the server's own words (in English) */
                 _("Apple’s signing server refused the request (status %d: “%s”)."), status, message);
  else
    g_set_error (error, UB_ERROR, UB_ERROR_NETWORK,
                 _("Apple’s signing server refused the request (status %d)."), status);
}

static plist_t
parse_plist (const guint8  *data,
             gsize          len,
             GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  plist_t root;

  while (len > 0 && g_ascii_isspace (*data))
    data++, len--;
  root = ub_plist_parse_untrusted (data, len, &local_error);
  if (root != NULL && plist_get_node_type (root) != PLIST_DICT)
    g_clear_pointer (&root, plist_free);
  if (root == NULL)
    g_set_error_literal (error, UB_ERROR, UB_ERROR_PROTOCOL,
                         _("Apple’s signing server sent an answer that cannot be read."));
  return root;
}

/**
 * ub_tss_response_parse:
 * @body: the body of the server's answer
 * @status: (out): its STATUS, %UB_TSS_STATUS_NONE if it has none
 *
 * Returns: (transfer full): the answer's plist dictionary (STATUS 0), or
 *   %NULL with @error set: %UB_ERROR_NOT_SIGNED for status 94,
 *   %UB_ERROR_NETWORK for the server's other refusals,
 *   %UB_ERROR_PROTOCOL for an answer without a status or a readable plist
 */
plist_t
ub_tss_response_parse (const guint8  *body,
                       gsize          len,
                       int           *status,
                       GError       **error)
{
  const guint8 *plist_start = NULL;
  gsize header_len = len;
  Header header;
  plist_t root;

  g_return_val_if_fail (body != NULL || len == 0, NULL);
  g_return_val_if_fail (status != NULL, NULL);

  *status = UB_TSS_STATUS_NONE;
  if (len > UB_TSS_MAX_RESPONSE_SIZE)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_PROTOCOL,
                           _("Apple’s signing server sent an answer that is far too long."));
      return NULL;
    }
  if (len > 0)
    plist_start = find_bytes (body, len, REQUEST_STRING);
  if (plist_start != NULL)
    {
      header_len = plist_start - body;
      plist_start += strlen (REQUEST_STRING);
    }
  read_header (&header, body, header_len);
  *status = header.status;
  g_debug ("TSS answer: %" G_GSIZE_FORMAT " bytes, STATUS %d, MESSAGE “%s”", len, header.status,
           header.message ? header.message : "");
  if (header.status == UB_TSS_STATUS_NONE)
    g_set_error_literal (error, UB_ERROR, UB_ERROR_PROTOCOL,
                         _("Apple’s signing server sent an answer without a status."));
  else if (header.status != 0)
    set_status_error (error, header.status, header.message);
  g_free (header.message);
  if (header.status != 0)
    return NULL;
  if (plist_start == NULL)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_PROTOCOL,
                           _("Apple’s signing server said yes but sent no ticket."));
      return NULL;
    }
  root = parse_plist (plist_start, len - (plist_start - body), error);
  return root;
}

/* The length of the DER element at @data, header included; 0 if malformed */
static gsize
der_element_size (const guint8 *data,
                  gsize         len)
{
  gsize content = 0, header = 2;
  guint n;

  if (len < 2)
    return 0;
  if (data[1] < 0x80)
    content = data[1];
  else
    {
      n = data[1] & 0x7F;
      if (n == 0 || n > 4 || len < 2 + n)
        return 0;
      for (guint i = 0; i < n; i++)
        content = content << 8 | data[2 + i];
      header += n;
    }
  if (content > len - header)
    return 0;
  return header + content;
}

/**
 * ub_tss_ticket_check_shape:
 *
 * Checks that @data is one DER SEQUENCE that starts with the IA5String
 * "IM4M", as every ApImg4Ticket does. The fields inside are not read.
 *
 * Returns: %FALSE with %UB_ERROR_PROTOCOL if it is not
 */
gboolean
ub_tss_ticket_check_shape (const guint8  *data,
                           gsize          len,
                           GError       **error)
{
  static const guint8 im4m[] = { 0x16, 0x04, 'I', 'M', '4', 'M' };
  gsize size = data != NULL && len > 0 && data[0] == 0x30 ? der_element_size (data, len) : 0;
  gsize header = size > 0 ? 2 + (data[1] >= 0x80 ? (data[1] & 0x7F) : 0) : 0;

  if (size != len || size < header + sizeof im4m ||
      memcmp (data + header, im4m, sizeof im4m) != 0)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_PROTOCOL,
                           _("Apple’s signing server sent a ticket that is not an Image4 manifest."));
      return FALSE;
    }
  return TRUE;
}

/**
 * ub_tss_response_dup_ticket:
 * @response: a parsed answer (ub_tss_response_parse())
 *
 * Returns: (transfer full): the ApImg4Ticket (a DER IM4M), or %NULL with
 *   %UB_ERROR_PROTOCOL if it is missing or does not look like an IM4M
 */
GBytes *
ub_tss_response_dup_ticket (plist_t   response,
                            GError  **error)
{
  plist_t node = response ? plist_dict_get_item (response, "ApImg4Ticket") : NULL;
  char *data = NULL;
  uint64_t len = 0;

  if (node == NULL || plist_get_node_type (node) != PLIST_DATA)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_PROTOCOL,
                           _("Apple’s signing server said yes but sent no ticket."));
      return NULL;
    }
  plist_get_data_val (node, &data, &len);
  if (!ub_tss_ticket_check_shape ((const guint8 *)data, len, error))
    {
      free (data);
      return NULL;
    }
  g_debug ("ApImg4Ticket: %" G_GUINT64_FORMAT " bytes", (guint64)len);
  return g_bytes_new_with_free_func (data, len, free, data);
}
