/* test-restored-vphone-script.c — the virtual restored's script, answered by a tiny host
 *
 * Part of test-restored-vphone (its main and the shared helpers are in
 * test-restored-vphone.c). This host answers the phone's data requests
 * itself, on the main connection or on the request's DataPort, right or
 * wrong, and reads what the phone recorded about each answer: the checks,
 * StatusMsg 14 with the reason, the stream framing, the image key on the
 * stream's connection, ASR, status 53 without FDR, and the settings.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "test-restored-vphone.h"
#include "ub-asr.h"
#include "ub-test-device.h"
#include "ub-vphone-testutil.h"

/* The tiny host of the script-level cases */
typedef enum
{
  HOST_RIGHT,
  HOST_WRONG_IDENTITY,     /* a BuildIdentityDict without Manifest */
  HOST_MAIN_ONLY,          /* answers on the main connection even when asked for a DataPort */
  HOST_BIG_CHUNK,          /* a FileData chunk of 8193 bytes */
} HostMode;

typedef struct
{
  HostMode   mode;
  GPtrArray *asked;        /* "TYPE dataport" or "TYPE main" */
  GChecksum *sha256;       /* of the stream sent */
  guint64    streamed;
  GBytes    *image;        /* the system image ASR sends */
} Host;

static void
host_init (Host     *host,
           HostMode  mode)
{
  memset (host, 0, sizeof *host);
  host->mode = mode;
  host->asked = g_ptr_array_new_with_free_func (g_free);
  host->sha256 = g_checksum_new (G_CHECKSUM_SHA256);
}

static void
host_clear (Host *host)
{
  g_clear_pointer (&host->asked, g_ptr_array_unref);
  g_clear_pointer (&host->sha256, g_checksum_free);
  g_clear_pointer (&host->image, g_bytes_unref);
}

typedef struct
{
  GMainLoop *loop;
  gboolean   ok;
  GError    *error;
} Sent;

static void
on_image_sent (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  Sent *sent = data;

  sent->ok = ub_asr_send_finish (result, &sent->error);
  g_main_loop_quit (sent->loop);
}

/* SystemImageData: the image through ASR, on the DataPort or on 12345 */
static gboolean
host_send_image (UbRestored  *client,
                 Host        *host,
                 guint16      port,
                 GError     **error)
{
  g_autoptr(GInputStream) stream = NULL;
  Sent sent = { g_main_loop_new (NULL, FALSE), FALSE, NULL };

  if (host->image == NULL)
    {
      gsize size = 3 * 131072 + 1000;
      guint8 *data = g_malloc (size);

      for (gsize i = 0; i < size; i++)
        data[i] = (guint8) (i % 251);
      host->image = g_bytes_new_take (data, size);
    }
  stream = g_memory_input_stream_new_from_bytes (host->image);
  ub_asr_send_async (ub_restored_get_udid (client), port != 0 ? port : 12345, stream,
                     g_bytes_get_size (host->image), NULL, NULL, NULL, NULL, on_image_sent, &sent);
  g_main_loop_run (sent.loop);
  g_main_loop_unref (sent.loop);
  if (sent.error != NULL)
    g_propagate_error (error, sent.error);
  return sent.ok;
}

static plist_t
host_reply (Host       *host,
            const char *data_type)
{
  plist_t reply = plist_new_dict ();
  plist_t dict;

  if (g_str_equal (data_type, "BuildIdentityDict"))
    {
      dict = plist_new_dict ();
      if (host->mode != HOST_WRONG_IDENTITY)
        {
          plist_dict_set_item (dict, "Manifest", plist_new_dict ());
          plist_dict_set_item (dict, "Info", plist_new_dict ());
        }
      plist_dict_set_item (reply, "BuildIdentityDict", dict);
      plist_dict_set_item (reply, "Variant", plist_new_string ("Erase"));
    }
  else if (g_str_equal (data_type, "ReceiptManifest"))
    plist_dict_set_item (reply, "ReceiptManifest", plist_new_dict ());
  else if (g_str_equal (data_type, "KernelCache"))
    plist_dict_set_item (reply, "KernelCacheFile", plist_new_data ("IMG4", 4));
  else if (g_str_equal (data_type, "RootTicket"))
    plist_dict_set_item (reply, "RootTicketData", plist_new_data ("nope", 4));
  return reply;
}

