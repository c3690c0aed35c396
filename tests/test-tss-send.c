/* test-tss-send.c — sending the request to a loopback TSS server, and
 * unbrick-cli tss
 *
 * Against tests/httpd/ub-test-tss.py: a ticket, status 94, garbage, a stall,
 * 503 then success, a ticket for another ECID, cancellation.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "ub-core.h"
#include "ub-test-cli.h"
#include "ub-test-httpd.h"
#include "ub-test-ipsw.h"
#include "ub-test-tss.h"

/* Sending, against tests/httpd/ub-test-tss.py */

typedef struct
{
  GMainLoop *loop;
  GBytes    *ticket;
  plist_t    response;
  GError    *error;
} Sent;

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Sent *sent = user_data;

  sent->ticket = ub_tss_send_finish (result, &sent->response, &sent->error);
  g_main_loop_quit (sent->loop);
}

/* Sends the d22ap request to MODE on the server; returns the log */
static gboolean
cancel_soon (gpointer cancellable)
{
  g_cancellable_cancel (cancellable);
  return G_SOURCE_REMOVE;
}

/* @cancel_ms: with @cancellable, cancel that long after sending starts */
static GPtrArray *
send_to (const char   *mode,
         Sent         *sent,
         GCancellable *cancellable,
         guint         cancel_ms,
         guint         n_log)
{
  g_autoptr(UbTestHttpd) server = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ub-tss-XXXXXX", NULL);
  g_autofree char *path = g_strdup_printf ("/%s/TSS/controller?action=2", mode);
  g_autofree char *url = NULL;
  plist_t request = ub_test_tss_build_request (&ub_test_tss_cases[0]);
  GPtrArray *log;

  server = ub_test_httpd_start (dir, NULL, NULL);
  url = ub_test_httpd_url (server, path);
  g_setenv ("UNBRICK_TSS_URL", url, TRUE);
  g_setenv ("no_proxy", "127.0.0.1,localhost", TRUE);
  memset (sent, 0, sizeof *sent);
  sent->loop = g_main_loop_new (NULL, FALSE);
  if (cancellable != NULL)
    g_timeout_add (cancel_ms, cancel_soon, cancellable);
  ub_tss_send_async (request, cancellable, on_sent, sent);
  plist_free (request);     /* copied by the call */
  g_main_loop_run (sent->loop);
  g_main_loop_unref (sent->loop);
  g_unsetenv ("UNBRICK_TSS_URL");
  log = ub_test_httpd_wait_log (server, n_log);
  g_rmdir (dir);
  return log;
}

static void
sent_clear (Sent *sent)
{
  g_clear_pointer (&sent->ticket, g_bytes_unref);
  g_clear_pointer (&sent->response, plist_free);
  g_clear_error (&sent->error);
}

/* The ticket's MANP ECID, read the simple way: the test server writes it
 * as [PRIVATE 'ECID'] SEQUENCE { IA5String "ECID", INTEGER } */
static guint64
ticket_ecid (GBytes *ticket)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (ticket, &len);

  for (gsize i = 0; i + 8 < len; i++)
    if (data[i] == 0x16 && data[i + 1] == 4 && memcmp (data + i + 2, "ECID", 4) == 0 && data[i + 6] == 0x02)
      {
        guint64 value = 0;

        for (guint j = 0; j < data[i + 7]; j++)
          value = value << 8 | data[i + 8 + j];
        return value;
      }
  return 0;
}

