/* test-vphone-buttons.c — the virtual iPhone's buttons, played by a test
 *
 * Runs under vphone, once per button family (see meson.build). The
 * /vphone/sequences/ cases play the app's own sequences (data/sequences.xml)
 * as written: buttons held and tapped per step, countdowns in phone time,
 * cues followed when the screen shows what they describe, the host's
 * reboot sent over USB when a step says so. The /vphone/buttons/ cases
 * check the edges of the timing model directly.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "ub-core.h"
#include "ub-vphone-client.h"
#include "ub-vphone-testutil.h"

#define BOOT_SECONDS     8.0    /* the phone's logo time, for waits */
#define SLACK_SECONDS    3.0    /* wall-clock slack on waits */

static UbVphoneClient *phone;
static UbModel *model;
static UbSequenceBook *book;
static char *usbtool;

static const char *
button_name (UbButtons button)
{
  switch (button)
    {
    case UB_BUTTON_POWER:
      return "power";
    case UB_BUTTON_HOME:
      return "home";
    case UB_BUTTON_VOLUME_UP:
      return "volume-up";
    case UB_BUTTON_VOLUME_DOWN:
      return "volume-down";
    case UB_BUTTON_NONE:
    default:
      g_assert_not_reached ();
    }
}

/* Waits @phone_seconds of phone time (plus slack) for @key=@value. */
static gboolean
wait_phone (const char *key,
            const char *value,
            double      phone_seconds)
{
  g_autoptr(GError) error = NULL;
  double seconds = ub_vphone_scaled_seconds (phone_seconds) + SLACK_SECONDS;

  if (ub_vphone_client_wait (phone, key, value, seconds, &error))
    return TRUE;
  g_assert_error (error, UB_VPHONE_CLIENT_ERROR, UB_VPHONE_CLIENT_ERROR_FAILED);
  return FALSE;
}

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
release_all (void)
{
  for (UbButtons b = UB_BUTTON_POWER; b <= UB_BUTTON_VOLUME_DOWN; b <<= 1)
    ub_vphone_assert_run (phone, "release %s", button_name (b));
}

/* A phone in @mode, nothing held, no faults, auto-boot=true. */
static void
start_in (const char *mode)
{
  release_all ();
  ub_vphone_assert_run (phone, "clear-faults");
  ub_vphone_assert_run (phone, "setenv auto-boot true");
  ub_vphone_assert_run (phone, "mode %s", mode);
  assert_state ("mode", mode);
}

static void
usb_command (const char *command)
{
  const char *argv[] = { usbtool, "command", command, NULL };
  g_autoptr(UbVphoneRun) run = ub_vphone_run_tool (argv, 10);

  g_assert_cmpint (run->status, ==, 0);
}

/* Presses what @hold adds and releases what it drops, power first. */
static void
hold_buttons (UbButtons *held,
              UbButtons  hold)
{
  for (UbButtons b = UB_BUTTON_POWER; b <= UB_BUTTON_VOLUME_DOWN; b <<= 1)
    {
      if ((*held & b) && !(hold & b))
        ub_vphone_assert_run (phone, "release %s", button_name (b));
      else if (!(*held & b) && (hold & b))
        ub_vphone_assert_run (phone, "press %s", button_name (b));
    }
  *held = hold;
}

static const char *
target_mode (UbSequence *sequence)
{
  switch (ub_sequence_get_target (sequence))
    {
    case UB_TARGET_DFU:
      return "dfu";
    case UB_TARGET_RECOVERY:
      return "recovery";
    case UB_TARGET_RESTART:
    default:
      return "normal";
    }
}

static const char *
screen_name (UbScreen screen)
{
  switch (screen)
    {
    case UB_SCREEN_BLACK:
      return "black";
    case UB_SCREEN_LOGO:
      return "logo";
    case UB_SCREEN_RECOVERY:
      return "recovery";
    case UB_SCREEN_ON:
    default:
      return "on";
    }
}

/* A step that ends early: the person lets go when the screen shows the
 * step's picture (logo, recovery), or the computer sees the phone arrive. */
static void
play_detect_step (UbSequence *sequence,
                  UbStep     *step,
                  UbButtons  *held,
                  double      seconds)
{
  UbScreen screen = ub_step_get_screen (step);

  if (screen == UB_SCREEN_LOGO || screen == UB_SCREEN_RECOVERY)
    {
      if (wait_phone ("screen", screen_name (screen), seconds))
        hold_buttons (held, UB_BUTTON_NONE);
      return;
    }
  wait_phone ("mode", target_mode (sequence), seconds);
}

