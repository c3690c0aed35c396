/* ub-vphone-types.h — the states of the virtual iPhone, shared by its parts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "ub-sequence.h"

G_BEGIN_DECLS

/**
 * UbVphoneMode:
 * @UB_VPHONE_MODE_OFF: powered off
 * @UB_VPHONE_MODE_NORMAL: iOS is running (on usbmuxd)
 * @UB_VPHONE_MODE_RECOVERY: iBoot recovery mode (05ac:1281)
 * @UB_VPHONE_MODE_DFU: SecureROM DFU mode (05ac:1227, or WTF 05ac:1222 on S5L8900)
 * @UB_VPHONE_MODE_RESETTING: the screen went black and the phone left USB;
 *   what it does next depends on the buttons held
 * @UB_VPHONE_MODE_BOOTING: the Apple logo is showing
 * @UB_VPHONE_MODE_RESTORE: the restore ramdisk runs: restored on usbmuxd
 *
 * What the phone is doing; a test can jump to the first four and restore.
 */
typedef enum
{
  UB_VPHONE_MODE_OFF,
  UB_VPHONE_MODE_NORMAL,
  UB_VPHONE_MODE_RECOVERY,
  UB_VPHONE_MODE_DFU,
  UB_VPHONE_MODE_RESETTING,
  UB_VPHONE_MODE_BOOTING,
  UB_VPHONE_MODE_RESTORE,
} UbVphoneMode;

/**
 * UbVphoneScreen:
 * @UB_VPHONE_SCREEN_OFF: powered off
 * @UB_VPHONE_SCREEN_BLACK: powered but dark: resetting, DFU, or a bare iBSS
 * @UB_VPHONE_SCREEN_LOGO: the Apple logo
 * @UB_VPHONE_SCREEN_RECOVERY: the recovery picture (a computer and a cable)
 * @UB_VPHONE_SCREEN_ON: iOS
 */
typedef enum
{
  UB_VPHONE_SCREEN_OFF,
  UB_VPHONE_SCREEN_BLACK,
  UB_VPHONE_SCREEN_LOGO,
  UB_VPHONE_SCREEN_RECOVERY,
  UB_VPHONE_SCREEN_ON,
} UbVphoneScreen;

/**
 * UbVphoneUsbMode:
 * @UB_VPHONE_USB_NONE: not on USB (unplugged, off, resetting or booting)
 * @UB_VPHONE_USB_NORMAL: iOS: 05ac:12a8 (iPhone), 12aa (iPod) or 12ab (iPad) with usbmux
 * @UB_VPHONE_USB_RECOVERY: iBoot: 05ac:1281
 * @UB_VPHONE_USB_DFU: SecureROM: 05ac:1227 (05ac:1222 WTF on S5L8900)
 * @UB_VPHONE_USB_RESTORE: the restore ramdisk: the same IDs and usbmux
 *   interface as normal mode, with restored instead of lockdownd
 *
 * How the phone shows up on the bus.
 */
typedef enum
{
  UB_VPHONE_USB_NONE,
  UB_VPHONE_USB_NORMAL,
  UB_VPHONE_USB_RECOVERY,
  UB_VPHONE_USB_DFU,
  UB_VPHONE_USB_RESTORE,
} UbVphoneUsbMode;

const char *ub_vphone_mode_to_string     (UbVphoneMode    mode);
gboolean    ub_vphone_mode_from_string   (const char     *str,
                                          UbVphoneMode   *mode);
const char *ub_vphone_screen_to_string   (UbVphoneScreen  screen);
const char *ub_vphone_usb_mode_to_string (UbVphoneUsbMode mode);
gboolean    ub_vphone_button_from_string (const char     *str,
                                          UbButtons      *button);
char       *ub_vphone_buttons_to_string  (UbButtons       buttons);
gboolean    ub_vphone_mode_can_jump      (UbVphoneMode    mode);
guint       ub_vphone_scaled_ms          (double          seconds);

G_END_DECLS
