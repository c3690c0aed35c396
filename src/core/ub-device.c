/* ub-device.c — an immutable snapshot of one connected Apple device
 *
 * The device monitor fills a snapshot in its worker, then hands it to the main
 * thread; from then on nobody changes it. A change of state (a new mode, a
 * re-enumeration) is a new snapshot.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-device"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ub-device.h"

struct _UbDevice
{
  GObject         parent_instance;

  char           *id;
  UbDeviceSource  source;
  UbDeviceMode    mode;
  guint           product_id;
  guint           bus;
  guint           address;
  char           *port_path;
  char           *serial;
  UbIbootInfo    *iboot;
  UbModel        *model;
  char           *udid;
  char           *product_type;
  char           *product_version;
  char           *build_version;
  char           *name;
  guint64         ecid;
  gboolean        has_ecid;
  GError         *error;
};

G_DEFINE_FINAL_TYPE (UbDevice, ub_device, G_TYPE_OBJECT)

static const char * const mode_names[] = {
  [UB_DEVICE_MODE_UNKNOWN] = "unknown",
  [UB_DEVICE_MODE_NORMAL] = "normal",
  [UB_DEVICE_MODE_RECOVERY] = "recovery",
  [UB_DEVICE_MODE_DFU] = "dfu",
  [UB_DEVICE_MODE_WTF] = "wtf",
  [UB_DEVICE_MODE_RESTORE] = "restore",
  [UB_DEVICE_MODE_PORT_DFU] = "port-dfu",
};

static void
ub_device_finalize (GObject *object)
{
  UbDevice *self = (UbDevice *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->port_path, g_free);
  g_clear_pointer (&self->serial, g_free);
  g_clear_pointer (&self->iboot, ub_iboot_info_free);
  g_clear_object (&self->model);
  g_clear_pointer (&self->udid, g_free);
  g_clear_pointer (&self->product_type, g_free);
  g_clear_pointer (&self->product_version, g_free);
  g_clear_pointer (&self->build_version, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (ub_device_parent_class)->finalize (object);
}

static void
ub_device_class_init (UbDeviceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ub_device_finalize;
}

static void
ub_device_init (UbDevice *self)
{
}

/**
 * ub_device_mode_from_product_id:
 *
 * Returns: the mode an Apple USB product ID stands for (dfu-sequences.md §5)
 */
UbDeviceMode
ub_device_mode_from_product_id (guint product_id)
{
  if (product_id == 0x1227)
    return UB_DEVICE_MODE_DFU;
  if (product_id == 0x1222)
    return UB_DEVICE_MODE_WTF;
  if (product_id >= 0x1280 && product_id <= 0x1283)
    return UB_DEVICE_MODE_RECOVERY;
  if (product_id >= 0x1290 && product_id <= 0x12af)
    return UB_DEVICE_MODE_NORMAL;
  if (product_id == 0xf014)
    return UB_DEVICE_MODE_PORT_DFU;
  return UB_DEVICE_MODE_UNKNOWN;
}

const char *
ub_device_mode_to_string (UbDeviceMode mode)
{
  g_return_val_if_fail (mode <= UB_DEVICE_MODE_PORT_DFU, NULL);
  return mode_names[mode];
}

/**
 * ub_device_mode_get_label:
 *
 * Returns: the translated name of a mode, as people say it
 */
const char *
ub_device_mode_get_label (UbDeviceMode mode)
{
  switch (mode)
    {
    case UB_DEVICE_MODE_NORMAL:
      /* TRANSLATORS: device mode: the phone has started normally */
      return _("Running iOS");
    case UB_DEVICE_MODE_RECOVERY:
      /* TRANSLATORS: device mode; the screen shows a computer and a cable */
      return _("Recovery mode");
    case UB_DEVICE_MODE_DFU:
      /* TRANSLATORS: device mode (Device Firmware Update); the screen is black */
      return _("DFU mode");
    case UB_DEVICE_MODE_WTF:
      /* TRANSLATORS: device mode of the first iPhone and iPod touch before DFU mode; keep "WTF" */
      return _("WTF mode (before DFU)");
    case UB_DEVICE_MODE_RESTORE:
      /* TRANSLATORS: device mode: a restore is running on the phone */
      return _("Restore mode");
    case UB_DEVICE_MODE_PORT_DFU:
      /* TRANSLATORS: device mode: the USB-C port controller itself waits for firmware */
      return _("Port DFU mode");
    case UB_DEVICE_MODE_UNKNOWN:
    default:
      /* TRANSLATORS: device mode */
      return _("Unknown mode");
    }
}

