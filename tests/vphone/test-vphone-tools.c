/* test-vphone-tools.c — clients nobody here wrote, against the virtual iPhone
 *
 * Runs under vphone (see meson.build): Debian's irecovery, ideviceinfo and
 * ideviceenterrecovery, and a plain libusb host (vphone-usbtool), must see
 * the phone as they would see a real one. Expected values come from the
 * model database, so the same test runs for every simulated model.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdarg.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "ub-core.h"
#include "ub-vphone-client.h"
#include "ub-vphone-img4-build.h"
#include "ub-vphone-testutil.h"

#define TOOL_TIMEOUT 30.0

static UbVphoneClient *phone;
static UbModel *model;
static char *usbtool;
static char *muxwatch;

static char *
state_value (const char *key)
{
  g_autoptr(GError) error = NULL;
  char *value = ub_vphone_client_get (phone, key, &error);

  g_assert_no_error (error);
  return value;
}

static void
assert_state (const char *key,
              const char *expected)
{
  g_autofree char *value = state_value (key);

  g_assert_cmpstr (value, ==, expected);
}

static void
wait_for (const char *key,
          const char *value,
          double      seconds)
{
  g_autoptr(GError) error = NULL;

  ub_vphone_client_wait (phone, key, value, seconds, &error);
  g_assert_no_error (error);
}

/* A fresh phone in @mode, with no faults and auto-boot=true. */
static void
start_in (const char *mode)
{
  ub_vphone_assert_run (phone, "clear-faults");
  ub_vphone_assert_run (phone, "setenv auto-boot true");
  ub_vphone_assert_run (phone, "mode %s", mode);
  wait_for ("mode", mode, 5);
}

/* The value of "KEY: value" in a tool's output. */
static char *
field (const char *text,
       const char *key)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autofree char *prefix = g_strconcat (key, ": ", NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], prefix))
        return g_strdup (lines[i] + strlen (prefix));
    }
  return NULL;
}

static void
assert_field (const char *text,
              const char *key,
              const char *expected)
{
  g_autofree char *value = field (text, key);

  g_assert_cmpstr (value, ==, expected);
}

static void
assert_hex_field (const char *text,
                  const char *key,
                  gsize       digits)
{
  g_autofree char *value = field (text, key);

  g_assert_nonnull (value);
  g_assert_cmpuint (strlen (value), ==, digits);
  for (gsize i = 0; i < digits; i++)
    g_assert_true (g_ascii_isxdigit (value[i]));
}

static UbVphoneRun *
irecovery_query (void)
{
  const char *argv[] = { "irecovery", "-q", NULL };
  UbVphoneRun *run = ub_vphone_run_tool (argv, TOOL_TIMEOUT);

  g_test_message ("irecovery -q:\n%s%s", run->out, run->err);
  g_assert_cmpint (run->status, ==, 0);
  return run;
}

static void
assert_chip_fields (const char *out)
{
  g_autofree char *cpid = g_strdup_printf ("0x%04x", ub_model_get_cpid (model));
  g_autofree char *bdid = g_strdup_printf ("0x%02x", ub_model_get_bdid (model));
  g_autofree char *ecid = state_value ("ecid");

  assert_field (out, "CPID", cpid);
  assert_field (out, "BDID", bdid);
  assert_field (out, "ECID", ecid);
  assert_hex_field (out, "NONC", 64);
  assert_hex_field (out, "SNON", 40);
}

static void
test_irecovery_dfu (void)
{
  g_autoptr(UbVphoneRun) run = NULL;
  g_autofree char *pid = NULL;
  g_autofree char *srtg = NULL;

  start_in ("dfu");
  pid = state_value ("pid");
  g_assert_cmpstr (pid, ==, ub_model_has_wtf_mode (model) ? "0x1222" : "0x1227");
  run = irecovery_query ();
  assert_chip_fields (run->out);
  assert_field (run->out, "MODE", ub_model_has_wtf_mode (model) ? "WTF" : "DFU");
  assert_field (run->out, "SRNM", "N/A");
  srtg = field (run->out, "SRTG");
  g_assert_true (g_str_has_prefix (srtg, "iBoot-"));
}

