/* ub-test-restore.c — firmware files the virtual iPhone will boot
 *
 * A synthetic IPSW around a real BuildManifest (tests/data/manifests/) whose
 * boot components are real IM4P files (ub_img4_im4p_new) with small
 * payloads, and whose manifest Digest entries are the SHA-384 of those
 * files — so the request Unbrick sends to the test TSS server carries them
 * into the ticket, and the virtual phone can check each image against it,
 * as a real phone checks Apple's.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <plist/plist.h>
#include <string.h>

#include "ub-core.h"
#include "ub-test-ipsw.h"
#include "ub-test-restore.h"

typedef struct
{
  const char *component;
  const char *type;
} BootImage;

static const BootImage boot_images[] = {
  { "iBSS", "ibss" },
  { "iBEC", "ibec" },
  { "RestoreLogo", "logo" },
  { "RestoreRamDisk", "rdsk" },
  { "RestoreDeviceTree", "dtre" },
  { "RestoreSEP", "sepi" },
  { "RestoreKernelCache", "krnl" },
};

static GBytes *
make_payload (const char *path,
              gsize       size)
{
  guint8 *data = g_malloc (size);

  ub_test_ipsw_fill (path, 0, data, size);
  return g_bytes_new_take (data, size);
}

static GBytes *
sha384 (GBytes *bytes)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA384);
  guint8 digest[48];
  gsize len = sizeof digest;

  g_checksum_update (sum, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_checksum_get_digest (sum, digest, &len);
  return g_bytes_new (digest, len);
}

/* The IM4P for @path, made once and shared by the identities using it */
static GBytes *
image_for (GHashTable      *images,
           const char      *path,
           const BootImage *boot,
           gsize            ramdisk_size)
{
  GBytes *im4p = g_hash_table_lookup (images, path);

  if (im4p == NULL)
    {
      gsize size = g_str_equal (boot->component, "RestoreRamDisk") ? ramdisk_size : 64 * 1024 + 17;
      g_autoptr(GBytes) payload = make_payload (path, size);

      im4p = ub_img4_im4p_new (boot->type, "unbrick test image", payload);
      g_hash_table_insert (images, g_strdup (path), im4p);
    }
  return im4p;
}

static void
personalize_identity (plist_t     identity,
                      GHashTable *images,
                      gsize       ramdisk_size)
{
  plist_t manifest = plist_dict_get_item (identity, "Manifest");

  for (guint i = 0; manifest != NULL && i < G_N_ELEMENTS (boot_images); i++)
    {
      plist_t entry = plist_dict_get_item (manifest, boot_images[i].component);
      plist_t info = entry ? plist_dict_get_item (entry, "Info") : NULL;
      plist_t path_node = info ? plist_dict_get_item (info, "Path") : NULL;
      char *path = NULL;
      GBytes *im4p;
      g_autoptr(GBytes) digest = NULL;

      if (path_node == NULL)
        continue;
      plist_get_string_val (path_node, &path);
      im4p = image_for (images, path, &boot_images[i], ramdisk_size);
      digest = sha384 (im4p);
      plist_dict_set_item (entry, "Digest",
                           plist_new_data (g_bytes_get_data (digest, NULL), g_bytes_get_size (digest)));
      free (path);
    }
}

/**
 * ub_test_restore_ipsw_write:
 * @manifest: a manifest of tests/data/manifests/
 * @board: (nullable): only this board's identities get the test images
 * @ramdisk_size: the restore ramdisk's payload size
 *
 * Returns: (transfer full): the IPSW's path in @dir
 */
char *
ub_test_restore_ipsw_write (const char *dir,
                            const char *manifest,
                            const char *board,
                            gsize       ramdisk_size)
{
  g_autoptr(GBytes) original = ub_test_ipsw_load_manifest (manifest);
  g_autoptr(GHashTable) images = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                        (GDestroyNotify)g_bytes_unref);
  g_autoptr(GBytes) xml_bytes = NULL;
  UbTestIpsw *ipsw = ub_test_ipsw_new ();
  plist_t root = NULL, identities;
  char *xml = NULL;
  uint32_t xml_len = 0;
  GHashTableIter iter;
  gpointer key, value;
  char *path;

  plist_from_memory (g_bytes_get_data (original, NULL), g_bytes_get_size (original), &root);
  g_assert_nonnull (root);
  identities = plist_dict_get_item (root, "BuildIdentities");
  for (uint32_t i = 0; i < plist_array_get_size (identities); i++)
    {
      plist_t identity = plist_array_get_item (identities, i);
      plist_t info = plist_dict_get_item (identity, "Info");
      plist_t device_class = info ? plist_dict_get_item (info, "DeviceClass") : NULL;
      char *cls = NULL;

      if (device_class != NULL)
        plist_get_string_val (device_class, &cls);
      if (board == NULL || g_strcmp0 (cls, board) == 0)
        personalize_identity (identity, images, ramdisk_size);
      free (cls);
    }
  plist_to_xml (root, &xml, &xml_len);
  plist_free (root);

  xml_bytes = g_bytes_new (xml, xml_len);
  free (xml);

  /* Later entries replace the dummy ones of the same name */
  ub_test_ipsw_add_manifest (ipsw, manifest);
  ub_test_ipsw_add_bytes (ipsw, "BuildManifest.plist", xml_bytes, TRUE);
  g_hash_table_iter_init (&iter, images);
  while (g_hash_table_iter_next (&iter, &key, &value))
    ub_test_ipsw_add_bytes (ipsw, key, value, FALSE);
  path = ub_test_ipsw_write (ipsw, dir, "restore-test.ipsw");
  ub_test_ipsw_free (ipsw);
  return path;
}
