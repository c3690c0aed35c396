/* ub-tss-request.c — the AP signing request for Apple's TSS server
 *
 * A DFU restore asks Apple's TSS server for one "ApImg4Ticket": an IM4M that
 * names the phone (ECID, chip, board, nonce) and the digest of every
 * component the phone will boot. The request is an XML plist dictionary:
 *
 *  - "@" keys tell the server what to answer (@ApImg4Ticket) and who asks
 *    (@HostPlatformInfo, @VersionInfo, a random @UUID);
 *  - the phone: ApECID, ApNonce, SepNonce, ApProductionMode, ApSecurityMode;
 *  - the build identity: UniqueBuildID, ApChipID, ApBoardID,
 *    ApSecurityDomain, the Ap,* strings and a few optional keys;
 *  - one dictionary per component of the identity's Manifest, without its
 *    Info, with EPRO/ESEC (and sometimes DPRO/DSEC) set by the component's
 *    RestoreRequestRules.
 *
 * Baseband, SE, Savage, Yonkers and Cryptex1 tickets are asked for later,
 * in restore mode; none of their keys are sent here.
 *
 * The manifest comes from a firmware file and is not trusted: every value is
 * type-checked; a key this request cannot do without makes it fail with
 * UB_ERROR_INVALID_DATA, an optional one of the wrong type is left out.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-tss-request"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ub-error.h"
#include "ub-plist.h"
#include "ub-tss-request.h"

#define MAX_NONCE_SIZE 64

/* Components that never go into the AP request: the baseband and SE have
 * their own requests; BaseSystem, Diags and Ap,ExclaveOS are not restored
 * from an iPhone IPSW (libtatsu leaves them out too) */
static const char * const skipped_components[] = {
  "BasebandFirmware", "SE,UpdatePayload", "BaseSystem", "Diags", "Ap,ExclaveOS",
};

/* Strings copied from the identity when present (iOS 16 and later) */
static const char * const ap_string_keys[] = {
  "Ap,OSLongVersion", "Ap,OSReleaseType", "Ap,ProductMarketingVersion", "Ap,ProductType",
  "Ap,SDKPlatform", "Ap,Target", "Ap,TargetType", "Ap,Timestamp",
};

/* The values the rules' conditions are compared with */
typedef struct
{
  gboolean production;
  gboolean security;
} Modes;

static gboolean
node_is (plist_t     node,
         plist_type  type)
{
  return node != NULL && plist_get_node_type (node) == type;
}

static gboolean
dict_get_true (plist_t     dict,
               const char *key)
{
  plist_t node = node_is (dict, PLIST_DICT) ? plist_dict_get_item (dict, key) : NULL;
  uint8_t value = 0;

  if (!node_is (node, PLIST_BOOLEAN))
    return FALSE;
  plist_get_bool_val (node, &value);
  return value != 0;
}

/**
 * ub_tss_device_init_from_iboot:
 * @device: (out caller-allocates): filled in; clear it with ub_tss_device_clear()
 * @info: what the phone's USB strings say, nonces included
 *
 * Returns: %FALSE with %UB_ERROR_INVALID_DATA if @info lacks the ECID,
 *   the chip or board ID, or the ApNonce
 */
gboolean
ub_tss_device_init_from_iboot (UbTssDevice        *device,
                               const UbIbootInfo  *info,
                               GError            **error)
{
  const UbIbootField needed = UB_IBOOT_FIELD_ECID | UB_IBOOT_FIELD_CPID | UB_IBOOT_FIELD_BDID;

  g_return_val_if_fail (device != NULL && info != NULL, FALSE);

  memset (device, 0, sizeof *device);
  if ((info->have & needed) != needed || info->ap_nonce == NULL)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                           _("The phone did not tell its ECID, chip, board and nonce, "
                             "which Apple needs to sign the firmware."));
      return FALSE;
    }
  device->ecid = info->ecid;
  device->cpid = info->cpid;
  device->bdid = info->bdid;
  device->security_domain = (info->have & UB_IBOOT_FIELD_SDOM) ? info->sdom : 1;
  /* CPFM: bit 0 production fused, bit 1 secure */
  device->production_mode = (info->have & UB_IBOOT_FIELD_CPFM) ? (info->cpfm & 0x1) != 0 : TRUE;
  device->security_mode = (info->have & UB_IBOOT_FIELD_CPFM) ? (info->cpfm & 0x2) != 0 : TRUE;
  device->ap_nonce = g_bytes_ref (info->ap_nonce);
  device->sep_nonce = info->sep_nonce ? g_bytes_ref (info->sep_nonce) : NULL;
  return TRUE;
}

