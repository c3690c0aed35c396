/* ub-result-page.c — where the phone is now, and what happens next
 *
 * The facts support staff copy into a ticket (model, mode, ECID, USB), and
 * the next step in plain words: restore from DFU mode (and how to leave it
 * without restoring), Update from recovery mode (and a button that restarts
 * the phone normally instead), or, after a force restart, recovery mode if
 * the problem comes back. Unbrick's own restore is not part of this version,
 * and the page says so instead of pretending.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-result-page"

#include "config.h"

#include <glib/gi18n.h>

#include "ub-device-row.h"
#include "ub-result-page.h"

struct _UbResultPage
{
  UbPage         parent_instance;

  AdwStatusPage *status_page;
  GtkLabel      *model_value;
  GtkLabel      *mode_value;
  GtkLabel      *ecid_value;
  GtkWidget     *usb_row;
  GtkLabel      *usb_value;
  GtkWidget     *firmware_row;
  GtkWidget     *consent_row;
  GtkLabel      *consent_value;
  GtkLabel      *firmware_value;
  AdwActionRow  *next_row;
  AdwActionRow  *leave_row;
  AdwActionRow  *after_row;
  GtkWidget     *permission_group;
  GtkLabel      *permission_command;
  GtkWidget     *exit_recovery_button;
  GtkWidget     *try_recovery_button;
  GtkLabel      *action_status;
  GCancellable  *cancellable;
};

G_DEFINE_FINAL_TYPE (UbResultPage, ub_result_page, UB_TYPE_PAGE)

static UbRescue *
rescue_of (UbResultPage *self)
{
  return ub_page_get_rescue (UB_PAGE (self));
}

/* The model's force restart, as one paragraph, for "how to leave DFU mode" */
static char *
dup_force_restart_text (UbResultPage *self)
{
  UbRescue *rescue = rescue_of (self);
  UbModel *model = ub_rescue_get_model (rescue);
  UbSequence *seq = model ? ub_sequence_book_lookup (ub_rescue_get_sequence_book (rescue),
                                                      UB_SEQUENCE_FORCE_RESTART, model) : NULL;
  g_autoptr(GString) text = g_string_new (_("To leave it without restoring, force restart it:"));

  for (guint i = 1; seq != NULL && i < ub_sequence_get_n_steps (seq); i++)
    {
      UbStep *step = ub_sequence_get_step (seq, i);
      const char *cue = ub_step_get_cue (step);

      g_string_append_printf (text, " %s", ub_step_get_instruction (step, ub_model_get_power_button (model)));
      if (cue != NULL)
        g_string_append_printf (text, " %s", cue);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
set_row (AdwActionRow *row,
         const char   *title,
         const char   *subtitle)
{
  gtk_widget_set_visible (GTK_WIDGET (row), title != NULL);
  if (title == NULL)
    return;
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (row, subtitle ? subtitle : "");
}

/* The checked restore image, ready for the restore */
static void
fill_firmware (UbResultPage *self)
{
  UbFirmwareChoice *choice = ub_rescue_get_firmware_choice (rescue_of (self));
  UbFirmware *firmware = ub_firmware_choice_get_firmware (choice);
  const char *path = ub_firmware_choice_get_path (choice);
  g_autofree char *value = NULL;

  gtk_widget_set_visible (self->firmware_row, path != NULL && firmware != NULL);
  if (path == NULL || firmware == NULL)
    return;
  /* TRANSLATORS: %s are a version and a build, e.g. "iOS 16.7.12 (20H364)" */
  value = g_strdup_printf (_("iOS %s (%s)"), ub_firmware_get_version (firmware), ub_firmware_get_build (firmware));
  gtk_label_set_label (self->firmware_value, value);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->firmware_row), path);
}

/* The permission to erase that the restore will check (ub-consent.c) */
static void
fill_consent (UbResultPage *self)
{
  UbRescue *rescue = rescue_of (self);
  UbConsent *consent = ub_rescue_get_erase_consent (rescue);
  UbSequenceKind goal = ub_rescue_get_goal (rescue);

  gtk_widget_set_visible (self->consent_row, goal == UB_SEQUENCE_DFU || goal == UB_SEQUENCE_DFU_ASSISTED);
  if (consent != NULL)
    {
      gtk_label_set_label (self->consent_value, _("Given for this iPhone"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->consent_row), NULL);
    }
  else
    {
      gtk_label_set_label (self->consent_value, _("Not given"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->consent_row),
                                   _("Restoring will ask for it first. Nothing is erased without it."));
    }
}

