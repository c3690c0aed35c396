/* test-restore-vphone.c — the restore job from DFU mode to restore mode, on the virtual iPhone
 *
 * Runs as the child of vphone (an iPhone X in DFU mode), with the loopback
 * TSS server (tests/httpd/ub-test-tss.py) standing in for Apple. The
 * firmware file is a synthetic IPSW around the real iOS 11.2 manifest whose
 * boot images are IM4P files the manifest's digests name
 * (ub-test-restore.c), so the virtual phone checks every personalized image
 * against the ticket as a real one does. Then a fault at every stage: each
 * ends with a clear message, no hang, and a phone from which a new attempt
 * works. Restore mode itself only reports success here (restore plan
 * "none"); test-restore-full-vphone.c runs complete restores.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <sys/resource.h>

#include "ub-test-cli.h"
#include "ub-test-device.h"
#include "ub-test-httpd.h"
#include "ub-test-files.h"
#include "ub-test-ipsw.h"
#include "ub-test-restore.h"
#include "ub-test-restore-run.h"

#define ECID G_GUINT64_CONSTANT (0x001A2B3C4D5E6F70)

static UbTestHttpd     *tss;
static UbDeviceMonitor *monitor;
static char            *dir;
static char            *ipsw;
static char            *logs;

typedef UbTestRestoreRun Run;

static void
use_tss (const char *mode)
{
  g_autofree char *path = g_strdup_printf ("/%s/TSS/controller?action=2", mode);
  g_autofree char *url = ub_test_httpd_url (tss, path);

  g_setenv ("UNBRICK_TSS_URL", url, TRUE);
}

static UbDevice *
phone_in (UbDeviceMode mode)
{
  return ub_test_restore_phone_in (monitor, mode);
}

/* Back to DFU mode with no faults, as a person would put it there again.
 * Restore mode is tested in test-restore-full-vphone.c with the firmware of
 * a complete restore; here the virtual restored only reports progress and
 * success (restore plan "none"), so these cases stay about the boot chain. */
static UbDevice *
reset_to_dfu (void)
{
  g_autoptr(UbVphoneClient) phone = ub_test_vphone ();

  ub_test_vphone_run (phone, "clear-faults");
  ub_test_vphone_run (phone, "set restore-plan none");
  ub_test_vphone_run (phone, "plug");
  ub_test_vphone_run (phone, "mode dfu");
  g_assert_true (ub_vphone_client_wait (phone, "mode", "dfu", 20, NULL));
  return phone_in (UB_DEVICE_MODE_DFU);
}

static UbRestoreJob *
run_job (UbDevice      *device,
         UbRestoreKind  kind,
         gboolean       consent,
         Run           *run)
{
  g_autoptr(UbConsent) permission = consent ? ub_consent_new_erase (ECID, UB_CONSENT_SOURCE_WIZARD) : NULL;

  return ub_test_restore_run (monitor, device, ipsw, logs, kind, permission, run);
}

