/* ub-download-transfer.c — the network side of UbDownload, with libcurl
 *
 * Runs in the download's worker thread on a .part file that is already open
 * and hashed up to its end (part->offset). Each attempt asks for the rest with
 * a Range header; the response decides what happens to the file:
 *
 *   206 from where we asked  → append, hashing as the bytes arrive
 *   206 from anywhere else   → start again from zero, with a new request
 *   200 while we asked Range → the server ignored it: truncate, hash from zero,
 *                              and keep this response (it is the whole file)
 *   416 with the kept size   → the .part is already complete
 *   404, 5xx, …              → an error that names the status
 *
 * A dropped or stalled connection (under 1 KiB/s over 30 s, scaled by
 * UNBRICK_TIME_SCALE) is retried from where it stopped, a few times with a
 * growing pause; an attempt that added bytes resets the count. The stall is
 * measured here, in the progress callback, rather than with libcurl's
 * CURLOPT_LOW_SPEED_TIME: libcurl averages the speed over its last five
 * seconds, so a stall after a fast start would be noticed five seconds late.
 * TLS verification is never turned off.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-download"

#include "config.h"

#include <curl/curl.h>
#include <errno.h>
#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ub-download-private.h"
#include "ub-error.h"
#include "ub-http.h"

#define MAX_RETRIES 4
#define MAX_REDIRECTS 10
#define LOW_SPEED_BYTES 1024       /* per second, on average over the stall window */
#define STALL_SAMPLES 4
#define CURL_BUFFER_SIZE (512 * 1024)
#define HASH_BUFFERS 16

typedef enum
{
  OUTCOME_COMPLETE,
  OUTCOME_RETRY,
  OUTCOME_RESTART,
  OUTCOME_FAILED,
} Outcome;

typedef struct
{
  UbDownloadPart *part;
  GCancellable   *cancellable;
  CURL           *curl;
  guint64         start;          /* the offset this attempt asked for */
  gboolean        checked;        /* the response's status and headers were looked at */
  gboolean        restart;        /* a 206 from the wrong place */
  gboolean        satisfied;      /* a 416 saying the .part is complete */
  gboolean        full;           /* the expected size is reached */
  gboolean        transient;      /* @error is a 502/503/504: worth another try */
  gboolean        stalled;
  GError         *error;
  /* received bytes, sampled every quarter of the stall window */
  gint64          sample_time[2 * STALL_SAMPLES];
  curl_off_t      sample_bytes[2 * STALL_SAMPLES];
  guint           n_samples;
} Attempt;

static const char *
get_header (CURL       *curl,
            const char *name)
{
  struct curl_header *h = NULL;

  if (curl_easy_header (curl, name, 0, CURLH_HEADER, -1, &h) != CURLHE_OK)
    return NULL;
  return h->value;
}

/* "bytes START-END/TOTAL", or "bytes *\/TOTAL" (a 416's); TOTAL may be "*" (unknown: 0) */
static gboolean
parse_content_range (const char *value,
                     guint64    *start,
                     guint64    *total)
{
  uint64_t s = 0, e = 0, t = 0;
  char star;

  *start = 0;
  *total = 0;
  if (value == NULL)
    return FALSE;
  if (sscanf (value, "bytes */%" SCNu64, &t) == 1)
    {
      *total = t;
      return FALSE;
    }
  if (sscanf (value, "bytes %" SCNu64 "-%" SCNu64 "/%" SCNu64, &s, &e, &t) == 3 && e >= s)
    {
      *start = s;
      *total = t;
      return TRUE;
    }
  if (sscanf (value, "bytes %" SCNu64 "-%" SCNu64 "/%c", &s, &e, &star) == 3 && star == '*' && e >= s)
    {
      *start = s;
      return TRUE;
    }
  return FALSE;
}

static void
set_http_error (Attempt *a,
                long     status)
{
  const char *url = a->part->job->url;

  a->transient = status == 502 || status == 503 || status == 504;
  if (status == 404 || status == 410)
    g_set_error (&a->error, UB_ERROR, UB_ERROR_NOT_FOUND,
                 _("The file is not on the server (HTTP %ld): %s"), status, url);
  else
    g_set_error (&a->error, UB_ERROR, UB_ERROR_NETWORK,
                 _("The server answered with an error (HTTP %ld) for %s."), status, url);
}

