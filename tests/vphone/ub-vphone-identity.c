/* ub-vphone-identity.c — who the virtual iPhone is: chip, ECID, names, nonces
 *
 * Chip and board come from the project's model database; everything else is
 * derived from the ECID, so one ECID always gives the same phone. Formats
 * follow real devices (shared/research/fixtures/usb-serials.txt): the iBoot
 * serial string "CPID:8015 CPRV:11 CPFM:03 SCEP:01 BDID:06 ECID:… IBFL:3C
 * SRTG:[iBoot-…]" (A12 and later start with "SDOM:01 "), recovery mode
 * adding SRNM and IMEI (phones) in place of SRTG, the nonce string
 * " NONC:<64 hex> SNON:<40 hex>", and a UDID of "<CPID>-<ECID>" on A12 and
 * later, 40 hex digits before. SecureROM tags are real for the chips listed
 * in rom_tags; other chips get a made-up tag of the same shape. Build numbers
 * are real for the versions in known_builds, made up in Apple's pattern for
 * the others.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-vphone-identity"

#include "config.h"

#include <stdio.h>

#include "ub-vphone-identity.h"

struct _UbVphoneIdentity
{
  GObject   parent_instance;

  UbModel  *model;
  guint64   ecid;
  char     *udid;
  char     *usb_serial;
  char     *serial_number;
  char     *imei;
  char     *product_version;
  char     *build_version;
  char     *device_name;
  char     *hardware_model;
  char     *wifi_address;
  char     *bluetooth_address;
  char     *srtg;
  GBytes   *ap_nonce;
  GBytes   *sep_nonce;
  guint     nonce_generation;
};

G_DEFINE_FINAL_TYPE (UbVphoneIdentity, ub_vphone_identity, G_TYPE_OBJECT)

static const struct
{
  guint       cpid;
  const char *tag;
} rom_tags[] = {
  { 0x7000, "iBoot-1992.0.0.1.19" },
  { 0x7001, "iBoot-1991.0.0.2.16" },
  { 0x8000, "iBoot-2234.0.0.3.3" },
  { 0x8003, "iBoot-2234.0.0.2.22" },
  { 0x8010, "iBoot-2696.0.0.1.33" },
  { 0x8011, "iBoot-3135.0.0.2.3" },
  { 0x8012, "iBoot-3401.0.0.1.16" },
  { 0x8015, "iBoot-3332.0.0.1.23" },
  { 0x8020, "iBoot-3865.0.0.4.7" },
  { 0x8110, "iBoot-6338.0.0.200.19" },
  { 0x8947, "iBoot-1458.2" },
  { 0x8950, "iBoot-1145.3" },
  { 0x8955, "iBoot-1145.3.3" },
  { 0x8960, "iBoot-1704.10" },
};

static const struct
{
  const char *version;
  const char *build;
} known_builds[] = {
  { "3.1.3", "7E18" },
  { "4.2.1", "8C148" },
  { "5.1.1", "9B206" },
  { "6.1.6", "10B500" },
  { "7.1.2", "11D257" },
  { "9.3.5", "13G36" },
  { "9.3.6", "13G37" },
  { "10.3.4", "14G61" },
  { "15.7", "19H12" },
  { "18.7.10", "22H374" },
  { "26.0", "23A341" },
};

static void
ub_vphone_identity_finalize (GObject *object)
{
  UbVphoneIdentity *self = UB_VPHONE_IDENTITY (object);

  g_clear_object (&self->model);
  g_clear_pointer (&self->udid, g_free);
  g_clear_pointer (&self->usb_serial, g_free);
  g_clear_pointer (&self->serial_number, g_free);
  g_clear_pointer (&self->imei, g_free);
  g_clear_pointer (&self->product_version, g_free);
  g_clear_pointer (&self->build_version, g_free);
  g_clear_pointer (&self->device_name, g_free);
  g_clear_pointer (&self->hardware_model, g_free);
  g_clear_pointer (&self->wifi_address, g_free);
  g_clear_pointer (&self->bluetooth_address, g_free);
  g_clear_pointer (&self->srtg, g_free);
  g_clear_pointer (&self->ap_nonce, g_bytes_unref);
  g_clear_pointer (&self->sep_nonce, g_bytes_unref);

  G_OBJECT_CLASS (ub_vphone_identity_parent_class)->finalize (object);
}

static void
ub_vphone_identity_class_init (UbVphoneIdentityClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ub_vphone_identity_finalize;
}

static void
ub_vphone_identity_init (UbVphoneIdentity *self)
{
}

/* A12 (0x8020) and later; the S5L89xx numbers are older chips. */
static gboolean
is_a12_or_later (guint cpid)
{
  return cpid >= 0x8020 && cpid < 0x8900;
}

