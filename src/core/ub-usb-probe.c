/* ub-usb-probe.c — read one Apple USB device into a UbDevice snapshot
 *
 * Runs on the USB watcher thread. It opens the device only long enough to
 * read the serial string (and, in DFU and recovery mode, the nonce string),
 * with a short timeout per transfer, so a phone that stops answering costs a
 * second, not a hang. A device we may not open still yields a snapshot: its
 * mode is known from the product ID, and the error says how to fix access.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-usb-probe"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ub-error.h"
#include "ub-usb-probe.h"

#define NONCE_STRING_INDEX 1

/**
 * ub_usb_set_error:
 * @what: the operation, for the message ("open", "read the serial number")
 *
 * Maps a libusb status to %UB_ERROR with a message a person can act on.
 */
void
ub_usb_set_error (GError    **error,
                  int         status,
                  const char *what)
{
  switch (status)
    {
    case LIBUSB_ERROR_ACCESS:
      g_set_error (error, UB_ERROR, UB_ERROR_PERMISSION_DENIED,
                   /* TRANSLATORS: %s is an operation such as "open the device" */
                   _("Permission denied while trying to %s. This computer does not let "
                     "Unbrick use the phone’s USB connection; install the udev rule "
                     "that comes with Unbrick (see “USB permissions” in the README), "
                     "then unplug and reconnect the phone."), what);
      break;
    case LIBUSB_ERROR_NO_DEVICE:
      g_set_error (error, UB_ERROR, UB_ERROR_DISCONNECTED,
                   _("The phone was disconnected while trying to %s."), what);
      break;
    case LIBUSB_ERROR_TIMEOUT:
      g_set_error (error, UB_ERROR, UB_ERROR_TIMED_OUT,
                   _("The phone did not answer in time while trying to %s."), what);
      break;
    case LIBUSB_ERROR_BUSY:
      g_set_error (error, UB_ERROR, UB_ERROR_DEVICE_BUSY,
                   _("Another program is using the phone (while trying to %s). "
                     "Close other iPhone tools and try again."), what);
      break;
    default:
      g_set_error (error, UB_ERROR, UB_ERROR_PROTOCOL,
                   _("USB error while trying to %s: %s"), what, libusb_strerror (status));
      break;
    }
}

/**
 * ub_usb_dup_port_path:
 *
 * Returns: (transfer full): "BUS-PORT.PORT…", stable while the phone stays in
 *   the same socket, even when it re-enumerates with a new address
 */
char *
ub_usb_dup_port_path (libusb_device *dev)
{
  guint8 ports[8];
  int n = libusb_get_port_numbers (dev, ports, G_N_ELEMENTS (ports));
  GString *path = g_string_new (NULL);

  g_string_append_printf (path, "%u", libusb_get_bus_number (dev));
  for (int i = 0; i < n; i++)
    g_string_append_printf (path, "%c%u", i == 0 ? '-' : '.', ports[i]);
  return g_string_free (path, FALSE);
}

static char *
read_string (libusb_device_handle *handle,
             guint8                index,
             int                  *status)
{
  unsigned char buf[255];
  int len;

  if (index == 0)
    {
      *status = LIBUSB_ERROR_NOT_FOUND;
      return NULL;
    }
  /* GET_DESCRIPTOR(STRING) ourselves, in US English, with our own bound on
   * the wait (libusb's string helpers hard-code theirs). */
  len = libusb_control_transfer (handle, LIBUSB_ENDPOINT_IN, LIBUSB_REQUEST_GET_DESCRIPTOR,
                                 (LIBUSB_DT_STRING << 8) | index, 0x0409, buf, sizeof buf,
                                 UB_USB_STRING_TIMEOUT_MS);
  if (len < 0)
    {
      *status = len;
      return NULL;
    }
  if (len < 2 || buf[1] != LIBUSB_DT_STRING || buf[0] > len)
    {
      *status = LIBUSB_ERROR_IO;
      return NULL;
    }
  *status = 0;
  return g_utf16_to_utf8 ((const gunichar2 *)(buf + 2), (buf[0] - 2) / 2, NULL, NULL, NULL);
}

