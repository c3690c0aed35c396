/* ub-restore-stage.h — the stages of a restore, in plain words
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * UbRestoreStage:
 * @UB_RESTORE_STAGE_CHECK: the firmware file and the phone are checked against each other
 * @UB_RESTORE_STAGE_SIGN: Apple is asked to sign the firmware for this phone (TSS)
 * @UB_RESTORE_STAGE_SEND_IBSS: the first boot loader goes to the phone in DFU mode
 * @UB_RESTORE_STAGE_SEND_IBEC: the second boot loader, once the first one runs
 * @UB_RESTORE_STAGE_BOOT_RAMDISK: logo, restore system, device tree, SEP and kernel
 * @UB_RESTORE_STAGE_WAIT_RESTORE_MODE: the phone starts the restore system
 * @UB_RESTORE_STAGE_RESTORE: the restore system installs iOS
 * @UB_RESTORE_STAGE_REBOOT: the restored phone restarts into iOS
 * @UB_RESTORE_STAGE_DONE: finished
 *
 * In order; from @UB_RESTORE_STAGE_SEND_IBSS on the phone must not be
 * unplugged and the restore cannot be cancelled.
 */
typedef enum
{
  UB_RESTORE_STAGE_CHECK,
  UB_RESTORE_STAGE_SIGN,
  UB_RESTORE_STAGE_SEND_IBSS,
  UB_RESTORE_STAGE_SEND_IBEC,
  UB_RESTORE_STAGE_BOOT_RAMDISK,
  UB_RESTORE_STAGE_WAIT_RESTORE_MODE,
  UB_RESTORE_STAGE_RESTORE,
  UB_RESTORE_STAGE_REBOOT,
  UB_RESTORE_STAGE_DONE,
} UbRestoreStage;

#define UB_RESTORE_N_STAGES (UB_RESTORE_STAGE_DONE + 1)

const char *ub_restore_stage_to_string    (UbRestoreStage stage);
gboolean    ub_restore_stage_from_string  (const char     *str,
                                           UbRestoreStage *stage);
const char *ub_restore_stage_get_label    (UbRestoreStage stage);
guint       ub_restore_stage_get_timeout_ms (UbRestoreStage stage);
gboolean    ub_restore_stage_can_cancel   (UbRestoreStage stage);
double      ub_restore_stage_get_start    (UbRestoreStage stage);
double      ub_restore_stage_get_share    (UbRestoreStage stage);

G_END_DECLS
