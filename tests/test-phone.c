/* test-phone.c — a phone running iOS: paired facts, Trust, watchdogs, recovery in software
 *
 * Runs as the child of vphone (an iPhone X running iOS). The core calls go
 * through the real libimobiledevice to the virtual phone's usbmuxd and
 * lockdownd; the CLI cases spawn the real unbrick-cli ($UB_CLI).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ub-test-cli.h"
#include "ub-test-device.h"

#define UDID_KEY "udid"

typedef struct
{
  GMainLoop    *loop;
  GAsyncResult *result;
} Wait;

static void
on_done (GObject      *object,
         GAsyncResult *result,
         gpointer      data)
{
  Wait *wait = data;

  wait->result = g_object_ref (result);
  g_main_loop_quit (wait->loop);
}

static char *
phone_udid (UbVphoneClient *phone)
{
  g_autoptr(GError) error = NULL;
  char *udid = ub_vphone_client_get (phone, UDID_KEY, &error);

  g_assert_no_error (error);
  return udid;
}

/* The paired facts, or NULL with @error; also how long it took. */
static UbLockdownPaired *
query_paired (UbVphoneClient  *phone,
              gint64          *elapsed_us,
              GError         **error)
{
  g_autofree char *udid = phone_udid (phone);
  Wait wait = { g_main_loop_new (NULL, FALSE), NULL };
  gint64 start = g_get_monotonic_time ();
  UbLockdownPaired *paired;

  ub_lockdown_query_paired_async (udid, NULL, on_done, &wait);
  g_main_loop_run (wait.loop);
  if (elapsed_us != NULL)
    *elapsed_us = g_get_monotonic_time () - start;
  paired = ub_lockdown_query_paired_finish (wait.result, error);
  g_object_unref (wait.result);
  g_main_loop_unref (wait.loop);
  return paired;
}

static char *
read_record (void)
{
  char *text = NULL;

  g_assert_true (g_file_get_contents (g_getenv ("UNBRICK_VPHONE_RECORD"), &text, NULL, NULL));
  return text;
}

static void
reset_phone (UbVphoneClient *phone)
{
  ub_test_vphone_run (phone, "clear-faults");
  ub_test_vphone_run (phone, "mode normal");
  g_assert_true (ub_vphone_client_wait (phone, "mode", "normal", 30, NULL));
}