static void
play_step (UbSequence *sequence,
           UbStep     *step,
           UbButtons  *held,
           gboolean    from_recovery)
{
  double seconds = ub_step_get_seconds (step, from_recovery);
  int cue_seconds = ub_step_get_cue_seconds (step);
  int reboot_at = ub_step_get_host_reboot_at (step);

  hold_buttons (held, ub_step_get_hold (step));
  if (ub_step_get_tap (step) != UB_BUTTON_NONE)
    ub_vphone_assert_run (phone, "tap %s", button_name (ub_step_get_tap (step)));
  if (reboot_at >= 0)
    {
      ub_vphone_phone_sleep (reboot_at);
      usb_command ("reboot");
      ub_vphone_phone_sleep (seconds - reboot_at);
    }
  else if (cue_seconds >= 0)
    {
      /* "The moment the screen turns black, …": the count jumps to the cue. */
      if (wait_phone ("screen", screen_name (ub_step_get_screen (step)), seconds))
        ub_vphone_phone_sleep (cue_seconds);
    }
  else if (ub_step_get_detect (step))
    {
      play_detect_step (sequence, step, held, seconds);
    }
  else
    {
      ub_vphone_phone_sleep (seconds);
    }
}

/* Returns FALSE (and skips the test) when the family has no such sequence. */
static gboolean
play (UbSequenceKind kind,
      const char    *start_mode)
{
  UbSequence *sequence = ub_sequence_book_lookup (book, kind, model);
  gboolean from_recovery = g_str_equal (start_mode, "recovery");
  UbButtons held = UB_BUTTON_NONE;

  if (sequence == NULL)
    {
      g_test_skip ("No such sequence for this family");
      return FALSE;
    }
  start_in (start_mode);
  if (kind == UB_SEQUENCE_DFU_ASSISTED)
    {
      /* The guide's PREPARE action: a missed attempt boots iOS. */
      usb_command ("setenv auto-boot true");
      usb_command ("saveenv");
    }
  for (guint i = 0; i < ub_sequence_get_n_steps (sequence); i++)
    {
      g_test_message ("Step %u", i);
      play_step (sequence, ub_sequence_get_step (sequence, i), &held, from_recovery);
    }
  hold_buttons (&held, UB_BUTTON_NONE);
  g_assert_true (wait_phone ("mode", target_mode (sequence), BOOT_SECONDS + 2));
  return TRUE;
}

static void
test_force_restart (void)
{
  if (play (UB_SEQUENCE_FORCE_RESTART, "normal"))
    assert_state ("screen", "on");
}

static void
test_recovery (void)
{
  if (play (UB_SEQUENCE_RECOVERY, "normal"))
    assert_state ("pid", "0x1281");
}

static void
test_dfu (void)
{
  if (play (UB_SEQUENCE_DFU, "normal"))
    assert_state ("screen", "black");
}

static void
test_dfu_from_recovery (void)
{
  play (UB_SEQUENCE_DFU, "recovery");
}

static void
test_dfu_assisted (void)
{
  if (play (UB_SEQUENCE_DFU_ASSISTED, "recovery"))
    g_assert_true (ub_vphone_record_has ("recovery command \"reboot\""));
}

/* Holds the family's reset combo until the screen goes black (t_b). */
static void
reset_with_combo (UbButtons *held)
{
  UbButtonFamily family = ub_model_get_family (model);

  if (family == UB_BUTTON_FAMILY_MODERN || family == UB_BUTTON_FAMILY_IPAD_NO_HOME)
    {
      ub_vphone_assert_run (phone, "tap volume-up");
      ub_vphone_assert_run (phone, "tap volume-down");
      hold_buttons (held, UB_BUTTON_POWER);
    }
  else
    {
      hold_buttons (held, UB_BUTTON_POWER | (family == UB_BUTTON_FAMILY_HOME ? UB_BUTTON_HOME
                                                                             : UB_BUTTON_VOLUME_DOWN));
    }
  g_assert_true (wait_phone ("mode", "resetting", 8 + 1));
  assert_state ("screen", "black");
}

static UbButtons
dfu_button (void)
{
  return ub_model_get_family (model) == UB_BUTTON_FAMILY_HOME ? UB_BUTTON_HOME : UB_BUTTON_VOLUME_DOWN;
}

