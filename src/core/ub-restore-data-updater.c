/* ub-restore-data-updater.c — FirmwareUpdaterData: co-processor tickets
 *
 * The phone asks once per co-processor updater (SE, Savage or Yonkers,
 * Rose, T200, Cryptex1, Vinyl …). For each: build its TSS request
 * (ub-tss-updater.c), send it from this worker thread, check the answer
 * has the ticket the updater needs, and answer on the request's DataPort
 * {FirmwareResponseData: the server's answer}, plus, when the phone's
 * ResponseTags ask for "FirmwareData", the firmware itself:
 *
 *  - SE: the SE,UpdatePayload (or SE,Firmware) file as it is;
 *  - Savage: a 16-byte header (the patch size, LE32, at offset 4) + the
 *    patch;
 *  - Yonkers: {YonkersFirmware: the patch};
 *  - Rose: Rap,RTKitOS's ftab, with the "rrko" entry of
 *    Rap,RestoreRTKitOS's ftab added when the identity has one;
 *  - T200: the BMU,FirmwareMap plist with "fw_map_digest" (its manifest
 *    digest) added, as a binary plist.
 *
 * Cryptex1 and the pass-through updaters get the answer alone.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-restore-data"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ub-error.h"
#include "ub-ftab.h"
#include "ub-plist.h"
#include "ub-restore-data-private.h"
#include "ub-restore-personalize.h"
#include "ub-tss-updater.h"
#include "ub-tss.h"

/* Co-processor firmware files weigh 0.1–30 MB */
#define MAX_UPDATER_FIRMWARE (64 * 1024 * 1024)
#define RKOS_TAG UB_FTAB_TAG ('r', 'k', 'o', 's')
#define RRKO_TAG UB_FTAB_TAG ('r', 'r', 'k', 'o')

static GBytes *
read_firmware (UbRestoreData *self, const char *component, GError **error)
{
  g_autoptr(GBytes) bytes = ub_restore_read_component (self->ipsw, self->identity, component, FALSE,
                                                       self->cancellable, error);

  if (bytes != NULL && g_bytes_get_size (bytes) > MAX_UPDATER_FIRMWARE)
    {
      g_set_error (error, UB_ERROR, UB_ERROR_CORRUPT_ARCHIVE,
                   /* TRANSLATORS: %s is a firmware component, e.g. "Rap,RTKitOS" */
                   _("The firmware file is damaged: %s is far too large. Download the firmware again."),
                   component);
      return NULL;
    }
  return g_steal_pointer (&bytes);
}

static plist_t
savage_firmware (GBytes *patch)
{
  gsize len = g_bytes_get_size (patch);
  guint8 *out = g_malloc0 (len + 16);
  plist_t node;

  out[4] = len & 0xff;
  out[5] = (len >> 8) & 0xff;
  out[6] = (len >> 16) & 0xff;
  out[7] = (len >> 24) & 0xff;
  memcpy (out + 16, g_bytes_get_data (patch, NULL), len);
  node = plist_new_data ((const char *) out, len + 16);
  g_free (out);
  return node;
}

static plist_t
yonkers_firmware (GBytes *patch)
{
  plist_t dict = plist_new_dict ();

  plist_dict_set_item (dict, "YonkersFirmware", ub_plist_new_data_bytes (patch));
  return dict;
}

/* Rap,RTKitOS's ftab (+ rrko from Rap,RestoreRTKitOS) */
static plist_t
rose_firmware (UbRestoreData *self, GBytes *rtkit, GError **error)
{
  g_autoptr(UbFtab) ftab = ub_ftab_parse (rtkit, error);
  g_autoptr(UbFtab) restore_ftab = NULL;
  g_autoptr(GBytes) restore_bytes = NULL, rrko = NULL, out = NULL;

  if (ftab == NULL)
    return NULL;
  if (ub_ftab_get_tag (ftab) != RKOS_TAG)
    g_debug ("Rap,RTKitOS ftab tag is %08x, not rkos", ub_ftab_get_tag (ftab));
  if (ub_build_identity_get_component_path (self->identity, "Rap,RestoreRTKitOS") != NULL)
    {
      restore_bytes = read_firmware (self, "Rap,RestoreRTKitOS", error);
      restore_ftab = restore_bytes ? ub_ftab_parse (restore_bytes, error) : NULL;
      if (restore_ftab == NULL)
        return NULL;
      rrko = ub_ftab_dup_entry (restore_ftab, RRKO_TAG);
      if (rrko == NULL)
        {
          g_set_error_literal (error, UB_ERROR, UB_ERROR_CORRUPT_ARCHIVE,
                               _("The firmware file is damaged: the ultra wideband chip’s restore firmware "
                                 "is missing. Download the firmware again."));
          return NULL;
        }
      if (!ub_ftab_add_entry (ftab, RRKO_TAG, rrko, error))
        return NULL;
    }
  out = ub_ftab_write (ftab);
  g_debug ("Rose firmware: %u ftab entries, %" G_GSIZE_FORMAT " bytes", ub_ftab_get_n_entries (ftab),
           g_bytes_get_size (out));
  return ub_plist_new_data_bytes (out);
}

