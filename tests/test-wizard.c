/* test-wizard.c — walk every page of the wizard in a real window, with screenshots
 *
 * Runs under Xvfb. The guide runs on a fake clock; USB arrivals are fed to
 * the guide as the device monitor would. (The same flow against the virtual
 * iPhone, with real USB events and a scripted user, is test-guide-vphone.)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>

#include "pages/ub-guide-page.h"
#include "ub-assistant.h"
#include "ub-countdown.h"
#include "ub-test-ui.h"
#include "ub-window.h"

typedef UbTestWizard Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  ub_test_wizard_open (f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  ub_test_wizard_close (f);
}

static UbPage *
current (Fixture *f)
{
  return ub_assistant_get_current_page (f->assistant);
}

static const char *
current_name (Fixture *f)
{
  return G_OBJECT_TYPE_NAME (current (f));
}

static gboolean
next_enabled (Fixture *f)
{
  return ub_page_get_complete (current (f));
}

static void
next (Fixture *f)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->assistant), "wizard.next", NULL));
  ub_test_wait_frames (GTK_WIDGET (f->window), 2);
}

static void
shot (Fixture    *f,
      const char *name)
{
  g_autofree char *path = ub_test_screenshot (GTK_WIDGET (f->window), name);

  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
}

static GtkWidget *
find_countdown (GtkWidget *root)
{
  if (UB_IS_COUNTDOWN (root))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_countdown (child);
      if (found)
        return found;
    }
  return NULL;
}

static void
advance (Fixture *f,
         double   seconds)
{
  ub_clock_advance (f->clock, (gint64)(seconds * G_USEC_PER_SEC));
  ub_test_wait_ms (150);   /* the page ticks every 100 ms of real time */
}

static UbDevice *
fake_dfu_phone (void)
{
  UbDevice *device = ub_device_new_usb (1, 7, "1-1", 0x1227);
  const char *serial = "CPID:8015 CPRV:11 CPFM:03 SCEP:01 BDID:06 ECID:000A18D40438E02E IBFL:3C "
                       "SRTG:[iBoot-3332.0.0.1.23]";

  _ub_device_set_serial (device, serial, ub_iboot_info_parse (serial, NULL));
  return device;
}

static gboolean
firmware_error_shown (gpointer page)
{
  return ub_test_label_is_visible_with (page, "The list of firmware could not be fetched");
}

static void
walk_to_guide (Fixture *f)
{
  g_assert_cmpstr (current_name (f), ==, "UbTriagePage");
  g_assert_false (next_enabled (f));
  shot (f, "wizard-01-triage-empty");
  ub_rescue_set_fault (f->rescue, UB_FAULT_BOOT_LOOP);
  g_assert_cmpint (ub_rescue_get_goal (f->rescue), ==, UB_SEQUENCE_FORCE_RESTART);
  ub_rescue_set_goal (f->rescue, UB_SEQUENCE_DFU);
  g_assert_true (next_enabled (f));
  shot (f, "wizard-02-triage");
  next (f);

  g_assert_cmpstr (current_name (f), ==, "UbPhonePage");
  g_assert_false (next_enabled (f));
  ub_rescue_set_model (f->rescue, ub_model_db_lookup_product_type (f->db, "iPhone10,3"));
  g_assert_true (next_enabled (f));
  shot (f, "wizard-03-phone");
  next (f);

  g_assert_cmpstr (current_name (f), ==, "UbSafetyPage");
  g_assert_false (next_enabled (f));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (ub_test_find_widget (GTK_WIDGET (current (f)),
                                                                         GTK_TYPE_CHECK_BUTTON,
                                                                         "I have read this")), TRUE);
  /* DFU mode leads to an erase: not without the permission to erase */
  g_assert_false (next_enabled (f));
  ub_rescue_set_erase_agreed (f->rescue, TRUE);
  g_assert_true (next_enabled (f));
  /* No phone seen yet: agreed, but not tied to an ECID until one is */
  g_assert_null (ub_rescue_get_erase_consent (f->rescue));
  shot (f, "wizard-04-safety");
  next (f);

  /* No catalog can be reached (ub_test_isolate_network): the page says so,
   * and going on without firmware is a choice the person makes */
  g_assert_cmpstr (current_name (f), ==, "UbFirmwarePage");
  g_assert_false (next_enabled (f));
  g_assert_true (ub_test_wait_until (firmware_error_shown, current (f), 20000));
  g_assert_false (next_enabled (f));
  shot (f, "wizard-04b-firmware-offline");
  gtk_switch_set_active (GTK_SWITCH (ub_test_find_widget (GTK_WIDGET (current (f)), GTK_TYPE_SWITCH, NULL)), TRUE);
  g_assert_true (next_enabled (f));
  g_assert_cmpint (ub_firmware_choice_get_origin (ub_rescue_get_firmware_choice (f->rescue)), ==,
                   UB_FIRMWARE_ORIGIN_SKIPPED);
  next (f);

  g_assert_cmpstr (current_name (f), ==, "UbRehearsalPage");
  g_assert_true (ub_test_label_is_visible_with (GTK_WIDGET (current (f)), "Step 6"));
  g_assert_false (ub_test_label_is_visible_with (GTK_WIDGET (current (f)), "Step 7"));
  shot (f, "wizard-05-rehearsal");
  next (f);
  g_assert_cmpstr (current_name (f), ==, "UbGuidePage");
}

