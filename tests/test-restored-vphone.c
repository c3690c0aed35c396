/* test-restored-vphone.c — our restored client and message loop, on the virtual iPhone
 *
 * Runs as the child of vphone in restore mode (an iPhone X whose restore
 * system answers on port 62078). The phone checks the StartRestore options
 * as a real one checks the host, runs a scripted restore and reboots into
 * iOS; its faults make it silent, ask for unknown data, fail with a status
 * or refuse the host. Each case must end with its clear error in bounded
 * time. The first cases use `set restore-plan none` (progress only) and
 * this test's own FDR handshake on port 1082; the script-level cases
 * answer the phone's data requests themselves (a tiny host: on the main
 * connection and on DataPorts, right and wrong: test-restored-vphone-script.c)
 * and read what the phone recorded about each answer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <libimobiledevice/libimobiledevice.h>

#include "test-restored-vphone.h"
#include "ub-test-device.h"
#include "ub-vphone-testutil.h"

#define ECID G_GUINT64_CONSTANT (0x001A2B3C4D5E6F70)
#define MANIFEST "iPhone10,3-iPhone10,6_15C114.plist"
#define TEST_SILENCE_MS 3000

static UbBuildIdentity *identity;

typedef struct
{
  GArray   *operations;   /* guint, as reported with a percentage */
  GArray   *percents;     /* int */
  guint     checkpoints;
  GPtrArray *data_types;  /* char *, asked for */
} Seen;

static void
seen_init (Seen *seen)
{
  seen->operations = g_array_new (FALSE, FALSE, sizeof (guint));
  seen->percents = g_array_new (FALSE, FALSE, sizeof (int));
  seen->data_types = g_ptr_array_new_with_free_func (g_free);
}

static void
seen_clear (Seen *seen)
{
  g_clear_pointer (&seen->operations, g_array_unref);
  g_clear_pointer (&seen->percents, g_array_unref);
  g_clear_pointer (&seen->data_types, g_ptr_array_unref);
}

static void
on_progress (guint       operation,
             const char *name,
             int         percent,
             gpointer    data)
{
  Seen *seen = data;

  g_assert_nonnull (name);
  g_array_append_val (seen->operations, operation);
  g_array_append_val (seen->percents, percent);
}

static void
on_checkpoint (guint       id,
               const char *name,
               gint64      result,
               gpointer    data)
{
  ((Seen *) data)->checkpoints++;
}

/* Answers KernelCache (as the later data-type handlers will); refuses the rest */
static gboolean
on_data_request (UbRestored  *client,
                 const char  *data_type,
                 plist_t      message,
                 gboolean     is_async,
                 gpointer     data,
                 GError     **error)
{
  Seen *seen = data;
  plist_t reply;
  gboolean ok;

  g_ptr_array_add (seen->data_types, g_strdup (data_type));
  if (!g_str_equal (data_type, "KernelCache"))
    {
      g_set_error (error, UB_ERROR, UB_ERROR_NOT_SUPPORTED, "no handler for %s", data_type);
      return FALSE;
    }
  reply = plist_new_dict ();
  plist_dict_set_item (reply, "KernelCacheFile", plist_new_data ("IMG4", 4));
  ok = ub_restored_send (client, reply, error);
  plist_free (reply);
  return ok;
}

static UbRestoredHandlers handlers = { on_progress, on_checkpoint, on_data_request };

void
ub_test_restored_phone_to_restore_mode (UbVphoneClient *phone)
{
  g_autoptr(GError) error = NULL;

  ub_test_vphone_run (phone, "clear-faults");
  ub_test_vphone_run (phone, "set restore-plan none");
  ub_test_vphone_run (phone, "plug");
  ub_test_vphone_run (phone, "mode restore");
  ub_vphone_client_wait (phone, "mode", "restore", 10.0, &error);
  g_assert_no_error (error);
  ub_test_wait (300);   /* usbmuxd lists the phone */
}