static void
test_dfu_to_ios (void)
{
  g_autoptr(UbDevice) device = reset_to_dfu ();
  g_autoptr(UbVphoneClient) phone = ub_test_vphone ();
  g_autoptr(UbRestoreJob) job = NULL;
  g_autofree char *record = NULL, *mode = NULL, *log = NULL;
  gint64 start = g_get_monotonic_time ();
  struct rusage usage;
  Run run = { 0 };

  use_tss ("ticket");
  job = run_job (device, UB_RESTORE_KIND_ERASE, TRUE, &run);
  g_assert_no_error (run.error);
  g_assert_true (run.ok);
  g_assert_cmpint (ub_restore_job_get_stage (job), ==, UB_RESTORE_STAGE_DONE);
  mode = ub_vphone_client_get (phone, "mode", NULL);
  g_assert_cmpstr (mode, ==, "normal");
  getrusage (RUSAGE_SELF, &usage);
  g_test_message ("DFU to iOS (restore plan none): %.1f s (at the time scale), peak RSS %ld KiB",
                  (g_get_monotonic_time () - start) / 1e6, usage.ru_maxrss);

  /* Notified in order (at most four times a second, so not every stage) */
  g_assert_cmpuint (run.stages->len, >=, 2);
  for (guint i = 1; i < run.stages->len; i++)
    g_assert_cmpint (g_array_index (run.stages, UbRestoreStage, i), >, g_array_index (run.stages, UbRestoreStage, i - 1));

  /* What the phone took, checked by it against the ticket */
  record = ub_test_restore_read_record ();
  g_assert_nonnull (strstr (record, "dfu image accepted: ibss"));
  g_assert_nonnull (strstr (record, "recovery go accepted: ibec"));
  g_assert_nonnull (strstr (record, "restored QueryType"));
  g_assert_null (strstr (record, "rejected"));

  /* The log tells the same story */
  g_assert_true (g_file_get_contents (ub_restore_job_get_log_path (job), &log, NULL, NULL));
  for (UbRestoreStage stage = UB_RESTORE_STAGE_CHECK; stage <= UB_RESTORE_STAGE_REBOOT; stage++)
    {
      g_autofree char *entry = g_strdup_printf ("\"stage\":\"%s\",\"event\":\"stage\"",
                                                ub_restore_stage_to_string (stage));
      g_assert_nonnull (strstr (log, entry));
    }
  g_assert_nonnull (strstr (log, "\"event\":\"succeeded\""));
  ub_test_restore_run_clear (&run);
}

/* No permission for this phone: nothing is sent */
static void
test_no_consent (void)
{
  g_autoptr(UbDevice) device = reset_to_dfu ();
  g_autoptr(UbRestoreJob) job = NULL;
  g_autofree char *before = ub_test_restore_read_record (), *after = NULL;
  Run run = { 0 };

  use_tss ("ticket");
  job = run_job (device, UB_RESTORE_KIND_ERASE, FALSE, &run);
  g_assert_false (run.ok);
  g_assert_error (run.error, UB_ERROR, UB_ERROR_NO_CONSENT);
  after = ub_test_restore_read_record ();
  g_assert_null (strstr (after + strlen (before), "dfu image"));
  ub_test_restore_run_clear (&run);
}

/* A fault before anything is sent: the phone stays in DFU mode */
static void
check_tss_failure (const char *mode,
                   int         code,
                   const char *words)
{
  g_autoptr(UbDevice) device = reset_to_dfu ();
  g_autoptr(UbVphoneClient) phone = ub_test_vphone ();
  g_autoptr(UbRestoreJob) job = NULL;
  g_autofree char *state = NULL;
  Run run = { 0 };

  use_tss (mode);
  job = run_job (device, UB_RESTORE_KIND_ERASE, TRUE, &run);
  g_assert_false (run.ok);
  g_assert_error (run.error, UB_ERROR, code);
  g_assert_nonnull (strstr (run.error->message, words));
  state = ub_vphone_client_get (phone, "mode", NULL);
  g_assert_cmpstr (state, ==, "dfu");
  ub_test_restore_run_clear (&run);
}

static void
test_not_signed (void)
{
  check_tss_failure ("status=94", UB_ERROR_NOT_SIGNED, "no longer signs");
}

static void
test_ticket_for_another_phone (void)
{
  check_tss_failure ("other-ecid", UB_ERROR_PROTOCOL, "another iPhone");
}

static void
test_tss_unreachable (void)
{
  check_tss_failure ("http=503", UB_ERROR_NETWORK, "");
}

/* Faults on the phone's side, each with its clear ending */
static void
check_phone_fault (const char *fault,
                   int         code,
                   const char *words)
{
  g_autoptr(UbDevice) device = reset_to_dfu ();
  g_autoptr(UbVphoneClient) phone = ub_test_vphone ();
  g_autoptr(UbRestoreJob) job = NULL;
  Run run = { 0 };

  use_tss ("ticket");
  ub_vphone_client_run (phone, NULL, "fault %s", fault);
  job = run_job (device, UB_RESTORE_KIND_ERASE, TRUE, &run);
  g_assert_false (run.ok);
  g_assert_error (run.error, UB_ERROR, code);
  g_assert_nonnull (strstr (run.error->message, words));
  ub_test_restore_run_clear (&run);
  /* and a new attempt from DFU mode works */
  g_clear_object (&device);
  g_clear_object (&job);
  device = reset_to_dfu ();
  job = run_job (device, UB_RESTORE_KIND_ERASE, TRUE, &run);
  g_assert_no_error (run.error);
  ub_test_restore_run_clear (&run);
}

