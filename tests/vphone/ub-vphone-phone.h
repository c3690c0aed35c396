/* ub-vphone-phone.h — the virtual iPhone's buttons, screen and boot logic
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "ub-model.h"
#include "ub-vphone-faults.h"
#include "ub-vphone-nvram.h"
#include "ub-vphone-recorder.h"
#include "ub-vphone-types.h"

G_BEGIN_DECLS

#define UB_TYPE_VPHONE_PHONE (ub_vphone_phone_get_type ())

G_DECLARE_FINAL_TYPE (UbVphonePhone, ub_vphone_phone, UB, VPHONE_PHONE, GObject)

UbVphonePhone   *ub_vphone_phone_new            (UbModel          *model,
                                                 UbVphoneNvram    *nvram,
                                                 UbVphoneFaults   *faults,
                                                 UbVphoneRecorder *recorder);
UbVphoneMode     ub_vphone_phone_get_mode       (UbVphonePhone    *self);
UbVphoneScreen   ub_vphone_phone_get_screen     (UbVphonePhone    *self);
UbVphoneUsbMode  ub_vphone_phone_get_usb_mode   (UbVphonePhone    *self);
UbButtons        ub_vphone_phone_get_buttons    (UbVphonePhone    *self);
gboolean         ub_vphone_phone_get_plugged    (UbVphonePhone    *self);

void             ub_vphone_phone_press          (UbVphonePhone    *self,
                                                 UbButtons         button);
void             ub_vphone_phone_release        (UbVphonePhone    *self,
                                                 UbButtons         button);
void             ub_vphone_phone_set_plugged    (UbVphonePhone    *self,
                                                 gboolean          plugged);
void             ub_vphone_phone_jump           (UbVphonePhone    *self,
                                                 UbVphoneMode      mode);
void             ub_vphone_phone_host_reboot    (UbVphonePhone    *self);
void             ub_vphone_phone_boot_stage     (UbVphonePhone    *self,
                                                 UbVphoneMode      mode);
void             ub_vphone_phone_enter_recovery (UbVphonePhone    *self);

G_END_DECLS