static void
test_irecovery_recovery (void)
{
  g_autoptr(UbVphoneRun) run = NULL;
  g_autofree char *srnm = NULL;
  g_autofree char *imei = NULL;

  g_autofree char *pid = NULL;

  start_in ("recovery");
  pid = state_value ("pid");
  g_assert_cmpstr (pid, ==, "0x1281");
  run = irecovery_query ();
  assert_chip_fields (run->out);
  assert_field (run->out, "MODE", "Recovery");
  srnm = field (run->out, "SRNM");
  g_assert_cmpuint (strlen (srnm), ==, 12);
  imei = field (run->out, "IMEI");
  if (ub_model_get_kind (model) == UB_DEVICE_KIND_IPHONE)
    g_assert_cmpuint (strlen (imei), ==, 15);
  else
    g_assert_cmpstr (imei, ==, "N/A");
}

static void
test_ideviceinfo_key (void)
{
  const char *argv[] = { "ideviceinfo", "-k", "ProductType", NULL };
  g_autoptr(UbVphoneRun) run = NULL;
  g_autofree char *expected = g_strconcat (ub_model_get_product_type (model), "\n", NULL);

  start_in ("normal");
  run = ub_vphone_run_tool (argv, TOOL_TIMEOUT);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpstr (run->out, ==, expected);
  g_assert_true (ub_vphone_record_has ("lockdown GetValue ProductType"));
  g_assert_true (ub_vphone_record_has ("lockdown QueryType"));
}

static void
test_ideviceinfo_full (void)
{
  const char *argv[] = { "ideviceinfo", NULL };
  const char *simple_argv[] = { "ideviceinfo", "-s", NULL };
  g_autoptr(UbVphoneRun) run = NULL;
  g_autoptr(UbVphoneRun) simple = NULL;
  g_autofree char *udid = state_value ("udid");
  g_autofree char *ecid = state_value ("ecid");
  g_autofree char *chip_id = NULL;
  g_autofree char *serial = NULL;

  start_in ("normal");
  run = ub_vphone_run_tool (argv, TOOL_TIMEOUT);
  g_test_message ("ideviceinfo:\n%s", run->out);
  g_assert_cmpint (run->status, ==, 0);
  assert_field (run->out, "UniqueDeviceID", udid);
  assert_field (run->out, "ProductType", ub_model_get_product_type (model));
  chip_id = g_strdup_printf ("%" G_GUINT64_FORMAT, g_ascii_strtoull (ecid, NULL, 16));
  assert_field (run->out, "UniqueChipID", chip_id);
  serial = field (run->out, "SerialNumber");     /* only with a session */
  g_assert_nonnull (serial);
  /* Without a session (-s), the phone keeps its serial number to itself. */
  simple = ub_vphone_run_tool (simple_argv, TOOL_TIMEOUT);
  g_assert_cmpint (simple->status, ==, 0);
  assert_field (simple->out, "UniqueDeviceID", udid);
  g_clear_pointer (&serial, g_free);
  serial = field (simple->out, "SerialNumber");
  g_assert_null (serial);
}

static void
test_ideviceinfo_battery (void)
{
  const char *argv[] = { "ideviceinfo", "-q", "com.apple.mobile.battery", "-k",
                         "BatteryCurrentCapacity", NULL };
  const char *simple_argv[] = { "ideviceinfo", "-s", "-q", "com.apple.mobile.battery", NULL };
  g_autoptr(UbVphoneRun) run = NULL;
  g_autoptr(UbVphoneRun) simple = NULL;

  start_in ("normal");
  run = ub_vphone_run_tool (argv, TOOL_TIMEOUT);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpstr (run->out, ==, "87\n");
  simple = ub_vphone_run_tool (simple_argv, TOOL_TIMEOUT);
  g_assert_cmpstr (simple->out, ==, "");
  g_assert_true (ub_vphone_record_has ("lockdown GetValue com.apple.mobile.battery *"));
}

