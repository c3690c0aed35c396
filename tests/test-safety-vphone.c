/* test-safety-vphone.c — "Before you start" and recovery mode without buttons, on the virtual iPhone
 *
 * A real window (Xvfb) with the real device monitor; the virtual iPhone X
 * runs iOS. Checks what the page shows for a phone running iOS (its facts,
 * battery and backup encryption once trusted, its backups), Trust pending,
 * a phone in a recovery loop and the way out of it, the permission to erase
 * and its ECID, and the rehearsal page's "switch to recovery mode for me".
 * Writes a screenshot of each state.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "ub-assistant.h"
#include "ub-test-device.h"
#include "ub-test-ui.h"
#include "ub-window.h"

static UbModelDb       *db;
static UbSequenceBook  *book;
static UbDeviceMonitor *monitor;
static UbRescue        *rescue;
static UbWindow        *window;
static UbAssistant     *assistant;
static UbVphoneClient  *phone;

static GtkWidget *
page (const char *name)
{
  return GTK_WIDGET (ub_assistant_get_page_by_name (assistant, name));
}

static gboolean
page_is (gpointer data)
{
  return g_str_equal (G_OBJECT_TYPE_NAME (ub_assistant_get_current_page (assistant)), data);
}

static gboolean
shows (gpointer text)
{
  return ub_test_label_is_visible_with (GTK_WIDGET (window), text);
}

static gboolean
rescue_in_mode (gpointer data)
{
  UbDevice *device = ub_rescue_get_device (rescue);

  return device != NULL && ub_device_get_mode (device) == (UbDeviceMode)GPOINTER_TO_INT (data) &&
         (ub_device_get_mode (device) != UB_DEVICE_MODE_NORMAL || ub_device_get_udid (device) != NULL);
}

static gboolean
rescue_has_model (gpointer data)
{
  return ub_rescue_get_model (rescue) != NULL;
}

static void
wait_for (const char *text)
{
  if (!ub_test_wait_until (shows, (gpointer)text, 20000))
    g_error ("“%s” never appeared", text);
}

static char *
phone_udid (void)
{
  g_autoptr(GError) error = NULL;
  char *udid = ub_vphone_client_get (phone, "udid", &error);

  g_assert_no_error (error);
  return udid;
}

/* A finished, unencrypted backup of the virtual phone, made "yesterday" */
static void
write_backup (void)
{
  g_autofree char *udid = phone_udid ();
  g_autofree char *folder = ub_backup_dup_default_folder ();
  g_autofree char *dir = g_build_filename (folder, udid, NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) yesterday = g_date_time_add_days (now, -1);
  g_autofree char *date = g_date_time_format (yesterday, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *info = NULL, *info_path = NULL, *manifest_path = NULL, *status_path = NULL;
  const char *head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<plist version=\"1.0\"><dict>";

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  info = g_strdup_printf ("%s<key>Device Name</key><string>Virtual iPhone</string>"
                          "<key>Last Backup Date</key><date>%s</date>"
                          "<key>Product Type</key><string>iPhone10,3</string>"
                          "<key>Target Identifier</key><string>%s</string>"
                          "<key>Unique Identifier</key><string>%s</string></dict></plist>",
                          head, date, udid, udid);
  info_path = g_build_filename (dir, "Info.plist", NULL);
  manifest_path = g_build_filename (dir, "Manifest.plist", NULL);
  status_path = g_build_filename (dir, "Status.plist", NULL);
  g_assert_true (g_file_set_contents (info_path, info, -1, NULL));
  g_assert_true (g_file_set_contents (manifest_path, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<plist "
                                      "version=\"1.0\"><dict><key>IsEncrypted</key><false/></dict></plist>",
                                      -1, NULL));
  g_assert_true (g_file_set_contents (status_path, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<plist "
                                      "version=\"1.0\"><dict><key>SnapshotState</key><string>finished</string>"
                                      "<key>IsFullBackup</key><true/></dict></plist>", -1, NULL));
}

static void
show_safety (UbSequenceKind goal)
{
  ub_rescue_set_fault (rescue, goal == UB_SEQUENCE_RECOVERY ? UB_FAULT_FIRMWARE : UB_FAULT_BOOT_LOOP);
  ub_rescue_set_goal (rescue, goal);
  ub_assistant_go_to (assistant, UB_PAGE (page ("phone")));
  g_assert_true (ub_test_wait_until (rescue_has_model, NULL, 20000));
  ub_assistant_go_to (assistant, UB_PAGE (page ("safety")));
  ub_test_wait_frames (GTK_WIDGET (window), 2);
}

static gboolean
next_enabled (void)
{
  return gtk_widget_activate_action (GTK_WIDGET (assistant), "wizard.next", NULL) && page_is ((gpointer)"UbFirmwarePage");
}

static void
test_running_ios (void)
{
  GtkWidget *safety = page ("safety");
  g_autofree char *ecid_text = NULL;
  UbConsent *consent;
  g_autoptr(GError) error = NULL;

  write_backup ();
  g_assert_true (ub_test_wait_until (rescue_in_mode, GINT_TO_POINTER (UB_DEVICE_MODE_NORMAL), 20000));
  show_safety (UB_SEQUENCE_DFU);
  wait_for ("The iPhone’s battery is at 87 % and charging");
  wait_for ("Backups of this iPhone are not encrypted");
  wait_for ("Newest backup of this iPhone: ");
  g_assert_true (shows ((gpointer)"Virtual iPhone"));
  g_assert_true (shows ((gpointer)"Back Up Now"));
  g_assert_true (shows ((gpointer)"ECID 0x001A2B3C4D5E6F70 will be deleted"));
  g_free (ub_test_screenshot (GTK_WIDGET (window), "safety-01-running-ios"));

  /* Read, but no permission to erase yet: no way on */
  gtk_check_button_set_active (GTK_CHECK_BUTTON (ub_test_find_widget (safety, GTK_TYPE_CHECK_BUTTON,
                                                                      "I have read this")), TRUE);
  g_assert_false (ub_page_get_complete (UB_PAGE (safety)));
  g_assert_null (ub_rescue_get_erase_consent (rescue));
  ub_rescue_set_erase_agreed (rescue, TRUE);
  ub_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_true (ub_page_get_complete (UB_PAGE (safety)));
  consent = ub_rescue_get_erase_consent (rescue);
  g_assert_nonnull (consent);
  g_assert_cmphex (ub_consent_get_ecid (consent), ==, G_GUINT64_CONSTANT (0x001A2B3C4D5E6F70));
  g_assert_true (ub_consent_check_erase (consent, G_GUINT64_CONSTANT (0x001A2B3C4D5E6F70), &error));
  g_assert_no_error (error);
  g_assert_false (ub_consent_check_erase (consent, 0x1234, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_NO_CONSENT);
  g_free (ub_test_screenshot (GTK_WIDGET (window), "safety-02-consent-given"));
  g_assert_true (next_enabled ());
  ub_assistant_go_to (assistant, UB_PAGE (safety));
}

static gboolean
backup_running (gpointer data)
{
  return shows ((gpointer)" copied");
}

/* Back Up Now: progress, no way on while it runs, then listed as the newest */
static void
test_backup_now (void)
{
  GtkWidget *safety = page ("safety");

  ub_test_vphone_run (phone, "set backup-size 6000000");
  ub_test_vphone_run (phone, "set backup-rate 2000000");
  ub_assistant_go_to (assistant, UB_PAGE (page ("phone")));
  ub_assistant_go_to (assistant, UB_PAGE (safety));
  wait_for ("The iPhone’s battery is at 87 % and charging");
  ub_test_click (safety, "Back Up");
  g_assert_true (ub_test_wait_until (backup_running, NULL, 20000));
  g_assert_false (ub_page_get_complete (UB_PAGE (safety)));
  g_free (ub_test_screenshot (GTK_WIDGET (window), "safety-06-backing-up"));
  wait_for ("The backup is complete.");
  wait_for ("Newest backup of this iPhone: Backed up just now");
  g_assert_true (ub_page_get_complete (UB_PAGE (safety)));
  g_free (ub_test_screenshot (GTK_WIDGET (window), "safety-07-backup-complete"));
  ub_test_vphone_run (phone, "set backup-rate 0");
}

/* Trust pending: plain words, asked again by itself; tapping Trust is enough */
static void
test_trust_pending (void)
{
  ub_test_vphone_run (phone, "fault trust-pending");
  ub_assistant_go_to (assistant, UB_PAGE (page ("phone")));
  ub_assistant_go_to (assistant, UB_PAGE (page ("safety")));
  wait_for ("Unlock your iPhone and tap “Trust”");
  g_assert_false (shows ((gpointer)"The iPhone’s battery is at"));
  g_free (ub_test_screenshot (GTK_WIDGET (window), "safety-03-trust-pending"));
  ub_test_vphone_run (phone, "clear-faults");
  wait_for ("The iPhone’s battery is at 87 % and charging");
  g_assert_false (shows ((gpointer)"Unlock your iPhone and tap “Trust”"));
}

/* A recovery loop: no backup possible any more; "Try Starting iOS" gets it out */
static void
test_recovery_loop (void)
{
  g_autofree char *record = NULL;

  ub_test_vphone_run (phone, "setenv auto-boot false");
  ub_test_vphone_run (phone, "mode recovery");
  g_assert_true (ub_test_wait_until (rescue_in_mode, GINT_TO_POINTER (UB_DEVICE_MODE_RECOVERY), 20000));
  wait_for ("Stuck on the recovery screen?");
  g_assert_false (shows ((gpointer)"Back Up Now"));
  g_assert_false (shows ((gpointer)"The iPhone’s battery is at"));
  g_assert_true (shows ((gpointer)ub_backup_mode_note (UB_DEVICE_MODE_RECOVERY)));
  g_free (ub_test_screenshot (GTK_WIDGET (window), "safety-04-recovery-loop"));

  ub_test_click (page ("safety"), "Try Starting iOS");
  g_assert_true (ub_test_wait_until (rescue_in_mode, GINT_TO_POINTER (UB_DEVICE_MODE_NORMAL), 30000));
  wait_for ("iOS started again");
  g_free (ub_test_screenshot (GTK_WIDGET (window), "safety-05-left-recovery"));
  g_assert_true (g_file_get_contents (g_getenv ("UNBRICK_VPHONE_RECORD"), &record, NULL, NULL));
  g_assert_nonnull (strstr (record, "recovery command \"setenv auto-boot true\""));
}

/* Recovery mode for an Update: the rehearsal page switches a running phone itself */
static void
test_recovery_without_buttons (void)
{
  g_assert_true (ub_test_wait_until (rescue_in_mode, GINT_TO_POINTER (UB_DEVICE_MODE_NORMAL), 20000));
  ub_rescue_set_goal (rescue, UB_SEQUENCE_RECOVERY);
  ub_assistant_go_to (assistant, UB_PAGE (page ("rehearsal")));
  wait_for ("Unbrick can switch this iPhone to recovery mode for you");
  g_free (ub_test_screenshot (GTK_WIDGET (window), "rehearsal-01-no-buttons-needed"));
  ub_test_click (page ("rehearsal"), "Switch Now");
  g_assert_true (ub_test_wait_until (rescue_in_mode, GINT_TO_POINTER (UB_DEVICE_MODE_RECOVERY), 30000));
  /* The guide finds it there already: nothing to press */
  g_assert_true (ub_test_wait_until (page_is, (gpointer)"UbGuidePage", 20000));
  g_assert_cmpint (ub_rescue_get_result_state (rescue), ==, UB_GUIDE_SUCCEEDED);
  g_assert_cmpint (ub_device_get_mode (ub_rescue_get_result_device (rescue)), ==, UB_DEVICE_MODE_RECOVERY);
  g_free (ub_test_screenshot (GTK_WIDGET (window), "rehearsal-02-guide-already-in-recovery"));
  ub_test_vphone_run (phone, "mode normal");
}

/* EnterRecovery refused: the reason, and the buttons remain */
static void
test_recovery_refused (void)
{
  g_assert_true (ub_test_wait_until (rescue_in_mode, GINT_TO_POINTER (UB_DEVICE_MODE_NORMAL), 30000));
  ub_test_vphone_run (phone, "fault enter-recovery-refused");
  ub_rescue_set_goal (rescue, UB_SEQUENCE_RECOVERY);
  ub_assistant_go_to (assistant, UB_PAGE (page ("rehearsal")));
  wait_for ("Unbrick can switch this iPhone to recovery mode for you");
  ub_test_click (page ("rehearsal"), "Switch Now");
  wait_for ("refused to restart into recovery mode");
  g_assert_true (page_is ((gpointer)"UbRehearsalPage"));
  g_free (ub_test_screenshot (GTK_WIDGET (window), "rehearsal-03-refused"));
  ub_test_vphone_run (phone, "clear-faults");
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

  db = ub_model_db_new_default ();
  book = ub_sequence_book_new_default ();
  monitor = ub_device_monitor_new (db);
  g_assert_true (ub_device_monitor_start (monitor, NULL));
  rescue = ub_rescue_new (db, book, monitor, ub_clock_get_default ());
  window = ub_window_new (NULL, rescue, NULL);
  assistant = ub_window_get_assistant (window);
  phone = ub_test_vphone ();
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 1500);
  gtk_window_present (GTK_WINDOW (window));

  g_test_add_func ("/unbrick/safety-vphone/running-ios", test_running_ios);
  g_test_add_func ("/unbrick/safety-vphone/trust-pending", test_trust_pending);
  g_test_add_func ("/unbrick/safety-vphone/backup-now", test_backup_now);
  g_test_add_func ("/unbrick/safety-vphone/recovery-loop", test_recovery_loop);
  g_test_add_func ("/unbrick/safety-vphone/recovery-without-buttons", test_recovery_without_buttons);
  g_test_add_func ("/unbrick/safety-vphone/recovery-refused", test_recovery_refused);
  ret = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  ub_device_monitor_stop (monitor);
  g_clear_object (&phone);
  g_clear_object (&rescue);
  g_clear_object (&monitor);
  g_clear_object (&book);
  g_clear_object (&db);
  ub_test_remove_tree (cache);
  return ret;
}
