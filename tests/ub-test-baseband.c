/* ub-test-baseband.c — the two modems the baseband tests share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ub-build-manifest.h"
#include "ub-test-baseband.h"

const UbTestBasebandCase ub_test_baseband_ice16 = {
  "iPhone9,1-iPhone9,3-iPhone10,1-iPhone10,4_19E241.plist", "d101ap", 0x60, 0x5A7C3D11, 12, 20,
  "BBCFG-DownloadDigest EBL-DownloadDigest LTEFW-DownloadDigest LTEFW-HashTableDigest "
  "PSI-PartialDigest PSI-Version RestorePSI-PartialDigest RestorePSI-Version "
  "SystemSW-DownloadDigest SystemSW-HashTableDigest TDSFW-DownloadDigest TDSFW-HashTableDigest",
  "psi_ram.bin restorepsi.bin",
  "ebl.bin lte_fw.elf system_sw.elf tds_fw.elf",
};

const UbTestBasebandCase ub_test_baseband_mav20 = {
  "iPhone13,2-iPhone13,3_23C71.plist", "d53gap", 0xE50E1, 0x2C6A81F3, 4, 32,
  "ACDB-DownloadDigest BBCFG-DownloadDigest Misc-HashTableBody Misc-HashTableHeaderDefault "
  "Misc-PartialDigest RestoreSBL1-HashTableBody RestoreSBL1-HashTableHeaderDefault "
  "RestoreSBL1-PartialDigest RestoreSBL1-Version SBL1-HashTableBody SBL1-HashTableHeaderDefault "
  "SBL1-PartialDigest SBL1-Version",
  "multi_image.mbn restoresbl1.mbn sbl1.mbn",
  "acdb.mbn",
};

/* The keys every baseband request of these identities has (Info.FDRSupport
 * is true in both, hence ApProductionMode and ApSecurityMode) */
const char ub_test_baseband_common_keys[] =
  "@BBTicket @HostPlatformInfo @UUID @VersionInfo ApBoardID ApChipID ApECID ApProductionMode "
  "ApSecurityDomain ApSecurityMode BasebandFirmware BbActivationManifestKeyHash BbChipID "
  "BbFDRSecurityKeyHash BbGoldCertId BbProvisioningManifestKeyHash BbSNUM UniqueBuildID";

UbBuildIdentity *
ub_test_baseband_load_identity (const UbTestBasebandCase *c)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "manifests", c->manifest, NULL);
  g_autofree char *data = NULL;
  g_autoptr(UbBuildManifest) manifest = NULL;
  g_autoptr(GError) error = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  manifest = ub_build_manifest_new_from_data ((const guint8 *)data, len, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < ub_build_manifest_get_n_identities (manifest); i++)
    {
      UbBuildIdentity *identity = ub_build_manifest_get_identity (manifest, i);

      if (g_str_equal (ub_build_identity_get_device_class (identity), c->board) &&
          g_strcmp0 (ub_build_identity_get_variant (identity), UB_BUILD_IDENTITY_VARIANT_ERASE) == 0)
        return g_object_ref (identity);
    }
  g_assert_not_reached ();
  return NULL;
}

GBytes *
ub_test_baseband_filler (gsize size, guint8 seed)
{
  guint8 *out = g_malloc (size);

  for (gsize i = 0; i < size; i++)
    out[i] = (guint8)(seed + 7 * i);
  return g_bytes_new_take (out, size);
}

void
ub_test_baseband_device_init (UbBasebandDevice *device, const UbTestBasebandCase *c, gboolean with_nonce)
{
  memset (device, 0, sizeof *device);
  device->chip_id = c->chip_id;
  device->cert_id = c->cert_id;
  device->snum = ub_test_baseband_filler (c->snum_size, 0x31);
  device->nonce = with_nonce ? ub_test_baseband_filler (c->nonce_size, 0x77) : NULL;
}

int
ub_test_baseband_compare (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char * const *)a, *(const char * const *)b);
}

/* The keys of a dictionary, sorted, joined by spaces */
char *
ub_test_baseband_sorted_keys (plist_t dict)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  plist_dict_iter iter = NULL;

  plist_dict_new_iter (dict, &iter);
  for (;;)
    {
      char *key = NULL;
      plist_t node = NULL;

      plist_dict_next_item (dict, iter, &key, &node);
      if (key == NULL)
        break;
      g_ptr_array_add (keys, g_strdup (key));
      free (key);
    }
  free (iter);
  g_ptr_array_sort (keys, ub_test_baseband_compare);
  g_ptr_array_add (keys, NULL);
  return g_strjoinv (" ", (char **)keys->pdata);
}

char *
ub_test_baseband_sorted_words (const char *text)
{
  g_auto(GStrv) words = g_strsplit (text, " ", -1);

  qsort (words, g_strv_length (words), sizeof (char *), ub_test_baseband_compare);
  return g_strjoinv (" ", words);
}

plist_t
ub_test_baseband_entry (UbBuildIdentity *identity)
{
  return plist_access_path (ub_build_identity_get_plist (identity), 2, "Manifest", "BasebandFirmware");
}

