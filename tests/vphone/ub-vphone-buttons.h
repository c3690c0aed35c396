/* ub-vphone-buttons.h — the virtual iPhone's keys and its reset combo
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "ub-model.h"
#include "ub-sequence.h"

G_BEGIN_DECLS

#define UB_TYPE_VPHONE_BUTTONS (ub_vphone_buttons_get_type ())

G_DECLARE_FINAL_TYPE (UbVphoneButtons, ub_vphone_buttons, UB, VPHONE_BUTTONS, GObject)

UbVphoneButtons *ub_vphone_buttons_new            (UbButtonFamily   family);
UbButtons        ub_vphone_buttons_get_held       (UbVphoneButtons *self);
UbButtons        ub_vphone_buttons_get_dfu_button (UbVphoneButtons *self);
gboolean         ub_vphone_buttons_press          (UbVphoneButtons *self,
                                                   UbButtons        button);
gboolean         ub_vphone_buttons_release        (UbVphoneButtons *self,
                                                   UbButtons        button);
gboolean         ub_vphone_buttons_combo_held     (UbVphoneButtons *self);
double           ub_vphone_buttons_reset_seconds  (UbVphoneButtons *self,
                                                   gboolean         in_recovery);
void             ub_vphone_buttons_set_stage      (UbVphoneButtons *self,
                                                   gboolean         combo_allowed,
                                                   gboolean         in_recovery);
void             ub_vphone_buttons_forget_taps    (UbVphoneButtons *self);

G_END_DECLS
