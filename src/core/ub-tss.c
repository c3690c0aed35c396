/* ub-tss.c — asking Apple's TSS server to sign a restore
 *
 * The request (ub-tss-request.c) is POSTed as an XML plist to
 * gs.apple.com, with the headers and User-Agent Apple's own tools send
 * ("InetURL/1.0"). Transient failures — no connection, a timeout, a 5xx, an
 * answer without a STATUS — are retried a few times, 2 s apart, going round
 * Apple's three HTTPS addresses for the service; the server's own refusals
 * (status 94 and the others) are final at once. Plain-HTTP fallbacks, which
 * libtatsu also tries, are not used: TLS verification is always on.
 *
 * Every try has a connect timeout and a total timeout; the pause between
 * tries wakes on cancellation. All of it runs in a GTask worker, with a copy
 * of the request made on the caller's thread.
 *
 * For tests only, UNBRICK_TSS_URL replaces the three addresses with one
 * (the loopback test server, tests/httpd/ub-test-tss.py), and
 * UNBRICK_TEST_CA_FILE adds a CA to trust, as in ub-http.c. Both are read
 * when the request is sent, on the caller's thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-tss"

#include "config.h"

#include <curl/curl.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "ub-clock.h"
#include "ub-error.h"
#include "ub-http.h"
#include "ub-tss.h"

#define TSS_USER_AGENT "InetURL/1.0"
#define MAX_TRIES 6
#define TRY_TIMEOUT_MS 30000
#define CONNECT_TIMEOUT_MS 10000
#define RETRY_PAUSE_MS 2000

static const char * const apple_urls[] = {
  UB_TSS_DEFAULT_URL,
  "https://gs.apple.com.akadns.net/TSS/controller?action=2",
  "https://gs.apple.com.v.aaplimg.com/TSS/controller?action=2",
};

typedef struct
{
  char    *body;              /* the request as XML */
  gsize    len;
  GStrv    urls;
  char    *ca_file;
  guint    try_timeout_ms;    /* scaled by UNBRICK_TIME_SCALE */
  guint    connect_timeout_ms;
  guint    pause_ms;
  gboolean wants_ap_ticket;   /* the request has @ApImg4Ticket */
} Send;

typedef struct
{
  plist_t  response;
  GBytes  *ticket;
} Answer;


static void
send_free (Send *send)
{
  g_free (send->body);
  g_strfreev (send->urls);
  g_free (send->ca_file);
  g_free (send);
}

static void
answer_free (Answer *answer)
{
  g_clear_pointer (&answer->response, plist_free);
  g_clear_pointer (&answer->ticket, g_bytes_unref);
  g_free (answer);
}

static struct curl_slist *
setup_handle (CURL       *curl,
              const Send *send,
              const char *url,
              UbHttpSink *reply)
{
  struct curl_slist *headers = NULL;

  headers = curl_slist_append (headers, "Cache-Control: no-cache");
  headers = curl_slist_append (headers, "Content-type: text/xml; charset=\"utf-8\"");
  headers = curl_slist_append (headers, "Expect:");
  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "https,http");
  curl_easy_setopt (curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt (curl, CURLOPT_USERAGENT, TSS_USER_AGENT);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (curl, CURLOPT_POSTFIELDS, send->body);
  curl_easy_setopt (curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)send->len);
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  ub_http_set_tls (curl, send->ca_file);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT_MS, (long)send->try_timeout_ms);
  curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT_MS, (long)send->connect_timeout_ms);
  ub_http_sink_attach (curl, reply);
  return headers;
}

/* One POST: the body of any HTTP answer (with its status in @http), or
 * NULL with @error set if none came */
