/* ub-build-manifest.h — a firmware's BuildManifest.plist: versions, models,
 * build identities
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>
#include <plist/plist.h>

#include "ub-build-identity.h"
#include "ub-model.h"

G_BEGIN_DECLS

#define UB_TYPE_BUILD_MANIFEST (ub_build_manifest_get_type ())

G_DECLARE_FINAL_TYPE (UbBuildManifest, ub_build_manifest, UB, BUILD_MANIFEST, GObject)

UbBuildManifest    *ub_build_manifest_new_from_data          (const guint8     *data,
                                                              gsize             len,
                                                              GError          **error);
const char         *ub_build_manifest_get_product_version    (UbBuildManifest  *self);
const char         *ub_build_manifest_get_build_version      (UbBuildManifest  *self);
const char * const *ub_build_manifest_get_product_types      (UbBuildManifest  *self);
gboolean            ub_build_manifest_supports_product_type  (UbBuildManifest  *self,
                                                              const char       *product_type);
guint               ub_build_manifest_get_n_identities       (UbBuildManifest  *self);
UbBuildIdentity    *ub_build_manifest_get_identity           (UbBuildManifest  *self,
                                                              guint             index);
guint               ub_build_manifest_get_n_skipped          (UbBuildManifest  *self);
GPtrArray          *ub_build_manifest_list_identities_for_model (UbBuildManifest *self,
                                                              UbModel          *model);
gboolean            ub_build_manifest_check_fits             (UbBuildManifest  *self,
                                                              UbModel          *model,
                                                              GError          **error);
UbBuildIdentity    *ub_build_manifest_choose_identity        (UbBuildManifest  *self,
                                                              UbModel          *model,
                                                              gboolean          erase,
                                                              GError          **error);
plist_t             ub_build_manifest_get_plist              (UbBuildManifest  *self);

G_END_DECLS
