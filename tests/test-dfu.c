/* test-dfu.c — DFU downloads, recovery uploads and the waits between, against the virtual iPhone
 *
 * Runs as the child of vphone (an iPhone X starting in DFU mode), so our own
 * libusb code talks to a simulated SecureROM and iBoot. The cases run in
 * order and share the phone; each puts it in the mode it needs. What the
 * phone received is checked in vphone's record file: the image's size, CRC
 * verdict and SHA-256, and every control and bulk transfer.
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

typedef struct
{
  guint   calls;
  gsize   last_sent;
  gsize   last_total;
  gint64  first_us;
  gint64  last_us;
  GCancellable *cancel_at_first;
  const char   *fault_at_first;
  gboolean destroyed;
} Progress;

/* --- helpers -------------------------------------------------------------- */

static char *
image_record_line (GBytes *image)
{
  g_autofree char *sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, image);

  return g_strdup_printf ("dfu image %" G_GSIZE_FORMAT " bytes crc ok sha256 %s",
                          g_bytes_get_size (image) + UB_DFU_SUFFIX_SIZE, sha);
}

static void
on_progress (gsize    sent,
             gsize    total,
             gpointer data)
{
  Progress *p = data;
  gint64 now = g_get_monotonic_time ();

  g_assert_cmpuint (sent, <=, total);
  if (p->calls == 0)
    p->first_us = now;
  p->last_us = now;
  p->calls++;
  p->last_sent = sent;
  p->last_total = total;
  if (p->cancel_at_first != NULL)
    g_cancellable_cancel (p->cancel_at_first);
  if (p->fault_at_first != NULL && p->calls == 1)
    ub_test_vphone_run (phone, p->fault_at_first);
}

static void
on_progress_destroy (gpointer data)
{
  ((Progress *)data)->destroyed = TRUE;
}

static gboolean
send_dfu (UbDevice      *device,
          GBytes        *image,
          Progress      *progress,
          GCancellable  *cancellable,
          GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  ub_dfu_send_async (device, image, cancellable, progress ? on_progress : NULL, progress,
                     progress ? on_progress_destroy : NULL, ub_test_boot_on_done, &result);
  return ub_dfu_send_finish (ub_test_boot_wait_result (&result), error);
}

/* --- no phone needed ------------------------------------------------------- */

static void
test_suffix (void)
{
  g_autoptr(GBytes) check = g_bytes_new_static ("123456789", 9);
  g_autoptr(GBytes) image = ub_test_boot_make_bytes (1000, 7);
  guint8 suffix[UB_DFU_SUFFIX_SIZE];
  guint32 crc, stored;

  /* CRC-32 of "123456789" is 0xCBF43926; the DFU form skips the final inversion */
  g_assert_cmphex (ub_dfu_crc32_update (0xffffffff, g_bytes_get_data (check, NULL), 9), ==, ~0xCBF43926u);

  ub_dfu_make_suffix (image, suffix);
  g_assert_cmpmem (suffix, 12, "\xff\xff\xff\xff\xac\x05\x00\x01\x55\x46\x44\x10", 12);
  crc = ub_dfu_crc32_update (0xffffffff, g_bytes_get_data (image, NULL), 1000);
  crc = ub_dfu_crc32_update (crc, suffix, 12);
  stored = suffix[12] | suffix[13] << 8 | suffix[14] << 16 | (guint32)suffix[15] << 24;
  g_assert_cmphex (stored, ==, crc);

  /* The suffix rides in the last block when it fits, else in one more */
  g_assert_cmpuint (ub_dfu_count_blocks (1), ==, 1);
  g_assert_cmpuint (ub_dfu_count_blocks (0x7f0), ==, 1);
  g_assert_cmpuint (ub_dfu_count_blocks (0x7f1), ==, 2);
  g_assert_cmpuint (ub_dfu_count_blocks (0x800), ==, 2);
  g_assert_cmpuint (ub_dfu_count_blocks (0xff0), ==, 2);
  g_assert_cmpuint (ub_dfu_count_blocks (0x1000), ==, 3);
}

/* --- DFU --------------------------------------------------------------------- */