/* BMU,FirmwareMap + fw_map_digest, as a binary plist */
static plist_t
veridian_firmware (UbRestoreData *self, GBytes *map_bytes, GError **error)
{
  plist_t digest = plist_access_path (ub_build_identity_get_plist (self->identity), 3, "Manifest",
                                      "BMU,FirmwareMap", "Digest");
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (map_bytes, &len);
  plist_t map = ub_plist_parse_untrusted (data, len, error);
  char *bin = NULL;
  uint32_t bin_len = 0;
  plist_t node;

  if (map == NULL)
    return NULL;
  if (plist_get_node_type (map) != PLIST_DICT || digest == NULL || plist_get_node_type (digest) != PLIST_DATA)
    {
      plist_free (map);
      g_set_error_literal (error, UB_ERROR, UB_ERROR_CORRUPT_ARCHIVE,
                           _("The firmware file is damaged: the battery controller’s firmware map cannot be "
                             "read. Download the firmware again."));
      return NULL;
    }
  plist_dict_set_item (map, "fw_map_digest", plist_copy (digest));
  plist_to_bin (map, &bin, &bin_len);
  plist_free (map);
  node = plist_new_data (bin, bin_len);
  free (bin);
  return node;
}

static plist_t
firmware_data (UbRestoreData *self, const UbTssUpdaterPlan *plan, GError **error)
{
  g_autoptr(GBytes) bytes = read_firmware (self, plan->component, error);

  if (bytes == NULL)
    return NULL;
  _ub_restore_data_log (self, "updater", "%s firmware %s: %" G_GSIZE_FORMAT " bytes", plan->name,
                        plan->component, g_bytes_get_size (bytes));
  switch (plan->kind)
    {
    case UB_TSS_UPDATER_SAVAGE:
      return savage_firmware (bytes);
    case UB_TSS_UPDATER_YONKERS:
      return yonkers_firmware (bytes);
    case UB_TSS_UPDATER_ROSE:
      return rose_firmware (self, bytes, error);
    case UB_TSS_UPDATER_VERIDIAN:
      return veridian_firmware (self, bytes, error);
    case UB_TSS_UPDATER_SE:
    case UB_TSS_UPDATER_CRYPTEX1:
    case UB_TSS_UPDATER_GENERIC:
    default:
      return ub_plist_new_data_bytes (bytes);
    }
}

/* Names the part in a failure that came from below (network, archive) */
static void
prefix_error (GError **error, const UbTssUpdaterPlan *plan)
{
  g_autofree char *part = ub_tss_updater_dup_part_name (plan->kind == UB_TSS_UPDATER_YONKERS ? "Yonkers"
                                                        : plan->name, NULL);

  /* TRANSLATORS: %s is a part of the phone, e.g. "the Face ID camera firmware"; the reason follows */
  g_prefix_error (error, _("Could not prepare %s: "), part);
}

gboolean
_ub_restore_data_firmware_updater (UbRestoreData  *self,
                                   plist_t         message,
                                   GError        **error)
{
  g_auto(UbTssUpdaterPlan) plan = { 0 };
  plist_t arguments = _ub_restore_data_arguments (message);
  plist_t request, response, reply, firmware = NULL;
  gboolean ok;

  request = ub_tss_updater_request_new (self->identity, arguments, &plan, error);
  if (request == NULL)
    return FALSE;
  g_debug ("FirmwareUpdaterData %s: asking for %s", plan.name, plan.ticket_key);
  _ub_restore_data_log (self, "updater", "%s: TSS request for %s", plan.name, plan.ticket_key);
  response = _ub_restore_data_send_tss (self, request, error);
  plist_free (request);
  if (response == NULL)
    return prefix_error (error, &plan), FALSE;
  if (!ub_tss_updater_check_response (&plan, response, error))
    return plist_free (response), FALSE;
  if (plan.wants_firmware && plan.component != NULL &&
      (firmware = firmware_data (self, &plan, error)) == NULL)
    {
      plist_free (response);
      return prefix_error (error, &plan), FALSE;
    }
  if (firmware != NULL)
    plist_dict_set_item (response, "FirmwareData", firmware);
  reply = plist_new_dict ();
  plist_dict_set_item (reply, "FirmwareResponseData", response);
  g_debug ("FirmwareUpdaterData %s: answering%s", plan.name, firmware ? " with FirmwareData" : "");
  ok = _ub_restore_data_reply (self, message, reply, FALSE, error);
  plist_free (reply);
  return ok;
}
