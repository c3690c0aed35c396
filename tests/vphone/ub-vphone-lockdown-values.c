/* ub-vphone-lockdown-values.c — what lockdownd's GetValue knows about the phone
 *
 * Without a session lockdownd tells only what any host may know: the model,
 * versions, identifiers, nonces, and the device's public key (which pairing
 * needs). The rest of the global domain and every named domain (battery,
 * disk usage, backup) need a session, as on a real phone
 * (restore-protocol.md §4). Values that a real phone derives from its
 * hardware are derived from the ECID here (UbVphoneIdentity).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-vphone-lockdown-values"

#include "config.h"

#include <string.h>

#include "ub-vphone-lockdown-values.h"

/* A 1024-bit RSA public key made for the virtual phone; lockdownd gives it
 * as DevicePublicKey and libimobiledevice builds the pair record with it. */
static const char device_public_key[] =
  "-----BEGIN RSA PUBLIC KEY-----\n"
  "MIGJAoGBAOc9tlIWEsJrboTEfLb7uSKXFomx47N1Ax/UATL4UW1LJC/Ozo9b4BkP\n"
  "yR245XzS6bdGRwDFAC53aWC/sJ8Tdee+44Q6uQPUYHzh8yDIJ/45gSsK9Vu1kmAX\n"
  "2l7uyGo3YiGIPAh62nu98SD6i41unQEqkiQvxZI88wT3olKj+cU7AgMBAAE=\n"
  "-----END RSA PUBLIC KEY-----\n";

static void
set_string (plist_t     dict,
            const char *key,
            const char *value)
{
  plist_dict_set_item (dict, key, plist_new_string (value));
}

static void
set_bytes (plist_t     dict,
           const char *key,
           GBytes     *bytes)
{
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  plist_dict_set_item (dict, key, plist_new_data (data, len));
}

static void
add_public (plist_t           dict,
            UbVphoneIdentity *identity)
{
  UbModel *model = ub_vphone_identity_get_model (identity);
  gboolean phone = ub_model_get_kind (model) == UB_DEVICE_KIND_IPHONE;

  set_bytes (dict, "ApNonce", ub_vphone_identity_get_ap_nonce (identity));
  plist_dict_set_item (dict, "BoardId", plist_new_uint (ub_vphone_identity_get_bdid (identity)));
  set_string (dict, "BuildVersion", ub_vphone_identity_get_build_version (identity));
  set_string (dict, "CPUArchitecture", ub_vphone_identity_get_cpu_architecture (identity));
  plist_dict_set_item (dict, "ChipID", plist_new_uint (ub_vphone_identity_get_cpid (identity)));
  set_string (dict, "DeviceClass", ub_vphone_identity_get_device_class (identity));
  set_string (dict, "DeviceColor", "1");
  set_string (dict, "DeviceName", ub_vphone_identity_get_device_name (identity));
  plist_dict_set_item (dict, "DevicePublicKey",
                       plist_new_data (device_public_key, strlen (device_public_key)));
  set_string (dict, "HardwareModel", ub_vphone_identity_get_hardware_model (identity));
  plist_dict_set_item (dict, "HasSiDP", plist_new_bool (ub_vphone_identity_get_cpid (identity) >= 0x8010 &&
                                                        ub_vphone_identity_get_cpid (identity) < 0x8900));
  set_string (dict, "ProductName", "iPhone OS");
  set_string (dict, "ProductType", ub_model_get_product_type (model));
  set_string (dict, "ProductVersion", ub_vphone_identity_get_product_version (identity));
  set_string (dict, "ProtocolVersion", "2");
  set_bytes (dict, "SEPNonce", ub_vphone_identity_get_sep_nonce (identity));
  plist_dict_set_item (dict, "TelephonyCapability", plist_new_bool (phone));
  plist_dict_set_item (dict, "UniqueChipID", plist_new_uint (ub_vphone_identity_get_ecid (identity)));
  set_string (dict, "UniqueDeviceID", ub_vphone_identity_get_udid (identity));
  set_string (dict, "WiFiAddress", ub_vphone_identity_get_wifi_address (identity));
}