/* Power let go with the DFU button held, which is let go 2 s later: boot. */
static void
test_released_too_early (void)
{
  UbButtons held = UB_BUTTON_NONE;

  start_in ("normal");
  reset_with_combo (&held);
  hold_buttons (&held, UB_BUTTON_POWER | dfu_button ());
  ub_vphone_phone_sleep (2);
  hold_buttons (&held, dfu_button ());
  ub_vphone_phone_sleep (2);
  assert_state ("mode", "resetting");
  hold_buttons (&held, UB_BUTTON_NONE);
  assert_state ("screen", "logo");
  g_assert_true (wait_phone ("mode", "normal", BOOT_SECONDS));
}

/* The host reboots while power and the DFU button are held (§4a). */
static void
test_host_reboot (void)
{
  UbButtons held = UB_BUTTON_NONE;

  start_in ("recovery");
  hold_buttons (&held, UB_BUTTON_POWER | dfu_button ());
  ub_vphone_phone_sleep (1);
  usb_command ("reboot");
  assert_state ("screen", "black");
  ub_vphone_phone_sleep (2);
  hold_buttons (&held, dfu_button ());
  g_assert_true (wait_phone ("mode", "dfu", 4 + 1));
  hold_buttons (&held, UB_BUTTON_NONE);
}

/* Power let go alone after the reset: normal boot. */
static void
test_power_released_alone (void)
{
  UbButtons held = UB_BUTTON_NONE;

  start_in ("normal");
  reset_with_combo (&held);
  hold_buttons (&held, UB_BUTTON_NONE);
  assert_state ("screen", "logo");
  g_assert_true (wait_phone ("mode", "normal", BOOT_SECONDS));
}

/* On a booted modern phone, power alone brings up the power-off screen: no reset. */
static void
test_power_alone (void)
{
  start_in ("normal");
  ub_vphone_assert_run (phone, "press power");
  ub_vphone_phone_sleep (8);
  assert_state ("mode", "normal");
  assert_state ("screen", "on");
  ub_vphone_assert_run (phone, "release power");
}

/* A Volume Up press longer than a tap does not arm the reset. */
static void
test_slow_tap (void)
{
  start_in ("normal");
  ub_vphone_assert_run (phone, "press volume-up");
  ub_vphone_phone_sleep (1.5);
  ub_vphone_assert_run (phone, "release volume-up");
  ub_vphone_assert_run (phone, "tap volume-down");
  ub_vphone_assert_run (phone, "press power");
  ub_vphone_phone_sleep (7);
  assert_state ("mode", "normal");
  ub_vphone_assert_run (phone, "release power");
}

/* Off: power held 1 s does nothing; held 3 s, the phone boots. */
static void
test_power_on (void)
{
  start_in ("off");
  assert_state ("screen", "off");
  assert_state ("pid", "none");
  ub_vphone_assert_run (phone, "press power");
  ub_vphone_phone_sleep (1);
  ub_vphone_assert_run (phone, "release power");
  ub_vphone_phone_sleep (3);
  assert_state ("mode", "off");
  ub_vphone_assert_run (phone, "press power");
  g_assert_true (wait_phone ("mode", "booting", 3 + 1));
  ub_vphone_assert_run (phone, "release power");
  g_assert_true (wait_phone ("mode", "normal", BOOT_SECONDS));
}

/* The reset combo in DFU restarts the phone: out of DFU, into iOS. */
static void
test_leave_dfu (void)
{
  UbButtons held = UB_BUTTON_NONE;

  start_in ("dfu");
  reset_with_combo (&held);
  assert_state ("pid", "none");
  hold_buttons (&held, UB_BUTTON_NONE);
  g_assert_true (wait_phone ("mode", "normal", BOOT_SECONDS));
}

/* auto-boot=false: every normal boot ends in recovery, reset or not. */
static void
test_recovery_loop (void)
{
  UbButtons held = UB_BUTTON_NONE;

  start_in ("normal");
  ub_vphone_assert_run (phone, "setenv auto-boot false");
  reset_with_combo (&held);
  hold_buttons (&held, UB_BUTTON_NONE);
  g_assert_true (wait_phone ("mode", "recovery", BOOT_SECONDS));
  assert_state ("screen", "recovery");
  reset_with_combo (&held);   /* 2 s shorter in recovery */
  hold_buttons (&held, UB_BUTTON_NONE);
  g_assert_true (wait_phone ("mode", "recovery", BOOT_SECONDS));
}

