/* ub-vphone-scenario.h — a script of control commands run by the phone itself
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ub-vphone.h"

G_BEGIN_DECLS

#define UB_TYPE_VPHONE_SCENARIO (ub_vphone_scenario_get_type ())

G_DECLARE_FINAL_TYPE (UbVphoneScenario, ub_vphone_scenario, UB, VPHONE_SCENARIO, GObject)

UbVphoneScenario *ub_vphone_scenario_new_from_file (const char        *path,
                                                    GError           **error);
UbVphoneScenario *ub_vphone_scenario_new_from_data (const char        *data,
                                                    GError           **error);
guint             ub_vphone_scenario_get_n_lines   (UbVphoneScenario  *self);
void              ub_vphone_scenario_run           (UbVphoneScenario  *self,
                                                    UbVphone          *vphone);

G_END_DECLS