static void
add_private (plist_t           dict,
             UbVphoneIdentity *identity,
             gboolean          locked)
{
  const char *serial = ub_vphone_identity_get_serial_number (identity);
  g_autofree char *model_number = g_strdup_printf ("M%.4s", serial + 1);

  set_string (dict, "ActivationState", "Activated");
  set_string (dict, "BluetoothAddress", ub_vphone_identity_get_bluetooth_address (identity));
  set_string (dict, "FirmwareVersion", ub_vphone_identity_get_srtg (identity));
  if (ub_vphone_identity_get_imei (identity) != NULL)
    {
      set_string (dict, "BasebandVersion", "5.00.00");
      set_string (dict, "InternationalMobileEquipmentIdentity", ub_vphone_identity_get_imei (identity));
    }
  set_string (dict, "ModelNumber", model_number);
  plist_dict_set_item (dict, "PasswordProtected", plist_new_bool (locked));
  set_string (dict, "RegionInfo", "LL/A");
  set_string (dict, "SerialNumber", serial);
  set_string (dict, "TimeZone", "UTC");
}

static plist_t
battery_domain (void)
{
  plist_t dict = plist_new_dict ();

  plist_dict_set_item (dict, "BatteryCurrentCapacity", plist_new_uint (87));
  plist_dict_set_item (dict, "BatteryIsCharging", plist_new_bool (TRUE));
  plist_dict_set_item (dict, "ExternalChargeCapable", plist_new_bool (TRUE));
  plist_dict_set_item (dict, "ExternalConnected", plist_new_bool (TRUE));
  plist_dict_set_item (dict, "FullyCharged", plist_new_bool (FALSE));
  plist_dict_set_item (dict, "GasGaugeCapability", plist_new_bool (TRUE));
  plist_dict_set_item (dict, "HasBattery", plist_new_bool (TRUE));
  return dict;
}

static plist_t
disk_usage_domain (void)
{
  plist_t dict = plist_new_dict ();
  guint64 gib = G_GUINT64_CONSTANT (1) << 30;

  plist_dict_set_item (dict, "TotalDiskCapacity", plist_new_uint (64 * gib));
  plist_dict_set_item (dict, "TotalSystemCapacity", plist_new_uint (8 * gib));
  plist_dict_set_item (dict, "TotalDataCapacity", plist_new_uint (56 * gib));
  plist_dict_set_item (dict, "TotalDataAvailable", plist_new_uint (21 * gib));
  plist_dict_set_item (dict, "AmountDataAvailable", plist_new_uint (21 * gib));
  return dict;
}

/**
 * ub_vphone_lockdown_values_new:
 * @domain: (nullable): a lockdownd domain, %NULL for the global one
 * @session: whether the host has a session; without one only the public
 *   values of the global domain are given
 * @locked: whether the phone is passcode-locked
 *
 * Returns: (transfer full) (nullable): a dictionary of the values, or %NULL
 *   for a domain the phone does not have
 */
plist_t
ub_vphone_lockdown_values_new (UbVphoneIdentity *identity,
                               const char       *domain,
                               gboolean          session,
                               gboolean          locked)
{
  plist_t dict;

  g_return_val_if_fail (UB_IS_VPHONE_IDENTITY (identity), NULL);

  if (domain != NULL && g_str_equal (domain, "com.apple.mobile.battery"))
    return battery_domain ();
  if (domain != NULL && g_str_equal (domain, "com.apple.disk_usage"))
    return disk_usage_domain ();
  if (domain != NULL && g_str_equal (domain, "com.apple.mobile.backup"))
    {
      dict = plist_new_dict ();
      plist_dict_set_item (dict, "WillEncrypt", plist_new_bool (FALSE));
      return dict;
    }
  if (domain != NULL)
    return NULL;
  dict = plist_new_dict ();
  add_public (dict, identity);
  if (session)
    add_private (dict, identity, locked);
  return dict;
}