/**
 * ub_tss_device_clear:
 *
 * Drops the nonces of a #UbTssDevice filled by ub_tss_device_init_from_iboot().
 */
void
ub_tss_device_clear (UbTssDevice *device)
{
  g_clear_pointer (&device->ap_nonce, g_bytes_unref);
  g_clear_pointer (&device->sep_nonce, g_bytes_unref);
}

/* One condition of a rule: TRUE if the phone meets it. Conditions on a
 * demotion policy or on "in ROM DFU" are never met: we do not demote, and
 * the only rule that asks for ApInRomDFU also asks for a demotion. */
static gboolean
condition_holds (const char  *key,
                 plist_t      value,
                 const Modes *modes)
{
  uint8_t wanted = 0;
  gboolean have;

  if (!node_is (value, PLIST_BOOLEAN))
    return FALSE;
  plist_get_bool_val (value, &wanted);
  if (g_str_equal (key, "ApRawProductionMode") || g_str_equal (key, "ApCurrentProductionMode"))
    have = modes->production;
  else if (g_str_equal (key, "ApRawSecurityMode"))
    have = modes->security;
  else if (g_str_equal (key, "ApRequiresImage4"))
    have = TRUE;
  else
    return FALSE;     /* ApDemotionPolicyOverride, ApInRomDFU, anything unknown */
  return (wanted != 0) == have;
}

static gboolean
conditions_hold (plist_t      conditions,
                 const Modes *modes)
{
  plist_dict_iter iter = NULL;
  gboolean holds = TRUE;

  if (conditions == NULL)
    return TRUE;
  if (!node_is (conditions, PLIST_DICT))
    return FALSE;
  plist_dict_new_iter (conditions, &iter);
  while (holds)
    {
      char *key = NULL;
      plist_t value = NULL;

      plist_dict_next_item (conditions, iter, &key, &value);
      if (key == NULL)
        break;
      holds = condition_holds (key, value, modes);
      free (key);
    }
  free (iter);
  return holds;
}

/* A rule's Actions: every boolean is set in the entry, others ignored */
static void
apply_actions (plist_t entry,
               plist_t actions)
{
  plist_dict_iter iter = NULL;

  if (!node_is (actions, PLIST_DICT))
    return;
  plist_dict_new_iter (actions, &iter);
  for (;;)
    {
      char *key = NULL;
      plist_t value = NULL;
      uint8_t flag = 0;

      plist_dict_next_item (actions, iter, &key, &value);
      if (key == NULL)
        break;
      if (node_is (value, PLIST_BOOLEAN) && g_utf8_validate (key, -1, NULL))
        {
          plist_get_bool_val (value, &flag);
          plist_dict_set_item (entry, key, plist_new_bool (flag));
        }
      free (key);
    }
  free (iter);
}

static void
apply_rules (plist_t      entry,
             plist_t      rules,
             const Modes *modes)
{
  for (guint i = 0; i < plist_array_get_size (rules); i++)
    {
      plist_t rule = plist_array_get_item (rules, i);

      if (!node_is (rule, PLIST_DICT))
        continue;
      if (conditions_hold (plist_dict_get_item (rule, "Conditions"), modes))
        apply_actions (entry, plist_dict_get_item (rule, "Actions"));
    }
}

static gboolean
component_is_skipped (const char *name,
                      plist_t     entry)
{
  plist_t info = node_is (entry, PLIST_DICT) ? plist_dict_get_item (entry, "Info") : NULL;

  for (guint i = 0; i < G_N_ELEMENTS (skipped_components); i++)
    if (g_str_equal (name, skipped_components[i]))
      return TRUE;
  if (!node_is (info, PLIST_DICT) || dict_get_true (info, "IsFTAB"))
    return TRUE;
  /* img4: only what is trusted or has rules of its own */
  return !dict_get_true (entry, "Trusted") && !node_is (plist_dict_get_item (info, "RestoreRequestRules"),
                                                        PLIST_ARRAY);
}

/* The request's copy of one Manifest entry in @out, or NULL if it is left
 * out; FALSE for a malformed entry */