static void
fill_facts (UbResultPage *self,
            UbDevice     *device)
{
  UbModel *model = ub_rescue_get_model (rescue_of (self));
  g_autofree char *name = model ? ub_model_dup_display_name (model) : NULL;
  g_autofree char *ecid = device ? ub_device_dup_ecid_string (device) : NULL;
  g_autofree char *usb = NULL;
  gboolean denied = device && g_error_matches (ub_device_get_error (device), UB_ERROR,
                                               UB_ERROR_PERMISSION_DENIED);

  if (device != NULL && ub_device_get_source (device) == UB_DEVICE_SOURCE_USB)
    usb = g_strdup_printf ("05ac:%04x · %s", ub_device_get_product_id (device),
                           ub_device_get_port_path (device));
  gtk_label_set_label (self->model_value, name ? name : _("Unknown"));
  gtk_label_set_label (self->mode_value, device ? ub_device_mode_get_label (ub_device_get_mode (device))
                                                : _("Not connected"));
  gtk_label_set_label (self->ecid_value, ecid ? ecid : _("unknown"));
  gtk_widget_set_visible (self->usb_row, usb != NULL);
  gtk_label_set_label (self->usb_value, usb ? usb : "");
  gtk_widget_set_visible (self->permission_group, denied);
  fill_firmware (self);
  fill_consent (self);
}

/* A checked firmware file: the restore page follows */
static gboolean
has_firmware (UbResultPage *self)
{
  UbRescue *rescue = rescue_of (self);

  return ub_rescue_get_goal (rescue) != UB_SEQUENCE_FORCE_RESTART &&
         ub_firmware_choice_get_path (ub_rescue_get_firmware_choice (rescue)) != NULL;
}

static void
show_dfu (UbResultPage *self,
          const char   *kind)
{
  g_autofree char *title = g_strdup_printf (_("Your %s Is in DFU Mode"), kind);
  g_autofree char *leave = dup_force_restart_text (self);

  adw_status_page_set_title (self->status_page, title);
  adw_status_page_set_description (self->status_page,
                                   _("It is ready to be restored. Nothing has been erased yet."));
  set_row (self->next_row, _("Next: restore iOS"),
           has_firmware (self)
           ? _("Restoring reinstalls iOS and erases the phone. Press Next: Unbrick has Apple sign the "
               "checked firmware for this phone and starts Apple’s restore system on it. Installing iOS "
               "itself is not part of this version yet; Finder, Apple Devices or iTunes finish it.")
           : _("Restoring reinstalls iOS and erases the phone. Unbrick cannot restore yet in this version; "
               "while the phone waits in DFU mode, Finder on a Mac, or Apple Devices or iTunes on Windows, "
               "can restore it."));
  set_row (self->leave_row, _("Changed your mind?"), leave);
  set_row (self->after_row, _("If problems remain after a restore"),
           _("Restore once more without restoring your backup. If they still remain, it is hardware: "
             "see an Apple Authorized Service Provider."));
}

static void
show_recovery (UbResultPage *self,
               const char   *kind)
{
  g_autofree char *title = g_strdup_printf (_("Your %s Is in Recovery Mode"), kind);

  adw_status_page_set_title (self->status_page, title);
  adw_status_page_set_description (self->status_page, _("Nothing has been erased."));
  set_row (self->next_row, _("Next: Update, which keeps your data"),
           has_firmware (self)
           ? _("Update reinstalls iOS and keeps your data; try it before Restore, which erases. Press "
               "Next: Unbrick has Apple sign the checked firmware and starts Apple’s restore system on the "
               "phone. Installing iOS itself is not part of this version yet; Finder, Apple Devices or "
               "iTunes finish it.")
           : _("Update reinstalls iOS and keeps your data; try it before Restore, which erases. Unbrick "
               "cannot update yet in this version; Finder on a Mac, or Apple Devices or iTunes on "
               "Windows, offer Update while the phone is in recovery mode."));
  set_row (self->leave_row, _("Changed your mind?"),
           _("“Exit Recovery Mode” restarts the phone normally."));
  set_row (self->after_row, NULL, NULL);
  gtk_widget_set_visible (self->exit_recovery_button, TRUE);
}

static void
show_restart (UbResultPage *self,
              const char   *kind)
{
  g_autofree char *title = g_strdup_printf (_("Your %s Restarted"), kind);

  adw_status_page_set_title (self->status_page, title);
  adw_status_page_set_description (self->status_page, _("If it works normally again, you are done."));
  set_row (self->next_row, _("If the problem comes back"),
           _("Try recovery mode next: Update reinstalls iOS and keeps your data."));
  set_row (self->leave_row, NULL, NULL);
  set_row (self->after_row, _("If nothing helps"),
           _("When even a restore does not help, it is hardware: see an Apple Authorized Service Provider."));
  gtk_widget_set_visible (self->try_recovery_button, TRUE);
}

