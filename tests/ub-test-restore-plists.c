/* ub-test-restore-plists.c — the small plists of a synthetic IPSW
 *
 * Restore.plist, RestoreVersion.plist and SystemVersion.plist carry the
 * version and build of the BuildManifest they sit next to, as Apple's do;
 * BMU,FirmwareMap.plist is a small map of the battery controller's
 * firmware images. All are XML, the same bytes on every run.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ub-test-ipsw.h"
#include "ub-test-restore.h"

/* Takes @dict */
GBytes *
ub_test_restore_plist_bytes (plist_t dict)
{
  char *xml = NULL;
  uint32_t len = 0;
  GBytes *bytes;

  plist_to_xml (dict, &xml, &len);
  plist_free (dict);
  g_assert_nonnull (xml);
  bytes = g_bytes_new (xml, len);
  free (xml);
  return bytes;
}

static void
copy_key (plist_t     to,
          plist_t     from,
          const char *key)
{
  plist_t value = plist_dict_get_item (from, key);

  if (value != NULL)
    plist_dict_set_item (to, key, plist_copy (value));
}

static plist_t
digest_of (const char *name,
           gsize       size)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA384);
  g_autofree guint8 *data = g_malloc (size);
  guint8 digest[48];
  gsize len = sizeof digest;

  ub_test_ipsw_fill (name, 0, data, size);
  g_checksum_update (sum, data, size);
  g_checksum_get_digest (sum, digest, &len);
  return plist_new_data ((const char *)digest, len);
}

/**
 * ub_test_restore_firmware_map:
 * @path: the file's Info.Path, which seeds its digests
 *
 * Returns: (transfer full): a map of the battery controller's images: a
 *   format version, and per image its load address, size and digest
 */
GBytes *
ub_test_restore_firmware_map (const char *path)
{
  static const char * const images[] = { "boot", "firmware", "config" };
  plist_t map = plist_new_dict ();
  plist_t list = plist_new_array ();

  plist_dict_set_item (map, "Version", plist_new_uint (2));
  for (guint i = 0; i < G_N_ELEMENTS (images); i++)
    {
      g_autofree char *name = g_strdup_printf ("%s:%s", path, images[i]);
      plist_t image = plist_new_dict ();
      gsize size = 4096 * (i + 1);

      plist_dict_set_item (image, "Name", plist_new_string (images[i]));
      plist_dict_set_item (image, "LoadAddress", plist_new_uint (0x10000 * (i + 1)));
      plist_dict_set_item (image, "Size", plist_new_uint (size));
      plist_dict_set_item (image, "Digest", digest_of (name, size));
      plist_array_append_item (list, image);
    }
  plist_dict_set_item (map, "Images", list);
  return ub_test_restore_plist_bytes (map);
}

static plist_t
identity_for (plist_t     manifest,
              const char *board,
              const char *behavior)
{
  plist_t identities = plist_dict_get_item (manifest, "BuildIdentities");

  for (uint32_t i = 0; i < plist_array_get_size (identities); i++)
    {
      plist_t identity = plist_array_get_item (identities, i);
      plist_t cls = plist_access_path (identity, 2, "Info", "DeviceClass");
      plist_t how = plist_access_path (identity, 2, "Info", "RestoreBehavior");
      const char *cls_text = cls ? plist_get_string_ptr (cls, NULL) : NULL;
      const char *how_text = how ? plist_get_string_ptr (how, NULL) : NULL;

      if (g_strcmp0 (cls_text, board) == 0 && g_strcmp0 (how_text, behavior) == 0)
        return identity;
    }
  return NULL;
}

static void
set_path (plist_t     to,
          const char *key,
          plist_t     identity,
          const char *component)
{
  plist_t path = identity ? plist_access_path (identity, 3, "Manifest", component, "Info") : NULL;

  path = path ? plist_dict_get_item (path, "Path") : NULL;
  if (path != NULL)
    plist_dict_set_item (to, key, plist_copy (path));
}

