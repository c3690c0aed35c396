/* ub-application.h — Unbrick's application object
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ub-core.h"

G_BEGIN_DECLS

#define UB_TYPE_APPLICATION (ub_application_get_type ())

G_DECLARE_FINAL_TYPE (UbApplication, ub_application, UB, APPLICATION, AdwApplication)

UbApplication   *ub_application_new                (void);
UbModelDb       *ub_application_get_model_db       (UbApplication *self);
UbDeviceMonitor *ub_application_get_device_monitor (UbApplication *self);

G_END_DECLS