/* Without a pair record the host pairs (the phone accepts) and saves one. */
static void
test_ideviceinfo_pairs (void)
{
  const char *argv[] = { "ideviceinfo", "-k", "ProductType", NULL };
  g_autoptr(UbVphoneRun) run = NULL;
  g_autoptr(UbVphoneRun) again = NULL;
  g_autofree char *udid = state_value ("udid");
  g_autofree char *saved = g_strconcat ("usbmux SavePairRecord ", udid, NULL);

  start_in ("normal");
  ub_vphone_assert_run (phone, "fault no-pair-record");
  run = ub_vphone_run_tool (argv, TOOL_TIMEOUT);
  g_test_message ("%s", run->err);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_true (g_str_has_prefix (run->out, ub_model_get_product_type (model)));
  g_assert_true (ub_vphone_record_has (saved));
  /* The saved record works the next time, without pairing again. */
  again = ub_vphone_run_tool (argv, TOOL_TIMEOUT);
  g_assert_cmpint (again->status, ==, 0);
}

static void
test_enter_recovery (void)
{
  g_autofree char *udid = state_value ("udid");
  const char *argv[] = { "ideviceenterrecovery", udid, NULL };
  const char *normal_argv[] = { "irecovery", "-n", NULL };
  g_autoptr(UbVphoneRun) run = NULL;
  g_autoptr(UbVphoneRun) back = NULL;

  start_in ("normal");
  run = ub_vphone_run_tool (argv, TOOL_TIMEOUT);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_nonnull (strstr (run->out, "successfully switching"));
  g_assert_null (strstr (run->out, "Failed"));
  wait_for ("mode", "recovery", 20);
  assert_state ("pid", "0x1281");
  assert_state ("screen", "recovery");
  assert_state ("auto-boot", "false");
  g_assert_true (ub_vphone_record_has ("lockdown EnterRecovery"));
  /* irecovery -n: setenv auto-boot true, saveenv, reboot: back to iOS. */
  back = ub_vphone_run_tool (normal_argv, TOOL_TIMEOUT);
  g_assert_cmpint (back->status, ==, 0);
  wait_for ("mode", "normal", 20);
  g_assert_true (ub_vphone_record_has ("recovery command \"setenv auto-boot true\""));
  g_assert_true (ub_vphone_record_has ("recovery command \"saveenv\""));
  g_assert_true (ub_vphone_record_has ("recovery command \"reboot\""));
  assert_state ("auto-boot", "true");
}

static char *
write_image (gsize   size,
             char  **sha256)
{
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *data = g_malloc (size);
  char *path = NULL;
  int fd;

  for (gsize i = 0; i < size; i++)
    data[i] = (guint8) (g_test_rand_int () & 0xff);
  fd = g_file_open_tmp ("vphone-image-XXXXXX", &path, &error);
  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (path, (const char *) data, size, &error);
  g_assert_no_error (error);
  *sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, size);
  return path;
}

/* The size and SHA-256 of a file the test wrote. */
static gsize
file_facts (const char  *path,
            char       **sha256)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  gsize len = 0;

  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  *sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data, len);
  return len;
}

/* A personalized iBSS (IMG4) through DFU: the phone boots it. */
static void
test_dfu_upload (void)
{
  g_autofree char *sha256 = NULL;
  g_autofree char *path = NULL;
  const char *argv[] = { usbtool, "dfu-send", NULL, NULL };
  g_autoptr(UbVphoneRun) run = NULL;
  g_autofree char *line = NULL;
  g_autofree char *zlp = NULL;
  gsize size;

  start_in ("dfu");
  path = ub_vphone_img4_write_good (phone, "ibss", 150000);
  argv[2] = path;
  size = file_facts (path, &sha256);
  line = g_strdup_printf ("dfu image %" G_GSIZE_FORMAT " bytes crc ok sha256 %s", size + 16, sha256);
  zlp = g_strdup_printf ("usb ctrl 21 01 %04" G_GSIZE_MODIFIER "x 0000 0", (size + 16 + 0x7ff) / 0x800);
  run = ub_vphone_run_tool (argv, TOOL_TIMEOUT);
  g_test_message ("%s", run->out);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_true (ub_vphone_record_has (line));
  g_assert_true (ub_vphone_record_has (zlp));   /* the zero-length DNLOAD that finishes */
  g_assert_true (ub_vphone_record_has ("usb reset"));
  /* iBSS starts: the phone comes back in recovery mode, screen dark. */
  wait_for ("mode", "recovery", 10);
  assert_state ("screen", "black");
  g_unlink (path);
}