/* Unplugged, the phone leaves USB but keeps its state. */
static void
test_cable (void)
{
  start_in ("dfu");
  ub_vphone_assert_run (phone, "unplug");
  assert_state ("pid", "none");
  assert_state ("plugged", "no");
  assert_state ("mode", "dfu");
  ub_vphone_assert_run (phone, "plug");
  assert_state ("pid", "0x1227");
}

static gpointer
wait_for_dfu (gpointer data)
{
  g_autoptr(GError) error = NULL;

  return GINT_TO_POINTER (ub_vphone_client_wait (data, "mode", "dfu", 5, &error));
}

/* A client waiting holds only itself: another one goes on meanwhile. */
static void
test_two_clients (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UbVphoneClient) other = NULL;
  GThread *thread;

  start_in ("normal");
  other = ub_vphone_client_new (NULL, &error);
  g_assert_no_error (error);
  thread = g_thread_new ("wait", wait_for_dfu, other);
  g_usleep (100 * 1000);
  assert_state ("mode", "normal");
  ub_vphone_assert_run (phone, "mode dfu");
  g_assert_true (GPOINTER_TO_INT (g_thread_join (thread)));
}

/* --timing: the family-independent edges of the model instead of the
 * family's sequences. */
static gboolean
take_timing_flag (int   *argc,
                  char **argv)
{
  for (int i = 1; i < *argc; i++)
    {
      if (g_str_equal (argv[i], "--timing"))
        {
          memmove (argv + i, argv + i + 1, (*argc - i) * sizeof (char *));
          (*argc)--;
          return TRUE;
        }
    }
  return FALSE;
}

static void
add_tests (gboolean timing)
{
  if (!timing)
    {
      g_test_add_func ("/vphone/sequences/force-restart", test_force_restart);
      g_test_add_func ("/vphone/sequences/recovery", test_recovery);
      g_test_add_func ("/vphone/sequences/dfu", test_dfu);
      g_test_add_func ("/vphone/sequences/dfu-from-recovery", test_dfu_from_recovery);
      g_test_add_func ("/vphone/sequences/dfu-assisted", test_dfu_assisted);
      g_test_add_func ("/vphone/buttons/released-too-early", test_released_too_early);
      /* The assisted sequence covers the host's reboot where there is one. */
      if (ub_sequence_book_lookup (book, UB_SEQUENCE_DFU_ASSISTED, model) == NULL)
        g_test_add_func ("/vphone/buttons/host-reboot", test_host_reboot);
      return;
    }
  g_assert_cmpint (ub_model_get_family (model), ==, UB_BUTTON_FAMILY_MODERN);
  g_test_add_func ("/vphone/timing/power-released-alone", test_power_released_alone);
  g_test_add_func ("/vphone/timing/power-alone", test_power_alone);
  g_test_add_func ("/vphone/timing/slow-tap", test_slow_tap);
  g_test_add_func ("/vphone/timing/power-on", test_power_on);
  g_test_add_func ("/vphone/timing/leave-dfu", test_leave_dfu);
  g_test_add_func ("/vphone/timing/recovery-loop", test_recovery_loop);
  g_test_add_func ("/vphone/timing/cable", test_cable);
  g_test_add_func ("/vphone/timing/two-clients", test_two_clients);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UbModelDb) db = NULL;
  g_autofree char *product_type = NULL;
  gboolean timing = FALSE;
  int status;

  timing = take_timing_flag (&argc, argv);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  phone = ub_vphone_client_new (NULL, &error);
  g_assert_no_error (error);
  db = ub_model_db_new_default ();
  book = ub_sequence_book_new_default ();
  product_type = ub_vphone_client_get (phone, "model", &error);
  g_assert_no_error (error);
  model = g_object_ref (ub_model_db_lookup_product_type (db, product_type));
  usbtool = g_test_build_filename (G_TEST_BUILT, "vphone-usbtool", NULL);
  g_test_message ("Simulating %s, family %s", product_type,
                  ub_button_family_to_string (ub_model_get_family (model)));

  add_tests (timing);
  status = g_test_run ();
  release_all ();
  g_clear_object (&phone);
  g_clear_object (&model);
  g_clear_object (&book);
  g_free (usbtool);
  return status;
}
