/* test-restore-full-vphone.c — complete restores of a virtual iPhone, from DFU mode to iOS
 *
 * Runs as the child of vphone in DFU mode, for the model and firmware the
 * test's environment names (UB_TEST_MANIFEST, UB_TEST_BOARD): an iPhone 7
 * with the real iOS 15.4 manifest and an iPhone 12 with the real iOS 26.2.1
 * one. The firmware file is a synthetic IPSW around that manifest with
 * every file its identities name (ub-test-restore.c); the loopback TSS
 * server signs the AP ticket, the modem and the co-processor firmware; the
 * virtual restored asks for everything a real one of that generation asks
 * for and checks each answer, ASR checks the system image chunk by chunk,
 * and the phone ends in iOS. Then the faults of restore mode, each with its
 * clear ending, and a new attempt from DFU mode that works.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <sys/resource.h>

#include "ub-test-cli.h"
#include "ub-test-device.h"
#include "ub-test-files.h"
#include "ub-test-httpd.h"
#include "ub-test-ipsw.h"
#include "ub-test-restore.h"
#include "ub-test-restore-run.h"

#define ECID G_GUINT64_CONSTANT (0x001A2B3C4D5E6F70)
#define OS_SIZE (24 * 1024 * 1024)   /* UB_TEST_OS_SIZE, UB_TEST_RAMDISK_SIZE for measurements */

static UbTestHttpd     *tss;
static UbTestHttpd     *wkms;   /* Apple's key server, over HTTPS */
static UbDeviceMonitor *monitor;
static char            *dir;
static char            *ipsw;
static char            *logs;
static char            *os_sha256;
static guint64          os_size = OS_SIZE;

typedef UbTestRestoreRun Run;

static void
use_servers (void)
{
  g_autofree char *url = ub_test_httpd_url (tss, "/ticket/TSS/controller?action=2");
  g_autofree char *key = ub_test_httpd_url (wkms, "/fcs-keys/dGVzdA==");
  g_autoptr(UbVphoneClient) phone = ub_test_vphone ();

  g_setenv ("UNBRICK_TSS_URL", url, TRUE);
  ub_vphone_client_run (phone, NULL, "set url-asset %s", key);
}

static UbDevice *
phone_in (UbDeviceMode mode)
{
  return ub_test_restore_phone_in (monitor, mode);
}

/* Back to DFU mode with no faults, as a person would put it there again */
static UbDevice *
reset_to_dfu (void)
{
  g_autoptr(UbVphoneClient) phone = ub_test_vphone ();

  ub_test_vphone_run (phone, "clear-faults");
  ub_test_vphone_run (phone, "plug");
  /* a phone plugged back in (after a pulled cable) is read by the device
   * monitor first: taking it away mid-read makes umockdev abort the test */
  ub_test_wait (1000);
  ub_test_vphone_run (phone, "mode dfu");
  g_assert_true (ub_vphone_client_wait (phone, "mode", "dfu", 20, NULL));
  use_servers ();
  return phone_in (UB_DEVICE_MODE_DFU);
}

static UbRestoreJob *
run_job (UbDevice      *device,
         UbRestoreKind  kind,
         Run           *run)
{
  g_autoptr(UbConsent) permission = ub_consent_new_erase (ECID, UB_CONSENT_SOURCE_WIZARD);

  return ub_test_restore_run (monitor, device, ipsw, logs, kind,
                              kind == UB_RESTORE_KIND_ERASE ? permission : NULL, run);
}

/* Bytes this process has written to storage so far (Linux) */
static guint64
bytes_written (void)
{
  g_autofree char *io = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/io", &io, NULL, NULL) ||
      (line = strstr (io, "\nwrite_bytes: ")) == NULL)
    return 0;
  return g_ascii_strtoull (line + strlen ("\nwrite_bytes: "), NULL, 10);
}

static void
assert_answered (const char *record,
                 const char *type)
{
  g_autofree char *ok = g_strdup_printf ("restored answer %s ok", type);

  if (strstr (record, ok) == NULL)
    g_error ("The virtual phone did not record “%s”:\n%s", ok, record);
}

