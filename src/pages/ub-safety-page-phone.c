/* ub-safety-page-phone.c — "Before you start": the connected phone
 *
 * For a phone running iOS: what lockdownd tells (name, iOS, ECID) and, once
 * the phone trusts this computer, battery and backup encryption. Trust is
 * asked in plain words and retried every few seconds while the page is
 * shown, so the owner only has to unlock the phone and tap Trust. For a
 * phone in recovery mode: a way out of a recovery loop (auto-boot true,
 * saveenv, reboot), which erases nothing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-safety-page"

#include "config.h"

#include <glib/gi18n.h>

#include "ub-safety-page-private.h"

#define TRUST_RETRY_MS   3000
/* iOS takes a minute to start; the phone leaves recovery first (§4c) */
#define EXIT_RECOVERY_WAIT_MS 120000

static gboolean
is_running_ios (UbDevice *device)
{
  return device != NULL && ub_device_get_mode (device) == UB_DEVICE_MODE_NORMAL &&
         ub_device_get_udid (device) != NULL;
}

static void
clear_facts (UbSafetyPage *self)
{
  g_cancellable_cancel (self->facts_cancellable);
  g_clear_object (&self->facts_cancellable);
  g_clear_pointer (&self->paired, ub_lockdown_paired_free);
  g_clear_error (&self->paired_error);
  g_clear_pointer (&self->facts_udid, g_free);
  self->paired_busy = FALSE;
}

static void
on_trust_retry (gpointer data)
{
  UbSafetyPage *self = data;

  self->refresh_id = 0;
  _ub_safety_page_phone_refresh (self, TRUE);
}

static void
on_paired_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(UbSafetyPage) self = user_data;
  g_autoptr(GError) error = NULL;
  UbLockdownPaired *paired = ub_lockdown_query_paired_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->paired_busy = FALSE;
  g_clear_pointer (&self->paired, ub_lockdown_paired_free);
  g_clear_error (&self->paired_error);
  self->paired = paired;
  self->paired_error = g_steal_pointer (&error);
  g_debug ("Paired facts: %s", paired ? "read" : self->paired_error->message);

  /* Waiting for Trust or an unlock: ask again until the owner has done it */
  if (g_error_matches (self->paired_error, UB_ERROR, UB_ERROR_PERMISSION_DENIED) &&
      self->visible && self->refresh_id == 0)
    self->refresh_id = g_timeout_add_once (TRUST_RETRY_MS, on_trust_retry, self);
  _ub_safety_page_update (self);
}

/**
 * _ub_safety_page_phone_refresh:
 * @force: read again even if the facts are for this phone already
 *
 * Starts reading the paired facts of the rescue's phone when it runs iOS.
 */
void
_ub_safety_page_phone_refresh (UbSafetyPage *self,
                               gboolean      force)
{
  UbDevice *device = _ub_safety_page_get_device (self);
  const char *udid;

  if (!is_running_ios (device))
    {
      if (self->facts_udid != NULL)
        g_debug ("The phone no longer runs iOS: forgetting its battery and backup settings");
      clear_facts (self);
      return;
    }
  udid = ub_device_get_udid (device);
  if (!force && g_strcmp0 (udid, self->facts_udid) == 0)
    return;
  if (g_strcmp0 (udid, self->facts_udid) != 0)
    clear_facts (self);
  else
    g_cancellable_cancel (self->facts_cancellable);
  g_clear_object (&self->facts_cancellable);
  self->facts_cancellable = g_cancellable_new ();
  self->facts_udid = g_strdup (udid);
  self->paired_busy = TRUE;
  g_debug ("Reading battery and backup settings of %s", udid);
  ub_lockdown_query_paired_async (udid, self->facts_cancellable, on_paired_done, g_object_ref (self));
}

static char *
phone_subtitle (UbDevice *device)
{
  g_autofree char *ecid = ub_device_dup_ecid_string (device);
  GString *text = g_string_new (ub_device_mode_get_label (ub_device_get_mode (device)));

  if (ub_device_get_product_version (device) != NULL)
    /* TRANSLATORS: appended to the mode, e.g. "Running iOS · iOS 16.5 (20F66)" */
    g_string_append_printf (text, _(" · iOS %s (%s)"), ub_device_get_product_version (device),
                            ub_device_get_build_version (device) ? ub_device_get_build_version (device) : "?");
  if (ecid != NULL)
    g_string_append_printf (text, " · ECID %s", ecid);
  return g_string_free (text, FALSE);
}

static void
update_trust_row (UbSafetyPage *self,
                  UbDevice     *device)
{
  gboolean waiting = self->paired_error != NULL &&
                     g_error_matches (self->paired_error, UB_ERROR, UB_ERROR_PERMISSION_DENIED);

  gtk_widget_set_visible (GTK_WIDGET (self->trust_row),
                          is_running_ios (device) && self->paired == NULL &&
                          (self->paired_busy || self->paired_error != NULL));
  gtk_spinner_set_spinning (self->trust_spinner, self->paired_busy || (waiting && self->refresh_id != 0));
  gtk_widget_set_visible (self->trust_button, self->paired_error != NULL && !self->paired_busy);
  if (self->paired_error != NULL)
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->trust_row), self->paired_error->message);
  else
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->trust_row),
                                   _("Asking the iPhone for its battery and backup settings…"));
  adw_action_row_set_subtitle (self->trust_row,
                               waiting ? _("Trusting this computer lets Unbrick read the battery level and make "
                                           "a backup. Nothing on the iPhone changes.")
                                       : NULL);
}

