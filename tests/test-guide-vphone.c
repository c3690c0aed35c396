/* test-guide-vphone.c — the whole wizard against the virtual iPhone, with a scripted user
 *
 * A real window (Xvfb), the real device monitor, and a virtual iPhone X
 * running iOS. A scripted user reads the guide's current step and presses or
 * releases the virtual phone's buttons accordingly, the way a person follows
 * the prompts — with good timing, holding too long, or letting go too early.
 * Both sides run UNBRICK_TIME_SCALE times faster.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "pages/ub-guide-page.h"
#include "ub-assistant.h"
#include "ub-test-device.h"
#include "ub-test-ui.h"
#include "ub-training-panel.h"
#include "ub-window.h"

typedef enum
{
  USER_GOOD,
  USER_HOLDS_TOO_LONG,
  USER_LETS_GO_EARLY,
} Behaviour;

typedef struct
{
  UbVphoneClient *phone;
  UbGuide        *guide;
  GtkWidget      *page;
  Behaviour       behaviour;
  UbButtons       held;
  guint           cue_poll_id;
  guint           remaining_at_end;
  int             step_at_end;
} User;

static UbModelDb       *db;
static UbSequenceBook  *book;
static UbDeviceMonitor *monitor;
static UbRescue        *rescue;
static UbWindow        *window;
static UbAssistant     *assistant;
static UbVphoneClient  *phone;

static const char *
button_name (UbButtons button)
{
  switch (button)
    {
    case UB_BUTTON_POWER: return "power";
    case UB_BUTTON_HOME: return "home";
    case UB_BUTTON_VOLUME_UP: return "volume-up";
    case UB_BUTTON_VOLUME_DOWN:
    case UB_BUTTON_NONE:
    default: return "volume-down";
    }
}

static void
set_held (User      *user,
          UbButtons  wanted)
{
  for (UbButtons b = UB_BUTTON_POWER; b <= UB_BUTTON_VOLUME_DOWN; b <<= 1)
    {
      g_autofree char *command = NULL;

      if (!!(user->held & b) == !!(wanted & b))
        continue;
      command = g_strdup_printf ("%s %s", (wanted & b) ? "press" : "release", button_name (b));
      ub_test_vphone_run (user->phone, command);
    }
  user->held = wanted;
}

static void
release_tap (gpointer data)
{
  User *user = data;

  set_held (user, user->held & ~(UB_BUTTON_VOLUME_UP | UB_BUTTON_VOLUME_DOWN) &
                  ~ub_step_get_tap (ub_guide_get_current_step (user->guide)));
}

/* "The moment the screen turns black, go on": the user watches the phone */
static gboolean
poll_screen (gpointer data)
{
  User *user = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *screen = ub_vphone_client_get (user->phone, "screen", &error);

  g_assert_no_error (error);
  if (g_strcmp0 (screen, "black") != 0)
    return G_SOURCE_CONTINUE;
  g_test_message ("user: the screen is black, going on");
  ub_guide_confirm_cue (user->guide);
  user->cue_poll_id = 0;
  return G_SOURCE_REMOVE;
}

static void
on_step (User *user)
{
  UbStep *step = ub_guide_get_current_step (user->guide);
  UbButtons wanted = ub_step_get_hold (step) | ub_step_get_tap (step);

  g_clear_handle_id (&user->cue_poll_id, g_source_remove);
  if (user->behaviour == USER_HOLDS_TOO_LONG)
    wanted |= user->held & UB_BUTTON_POWER;          /* never lets go of the Side button */
  if (user->behaviour == USER_LETS_GO_EARLY && ub_step_get_detect (step))
    wanted = UB_BUTTON_NONE;                        /* lets go of everything at the last step */
  g_test_message ("user: step %d, holding “%s”", ub_guide_get_step (user->guide), ub_buttons_to_string (wanted));
  set_held (user, wanted);
  if (ub_step_get_tap (step) != UB_BUTTON_NONE)
    g_timeout_add_once (ub_clock_scale_ms (ub_clock_get_default (), 300), release_tap, user);
  if (ub_step_get_cue_seconds (step) >= 0 && user->behaviour == USER_GOOD)
    user->cue_poll_id = g_timeout_add (20, poll_screen, user);
}

