/* ub-device-monitor-private.h — shared by the device monitor's two files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ub-device-monitor.h"
#include "ub-usb-watcher.h"

G_BEGIN_DECLS

struct _UbDeviceMonitor
{
  GObject        parent_instance;

  UbModelDb     *db;
  GMainContext  *context;
  UbUsbWatcher  *usb;
  gboolean       mux_subscribed;
  GHashTable    *usb_devices;     /* id → UbDevice */
  GHashTable    *mux_devices;     /* udid → UbDevice */
  GHashTable    *queries;         /* udid → GCancellable of its lockdown query */
  GListStore    *devices;         /* what the UI shows */
  gboolean       enumerated;
};

/* One event crossing from a worker thread to the main context */
typedef struct
{
  GWeakRef  monitor;
  UbDevice *device;
  char     *id;
  gboolean  added;
} UbMonitorEvent;

typedef enum
{
  UB_MONITOR_DEVICE_ADDED,
  UB_MONITOR_DEVICE_REMOVED,
  UB_MONITOR_DEVICE_CHANGED,
  UB_MONITOR_N_SIGNALS
} UbMonitorSignal;

void _ub_device_monitor_event_free     (UbMonitorEvent           *event);
void _ub_device_monitor_post           (UbDeviceMonitor *self,
                                        UbDevice        *device,
                                        const char      *id,
                                        gboolean         added,
                                        GSourceFunc      func);
void _ub_device_monitor_rebuild        (UbDeviceMonitor *self);
void _ub_device_monitor_log            (const char      *what,
                                        UbDevice        *device);
void _ub_device_monitor_emit           (UbDeviceMonitor *self,
                                        UbMonitorSignal  signal,
                                        UbDevice        *device);
void _ub_device_monitor_subscribe_mux   (UbDeviceMonitor *self);
void _ub_device_monitor_unsubscribe_mux (UbDeviceMonitor *self);

G_END_DECLS
