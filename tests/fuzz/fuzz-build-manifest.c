/* fuzz-build-manifest.c — BuildManifest.plist, as the IPSW reader parses it
 *
 * The bytes go to ub_build_manifest_new_from_data(), the function UbIpsw
 * calls on the manifest it reads from the archive; whatever parses is then
 * walked through every getter and both choices for three models.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ub-build-manifest.h"
#include "ub-error.h"
#include "ub-zip-directory.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static UbModel *models[3];

static void
make_models (void)
{
  models[0] = ub_model_new ("iPhone X", "iPhone10,3", "d22ap", 0x8015, 0x06, "A11", 2017,
                            UB_BUTTON_FAMILY_MODERN, UB_POWER_BUTTON_SIDE, UB_CONNECTOR_LIGHTNING, "16");
  models[1] = ub_model_new ("iPhone 12", "iPhone13,2", "d53gap", 0x8101, 0x0C, "A14", 2020,
                            UB_BUTTON_FAMILY_MODERN, UB_POWER_BUTTON_SIDE, UB_CONNECTOR_LIGHTNING, "26");
  models[2] = ub_model_new ("iPhone 4", "iPhone3,1", "n90ap", 0x8930, 0x00, "A4", 2010,
                            UB_BUTTON_FAMILY_HOME, UB_POWER_BUTTON_TOP, UB_CONNECTOR_30PIN, "7");
}

static void
check_identity (UbBuildIdentity *identity)
{
  const char * const *names = ub_build_identity_get_component_names (identity);
  g_autoptr(GPtrArray) paths = ub_build_identity_dup_paths (identity);

  g_assert_nonnull (ub_build_identity_get_plist (identity));
  g_assert_cmpstr (ub_build_identity_get_device_class (identity), !=, "");
  g_assert_true (g_utf8_validate (ub_build_identity_get_variant (identity), -1, NULL));
  g_assert_cmpuint (g_strv_length ((char **)names), ==, ub_build_identity_get_n_components (identity));
  for (guint i = 0; names[i] != NULL; i++)
    ub_build_identity_get_component_path (identity, names[i]);
  for (guint i = 0; i < paths->len; i++)
    g_assert_true (ub_zip_name_check (paths->pdata[i], strlen (paths->pdata[i]), NULL));
}

static void
check_choice (UbBuildManifest *manifest,
              UbModel         *model,
              gboolean         erase)
{
  g_autoptr(GError) error = NULL;
  UbBuildIdentity *identity = ub_build_manifest_choose_identity (manifest, model, erase, &error);

  if (identity == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == UB_ERROR);
      return;
    }
  g_assert_no_error (error);
  g_assert_true (ub_build_identity_matches_model (identity, model));
  g_assert_cmpint (ub_build_identity_get_behavior (identity), ==,
                   erase ? UB_RESTORE_BEHAVIOR_ERASE : UB_RESTORE_BEHAVIOR_UPDATE);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UbBuildManifest) manifest = ub_build_manifest_new_from_data (data, size, &error);

  if (models[0] == NULL)
    make_models ();
  if (manifest == NULL)
    {
      g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);
      return 0;
    }
  g_assert_nonnull (ub_build_manifest_get_product_version (manifest));
  g_assert_nonnull (ub_build_manifest_get_build_version (manifest));
  g_assert_nonnull (ub_build_manifest_get_product_types (manifest)[0]);
  g_assert_cmpuint (ub_build_manifest_get_n_identities (manifest), >, 0);
  for (guint i = 0; i < ub_build_manifest_get_n_identities (manifest); i++)
    check_identity (ub_build_manifest_get_identity (manifest, i));
  for (guint m = 0; m < G_N_ELEMENTS (models); m++)
    {
      check_choice (manifest, models[m], TRUE);
      check_choice (manifest, models[m], FALSE);
    }
  return 0;
}