static UbRestored *
connect_phone (UbVphoneClient *phone)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *udid = ub_vphone_client_get (phone, "udid", &error);
  UbRestored *client;

  g_assert_no_error (error);
  client = ub_restored_connect (udid, &error);
  g_assert_no_error (error);
  ub_restored_query_type (client, &error);
  g_assert_no_error (error);
  return client;
}

static void
test_query (void)
{
  g_autoptr(UbVphoneClient) phone = ub_test_vphone ();
  g_autoptr(UbRestored) client = NULL;
  g_autoptr(GError) error = NULL;

  ub_test_restored_phone_to_restore_mode (phone);
  client = connect_phone (phone);
  g_assert_cmpuint (ub_restored_get_protocol_version (client), ==, 15);
  g_assert_true (ub_restored_check_ecid (client, ECID, &error));
  g_assert_no_error (error);
  g_assert_false (ub_restored_check_ecid (client, ECID + 1, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "0x1A2B3C4D5E6F70"));
  g_clear_error (&error);
  g_assert_true (ub_restored_goodbye (client, &error));
  g_assert_no_error (error);
  g_assert_true (ub_vphone_record_has ("restored QueryValue HardwareInfo"));
}

typedef struct
{
  idevice_t            device;
  idevice_connection_t conn;
} Fdr;

static void
fdr_receive_exact (Fdr    *fdr,
                   char   *buf,
                   guint32 len)
{
  guint32 done = 0;

  while (done < len)
    {
      uint32_t got = 0;

      g_assert_cmpint (idevice_connection_receive_timeout (fdr->conn, buf + done, len - done, &got, 5000),
                       ==, IDEVICE_E_SUCCESS);
      g_assert_cmpuint (got, >, 0);
      done += got;
    }
}

/* The host's FDR control handshake on port 1082 (research restore-mode.md
 * §7): raw "BeginCtrl\0", then {Command: BeginCtrl, CtrlProtoVersion: 2}
 * framed with a little-endian length, answered with {ConnPort}. The
 * phone's final status needs it. */
static Fdr *
fdr_begin (const char *udid)
{
  Fdr *fdr = g_new0 (Fdr, 1);
  plist_t message = plist_new_dict ();
  plist_t reply = NULL;
  char *bin = NULL;
  uint32_t len = 0, sent = 0;
  guint32 le;
  g_autofree char *answer = NULL;

  g_assert_cmpint (idevice_new (&fdr->device, udid), ==, IDEVICE_E_SUCCESS);
  g_assert_cmpint (idevice_connect (fdr->device, 1082, &fdr->conn), ==, IDEVICE_E_SUCCESS);
  g_assert_cmpint (idevice_connection_send (fdr->conn, "BeginCtrl", 10, &sent), ==, IDEVICE_E_SUCCESS);
  plist_dict_set_item (message, "Command", plist_new_string ("BeginCtrl"));
  plist_dict_set_item (message, "CtrlProtoVersion", plist_new_uint (2));
  plist_to_bin (message, &bin, &len);
  le = GUINT32_TO_LE (len);
  g_assert_cmpint (idevice_connection_send (fdr->conn, (const char *) &le, 4, &sent), ==, IDEVICE_E_SUCCESS);
  g_assert_cmpint (idevice_connection_send (fdr->conn, bin, len, &sent), ==, IDEVICE_E_SUCCESS);
  plist_to_bin_free (bin);
  plist_free (message);
  fdr_receive_exact (fdr, (char *) &le, 4);
  len = GUINT32_FROM_LE (le);
  g_assert_cmpuint (len, >, 0);
  g_assert_cmpuint (len, <, 65536);
  answer = g_malloc (len);
  fdr_receive_exact (fdr, answer, len);
  plist_from_memory (answer, len, &reply);
  g_assert_nonnull (reply);
  g_assert_nonnull (plist_dict_get_item (reply, "ConnPort"));
  plist_free (reply);
  return fdr;
}

static void
fdr_end (Fdr *fdr)
{
  idevice_disconnect (fdr->conn);
  idevice_free (fdr->device);
  g_free (fdr);
}

