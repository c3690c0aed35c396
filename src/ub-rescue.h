/* ub-rescue.h — the shared state of one phone being rescued
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ub-core.h"
#include "ub-restore-outcome.h"

G_BEGIN_DECLS

/**
 * UbFault:
 * @UB_FAULT_NONE: not chosen yet
 * @UB_FAULT_UNRESPONSIVE: frozen or black, does not respond
 * @UB_FAULT_BOOT_LOOP: stuck on the Apple logo, restarting
 * @UB_FAULT_FIRMWARE: iOS seems damaged: recovery screen on its own, errors
 * @UB_FAULT_FAILED_UPDATE: an update stopped halfway
 * @UB_FAULT_HARDWARE_LIKE: battery, buttons, touch or screen act up (often software)
 */
typedef enum
{
  UB_FAULT_NONE,
  UB_FAULT_UNRESPONSIVE,
  UB_FAULT_BOOT_LOOP,
  UB_FAULT_FIRMWARE,
  UB_FAULT_FAILED_UPDATE,
  UB_FAULT_HARDWARE_LIKE,
} UbFault;

#define UB_TYPE_RESCUE (ub_rescue_get_type ())

G_DECLARE_FINAL_TYPE (UbRescue, ub_rescue, UB, RESCUE, GObject)

UbRescue        *ub_rescue_new                  (UbModelDb        *model_db,
                                                 UbSequenceBook   *sequence_book,
                                                 UbDeviceMonitor  *device_monitor,
                                                 UbClock          *clock);
UbModelDb       *ub_rescue_get_model_db         (UbRescue         *self);
UbSequenceBook  *ub_rescue_get_sequence_book    (UbRescue         *self);
UbDeviceMonitor *ub_rescue_get_device_monitor   (UbRescue         *self);
UbClock         *ub_rescue_get_clock            (UbRescue         *self);
UbFirmwareChoice *ub_rescue_get_firmware_choice (UbRescue         *self);
UbRestoreOutcome *ub_rescue_get_restore_outcome (UbRescue         *self);
UbRestoreKind    ub_rescue_get_restore_kind     (UbRescue         *self);

UbFault          ub_rescue_get_fault            (UbRescue         *self);
void             ub_rescue_set_fault            (UbRescue         *self,
                                                 UbFault           fault);
UbSequenceKind   ub_rescue_get_goal             (UbRescue         *self);
void             ub_rescue_set_goal             (UbRescue         *self,
                                                 UbSequenceKind    goal);
UbModel         *ub_rescue_get_model            (UbRescue         *self);
void             ub_rescue_set_model            (UbRescue         *self,
                                                 UbModel          *model);
UbDevice        *ub_rescue_get_device           (UbRescue         *self);
void             ub_rescue_set_device           (UbRescue         *self,
                                                 UbDevice         *device);
gboolean         ub_rescue_get_safety_done      (UbRescue         *self);
void             ub_rescue_set_safety_done      (UbRescue         *self,
                                                 gboolean          done);
gboolean         ub_rescue_get_erase_agreed     (UbRescue         *self);
void             ub_rescue_set_erase_agreed     (UbRescue         *self,
                                                 gboolean          agreed);
UbConsent       *ub_rescue_get_erase_consent    (UbRescue         *self);
UbDevice        *ub_rescue_get_result_device    (UbRescue         *self);
UbGuideState     ub_rescue_get_result_state     (UbRescue         *self);
UbGuideFailure   ub_rescue_get_result_failure   (UbRescue         *self);
void             ub_rescue_set_result           (UbRescue         *self,
                                                 UbGuideState      state,
                                                 UbGuideFailure    failure,
                                                 UbDevice         *device);
void             ub_rescue_reset                (UbRescue         *self);
UbSequence      *ub_rescue_choose_sequence      (UbRescue         *self,
                                                 gboolean         *from_recovery);

UbSequenceKind   ub_rescue_recommend_goal       (UbFault           fault);

G_END_DECLS