static void
check_full_restore (UbRestoreKind kind)
{
  g_autoptr(UbDevice) device = reset_to_dfu ();
  g_autoptr(UbVphoneClient) phone = ub_test_vphone ();
  g_autoptr(UbRestoreJob) job = NULL;
  g_autofree char *before = ub_test_restore_read_record (), *record = NULL, *mode = NULL, *log = NULL, *asr = NULL;
  const char *fresh;
  gint64 start = g_get_monotonic_time ();
  guint64 written = bytes_written ();
  struct rusage usage;
  gsize log_size = 0;
  Run run = { 0 };

  job = run_job (device, kind, &run);
  if (run.error != NULL)
    {
      record = ub_test_restore_read_record ();
      g_test_message ("The virtual phone recorded:\n%s", record + strlen (before));
      g_clear_pointer (&record, g_free);
    }
  g_assert_no_error (run.error);
  g_assert_true (run.ok);
  g_assert_cmpint (ub_restore_job_get_stage (job), ==, UB_RESTORE_STAGE_DONE);
  getrusage (RUSAGE_SELF, &usage);
  written = bytes_written () - written;
  g_assert_true (g_file_get_contents (ub_restore_job_get_log_path (job), &log, &log_size, NULL));
  g_test_message ("DFU to iOS: %.1f s (at the time scale), peak RSS %ld KiB, %" G_GUINT64_FORMAT
                  " bytes written to storage (the log is %zu bytes)", (g_get_monotonic_time () - start) / 1e6,
                  usage.ru_maxrss, written, log_size);
  /* Nothing but the log reaches the disk: not the system image, not a
   * personalized image (the log is synced line by line, so its pages are
   * written more than once) */
  g_assert_cmpuint (written, <, 64 * 1024 + 4 * (guint64) log_size);

  /* The phone restarted into iOS */
  mode = ub_vphone_client_get (phone, "mode", NULL);
  g_assert_cmpstr (mode, ==, "normal");

  /* Notified in order */
  for (guint i = 1; i < run.stages->len; i++)
    g_assert_cmpint (g_array_index (run.stages, UbRestoreStage, i), >,
                     g_array_index (run.stages, UbRestoreStage, i - 1));

  /* What the phone asked for, and checked */
  record = ub_test_restore_read_record ();
  fresh = record + strlen (before);
  for (const char * const *t = (const char * const[]) { "RootTicket", "NORData", "FDRTrustData",
                                                        "KernelCache", "DeviceTree", "BuildIdentityDict",
                                                        "BasebandData", NULL }; *t; t++)
    assert_answered (fresh, *t);
  if (g_str_equal (g_getenv ("UB_TEST_BOARD"), "d53gap"))
    {
      /* iOS 26: the modem, the co-processors, the Cryptex and the AEA key */
      for (const char * const *t = (const char * const[]) { "FirmwareUpdaterData", "SourceBootObjectV4",
                                                            "URLAsset", "ReceiptManifest", NULL }; *t; t++)
        assert_answered (fresh, *t);
    }
  g_assert_null (strstr (fresh, "failed"));
  g_assert_null (strstr (fresh, "rejected"));
  asr = g_strdup_printf ("asr received %" G_GUINT64_FORMAT " bytes sha256 %s chunks", os_size, os_sha256);
  g_assert_nonnull (strstr (fresh, asr));

  /* The log tells the same story: every stage, and success */
  for (UbRestoreStage stage = UB_RESTORE_STAGE_CHECK; stage <= UB_RESTORE_STAGE_DONE; stage++)
    {
      g_autofree char *entry = g_strdup_printf ("\"stage\":\"%s\",\"event\":\"stage\"",
                                                ub_restore_stage_to_string (stage));
      if (stage == UB_RESTORE_STAGE_SEND_IBSS || stage == UB_RESTORE_STAGE_DONE)
        continue;   /* DFU only / the end is "succeeded" */
      g_assert_nonnull (strstr (log, entry));
    }
  g_assert_nonnull (strstr (log, "\"event\":\"succeeded\""));
  ub_test_restore_run_clear (&run);
}

static void
test_erase (void)
{
  check_full_restore (UB_RESTORE_KIND_ERASE);
}

static void
test_update (void)
{
  check_full_restore (UB_RESTORE_KIND_UPDATE);
}

/* A fault in restore mode: a clear ending, then a new attempt from DFU works */
static void
check_fault (const char *fault,
             int         code,
             const char *words)
{
  g_autoptr(UbDevice) device = reset_to_dfu ();
  g_autoptr(UbVphoneClient) phone = ub_test_vphone ();
  g_autoptr(UbRestoreJob) job = NULL;
  Run run = { 0 };

  ub_vphone_client_run (phone, NULL, "fault %s", fault);
  job = run_job (device, UB_RESTORE_KIND_ERASE, &run);
  g_assert_false (run.ok);
  g_assert_error (run.error, UB_ERROR, code);
  if (strstr (run.error->message, words) == NULL)
    g_error ("“%s” does not say “%s”", run.error->message, words);
  g_assert_cmpint (ub_restore_job_get_stage (job), ==, UB_RESTORE_STAGE_RESTORE);
  g_test_message ("%s: %s", fault, run.error->message);
  ub_test_restore_run_clear (&run);

  g_clear_object (&device);
  g_clear_object (&job);
  device = reset_to_dfu ();
  job = run_job (device, UB_RESTORE_KIND_ERASE, &run);
  g_assert_no_error (run.error);
  ub_test_restore_run_clear (&run);
}

static void
test_unplug_mid_asr (void)
{
  check_fault ("asr-unplug-at 20", UB_ERROR_DISCONNECTED, "disconnected");
}