static void
test_dfu_bad_crc (void)
{
  g_autofree char *sha256 = NULL;
  g_autofree char *path = write_image (5000, &sha256);
  const char *argv[] = { usbtool, "--bad-crc", "dfu-send", path, NULL };
  const char *status_argv[] = { usbtool, "dfu-status", NULL };
  g_autoptr(UbVphoneRun) run = NULL;
  g_autoptr(UbVphoneRun) status = NULL;
  g_autofree char *record = NULL;

  start_in ("dfu");
  run = ub_vphone_run_tool (argv, TOOL_TIMEOUT);
  g_test_message ("%s", run->out);
  g_assert_nonnull (strstr (run->out, "manifest status 0x07 state 10"));
  ub_vphone_phone_sleep (2);
  assert_state ("mode", "dfu");
  status = ub_vphone_run_tool (status_argv, TOOL_TIMEOUT);
  g_assert_nonnull (strstr (status->out, "ok status 0x07 state 10"));
  record = ub_vphone_read_record ();
  g_assert_nonnull (strstr (record, "crc bad"));
  g_unlink (path);
}

static char *
usb_command (const char *command)
{
  const char *argv[] = { usbtool, "command", command, NULL };
  g_autoptr(UbVphoneRun) run = ub_vphone_run_tool (argv, TOOL_TIMEOUT);

  g_assert_cmpint (run->status, ==, 0);
  g_assert_true (g_str_has_prefix (run->out, "ok"));
  return g_strstrip (g_strdup (run->out + 2));
}

/* setenv and getenv; saveenv keeps a variable across a reboot, setenv alone
 * does not. */
static void
test_recovery_env (void)
{
  g_autofree char *before = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *lost = NULL;
  g_autofree char *env = NULL;

  start_in ("recovery");
  g_free (usb_command ("setenv boot-args -v"));
  before = usb_command ("getenv boot-args");
  g_assert_cmpstr (before, ==, "-v");
  g_free (usb_command ("saveenv"));
  g_free (usb_command ("setenv auto-boot false"));
  g_free (usb_command ("setenv vphone-test unsaved"));
  env = state_value ("auto-boot");
  g_assert_cmpstr (env, ==, "false");
  g_free (usb_command ("reboot"));
  wait_for ("mode", "normal", 5);
  ub_vphone_assert_run (phone, "mode recovery");
  saved = usb_command ("getenv boot-args");
  g_assert_cmpstr (saved, ==, "-v");
  lost = usb_command ("getenv vphone-test");
  g_assert_cmpstr (lost, ==, "");
  g_assert_true (ub_vphone_record_has ("recovery command \"getenv boot-args\""));
}

/* An upload (irecovery -f in recovery: 0x41/0, then bulk on 0x04) of a
 * personalized iBEC, then `go`: iBEC starts and the phone comes back. */
static void
test_recovery_upload (void)
{
  g_autofree char *sha256 = NULL;
  g_autofree char *path = NULL;
  const char *argv[] = { "irecovery", "-f", NULL, NULL };
  g_autoptr(UbVphoneRun) run = NULL;
  g_autofree char *line = NULL;
  gsize size;

  start_in ("recovery");
  path = ub_vphone_img4_write_good (phone, "ibec", 70000);
  argv[2] = path;
  size = file_facts (path, &sha256);
  line = g_strdup_printf ("recovery upload %" G_GSIZE_FORMAT " bytes sha256 %s", size, sha256);
  run = ub_vphone_run_tool (argv, TOOL_TIMEOUT);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_true (ub_vphone_record_has ("usb ctrl 41 00 0000 0000 0"));
  g_assert_true (ub_vphone_record_has ("usb bulk 04 32768"));
  g_assert_true (ub_vphone_record_has (line));
  g_free (usb_command ("go"));
  /* Off USB for a moment only: the stage shows that it went and came back. */
  wait_for ("stage", "ibec", 5);
  assert_state ("mode", "recovery");
  g_unlink (path);
}

