/* ub-rescue-plan.c — which fix to try first, and which button sequence it takes
 *
 * Part of UbRescue (ub-rescue.c): the decisions made from the fault, the
 * goal, the model and the phone's mode, through the rescue's getters.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-rescue"

#include "config.h"

#include "ub-rescue.h"

/**
 * ub_rescue_recommend_goal:
 *
 * The least destructive fix worth trying first for a fault.
 */
UbSequenceKind
ub_rescue_recommend_goal (UbFault fault)
{
  switch (fault)
    {
    case UB_FAULT_FIRMWARE:
    case UB_FAULT_FAILED_UPDATE:
      return UB_SEQUENCE_RECOVERY;
    case UB_FAULT_NONE:
    case UB_FAULT_UNRESPONSIVE:
    case UB_FAULT_BOOT_LOOP:
    case UB_FAULT_HARDWARE_LIKE:
    default:
      return UB_SEQUENCE_FORCE_RESTART;
    }
}

/**
 * ub_rescue_choose_sequence:
 * @from_recovery: (out) (optional): whether the phone starts in recovery mode
 *
 * The sequence the guide will run for this phone: for DFU mode from recovery
 * mode, the computer-timed one where the model has it (dfu-sequences.md §4a);
 * otherwise the goal's own.
 *
 * Returns: (transfer none) (nullable): the sequence, or %NULL with no model yet
 */
UbSequence *
ub_rescue_choose_sequence (UbRescue *self,
                           gboolean *from_recovery)
{
  gboolean in_recovery;
  UbSequence *seq = NULL;
  UbDevice *device;
  UbModel *model;
  UbSequenceKind goal;
  UbSequenceBook *book;

  g_return_val_if_fail (UB_IS_RESCUE (self), NULL);

  device = ub_rescue_get_device (self);
  model = ub_rescue_get_model (self);
  goal = ub_rescue_get_goal (self);
  book = ub_rescue_get_sequence_book (self);
  in_recovery = device != NULL &&
                ub_device_get_mode (device) == UB_DEVICE_MODE_RECOVERY &&
                ub_device_get_source (device) == UB_DEVICE_SOURCE_USB;
  if (from_recovery != NULL)
    *from_recovery = in_recovery;
  if (model == NULL)
    return NULL;
  if (goal == UB_SEQUENCE_DFU && in_recovery)
    seq = ub_sequence_book_lookup (book, UB_SEQUENCE_DFU_ASSISTED, model);
  if (seq == NULL)
    seq = ub_sequence_book_lookup (book, goal, model);
  return seq;
}

/**
 * ub_rescue_get_restore_kind:
 *
 * DFU mode is for the restore that erases; recovery mode for the Update
 * that keeps the data (the least destructive fix first).
 */
UbRestoreKind
ub_rescue_get_restore_kind (UbRescue *self)
{
  g_return_val_if_fail (UB_IS_RESCUE (self), UB_RESTORE_KIND_UPDATE);

  return ub_rescue_get_goal (self) == UB_SEQUENCE_RECOVERY ? UB_RESTORE_KIND_UPDATE : UB_RESTORE_KIND_ERASE;
}
