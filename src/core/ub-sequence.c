/* ub-sequence.c — one button sequence for one button family
 *
 * Steps hold the untranslated texts of data/sequences.xml; they are
 * translated when read, so a language change needs no reload.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-sequence"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ub-sequence.h"

#define STEP_CONTEXT "button step"

struct _UbStep
{
  gatomicrefcount ref_count;
  UbButtons       hold;
  UbButtons       tap;
  guint           seconds;
  guint           recovery_seconds;
  int             cue_seconds;
  int             host_reboot_at;
  gboolean        detect;
  UbScreen        screen;
  char           *instruction[2];   /* indexed by UbPowerButton */
  char           *cue;
};

struct _UbSequence
{
  GObject           parent_instance;

  UbSequenceKind    kind;
  UbButtonFamily    family;
  guint             chip;
  UbSequenceTarget  target;
  GPtrArray        *steps;
};

G_DEFINE_BOXED_TYPE (UbStep, ub_step, ub_step_ref, ub_step_unref)
G_DEFINE_FINAL_TYPE (UbSequence, ub_sequence, G_TYPE_OBJECT)

static const char * const kind_names[] = {
  [UB_SEQUENCE_FORCE_RESTART] = "force-restart",
  [UB_SEQUENCE_RECOVERY] = "recovery",
  [UB_SEQUENCE_DFU] = "dfu",
  [UB_SEQUENCE_DFU_ASSISTED] = "dfu-assisted",
};

UbStep *
ub_step_new (void)
{
  UbStep *step = g_new0 (UbStep, 1);

  g_atomic_ref_count_init (&step->ref_count);
  step->cue_seconds = -1;
  step->host_reboot_at = -1;
  return step;
}

UbStep *
ub_step_ref (UbStep *step)
{
  g_return_val_if_fail (step != NULL, NULL);
  g_atomic_ref_count_inc (&step->ref_count);
  return step;
}

void
ub_step_unref (UbStep *step)
{
  g_return_if_fail (step != NULL);

  if (g_atomic_ref_count_dec (&step->ref_count))
    {
      g_free (step->instruction[0]);
      g_free (step->instruction[1]);
      g_free (step->cue);
      g_free (step);
    }
}

void
_ub_step_set_timing (UbStep    *step,
                     UbButtons  hold,
                     UbButtons  tap,
                     guint      seconds,
                     guint      recovery_seconds,
                     int        cue_seconds,
                     int        host_reboot_at,
                     gboolean   detect,
                     UbScreen   screen)
{
  step->hold = hold;
  step->tap = tap;
  step->seconds = seconds;
  step->recovery_seconds = recovery_seconds;
  step->cue_seconds = cue_seconds;
  step->host_reboot_at = host_reboot_at;
  step->detect = detect;
  step->screen = screen;
}

/* power: a UbPowerButton, or -1 for a text that fits both */
void
_ub_step_set_instruction (UbStep     *step,
                          int         power,
                          const char *msgid)
{
  for (int i = 0; i < 2; i++)
    {
      if (power < 0 || power == i)
        {
          g_free (step->instruction[i]);
          step->instruction[i] = g_strdup (msgid);
        }
    }
}

void
_ub_step_set_cue (UbStep     *step,
                  const char *msgid)
{
  g_free (step->cue);
  step->cue = g_strdup (msgid);
}

UbButtons
ub_step_get_hold (const UbStep *step)
{
  return step->hold;
}

UbButtons
ub_step_get_tap (const UbStep *step)
{
  return step->tap;
}

/**
 * ub_step_get_buttons:
 *
 * Returns: every button the step touches, held or tapped
 */
UbButtons
ub_step_get_buttons (const UbStep *step)
{
  return step->hold | step->tap;
}

/**
 * ub_step_get_seconds:
 * @from_recovery: the phone started this attempt in recovery mode
 *
 * Returns: the step's countdown in seconds (0 for none)
 */
guint
ub_step_get_seconds (const UbStep *step,
                     gboolean      from_recovery)
{
  if (from_recovery && step->recovery_seconds > 0)
    return step->recovery_seconds;
  return step->seconds;
}

/**
 * ub_step_get_cue_seconds:
 *
 * Returns: the seconds left once the person confirms the visual cue, or -1
 *   when the step has no cue to confirm
 */
int
ub_step_get_cue_seconds (const UbStep *step)
{
  return step->cue_seconds;
}

/**
 * ub_step_get_host_reboot_at:
 *
 * Returns: seconds into the step at which the computer reboots the phone, or -1
 */
int
ub_step_get_host_reboot_at (const UbStep *step)
{
  return step->host_reboot_at;
}

gboolean
ub_step_get_detect (const UbStep *step)
{
  return step->detect;
}

UbScreen
ub_step_get_screen (const UbStep *step)
{
  return step->screen;
}

const char *
ub_step_get_instruction_msgid (const UbStep  *step,
                               UbPowerButton  power)
{
  g_return_val_if_fail (power <= UB_POWER_BUTTON_TOP, NULL);

  if (step->instruction[power] != NULL)
    return step->instruction[power];
  return step->instruction[!power];
}