static void
test_send_ticket (void)
{
  Sent sent;
  g_autoptr(GPtrArray) log = send_to ("ticket", &sent, NULL, 0, 1);
  JsonObject *entry;

  g_assert_no_error (sent.error);
  g_assert_nonnull (sent.ticket);
  g_assert_nonnull (sent.response);
  g_assert_true (ub_tss_ticket_check_shape (g_bytes_get_data (sent.ticket, NULL),
                                            g_bytes_get_size (sent.ticket), NULL));
  g_assert_cmpuint (ticket_ecid (sent.ticket), ==, ub_test_tss_cases[0].ecid);
  g_assert_cmpuint (log->len, ==, 1);
  entry = log->pdata[0];
  g_assert_cmpstr (json_object_get_string_member (entry, "user_agent"), ==, "InetURL/1.0");
  g_assert_cmpstr (json_object_get_string_member (entry, "content_type"), ==, "text/xml; charset=\"utf-8\"");
  g_assert_cmpstr (json_object_get_string_member (entry, "cache_control"), ==, "no-cache");
  g_assert_true (json_object_get_boolean_member (entry, "plist"));
  g_assert_cmpstr (json_object_get_string_member (entry, "ap_nonce"), ==, ub_test_tss_cases[0].ap_nonce);
  g_assert_cmpint (json_object_get_int_member (entry, "ecid"), ==, (gint64)ub_test_tss_cases[0].ecid);
  sent_clear (&sent);
}

static void
test_send_not_signed (void)
{
  Sent sent;
  g_autoptr(GPtrArray) log = send_to ("status=94", &sent, NULL, 0, 1);

  g_assert_error (sent.error, UB_ERROR, UB_ERROR_NOT_SIGNED);
  g_assert_cmpstr (sent.error->message, ==, "Apple no longer signs this iOS version for this phone.");
  g_assert_null (sent.ticket);
  g_assert_null (sent.response);
  g_assert_cmpuint (log->len, ==, 1);           /* final: not retried */
  sent_clear (&sent);
}

static void
test_send_garbage (void)
{
  Sent sent;
  g_autoptr(GPtrArray) log = send_to ("garbage", &sent, NULL, 0, 6);

  g_assert_error (sent.error, UB_ERROR, UB_ERROR_PROTOCOL);
  g_assert_cmpuint (log->len, ==, 6);           /* no STATUS: retried to the limit */
  sent_clear (&sent);

  g_ptr_array_unref (send_to ("bad-plist", &sent, NULL, 0, 1));
  g_assert_error (sent.error, UB_ERROR, UB_ERROR_PROTOCOL);
  sent_clear (&sent);
  g_ptr_array_unref (send_to ("not-im4m", &sent, NULL, 0, 1));
  g_assert_error (sent.error, UB_ERROR, UB_ERROR_PROTOCOL);
  sent_clear (&sent);
  g_ptr_array_unref (send_to ("http=404", &sent, NULL, 0, 1));
  g_assert_error (sent.error, UB_ERROR, UB_ERROR_NETWORK);
  sent_clear (&sent);
}

static void
test_send_stall (void)
{
  Sent sent;
  gint64 start = g_get_monotonic_time ();
  g_autoptr(GPtrArray) log = send_to ("stall", &sent, NULL, 0, 6);
  double seconds = (g_get_monotonic_time () - start) / 1e6;

  g_assert_error (sent.error, UB_ERROR, UB_ERROR_NETWORK);
  g_test_message ("gave up after %.1f s: %s", seconds, sent.error->message);
  g_assert_cmpuint (log->len, ==, 6);
  /* 6 × 30 s + 5 × 2 s, at UNBRICK_TIME_SCALE=30 */
  g_assert_cmpfloat (seconds, <, 20.0);
  sent_clear (&sent);
}

static void
test_send_retry (void)
{
  Sent sent;
  g_autoptr(GPtrArray) log = send_to ("fail=2", &sent, NULL, 0, 3);

  g_assert_no_error (sent.error);
  g_assert_nonnull (sent.ticket);
  g_assert_cmpuint (log->len, ==, 3);
  g_assert_cmpint (json_object_get_int_member (log->pdata[0], "status"), ==, 503);
  g_assert_cmpint (json_object_get_int_member (log->pdata[2], "status"), ==, 200);
  sent_clear (&sent);
}

/* A ticket for another phone comes back as it is: checking it is ub-img4's job */
static void
test_send_other_ecid (void)
{
  Sent sent;
  g_autoptr(GPtrArray) log = send_to ("other-ecid", &sent, NULL, 0, 1);

  g_assert_no_error (sent.error);
  g_assert_cmpuint (ticket_ecid (sent.ticket), ==, ub_test_tss_cases[0].ecid + 1);
  sent_clear (&sent);
}

