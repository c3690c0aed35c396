/* ub-training-panel.h — the virtual phone's buttons and screen, for training
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define UB_TYPE_TRAINING_PANEL (ub_training_panel_get_type ())

G_DECLARE_FINAL_TYPE (UbTrainingPanel, ub_training_panel, UB, TRAINING_PANEL, AdwBin)

GtkWidget *ub_training_panel_new (const char *control_socket);

G_END_DECLS
