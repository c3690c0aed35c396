/* ub-vphone-descriptors.c — the USB descriptors of one enumeration
 *
 * One object per way the phone shows up on USB:
 *  - DFU (05ac:1227, WTF 05ac:1222): one configuration, one DFU interface
 *    (FE/01/00) with its functional descriptor (wTransferSize 0x800);
 *  - recovery (05ac:1281): interface 0 with bulk OUT 0x04 (uploads), and
 *    interface 1 whose alternate setting 1 has bulk IN 0x81 (iBoot's console);
 *  - normal (05ac:12a8 iPhone, 12aa iPod, 12ab iPad): PTP plus the usbmux
 *    interface (FF/FE/02) and the UDID as serial number.
 * In DFU and recovery, string 1 is the nonce string and string 4 the iBoot
 * serial (iSerialNumber); libirecovery reads both. There is also a non-Apple
 * device (a USB stick) for the extra-device fault.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-vphone-descriptors"

#include "config.h"

#include <string.h>

#include "ub-vphone-descriptors.h"

#define APPLE_VENDOR_ID   0x05ac
#define FOREIGN_VENDOR_ID 0x0781   /* SanDisk */
#define FOREIGN_PRODUCT_ID 0x5581  /* Ultra */
#define DEVICE_DESC_LEN   18
#define DESC_DEVICE       1
#define DESC_CONFIG       2
#define DESC_STRING       3
#define DESC_INTERFACE    4
#define DESC_ENDPOINT     5
#define DESC_DFU          0x21

struct _UbVphoneDescriptors
{
  GObject    parent_instance;

  GBytes    *bytes;     /* device descriptor, then the configuration */
  GPtrArray *strings;   /* by index; [0] unused */
  guint      vendor_id;
  guint      product_id;
  guint      bcd_device;
  guint      i_manufacturer;
  guint      i_product;
  guint      i_serial;
};

G_DEFINE_FINAL_TYPE (UbVphoneDescriptors, ub_vphone_descriptors, G_TYPE_OBJECT)

static void
ub_vphone_descriptors_finalize (GObject *object)
{
  UbVphoneDescriptors *self = UB_VPHONE_DESCRIPTORS (object);

  g_clear_pointer (&self->bytes, g_bytes_unref);
  g_clear_pointer (&self->strings, g_ptr_array_unref);

  G_OBJECT_CLASS (ub_vphone_descriptors_parent_class)->finalize (object);
}

static void
ub_vphone_descriptors_class_init (UbVphoneDescriptorsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ub_vphone_descriptors_finalize;
}

static void
ub_vphone_descriptors_init (UbVphoneDescriptors *self)
{
  self->strings = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->strings, NULL);
}

static void
put_u8 (GByteArray *array,
        guint       value)
{
  guint8 byte = value & 0xff;

  g_byte_array_append (array, &byte, 1);
}

static void
put_u16 (GByteArray *array,
         guint       value)
{
  put_u8 (array, value & 0xff);
  put_u8 (array, (value >> 8) & 0xff);
}

static void
put_device (UbVphoneDescriptors *self,
            GByteArray          *array)
{
  put_u8 (array, DEVICE_DESC_LEN);
  put_u8 (array, DESC_DEVICE);
  put_u16 (array, 0x0200);            /* bcdUSB */
  put_u8 (array, 0);                  /* class: per interface */
  put_u8 (array, 0);
  put_u8 (array, 0);
  put_u8 (array, 64);                 /* bMaxPacketSize0 */
  put_u16 (array, self->vendor_id);
  put_u16 (array, self->product_id);
  put_u16 (array, self->bcd_device);
  put_u8 (array, self->i_manufacturer);
  put_u8 (array, self->i_product);
  put_u8 (array, self->i_serial);
  put_u8 (array, 1);                  /* bNumConfigurations */
}

static void
put_config (GByteArray *array,
            guint       n_interfaces)
{
  put_u8 (array, 9);
  put_u8 (array, DESC_CONFIG);
  put_u16 (array, 0);                 /* wTotalLength, see finish_config() */
  put_u8 (array, n_interfaces);
  put_u8 (array, 1);                  /* bConfigurationValue */
  put_u8 (array, 0);                  /* iConfiguration */
  put_u8 (array, 0x80);               /* bus powered */
  put_u8 (array, 250);                /* 500 mA */
}