/* A synthetic image goes out whole, and the phone comes back as iBSS in recovery */
static void
test_send (void)
{
  g_autoptr(UbDevice) device = ub_test_boot_phone_in (UB_DEVICE_MODE_DFU, "mode dfu");
  g_autoptr(GBytes) image = ub_test_boot_make_img4 (device, "ibss", 300 * 1024 + 123, 1);
  g_autofree char *line = image_record_line (image);
  g_autoptr(GError) error = NULL;
  g_autoptr(UbDevice) back = NULL;
  Progress progress = { 0, };
  gint64 start = g_get_monotonic_time ();
  double seconds, back_seconds;

  g_assert_true (send_dfu (device, image, &progress, NULL, &error));
  g_assert_no_error (error);
  seconds = (g_get_monotonic_time () - start) / 1e6;
  g_assert_true (ub_vphone_record_has (line));
  g_assert_true (ub_vphone_record_has ("usb reset"));

  back = ub_test_boot_wait_for (RECOVERY_MASK, ECID, UB_WAIT_DFU_RETURN_MS, &error);
  g_assert_no_error (error);
  back_seconds = (g_get_monotonic_time () - start) / 1e6 - seconds;
  g_assert_cmpint (ub_device_get_mode (back), ==, UB_DEVICE_MODE_RECOVERY);
  g_assert_cmphex (ub_device_get_ecid (back), ==, ECID);

  /* Progress: on this thread, throttled, ending at the total */
  ub_test_wait (50);
  g_assert_cmpuint (progress.calls, >=, 1);
  g_assert_cmpuint (progress.last_sent, ==, g_bytes_get_size (image) + UB_DFU_SUFFIX_SIZE);
  g_assert_cmpuint (progress.last_total, ==, progress.last_sent);
  g_assert_cmpuint (progress.calls, <=, 2 + (guint)(seconds * 4));
  g_assert_true (progress.destroyed);
  g_test_message ("%u blocks sent in %.2f s (%u progress calls), back in recovery %.2f s later",
                  ub_dfu_count_blocks (g_bytes_get_size (image)), seconds, progress.calls, back_seconds);
}

/* A stall or a protocol error mid-image: cleared, and the image sent again whole */
static void
test_recovered_faults (void)
{
  const char *faults[] = { "fault stall 3", "fault eproto 2", "fault stall 0" };

  for (guint i = 0; i < G_N_ELEMENTS (faults); i++)
    {
      g_autoptr(UbDevice) device = ub_test_boot_phone_in (UB_DEVICE_MODE_DFU, "mode dfu");
      g_autoptr(GBytes) image = ub_test_boot_make_img4 (device, "ibss", 5 * UB_DFU_BLOCK_SIZE + 77, 10 + i);
      g_autofree char *line = image_record_line (image);
      g_autoptr(GError) error = NULL;
      g_autoptr(UbDevice) back = NULL;
      g_autofree char *since = NULL;
      gsize mark = ub_test_boot_record_mark ();

      ub_test_vphone_run (phone, faults[i]);
      g_assert_true (send_dfu (device, image, NULL, NULL, &error));
      g_assert_no_error (error);
      since = ub_test_boot_record_since (mark);
      g_assert_true (ub_test_boot_has_line (since, strstr (faults[i], "stall") != NULL ? "fault stall"
                                                                                  : "fault eproto"));
      g_assert_true (ub_test_boot_has_line (since, line));
      back = ub_test_boot_wait_for (RECOVERY_MASK, ECID, UB_WAIT_DFU_RETURN_MS, &error);
      g_assert_no_error (error);
      g_test_message ("%s: recovered, image whole", faults[i]);
    }
}