gboolean
ub_device_mode_from_string (const char   *str,
                            UbDeviceMode *mode)
{
  for (guint i = 0; i < G_N_ELEMENTS (mode_names); i++)
    {
      if (g_strcmp0 (str, mode_names[i]) == 0)
        {
          if (mode != NULL)
            *mode = (UbDeviceMode)i;
          return TRUE;
        }
    }
  return FALSE;
}

/**
 * ub_device_new_usb:
 * @port_path: the physical port chain, e.g. "1-1.4", stable across re-enumeration
 *
 * Returns: (transfer full): a snapshot of a device seen on USB
 */
UbDevice *
ub_device_new_usb (guint       bus,
                   guint       address,
                   const char *port_path,
                   guint       product_id)
{
  UbDevice *self = g_object_new (UB_TYPE_DEVICE, NULL);

  self->source = UB_DEVICE_SOURCE_USB;
  self->bus = bus;
  self->address = address;
  self->port_path = g_strdup (port_path ? port_path : "");
  self->product_id = product_id;
  self->mode = ub_device_mode_from_product_id (product_id);
  self->id = g_strdup_printf ("usb:%03u:%03u", bus, address);
  return self;
}

/**
 * ub_device_new_usbmux:
 *
 * Returns: (transfer full): a snapshot of a device seen through usbmuxd
 */
UbDevice *
ub_device_new_usbmux (const char   *udid,
                      UbDeviceMode  mode)
{
  UbDevice *self;

  g_return_val_if_fail (udid != NULL, NULL);

  self = g_object_new (UB_TYPE_DEVICE, NULL);
  self->source = UB_DEVICE_SOURCE_USBMUX;
  self->mode = mode;
  self->udid = g_strdup (udid);
  self->id = g_strdup_printf ("usbmux:%s", udid);
  return self;
}

/**
 * ub_device_copy:
 *
 * Returns: (transfer full): an unpublished copy, to fill in before publishing
 *   a new snapshot of the same connection
 */
UbDevice *
ub_device_copy (UbDevice *self)
{
  UbDevice *copy;

  g_return_val_if_fail (UB_IS_DEVICE (self), NULL);

  copy = g_object_new (UB_TYPE_DEVICE, NULL);
  copy->id = g_strdup (self->id);
  copy->source = self->source;
  copy->mode = self->mode;
  copy->product_id = self->product_id;
  copy->bus = self->bus;
  copy->address = self->address;
  copy->port_path = g_strdup (self->port_path);
  copy->serial = g_strdup (self->serial);
  copy->iboot = self->iboot ? ub_iboot_info_copy (self->iboot) : NULL;
  copy->model = self->model ? g_object_ref (self->model) : NULL;
  copy->udid = g_strdup (self->udid);
  copy->product_type = g_strdup (self->product_type);
  copy->product_version = g_strdup (self->product_version);
  copy->build_version = g_strdup (self->build_version);
  copy->name = g_strdup (self->name);
  copy->ecid = self->ecid;
  copy->has_ecid = self->has_ecid;
  copy->error = self->error ? g_error_copy (self->error) : NULL;
  return copy;
}

const char *
ub_device_get_id (UbDevice *self)
{
  g_return_val_if_fail (UB_IS_DEVICE (self), NULL);
  return self->id;
}

UbDeviceSource
ub_device_get_source (UbDevice *self)
{
  g_return_val_if_fail (UB_IS_DEVICE (self), 0);
  return self->source;
}

UbDeviceMode
ub_device_get_mode (UbDevice *self)
{
  g_return_val_if_fail (UB_IS_DEVICE (self), UB_DEVICE_MODE_UNKNOWN);
  return self->mode;
}

guint
ub_device_get_product_id (UbDevice *self)
{
  g_return_val_if_fail (UB_IS_DEVICE (self), 0);
  return self->product_id;
}

guint
ub_device_get_bus (UbDevice *self)
{
  g_return_val_if_fail (UB_IS_DEVICE (self), 0);
  return self->bus;
}

guint
ub_device_get_address (UbDevice *self)
{
  g_return_val_if_fail (UB_IS_DEVICE (self), 0);
  return self->address;
}

const char *
ub_device_get_port_path (UbDevice *self)
{
  g_return_val_if_fail (UB_IS_DEVICE (self), NULL);
  return self->port_path;
}

/**
 * ub_device_get_iboot_info:
 *
 * Returns: (nullable): the parsed serial string of a DFU/recovery device
 */
const UbIbootInfo *
ub_device_get_iboot_info (UbDevice *self)
{
  g_return_val_if_fail (UB_IS_DEVICE (self), NULL);
  return self->iboot;
}

/**
 * ub_device_get_serial:
 *
 * Returns: (nullable): the raw USB serial string
 */