static void
test_send_cancel (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  gint64 start = g_get_monotonic_time ();
  Sent sent;

  g_ptr_array_unref (send_to ("stall", &sent, cancellable, 500, 1));
  g_assert_error (sent.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  sent_clear (&sent);
}

/* Cancelled while waiting between tries (503 answers come fast, the pause
 * takes most of the time) */
static void
test_send_cancel_between_tries (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GPtrArray) log = NULL;
  Sent sent;

  log = send_to ("http=503", &sent, cancellable, 100, 2);
  g_assert_error (sent.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (log->len, <, 6);
  sent_clear (&sent);
}

/* unbrick-cli tss: the request without the network, then tickets */
static void
test_cli (void)
{
  g_autofree char *dir = ub_test_ipsw_make_dir ();
  g_autofree char *ipsw = ub_test_ipsw_write_manifest (dir, ub_test_tss_cases[0].manifest, "x.ipsw");
  g_autofree char *out = g_build_filename (dir, "ticket.im4m", NULL);
  g_autofree char *dir_www = g_dir_make_tmp ("ub-tss-XXXXXX", NULL);
  g_autoptr(UbTestHttpd) server = ub_test_httpd_start (dir_www, NULL, NULL);
  g_autofree char *ticket_url = ub_test_httpd_url (server, "/ticket/TSS/controller?action=2");
  g_autofree char *refused_url = ub_test_httpd_url (server, "/status=94/TSS/controller?action=2");
  g_autofree char *data = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_auto(UbTestCliRun) run = { 0 };
  gsize len = 0;
  const char *device[] = { "tss", "--ipsw", ipsw, "--ecid", "1664EA000BC02E", "--cpid", "8015", "--bdid", "06",
                           "--ap-nonce", ub_test_tss_cases[0].ap_nonce, "--sep-nonce", ub_test_tss_cases[0].sep_nonce, NULL, NULL, NULL,
                           NULL };
  const guint n = 13;

  device[n] = "--request-only";
  device[n + 1] = "--json";
  g_assert_cmpint (ub_test_cli_v (&run, device), ==, 0);
  json = ub_test_parse_json (run.out);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (json), "device_class"), ==, "d22ap");
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (json), "keys"), ==, 43);
  ub_test_cli_run_clear (&run);

  g_setenv ("no_proxy", "127.0.0.1,localhost", TRUE);
  g_setenv ("UNBRICK_TSS_URL", ticket_url, TRUE);
  device[n] = "--out";
  device[n + 1] = out;
  g_assert_cmpint (ub_test_cli_v (&run, device), ==, 0);
  g_assert_true (g_file_get_contents (out, &data, &len, NULL));
  g_assert_true (ub_tss_ticket_check_shape ((const guint8 *)data, len, NULL));
  g_unlink (out);
  ub_test_cli_run_clear (&run);

  g_setenv ("UNBRICK_TSS_URL", refused_url, TRUE);
  g_assert_cmpint (ub_test_cli_v (&run, device), ==, 12);
  g_assert_nonnull (strstr (run.err, "no longer signs"));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  g_unsetenv ("UNBRICK_TSS_URL");
  ub_test_cli_run_clear (&run);

  device[10] = "12zz";
  g_assert_cmpint (ub_test_cli_v (&run, device), ==, 2);
  g_rmdir (dir_www);
  ub_test_ipsw_remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/unbrick/tss/send/ticket", test_send_ticket);
  g_test_add_func ("/unbrick/tss/send/not-signed", test_send_not_signed);
  g_test_add_func ("/unbrick/tss/send/garbage", test_send_garbage);
  g_test_add_func ("/unbrick/tss/send/stall", test_send_stall);
  g_test_add_func ("/unbrick/tss/send/retry", test_send_retry);
  g_test_add_func ("/unbrick/tss/send/other-ecid", test_send_other_ecid);
  g_test_add_func ("/unbrick/tss/send/cancel", test_send_cancel);
  g_test_add_func ("/unbrick/tss/send/cancel-between-tries", test_send_cancel_between_tries);
  g_test_add_func ("/unbrick/tss/cli", test_cli);
  return g_test_run ();
}
