/* fuzz-fdr-wire.c — what the phone's FDR relay and a key server send
 *
 * The first byte chooses the parser, the rest is its input:
 *  0: a proxy request (ub_fdr_parse_request): on success the host is
 *     printable ASCII of the announced length and the port is not 0;
 *  1: a framed control answer (the untrusted plist parser, then ConnPort
 *     and Command checks);
 *  2: an HTTP answer's header lines, split at '\n', into the dictionary
 *     sent back to the phone: never more than UB_HTTP_HEADERS_MAX fields,
 *     every value valid UTF-8.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ub-fdr.h"
#include "ub-fdr-private.h"
#include "ub-http-headers.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
fuzz_request (const guint8 *data,
              gsize         size)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *host = NULL;
  guint16 port = 0;

  if (ub_fdr_parse_request (data, size, &host, &port, &error))
    {
      g_assert_no_error (error);
      g_assert_cmpuint (strlen (host), ==, data[2]);
      g_assert_cmpuint (port, !=, 0);
      for (const char *p = host; *p != '\0'; p++)
        g_assert_true (*p > 0x20 && *p < 0x7f);
    }
  else
    {
      g_assert_null (host);
      g_assert_nonnull (error);
    }
}

static void
fuzz_frame (const guint8 *data,
            gsize         size)
{
  g_autoptr(GError) error = NULL;
  plist_t dict = _ub_fdr_parse_dict (data, size, &error);

  if (dict == NULL)
    {
      g_assert_nonnull (error);
      return;
    }
  g_assert_no_error (error);
  if (_ub_fdr_parse_conn_port (dict, &error) == 0)
    g_assert_nonnull (error);
  _ub_fdr_is_command (dict, "HelloConn");
  plist_free (dict);
}

static void
fuzz_headers (const guint8 *data,
              gsize         size)
{
  plist_t headers = plist_new_dict ();
  plist_dict_iter iter = NULL;
  gsize start = 0;

  for (gsize i = 0; i <= size; i++)
    if (i == size || data[i] == '\n')
      {
        if (!ub_http_headers_add_line (headers, (const char *)data + start, i - start + (i < size)))
          break;
        start = i + 1;
      }
  g_assert_cmpuint (plist_dict_get_size (headers), <=, UB_HTTP_HEADERS_MAX);
  plist_dict_new_iter (headers, &iter);
  for (;;)
    {
      char *key = NULL;
      plist_t value = NULL;

      plist_dict_next_item (headers, iter, &key, &value);
      if (key == NULL)
        break;
      g_assert_true (g_utf8_validate (plist_get_string_ptr (value, NULL), -1, NULL));
      free (key);
    }
  free (iter);
  plist_free (headers);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  if (size == 0)
    return 0;
  switch (data[0] % 3)
    {
    case 0:
      fuzz_request (data + 1, size - 1);
      break;
    case 1:
      fuzz_frame (data + 1, size - 1);
      break;
    default:
      fuzz_headers (data + 1, size - 1);
      break;
    }
  return 0;
}
