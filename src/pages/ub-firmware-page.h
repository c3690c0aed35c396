/* ub-firmware-page.h — "Firmware": the restore image, before any button is pressed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ub-page.h"

G_BEGIN_DECLS

#define UB_TYPE_FIRMWARE_PAGE (ub_firmware_page_get_type ())

G_DECLARE_FINAL_TYPE (UbFirmwarePage, ub_firmware_page, UB, FIRMWARE_PAGE, UbPage)

UbPage *ub_firmware_page_new        (UbRescue       *rescue);
void    ub_firmware_page_check_file (UbFirmwarePage *self,
                                     GFile          *file);

G_END_DECLS
