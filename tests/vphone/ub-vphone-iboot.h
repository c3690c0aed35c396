/* ub-vphone-iboot.h — iBoot's recovery-mode USB interface
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "ub-vphone-chain.h"
#include "ub-vphone-dfu.h"
#include "ub-vphone-nvram.h"
#include "ub-vphone-recorder.h"

G_BEGIN_DECLS

/**
 * UbVphoneIbootAction:
 * @UB_VPHONE_IBOOT_NONE: nothing for the phone to do
 * @UB_VPHONE_IBOOT_REBOOT: `reboot` (or `reset`): the phone resets now
 * @UB_VPHONE_IBOOT_GO: `go` after a good iBEC upload: iBEC starts
 * @UB_VPHONE_IBOOT_BOOTX: `bootx` after a good kernel: the restore ramdisk starts
 * @UB_VPHONE_IBOOT_REFUSED: iBoot refuses the command (internal: the request stalls)
 */
typedef enum
{
  UB_VPHONE_IBOOT_NONE,
  UB_VPHONE_IBOOT_REBOOT,
  UB_VPHONE_IBOOT_GO,
  UB_VPHONE_IBOOT_BOOTX,
  UB_VPHONE_IBOOT_REFUSED,
} UbVphoneIbootAction;

#define UB_TYPE_VPHONE_IBOOT (ub_vphone_iboot_get_type ())

G_DECLARE_FINAL_TYPE (UbVphoneIboot, ub_vphone_iboot, UB, VPHONE_IBOOT, GObject)

UbVphoneIboot *ub_vphone_iboot_new           (UbVphoneNvram       *nvram,
                                              UbVphoneRecorder    *recorder,
                                              UbVphoneChain       *chain);
int            ub_vphone_iboot_request       (UbVphoneIboot       *self,
                                              const UbVphoneSetup *setup,
                                              guint8              *data,
                                              gsize               *actual,
                                              UbVphoneIbootAction *action);
void           ub_vphone_iboot_bulk_out      (UbVphoneIboot       *self,
                                              const guint8        *data,
                                              gsize                len);
void           ub_vphone_iboot_finish_upload (UbVphoneIboot       *self);

G_END_DECLS