/* The whole DFU path: every page, a missed attempt, then success. */
static void
test_dfu_path (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(UbDevice) dfu = fake_dfu_phone ();
  g_autofree char *remaining = NULL;
  GtkWidget *countdown;
  UbGuide *guide;
  GtkWidget *page;

  walk_to_guide (f);
  page = GTK_WIDGET (current (f));
  guide = ub_guide_page_get_guide (UB_GUIDE_PAGE (page));
  g_assert_false (next_enabled (f));
  shot (f, "wizard-06-guide-ready");

  ub_test_click (page, "_Start");
  g_assert_cmpint (ub_guide_get_state (guide), ==, UB_GUIDE_RUNNING);
  advance (f, 7.5);
  g_assert_cmpint (ub_guide_get_step (guide), ==, 3);
  g_assert_true (ub_test_label_is_visible_with (page, "Press and hold the Side button."));
  /* What a screen reader reads from the focused countdown: step, instruction, count */
  countdown = find_countdown (page);
  g_assert_true (gtk_widget_is_focus (countdown));   /* the window may be inactive without a WM */
  remaining = g_strdup_printf ("Step 4 of 6. Press and hold the Side button. %u seconds.",
                               ub_guide_get_remaining (guide));
  gtk_test_accessible_assert_property (countdown, GTK_ACCESSIBLE_PROPERTY_LABEL, remaining);
  shot (f, "wizard-07-guide-running");

  /* Held too long: the phone comes back in recovery mode */
  ub_guide_device_left (guide);
  advance (f, 12);
  ub_guide_device_arrived (guide, UB_DEVICE_MODE_RECOVERY, FALSE, 0);
  ub_test_wait_frames (GTK_WIDGET (f->window), 2);
  g_assert_true (ub_test_label_is_visible_with (page, "Recovery Mode"));
  shot (f, "wizard-08-guide-held-too-long");

  ub_test_click (page, "_Try Again");
  guide = ub_guide_page_get_guide (UB_GUIDE_PAGE (page));
  g_assert_cmpint (ub_guide_get_state (guide), ==, UB_GUIDE_READY);
  ub_test_click (page, "_Start");
  advance (f, 9);
  ub_guide_device_left (guide);
  advance (f, 12);
  g_assert_cmpint (ub_guide_get_step (guide), ==, 5);
  ub_guide_device_arrived (guide, UB_DEVICE_MODE_DFU, TRUE, 0x000A18D40438E02E);
  g_assert_cmpint (ub_guide_get_state (guide), ==, UB_GUIDE_SUCCEEDED);
  ub_rescue_set_result (f->rescue, UB_GUIDE_SUCCEEDED, UB_GUIDE_FAILURE_NONE, dfu);
  ub_test_wait_frames (GTK_WIDGET (f->window), 2);
  g_assert_true (next_enabled (f));
  g_assert_true (ub_test_label_is_visible_with (page, "DFU Mode"));
  shot (f, "wizard-09-guide-success");

  /* The page moves on by itself */
  ub_test_wait_ms (2800);
  g_assert_cmpstr (current_name (f), ==, "UbResultPage");
  g_assert_true (ub_test_label_is_visible_with (GTK_WIDGET (current (f)), "0x000A18D40438E02E"));
  shot (f, "wizard-10-result-dfu");
}