/* Runs StartRestore and the loop, with FDR ready; returns its result */
gboolean
ub_test_restored_run (UbVphoneClient      *phone,
                      UbRestoredHandlers  *with,
                      gpointer             data,
                      gboolean             with_fdr,
                      gint64              *elapsed_us,
                      GError             **error)
{
  g_autoptr(UbRestored) client = connect_phone (phone);
  Fdr *fdr = with_fdr ? fdr_begin (ub_restored_get_udid (client)) : NULL;
  gint64 start;
  gboolean ok;

  ub_restored_set_silence_ms (client, TEST_SILENCE_MS);
  g_assert_true (ub_restored_check_ecid (client, ECID, NULL));
  g_assert_true (ub_restored_start_restore (client, identity, NULL));
  start = g_get_monotonic_time ();
  ok = ub_restored_run_loop (client, with, data, NULL, error);
  if (elapsed_us)
    *elapsed_us = g_get_monotonic_time () - start;
  if (fdr != NULL)
    fdr_end (fdr);
  if (ok)
    {
      g_autoptr(GError) local = NULL;

      g_assert_true (ub_restored_goodbye (client, NULL));
      /* the phone reboots into iOS after the restore */
      ub_vphone_client_wait (phone, "mode", "normal", 10.0, &local);
      g_assert_no_error (local);
    }
  return ok;
}

static gboolean
run_restore (UbVphoneClient  *phone,
             Seen            *seen,
             gint64          *elapsed_us,
             GError         **error)
{
  return ub_test_restored_run (phone, &handlers, seen, TRUE, elapsed_us, error);
}

static void
test_full (void)
{
  g_autoptr(UbVphoneClient) phone = ub_test_vphone ();
  g_autoptr(GError) error = NULL;
  g_autofree char *record = NULL;
  Seen seen = { 0 };

  ub_test_restored_phone_to_restore_mode (phone);
  seen_init (&seen);
  g_assert_true (run_restore (phone, &seen, NULL, &error));
  g_assert_no_error (error);

  /* operations 11–14, each 25→100, in order */
  g_assert_cmpuint (seen.operations->len, ==, 16);
  for (guint i = 0; i < seen.operations->len; i++)
    {
      g_assert_cmpuint (g_array_index (seen.operations, guint, i), ==, 11 + i / 4);
      g_assert_cmpint (g_array_index (seen.percents, int, i), ==, 25 * (int) (i % 4 + 1));
    }
  g_assert_cmpuint (seen.checkpoints, ==, 2);
  g_assert_cmpuint (seen.data_types->len, ==, 0);

  /* the phone saw the options and our answers */
  record = ub_vphone_read_record ();
  g_assert_nonnull (strstr (record, "restored StartRestore keys AutoBootDelay,"));
  g_assert_nonnull (strstr (record, ",SupportedDataTypes,"));
  g_assert_nonnull (strstr (record, ",SupportedMessageTypes,"));
  g_assert_nonnull (strstr (record, ",SupportedAsyncDataTypes,"));
  g_assert_nonnull (strstr (record, ",SystemPartitionPadding,"));
  g_assert_nonnull (strstr (record, ",TZ0RequiredCapacity,"));
  g_assert_nonnull (strstr (record, ",UUID,"));
  g_assert_true (ub_vphone_record_has ("restored host-compatible yes"));
  g_assert_true (ub_vphone_record_has ("restored RestoreShouldAttest"));
  g_assert_true (ub_vphone_record_has ("restored ReceivedFinalStatusMsg"));

  /* and it reboots into iOS */
  ub_vphone_client_wait (phone, "mode", "normal", 10.0, &error);
  g_assert_no_error (error);
  g_assert_true (ub_vphone_record_has ("restored reboot normal"));
  seen_clear (&seen);
}

