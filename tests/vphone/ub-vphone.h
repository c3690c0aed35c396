/* ub-vphone.h — the virtual iPhone: its parts, its sockets, its state line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "ub-vphone-asr.h"
#include "ub-vphone-fdr.h"
#include "ub-vphone-backup.h"
#include "ub-vphone-faults.h"
#include "ub-vphone-identity.h"
#include "ub-vphone-nvram.h"
#include "ub-vphone-phone.h"
#include "ub-vphone-recorder.h"
#include "ub-vphone-restored.h"
#include "ub-vphone-types.h"
#include "ub-vphone-usb.h"

G_BEGIN_DECLS

/**
 * UbVphoneOptions:
 * @product_type: the model, e.g. "iPhone10,3"
 * @mode: off, normal, recovery or dfu
 * @ecid: the chip ID
 * @control_path: (nullable): the control socket; %NULL for one in the temp dir
 * @record_path: (nullable): the record file; %NULL for one in the temp dir
 */
typedef struct
{
  const char   *product_type;
  UbVphoneMode  mode;
  guint64       ecid;
  const char   *control_path;
  const char   *record_path;
} UbVphoneOptions;

#define UB_TYPE_VPHONE (ub_vphone_get_type ())

G_DECLARE_FINAL_TYPE (UbVphone, ub_vphone, UB, VPHONE, GObject)

UbVphone         *ub_vphone_new               (const UbVphoneOptions *options,
                                               GError               **error);
void              ub_vphone_stop              (UbVphone              *self);
char            **ub_vphone_dup_child_environ (UbVphone              *self);
UbVphonePhone    *ub_vphone_get_phone         (UbVphone              *self);
UbVphoneFaults   *ub_vphone_get_faults        (UbVphone              *self);
UbVphoneNvram    *ub_vphone_get_nvram         (UbVphone              *self);
UbVphoneRecorder *ub_vphone_get_recorder      (UbVphone              *self);
UbVphoneBackup   *ub_vphone_get_backup        (UbVphone              *self);
UbVphoneAsr      *ub_vphone_get_asr           (UbVphone              *self);
UbVphoneFdr      *ub_vphone_get_fdr           (UbVphone              *self);
UbVphoneRestored *ub_vphone_get_restored      (UbVphone              *self);
char             *ub_vphone_dup_state         (UbVphone              *self);
char             *ub_vphone_dup_state_value   (UbVphone              *self,
                                               const char            *key);
gboolean          ub_vphone_is_state_key      (const char            *key);

G_END_DECLS
