/* ub-power.h — whether this computer runs on mains power, from UPower
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Each D-Bus call, and the whole query, give up after this long */
#define UB_POWER_TIMEOUT_MS 3000
/* Below this charge, on battery, the advice is more urgent */
#define UB_POWER_LOW_PERCENTAGE 30.0

#define UB_POWER_UPOWER_NAME      "org.freedesktop.UPower"
#define UB_POWER_UPOWER_PATH      "/org/freedesktop/UPower"
#define UB_POWER_DISPLAY_PATH     "/org/freedesktop/UPower/devices/DisplayDevice"
#define UB_POWER_UPOWER_IFACE     "org.freedesktop.UPower"
#define UB_POWER_DEVICE_IFACE     "org.freedesktop.UPower.Device"

typedef struct
{
  gboolean known;         /* UPower answered */
  gboolean on_battery;
  gboolean has_battery;
  double   percentage;    /* 0–100, or -1 when unknown */
} UbPowerState;

void        ub_power_query_async   (GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data);
gboolean    ub_power_query_finish  (GAsyncResult         *result,
                                    UbPowerState         *out,
                                    GError              **error);
const char *ub_power_state_advice  (const UbPowerState   *state);
gboolean    ub_power_state_equal   (const UbPowerState   *a,
                                    const UbPowerState   *b);

G_END_DECLS
