/* test-restore-page-vphone.c — the wizard's Restore and Done pages, on the virtual iPhone
 *
 * A real window (Xvfb) and the real device monitor; the virtual iPhone X
 * waits in DFU mode, the loopback TSS server stands in for Apple, and the
 * firmware is a synthetic IPSW the virtual phone boots (ub-test-restore.c).
 * The person presses "Erase and Restore"; the page follows the stages, says
 * "do not unplug" once it must, and the done page explains where it ended.
 * Screenshots of each state.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "pages/ub-restore-page.h"
#include "ub-assistant.h"
#include "ub-test-device.h"
#include "ub-test-httpd.h"
#include "ub-test-ipsw.h"
#include "ub-test-restore.h"
#include "ub-test-ui.h"
#include "ub-window.h"

static UbRescue        *rescue;
static UbWindow        *window;
static UbAssistant     *assistant;
static UbTestHttpd     *tss;
static char            *ipsw;

static gboolean
shows (gpointer text)
{
  return ub_test_label_is_visible_with (GTK_WIDGET (window), text);
}

static gboolean
phone_in_dfu (gpointer data)
{
  UbDevice *device = ub_rescue_get_device (rescue);

  return device != NULL && ub_device_get_mode (device) == UB_DEVICE_MODE_DFU && ub_device_has_ecid (device);
}

static gboolean
page_is (gpointer data)
{
  return g_str_equal (G_OBJECT_TYPE_NAME (ub_assistant_get_current_page (assistant)), data);
}

static gboolean
cannot_cancel (gpointer data)
{
  UbRestoreJob *job = ub_restore_page_get_job (data);

  return job != NULL && !ub_restore_job_get_can_cancel (job);
}

static void
use_tss (const char *mode)
{
  g_autofree char *path = g_strdup_printf ("/%s/TSS/controller?action=2", mode);
  g_autofree char *url = ub_test_httpd_url (tss, path);

  g_setenv ("UNBRICK_TSS_URL", url, TRUE);
}

/* The rescue as the wizard leaves it after the guide: phone in DFU mode,
 * firmware checked, permission to erase given */
static void
prepare (void)
{
  g_autoptr(UbVphoneClient) phone = ub_test_vphone ();
  g_autoptr(UbFirmware) firmware = ub_firmware_new ("iPhone10,3", "11.2", "15C114", "https://example.invalid/x.ipsw");
  GListModel *list;

  ub_test_vphone_run (phone, "clear-faults");
  ub_test_vphone_run (phone, "set restore-plan none");
  ub_test_vphone_run (phone, "mode dfu");
  ub_rescue_reset (rescue);
  ub_rescue_set_fault (rescue, UB_FAULT_FIRMWARE);
  ub_rescue_set_goal (rescue, UB_SEQUENCE_DFU);
  ub_rescue_set_model (rescue, ub_model_db_lookup_product_type (ub_rescue_get_model_db (rescue), "iPhone10,3"));
  ub_test_wait_ms (500);
  list = ub_device_monitor_get_devices (ub_rescue_get_device_monitor (rescue));
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(UbDevice) device = g_list_model_get_item (list, i);

      if (ub_device_get_mode (device) == UB_DEVICE_MODE_DFU)
        ub_rescue_set_device (rescue, device);
    }
  g_assert_true (ub_test_wait_until (phone_in_dfu, NULL, 20000));
  ub_rescue_set_erase_agreed (rescue, TRUE);
  g_assert_nonnull (ub_rescue_get_erase_consent (rescue));
  ub_firmware_choice_set_file (ub_rescue_get_firmware_choice (rescue), UB_FIRMWARE_ORIGIN_LOCAL_MATCHED, ipsw,
                               firmware);
}

