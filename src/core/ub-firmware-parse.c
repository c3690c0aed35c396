/* ub-firmware-parse.c — the two firmware catalogs' formats
 *
 * ipsw.me v4 (JSON) lists every image of a model with its size, SHA-1,
 * SHA-256 and whether Apple still signs it. Apple's own version list (a
 * plist, restore-protocol.md §5) has URL and SHA-1 per build, no size and no
 * signing status; it is the cross-check for the SHA-1 and the fallback when
 * ipsw.me cannot be reached. Both come from the network: every field is
 * type-checked and bounded, and an entry that does not make sense is left
 * out rather than half-used.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-firmware-parse"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <plist/plist.h>
#include <string.h>

#include "ub-error.h"
#include "ub-firmware-parse.h"
#include "ub-plist.h"

#define MAX_ENTRIES 5000
#define MAX_STRING 2048

static const char *
json_string (JsonObject *obj,
             const char *name)
{
  JsonNode *node = json_object_get_member (obj, name);
  const char *s;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  s = json_node_get_string (node);
  return s && *s && strlen (s) <= MAX_STRING ? s : NULL;
}

static gboolean
url_is_acceptable (const char *url)
{
  return url != NULL && (g_str_has_prefix (url, "https://") || g_str_has_prefix (url, "http://")) &&
         strchr (url, ' ') == NULL && strchr (url, '\n') == NULL;
}

static UbSigned
json_signed (JsonObject *obj)
{
  JsonNode *node = json_object_get_member (obj, "signed");

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return UB_SIGNED_UNKNOWN;
  return json_node_get_boolean (node) ? UB_SIGNED_YES : UB_SIGNED_NO;
}

static guint64
json_size (JsonObject *obj)
{
  JsonNode *node = json_object_get_member (obj, "filesize");
  gint64 size;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return 0;
  size = json_node_get_int (node);
  return size > 0 && size < G_GINT64_CONSTANT (64) << 30 ? (guint64)size : 0;
}

static UbFirmware *
firmware_from_json (JsonObject *obj,
                    const char *product_type)
{
  const char *version = json_string (obj, "version");
  const char *build = json_string (obj, "buildid");
  const char *url = json_string (obj, "url");
  const char *identifier = json_string (obj, "identifier");
  const char *date = json_string (obj, "releasedate");
  g_autoptr(GDateTime) released = date ? g_date_time_new_from_iso8601 (date, NULL) : NULL;
  UbFirmware *firmware;

  if (version == NULL || build == NULL || !url_is_acceptable (url) ||
      (identifier != NULL && g_ascii_strcasecmp (identifier, product_type) != 0))
    return NULL;
  firmware = ub_firmware_new (product_type, version, build, url);
  _ub_firmware_set_size (firmware, json_size (obj));
  _ub_firmware_set_hashes (firmware, json_string (obj, "sha1sum"), json_string (obj, "sha256sum"));
  _ub_firmware_set_signed (firmware, json_signed (obj));
  _ub_firmware_set_release_date (firmware, released);
  return firmware;
}

/**
 * ub_firmware_parse_ipsw_me:
 * @json: the answer of api.ipsw.me/v4/device/PRODUCT_TYPE
 *
 * Returns: (transfer container) (element-type UbFirmware): the usable
 *   images, newest first as the service lists them; %NULL with @error set
 *   when the document is not such an answer
 */
GPtrArray *
ub_firmware_parse_ipsw_me (GBytes      *json,
                           const char  *product_type,
                           GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) local = NULL;
  JsonNode *root;
  JsonNode *list;
  gsize len;
  const char *data = g_bytes_get_data (json, &len);

  if (!json_parser_load_from_data (parser, data ? data : "", (gssize)len, &local) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      (list = json_object_get_member (json_node_get_object (root), "firmwares")) == NULL ||
      !JSON_NODE_HOLDS_ARRAY (list))
    {
      g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                   _("The firmware list from ipsw.me is not readable: %s"),
                   local ? local->message : _("no list of firmwares"));
      return NULL;
    }

  for (guint i = 0; i < json_array_get_length (json_node_get_array (list)) && i < MAX_ENTRIES; i++)
    {
      JsonNode *item = json_array_get_element (json_node_get_array (list), i);
      UbFirmware *firmware;

      if (JSON_NODE_HOLDS_OBJECT (item) &&
          (firmware = firmware_from_json (json_node_get_object (item), product_type)) != NULL)
        g_ptr_array_add (found, firmware);
    }
  g_debug ("ipsw.me lists %u images for %s", found->len, product_type);
  return g_steal_pointer (&found);
}