const char *
ub_device_get_serial (UbDevice *self)
{
  g_return_val_if_fail (UB_IS_DEVICE (self), NULL);
  return self->serial;
}

guint64
ub_device_get_ecid (UbDevice *self)
{
  g_return_val_if_fail (UB_IS_DEVICE (self), 0);
  return self->ecid;
}

gboolean
ub_device_has_ecid (UbDevice *self)
{
  g_return_val_if_fail (UB_IS_DEVICE (self), FALSE);
  return self->has_ecid;
}

/**
 * ub_device_dup_ecid_string:
 *
 * Returns: (transfer full) (nullable): "0x001A2B3C4D5E6F70", or %NULL if unknown
 */
char *
ub_device_dup_ecid_string (UbDevice *self)
{
  g_return_val_if_fail (UB_IS_DEVICE (self), NULL);

  if (!self->has_ecid)
    return NULL;
  return g_strdup_printf ("0x%016" G_GINT64_MODIFIER "X", self->ecid);
}

/**
 * ub_device_get_model:
 *
 * Returns: (transfer none) (nullable): the model, if it could be identified
 */
UbModel *
ub_device_get_model (UbDevice *self)
{
  g_return_val_if_fail (UB_IS_DEVICE (self), NULL);
  return self->model;
}

const char *
ub_device_get_udid (UbDevice *self)
{
  g_return_val_if_fail (UB_IS_DEVICE (self), NULL);
  return self->udid;
}

const char *
ub_device_get_product_type (UbDevice *self)
{
  g_return_val_if_fail (UB_IS_DEVICE (self), NULL);
  return self->product_type;
}

const char *
ub_device_get_product_version (UbDevice *self)
{
  g_return_val_if_fail (UB_IS_DEVICE (self), NULL);
  return self->product_version;
}

const char *
ub_device_get_build_version (UbDevice *self)
{
  g_return_val_if_fail (UB_IS_DEVICE (self), NULL);
  return self->build_version;
}

const char *
ub_device_get_name (UbDevice *self)
{
  g_return_val_if_fail (UB_IS_DEVICE (self), NULL);
  return self->name;
}

/**
 * ub_device_get_error:
 *
 * Returns: (nullable): why the device could not be read (for example
 *   %UB_ERROR_PERMISSION_DENIED); the mode is still known from its product ID
 */
const GError *
ub_device_get_error (UbDevice *self)
{
  g_return_val_if_fail (UB_IS_DEVICE (self), NULL);
  return self->error;
}

/**
 * ub_device_is_same_phone:
 *
 * Returns: %TRUE when both snapshots are known to be the same phone (same ECID,
 *   or same UDID)
 */
gboolean
ub_device_is_same_phone (UbDevice *self,
                         UbDevice *other)
{
  g_return_val_if_fail (UB_IS_DEVICE (self), FALSE);
  g_return_val_if_fail (UB_IS_DEVICE (other), FALSE);

  if (self->has_ecid && other->has_ecid)
    return self->ecid == other->ecid;
  if (self->udid != NULL && other->udid != NULL)
    return g_str_equal (self->udid, other->udid);
  return FALSE;
}

void
_ub_device_set_serial (UbDevice    *self,
                       const char  *serial,
                       UbIbootInfo *info)
{
  g_free (self->serial);
  self->serial = g_strdup (serial);
  g_clear_pointer (&self->iboot, ub_iboot_info_free);
  self->iboot = info;
  if (info != NULL && (info->have & UB_IBOOT_FIELD_ECID))
    {
      self->ecid = info->ecid;
      self->has_ecid = TRUE;
    }
}

void
_ub_device_set_model (UbDevice *self,
                      UbModel  *model)
{
  g_set_object (&self->model, model);
}

void
_ub_device_set_normal_info (UbDevice   *self,
                            const char *product_type,
                            const char *product_version,
                            const char *build_version,
                            const char *name,
                            guint64     ecid)
{
  g_free (self->product_type);
  self->product_type = g_strdup (product_type);
  g_free (self->product_version);
  self->product_version = g_strdup (product_version);
  g_free (self->build_version);
  self->build_version = g_strdup (build_version);
  g_free (self->name);
  self->name = g_strdup (name);
  if (ecid != 0)
    {
      self->ecid = ecid;
      self->has_ecid = TRUE;
    }
}

/* A phone seen through usbmuxd that turned out to run the restore system */
void
_ub_device_set_mode (UbDevice     *self,
                     UbDeviceMode  mode)
{
  self->mode = mode;
}

void
_ub_device_set_error (UbDevice     *self,
                      const GError *error)
{
  g_clear_error (&self->error);
  self->error = error ? g_error_copy (error) : NULL;
}
