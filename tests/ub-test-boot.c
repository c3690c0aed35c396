/* ub-test-boot.c — shared by the boot-chain tests against the virtual iPhone
 *
 * The tests run as vphone's child: one device monitor watches the simulated
 * phone; these helpers run our async calls to the end on the main context,
 * make images the phone accepts, and read vphone's record file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ub-test-boot.h"
#include "ub-test-device.h"
#include "ub-test-img4.h"
#include "ub-vphone-testutil.h"

UbDeviceMonitor *ub_test_boot_monitor;
UbVphoneClient  *ub_test_boot_phone;
static UbModelDb *db;

/**
 * ub_test_boot_start:
 *
 * Starts the device monitor and connects to the phone's control socket.
 */
void
ub_test_boot_start (void)
{
  db = ub_model_db_new_default ();
  ub_test_boot_monitor = ub_device_monitor_new (db);
  ub_test_boot_phone = ub_test_vphone ();
  g_assert_true (ub_device_monitor_start (ub_test_boot_monitor, NULL));
}

void
ub_test_boot_stop (void)
{
  ub_device_monitor_stop (ub_test_boot_monitor);
  g_assert_finalize_object (ub_test_boot_monitor);
  ub_test_boot_monitor = NULL;
  g_clear_object (&ub_test_boot_phone);
  g_clear_object (&db);
}

void
ub_test_boot_on_done (GObject      *source,
                      GAsyncResult *result,
                      gpointer      data)
{
  *(GAsyncResult **)data = g_object_ref (result);
}

GAsyncResult *
ub_test_boot_wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

/* Bytes that depend on @seed, so every test sends something of its own */
GBytes *
ub_test_boot_make_bytes (gsize  size,
                         guint  seed)
{
  guint8 *data = g_malloc (size);
  guint32 x = 0x9e3779b9u * (seed + 1);

  for (gsize i = 0; i < size; i++)
    {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      data[i] = x & 0xff;
    }
  return g_bytes_new_take (data, size);
}

/* An image the phone's current boot step takes: personalized for its ECID and nonce */
GBytes *
ub_test_boot_make_img4 (UbDevice   *device,
                        const char *type,
                        gsize       payload_size,
                        guint       seed)
{
  const UbIbootInfo *info = ub_device_get_iboot_info (device);
  g_autoptr(GBytes) payload = ub_test_boot_make_bytes (payload_size, seed);

  g_assert_nonnull (info);
  g_assert_nonnull (info->ap_nonce);
  return ub_test_img4_new (type, payload, UB_TEST_BOOT_ECID, info->ap_nonce);
}

gsize
ub_test_boot_record_mark (void)
{
  g_autofree char *record = ub_vphone_read_record ();

  return strlen (record);
}

/* The record since @mark */
char *
ub_test_boot_record_since (gsize mark)
{
  g_autofree char *record = ub_vphone_read_record ();

  g_assert_cmpuint (strlen (record), >=, mark);
  return g_strdup (record + mark);
}

gboolean
ub_test_boot_has_line (const char *text,
                       const char *line)
{
  g_autofree char *needle = g_strconcat ("\n", line, "\n", NULL);
  g_autofree char *haystack = g_strconcat ("\n", text, NULL);

  return strstr (haystack, needle) != NULL;
}

UbDevice *
ub_test_boot_wait_for (guint     modes,
                       guint64   ecid,
                       guint     timeout_ms,
                       GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  ub_device_monitor_wait_for_async (ub_test_boot_monitor, modes, ecid, timeout_ms, NULL,
                                    ub_test_boot_on_done, &result);
  return ub_device_monitor_wait_for_finish (ub_test_boot_monitor, ub_test_boot_wait_result (&result),
                                            error);
}

gboolean
ub_test_boot_wait_gone (UbDevice  *device,
                        GError   **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  ub_device_monitor_wait_gone_async (ub_test_boot_monitor, device, UB_WAIT_DFU_LEAVE_MS, NULL,
                                     ub_test_boot_on_done, &result);
  return ub_device_monitor_wait_gone_finish (ub_test_boot_monitor, ub_test_boot_wait_result (&result),
                                             error);
}

/* Puts the phone in @mode (if it is not) and returns its snapshot there */
UbDevice *
ub_test_boot_phone_in (UbDeviceMode  mode,
                       const char   *command)
{
  g_autoptr(GError) error = NULL;
  UbDevice *device;

  ub_test_vphone_run (ub_test_boot_phone, "clear-faults");
  ub_test_vphone_run (ub_test_boot_phone, command);
  device = ub_test_boot_wait_for (UB_DEVICE_MODE_MASK (mode), UB_TEST_BOOT_ECID, UB_TEST_BOOT_WAIT_MS, &error);
  g_assert_no_error (error);
  g_assert_nonnull (device);
  return device;
}
