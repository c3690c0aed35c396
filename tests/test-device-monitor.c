/* test-device-monitor.c — the device monitor against the virtual iPhone
 *
 * Runs as the child of vphone (an iPhone X starting in DFU mode), so the real
 * libusb and libimobiledevice code sees a simulated phone. The cases run in
 * order and share the phone; each puts it in the state it needs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ub-test-device.h"

#define ECID G_GUINT64_CONSTANT (0x001A2B3C4D5E6F70)
#define WAIT_MS 10000

static UbModelDb       *db;
static UbDeviceMonitor *monitor;
static UbTestRecorder  *recorder;
static UbVphoneClient  *phone;

static guint
n_listed (void)
{
  return g_list_model_get_n_items (ub_device_monitor_get_devices (monitor));
}

static void
test_dfu_at_start (void)
{
  UbDevice *device = ub_test_recorder_wait (recorder, "added", UB_DEVICE_MODE_DFU, WAIT_MS);
  const UbIbootInfo *info;

  g_assert_nonnull (device);
  g_assert_cmpuint (ub_device_get_product_id (device), ==, 0x1227);
  g_assert_true (ub_device_has_ecid (device));
  g_assert_cmphex (ub_device_get_ecid (device), ==, ECID);
  g_assert_nonnull (ub_device_get_model (device));
  g_assert_cmpstr (ub_model_get_product_type (ub_device_get_model (device)), ==, "iPhone10,3");
  info = ub_device_get_iboot_info (device);
  g_assert_cmphex (info->cpid, ==, 0x8015);
  g_assert_cmphex (info->bdid, ==, 0x06);
  g_assert_nonnull (info->srtg);
  g_assert_nonnull (info->ap_nonce);
  g_assert_cmpuint (g_bytes_get_size (info->ap_nonce), ==, 32);
  g_assert_null (ub_device_get_error (device));
  g_assert_cmpuint (n_listed (), ==, 1);
  g_assert_true (ub_device_monitor_find_phone (monitor, device) != NULL);
}

static void
test_unplug_plug (void)
{
  ub_test_recorder_clear (recorder);
  ub_test_vphone_run (phone, "unplug");
  g_assert_nonnull (ub_test_recorder_wait (recorder, "removed", UB_DEVICE_MODE_DFU, WAIT_MS));
  g_assert_cmpuint (n_listed (), ==, 0);
  ub_test_vphone_run (phone, "plug");
  g_assert_nonnull (ub_test_recorder_wait (recorder, "added", UB_DEVICE_MODE_DFU, WAIT_MS));
  g_assert_cmpuint (n_listed (), ==, 1);
}

static void
test_recovery (void)
{
  UbDevice *device;

  ub_test_recorder_clear (recorder);
  ub_test_vphone_run (phone, "mode recovery");
  g_assert_nonnull (ub_test_recorder_wait (recorder, "removed", UB_DEVICE_MODE_DFU, WAIT_MS));
  device = ub_test_recorder_wait (recorder, "added", UB_DEVICE_MODE_RECOVERY, WAIT_MS);
  g_assert_nonnull (device);
  g_assert_cmphex (ub_device_get_ecid (device), ==, ECID);
  g_assert_nonnull (ub_device_get_iboot_info (device)->srnm);
  g_assert_cmpstr (ub_model_get_board (ub_device_get_model (device)), ==, "d22ap");
}

/* iOS running: the USB entry and the usbmuxd entry are one phone in the list,
 * and lockdownd's facts arrive a moment later. */
static void
test_normal_mode (void)
{
  UbDevice *device;
  g_autoptr(UbDevice) listed = NULL;

  ub_test_recorder_clear (recorder);
  ub_test_vphone_run (phone, "mode normal");
  device = ub_test_recorder_wait (recorder, "changed", UB_DEVICE_MODE_NORMAL, WAIT_MS);
  g_assert_nonnull (device);
  g_assert_cmpint (ub_device_get_source (device), ==, UB_DEVICE_SOURCE_USBMUX);
  g_assert_cmpstr (ub_device_get_product_type (device), ==, "iPhone10,3");
  g_assert_nonnull (ub_device_get_product_version (device));
  g_assert_cmphex (ub_device_get_ecid (device), ==, ECID);
  g_assert_null (ub_device_get_error (device));
  g_assert_cmpuint (n_listed (), ==, 1);
  listed = g_list_model_get_item (ub_device_monitor_get_devices (monitor), 0);
  g_assert_cmpint (ub_device_get_source (listed), ==, UB_DEVICE_SOURCE_USBMUX);
  g_assert_true (ub_device_monitor_is_settled (monitor));
}

/* Debian's libirecovery 1.0.0 crashes when a device follows the phone in
 * libusb's list; the monitor must not care. */
