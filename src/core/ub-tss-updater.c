/* ub-tss-updater.c — signing requests for the phone's co-processors
 *
 * Every request starts like the AP one (@HostPlatformInfo, @VersionInfo,
 * a random @UUID). What follows depends on the updater:
 *
 *  - SE: @BBTicket, SE,ChipID/ID/Nonce/RootKeyIdentifier from the phone,
 *    every SE,* Manifest entry without Info and without the Development-
 *    or Production- CMAC/UpdatePayloadHash the phone does not use
 *    (SE,IsDev), the phone's DeviceGeneratedRequest over it, and
 *    @SE,Ticket unless it asked for @SE2,Ticket;
 *  - Savage: @BBTicket, @Savage,Ticket, the Savage,* values, SEP's digest
 *    and one patch, Savage,{B0,B2,BA}-{Prod,Dev}-Patch, chosen by the first
 *    byte of Savage,Revision and Savage,ProductionMode;
 *  - Yonkers (a "Savage" request whose MessageArgInfo has
 *    YonkersDeviceInfo): @Yonkers,Ticket, the Yonkers,* values, SEP's
 *    digest and the first Yonkers,* entry whose EPRO and FabRevision match
 *    the chip;
 *  - Rose, T200 (Veridian), Cryptex1: ub-tss-updater-rules.c;
 *  - Vinyl (eUICC), Ace3, Centauri, Jasmine, PS190 and unknown names: the
 *    phone's DeviceGeneratedRequest as it is; the ticket expected back is
 *    the first of its ResponseTags.
 *
 * Arguments come from the phone and are not trusted: each value is
 * type-checked and bounded, dictionaries have at most
 * UB_TSS_UPDATER_MAX_KEYS keys.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-tss-updater"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ub-error.h"
#include "ub-plist.h"
#include "ub-tss-request.h"
#include "ub-tss-updater-private.h"

gboolean
_ub_updater_node_is (plist_t node, plist_type type)
{
  return node != NULL && plist_get_node_type (node) == type;
}

/* An integer, or a string "0x1A" / "26" as manifests write some IDs */
gboolean
_ub_updater_get_uint (plist_t node, guint64 *out)
{
  g_autofree char *text = NULL;

  if (_ub_updater_node_is (node, PLIST_UINT))
    {
      plist_get_uint_val (node, out);
      return TRUE;
    }
  text = ub_plist_dup_string (node);
  if (text == NULL || strlen (text) > 20)
    return FALSE;
  if (g_ascii_strncasecmp (text, "0x", 2) == 0)
    return g_ascii_string_to_unsigned (text + 2, 16, 0, G_MAXUINT64, out, NULL);
  return g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, out, NULL);
}

static plist_t
typed_copy (plist_t node, plist_type type)
{
  guint64 value = 0;
  uint64_t len = 0;

  if (node == NULL)
    return NULL;
  if (type == PLIST_UINT)
    return _ub_updater_get_uint (node, &value) ? plist_new_uint (value) : NULL;
  if (!_ub_updater_node_is (node, type))
    return NULL;
  if (type == PLIST_DATA && (plist_get_data_ptr (node, &len), len > UB_TSS_UPDATER_MAX_VALUE))
    return NULL;
  return plist_copy (node);
}

gboolean
_ub_updater_copy_alt (plist_t request, const char *key, const char *alt, plist_type type, plist_t from)
{
  plist_t copy = NULL;

  if (from != NULL && alt != NULL)
    copy = typed_copy (plist_dict_get_item (from, alt), type);
  if (copy == NULL && from != NULL)
    copy = typed_copy (plist_dict_get_item (from, key), type);
  if (copy == NULL)
    return FALSE;
  plist_dict_set_item (request, key, copy);
  return TRUE;
}

gboolean
_ub_updater_copy (plist_t request, const char *key, plist_type type, plist_t first, plist_t second)
{
  return _ub_updater_copy_alt (request, key, NULL, type, first) ||
         _ub_updater_copy_alt (request, key, NULL, type, second);
}