static void
test_unplug (void)
{
  check_phone_fault ("unplug-at-block 3", UB_ERROR_DISCONNECTED, "");
}

static void
test_no_reconnect (void)
{
  check_phone_fault ("no-reconnect", UB_ERROR_DISCONNECTED, "did not come back");
}

static void
test_boot_to_ios (void)
{
  check_phone_fault ("boot-to-ios", UB_ERROR_WRONG_MODE, "started iOS");
}

/* A new nonce after a reboot: a new ticket, and on */
static void
test_changed_nonce (void)
{
  g_autoptr(UbDevice) device = reset_to_dfu ();
  g_autoptr(UbVphoneClient) phone = ub_test_vphone ();
  g_autoptr(UbRestoreJob) job = NULL;
  g_autofree char *log = NULL;
  Run run = { 0 };

  use_tss ("ticket");
  ub_test_vphone_run (phone, "fault changed-nonce");
  job = run_job (device, UB_RESTORE_KIND_ERASE, TRUE, &run);
  g_assert_no_error (run.error);
  g_assert_true (g_file_get_contents (ub_restore_job_get_log_path (job), &log, NULL, NULL));
  g_assert_nonnull (strstr (log, "nonce changed"));
  ub_test_restore_run_clear (&run);
}

static void
test_cli (void)
{
  g_autoptr(UbDevice) device = reset_to_dfu ();
  g_auto(UbTestCliRun) run = { 0 };

  use_tss ("ticket");
  g_assert_cmpint (ub_test_cli (&run, "restore", "--ipsw", ipsw, "--erase", NULL), ==, 2);
  g_assert_nonnull (strstr (run.err, "--i-understand-this-erases-everything"));
  g_assert_cmpint (ub_test_cli (&run, "restore", "--ipsw", ipsw, "--erase",
                                "--i-understand-this-erases-everything", "--json-progress", NULL), ==, 0);
  g_assert_nonnull (strstr (run.out, "\"stage\":\"send-ibss\""));
  g_assert_nonnull (strstr (run.out, "\"state\":\"restored\""));
  g_assert_nonnull (strstr (run.out, "\"stage\":\"restore\""));
  g_assert_nonnull (strstr (run.out, "has been restored"));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *cache = ub_test_isolate_network ();
  g_autoptr(UbModelDb) db = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  dir = g_dir_make_tmp ("unbrick-restore-XXXXXX", NULL);
  logs = g_build_filename (dir, "logs", NULL);
  ipsw = ub_test_restore_ipsw_write (dir, UB_TEST_MANIFEST_IPHONE_X, "d22ap", 3 * 1024 * 1024);
  tss = ub_test_httpd_start (dir, NULL, NULL);
  db = ub_model_db_new_default ();
  monitor = ub_device_monitor_new (db);
  g_assert_true (ub_device_monitor_start (monitor, NULL));

  g_test_add_func ("/restore/dfu-to-ios", test_dfu_to_ios);
  g_test_add_func ("/restore/no-consent", test_no_consent);
  g_test_add_func ("/restore/not-signed", test_not_signed);
  g_test_add_func ("/restore/ticket-for-another-phone", test_ticket_for_another_phone);
  g_test_add_func ("/restore/tss-unreachable", test_tss_unreachable);
  g_test_add_func ("/restore/unplug", test_unplug);
  g_test_add_func ("/restore/no-reconnect", test_no_reconnect);
  g_test_add_func ("/restore/boot-to-ios", test_boot_to_ios);
  g_test_add_func ("/restore/changed-nonce", test_changed_nonce);
  g_test_add_func ("/restore/cli", test_cli);
  ret = g_test_run ();

  ub_device_monitor_stop (monitor);
  g_clear_object (&monitor);
  ub_test_httpd_stop (tss);
  ub_test_remove_tree (dir);
  ub_test_remove_tree (cache);
  g_free (dir);
  g_free (ipsw);
  g_free (logs);
  return ret;
}
