/* ub-restore-data-nor.c — NORData: the boot chain for the phone's flash
 * (restore-mode.md §4)
 *
 * The reply holds, each personalized with the AP ticket:
 *  LlbImageData        LLB
 *  NorImageData        the other boot-chain images, iBoot first: every
 *                      Manifest entry whose Info has IsFirmwarePayload, or
 *                      both IsSecondaryFirmwarePayload and IsLoadedByiBoot,
 *                      except LLB and RestoreSEP; an array, or a
 *                      dictionary by name when Arguments.FlashVersion1
 *  RestoreSEPImageData, SEPImageData, SEPPatchImageData
 *                      RestoreSEP, SEP and SepStage1, when the identity
 *                      has them
 * The reply is built by ub_restore_data_nor_reply() (ub-restore-data-replies.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-restore-data"

#include "config.h"

#include "ub-restore-data-private.h"
#include "ub-restore-data-replies.h"

static GBytes *
personalize_image (const char  *component,
                   gpointer     user_data,
                   GError     **error)
{
  return _ub_restore_data_personalize (user_data, component, error);
}

static gboolean
wants_flash_version1 (plist_t message)
{
  plist_t arguments = _ub_restore_data_arguments (message);
  plist_t node = arguments ? plist_dict_get_item (arguments, "FlashVersion1") : NULL;
  uint8_t value = 0;

  if (node != NULL && plist_get_node_type (node) == PLIST_BOOLEAN)
    plist_get_bool_val (node, &value);
  return value != 0;
}

gboolean
_ub_restore_data_nor (UbRestoreData  *self,
                      plist_t         message,
                      GError        **error)
{
  plist_t identity = ub_build_identity_get_plist (self->identity);
  plist_t reply = ub_restore_data_nor_reply (plist_dict_get_item (identity, "Manifest"),
                                             wants_flash_version1 (message),
                                             personalize_image, self, error);
  gboolean ok;

  if (reply == NULL)
    return FALSE;
  ok = _ub_restore_data_reply (self, message, reply, FALSE, error);
  plist_free (reply);
  if (ok)
    _ub_restore_data_log (self, "data", "sent NORData");
  return ok;
}
