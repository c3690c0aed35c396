/* ub-guide-events.c — what the guide makes of phones arriving and leaving
 *
 * The target mode ends the guide with success; another mode, after the phone
 * left during the sequence (it reset), ends it with the failure that mode
 * means (dfu-sequences.md §5: recovery = a button held too long; iOS =
 * released too early or held too long). Arrivals of another phone, during
 * "get ready", or of a phone that never left, are a late cable, not an
 * attempt, and change nothing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-guide"

#include "config.h"

#include "ub-guide-private.h"

void
ub_guide_device_left (UbGuide *self)
{
  g_return_if_fail (UB_IS_GUIDE (self));

  if (ub_guide_is_active (self))
    {
      g_debug ("Guide: the phone left USB");
      self->left_since_start = TRUE;
    }
}

static gboolean
is_target_mode (UbGuide      *self,
                UbDeviceMode  mode)
{
  switch (ub_sequence_get_target (self->sequence))
    {
    case UB_TARGET_DFU:
      return mode == UB_DEVICE_MODE_DFU || mode == UB_DEVICE_MODE_WTF;
    case UB_TARGET_RECOVERY:
      return mode == UB_DEVICE_MODE_RECOVERY;
    case UB_TARGET_RESTART:
      return self->left_since_start;
    default:
      g_assert_not_reached ();
    }
}

static UbGuideFailure
failure_for_mode (UbDeviceMode mode)
{
  switch (mode)
    {
    case UB_DEVICE_MODE_RECOVERY:
      return UB_GUIDE_FAILURE_RECOVERY;
    case UB_DEVICE_MODE_NORMAL:
      return UB_GUIDE_FAILURE_BOOTED;
    case UB_DEVICE_MODE_DFU:
    case UB_DEVICE_MODE_WTF:
      return UB_GUIDE_FAILURE_DFU;
    case UB_DEVICE_MODE_UNKNOWN:
    case UB_DEVICE_MODE_RESTORE:
    case UB_DEVICE_MODE_PORT_DFU:
    default:
      return UB_GUIDE_FAILURE_NONE;
    }
}

/**
 * ub_guide_device_arrived:
 * @mode: the mode the phone arrived in
 * @has_ecid: whether @ecid is known
 *
 * A phone appeared on USB. The target mode ends the guide with success; a
 * wrong mode after the phone left (it reset during the sequence) ends it with
 * the matching #UbGuideFailure. Arrivals while the person only gets ready, or
 * of a phone that never left, are a late cable, not an attempt.
 */
void
ub_guide_device_arrived (UbGuide      *self,
                         UbDeviceMode  mode,
                         gboolean      has_ecid,
                         guint64       ecid)
{
  UbGuideFailure failure;

  g_return_if_fail (UB_IS_GUIDE (self));

  if (!ub_guide_is_active (self))
    return;
  if (self->has_expected_ecid && has_ecid && ecid != self->expected_ecid)
    {
      g_debug ("Guide ignores another phone (ECID 0x%" G_GINT64_MODIFIER "X)", ecid);
      return;
    }

  g_debug ("Guide: a phone arrived in mode “%s”", ub_device_mode_to_string (mode));
  if (is_target_mode (self, mode))
    {
      _ub_guide_set_arrived_mode (self, mode);
      _ub_guide_finish (self, UB_GUIDE_FAILURE_NONE);
      return;
    }

  failure = failure_for_mode (mode);
  if (failure == UB_GUIDE_FAILURE_NONE || !self->left_since_start ||
      (self->step == 0 && self->state != UB_GUIDE_CHECKING))
    return;
  _ub_guide_set_arrived_mode (self, mode);
  _ub_guide_finish (self, failure);
}

/**
 * ub_guide_report_restarted:
 * @restarted: what the person saw
 *
 * For a force restart of a phone that is not on USB, the person tells the
 * guide whether the Apple logo appeared.
 */
void
ub_guide_report_restarted (UbGuide  *self,
                           gboolean  restarted)
{
  g_return_if_fail (UB_IS_GUIDE (self));
  g_return_if_fail (ub_sequence_get_target (self->sequence) == UB_TARGET_RESTART);

  if (ub_guide_is_active (self))
    _ub_guide_finish (self, restarted ? UB_GUIDE_FAILURE_NONE : UB_GUIDE_FAILURE_NOT_SEEN);
}

/**
 * ub_guide_is_active:
 *
 * Returns: %TRUE while running, paused or checking
 */
gboolean
ub_guide_is_active (UbGuide *self)
{
  g_return_val_if_fail (UB_IS_GUIDE (self), FALSE);

  return self->state == UB_GUIDE_RUNNING || self->state == UB_GUIDE_PAUSED ||
         self->state == UB_GUIDE_CHECKING;
}