static void
put_interface (GByteArray *array,
               guint       number,
               guint       alternate,
               guint       n_endpoints,
               guint       class,
               guint       subclass,
               guint       protocol)
{
  put_u8 (array, 9);
  put_u8 (array, DESC_INTERFACE);
  put_u8 (array, number);
  put_u8 (array, alternate);
  put_u8 (array, n_endpoints);
  put_u8 (array, class);
  put_u8 (array, subclass);
  put_u8 (array, protocol);
  put_u8 (array, 0);
}

static void
put_endpoint (GByteArray *array,
              guint       address,
              guint       attributes,
              guint       max_packet)
{
  put_u8 (array, 7);
  put_u8 (array, DESC_ENDPOINT);
  put_u8 (array, address);
  put_u8 (array, attributes);
  put_u16 (array, max_packet);
  put_u8 (array, attributes == 3 ? 8 : 0);   /* interrupt interval */
}

static void
put_dfu_functional (GByteArray *array)
{
  put_u8 (array, 9);
  put_u8 (array, DESC_DFU);
  put_u8 (array, 0x0b);               /* can download, manifestation tolerant, will detach */
  put_u16 (array, 10);                /* wDetachTimeOut */
  put_u16 (array, 0x800);             /* wTransferSize */
  put_u16 (array, 0x0110);            /* bcdDFUVersion */
}

static void
put_interfaces (GByteArray      *array,
                UbVphoneUsbMode  mode)
{
  switch (mode)
    {
    case UB_VPHONE_USB_DFU:
      put_config (array, 1);
      put_interface (array, 0, 0, 0, 0xfe, 0x01, 0x00);
      put_dfu_functional (array);
      break;
    case UB_VPHONE_USB_RECOVERY:
      put_config (array, 2);
      put_interface (array, 0, 0, 1, 0xff, 0xfd, 0x00);
      put_endpoint (array, 0x04, 2, 512);
      put_interface (array, 1, 0, 0, 0xff, 0xfd, 0x01);
      put_interface (array, 1, 1, 2, 0xff, 0xfd, 0x01);
      put_endpoint (array, 0x81, 2, 512);
      put_endpoint (array, 0x02, 2, 512);
      break;
    case UB_VPHONE_USB_NORMAL:
    case UB_VPHONE_USB_RESTORE:   /* not used: restore mode enumerates as normal mode */
      put_config (array, 2);
      put_interface (array, 0, 0, 3, 0x06, 0x01, 0x01);   /* PTP */
      put_endpoint (array, 0x81, 2, 512);
      put_endpoint (array, 0x02, 2, 512);
      put_endpoint (array, 0x83, 3, 64);
      put_interface (array, 1, 0, 2, 0xff, 0xfe, 0x02);   /* usbmux */
      put_endpoint (array, 0x04, 2, 512);
      put_endpoint (array, 0x85, 2, 512);
      break;
    case UB_VPHONE_USB_NONE:
    default:
      g_assert_not_reached ();
    }
}

static void
finish (UbVphoneDescriptors *self,
        GByteArray          *array)
{
  guint total = array->len - DEVICE_DESC_LEN;

  array->data[DEVICE_DESC_LEN + 2] = total & 0xff;
  array->data[DEVICE_DESC_LEN + 3] = (total >> 8) & 0xff;
  self->bytes = g_byte_array_free_to_bytes (array);
}

static void
add_string (UbVphoneDescriptors *self,
            const char          *str)
{
  g_ptr_array_add (self->strings, g_strdup (str));
}

/**
 * ub_vphone_descriptors_new_for_phone:
 * @mode: how the phone shows up; not %UB_VPHONE_USB_NONE
 *
 * Returns: (transfer full): the descriptors and strings of that enumeration
 */
UbVphoneDescriptors *
ub_vphone_descriptors_new_for_phone (UbVphoneIdentity *identity,
                                     UbVphoneUsbMode   mode)
{
  UbVphoneDescriptors *self;
  GByteArray *array = g_byte_array_new ();

  g_return_val_if_fail (UB_IS_VPHONE_IDENTITY (identity), NULL);
  g_return_val_if_fail (mode != UB_VPHONE_USB_NONE, NULL);

  self = g_object_new (UB_TYPE_VPHONE_DESCRIPTORS, NULL);
  self->vendor_id = APPLE_VENDOR_ID;
  self->product_id = ub_vphone_identity_get_product_id (identity, mode);
  if (mode == UB_VPHONE_USB_NORMAL)
    {
      UbDeviceKind kind = ub_model_get_kind (ub_vphone_identity_get_model (identity));

      self->bcd_device = 0x1511;
      add_string (self, "Apple Inc.");
      add_string (self, kind == UB_DEVICE_KIND_IPOD ? "iPod"
                        : ub_vphone_identity_get_device_class (identity));
      add_string (self, ub_vphone_identity_get_usb_serial (identity));
      self->i_manufacturer = 1;
      self->i_product = 2;
      self->i_serial = 3;
    }
  else
    {
      g_autofree char *nonces = ub_vphone_identity_dup_nonce_string (identity);
      g_autofree char *serial =
        ub_vphone_identity_dup_iboot_serial (identity, mode == UB_VPHONE_USB_RECOVERY);

      self->bcd_device = 0x0000;
      add_string (self, nonces);
      add_string (self, "Apple Inc.");
      add_string (self, mode == UB_VPHONE_USB_DFU ? "Apple Mobile Device (DFU Mode)"
                                                  : "Apple Mobile Device (Recovery Mode)");
      add_string (self, serial);
      self->i_manufacturer = 2;
      self->i_product = 3;
      self->i_serial = 4;
    }
  put_device (self, array);
  put_interfaces (array, mode);
  finish (self, array);
  return self;
}