gboolean
_ub_updater_missing (const UbTssUpdaterPlan *plan, const char *what, GError **error)
{
  g_autofree char *part = ub_tss_updater_dup_part_name (plan->kind == UB_TSS_UPDATER_YONKERS ? "Yonkers" : plan->name,
                                                        NULL);

  g_debug ("Updater %s: no usable %s", plan->name, what);
  g_set_error (error, UB_ERROR, UB_ERROR_PROTOCOL,
               /* TRANSLATORS: %s is a part of the phone, e.g. "the Face ID camera firmware" */
               _("The iPhone asked for %s with missing or malformed details. Restart the phone in "
                 "recovery mode and try again."), part);
  return FALSE;
}

/* Every key of @dict over @request (the phone's own request wins) */
void
_ub_updater_merge (plist_t request, plist_t dict)
{
  plist_dict_iter iter = NULL;

  if (!_ub_updater_node_is (dict, PLIST_DICT))
    return;
  plist_dict_new_iter (dict, &iter);
  for (;;)
    {
      char *key = NULL;
      plist_t value = NULL;

      plist_dict_next_item (dict, iter, &key, &value);
      if (key == NULL)
        break;
      if (g_utf8_validate (key, -1, NULL))
        plist_dict_set_item (request, key, plist_copy (value));
      free (key);
    }
  free (iter);
}

/* A Manifest entry as a request carries it: without Info */
plist_t
_ub_updater_entry_copy (plist_t entry)
{
  plist_t copy;

  if (!_ub_updater_node_is (entry, PLIST_DICT))
    return NULL;
  copy = plist_copy (entry);
  plist_dict_remove_item (copy, "Info");
  return copy;
}

const char *
_ub_updater_response_tag (plist_t arguments, guint index)
{
  plist_t tags = plist_access_path (arguments, 2, "DeviceGeneratedTags", "ResponseTags");
  plist_t tag;

  if (!_ub_updater_node_is (tags, PLIST_ARRAY) || index >= plist_array_get_size (tags))
    return NULL;
  tag = plist_array_get_item (tags, index);
  if (!_ub_updater_node_is (tag, PLIST_STRING))
    return NULL;
  return plist_get_string_ptr (tag, NULL);
}

static gboolean
wants_firmware (plist_t arguments)
{
  plist_t tags = plist_access_path (arguments, 2, "DeviceGeneratedTags", "ResponseTags");
  guint n = _ub_updater_node_is (tags, PLIST_ARRAY) ? plist_array_get_size (tags) : 0;

  for (guint i = 0; i < n && i < UB_TSS_UPDATER_MAX_KEYS; i++)
    if (g_strcmp0 (_ub_updater_response_tag (arguments, i), "FirmwareData") == 0)
      return TRUE;
  return FALSE;
}

/* SE,* Manifest entries, without the CMAC/hash pair the chip does not use */
static void
add_se_entries (plist_t manifest, plist_t request, gboolean dev)
{
  plist_dict_iter iter = NULL;

  plist_dict_new_iter (manifest, &iter);
  for (;;)
    {
      char *name = NULL;
      plist_t entry = NULL, copy;

      plist_dict_next_item (manifest, iter, &name, &entry);
      if (name == NULL)
        break;
      if (g_str_has_prefix (name, "SE,") && (copy = _ub_updater_entry_copy (entry)) != NULL)
        {
          plist_dict_remove_item (copy, dev ? "ProductionCMAC" : "DevelopmentCMAC");
          plist_dict_remove_item (copy, dev ? "ProductionUpdatePayloadHash" : "DevelopmentUpdatePayloadHash");
          plist_dict_set_item (request, name, copy);
        }
      free (name);
    }
  free (iter);
}