static gboolean
sizes_agree (Attempt *a,
             guint64  total)
{
  UbDownloadPart *part = a->part;
  UbDownloadJob *job = part->job;
  g_autofree char *offered = g_strdup_printf ("%" G_GUINT64_FORMAT, total);
  g_autofree char *expected = g_strdup_printf ("%" G_GUINT64_FORMAT, job->expected_size);
  g_autofree char *before = g_strdup_printf ("%" G_GUINT64_FORMAT, part->total);

  if (total == 0)
    return TRUE;
  if (job->expected_size != 0 && total != job->expected_size)
    /* TRANSLATORS: two numbers of bytes */
    g_set_error (&a->error, UB_ERROR, UB_ERROR_CHECKSUM,
                 _("The server offers %s bytes, but the file must have %s bytes. "
                   "It is not the right file; nothing was downloaded."), offered, expected);
  else if (part->total != 0 && total != part->total)
    /* TRANSLATORS: an address, then two numbers of bytes */
    g_set_error (&a->error, UB_ERROR, UB_ERROR_NETWORK,
                 _("The server gives two different sizes for %s (%s and %s bytes)."), job->url, before, offered);
  return a->error == NULL;
}

static gboolean
accept_total (Attempt *a,
              guint64  total)
{
  UbDownloadPart *part = a->part;
  UbDownloadJob *job = part->job;

  if (!sizes_agree (a, total))
    return FALSE;
  if (total != 0 && job->expected_size == 0 &&
      !ub_download_check_space (job->directory, total > part->offset ? total - part->offset : 0, &a->error))
    return FALSE;
  part->total = total;
  ub_download_job_set_progress (job, part->offset, total);
  return TRUE;
}

/* 206: only from the byte asked for */
static gboolean
accept_partial (Attempt    *a,
                curl_off_t  length)
{
  guint64 start, total;

  if (!parse_content_range (get_header (a->curl, "Content-Range"), &start, &total) || start != a->start)
    {
      g_debug ("The server answered from another byte than %" G_GUINT64_FORMAT "; restarting from zero", a->start);
      a->restart = TRUE;
      return FALSE;
    }
  return accept_total (a, total != 0 ? total : length >= 0 ? start + (guint64)length : 0);
}

/* 416 to a Range request: the .part may already hold the whole file */
static gboolean
accept_unsatisfiable (Attempt *a)
{
  guint64 start, total;

  parse_content_range (get_header (a->curl, "Content-Range"), &start, &total);
  a->satisfied = total == a->start && accept_total (a, total);
  a->restart = !a->satisfied && a->error == NULL;
  g_debug ("HTTP 416: the file has %" G_GUINT64_FORMAT " bytes, %s", total,
           a->satisfied ? "the .part is complete" : "restarting from zero");
  return FALSE;
}

