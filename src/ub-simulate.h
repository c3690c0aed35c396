/* ub-simulate.h — training mode: Unbrick against the virtual iPhone
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ub-window.h"

G_BEGIN_DECLS

int  ub_simulate_run          (const char *model);
void ub_simulate_attach_panel (UbWindow   *window);
void ub_simulate_set_training (gboolean    training);

G_END_DECLS