static gboolean
send_chunk (UbRestored  *port,
            Host        *host,
            gsize        len,
            GError     **error)
{
  g_autofree guint8 *data = g_malloc (len);
  plist_t message = plist_new_dict ();
  gboolean ok;

  for (gsize i = 0; i < len; i++)
    data[i] = (guint8) (i * 7 + host->streamed);
  if (host->streamed == 0)
    memcpy (data, "AEA1", 4);
  g_checksum_update (host->sha256, data, len);
  host->streamed += len;
  plist_dict_set_item (message, "FileData", plist_new_data ((const char *) data, len));
  ok = ub_restored_send (port, message, error);
  plist_free (message);
  return ok;
}

/* What the key server answers to a URLAsset request */
static plist_t
key_reply (void)
{
  plist_t reply = plist_new_dict ();
  plist_t headers = plist_new_dict ();
  const char *key = "-----BEGIN EC PRIVATE KEY-----\ntest\n-----END EC PRIVATE KEY-----\n";

  plist_dict_set_item (headers, "Content-Type", plist_new_string ("text/plain"));
  plist_dict_set_item (reply, "ResponseStatus", plist_new_uint (200));
  plist_dict_set_item (reply, "ResponseBody", plist_new_data (key, strlen (key)));
  plist_dict_set_item (reply, "ResponseHeaders", headers);
  plist_dict_set_item (reply, "ResponseBodyDone", plist_new_bool (TRUE));
  return reply;
}

/* The phone asks for the image key on the stream's connection; answer it */
static gboolean
answer_key (UbRestored  *port,
            GError     **error)
{
  plist_t request = ub_restored_receive (port, 5000, NULL, error);
  plist_t reply;
  gboolean ok;

  if (request == NULL)
    return FALSE;
  g_assert_cmpstr (plist_get_string_ptr (plist_dict_get_item (request, "DataType"), NULL), ==, "URLAsset");
  g_assert_true (g_str_has_prefix (plist_get_string_ptr (plist_access_path (request, 2, "Arguments", "RequestURL"),
                                                         NULL), "https://"));
  plist_free (request);
  reply = key_reply ();
  ok = ub_restored_send_binary (port, reply, error);
  plist_free (reply);
  return ok;
}

/* SourceBootObjectV4: FileData chunks (the first starts with "AEA1"), then FileDataDone */
static gboolean
host_stream (UbRestored  *port,
             Host        *host,
             GError     **error)
{
  plist_t done;
  gboolean ok;

  if (host->mode == HOST_BIG_CHUNK)
    return send_chunk (port, host, 8193, error);
  if (!send_chunk (port, host, 8192, error) || !answer_key (port, error) ||
      !send_chunk (port, host, 8192, error) || !send_chunk (port, host, 100, error))
    return FALSE;
  done = plist_new_dict ();
  plist_dict_set_item (done, "FileDataDone", plist_new_bool (TRUE));
  ok = ub_restored_send (port, done, error);
  plist_free (done);
  return ok;
}

