/* ub-restore-outcome.h — how the wizard's restore ended
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ub-core.h"

G_BEGIN_DECLS

#define UB_TYPE_RESTORE_OUTCOME (ub_restore_outcome_get_type ())

G_DECLARE_FINAL_TYPE (UbRestoreOutcome, ub_restore_outcome, UB, RESTORE_OUTCOME, GObject)

UbRestoreOutcome *ub_restore_outcome_new          (void);
gboolean          ub_restore_outcome_get_finished (UbRestoreOutcome *self);
UbRestoreStage    ub_restore_outcome_get_stage    (UbRestoreOutcome *self);
const GError     *ub_restore_outcome_get_error    (UbRestoreOutcome *self);
const char       *ub_restore_outcome_get_log_path (UbRestoreOutcome *self);
void              ub_restore_outcome_set          (UbRestoreOutcome *self,
                                                   UbRestoreStage    stage,
                                                   const GError     *error,
                                                   const char       *log_path);
void              ub_restore_outcome_clear        (UbRestoreOutcome *self);

G_END_DECLS