static void
test_other_results (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(UbDevice) recovery = ub_device_new_usb (1, 9, "1-1", 0x1281);
  g_autoptr(UbDevice) normal = ub_device_new_usbmux ("00008030-001A2B3C4D5E6F70", UB_DEVICE_MODE_NORMAL);
  UbPage *result = ub_assistant_get_page_by_name (f->assistant, "result");

  ub_rescue_set_fault (f->rescue, UB_FAULT_FAILED_UPDATE);
  ub_rescue_set_model (f->rescue, ub_model_db_lookup_product_type (f->db, "iPhone12,1"));
  ub_rescue_set_result (f->rescue, UB_GUIDE_SUCCEEDED, UB_GUIDE_FAILURE_NONE, recovery);
  ub_assistant_go_to (f->assistant, result);
  ub_test_wait_frames (GTK_WIDGET (f->window), 2);
  g_assert_true (ub_test_label_is_visible_with (GTK_WIDGET (result), "Recovery Mode"));
  shot (f, "wizard-11-result-recovery");

  ub_rescue_set_result (f->rescue, UB_GUIDE_SUCCEEDED, UB_GUIDE_FAILURE_NONE, normal);
  ub_assistant_go_to (f->assistant, ub_assistant_get_page_by_name (f->assistant, "guide"));
  ub_assistant_go_to (f->assistant, result);
  ub_test_wait_frames (GTK_WIDGET (f->window), 2);
  g_assert_true (ub_test_label_is_visible_with (GTK_WIDGET (result), "Restarted"));
  shot (f, "wizard-12-result-restart");

  /* "Start over" forgets everything and goes back to the first page */
  gtk_widget_activate_action (GTK_WIDGET (f->assistant), "wizard.start-over", NULL);
  ub_test_wait_frames (GTK_WIDGET (f->window), 2);
  g_assert_cmpstr (current_name (f), ==, "UbTriagePage");
  g_assert_cmpint (ub_rescue_get_fault (f->rescue), ==, UB_FAULT_NONE);
  g_assert_null (ub_rescue_get_model (f->rescue));
}