/* Which file the SE gets: by chip, else whatever the manifest has */
static const char *
se_component (guint64 chip_id, plist_t manifest)
{
  static const guint64 payload_chips[] = { 0x73, 0x64, 0xC8, 0xD2, 0x2C, 0x36, 0x37 };

  if (chip_id == 0x20211)
    return "SE,Firmware";
  for (guint i = 0; i < G_N_ELEMENTS (payload_chips); i++)
    if (chip_id == payload_chips[i])
      return "SE,UpdatePayload";
  g_debug ("Unknown SE,ChipID 0x%" G_GINT64_MODIFIER "x", chip_id);
  if (plist_dict_get_item (manifest, "SE,UpdatePayload") != NULL)
    return "SE,UpdatePayload";
  return plist_dict_get_item (manifest, "SE,Firmware") != NULL ? "SE,Firmware" : NULL;
}

static gboolean
build_se (const UbUpdaterInput *in, plist_t request, UbTssUpdaterPlan *plan, GError **error)
{
  static const char * const data_keys[] = { "SE,ID", "SE,Nonce", "SE,RootKeyIdentifier" };
  plist_t is_dev = plist_dict_get_item (in->info, "SE,IsDev");
  uint8_t dev = 0;
  guint64 chip_id = 0;

  plist_dict_set_item (request, "@BBTicket", plist_new_bool (1));
  if (!_ub_updater_copy (request, "SE,ChipID", PLIST_UINT, in->info, in->identity))
    return _ub_updater_missing (plan, "SE,ChipID", error);
  for (guint i = 0; i < G_N_ELEMENTS (data_keys); i++)
    if (!_ub_updater_copy (request, data_keys[i], PLIST_DATA, in->info, NULL))
      return _ub_updater_missing (plan, data_keys[i], error);
  if (_ub_updater_node_is (is_dev, PLIST_BOOLEAN))
    plist_get_bool_val (is_dev, &dev);
  add_se_entries (in->manifest, request, dev != 0);
  _ub_updater_merge (request, in->dgr);
  if (plist_dict_get_item (request, "@SE2,Ticket") == NULL && plist_dict_get_item (request, "@SE,Ticket") == NULL)
    plist_dict_set_item (request, "@SE,Ticket", plist_new_bool (1));
  plan->ticket_key = g_strdup (plist_dict_get_item (request, "@SE2,Ticket") ? "SE2,Ticket" : "SE,Ticket");
  _ub_updater_get_uint (plist_dict_get_item (request, "SE,ChipID"), &chip_id);
  plan->component = g_strdup (se_component (chip_id, in->manifest));
  return TRUE;
}

static gboolean
add_sep_digest (const UbUpdaterInput *in, plist_t request, UbTssUpdaterPlan *plan, GError **error)
{
  plist_t digest = plist_access_path (in->manifest, 2, "SEP", "Digest");
  plist_t dict;

  if (!_ub_updater_node_is (digest, PLIST_DATA))
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                           _("The firmware’s manifest is damaged: the digest of SEP is missing."));
      return FALSE;
    }
  dict = plist_new_dict ();
  plist_dict_set_item (dict, "Digest", plist_copy (digest));
  plist_dict_set_item (request, "SEP", dict);
  return TRUE;
}

/* Savage,B0/B2/BA-Prod/Dev-Patch by the first byte of Savage,Revision */
static char *
savage_patch (plist_t info, gboolean production)
{
  plist_t revision = plist_dict_get_item (info, "Savage,Revision");
  const char *stepping = "B0";
  uint64_t len = 0;
  const guint8 *bytes = NULL;

  if (_ub_updater_node_is (revision, PLIST_DATA))
    bytes = (const guint8 *) plist_get_data_ptr (revision, &len);
  if (len > 0 && ((bytes[0] | 0x10) & 0xF0) == 0x30)
    stepping = "B2";
  else if (len > 0 && (bytes[0] & 0xF0) == 0xA0)
    stepping = "BA";
  return g_strdup_printf ("Savage,%s-%s-Patch", stepping, production ? "Prod" : "Dev");
}

