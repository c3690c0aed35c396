/* ub-guide.c — the timed button guide: a pure state machine over a sequence
 *
 * The guide never sleeps and never touches a device. Time comes from a
 * UbClock (fake in tests) and moves on when the owner calls ub_guide_tick();
 * USB arrivals and departures are fed in by the caller. What the computer has
 * to do (the reboot of the host-timed method) is asked for with the
 * "host-action" signal.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-guide"

#include "config.h"

#include "ub-enums.h"
#include "ub-guide-private.h"

/* How long to keep watching USB after the last step, per target. A restart
 * has to boot iOS before usbmuxd sees the phone again. */
static const guint check_seconds[] = {
  [UB_TARGET_RESTART] = 60,
  [UB_TARGET_RECOVERY] = 10,
  [UB_TARGET_DFU] = 5,
};


G_DEFINE_FINAL_TYPE (UbGuide, ub_guide, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  PROP_STEP,
  PROP_REMAINING,
  PROP_FAILURE,
  PROP_ARRIVED_MODE,
  N_PROPS
};

enum {
  HOST_ACTION,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
ub_guide_dispose (GObject *object)
{
  UbGuide *self = (UbGuide *)object;

  g_clear_object (&self->sequence);
  g_clear_object (&self->clock);

  G_OBJECT_CLASS (ub_guide_parent_class)->dispose (object);
}

static void
ub_guide_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  UbGuide *self = UB_GUIDE (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_STEP:
      g_value_set_int (value, self->step);
      break;

    case PROP_REMAINING:
      g_value_set_uint (value, self->remaining);
      break;

    case PROP_FAILURE:
      g_value_set_enum (value, self->failure);
      break;

    case PROP_ARRIVED_MODE:
      g_value_set_enum (value, self->arrived_mode);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ub_guide_class_init (UbGuideClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = ub_guide_dispose;
  object_class->get_property = ub_guide_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, UB_TYPE_GUIDE_STATE, UB_GUIDE_READY, flags);
  properties[PROP_STEP] =
    g_param_spec_int ("step", NULL, NULL, -1, G_MAXINT, -1, flags);
  properties[PROP_REMAINING] =
    g_param_spec_uint ("remaining", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_FAILURE] =
    g_param_spec_enum ("failure", NULL, NULL, UB_TYPE_GUIDE_FAILURE, UB_GUIDE_FAILURE_NONE, flags);
  properties[PROP_ARRIVED_MODE] =
    g_param_spec_enum ("arrived-mode", NULL, NULL, UB_TYPE_DEVICE_MODE, UB_DEVICE_MODE_UNKNOWN, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * UbGuide::host-action:
   * @action: a #UbGuideAction
   *
   * The computer must act on the phone now (host-timed DFU from recovery).
   */
  signals[HOST_ACTION] =
    g_signal_new ("host-action", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, UB_TYPE_GUIDE_ACTION);
}

static void
ub_guide_init (UbGuide *self)
{
  self->step = -1;
}

/**
 * ub_guide_new:
 * @from_recovery: the phone starts in recovery mode (some holds are shorter)
 *
 * Returns: (transfer full): a guide in %UB_GUIDE_READY
 */
UbGuide *
ub_guide_new (UbSequence *sequence,
              UbClock    *clock,
              gboolean    from_recovery)
{
  UbGuide *self;

  g_return_val_if_fail (UB_IS_SEQUENCE (sequence), NULL);
  g_return_val_if_fail (UB_IS_CLOCK (clock), NULL);

  self = g_object_new (UB_TYPE_GUIDE, NULL);
  self->sequence = g_object_ref (sequence);
  self->clock = g_object_ref (clock);
  self->from_recovery = from_recovery;
  return self;
}

/**
 * ub_guide_set_expected_ecid:
 *
 * Arrivals of other phones (another ECID) are then ignored.
 */
void
ub_guide_set_expected_ecid (UbGuide *self,
                            guint64  ecid)
{
  g_return_if_fail (UB_IS_GUIDE (self));

  self->expected_ecid = ecid;
  self->has_expected_ecid = TRUE;
}

const char *
ub_guide_state_to_string (UbGuideState state)
{
  static const char * const names[] = {
    "ready", "running", "paused", "checking", "succeeded", "failed",
  };

  g_return_val_if_fail (state <= UB_GUIDE_FAILED, NULL);
  return names[state];
}

const char *
ub_guide_failure_to_string (UbGuideFailure failure)
{
  static const char * const names[] = {
    "none", "recovery", "booted", "dfu", "not-seen",
  };

  g_return_val_if_fail (failure <= UB_GUIDE_FAILURE_NOT_SEEN, NULL);
  return names[failure];
}

static void
set_state (UbGuide      *self,
           UbGuideState  state)
{
  if (self->state == state)
    return;
  g_debug ("Guide state “%s” → “%s”",
           ub_guide_state_to_string (self->state), ub_guide_state_to_string (state));
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_step (UbGuide *self,
          int      step)
{
  if (self->step == step)
    return;
  g_debug ("Guide step %d → %d", self->step, step);
  self->step = step;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STEP]);
}

static void
set_remaining (UbGuide *self,
               guint    remaining)
{
  if (self->remaining == remaining)
    return;
  self->remaining = remaining;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REMAINING]);
}

