/* ub-usb-open.h — open the one phone an operation is meant for, and no other
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libusb.h>

#include "ub-device.h"

G_BEGIN_DECLS

/**
 * UbUsbTarget:
 * @bus: the USB bus the phone was seen on
 * @address: its address on that bus (a new one after every re-enumeration)
 * @mode: the mode the operation needs (DFU or recovery)
 * @has_ecid: whether @ecid is known; without it the identity cannot be checked
 * @ecid: the phone's ECID, from the serial string the monitor read
 *
 * A copy of what a worker thread needs from a #UbDevice snapshot.
 */
typedef struct
{
  guint         bus;
  guint         address;
  UbDeviceMode  mode;
  gboolean      has_ecid;
  guint64       ecid;
} UbUsbTarget;

gboolean              ub_usb_target_init (UbUsbTarget        *target,
                                          UbDevice           *device,
                                          UbDeviceMode        mode,
                                          GError            **error);
libusb_device_handle *ub_usb_open_target (libusb_context     *ctx,
                                          const UbUsbTarget  *target,
                                          GError            **error);
void                  ub_usb_close_target (libusb_device_handle *handle);

G_END_DECLS