static gboolean
component_entry (const char   *name,
                 plist_t       entry,
                 const Modes  *modes,
                 plist_t      *out,
                 GError      **error)
{
  plist_t rules, digest, copy;

  *out = NULL;
  if (component_is_skipped (name, entry))
    {
      g_debug ("Leaving out component “%s”", name);
      return TRUE;
    }
  digest = plist_dict_get_item (entry, "Digest");
  if (digest != NULL && !node_is (digest, PLIST_DATA))
    {
      g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                   /* TRANSLATORS: %s is a firmware component, e.g. "KernelCache" */
                   _("The firmware’s manifest is damaged: the digest of %s is not binary data."), name);
      return FALSE;
    }
  copy = plist_copy (entry);
  plist_dict_remove_item (copy, "Info");
  rules = plist_access_path (entry, 2, "Info", "RestoreRequestRules");
  if (node_is (rules, PLIST_ARRAY))
    apply_rules (copy, rules, modes);
  else
    {
      plist_dict_set_item (copy, "EPRO", plist_new_bool (modes->production));
      plist_dict_set_item (copy, "ESEC", plist_new_bool (modes->security));
    }
  if (dict_get_true (entry, "Trusted") && digest == NULL)
    plist_dict_set_item (copy, "Digest", plist_new_data (NULL, 0));
  if (plist_dict_get_size (copy) == 0)
    g_clear_pointer (&copy, plist_free);
  *out = copy;
  return TRUE;
}

static gboolean
add_components (plist_t       request,
                plist_t       manifest,
                const Modes  *modes,
                GError      **error)
{
  plist_dict_iter iter = NULL;
  gboolean ok = TRUE;
  guint n_added = 0;

  plist_dict_new_iter (manifest, &iter);
  while (ok)
    {
      char *name = NULL;
      plist_t entry = NULL, copy = NULL;

      plist_dict_next_item (manifest, iter, &name, &entry);
      if (name == NULL)
        break;
      if (!g_utf8_validate (name, -1, NULL) || name[0] == '@' || plist_dict_get_item (request, name) != NULL)
        g_debug ("Leaving out a component named like a request key");
      else if ((ok = component_entry (name, entry, modes, &copy, error)) && copy != NULL)
        {
          plist_dict_set_item (request, name, copy);
          n_added++;
        }
      free (name);
    }
  free (iter);
  g_debug ("%u components in the request", n_added);
  return ok;
}

/* ApSecurityDomain: a hex string ("0x01") in every manifest seen, an
 * integer accepted too; missing: the phone's SDOM */
static gboolean
read_security_domain (plist_t      identity,
                      guint        fallback,
                      guint64     *out,
                      GError     **error)
{
  plist_t node = plist_dict_get_item (identity, "ApSecurityDomain");
  g_autofree char *text = ub_plist_dup_string (node);

  *out = fallback;
  if (node == NULL)
    return TRUE;
  if (node_is (node, PLIST_UINT))
    {
      plist_get_uint_val (node, out);
      if (*out <= G_MAXUINT32)
        return TRUE;
    }
  else if (text != NULL && g_ascii_strncasecmp (text, "0x", 2) == 0 &&
           g_ascii_string_to_unsigned (text + 2, 16, 0, G_MAXUINT32, out, NULL))
    return TRUE;
  g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                       _("The firmware’s manifest is damaged: its security domain is not a number."));
  return FALSE;
}

static gboolean
add_identity_keys (plist_t           request,
                   UbBuildIdentity  *identity,
                   const UbTssDevice *device,
                   GError          **error)
{
  plist_t dict = ub_build_identity_get_plist (identity);
  plist_t build_id = plist_dict_get_item (dict, "UniqueBuildID");
  guint64 domain = 0;

  if (!node_is (build_id, PLIST_DATA))
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                           _("The firmware’s manifest is damaged: it has no build ID (UniqueBuildID)."));
      return FALSE;
    }
  if (!read_security_domain (dict, device->security_domain, &domain, error))
    return FALSE;
  plist_dict_set_item (request, "ApECID", plist_new_uint (device->ecid));
  plist_dict_set_item (request, "UniqueBuildID", plist_copy (build_id));
  plist_dict_set_item (request, "ApChipID", plist_new_uint (ub_build_identity_get_chip_id (identity)));
  plist_dict_set_item (request, "ApBoardID", plist_new_uint (ub_build_identity_get_board_id (identity)));
  plist_dict_set_item (request, "ApSecurityDomain", plist_new_uint (domain));
  return TRUE;
}

static void
copy_typed (plist_t     request,
            plist_t     from,
            const char *key,
            plist_type  type)
{
  plist_t node = plist_dict_get_item (from, key);
  g_autofree char *text = ub_plist_dup_string (node);

  if (node_is (node, type) && (type != PLIST_STRING || text != NULL))
    plist_dict_set_item (request, key, plist_copy (node));
  else if (node != NULL)
    g_debug ("Leaving out “%s”: not of the expected type", key);
}

/* The img4 keys after the components (libtatsu's order, kept so that a
 * request reads like idevicerestore's -dd dump) */