/* Cable out at block N: a plain "disconnected", promptly */
static void
test_unplug (void)
{
  g_autoptr(UbDevice) device = ub_test_boot_phone_in (UB_DEVICE_MODE_DFU, "mode dfu");
  g_autoptr(GBytes) image = ub_test_boot_make_bytes (20 * UB_DFU_BLOCK_SIZE, 3);
  g_autoptr(GError) error = NULL;
  g_autoptr(UbDevice) again = NULL;
  gint64 start = g_get_monotonic_time ();

  ub_test_vphone_run (phone, "fault unplug-at-block 7");
  g_assert_false (send_dfu (device, image, NULL, NULL, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_DISCONNECTED);
  g_test_message ("unplugged → %s (%.2f s)", error->message, (g_get_monotonic_time () - start) / 1e6);
  g_assert_nonnull (strstr (error->message, "8 of 21"));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
  g_clear_error (&error);

  g_assert_true (ub_test_boot_wait_gone (device, &error));
  g_assert_no_error (error);
  again = ub_test_boot_phone_in (UB_DEVICE_MODE_DFU, "plug");
  g_assert_cmpstr (ub_device_get_id (again), !=, NULL);
}

/* A phone that answers nothing: a timeout, within a few seconds */
static void
test_unresponsive (void)
{
  g_autoptr(UbDevice) device = ub_test_boot_phone_in (UB_DEVICE_MODE_DFU, "mode dfu");
  g_autoptr(GBytes) image = ub_test_boot_make_bytes (4096, 4);
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  double seconds;

  ub_test_vphone_run (phone, "fault unresponsive");
  g_assert_false (send_dfu (device, image, NULL, NULL, &error));
  seconds = (g_get_monotonic_time () - start) / 1e6;
  g_assert_error (error, UB_ERROR, UB_ERROR_TIMED_OUT);
  g_test_message ("unresponsive → %s (%.2f s)", error->message, seconds);
  g_assert_cmpfloat (seconds, <, 6.0);
  ub_test_vphone_run (phone, "clear-faults");
}

/* The phone stops answering mid-image: a timeout naming the part; the next
 * send finds it mid-download and tells it to abort; the one after works */
static void
test_unresponsive_mid_image (void)
{
  g_autoptr(UbDevice) device = ub_test_boot_phone_in (UB_DEVICE_MODE_DFU, "mode dfu");
  g_autoptr(GBytes) image = ub_test_boot_make_img4 (device, "ibss", 1024 * 1024, 12);
  g_autoptr(GError) error = NULL;
  g_autoptr(UbDevice) back = NULL;
  g_autofree char *since = NULL;
  Progress progress = { 0, };
  gint64 start = g_get_monotonic_time ();
  double seconds;
  gsize mark;

  progress.fault_at_first = "fault unresponsive";
  g_assert_false (send_dfu (device, image, &progress, NULL, &error));
  seconds = (g_get_monotonic_time () - start) / 1e6;
  g_assert_error (error, UB_ERROR, UB_ERROR_TIMED_OUT);
  g_assert_nonnull (strstr (error->message, "stopped answering"));
  g_test_message ("unresponsive mid-image → %s (%.2f s)", error->message, seconds);
  g_assert_cmpfloat (seconds, <, 6.0);
  g_clear_error (&error);
  ub_test_vphone_run (phone, "clear-faults");

  mark = ub_test_boot_record_mark ();
  g_assert_false (send_dfu (device, image, NULL, NULL, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_PROTOCOL);
  g_test_message ("half-sent image left → %s", error->message);
  since = ub_test_boot_record_since (mark);
  g_assert_true (ub_test_boot_has_line (since, "usb ctrl 21 06 0000 0000 0"));
  g_clear_error (&error);

  g_assert_true (send_dfu (device, image, NULL, NULL, &error));
  g_assert_no_error (error);
  back = ub_test_boot_wait_for (RECOVERY_MASK, ECID, UB_WAIT_DFU_RETURN_MS, &error);
  g_assert_no_error (error);
}

/* An error left from before (dfuERROR): cleared with CLRSTATUS, reported,
 * and the next send works */
static void
test_error_state (void)
{
  g_autoptr(UbDevice) device = ub_test_boot_phone_in (UB_DEVICE_MODE_DFU, "mode dfu");
  g_autoptr(GBytes) image = ub_test_boot_make_img4 (device, "ibss", 10000, 13);
  g_autoptr(GError) error = NULL;
  g_autoptr(UbDevice) back = NULL;
  g_autofree char *since = NULL;
  gsize mark;

  /* The stall hits the first control transfer: reading the serial number */
  ub_test_vphone_run (phone, "fault stall");
  g_assert_false (send_dfu (device, image, NULL, NULL, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_PROTOCOL);
  g_clear_error (&error);

  mark = ub_test_boot_record_mark ();
  g_assert_false (send_dfu (device, image, NULL, NULL, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_PROTOCOL);
  g_test_message ("dfuERROR at start → %s", error->message);
  since = ub_test_boot_record_since (mark);
  g_assert_true (ub_test_boot_has_line (since, "usb ctrl 21 04 0000 0000 0"));
  g_assert_null (strstr (since, "usb ctrl 21 01"));
  g_clear_error (&error);

  g_assert_true (send_dfu (device, image, NULL, NULL, &error));
  g_assert_no_error (error);
  back = ub_test_boot_wait_for (RECOVERY_MASK, ECID, UB_WAIT_DFU_RETURN_MS, &error);
  g_assert_no_error (error);
}

/* The image "boots" but the phone settles in DFU again: the wait says so */
static void
test_wrong_mode (void)
{
  g_autoptr(UbDevice) device = ub_test_boot_phone_in (UB_DEVICE_MODE_DFU, "mode dfu");
  g_autoptr(GBytes) image = ub_test_boot_make_img4 (device, "ibss", 3000, 5);
  g_autoptr(GError) error = NULL;
  g_autoptr(UbDevice) back = NULL;

  ub_test_vphone_run (phone, "fault wrong-mode dfu");
  g_assert_true (send_dfu (device, image, NULL, NULL, &error));
  g_assert_no_error (error);
  back = ub_test_boot_wait_for (RECOVERY_MASK, ECID, UB_WAIT_DFU_RETURN_MS, &error);
  g_assert_null (back);
  g_assert_error (error, UB_ERROR, UB_ERROR_WRONG_MODE);
  g_test_message ("wrong mode → %s", error->message);
}

/* A snapshot whose ECID is not the phone's: refused before any DFU request */
static void
test_other_phone (void)
{
  g_autoptr(UbDevice) device = ub_test_boot_phone_in (UB_DEVICE_MODE_DFU, "mode dfu");
  g_autoptr(UbDevice) forged = NULL;
  g_autoptr(UbIbootInfo) info = NULL;
  g_autoptr(GBytes) image = ub_test_boot_make_bytes (3000, 6);
  g_autoptr(GError) error = NULL;
  g_autofree char *since = NULL;
  const char *serial = "CPID:8015 CPRV:11 CPFM:03 SCEP:01 BDID:06 ECID:0000000000000042 IBFL:3C";
  gsize mark = ub_test_boot_record_mark ();

  forged = ub_device_new_usb (ub_device_get_bus (device), ub_device_get_address (device),
                              ub_device_get_port_path (device), 0x1227);
  info = ub_iboot_info_parse (serial, &error);
  g_assert_no_error (error);
  _ub_device_set_serial (forged, serial, g_steal_pointer (&info));
  g_assert_false (send_dfu (forged, image, NULL, NULL, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_NOT_FOUND);
  g_test_message ("other phone → %s", error->message);
  since = ub_test_boot_record_since (mark);
  g_assert_null (strstr (since, "usb ctrl 21"));
  g_assert_null (strstr (since, "usb ctrl a1"));
}

/* Cancelled mid-image: the phone is told to abort and takes the next image */
static void
test_cancel (void)
{
  g_autoptr(UbDevice) device = ub_test_boot_phone_in (UB_DEVICE_MODE_DFU, "mode dfu");
  g_autoptr(GBytes) image = ub_test_boot_make_bytes (2 * 1024 * 1024, 8);
  g_autoptr(GBytes) next = ub_test_boot_make_img4 (device, "ibss", 4000, 9);
  g_autofree char *line = image_record_line (next);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(UbDevice) back = NULL;
  g_autofree char *since = NULL;
  Progress progress = { 0, };
  gsize mark = ub_test_boot_record_mark ();

  progress.cancel_at_first = cancellable;
  g_assert_false (send_dfu (device, image, &progress, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  since = ub_test_boot_record_since (mark);
  g_assert_true (ub_test_boot_has_line (since, "usb ctrl 21 06 0000 0000 0"));
  g_assert_null (strstr (since, "dfu image"));
  g_clear_error (&error);

  g_assert_true (send_dfu (device, next, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (ub_vphone_record_has (line));
  back = ub_test_boot_wait_for (RECOVERY_MASK, ECID, UB_WAIT_DFU_RETURN_MS, &error);
  g_assert_no_error (error);
}

/* Nobody comes back: the wait ends at its deadline (phone time) */
static void
test_wait_timeout (void)
{
  g_autoptr(UbDevice) device = ub_test_boot_phone_in (UB_DEVICE_MODE_DFU, "mode dfu");
  g_autoptr(GError) error = NULL;
  g_autoptr(UbDevice) back = NULL;
  gint64 start = g_get_monotonic_time ();
  guint expected_ms = ub_clock_scale_ms (ub_clock_get_default (), 2000);
  double ms;

  back = ub_test_boot_wait_for (RECOVERY_MASK, ECID, 2000, &error);
  ms = (g_get_monotonic_time () - start) / 1e3;
  g_assert_null (back);
  g_assert_error (error, UB_ERROR, UB_ERROR_TIMED_OUT);
  g_test_message ("no return → %s (%.0f ms, deadline %u ms)", error->message, ms, expected_ms);
  g_assert_cmpfloat (ms, >=, expected_ms - 5);
  g_assert_cmpfloat (ms, <, expected_ms + 1000);
  g_clear_error (&error);

  /* Cancelled: at once, with the usual error */
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    g_autoptr(GAsyncResult) result = NULL;

    ub_device_monitor_wait_for_async (ub_test_boot_monitor, RECOVERY_MASK, ECID, 60000, cancellable,
                                      ub_test_boot_on_done, &result);
    g_timeout_add_once (100, (GSourceOnceFunc)(GCallback)g_cancellable_cancel, cancellable);
    start = g_get_monotonic_time ();
    back = ub_device_monitor_wait_for_finish (ub_test_boot_monitor, ub_test_boot_wait_result (&result),
                                              &error);
    g_assert_null (back);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
    g_clear_error (&error);
  }

  /* The phone stays: waiting for it to leave ends at the deadline */
  {
    g_autoptr(GAsyncResult) result = NULL;

    ub_device_monitor_wait_gone_async (ub_test_boot_monitor, device, 1000, NULL,
                                       ub_test_boot_on_done, &result);
    g_assert_false (ub_device_monitor_wait_gone_finish (ub_test_boot_monitor,
                                                        ub_test_boot_wait_result (&result), &error));
    g_assert_error (error, UB_ERROR, UB_ERROR_TIMED_OUT);
    g_test_message ("still there → %s", error->message);
    g_clear_error (&error);
  }

  /* Another ECID never matches, even in the wanted mode */
  back = ub_test_boot_wait_for (UB_DEVICE_MODE_MASK (UB_DEVICE_MODE_DFU), ECID + 1, 500, &error);
  g_assert_null (back);
  g_assert_error (error, UB_ERROR, UB_ERROR_TIMED_OUT);
}

/* Bad input: clear errors, nothing sent */
static void
test_bad_input (void)
{
  g_autoptr(UbDevice) device = ub_test_boot_phone_in (UB_DEVICE_MODE_DFU, "mode dfu");
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(GBytes) image = ub_test_boot_make_bytes (100, 2);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (send_dfu (device, empty, NULL, NULL, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);
  g_clear_error (&error);

  /* A DFU-mode phone takes no recovery upload */
  ub_recovery_send_file_async (device, image, NULL, ub_test_boot_on_done, &result);
  g_assert_false (ub_recovery_send_file_finish (ub_test_boot_wait_result (&result), &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_WRONG_MODE);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  ub_test_boot_start ();
  phone = ub_test_boot_phone;

  g_test_add_func ("/unbrick/dfu/suffix", test_suffix);
  g_test_add_func ("/unbrick/dfu/send", test_send);
  g_test_add_func ("/unbrick/dfu/recovered-faults", test_recovered_faults);
  g_test_add_func ("/unbrick/dfu/unplug", test_unplug);
  g_test_add_func ("/unbrick/dfu/unresponsive", test_unresponsive);
  g_test_add_func ("/unbrick/dfu/unresponsive-mid-image", test_unresponsive_mid_image);
  g_test_add_func ("/unbrick/dfu/error-state", test_error_state);
  g_test_add_func ("/unbrick/dfu/wrong-mode", test_wrong_mode);
  g_test_add_func ("/unbrick/dfu/other-phone", test_other_phone);
  g_test_add_func ("/unbrick/dfu/cancel", test_cancel);
  g_test_add_func ("/unbrick/dfu/wait-timeout", test_wait_timeout);
  g_test_add_func ("/unbrick/dfu/bad-input", test_bad_input);
  ret = g_test_run ();

  ub_test_boot_stop ();
  return ret;
}
