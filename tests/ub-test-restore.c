/* ub-test-restore.c — firmware files the virtual iPhone will boot and restore
 *
 * A synthetic IPSW around a real BuildManifest (tests/data/manifests/).
 *
 * ub_test_restore_ipsw_write() makes the images real: the boot chain and
 * every other IM4P a board's identities name are IM4P files (ub_img4_im4p_new) with small payloads, and the manifest's
 * Digest entries are the SHA-384 of those files — so the request Unbrick
 * sends to the test TSS server carries them into the ticket, and the
 * virtual phone can check each image against it, as a real phone checks
 * Apple's.
 *
 * ub_test_restore_full_ipsw_write() does so for every file a board's build
 * identities name, each shaped like Apple's: IM4P for .im4p, trust caches,
 * root hashes, mtrees and kernel caches; streamed deterministic bytes of a
 * chosen size for disk images ("AEA1" first for .dmg.aea); a modem zip
 * (ub_test_bbfw_new), a Rose ftab (ub_test_ftab_new), a firmware map plist;
 * deterministic bytes for the other co-processor files; and Restore.plist,
 * RestoreVersion.plist, SystemVersion.plist. Files of other boards stay
 * small dummies (ub_test_ipsw_add_manifest).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <plist/plist.h>
#include <stdlib.h>
#include <string.h>

#include "ub-core.h"
#include "ub-test-bbfw.h"
#include "ub-test-ftab.h"
#include "ub-test-ipsw.h"
#include "ub-test-restore.h"

#define IM4P_PAYLOAD_SIZE (64 * 1024 + 17)
#define DEFAULT_CRYPTEX_SIZE (1024 * 1024)

typedef struct
{
  const char *component;
  const char *type;
} Im4pType;

/* The IM4P type of each component's file in Apple's IPSWs; the Restore*
 * ones are rewritten when stitched (ub_img4_component_tag) */
static const Im4pType im4p_types[] = {
  { "iBSS", "ibss" }, { "iBEC", "ibec" }, { "iBoot", "ibot" }, { "iBootData", "ibdt" },
  { "LLB", "illb" }, { "AppleLogo", "logo" }, { "RestoreLogo", "logo" },
  { "RecoveryMode", "recm" }, { "BatteryCharging0", "chg0" }, { "BatteryCharging1", "chg1" },
  { "BatteryFull", "batF" }, { "BatteryLow0", "bat0" }, { "BatteryLow1", "bat1" },
  { "BatteryPlugin", "glyP" }, { "Liquid", "liqd" }, { "LowPowerWallet0", "lpw0" },
  { "LowPowerWallet1", "lpw1" }, { "DeviceTree", "dtre" }, { "RestoreDeviceTree", "dtre" },
  { "KernelCache", "krnl" }, { "RestoreKernelCache", "krnl" }, { "SEP", "sepi" },
  { "RestoreSEP", "sepi" }, { "RestoreRamDisk", "rdsk" }, { "RestoreTrustCache", "trst" },
  { "StaticTrustCache", "trst" }, { "Cryptex1,SystemTrustCache", "ctsc" },
  { "Cryptex1,AppTrustCache", "catc" }, { "SystemVolume", "isys" },
  { "Cryptex1,SystemVolume", "csys" }, { "Cryptex1,AppVolume", "casy" },
  { "Ap,SystemVolumeCanonicalMetadata", "msys" }, { "AOP", "aopf" }, { "AVE", "avef" },
  { "Homer", "homr" }, { "ANE", "anef" }, { "ANS", "ansf" }, { "RestoreANS", "rans" },
  { "DCP", "dcpf" }, { "RestoreDCP", "dcpf" }, { "GFX", "gfxf" }, { "ISP", "ispf" },
  { "PMP", "pmpf" }, { "SIO", "siof" }, { "Multitouch", "mtfw" },
  { "AudioCodecFirmware", "acfw" }, { "Ap,HapticAssets", "hpas" }, { "LeapHaptics", "lphp" },
  { "WCHFirmwareUpdater", "wchf" },
};