/**
 * ub_step_get_instruction:
 * @power: what the model calls its sleep/wake key
 *
 * Returns: the translated instruction
 */
const char *
ub_step_get_instruction (const UbStep  *step,
                         UbPowerButton  power)
{
  const char *msgid = ub_step_get_instruction_msgid (step, power);

  return msgid ? g_dpgettext2 (GETTEXT_PACKAGE, STEP_CONTEXT, msgid) : "";
}

/**
 * ub_step_get_cue:
 *
 * Returns: (nullable): the translated visual cue, if the step has one
 */
const char *
ub_step_get_cue (const UbStep *step)
{
  return step->cue ? g_dpgettext2 (GETTEXT_PACKAGE, STEP_CONTEXT, step->cue) : NULL;
}

static void
ub_sequence_finalize (GObject *object)
{
  UbSequence *self = (UbSequence *)object;

  g_clear_pointer (&self->steps, g_ptr_array_unref);

  G_OBJECT_CLASS (ub_sequence_parent_class)->finalize (object);
}

static void
ub_sequence_class_init (UbSequenceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ub_sequence_finalize;
}

static void
ub_sequence_init (UbSequence *self)
{
  self->steps = g_ptr_array_new_with_free_func ((GDestroyNotify)ub_step_unref);
}

/**
 * ub_sequence_new:
 * @chip: a CPID this sequence is limited to, or 0 for the whole family
 */
UbSequence *
ub_sequence_new (UbSequenceKind    kind,
                 UbButtonFamily    family,
                 guint             chip,
                 UbSequenceTarget  target)
{
  UbSequence *self = g_object_new (UB_TYPE_SEQUENCE, NULL);

  self->kind = kind;
  self->family = family;
  self->chip = chip;
  self->target = target;
  return self;
}

void
ub_sequence_add_step (UbSequence *self,
                      UbStep     *step)
{
  g_return_if_fail (UB_IS_SEQUENCE (self));
  g_return_if_fail (step != NULL);

  g_ptr_array_add (self->steps, ub_step_ref (step));
}

UbSequenceKind
ub_sequence_get_kind (UbSequence *self)
{
  g_return_val_if_fail (UB_IS_SEQUENCE (self), 0);
  return self->kind;
}

UbButtonFamily
ub_sequence_get_family (UbSequence *self)
{
  g_return_val_if_fail (UB_IS_SEQUENCE (self), 0);
  return self->family;
}

guint
ub_sequence_get_chip (UbSequence *self)
{
  g_return_val_if_fail (UB_IS_SEQUENCE (self), 0);
  return self->chip;
}

UbSequenceTarget
ub_sequence_get_target (UbSequence *self)
{
  g_return_val_if_fail (UB_IS_SEQUENCE (self), 0);
  return self->target;
}

guint
ub_sequence_get_n_steps (UbSequence *self)
{
  g_return_val_if_fail (UB_IS_SEQUENCE (self), 0);
  return self->steps->len;
}

/**
 * ub_sequence_get_step:
 *
 * Returns: (transfer none): the step
 */
UbStep *
ub_sequence_get_step (UbSequence *self,
                      guint       index)
{
  g_return_val_if_fail (UB_IS_SEQUENCE (self), NULL);
  g_return_val_if_fail (index < self->steps->len, NULL);
  return g_ptr_array_index (self->steps, index);
}

guint
ub_sequence_get_total_seconds (UbSequence *self,
                               gboolean    from_recovery)
{
  guint total = 0;

  g_return_val_if_fail (UB_IS_SEQUENCE (self), 0);

  for (guint i = 0; i < self->steps->len; i++)
    total += ub_step_get_seconds (g_ptr_array_index (self->steps, i), from_recovery);
  return total;
}

const char *
ub_sequence_kind_to_string (UbSequenceKind kind)
{
  g_return_val_if_fail (kind <= UB_SEQUENCE_DFU_ASSISTED, NULL);
  return kind_names[kind];
}

gboolean
ub_sequence_kind_from_string (const char     *str,
                              UbSequenceKind *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
    {
      if (g_strcmp0 (str, kind_names[i]) == 0)
        {
          if (kind != NULL)
            *kind = (UbSequenceKind)i;
          return TRUE;
        }
    }
  return FALSE;
}

/**
 * ub_buttons_to_string:
 *
 * Returns: a stable, space-separated name list such as "power volume-down",
 *   for logs, JSON and the virtual iPhone's control socket
 */
const char *
ub_buttons_to_string (UbButtons buttons)
{
  static const char * const names[16] = {
    "", "power", "home", "power home", "volume-up", "power volume-up",
    "home volume-up", "power home volume-up", "volume-down", "power volume-down",
    "home volume-down", "power home volume-down", "volume-up volume-down",
    "power volume-up volume-down", "home volume-up volume-down",
    "power home volume-up volume-down",
  };

  return names[buttons & 0xF];
}

const char *
ub_screen_to_string (UbScreen screen)
{
  static const char * const names[] = { "on", "black", "logo", "recovery" };

  g_return_val_if_fail (screen <= UB_SCREEN_RECOVERY, NULL);
  return names[screen];
}
