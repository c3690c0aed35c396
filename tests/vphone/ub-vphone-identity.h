/* ub-vphone-identity.h — who the virtual iPhone is: chip, ECID, names, nonces
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "ub-model.h"
#include "ub-vphone-types.h"

G_BEGIN_DECLS

#define UB_TYPE_VPHONE_IDENTITY (ub_vphone_identity_get_type ())

G_DECLARE_FINAL_TYPE (UbVphoneIdentity, ub_vphone_identity, UB, VPHONE_IDENTITY, GObject)

UbVphoneIdentity *ub_vphone_identity_new                (UbModel          *model,
                                                         guint64           ecid);
UbModel          *ub_vphone_identity_get_model          (UbVphoneIdentity *self);
guint64           ub_vphone_identity_get_ecid           (UbVphoneIdentity *self);
guint             ub_vphone_identity_get_cpid           (UbVphoneIdentity *self);
guint             ub_vphone_identity_get_bdid           (UbVphoneIdentity *self);
const char       *ub_vphone_identity_get_udid           (UbVphoneIdentity *self);
const char       *ub_vphone_identity_get_usb_serial     (UbVphoneIdentity *self);
const char       *ub_vphone_identity_get_serial_number  (UbVphoneIdentity *self);
const char       *ub_vphone_identity_get_imei           (UbVphoneIdentity *self);
const char       *ub_vphone_identity_get_product_version (UbVphoneIdentity *self);
const char       *ub_vphone_identity_get_build_version  (UbVphoneIdentity *self);
const char       *ub_vphone_identity_get_device_name    (UbVphoneIdentity *self);
const char       *ub_vphone_identity_get_device_class   (UbVphoneIdentity *self);
const char       *ub_vphone_identity_get_hardware_model (UbVphoneIdentity *self);
const char       *ub_vphone_identity_get_cpu_architecture (UbVphoneIdentity *self);
const char       *ub_vphone_identity_get_wifi_address   (UbVphoneIdentity *self);
const char       *ub_vphone_identity_get_bluetooth_address (UbVphoneIdentity *self);
const char       *ub_vphone_identity_get_srtg           (UbVphoneIdentity *self);
GBytes           *ub_vphone_identity_get_ap_nonce       (UbVphoneIdentity *self);
GBytes           *ub_vphone_identity_get_sep_nonce      (UbVphoneIdentity *self);
void              ub_vphone_identity_renew_ap_nonce     (UbVphoneIdentity *self);
guint             ub_vphone_identity_get_product_id     (UbVphoneIdentity *self,
                                                         UbVphoneUsbMode   mode);
char             *ub_vphone_identity_dup_iboot_serial   (UbVphoneIdentity *self,
                                                         gboolean          recovery);
char             *ub_vphone_identity_dup_nonce_string   (UbVphoneIdentity *self);

G_END_DECLS