static void
test_extra_device (void)
{
  ub_test_recorder_clear (recorder);
  ub_test_vphone_run (phone, "fault extra-device");
  ub_test_vphone_run (phone, "mode dfu");
  g_assert_nonnull (ub_test_recorder_wait (recorder, "added", UB_DEVICE_MODE_DFU, WAIT_MS));
  ub_test_wait (200);
  g_assert_cmpuint (n_listed (), ==, 1);
  ub_test_vphone_run (phone, "clear-faults");
}

/* A phone that stops answering costs a bounded wait, then shows its mode and the problem */
static void
test_unresponsive (void)
{
  UbDevice *device;
  gint64 start;

  ub_test_recorder_clear (recorder);
  ub_test_vphone_run (phone, "fault unresponsive");
  start = g_get_monotonic_time ();
  ub_test_vphone_run (phone, "mode recovery");
  device = ub_test_recorder_wait (recorder, "added", UB_DEVICE_MODE_RECOVERY, WAIT_MS);
  g_assert_nonnull (device);
  g_assert_error ((GError *)ub_device_get_error (device), UB_ERROR, UB_ERROR_TIMED_OUT);
  g_assert_false (ub_device_has_ecid (device));
  g_test_message ("unresponsive phone reported after %.1f s", (g_get_monotonic_time () - start) / 1e6);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 6 * G_USEC_PER_SEC);
  ub_test_vphone_run (phone, "clear-faults");
}

/* lockdownd accepts the connection and never answers: the watchdog gives up */
static void
test_lockdownd_silent (void)
{
  UbDevice *device = NULL;
  gint64 start;

  ub_test_recorder_clear (recorder);
  ub_test_vphone_run (phone, "fault lockdownd-silent");
  start = g_get_monotonic_time ();
  ub_test_vphone_run (phone, "mode normal");
  device = ub_test_recorder_wait (recorder, "changed", UB_DEVICE_MODE_NORMAL, 20000);
  g_assert_nonnull (device);
  g_assert_error ((GError *)ub_device_get_error (device), UB_ERROR, UB_ERROR_TIMED_OUT);
  g_test_message ("silent lockdownd given up after %.1f s", (g_get_monotonic_time () - start) / 1e6);
  ub_test_vphone_run (phone, "clear-faults");
}

/* usbmuxd goes away: no crash, and USB keeps being watched */
static void
test_usbmuxd_vanishes (void)
{
  ub_test_recorder_clear (recorder);
  ub_test_vphone_run (phone, "fault usbmuxd-vanish");
  ub_test_wait (500);
  ub_test_vphone_run (phone, "mode dfu");
  g_assert_nonnull (ub_test_recorder_wait (recorder, "added", UB_DEVICE_MODE_DFU, WAIT_MS));
}

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
} SendResult;

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  SendResult *r = data;

  r->ok = ub_recovery_send_commands_finish (result, &r->error);
  r->done = TRUE;
}

static gboolean
send_commands (UbDevice            *device,
               const char * const  *commands,
               GError             **error)
{
  SendResult r = { FALSE, FALSE, NULL };

  ub_recovery_send_commands_async (device, commands, NULL, on_sent, &r);
  while (!r.done)
    g_main_context_iteration (NULL, TRUE);
  if (r.error != NULL)
    g_propagate_error (error, r.error);
  return r.ok;
}

static char *
phone_env (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *command = g_strdup_printf ("env %s", name);
  char *value = ub_vphone_client_command (phone, command, 5, &error);

  g_assert_no_error (error);
  return value;
}