static gboolean
build_savage (const UbUpdaterInput *in, plist_t request, UbTssUpdaterPlan *plan, GError **error)
{
  static const struct { const char *key; plist_type type; gboolean identity; } keys[] = {
    { "Savage,UID", PLIST_DATA, FALSE }, { "Savage,PatchEpoch", PLIST_UINT, TRUE },
    { "Savage,ChipID", PLIST_UINT, TRUE }, { "Savage,AllowOfflineBoot", PLIST_BOOLEAN, FALSE },
    { "Savage,ReadFWKey", PLIST_BOOLEAN, FALSE }, { "Savage,ProductionMode", PLIST_BOOLEAN, FALSE },
    { "Savage,Nonce", PLIST_DATA, FALSE }, { "Savage,ReadECKey", PLIST_BOOLEAN, FALSE },
  };
  uint8_t production = 0;
  plist_t patch;

  plist_dict_set_item (request, "@BBTicket", plist_new_bool (1));
  plist_dict_set_item (request, "@Savage,Ticket", plist_new_bool (1));
  if (!add_sep_digest (in, request, plan, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    if (!_ub_updater_copy (request, keys[i].key, keys[i].type, in->info, keys[i].identity ? in->identity : NULL))
      return _ub_updater_missing (plan, keys[i].key, error);
  plist_get_bool_val (plist_dict_get_item (request, "Savage,ProductionMode"), &production);
  plan->component = savage_patch (in->info, production != 0);
  patch = _ub_updater_entry_copy (plist_dict_get_item (in->manifest, plan->component));
  if (patch == NULL)
    return _ub_updater_missing (plan, plan->component, error);
  plist_dict_set_item (request, plan->component, patch);
  _ub_updater_merge (request, in->dgr);
  plan->ticket_key = g_strdup ("Savage,Ticket");
  return TRUE;
}

/* The first Yonkers,* entry (in manifest order) for the chip's fab
 * revision and production mode */
static char *
yonkers_patch (plist_t manifest, gboolean production, guint64 fab)
{
  plist_dict_iter iter = NULL;
  char *found = NULL;

  plist_dict_new_iter (manifest, &iter);
  while (found == NULL)
    {
      char *name = NULL;
      plist_t entry = NULL, epro, rev;
      uint8_t flag = 0;
      guint64 value = 0;
      gboolean match;

      plist_dict_next_item (manifest, iter, &name, &entry);
      if (name == NULL)
        break;
      epro = _ub_updater_node_is (entry, PLIST_DICT) ? plist_dict_get_item (entry, "EPRO") : NULL;
      rev = _ub_updater_node_is (entry, PLIST_DICT) ? plist_dict_get_item (entry, "FabRevision") : NULL;
      match = g_str_has_prefix (name, "Yonkers,") && _ub_updater_node_is (entry, PLIST_DICT);
      if (match && _ub_updater_node_is (epro, PLIST_BOOLEAN))
        match = (plist_get_bool_val (epro, &flag), (flag != 0) == production);
      if (match && _ub_updater_node_is (rev, PLIST_UINT))
        match = (plist_get_uint_val (rev, &value), value == fab);
      if (match)
        found = g_strdup (name);
      free (name);
    }
  free (iter);
  return found;
}

static gboolean
build_yonkers (const UbUpdaterInput *in, plist_t request, UbTssUpdaterPlan *plan, GError **error)
{
  static const struct { const char *key; plist_type type; } keys[] = {
    { "Yonkers,AllowOfflineBoot", PLIST_BOOLEAN }, { "Yonkers,BoardID", PLIST_UINT },
    { "Yonkers,ChipID", PLIST_UINT }, { "Yonkers,ECID", PLIST_UINT }, { "Yonkers,Nonce", PLIST_DATA },
    { "Yonkers,PatchEpoch", PLIST_UINT }, { "Yonkers,ProductionMode", PLIST_BOOLEAN },
    { "Yonkers,ReadECKey", PLIST_BOOLEAN }, { "Yonkers,ReadFWKey", PLIST_BOOLEAN },
  };
  uint8_t production = 0;
  guint64 fab = 0;

  plist_dict_set_item (request, "@BBTicket", plist_new_bool (1));
  plist_dict_set_item (request, "@Yonkers,Ticket", plist_new_bool (1));
  if (!add_sep_digest (in, request, plan, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    if (!_ub_updater_copy (request, keys[i].key, keys[i].type, in->info, in->identity))
      return _ub_updater_missing (plan, keys[i].key, error);
  plist_get_bool_val (plist_dict_get_item (request, "Yonkers,ProductionMode"), &production);
  if (!_ub_updater_get_uint (plist_dict_get_item (in->info, "Yonkers,FabRevision"), &fab))
    return _ub_updater_missing (plan, "Yonkers,FabRevision", error);
  plan->component = yonkers_patch (in->manifest, production != 0, fab);
  if (plan->component == NULL)
    {
      g_set_error (error, UB_ERROR, UB_ERROR_WRONG_FIRMWARE,
                   _("This firmware has no Face ID firmware for this phone’s sensor. "
                     "Choose the firmware made for this phone."));
      return FALSE;
    }
  plist_dict_set_item (request, plan->component,
                       _ub_updater_entry_copy (plist_dict_get_item (in->manifest, plan->component)));
  _ub_updater_merge (request, in->dgr);
  plan->ticket_key = g_strdup ("Yonkers,Ticket");
  return TRUE;
}

static gboolean
build_generic (const UbUpdaterInput *in, plist_t request, UbTssUpdaterPlan *plan, GError **error)
{
  const char *ticket = _ub_updater_response_tag (in->arguments, 0);

  if (ticket == NULL || *ticket == '\0' || strlen (ticket) > 64 || !g_utf8_validate (ticket, -1, NULL))
    return _ub_updater_missing (plan, "ResponseTags", error);
  if (in->dgr == NULL)
    return _ub_updater_missing (plan, "DeviceGeneratedRequest", error);
  _ub_updater_merge (request, in->dgr);
  plan->ticket_key = g_strdup (ticket);
  return TRUE;
}

/**
 * ub_tss_updater_kind:
 * @name: MessageArgUpdaterName
 * @arguments: the request's Arguments
 *
 * Returns: how this updater's TSS request is built
 */
UbTssUpdaterKind
ub_tss_updater_kind (const char *name,
                     plist_t     arguments)
{
  plist_t info = plist_dict_get_item (arguments, "MessageArgInfo");

  if (g_strcmp0 (name, "SE") == 0)
    return UB_TSS_UPDATER_SE;
  if (g_strcmp0 (name, "Savage") == 0)
    {
      if (_ub_updater_node_is (plist_dict_get_item (info, "YonkersDeviceInfo"), PLIST_DICT))
        return UB_TSS_UPDATER_YONKERS;
      if (_ub_updater_node_is (plist_dict_get_item (info, "JasmineIR1DeviceInfo"), PLIST_DICT))
        return UB_TSS_UPDATER_GENERIC;
      return UB_TSS_UPDATER_SAVAGE;
    }
  if (g_strcmp0 (name, "Rose") == 0)
    return UB_TSS_UPDATER_ROSE;
  if (g_strcmp0 (name, "T200") == 0)
    return UB_TSS_UPDATER_VERIDIAN;
  if (g_strcmp0 (name, "Cryptex1") == 0 || g_strcmp0 (name, "Cryptex1LocalPolicy") == 0)
    return UB_TSS_UPDATER_CRYPTEX1;
  return UB_TSS_UPDATER_GENERIC;
}

static gboolean
dict_is_small (plist_t node)
{
  return node == NULL || (_ub_updater_node_is (node, PLIST_DICT) &&
                          plist_dict_get_size (node) <= UB_TSS_UPDATER_MAX_KEYS);
}

static gboolean
read_input (UbBuildIdentity *identity, plist_t arguments, UbUpdaterInput *in,
            UbTssUpdaterPlan *plan, GError **error)
{
  plist_t type = plist_dict_get_item (arguments, "MessageArgType");
  plist_t name = plist_dict_get_item (arguments, "MessageArgUpdaterName");
  g_autofree char *name_text = ub_plist_dup_string (name);

  plan->name = g_strdup (name_text != NULL && strlen (name_text) <= 64 ? name_text : "?");
  in->identity = ub_build_identity_get_plist (identity);
  in->manifest = plist_dict_get_item (in->identity, "Manifest");
  in->info = plist_dict_get_item (arguments, "MessageArgInfo");
  in->dgr = plist_dict_get_item (arguments, "DeviceGeneratedRequest");
  in->arguments = arguments;
  if (!_ub_updater_node_is (in->manifest, PLIST_DICT))
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                           _("The firmware’s manifest is damaged: it lists no components."));
      return FALSE;
    }
  if (!_ub_updater_node_is (type, PLIST_STRING) ||
      g_strcmp0 (plist_get_string_ptr (type, NULL), "FirmwareResponseData") != 0 ||
      g_str_equal (plan->name, "?") || !_ub_updater_node_is (in->info, PLIST_DICT) ||
      !dict_is_small (in->info) || !dict_is_small (in->dgr))
    return _ub_updater_missing (plan, "Arguments", error);
  if (plan->kind == UB_TSS_UPDATER_YONKERS)
    in->info = plist_dict_get_item (in->info, "YonkersDeviceInfo");
  return dict_is_small (in->info) || _ub_updater_missing (plan, "YonkersDeviceInfo", error);
}

/**
 * ub_tss_updater_request_new:
 * @identity: the build identity being restored
 * @arguments: the FirmwareUpdaterData request's Arguments
 * @plan: (out caller-allocates): filled in: the ticket to expect, the
 *   firmware to add; clear it with ub_tss_updater_plan_clear()
 *
 * Returns: (transfer full): the TSS request, or %NULL with @error set
 */
plist_t
ub_tss_updater_request_new (UbBuildIdentity   *identity,
                            plist_t            arguments,
                            UbTssUpdaterPlan  *plan,
                            GError           **error)
{
  static const UbUpdaterBuilder builders[] = {
    [UB_TSS_UPDATER_SE] = build_se, [UB_TSS_UPDATER_SAVAGE] = build_savage,
    [UB_TSS_UPDATER_YONKERS] = build_yonkers, [UB_TSS_UPDATER_ROSE] = _ub_updater_build_rose,
    [UB_TSS_UPDATER_VERIDIAN] = _ub_updater_build_veridian,
    [UB_TSS_UPDATER_CRYPTEX1] = _ub_updater_build_cryptex1, [UB_TSS_UPDATER_GENERIC] = build_generic,
  };
  g_autofree char *random = g_uuid_string_random ();
  g_autofree char *uuid = g_ascii_strup (random, -1);
  g_autofree char *name = NULL;
  UbUpdaterInput in = { NULL };
  plist_t request;

  g_return_val_if_fail (UB_IS_BUILD_IDENTITY (identity), NULL);
  memset (plan, 0, sizeof *plan);
  if (!_ub_updater_node_is (arguments, PLIST_DICT))
    arguments = NULL;
  if (arguments != NULL)
    name = ub_plist_dup_string (plist_dict_get_item (arguments, "MessageArgUpdaterName"));
  plan->kind = ub_tss_updater_kind (name, arguments);
  if (!read_input (identity, arguments, &in, plan, error))
    return NULL;
  plan->wants_firmware = wants_firmware (arguments);
  request = plist_new_dict ();
  plist_dict_set_item (request, "@HostPlatformInfo", plist_new_string ("mac"));
  plist_dict_set_item (request, "@VersionInfo", plist_new_string (UB_TSS_VERSION_INFO));
  plist_dict_set_item (request, "@UUID", plist_new_string (uuid));
  if (!builders[plan->kind] (&in, request, plan, error))
    {
      plist_free (request);
      return NULL;
    }
  g_debug ("%s request: %u keys, expecting %s, firmware %s", plan->name, plist_dict_get_size (request),
           plan->ticket_key, plan->wants_firmware && plan->component ? plan->component : "none");
  return request;
}
