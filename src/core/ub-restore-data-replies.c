/* ub-restore-data-replies.c — the answers to restored's data requests,
 * built as plists (see ub-restore-data-replies.h)
 *
 * Everything here is pure: a Manifest or build identity in (content of
 * the IPSW, so untrusted: every node's type is checked), a plist out, the
 * images through a callback. tests/test-restore-data.c checks the shapes
 * on real manifests; tests/fuzz/fuzz-restore-data-replies.c feeds it
 * arbitrary plists.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-restore-data"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ub-error.h"
#include "ub-plist.h"
#include "ub-restore-data-replies.h"

/* BuildIdentityDict's Variant when the request names none (see
 * ub_restore_data_identity_reply) */
#define DEFAULT_VARIANT "Erase"

static const UbRestoreDataImageKeys image_keys[] = {
  { "PersonalizedData", "ImageList", NULL, "ImageData" },
  { "FUDData", "FUDImageList", "IsFUDFirmware", "FUDImageData" },
  { "EANData", "EANImageList", "IsEarlyAccessFirmware", "EANData" },
};

static const struct
{
  const char *data_type;
  const char *component;
  const char *reply_key;
} component_files[] = {
  { "KernelCache", "KernelCache", "KernelCacheFile" },
  { "DeviceTree", "DeviceTree", "DeviceTreeFile" },
  { "SystemImageRootHash", "SystemVolume", "SystemImageRootHashFile" },
  { "SystemImageCanonicalMetadata", "Ap,SystemVolumeCanonicalMetadata", "SystemImageCanonicalMetadataFile" },
};

/**
 * ub_restore_data_image_keys:
 *
 * Returns: (nullable): the keys of an image-list data type
 */
const UbRestoreDataImageKeys *
ub_restore_data_image_keys (const char *data_type)
{
  for (gsize i = 0; data_type != NULL && i < G_N_ELEMENTS (image_keys); i++)
    if (g_str_equal (image_keys[i].data_type, data_type))
      return &image_keys[i];
  return NULL;
}

/**
 * ub_restore_data_component_for:
 * @reply_key: (out): the key the image goes under in the reply
 *
 * Returns: (nullable): the Manifest entry answering a single-image
 *   request (KernelCache, DeviceTree, SystemImageRootHash,
 *   SystemImageCanonicalMetadata)
 */
const char *
ub_restore_data_component_for (const char  *data_type,
                               const char **reply_key)
{
  for (gsize i = 0; data_type != NULL && i < G_N_ELEMENTS (component_files); i++)
    if (g_str_equal (component_files[i].data_type, data_type))
      {
        *reply_key = component_files[i].reply_key;
        return component_files[i].component;
      }
  return NULL;
}

static gboolean
dict_get_true (plist_t     dict,
               const char *key)
{
  plist_t node = dict && plist_get_node_type (dict) == PLIST_DICT ? plist_dict_get_item (dict, key) : NULL;
  uint8_t value = 0;

  if (node != NULL && plist_get_node_type (node) == PLIST_BOOLEAN)
    plist_get_bool_val (node, &value);
  return value != 0;
}

/**
 * ub_restore_data_has_component:
 * @manifest: a build identity's Manifest dictionary
 *
 * Returns: whether @manifest has an entry @component
 */
gboolean
ub_restore_data_has_component (plist_t     manifest,
                               const char *component)
{
  plist_t entry;

  if (manifest == NULL || plist_get_node_type (manifest) != PLIST_DICT)
    return FALSE;
  entry = plist_dict_get_item (manifest, component);
  return entry != NULL && plist_get_node_type (entry) == PLIST_DICT;
}

/**
 * ub_restore_data_flagged_components:
 * @manifest: a build identity's Manifest dictionary
 * @info_key: a boolean of the entries' Info, e.g. "IsFUDFirmware"
 *
 * Returns: (transfer full) (element-type utf8): the entries whose Info has
 *   @info_key true, in the manifest's order
 */
