/* ub-device-row.h — a connected device in a list, with its raw details
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ub-core.h"

G_BEGIN_DECLS

#define UB_TYPE_DEVICE_ROW (ub_device_row_get_type ())

G_DECLARE_FINAL_TYPE (UbDeviceRow, ub_device_row, UB, DEVICE_ROW, AdwExpanderRow)

GtkWidget *ub_device_row_new        (UbDevice    *device);
UbDevice  *ub_device_row_get_device (UbDeviceRow *self);
void       ub_device_row_set_chosen (UbDeviceRow *self,
                                     gboolean     chosen,
                                     gboolean     offer_choice);
char      *ub_device_dup_title      (UbDevice    *device);
char      *ub_device_dup_summary    (UbDevice    *device);
char      *ub_dup_udev_command      (void);

G_END_DECLS
