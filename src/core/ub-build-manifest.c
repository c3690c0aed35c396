/* ub-build-manifest.c — a firmware's BuildManifest.plist
 *
 * Parsed from bytes (XML or binary) through ub_plist_parse_untrusted(), so
 * the same function serves UbIpsw and fuzz-build-manifest. Keeps the whole
 * plist for the restore engine.
 *
 * Choosing an identity (ub_build_manifest_choose_identity()):
 *  1. only identities of the model's chip, board and board configuration;
 *  2. only those whose behavior (Info.RestoreBehavior, else the variant's
 *     name) is the one asked for: Erase or Update;
 *  3. the best of them, the first in the manifest on a tie: exactly
 *     “Customer Erase Install (IPSW)” / “Customer Upgrade Install (IPSW)”,
 *     then any other variant, and a Research, Developer or Internal
 *     variant only when nothing else is there;
 *  4. none: an error. Asked for an update, that is %UB_ERROR_ERASE_REQUIRED
 *     and the caller must ask the person; an erase is never chosen in an
 *     update's place (idevicerestore does that, reliability-notes.md §4).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-build-manifest"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ub-build-manifest.h"
#include "ub-error.h"
#include "ub-plist.h"

#define MAX_IDENTITIES 1024
#define MAX_PRODUCT_TYPES 256
#define MAX_NAME_LENGTH 64

struct _UbBuildManifest
{
  GObject    parent_instance;

  plist_t    root;
  char      *product_version;
  char      *build_version;
  GPtrArray *product_types;      /* NULL-terminated */
  GPtrArray *identities;
  guint      n_skipped;
};

G_DEFINE_FINAL_TYPE (UbBuildManifest, ub_build_manifest, G_TYPE_OBJECT)

static void
ub_build_manifest_finalize (GObject *object)
{
  UbBuildManifest *self = UB_BUILD_MANIFEST (object);

  g_clear_pointer (&self->root, plist_free);
  g_clear_pointer (&self->product_version, g_free);
  g_clear_pointer (&self->build_version, g_free);
  g_clear_pointer (&self->product_types, g_ptr_array_unref);
  g_clear_pointer (&self->identities, g_ptr_array_unref);

  G_OBJECT_CLASS (ub_build_manifest_parent_class)->finalize (object);
}

static void
ub_build_manifest_class_init (UbBuildManifestClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ub_build_manifest_finalize;
}

static void
ub_build_manifest_init (UbBuildManifest *self)
{
  self->product_types = g_ptr_array_new_with_free_func (g_free);
  self->identities = g_ptr_array_new_with_free_func (g_object_unref);
}

/* A short printable ASCII string (a version, a build, a product type) */
static char *
dup_name (plist_t node)
{
  g_autofree char *text = ub_plist_dup_string (node);

  if (text == NULL || text[0] == '\0' || strlen (text) > MAX_NAME_LENGTH)
    return NULL;
  for (const char *c = text; *c != '\0'; c++)
    if (!g_ascii_isprint (*c))
      return NULL;
  return g_steal_pointer (&text);
}

static gboolean
read_versions (UbBuildManifest  *self,
               GError          **error)
{
  self->product_version = dup_name (plist_dict_get_item (self->root, "ProductVersion"));
  self->build_version = dup_name (plist_dict_get_item (self->root, "ProductBuildVersion"));
  if (self->product_version == NULL || self->build_version == NULL)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                           "ProductVersion or ProductBuildVersion is missing or malformed");
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_product_types (UbBuildManifest  *self,
                    GError          **error)
{
  plist_t types = plist_dict_get_item (self->root, "SupportedProductTypes");
  guint n = types && plist_get_node_type (types) == PLIST_ARRAY ? plist_array_get_size (types) : 0;

  if (n == 0 || n > MAX_PRODUCT_TYPES)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                           "SupportedProductTypes is missing, empty or too long");
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    {
      char *type = dup_name (plist_array_get_item (types, i));

      if (type == NULL)
        {
          g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA, "SupportedProductTypes[%u] is malformed", i);
          return FALSE;
        }
      g_ptr_array_add (self->product_types, type);
    }
  g_ptr_array_add (self->product_types, NULL);
  return TRUE;
}

/* Identities that lack a chip, board or manifest are skipped (they are not
 * for a phone); malformed ones make the whole manifest invalid */
static gboolean
read_identities (UbBuildManifest  *self,
                 GError          **error)
{
  plist_t list = plist_dict_get_item (self->root, "BuildIdentities");
  guint n = list && plist_get_node_type (list) == PLIST_ARRAY ? plist_array_get_size (list) : 0;

  if (n == 0 || n > MAX_IDENTITIES)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                           "BuildIdentities is missing, empty or too long");
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) local = NULL;
      UbBuildIdentity *identity = ub_build_identity_new_from_plist (plist_array_get_item (list, i), i, &local);

      if (identity != NULL)
        g_ptr_array_add (self->identities, identity);
      else if (g_error_matches (local, UB_ERROR, UB_ERROR_NOT_FOUND))
        {
          g_debug ("Skipping identity %u: %s", i, local->message);
          self->n_skipped++;
        }
      else
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local), "BuildIdentities[%u]: ", i);
          return FALSE;
        }
    }
  if (self->identities->len == 0)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA, "no build identity names a chip and board");
      return FALSE;
    }
  return TRUE;
}

