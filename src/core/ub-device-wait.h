/* ub-device-wait.h — wait until a phone leaves, or comes back in a given mode
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ub-device-monitor.h"

G_BEGIN_DECLS

/* One bit per #UbDeviceMode, for the @modes of ub_device_monitor_wait_for_async() */
#define UB_DEVICE_MODE_MASK(mode) (1u << (mode))

/* How long a phone takes in the boot chain (restore-protocol.md §1.4–5), in
 * milliseconds of phone time (UNBRICK_TIME_SCALE shortens them) */
#define UB_WAIT_DFU_LEAVE_MS       10000
#define UB_WAIT_DFU_RETURN_MS      10000
#define UB_WAIT_RESTORE_LEAVE_MS   30000
#define UB_WAIT_RESTORE_RETURN_MS  300000

void      ub_device_monitor_wait_for_async   (UbDeviceMonitor      *self,
                                              guint                 modes,
                                              guint64               ecid,
                                              guint                 timeout_ms,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
UbDevice *ub_device_monitor_wait_for_finish  (UbDeviceMonitor      *self,
                                              GAsyncResult         *result,
                                              GError              **error);
void      ub_device_monitor_wait_gone_async  (UbDeviceMonitor      *self,
                                              UbDevice             *device,
                                              guint                 timeout_ms,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
gboolean  ub_device_monitor_wait_gone_finish (UbDeviceMonitor      *self,
                                              GAsyncResult         *result,
                                              GError              **error);

G_END_DECLS
