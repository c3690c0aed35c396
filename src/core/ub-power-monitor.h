/* ub-power-monitor.h — told when this computer is plugged in or unplugged
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ub-power.h"

G_BEGIN_DECLS

#define UB_TYPE_POWER_MONITOR (ub_power_monitor_get_type ())

G_DECLARE_FINAL_TYPE (UbPowerMonitor, ub_power_monitor, UB, POWER_MONITOR, GObject)

UbPowerMonitor *ub_power_monitor_new        (void);
gboolean        ub_power_monitor_get_state  (UbPowerMonitor *self,
                                             UbPowerState   *out);

G_END_DECLS