/**
 * ub_build_manifest_new_from_data:
 * @data: the contents of BuildManifest.plist (XML or binary)
 *
 * Returns: (transfer full) (nullable): the manifest, or %NULL with
 *   %UB_ERROR_INVALID_DATA (a technical message)
 */
UbBuildManifest *
ub_build_manifest_new_from_data (const guint8  *data,
                                 gsize          len,
                                 GError       **error)
{
  g_autoptr(UbBuildManifest) self = g_object_new (UB_TYPE_BUILD_MANIFEST, NULL);

  self->root = ub_plist_parse_untrusted (data, len, NULL);
  if (self->root == NULL)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                           "not a property list, or one nested too deeply to parse safely");
      return NULL;
    }
  if (plist_get_node_type (self->root) != PLIST_DICT)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA, "the top level is not a dictionary");
      return NULL;
    }
  if (!read_versions (self, error) || !read_product_types (self, error) || !read_identities (self, error))
    return NULL;
  g_debug ("Manifest of iOS %s (%s): %u product types, %u identities, %u skipped",
           self->product_version, self->build_version, self->product_types->len - 1,
           self->identities->len, self->n_skipped);
  return g_steal_pointer (&self);
}

const char *
ub_build_manifest_get_product_version (UbBuildManifest *self)
{
  g_return_val_if_fail (UB_IS_BUILD_MANIFEST (self), NULL);
  return self->product_version;
}

const char *
ub_build_manifest_get_build_version (UbBuildManifest *self)
{
  g_return_val_if_fail (UB_IS_BUILD_MANIFEST (self), NULL);
  return self->build_version;
}

/**
 * ub_build_manifest_get_product_types:
 *
 * Returns: (transfer none): SupportedProductTypes, %NULL-terminated
 */
const char * const *
ub_build_manifest_get_product_types (UbBuildManifest *self)
{
  g_return_val_if_fail (UB_IS_BUILD_MANIFEST (self), NULL);
  return (const char * const *)self->product_types->pdata;
}

gboolean
ub_build_manifest_supports_product_type (UbBuildManifest *self,
                                         const char      *product_type)
{
  g_return_val_if_fail (UB_IS_BUILD_MANIFEST (self), FALSE);
  g_return_val_if_fail (product_type != NULL, FALSE);
  return g_strv_contains (ub_build_manifest_get_product_types (self), product_type);
}

guint
ub_build_manifest_get_n_identities (UbBuildManifest *self)
{
  g_return_val_if_fail (UB_IS_BUILD_MANIFEST (self), 0);
  return self->identities->len;
}

/**
 * ub_build_manifest_get_identity:
 *
 * Returns: (transfer none): the @index-th usable identity (in manifest
 *   order; ub_build_identity_get_index() gives its place in BuildIdentities)
 */
UbBuildIdentity *
ub_build_manifest_get_identity (UbBuildManifest *self,
                                guint            index)
{
  g_return_val_if_fail (UB_IS_BUILD_MANIFEST (self), NULL);
  g_return_val_if_fail (index < self->identities->len, NULL);
  return g_ptr_array_index (self->identities, index);
}

/**
 * ub_build_manifest_get_n_skipped:
 *
 * Returns: how many BuildIdentities lacked a chip, board, board
 *   configuration or manifest and were left out
 */
guint
ub_build_manifest_get_n_skipped (UbBuildManifest *self)
{
  g_return_val_if_fail (UB_IS_BUILD_MANIFEST (self), 0);
  return self->n_skipped;
}

/**
 * ub_build_manifest_list_identities_for_model:
 *
 * Returns: (transfer container) (element-type UbBuildIdentity): the
 *   identities for @model's chip, board and board configuration
 */
GPtrArray *
ub_build_manifest_list_identities_for_model (UbBuildManifest *self,
                                             UbModel         *model)
{
  GPtrArray *found = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (UB_IS_BUILD_MANIFEST (self), found);
  g_return_val_if_fail (UB_IS_MODEL (model), found);

  for (guint i = 0; i < self->identities->len; i++)
    if (ub_build_identity_matches_model (g_ptr_array_index (self->identities, i), model))
      g_ptr_array_add (found, g_object_ref (g_ptr_array_index (self->identities, i)));
  return found;
}

/**
 * ub_build_manifest_check_fits:
 *
 * Returns: whether @model's product type is in SupportedProductTypes and an
 *   identity exists for its chip, board and board configuration; otherwise
 *   %FALSE with %UB_ERROR_WRONG_FIRMWARE
 */
