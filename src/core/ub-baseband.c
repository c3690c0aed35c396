/* ub-baseband.c — the baseband TSS request and the check of its answer
 *
 * The request (libtatsu's baseband request, as idevicerestore sends it):
 *   @HostPlatformInfo, @VersionInfo, @UUID     like every request
 *   ApECID, UniqueBuildID, ApChipID, ApBoardID, ApSecurityDomain
 *   @BBTicket = true
 *   BbChipID                    the identity's, else the phone's ChipID
 *   Bb*ManifestKeyHash, BbFDRSecurityKeyHash, BbSkeyId   from the identity
 *   BbNonce                     the phone's Nonce, when it sent one
 *   BbGoldCertId, BbSNUM        the phone's CertID and ChipSerialNo
 *   BasebandFirmware            the manifest entry without Info; for chip
 *                               0x68 without the PSI or PSI2 digests that do
 *                               not match the certificate
 *   ApProductionMode, ApSecurityMode = true when Info.FDRSupport is true
 *
 * The answer must have a BBTicket and a BasebandFirmware dictionary with
 * one "<Element>-Blob" per signed file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-baseband"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ub-baseband.h"
#include "ub-error.h"
#include "ub-plist.h"
#include "ub-tss-request.h"

/* Gold certificate IDs of chip 0x68 whose firmware signs PSI, not PSI2 */
static const guint32 psi_cert_ids[] = { 0x26F3FACC, 0x5CF2EC4E, 0x8399785A };

static const char * const identity_hash_keys[] = {
  "BbProvisioningManifestKeyHash",
  "BbActivationManifestKeyHash",
  "BbCalibrationManifestKeyHash",
  "BbFactoryActivationManifestKeyHash",
  "BbFDRSecurityKeyHash",
  "BbSkeyId",
};

static gboolean
node_is (plist_t node, plist_type type)
{
  return node != NULL && plist_get_node_type (node) == type;
}

/* A manifest number: an integer, or a string "0x…" */
static gboolean
read_number (plist_t node, guint64 *out)
{
  g_autofree char *text = NULL;

  if (node_is (node, PLIST_UINT))
    {
      plist_get_uint_val (node, out);
      return TRUE;
    }
  text = ub_plist_dup_string (node);
  return text != NULL && g_ascii_strncasecmp (text, "0x", 2) == 0 && text[2] != '\0' &&
         g_ascii_string_to_unsigned (text + 2, 16, 0, G_MAXUINT64, out, NULL);
}

static GBytes *
dup_data (plist_t node)
{
  uint64_t len = 0;
  const char *data = plist_get_data_ptr (node, &len);

  return g_bytes_new (data, len);
}

static gboolean
bad_request (GError **error, const char *what)
{
  g_debug ("BasebandData request refused: %s", what);
  g_set_error_literal (error, UB_ERROR, UB_ERROR_PROTOCOL,
                       /* TRANSLATORS: the phone asked for its modem firmware in a way we cannot read */
                       _("The iPhone asked for its modem firmware with details that cannot be read. "
                         "Start the restore again."));
  return FALSE;
}

/* An optional Arguments entry of data, at most UB_BASEBAND_MAX_ID bytes */
static gboolean
read_id (plist_t arguments, const char *key, gboolean required, GBytes **out, GError **error)
{
  plist_t node = plist_dict_get_item (arguments, key);
  uint64_t len = 0;

  if (node == NULL && !required)
    return TRUE;
  if (!node_is (node, PLIST_DATA))
    return bad_request (error, key);
  plist_get_data_ptr (node, &len);
  if (len == 0 || len > UB_BASEBAND_MAX_ID)
    return bad_request (error, key);
  *out = dup_data (node);
  return TRUE;
}

/**
 * ub_baseband_device_init:
 * @arguments: the Arguments dictionary of a BasebandData request
 *
 * Reads ChipID and CertID (integers, 0 when absent), ChipSerialNo (data,
 * required) and Nonce (data, absent on the first request).
 */
gboolean
ub_baseband_device_init (UbBasebandDevice  *device,
                         plist_t            arguments,
                         GError           **error)
{
  plist_t chip = NULL, cert = NULL;

  memset (device, 0, sizeof *device);
  if (!node_is (arguments, PLIST_DICT))
    return bad_request (error, "no Arguments");
  chip = plist_dict_get_item (arguments, "ChipID");
  cert = plist_dict_get_item (arguments, "CertID");
  if ((chip != NULL && !node_is (chip, PLIST_UINT)) || (cert != NULL && !node_is (cert, PLIST_UINT)))
    return bad_request (error, "ChipID or CertID is not an integer");
  if (chip != NULL)
    plist_get_uint_val (chip, &device->chip_id);
  if (cert != NULL)
    plist_get_uint_val (cert, &device->cert_id);
  if (!read_id (arguments, "ChipSerialNo", TRUE, &device->snum, error) ||
      !read_id (arguments, "Nonce", FALSE, &device->nonce, error))
    {
      ub_baseband_device_clear (device);
      return FALSE;
    }
  g_debug ("Modem: chip 0x%" G_GINT64_MODIFIER "x, certificate 0x%" G_GINT64_MODIFIER "x, %s nonce",
           device->chip_id, device->cert_id, device->nonce != NULL ? "with" : "without");
  return TRUE;
}

