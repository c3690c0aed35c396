/* test-vphone-faults.c — every fault of the virtual iPhone, as hosts see it
 *
 * Runs under vphone. Each fault is set through the control socket and
 * observed with a host that nobody here wrote (irecovery, ideviceinfo,
 * ideviceenterrecovery) or with plain libusb (vphone-usbtool): errors must
 * come back as errors, and hangs must be cheap while they last.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "ub-vphone-client.h"
#include "ub-vphone-img4-build.h"
#include "ub-vphone-testutil.h"

#define TOOL_TIMEOUT     30.0
#define HANG_SECONDS     1.5     /* how long a hanging host is left hanging */
#define CHEAP_CPU        0.5     /* CPU seconds a hang may cost, per process */

static UbVphoneClient *phone;
static char *usbtool;
static char *image;

static void
assert_state (const char *key,
              const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *value = ub_vphone_client_get (phone, key, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, expected);
}

static void
wait_for (const char *key,
          const char *value)
{
  g_autoptr(GError) error = NULL;

  ub_vphone_client_wait (phone, key, value, 10, &error);
  g_assert_no_error (error);
}

/* A phone just started in @mode (from off, so it enumerates afresh). */
static void
start_in (const char *mode)
{
  ub_vphone_assert_run (phone, "clear-faults");
  ub_vphone_assert_run (phone, "plug");
  ub_vphone_assert_run (phone, "mode off");
  ub_vphone_assert_run (phone, "mode %s", mode);
  wait_for ("mode", mode);
}

static UbVphoneRun *
usbtool_run (const char *command,
             const char *argument)
{
  const char *argv[] = { usbtool, "--timeout", "1500", command, argument, NULL };
  UbVphoneRun *run = ub_vphone_run_tool (argv, TOOL_TIMEOUT);

  g_test_message ("vphone-usbtool %s: %s", command, run->out);
  return run;
}

static void
assert_usb_error (UbVphoneRun *run,
                  const char  *result)
{
  g_assert_cmpint (run->status, ==, 1);
  g_assert_false (run->timed_out);
  g_assert_nonnull (strstr (run->out, result));
}

static void
test_stall_block (void)
{
  g_autoptr(UbVphoneRun) send = NULL;
  g_autoptr(UbVphoneRun) status = NULL;
  g_autoptr(UbVphoneRun) again = NULL;
  g_autoptr(UbVphoneRun) retry = NULL;

  start_in ("dfu");
  ub_vphone_assert_run (phone, "fault stall 3");
  send = usbtool_run ("dfu-send", image);
  assert_usb_error (send, "error LIBUSB_ERROR_PIPE at dnload 3");
  g_assert_true (ub_vphone_record_has ("fault stall"));
  /* The stall left DFU in dfuERROR (10), status errSTALLEDPKT. */
  status = usbtool_run ("dfu-status", NULL);
  g_assert_nonnull (strstr (status->out, "ok status 0x0f state 10"));
  /* The next try clears it (and fails, as libirecovery does); then all is well. */
  again = usbtool_run ("dfu-send", image);
  g_assert_nonnull (strstr (again->out, "CLRSTATUS"));
  retry = usbtool_run ("dfu-send", image);
  g_assert_cmpint (retry->status, ==, 0);
}

static void
test_stall_next (void)
{
  g_autoptr(UbVphoneRun) status = NULL;
  g_autoptr(UbVphoneRun) again = NULL;

  start_in ("recovery");
  ub_vphone_assert_run (phone, "fault stall");
  status = usbtool_run ("command", "setenv foo bar");
  assert_usb_error (status, "error LIBUSB_ERROR_PIPE at command");
  /* One transfer only. */
  again = usbtool_run ("command", "setenv foo bar");
  g_assert_cmpint (again->status, ==, 0);
}

static void
test_eproto (void)
{
  g_autoptr(UbVphoneRun) send = NULL;

  start_in ("dfu");
  ub_vphone_assert_run (phone, "fault eproto 2");
  send = usbtool_run ("dfu-send", image);
  assert_usb_error (send, "error LIBUSB_ERROR_IO at dnload 2");
  g_assert_true (ub_vphone_record_has ("fault eproto"));
}

static void
test_unplug_at_block (void)
{
  g_autoptr(UbVphoneRun) send = NULL;
  g_autoptr(UbVphoneRun) again = NULL;

  start_in ("dfu");
  ub_vphone_assert_run (phone, "fault unplug-at-block 4");
  send = usbtool_run ("dfu-send", image);
  assert_usb_error (send, "error LIBUSB_ERROR_NO_DEVICE at dnload 4");
  assert_state ("plugged", "no");
  assert_state ("pid", "none");
  assert_state ("mode", "dfu");
  g_assert_true (ub_vphone_record_has ("fault unplug-at-block 4"));
  ub_vphone_assert_run (phone, "plug");
  assert_state ("pid", "0x1227");
  again = usbtool_run ("dfu-send", image);
  g_assert_cmpint (again->status, ==, 0);
}