void
_ub_guide_finish (UbGuide        *self,
                  UbGuideFailure  failure)
{
  g_object_freeze_notify (G_OBJECT (self));
  if (self->failure != failure)
    {
      self->failure = failure;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FAILURE]);
    }
  set_remaining (self, 0);
  set_state (self, failure == UB_GUIDE_FAILURE_NONE ? UB_GUIDE_SUCCEEDED : UB_GUIDE_FAILED);
  g_object_thaw_notify (G_OBJECT (self));
}

static gint64
step_length_usec (UbGuide *self,
                  int      index)
{
  UbStep *step = ub_sequence_get_step (self->sequence, index);

  return (gint64)ub_step_get_seconds (step, self->from_recovery) * G_USEC_PER_SEC;
}

static gboolean
needs_host_reboot (UbSequence *sequence)
{
  for (guint i = 0; i < ub_sequence_get_n_steps (sequence); i++)
    if (ub_step_get_host_reboot_at (ub_sequence_get_step (sequence, i)) >= 0)
      return TRUE;
  return FALSE;
}

void
ub_guide_start (UbGuide *self)
{
  g_return_if_fail (UB_IS_GUIDE (self));
  g_return_if_fail (self->state == UB_GUIDE_READY);

  self->step_start = ub_clock_get_time (self->clock);
  self->step_length = step_length_usec (self, 0);
  self->reboot_sent = FALSE;
  self->left_since_start = FALSE;

  g_object_freeze_notify (G_OBJECT (self));
  set_step (self, 0);
  set_state (self, UB_GUIDE_RUNNING);
  if (needs_host_reboot (self->sequence))
    g_signal_emit (self, signals[HOST_ACTION], 0, UB_GUIDE_ACTION_PREPARE);
  ub_guide_tick (self);
  g_object_thaw_notify (G_OBJECT (self));
}

/* Moves through as many steps as the clock has passed. */
static void
advance_steps (UbGuide *self,
               gint64   now)
{
  guint n_steps = ub_sequence_get_n_steps (self->sequence);

  for (;;)
    {
      UbStep *step = ub_sequence_get_step (self->sequence, self->step);
      int reboot_at = ub_step_get_host_reboot_at (step);
      gint64 elapsed = now - self->step_start;

      if (reboot_at >= 0 && !self->reboot_sent && elapsed >= reboot_at * G_USEC_PER_SEC)
        {
          self->reboot_sent = TRUE;
          g_debug ("Guide asks the computer to reboot the phone");
          g_signal_emit (self, signals[HOST_ACTION], 0, UB_GUIDE_ACTION_REBOOT);
        }
      if (elapsed < self->step_length)
        {
          set_remaining (self, (guint)((self->step_length - elapsed + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC));
          return;
        }

      self->step_start += self->step_length;
      self->reboot_sent = FALSE;
      if ((guint)self->step + 1 >= n_steps)
        {
          self->check_until = self->step_start +
                              check_seconds[ub_sequence_get_target (self->sequence)] * G_USEC_PER_SEC;
          set_remaining (self, 0);
          set_state (self, UB_GUIDE_CHECKING);
          return;
        }
      self->step_length = step_length_usec (self, self->step + 1);
      set_step (self, self->step + 1);
    }
}

/**
 * ub_guide_tick:
 *
 * Brings the guide up to the clock's time. Call it often (the UI does every
 * 100 ms); the countdown only notifies when a whole second changes.
 */
void
ub_guide_tick (UbGuide *self)
{
  gint64 now;

  g_return_if_fail (UB_IS_GUIDE (self));

  now = ub_clock_get_time (self->clock);
  if (self->state == UB_GUIDE_RUNNING)
    advance_steps (self, now);
  if (self->state == UB_GUIDE_CHECKING && now >= self->check_until)
    {
      g_debug ("Guide saw nothing after the last step");
      _ub_guide_finish (self, UB_GUIDE_FAILURE_NOT_SEEN);
    }
}

void
ub_guide_pause (UbGuide *self)
{
  g_return_if_fail (UB_IS_GUIDE (self));

  if (self->state != UB_GUIDE_RUNNING)
    return;
  ub_guide_tick (self);
  if (self->state != UB_GUIDE_RUNNING)
    return;
  self->paused_at = ub_clock_get_time (self->clock);
  set_state (self, UB_GUIDE_PAUSED);
}

void
ub_guide_resume (UbGuide *self)
{
  g_return_if_fail (UB_IS_GUIDE (self));

  if (self->state != UB_GUIDE_PAUSED)
    return;
  self->step_start += ub_clock_get_time (self->clock) - self->paused_at;
  set_state (self, UB_GUIDE_RUNNING);
  ub_guide_tick (self);
}

/**
 * ub_guide_restart:
 *
 * Back to %UB_GUIDE_READY at the first step, from any state.
 */
void
ub_guide_restart (UbGuide *self)
{
  g_return_if_fail (UB_IS_GUIDE (self));

  g_object_freeze_notify (G_OBJECT (self));
  if (self->failure != UB_GUIDE_FAILURE_NONE)
    {
      self->failure = UB_GUIDE_FAILURE_NONE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FAILURE]);
    }
  self->arrived_mode = UB_DEVICE_MODE_UNKNOWN;
  self->left_since_start = FALSE;
  set_remaining (self, 0);
  set_step (self, -1);
  set_state (self, UB_GUIDE_READY);
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * ub_guide_confirm_cue:
 *
 * The person saw the step's visual cue ("the screen turned black"): the
 * countdown jumps to what the step allows after the cue.
 *
 * Returns: %TRUE if the step had a cue to confirm
 */
