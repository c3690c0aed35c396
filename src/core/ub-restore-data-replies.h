/* ub-restore-data-replies.h — the answers to restored's data requests,
 * built as plists before they are sent
 *
 * The handlers in ub-restore-data-{files,nor,boot}.c are thin: they read
 * the request, build the answer with these functions and send it. The
 * builders take the build identity's Manifest (or the identity itself) as
 * a plist and get each personalized image through @image_func, so tests
 * check the shapes on real manifests without a phone.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <plist/plist.h>

G_BEGIN_DECLS

/**
 * UbRestoreDataImageFunc:
 * @component: a Manifest entry
 *
 * Returns: (transfer full) (nullable): its IMG4, or %NULL with @error
 */
typedef GBytes *(*UbRestoreDataImageFunc) (const char  *component,
                                           gpointer     user_data,
                                           GError     **error);

/* The keys of one image-list data type (PersonalizedData, FUDData, EANData) */
typedef struct
{
  const char *data_type;
  const char *list_key;      /* Arguments key asking for the list, and the reply's key */
  const char *info_key;      /* default Info flag when Arguments has no ImageType */
  const char *data_key;      /* the reply's key for the images */
} UbRestoreDataImageKeys;

const UbRestoreDataImageKeys *ub_restore_data_image_keys (const char *data_type);

GPtrArray *ub_restore_data_flagged_components (plist_t       manifest,
                                               const char   *info_key);
GPtrArray *ub_restore_data_nor_components     (plist_t       manifest);
gboolean   ub_restore_data_has_component      (plist_t       manifest,
                                               const char   *component);

plist_t    ub_restore_data_image_reply        (plist_t                  manifest,
                                               const char              *data_type,
                                               plist_t                  arguments,
                                               UbRestoreDataImageFunc   image_func,
                                               gpointer                 user_data,
                                               GError                 **error);
plist_t    ub_restore_data_nor_reply          (plist_t                  manifest,
                                               gboolean                 flash_version1,
                                               UbRestoreDataImageFunc   image_func,
                                               gpointer                 user_data,
                                               GError                 **error);
plist_t    ub_restore_data_identity_reply     (plist_t                  identity,
                                               plist_t                  arguments,
                                               GError                 **error);
plist_t    ub_restore_data_receipt_reply      (plist_t                  identity,
                                               GError                 **error);
const char *ub_restore_data_component_for     (const char              *data_type,
                                               const char             **reply_key);
const char *ub_restore_data_boot_entry        (const char              *image_name);

G_END_DECLS
