/* ub-safety-page.c — "Before you start"
 *
 * What the chosen fix does to the phone's data; the connected phone and its
 * backups (ub-safety-page-phone.c, ub-safety-page-backup.c); power: this
 * computer on mains (UPower) and the phone's battery at 20 % or more when it
 * can be read; physical damage (advise a repair shop; go on only with an
 * explicit override); the cable (certified; USB-A for Lightning phones,
 * dfu-sequences.md §4d); and for a DFU restore the explicit permission to
 * erase, bound to the phone's ECID by the rescue (ub-rescue.c), which the
 * restore job checks (ub-consent.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-safety-page"

#include "config.h"

#include <glib/gi18n.h>

#include "ub-safety-page-private.h"

G_DEFINE_FINAL_TYPE (UbSafetyPage, ub_safety_page, UB_TYPE_PAGE)

static gboolean
is_dfu_goal (UbSequenceKind goal)
{
  return goal == UB_SEQUENCE_DFU || goal == UB_SEQUENCE_DFU_ASSISTED;
}

UbDevice *
_ub_safety_page_get_device (UbSafetyPage *self)
{
  return ub_rescue_get_device (ub_page_get_rescue (UB_PAGE (self)));
}

static gboolean
computer_on_battery (UbSafetyPage *self)
{
  return self->has_power && self->power.known && self->power.on_battery;
}

static void
update_computer_power (UbSafetyPage *self)
{
  const char *advice = self->has_power ? ub_power_state_advice (&self->power) : NULL;

  if (!self->has_power)
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->computer_power_row),
                                   _("Checking this computer’s power…"));
  else if (advice == NULL)
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->computer_power_row),
                                   _("This computer is on mains power"));
  else
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->computer_power_row), advice);
  gtk_image_set_from_icon_name (self->computer_power_icon,
                                computer_on_battery (self) ? "battery-caution-symbolic" : "ac-adapter-symbolic");
}

static void
update_phone_battery (UbSafetyPage *self)
{
  int level = self->paired ? self->paired->battery_level : -1;
  g_autofree char *title = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->phone_battery_row), level >= 0);
  if (level < 0)
    return;
  title = self->paired->battery_charging
          /* TRANSLATORS: %d is a percentage */
          ? g_strdup_printf (_("The iPhone’s battery is at %d %% and charging"), level)
          : g_strdup_printf (_("The iPhone’s battery is at %d %%"), level);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->phone_battery_row), title);
  adw_action_row_set_subtitle (self->phone_battery_row,
                               _ub_safety_page_phone_battery_low (self)
                               /* xgettext:no-c-format */
                               ? _("Let it charge to at least 20 % first: a phone that switches off halfway "
                                   "through can be left unusable until it is restored again.")
                               : NULL);
  gtk_image_set_from_icon_name (self->phone_battery_icon,
                                _ub_safety_page_phone_battery_low (self) ? "battery-caution-symbolic"
                                                                         : "battery-good-symbolic");
}

static gboolean
power_problem (UbSafetyPage *self)
{
  return computer_on_battery (self) || _ub_safety_page_phone_battery_low (self);
}

static void
update_consent (UbSafetyPage *self,
                UbRescue     *rescue)
{
  UbConsent *consent = ub_rescue_get_erase_consent (rescue);
  UbDevice *device = ub_rescue_get_device (rescue);
  g_autofree char *ecid = device ? ub_device_dup_ecid_string (device) : NULL;
  g_autofree char *subtitle = NULL;

  if (gtk_check_button_get_active (self->consent_check) != ub_rescue_get_erase_agreed (rescue))
    gtk_check_button_set_active (self->consent_check, ub_rescue_get_erase_agreed (rescue));
  if (consent != NULL)
    ecid = g_strdup_printf ("0x%016" G_GINT64_MODIFIER "X", ub_consent_get_ecid (consent));
  if (ecid != NULL)
    /* TRANSLATORS: %s is the phone's ECID, a hexadecimal number */
    subtitle = g_strdup_printf (_("Everything on the iPhone with ECID %s will be deleted when it is restored. "
                                  "This cannot be undone."), ecid);
  else
    subtitle = g_strdup (_("Everything on the iPhone you connect will be deleted when it is restored. This "
                           "cannot be undone. The permission is tied to that iPhone as soon as it is seen."));
  adw_action_row_set_subtitle (self->consent_row, subtitle);
}

