/* ub-vphone-usb.c — the virtual iPhone on the emulated USB bus
 *
 * Follows the phone's usb-mode: each change removes the old device from the
 * umockdev testbed ("remove" uevent) and adds the new one ("add" uevent)
 * with a new device number, as a real re-enumeration does. Sysfs attributes
 * end with "\n" (libusb warns otherwise). Transfers arrive from
 * UbVphoneIoctl on the main thread: standard requests are answered here,
 * class and vendor requests by the DFU state machine or by iBoot, and the
 * USB-level faults (stall, eproto, unplug-at-block, unresponsive) are
 * applied first. Every request is recorded.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-vphone-usb"

#include "config.h"

#include <errno.h>
#include <linux/usbdevice_fs.h>
#include <string.h>
#include <sys/ioctl.h>

#include "ub-vphone-descriptors.h"
#include "ub-vphone-dfu.h"
#include "ub-vphone-iboot.h"
#include "ub-vphone-ioctl.h"
#include "ub-vphone-usb.h"

/* The phone sits on port 2 of bus 1; the extra device of the extra-device
 * fault on port 1, so that enumeration lists it after the phone. */
#define PHONE_DEVPATH   "/devices/pci0000:00/0000:00:14.0/usb1/1-2"
#define FOREIGN_DEVPATH "/devices/pci0000:00/0000:00:14.0/usb1/1-1"

typedef struct
{
  char                *syspath;   /* /sys/devices/… */
  char                *devnode;
  UbVphoneDescriptors *descriptors;
} Device;

struct _UbVphoneUsb
{
  GObject           parent_instance;

  UMockdevTestbed  *testbed;
  UbVphoneIoctl    *handler;
  UbVphoneIdentity *identity;
  UbVphonePhone    *phone;
  UbVphoneNvram    *nvram;
  UbVphoneFaults   *faults;
  UbVphoneRecorder *recorder;
  UbVphoneChain    *chain;

  UbVphoneUsbMode   mode;       /* how the phone is enumerated now */
  Device           *device;     /* the phone, or NULL */
  UbVphoneDfu      *dfu;        /* in DFU mode */
  UbVphoneIboot    *iboot;      /* in recovery mode */
  Device           *foreign;    /* the extra-device fault, or NULL */
  guint             next_devnum;
};

