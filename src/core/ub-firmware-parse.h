/* ub-firmware-parse.h — the two firmware catalogs' formats
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ub-firmware.h"

G_BEGIN_DECLS

/**
 * UbAppleRestore:
 *
 * One build of one model in Apple's version list.
 */
typedef struct
{
  char *version;
  char *build;
  char *url;
  char *sha1;
} UbAppleRestore;

typedef struct
{
  GHashTable *by_build;      /* build → UbAppleRestore */
  char       *latest_build;  /* (nullable) what Apple offers this model now */
} UbAppleCatalog;

GPtrArray      *ub_firmware_parse_ipsw_me      (GBytes          *json,
                                                const char      *product_type,
                                                GError         **error);
UbAppleCatalog *ub_firmware_parse_apple        (GBytes          *plist,
                                                const char      *product_type,
                                                GError         **error);
void            ub_apple_catalog_free          (UbAppleCatalog  *catalog);
GPtrArray      *ub_firmware_list_from_apple    (UbAppleCatalog  *apple,
                                                const char      *product_type);
void            ub_firmware_cross_check        (GPtrArray       *firmwares,
                                                UbAppleCatalog  *apple);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UbAppleCatalog, ub_apple_catalog_free)

G_END_DECLS
