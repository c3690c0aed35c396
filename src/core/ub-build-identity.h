/* ub-build-identity.h — one BuildIdentity of a firmware's BuildManifest
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>
#include <plist/plist.h>

#include "ub-model.h"

G_BEGIN_DECLS

/**
 * UbRestoreBehavior:
 * @UB_RESTORE_BEHAVIOR_UNKNOWN: neither an erase nor an update
 * @UB_RESTORE_BEHAVIOR_ERASE: erases the phone and installs iOS afresh
 *   (Info.RestoreBehavior “Erase”, “Customer Erase Install (IPSW)”)
 * @UB_RESTORE_BEHAVIOR_UPDATE: installs iOS and keeps the user's data
 *   (Info.RestoreBehavior “Update”, “Customer Upgrade Install (IPSW)”)
 *
 * What a restore with an identity does to the phone's data.
 */
typedef enum
{
  UB_RESTORE_BEHAVIOR_UNKNOWN,
  UB_RESTORE_BEHAVIOR_ERASE,
  UB_RESTORE_BEHAVIOR_UPDATE,
} UbRestoreBehavior;

#define UB_BUILD_IDENTITY_VARIANT_ERASE "Customer Erase Install (IPSW)"
#define UB_BUILD_IDENTITY_VARIANT_UPDATE "Customer Upgrade Install (IPSW)"

#define UB_TYPE_BUILD_IDENTITY (ub_build_identity_get_type ())

G_DECLARE_FINAL_TYPE (UbBuildIdentity, ub_build_identity, UB, BUILD_IDENTITY, GObject)

UbBuildIdentity    *ub_build_identity_new_from_plist      (plist_t           dict,
                                                           guint             index,
                                                           GError          **error);
guint               ub_build_identity_get_index           (UbBuildIdentity  *self);
guint               ub_build_identity_get_chip_id         (UbBuildIdentity  *self);
guint               ub_build_identity_get_board_id        (UbBuildIdentity  *self);
const char         *ub_build_identity_get_device_class    (UbBuildIdentity  *self);
const char         *ub_build_identity_get_variant         (UbBuildIdentity  *self);
UbRestoreBehavior   ub_build_identity_get_behavior        (UbBuildIdentity  *self);
gboolean            ub_build_identity_is_research         (UbBuildIdentity  *self);
gboolean            ub_build_identity_is_customer         (UbBuildIdentity  *self);
gboolean            ub_build_identity_matches_model       (UbBuildIdentity  *self,
                                                           UbModel          *model);
guint               ub_build_identity_get_n_components    (UbBuildIdentity  *self);
const char * const *ub_build_identity_get_component_names (UbBuildIdentity  *self);
const char         *ub_build_identity_get_component_path  (UbBuildIdentity  *self,
                                                           const char       *component);
GPtrArray          *ub_build_identity_dup_paths           (UbBuildIdentity  *self);
plist_t             ub_build_identity_get_plist           (UbBuildIdentity  *self);

const char         *ub_restore_behavior_to_string         (UbRestoreBehavior behavior);

G_END_DECLS
