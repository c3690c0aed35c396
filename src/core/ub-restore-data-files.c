/* ub-restore-data-files.c — tickets, single images, the build identity,
 * and the image lists (restore-mode.md §4)
 *
 *  RootTicket                   {RootTicketData: the AP ticket}
 *  KernelCache, DeviceTree,     {<Type>File: IMG4} of one Manifest entry
 *  SystemImageRootHash/CanonicalMetadata
 *  FDRTrustData, FirmwareUpdaterPreflight   {} (what Apple's hosts send)
 *  BuildIdentityDict            {BuildIdentityDict, Variant}
 *  ReceiptManifest              {ReceiptManifest: the identity's Manifest}
 *  PersonalizedData, FUDData, EANData: a list of the entries flagged with
 *    an Info key, then the images one by one (or all at once)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-restore-data"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ub-error.h"
#include "ub-plist.h"
#include "ub-restore-data-private.h"
#include "ub-restore-data-replies.h"

static char *
dup_data_type (plist_t message)
{
  return ub_plist_dup_string (plist_dict_get_item (message, "DataType"));
}

static gboolean
send_reply (UbRestoreData  *self,
            plist_t         message,
            plist_t         reply,
            const char     *what,
            GError        **error)
{
  gboolean ok;

  if (reply == NULL)
    return FALSE;
  ok = _ub_restore_data_reply (self, message, reply, FALSE, error);
  plist_free (reply);
  if (ok)
    _ub_restore_data_log (self, "data", "sent %s", what);
  return ok;
}

gboolean
_ub_restore_data_root_ticket (UbRestoreData  *self,
                              plist_t         message,
                              GError        **error)
{
  plist_t reply = plist_new_dict ();

  plist_dict_set_item (reply, "RootTicketData", ub_plist_new_data_bytes (self->ap_ticket));
  return send_reply (self, message, reply, "RootTicket", error);
}

gboolean
_ub_restore_data_component_file (UbRestoreData  *self,
                                 plist_t         message,
                                 GError        **error)
{
  g_autofree char *data_type = dup_data_type (message);
  const char *reply_key = NULL;
  const char *component = ub_restore_data_component_for (data_type, &reply_key);
  g_autoptr(GBytes) img4 = NULL;

  if (component == NULL)
    {
      g_set_error (error, UB_ERROR, UB_ERROR_NOT_SUPPORTED, "No component for %s",
                   data_type ? data_type : "(none)");
      return FALSE;
    }
  if ((img4 = _ub_restore_data_personalize (self, component, error)) == NULL)
    return FALSE;
  /* streamed: a kernel cache is tens of MB */
  if (!_ub_restore_data_reply_data (self, message, reply_key, img4, error))
    return FALSE;
  _ub_restore_data_log (self, "data", "sent %s", data_type);
  return TRUE;
}

gboolean
_ub_restore_data_empty_reply (UbRestoreData  *self,
                              plist_t         message,
                              GError        **error)
{
  g_autofree char *data_type = dup_data_type (message);

  return send_reply (self, message, plist_new_dict (), data_type ? data_type : "empty reply", error);
}

gboolean
_ub_restore_data_build_identity (UbRestoreData  *self,
                                 plist_t         message,
                                 GError        **error)
{
  plist_t reply = ub_restore_data_identity_reply (ub_build_identity_get_plist (self->identity),
                                                  _ub_restore_data_arguments (message), error);

  return send_reply (self, message, reply, "BuildIdentityDict", error);
}

gboolean
_ub_restore_data_receipt_manifest (UbRestoreData  *self,
                                   plist_t         message,
                                   GError        **error)
{
  plist_t reply = ub_restore_data_receipt_reply (ub_build_identity_get_plist (self->identity), error);

  return send_reply (self, message, reply, "ReceiptManifest", error);
}

static GBytes *
personalize_image (const char  *component,
                   gpointer     user_data,
                   GError     **error)
{
  return _ub_restore_data_personalize (user_data, component, error);
}

gboolean
_ub_restore_data_image_list (UbRestoreData  *self,
                             plist_t         message,
                             GError        **error)
{
  g_autofree char *data_type = dup_data_type (message);
  plist_t identity = ub_build_identity_get_plist (self->identity);
  plist_t reply;

  if (ub_restore_data_image_keys (data_type) == NULL)
    {
      g_set_error (error, UB_ERROR, UB_ERROR_NOT_SUPPORTED, "No image list for %s",
                   data_type ? data_type : "(none)");
      return FALSE;
    }
  reply = ub_restore_data_image_reply (plist_dict_get_item (identity, "Manifest"), data_type,
                                       _ub_restore_data_arguments (message),
                                       personalize_image, self, error);
  return send_reply (self, message, reply, data_type, error);
}
