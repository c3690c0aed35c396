/* ub-safety-page-private.h — the parts of "Before you start"
 *
 * ub-safety-page.c: the page, damage, power and consent;
 * ub-safety-page-phone.c: the connected phone's facts, Trust, leaving a
 * recovery loop; ub-safety-page-backup.c: the backups found and making one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ub-safety-page.h"

G_BEGIN_DECLS

/* The phone's battery must hold through a restore (dfu-sequences.md §6) */
#define UB_SAFETY_MIN_PHONE_BATTERY 20

struct _UbSafetyPage
{
  UbPage            parent_instance;

  /* template */
  GtkWidget        *dfu_group;
  GtkWidget        *recovery_group;
  GtkWidget        *restart_group;
  GtkWidget        *phone_group;
  AdwActionRow     *phone_row;
  AdwActionRow     *trust_row;
  GtkSpinner       *trust_spinner;
  GtkWidget        *trust_button;
  AdwActionRow     *encrypt_row;
  GtkWidget        *exit_recovery_row;
  GtkSpinner       *exit_recovery_spinner;
  GtkWidget        *exit_recovery_button;
  AdwPreferencesGroup *backup_group;
  AdwActionRow     *backup_note_row;
  GtkImage         *backup_note_icon;
  GtkSpinner       *scan_spinner;
  AdwExpanderRow   *backup_list_row;
  AdwActionRow     *backup_now_row;
  GtkWidget        *backup_button;
  GtkWidget        *backup_cancel_button;
  GtkWidget        *backup_folder_button;
  GtkProgressBar   *backup_progress;
  GtkWidget        *power_group;
  AdwActionRow     *computer_power_row;
  GtkImage         *computer_power_icon;
  AdwActionRow     *phone_battery_row;
  GtkImage         *phone_battery_icon;
  GtkWidget        *power_override_row;
  GtkSwitch        *power_override_switch;
  GtkWidget        *damage_group;
  GtkWidget        *cable_group;
  GtkWidget        *lightning_row;
  GtkWidget        *damage_warning_row;
  GtkWidget        *override_row;
  GtkSwitch        *damage_switch;
  GtkSwitch        *override_switch;
  GtkWidget        *consent_group;
  AdwActionRow     *consent_row;
  GtkCheckButton   *consent_check;
  GtkCheckButton   *ack_check;

  gboolean          visible;
  guint             refresh_id;

  /* the phone (ub-safety-page-phone.c) */
  char             *facts_udid;
  GCancellable     *facts_cancellable;
  UbLockdownPaired *paired;
  GError           *paired_error;
  gboolean          paired_busy;
  GCancellable     *exit_cancellable;
  guint             exit_timeout_id;
  char             *exit_message;

  /* power (ub-safety-page.c) */
  GCancellable     *power_cancellable;
  UbPowerState      power;
  gboolean          has_power;

  /* backups (ub-safety-page-backup.c) */
  char             *scan_udid;
  GCancellable     *scan_cancellable;
  GPtrArray        *backup_rows;
  GPtrArray        *backups;
  gboolean          scan_done;
  double            backup_fraction;
  GCancellable     *backup_cancellable;
  char             *backup_folder;
  char             *backup_message;
};

void     _ub_safety_page_update              (UbSafetyPage *self);
UbDevice *_ub_safety_page_get_device         (UbSafetyPage *self);

void     _ub_safety_page_phone_refresh       (UbSafetyPage *self,
                                              gboolean      force);
void     _ub_safety_page_phone_update        (UbSafetyPage *self);
void     _ub_safety_page_phone_dispose       (UbSafetyPage *self);
gboolean _ub_safety_page_phone_battery_low   (UbSafetyPage *self);
void     on_trust_retry_clicked              (UbSafetyPage *self);
void     on_exit_recovery_clicked            (UbSafetyPage *self);

void     _ub_safety_page_backup_refresh      (UbSafetyPage *self,
                                              gboolean      force);
void     _ub_safety_page_backup_update       (UbSafetyPage *self);
void     _ub_safety_page_backup_dispose      (UbSafetyPage *self);
void     on_add_folder_clicked               (UbSafetyPage *self);
void     on_backup_folder_clicked            (UbSafetyPage *self);
void     on_backup_clicked                   (UbSafetyPage *self);
void     on_backup_cancel_clicked            (UbSafetyPage *self);

G_END_DECLS
