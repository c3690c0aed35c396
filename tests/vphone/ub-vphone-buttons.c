/* ub-vphone-buttons.c — the virtual iPhone's keys and its reset combo
 *
 * The reset combo, per button family (dfu-sequences.md §2):
 *  - home: power and Home held together;
 *  - iphone7: power and Volume Down held together;
 *  - modern and iPads without Home: Volume Up tapped (pressed < 1 s), then
 *    Volume Down tapped within 2 s of that release, then power pressed within
 *    2 s of that release and held. Power alone only brings up the power-off
 *    screen.
 * Held long enough (8 s home/iphone7, 6 s modern/iPad, 2 s less in
 * recovery), the combo resets the phone: this object counts and emits
 * ::reset when the phone's stage allows it. Durations are phone time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-vphone-buttons"

#include "config.h"

#include "ub-clock.h"
#include "ub-vphone-buttons.h"
#include "ub-vphone-types.h"

#define RESET_SECONDS_LONG   8.0   /* home, iphone7 */
#define RESET_SECONDS_SHORT  6.0   /* modern, iPads without Home */
#define RESET_RECOVERY_BONUS 2.0
#define TAP_MAX_SECONDS      1.0
#define TAP_WINDOW_SECONDS   2.0

struct _UbVphoneButtons
{
  GObject         parent_instance;

  UbButtonFamily  family;
  UbClock        *clock;
  UbButtons       held;
  gint64          pressed_at[4];      /* by button bit */
  gint64          vol_up_tap_end;     /* release of a valid Volume Up tap, or 0 */
  gint64          vol_down_tap_end;   /* release of a valid Volume Down tap, or 0 */
  gboolean        armed;              /* power pressed right after both taps */
  gboolean        combo_allowed;      /* the phone's stage lets the combo reset it */
  gboolean        in_recovery;
  guint           combo_id;
};