enum {
  PROP_0,
  PROP_PRODUCT_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (UbVphoneUsb, ub_vphone_usb, G_TYPE_OBJECT)

static void
device_free (Device *device)
{
  g_free (device->syspath);
  g_free (device->devnode);
  g_clear_object (&device->descriptors);
  g_free (device);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Device, device_free)

/* Adds a device to the testbed; umockdev announces it ("add" uevent). */
static Device *
plug_device (UbVphoneUsb         *self,
             const char          *devpath,
             UbVphoneDescriptors *descriptors)
{
  g_autoptr(Device) device = g_new0 (Device, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *record = NULL;
  guint devnum = self->next_devnum;

  self->next_devnum = devnum >= 127 ? 2 : devnum + 1;
  device->syspath = g_strconcat ("/sys", devpath, NULL);
  device->devnode = g_strdup_printf ("/dev/bus/usb/001/%03u", devnum);
  device->descriptors = g_object_ref (descriptors);
  record = ub_vphone_descriptors_dup_testbed_record (descriptors, devpath, devnum);
  /* The handler first, so that the node answers as soon as anyone sees it. */
  if (!umockdev_testbed_attach_ioctl (self->testbed, device->devnode,
                                      UMOCKDEV_IOCTL_BASE (self->handler), &error) ||
      !umockdev_testbed_add_from_string (self->testbed, record, &error))
    g_error ("Cannot add %s to the testbed: %s", devpath, error->message);
  g_debug ("Attached %04x:%04x as %s", ub_vphone_descriptors_get_vendor_id (descriptors),
           ub_vphone_descriptors_get_product_id (descriptors), device->devnode);
  ub_vphone_recorder_log (self->recorder, "usb attach %04x:%04x %s",
                          ub_vphone_descriptors_get_vendor_id (descriptors),
                          ub_vphone_descriptors_get_product_id (descriptors), device->devnode);
  return g_steal_pointer (&device);
}

static void
unplug_device (UbVphoneUsb *self,
               Device      *device)
{
  g_autoptr(GError) error = NULL;

  umockdev_testbed_uevent (self->testbed, device->syspath, "remove");
  ub_vphone_ioctl_device_gone (self->handler, device->devnode);
  if (!umockdev_testbed_detach_ioctl (self->testbed, device->devnode, &error))
    g_debug ("Detaching %s: %s", device->devnode, error->message);
  umockdev_testbed_remove_device (self->testbed, device->syspath);
  g_debug ("Detached %s", device->devnode);
  ub_vphone_recorder_log (self->recorder, "usb detach %04x:%04x %s",
                          ub_vphone_descriptors_get_vendor_id (device->descriptors),
                          ub_vphone_descriptors_get_product_id (device->descriptors),
                          device->devnode);
  device_free (device);
}

static void
remove_phone (UbVphoneUsb *self)
{
  if (self->iboot != NULL)
    ub_vphone_iboot_finish_upload (self->iboot);
  g_clear_object (&self->dfu);
  g_clear_object (&self->iboot);
}

/* Makes the bus match the phone's usb-mode. */
static void
sync_phone (UbVphoneUsb *self)
{
  UbVphoneUsbMode want = ub_vphone_phone_get_usb_mode (self->phone);
  g_autoptr(UbVphoneDescriptors) descriptors = NULL;

  if (want == self->mode)
    return;
  if (self->device != NULL)
    {
      Device *device = g_steal_pointer (&self->device);

      remove_phone (self);
      unplug_device (self, device);
    }
  self->mode = want;
  if (want != UB_VPHONE_USB_NONE)
    {
      /* Restore mode shows up as normal mode does: usbmux, same IDs. */
      descriptors = ub_vphone_descriptors_new_for_phone (self->identity,
                                                         want == UB_VPHONE_USB_RESTORE
                                                           ? UB_VPHONE_USB_NORMAL : want);
      if (want == UB_VPHONE_USB_DFU)
        self->dfu = ub_vphone_dfu_new (self->recorder, self->chain);
      if (want == UB_VPHONE_USB_RECOVERY)
        self->iboot = ub_vphone_iboot_new (self->nvram, self->recorder, self->chain);
      self->device = plug_device (self, PHONE_DEVPATH, descriptors);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRODUCT_ID]);
}

static void
on_phone_usb_mode (UbVphoneUsb *self)
{
  sync_phone (self);
}

static void
on_fault_changed (UbVphoneUsb *self,
                  guint        fault,
                  gboolean     active)
{
  if (fault != UB_VPHONE_FAULT_EXTRA_DEVICE)
    return;
  if (active && self->foreign == NULL)
    {
      g_autoptr(UbVphoneDescriptors) descriptors = ub_vphone_descriptors_new_foreign ();

      self->foreign = plug_device (self, FOREIGN_DEVPATH, descriptors);
    }
  else if (!active && self->foreign != NULL)
    {
      unplug_device (self, g_steal_pointer (&self->foreign));
    }
}

/* --- Transfers ------------------------------------------------------------ */

static gboolean
is_phone (UbVphoneUsb *self,
          const char  *devnode)
{
  return self->device != NULL && g_str_equal (devnode, self->device->devnode);
}

static gboolean
is_foreign (UbVphoneUsb *self,
            const char  *devnode)
{
  return self->foreign != NULL && g_str_equal (devnode, self->foreign->devnode);
}

static gboolean
backend_is_alive (const char *devnode,
                  gpointer    user_data)
{
  UbVphoneUsb *self = user_data;

  return is_phone (self, devnode) || is_foreign (self, devnode);
}

static UbVphoneSetup
parse_setup (const guint8 *buffer)
{
  UbVphoneSetup setup;

  setup.request_type = buffer[0];
  setup.request = buffer[1];
  setup.value = buffer[2] | buffer[3] << 8;
  setup.index = buffer[4] | buffer[5] << 8;
  setup.length = buffer[6] | buffer[7] << 8;
  return setup;
}

static int
standard_request (UbVphoneDescriptors *descriptors,
                  const UbVphoneSetup *setup,
                  guint8              *data,
                  gsize               *actual)
{
  gssize len;

  switch (setup->request_type << 8 | setup->request)
    {
    case 0x8006:   /* GET_DESCRIPTOR */
      len = ub_vphone_descriptors_read (descriptors, setup->value, setup->index, data, setup->length);
      if (len < 0)
        return -EPIPE;
      *actual = len;
      return 0;
    case 0x8000:   /* GET_STATUS */
      *actual = MIN (setup->length, 2);
      memset (data, 0, *actual);
      return 0;
    case 0x8008:   /* GET_CONFIGURATION */
      *actual = MIN (setup->length, 1);
      memset (data, 1, *actual);
      return 0;
    case 0x0009:   /* SET_CONFIGURATION */
    case 0x010b:   /* SET_INTERFACE */
    case 0x0001:   /* CLEAR_FEATURE */
    case 0x0003:   /* SET_FEATURE */
    case 0x0201:   /* CLEAR_FEATURE (endpoint halt) */
      return 0;
    default:
      return -EPIPE;
    }
}

static void
run_iboot_action (UbVphoneUsb         *self,
                  UbVphoneIbootAction  action)
{
  if (action == UB_VPHONE_IBOOT_REBOOT)
    ub_vphone_phone_host_reboot (self->phone);
  else if (action == UB_VPHONE_IBOOT_GO)
    ub_vphone_chain_go (self->chain);
  else if (action == UB_VPHONE_IBOOT_BOOTX)
    ub_vphone_chain_bootx (self->chain);
}

/* The USB-level faults; TRUE when one decided the transfer's fate. */
static gboolean
apply_faults (UbVphoneUsb         *self,
              const UbVphoneSetup *setup,
              UbVphoneTransfer    *transfer)
{
  gboolean dnload = self->mode == UB_VPHONE_USB_DFU && setup->request_type == 0x21 &&
                    setup->request == 1;

  if (ub_vphone_faults_take_transfer (self->faults, UB_VPHONE_FAULT_STALL, dnload, setup->value))
    {
      ub_vphone_recorder_log (self->recorder, "fault stall");
      if (self->dfu != NULL)
        ub_vphone_dfu_stalled (self->dfu);
      transfer->status = -EPIPE;
      return TRUE;
    }
  if (ub_vphone_faults_take_transfer (self->faults, UB_VPHONE_FAULT_EPROTO, dnload, setup->value))
    {
      ub_vphone_recorder_log (self->recorder, "fault eproto");
      transfer->status = -EPROTO;
      return TRUE;
    }
  if (dnload && ub_vphone_faults_take_transfer (self->faults, UB_VPHONE_FAULT_UNPLUG_AT_BLOCK,
                                                TRUE, setup->value))
    {
      ub_vphone_recorder_log (self->recorder, "fault unplug-at-block %u", setup->value);
      transfer->status = -ESHUTDOWN;
      ub_vphone_phone_set_plugged (self->phone, FALSE);
      return TRUE;
    }
  return FALSE;
}

static gboolean
control_transfer (UbVphoneUsb      *self,
                  UbVphoneTransfer *transfer)
{
  UbVphoneSetup setup;
  UbVphoneIbootAction action = UB_VPHONE_IBOOT_NONE;
  guint8 *data = transfer->buffer + 8;

  if (transfer->length < 8)
    {
      transfer->status = -EINVAL;
      return TRUE;
    }
  setup = parse_setup (transfer->buffer);
  setup.length = MIN (setup.length, transfer->length - 8);
  ub_vphone_recorder_log (self->recorder, "usb ctrl %02x %02x %04x %04x %u", setup.request_type,
                          setup.request, setup.value, setup.index, setup.length);
  if (apply_faults (self, &setup, transfer))
    return TRUE;
  if ((setup.request_type & 0x60) == 0)
    transfer->status = standard_request (self->device->descriptors, &setup, data, &transfer->actual);
  else if (self->dfu != NULL)
    transfer->status = ub_vphone_dfu_request (self->dfu, &setup, data, &transfer->actual);
  else if (self->iboot != NULL)
    transfer->status = ub_vphone_iboot_request (self->iboot, &setup, data, &transfer->actual, &action);
  else
    transfer->status = -EPIPE;
  run_iboot_action (self, action);
  return TRUE;
}

static gboolean
bulk_transfer (UbVphoneUsb      *self,
               UbVphoneTransfer *transfer)
{
  ub_vphone_recorder_log (self->recorder, "usb bulk %02x %" G_GSIZE_FORMAT,
                          transfer->endpoint, transfer->length);
  if (transfer->endpoint & 0x80)
    return FALSE;   /* nothing to read: the host times out */
  if (self->iboot == NULL || transfer->endpoint != 0x04)
    {
      transfer->status = -EPIPE;
      return TRUE;
    }
  ub_vphone_iboot_bulk_out (self->iboot, transfer->buffer, transfer->length);
  transfer->actual = transfer->length;
  return TRUE;
}

static gboolean
backend_submit (const char       *devnode,
                UbVphoneTransfer *transfer,
                gpointer          user_data)
{
  UbVphoneUsb *self = user_data;

  transfer->status = 0;
  transfer->actual = 0;
  if (is_foreign (self, devnode))
    {
      UbVphoneSetup setup = parse_setup (transfer->buffer);

      if (transfer->type != USBDEVFS_URB_TYPE_CONTROL || transfer->length < 8)
        return FALSE;
      transfer->status = standard_request (self->foreign->descriptors, &setup, transfer->buffer + 8,
                                           &transfer->actual);
      return TRUE;
    }
  if (ub_vphone_faults_is_active (self->faults, UB_VPHONE_FAULT_UNRESPONSIVE))
    {
      ub_vphone_recorder_log (self->recorder, "usb urb %02x ignored (unresponsive)",
                              transfer->endpoint);
      return FALSE;
    }
  if (transfer->type == USBDEVFS_URB_TYPE_CONTROL)
    return control_transfer (self, transfer);
  if (transfer->type == USBDEVFS_URB_TYPE_BULK)
    return bulk_transfer (self, transfer);
  transfer->status = -EPIPE;
  return TRUE;
}

static int
backend_request (const char *devnode,
                 gulong      request,
                 guint       value,
                 guint       value2,
                 gpointer    user_data)
{
  UbVphoneUsb *self = user_data;

  if (!is_phone (self, devnode))
    return 0;
  switch (request)
    {
    case USBDEVFS_RESET:
      ub_vphone_recorder_log (self->recorder, "usb reset");
      if (self->iboot != NULL)
        ub_vphone_iboot_finish_upload (self->iboot);
      if (self->dfu != NULL && ub_vphone_dfu_bus_reset (self->dfu))
        ub_vphone_chain_dfu_booted (self->chain);
      return 0;
    case USBDEVFS_CLAIMINTERFACE:
      ub_vphone_recorder_log (self->recorder, "usb claim-interface %u", value);
      return 0;
    case USBDEVFS_RELEASEINTERFACE:
      ub_vphone_recorder_log (self->recorder, "usb release-interface %u", value);
      if (self->iboot != NULL)
        ub_vphone_iboot_finish_upload (self->iboot);
      return 0;
    case USBDEVFS_SETINTERFACE:
      ub_vphone_recorder_log (self->recorder, "usb set-interface %u %u", value, value2);
      return 0;
    case USBDEVFS_SETCONFIGURATION:
      ub_vphone_recorder_log (self->recorder, "usb set-configuration %u", value);
      return value == 1 ? 0 : EINVAL;
    case USBDEVFS_CLEAR_HALT:
    case USBDEVFS_RESETEP:
      ub_vphone_recorder_log (self->recorder, "usb clear-halt %02x", value);
      return 0;
    default:
      return 0;
    }
}

static void
backend_closed (const char *devnode,
                gpointer    user_data)
{
  UbVphoneUsb *self = user_data;

  if (is_phone (self, devnode) && self->iboot != NULL)
    ub_vphone_iboot_finish_upload (self->iboot);
}

static const UbVphoneIoctlBackend backend = {
  backend_is_alive,
  backend_submit,
  backend_request,
  backend_closed,
};

/* --- Object --------------------------------------------------------------- */

static void
ub_vphone_usb_dispose (GObject *object)
{
  UbVphoneUsb *self = UB_VPHONE_USB (object);

  if (self->phone != NULL)
    g_signal_handlers_disconnect_by_data (self->phone, self);
  if (self->faults != NULL)
    g_signal_handlers_disconnect_by_data (self->faults, self);
  g_clear_object (&self->dfu);
  g_clear_object (&self->iboot);
  g_clear_pointer (&self->device, device_free);
  g_clear_pointer (&self->foreign, device_free);
  g_clear_object (&self->handler);
  g_clear_object (&self->testbed);
  g_clear_object (&self->identity);
  g_clear_object (&self->phone);
  g_clear_object (&self->nvram);
  g_clear_object (&self->faults);
  g_clear_object (&self->recorder);
  g_clear_object (&self->chain);

  G_OBJECT_CLASS (ub_vphone_usb_parent_class)->dispose (object);
}

static void
ub_vphone_usb_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  UbVphoneUsb *self = UB_VPHONE_USB (object);