/**
 * ub_vphone_descriptors_new_foreign:
 *
 * Returns: (transfer full): a USB stick, the non-Apple device of the
 *   extra-device fault
 */
UbVphoneDescriptors *
ub_vphone_descriptors_new_foreign (void)
{
  UbVphoneDescriptors *self = g_object_new (UB_TYPE_VPHONE_DESCRIPTORS, NULL);
  GByteArray *array = g_byte_array_new ();

  self->vendor_id = FOREIGN_VENDOR_ID;
  self->product_id = FOREIGN_PRODUCT_ID;
  self->bcd_device = 0x0100;
  add_string (self, "SanDisk");
  add_string (self, "Ultra");
  add_string (self, "4C530001230101118192");
  self->i_manufacturer = 1;
  self->i_product = 2;
  self->i_serial = 3;
  put_device (self, array);
  put_config (array, 1);
  put_interface (array, 0, 0, 2, 0x08, 0x06, 0x50);   /* mass storage, SCSI, bulk-only */
  put_endpoint (array, 0x81, 2, 512);
  put_endpoint (array, 0x02, 2, 512);
  finish (self, array);
  return self;
}

/**
 * ub_vphone_descriptors_get_bytes:
 *
 * Returns: (transfer none): the device descriptor followed by the
 *   configuration, as in sysfs's "descriptors" attribute
 */
GBytes *
ub_vphone_descriptors_get_bytes (UbVphoneDescriptors *self)
{
  g_return_val_if_fail (UB_IS_VPHONE_DESCRIPTORS (self), NULL);
  return self->bytes;
}

guint
ub_vphone_descriptors_get_vendor_id (UbVphoneDescriptors *self)
{
  g_return_val_if_fail (UB_IS_VPHONE_DESCRIPTORS (self), 0);
  return self->vendor_id;
}

guint
ub_vphone_descriptors_get_product_id (UbVphoneDescriptors *self)
{
  g_return_val_if_fail (UB_IS_VPHONE_DESCRIPTORS (self), 0);
  return self->product_id;
}

guint
ub_vphone_descriptors_get_bcd_device (UbVphoneDescriptors *self)
{
  g_return_val_if_fail (UB_IS_VPHONE_DESCRIPTORS (self), 0);
  return self->bcd_device;
}

/**
 * ub_vphone_descriptors_get_string:
 *
 * Returns: (nullable): string descriptor @index
 */
const char *
ub_vphone_descriptors_get_string (UbVphoneDescriptors *self,
                                  guint                index)
{
  g_return_val_if_fail (UB_IS_VPHONE_DESCRIPTORS (self), NULL);

  if (index == 0 || index >= self->strings->len)
    return NULL;
  return g_ptr_array_index (self->strings, index);
}

const char *
ub_vphone_descriptors_get_manufacturer (UbVphoneDescriptors *self)
{
  return ub_vphone_descriptors_get_string (self, self->i_manufacturer);
}

const char *
ub_vphone_descriptors_get_product (UbVphoneDescriptors *self)
{
  return ub_vphone_descriptors_get_string (self, self->i_product);
}

const char *
ub_vphone_descriptors_get_serial (UbVphoneDescriptors *self)
{
  return ub_vphone_descriptors_get_string (self, self->i_serial);
}

/* A string descriptor: UTF-16LE, at most 126 characters. */
static gsize
encode_string (const char *str,
               guint8     *buf)
{
  gsize len = MIN (strlen (str), 126);

  buf[0] = 2 + 2 * len;
  buf[1] = DESC_STRING;
  for (gsize i = 0; i < len; i++)
    {
      buf[2 + 2 * i] = (guint8) str[i];
      buf[3 + 2 * i] = 0;
    }
  return buf[0];
}

