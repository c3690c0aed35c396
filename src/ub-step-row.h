/* ub-step-row.h — one step of a button sequence, with its drawing, for the rehearsal
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ub-core.h"

G_BEGIN_DECLS

#define UB_TYPE_STEP_ROW (ub_step_row_get_type ())

G_DECLARE_FINAL_TYPE (UbStepRow, ub_step_row, UB, STEP_ROW, GtkListBoxRow)

GtkWidget *ub_step_row_new            (UbModel  *model,
                                       UbStep   *step,
                                       guint     number,
                                       gboolean  from_recovery);
char      *ub_step_dup_timing_text    (UbStep   *step,
                                       gboolean  from_recovery);

G_END_DECLS