/* A device that never answers: the host times out, and waiting costs little. */
static void
test_unresponsive (void)
{
  g_autoptr(UbVphoneRun) status = NULL;
  double simulator_cpu;

  start_in ("dfu");
  ub_vphone_assert_run (phone, "fault unresponsive");
  simulator_cpu = ub_vphone_simulator_cpu_seconds ();
  status = usbtool_run ("dfu-status", NULL);
  simulator_cpu = ub_vphone_simulator_cpu_seconds () - simulator_cpu;
  g_test_message ("The simulator used %.2f s CPU meanwhile", simulator_cpu);
  assert_usb_error (status, "error LIBUSB_ERROR_TIMEOUT at getstatus");
  g_assert_cmpfloat (status->wall_seconds, >=, 1.4);
  g_assert_cmpfloat (status->cpu_seconds, <, CHEAP_CPU);
  g_assert_cmpfloat (simulator_cpu, <, CHEAP_CPU);
}

static void
test_wrong_mode (void)
{
  g_autoptr(UbVphoneRun) send = NULL;

  start_in ("dfu");
  ub_vphone_assert_run (phone, "fault wrong-mode normal");
  send = usbtool_run ("dfu-send", image);
  g_assert_cmpint (send->status, ==, 0);
  wait_for ("mode", "normal");
  assert_state ("pid", "0x12a8");
}

/* A second USB device listed after the phone: Debian's libirecovery 1.0.0
 * crashes on it (its loop goes on over a freed list); a libusb host that
 * stops at the phone does not. */
static void
test_extra_device (void)
{
  const char *irecovery[] = { "irecovery", "-q", NULL };
  g_autoptr(UbVphoneRun) list = NULL;
  g_autoptr(UbVphoneRun) crash = NULL;
  g_autoptr(UbVphoneRun) status = NULL;
  g_autoptr(UbVphoneRun) alone = NULL;

  start_in ("dfu");
  ub_vphone_assert_run (phone, "fault extra-device");
  list = usbtool_run ("list", NULL);
  g_assert_nonnull (strstr (list->out, "device 05ac:1227\ndevice 0781:5581\nok 2 devices"));
  crash = ub_vphone_run_tool (irecovery, TOOL_TIMEOUT);
  g_assert_true (crash->status == 128 + SIGSEGV || crash->status == 128 + SIGBUS ||
                 crash->status == 128 + SIGABRT);
  status = usbtool_run ("dfu-status", NULL);
  g_assert_cmpint (status->status, ==, 0);
  ub_vphone_assert_run (phone, "clear-faults");
  alone = usbtool_run ("list", NULL);
  g_assert_nonnull (strstr (alone->out, "ok 1 devices"));
}

static void
test_usbmuxd_vanish (void)
{
  const char *argv[] = { "ideviceinfo", "-k", "ProductType", NULL };
  const char *address = g_getenv ("USBMUXD_SOCKET_ADDRESS");
  g_autoptr(UbVphoneRun) gone = NULL;
  g_autoptr(UbVphoneRun) back = NULL;

  g_assert_true (g_str_has_prefix (address, "UNIX:"));
  start_in ("normal");
  ub_vphone_assert_run (phone, "fault usbmuxd-vanish");
  g_assert_false (g_file_test (address + 5, G_FILE_TEST_EXISTS));
  gone = ub_vphone_run_tool (argv, TOOL_TIMEOUT);
  g_assert_cmpint (gone->status, !=, 0);
  g_assert_nonnull (strstr (gone->out, "No device found"));
  ub_vphone_assert_run (phone, "clear-faults");
  back = ub_vphone_run_tool (argv, TOOL_TIMEOUT);
  g_assert_cmpint (back->status, ==, 0);
}

/* ideviceinfo left hanging until the test kills it; cheap meanwhile. */
static void
assert_cheap_hang (const char * const *argv)
{
  double simulator_cpu = ub_vphone_simulator_cpu_seconds ();
  g_autoptr(UbVphoneRun) run = ub_vphone_run_tool (argv, HANG_SECONDS);

  simulator_cpu = ub_vphone_simulator_cpu_seconds () - simulator_cpu;
  g_test_message ("The simulator used %.2f s CPU meanwhile", simulator_cpu);
  g_assert_true (run->timed_out);
  g_assert_cmpfloat (run->cpu_seconds, <, CHEAP_CPU);
  g_assert_cmpfloat (simulator_cpu, <, CHEAP_CPU);
}

