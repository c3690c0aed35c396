/* ub-usb-open.c — open the one phone an operation is meant for, and no other
 *
 * DFU downloads and recovery uploads write to a phone; writing to the wrong
 * one could ruin it. So a worker opens the device at the bus and address the
 * monitor reported, checks that it is still in the mode the operation needs
 * (the product ID says) and that the ECID in its serial string is the one the
 * caller saw, and only then claims interface 0. Reading the serial string has
 * its own short timeout, so a phone that stopped answering costs a second.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-usb-open"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ub-error.h"
#include "ub-usb-open.h"
#include "ub-usb-probe.h"

#define SERIAL_TIMEOUT_MS 1000

static void
set_wrong_mode (GError       **error,
                UbDeviceMode   wanted)
{
  const char *message;

  if (wanted == UB_DEVICE_MODE_DFU)
    message = _("The phone is not in DFU mode (any more).");
  else if (wanted == UB_DEVICE_MODE_RECOVERY)
    message = _("The phone is not in recovery mode (any more).");
  else
    message = _("The phone is not in the mode this step needs.");
  g_set_error_literal (error, UB_ERROR, UB_ERROR_WRONG_MODE, message);
}

/**
 * ub_usb_target_init:
 * @device: a snapshot of a phone seen on USB
 * @mode: the mode the operation needs
 *
 * Writing needs the ECID: a snapshot without one is refused.
 *
 * Returns: %FALSE, with @error set, if @device is not a USB device in @mode
 *   or its ECID is unknown
 */
gboolean
ub_usb_target_init (UbUsbTarget   *target,
                    UbDevice      *device,
                    UbDeviceMode   mode,
                    GError       **error)
{
  g_return_val_if_fail (target != NULL, FALSE);
  g_return_val_if_fail (UB_IS_DEVICE (device), FALSE);

  if (ub_device_get_source (device) != UB_DEVICE_SOURCE_USB || ub_device_get_mode (device) != mode)
    {
      set_wrong_mode (error, mode);
      return FALSE;
    }
  if (!ub_device_has_ecid (device))
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_NOT_FOUND,
                           _("Unbrick could not read this phone’s ECID, so it cannot make sure it "
                             "writes to the right phone. Unplug the phone and connect it again."));
      return FALSE;
    }
  target->bus = ub_device_get_bus (device);
  target->address = ub_device_get_address (device);
  target->mode = mode;
  target->has_ecid = ub_device_has_ecid (device);
  target->ecid = ub_device_get_ecid (device);
  return TRUE;
}

static libusb_device_handle *
open_at_address (libusb_context     *ctx,
                 const UbUsbTarget  *target,
                 GError            **error)
{
  libusb_device **list = NULL;
  libusb_device_handle *handle = NULL;
  ssize_t n = libusb_get_device_list (ctx, &list);
  int status = n < 0 ? (int)n : LIBUSB_ERROR_NO_DEVICE;

  for (ssize_t i = 0; i < n && handle == NULL; i++)
    {
      if (libusb_get_bus_number (list[i]) != target->bus ||
          libusb_get_device_address (list[i]) != target->address)
        continue;
      status = libusb_open (list[i], &handle);
    }
  if (n >= 0)
    libusb_free_device_list (list, 1);
  if (handle == NULL)
    ub_usb_set_error (error, status, _("open the phone"));
  return handle;
}