/**
 * ub_vphone_descriptors_read:
 * @value: GET_DESCRIPTOR's wValue (type << 8 | index)
 * @index: its wIndex (the language of a string)
 * @out: where to copy the descriptor
 * @max: wLength
 *
 * Returns: the number of bytes copied, or -1 if the device stalls
 */
gssize
ub_vphone_descriptors_read (UbVphoneDescriptors *self,
                            guint16              value,
                            guint16              index,
                            guint8              *out,
                            gsize                max)
{
  guint8 buf[256];
  gsize len = 0;
  gsize total;
  const guint8 *data;

  g_return_val_if_fail (UB_IS_VPHONE_DESCRIPTORS (self), -1);

  data = g_bytes_get_data (self->bytes, &total);
  switch (value >> 8)
    {
    case DESC_DEVICE:
      memcpy (buf, data, DEVICE_DESC_LEN);
      len = DEVICE_DESC_LEN;
      break;
    case DESC_CONFIG:
      if ((value & 0xff) != 0)
        return -1;
      len = MIN (total - DEVICE_DESC_LEN, sizeof (buf));
      memcpy (buf, data + DEVICE_DESC_LEN, len);
      break;
    case DESC_STRING:
      if ((value & 0xff) == 0)
        {
          const guint8 langids[] = { 4, DESC_STRING, 0x09, 0x04 };   /* en-US */

          memcpy (buf, langids, sizeof (langids));
          len = sizeof (langids);
        }
      else if (ub_vphone_descriptors_get_string (self, value & 0xff) != NULL)
        {
          len = encode_string (ub_vphone_descriptors_get_string (self, value & 0xff), buf);
        }
      else
        {
          return -1;
        }
      break;
    default:
      return -1;
    }
  len = MIN (len, max);
  memcpy (out, buf, len);
  return len;
}

/**
 * ub_vphone_descriptors_dup_testbed_record:
 * @syspath: the device's sysfs path
 * @devnum: its device number on bus 1
 *
 * Returns: (transfer full): the device in umockdev's record format, for
 *   umockdev_testbed_add_from_string(); attributes end with a newline, as
 *   the kernel's do
 */
char *
ub_vphone_descriptors_dup_testbed_record (UbVphoneDescriptors *descriptors,
                                          const char          *syspath,
                                          guint                devnum)
{
  g_autofree char *hex = NULL;
  GString *str = g_string_new (NULL);
  gsize len;
  const guint8 *data;

  g_return_val_if_fail (UB_IS_VPHONE_DESCRIPTORS (descriptors), NULL);

  data = g_bytes_get_data (descriptors->bytes, &len);
  for (gsize i = 0; i < len; i++)
    g_string_append_printf (str, "%02X", data[i]);
  hex = g_string_free (str, FALSE);
  return g_strdup_printf ("P: %s\n"
                          "N: bus/usb/001/%03u\n"
                          "E: SUBSYSTEM=usb\n"
                          "E: DEVTYPE=usb_device\n"
                          "E: DEVNAME=/dev/bus/usb/001/%03u\n"
                          "E: BUSNUM=001\n"
                          "E: DEVNUM=%03u\n"
                          "E: PRODUCT=%x/%x/%x\n"
                          "A: busnum=1\\n\n"
                          "A: devnum=%u\\n\n"
                          "A: speed=480\\n\n"
                          "A: idVendor=%04x\\n\n"
                          "A: idProduct=%04x\\n\n"
                          "A: bcdDevice=%04x\\n\n"
                          "A: bConfigurationValue=1\\n\n"
                          "A: bNumConfigurations=1\\n\n"
                          "A: manufacturer=%s\\n\n"
                          "A: product=%s\\n\n"
                          "A: serial=%s\\n\n"
                          "H: descriptors=%s\n",
                          syspath, devnum, devnum, devnum,
                          ub_vphone_descriptors_get_vendor_id (descriptors),
                          ub_vphone_descriptors_get_product_id (descriptors),
                          ub_vphone_descriptors_get_bcd_device (descriptors), devnum,
                          ub_vphone_descriptors_get_vendor_id (descriptors),
                          ub_vphone_descriptors_get_product_id (descriptors),
                          ub_vphone_descriptors_get_bcd_device (descriptors),
                          ub_vphone_descriptors_get_manufacturer (descriptors),
                          ub_vphone_descriptors_get_product (descriptors),
                          ub_vphone_descriptors_get_serial (descriptors), hex);
}