typedef enum
{
  KIND_IM4P,
  KIND_DISK_IMAGE,      /* generated while written */
  KIND_BASEBAND,
  KIND_FTAB,
  KIND_FIRMWARE_MAP,
  KIND_BYTES,
} EntryKind;

typedef struct
{
  char      *path;
  char      *component;   /* the first component naming it */
  EntryKind  kind;
  plist_t    baseband;    /* borrowed from the plan's manifest */
} Entry;

typedef struct
{
  plist_t               root;
  char                 *board;
  GPtrArray            *entries;
  GHashTable           *by_path;    /* path → Entry */
  UbTestRestoreOptions  options;
} Plan;

static void
entry_free (Entry *entry)
{
  g_free (entry->path);
  g_free (entry->component);
  g_free (entry);
}

static void
plan_free (Plan *plan)
{
  g_hash_table_unref (plan->by_path);
  g_ptr_array_unref (plan->entries);
  plist_free (plan->root);
  g_free (plan->board);
  g_free (plan);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Plan, plan_free)

/**
 * ub_test_restore_im4p_type:
 * @path: the component's Info.Path
 *
 * Returns: (nullable): the IM4P type of @component's file, or %NULL when
 *   Apple's file is no IM4P
 */
const char *
ub_test_restore_im4p_type (const char *component,
                           const char *path)
{
  g_autofree char *base = g_path_get_basename (path);

  for (gsize i = 0; i < G_N_ELEMENTS (im4p_types); i++)
    if (g_str_equal (im4p_types[i].component, component))
      return im4p_types[i].type;
  if (g_str_has_suffix (path, ".trustcache"))
    return "trst";
  if (g_str_has_suffix (path, ".root_hash"))
    return "isys";
  if (g_str_has_suffix (path, ".mtree"))
    return "msys";
  if (g_str_has_prefix (base, "kernelcache."))
    return "krnl";
  if (g_str_has_suffix (path, ".im4p"))
    return "fw00";
  return NULL;
}

static EntryKind
kind_of (const char *component,
         const char *path)
{
  if (g_str_equal (component, "BasebandFirmware"))
    return KIND_BASEBAND;
  if (g_str_has_suffix (path, "ftab.bin"))
    return KIND_FTAB;
  if (g_str_equal (component, "BMU,FirmwareMap"))
    return KIND_FIRMWARE_MAP;
  if (g_str_equal (component, "RestoreRamDisk") || ub_test_restore_im4p_type (component, path) != NULL)
    return KIND_IM4P;
  if (g_str_has_suffix (path, ".dmg") || g_str_has_suffix (path, ".dmg.aea"))
    return KIND_DISK_IMAGE;
  return KIND_BYTES;
}

static const char *
string_at (plist_t     node,
           const char *parent,
           const char *key)
{
  plist_t value = node ? plist_access_path (node, 2, parent, key) : NULL;

  return value && plist_get_node_type (value) == PLIST_STRING ? plist_get_string_ptr (value, NULL) : NULL;
}

static gboolean
is_board_identity (plist_t     identity,
                   const char *board)
{
  return board == NULL || g_strcmp0 (string_at (identity, "Info", "DeviceClass"), board) == 0;
}

static void
plan_add_identity (Plan    *plan,
                   plist_t  identity)
{
  plist_t components = plist_dict_get_item (identity, "Manifest");
  plist_dict_iter iter = NULL;
  char *key = NULL;
  plist_t value = NULL;

  plist_dict_new_iter (components, &iter);
  for (plist_dict_next_item (components, iter, &key, &value); key != NULL;
       plist_dict_next_item (components, iter, &key, &value))
    {
      const char *path = string_at (value, "Info", "Path");

      if (path != NULL && !g_hash_table_contains (plan->by_path, path))
        {
          Entry *entry = g_new0 (Entry, 1);

          entry->path = g_strdup (path);
          entry->component = g_strdup (key);
          entry->kind = kind_of (key, path);
          entry->baseband = entry->kind == KIND_BASEBAND ? value : NULL;
          g_ptr_array_add (plan->entries, entry);
          g_hash_table_insert (plan->by_path, entry->path, entry);
        }
      free (key);
      key = NULL;
    }
  free (iter);
}