void
ub_baseband_device_clear (UbBasebandDevice *device)
{
  g_clear_pointer (&device->snum, g_bytes_unref);
  g_clear_pointer (&device->nonce, g_bytes_unref);
}

/**
 * ub_baseband_identity_chip_id:
 *
 * Returns: the identity's BbChipID, or @fallback if it has none
 */
guint64
ub_baseband_identity_chip_id (UbBuildIdentity *identity,
                              guint64          fallback)
{
  plist_t dict = ub_build_identity_get_plist (identity);
  guint64 chip = 0;

  if (read_number (plist_dict_get_item (dict, "BbChipID"), &chip))
    return chip;
  return fallback;
}

static gboolean
damaged_manifest (GError **error, const char *what)
{
  g_debug ("Baseband request: the manifest lacks %s", what);
  g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                       /* TRANSLATORS: the firmware file's list of parts has no usable modem entry */
                       _("The firmware’s manifest is damaged: its modem firmware entry is missing or "
                         "unreadable. Download the firmware again."));
  return FALSE;
}

static gboolean
add_common (plist_t request, plist_t dict, guint64 ecid, GError **error)
{
  g_autofree char *random = g_uuid_string_random ();
  g_autofree char *uuid = g_ascii_strup (random, -1);
  plist_t build_id = plist_dict_get_item (dict, "UniqueBuildID");
  guint64 chip = 0, board = 0, domain = 1;

  if (!node_is (build_id, PLIST_DATA) ||
      !read_number (plist_dict_get_item (dict, "ApChipID"), &chip) ||
      !read_number (plist_dict_get_item (dict, "ApBoardID"), &board))
    return damaged_manifest (error, "UniqueBuildID, ApChipID or ApBoardID");
  if (plist_dict_get_item (dict, "ApSecurityDomain") != NULL &&
      !read_number (plist_dict_get_item (dict, "ApSecurityDomain"), &domain))
    return damaged_manifest (error, "a readable ApSecurityDomain");
  plist_dict_set_item (request, "@HostPlatformInfo", plist_new_string ("mac"));
  plist_dict_set_item (request, "@VersionInfo", plist_new_string (UB_TSS_VERSION_INFO));
  plist_dict_set_item (request, "@UUID", plist_new_string (uuid));
  plist_dict_set_item (request, "ApECID", plist_new_uint (ecid));
  plist_dict_set_item (request, "UniqueBuildID", plist_copy (build_id));
  plist_dict_set_item (request, "ApChipID", plist_new_uint (chip));
  plist_dict_set_item (request, "ApBoardID", plist_new_uint (board));
  plist_dict_set_item (request, "ApSecurityDomain", plist_new_uint (domain));
  return TRUE;
}

static gboolean
cert_signs_psi (guint64 cert_id)
{
  for (guint i = 0; i < G_N_ELEMENTS (psi_cert_ids); i++)
    if (cert_id == psi_cert_ids[i])
      return TRUE;
  return FALSE;
}

static gboolean
add_firmware (plist_t request, plist_t dict, guint64 chip_id, guint64 cert_id, GError **error)
{
  plist_t entry = plist_access_path (dict, 2, "Manifest", "BasebandFirmware");
  plist_t copy = NULL;

  if (!node_is (entry, PLIST_DICT))
    return damaged_manifest (error, "Manifest.BasebandFirmware");
  copy = plist_copy (entry);
  if (plist_dict_get_item (copy, "Info") != NULL)
    plist_dict_remove_item (copy, "Info");
  if (chip_id == 0x68)
    {
      gboolean psi = cert_signs_psi (cert_id);
      const char *drop = psi ? "PSI2-PartialDigest" : "PSI-PartialDigest";
      const char *drop_restore = psi ? "RestorePSI2-PartialDigest" : "RestorePSI-PartialDigest";

      g_debug ("Chip 0x68: leaving out %s and %s", drop, drop_restore);
      if (plist_dict_get_item (copy, drop) != NULL)
        plist_dict_remove_item (copy, drop);
      if (plist_dict_get_item (copy, drop_restore) != NULL)
        plist_dict_remove_item (copy, drop_restore);
    }
  plist_dict_set_item (request, "BasebandFirmware", copy);
  return TRUE;
}

static void
add_modem (plist_t request, plist_t dict, guint64 chip_id, const UbBasebandDevice *device)
{
  plist_dict_set_item (request, "@BBTicket", plist_new_bool (1));
  plist_dict_set_item (request, "BbChipID", plist_new_uint (chip_id));
  for (guint i = 0; i < G_N_ELEMENTS (identity_hash_keys); i++)
    {
      plist_t node = plist_dict_get_item (dict, identity_hash_keys[i]);

      if (node_is (node, PLIST_DATA))
        plist_dict_set_item (request, identity_hash_keys[i], plist_copy (node));
    }
  if (device->nonce != NULL)
    plist_dict_set_item (request, "BbNonce", ub_plist_new_data_bytes (device->nonce));
  plist_dict_set_item (request, "BbGoldCertId", plist_new_uint (device->cert_id));
  plist_dict_set_item (request, "BbSNUM", ub_plist_new_data_bytes (device->snum));
}

