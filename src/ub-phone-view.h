/* ub-phone-view.h — a drawing of the device with the buttons to press
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ub-model.h"
#include "ub-sequence.h"

G_BEGIN_DECLS

#define UB_TYPE_PHONE_VIEW (ub_phone_view_get_type ())

G_DECLARE_FINAL_TYPE (UbPhoneView, ub_phone_view, UB, PHONE_VIEW, GtkWidget)

GtkWidget      *ub_phone_view_new                 (void);
void            ub_phone_view_set_model           (UbPhoneView    *self,
                                                   UbModel        *model);
void            ub_phone_view_set_step            (UbPhoneView    *self,
                                                   const UbStep   *step);
UbButtonFamily  ub_phone_view_get_family          (UbPhoneView    *self);
void            ub_phone_view_set_family          (UbPhoneView    *self,
                                                   UbButtonFamily  family);
UbPowerButton   ub_phone_view_get_power_button    (UbPhoneView    *self);
void            ub_phone_view_set_power_button    (UbPhoneView    *self,
                                                   UbPowerButton   power_button);
UbDeviceKind    ub_phone_view_get_kind            (UbPhoneView    *self);
void            ub_phone_view_set_kind            (UbPhoneView    *self,
                                                   UbDeviceKind    kind);
gboolean        ub_phone_view_get_has_home_button (UbPhoneView    *self);
void            ub_phone_view_set_has_home_button (UbPhoneView    *self,
                                                   gboolean        has_home_button);
UbButtons       ub_phone_view_get_hold            (UbPhoneView    *self);
void            ub_phone_view_set_hold            (UbPhoneView    *self,
                                                   UbButtons       hold);
UbButtons       ub_phone_view_get_tap             (UbPhoneView    *self);
void            ub_phone_view_set_tap             (UbPhoneView    *self,
                                                   UbButtons       tap);
UbScreen        ub_phone_view_get_screen          (UbPhoneView    *self);
void            ub_phone_view_set_screen          (UbPhoneView    *self,
                                                   UbScreen        screen);
gboolean        ub_phone_view_get_compact         (UbPhoneView    *self);
void            ub_phone_view_set_compact         (UbPhoneView    *self,
                                                   gboolean        compact);
char           *ub_phone_view_dup_description     (UbPhoneView    *self);

G_END_DECLS