/* Bytes of a digest of the ECID and a label, for stable made-up values. */
static GBytes *
derive (guint64        ecid,
        const char    *label,
        GChecksumType  type)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (type);
  g_autofree char *seed = g_strdup_printf ("%s:%016" G_GINT64_MODIFIER "x", label, ecid);
  guint8 digest[64];
  gsize len = sizeof (digest);

  g_checksum_update (checksum, (const guchar *) seed, -1);
  g_checksum_get_digest (checksum, digest, &len);
  return g_bytes_new (digest, len);
}

static char *
make_serial_number (guint64 ecid)
{
  static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
  g_autoptr(GBytes) bytes = derive (ecid, "serial", G_CHECKSUM_SHA256);
  const guint8 *data = g_bytes_get_data (bytes, NULL);
  char serial[13];

  serial[0] = 'F';
  for (guint i = 1; i < 12; i++)
    serial[i] = alphabet[data[i] % (sizeof (alphabet) - 1)];
  serial[12] = '\0';
  return g_strdup (serial);
}

/* 15 digits: a TAC starting with 35, a serial, and the Luhn check digit. */
static char *
make_imei (guint64 ecid)
{
  g_autoptr(GBytes) bytes = derive (ecid, "imei", G_CHECKSUM_SHA256);
  const guint8 *data = g_bytes_get_data (bytes, NULL);
  char digits[16] = "35";
  guint sum = 0;

  for (guint i = 2; i < 14; i++)
    digits[i] = '0' + data[i] % 10;
  for (guint i = 0; i < 14; i++)
    {
      guint d = digits[i] - '0';

      if (i % 2 == 1)
        d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      sum += d;
    }
  digits[14] = '0' + (10 - sum % 10) % 10;
  digits[15] = '\0';
  return g_strdup (digits);
}

static char *
make_mac (guint64     ecid,
          const char *label)
{
  g_autoptr(GBytes) bytes = derive (ecid, label, G_CHECKSUM_SHA256);
  const guint8 *d = g_bytes_get_data (bytes, NULL);

  /* A locally administered unicast address. */
  return g_strdup_printf ("%02x:%02x:%02x:%02x:%02x:%02x",
                          (d[0] & 0xfc) | 0x02, d[1], d[2], d[3], d[4], d[5]);
}

static void
make_udid (UbVphoneIdentity *self)
{
  guint cpid = ub_model_get_cpid (self->model);
  g_autoptr(GString) str = NULL;

  if (is_a12_or_later (cpid))
    {
      self->udid = g_strdup_printf ("%08X-%016" G_GINT64_MODIFIER "X", cpid, self->ecid);
    }
  else
    {
      g_autofree char *seed = g_strdup_printf ("%s%" G_GUINT64_FORMAT "%s%s%s", self->serial_number,
                                               self->ecid, self->wifi_address,
                                               self->bluetooth_address,
                                               ub_model_get_product_type (self->model));

      self->udid = g_compute_checksum_for_string (G_CHECKSUM_SHA1, seed, -1);
    }
  str = g_string_new (self->udid);
  g_string_replace (str, "-", "", 0);
  self->usb_serial = g_string_free (g_steal_pointer (&str), FALSE);
}

/* "26.x (current)" → "26.0"; "16.7.16" stays. */
static char *
parse_version (const char *max_os)
{
  g_autoptr(GString) str = g_string_new (NULL);

  for (const char *p = max_os; *p != '\0' && *p != ' '; p++)
    g_string_append_c (str, *p == 'x' ? '0' : *p);
  if (str->len == 0)
    g_string_append (str, "26.0");
  return g_string_free (g_steal_pointer (&str), FALSE);
}

