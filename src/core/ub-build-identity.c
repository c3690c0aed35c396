/* ub-build-identity.c — one BuildIdentity of a firmware's BuildManifest
 *
 * An identity names the chip and board it is for (ApChipID, ApBoardID as
 * hex strings, Info.DeviceClass), what it does to the phone's data
 * (Info.RestoreBehavior, Info.Variant) and every component with its path in
 * the IPSW (Manifest → Info.Path). It keeps its own copy of the identity's
 * dictionary: the TSS request needs all of it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-build-identity"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ub-build-identity.h"
#include "ub-error.h"
#include "ub-plist.h"
#include "ub-zip-directory.h"

#define MAX_COMPONENTS 4096

struct _UbBuildIdentity
{
  GObject            parent_instance;

  plist_t            dict;
  guint              index;
  guint              chip_id;
  guint              board_id;
  char              *device_class;
  char              *variant;
  UbRestoreBehavior  behavior;
  gboolean           research;
  GPtrArray         *names;        /* component names, in manifest order, NULL-terminated */
  GHashTable        *paths;        /* component → Info.Path, for those that have one */
};

G_DEFINE_FINAL_TYPE (UbBuildIdentity, ub_build_identity, G_TYPE_OBJECT)

static void
ub_build_identity_finalize (GObject *object)
{
  UbBuildIdentity *self = UB_BUILD_IDENTITY (object);

  g_clear_pointer (&self->dict, plist_free);
  g_clear_pointer (&self->device_class, g_free);
  g_clear_pointer (&self->variant, g_free);
  g_clear_pointer (&self->names, g_ptr_array_unref);
  g_clear_pointer (&self->paths, g_hash_table_unref);

  G_OBJECT_CLASS (ub_build_identity_parent_class)->finalize (object);
}

static void
ub_build_identity_class_init (UbBuildIdentityClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ub_build_identity_finalize;
}

static void
ub_build_identity_init (UbBuildIdentity *self)
{
  self->names = g_ptr_array_new_with_free_func (g_free);
  self->paths = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
}

/* ApChipID and ApBoardID: hex strings ("0x8015") in every manifest seen,
 * integers accepted too. A missing key is UB_ERROR_NOT_FOUND (the identity
 * is not for a phone), a malformed one UB_ERROR_INVALID_DATA. */
static gboolean
read_id (plist_t      dict,
         const char  *key,
         guint       *out,
         GError     **error)
{
  plist_t node = plist_dict_get_item (dict, key);
  g_autofree char *text = ub_plist_dup_string (node);
  guint64 value = 0;

  if (node == NULL)
    {
      g_set_error (error, UB_ERROR, UB_ERROR_NOT_FOUND, "no %s", key);
      return FALSE;
    }
  if (plist_get_node_type (node) == PLIST_UINT)
    plist_get_uint_val (node, &value);
  else if (text == NULL || !(g_str_has_prefix (text, "0x") || g_str_has_prefix (text, "0X")) ||
           !g_ascii_string_to_unsigned (text + 2, 16, 0, G_MAXUINT32, &value, NULL))
    {
      g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA, "%s is not a hexadecimal number", key);
      return FALSE;
    }
  if (value > G_MAXUINT32)
    {
      g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA, "%s is out of range", key);
      return FALSE;
    }
  *out = (guint)value;
  return TRUE;
}

/* An optional string: FALSE only if the key is there but not a string */
static gboolean
read_string (plist_t      dict,
             const char  *key,
             char       **out,
             GError     **error)
{
  plist_t node = plist_dict_get_item (dict, key);

  if (node == NULL)
    return TRUE;
  *out = ub_plist_dup_string (node);
  if (*out == NULL)
    {
      g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA, "Info.%s is not a string", key);
      return FALSE;
    }
  return TRUE;
}

