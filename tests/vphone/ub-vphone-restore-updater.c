/* ub-vphone-restore-updater.c — the virtual phone's co-processor updaters
 *
 * Which updaters ask for firmware depends on the AP chip, as on the real
 * phones (and on what the IPSW's build identity lists):
 *   0x8010 (iPhone 7, iOS 15.4 19E241)  none: its identity has no SE,
 *                                        Savage, Yonkers, Rap, BMU, eUICC
 *                                        or Cryptex1 keys
 *   0x8101 (iPhone 12, iOS 26.2.1 23C71) Cryptex1 (early, before the
 *                                        Cryptex1 disk images), then SE,
 *                                        Yonkers (the Face ID sensor, sent
 *                                        as "Savage" with
 *                                        YonkersDeviceInfo), Rose, T200
 *                                        and Vinyl (eUICC)
 * A phone has one Face ID sensor: its updater is "Savage" with either
 * Savage,* values (iPhone X era) or YonkersDeviceInfo; the table below
 * has both, the model's list picks one. The check is given the
 * MessageArgUpdaterName, so "Savage" resolves through the model's list.
 * The chips' IDs come from the 23C71 identity (SE,ChipID 0xD2, Savage
 * 0x01, Yonkers 0x414 fab 0x2A01, Rap 8198 board 264, BMU 57601 board
 * 5715, eUICC 6); serial IDs and nonces derive from the ECID.
 *
 * The check of the host's answer: {FirmwareResponseData: a dictionary}
 * with the ticket the test server (ub-test-tss.py, updater_answer) makes
 * for this updater and nonce, and, where the phone asked for it,
 * FirmwareData shaped as the chip needs it: the SE payload, a Savage
 * patch behind its 16-byte header, {YonkersFirmware}, the Rose ftab
 * exactly as ub_test_ftab_new() wrote it, the BMU firmware map as a
 * binary plist with fw_map_digest.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ub-vphone-restore-firmware.h"
#include "../ub-test-ftab.h"

#define NONCE_SIZE  32
#define TICKET_SIZE 128

static const char * const names_8101[] = {
  "Cryptex1", "SE", "Yonkers", "Rose", "T200", "Vinyl", NULL,
};
static const char * const names_none[] = { NULL };

const char * const *
ub_vphone_updater_names (UbVphoneIdentity *identity)
{
  if (ub_vphone_identity_get_cpid (identity) == 0x8101)
    return names_8101;
  return names_none;
}

/* @size bytes derived from the ECID and @what (IDs, nonces) */
static GBytes *
derived (UbVphoneIdentity *identity, const char *what, gsize size)
{
  GByteArray *out = g_byte_array_new ();
  guint64 ecid = GUINT64_TO_BE (ub_vphone_identity_get_ecid (identity));

  for (guint8 block = 0; out->len < size; block++)
    {
      g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
      guint8 digest[32];
      gsize len = sizeof digest;

      g_checksum_update (sum, (const guint8 *) what, strlen (what));
      g_checksum_update (sum, (const guint8 *) &ecid, sizeof ecid);
      g_checksum_update (sum, &block, 1);
      g_checksum_get_digest (sum, digest, &len);
      g_byte_array_append (out, digest, len);
    }
  g_byte_array_set_size (out, size);
  return g_byte_array_free_to_bytes (out);
}