gboolean
ub_guide_confirm_cue (UbGuide *self)
{
  UbStep *step;
  gint64 elapsed, length;
  int cue;

  g_return_val_if_fail (UB_IS_GUIDE (self), FALSE);

  if (self->state != UB_GUIDE_RUNNING)
    return FALSE;
  ub_guide_tick (self);
  if (self->state != UB_GUIDE_RUNNING)
    return FALSE;
  step = ub_sequence_get_step (self->sequence, self->step);
  if ((cue = ub_step_get_cue_seconds (step)) < 0)
    return FALSE;

  elapsed = ub_clock_get_time (self->clock) - self->step_start;
  length = elapsed + cue * G_USEC_PER_SEC;
  g_debug ("Guide cue confirmed in step %d after %.1f s", self->step, elapsed / (double)G_USEC_PER_SEC);
  if (length < self->step_length)
    self->step_length = length;
  ub_guide_tick (self);
  return TRUE;
}

void
_ub_guide_set_arrived_mode (UbGuide      *self,
                            UbDeviceMode  mode)
{
  if (self->arrived_mode == mode)
    return;
  self->arrived_mode = mode;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ARRIVED_MODE]);
}

UbSequence *
ub_guide_get_sequence (UbGuide *self)
{
  g_return_val_if_fail (UB_IS_GUIDE (self), NULL);
  return self->sequence;
}

UbGuideState
ub_guide_get_state (UbGuide *self)
{
  g_return_val_if_fail (UB_IS_GUIDE (self), UB_GUIDE_READY);
  return self->state;
}

/**
 * ub_guide_get_step:
 *
 * Returns: the current step's index, -1 before the start
 */
int
ub_guide_get_step (UbGuide *self)
{
  g_return_val_if_fail (UB_IS_GUIDE (self), -1);
  return self->step;
}

/**
 * ub_guide_get_current_step:
 *
 * Returns: (transfer none): the current step, or the first one before the start
 */
UbStep *
ub_guide_get_current_step (UbGuide *self)
{
  g_return_val_if_fail (UB_IS_GUIDE (self), NULL);
  return ub_sequence_get_step (self->sequence, MAX (self->step, 0));
}

/**
 * ub_guide_get_remaining:
 *
 * Returns: whole seconds left in the current step (rounded up)
 */
guint
ub_guide_get_remaining (UbGuide *self)
{
  g_return_val_if_fail (UB_IS_GUIDE (self), 0);
  return self->remaining;
}

/**
 * ub_guide_get_step_fraction:
 *
 * Returns: how much of the current step has passed, 0 to 1, for a smooth
 *   progress ring (the caller redraws on its own tick)
 */
double
ub_guide_get_step_fraction (UbGuide *self)
{
  gint64 now;

  g_return_val_if_fail (UB_IS_GUIDE (self), 0.0);

  if (self->state == UB_GUIDE_READY || self->step_length <= 0)
    return 0.0;
  if (self->state != UB_GUIDE_RUNNING && self->state != UB_GUIDE_PAUSED)
    return 1.0;
  now = self->state == UB_GUIDE_PAUSED ? self->paused_at : ub_clock_get_time (self->clock);
  return CLAMP ((now - self->step_start) / (double)self->step_length, 0.0, 1.0);
}

UbGuideFailure
ub_guide_get_failure (UbGuide *self)
{
  g_return_val_if_fail (UB_IS_GUIDE (self), UB_GUIDE_FAILURE_NONE);
  return self->failure;
}

UbDeviceMode
ub_guide_get_arrived_mode (UbGuide *self)
{
  g_return_val_if_fail (UB_IS_GUIDE (self), UB_DEVICE_MODE_UNKNOWN);
  return self->arrived_mode;
}

gboolean
ub_guide_get_from_recovery (UbGuide *self)
{
  g_return_val_if_fail (UB_IS_GUIDE (self), FALSE);
  return self->from_recovery;
}
