/* ub-vphone-nvram.h — the iBoot environment of the virtual iPhone
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define UB_TYPE_VPHONE_NVRAM (ub_vphone_nvram_get_type ())

G_DECLARE_FINAL_TYPE (UbVphoneNvram, ub_vphone_nvram, UB, VPHONE_NVRAM, GObject)

UbVphoneNvram *ub_vphone_nvram_new            (const char    *board,
                                               const char    *iboot_version);
const char    *ub_vphone_nvram_get            (UbVphoneNvram *self,
                                               const char    *name);
void           ub_vphone_nvram_set            (UbVphoneNvram *self,
                                               const char    *name,
                                               const char    *value);
void           ub_vphone_nvram_save           (UbVphoneNvram *self);
void           ub_vphone_nvram_reload         (UbVphoneNvram *self);
void           ub_vphone_nvram_set_saved      (UbVphoneNvram *self,
                                               const char    *name,
                                               const char    *value);
gboolean       ub_vphone_nvram_get_auto_boot  (UbVphoneNvram *self);

G_END_DECLS
