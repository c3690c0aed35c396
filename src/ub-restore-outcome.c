/* ub-restore-outcome.c — how the wizard's restore ended
 *
 * The restore page writes it, the done page reads it (pages never talk to
 * each other); the rescue owns it and clears it on "Start over". One
 * "changed" notification per change.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-restore-outcome"

#include "config.h"

#include "ub-restore-outcome.h"

struct _UbRestoreOutcome
{
  GObject         parent_instance;

  gboolean        finished;
  UbRestoreStage  stage;
  GError         *error;
  char           *log_path;
};

enum
{
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (UbRestoreOutcome, ub_restore_outcome, G_TYPE_OBJECT)

static void
ub_restore_outcome_finalize (GObject *object)
{
  UbRestoreOutcome *self = UB_RESTORE_OUTCOME (object);

  g_clear_error (&self->error);
  g_free (self->log_path);
  G_OBJECT_CLASS (ub_restore_outcome_parent_class)->finalize (object);
}

static void
ub_restore_outcome_class_init (UbRestoreOutcomeClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ub_restore_outcome_finalize;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
ub_restore_outcome_init (UbRestoreOutcome *self)
{
}

UbRestoreOutcome *
ub_restore_outcome_new (void)
{
  return g_object_new (UB_TYPE_RESTORE_OUTCOME, NULL);
}

gboolean
ub_restore_outcome_get_finished (UbRestoreOutcome *self)
{
  g_return_val_if_fail (UB_IS_RESTORE_OUTCOME (self), FALSE);
  return self->finished;
}

/**
 * ub_restore_outcome_get_stage:
 *
 * Returns: how far the restore got (the stage it failed in, or the last one)
 */
UbRestoreStage
ub_restore_outcome_get_stage (UbRestoreOutcome *self)
{
  g_return_val_if_fail (UB_IS_RESTORE_OUTCOME (self), UB_RESTORE_STAGE_CHECK);
  return self->stage;
}

/**
 * ub_restore_outcome_get_error:
 *
 * Returns: (nullable): why it failed; %NULL when it succeeded (or has not ended)
 */
const GError *
ub_restore_outcome_get_error (UbRestoreOutcome *self)
{
  g_return_val_if_fail (UB_IS_RESTORE_OUTCOME (self), NULL);
  return self->error;
}

const char *
ub_restore_outcome_get_log_path (UbRestoreOutcome *self)
{
  g_return_val_if_fail (UB_IS_RESTORE_OUTCOME (self), NULL);
  return self->log_path;
}

/**
 * ub_restore_outcome_set:
 * @error: (nullable): why the restore stopped, %NULL for success
 * @log_path: (nullable): the attempt's log
 */
void
ub_restore_outcome_set (UbRestoreOutcome *self,
                        UbRestoreStage    stage,
                        const GError     *error,
                        const char       *log_path)
{
  g_return_if_fail (UB_IS_RESTORE_OUTCOME (self));

  self->finished = TRUE;
  self->stage = stage;
  g_clear_error (&self->error);
  self->error = error ? g_error_copy (error) : NULL;
  g_free (self->log_path);
  self->log_path = g_strdup (log_path);
  g_debug ("Restore ended in stage “%s”: %s", ub_restore_stage_to_string (stage),
           error ? error->message : "success");
  g_signal_emit (self, signals[CHANGED], 0);
}

void
ub_restore_outcome_clear (UbRestoreOutcome *self)
{
  g_return_if_fail (UB_IS_RESTORE_OUTCOME (self));

  if (!self->finished)
    return;
  self->finished = FALSE;
  self->stage = UB_RESTORE_STAGE_CHECK;
  g_clear_error (&self->error);
  g_clear_pointer (&self->log_path, g_free);
  g_signal_emit (self, signals[CHANGED], 0);
}