/* Every file @board's identities name, in manifest order */
static Plan *
plan_new (const char                 *manifest,
          const char                 *board,
          const UbTestRestoreOptions *options)
{
  g_autoptr(GBytes) original = ub_test_ipsw_load_manifest (manifest);
  Plan *plan = g_new0 (Plan, 1);
  plist_t identities;

  plist_from_memory (g_bytes_get_data (original, NULL), g_bytes_get_size (original), &plan->root);
  g_assert_nonnull (plan->root);
  plan->board = g_strdup (board);
  plan->entries = g_ptr_array_new_with_free_func ((GDestroyNotify)entry_free);
  plan->by_path = g_hash_table_new (g_str_hash, g_str_equal);
  plan->options = *options;
  if (plan->options.cryptex_size == 0)
    plan->options.cryptex_size = DEFAULT_CRYPTEX_SIZE;
  identities = plist_dict_get_item (plan->root, "BuildIdentities");
  for (uint32_t i = 0; i < plist_array_get_size (identities); i++)
    if (is_board_identity (plist_array_get_item (identities, i), board))
      plan_add_identity (plan, plist_array_get_item (identities, i));
  return plan;
}

static GBytes *
make_payload (const char *path,
              gsize       size)
{
  guint8 *data = g_malloc (size);

  ub_test_ipsw_fill (path, 0, data, size);
  return g_bytes_new_take (data, size);
}

static GBytes *
make_im4p (const Plan  *plan,
           const Entry *entry)
{
  gboolean ramdisk = g_str_equal (entry->component, "RestoreRamDisk");
  g_autoptr(GBytes) payload = make_payload (entry->path, ramdisk ? plan->options.ramdisk_size
                                                                 : IM4P_PAYLOAD_SIZE);
  const char *type = ramdisk ? "rdsk" : ub_test_restore_im4p_type (entry->component, entry->path);

  return ub_img4_im4p_new (type, "unbrick test image", payload);
}

/* Disk images: their size and first bytes */
static guint64
image_size (const Plan  *plan,
            const Entry *entry)
{
  return g_str_equal (entry->component, "OS") ? plan->options.os_size : plan->options.cryptex_size;
}

static GBytes *
image_head (const Entry *entry)
{
  return g_str_has_suffix (entry->path, ".aea") ? g_bytes_new_static ("AEA1", 4) : NULL;
}