static void
on_state (User *user)
{
  UbGuideState state = ub_guide_get_state (user->guide);

  if (state == UB_GUIDE_SUCCEEDED || state == UB_GUIDE_FAILED)
    {
      g_clear_handle_id (&user->cue_poll_id, g_source_remove);
      user->step_at_end = ub_guide_get_step (user->guide);
      set_held (user, UB_BUTTON_NONE);
    }
}

static gboolean
guide_finished (gpointer data)
{
  User *user = data;
  UbGuideState state = ub_guide_get_state (user->guide);

  return state == UB_GUIDE_SUCCEEDED || state == UB_GUIDE_FAILED;
}

/* Runs the current guide with a scripted user until it ends. */
static UbGuideState
play (Behaviour   behaviour,
      const char *shot_name)
{
  GtkWidget *page = GTK_WIDGET (ub_assistant_get_page_by_name (assistant, "guide"));
  User user = { phone, ub_guide_page_get_guide (UB_GUIDE_PAGE (page)), page, behaviour };
  g_autofree char *path = NULL;
  gulong step_id, state_id;

  g_assert_true (GTK_WIDGET (ub_assistant_get_current_page (assistant)) == page);
  step_id = g_signal_connect_swapped (user.guide, "notify::step", G_CALLBACK (on_step), &user);
  state_id = g_signal_connect_swapped (user.guide, "notify::state", G_CALLBACK (on_state), &user);
  ub_test_click (page, "_Start");
  g_assert_true (ub_test_wait_until (guide_finished, &user, 60000));
  user.remaining_at_end = ub_guide_get_remaining (user.guide);
  g_signal_handler_disconnect (user.guide, step_id);
  g_signal_handler_disconnect (user.guide, state_id);
  ub_test_wait_frames (GTK_WIDGET (window), 2);
  if (shot_name != NULL)
    path = ub_test_screenshot (GTK_WIDGET (window), shot_name);
  g_test_message ("guide ended “%s” (%s) at step %d", ub_guide_state_to_string (ub_guide_get_state (user.guide)),
                  ub_guide_failure_to_string (ub_guide_get_failure (user.guide)), user.step_at_end);
  return ub_guide_get_state (user.guide);
}

static gboolean
rescue_in_mode (gpointer data)
{
  UbDevice *device = ub_rescue_get_device (rescue);

  return device != NULL && ub_device_get_mode (device) == GPOINTER_TO_INT (data) &&
         (ub_device_get_mode (device) != UB_DEVICE_MODE_NORMAL || ub_device_get_product_type (device) != NULL);
}

/* Puts the phone back to iOS and the wizard on a fresh guide */
static void
back_to_guide (void)
{
  UbPage *guide_page = ub_assistant_get_page_by_name (assistant, "guide");

  ub_test_vphone_run (phone, "clear-faults");
  ub_test_vphone_run (phone, "plug");
  ub_test_vphone_run (phone, "mode normal");
  g_assert_true (ub_test_wait_until (rescue_in_mode, GINT_TO_POINTER (UB_DEVICE_MODE_NORMAL), 20000));
  ub_assistant_go_to (assistant, ub_assistant_get_page_by_name (assistant, "rehearsal"));
  ub_assistant_go_to (assistant, guide_page);
  ub_test_wait_frames (GTK_WIDGET (window), 2);
}

static gboolean
panel_shows_ios (gpointer data)
{
  return ub_test_label_is_visible_with (GTK_WIDGET (window), "Running iOS · cable connected");
}

static gboolean
rescue_has_model (gpointer data)
{
  return ub_rescue_get_model (rescue) != NULL && ub_rescue_get_device (rescue) != NULL &&
         ub_device_get_product_type (ub_rescue_get_device (rescue)) != NULL;
}