static gboolean
accept_response (Attempt *a)
{
  const char *range = get_header (a->curl, "Content-Range");
  curl_off_t length = -1;
  long status = 0;

  a->checked = TRUE;
  curl_easy_getinfo (a->curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_getinfo (a->curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
  g_debug ("HTTP %ld, Content-Length %" CURL_FORMAT_CURL_OFF_T ", Content-Range %s", status, length,
           range ? range : "none");
  if (status == 206)
    return accept_partial (a, length);
  if (status == 416 && a->start > 0)
    return accept_unsatisfiable (a);
  if (status != 200)
    {
      set_http_error (a, status);
      return FALSE;
    }
  if (!accept_total (a, length >= 0 ? (guint64)length : 0))
    return FALSE;
  if (a->start == 0)
    return TRUE;
  g_debug ("The server ignored the Range request; restarting from zero");
  return ub_download_truncate (a->part, &a->error);
}

static size_t
on_write (char   *data,
          size_t  size,
          size_t  nmemb,
          void   *user_data)
{
  Attempt *a = user_data;
  UbDownloadPart *part = a->part;
  guint64 expected = part->job->expected_size;
  gsize len = size * nmemb;

  if (!a->checked && !accept_response (a))
    return 0;
  if (expected != 0 && part->offset + len > expected)
    {
      /* More than the file may have: keep what fits and let verification judge it */
      g_debug ("The server sends more than the expected %" G_GUINT64_FORMAT " bytes", expected);
      len = (gsize)(expected - part->offset);
      a->full = TRUE;
    }
  if (!ub_download_part_write (part, data, len, &a->error))
    return 0;
  ub_download_job_set_progress (part->job, part->offset, part->total);
  return a->full ? 0 : size * nmemb;
}

static void
drop_first_sample (Attempt *a)
{
  a->n_samples--;
  memmove (a->sample_time, a->sample_time + 1, a->n_samples * sizeof a->sample_time[0]);
  memmove (a->sample_bytes, a->sample_bytes + 1, a->n_samples * sizeof a->sample_bytes[0]);
}

/* Stalled: under LOW_SPEED_BYTES a second since the newest sample that is at
 * least a stall window old (samples every quarter window; libcurl calls this
 * about once a second even when nothing arrives) */
static gboolean
is_stalled (Attempt    *a,
            curl_off_t  now_bytes)
{
  gint64 window = (gint64)a->part->job->stall_ms * 1000;
  gint64 now = g_get_monotonic_time ();

  while (a->n_samples >= 2 && now - a->sample_time[1] >= window)
    drop_first_sample (a);
  if (a->n_samples == 0 || now - a->sample_time[a->n_samples - 1] >= window / STALL_SAMPLES)
    {
      if (a->n_samples == G_N_ELEMENTS (a->sample_time))
        drop_first_sample (a);
      a->sample_time[a->n_samples] = now;
      a->sample_bytes[a->n_samples] = now_bytes;
      a->n_samples++;
    }
  return now - a->sample_time[0] >= window &&
         (guint64)(now_bytes - a->sample_bytes[0]) < (guint64)LOW_SPEED_BYTES * (guint64)window / G_USEC_PER_SEC;
}

static int
on_progress (void       *user_data,
             curl_off_t  dltotal,
             curl_off_t  dlnow,
             curl_off_t  ultotal,
             curl_off_t  ulnow)
{
  Attempt *a = user_data;

  if (g_cancellable_is_cancelled (a->cancellable))
    return 1;
  a->stalled = is_stalled (a, dlnow);
  return a->stalled ? 1 : 0;
}

static void
setup_handle (CURL          *curl,
              UbDownloadJob *job)
{
  curl_easy_setopt (curl, CURLOPT_URL, job->url);
  curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "https,http");
  curl_easy_setopt (curl, CURLOPT_REDIR_PROTOCOLS_STR, "https,http");
  curl_easy_setopt (curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt (curl, CURLOPT_MAXREDIRS, (long)MAX_REDIRECTS);
  curl_easy_setopt (curl, CURLOPT_USERAGENT, UB_HTTP_USER_AGENT);
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  /* Tests only: the loopback server's CA, next to the system's (CAPATH stays) */
  ub_http_set_tls (curl, job->ca_file);
  curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT_MS, (long)job->connect_timeout_ms);
  curl_easy_setopt (curl, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt (curl, CURLOPT_BUFFERSIZE, (long)CURL_BUFFER_SIZE);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, on_write);
  curl_easy_setopt (curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt (curl, CURLOPT_XFERINFOFUNCTION, on_progress);
}

static gboolean
is_transient (CURLcode code)
{
  switch ((int)code)
    {
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_GOT_NOTHING:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return TRUE;
    default:
      return FALSE;
    }
}

static void
set_transfer_error (Attempt   *a,
                    CURLcode   code,
                    GError   **error)
{
  UbDownloadJob *job = a->part->job;

  guint seconds = MAX (1, job->stall_ms / 1000);

  if (a->stalled)
    g_set_error (error, UB_ERROR, UB_ERROR_TIMED_OUT,
                 g_dngettext (GETTEXT_PACKAGE,
                              "The download stalled: the server sent almost nothing for %u second (%s).",
                              "The download stalled: the server sent almost nothing for %u seconds (%s).",
                              seconds), seconds, job->url);
  else if (code == CURLE_PARTIAL_FILE || code == CURLE_RECV_ERROR)
    g_set_error (error, UB_ERROR, UB_ERROR_NETWORK, _("The connection to the server dropped (%s)."), job->url);
  else
    ub_http_set_curl_error (error, code, job->url);
}

static Outcome
classify (Attempt   *a,
          CURLcode   code,
          GError   **error)
{
  if (a->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&a->error));
      return a->transient ? OUTCOME_RETRY : OUTCOME_FAILED;
    }
  if (!a->stalled && g_cancellable_set_error_if_cancelled (a->cancellable, error))
    return OUTCOME_FAILED;
  if (a->satisfied || a->full)
    return OUTCOME_COMPLETE;
  if (a->restart)
    {
      g_set_error (error, UB_ERROR, UB_ERROR_NETWORK,
                   _("The server did not continue the download where it stopped (%s)."), a->part->job->url);
      return OUTCOME_RESTART;
    }
  if (code == CURLE_OK)
    return OUTCOME_COMPLETE;
  set_transfer_error (a, code, error);
  g_debug ("Attempt from byte %" G_GUINT64_FORMAT " ended at byte %" G_GUINT64_FORMAT ": %s",
           a->start, a->part->offset, curl_easy_strerror (code));
  return is_transient (code) || a->stalled ? OUTCOME_RETRY : OUTCOME_FAILED;
}