/* The ECID from the serial string, read with our own bound on the wait. */
static gboolean
read_ecid (libusb_device_handle  *handle,
           guint8                 index,
           guint64               *ecid,
           GError               **error)
{
  g_autoptr(UbIbootInfo) info = NULL;
  g_autofree char *serial = NULL;
  unsigned char buf[255];
  int len;

  len = libusb_control_transfer (handle, LIBUSB_ENDPOINT_IN, LIBUSB_REQUEST_GET_DESCRIPTOR,
                                 (LIBUSB_DT_STRING << 8) | index, 0x0409, buf, sizeof buf,
                                 SERIAL_TIMEOUT_MS);
  if (len < 0)
    {
      ub_usb_set_error (error, len, _("read the serial number"));
      return FALSE;
    }
  if (index == 0 || len < 2 || buf[1] != LIBUSB_DT_STRING || buf[0] > len)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_PROTOCOL,
                           _("The phone sent a malformed serial number."));
      return FALSE;
    }
  serial = g_utf16_to_utf8 ((const gunichar2 *)(buf + 2), (buf[0] - 2) / 2, NULL, NULL, NULL);
  info = serial != NULL ? ub_iboot_info_parse (serial, NULL) : NULL;
  if (info == NULL || !(info->have & UB_IBOOT_FIELD_ECID))
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_PROTOCOL,
                           _("The phone’s serial number does not name its ECID."));
      return FALSE;
    }
  *ecid = info->ecid;
  return TRUE;
}

static gboolean
check_identity (libusb_device_handle  *handle,
                const UbUsbTarget     *target,
                GError               **error)
{
  struct libusb_device_descriptor desc;
  guint64 ecid = 0;

  if (libusb_get_device_descriptor (libusb_get_device (handle), &desc) != 0 ||
      desc.idVendor != UB_APPLE_VENDOR_ID ||
      ub_device_mode_from_product_id (desc.idProduct) != target->mode)
    {
      set_wrong_mode (error, target->mode);
      return FALSE;
    }
  if (!target->has_ecid)
    return TRUE;
  if (!read_ecid (handle, desc.iSerialNumber, &ecid, error))
    return FALSE;
  if (ecid != target->ecid)
    {
      g_debug ("ECID 0x%016" G_GINT64_MODIFIER "x where 0x%016" G_GINT64_MODIFIER "x was expected",
               ecid, target->ecid);
      g_set_error_literal (error, UB_ERROR, UB_ERROR_NOT_FOUND,
                           _("Another phone is connected where this one was. Nothing was sent to it."));
      return FALSE;
    }
  return TRUE;
}

static gboolean
claim (libusb_device_handle  *handle,
       GError               **error)
{
  int config = 0;
  int status;

  if (libusb_get_configuration (handle, &config) == 0 && config != 1)
    {
      g_debug ("Setting configuration 1 (was %d)", config);
      if ((status = libusb_set_configuration (handle, 1)) != 0)
        {
          ub_usb_set_error (error, status, _("configure the phone’s USB connection"));
          return FALSE;
        }
    }
  if ((status = libusb_claim_interface (handle, 0)) != 0)
    {
      ub_usb_set_error (error, status, _("claim the phone’s USB interface"));
      return FALSE;
    }
  return TRUE;
}

/**
 * ub_usb_open_target:
 * @ctx: the operation's own libusb context
 *
 * Opens the phone, checks its mode and ECID, and claims interface 0.
 *
 * Returns: (transfer full) (nullable): the handle, for ub_usb_close_target()
 */
libusb_device_handle *
ub_usb_open_target (libusb_context     *ctx,
                    const UbUsbTarget  *target,
                    GError            **error)
{
  libusb_device_handle *handle;

  g_return_val_if_fail (target != NULL, NULL);

  handle = open_at_address (ctx, target, error);
  if (handle == NULL)
    return NULL;
  if (!check_identity (handle, target, error) || !claim (handle, error))
    {
      libusb_close (handle);
      return NULL;
    }
  g_debug ("Opened the phone at %03u:%03u in %s mode", target->bus, target->address,
           ub_device_mode_to_string (target->mode));
  return handle;
}

/**
 * ub_usb_close_target:
 *
 * Releases interface 0 (a phone that already left is no error) and closes.
 */
void
ub_usb_close_target (libusb_device_handle *handle)
{
  if (handle == NULL)
    return;
  libusb_release_interface (handle, 0);
  libusb_close (handle);
}