static void
update (UbResultPage *self)
{
  UbRescue *rescue = rescue_of (self);
  UbModel *model = ub_rescue_get_model (rescue);
  UbDevice *device = ub_rescue_get_result_device (rescue);
  const char *kind = model ? ub_model_get_kind_label (model) : "iPhone";
  UbDeviceMode mode = device ? ub_device_get_mode (device) : UB_DEVICE_MODE_UNKNOWN;

  gtk_widget_set_visible (self->exit_recovery_button, FALSE);
  gtk_widget_set_visible (self->try_recovery_button, FALSE);
  /* TRANSLATORS: the Next button when the restore page follows */
  ub_page_set_next_label (UB_PAGE (self), has_firmware (self) ? _("_Continue to Restore") : NULL);
  gtk_label_set_label (self->action_status, "");
  fill_facts (self, device);

  if (mode == UB_DEVICE_MODE_DFU || mode == UB_DEVICE_MODE_WTF)
    show_dfu (self, kind);
  else if (mode == UB_DEVICE_MODE_RECOVERY)
    show_recovery (self, kind);
  else
    show_restart (self, kind);
  g_debug ("Result page for mode “%s”", ub_device_mode_to_string (mode));
}

static void
on_exit_recovery_done (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(UbResultPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (ub_recovery_send_commands_finish (result, &error))
    gtk_label_set_label (self->action_status, _("The phone is restarting normally. This can take a minute."));
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    gtk_label_set_label (self->action_status, error->message);
  gtk_widget_set_sensitive (self->exit_recovery_button, TRUE);
}

static void
on_exit_recovery_clicked (UbResultPage *self)
{
  static const char * const commands[] = { "setenv auto-boot true", "saveenv", "reboot", NULL };
  UbDevice *device = ub_rescue_get_device (rescue_of (self));

  if (device == NULL || ub_device_get_mode (device) != UB_DEVICE_MODE_RECOVERY)
    {
      gtk_label_set_label (self->action_status, _("The phone is no longer in recovery mode."));
      return;
    }
  gtk_widget_set_sensitive (self->exit_recovery_button, FALSE);
  gtk_label_set_label (self->action_status, _("Restarting the phone…"));
  ub_recovery_send_commands_async (device, commands, self->cancellable, on_exit_recovery_done,
                                   g_object_ref (self));
}

static void
on_try_recovery_clicked (UbResultPage *self)
{
  ub_rescue_set_goal (rescue_of (self), UB_SEQUENCE_RECOVERY);
  gtk_widget_activate_action (GTK_WIDGET (self), "wizard.go-to", "s", "safety");
}

static void
on_start_over_clicked (UbResultPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "wizard.start-over", NULL);
}

static void
ub_result_page_shown (UbPage *page)
{
  update (UB_RESULT_PAGE (page));
}

static void
ub_result_page_dispose (GObject *object)
{
  UbResultPage *self = UB_RESULT_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), UB_TYPE_RESULT_PAGE);

  G_OBJECT_CLASS (ub_result_page_parent_class)->dispose (object);
}

static void
ub_result_page_class_init (UbResultPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = ub_result_page_dispose;
  UB_PAGE_CLASS (klass)->shown = ub_result_page_shown;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/ub-result-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, UbResultPage, name)
  BIND (status_page);
  BIND (model_value);
  BIND (mode_value);
  BIND (ecid_value);
  BIND (usb_row);
  BIND (usb_value);
  BIND (firmware_row);
  BIND (consent_row);
  BIND (consent_value);
  BIND (firmware_value);
  BIND (next_row);
  BIND (leave_row);
  BIND (after_row);
  BIND (permission_group);
  BIND (permission_command);
  BIND (exit_recovery_button);
  BIND (try_recovery_button);
  BIND (action_status);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, on_exit_recovery_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_try_recovery_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_start_over_clicked);
}

static void
ub_result_page_init (UbResultPage *self)
{
  g_autofree char *command = ub_dup_udev_command ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  gtk_label_set_label (self->permission_command, command);
  /* TRANSLATORS: page title: the outcome */
  ub_page_set_title (UB_PAGE (self), _("Result"));
  ub_page_set_complete (UB_PAGE (self), TRUE);
}

UbPage *
ub_result_page_new (UbRescue *rescue)
{
  return g_object_new (UB_TYPE_RESULT_PAGE, "rescue", rescue, NULL);
}