/* The phone asks for data; our handler answers it and the restore goes on */
static void
test_data_handled (void)
{
  g_autoptr(UbVphoneClient) phone = ub_test_vphone ();
  g_autoptr(GError) error = NULL;
  Seen seen = { 0 };

  ub_test_restored_phone_to_restore_mode (phone);
  ub_test_vphone_run (phone, "fault restored-unknown-data KernelCache");
  seen_init (&seen);
  g_assert_true (run_restore (phone, &seen, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (seen.data_types->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (seen.data_types, 0), ==, "KernelCache");
  g_assert_true (ub_vphone_record_has ("restored data KernelCache answered KernelCacheFile"));
  seen_clear (&seen);
}

typedef struct
{
  const char *fault;
  int         code;
  const char *words;     /* in the message */
} FaultCase;

static void
test_fault (gconstpointer data)
{
  const FaultCase *c = data;
  g_autoptr(UbVphoneClient) phone = ub_test_vphone ();
  g_autoptr(GError) error = NULL;
  g_autofree char *command = g_strdup_printf ("fault %s", c->fault);
  gint64 elapsed = 0;
  Seen seen = { 0 };

  ub_test_restored_phone_to_restore_mode (phone);
  ub_test_vphone_run (phone, command);
  seen_init (&seen);
  g_assert_false (run_restore (phone, &seen, &elapsed, &error));
  g_assert_error (error, UB_ERROR, c->code);
  g_test_message ("%s → %s (%.1f s)", c->fault, error->message, elapsed / 1e6);
  g_assert_nonnull (strstr (error->message, c->words));
  g_assert_cmpint (elapsed, <, 10 * G_USEC_PER_SEC);
  seen_clear (&seen);
}

static const FaultCase fault_cases[] = {
  { "restored-silent", UB_ERROR_TIMED_OUT, "stopped answering" },
  { "restored-unknown-data FancyNewData", UB_ERROR_NOT_SUPPORTED, "FancyNewData" },
  { "restored-status 6", UB_ERROR_FAILED, "storage" },
  { "restored-checkpoint-fail", UB_ERROR_NOT_SUPPORTED, "not compatible" },
};

static gpointer
loop_thread (gpointer data)
{
  UbRestored *client = data;
  GError *error = NULL;

  g_assert_false (ub_restored_run_loop (client, NULL, NULL, NULL, &error));
  return error;
}

/* The cable comes out while the loop waits */
static void
test_unplug (void)
{
  g_autoptr(UbVphoneClient) phone = ub_test_vphone ();
  g_autoptr(UbRestored) client = NULL;
  g_autoptr(GError) error = NULL;
  GThread *thread;
  gint64 start;

  ub_test_restored_phone_to_restore_mode (phone);
  ub_test_vphone_run (phone, "fault restored-silent");
  client = connect_phone (phone);
  ub_restored_set_silence_ms (client, 60000);
  g_assert_true (ub_restored_start_restore (client, identity, NULL));
  thread = g_thread_new ("restored-loop", loop_thread, client);
  ub_test_wait (300);
  start = g_get_monotonic_time ();
  ub_test_vphone_run (phone, "unplug");
  error = g_thread_join (thread);
  g_assert_error (error, UB_ERROR, UB_ERROR_DISCONNECTED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  ub_test_vphone_run (phone, "plug");
}

static UbBuildIdentity *
load_identity (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "manifests", MANIFEST, NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(UbBuildManifest) manifest = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &contents, &len, &error));
  manifest = ub_build_manifest_new_from_data ((const guint8 *) contents, len, &error);
  g_assert_no_error (error);
  return g_object_ref (ub_build_manifest_get_identity (manifest, 0));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  identity = load_identity ();
  g_test_add_func ("/unbrick/restored/query", test_query);
  g_test_add_func ("/unbrick/restored/full", test_full);
  g_test_add_func ("/unbrick/restored/data-handled", test_data_handled);
  for (guint i = 0; i < G_N_ELEMENTS (fault_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/unbrick/restored/fault/%u", i);

      g_test_add_data_func (name, &fault_cases[i], test_fault);
    }
  g_test_add_func ("/unbrick/restored/unplug", test_unplug);
  ub_test_restored_add_script_tests ();
  ret = g_test_run ();
  g_clear_object (&identity);
  return ret;
}
