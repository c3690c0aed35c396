/* ub-tss-updater-rules.c — Rose, Veridian and Cryptex1 signing requests
 *
 *  - Rose ("Rose", the ultra wideband chip): @BBTicket, @Rap,Ticket, the
 *    Rap,* IDs (the phone's DeviceGeneratedRequest if it sent one, else
 *    its MessageArgInfo; board, chip and security domain from the
 *    identity), every Rap,* Manifest entry with its RestoreRequestRules
 *    applied for a production, secure, img4 phone, Trusted entries with a
 *    Digest (empty if the manifest has none);
 *  - Veridian ("T200", the battery controller): @BBTicket, @BMU,Ticket,
 *    BMU,BoardID/ChipID/Nonce/ProductionMode/UniqueID (the phone sends
 *    the last four without the "BMU," prefix), every BMU,* entry, the
 *    DeviceGeneratedRequest over it;
 *  - Cryptex1: the phone's values and the identity keys it names in
 *    BuildIdentityTags, ApProductionMode and ApSecurityMode (true unless
 *    given), the common AP keys, @Cryptex1,Ticket and every Cryptex1* key;
 *    Cryptex1LocalPolicy (its values carry Ap,LocalPolicy) asks for an
 *    @ApImg4Ticket with the local policy keys instead. The ticket expected
 *    is the first ResponseTags entry, else Cryptex1,Ticket.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-tss-updater"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ub-error.h"
#include "ub-plist.h"
#include "ub-tss-updater-private.h"

/* The request value a rule's condition is compared with */
static const char *
condition_parameter (const char *condition)
{
  static const char * const map[][2] = {
    { "ApRawProductionMode", "ApProductionMode" }, { "ApCurrentProductionMode", "ApProductionMode" },
    { "ApRawSecurityMode", "ApSecurityMode" }, { "ApRequiresImage4", "ApSupportsImg4" },
    { "ApDemotionPolicyOverride", "DemotionPolicy" }, { "ApInRomDFU", "ApInRomDFU" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    if (g_str_equal (condition, map[i][0]))
      return map[i][1];
  return NULL;
}

static gboolean
same_value (plist_t a, plist_t b)
{
  uint8_t x = 0, y = 0;

  if (a == NULL || b == NULL || plist_get_node_type (a) != plist_get_node_type (b))
    return FALSE;
  if (_ub_updater_node_is (a, PLIST_BOOLEAN))
    return (plist_get_bool_val (a, &x), plist_get_bool_val (b, &y), x == y);
  if (_ub_updater_node_is (a, PLIST_STRING))
    return g_strcmp0 (plist_get_string_ptr (a, NULL), plist_get_string_ptr (b, NULL)) == 0;
  return FALSE;
}

static gboolean
rule_holds (plist_t conditions, plist_t parameters)
{
  plist_dict_iter iter = NULL;
  gboolean holds = TRUE;

  if (!_ub_updater_node_is (conditions, PLIST_DICT))
    return FALSE;
  plist_dict_new_iter (conditions, &iter);
  while (holds)
    {
      char *key = NULL;
      plist_t value = NULL;
      const char *parameter;

      plist_dict_next_item (conditions, iter, &key, &value);
      if (key == NULL)
        break;
      parameter = condition_parameter (key);
      holds = parameter != NULL && same_value (value, plist_dict_get_item (parameters, parameter));
      free (key);
    }
  free (iter);
  return holds;
}

static void
apply_rules (plist_t entry, plist_t rules, plist_t parameters)
{
  for (guint i = 0; _ub_updater_node_is (rules, PLIST_ARRAY) && i < plist_array_get_size (rules); i++)
    {
      plist_t rule = plist_array_get_item (rules, i);
      plist_t actions = _ub_updater_node_is (rule, PLIST_DICT) ? plist_dict_get_item (rule, "Actions") : NULL;
      plist_dict_iter iter = NULL;

      if (!_ub_updater_node_is (actions, PLIST_DICT) || !rule_holds (plist_dict_get_item (rule, "Conditions"), parameters))
        continue;
      plist_dict_new_iter (actions, &iter);
      for (;;)
        {
          char *key = NULL;
          plist_t value = NULL;

          plist_dict_next_item (actions, iter, &key, &value);
          if (key == NULL)
            break;
          if (_ub_updater_node_is (value, PLIST_BOOLEAN) && g_utf8_validate (key, -1, NULL))
            plist_dict_set_item (entry, key, plist_copy (value));
          free (key);
        }
      free (iter);
    }
}

/* Every Manifest entry named @prefix… with its rules applied */
static void
add_entries_with_rules (plist_t manifest, plist_t request, const char *prefix, plist_t parameters)
{
  plist_dict_iter iter = NULL;

  plist_dict_new_iter (manifest, &iter);
  for (;;)
    {
      char *name = NULL;
      plist_t entry = NULL, copy;
      uint8_t trusted = 0;

      plist_dict_next_item (manifest, iter, &name, &entry);
      if (name == NULL)
        break;
      if (g_str_has_prefix (name, prefix) && (copy = _ub_updater_entry_copy (entry)) != NULL)
        {
          apply_rules (copy, plist_access_path (entry, 2, "Info", "RestoreRequestRules"), parameters);
          if (_ub_updater_node_is (plist_dict_get_item (entry, "Trusted"), PLIST_BOOLEAN))
            plist_get_bool_val (plist_dict_get_item (entry, "Trusted"), &trusted);
          if (trusted && plist_dict_get_item (copy, "Digest") == NULL)
            plist_dict_set_item (copy, "Digest", plist_new_data (NULL, 0));
          plist_dict_set_item (request, name, copy);
        }
      free (name);
    }
  free (iter);
}

gboolean
_ub_updater_build_rose (const UbUpdaterInput *in, plist_t request, UbTssUpdaterPlan *plan, GError **error)
{
  static const struct { const char *key; plist_type type; } keys[] = {
    { "Rap,BoardID", PLIST_UINT }, { "Rap,ChipID", PLIST_UINT }, { "Rap,ECID", PLIST_UINT },
    { "Rap,Nonce", PLIST_DATA }, { "Rap,ProductionMode", PLIST_BOOLEAN },
    { "Rap,SecurityDomain", PLIST_UINT }, { "Rap,SecurityMode", PLIST_BOOLEAN },
    { "Rap,FdrRootCaDigest", PLIST_DATA },
  };
  plist_t parameters = plist_new_dict ();
  plist_t values = in->dgr != NULL ? NULL : in->info;

  plist_dict_set_item (parameters, "ApProductionMode", plist_new_bool (1));
  plist_dict_set_item (parameters, "ApSecurityMode", plist_new_bool (1));
  plist_dict_set_item (parameters, "ApSupportsImg4", plist_new_bool (1));
  _ub_updater_merge (parameters, values);
  _ub_updater_merge (request, in->dgr);
  plist_dict_set_item (request, "@BBTicket", plist_new_bool (1));
  plist_dict_set_item (request, "@Rap,Ticket", plist_new_bool (1));
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    _ub_updater_copy (request, keys[i].key, keys[i].type, values, in->identity);
  add_entries_with_rules (in->manifest, request, "Rap,", parameters);
  plist_free (parameters);
  if (plist_dict_get_item (request, "Rap,Nonce") == NULL || plist_dict_get_item (request, "Rap,RTKitOS") == NULL)
    return _ub_updater_missing (plan, "Rap,Nonce", error);
  plan->ticket_key = g_strdup ("Rap,Ticket");
  plan->component = g_strdup ("Rap,RTKitOS");
  return TRUE;
}

gboolean
_ub_updater_build_veridian (const UbUpdaterInput *in, plist_t request, UbTssUpdaterPlan *plan, GError **error)
{
  static const struct { const char *key; const char *alt; plist_type type; } keys[] = {
    { "BMU,ChipID", "ChipID", PLIST_UINT }, { "BMU,Nonce", "Nonce", PLIST_DATA },
    { "BMU,ProductionMode", "ProductionMode", PLIST_BOOLEAN }, { "BMU,UniqueID", "UniqueID", PLIST_UINT },
  };

  plist_dict_set_item (request, "@BBTicket", plist_new_bool (1));
  plist_dict_set_item (request, "@BMU,Ticket", plist_new_bool (1));
  _ub_updater_copy (request, "BMU,BoardID", PLIST_UINT, in->info, in->identity);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    _ub_updater_copy_alt (request, keys[i].key, keys[i].alt, keys[i].type, in->info);
  if (plist_dict_get_item (request, "BMU,ChipID") == NULL)
    _ub_updater_copy (request, "BMU,ChipID", PLIST_UINT, in->identity, NULL);
  add_entries_with_rules (in->manifest, request, "BMU,", in->info);
  _ub_updater_merge (request, in->dgr);
  if (plist_dict_get_item (request, "BMU,Nonce") == NULL || plist_dict_get_item (request, "BMU,FirmwareMap") == NULL)
    return _ub_updater_missing (plan, "BMU,Nonce", error);
  plan->ticket_key = g_strdup ("BMU,Ticket");
  plan->component = g_strdup ("BMU,FirmwareMap");
  return TRUE;
}

/* Cryptex1's parameters: the phone's values, the identity keys it names,
 * default modes and AP IDs, then its DeviceGeneratedRequest */
static plist_t
cryptex_parameters (const UbUpdaterInput *in)
{
  plist_t parameters = plist_new_dict ();
  plist_t tags = plist_access_path (in->arguments, 2, "DeviceGeneratedTags", "BuildIdentityTags");

  _ub_updater_merge (parameters, in->info);
  for (guint i = 0; _ub_updater_node_is (tags, PLIST_ARRAY) && i < plist_array_get_size (tags) &&
                    i < UB_TSS_UPDATER_MAX_KEYS; i++)
    {
      plist_t tag = plist_array_get_item (tags, i);
      const char *key = _ub_updater_node_is (tag, PLIST_STRING) ? plist_get_string_ptr (tag, NULL) : NULL;
      plist_t value = key != NULL ? plist_dict_get_item (in->identity, key) : NULL;

      if (value != NULL && g_utf8_validate (key, -1, NULL))
        plist_dict_set_item (parameters, key, plist_copy (value));
    }
  if (plist_dict_get_item (parameters, "ApProductionMode") == NULL)
    plist_dict_set_item (parameters, "ApProductionMode", plist_new_bool (1));
  if (plist_dict_get_item (parameters, "ApSecurityMode") == NULL)
    plist_dict_set_item (parameters, "ApSecurityMode", plist_new_bool (1));
  if (plist_dict_get_item (parameters, "ApChipID") == NULL)
    _ub_updater_copy (parameters, "ApChipID", PLIST_UINT, in->identity, NULL);
  if (plist_dict_get_item (parameters, "ApBoardID") == NULL)
    _ub_updater_copy (parameters, "ApBoardID", PLIST_UINT, in->identity, NULL);
  _ub_updater_merge (parameters, in->dgr);
  return parameters;
}

static gboolean
add_local_policy (plist_t request, plist_t parameters)
{
  plist_dict_set_item (request, "@ApImg4Ticket", plist_new_bool (1));
  if (!_ub_updater_copy (request, "Ap,LocalBoot", PLIST_BOOLEAN, parameters, NULL) ||
      !_ub_updater_copy (request, "Ap,LocalPolicy", PLIST_DICT, parameters, NULL) ||
      !_ub_updater_copy (request, "Ap,NextStageIM4MHash", PLIST_DATA, parameters, NULL))
    return FALSE;
  _ub_updater_copy (request, "Ap,RecoveryOSPolicyNonceHash", PLIST_DATA, parameters, NULL);
  _ub_updater_copy (request, "Ap,VolumeUUID", PLIST_DATA, parameters, NULL);
  _ub_updater_copy (request, "ApNonce", PLIST_DATA, parameters, NULL);
  _ub_updater_copy (request, "Ap,NextStageCryptex1IM4MHash", PLIST_DATA, parameters, NULL);
  return _ub_updater_copy (request, "ApSecurityMode", PLIST_BOOLEAN, parameters, NULL) &&
         _ub_updater_copy (request, "ApProductionMode", PLIST_BOOLEAN, parameters, NULL);
}

static void
add_cryptex_keys (plist_t request, plist_t parameters)
{
  plist_dict_iter iter = NULL;

  plist_dict_set_item (request, "@Cryptex1,Ticket", plist_new_bool (1));
  _ub_updater_copy (request, "ApSecurityMode", PLIST_BOOLEAN, parameters, NULL);
  _ub_updater_copy (request, "ApProductionMode", PLIST_BOOLEAN, parameters, NULL);
  plist_dict_new_iter (parameters, &iter);
  for (;;)
    {
      char *key = NULL;
      plist_t value = NULL;

      plist_dict_next_item (parameters, iter, &key, &value);
      if (key == NULL)
        break;
      if (g_str_has_prefix (key, "Cryptex1"))
        plist_dict_set_item (request, key, plist_copy (value));
      free (key);
    }
  free (iter);
}

gboolean
_ub_updater_build_cryptex1 (const UbUpdaterInput *in, plist_t request, UbTssUpdaterPlan *plan, GError **error)
{
  const char *ticket = _ub_updater_response_tag (in->arguments, 0);
  plist_t parameters;
  gboolean ok = TRUE;

  if (in->dgr == NULL)
    return _ub_updater_missing (plan, "DeviceGeneratedRequest", error);
  if (ticket != NULL && (*ticket == '\0' || strlen (ticket) > 64 || !g_utf8_validate (ticket, -1, NULL)))
    return _ub_updater_missing (plan, "ResponseTags", error);
  parameters = cryptex_parameters (in);
  _ub_updater_copy (request, "ApECID", PLIST_UINT, parameters, NULL);
  _ub_updater_copy (request, "UniqueBuildID", PLIST_DATA, parameters, NULL);
  _ub_updater_copy (request, "ApChipID", PLIST_UINT, parameters, NULL);
  _ub_updater_copy (request, "ApBoardID", PLIST_UINT, parameters, NULL);
  _ub_updater_copy (request, "ApSecurityDomain", PLIST_UINT, parameters, NULL);
  if (plist_dict_get_item (parameters, "Ap,LocalPolicy") != NULL)
    ok = add_local_policy (request, parameters);
  else
    add_cryptex_keys (request, parameters);
  plist_free (parameters);
  if (!ok)
    return _ub_updater_missing (plan, "Ap,LocalPolicy", error);
  plan->ticket_key = g_strdup (ticket != NULL ? ticket : "Cryptex1,Ticket");
  return TRUE;
}

/**
 * ub_tss_updater_check_response:
 *
 * Returns: %TRUE if @response has the ticket @plan expects (binary data,
 *   not empty); else %FALSE with %UB_ERROR_NOT_SIGNED naming the part
 */
gboolean
ub_tss_updater_check_response (const UbTssUpdaterPlan  *plan,
                               plist_t                  response,
                               GError                 **error)
{
  plist_t ticket = _ub_updater_node_is (response, PLIST_DICT) ? plist_dict_get_item (response, plan->ticket_key) : NULL;
  uint64_t len = 0;
  g_autofree char *part = NULL;

  if (_ub_updater_node_is (ticket, PLIST_DATA) && (plist_get_data_ptr (ticket, &len), len > 0))
    return TRUE;
  g_debug ("The %s answer has no %s", plan->name, plan->ticket_key);
  part = ub_tss_updater_dup_part_name (plan->kind == UB_TSS_UPDATER_YONKERS ? "Yonkers" : plan->name, NULL);
  g_set_error (error, UB_ERROR, UB_ERROR_NOT_SIGNED,
               /* TRANSLATORS: %s is a part of the phone, e.g. "the Face ID camera firmware" */
               _("Apple’s signing server did not sign %s. Try again later."), part);
  return FALSE;
}

/**
 * ub_tss_updater_dup_part_name:
 * @name: MessageArgUpdaterName
 * @arguments: (nullable): the Arguments, to tell Yonkers from Savage
 *
 * Returns: (transfer full): the part in plain words, for error messages
 */
char *
ub_tss_updater_dup_part_name (const char *name,
                              plist_t     arguments)
{
  static const struct { const char *name; const char *words; } parts[] = {
    { "SE", N_("the Apple Pay chip firmware") },
    { "Savage", N_("the Face ID camera firmware") },
    { "Yonkers", N_("the Face ID sensor firmware") },
    { "Rose", N_("the ultra wideband chip firmware") },
    { "T200", N_("the battery controller firmware") },
    { "Cryptex1", N_("the system extension volume (Cryptex1)") },
    { "Cryptex1LocalPolicy", N_("the system extension volume (Cryptex1)") },
    { "Vinyl", N_("the eSIM chip firmware") },
    { "Ace3", N_("the USB-C port controller firmware") },
  };

  if (g_strcmp0 (name, "Savage") == 0 && ub_tss_updater_kind (name, arguments) == UB_TSS_UPDATER_YONKERS)
    name = "Yonkers";
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    if (g_strcmp0 (name, parts[i].name) == 0)
      return g_strdup (_(parts[i].words));
  /* TRANSLATORS: %s is a chip's code name, e.g. "Centauri" */
  return g_strdup_printf (_("the firmware of the “%s” chip"), name != NULL ? name : "?");
}

void
ub_tss_updater_plan_clear (UbTssUpdaterPlan *plan)
{
  g_clear_pointer (&plan->name, g_free);
  g_clear_pointer (&plan->ticket_key, g_free);
  g_clear_pointer (&plan->component, g_free);
}