static GBytes *
post_once (const Send    *send,
           const char    *url,
           long          *http,
           GCancellable  *cancellable,
           GError       **error)
{
  UbHttpSink reply = { g_byte_array_new (), UB_TSS_MAX_RESPONSE_SIZE, FALSE, cancellable };
  CURL *curl = curl_easy_init ();
  struct curl_slist *headers;
  CURLcode code;

  headers = setup_handle (curl, send, url, &reply);
  code = curl_easy_perform (curl);
  *http = 0;
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, http);
  curl_easy_cleanup (curl);
  curl_slist_free_all (headers);
  g_debug ("POST %s: curl %d, HTTP %ld, %u bytes", url, code, *http, reply.body->len);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    ;
  else if (reply.too_big)
    g_set_error_literal (error, UB_ERROR, UB_ERROR_PROTOCOL,
                         _("Apple’s signing server sent an answer that is far too long."));
  else if (code != CURLE_OK)
    ub_http_set_curl_error (error, code, url);
  else
    return g_byte_array_free_to_bytes (reply.body);
  g_byte_array_unref (reply.body);
  return NULL;
}

/* Waits @ms, or less if cancelled; FALSE if cancelled */
static gboolean
pause_between_tries (guint          ms,
                     GCancellable  *cancellable,
                     GError       **error)
{
  GPollFD fd;

  if (g_cancellable_make_pollfd (cancellable, &fd))
    {
      g_poll (&fd, 1, (gint)ms);
      g_cancellable_release_fd (cancellable);
    }
  else
    g_usleep ((gulong)ms * 1000);
  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

/* TRUE if the try is over for good (an answer in @answer, or @error set);
 * FALSE with @error set if it may be retried */
static gboolean
try_once (const Send    *send,
          const char    *url,
          Answer        *answer,
          GCancellable  *cancellable,
          GError       **error)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) local_error = NULL;
  long http = 0;
  int status = UB_TSS_STATUS_NONE;

  body = post_once (send, url, &http, cancellable, &local_error);
  if (body == NULL)
    {
      gboolean final = g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
                       g_error_matches (local_error, UB_ERROR, UB_ERROR_UNTRUSTED_CERTIFICATE) ||
                       g_error_matches (local_error, UB_ERROR, UB_ERROR_PROTOCOL);

      g_propagate_error (error, g_steal_pointer (&local_error));
      return final;
    }
  answer->response = ub_tss_response_parse (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                            &status, &local_error);
  if (answer->response != NULL)
    {
      /* A baseband or updater answer carries its own ticket (BBTicket,
       * SE,Ticket …): its caller reads it from the response */
      if (send->wants_ap_ticket)
        answer->ticket = ub_tss_response_dup_ticket (answer->response, error);
      return TRUE;
    }
  if (status == UB_TSS_STATUS_NONE && http >= 500)
    {
      /* Busy or down: worth another try, and a network problem in the end */
      g_set_error (error, UB_ERROR, UB_ERROR_NETWORK,
                   _("Apple’s signing server is not available right now (HTTP %ld)."), http);
      return FALSE;
    }
  if (status == UB_TSS_STATUS_NONE && http >= 400 && http < 500)
    {
      g_set_error (error, UB_ERROR, UB_ERROR_NETWORK,
                   _("Apple’s signing server answered with an error (HTTP %ld)."), http);
      return TRUE;
    }
  g_propagate_error (error, g_steal_pointer (&local_error));
  return status != UB_TSS_STATUS_NONE;
}

static void
send_worker (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const Send *send = task_data;
  guint n_urls = g_strv_length (send->urls);
  g_autoptr(GError) error = NULL;
  Answer *answer = g_new0 (Answer, 1);

  for (guint attempt = 0; attempt < MAX_TRIES; attempt++)
    {
      const char *url = send->urls[attempt % n_urls];

      g_clear_error (&error);
      if (attempt > 0 && !pause_between_tries (send->pause_ms, cancellable, &error))
        break;
      g_debug ("Sending the TSS request, try %u of %u, to %s", attempt + 1, MAX_TRIES, url);
      if (try_once (send, url, answer, cancellable, &error))
        break;
      g_debug ("Try %u failed: %s", attempt + 1, error->message);
      if (attempt + 1 == MAX_TRIES && !g_error_matches (error, UB_ERROR, UB_ERROR_PROTOCOL))
        g_prefix_error (&error,
                        g_dngettext (GETTEXT_PACKAGE,
                                     "Apple’s signing server could not be reached after %u try. ",
                                     "Apple’s signing server could not be reached after %u tries. ",
                                     MAX_TRIES),
                        MAX_TRIES);
    }
  if (error != NULL && error->domain == UB_ERROR && error->code == UB_ERROR_TIMED_OUT)
    error->code = UB_ERROR_NETWORK;
  if (error != NULL)
    {
      answer_free (answer);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, answer, (GDestroyNotify)answer_free);
}