static UbRestoreBehavior
behavior_from_variant (const char *variant)
{
  if (variant == NULL)
    return UB_RESTORE_BEHAVIOR_UNKNOWN;
  if (strstr (variant, "Erase") != NULL)
    return UB_RESTORE_BEHAVIOR_ERASE;
  if (strstr (variant, "Upgrade") != NULL || strstr (variant, "Update") != NULL)
    return UB_RESTORE_BEHAVIOR_UPDATE;
  return UB_RESTORE_BEHAVIOR_UNKNOWN;
}

static gboolean
read_info (UbBuildIdentity  *self,
           plist_t           info,
           GError          **error)
{
  g_autofree char *behavior = NULL;
  g_autofree char *lower = NULL;

  if (info == NULL || plist_get_node_type (info) != PLIST_DICT)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_NOT_FOUND, "no Info dictionary");
      return FALSE;
    }
  if (!read_string (info, "DeviceClass", &self->device_class, error) ||
      !read_string (info, "Variant", &self->variant, error) ||
      !read_string (info, "RestoreBehavior", &behavior, error))
    return FALSE;
  if (self->device_class == NULL || self->device_class[0] == '\0')
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_NOT_FOUND, "no Info.DeviceClass");
      return FALSE;
    }
  if (g_strcmp0 (behavior, "Erase") == 0)
    self->behavior = UB_RESTORE_BEHAVIOR_ERASE;
  else if (g_strcmp0 (behavior, "Update") == 0)
    self->behavior = UB_RESTORE_BEHAVIOR_UPDATE;
  else if (behavior == NULL)
    self->behavior = behavior_from_variant (self->variant);
  if (self->variant == NULL)
    self->variant = g_strdup ("");
  lower = g_ascii_strdown (self->variant, -1);
  self->research = strstr (lower, "research") != NULL || strstr (lower, "developer") != NULL ||
                   strstr (lower, "internal") != NULL;
  return TRUE;
}

static gboolean
read_component (UbBuildIdentity  *self,
                const char       *name,
                plist_t           entry,
                GError          **error)
{
  plist_t info = entry && plist_get_node_type (entry) == PLIST_DICT ? plist_dict_get_item (entry, "Info") : NULL;
  plist_t node = info && plist_get_node_type (info) == PLIST_DICT ? plist_dict_get_item (info, "Path") : NULL;
  g_autofree char *path = ub_plist_dup_string (node);
  const char *why = NULL;

  if (!g_utf8_validate (name, -1, NULL))
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA, "a component name is not UTF-8");
      return FALSE;
    }
  if (node != NULL && (path == NULL || !ub_zip_name_check (path, strlen (path), &why)))
    {
      g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA, "component %s has a bad Info.Path (%s)",
                   name, why ? why : "not a string");
      return FALSE;
    }
  g_ptr_array_add (self->names, g_strdup (name));
  if (path != NULL)
    g_hash_table_insert (self->paths, self->names->pdata[self->names->len - 1], g_steal_pointer (&path));
  return TRUE;
}

static gboolean
read_manifest (UbBuildIdentity  *self,
               plist_t           manifest,
               GError          **error)
{
  plist_dict_iter iter = NULL;
  gboolean ok = TRUE;

  if (manifest == NULL || plist_get_node_type (manifest) != PLIST_DICT)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_NOT_FOUND, "no Manifest dictionary");
      return FALSE;
    }
  if (plist_dict_get_size (manifest) > MAX_COMPONENTS)
    {
      g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA, "more than %u components", MAX_COMPONENTS);
      return FALSE;
    }
  plist_dict_new_iter (manifest, &iter);
  while (ok && iter != NULL)
    {
      char *key = NULL;
      plist_t value = NULL;

      plist_dict_next_item (manifest, iter, &key, &value);
      if (key == NULL)
        break;
      ok = read_component (self, key, value, error);
      free (key);
    }
  free (iter);
  g_ptr_array_add (self->names, NULL);
  return ok;
}

