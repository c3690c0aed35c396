/* test-recovery-upload.c — recovery-mode uploads, commands and getenv, against the virtual iPhone
 *
 * Runs as the child of vphone (an iPhone X starting in recovery mode). What
 * iBoot received is checked in vphone's record file: each upload's size and
 * SHA-256, the zero-length packet that ends exactly the uploads whose length
 * is a multiple of 512, and the bRequest of every command.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ub-test-boot.h"
#include "ub-test-device.h"
#include "ub-vphone-testutil.h"

#define ECID UB_TEST_BOOT_ECID
#define RECOVERY_MASK UB_DEVICE_MODE_MASK (UB_DEVICE_MODE_RECOVERY)

static UbVphoneClient *phone;

static gboolean
upload (UbDevice  *device,
        GBytes    *data,
        GError   **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  ub_recovery_send_file_async (device, data, NULL, ub_test_boot_on_done, &result);
  return ub_recovery_send_file_finish (ub_test_boot_wait_result (&result), error);
}

static gboolean
command_breq (UbDevice    *device,
              const char  *text,
              guint8       b_request,
              GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  ub_recovery_send_command_breq_async (device, text, b_request, NULL, ub_test_boot_on_done, &result);
  return ub_recovery_send_command_breq_finish (ub_test_boot_wait_result (&result), error);
}

static char *
get_env (UbDevice    *device,
         const char  *name,
         GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  ub_recovery_getenv_async (device, name, NULL, ub_test_boot_on_done, &result);
  return ub_recovery_getenv_finish (ub_test_boot_wait_result (&result), error);
}

/* Sizes around 512-byte multiples: a zero-length packet ends exactly those */
static void
test_upload_sizes (void)
{
  g_autoptr(UbDevice) device = ub_test_boot_phone_in (UB_DEVICE_MODE_RECOVERY, "mode recovery");
  const gsize sizes[] = { 511, 512, 513, 3 * 512, 0x8000, 0x8000 + 1, 70000, 2 * 0x8000 + 512 };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(GBytes) data = ub_test_boot_make_bytes (sizes[i], 20 + i);
      g_autofree char *sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, data);
      g_autofree char *line = g_strdup_printf ("recovery upload %" G_GSIZE_FORMAT " bytes sha256 %s",
                                               sizes[i], sha);
      g_autoptr(GError) error = NULL;
      g_autofree char *since = NULL;
      gsize mark = ub_test_boot_record_mark ();
      gboolean zlp;

      g_assert_true (upload (device, data, &error));
      g_assert_no_error (error);
      since = ub_test_boot_record_since (mark);
      g_assert_true (ub_test_boot_has_line (since, "usb ctrl 41 00 0000 0000 0"));
      g_assert_true (ub_test_boot_has_line (since, line));
      zlp = ub_test_boot_has_line (since, "usb bulk 04 0");
      g_assert_cmpint (zlp, ==, sizes[i] % 512 == 0);
      g_test_message ("upload of %" G_GSIZE_FORMAT " bytes recorded%s", sizes[i], zlp ? ", with ZLP" : "");
    }
}

/* bRequest 1 commands, getenv, and "go" booting the uploaded image */
static void
test_commands_and_go (void)
{
  g_autoptr(UbDevice) device = ub_test_boot_phone_in (UB_DEVICE_MODE_RECOVERY, "mode recovery");
  g_autoptr(GBytes) ibec = ub_test_boot_make_img4 (device, "ibec", 100000, 30);
  g_autoptr(GError) error = NULL;
  g_autoptr(UbDevice) back = NULL;
  g_autofree char *value = NULL;
  g_autofree char *missing = NULL;
  g_autofree char *since = NULL;
  gsize mark = ub_test_boot_record_mark ();

  g_assert_true (command_breq (device, "setenv unbrick-test 42", 0, &error));
  g_assert_no_error (error);
  value = get_env (device, "unbrick-test", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "42");
  missing = get_env (device, "unbrick-nothing", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (missing, ==, "");
  g_assert_null (get_env (device, "two words", &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);
  g_clear_error (&error);

  g_assert_true (upload (device, ibec, &error));
  g_assert_true (command_breq (device, "go", 1, &error));
  g_assert_no_error (error);
  since = ub_test_boot_record_since (mark);
  g_assert_true (ub_test_boot_has_line (since, "usb ctrl 40 01 0000 0000 3"));
  g_assert_true (ub_test_boot_has_line (since, "recovery command \"go\""));

  g_assert_true (ub_test_boot_wait_gone (device, &error));
  g_assert_no_error (error);
  back = ub_test_boot_wait_for (RECOVERY_MASK, ECID, UB_WAIT_DFU_RETURN_MS, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ub_device_get_id (back), !=, ub_device_get_id (device));
}

/* Recovery transfers that fail: clear errors, no hang */
static void
test_upload_faults (void)
{
  g_autoptr(UbDevice) device = ub_test_boot_phone_in (UB_DEVICE_MODE_RECOVERY, "mode recovery");
  g_autoptr(GBytes) data = ub_test_boot_make_bytes (5000, 40);
  g_autoptr(GError) error = NULL;
  gint64 start;

  ub_test_vphone_run (phone, "fault stall");
  g_assert_false (upload (device, data, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_PROTOCOL);
  g_test_message ("stalled upload → %s", error->message);
  g_clear_error (&error);

  /* A file that is no image for this phone: "go" is refused, plainly */
  g_assert_true (upload (device, data, &error));
  g_assert_no_error (error);
  g_assert_false (command_breq (device, "go", 1, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "refused the command “go”"));
  g_test_message ("go without an image → %s", error->message);
  g_clear_error (&error);

  ub_test_vphone_run (phone, "fault unresponsive");
  start = g_get_monotonic_time ();
  g_assert_false (upload (device, data, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_TIMED_OUT);
  g_test_message ("unresponsive upload → %s (%.2f s)", error->message,
                  (g_get_monotonic_time () - start) / 1e6);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 6 * G_USEC_PER_SEC);
  ub_test_vphone_run (phone, "clear-faults");
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  ub_test_boot_start ();
  phone = ub_test_boot_phone;

  g_test_add_func ("/unbrick/recovery-upload/sizes", test_upload_sizes);
  g_test_add_func ("/unbrick/recovery-upload/commands-and-go", test_commands_and_go);
  g_test_add_func ("/unbrick/recovery-upload/faults", test_upload_faults);
  ret = g_test_run ();

  ub_test_boot_stop ();
  return ret;
}