enum {
  SIGNAL_RESET,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (UbVphoneButtons, ub_vphone_buttons, G_TYPE_OBJECT)

static void
ub_vphone_buttons_dispose (GObject *object)
{
  UbVphoneButtons *self = UB_VPHONE_BUTTONS (object);

  g_clear_handle_id (&self->combo_id, g_source_remove);

  G_OBJECT_CLASS (ub_vphone_buttons_parent_class)->dispose (object);
}

static void
ub_vphone_buttons_class_init (UbVphoneButtonsClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = ub_vphone_buttons_dispose;

  /**
   * UbVphoneButtons::reset:
   *
   * The reset combo was held long enough.
   */
  signals[SIGNAL_RESET] =
    g_signal_new ("reset", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
ub_vphone_buttons_init (UbVphoneButtons *self)
{
  self->clock = ub_clock_get_default ();
}

UbVphoneButtons *
ub_vphone_buttons_new (UbButtonFamily family)
{
  UbVphoneButtons *self = g_object_new (UB_TYPE_VPHONE_BUTTONS, NULL);

  self->family = family;
  return self;
}

UbButtons
ub_vphone_buttons_get_held (UbVphoneButtons *self)
{
  g_return_val_if_fail (UB_IS_VPHONE_BUTTONS (self), UB_BUTTON_NONE);
  return self->held;
}

/**
 * ub_vphone_buttons_get_dfu_button:
 *
 * Returns: the button held through the second DFU phase: Home on the home
 *   family, Volume Down on every other
 */
UbButtons
ub_vphone_buttons_get_dfu_button (UbVphoneButtons *self)
{
  g_return_val_if_fail (UB_IS_VPHONE_BUTTONS (self), UB_BUTTON_NONE);

  if (self->family == UB_BUTTON_FAMILY_HOME)
    return UB_BUTTON_HOME;
  return UB_BUTTON_VOLUME_DOWN;
}

static guint
button_index (UbButtons button)
{
  return g_bit_nth_lsf (button, -1);
}

static gboolean
uses_taps (UbVphoneButtons *self)
{
  return self->family == UB_BUTTON_FAMILY_MODERN || self->family == UB_BUTTON_FAMILY_IPAD_NO_HOME;
}

static void
track_press (UbVphoneButtons *self,
             UbButtons        button,
             gint64           now)
{
  gint64 window = (gint64) (TAP_WINDOW_SECONDS * G_USEC_PER_SEC);

  if (button == UB_BUTTON_VOLUME_UP)
    self->vol_down_tap_end = 0;
  if (button == UB_BUTTON_POWER)
    {
      self->armed = uses_taps (self) && self->vol_down_tap_end != 0 &&
                    now - self->vol_down_tap_end <= window;
      self->vol_down_tap_end = 0;
      if (self->armed)
        g_debug ("Power pressed right after the Volume Up and Volume Down taps");
    }
}

static void
track_release (UbVphoneButtons *self,
               UbButtons        button,
               gint64           now)
{
  gint64 pressed = self->pressed_at[button_index (button)];
  gint64 tap_max = (gint64) (TAP_MAX_SECONDS * G_USEC_PER_SEC);
  gint64 window = (gint64) (TAP_WINDOW_SECONDS * G_USEC_PER_SEC);
  gboolean tap = now - pressed < tap_max;

  if (button == UB_BUTTON_VOLUME_UP)
    self->vol_up_tap_end = tap ? now : 0;
  if (button == UB_BUTTON_VOLUME_DOWN)
    {
      self->vol_down_tap_end = (tap && self->vol_up_tap_end != 0 &&
                                pressed - self->vol_up_tap_end <= window) ? now : 0;
      self->vol_up_tap_end = 0;
      if (self->vol_down_tap_end != 0)
        g_debug ("Volume Down tapped right after a Volume Up tap");
    }
  if (button == UB_BUTTON_POWER)
    self->armed = FALSE;
}

static gboolean
on_combo_held (gpointer data)
{
  UbVphoneButtons *self = data;

  self->combo_id = 0;
  g_debug ("Reset combo held long enough");
  g_signal_emit (self, signals[SIGNAL_RESET], 0);
  return G_SOURCE_REMOVE;
}

/* Starts or stops the reset countdown after any button or stage change. */
static void
update_combo (UbVphoneButtons *self)
{
  if (self->combo_allowed && ub_vphone_buttons_combo_held (self))
    {
      if (self->combo_id == 0)
        {
          double seconds = ub_vphone_buttons_reset_seconds (self, self->in_recovery);

          g_debug ("Reset combo held; the phone resets in %.1f s", seconds);
          self->combo_id = g_timeout_add (ub_vphone_scaled_ms (seconds), on_combo_held, self);
        }
    }
  else if (self->combo_id != 0)
    {
      g_debug ("Reset combo let go");
      g_clear_handle_id (&self->combo_id, g_source_remove);
    }
}

/**
 * ub_vphone_buttons_set_stage:
 * @combo_allowed: whether holding the combo may reset the phone now (not
 *   while it is already resetting)
 * @in_recovery: the phone is in recovery mode, where the combo is shorter
 */
void
ub_vphone_buttons_set_stage (UbVphoneButtons *self,
                             gboolean         combo_allowed,
                             gboolean         in_recovery)
{
  g_return_if_fail (UB_IS_VPHONE_BUTTONS (self));

  if (self->in_recovery != in_recovery)
    g_clear_handle_id (&self->combo_id, g_source_remove);
  self->combo_allowed = combo_allowed;
  self->in_recovery = in_recovery;
  update_combo (self);
}

/**
 * ub_vphone_buttons_press:
 * @button: one button
 *
 * Returns: %TRUE if @button was not held already
 */
gboolean
ub_vphone_buttons_press (UbVphoneButtons *self,
                         UbButtons        button)
{
  gint64 now;

  g_return_val_if_fail (UB_IS_VPHONE_BUTTONS (self), FALSE);
  g_return_val_if_fail (button != UB_BUTTON_NONE && (button & (button - 1)) == 0, FALSE);

  if (self->held & button)
    return FALSE;
  now = ub_clock_get_time (self->clock);
  self->held |= button;
  self->pressed_at[button_index (button)] = now;
  track_press (self, button, now);
  update_combo (self);
  return TRUE;
}

/**
 * ub_vphone_buttons_release:
 * @button: one button
 *
 * Returns: %TRUE if @button was held
 */
gboolean
ub_vphone_buttons_release (UbVphoneButtons *self,
                           UbButtons        button)
{
  g_return_val_if_fail (UB_IS_VPHONE_BUTTONS (self), FALSE);
  g_return_val_if_fail (button != UB_BUTTON_NONE && (button & (button - 1)) == 0, FALSE);

  if ((self->held & button) == 0)
    return FALSE;
  self->held &= ~button;
  track_release (self, button, ub_clock_get_time (self->clock));
  update_combo (self);
  return TRUE;
}

/**
 * ub_vphone_buttons_combo_held:
 *
 * Returns: whether the family's reset combo is being held right now
 */
gboolean
ub_vphone_buttons_combo_held (UbVphoneButtons *self)
{
  UbButtons pair;

  g_return_val_if_fail (UB_IS_VPHONE_BUTTONS (self), FALSE);

  switch (self->family)
    {
    case UB_BUTTON_FAMILY_HOME:
      pair = UB_BUTTON_POWER | UB_BUTTON_HOME;
      return (self->held & pair) == pair;
    case UB_BUTTON_FAMILY_IPHONE7:
      pair = UB_BUTTON_POWER | UB_BUTTON_VOLUME_DOWN;
      return (self->held & pair) == pair;
    case UB_BUTTON_FAMILY_MODERN:
    case UB_BUTTON_FAMILY_IPAD_NO_HOME:
    default:
      return (self->held & UB_BUTTON_POWER) != 0 && self->armed;
    }
}

/**
 * ub_vphone_buttons_reset_seconds:
 * @in_recovery: the phone is in recovery mode
 *
 * Returns: how long the combo must be held to reset the phone (phone seconds)
 */
double
ub_vphone_buttons_reset_seconds (UbVphoneButtons *self,
                                 gboolean         in_recovery)
{
  double seconds = RESET_SECONDS_SHORT;

  g_return_val_if_fail (UB_IS_VPHONE_BUTTONS (self), RESET_SECONDS_LONG);

  if (self->family == UB_BUTTON_FAMILY_HOME || self->family == UB_BUTTON_FAMILY_IPHONE7)
    seconds = RESET_SECONDS_LONG;
  if (in_recovery)
    seconds -= RESET_RECOVERY_BONUS;
  return seconds;
}

/**
 * ub_vphone_buttons_forget_taps:
 *
 * After a reset or a jump, earlier taps no longer arm the combo, and a
 * running countdown stops.
 */
void
ub_vphone_buttons_forget_taps (UbVphoneButtons *self)
{
  g_return_if_fail (UB_IS_VPHONE_BUTTONS (self));

  self->vol_up_tap_end = 0;
  self->vol_down_tap_end = 0;
  self->armed = FALSE;
  g_clear_handle_id (&self->combo_id, g_source_remove);
}
