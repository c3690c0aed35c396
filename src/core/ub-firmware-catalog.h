/* ub-firmware-catalog.h — which restore images exist for a model, cached
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ub-firmware-list.h"

G_BEGIN_DECLS

/**
 * UbCatalogFlags:
 * @UB_CATALOG_NONE: use the cache while it is fresh
 * @UB_CATALOG_REFRESH: ask the servers even if the cache is fresh
 */
typedef enum /*< flags >*/
{
  UB_CATALOG_NONE    = 0,
  UB_CATALOG_REFRESH = 1 << 0,
} UbCatalogFlags;

#define UB_CATALOG_IPSW_ME_TTL  (6 * G_TIME_SPAN_HOUR)
#define UB_CATALOG_APPLE_TTL    (24 * G_TIME_SPAN_HOUR)

#define UB_TYPE_FIRMWARE_CATALOG (ub_firmware_catalog_get_type ())

G_DECLARE_FINAL_TYPE (UbFirmwareCatalog, ub_firmware_catalog, UB, FIRMWARE_CATALOG, GObject)

UbFirmwareCatalog *ub_firmware_catalog_new           (const char          *cache_dir);
const char        *ub_firmware_catalog_get_cache_dir (UbFirmwareCatalog   *self);
void               ub_firmware_catalog_lookup_async  (UbFirmwareCatalog   *self,
                                                      const char          *product_type,
                                                      UbCatalogFlags       flags,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
UbFirmwareList    *ub_firmware_catalog_lookup_finish (UbFirmwareCatalog   *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);
UbFirmwareList    *ub_firmware_catalog_lookup        (UbFirmwareCatalog   *self,
                                                      const char          *product_type,
                                                      UbCatalogFlags       flags,
                                                      GCancellable        *cancellable,
                                                      GError             **error);

G_END_DECLS