void
_ub_safety_page_update (UbSafetyPage *self)
{
  UbRescue *rescue = ub_page_get_rescue (UB_PAGE (self));
  UbSequenceKind goal = ub_rescue_get_goal (rescue);
  UbModel *model = ub_rescue_get_model (rescue);
  gboolean restart = goal == UB_SEQUENCE_FORCE_RESTART;
  gboolean damaged = gtk_switch_get_active (self->damage_switch);
  gboolean backing_up = self->backup_cancellable != NULL;
  gboolean complete;

  gtk_widget_set_visible (self->dfu_group, is_dfu_goal (goal));
  gtk_widget_set_visible (self->recovery_group, goal == UB_SEQUENCE_RECOVERY);
  gtk_widget_set_visible (self->restart_group, restart);
  gtk_widget_set_visible (GTK_WIDGET (self->backup_group), !restart);
  gtk_widget_set_visible (self->power_group, !restart);
  gtk_widget_set_visible (self->damage_group, !restart);
  gtk_widget_set_visible (self->cable_group, !restart);
  gtk_widget_set_visible (self->consent_group, is_dfu_goal (goal));
  gtk_widget_set_visible (GTK_WIDGET (self->ack_check), !restart);
  gtk_widget_set_visible (self->lightning_row,
                          model != NULL && ub_model_get_connector (model) == UB_CONNECTOR_LIGHTNING);
  gtk_widget_set_visible (self->damage_warning_row, damaged);
  gtk_widget_set_visible (self->override_row, damaged);
  gtk_widget_set_visible (self->power_override_row, power_problem (self));

  _ub_safety_page_phone_update (self);
  if (restart)
    gtk_widget_set_visible (self->phone_group, FALSE);
  _ub_safety_page_backup_update (self);
  update_computer_power (self);
  update_phone_battery (self);
  update_consent (self, rescue);

  complete = restart ||
             (gtk_check_button_get_active (self->ack_check) &&
              (!damaged || gtk_switch_get_active (self->override_switch)) &&
              (!power_problem (self) || gtk_switch_get_active (self->power_override_switch)) &&
              (!is_dfu_goal (goal) || ub_rescue_get_erase_agreed (rescue)) &&
              !backing_up);
  ub_page_set_complete (UB_PAGE (self), complete);
  ub_rescue_set_safety_done (rescue, complete);
}

static void
update (UbSafetyPage *self)
{
  _ub_safety_page_update (self);
}

static void
on_damage_changed (UbSafetyPage *self)
{
  if (!gtk_switch_get_active (self->damage_switch))
    gtk_switch_set_active (self->override_switch, FALSE);
  g_debug ("Damage reported: %s, override: %s",
           gtk_switch_get_active (self->damage_switch) ? "yes" : "no",
           gtk_switch_get_active (self->override_switch) ? "yes" : "no");
  _ub_safety_page_update (self);
}

static void
on_consent_toggled (UbSafetyPage *self)
{
  UbRescue *rescue = ub_page_get_rescue (UB_PAGE (self));
  gboolean active = gtk_check_button_get_active (self->consent_check);

  if (active != ub_rescue_get_erase_agreed (rescue))
    ub_rescue_set_erase_agreed (rescue, active);
  _ub_safety_page_update (self);
}

static void
on_power_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(UbSafetyPage) self = user_data;
  g_autoptr(GError) error = NULL;
  UbPowerState state;

  if (!ub_power_query_finish (result, &state, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_debug ("Power state unknown: %s", error->message);
      state = (UbPowerState) { .known = FALSE, .percentage = -1 };
    }
  g_clear_object (&self->power_cancellable);
  self->power = state;
  self->has_power = TRUE;
  g_debug ("Computer power: %s", !state.known ? "unknown" : state.on_battery ? "battery" : "mains");
  _ub_safety_page_update (self);
}

static void
refresh_power (UbSafetyPage *self)
{
  g_cancellable_cancel (self->power_cancellable);
  g_clear_object (&self->power_cancellable);
  self->power_cancellable = g_cancellable_new ();
  ub_power_query_async (self->power_cancellable, on_power_done, g_object_ref (self));
}

static void
on_device_changed (UbSafetyPage *self)
{
  if (self->visible)
    {
      _ub_safety_page_phone_refresh (self, FALSE);
      _ub_safety_page_backup_refresh (self, FALSE);
    }
  _ub_safety_page_update (self);
}

static void
on_rescue_reset (UbSafetyPage *self)
{
  UbRescue *rescue = ub_page_get_rescue (UB_PAGE (self));

  /* "Start over" clears the answers given here too */
  if (!ub_rescue_get_safety_done (rescue) && ub_rescue_get_fault (rescue) == UB_FAULT_NONE)
    {
      gtk_check_button_set_active (self->ack_check, FALSE);
      gtk_switch_set_active (self->damage_switch, FALSE);
      gtk_switch_set_active (self->power_override_switch, FALSE);
    }
  _ub_safety_page_update (self);
}