static plist_t
data_node (GBytes *bytes)
{
  return plist_new_data (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

static void
set_derived (plist_t dict, UbVphoneIdentity *identity, const char *key, gsize size)
{
  g_autoptr(GBytes) bytes = derived (identity, key, size);

  plist_dict_set_item (dict, key, data_node (bytes));
}

static plist_t
string_array (const char * const *items)
{
  plist_t array = plist_new_array ();

  for (guint i = 0; items[i] != NULL; i++)
    plist_array_append_item (array, plist_new_string (items[i]));
  return array;
}

static plist_t
se_info (UbVphoneIdentity *identity)
{
  plist_t info = plist_new_dict ();

  plist_dict_set_item (info, "SE,ChipID", plist_new_uint (0xD2));
  set_derived (info, identity, "SE,ID", 8);
  set_derived (info, identity, "SE,Nonce", NONCE_SIZE);
  set_derived (info, identity, "SE,RootKeyIdentifier", 32);
  plist_dict_set_item (info, "SE,IsDev", plist_new_bool (0));
  return info;
}

static plist_t
savage_info (UbVphoneIdentity *identity)
{
  static const guint8 revision[] = { 0x30, 0x01 };   /* B2 silicon */
  plist_t info = plist_new_dict ();

  set_derived (info, identity, "Savage,UID", 16);
  plist_dict_set_item (info, "Savage,PatchEpoch", plist_new_uint (0));
  plist_dict_set_item (info, "Savage,ChipID", plist_new_uint (1));
  plist_dict_set_item (info, "Savage,AllowOfflineBoot", plist_new_bool (0));
  plist_dict_set_item (info, "Savage,ReadFWKey", plist_new_bool (1));
  plist_dict_set_item (info, "Savage,ProductionMode", plist_new_bool (1));
  set_derived (info, identity, "Savage,Nonce", NONCE_SIZE);
  plist_dict_set_item (info, "Savage,ReadECKey", plist_new_bool (1));
  plist_dict_set_item (info, "Savage,Revision", plist_new_data ((const char *) revision, sizeof revision));
  return info;
}

static plist_t
yonkers_info (UbVphoneIdentity *identity)
{
  plist_t device = plist_new_dict ();
  plist_t info = plist_new_dict ();

  plist_dict_set_item (device, "Yonkers,AllowOfflineBoot", plist_new_bool (0));
  plist_dict_set_item (device, "Yonkers,BoardID", plist_new_uint (0));
  plist_dict_set_item (device, "Yonkers,ChipID", plist_new_uint (0x414));
  plist_dict_set_item (device, "Yonkers,ECID", plist_new_uint (ub_vphone_identity_get_ecid (identity) ^ 0x5A5A));
  set_derived (device, identity, "Yonkers,Nonce", NONCE_SIZE);
  plist_dict_set_item (device, "Yonkers,PatchEpoch", plist_new_uint (0));
  plist_dict_set_item (device, "Yonkers,ProductionMode", plist_new_bool (1));
  plist_dict_set_item (device, "Yonkers,ReadECKey", plist_new_bool (1));
  plist_dict_set_item (device, "Yonkers,ReadFWKey", plist_new_bool (1));
  plist_dict_set_item (device, "Yonkers,FabRevision", plist_new_uint (0x2A01));
  plist_dict_set_item (info, "YonkersDeviceInfo", device);
  return info;
}

static plist_t
rose_info (UbVphoneIdentity *identity)
{
  plist_t info = plist_new_dict ();

  plist_dict_set_item (info, "Rap,BoardID", plist_new_uint (264));
  plist_dict_set_item (info, "Rap,ChipID", plist_new_uint (8198));
  plist_dict_set_item (info, "Rap,ECID", plist_new_uint (ub_vphone_identity_get_ecid (identity) ^ 0xA5A5));
  set_derived (info, identity, "Rap,Nonce", NONCE_SIZE);
  plist_dict_set_item (info, "Rap,ProductionMode", plist_new_bool (1));
  plist_dict_set_item (info, "Rap,SecurityDomain", plist_new_uint (1));
  plist_dict_set_item (info, "Rap,SecurityMode", plist_new_bool (1));
  set_derived (info, identity, "Rap,FdrRootCaDigest", 48);
  return info;
}

/* T200 sends its values without the "BMU," prefix */
static plist_t
veridian_info (UbVphoneIdentity *identity)
{
  plist_t info = plist_new_dict ();
  g_autoptr(GBytes) nonce = derived (identity, "BMU,Nonce", NONCE_SIZE);

  plist_dict_set_item (info, "BMU,BoardID", plist_new_uint (5715));
  plist_dict_set_item (info, "ChipID", plist_new_uint (57601));
  plist_dict_set_item (info, "Nonce", data_node (nonce));
  plist_dict_set_item (info, "ProductionMode", plist_new_bool (1));
  plist_dict_set_item (info, "UniqueID", plist_new_uint (ub_vphone_identity_get_ecid (identity) & 0xFFFFFFFF));
  return info;
}

static plist_t
euicc_component (UbVphoneIdentity *identity, const char *name)
{
  plist_t dict = plist_new_dict ();
  g_autofree char *digest_key = g_strconcat (name, " digest", NULL);
  g_autofree char *nonce_key = g_strconcat (name, " nonce", NULL);
  g_autoptr(GBytes) digest = derived (identity, digest_key, 32);
  g_autoptr(GBytes) nonce = derived (identity, nonce_key, NONCE_SIZE);

  plist_dict_set_item (dict, "Digest", data_node (digest));
  plist_dict_set_item (dict, "Nonce", data_node (nonce));
  return dict;
}

/* Vinyl's own request: the host sends it as it is */
static plist_t
vinyl_request (UbVphoneIdentity *identity)
{
  plist_t dgr = plist_new_dict ();

  plist_dict_set_item (dgr, "@BBTicket", plist_new_bool (1));
  plist_dict_set_item (dgr, "@eUICC,Ticket", plist_new_bool (1));
  plist_dict_set_item (dgr, "eUICC,ApProductionMode", plist_new_bool (1));
  plist_dict_set_item (dgr, "eUICC,ChipID", plist_new_uint (6));
  set_derived (dgr, identity, "eUICC,EID", 16);
  set_derived (dgr, identity, "eUICC,RootKeyIdentifier", 32);
  plist_dict_set_item (dgr, "eUICC,Gold", euicc_component (identity, "eUICC,Gold"));
  plist_dict_set_item (dgr, "eUICC,Main", euicc_component (identity, "eUICC,Main"));
  return dgr;
}

static plist_t
cryptex_request (UbVphoneIdentity *identity)
{
  plist_t dgr = plist_new_dict ();

  plist_dict_set_item (dgr, "ApECID", plist_new_uint (ub_vphone_identity_get_ecid (identity)));
  plist_dict_set_item (dgr, "ApSecurityDomain", plist_new_uint (1));
  set_derived (dgr, identity, "Cryptex1,Nonce", NONCE_SIZE);
  return dgr;
}

/* Per updater: how the Arguments are made and what comes back */
typedef struct
{
  const char  *name;          /* step name in ub_vphone_updater_names() */
  const char  *updater;       /* MessageArgUpdaterName */
  const char  *ticket;
  const char  *nonce_key;     /* the top-level ",Nonce" the request carries */
  gboolean     firmware;
  plist_t    (*info) (UbVphoneIdentity *identity);
  plist_t    (*dgr) (UbVphoneIdentity *identity);
} Updater;

static const Updater updaters[] = {
  { "Cryptex1", "Cryptex1", "Cryptex1,Ticket", "Cryptex1,Nonce", FALSE, NULL, cryptex_request },
  { "SE", "SE", "SE,Ticket", "SE,Nonce", TRUE, se_info, NULL },
  { "Savage", "Savage", "Savage,Ticket", "Savage,Nonce", TRUE, savage_info, NULL },
  { "Yonkers", "Savage", "Yonkers,Ticket", "Yonkers,Nonce", TRUE, yonkers_info, NULL },
  { "Rose", "Rose", "Rap,Ticket", "Rap,Nonce", TRUE, rose_info, NULL },
  { "T200", "T200", "BMU,Ticket", "BMU,Nonce", TRUE, veridian_info, NULL },
  { "Vinyl", "Vinyl", "eUICC,Ticket", NULL, FALSE, NULL, vinyl_request },
};

static const Updater *
find_updater (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (updaters); i++)
    if (g_strcmp0 (updaters[i].name, name) == 0)
      return &updaters[i];
  return NULL;
}

/* The model's step for MessageArgUpdaterName @updater_name */
static const Updater *
find_asked (UbVphoneIdentity *identity, const char *updater_name)
{
  const char * const *names = ub_vphone_updater_names (identity);

  for (guint i = 0; names[i] != NULL; i++)
    {
      const Updater *updater = find_updater (names[i]);

      if (updater != NULL && g_strcmp0 (updater->updater, updater_name) == 0)
        return updater;
    }
  return NULL;
}

static plist_t
device_tags (const Updater *updater)
{
  static const char * const identity_tags[] = {
    "Cryptex1,ChipID", "Cryptex1,NonceDomain", "Cryptex1,PreauthorizationVersion", "Cryptex1,ProductClass",
    "Cryptex1,SubType", "Cryptex1,Type", "Cryptex1,Version", "ApBoardID", "ApChipID", "UniqueBuildID", NULL,
  };
  const char *response[] = { updater->ticket, updater->firmware ? "FirmwareData" : NULL, NULL };
  plist_t tags = plist_new_dict ();

  plist_dict_set_item (tags, "ResponseTags", string_array (response));
  plist_dict_set_item (tags, "BuildIdentityTags",
                       g_str_equal (updater->name, "Cryptex1") ? string_array (identity_tags)
                                                               : plist_new_array ());
  return tags;
}

/**
 * ub_vphone_updater_arguments:
 *
 * Returns: (transfer full): the Arguments of the FirmwareUpdaterData
 *   request for step @name, with MessageArgUpdaterName set ("Savage" for
 *   the Yonkers step)
 */
plist_t
ub_vphone_updater_arguments (UbVphoneIdentity *identity,
                             const char       *name)
{
  const Updater *updater = find_updater (name);
  plist_t arguments = plist_new_dict ();

  g_return_val_if_fail (updater != NULL, arguments);
  plist_dict_set_item (arguments, "MessageArgType", plist_new_string ("FirmwareResponseData"));
  plist_dict_set_item (arguments, "MessageArgUpdaterName", plist_new_string (updater->updater));
  plist_dict_set_item (arguments, "MessageArgInfo",
                       updater->info != NULL ? updater->info (identity) : plist_new_dict ());
  if (updater->dgr != NULL)
    plist_dict_set_item (arguments, "DeviceGeneratedRequest", updater->dgr (identity));
  plist_dict_set_item (arguments, "DeviceGeneratedTags", device_tags (updater));
  return arguments;
}

/* The test server's ticket for @updater: DER SEQUENCE header then SHA-256
 * blocks of "ub-test-updater\0" KEY "\0" NONCE, counter (ub-test-tss.py) */
static GBytes *
expected_ticket (UbVphoneIdentity *identity, const Updater *updater)
{
  g_autoptr(GBytes) nonce = updater->nonce_key ? derived (identity, updater->nonce_key, NONCE_SIZE)
                                               : g_bytes_new (NULL, 0);
  GByteArray *out = g_byte_array_new ();
  static const guint8 header[] = { 0x30, 0x81, TICKET_SIZE };

  g_byte_array_append (out, header, sizeof header);
  for (guint8 block = 0; out->len < sizeof header + TICKET_SIZE; block++)
    {
      g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
      guint8 digest[32];
      gsize len = sizeof digest;

      g_checksum_update (sum, (const guint8 *) "ub-test-updater", 16);
      g_checksum_update (sum, (const guint8 *) updater->ticket, strlen (updater->ticket) + 1);
      g_checksum_update (sum, g_bytes_get_data (nonce, NULL), g_bytes_get_size (nonce));
      g_checksum_update (sum, &block, 1);
      g_checksum_get_digest (sum, digest, &len);
      g_byte_array_append (out, digest, len);
    }
  g_byte_array_set_size (out, sizeof header + TICKET_SIZE);
  return g_byte_array_free_to_bytes (out);
}

static gboolean
data_equals (plist_t node, GBytes *bytes)
{
  uint64_t len = 0;
  const char *data;

  if (node == NULL || plist_get_node_type (node) != PLIST_DATA)
    return FALSE;
  data = plist_get_data_ptr (node, &len);
  return len == g_bytes_get_size (bytes) && memcmp (data, g_bytes_get_data (bytes, NULL), len) == 0;
}

static const guint8 *
data_of (plist_t node, uint64_t *len)
{
  *len = 0;
  if (node == NULL || plist_get_node_type (node) != PLIST_DATA)
    return NULL;
  return (const guint8 *) plist_get_data_ptr (node, len);
}

/* FirmwareData as @updater's chip takes it; NULL if fine, else why not */
static const char *
firmware_problem (const Updater *updater, plist_t firmware)
{
  uint64_t len = 0;
  const guint8 *data = data_of (firmware, &len);

  if (g_str_equal (updater->name, "Yonkers"))
    return firmware && plist_get_node_type (firmware) == PLIST_DICT &&
           data_of (plist_dict_get_item (firmware, "YonkersFirmware"), &len) && len > 0
           ? NULL : "FirmwareData is not {YonkersFirmware: data}";
  if (data == NULL || len == 0)
    return "FirmwareData is missing or not data";
  if (g_str_equal (updater->name, "Savage"))
    return len > 16 && GUINT32_FROM_LE (*(const guint32 *) (data + 4)) == len - 16 &&
           memcmp (data, "\0\0\0\0", 4) == 0 ? NULL : "the Savage patch header is wrong";
  if (g_str_equal (updater->name, "Rose"))
    {
      g_autoptr(GBytes) expected = ub_test_ftab_new ();

      return data_equals (firmware, expected) ? NULL : "the Rose ftab is not the IPSW's ftab";
    }
  if (g_str_equal (updater->name, "T200"))
    {
      plist_t map = NULL;
      const char *problem = "the BMU firmware map is not a binary plist with fw_map_digest";

      if (len < 8 || memcmp (data, "bplist00", 8) != 0)
        return problem;
      plist_from_bin ((const char *) data, len, &map);
      if (map != NULL && plist_get_node_type (map) == PLIST_DICT &&
          data_of (plist_dict_get_item (map, "fw_map_digest"), &len) != NULL && len > 0)
        problem = NULL;
      plist_free (map);
      return problem;
    }
  return NULL;
}

/**
 * ub_vphone_updater_check:
 * @name: the request's MessageArgUpdaterName
 * @reply: what the host sent on the request's DataPort
 *
 * Returns: %TRUE if @reply is what step @name needs, else %FALSE with
 *   @problem set
 */
gboolean
ub_vphone_updater_check (UbVphoneIdentity  *identity,
                         const char        *name,
                         plist_t            reply,
                         char             **problem)
{
  const Updater *updater = find_asked (identity, name);
  plist_t response = reply ? plist_dict_get_item (reply, "FirmwareResponseData") : NULL;
  g_autoptr(GBytes) ticket = NULL;
  const char *why = NULL;

  if (updater == NULL)
    why = "this phone has no such updater";
  else if (response == NULL || plist_get_node_type (response) != PLIST_DICT)
    why = "no FirmwareResponseData dictionary";
  else if (!data_equals (plist_dict_get_item (response, updater->ticket),
                         (ticket = expected_ticket (identity, updater))))
    why = "the ticket is not the one the server made for this chip";
  else if (updater->firmware)
    why = firmware_problem (updater, plist_dict_get_item (response, "FirmwareData"));
  else if (plist_dict_get_item (response, "FirmwareData") != NULL)
    why = "FirmwareData was not asked for";
  if (why == NULL)
    return TRUE;
  *problem = g_strdup_printf ("%s: %s", name, why);
  return FALSE;
}
