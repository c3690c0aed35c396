/* ub-vphone-usbmuxd.h — a usbmuxd that knows one phone
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ub-vphone-faults.h"
#include "ub-vphone-identity.h"
#include "ub-vphone-recorder.h"
#include "ub-vphone-service.h"

G_BEGIN_DECLS

#define UB_VPHONE_LOCKDOWN_PORT 62078

#define UB_TYPE_VPHONE_USBMUXD (ub_vphone_usbmuxd_get_type ())

G_DECLARE_FINAL_TYPE (UbVphoneUsbmuxd, ub_vphone_usbmuxd, UB, VPHONE_USBMUXD, GObject)

UbVphoneUsbmuxd *ub_vphone_usbmuxd_new              (UbVphoneIdentity *identity,
                                                     UbVphoneFaults   *faults,
                                                     UbVphoneRecorder *recorder);
gboolean         ub_vphone_usbmuxd_listen           (UbVphoneUsbmuxd  *self,
                                                     const char       *path,
                                                     GError          **error);
void             ub_vphone_usbmuxd_stop             (UbVphoneUsbmuxd  *self);
void             ub_vphone_usbmuxd_set_service      (UbVphoneUsbmuxd  *self,
                                                     guint16           port,
                                                     UbVphoneService  *service);
void             ub_vphone_usbmuxd_set_attached     (UbVphoneUsbmuxd  *self,
                                                     gboolean          attached);
gboolean         ub_vphone_usbmuxd_get_attached     (UbVphoneUsbmuxd  *self);
const char      *ub_vphone_usbmuxd_get_host_id      (UbVphoneUsbmuxd  *self);
const char      *ub_vphone_usbmuxd_get_system_buid  (UbVphoneUsbmuxd  *self);

G_END_DECLS
