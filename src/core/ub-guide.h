/* ub-guide.h — the timed button guide: a pure state machine over a sequence
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "ub-clock.h"
#include "ub-device.h"
#include "ub-sequence.h"

G_BEGIN_DECLS

/**
 * UbGuideState:
 * @UB_GUIDE_READY: not started; the person reads the first step
 * @UB_GUIDE_RUNNING: counting down the current step
 * @UB_GUIDE_PAUSED: the countdown is frozen
 * @UB_GUIDE_CHECKING: every step is done; waiting a little for the phone to show up
 * @UB_GUIDE_SUCCEEDED: the phone arrived in the target mode
 * @UB_GUIDE_FAILED: see #UbGuideFailure
 */
typedef enum
{
  UB_GUIDE_READY,
  UB_GUIDE_RUNNING,
  UB_GUIDE_PAUSED,
  UB_GUIDE_CHECKING,
  UB_GUIDE_SUCCEEDED,
  UB_GUIDE_FAILED,
} UbGuideState;

/**
 * UbGuideFailure:
 * @UB_GUIDE_FAILURE_NONE: no failure
 * @UB_GUIDE_FAILURE_RECOVERY: the phone came back in recovery mode: a button was held too long
 * @UB_GUIDE_FAILURE_BOOTED: the phone started iOS: released too early, or held too long
 * @UB_GUIDE_FAILURE_DFU: the phone went to DFU mode when recovery mode was wanted
 * @UB_GUIDE_FAILURE_NOT_SEEN: nothing arrived on USB: cable, port, or timing
 */
typedef enum
{
  UB_GUIDE_FAILURE_NONE,
  UB_GUIDE_FAILURE_RECOVERY,
  UB_GUIDE_FAILURE_BOOTED,
  UB_GUIDE_FAILURE_DFU,
  UB_GUIDE_FAILURE_NOT_SEEN,
} UbGuideFailure;

/**
 * UbGuideAction:
 * @UB_GUIDE_ACTION_PREPARE: before the countdown: set auto-boot=true and save it,
 *   so that a missed attempt boots iOS instead of looping in recovery
 * @UB_GUIDE_ACTION_REBOOT: reboot the phone now (the buttons are being held)
 */
typedef enum
{
  UB_GUIDE_ACTION_PREPARE,
  UB_GUIDE_ACTION_REBOOT,
} UbGuideAction;

#define UB_TYPE_GUIDE (ub_guide_get_type ())

G_DECLARE_FINAL_TYPE (UbGuide, ub_guide, UB, GUIDE, GObject)

UbGuide        *ub_guide_new              (UbSequence   *sequence,
                                           UbClock      *clock,
                                           gboolean      from_recovery);
void            ub_guide_set_expected_ecid (UbGuide     *self,
                                           guint64       ecid);
UbSequence     *ub_guide_get_sequence     (UbGuide      *self);
UbGuideState    ub_guide_get_state        (UbGuide      *self);
int             ub_guide_get_step         (UbGuide      *self);
UbStep         *ub_guide_get_current_step (UbGuide      *self);
guint           ub_guide_get_remaining    (UbGuide      *self);
double          ub_guide_get_step_fraction (UbGuide     *self);
UbGuideFailure  ub_guide_get_failure      (UbGuide      *self);
UbDeviceMode    ub_guide_get_arrived_mode (UbGuide      *self);
gboolean        ub_guide_get_from_recovery (UbGuide     *self);
gboolean        ub_guide_is_active        (UbGuide      *self);

void            ub_guide_start            (UbGuide      *self);
void            ub_guide_pause            (UbGuide      *self);
void            ub_guide_resume           (UbGuide      *self);
void            ub_guide_restart          (UbGuide      *self);
void            ub_guide_tick             (UbGuide      *self);
gboolean        ub_guide_confirm_cue      (UbGuide      *self);
void            ub_guide_device_left      (UbGuide      *self);
void            ub_guide_device_arrived   (UbGuide      *self,
                                           UbDeviceMode  mode,
                                           gboolean      has_ecid,
                                           guint64       ecid);
void            ub_guide_report_restarted (UbGuide      *self,
                                           gboolean      restarted);

const char     *ub_guide_state_to_string   (UbGuideState   state);
const char     *ub_guide_failure_to_string (UbGuideFailure failure);

G_END_DECLS
