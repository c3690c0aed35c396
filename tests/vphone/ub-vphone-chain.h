/* ub-vphone-chain.h — the boot chain: which stage runs, which image it takes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "ub-vphone-faults.h"
#include "ub-vphone-identity.h"
#include "ub-vphone-phone.h"
#include "ub-vphone-recorder.h"

G_BEGIN_DECLS

#define UB_TYPE_VPHONE_CHAIN (ub_vphone_chain_get_type ())

G_DECLARE_FINAL_TYPE (UbVphoneChain, ub_vphone_chain, UB, VPHONE_CHAIN, GObject)

UbVphoneChain *ub_vphone_chain_new            (UbVphoneIdentity *identity,
                                               UbVphonePhone    *phone,
                                               UbVphoneFaults   *faults,
                                               UbVphoneRecorder *recorder);
gboolean       ub_vphone_chain_check_dfu      (UbVphoneChain    *self,
                                               GBytes           *image);
void           ub_vphone_chain_dfu_booted     (UbVphoneChain    *self);
gboolean       ub_vphone_chain_takes_image    (const char       *verb);
gboolean       ub_vphone_chain_check_command  (UbVphoneChain    *self,
                                               const char       *verb,
                                               GBytes           *image);
void           ub_vphone_chain_go             (UbVphoneChain    *self);
void           ub_vphone_chain_bootx          (UbVphoneChain    *self);
const char    *ub_vphone_chain_get_stage_name (UbVphoneChain    *self);

G_END_DECLS