/* libusb hotplug (what the app's device monitor uses) sees every change. */
static void
test_usb_hotplug (void)
{
  const char *argv[] = { usbtool, "watch", "1000", NULL };
  UbVphoneWatcher *watcher;
  g_autofree char *events = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *left = NULL;
  g_autofree char *arrived = NULL;
  guint dfu_pid = ub_model_has_wtf_mode (model) ? 0x1222 : 0x1227;

  start_in ("dfu");
  watcher = ub_vphone_watcher_start (argv);
  ub_vphone_assert_run (phone, "mode recovery");
  left = ub_vphone_watcher_next (watcher);
  arrived = ub_vphone_watcher_next (watcher);
  expected = g_strdup_printf ("left 05ac:%04x", dfu_pid);
  g_assert_cmpstr (left, ==, expected);
  g_assert_cmpstr (arrived, ==, "arrived 05ac:1281");
  /* Unplugged only once the arrival was seen: libusb reads a new device's
   * sysfs entry when it handles the event, and one already gone is dropped */
  ub_vphone_assert_run (phone, "unplug");
  events = ub_vphone_watcher_finish (watcher);
  g_assert_cmpstr (events, ==, "left 05ac:1281\nok\n");
  ub_vphone_assert_run (phone, "plug");
}

/* libimobiledevice's events: the phone is on usbmuxd in normal mode only. */
static void
test_usbmux_events (void)
{
  const char *argv[] = { muxwatch, "1000", NULL };
  g_autofree char *udid = state_value ("udid");
  g_autofree char *expected = g_strdup_printf ("add %s\nremove %s\nok\n", udid, udid);
  g_autofree char *events = NULL;
  UbVphoneWatcher *watcher;

  start_in ("recovery");
  watcher = ub_vphone_watcher_start (argv);
  ub_vphone_assert_run (phone, "mode normal");
  ub_vphone_phone_sleep (2);
  ub_vphone_assert_run (phone, "mode dfu");
  events = ub_vphone_watcher_finish (watcher);
  g_assert_cmpstr (events, ==, expected);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UbModelDb) db = NULL;
  g_autofree char *product_type = NULL;
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  phone = ub_vphone_client_new (NULL, &error);
  g_assert_no_error (error);
  db = ub_model_db_new_default ();
  product_type = state_value ("model");
  model = g_object_ref (ub_model_db_lookup_product_type (db, product_type));
  usbtool = g_test_build_filename (G_TEST_BUILT, "vphone-usbtool", NULL);
  muxwatch = g_test_build_filename (G_TEST_BUILT, "vphone-muxwatch", NULL);
  g_test_message ("Simulating %s", product_type);

  g_test_add_func ("/vphone/tools/irecovery-dfu", test_irecovery_dfu);
  g_test_add_func ("/vphone/tools/irecovery-recovery", test_irecovery_recovery);
  g_test_add_func ("/vphone/tools/ideviceinfo-key", test_ideviceinfo_key);
  g_test_add_func ("/vphone/tools/ideviceinfo-full", test_ideviceinfo_full);
  g_test_add_func ("/vphone/tools/ideviceinfo-battery", test_ideviceinfo_battery);
  g_test_add_func ("/vphone/tools/ideviceinfo-pairs", test_ideviceinfo_pairs);
  g_test_add_func ("/vphone/tools/enter-recovery", test_enter_recovery);
  g_test_add_func ("/vphone/tools/dfu-upload", test_dfu_upload);
  g_test_add_func ("/vphone/tools/dfu-bad-crc", test_dfu_bad_crc);
  g_test_add_func ("/vphone/tools/recovery-env", test_recovery_env);
  g_test_add_func ("/vphone/tools/recovery-upload", test_recovery_upload);
  g_test_add_func ("/vphone/tools/usb-hotplug", test_usb_hotplug);
  g_test_add_func ("/vphone/tools/usbmux-events", test_usbmux_events);
  status = g_test_run ();
  g_clear_object (&phone);
  g_clear_object (&model);
  g_free (usbtool);
  g_free (muxwatch);
  return status;
}