gboolean
ub_build_manifest_check_fits (UbBuildManifest  *self,
                              UbModel          *model,
                              GError          **error)
{
  const char *product = NULL;
  g_autoptr(GPtrArray) matching = NULL;

  g_return_val_if_fail (UB_IS_BUILD_MANIFEST (self), FALSE);
  g_return_val_if_fail (UB_IS_MODEL (model), FALSE);

  product = ub_model_get_product_type (model);
  if (!ub_build_manifest_supports_product_type (self, product))
    {
      guint n = self->product_types->len - 1;
      g_autofree char *types = g_strjoinv (", ", (char **)self->product_types->pdata);

      g_set_error (error, UB_ERROR, UB_ERROR_WRONG_FIRMWARE,
                   /* TRANSLATORS: the first %s lists product types (“iPhone13,2, iPhone13,3”),
                    * the second is the phone's (“iPhone10,3”) */
                   g_dngettext (GETTEXT_PACKAGE,
                                "This firmware is for another model (%s); your phone is an %s.",
                                "This firmware is for other models (%s); your phone is an %s.", n),
                   types, product);
      return FALSE;
    }
  matching = ub_build_manifest_list_identities_for_model (self, model);
  if (matching->len == 0)
    {
      g_set_error (error, UB_ERROR, UB_ERROR_WRONG_FIRMWARE,
                   /* TRANSLATORS: %s: a product type (“iPhone10,3”), its board (“d22ap”);
                    * then its chip and board numbers */
                   _("This firmware names the %s but has nothing to install on its board %s "
                     "(chip 0x%04X, board 0x%02X). Use the firmware made for this phone."),
                   product, ub_model_get_board (model), ub_model_get_cpid (model), ub_model_get_bdid (model));
      return FALSE;
    }
  return TRUE;
}

static guint
rank (UbBuildIdentity *identity)
{
  if (ub_build_identity_is_customer (identity))
    return 0;
  return ub_build_identity_is_research (identity) ? 2 : 1;
}

static void
set_none_error (UbBuildManifest  *self,
                UbModel          *model,
                gboolean          erase,
                GError          **error)
{
  if (erase)
    g_set_error (error, UB_ERROR, UB_ERROR_NOT_SUPPORTED,
                 /* TRANSLATORS: %s: an iOS version (“26.2.1”), a product type (“iPhone13,2”) */
                 _("This firmware (iOS %s) has no erase-and-install restore for the %s."),
                 self->product_version, ub_model_get_product_type (model));
  else
    g_set_error (error, UB_ERROR, UB_ERROR_ERASE_REQUIRED,
                 /* TRANSLATORS: %s: an iOS version (“26.2.1”), a product type (“iPhone13,2”) */
                 _("This firmware (iOS %s) cannot update the %s and keep its data: "
                   "it can only erase the phone and install iOS afresh."),
                 self->product_version, ub_model_get_product_type (model));
}

/**
 * ub_build_manifest_choose_identity:
 * @erase: %TRUE for an erase-and-install restore, %FALSE for an update that
 *   keeps the data
 *
 * Chooses the identity to restore @model with (the rules are at the top of
 * this file).
 *
 * Returns: (transfer none) (nullable): the identity, or %NULL with
 *   %UB_ERROR_WRONG_FIRMWARE (not for this model), %UB_ERROR_ERASE_REQUIRED
 *   (no update; the caller must ask before erasing) or
 *   %UB_ERROR_NOT_SUPPORTED (no erase)
 */
UbBuildIdentity *
ub_build_manifest_choose_identity (UbBuildManifest  *self,
                                   UbModel          *model,
                                   gboolean          erase,
                                   GError          **error)
{
  UbRestoreBehavior want = erase ? UB_RESTORE_BEHAVIOR_ERASE : UB_RESTORE_BEHAVIOR_UPDATE;
  g_autoptr(GPtrArray) matching = NULL;
  UbBuildIdentity *best = NULL;

  g_return_val_if_fail (UB_IS_BUILD_MANIFEST (self), NULL);
  g_return_val_if_fail (UB_IS_MODEL (model), NULL);

  if (!ub_build_manifest_check_fits (self, model, error))
    return NULL;
  matching = ub_build_manifest_list_identities_for_model (self, model);
  for (guint i = 0; i < matching->len; i++)
    {
      UbBuildIdentity *identity = g_ptr_array_index (matching, i);

      if (ub_build_identity_get_behavior (identity) == want && (best == NULL || rank (identity) < rank (best)))
        best = identity;
    }
  if (best == NULL)
    {
      g_debug ("No %s identity for %s in iOS %s", ub_restore_behavior_to_string (want),
               ub_model_get_product_type (model), self->product_version);
      set_none_error (self, model, erase, error);
      return NULL;
    }
  g_debug ("Chose identity %u (“%s”, %s) for %s", ub_build_identity_get_index (best),
           ub_build_identity_get_variant (best), ub_build_identity_get_device_class (best),
           ub_model_get_product_type (model));
  return best;
}

/**
 * ub_build_manifest_get_plist:
 *
 * Returns: (transfer none): the whole parsed manifest, owned by @self
 */
plist_t
ub_build_manifest_get_plist (UbBuildManifest *self)
{
  g_return_val_if_fail (UB_IS_BUILD_MANIFEST (self), NULL);
  return self->root;
}
