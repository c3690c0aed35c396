/* ub-http.c — fetch a small document over HTTPS, from a worker thread
 *
 * For the firmware catalogs (a JSON document, Apple's version plist), not for
 * firmware files (ub-download.c streams those to disk). TLS verification is
 * always on; for tests only, UNBRICK_TEST_CA_FILE adds a CA to trust (the
 * loopback test server's; ub-tss.c honours it too, and takes its server's
 * address from UNBRICK_TSS_URL, also for tests only). The body is bounded:
 * a server that sends more than asked for is cut off with an error, not
 * buffered.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-http"

#include "config.h"

#include <curl/curl.h>
#include <glib/gi18n-lib.h>

#include "ub-clock.h"
#include "ub-error.h"
#include "ub-http.h"

#define MAX_REDIRECTS 5


/**
 * ub_http_global_init:
 *
 * Initialises libcurl once per process (idempotent, thread-safe).
 */
void
ub_http_global_init (void)
{
  static gsize done;

  if (g_once_init_enter (&done))
    {
      curl_global_init (CURL_GLOBAL_DEFAULT);
      g_once_init_leave (&done, 1);
    }
}

static size_t
on_body (char   *data,
         size_t  size,
         size_t  nmemb,
         void   *user_data)
{
  UbHttpSink *sink = user_data;
  gsize len = size * nmemb;

  if (sink->body->len + len > sink->max_size)
    {
      sink->too_big = TRUE;
      return 0;       /* makes libcurl stop with CURLE_WRITE_ERROR */
    }
  g_byte_array_append (sink->body, (const guint8 *)data, len);
  return len;
}

static int
on_progress (void       *user_data,
             curl_off_t  dltotal,
             curl_off_t  dlnow,
             curl_off_t  ultotal,
             curl_off_t  ulnow)
{
  UbHttpSink *sink = user_data;

  return sink->cancellable != NULL && g_cancellable_is_cancelled (sink->cancellable) ? 1 : 0;
}

/**
 * ub_http_sink_attach:
 * @curl: a CURL easy handle
 *
 * Makes @curl collect its answer into @sink, bounded and cancellable.
 */
void
ub_http_sink_attach (gpointer    curl,
                     UbHttpSink *sink)
{
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, sink);
  curl_easy_setopt (curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt (curl, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt (curl, CURLOPT_XFERINFODATA, sink);
}

/**
 * ub_http_set_tls:
 * @curl: a CURL easy handle
 * @ca_file: (nullable): trust only this CA (tests only: UNBRICK_TEST_CA_FILE)
 *
 * TLS verification, always on: the peer's certificate and its name.
 */
void
ub_http_set_tls (gpointer    curl,
                 const char *ca_file)
{
  curl_easy_setopt (curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt (curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (ca_file != NULL)
    curl_easy_setopt (curl, CURLOPT_CAINFO, ca_file);
}

/**
 * ub_http_set_curl_error:
 *
 * Maps a libcurl result to %UB_ERROR with words a person can act on.
 */
void
ub_http_set_curl_error (GError     **error,
                        int          code,
                        const char  *url)
{
  switch (code)
    {
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
      g_set_error (error, UB_ERROR, UB_ERROR_UNTRUSTED_CERTIFICATE,
                   _("The server’s certificate is not trusted, so Unbrick did not use it (%s)."), url);
      break;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
      g_set_error (error, UB_ERROR, UB_ERROR_NETWORK,
                   _("Could not connect to %s. Check the internet connection."), url);
      break;
    case CURLE_OPERATION_TIMEDOUT:
      g_set_error (error, UB_ERROR, UB_ERROR_TIMED_OUT,
                   _("The server at %s did not answer in time."), url);
      break;
    default:
      g_set_error (error, UB_ERROR, UB_ERROR_NETWORK, _("Download from %s failed: %s."),
                   url, curl_easy_strerror (code));
      break;
    }
}

static void
setup_handle (CURL       *curl,
              const char *url,
              UbHttpSink *sink,
              guint       timeout_ms)
{
  const char *test_ca = g_getenv ("UNBRICK_TEST_CA_FILE");

  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "https,http");
  curl_easy_setopt (curl, CURLOPT_REDIR_PROTOCOLS_STR, "https,http");
  curl_easy_setopt (curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt (curl, CURLOPT_MAXREDIRS, (long)MAX_REDIRECTS);
  curl_easy_setopt (curl, CURLOPT_USERAGENT, UB_HTTP_USER_AGENT);
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_ACCEPT_ENCODING, "");
  ub_http_set_tls (curl, test_ca);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT_MS, (long)ub_clock_scale_ms (ub_clock_get_default (), timeout_ms));
  curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT_MS,
                    (long)ub_clock_scale_ms (ub_clock_get_default (), MIN (timeout_ms, 15000)));
  ub_http_sink_attach (curl, sink);
}

/**
 * ub_http_get:
 * @max_size: the most bytes the document may have
 * @timeout_ms: for the whole transfer (scaled by UNBRICK_TIME_SCALE)
 *
 * Fetches @url synchronously; call it from a worker thread only.
 *
 * Returns: (transfer full): the body of a 2xx answer, or %NULL with @error set
 */
GBytes *
ub_http_get (const char    *url,
             gsize          max_size,
             guint          timeout_ms,
             GCancellable  *cancellable,
             GError       **error)
{
  UbHttpSink fetch = { g_byte_array_new (), max_size, FALSE, cancellable };
  CURL *curl;
  CURLcode code;
  long status = 0;

  g_return_val_if_fail (url != NULL, NULL);

  ub_http_global_init ();
  curl = curl_easy_init ();
  setup_handle (curl, url, &fetch, timeout_ms);
  g_debug ("GET %s", url);
  code = curl_easy_perform (curl);
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup (curl);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    code = CURLE_ABORTED_BY_CALLBACK;
  else if (fetch.too_big)
    {
      g_autofree char *limit = g_format_size (max_size);

      /* TRANSLATORS: %s are a size ("2.1 MB") and an address */
      g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                   _("The server sent more than expected (over %s) from %s."), limit, url);
    }
  else if (code != CURLE_OK)
    ub_http_set_curl_error (error, code, url);
  else if (status < 200 || status > 299)
    g_set_error (error, UB_ERROR, UB_ERROR_NETWORK,
                 _("The server answered with an error (HTTP %ld) for %s."), status, url);
  if ((error && *error) || code != CURLE_OK || fetch.too_big || status < 200 || status > 299)
    {
      g_byte_array_unref (fetch.body);
      return NULL;
    }
  g_debug ("GET %s: %u bytes", url, fetch.body->len);
  return g_byte_array_free_to_bytes (fetch.body);
}
