/* ub-firmware-list.h — what a catalog lookup found for one model
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ub-firmware.h"

G_BEGIN_DECLS

/**
 * UbCatalogSource:
 * @UB_CATALOG_SOURCE_IPSW_ME: ipsw.me's list (sizes, SHA-256, signing status)
 * @UB_CATALOG_SOURCE_APPLE: Apple's version list (SHA-1 cross-check)
 */
typedef enum /*< flags >*/
{
  UB_CATALOG_SOURCE_IPSW_ME = 1 << 0,
  UB_CATALOG_SOURCE_APPLE   = 1 << 1,
} UbCatalogSource;

#define UB_TYPE_FIRMWARE_LIST (ub_firmware_list_get_type ())

G_DECLARE_FINAL_TYPE (UbFirmwareList, ub_firmware_list, UB, FIRMWARE_LIST, GObject)

UbFirmwareList  *ub_firmware_list_new              (GPtrArray       *firmwares,
                                                    UbCatalogSource  sources,
                                                    GDateTime       *fetched,
                                                    gboolean         offline,
                                                    const char      *apple_latest);
guint            ub_firmware_list_get_n_firmwares  (UbFirmwareList  *self);
UbFirmware      *ub_firmware_list_get_firmware     (UbFirmwareList  *self,
                                                    guint            index);
UbFirmware      *ub_firmware_list_get_recommended  (UbFirmwareList  *self);
UbFirmware      *ub_firmware_list_find_build       (UbFirmwareList  *self,
                                                    const char      *build);
UbCatalogSource  ub_firmware_list_get_sources      (UbFirmwareList  *self);
GDateTime       *ub_firmware_list_get_fetched      (UbFirmwareList  *self);
gboolean         ub_firmware_list_get_offline      (UbFirmwareList  *self);
char            *ub_firmware_list_dup_age_text     (UbFirmwareList  *self,
                                                    GDateTime       *now);

G_END_DECLS