/* Force restart and recovery from triage, for an iPad without Home and an iPhone 7 */
static void
test_force_restart_and_recovery (Fixture       *f,
                                 gconstpointer  data)
{
  UbPage *guide_page = ub_assistant_get_page_by_name (f->assistant, "guide");
  UbPage *rehearsal = ub_assistant_get_page_by_name (f->assistant, "rehearsal");
  UbGuide *guide;

  ub_rescue_set_fault (f->rescue, UB_FAULT_UNRESPONSIVE);
  ub_rescue_set_model (f->rescue, ub_model_db_lookup_product_type (f->db, "iPad8,1"));
  ub_assistant_go_to (f->assistant, rehearsal);
  ub_test_wait_frames (GTK_WIDGET (f->window), 2);
  g_assert_true (ub_test_label_is_visible_with (GTK_WIDGET (rehearsal), "nearest to the Top button"));
  shot (f, "wizard-13-rehearsal-ipad-force-restart");

  ub_assistant_go_to (f->assistant, guide_page);
  guide = ub_guide_page_get_guide (UB_GUIDE_PAGE (guide_page));
  g_assert_cmpint (ub_sequence_get_kind (ub_guide_get_sequence (guide)), ==, UB_SEQUENCE_FORCE_RESTART);
  ub_test_click (GTK_WIDGET (guide_page), "_Start");
  advance (f, 26);
  g_assert_cmpint (ub_guide_get_state (guide), ==, UB_GUIDE_CHECKING);
  g_assert_true (ub_test_label_is_visible_with (GTK_WIDGET (guide_page), "Did the Phone Restart?"));
  shot (f, "wizard-14-guide-restart-question");
  ub_test_click (GTK_WIDGET (guide_page), "It _Restarted");
  g_assert_cmpint (ub_guide_get_state (guide), ==, UB_GUIDE_SUCCEEDED);

  ub_rescue_set_goal (f->rescue, UB_SEQUENCE_RECOVERY);
  ub_rescue_set_model (f->rescue, ub_model_db_lookup_product_type (f->db, "iPhone9,3"));
  ub_assistant_go_to (f->assistant, rehearsal);
  ub_assistant_go_to (f->assistant, guide_page);
  guide = ub_guide_page_get_guide (UB_GUIDE_PAGE (guide_page));
  ub_test_click (GTK_WIDGET (guide_page), "_Start");
  advance (f, 5);
  g_assert_true (ub_test_label_is_visible_with (GTK_WIDGET (guide_page), "Volume Down together"));
  shot (f, "wizard-15-guide-recovery-iphone7");
  advance (f, 40);
  g_assert_cmpint (ub_guide_get_failure (guide), ==, UB_GUIDE_FAILURE_NOT_SEEN);
  g_assert_true (ub_test_label_is_visible_with (GTK_WIDGET (guide_page), "USB-A to Lightning"));
  shot (f, "wizard-16-guide-not-seen");
}

/* A force restart needs no firmware: Next and Back pass the firmware page,
 * and the page count leaves it out */
static void
test_firmware_not_needed (Fixture       *f,
                          gconstpointer  data)
{
  UbPage *safety = ub_assistant_get_page_by_name (f->assistant, "safety");

  ub_rescue_set_fault (f->rescue, UB_FAULT_UNRESPONSIVE);
  ub_rescue_set_model (f->rescue, ub_model_db_lookup_product_type (f->db, "iPhone10,3"));
  g_assert_false (ub_page_get_needed (ub_assistant_get_page_by_name (f->assistant, "firmware")));
  ub_assistant_go_to (f->assistant, safety);
  g_assert_cmpstr (ub_assistant_get_subtitle (f->assistant), ==, "Page 3 of 6");
  g_assert_true (next_enabled (f));
  next (f);
  g_assert_cmpstr (current_name (f), ==, "UbRehearsalPage");
  g_assert_cmpstr (ub_assistant_get_subtitle (f->assistant), ==, "Page 4 of 6");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->assistant), "wizard.back", NULL));
  g_assert_cmpstr (current_name (f), ==, "UbSafetyPage");

  /* DFU mode needs it again */
  ub_rescue_set_goal (f->rescue, UB_SEQUENCE_DFU);
  g_assert_true (ub_page_get_needed (ub_assistant_get_page_by_name (f->assistant, "firmware")));
  g_assert_cmpstr (ub_assistant_get_subtitle (f->assistant), ==, "Page 3 of 7");
}

/* The restore and done pages: offered once firmware is ready; the done page
 * explains each ending (the restore itself runs in test-restore-vphone) */