static void
test_paired_facts (void)
{
  g_autoptr(UbVphoneClient) phone = ub_test_vphone ();
  g_autoptr(UbLockdownPaired) paired = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *record = NULL;

  reset_phone (phone);
  ub_test_vphone_run (phone, "set data-used 37580963840");
  paired = query_paired (phone, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (paired->battery_level, ==, 87);
  g_assert_true (paired->battery_charging);
  g_assert_true (paired->external_power);
  g_assert_true (paired->has_will_encrypt);
  g_assert_false (paired->will_encrypt);
  g_assert_true (paired->has_data_used);
  g_assert_cmpuint (paired->data_used, ==, G_GUINT64_CONSTANT (35) << 30);

  record = read_record ();
  g_assert_nonnull (strstr (record, "lockdown StartSession"));
  g_assert_nonnull (strstr (record, "lockdown GetValue com.apple.mobile.battery *"));
  g_assert_nonnull (strstr (record, "lockdown GetValue com.apple.mobile.backup WillEncrypt"));
}

static void
check_trust_fault (const char *fault,
                   const char *words)
{
  g_autoptr(UbVphoneClient) phone = ub_test_vphone ();
  g_autoptr(UbLockdownPaired) paired = NULL;
  g_autoptr(GError) error = NULL;

  reset_phone (phone);
  ub_vphone_client_run (phone, NULL, "fault %s", fault);
  paired = query_paired (phone, NULL, &error);
  g_assert_null (paired);
  g_assert_error (error, UB_ERROR, UB_ERROR_PERMISSION_DENIED);
  g_assert_nonnull (strstr (error->message, words));

  /* The owner taps Trust (or unlocks): the next try works */
  g_clear_error (&error);
  ub_test_vphone_run (phone, "clear-faults");
  paired = query_paired (phone, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (paired->battery_level, ==, 87);
}

static void
test_trust_pending (void)
{
  check_trust_fault ("trust-pending", "tap “Trust”");
}

static void
test_locked (void)
{
  check_trust_fault ("locked", "The iPhone is locked");
}

static void
test_no_pair_record (void)
{
  g_autoptr(UbVphoneClient) phone = ub_test_vphone ();
  g_autoptr(UbLockdownPaired) paired = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *record = NULL;

  reset_phone (phone);
  ub_test_vphone_run (phone, "fault no-pair-record");
  paired = query_paired (phone, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (paired->battery_level, ==, 87);
  record = read_record ();
  g_assert_nonnull (strstr (record, "lockdown Pair "));
}

/* libimobiledevice 1.3.0 loops forever in the TLS handshake: the watchdog
 * answers in bounded time, and the next query (fault gone) works. */
static void
test_tls_stall (void)
{
  g_autoptr(UbVphoneClient) phone = ub_test_vphone ();
  g_autoptr(UbLockdownPaired) paired = NULL;
  g_autoptr(GError) error = NULL;
  double scale = g_ascii_strtod (g_getenv ("UNBRICK_TIME_SCALE"), NULL);
  gint64 elapsed_us = 0;

  reset_phone (phone);
  ub_test_vphone_run (phone, "fault tls-stall");
  paired = query_paired (phone, &elapsed_us, &error);
  g_assert_null (paired);
  g_assert_error (error, UB_ERROR, UB_ERROR_TIMED_OUT);
  g_assert_cmpint (elapsed_us / 1000, >=, (gint64)(UB_LOCKDOWN_SESSION_TIMEOUT_MS / scale) - 100);
  g_assert_cmpint (elapsed_us / 1000, <, (gint64)(UB_LOCKDOWN_SESSION_TIMEOUT_MS / scale) + 5000);

  g_clear_error (&error);
  ub_test_vphone_run (phone, "clear-faults");
  paired = query_paired (phone, NULL, &error);
  g_assert_no_error (error);
}

static void
test_info_cli (void)
{
  g_autoptr(UbVphoneClient) phone = ub_test_vphone ();
  g_auto(UbTestCliRun) run = { 0 };
  g_autoptr(JsonNode) root = NULL;
  JsonObject *info;

  reset_phone (phone);
  g_assert_cmpint (ub_test_cli (&run, "info", "--json", NULL), ==, 0);
  root = ub_test_parse_json (run.out);
  info = json_node_get_object (root);
  g_assert_true (json_object_get_boolean_member (info, "paired"));
  g_assert_cmpint (json_object_get_int_member (info, "battery_level"), ==, 87);
  g_assert_false (json_object_get_boolean_member (info, "backup_encrypted"));
  g_assert_true (json_object_get_boolean_member (info, "backup_possible"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (info, "device"), "ios_build"),
                   ==, "20H330");

  ub_test_vphone_run (phone, "fault trust-pending");
  g_assert_cmpint (ub_test_cli (&run, "info", NULL), ==, 0);
  g_assert_nonnull (strstr (run.out, "iOS: 16.7.16 (20H330)"));
  g_assert_nonnull (strstr (run.out, "tap “Trust”"));
  g_assert_null (strstr (run.out, "Battery: "));

  /* In DFU mode: the chip's facts, and no backup any more */
  ub_test_vphone_run (phone, "clear-faults");
  ub_test_vphone_run (phone, "mode dfu");
  g_assert_cmpint (ub_test_cli (&run, "info", "--json", NULL), ==, 0);
  g_clear_pointer (&root, json_node_unref);
  root = ub_test_parse_json (run.out);
  info = json_node_get_object (root);
  g_assert_false (json_object_has_member (info, "paired"));
  g_assert_false (json_object_get_boolean_member (info, "backup_possible"));
  g_assert_nonnull (json_object_get_string_member (info, "backup_note"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (info, "device"), "mode"), ==, "dfu");
}

static void
test_enter_recovery (void)
{
  g_autoptr(UbVphoneClient) phone = ub_test_vphone ();
  g_auto(UbTestCliRun) run = { 0 };
  g_autofree char *mode = NULL;

  reset_phone (phone);
  g_assert_cmpint (ub_test_cli (&run, "enter-recovery", "--timeout", "60", NULL), ==, 0);
  g_assert_nonnull (strstr (run.out, "Recovery mode"));
  g_assert_nonnull (strstr (run.out, "0x001A2B3C4D5E6F70"));
  mode = ub_vphone_client_get (phone, "mode", NULL);
  g_assert_cmpstr (mode, ==, "recovery");

  /* Not in normal mode any more: nothing to ask */
  g_assert_cmpint (ub_test_cli (&run, "enter-recovery", "--timeout", "5", NULL), ==, 1);
  g_assert_nonnull (strstr (run.err, "no phone in this mode"));
}

static void
test_enter_recovery_refused (void)
{
  g_autoptr(UbVphoneClient) phone = ub_test_vphone ();
  g_auto(UbTestCliRun) run = { 0 };
  g_autofree char *record = NULL;
  g_autofree char *mode = NULL;
  const char *first, *second;

  reset_phone (phone);
  ub_test_vphone_run (phone, "fault enter-recovery-refused");
  g_assert_cmpint (ub_test_cli (&run, "enter-recovery", "--timeout", "5", NULL), ==, 1);
  g_assert_nonnull (strstr (run.err, "refused to restart into recovery mode"));
  g_assert_nonnull (strstr (run.err, "Use the buttons"));
  mode = ub_vphone_client_get (phone, "mode", NULL);
  g_assert_cmpstr (mode, ==, "normal");

  /* Asked without a session first, then again in a paired one (iOS 14.5+) */
  record = read_record ();
  first = g_strrstr (record, "lockdown EnterRecovery");
  g_assert_nonnull (first);
  second = g_strrstr_len (record, first - record, "lockdown EnterRecovery");
  g_assert_nonnull (second);
  g_assert_nonnull (g_strstr_len (second, first - second, "lockdown StartSession"));
}

static void
test_exit_recovery (void)
{
  g_autoptr(UbVphoneClient) phone = ub_test_vphone ();
  g_auto(UbTestCliRun) run = { 0 };
  g_autofree char *record = NULL;
  g_autofree char *reply = NULL;

  reset_phone (phone);
  /* A recovery loop: iOS is fine but auto-boot was left false */
  ub_test_vphone_run (phone, "setenv auto-boot false");
  ub_test_vphone_run (phone, "mode recovery");
  g_assert_true (ub_vphone_client_wait (phone, "mode", "recovery", 30, NULL));
  g_assert_cmpint (ub_test_cli (&run, "exit-recovery", "--ecid", "0x1234", "--timeout", "5", NULL), ==, 1);
  g_assert_cmpint (ub_test_cli (&run, "exit-recovery", "--ecid", "0x001A2B3C4D5E6F70", "--timeout", "60", NULL), ==, 0);
  g_assert_nonnull (strstr (run.out, "Running iOS"));

  record = read_record ();
  g_assert_nonnull (strstr (record, "recovery command \"setenv auto-boot true\""));
  g_assert_nonnull (strstr (record, "recovery command \"saveenv\""));
  g_assert_nonnull (strstr (record, "recovery command \"reboot\""));
  reply = ub_vphone_client_command (phone, "state", 5, NULL);
  g_assert_nonnull (strstr (reply, "auto-boot=true"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/phone/paired-facts", test_paired_facts);
  g_test_add_func ("/phone/trust-pending", test_trust_pending);
  g_test_add_func ("/phone/locked", test_locked);
  g_test_add_func ("/phone/no-pair-record", test_no_pair_record);
  g_test_add_func ("/phone/tls-stall", test_tls_stall);
  g_test_add_func ("/phone/info-cli", test_info_cli);
  g_test_add_func ("/phone/enter-recovery", test_enter_recovery);
  g_test_add_func ("/phone/enter-recovery-refused", test_enter_recovery_refused);
  g_test_add_func ("/phone/exit-recovery", test_exit_recovery);

  return g_test_run ();
}