/* The bytes of an entry that is not a disk image */
static GBytes *
entry_bytes (const Plan  *plan,
             const Entry *entry)
{
  switch (entry->kind)
    {
    case KIND_IM4P:
      return make_im4p (plan, entry);
    case KIND_BASEBAND:
      return ub_test_bbfw_new (entry->baseband);
    case KIND_FTAB:
      return ub_test_ftab_new ();
    case KIND_FIRMWARE_MAP:
      return ub_test_restore_firmware_map (entry->path);
    case KIND_BYTES:
      return make_payload (entry->path, 1024 + g_str_hash (entry->path) % 3072);
    case KIND_DISK_IMAGE:
    default:
      g_assert_not_reached ();
    }
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

/* Each component of @board's identities whose file is in @digests (path →
 * SHA-384) gets that Digest */
static void
set_digests (plist_t     root,
             const char *board,
             GHashTable *digests)
{
  plist_t identities = plist_dict_get_item (root, "BuildIdentities");

  for (uint32_t i = 0; i < plist_array_get_size (identities); i++)
    {
      plist_t identity = plist_array_get_item (identities, i);
      plist_t components = plist_dict_get_item (identity, "Manifest");
      plist_dict_iter iter = NULL;
      char *key = NULL;
      plist_t value = NULL;

      if (!is_board_identity (identity, board))
        continue;
      plist_dict_new_iter (components, &iter);
      for (plist_dict_next_item (components, iter, &key, &value); key != NULL;
           plist_dict_next_item (components, iter, &key, &value))
        {
          const char *path = string_at (value, "Info", "Path");
          GBytes *digest = path ? g_hash_table_lookup (digests, path) : NULL;

          if (digest != NULL)
            plist_dict_set_item (value, "Digest", plist_new_data (g_bytes_get_data (digest, NULL),
                                                                  g_bytes_get_size (digest)));
          free (key);
          key = NULL;
        }
      free (iter);
    }
}

/* Adds @root as BuildManifest.plist over the copy ub_test_ipsw_add_manifest()
 * put in @ipsw, writes the archive and frees @ipsw */
static char *
finish_ipsw (UbTestIpsw *ipsw,
             const char *dir,
             const char *basename,
             plist_t     root)
{
  g_autoptr(GBytes) xml = ub_test_restore_plist_bytes (plist_copy (root));
  char *path;

  ub_test_ipsw_add_bytes (ipsw, "BuildManifest.plist", xml, TRUE);
  path = ub_test_ipsw_write (ipsw, dir, basename);
  ub_test_ipsw_free (ipsw);
  return path;
}

/**
 * ub_test_restore_ipsw_write:
 * @manifest: a manifest of tests/data/manifests/
 * @board: (nullable): only this board's identities get the test images
 * @ramdisk_size: the restore ramdisk's payload size
 *
 * Only the IM4P files are real (the boot chain, NOR images, trust caches
 * …); disk images, modem and co-processor files stay small dummies: see
 * ub_test_restore_full_ipsw_write().
 *
 * Returns: (transfer full): the IPSW's path in @dir
 */
char *
ub_test_restore_ipsw_write (const char *dir,
                            const char *manifest,
                            const char *board,
                            gsize       ramdisk_size)
{
  UbTestRestoreOptions options = { .ramdisk_size = ramdisk_size };
  g_autoptr(Plan) plan = plan_new (manifest, board, &options);
  g_autoptr(GHashTable) digests = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                         (GDestroyNotify)g_bytes_unref);
  UbTestIpsw *ipsw = ub_test_ipsw_new ();

  ub_test_ipsw_add_manifest (ipsw, manifest);
  for (guint i = 0; i < plan->entries->len; i++)
    {
      Entry *entry = plan->entries->pdata[i];
      g_autoptr(GBytes) im4p = NULL;

      if (entry->kind != KIND_IM4P)
        continue;
      im4p = make_im4p (plan, entry);
      ub_test_ipsw_add_bytes (ipsw, entry->path, im4p, FALSE);
      g_hash_table_insert (digests, entry->path, sha384 (im4p));
    }
  set_digests (plan->root, board, digests);
  return finish_ipsw (ipsw, dir, "restore-test.ipsw", plan->root);
}

static void
add_version_plists (UbTestIpsw *ipsw,
                    const Plan *plan)
{
  g_autoptr(GBytes) restore_version = ub_test_restore_version_plist (plan->root, FALSE);
  g_autoptr(GBytes) system_version = ub_test_restore_version_plist (plan->root, TRUE);

  /* A real Restore.plist from the test data stays */
  if (!ub_test_ipsw_has (ipsw, "Restore.plist"))
    {
      g_autoptr(GBytes) restore = ub_test_restore_restore_plist (plan->root, plan->board);
      ub_test_ipsw_add_bytes (ipsw, "Restore.plist", restore, TRUE);
    }
  ub_test_ipsw_add_bytes (ipsw, "RestoreVersion.plist", restore_version, TRUE);
  ub_test_ipsw_add_bytes (ipsw, "SystemVersion.plist", system_version, TRUE);
}

/**
 * ub_test_restore_full_ipsw_write:
 * @manifest: a manifest of tests/data/manifests/
 * @board: the board (DeviceClass, e.g. "d101ap") whose identities'
 *   files are made real
 *
 * Disk images are generated while the archive is written: memory stays
 * small whatever @options->os_size.
 *
 * Returns: (transfer full): the IPSW's path in @dir
 */