GPtrArray *
ub_restore_data_flagged_components (plist_t     manifest,
                                    const char *info_key)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  plist_dict_iter iter = NULL;
  char *key = NULL;
  plist_t entry = NULL;

  if (manifest == NULL || plist_get_node_type (manifest) != PLIST_DICT)
    return names;
  plist_dict_new_iter (manifest, &iter);
  for (plist_dict_next_item (manifest, iter, &key, &entry); entry != NULL;
       plist_dict_next_item (manifest, iter, &key, &entry))
    {
      if (plist_get_node_type (entry) == PLIST_DICT &&
          dict_get_true (plist_dict_get_item (entry, "Info"), info_key))
        g_ptr_array_add (names, g_steal_pointer (&key));
      g_clear_pointer (&key, free);
    }
  free (iter);
  return names;
}

static gboolean
names_contain (GPtrArray  *names,
               const char *name)
{
  for (guint i = 0; i < names->len; i++)
    if (g_str_equal (g_ptr_array_index (names, i), name))
      return TRUE;
  return FALSE;
}

static plist_t
names_array (GPtrArray *names)
{
  plist_t array = plist_new_array ();

  for (guint i = 0; i < names->len; i++)
    plist_array_append_item (array, plist_new_string (g_ptr_array_index (names, i)));
  return array;
}

/* {data_key: {name: IMG4, …}} for every flagged entry */
static plist_t
all_images (GPtrArray                     *names,
            const UbRestoreDataImageKeys  *keys,
            UbRestoreDataImageFunc         image_func,
            gpointer                       user_data,
            GError                       **error)
{
  plist_t images = plist_new_dict ();
  plist_t reply;

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autoptr(GBytes) img4 = image_func (name, user_data, error);

      if (img4 == NULL)
        {
          plist_free (images);
          return NULL;
        }
      plist_dict_set_item (images, name, ub_plist_new_data_bytes (img4));
    }
  reply = plist_new_dict ();
  plist_dict_set_item (reply, keys->data_key, images);
  return reply;
}

/* {data_key: IMG4, ImageName: @name}, for a flagged entry only */
static plist_t
one_image (GPtrArray                     *names,
           const UbRestoreDataImageKeys  *keys,
           const char                    *name,
           UbRestoreDataImageFunc         image_func,
           gpointer                       user_data,
           GError                       **error)
{
  g_autoptr(GBytes) img4 = NULL;
  plist_t reply;

  if (!names_contain (names, name))
    {
      g_set_error (error, UB_ERROR, UB_ERROR_WRONG_FIRMWARE,
                   /* TRANSLATORS: %s: a firmware component name, e.g. "DCP" */
                   _("The iPhone asked for the firmware image “%s”, which this firmware file does not offer. Check that the firmware file is for this iPhone."),
                   name);
      return NULL;
    }
  if ((img4 = image_func (name, user_data, error)) == NULL)
    return NULL;
  reply = plist_new_dict ();
  plist_dict_set_item (reply, keys->data_key, ub_plist_new_data_bytes (img4));
  plist_dict_set_item (reply, "ImageName", plist_new_string (name));
  return reply;
}

/**
 * ub_restore_data_image_reply:
 * @manifest: the build identity's Manifest
 * @data_type: PersonalizedData, FUDData or EANData
 * @arguments: (nullable): the request's Arguments
 *
 * Builds the answer: the list of flagged entries when Arguments asks for
 * it (the type's list key, or ImageList), else the image
 * Arguments.ImageName names, else every flagged image.
 *
 * Returns: (transfer full) (nullable): the reply, or %NULL with @error
 */
plist_t
ub_restore_data_image_reply (plist_t                  manifest,
                             const char              *data_type,
                             plist_t                  arguments,
                             UbRestoreDataImageFunc   image_func,
                             gpointer                 user_data,
                             GError                 **error)
{
  const UbRestoreDataImageKeys *keys = ub_restore_data_image_keys (data_type);
  g_autofree char *type = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GPtrArray) names = NULL;
  plist_t reply;

  g_return_val_if_fail (keys != NULL, NULL);
  if (arguments != NULL && plist_get_node_type (arguments) == PLIST_DICT)
    {
      type = ub_plist_dup_string (plist_dict_get_item (arguments, "ImageType"));
      name = ub_plist_dup_string (plist_dict_get_item (arguments, "ImageName"));
    }
  if (type == NULL && keys->info_key == NULL)
    {
      g_set_error (error, UB_ERROR, UB_ERROR_PROTOCOL,
                   /* TRANSLATORS: %s: a request name of the restore protocol, e.g. PersonalizedData */
                   _("The iPhone asked for firmware images (%s) without saying which kind."), data_type);
      return NULL;
    }
  names = ub_restore_data_flagged_components (manifest, type ? type : keys->info_key);
  g_debug ("%s: %u images flagged %s", data_type, names->len, type ? type : keys->info_key);
  /* FUDData/EANData name their own list key; a plain ImageList is taken
   * as the same question */
  if (dict_get_true (arguments, keys->list_key) || dict_get_true (arguments, "ImageList"))
    {
      reply = plist_new_dict ();
      plist_dict_set_item (reply, keys->list_key, names_array (names));
      return reply;
    }
  if (name == NULL)
    return all_images (names, keys, image_func, user_data, error);
  return one_image (names, keys, name, image_func, user_data, error);
}