static Send *
send_new (plist_t request)
{
  Send *send = g_new0 (Send, 1);
  const char *test_url = g_getenv ("UNBRICK_TSS_URL");
  UbClock *clock = ub_clock_get_default ();
  char *xml = NULL;
  uint32_t len = 0;

  plist_to_xml (request, &xml, &len);
  send->body = g_strndup (xml, len);
  send->wants_ap_ticket = plist_dict_get_item (request, "@ApImg4Ticket") != NULL;
  send->len = len;
  free (xml);
  if (test_url != NULL && test_url[0] != '\0')
    send->urls = g_strdupv ((char *[]) { (char *)test_url, NULL });
  else
    send->urls = g_strdupv ((char **)apple_urls);
  send->ca_file = g_strdup (g_getenv ("UNBRICK_TEST_CA_FILE"));
  send->try_timeout_ms = ub_clock_scale_ms (clock, TRY_TIMEOUT_MS);
  send->connect_timeout_ms = ub_clock_scale_ms (clock, CONNECT_TIMEOUT_MS);
  send->pause_ms = ub_clock_scale_ms (clock, RETRY_PAUSE_MS);
  return send;
}

/**
 * ub_tss_send_async:
 * @request: an AP request (ub_tss_request_new_ap()); copied, not kept
 *
 * Sends @request to Apple's TSS server from a worker thread, retrying
 * transient failures, and reads the ApImg4Ticket from the answer.
 */
void
ub_tss_send_async (plist_t              request,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Send *send;

  g_return_if_fail (request != NULL && plist_get_node_type (request) == PLIST_DICT);

  ub_http_global_init ();
  send = send_new (request);
  g_debug ("TSS request of %" G_GSIZE_FORMAT " bytes for %s", send->len, send->urls[0]);
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ub_tss_send_async);
  g_task_set_task_data (task, send, (GDestroyNotify)send_free);
  g_task_run_in_thread (task, send_worker);
}

/**
 * ub_tss_send_finish:
 * @response: (out) (optional) (transfer full): the whole answer, a plist dictionary
 *
 * Returns: (transfer full): the ApImg4Ticket (DER IM4M), or %NULL with @error
 *   set: %UB_ERROR_NOT_SIGNED (status 94), %UB_ERROR_NETWORK (unreachable,
 *   timed out after the retries, or another refusal), %UB_ERROR_PROTOCOL (an
 *   answer that cannot be read or without a ticket),
 *   %UB_ERROR_UNTRUSTED_CERTIFICATE, or %G_IO_ERROR_CANCELLED. A request
 *   without @ApImg4Ticket (baseband, co-processor updaters) returns %NULL
 *   without an error: its ticket is in @response, which the caller reads.
 */
GBytes *
ub_tss_send_finish (GAsyncResult  *result,
                    plist_t       *response,
                    GError       **error)
{
  Answer *answer;
  GBytes *ticket;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ub_tss_send_async, NULL);

  if (response != NULL)
    *response = NULL;
  answer = g_task_propagate_pointer (G_TASK (result), error);
  if (answer == NULL)
    return NULL;
  ticket = g_steal_pointer (&answer->ticket);
  if (response != NULL)
    *response = g_steal_pointer (&answer->response);
  answer_free (answer);
  return ticket;
}
