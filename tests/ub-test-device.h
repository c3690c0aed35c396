/* ub-test-device.h — waiting for device monitor events in tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ub-core.h"
#include "ub-vphone-client.h"

G_BEGIN_DECLS

typedef struct
{
  UbDeviceMonitor *monitor;
  GPtrArray       *events;     /* (element-type UbTestEvent) */
} UbTestRecorder;

typedef struct
{
  char     *what;              /* "added", "removed", "changed" */
  UbDevice *device;
} UbTestEvent;

UbTestRecorder *ub_test_recorder_new      (UbDeviceMonitor *monitor);
void            ub_test_recorder_free     (UbTestRecorder  *self);
void            ub_test_recorder_clear    (UbTestRecorder  *self);
UbDevice       *ub_test_recorder_wait     (UbTestRecorder  *self,
                                           const char      *what,
                                           UbDeviceMode     mode,
                                           guint            timeout_ms);
void            ub_test_wait              (guint            ms);
UbVphoneClient *ub_test_vphone            (void);
void            ub_test_vphone_run        (UbVphoneClient  *client,
                                           const char      *command);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UbTestRecorder, ub_test_recorder_free)

G_END_DECLS