static void
test_restore_pages (Fixture       *f,
                    gconstpointer  data)
{
  UbFirmwareChoice *choice = ub_rescue_get_firmware_choice (f->rescue);
  UbRestoreOutcome *outcome = ub_rescue_get_restore_outcome (f->rescue);
  UbPage *restore = ub_assistant_get_page_by_name (f->assistant, "restore");
  UbPage *done = ub_assistant_get_page_by_name (f->assistant, "done");
  g_autoptr(UbFirmware) firmware = ub_firmware_new ("iPhone10,3", "16.7.10", "20H350", "https://example.invalid/x.ipsw");
  g_autoptr(GError) error = g_error_new_literal (UB_ERROR, UB_ERROR_NOT_SIGNED,
                                                 "Apple no longer signs this iOS version for this phone.");
  const char *log = "/home/owner/.local/state/unbrick/logs/restore-001A2B3C4D5E6F70-20261124T103000Z.jsonl";

  ub_rescue_set_fault (f->rescue, UB_FAULT_BOOT_LOOP);
  ub_rescue_set_goal (f->rescue, UB_SEQUENCE_DFU);
  ub_rescue_set_model (f->rescue, ub_model_db_lookup_product_type (f->db, "iPhone10,3"));
  g_assert_false (ub_page_get_needed (restore));
  ub_firmware_choice_set_file (choice, UB_FIRMWARE_ORIGIN_DOWNLOADED, "/tmp/iPhone10,3_16.7.10_20H350_Restore.ipsw",
                               firmware);
  g_assert_true (ub_page_get_needed (restore));
  g_assert_false (ub_page_get_needed (done));

  /* No phone connected (and this window watches no USB): it says so, and cannot start */
  ub_assistant_go_to (f->assistant, restore);
  ub_test_wait_frames (GTK_WIDGET (f->window), 2);
  g_assert_true (ub_test_label_is_visible_with (GTK_WIDGET (restore), "erase everything on it"));
  g_assert_true (ub_test_label_is_visible_with (GTK_WIDGET (restore), "iOS 16.7.10 (20H350)"));
  g_assert_true (ub_test_label_is_visible_with (GTK_WIDGET (restore), "cannot restore a phone"));
  g_assert_false (gtk_widget_is_sensitive (ub_test_find_widget (GTK_WIDGET (restore), GTK_TYPE_BUTTON,
                                                                "_Erase and Restore")));
  g_assert_false (ub_page_get_complete (restore));
  shot (f, "wizard-20-restore-not-ready");

  /* Apple no longer signs it */
  ub_restore_outcome_set (outcome, UB_RESTORE_STAGE_SIGN, error, log);
  g_assert_true (ub_page_get_needed (done));
  g_assert_true (ub_page_get_complete (restore));
  ub_assistant_go_to (f->assistant, done);
  ub_test_wait_frames (GTK_WIDGET (f->window), 2);
  g_assert_true (ub_test_label_is_visible_with (GTK_WIDGET (done), "Apple No Longer Signs This iOS Version"));
  g_assert_true (ub_test_label_is_visible_with (GTK_WIDGET (done), "Use the newest iOS for this iPhone"));
  g_assert_true (ub_test_label_is_visible_with (GTK_WIDGET (done), log));
  shot (f, "wizard-21-done-not-signed");

  /* Restored: the good news and what comes next */
  ub_restore_outcome_set (outcome, UB_RESTORE_STAGE_DONE, NULL, log);
  ub_test_wait_frames (GTK_WIDGET (f->window), 2);
  g_assert_true (ub_test_label_is_visible_with (GTK_WIDGET (done), "Your iPhone Has Been Restored"));
  g_assert_true (ub_test_label_is_visible_with (GTK_WIDGET (done), "without restoring the backup"));
  g_assert_false (ub_test_label_is_visible_with (GTK_WIDGET (done), "Use the newest iOS"));
  shot (f, "wizard-22-done-restored");

  /* Start over forgets it */
  ub_rescue_reset (f->rescue);
  g_assert_false (ub_page_get_needed (done));
  g_assert_false (ub_page_get_needed (restore));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *cache = ub_test_isolate_network ();
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  ub_test_setup_display ();

#define ADD(path, func) \
  g_test_add ("/unbrick/wizard/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("dfu-path", test_dfu_path);
  ADD ("other-results", test_other_results);
  ADD ("force-restart-and-recovery", test_force_restart_and_recovery);
  ADD ("firmware-not-needed", test_firmware_not_needed);
  ADD ("restore-pages", test_restore_pages);
#undef ADD

  ret = g_test_run ();
  ub_test_remove_tree (cache);
  return ret;
}
