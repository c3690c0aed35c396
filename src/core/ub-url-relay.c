/* ub-url-relay.c — the phone's URLAsset and StreamedImageDecryptionKey fetches
 *
 * On iOS 18 and later the phone asks the host to fetch the key of its
 * encrypted system image (research restore-mode.md §4, §5):
 *  - URLAsset: GET Arguments.RequestURL (only GET is accepted);
 *  - StreamedImageDecryptionKey: POST Arguments.RequestBody to RequestURL
 *    with the headers of Arguments.RequestAdditionalHeaders, all of them
 *    really sent.
 * The answer, whatever its HTTP status, goes back as {ResponseBody: data,
 * ResponseBodyDone: true, ResponseHeaders: {name: value}, ResponseStatus:
 * code}. Only https:// addresses are fetched (redirects included), always
 * with TLS verification (ub_http_set_tls); bodies are limited to
 * UB_URL_RELAY_MAX_BODY each way and the whole exchange to
 * UB_URL_RELAY_TIMEOUT_MS (scaled). The answer's header lines go through
 * ub-http-headers.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-url-relay"

#include "config.h"

#include <string.h>

#include <curl/curl.h>
#include <glib/gi18n-lib.h>

#include "ub-clock.h"
#include "ub-error.h"
#include "ub-http.h"
#include "ub-http-headers.h"
#include "ub-plist.h"
#include "ub-url-relay.h"

#define CONNECT_TIMEOUT_MS 15000
#define MAX_REDIRECTS      5
#define MAX_REQUEST_HEADERS 32

typedef struct
{
  plist_t  headers;
  gboolean too_many;
} Headers;

static size_t
on_header (char   *data,
           size_t  size,
           size_t  nmemb,
           void   *user_data)
{
  Headers *headers = user_data;
  gsize len = size * nmemb;

  if (!ub_http_headers_add_line (headers->headers, data, len))
    {
      headers->too_many = TRUE;
      return 0;
    }
  return len;
}

static gboolean
set_bad_request (GError     **error,
                 const char  *why)
{
  g_debug ("URL request refused: %s", why);
  /* TRANSLATORS: the phone asked the computer to download something for it */
  g_set_error_literal (error, UB_ERROR, UB_ERROR_PROTOCOL,
                       _("The iPhone asked for a download Unbrick cannot make."));
  return FALSE;
}

static char *
check_url (plist_t   arguments,
           GError  **error)
{
  g_autofree char *url = ub_plist_dup_string (plist_dict_get_item (arguments, "RequestURL"));

  if (url == NULL)
    {
      set_bad_request (error, "no RequestURL");
      return NULL;
    }
  if (g_ascii_strncasecmp (url, "https://", 8) != 0 || strpbrk (url, " \r\n") != NULL)
    {
      g_debug ("URL request refused: not https: %s", url);
      /* TRANSLATORS: %s is a web address the phone asked for */
      g_set_error (error, UB_ERROR, UB_ERROR_NOT_SUPPORTED,
                   _("The iPhone asked for %s over an insecure connection; Unbrick only downloads over HTTPS."),
                   url);
      return NULL;
    }
  return g_steal_pointer (&url);
}

static gboolean
check_method (plist_t    arguments,
              gboolean   post,
              GError   **error)
{
  g_autofree char *method = ub_plist_dup_string (plist_dict_get_item (arguments, "RequestMethod"));

  if (method != NULL && !g_str_equal (method, post ? "POST" : "GET"))
    return set_bad_request (error, "wrong RequestMethod");
  return TRUE;
}

/* RequestAdditionalHeaders → a curl list, every one of them checked */
static gboolean
request_headers (plist_t             arguments,
                 struct curl_slist **list,
                 GError            **error)
{
  plist_t dict = plist_dict_get_item (arguments, "RequestAdditionalHeaders");
  plist_dict_iter iter = NULL;
  guint n = 0;

  if (dict == NULL)
    return TRUE;
  if (plist_get_node_type (dict) != PLIST_DICT || plist_dict_get_size (dict) > MAX_REQUEST_HEADERS)
    return set_bad_request (error, "RequestAdditionalHeaders is not a small dictionary");
  plist_dict_new_iter (dict, &iter);
  for (;; n++)
    {
      char *name = NULL;
      plist_t node = NULL;
      const char *value;
      char *line;

      plist_dict_next_item (dict, iter, &name, &node);
      if (name == NULL)
        break;
      value = node && plist_get_node_type (node) == PLIST_STRING ? plist_get_string_ptr (node, NULL) : NULL;
      if (!ub_http_header_is_sendable (name, value))
        {
          free (name);
          free (iter);
          return set_bad_request (error, "a header that cannot be sent");
        }
      /* "Name;" sends an empty header; "Name:" would remove it */
      line = *value == '\0' ? g_strdup_printf ("%s;", name) : g_strdup_printf ("%s: %s", name, value);
      *list = curl_slist_append (*list, line);
      g_free (line);
      free (name);
    }
  free (iter);
  g_debug ("%u extra request headers", n);
  return TRUE;
}

