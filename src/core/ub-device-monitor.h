/* ub-device-monitor.h — every Apple device on this computer, live, on the main thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ub-device.h"
#include "ub-model-db.h"

G_BEGIN_DECLS

#define UB_TYPE_DEVICE_MONITOR (ub_device_monitor_get_type ())

G_DECLARE_FINAL_TYPE (UbDeviceMonitor, ub_device_monitor, UB, DEVICE_MONITOR, GObject)

UbDeviceMonitor *ub_device_monitor_new          (UbModelDb        *db);
gboolean         ub_device_monitor_start        (UbDeviceMonitor  *self,
                                                 GError          **error);
void             ub_device_monitor_stop         (UbDeviceMonitor  *self);
gboolean         ub_device_monitor_is_running   (UbDeviceMonitor  *self);
gboolean         ub_device_monitor_is_settled   (UbDeviceMonitor  *self);
GListModel      *ub_device_monitor_get_devices  (UbDeviceMonitor  *self);
UbDevice        *ub_device_monitor_lookup       (UbDeviceMonitor  *self,
                                                 const char       *id);
UbDevice        *ub_device_monitor_find_phone   (UbDeviceMonitor  *self,
                                                 UbDevice         *like);

G_END_DECLS
