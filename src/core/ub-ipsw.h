/* ub-ipsw.h — a firmware file (IPSW), read in place
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <plist/plist.h>

#include "ub-build-identity.h"
#include "ub-build-manifest.h"
#include "ub-model.h"

G_BEGIN_DECLS

/* BuildManifest.plist and Restore.plist are read whole, up to this size */
#define UB_IPSW_MAX_PLIST_SIZE (64 * 1024 * 1024)

#define UB_TYPE_IPSW (ub_ipsw_get_type ())

G_DECLARE_FINAL_TYPE (UbIpsw, ub_ipsw, UB, IPSW, GObject)

UbIpsw             *ub_ipsw_new_for_path          (const char           *path,
                                                   GError              **error);
void                ub_ipsw_new_for_path_async    (const char           *path,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
UbIpsw             *ub_ipsw_new_for_path_finish   (GAsyncResult         *result,
                                                   GError              **error);

const char         *ub_ipsw_get_path              (UbIpsw               *self);
guint64             ub_ipsw_get_file_size         (UbIpsw               *self);
guint               ub_ipsw_get_n_entries         (UbIpsw               *self);
UbBuildManifest    *ub_ipsw_get_manifest          (UbIpsw               *self);
plist_t             ub_ipsw_get_restore_plist     (UbIpsw               *self);
const char         *ub_ipsw_get_product_version   (UbIpsw               *self);
const char         *ub_ipsw_get_build_version     (UbIpsw               *self);
const char * const *ub_ipsw_get_product_types     (UbIpsw               *self);
guint               ub_ipsw_get_n_identities      (UbIpsw               *self);
UbBuildIdentity    *ub_ipsw_get_identity          (UbIpsw               *self,
                                                   guint                 index);

gboolean            ub_ipsw_check_fits            (UbIpsw               *self,
                                                   UbModel              *model,
                                                   GError              **error);
UbBuildIdentity    *ub_ipsw_choose_identity       (UbIpsw               *self,
                                                   UbModel              *model,
                                                   gboolean              erase,
                                                   GError              **error);
gboolean            ub_ipsw_check_components      (UbIpsw               *self,
                                                   UbBuildIdentity      *identity,
                                                   GError              **error);

gboolean            ub_ipsw_has_component         (UbIpsw               *self,
                                                   const char           *path);
gboolean            ub_ipsw_get_component_size    (UbIpsw               *self,
                                                   const char           *path,
                                                   guint64              *size,
                                                   GError              **error);
GInputStream       *ub_ipsw_open_component        (UbIpsw               *self,
                                                   const char           *path,
                                                   GError              **error);

G_END_DECLS
