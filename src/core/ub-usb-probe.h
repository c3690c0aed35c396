/* ub-usb-probe.h — read one Apple USB device into a UbDevice snapshot
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libusb.h>

#include "ub-device.h"
#include "ub-model-db.h"

G_BEGIN_DECLS

#define UB_USB_STRING_TIMEOUT_MS 1000

UbDevice *ub_usb_probe_device      (libusb_device *dev,
                                    UbModelDb     *db);
char     *ub_usb_dup_port_path     (libusb_device *dev);
void      ub_usb_set_error         (GError       **error,
                                    int            libusb_status,
                                    const char    *what);
gboolean  ub_usb_parse_udid        (const char    *udid,
                                    guint         *cpid,
                                    guint64       *ecid);

G_END_DECLS