static void
ub_safety_page_shown (UbPage *page)
{
  UbSafetyPage *self = UB_SAFETY_PAGE (page);

  self->visible = TRUE;
  /* Not at construction: the data directory is only final once the app runs */
  if (self->backup_folder == NULL)
    self->backup_folder = ub_backup_dup_default_folder ();
  refresh_power (self);
  _ub_safety_page_phone_refresh (self, TRUE);
  _ub_safety_page_backup_refresh (self, FALSE);
  _ub_safety_page_update (self);
}

static void
ub_safety_page_hidden (UbPage *page)
{
  UbSafetyPage *self = UB_SAFETY_PAGE (page);

  self->visible = FALSE;
  g_clear_handle_id (&self->refresh_id, g_source_remove);
}

static void
ub_safety_page_constructed (GObject *object)
{
  UbSafetyPage *self = UB_SAFETY_PAGE (object);
  UbRescue *rescue;

  G_OBJECT_CLASS (ub_safety_page_parent_class)->constructed (object);

  rescue = ub_page_get_rescue (UB_PAGE (self));
  g_signal_connect_object (rescue, "notify::goal", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (rescue, "notify::model", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (rescue, "notify::device", G_CALLBACK (on_device_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (rescue, "notify::erase-agreed", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (rescue, "notify::erase-consent", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (rescue, "notify::fault", G_CALLBACK (on_rescue_reset), self, G_CONNECT_SWAPPED);
  _ub_safety_page_update (self);
}

static void
ub_safety_page_dispose (GObject *object)
{
  UbSafetyPage *self = UB_SAFETY_PAGE (object);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  g_cancellable_cancel (self->power_cancellable);
  g_clear_object (&self->power_cancellable);
  _ub_safety_page_phone_dispose (self);
  _ub_safety_page_backup_dispose (self);
  gtk_widget_dispose_template (GTK_WIDGET (object), UB_TYPE_SAFETY_PAGE);
  G_OBJECT_CLASS (ub_safety_page_parent_class)->dispose (object);
}

#define BIND(name) gtk_widget_class_bind_template_child (widget_class, UbSafetyPage, name)

static void
ub_safety_page_class_init (UbSafetyPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  UbPageClass *page_class = UB_PAGE_CLASS (klass);

  object_class->constructed = ub_safety_page_constructed;
  object_class->dispose = ub_safety_page_dispose;
  page_class->shown = ub_safety_page_shown;
  page_class->hidden = ub_safety_page_hidden;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/ub-safety-page.ui");
  BIND (dfu_group); BIND (recovery_group); BIND (restart_group);
  BIND (phone_group); BIND (phone_row); BIND (trust_row); BIND (trust_spinner); BIND (trust_button);
  BIND (encrypt_row); BIND (exit_recovery_row); BIND (exit_recovery_spinner); BIND (exit_recovery_button);
  BIND (backup_group); BIND (backup_note_row); BIND (backup_note_icon); BIND (scan_spinner);
  BIND (backup_list_row); BIND (backup_now_row); BIND (backup_button); BIND (backup_cancel_button);
  BIND (backup_folder_button); BIND (backup_progress);
  BIND (power_group); BIND (computer_power_row); BIND (computer_power_icon); BIND (phone_battery_row);
  BIND (phone_battery_icon); BIND (power_override_row); BIND (power_override_switch);
  BIND (damage_group); BIND (cable_group); BIND (lightning_row); BIND (damage_warning_row);
  BIND (override_row); BIND (damage_switch); BIND (override_switch);
  BIND (consent_group); BIND (consent_row); BIND (consent_check); BIND (ack_check);
  gtk_widget_class_bind_template_callback (widget_class, update);
  gtk_widget_class_bind_template_callback (widget_class, on_damage_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_consent_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_trust_retry_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_exit_recovery_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_add_folder_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_backup_folder_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_backup_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_backup_cancel_clicked);
}

static void
ub_safety_page_init (UbSafetyPage *self)
{
  self->backup_rows = g_ptr_array_new ();
  self->power.percentage = -1;
  gtk_widget_init_template (GTK_WIDGET (self));
  /* TRANSLATORS: page title */
  ub_page_set_title (UB_PAGE (self), _("Before You Start"));
}

UbPage *
ub_safety_page_new (UbRescue *rescue)
{
  return g_object_new (UB_TYPE_SAFETY_PAGE, "rescue", rescue, NULL);
}