/**
 * ub_restore_data_identity_reply:
 * @identity: the build identity dictionary
 * @arguments: (nullable): the request's Arguments
 *
 * {BuildIdentityDict: a copy of @identity, Variant}. The Variant is the
 * one the phone names in its Arguments, else "Erase": the one known host
 * that answers this request (idevicerestore) sends "Erase" for erase and
 * update restores alike and both work, while no host is known to send any
 * other value, so we invent none. A request for the recovery OS identity
 * (Arguments.IsRecoveryOS) is refused: only phones with a RecoveryVariant
 * ask for it, and Unbrick does not install a recovery OS.
 *
 * Returns: (transfer full) (nullable): the reply, or %NULL with @error
 */
plist_t
ub_restore_data_identity_reply (plist_t   identity,
                                plist_t   arguments,
                                GError  **error)
{
  g_autofree char *variant = NULL;
  plist_t reply;

  if (dict_get_true (arguments, "IsRecoveryOS"))
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_NOT_SUPPORTED,
                           _("The iPhone asked for a recovery system, which Unbrick cannot install on this model yet."));
      return NULL;
    }
  if (arguments != NULL && plist_get_node_type (arguments) == PLIST_DICT)
    variant = ub_plist_dup_string (plist_dict_get_item (arguments, "Variant"));
  reply = plist_new_dict ();
  plist_dict_set_item (reply, "BuildIdentityDict", plist_copy (identity));
  plist_dict_set_item (reply, "Variant", plist_new_string (variant ? variant : DEFAULT_VARIANT));
  return reply;
}

/**
 * ub_restore_data_receipt_reply:
 * @identity: the build identity dictionary
 *
 * Returns: (transfer full) (nullable): {ReceiptManifest: its Manifest}
 */
plist_t
ub_restore_data_receipt_reply (plist_t   identity,
                               GError  **error)
{
  plist_t manifest = identity ? plist_dict_get_item (identity, "Manifest") : NULL;
  plist_t reply;

  if (manifest == NULL || plist_get_node_type (manifest) != PLIST_DICT)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_CORRUPT_ARCHIVE,
                           _("The firmware file’s build manifest has no list of components. Download the firmware again."));
      return NULL;
    }
  reply = plist_new_dict ();
  plist_dict_set_item (reply, "ReceiptManifest", plist_copy (manifest));
  return reply;
}

/* ---- NORData (see ub-restore-data-nor.c) ---- */

static const struct
{
  const char *component;
  const char *reply_key;
} sep_images[] = {
  { "RestoreSEP", "RestoreSEPImageData" },
  { "SEP", "SEPImageData" },
  { "SepStage1", "SEPPatchImageData" },
};

static gboolean
goes_to_nor (const char *name,
             plist_t     entry)
{
  plist_t info;

  if (plist_get_node_type (entry) != PLIST_DICT ||
      g_str_equal (name, "LLB") || g_str_equal (name, "RestoreSEP"))
    return FALSE;
  info = plist_dict_get_item (entry, "Info");
  return dict_get_true (info, "IsFirmwarePayload") ||
         (dict_get_true (info, "IsSecondaryFirmwarePayload") && dict_get_true (info, "IsLoadedByiBoot"));
}

/**
 * ub_restore_data_nor_components:
 * @manifest: a build identity's Manifest dictionary
 *
 * Returns: (transfer full) (element-type utf8): the entries of
 *   NorImageData, iBoot first, the others in the manifest's order
 */