/* @from's string @from_key ("0x0E") as the number @key of @to */
static void
set_number (plist_t     to,
            const char *key,
            plist_t     from,
            const char *from_key)
{
  plist_t value = from ? plist_dict_get_item (from, from_key) : NULL;
  const char *text = value && plist_get_node_type (value) == PLIST_STRING
    ? plist_get_string_ptr (value, NULL) : NULL;

  if (text != NULL)
    plist_dict_set_item (to, key, plist_new_uint (g_ascii_strtoull (text, NULL, 0)));
}

static plist_t
device_map (plist_t     identity,
            const char *board)
{
  plist_t entry = plist_new_dict ();
  plist_t map = plist_new_array ();

  plist_dict_set_item (entry, "BoardConfig", plist_new_string (board));
  set_number (entry, "BDID", identity, "ApBoardID");
  set_number (entry, "CPID", identity, "ApChipID");
  set_number (entry, "SDOM", identity, "ApSecurityDomain");
  plist_array_append_item (map, entry);
  return map;
}

/**
 * ub_test_restore_restore_plist:
 *
 * Returns: (transfer full): a Restore.plist for @board: versions and
 *   product types from @manifest, the device map, the ramdisks, kernel
 *   cache and OS image of its Erase and Update identities
 */
GBytes *
ub_test_restore_restore_plist (plist_t     manifest,
                               const char *board)
{
  plist_t erase = identity_for (manifest, board, "Erase");
  plist_t update = identity_for (manifest, board, "Update");
  plist_t dict = plist_new_dict ();
  plist_t ramdisks = plist_new_dict ();
  plist_t systems = plist_new_dict ();
  plist_t kernels = plist_new_dict ();
  plist_t types = plist_dict_get_item (manifest, "SupportedProductTypes");

  copy_key (dict, manifest, "ProductVersion");
  copy_key (dict, manifest, "ProductBuildVersion");
  copy_key (dict, manifest, "SupportedProductTypes");
  if (types != NULL && plist_array_get_size (types) > 0)
    plist_dict_set_item (dict, "ProductType", plist_copy (plist_array_get_item (types, 0)));
  plist_dict_set_item (dict, "DeviceClass", plist_new_string (board));
  plist_dict_set_item (dict, "DeviceMap", device_map (erase ? erase : update, board));
  set_path (ramdisks, "User", erase, "RestoreRamDisk");
  set_path (ramdisks, "Update", update, "RestoreRamDisk");
  set_path (systems, "User", erase, "OS");
  set_path (kernels, "Release", erase, "RestoreKernelCache");
  plist_dict_set_item (dict, "RestoreRamDisks", ramdisks);
  plist_dict_set_item (dict, "SystemRestoreImages", systems);
  plist_dict_set_item (dict, "RestoreKernelCaches", kernels);
  return ub_test_restore_plist_bytes (dict);
}

/**
 * ub_test_restore_version_plist:
 * @system: SystemVersion.plist (the OS's), else RestoreVersion.plist (the
 *   restore ramdisk's)
 *
 * Returns: (transfer full): the plist, with @manifest's version and build
 */
GBytes *
ub_test_restore_version_plist (plist_t  manifest,
                               gboolean system)
{
  plist_t dict = plist_new_dict ();
  plist_t build = plist_dict_get_item (manifest, "ProductBuildVersion");

  copy_key (dict, manifest, "ProductVersion");
  copy_key (dict, manifest, "ProductBuildVersion");
  if (system)
    {
      plist_dict_set_item (dict, "ProductName", plist_new_string ("iPhone OS"));
      plist_dict_set_item (dict, "ProductCopyright", plist_new_string ("1983-2026 Apple Inc."));
      plist_dict_set_item (dict, "ReleaseType", plist_new_string ("User"));
    }
  else
    {
      plist_dict_set_item (dict, "RestoreReleaseType", plist_new_string ("User"));
      if (build != NULL)
        plist_dict_set_item (dict, "RestoreLongVersion", plist_copy (build));
    }
  return ub_test_restore_plist_bytes (dict);
}
