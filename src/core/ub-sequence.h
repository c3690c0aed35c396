/* ub-sequence.h — one button sequence (force restart, recovery, DFU) for one button family
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "ub-model.h"

G_BEGIN_DECLS

/**
 * UbButtons:
 * @UB_BUTTON_NONE: no button
 * @UB_BUTTON_POWER: the sleep/wake key (Side or Top, see #UbPowerButton)
 * @UB_BUTTON_HOME: the Home button
 * @UB_BUTTON_VOLUME_UP: Volume Up (on iPads without Home: the volume key nearest to Top)
 * @UB_BUTTON_VOLUME_DOWN: Volume Down (on iPads without Home: the volume key farthest from Top)
 */
typedef enum /*< flags >*/
{
  UB_BUTTON_NONE        = 0,
  UB_BUTTON_POWER       = 1 << 0,
  UB_BUTTON_HOME        = 1 << 1,
  UB_BUTTON_VOLUME_UP   = 1 << 2,
  UB_BUTTON_VOLUME_DOWN = 1 << 3,
} UbButtons;

/**
 * UbScreen:
 * @UB_SCREEN_ON: iOS is running (or the screen shows anything but the states below)
 * @UB_SCREEN_BLACK: black, no backlight: off, resetting, or DFU
 * @UB_SCREEN_LOGO: the Apple logo (booting)
 * @UB_SCREEN_RECOVERY: the recovery picture: a computer and a cable
 */
typedef enum
{
  UB_SCREEN_ON,
  UB_SCREEN_BLACK,
  UB_SCREEN_LOGO,
  UB_SCREEN_RECOVERY,
} UbScreen;

/**
 * UbSequenceKind:
 * @UB_SEQUENCE_FORCE_RESTART: restart a frozen phone; keeps data
 * @UB_SEQUENCE_RECOVERY: enter recovery mode (for an Update that keeps data)
 * @UB_SEQUENCE_DFU: enter DFU mode by hand from any state
 * @UB_SEQUENCE_DFU_ASSISTED: enter DFU from recovery; the computer times the reboot
 */
typedef enum
{
  UB_SEQUENCE_FORCE_RESTART,
  UB_SEQUENCE_RECOVERY,
  UB_SEQUENCE_DFU,
  UB_SEQUENCE_DFU_ASSISTED,
} UbSequenceKind;

/**
 * UbSequenceTarget:
 * @UB_TARGET_RESTART: success is the phone coming back after it went away
 * @UB_TARGET_RECOVERY: success is the phone arriving in recovery mode
 * @UB_TARGET_DFU: success is the phone arriving in DFU (or WTF) mode
 */
typedef enum
{
  UB_TARGET_RESTART,
  UB_TARGET_RECOVERY,
  UB_TARGET_DFU,
} UbSequenceTarget;

typedef struct _UbStep UbStep;

#define UB_TYPE_STEP (ub_step_get_type ())
#define UB_TYPE_SEQUENCE (ub_sequence_get_type ())

GType        ub_step_get_type              (void) G_GNUC_CONST;
UbStep      *ub_step_new                   (void);
UbStep      *ub_step_ref                   (UbStep         *step);
void         ub_step_unref                 (UbStep         *step);
UbButtons    ub_step_get_hold              (const UbStep   *step);
UbButtons    ub_step_get_tap               (const UbStep   *step);
UbButtons    ub_step_get_buttons           (const UbStep   *step);
guint        ub_step_get_seconds           (const UbStep   *step,
                                            gboolean        from_recovery);
int          ub_step_get_cue_seconds       (const UbStep   *step);
int          ub_step_get_host_reboot_at    (const UbStep   *step);
gboolean     ub_step_get_detect            (const UbStep   *step);
UbScreen     ub_step_get_screen            (const UbStep   *step);
const char  *ub_step_get_instruction       (const UbStep   *step,
                                            UbPowerButton   power);
const char  *ub_step_get_cue               (const UbStep   *step);
const char  *ub_step_get_instruction_msgid (const UbStep   *step,
                                            UbPowerButton   power);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UbStep, ub_step_unref)

G_DECLARE_FINAL_TYPE (UbSequence, ub_sequence, UB, SEQUENCE, GObject)

UbSequence      *ub_sequence_new                (UbSequenceKind    kind,
                                                 UbButtonFamily    family,
                                                 guint             chip,
                                                 UbSequenceTarget  target);
void             ub_sequence_add_step           (UbSequence       *self,
                                                 UbStep           *step);
UbSequenceKind   ub_sequence_get_kind           (UbSequence       *self);
UbButtonFamily   ub_sequence_get_family         (UbSequence       *self);
guint            ub_sequence_get_chip           (UbSequence       *self);
UbSequenceTarget ub_sequence_get_target         (UbSequence       *self);
guint            ub_sequence_get_n_steps        (UbSequence       *self);
UbStep          *ub_sequence_get_step           (UbSequence       *self,
                                                 guint             index);
guint            ub_sequence_get_total_seconds  (UbSequence       *self,
                                                 gboolean          from_recovery);

const char      *ub_sequence_kind_to_string     (UbSequenceKind    kind);
gboolean         ub_sequence_kind_from_string   (const char       *str,
                                                 UbSequenceKind   *kind);
const char      *ub_buttons_to_string           (UbButtons         buttons);
const char      *ub_screen_to_string            (UbScreen          screen);

/* Private to the parser */
void             _ub_step_set_instruction       (UbStep           *step,
                                                 int               power,
                                                 const char       *msgid);
void             _ub_step_set_cue               (UbStep           *step,
                                                 const char       *msgid);
void             _ub_step_set_timing            (UbStep           *step,
                                                 UbButtons         hold,
                                                 UbButtons         tap,
                                                 guint             seconds,
                                                 guint             recovery_seconds,
                                                 int               cue_seconds,
                                                 int               host_reboot_at,
                                                 gboolean          detect,
                                                 UbScreen          screen);

G_END_DECLS
