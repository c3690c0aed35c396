/* ub-device.h — an immutable snapshot of one connected Apple device
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ub-iboot-info.h"
#include "ub-model.h"

G_BEGIN_DECLS

#define UB_APPLE_VENDOR_ID 0x05ac

/**
 * UbDeviceMode:
 * @UB_DEVICE_MODE_UNKNOWN: an Apple USB device that is none of the below
 * @UB_DEVICE_MODE_NORMAL: iOS is running
 * @UB_DEVICE_MODE_RECOVERY: iBoot recovery mode (05ac:1280–1283)
 * @UB_DEVICE_MODE_DFU: SecureROM DFU mode (05ac:1227)
 * @UB_DEVICE_MODE_WTF: the S5L8900 WTF mode before DFU (05ac:1222)
 * @UB_DEVICE_MODE_RESTORE: the restore ramdisk is running (seen through usbmuxd)
 * @UB_DEVICE_MODE_PORT_DFU: the USB-C port controller itself is in DFU (05ac:f014)
 */
typedef enum
{
  UB_DEVICE_MODE_UNKNOWN,
  UB_DEVICE_MODE_NORMAL,
  UB_DEVICE_MODE_RECOVERY,
  UB_DEVICE_MODE_DFU,
  UB_DEVICE_MODE_WTF,
  UB_DEVICE_MODE_RESTORE,
  UB_DEVICE_MODE_PORT_DFU,
} UbDeviceMode;

/**
 * UbDeviceSource:
 * @UB_DEVICE_SOURCE_USB: seen directly on USB (libusb)
 * @UB_DEVICE_SOURCE_USBMUX: seen through usbmuxd (libimobiledevice)
 */
typedef enum
{
  UB_DEVICE_SOURCE_USB,
  UB_DEVICE_SOURCE_USBMUX,
} UbDeviceSource;

#define UB_TYPE_DEVICE (ub_device_get_type ())

G_DECLARE_FINAL_TYPE (UbDevice, ub_device, UB, DEVICE, GObject)

UbDevice          *ub_device_new_usb             (guint              bus,
                                                  guint              address,
                                                  const char        *port_path,
                                                  guint              product_id);
UbDevice          *ub_device_new_usbmux          (const char        *udid,
                                                  UbDeviceMode       mode);
UbDevice          *ub_device_copy                (UbDevice          *self);

const char        *ub_device_get_id              (UbDevice          *self);
UbDeviceSource     ub_device_get_source          (UbDevice          *self);
UbDeviceMode       ub_device_get_mode            (UbDevice          *self);
guint              ub_device_get_product_id      (UbDevice          *self);
guint              ub_device_get_bus             (UbDevice          *self);
guint              ub_device_get_address         (UbDevice          *self);
const char        *ub_device_get_port_path       (UbDevice          *self);
const UbIbootInfo *ub_device_get_iboot_info      (UbDevice          *self);
const char        *ub_device_get_serial          (UbDevice          *self);
guint64            ub_device_get_ecid            (UbDevice          *self);
gboolean           ub_device_has_ecid            (UbDevice          *self);
char              *ub_device_dup_ecid_string     (UbDevice          *self);
UbModel           *ub_device_get_model           (UbDevice          *self);
const char        *ub_device_get_udid            (UbDevice          *self);
const char        *ub_device_get_product_type    (UbDevice          *self);
const char        *ub_device_get_product_version (UbDevice          *self);
const char        *ub_device_get_build_version   (UbDevice          *self);
const char        *ub_device_get_name            (UbDevice          *self);
const GError      *ub_device_get_error           (UbDevice          *self);
gboolean           ub_device_is_same_phone       (UbDevice          *self,
                                                  UbDevice          *other);

UbDeviceMode       ub_device_mode_from_product_id (guint             product_id);
const char        *ub_device_mode_to_string       (UbDeviceMode      mode);
const char        *ub_device_mode_get_label       (UbDeviceMode      mode);
gboolean           ub_device_mode_from_string     (const char       *str,
                                                   UbDeviceMode     *mode);

/* Setters for the monitor, used only before a snapshot is published. */
void               _ub_device_set_serial         (UbDevice          *self,
                                                  const char        *serial,
                                                  UbIbootInfo       *info);
void               _ub_device_set_model          (UbDevice          *self,
                                                  UbModel           *model);
void               _ub_device_set_normal_info    (UbDevice          *self,
                                                  const char        *product_type,
                                                  const char        *product_version,
                                                  const char        *build_version,
                                                  const char        *name,
                                                  guint64            ecid);
void               _ub_device_set_mode           (UbDevice          *self,
                                                  UbDeviceMode       mode);
void               _ub_device_set_error          (UbDevice          *self,
                                                  const GError      *error);

G_END_DECLS