/**
 * ub_build_identity_new_from_plist:
 * @dict: one element of BuildIdentities (copied)
 * @index: its position in BuildIdentities
 *
 * Returns: (transfer full) (nullable): the identity, or %NULL with
 *   %UB_ERROR_NOT_FOUND when @dict lacks what a phone's identity has (chip,
 *   board, Info.DeviceClass, Manifest), or %UB_ERROR_INVALID_DATA when a
 *   value is malformed or a component path is unsafe
 */
UbBuildIdentity *
ub_build_identity_new_from_plist (plist_t   dict,
                                  guint     index,
                                  GError  **error)
{
  g_autoptr(UbBuildIdentity) self = g_object_new (UB_TYPE_BUILD_IDENTITY, NULL);

  g_return_val_if_fail (dict != NULL, NULL);

  self->index = index;
  if (plist_get_node_type (dict) != PLIST_DICT)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA, "not a dictionary");
      return NULL;
    }
  if (!read_id (dict, "ApChipID", &self->chip_id, error) ||
      !read_id (dict, "ApBoardID", &self->board_id, error) ||
      !read_info (self, plist_dict_get_item (dict, "Info"), error) ||
      !read_manifest (self, plist_dict_get_item (dict, "Manifest"), error))
    return NULL;
  self->dict = plist_copy (dict);
  g_debug ("Identity %u: %s 0x%04x/0x%02x “%s” (%s), %u components", index, self->device_class,
           self->chip_id, self->board_id, self->variant, ub_restore_behavior_to_string (self->behavior),
           self->names->len - 1);
  return g_steal_pointer (&self);
}

guint
ub_build_identity_get_index (UbBuildIdentity *self)
{
  g_return_val_if_fail (UB_IS_BUILD_IDENTITY (self), 0);
  return self->index;
}

guint
ub_build_identity_get_chip_id (UbBuildIdentity *self)
{
  g_return_val_if_fail (UB_IS_BUILD_IDENTITY (self), 0);
  return self->chip_id;
}

guint
ub_build_identity_get_board_id (UbBuildIdentity *self)
{
  g_return_val_if_fail (UB_IS_BUILD_IDENTITY (self), 0);
  return self->board_id;
}

/**
 * ub_build_identity_get_device_class:
 *
 * Returns: the board configuration, e.g. “d22ap”
 */
const char *
ub_build_identity_get_device_class (UbBuildIdentity *self)
{
  g_return_val_if_fail (UB_IS_BUILD_IDENTITY (self), NULL);
  return self->device_class;
}

/**
 * ub_build_identity_get_variant:
 *
 * Returns: Info.Variant, e.g. “Customer Erase Install (IPSW)”, or “”
 */
const char *
ub_build_identity_get_variant (UbBuildIdentity *self)
{
  g_return_val_if_fail (UB_IS_BUILD_IDENTITY (self), NULL);
  return self->variant;
}

/**
 * ub_build_identity_get_behavior:
 *
 * Returns: Info.RestoreBehavior; without one (the Research identities of
 *   iOS 26), what the variant's name says (“Erase”, “Upgrade”)
 */
UbRestoreBehavior
ub_build_identity_get_behavior (UbBuildIdentity *self)
{
  g_return_val_if_fail (UB_IS_BUILD_IDENTITY (self), UB_RESTORE_BEHAVIOR_UNKNOWN);
  return self->behavior;
}

/**
 * ub_build_identity_is_research:
 *
 * Returns: whether the variant is for research, development or Apple's
 *   internal use (its name says “Research”, “Developer” or “Internal”)
 */
gboolean
ub_build_identity_is_research (UbBuildIdentity *self)
{
  g_return_val_if_fail (UB_IS_BUILD_IDENTITY (self), FALSE);
  return self->research;
}

/**
 * ub_build_identity_is_customer:
 *
 * Returns: whether this is exactly “Customer Erase Install (IPSW)” with
 *   the Erase behavior, or “Customer Upgrade Install (IPSW)” with Update
 */