/**
 * ub_usb_parse_udid:
 * @udid: a UDID as usbmuxd shows it, or a normal-mode USB serial
 * @cpid: (out): the chip ID
 * @ecid: (out): the ECID
 *
 * Since the iPhone XS a UDID is "CPID-ECID" ("00008030-001A2B3C4D5E6F70"; the
 * USB serial has no dash). Older 40-digit UDIDs carry neither.
 *
 * Returns: %TRUE if the UDID carries the chip ID and ECID
 */
gboolean
ub_usb_parse_udid (const char *udid,
                   guint      *cpid,
                   guint64    *ecid)
{
  char chip[9] = { 0 };
  const char *rest;
  guint64 value;
  gsize len = strlen (udid);

  if (len == 25 && udid[8] == '-')
    rest = udid + 9;
  else if (len == 24)
    rest = udid + 8;
  else
    return FALSE;
  memcpy (chip, udid, 8);
  for (gsize i = 0; rest[i] != '\0'; i++)
    if (!g_ascii_isxdigit (rest[i]))
      return FALSE;
  if (!g_ascii_string_to_unsigned (chip, 16, 1, 0xFFFF, &value, NULL))
    return FALSE;
  *cpid = (guint)value;
  return g_ascii_string_to_unsigned (rest, 16, 0, G_MAXUINT64, ecid, NULL);
}

static void
probe_strings (UbDevice                        *device,
               libusb_device_handle            *handle,
               const struct libusb_device_descriptor *desc,
               UbModelDb                       *db)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UbIbootInfo) info = NULL;
  g_autofree char *serial = NULL;
  UbDeviceMode mode = ub_device_get_mode (device);
  int status;

  serial = read_string (handle, desc->iSerialNumber, &status);
  if (serial == NULL)
    {
      ub_usb_set_error (&error, status, _("read the serial number"));
      _ub_device_set_error (device, error);
      return;
    }

  if (mode != UB_DEVICE_MODE_DFU && mode != UB_DEVICE_MODE_WTF && mode != UB_DEVICE_MODE_RECOVERY)
    {
      guint cpid;
      guint64 ecid;

      /* A normal-mode serial is the UDID, which names the ECID since the XS */
      _ub_device_set_serial (device, serial, NULL);
      if (ub_usb_parse_udid (serial, &cpid, &ecid))
        _ub_device_set_normal_info (device, NULL, NULL, NULL, NULL, ecid);
      return;
    }

  info = ub_iboot_info_parse (serial, &error);
  if (info == NULL)
    {
      g_debug ("Unparseable iBoot serial “%s”: %s", serial, error->message);
      _ub_device_set_serial (device, serial, NULL);
      _ub_device_set_error (device, error);
      return;
    }

  if (mode != UB_DEVICE_MODE_WTF)
    {
      g_autofree char *nonces = read_string (handle, NONCE_STRING_INDEX, &status);
      g_autoptr(GError) nonce_error = NULL;

      if (nonces == NULL || !ub_iboot_info_parse_nonces (info, nonces, &nonce_error))
        g_debug ("No nonces on %s", ub_device_get_id (device));
    }

  _ub_device_set_model (device, ub_model_db_lookup_chip (db, info->cpid, info->bdid));
  _ub_device_set_serial (device, serial, g_steal_pointer (&info));
}

/**
 * ub_usb_probe_device:
 *
 * Returns: (transfer full) (nullable): a snapshot, or %NULL for a device that
 *   is not Apple's
 */
UbDevice *
ub_usb_probe_device (libusb_device *dev,
                     UbModelDb     *db)
{
  struct libusb_device_descriptor desc;
  g_autofree char *port_path = NULL;
  g_autoptr(UbDevice) device = NULL;
  g_autoptr(GError) error = NULL;
  libusb_device_handle *handle = NULL;
  int status;

  if (libusb_get_device_descriptor (dev, &desc) != 0 || desc.idVendor != UB_APPLE_VENDOR_ID)
    return NULL;

  port_path = ub_usb_dup_port_path (dev);
  device = ub_device_new_usb (libusb_get_bus_number (dev), libusb_get_device_address (dev),
                              port_path, desc.idProduct);

  status = libusb_open (dev, &handle);
  if (status != 0)
    {
      ub_usb_set_error (&error, status, _("open the device"));
      _ub_device_set_error (device, error);
      g_debug ("Cannot open %s: %s", ub_device_get_id (device), libusb_error_name (status));
      return g_steal_pointer (&device);
    }

  probe_strings (device, handle, &desc, db);
  libusb_close (handle);
  return g_steal_pointer (&device);
}