static void
add_img4_keys (plist_t            request,
               UbBuildIdentity   *identity,
               const UbTssDevice *device)
{
  plist_t dict = ub_build_identity_get_plist (identity);
  plist_t info = plist_dict_get_item (dict, "Info");

  for (guint i = 0; i < G_N_ELEMENTS (ap_string_keys); i++)
    copy_typed (request, dict, ap_string_keys[i], PLIST_STRING);
  plist_dict_set_item (request, "ApNonce", ub_plist_new_data_bytes (device->ap_nonce));
  plist_dict_set_item (request, "@ApImg4Ticket", plist_new_bool (1));
  plist_dict_set_item (request, "ApSecurityMode", plist_new_bool (device->security_mode));
  plist_dict_set_item (request, "ApProductionMode", plist_new_bool (device->production_mode));
  if (device->sep_nonce != NULL)
    plist_dict_set_item (request, "SepNonce", ub_plist_new_data_bytes (device->sep_nonce));
  copy_typed (request, dict, "NeRDEpoch", PLIST_UINT);
  copy_typed (request, dict, "PearlCertificationRootPub", PLIST_DATA);
  copy_typed (request, dict, "AllowNeRDBoot", PLIST_BOOLEAN);
  if (node_is (plist_dict_get_item (request, "NeRDEpoch"), PLIST_UINT))
    plist_dict_set_item (request, "PermitNeRDPivot", plist_new_data (NULL, 0));
  /* iPhone 15 and later on iOS 17 and later: refused with status 69 without these */
  if (dict_get_true (info, "RequiresUIDMode"))
    {
      plist_dict_set_item (request, "UID_MODE", plist_new_bool (0));
      plist_dict_set_item (request, "Ap,SikaFuse", plist_new_uint (0));
    }
}

static gboolean
check_device (UbBuildIdentity    *identity,
              const UbTssDevice  *device,
              GError            **error)
{
  gsize ap_size = device->ap_nonce ? g_bytes_get_size (device->ap_nonce) : 0;
  gsize sep_size = device->sep_nonce ? g_bytes_get_size (device->sep_nonce) : 1;

  if (ap_size == 0 || ap_size > MAX_NONCE_SIZE || sep_size == 0 || sep_size > MAX_NONCE_SIZE)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                           _("The phone’s nonce is missing or malformed, so Apple cannot sign for it."));
      return FALSE;
    }
  if (device->cpid != ub_build_identity_get_chip_id (identity) ||
      device->bdid != ub_build_identity_get_board_id (identity))
    {
      g_set_error (error, UB_ERROR, UB_ERROR_WRONG_FIRMWARE,
                   /* TRANSLATORS: %s is a board name such as "d22ap" */
                   _("This part of the firmware is for another phone (%s)."),
                   ub_build_identity_get_device_class (identity));
      return FALSE;
    }
  return TRUE;
}

/**
 * ub_tss_request_new_ap:
 * @identity: the build identity to restore
 * @device: the phone
 *
 * Builds the img4 AP request: the one that returns an ApImg4Ticket for the
 * boot chain and the restore. Its @UUID is random.
 *
 * Returns: (transfer full): a plist dictionary, or %NULL with @error set
 *   (%UB_ERROR_INVALID_DATA for a damaged manifest or a missing nonce,
 *   %UB_ERROR_WRONG_FIRMWARE if @identity is for another chip or board)
 */
plist_t
ub_tss_request_new_ap (UbBuildIdentity    *identity,
                       const UbTssDevice  *device,
                       GError            **error)
{
  plist_t manifest = NULL;
  plist_t request = NULL;
  g_autofree char *random = g_uuid_string_random ();
  g_autofree char *uuid = g_ascii_strup (random, -1);
  Modes modes;

  g_return_val_if_fail (UB_IS_BUILD_IDENTITY (identity), NULL);
  g_return_val_if_fail (device != NULL, NULL);

  if (!check_device (identity, device, error))
    return NULL;
  manifest = plist_dict_get_item (ub_build_identity_get_plist (identity), "Manifest");
  if (!node_is (manifest, PLIST_DICT))
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                           _("The firmware’s manifest is damaged: it lists no components."));
      return NULL;
    }
  modes.production = device->production_mode;
  modes.security = device->security_mode;
  request = plist_new_dict ();
  plist_dict_set_item (request, "@HostPlatformInfo", plist_new_string ("mac"));
  plist_dict_set_item (request, "@VersionInfo", plist_new_string (UB_TSS_VERSION_INFO));
  plist_dict_set_item (request, "@UUID", plist_new_string (uuid));
  if (!add_identity_keys (request, identity, device, error) ||
      !add_components (request, manifest, &modes, error))
    {
      plist_free (request);
      return NULL;
    }
  add_img4_keys (request, identity, device);
  g_debug ("AP request for ECID 0x%" G_GINT64_MODIFIER "x, %s: %u keys", device->ecid,
           ub_build_identity_get_device_class (identity), plist_dict_get_size (request));
  return request;
}