static gboolean
page_is (gpointer data)
{
  return g_str_equal (G_OBJECT_TYPE_NAME (ub_assistant_get_current_page (assistant)), data);
}

/* From "What's wrong?" to the guide: the connected phone is found and chosen by itself */
static void
test_walk_to_guide (void)
{
  ub_rescue_set_fault (rescue, UB_FAULT_BOOT_LOOP);
  ub_rescue_set_goal (rescue, UB_SEQUENCE_DFU);
  gtk_widget_activate_action (GTK_WIDGET (assistant), "wizard.next", NULL);
  g_assert_true (page_is ((gpointer)"UbPhonePage"));
  g_assert_true (ub_test_wait_until (rescue_has_model, NULL, 20000));
  g_assert_true (ub_test_wait_until (panel_shows_ios, NULL, 5000));
  g_assert_cmpstr (ub_model_get_product_type (ub_rescue_get_model (rescue)), ==, "iPhone10,3");
  g_assert_true (ub_device_has_ecid (ub_rescue_get_device (rescue)));
  ub_test_wait_frames (GTK_WIDGET (window), 2);
  g_free (ub_test_screenshot (GTK_WIDGET (window), "vphone-01-phone-detected"));
  gtk_widget_activate_action (GTK_WIDGET (assistant), "wizard.next", NULL);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (ub_test_find_widget (GTK_WIDGET (ub_assistant_get_current_page (assistant)),
                                                                    GTK_TYPE_CHECK_BUTTON, "I have read this")),
                               TRUE);
  ub_rescue_set_erase_agreed (rescue, TRUE);
  g_assert_nonnull (ub_rescue_get_erase_consent (rescue));
  gtk_widget_activate_action (GTK_WIDGET (assistant), "wizard.next", NULL);
  /* Firmware: only DFU mode is wanted here */
  g_assert_true (page_is ((gpointer)"UbFirmwarePage"));
  gtk_switch_set_active (GTK_SWITCH (ub_test_find_widget (GTK_WIDGET (ub_assistant_get_current_page (assistant)),
                                                          GTK_TYPE_SWITCH, NULL)), TRUE);
  gtk_widget_activate_action (GTK_WIDGET (assistant), "wizard.next", NULL);
  gtk_widget_activate_action (GTK_WIDGET (assistant), "wizard.next", NULL);
  g_assert_true (page_is ((gpointer)"UbGuidePage"));
}

/* Good timing: the phone arrives in DFU mode and the countdown stops early */
static void
test_good_timing (void)
{
  UbGuidePage *page = UB_GUIDE_PAGE (ub_assistant_get_page_by_name (assistant, "guide"));
  UbGuide *guide = ub_guide_page_get_guide (page);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (ub_sequence_get_kind (ub_guide_get_sequence (guide)), ==, UB_SEQUENCE_DFU);
  g_assert_cmpint (play (USER_GOOD, "vphone-02-guide-in-dfu"), ==, UB_GUIDE_SUCCEEDED);
  g_assert_cmpint (ub_guide_get_arrived_mode (guide), ==, UB_DEVICE_MODE_DFU);
  /* It ended in the last step, before its countdown ran out */
  g_assert_cmpint (ub_guide_get_step (guide), ==, 5);
  g_assert_true (ub_vphone_client_wait (phone, "mode", "dfu", 1, &error));
  g_assert_true (ub_test_wait_until (page_is, (gpointer)"UbResultPage", 10000));
  ub_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_true (ub_test_label_is_visible_with (GTK_WIDGET (window), "0x001A2B3C4D5E6F70"));
  g_free (ub_test_screenshot (GTK_WIDGET (window), "vphone-03-result"));
}

static char *
read_record (void)
{
  g_autofree char *text = NULL;

  g_assert_true (g_file_get_contents (g_getenv ("UNBRICK_VPHONE_RECORD"), &text, NULL, NULL));
  return g_steal_pointer (&text);
}