/* Our own iBoot commands: the environment changes, and reboot restarts the phone */
static void
test_recovery_commands (void)
{
  static const char * const prepare[] = { "setenv auto-boot false", "saveenv", NULL };
  static const char * const leave[] = { "setenv auto-boot true", "saveenv", "reboot", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;
  UbDevice *device;

  ub_test_recorder_clear (recorder);
  ub_test_vphone_run (phone, "mode recovery");
  device = ub_test_recorder_wait (recorder, "added", UB_DEVICE_MODE_RECOVERY, WAIT_MS);
  g_assert_nonnull (device);
  g_assert_true (send_commands (device, prepare, &error));
  g_assert_no_error (error);
  value = phone_env ("auto-boot");
  g_assert_cmpstr (value, ==, "false");

  ub_test_recorder_clear (recorder);
  g_assert_true (send_commands (device, leave, &error));
  g_assert_no_error (error);
  g_assert_nonnull (ub_test_recorder_wait (recorder, "removed", UB_DEVICE_MODE_RECOVERY, WAIT_MS));
  g_assert_nonnull (ub_test_recorder_wait (recorder, "added", UB_DEVICE_MODE_NORMAL, 20000));
}

/* A stalled or broken transfer is a clear error at once, not a hang */
static void
test_recovery_faults (void)
{
  static const char * const commands[] = { "setenv auto-boot true", "saveenv", NULL };
  const char *faults[] = { "fault stall", "fault eproto" };
  UbDevice *device;
  g_autoptr(UbDevice) gone = NULL;
  g_autoptr(GError) error = NULL;

  ub_test_recorder_clear (recorder);
  ub_test_vphone_run (phone, "mode recovery");
  device = ub_test_recorder_wait (recorder, "added", UB_DEVICE_MODE_RECOVERY, WAIT_MS);
  g_assert_nonnull (device);
  for (guint i = 0; i < G_N_ELEMENTS (faults); i++)
    {
      gint64 start = g_get_monotonic_time ();

      ub_test_vphone_run (phone, faults[i]);
      g_assert_false (send_commands (device, commands, &error));
      g_assert_error (error, UB_ERROR, UB_ERROR_PROTOCOL);
      g_test_message ("%s → %s", faults[i], error->message);
      g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
      g_clear_error (&error);
    }

  /* The phone left: the old snapshot no longer reaches anything */
  gone = g_object_ref (device);
  ub_test_vphone_run (phone, "mode dfu");
  g_assert_nonnull (ub_test_recorder_wait (recorder, "removed", UB_DEVICE_MODE_RECOVERY, WAIT_MS));
  g_assert_false (send_commands (gone, commands, &error));
  g_assert_nonnull (error);
  g_test_message ("stale snapshot → %s", error->message);
}

/* The phone comes back in another mode than its reboot should give: the
 * monitor reports what it is, not what was expected */
static void
test_wrong_mode (void)
{
  static const char * const reboot[] = { "setenv auto-boot true", "saveenv", "reboot", NULL };
  g_autoptr(GError) error = NULL;
  UbDevice *device;

  ub_test_recorder_clear (recorder);
  ub_test_vphone_run (phone, "mode recovery");
  device = ub_test_recorder_wait (recorder, "added", UB_DEVICE_MODE_RECOVERY, WAIT_MS);
  g_assert_nonnull (device);
  ub_test_vphone_run (phone, "fault wrong-mode dfu");
  ub_test_recorder_clear (recorder);
  g_assert_true (send_commands (device, reboot, &error));
  g_assert_no_error (error);
  g_assert_nonnull (ub_test_recorder_wait (recorder, "added", UB_DEVICE_MODE_DFU, 20000));
  g_assert_null (ub_test_recorder_wait (recorder, "added", UB_DEVICE_MODE_NORMAL, 10));
}

static void
test_stop_restart (void)
{
  ub_device_monitor_stop (monitor);
  g_assert_false (ub_device_monitor_is_running (monitor));
  g_assert_cmpuint (n_listed (), ==, 0);
  ub_test_recorder_clear (recorder);
  g_assert_true (ub_device_monitor_start (monitor, NULL));
  g_assert_nonnull (ub_test_recorder_wait (recorder, "added", UB_DEVICE_MODE_DFU, WAIT_MS));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  db = ub_model_db_new_default ();
  monitor = ub_device_monitor_new (db);
  recorder = ub_test_recorder_new (monitor);
  phone = ub_test_vphone ();
  g_assert_true (ub_device_monitor_start (monitor, NULL));

  g_test_add_func ("/unbrick/device-monitor/dfu-at-start", test_dfu_at_start);
  g_test_add_func ("/unbrick/device-monitor/unplug-plug", test_unplug_plug);
  g_test_add_func ("/unbrick/device-monitor/recovery", test_recovery);
  g_test_add_func ("/unbrick/device-monitor/normal-mode", test_normal_mode);
  g_test_add_func ("/unbrick/device-monitor/extra-device", test_extra_device);
  g_test_add_func ("/unbrick/device-monitor/unresponsive", test_unresponsive);
  g_test_add_func ("/unbrick/device-monitor/lockdownd-silent", test_lockdownd_silent);
  g_test_add_func ("/unbrick/device-monitor/usbmuxd-vanishes", test_usbmuxd_vanishes);
  g_test_add_func ("/unbrick/device-monitor/recovery-commands", test_recovery_commands);
  g_test_add_func ("/unbrick/device-monitor/recovery-faults", test_recovery_faults);
  g_test_add_func ("/unbrick/device-monitor/wrong-mode", test_wrong_mode);
  g_test_add_func ("/unbrick/device-monitor/stop-restart", test_stop_restart);
  ret = g_test_run ();

  ub_test_recorder_free (recorder);
  ub_device_monitor_stop (monitor);
  g_assert_finalize_object (monitor);
  g_clear_object (&phone);
  g_clear_object (&db);
  return ret;
}
