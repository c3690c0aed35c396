/* ub-vphone-control.h — the control socket of the virtual iPhone
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _UbVphone UbVphone;

#define UB_TYPE_VPHONE_CONTROL (ub_vphone_control_get_type ())

G_DECLARE_FINAL_TYPE (UbVphoneControl, ub_vphone_control, UB, VPHONE_CONTROL, GObject)

UbVphoneControl *ub_vphone_control_new    (UbVphone         *vphone);
gboolean         ub_vphone_control_listen (UbVphoneControl  *self,
                                           const char       *path,
                                           GError          **error);
void             ub_vphone_control_stop   (UbVphoneControl  *self);

G_END_DECLS