static void
test_restore_to_ios (void)
{
  GtkWidget *page = GTK_WIDGET (ub_assistant_get_page_by_name (assistant, "restore"));

  use_tss ("ticket");
  prepare ();
  ub_assistant_go_to (assistant, UB_PAGE (page));
  ub_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_true (shows ((gpointer)"iOS 11.2 (15C114)"));
  g_free (ub_test_screenshot (GTK_WIDGET (window), "restore-01-ready"));

  ub_test_click (page, "_Erase and Restore");
  g_assert_true (ub_test_wait_until (cannot_cancel, page, 30000));
  g_assert_true (ub_test_wait_until (shows, (gpointer)"Do not unplug the iPhone", 5000));
  g_assert_false (ub_page_get_can_go_back (UB_PAGE (page)));
  g_free (ub_test_screenshot (GTK_WIDGET (window), "restore-02-do-not-unplug"));

  g_assert_true (ub_test_wait_until (page_is, (gpointer)"UbDonePage", 60000));
  ub_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_true (shows ((gpointer)"Your iPhone Has Been Restored"));
  g_assert_true (shows ((gpointer)"restore-001A2B3C4D5E6F70-"));
  g_free (ub_test_screenshot (GTK_WIDGET (window), "restore-03-done-restored"));
}

/* The restore system refuses this host: the reason and what to do */
static void
test_host_not_compatible (void)
{
  GtkWidget *page = GTK_WIDGET (ub_assistant_get_page_by_name (assistant, "restore"));
  g_autoptr(UbVphoneClient) phone = ub_test_vphone ();

  use_tss ("ticket");
  prepare ();
  ub_test_vphone_run (phone, "fault restored-checkpoint-fail");
  ub_assistant_go_to (assistant, UB_PAGE (page));
  ub_test_wait_frames (GTK_WIDGET (window), 2);
  ub_test_click (page, "_Erase and Restore");
  g_assert_true (ub_test_wait_until (page_is, (gpointer)"UbDonePage", 60000));
  ub_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_true (shows ((gpointer)"This iOS Version Needs a Newer Unbrick"));
  g_assert_true (shows ((gpointer)"Update Unbrick"));
  g_free (ub_test_screenshot (GTK_WIDGET (window), "restore-05-done-host-not-compatible"));
}

/* Apple no longer signs it: nothing sent, the reason and the next step */
static void
test_not_signed (void)
{
  GtkWidget *page = GTK_WIDGET (ub_assistant_get_page_by_name (assistant, "restore"));

  use_tss ("status=94");
  prepare ();
  ub_assistant_go_to (assistant, UB_PAGE (page));
  ub_test_wait_frames (GTK_WIDGET (window), 2);
  ub_test_click (page, "_Erase and Restore");
  g_assert_true (ub_test_wait_until (page_is, (gpointer)"UbDonePage", 60000));
  ub_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_true (shows ((gpointer)"Apple No Longer Signs This iOS Version"));
  g_free (ub_test_screenshot (GTK_WIDGET (window), "restore-04-done-not-signed"));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *cache = ub_test_isolate_network ();
  g_autofree char *dir = NULL;
  g_autoptr(UbModelDb) db = NULL;
  g_autoptr(UbSequenceBook) book = NULL;
  g_autoptr(UbDeviceMonitor) monitor = NULL;
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  ub_test_setup_display ();

  dir = g_dir_make_tmp ("unbrick-restore-page-XXXXXX", NULL);
  ipsw = ub_test_restore_ipsw_write (dir, UB_TEST_MANIFEST_IPHONE_X, "d22ap", 2 * 1024 * 1024);
  tss = ub_test_httpd_start (dir, NULL, NULL);
  db = ub_model_db_new_default ();
  book = ub_sequence_book_new_default ();
  monitor = ub_device_monitor_new (db);
  g_assert_true (ub_device_monitor_start (monitor, NULL));
  rescue = ub_rescue_new (db, book, monitor, ub_clock_get_default ());
  window = ub_window_new (NULL, rescue, NULL);
  assistant = ub_window_get_assistant (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 980);
  gtk_window_present (GTK_WINDOW (window));

  g_test_add_func ("/unbrick/restore-page/to-ios", test_restore_to_ios);
  g_test_add_func ("/unbrick/restore-page/not-signed", test_not_signed);
  g_test_add_func ("/unbrick/restore-page/host-not-compatible", test_host_not_compatible);
  ret = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  ub_device_monitor_stop (monitor);
  g_clear_object (&rescue);
  ub_test_httpd_stop (tss);
  ub_test_remove_tree (dir);
  ub_test_remove_tree (cache);
  g_free (ipsw);
  return ret;
}