GPtrArray *
ub_restore_data_nor_components (plist_t manifest)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  plist_dict_iter iter = NULL;
  char *key = NULL;
  plist_t entry = NULL;

  if (manifest == NULL || plist_get_node_type (manifest) != PLIST_DICT)
    return names;
  plist_dict_new_iter (manifest, &iter);
  for (plist_dict_next_item (manifest, iter, &key, &entry); entry != NULL;
       plist_dict_next_item (manifest, iter, &key, &entry))
    {
      if (goes_to_nor (key, entry))
        {
          if (g_str_equal (key, "iBoot"))
            g_ptr_array_insert (names, 0, g_strdup (key));
          else
            g_ptr_array_add (names, g_strdup (key));
        }
      g_clear_pointer (&key, free);
    }
  free (iter);
  return names;
}

static gboolean
add_image (plist_t                  container,
           const char              *key,
           const char              *component,
           UbRestoreDataImageFunc   image_func,
           gpointer                 user_data,
           GError                 **error)
{
  g_autoptr(GBytes) img4 = image_func (component, user_data, error);
  const char *data;
  gsize len = 0;

  if (img4 == NULL)
    return FALSE;
  data = g_bytes_get_data (img4, &len);
  if (plist_get_node_type (container) == PLIST_ARRAY)
    plist_array_append_item (container, plist_new_data (data, len));
  else
    plist_dict_set_item (container, key, plist_new_data (data, len));
  return TRUE;
}

static plist_t
nor_images (plist_t                  manifest,
            gboolean                 flash_version1,
            UbRestoreDataImageFunc   image_func,
            gpointer                 user_data,
            GError                 **error)
{
  g_autoptr(GPtrArray) names = ub_restore_data_nor_components (manifest);
  plist_t images = flash_version1 ? plist_new_dict () : plist_new_array ();

  g_debug ("NORData: %u images%s", names->len, flash_version1 ? " (FlashVersion1)" : "");
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);

      if (!add_image (images, name, name, image_func, user_data, error))
        {
          plist_free (images);
          return NULL;
        }
    }
  return images;
}

/**
 * ub_restore_data_nor_reply:
 * @manifest: the build identity's Manifest
 * @flash_version1: the request's Arguments.FlashVersion1
 *
 * Returns: (transfer full) (nullable): the NORData reply, or %NULL with
 *   @error (an identity without LLB is an error)
 */
plist_t
ub_restore_data_nor_reply (plist_t                  manifest,
                           gboolean                 flash_version1,
                           UbRestoreDataImageFunc   image_func,
                           gpointer                 user_data,
                           GError                 **error)
{
  plist_t reply;
  plist_t images;

  if (!ub_restore_data_has_component (manifest, "LLB"))
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_WRONG_FIRMWARE,
                           _("The firmware file has no boot loader (LLB) for this iPhone. Check that the firmware file is for this iPhone."));
      return NULL;
    }
  reply = plist_new_dict ();
  if (!add_image (reply, "LlbImageData", "LLB", image_func, user_data, error) ||
      (images = nor_images (manifest, flash_version1, image_func, user_data, error)) == NULL)
    {
      plist_free (reply);
      return NULL;
    }
  plist_dict_set_item (reply, "NorImageData", images);
  for (gsize i = 0; i < G_N_ELEMENTS (sep_images); i++)
    if (ub_restore_data_has_component (manifest, sep_images[i].component) &&
        !add_image (reply, sep_images[i].reply_key, sep_images[i].component, image_func, user_data, error))
      {
        plist_free (reply);
        return NULL;
      }
  return reply;
}

/* ---- boot objects ---- */

/**
 * ub_restore_data_boot_entry:
 * @image_name: a PersonalizedBootObjectV3 request's ImageName
 *
 * Returns: (nullable): the IPSW entry sent unchanged for a special name,
 *   or %NULL when @image_name is a Manifest entry (or unknown special)
 */
const char *
ub_restore_data_boot_entry (const char *image_name)
{
  if (g_strcmp0 (image_name, "__RestoreVersion__") == 0)
    return "RestoreVersion.plist";
  if (g_strcmp0 (image_name, "__SystemVersion__") == 0)
    return "SystemVersion.plist";
  return NULL;
}