/* Apple's pattern: major + 4 (iOS 26: 23), a letter per minor version, a number. */
static char *
make_build (const char *version)
{
  guint major = 0, minor = 0, patch = 0;

  for (guint i = 0; i < G_N_ELEMENTS (known_builds); i++)
    {
      if (g_str_equal (version, known_builds[i].version))
        return g_strdup (known_builds[i].build);
    }
  sscanf (version, "%u.%u.%u", &major, &minor, &patch);
  return g_strdup_printf ("%u%c%u", major >= 26 ? major - 3 : major + 4,
                          'A' + MIN (minor, 25u), 10 + patch * 20);
}

static char *
make_srtg (guint cpid)
{
  for (guint i = 0; i < G_N_ELEMENTS (rom_tags); i++)
    {
      if (rom_tags[i].cpid == cpid)
        return g_strdup (rom_tags[i].tag);
    }
  return g_strdup_printf ("iBoot-%u.0.0.1.1", 1000 + (cpid & 0xfff));
}

static const char *
kind_name (UbDeviceKind kind)
{
  switch (kind)
    {
    case UB_DEVICE_KIND_IPAD:
      return "iPad";
    case UB_DEVICE_KIND_IPOD:
      return "iPod";
    case UB_DEVICE_KIND_IPHONE:
    default:
      return "iPhone";
    }
}

/**
 * ub_vphone_identity_new:
 * @model: the model to simulate
 * @ecid: its chip ID
 *
 * Returns: (transfer full): the phone's identity
 */
UbVphoneIdentity *
ub_vphone_identity_new (UbModel *model,
                        guint64  ecid)
{
  UbVphoneIdentity *self;
  UbDeviceKind kind;

  g_return_val_if_fail (UB_IS_MODEL (model), NULL);

  self = g_object_new (UB_TYPE_VPHONE_IDENTITY, NULL);
  self->model = g_object_ref (model);
  self->ecid = ecid;
  kind = ub_model_get_kind (model);
  self->serial_number = make_serial_number (ecid);
  if (kind == UB_DEVICE_KIND_IPHONE)
    self->imei = make_imei (ecid);
  self->wifi_address = make_mac (ecid, "wifi");
  self->bluetooth_address = make_mac (ecid, "bluetooth");
  make_udid (self);
  self->product_version = parse_version (ub_model_get_max_os (model));
  self->build_version = make_build (self->product_version);
  self->device_name = g_strdup_printf ("Virtual %s", kind == UB_DEVICE_KIND_IPOD ? "iPod touch"
                                                                                 : kind_name (kind));
  self->hardware_model = g_ascii_strup (ub_model_get_board (model), -1);
  self->srtg = make_srtg (ub_model_get_cpid (model));
  self->ap_nonce = derive (ecid, "apnonce", G_CHECKSUM_SHA256);
  self->sep_nonce = derive (ecid, "sepnonce", G_CHECKSUM_SHA1);
  g_debug ("Phone %s, ECID 0x%016" G_GINT64_MODIFIER "x, UDID %s",
           ub_model_get_product_type (model), ecid, self->udid);
  return self;
}

UbModel *
ub_vphone_identity_get_model (UbVphoneIdentity *self)
{
  g_return_val_if_fail (UB_IS_VPHONE_IDENTITY (self), NULL);
  return self->model;
}

guint64
ub_vphone_identity_get_ecid (UbVphoneIdentity *self)
{
  g_return_val_if_fail (UB_IS_VPHONE_IDENTITY (self), 0);
  return self->ecid;
}

guint
ub_vphone_identity_get_cpid (UbVphoneIdentity *self)
{
  g_return_val_if_fail (UB_IS_VPHONE_IDENTITY (self), 0);
  return ub_model_get_cpid (self->model);
}

guint
ub_vphone_identity_get_bdid (UbVphoneIdentity *self)
{
  g_return_val_if_fail (UB_IS_VPHONE_IDENTITY (self), 0);
  return ub_model_get_bdid (self->model);
}

const char *
ub_vphone_identity_get_udid (UbVphoneIdentity *self)
{
  g_return_val_if_fail (UB_IS_VPHONE_IDENTITY (self), NULL);
  return self->udid;
}

/**
 * ub_vphone_identity_get_usb_serial:
 *
 * Returns: the normal-mode USB serial number: the UDID without its dash
 */
