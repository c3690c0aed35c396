/* ub-restore-stage.c — the stages of a restore, in plain words
 *
 * Names, deadlines and each stage's share of the progress bar, as data. The
 * deadlines bound a whole stage (each step inside has its own, shorter one):
 * restore-protocol.md §1 gives 10 s for the phone to leave and 10 s to come
 * back after each boot loader, 30 s to leave and 300 s to come back in
 * restore mode after the kernel; signing may take six tries of up to 30 s
 * (ub-tss.c), and the boot loader stages may have to sign again when the
 * phone shows a new nonce.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-restore"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ub-restore-stage.h"

typedef struct
{
  const char *name;
  const char *label;
  guint       timeout_ms;
  double      share;       /* of the whole progress bar */
} StageInfo;

static const StageInfo stages[UB_RESTORE_N_STAGES] = {
  /* TRANSLATORS: restore stages, shown in a list while the restore runs */
  [UB_RESTORE_STAGE_CHECK] = { "check", N_("Checking the firmware and the iPhone"), 60000, 0.02 },
  [UB_RESTORE_STAGE_SIGN] = { "sign", N_("Asking Apple to approve the firmware for this iPhone"), 240000, 0.03 },
  [UB_RESTORE_STAGE_SEND_IBSS] = { "send-ibss", N_("Starting the iPhone’s restore loader"), 60000, 0.02 },
  [UB_RESTORE_STAGE_SEND_IBEC] = { "send-ibec", N_("Starting the second restore loader"), 300000, 0.02 },
  [UB_RESTORE_STAGE_BOOT_RAMDISK] = { "boot-ramdisk", N_("Sending the restore system"), 420000, 0.06 },
  [UB_RESTORE_STAGE_WAIT_RESTORE_MODE] = { "wait-restore-mode", N_("Waiting for the restore system to start"),
                                           360000, 0.05 },
  [UB_RESTORE_STAGE_RESTORE] = { "restore", N_("Installing iOS"), 0, 0.77 },
  [UB_RESTORE_STAGE_REBOOT] = { "reboot", N_("Starting iOS"), 420000, 0.03 },
  [UB_RESTORE_STAGE_DONE] = { "done", N_("Done"), 0, 0.0 },
};

static gboolean
valid (UbRestoreStage stage)
{
  return (guint)stage < UB_RESTORE_N_STAGES;
}

/**
 * ub_restore_stage_to_string:
 *
 * Returns: a stable name for logs and JSON ("send-ibss")
 */
const char *
ub_restore_stage_to_string (UbRestoreStage stage)
{
  g_return_val_if_fail (valid (stage), NULL);
  return stages[stage].name;
}

gboolean
ub_restore_stage_from_string (const char     *str,
                              UbRestoreStage *stage)
{
  for (guint i = 0; str != NULL && i < UB_RESTORE_N_STAGES; i++)
    {
      if (g_str_equal (str, stages[i].name))
        {
          *stage = (UbRestoreStage)i;
          return TRUE;
        }
    }
  return FALSE;
}

/**
 * ub_restore_stage_get_label:
 *
 * Returns: what the stage does, translated, for people
 */
const char *
ub_restore_stage_get_label (UbRestoreStage stage)
{
  g_return_val_if_fail (valid (stage), NULL);
  return _(stages[stage].label);
}

/**
 * ub_restore_stage_get_timeout_ms:
 *
 * Returns: how long the stage may take before its watchdog gives up (in the
 *   clock's time), 0 when it has no single deadline
 */
guint
ub_restore_stage_get_timeout_ms (UbRestoreStage stage)
{
  g_return_val_if_fail (valid (stage), 0);
  return stages[stage].timeout_ms;
}

/**
 * ub_restore_stage_can_cancel:
 *
 * Returns: whether stopping now leaves the phone as it was; once the first
 *   boot loader is sent it must run to the end
 */
gboolean
ub_restore_stage_can_cancel (UbRestoreStage stage)
{
  g_return_val_if_fail (valid (stage), FALSE);
  return stage < UB_RESTORE_STAGE_SEND_IBSS;
}

/**
 * ub_restore_stage_get_start:
 *
 * Returns: where the stage begins on a 0…1 progress bar
 */
double
ub_restore_stage_get_start (UbRestoreStage stage)
{
  double start = 0;

  g_return_val_if_fail (valid (stage), 0);
  for (guint i = 0; i < (guint)stage; i++)
    start += stages[i].share;
  return MIN (start, 1.0);
}

/**
 * ub_restore_stage_get_share:
 *
 * Returns: the stage's part of the progress bar
 */
double
ub_restore_stage_get_share (UbRestoreStage stage)
{
  g_return_val_if_fail (valid (stage), 0);
  return stages[stage].share;
}
