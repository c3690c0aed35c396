/* ub-http-headers.c — an HTTP answer's header lines into a dictionary
 *
 * libcurl hands the header callback one line at a time, raw from the
 * server (untrusted): the status line, "Name: value" lines, the blank line
 * that ends them, and the same again after a redirect or a 1xx answer.
 * A status line starts the dictionary over, so that only the final
 * answer's headers remain. Names (kept as sent) must be HTTP tokens; values are trimmed
 * and made valid UTF-8 (plist strings); a repeated name gets its values
 * joined with ", ". More than UB_HTTP_HEADERS_MAX fields or a line over
 * UB_HTTP_HEADER_LINE_MAX bytes is refused.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-http"

#include "config.h"

#include <string.h>

#include "ub-http-headers.h"

static gboolean
is_token_char (guchar c)
{
  return g_ascii_isalnum (c) || (c != 0 && strchr ("!#$%&'*+-.^_`|~", c) != NULL);
}

static gboolean
is_token (const char *text,
          gsize       len)
{
  if (len == 0)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!is_token_char ((guchar)text[i]))
      return FALSE;
  return TRUE;
}

static void
clear (plist_t headers)
{
  while (plist_dict_get_size (headers) > 0)
    {
      plist_dict_iter iter = NULL;
      char *key = NULL;
      plist_t value = NULL;

      plist_dict_new_iter (headers, &iter);
      plist_dict_next_item (headers, iter, &key, &value);
      free (iter);
      if (key == NULL)
        break;
      plist_dict_remove_item (headers, key);
      free (key);
    }
}

/**
 * ub_http_headers_add_line:
 * @headers: a dictionary
 * @line: one header line as received (not NUL-terminated)
 *
 * Returns: %FALSE when the answer has too many or too long header lines
 */
gboolean
ub_http_headers_add_line (plist_t      headers,
                          const char  *line,
                          gsize        len)
{
  const char *colon;
  g_autofree char *name = NULL;
  g_autofree char *raw = NULL;
  g_autofree char *value = NULL;
  plist_t old;

  g_return_val_if_fail (plist_get_node_type (headers) == PLIST_DICT, FALSE);

  if (len > UB_HTTP_HEADER_LINE_MAX)
    return FALSE;
  while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
    len--;
  if (len >= 5 && memcmp (line, "HTTP/", 5) == 0)
    {
      clear (headers);
      return TRUE;
    }
  colon = len > 0 ? memchr (line, ':', len) : NULL;
  if (colon == NULL || !is_token (line, (gsize)(colon - line)))
    return TRUE;    /* the blank line, or not a header: nothing to keep */
  name = g_strndup (line, (gsize)(colon - line));
  raw = g_strndup (colon + 1, len - (gsize)(colon + 1 - line));
  if (memchr (colon + 1, '\0', len - (gsize)(colon + 1 - line)) != NULL)
    return TRUE;    /* a NUL in a value: dropped */
  value = g_utf8_make_valid (g_strstrip (raw), -1);
  old = plist_dict_get_item (headers, name);
  if (old != NULL && plist_get_node_type (old) == PLIST_STRING)
    {
      g_autofree char *joined = g_strconcat (plist_get_string_ptr (old, NULL), ", ", value, NULL);

      if (strlen (joined) > UB_HTTP_HEADER_LINE_MAX)
        return FALSE;
      plist_dict_set_item (headers, name, plist_new_string (joined));
      return TRUE;
    }
  if (plist_dict_get_size (headers) >= UB_HTTP_HEADERS_MAX)
    return FALSE;
  plist_dict_set_item (headers, name, plist_new_string (value));
  return TRUE;
}

/**
 * ub_http_header_is_sendable:
 *
 * Whether a request header the phone asks for can go out as it is: a
 * token name, a value without control characters (no header injection).
 */
gboolean
ub_http_header_is_sendable (const char *name,
                            const char *value)
{
  if (name == NULL || value == NULL || !is_token (name, strlen (name)) ||
      strlen (name) + strlen (value) > UB_HTTP_HEADER_LINE_MAX)
    return FALSE;
  for (const char *p = value; *p != '\0'; p++)
    if (((guchar)*p < 0x20 && *p != '\t') || (guchar)*p == 0x7f)
      return FALSE;
  return TRUE;
}