const char *
ub_vphone_identity_get_usb_serial (UbVphoneIdentity *self)
{
  g_return_val_if_fail (UB_IS_VPHONE_IDENTITY (self), NULL);
  return self->usb_serial;
}

const char *
ub_vphone_identity_get_serial_number (UbVphoneIdentity *self)
{
  g_return_val_if_fail (UB_IS_VPHONE_IDENTITY (self), NULL);
  return self->serial_number;
}

/**
 * ub_vphone_identity_get_imei:
 *
 * Returns: (nullable): the IMEI; iPads and iPods have none
 */
const char *
ub_vphone_identity_get_imei (UbVphoneIdentity *self)
{
  g_return_val_if_fail (UB_IS_VPHONE_IDENTITY (self), NULL);
  return self->imei;
}

const char *
ub_vphone_identity_get_product_version (UbVphoneIdentity *self)
{
  g_return_val_if_fail (UB_IS_VPHONE_IDENTITY (self), NULL);
  return self->product_version;
}

const char *
ub_vphone_identity_get_build_version (UbVphoneIdentity *self)
{
  g_return_val_if_fail (UB_IS_VPHONE_IDENTITY (self), NULL);
  return self->build_version;
}

const char *
ub_vphone_identity_get_device_name (UbVphoneIdentity *self)
{
  g_return_val_if_fail (UB_IS_VPHONE_IDENTITY (self), NULL);
  return self->device_name;
}

/**
 * ub_vphone_identity_get_device_class:
 *
 * Returns: lockdownd's DeviceClass: "iPhone", "iPad" or "iPod"
 */
const char *
ub_vphone_identity_get_device_class (UbVphoneIdentity *self)
{
  g_return_val_if_fail (UB_IS_VPHONE_IDENTITY (self), NULL);
  return kind_name (ub_model_get_kind (self->model));
}

const char *
ub_vphone_identity_get_hardware_model (UbVphoneIdentity *self)
{
  g_return_val_if_fail (UB_IS_VPHONE_IDENTITY (self), NULL);
  return self->hardware_model;
}

/**
 * ub_vphone_identity_get_cpu_architecture:
 *
 * Returns: armv6 (S5L8900), armv7, armv7s (A6), arm64 (A7–A11) or arm64e (A12+)
 */
const char *
ub_vphone_identity_get_cpu_architecture (UbVphoneIdentity *self)
{
  guint cpid;

  g_return_val_if_fail (UB_IS_VPHONE_IDENTITY (self), NULL);

  cpid = ub_model_get_cpid (self->model);
  if ((cpid & 0xff00) == 0x8900)
    {
      if (cpid >= 0x8960)
        return "arm64";
      if (cpid == 0x8950 || cpid == 0x8955)
        return "armv7s";
      return cpid == 0x8900 ? "armv6" : "armv7";
    }
  return is_a12_or_later (cpid) ? "arm64e" : "arm64";
}

const char *
ub_vphone_identity_get_wifi_address (UbVphoneIdentity *self)
{
  g_return_val_if_fail (UB_IS_VPHONE_IDENTITY (self), NULL);
  return self->wifi_address;
}

const char *
ub_vphone_identity_get_bluetooth_address (UbVphoneIdentity *self)
{
  g_return_val_if_fail (UB_IS_VPHONE_IDENTITY (self), NULL);
  return self->bluetooth_address;
}

/**
 * ub_vphone_identity_get_srtg:
 *
 * Returns: the SecureROM tag, e.g. "iBoot-3332.0.0.1.23"
 */
const char *
ub_vphone_identity_get_srtg (UbVphoneIdentity *self)
{
  g_return_val_if_fail (UB_IS_VPHONE_IDENTITY (self), NULL);
  return self->srtg;
}

/* Returns: (transfer none): the 32-byte ApNonce the phone shows now */
GBytes *
ub_vphone_identity_get_ap_nonce (UbVphoneIdentity *self)
{
  g_return_val_if_fail (UB_IS_VPHONE_IDENTITY (self), NULL);
  return self->ap_nonce;
}

/* The changed-nonce fault: a new ApNonce for the next stage (generation N
 * derives the same nonce on every run). */