static gboolean
host_answer (UbRestored  *client,
             const char  *data_type,
             plist_t      message,
             gboolean     is_async,
             gpointer     data,
             GError     **error)
{
  Host *host = data;
  plist_t node = plist_dict_get_item (message, "DataPort");
  g_autoptr(UbRestored) port = NULL;
  plist_t reply;
  uint64_t number = 0;
  gboolean ok;

  if (node != NULL && plist_get_node_type (node) == PLIST_UINT)
    plist_get_uint_val (node, &number);
  g_ptr_array_add (host->asked, g_strdup_printf ("%s %s", data_type, number ? "dataport" : "main"));
  if (g_str_equal (data_type, "SystemImageData"))
    return host_send_image (client, host, (guint16) number, error);
  if (number == 0 || host->mode == HOST_MAIN_ONLY)
    {
      reply = host_reply (host, data_type);
      ok = ub_restored_send (client, reply, error);
      plist_free (reply);
      return ok;
    }
  port = ub_restored_connect_port (ub_restored_get_udid (client), (guint16) number, error);
  if (port == NULL)
    return FALSE;
  if (g_str_equal (data_type, "SourceBootObjectV4"))
    return host_stream (port, host, error);
  if (g_str_equal (data_type, "URLAsset"))
    {
      reply = key_reply ();
      ok = ub_restored_send_binary (port, reply, error);
    }
  else
    {
      reply = host_reply (host, data_type);
      ok = ub_restored_send (port, reply, error);
    }
  plist_free (reply);
  ub_test_wait (100);   /* the phone reads the answer before the port closes */
  return ok;
}

static UbRestoredHandlers host_handlers = { NULL, NULL, host_answer };

/* A restore with plan @plan answered by the tiny host */
static gboolean
run_host (const char  *plan,
          Host        *host,
          gboolean     with_fdr,
          GError     **error)
{
  g_autoptr(UbVphoneClient) phone = ub_test_vphone ();
  g_autofree char *command = g_strdup_printf ("set restore-plan %s", plan);

  ub_test_restored_phone_to_restore_mode (phone);
  ub_test_vphone_run (phone, command);
  return ub_test_restored_run (phone, &host_handlers, host, with_fdr, NULL, error);
}

static void
assert_asked (Host       *host,
              guint       index,
              const char *what)
{
  g_assert_cmpuint (host->asked->len, >, index);
  g_assert_cmpstr (g_ptr_array_index (host->asked, index), ==, what);
}