static Outcome
attempt_once (CURL            *curl,
              UbDownloadPart  *part,
              GCancellable    *cancellable,
              GError         **error)
{
  Attempt a = { .part = part, .cancellable = cancellable, .curl = curl, .start = part->offset };
  g_autofree char *range = part->offset > 0 ? g_strdup_printf ("%" G_GUINT64_FORMAT "-", part->offset) : NULL;
  CURLcode code;

  if (lseek (part->fd, (off_t)part->offset, SEEK_SET) < 0)
    {
      ub_download_part_set_error (part, errno, error);
      return OUTCOME_FAILED;
    }
  curl_easy_setopt (curl, CURLOPT_RANGE, range);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, &a);
  curl_easy_setopt (curl, CURLOPT_XFERINFODATA, &a);
  g_debug ("GET %s from byte %" G_GUINT64_FORMAT, part->job->url, part->offset);
  code = curl_easy_perform (curl);
  if (code == CURLE_OK && !a.checked)
    accept_response (&a);     /* an empty body: no write callback saw the status */
  return classify (&a, code, error);
}

static void
give_up (UbDownloadPart  *part,
         GError          *last,
         GError         **error)
{
  g_autofree char *kept = g_format_size (part->offset);

  if (part->offset == 0)
    g_propagate_error (error, last);
  else
    {
      /* TRANSLATORS: the first %s is an error message, the second a size such as "1.2 GB" */
      g_set_error (error, last->domain, last->code, _("%s The %s downloaded so far are kept; "
                                                      "try again to continue."), last->message, kept);
      g_error_free (last);
    }
}

static gboolean
transfer_with_retries (UbDownloadPart  *part,
                       GCancellable    *cancellable,
                       GError         **error)
{
  CURL *curl = curl_easy_init ();
  guint failures = 0;

  ub_http_global_init ();
  setup_handle (curl, part->job);
  for (;;)
    {
      g_autoptr(GError) last = NULL;
      guint64 before = part->offset;
      Outcome outcome = attempt_once (curl, part, cancellable, &last);
      guint delay;

      if (outcome == OUTCOME_COMPLETE || outcome == OUTCOME_FAILED)
        {
          curl_easy_cleanup (curl);
          if (outcome == OUTCOME_FAILED)
            g_propagate_error (error, g_steal_pointer (&last));
          return outcome == OUTCOME_COMPLETE;
        }
      if (outcome == OUTCOME_RESTART && !ub_download_truncate (part, error))
        break;
      failures = part->offset > before ? 1 : failures + 1;
      if (failures > MAX_RETRIES)
        {
          give_up (part, g_steal_pointer (&last), error);
          break;
        }
      delay = part->job->retry_delay_ms << (failures - 1);
      g_debug ("Retry %u of %u in %u ms, from byte %" G_GUINT64_FORMAT " (%s)",
               failures, MAX_RETRIES, delay, part->offset, last->message);
      if (!ub_download_sleep (delay, cancellable))
        {
          g_cancellable_set_error_if_cancelled (cancellable, error);
          break;
        }
    }
  curl_easy_cleanup (curl);
  return FALSE;
}

/**
 * ub_download_transfer:
 *
 * Fetches the rest of the file into @part, retrying dropped connections.
 * The bytes are hashed as they arrive: handed from the write callback to a
 * thread of their own where there are cores enough, so that hashing runs
 * beside the transfer rather than between its reads.
 *
 * Returns: %TRUE when the server has nothing more to send; the caller
 *   verifies size and checksums
 */
gboolean
ub_download_transfer (UbDownloadPart  *part,
                      GCancellable    *cancellable,
                      GError         **error)
{
  gboolean ok;

  /* With a core to spare, hashing runs beside the transfer; with two or fewer
   * (the server of a loopback test is on the other) the handing over costs
   * more than it saves, and the write callback hashes itself. */
  if (g_get_num_processors () > 2)
    part->queue = ub_hash_queue_new (part->hasher, CURL_BUFFER_SIZE, HASH_BUFFERS);
  ok = transfer_with_retries (part, cancellable, error);
  g_clear_pointer (&part->queue, ub_hash_queue_finish);
  return ok;
}