static void
test_lockdownd_silent (void)
{
  const char *argv[] = { "ideviceinfo", "-k", "ProductType", NULL };

  start_in ("normal");
  ub_vphone_assert_run (phone, "fault lockdownd-silent");
  assert_cheap_hang (argv);
  g_assert_true (ub_vphone_record_has ("lockdown connection ignored (lockdownd-silent)"));
}

static void
test_tls_stall (void)
{
  const char *argv[] = { "ideviceinfo", NULL };
  g_autofree char *record = NULL;

  start_in ("normal");
  ub_vphone_assert_run (phone, "fault tls-stall");
  assert_cheap_hang (argv);
  record = ub_vphone_read_record ();
  g_assert_nonnull (strstr (record, "lockdown StartSession"));
}

static void
assert_lockdown_error (const char *fault,
                       const char *message)
{
  const char *argv[] = { "ideviceinfo", "-k", "ProductType", NULL };
  g_autoptr(UbVphoneRun) run = NULL;

  start_in ("normal");
  ub_vphone_assert_run (phone, "fault %s", fault);
  run = ub_vphone_run_tool (argv, TOOL_TIMEOUT);
  g_test_message ("%s", run->err);
  g_assert_cmpint (run->status, !=, 0);
  g_assert_nonnull (strstr (run->err, message));
}

/* The host has no pair record: it pairs (the phone accepts) and goes on. */
static void
test_no_pair_record (void)
{
  const char *argv[] = { "ideviceinfo", "-k", "ProductType", NULL };
  g_autoptr(UbVphoneRun) run = NULL;
  g_autofree char *record = NULL;

  start_in ("normal");
  ub_vphone_assert_run (phone, "fault no-pair-record");
  run = ub_vphone_run_tool (argv, TOOL_TIMEOUT);
  g_assert_cmpint (run->status, ==, 0);
  record = ub_vphone_read_record ();
  g_assert_nonnull (strstr (record, "lockdown Pair "));
  g_assert_nonnull (strstr (record, "usbmux SavePairRecord "));
}

static void
test_trust_pending (void)
{
  assert_lockdown_error ("trust-pending", "Pairing dialog response pending (-19)");
}

static void
test_locked (void)
{
  g_autofree char *record = NULL;

  assert_lockdown_error ("locked", "Password protected (-17)");
  record = ub_vphone_read_record ();
  g_assert_nonnull (strstr (record, "lockdown Pair "));
}

static void
test_enter_recovery_refused (void)
{
  g_autofree char *udid = ub_vphone_client_get (phone, "udid", NULL);
  const char *argv[] = { "ideviceenterrecovery", udid, NULL };
  g_autoptr(UbVphoneRun) run = NULL;

  start_in ("normal");
  ub_vphone_assert_run (phone, "fault enter-recovery-refused");
  run = ub_vphone_run_tool (argv, TOOL_TIMEOUT);
  g_assert_nonnull (strstr (run->out, "Failed to enter recovery mode."));
  ub_vphone_phone_sleep (3);
  assert_state ("mode", "normal");
}

/* An iBSS the phone boots: personalized for its ECID and ApNonce. */
static char *
write_image (void)
{
  return ub_vphone_img4_write_good (phone, "ibss", 20000);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  phone = ub_vphone_client_new (NULL, &error);
  g_assert_no_error (error);
  usbtool = g_test_build_filename (G_TEST_BUILT, "vphone-usbtool", NULL);
  image = write_image ();

  g_test_add_func ("/vphone/faults/stall-block", test_stall_block);
  g_test_add_func ("/vphone/faults/stall-next", test_stall_next);
  g_test_add_func ("/vphone/faults/eproto", test_eproto);
  g_test_add_func ("/vphone/faults/unplug-at-block", test_unplug_at_block);
  g_test_add_func ("/vphone/faults/unresponsive", test_unresponsive);
  g_test_add_func ("/vphone/faults/wrong-mode", test_wrong_mode);
  g_test_add_func ("/vphone/faults/extra-device", test_extra_device);
  g_test_add_func ("/vphone/faults/usbmuxd-vanish", test_usbmuxd_vanish);
  g_test_add_func ("/vphone/faults/lockdownd-silent", test_lockdownd_silent);
  g_test_add_func ("/vphone/faults/tls-stall", test_tls_stall);
  g_test_add_func ("/vphone/faults/no-pair-record", test_no_pair_record);
  g_test_add_func ("/vphone/faults/trust-pending", test_trust_pending);
  g_test_add_func ("/vphone/faults/locked", test_locked);
  g_test_add_func ("/vphone/faults/enter-recovery-refused", test_enter_recovery_refused);
  status = g_test_run ();
  g_unlink (image);
  g_free (image);
  g_free (usbtool);
  g_clear_object (&phone);
  return status;
}