/* Answers on the main connection and on DataPorts both reach the script */
static void
test_both_paths (void)
{
  g_autoptr(GError) error = NULL;
  gboolean ok;
  Host host;

  host_init (&host, HOST_RIGHT);
  ok = run_host ("FDRTrustData,BuildIdentityDict,FirmwareUpdaterPreflight,ReceiptManifest", &host, TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_cmpuint (host.asked->len, ==, 4);
  assert_asked (&host, 0, "FDRTrustData main");
  assert_asked (&host, 1, "BuildIdentityDict dataport");
  assert_asked (&host, 2, "FirmwareUpdaterPreflight main");
  assert_asked (&host, 3, "ReceiptManifest main");
  g_assert_true (ub_vphone_record_has ("restored answer FDRTrustData ok dictionary of 0 keys"));
  g_assert_true (ub_vphone_record_has ("restored answer BuildIdentityDict ok variant Erase, 0 manifest entries"));
  g_assert_true (ub_vphone_record_has ("restored answer ReceiptManifest ok dictionary of 0 keys"));
  host_clear (&host);
}

/* A wrong answer: the phone records why and ends with StatusMsg 14 */
static void
test_wrong_answer (void)
{
  g_autoptr(GError) error = NULL;
  Host host;

  host_init (&host, HOST_WRONG_IDENTITY);
  g_assert_false (run_host ("BuildIdentityDict", &host, TRUE, &error));
  g_assert_nonnull (error);
  g_test_message ("wrong answer → %s", error->message);
  g_assert_true (ub_vphone_record_has ("restored answer BuildIdentityDict failed: "
                                       "the build identity has no Manifest or no Info"));
  host_clear (&host);
}

/* The answer to a request with a DataPort must come on that port */
static void
test_wrong_path (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *record = NULL;
  Host host;

  host_init (&host, HOST_MAIN_ONLY);
  g_assert_false (run_host ("KernelCache", &host, TRUE, &error));
  g_assert_nonnull (error);
  assert_asked (&host, 0, "KernelCache dataport");
  record = ub_vphone_read_record ();
  g_assert_nonnull (strstr (record, "restored answer KernelCache failed: answered on the main connection, "
                                    "not on DataPort "));
  host_clear (&host);
}

/* The phone's RootTicket check, in plan a's first step */
static void
test_plan_a_root_ticket (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *record = NULL;
  Host host;

  host_init (&host, HOST_RIGHT);
  g_assert_false (run_host ("a", &host, TRUE, &error));
  g_assert_nonnull (error);
  g_assert_cmpuint (host.asked->len, ==, 1);
  assert_asked (&host, 0, "RootTicket dataport");
  record = ub_vphone_read_record ();
  g_assert_nonnull (strstr (record, "restored answer RootTicket failed: RootTicketData is not a ticket"));
  host_clear (&host);
}

/* A boot object stream with the image key asked on its connection */
static void
test_stream (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *record = NULL;
  gboolean ok;
  Host host;

  host_init (&host, HOST_RIGHT);
  ok = run_host ("SourceBootObjectV4", &host, TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  assert_asked (&host, 0, "SourceBootObjectV4 dataport");
  g_assert_true (ub_vphone_record_has ("restored asks URLAsset on the SourceBootObjectV4 connection"));
  line = g_strdup_printf ("restored answer SourceBootObjectV4 ok stream 16484 bytes in 3 chunks sha256 %s with key",
                          g_checksum_get_string (host.sha256));
  g_assert_true (ub_vphone_record_has (line));
  record = ub_vphone_read_record ();
  g_assert_nonnull (strstr (record, "restored answer URLAsset ok status 200 "));
  host_clear (&host);
}

static void
test_stream_big_chunk (void)
{
  g_autoptr(GError) error = NULL;
  Host host;

  host_init (&host, HOST_BIG_CHUNK);
  g_assert_false (run_host ("SourceBootObjectV4", &host, TRUE, &error));
  g_assert_nonnull (error);
  g_assert_true (ub_vphone_record_has ("restored answer SourceBootObjectV4 failed: a FileData chunk of 8193 bytes"));
  host_clear (&host);
}

/* Without the FDR relay the restore fails late, with status 53 */
static void
test_no_fdr (void)
{
  g_autoptr(UbVphoneClient) phone = ub_test_vphone ();
  g_autoptr(GError) error = NULL;
  Host host;

  host_init (&host, HOST_RIGHT);
  /* FDR stays ready until the phone leaves usbmuxd: earlier cases did the handshake */
  ub_test_vphone_run (phone, "unplug");
  g_assert_true (ub_vphone_client_wait (phone, "plugged", "no", 10.0, NULL));
  ub_test_wait (300);
  g_assert_false (run_host ("none", &host, FALSE, &error));
  g_assert_nonnull (error);
  g_test_message ("no FDR → %s", error->message);
  g_assert_true (ub_vphone_record_has ("restored status 53"));
  host_clear (&host);
}

/* restored-silent-after TYPE: the phone asks for TYPE, then says nothing */
static void
test_silent_after (void)
{
  g_autoptr(UbVphoneClient) phone = ub_test_vphone ();
  g_autoptr(GError) error = NULL;
  Host host;

  host_init (&host, HOST_RIGHT);
  ub_test_restored_phone_to_restore_mode (phone);
  ub_test_vphone_run (phone, "set restore-plan FDRTrustData,BuildIdentityDict");
  ub_test_vphone_run (phone, "fault restored-silent-after FDRTrustData");
  g_assert_false (ub_test_restored_run (phone, &host_handlers, &host, TRUE, NULL, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_TIMED_OUT);
  g_assert_cmpuint (host.asked->len, ==, 1);
  g_assert_true (ub_vphone_record_has ("fault restored-silent-after FDRTrustData"));
  host_clear (&host);
}

/* The system image through ASR: the phone goes on once ASR has it all */
static void
test_asr (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sha = NULL;
  g_autofree char *line = NULL;
  gboolean ok;
  Host host;

  host_init (&host, HOST_RIGHT);
  ok = run_host ("SystemImageData,FDRTrustData", &host, TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  assert_asked (&host, host.asked->len - 1, "FDRTrustData main");
  sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, host.image);
  line = g_strdup_printf ("restored answer SystemImageData ok asr %" G_GSIZE_FORMAT " bytes sha256 %s",
                          g_bytes_get_size (host.image), sha);
  g_assert_true (ub_vphone_record_has (line));
  host_clear (&host);
}

/* asr-unplug-at N: the cable comes out mid-transfer; only `plug` brings the phone back */
static void
test_asr_unplug (void)
{
  g_autoptr(UbVphoneClient) phone = ub_test_vphone ();
  g_autoptr(GError) error = NULL;
  Host host;

  host_init (&host, HOST_RIGHT);
  ub_test_restored_phone_to_restore_mode (phone);
  ub_test_vphone_run (phone, "set restore-plan SystemImageData");
  ub_test_vphone_run (phone, "fault asr-unplug-at 1");
  g_assert_false (ub_test_restored_run (phone, &host_handlers, &host, TRUE, NULL, &error));
  g_assert_nonnull (error);
  g_test_message ("unplug mid-ASR → %s", error->message);
  g_assert_true (ub_vphone_record_has ("asr unplugged after chunk 1"));
  g_clear_error (&error);
  g_assert_true (ub_vphone_client_wait (phone, "plugged", "no", 10.0, &error));
  g_assert_no_error (error);
  ub_test_wait (500);
  g_assert_true (ub_vphone_client_wait (phone, "plugged", "no", 1.0, NULL));
  ub_test_vphone_run (phone, "plug");
  g_assert_true (ub_vphone_client_wait (phone, "mode", "restore", 10.0, &error));
  g_assert_no_error (error);
  host_clear (&host);
}

/* The settings refuse what they do not take */
static void
test_settings (void)
{
  g_autoptr(UbVphoneClient) phone = ub_test_vphone ();
  static const char * const bad[] = {
    "set restore-plan c", "set restore-plan RootTicket,Nonsense", "set restore-step-ms many",
    "set url-asset ftp://example.com/key",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *reply = ub_vphone_client_command (phone, bad[i], 10.0, &error);

      g_assert_null (reply);
      g_assert_nonnull (error);
      g_test_message ("%s → %s", bad[i], error->message);
    }
}

/**
 * ub_test_restored_add_script_tests:
 *
 * Registers the script-level cases.
 */
void
ub_test_restored_add_script_tests (void)
{
  g_test_add_func ("/unbrick/restored/script/both-paths", test_both_paths);
  g_test_add_func ("/unbrick/restored/script/wrong-answer", test_wrong_answer);
  g_test_add_func ("/unbrick/restored/script/wrong-path", test_wrong_path);
  g_test_add_func ("/unbrick/restored/script/plan-a-root-ticket", test_plan_a_root_ticket);
  g_test_add_func ("/unbrick/restored/script/stream", test_stream);
  g_test_add_func ("/unbrick/restored/script/stream-big-chunk", test_stream_big_chunk);
  g_test_add_func ("/unbrick/restored/script/no-fdr", test_no_fdr);
  g_test_add_func ("/unbrick/restored/script/silent-after", test_silent_after);
  g_test_add_func ("/unbrick/restored/script/settings", test_settings);
  g_test_add_func ("/unbrick/restored/script/asr", test_asr);
  g_test_add_func ("/unbrick/restored/script/asr-unplug", test_asr_unplug);
}