static gboolean
fdr_support (plist_t dict)
{
  plist_t node = plist_access_path (dict, 2, "Info", "FDRSupport");
  uint8_t value = 0;

  if (node_is (node, PLIST_BOOLEAN))
    plist_get_bool_val (node, &value);
  return value != 0;
}

/**
 * ub_baseband_request_new:
 * @identity: the build identity being restored
 * @ecid: the phone's ECID
 * @device: the modem, from the phone's request
 *
 * Returns: (transfer full): the baseband TSS request, or %NULL with
 *   %UB_ERROR_INVALID_DATA when the identity has no usable modem entry
 */
plist_t
ub_baseband_request_new (UbBuildIdentity         *identity,
                         guint64                  ecid,
                         const UbBasebandDevice  *device,
                         GError                 **error)
{
  plist_t dict = NULL;
  plist_t request = NULL;
  guint64 chip_id = 0;

  g_return_val_if_fail (UB_IS_BUILD_IDENTITY (identity), NULL);
  g_return_val_if_fail (device != NULL && device->snum != NULL, NULL);

  dict = ub_build_identity_get_plist (identity);
  chip_id = ub_baseband_identity_chip_id (identity, device->chip_id);
  if (chip_id != device->chip_id)
    g_debug ("The phone says modem chip 0x%" G_GINT64_MODIFIER "x, the manifest 0x%"
             G_GINT64_MODIFIER "x: using the manifest's", device->chip_id, chip_id);
  request = plist_new_dict ();
  if (!add_common (request, dict, ecid, error) ||
      !add_firmware (request, dict, chip_id, device->cert_id, error))
    {
      plist_free (request);
      return NULL;
    }
  add_modem (request, dict, chip_id, device);
  if (fdr_support (dict))
    {
      plist_dict_set_item (request, "ApProductionMode", plist_new_bool (1));
      plist_dict_set_item (request, "ApSecurityMode", plist_new_bool (1));
    }
  g_debug ("Baseband request for chip 0x%" G_GINT64_MODIFIER "x: %u keys",
           chip_id, plist_dict_get_size (request));
  return request;
}

static gboolean
bad_response (GError **error, const char *what)
{
  g_debug ("Baseband TSS answer refused: %s", what);
  g_set_error_literal (error, UB_ERROR, UB_ERROR_PROTOCOL,
                       /* TRANSLATORS: Apple's signing server answered, but without the modem's signatures */
                       _("Apple’s signing server did not sign the modem firmware. Try again later."));
  return FALSE;
}

static gboolean
data_fits (plist_t node)
{
  uint64_t len = 0;

  if (!node_is (node, PLIST_DATA))
    return FALSE;
  plist_get_data_ptr (node, &len);
  return len > 0 && len <= UB_BASEBAND_MAX_BLOB;
}

/* Every "<Element>-Blob" is data of a sane size and names a known file */
static gboolean
check_blobs (plist_t firmware, guint64 chip_id, GError **error)
{
  plist_dict_iter iter = NULL;
  guint n_blobs = 0;
  gboolean ok = TRUE;

  plist_dict_new_iter (firmware, &iter);
  while (ok)
    {
      char *key = NULL;
      plist_t node = NULL;
      gsize len;

      plist_dict_next_item (firmware, iter, &key, &node);
      if (key == NULL)
        break;
      len = strlen (key);
      if (len > 5 && strcmp (key + len - 5, "-Blob") == 0)
        {
          g_autofree char *element = g_strndup (key, len - 5);

          if (!data_fits (node))
            ok = bad_response (error, "a blob is empty, too large or not data");
          else if (ub_baseband_file_for_element (element, chip_id) == NULL)
            ok = bad_response (error, "a blob for an unknown element");
          n_blobs++;
        }
      free (key);
    }
  free (iter);
  if (ok && n_blobs == 0)
    ok = bad_response (error, "no blob");
  return ok;
}

/**
 * ub_baseband_response_check:
 * @response: the TSS server's answer (a parsed plist)
 * @chip_id: the modem's chip (for the element → file map)
 *
 * Returns: TRUE if @response has a BBTicket and one blob per element of a
 *   known file; else %UB_ERROR_PROTOCOL
 */
gboolean
ub_baseband_response_check (plist_t   response,
                            guint64   chip_id,
                            GError  **error)
{
  plist_t firmware = NULL;

  if (!node_is (response, PLIST_DICT))
    return bad_response (error, "not a dictionary");
  if (!data_fits (plist_dict_get_item (response, "BBTicket")))
    return bad_response (error, "no BBTicket of a sane size");
  firmware = plist_dict_get_item (response, "BasebandFirmware");
  if (!node_is (firmware, PLIST_DICT))
    return bad_response (error, "no BasebandFirmware dictionary");
  return check_blobs (firmware, chip_id, error);
}