static void
apple_restore_free (UbAppleRestore *restore)
{
  g_free (restore->version);
  g_free (restore->build);
  g_free (restore->url);
  g_free (restore->sha1);
  g_free (restore);
}

void
ub_apple_catalog_free (UbAppleCatalog *catalog)
{
  if (catalog == NULL)
    return;
  g_clear_pointer (&catalog->by_build, g_hash_table_unref);
  g_free (catalog->latest_build);
  g_free (catalog);
}

static char *
plist_string (plist_t     dict,
              const char *key)
{
  char *value = dict ? ub_plist_dup_string (plist_dict_get_item (dict, key)) : NULL;

  if (value != NULL && (strlen (value) > MAX_STRING || *value == '\0'))
    g_clear_pointer (&value, g_free);
  return value;
}

static plist_t
plist_dict_at (plist_t     node,
               const char *key)
{
  plist_t child;

  if (node == NULL || plist_get_node_type (node) != PLIST_DICT)
    return NULL;
  child = plist_dict_get_item (node, key);
  return child && plist_get_node_type (child) == PLIST_DICT ? child : NULL;
}

static void
add_apple_build (UbAppleCatalog *catalog,
                 const char     *build,
                 plist_t         entry)
{
  plist_t restore = plist_dict_at (entry, "Restore");
  UbAppleRestore *r;
  char *url;

  if (restore == NULL || g_hash_table_size (catalog->by_build) >= MAX_ENTRIES)
    return;
  url = plist_string (restore, "FirmwareURL");
  if (!url_is_acceptable (url))
    {
      g_free (url);
      return;
    }
  r = g_new0 (UbAppleRestore, 1);
  r->build = g_strdup (build);
  r->url = url;
  r->version = plist_string (restore, "ProductVersion");
  r->sha1 = plist_string (restore, "FirmwareSHA1");
  if (r->version == NULL || !ub_hex_digest_is_valid (r->sha1, 20))
    {
      apple_restore_free (r);
      return;
    }
  g_hash_table_replace (catalog->by_build, g_strdup (build), r);
}

static void
add_apple_product (UbAppleCatalog *catalog,
                   plist_t         product)
{
  plist_dict_iter iter = NULL;
  char *key = NULL;
  plist_t value = NULL;
  g_autofree char *latest = NULL;

  plist_dict_new_iter (product, &iter);
  for (plist_dict_next_item (product, iter, &key, &value); key != NULL;
       plist_dict_next_item (product, iter, &key, &value))
    {
      if (g_str_equal (key, "Unknown"))
        latest = plist_string (plist_dict_at (plist_dict_at (value, "Universal"), "Restore"), "BuildVersion");
      else if (plist_get_node_type (value) == PLIST_DICT)
        add_apple_build (catalog, key, value);
      free (key);
      key = NULL;
    }
  free (iter);
  if (latest != NULL)
    {
      g_free (catalog->latest_build);
      catalog->latest_build = g_steal_pointer (&latest);
    }
}

/**
 * ub_firmware_parse_apple:
 * @plist: Apple's version list (s.mzstatic.com/version)
 *
 * Returns: (transfer full): the builds of @product_type, or %NULL with @error
 *   set when the document is not Apple's list
 */