void
ub_vphone_identity_renew_ap_nonce (UbVphoneIdentity *self)
{
  g_autofree char *label = g_strdup_printf ("apnonce-%u", ++self->nonce_generation);

  g_bytes_unref (self->ap_nonce);
  self->ap_nonce = derive (self->ecid, label, G_CHECKSUM_SHA256);
  g_debug ("New ApNonce, generation %u", self->nonce_generation);
}

/**
 * ub_vphone_identity_get_sep_nonce:
 *
 * Returns: (transfer none): the 20-byte SEP nonce
 */
GBytes *
ub_vphone_identity_get_sep_nonce (UbVphoneIdentity *self)
{
  g_return_val_if_fail (UB_IS_VPHONE_IDENTITY (self), NULL);
  return self->sep_nonce;
}

/**
 * ub_vphone_identity_get_product_id:
 * @mode: how the phone is on USB
 *
 * Returns: the USB product ID in @mode, 0 for %UB_VPHONE_USB_NONE
 */
guint
ub_vphone_identity_get_product_id (UbVphoneIdentity *self,
                                   UbVphoneUsbMode   mode)
{
  g_return_val_if_fail (UB_IS_VPHONE_IDENTITY (self), 0);

  switch (mode)
    {
    case UB_VPHONE_USB_DFU:
      return ub_model_has_wtf_mode (self->model) ? 0x1222 : 0x1227;
    case UB_VPHONE_USB_RECOVERY:
      return 0x1281;
    case UB_VPHONE_USB_NORMAL:
    case UB_VPHONE_USB_RESTORE:
      switch (ub_model_get_kind (self->model))
        {
        case UB_DEVICE_KIND_IPAD:
          return 0x12ab;
        case UB_DEVICE_KIND_IPOD:
          return 0x12aa;
        case UB_DEVICE_KIND_IPHONE:
        default:
          return 0x12a8;
        }
    case UB_VPHONE_USB_NONE:
    default:
      return 0;
    }
}

static void
append_hex (GString *str,
            GBytes  *bytes)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  for (gsize i = 0; i < len; i++)
    g_string_append_printf (str, "%02X", data[i]);
}

/**
 * ub_vphone_identity_dup_iboot_serial:
 * @recovery: %TRUE for iBoot (recovery mode), %FALSE for the SecureROM (DFU)
 *
 * Returns: (transfer full): the iSerialNumber string
 */
char *
ub_vphone_identity_dup_iboot_serial (UbVphoneIdentity *self,
                                     gboolean          recovery)
{
  g_autoptr(GString) str = g_string_new (NULL);
  guint cpid;

  g_return_val_if_fail (UB_IS_VPHONE_IDENTITY (self), NULL);

  cpid = ub_model_get_cpid (self->model);
  if (is_a12_or_later (cpid))
    g_string_append (str, "SDOM:01 ");
  g_string_append_printf (str, "CPID:%04X CPRV:%02X CPFM:03 SCEP:01 BDID:%02X ECID:%016"
                          G_GINT64_MODIFIER "X IBFL:%02X",
                          cpid, cpid == 0x8000 ? 0x20 : cpid == 0x8003 ? 0x01 : 0x11,
                          ub_model_get_bdid (self->model), self->ecid,
                          cpid >= 0x8010 && cpid < 0x8900 ? 0x3C : 0x1C);
  if (!recovery)
    g_string_append_printf (str, " SRTG:[%s]", self->srtg);
  else
    g_string_append_printf (str, " SRNM:[%s]", self->serial_number);
  if (recovery && self->imei != NULL)
    g_string_append_printf (str, " IMEI:[%s]", self->imei);
  return g_string_free (g_steal_pointer (&str), FALSE);
}

/**
 * ub_vphone_identity_dup_nonce_string:
 *
 * Returns: (transfer full): " NONC:<64 hex> SNON:<40 hex>", USB string 1
 */
char *
ub_vphone_identity_dup_nonce_string (UbVphoneIdentity *self)
{
  g_autoptr(GString) str = g_string_new (" NONC:");

  g_return_val_if_fail (UB_IS_VPHONE_IDENTITY (self), NULL);

  append_hex (str, self->ap_nonce);
  g_string_append (str, " SNON:");
  append_hex (str, self->sep_nonce);
  return g_string_free (g_steal_pointer (&str), FALSE);
}
