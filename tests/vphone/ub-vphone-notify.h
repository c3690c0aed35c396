/* ub-vphone-notify.h — the phone's notification_proxy service
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "ub-vphone-recorder.h"
#include "ub-vphone-service.h"

G_BEGIN_DECLS

#define UB_VPHONE_NOTIFY_SERVICE "com.apple.mobile.notification_proxy"
#define UB_VPHONE_NOTIFY_PORT    49161

#define UB_TYPE_VPHONE_NOTIFY (ub_vphone_notify_get_type ())

G_DECLARE_FINAL_TYPE (UbVphoneNotify, ub_vphone_notify, UB, VPHONE_NOTIFY, GObject)

UbVphoneNotify *ub_vphone_notify_new (UbVphoneRecorder *recorder);

G_END_DECLS