gboolean
ub_build_identity_is_customer (UbBuildIdentity *self)
{
  g_return_val_if_fail (UB_IS_BUILD_IDENTITY (self), FALSE);
  return (self->behavior == UB_RESTORE_BEHAVIOR_ERASE &&
          g_str_equal (self->variant, UB_BUILD_IDENTITY_VARIANT_ERASE)) ||
         (self->behavior == UB_RESTORE_BEHAVIOR_UPDATE &&
          g_str_equal (self->variant, UB_BUILD_IDENTITY_VARIANT_UPDATE));
}

/**
 * ub_build_identity_matches_model:
 *
 * Returns: whether the identity is for @model's chip (CPID), board (BDID)
 *   and board configuration (Info.DeviceClass, compared without case)
 */
gboolean
ub_build_identity_matches_model (UbBuildIdentity *self,
                                 UbModel         *model)
{
  g_return_val_if_fail (UB_IS_BUILD_IDENTITY (self), FALSE);
  g_return_val_if_fail (UB_IS_MODEL (model), FALSE);

  return self->chip_id == ub_model_get_cpid (model) &&
         self->board_id == ub_model_get_bdid (model) &&
         g_ascii_strcasecmp (self->device_class, ub_model_get_board (model)) == 0;
}

guint
ub_build_identity_get_n_components (UbBuildIdentity *self)
{
  g_return_val_if_fail (UB_IS_BUILD_IDENTITY (self), 0);
  return self->names->len - 1;
}

/**
 * ub_build_identity_get_component_names:
 *
 * Returns: (transfer none): the Manifest's keys (“iBSS”, “OS”, …), in the
 *   manifest's order, %NULL-terminated
 */
const char * const *
ub_build_identity_get_component_names (UbBuildIdentity *self)
{
  g_return_val_if_fail (UB_IS_BUILD_IDENTITY (self), NULL);
  return (const char * const *)self->names->pdata;
}

/**
 * ub_build_identity_get_component_path:
 *
 * Returns: (nullable): the component's Info.Path in the IPSW; %NULL if the
 *   component has none (ftap, rfta: personalised, not shipped) or is unknown
 */
const char *
ub_build_identity_get_component_path (UbBuildIdentity *self,
                                      const char      *component)
{
  g_return_val_if_fail (UB_IS_BUILD_IDENTITY (self), NULL);
  g_return_val_if_fail (component != NULL, NULL);
  return g_hash_table_lookup (self->paths, component);
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *)a, *(const char * const *)b);
}

/**
 * ub_build_identity_dup_paths:
 *
 * Returns: (transfer container) (element-type utf8): every distinct
 *   Info.Path, sorted
 */
GPtrArray *
ub_build_identity_dup_paths (UbBuildIdentity *self)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer path;

  g_return_val_if_fail (UB_IS_BUILD_IDENTITY (self), NULL);

  g_hash_table_iter_init (&iter, self->paths);
  while (g_hash_table_iter_next (&iter, NULL, &path))
    if (g_hash_table_add (seen, path))
      g_ptr_array_add (paths, g_strdup (path));
  g_ptr_array_sort (paths, compare_paths);
  return paths;
}

/**
 * ub_build_identity_get_plist:
 *
 * Returns: (transfer none): the whole identity dictionary (for TSS), owned
 *   by @self
 */
plist_t
ub_build_identity_get_plist (UbBuildIdentity *self)
{
  g_return_val_if_fail (UB_IS_BUILD_IDENTITY (self), NULL);
  return self->dict;
}

const char *
ub_restore_behavior_to_string (UbRestoreBehavior behavior)
{
  switch (behavior)
    {
    case UB_RESTORE_BEHAVIOR_ERASE:
      return "erase";
    case UB_RESTORE_BEHAVIOR_UPDATE:
      return "update";
    case UB_RESTORE_BEHAVIOR_UNKNOWN:
    default:
      return "unknown";
    }
}