static void
update_encrypt_row (UbSafetyPage *self)
{
  gboolean known = self->paired != NULL && self->paired->has_will_encrypt;

  gtk_widget_set_visible (GTK_WIDGET (self->encrypt_row), known);
  if (!known)
    return;
  if (self->paired->will_encrypt)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->encrypt_row),
                                     _("Backups of this iPhone are encrypted"));
      adw_action_row_set_subtitle (self->encrypt_row,
                                   _("Restoring such a backup needs its password. Make sure you still know it."));
    }
  else
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->encrypt_row),
                                     _("Backups of this iPhone are not encrypted"));
      adw_action_row_set_subtitle (self->encrypt_row,
                                   _("Saved passwords and health data are kept only in encrypted backups."));
    }
}

static void
update_exit_recovery_row (UbSafetyPage *self,
                          UbDevice     *device)
{
  gboolean in_recovery = device != NULL && ub_device_get_mode (device) == UB_DEVICE_MODE_RECOVERY &&
                         ub_device_get_source (device) == UB_DEVICE_SOURCE_USB;
  gboolean busy = self->exit_timeout_id != 0 || self->exit_cancellable != NULL;

  gtk_widget_set_visible (self->exit_recovery_row, in_recovery || busy || self->exit_message != NULL);
  gtk_widget_set_sensitive (self->exit_recovery_button, in_recovery && !busy);
  gtk_widget_set_visible (self->exit_recovery_button, in_recovery || busy);
  gtk_spinner_set_spinning (self->exit_recovery_spinner, busy);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->exit_recovery_row),
                               self->exit_message != NULL ? self->exit_message
                                                          : _("If iOS itself is fine, starting it again is enough. Nothing is erased."));
}

static void
set_exit_message (UbSafetyPage *self,
                  const char   *message)
{
  g_free (self->exit_message);
  self->exit_message = g_strdup (message);
  g_debug ("Leaving recovery mode: %s", message ? message : "(cleared)");
}

/**
 * _ub_safety_page_phone_update:
 *
 * Shows the rescue's phone and what is known about it.
 */
void
_ub_safety_page_phone_update (UbSafetyPage *self)
{
  UbDevice *device = _ub_safety_page_get_device (self);
  UbModel *model = device ? ub_device_get_model (device) : NULL;
  g_autofree char *subtitle = NULL;

  /* Left the recovery loop: iOS is running again */
  if (self->exit_timeout_id != 0 && is_running_ios (device))
    {
      g_clear_handle_id (&self->exit_timeout_id, g_source_remove);
      set_exit_message (self, _("iOS started again. If the iPhone works normally now, you are done: "
                                "nothing else is needed."));
    }
  gtk_widget_set_visible (self->phone_group, device != NULL);
  if (device == NULL)
    return;
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->phone_row),
                                 ub_device_get_name (device) ? ub_device_get_name (device)
                                 : model ? ub_model_get_name (model) : _("Apple device"));
  subtitle = phone_subtitle (device);
  adw_action_row_set_subtitle (self->phone_row, subtitle);
  update_trust_row (self, device);
  update_encrypt_row (self);
  update_exit_recovery_row (self, device);
}

/**
 * _ub_safety_page_phone_battery_low:
 *
 * Returns: whether the phone said its battery is below %UB_SAFETY_MIN_PHONE_BATTERY
 */
gboolean
_ub_safety_page_phone_battery_low (UbSafetyPage *self)
{
  return self->paired != NULL && self->paired->battery_level >= 0 &&
         self->paired->battery_level < UB_SAFETY_MIN_PHONE_BATTERY;
}

void
on_trust_retry_clicked (UbSafetyPage *self)
{
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  _ub_safety_page_phone_refresh (self, TRUE);
  _ub_safety_page_update (self);
}

static void
on_exit_wait_over (gpointer data)
{
  UbSafetyPage *self = data;

  self->exit_timeout_id = 0;
  set_exit_message (self, _("iOS did not start, so it needs to be reinstalled. Continue with recovery mode and "
                            "choose Update there: it keeps your data."));
  _ub_safety_page_update (self);
}

static void
on_exit_commands_sent (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(UbSafetyPage) self = user_data;
  g_autoptr(GError) error = NULL;
  UbClock *clock;

  if (!ub_recovery_send_commands_finish (result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->exit_cancellable);
  if (error != NULL)
    set_exit_message (self, error->message);
  else
    {
      clock = ub_rescue_get_clock (ub_page_get_rescue (UB_PAGE (self)));
      set_exit_message (self, _("The iPhone is restarting. Waiting for iOS to start…"));
      self->exit_timeout_id = g_timeout_add_once (ub_clock_scale_ms (clock, EXIT_RECOVERY_WAIT_MS),
                                                  on_exit_wait_over, self);
    }
  _ub_safety_page_update (self);
}

void
on_exit_recovery_clicked (UbSafetyPage *self)
{
  UbDevice *device = _ub_safety_page_get_device (self);

  if (device == NULL || self->exit_cancellable != NULL)
    return;
  g_debug ("Asking the phone in recovery mode to start iOS");
  self->exit_cancellable = g_cancellable_new ();
  set_exit_message (self, _("Asking the iPhone to start iOS…"));
  ub_recovery_send_commands_async (device, ub_recovery_get_exit_commands (), self->exit_cancellable,
                                   on_exit_commands_sent, g_object_ref (self));
  _ub_safety_page_update (self);
}

void
_ub_safety_page_phone_dispose (UbSafetyPage *self)
{
  clear_facts (self);
  g_cancellable_cancel (self->exit_cancellable);
  g_clear_object (&self->exit_cancellable);
  g_clear_handle_id (&self->exit_timeout_id, g_source_remove);
  g_clear_pointer (&self->exit_message, g_free);
}