/* Held too long: recovery mode, diagnosed as such; the retry is timed by the
 * computer (auto-boot, saveenv, reboot over our own USB code) and succeeds. */
static void
test_held_too_long_then_assisted (void)
{
  GtkWidget *page = GTK_WIDGET (ub_assistant_get_page_by_name (assistant, "guide"));
  UbGuide *guide;
  g_autofree char *record = NULL;

  back_to_guide ();
  g_assert_cmpint (play (USER_HOLDS_TOO_LONG, "vphone-04-guide-held-too-long"), ==, UB_GUIDE_FAILED);
  guide = ub_guide_page_get_guide (UB_GUIDE_PAGE (page));
  g_assert_cmpint (ub_guide_get_failure (guide), ==, UB_GUIDE_FAILURE_RECOVERY);
  g_assert_true (ub_test_label_is_visible_with (page, "Recovery Mode"));
  g_assert_true (ub_test_wait_until (rescue_in_mode, GINT_TO_POINTER (UB_DEVICE_MODE_RECOVERY), 10000));

  ub_test_click (page, "_Try Again");
  guide = ub_guide_page_get_guide (UB_GUIDE_PAGE (page));
  g_assert_cmpint (ub_sequence_get_kind (ub_guide_get_sequence (guide)), ==, UB_SEQUENCE_DFU_ASSISTED);
  g_assert_cmpint (play (USER_GOOD, "vphone-05-guide-assisted-in-dfu"), ==, UB_GUIDE_SUCCEEDED);
  record = read_record ();
  g_assert_nonnull (strstr (record, "setenv auto-boot true"));
  g_assert_nonnull (strstr (record, "saveenv"));
  g_assert_nonnull (strstr (record, "reboot"));
}

static void
test_lets_go_early (void)
{
  GtkWidget *page = GTK_WIDGET (ub_assistant_get_page_by_name (assistant, "guide"));

  back_to_guide ();
  g_assert_cmpint (play (USER_LETS_GO_EARLY, "vphone-06-guide-let-go-early"), ==, UB_GUIDE_FAILED);
  g_assert_cmpint (ub_guide_get_failure (ub_guide_page_get_guide (UB_GUIDE_PAGE (page))), ==,
                   UB_GUIDE_FAILURE_BOOTED);
  g_assert_true (ub_test_label_is_visible_with (page, "Started Normally"));
}

/* The cable is out: nothing arrives, and the advice is about the cable */
static void
test_unplugged (void)
{
  GtkWidget *page = GTK_WIDGET (ub_assistant_get_page_by_name (assistant, "guide"));

  back_to_guide ();
  ub_test_vphone_run (phone, "unplug");
  g_assert_cmpint (play (USER_GOOD, "vphone-07-guide-unplugged"), ==, UB_GUIDE_FAILED);
  g_assert_cmpint (ub_guide_get_failure (ub_guide_page_get_guide (UB_GUIDE_PAGE (page))), ==,
                   UB_GUIDE_FAILURE_NOT_SEEN);
  g_assert_true (ub_test_label_is_visible_with (page, "Did Not See the Phone"));
  ub_test_vphone_run (phone, "plug");
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
  /* The training panel (unbrick --simulate) shows the same virtual phone */
  ub_window_set_side_panel (window, ub_training_panel_new (g_getenv ("UNBRICK_VPHONE_CONTROL")));
  gtk_window_set_default_size (GTK_WINDOW (window), 1240, 760);
  gtk_window_present (GTK_WINDOW (window));

  g_test_add_func ("/unbrick/guide-vphone/walk-to-guide", test_walk_to_guide);
  g_test_add_func ("/unbrick/guide-vphone/good-timing", test_good_timing);
  g_test_add_func ("/unbrick/guide-vphone/held-too-long-then-assisted", test_held_too_long_then_assisted);
  g_test_add_func ("/unbrick/guide-vphone/lets-go-early", test_lets_go_early);
  g_test_add_func ("/unbrick/guide-vphone/unplugged", test_unplugged);
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