static void
test_corrupt_chunk (void)
{
  check_fault ("asr-corrupt", UB_ERROR_FAILED, "damaged on the way");
}

static void
test_host_not_compatible (void)
{
  check_fault ("restored-checkpoint-fail", UB_ERROR_NOT_SUPPORTED, "not compatible");
}

static void
test_silent_phone (void)
{
  check_fault ("restored-silent", UB_ERROR_TIMED_OUT, "");
}

static void
test_unknown_data_type (void)
{
  check_fault ("restored-unknown-data SomethingNew", UB_ERROR_NOT_SUPPORTED, "SomethingNew");
}

static void
test_cli (void)
{
  g_autoptr(UbDevice) device = reset_to_dfu ();
  g_auto(UbTestCliRun) run = { 0 };

  g_assert_cmpint (ub_test_cli (&run, "restore", "--ipsw", ipsw, "--erase",
                                "--i-understand-this-erases-everything", "--json-progress", NULL), ==, 0);
  g_assert_nonnull (strstr (run.out, "\"stage\":\"restore\""));
  g_assert_nonnull (strstr (run.out, "\"state\":\"restored\""));
  g_assert_nonnull (strstr (run.out, "has been restored"));
}

/* The key server over HTTPS with a test CA the relay trusts */
static UbTestHttpd *
start_wkms (void)
{
  g_autofree char *certs = g_build_filename (dir, "certs", NULL);
  g_autofree char *cert = g_build_filename (certs, "server.pem", NULL);
  g_autofree char *key = g_build_filename (certs, "server.key", NULL);
  g_autofree char *ca = g_build_filename (certs, "ca.pem", NULL);
  g_autofree char *tss_script = g_strdup (g_getenv ("UB_TEST_HTTPD"));
  UbTestHttpd *server;

  g_assert_true (ub_test_make_certs (certs));
  g_setenv ("UNBRICK_TEST_CA_FILE", ca, TRUE);
  g_setenv ("UB_TEST_HTTPD", g_getenv ("UB_TEST_WKMS"), TRUE);
  server = ub_test_httpd_start (dir, cert, key);
  g_setenv ("UB_TEST_HTTPD", tss_script, TRUE);
  return server;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *cache = ub_test_isolate_network ();
  g_autoptr(UbModelDb) db = NULL;
  UbTestRestoreOptions options = { .ramdisk_size = 2 * 1024 * 1024 };
  const char *manifest = g_getenv ("UB_TEST_MANIFEST"), *board = g_getenv ("UB_TEST_BOARD");
  int ret;

  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("UB_TEST_OS_SIZE") != NULL)
    os_size = g_ascii_strtoull (g_getenv ("UB_TEST_OS_SIZE"), NULL, 10);
  if (g_getenv ("UB_TEST_RAMDISK_SIZE") != NULL)
    options.ramdisk_size = g_ascii_strtoull (g_getenv ("UB_TEST_RAMDISK_SIZE"), NULL, 10);
  options.os_size = os_size;
  g_assert_nonnull (manifest);
  g_assert_nonnull (board);
  g_setenv ("UNBRICK_TEST_RESTORED_SILENCE_MS", "8000", TRUE);
  dir = g_dir_make_tmp ("unbrick-restore-full-XXXXXX", NULL);
  logs = g_build_filename (dir, "logs", NULL);
  ipsw = ub_test_restore_full_ipsw_write (dir, manifest, board, &options);
  os_sha256 = ub_test_restore_entry_sha256 (manifest, board, "OS", &options);
  tss = ub_test_httpd_start (dir, NULL, NULL);
  wkms = start_wkms ();
  db = ub_model_db_new_default ();
  monitor = ub_device_monitor_new (db);
  g_assert_true (ub_device_monitor_start (monitor, NULL));

  g_test_add_func ("/restore-full/erase", test_erase);
  g_test_add_func ("/restore-full/update", test_update);
  g_test_add_func ("/restore-full/unplug-mid-asr", test_unplug_mid_asr);
  g_test_add_func ("/restore-full/corrupt-chunk", test_corrupt_chunk);
  g_test_add_func ("/restore-full/host-not-compatible", test_host_not_compatible);
  g_test_add_func ("/restore-full/silent-phone", test_silent_phone);
  g_test_add_func ("/restore-full/unknown-data-type", test_unknown_data_type);
  g_test_add_func ("/restore-full/cli", test_cli);
  ret = g_test_run ();

  ub_device_monitor_stop (monitor);
  g_clear_object (&monitor);
  ub_test_httpd_stop (tss);
  ub_test_httpd_stop (wkms);
  ub_test_remove_tree (dir);
  ub_test_remove_tree (cache);
  g_free (dir);
  g_free (ipsw);
  g_free (logs);
  g_free (os_sha256);
  return ret;
}