  switch (prop_id)
    {
    case PROP_PRODUCT_ID:
      g_value_set_uint (value, ub_vphone_usb_get_product_id (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ub_vphone_usb_class_init (UbVphoneUsbClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ub_vphone_usb_dispose;
  object_class->get_property = ub_vphone_usb_get_property;

  properties[PROP_PRODUCT_ID] =
    g_param_spec_uint ("product-id", NULL, NULL, 0, G_MAXUINT16, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ub_vphone_usb_init (UbVphoneUsb *self)
{
  self->next_devnum = 2;
}

/**
 * ub_vphone_usb_new:
 * @testbed: the umockdev testbed (the process runs under its preload)
 *
 * Puts the phone on the bus as its usb-mode says, and keeps it so.
 *
 * Returns: (transfer full): the bus side of the phone
 */
UbVphoneUsb *
ub_vphone_usb_new (UMockdevTestbed  *testbed,
                   UbVphoneIdentity *identity,
                   UbVphonePhone    *phone,
                   UbVphoneNvram    *nvram,
                   UbVphoneFaults   *faults,
                   UbVphoneRecorder *recorder,
                   UbVphoneChain    *chain)
{
  UbVphoneUsb *self = g_object_new (UB_TYPE_VPHONE_USB, NULL);

  self->testbed = g_object_ref (testbed);
  self->identity = g_object_ref (identity);
  self->phone = g_object_ref (phone);
  self->nvram = g_object_ref (nvram);
  self->faults = g_object_ref (faults);
  self->recorder = g_object_ref (recorder);
  self->chain = g_object_ref (chain);
  self->handler = ub_vphone_ioctl_new (&backend, self);
  g_signal_connect_swapped (phone, "notify::usb-mode", G_CALLBACK (on_phone_usb_mode), self);
  g_signal_connect_swapped (faults, "changed", G_CALLBACK (on_fault_changed), self);
  sync_phone (self);
  return self;
}

/**
 * ub_vphone_usb_get_product_id:
 *
 * Returns: the phone's product ID on the bus, 0 when it is not there
 */
guint
ub_vphone_usb_get_product_id (UbVphoneUsb *self)
{
  g_return_val_if_fail (UB_IS_VPHONE_USB (self), 0);

  if (self->device == NULL)
    return 0;
  return ub_vphone_descriptors_get_product_id (self->device->descriptors);
}

/**
 * ub_vphone_usb_get_devnode:
 *
 * Returns: (nullable): the phone's device node, such as /dev/bus/usb/001/002
 */
const char *
ub_vphone_usb_get_devnode (UbVphoneUsb *self)
{
  g_return_val_if_fail (UB_IS_VPHONE_USB (self), NULL);
  return self->device != NULL ? self->device->devnode : NULL;
}
