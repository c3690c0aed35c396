/* ub-vphone-descriptors.h — the USB descriptors of one enumeration
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "ub-vphone-identity.h"
#include "ub-vphone-types.h"

G_BEGIN_DECLS

#define UB_TYPE_VPHONE_DESCRIPTORS (ub_vphone_descriptors_get_type ())

G_DECLARE_FINAL_TYPE (UbVphoneDescriptors, ub_vphone_descriptors, UB, VPHONE_DESCRIPTORS, GObject)

UbVphoneDescriptors *ub_vphone_descriptors_new_for_phone (UbVphoneIdentity    *identity,
                                                          UbVphoneUsbMode      mode);
UbVphoneDescriptors *ub_vphone_descriptors_new_foreign   (void);
GBytes              *ub_vphone_descriptors_get_bytes     (UbVphoneDescriptors *self);
guint                ub_vphone_descriptors_get_vendor_id (UbVphoneDescriptors *self);
guint                ub_vphone_descriptors_get_product_id (UbVphoneDescriptors *self);
guint                ub_vphone_descriptors_get_bcd_device (UbVphoneDescriptors *self);
const char          *ub_vphone_descriptors_get_string    (UbVphoneDescriptors *self,
                                                          guint                index);
const char          *ub_vphone_descriptors_get_manufacturer (UbVphoneDescriptors *self);
const char          *ub_vphone_descriptors_get_product   (UbVphoneDescriptors *self);
const char          *ub_vphone_descriptors_get_serial    (UbVphoneDescriptors *self);
char                *ub_vphone_descriptors_dup_testbed_record (UbVphoneDescriptors *descriptors,
                                                               const char          *syspath,
                                                               guint                devnum);
gssize               ub_vphone_descriptors_read          (UbVphoneDescriptors *self,
                                                          guint16              value,
                                                          guint16              index,
                                                          guint8              *out,
                                                          gsize                max);

G_END_DECLS