char *
ub_test_restore_full_ipsw_write (const char                 *dir,
                                 const char                 *manifest,
                                 const char                 *board,
                                 const UbTestRestoreOptions *options)
{
  g_autoptr(Plan) plan = NULL;
  g_autoptr(GHashTable) digests = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                         (GDestroyNotify)g_bytes_unref);
  UbTestIpsw *ipsw;

  g_assert (board != NULL && options != NULL);
  plan = plan_new (manifest, board, options);
  ipsw = ub_test_ipsw_new ();
  ub_test_ipsw_add_manifest (ipsw, manifest);
  for (guint i = 0; i < plan->entries->len; i++)
    {
      Entry *entry = plan->entries->pdata[i];
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GBytes) head = NULL;

      if (entry->kind == KIND_DISK_IMAGE)
        {
          head = image_head (entry);
          ub_test_ipsw_add_generated_with_head (ipsw, entry->path, image_size (plan, entry), head,
                                                g_str_equal (entry->component, "OS") && plan->options.deflate_os);
          continue;
        }
      bytes = entry_bytes (plan, entry);
      ub_test_ipsw_add_bytes (ipsw, entry->path, bytes, entry->kind != KIND_IM4P);
      if (entry->kind == KIND_IM4P)
        g_hash_table_insert (digests, entry->path, sha384 (bytes));
    }
  set_digests (plan->root, board, digests);
  add_version_plists (ipsw, plan);
  return finish_ipsw (ipsw, dir, "restore-full-test.ipsw", plan->root);
}

static char *
entry_sha256 (const Plan  *plan,
              const Entry *entry)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) head = NULL;

  if (entry->kind == KIND_DISK_IMAGE)
    {
      head = image_head (entry);
      return ub_test_ipsw_generated_sha256 (entry->path, image_size (plan, entry), head);
    }
  bytes = entry_bytes (plan, entry);
  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
}

/**
 * ub_test_restore_entry_sha256s:
 *
 * What ub_test_restore_full_ipsw_write() with the same arguments writes,
 * without the archive. Disk images are hashed block by block.
 *
 * Returns: (transfer full): Info.Path → the SHA-256 (hex) of its bytes, for
 *   every file @board's identities name
 */
GHashTable *
ub_test_restore_entry_sha256s (const char                 *manifest,
                               const char                 *board,
                               const UbTestRestoreOptions *options)
{
  g_autoptr(Plan) plan = plan_new (manifest, board, options);
  GHashTable *sums = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; i < plan->entries->len; i++)
    {
      Entry *entry = plan->entries->pdata[i];

      g_hash_table_insert (sums, g_strdup (entry->path), entry_sha256 (plan, entry));
    }
  return sums;
}

/* @component's file in @board's identities, the Erase one first */
static const char *
component_path (const Plan *plan,
                const char *component)
{
  plist_t identities = plist_dict_get_item (plan->root, "BuildIdentities");
  const char *found = NULL;

  for (uint32_t i = 0; i < plist_array_get_size (identities); i++)
    {
      plist_t identity = plist_array_get_item (identities, i);
      plist_t entry = plist_access_path (identity, 2, "Manifest", component);
      const char *path = string_at (entry, "Info", "Path");

      if (path == NULL || !is_board_identity (identity, plan->board))
        continue;
      if (g_strcmp0 (string_at (identity, "Info", "RestoreBehavior"), "Erase") == 0)
        return path;
      found = found ? found : path;
    }
  return found;
}

/**
 * ub_test_restore_entry_sha256:
 * @component: a component of @board's identities, e.g. "OS"
 *
 * Returns: (transfer full) (nullable): the SHA-256 (hex) of the file
 *   ub_test_restore_full_ipsw_write() writes for @component (the Erase
 *   identity's, if they differ), or %NULL if no identity names one
 */
char *
ub_test_restore_entry_sha256 (const char                 *manifest,
                              const char                 *board,
                              const char                 *component,
                              const UbTestRestoreOptions *options)
{
  g_autoptr(Plan) plan = plan_new (manifest, board, options);
  const char *path = component_path (plan, component);
  Entry *entry = path ? g_hash_table_lookup (plan->by_path, path) : NULL;

  return entry ? entry_sha256 (plan, entry) : NULL;
}