UbAppleCatalog *
ub_firmware_parse_apple (GBytes      *plist,
                         const char  *product_type,
                         GError     **error)
{
  g_autoptr(UbAppleCatalog) catalog = g_new0 (UbAppleCatalog, 1);
  plist_dict_iter iter = NULL;
  plist_t root = NULL, majors, value = NULL;
  char *key = NULL;
  gsize len;
  const char *data = g_bytes_get_data (plist, &len);

  catalog->by_build = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify)apple_restore_free);
  /* Apple serves XML; the binary form is accepted too, after the same checks */
  root = ub_plist_parse_untrusted ((const guint8 *)data, len, NULL);
  if ((majors = plist_dict_at (root, "MobileDeviceSoftwareVersionsByVersion")) == NULL)
    {
      plist_free (root);
      g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                           _("Apple’s firmware list is not readable."));
      return NULL;
    }

  plist_dict_new_iter (majors, &iter);
  for (plist_dict_next_item (majors, iter, &key, &value); key != NULL;
       plist_dict_next_item (majors, iter, &key, &value))
    {
      plist_t product = plist_dict_at (plist_dict_at (value, "MobileDeviceSoftwareVersions"), product_type);

      if (product != NULL)
        add_apple_product (catalog, product);
      free (key);
      key = NULL;
    }
  free (iter);
  plist_free (root);
  g_debug ("Apple lists %u builds for %s (latest %s)", g_hash_table_size (catalog->by_build),
           product_type, catalog->latest_build ? catalog->latest_build : "unknown");
  return g_steal_pointer (&catalog);
}

static int
compare_newest_first (gconstpointer a,
                      gconstpointer b)
{
  UbFirmware *fa = *(UbFirmware **)a, *fb = *(UbFirmware **)b;
  int cmp = ub_firmware_compare_versions (ub_firmware_get_version (fb), ub_firmware_get_version (fa));

  return cmp ? cmp : g_strcmp0 (ub_firmware_get_build (fb), ub_firmware_get_build (fa));
}

/**
 * ub_firmware_list_from_apple:
 *
 * The fallback when ipsw.me cannot be reached: Apple's builds, newest first,
 * with their SHA-1 and unknown size and signing status.
 *
 * Returns: (transfer container) (element-type UbFirmware): the images
 */
GPtrArray *
ub_firmware_list_from_apple (UbAppleCatalog *apple,
                             const char     *product_type)
{
  GPtrArray *list = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, apple->by_build);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      UbAppleRestore *r = value;
      UbFirmware *firmware = ub_firmware_new (product_type, r->version, r->build, r->url);

      _ub_firmware_set_hashes (firmware, r->sha1, NULL);
      _ub_firmware_set_sha1_from_apple (firmware, TRUE);
      g_ptr_array_add (list, firmware);
    }
  g_ptr_array_sort (list, compare_newest_first);
  return list;
}

/**
 * ub_firmware_cross_check:
 *
 * Checks every image's SHA-1 against Apple's list. Where Apple agrees, the
 * hash is marked as confirmed; where Apple says otherwise, Apple's SHA-1 wins
 * and the SHA-256 (which nobody can confirm then) is dropped.
 */
void
ub_firmware_cross_check (GPtrArray      *firmwares,
                         UbAppleCatalog *apple)
{
  for (guint i = 0; i < firmwares->len; i++)
    {
      UbFirmware *firmware = g_ptr_array_index (firmwares, i);
      UbAppleRestore *r = g_hash_table_lookup (apple->by_build, ub_firmware_get_build (firmware));
      g_autofree char *apple_sha1 = NULL;

      if (r == NULL)
        continue;
      apple_sha1 = g_ascii_strdown (r->sha1, -1);
      if (g_strcmp0 (ub_firmware_get_sha1 (firmware), apple_sha1) != 0)
        {
          g_debug ("SHA-1 of %s %s differs between ipsw.me and Apple; using Apple’s",
                     ub_firmware_get_product_type (firmware), ub_firmware_get_build (firmware));
          _ub_firmware_set_hashes (firmware, apple_sha1, NULL);
        }
      _ub_firmware_set_sha1_from_apple (firmware, TRUE);
    }
}
