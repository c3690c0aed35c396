/* ub-vphone-usb.h — the virtual iPhone on the emulated USB bus
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <umockdev.h>

#include "ub-vphone-chain.h"
#include "ub-vphone-faults.h"
#include "ub-vphone-identity.h"
#include "ub-vphone-nvram.h"
#include "ub-vphone-phone.h"
#include "ub-vphone-recorder.h"

G_BEGIN_DECLS

#define UB_TYPE_VPHONE_USB (ub_vphone_usb_get_type ())

G_DECLARE_FINAL_TYPE (UbVphoneUsb, ub_vphone_usb, UB, VPHONE_USB, GObject)

UbVphoneUsb *ub_vphone_usb_new            (UMockdevTestbed  *testbed,
                                           UbVphoneIdentity *identity,
                                           UbVphonePhone    *phone,
                                           UbVphoneNvram    *nvram,
                                           UbVphoneFaults   *faults,
                                           UbVphoneRecorder *recorder,
                                           UbVphoneChain    *chain);
guint        ub_vphone_usb_get_product_id (UbVphoneUsb      *self);
const char  *ub_vphone_usb_get_devnode    (UbVphoneUsb      *self);

G_END_DECLS