/* Arguments.RequestBody: data or a string, at most UB_URL_RELAY_MAX_BODY */
static GBytes *
request_body (plist_t   arguments,
              GError  **error)
{
  plist_t node = plist_dict_get_item (arguments, "RequestBody");
  const char *data = NULL;
  uint64_t len = 0;

  if (node != NULL && plist_get_node_type (node) == PLIST_DATA)
    data = plist_get_data_ptr (node, &len);
  else if (node != NULL && plist_get_node_type (node) == PLIST_STRING)
    data = plist_get_string_ptr (node, &len);
  else if (node != NULL)
    {
      set_bad_request (error, "RequestBody is neither data nor text");
      return NULL;
    }
  if (len > UB_URL_RELAY_MAX_BODY)
    {
      set_bad_request (error, "RequestBody too big");
      return NULL;
    }
  return g_bytes_new (data, (gsize)len);
}

static void
setup (CURL        *curl,
       const char  *url,
       UbHttpSink  *sink,
       Headers     *headers)
{
  UbClock *clock = ub_clock_get_default ();

  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "https");
  curl_easy_setopt (curl, CURLOPT_REDIR_PROTOCOLS_STR, "https");
  curl_easy_setopt (curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt (curl, CURLOPT_MAXREDIRS, (long)MAX_REDIRECTS);
  curl_easy_setopt (curl, CURLOPT_USERAGENT, UB_HTTP_USER_AGENT);
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT_MS, (long)ub_clock_scale_ms (clock, UB_URL_RELAY_TIMEOUT_MS));
  curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT_MS, (long)ub_clock_scale_ms (clock, CONNECT_TIMEOUT_MS));
  curl_easy_setopt (curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt (curl, CURLOPT_HEADERDATA, headers);
  ub_http_set_tls (curl, g_getenv ("UNBRICK_TEST_CA_FILE"));
  ub_http_sink_attach (curl, sink);
}

static plist_t
answer (UbHttpSink *sink,
        Headers    *headers,
        long        status)
{
  plist_t reply = plist_new_dict ();

  plist_dict_set_item (reply, "ResponseBody", plist_new_data ((const char *)sink->body->data, sink->body->len));
  plist_dict_set_item (reply, "ResponseBodyDone", plist_new_bool (1));
  plist_dict_set_item (reply, "ResponseHeaders", plist_copy (headers->headers));
  plist_dict_set_item (reply, "ResponseStatus", plist_new_uint ((uint64_t)status));
  return reply;
}

static plist_t
perform (CURL          *curl,
         const char    *url,
         GCancellable  *cancellable,
         GError       **error)
{
  UbHttpSink sink = { g_byte_array_new (), UB_URL_RELAY_MAX_BODY, FALSE, cancellable };
  Headers headers = { plist_new_dict (), FALSE };
  plist_t reply = NULL;
  CURLcode code;
  long status = 0;

  setup (curl, url, &sink, &headers);
  code = curl_easy_perform (curl);
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    ;
  else if (sink.too_big || headers.too_many)
    {
      g_autofree char *limit = g_format_size (UB_URL_RELAY_MAX_BODY);

      /* TRANSLATORS: %s are a size ("1.0 MB") and a web address */
      g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                   _("The server sent more than expected (over %s) from %s."), limit, url);
    }
  else if (code != CURLE_OK)
    ub_http_set_curl_error (error, code, url);
  else
    {
      g_debug ("%s: HTTP %ld, %u bytes", url, status, sink.body->len);
      reply = answer (&sink, &headers, status);
    }
  plist_free (headers.headers);
  g_byte_array_unref (sink.body);
  return reply;
}

/**
 * ub_url_relay_fetch:
 * @arguments: the request's Arguments dictionary
 * @post: a StreamedImageDecryptionKey (POST) rather than a URLAsset (GET)
 *
 * Makes the request the phone asked for; blocks (call from a worker
 * thread). An HTTP error status is not an error: it goes to the phone.
 *
 * Returns: (transfer full): the answer for the phone, or %NULL with @error set
 */
plist_t
ub_url_relay_fetch (plist_t        arguments,
                    gboolean       post,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autofree char *url = NULL;
  g_autoptr(GBytes) body = NULL;
  struct curl_slist *list = NULL;
  plist_t reply = NULL;
  CURL *curl;

  if (arguments == NULL || plist_get_node_type (arguments) != PLIST_DICT)
    {
      set_bad_request (error, "no Arguments");
      return NULL;
    }
  if ((url = check_url (arguments, error)) == NULL || !check_method (arguments, post, error))
    return NULL;
  if (post && ((body = request_body (arguments, error)) == NULL || !request_headers (arguments, &list, error)))
    {
      curl_slist_free_all (list);
      return NULL;
    }
  g_debug ("%s %s", post ? "POST" : "GET", url);
  ub_http_global_init ();
  curl = curl_easy_init ();
  if (post)
    {
      list = curl_slist_append (list, "Expect:");
      curl_easy_setopt (curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)g_bytes_get_size (body));
      curl_easy_setopt (curl, CURLOPT_POSTFIELDS, g_bytes_get_data (body, NULL));
      curl_easy_setopt (curl, CURLOPT_HTTPHEADER, list);
    }
  reply = perform (curl, url, cancellable, error);
  curl_easy_cleanup (curl);
  curl_slist_free_all (list);
  return reply;
}
