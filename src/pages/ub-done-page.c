/* ub-done-page.c — "Done": how the restore ended and what to do next
 *
 * Success or failure in plain words, titled by what happened (Apple no
 * longer signs the version, the cable, a phone that stopped answering…), the
 * next steps in the order worth trying (DESIGN.md: again from DFU mode,
 * another cable or port, without restoring the backup, hardware service)
 * and the attempt's log for a support ticket.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-done-page"

#include "config.h"

#include <glib/gi18n.h>

#include "ub-done-page.h"

struct _UbDonePage
{
  UbPage               parent_instance;

  AdwStatusPage       *status_page;
  AdwPreferencesGroup *steps_group;
  AdwActionRow        *log_row;
  GPtrArray           *step_rows;
};

G_DEFINE_FINAL_TYPE (UbDonePage, ub_done_page, UB_TYPE_PAGE)

static const char *
failure_title (const GError *error)
{
  if (error->domain != UB_ERROR)
    return _("The Restore Did Not Finish");
  switch (error->code)
    {
    case UB_ERROR_NOT_SIGNED: return _("Apple No Longer Signs This iOS Version");
    case UB_ERROR_DISCONNECTED: return _("The iPhone Was Disconnected");
    case UB_ERROR_TIMED_OUT: return _("The iPhone Stopped Answering");
    case UB_ERROR_NO_CONSENT: return _("The Permission to Erase Is Missing");
    case UB_ERROR_NETWORK:
    case UB_ERROR_UNTRUSTED_CERTIFICATE: return _("Apple’s Server Could Not Be Reached");
    case UB_ERROR_WRONG_MODE: return _("The iPhone Left the Restore");
    case UB_ERROR_NOT_SUPPORTED: return _("This iOS Version Needs a Newer Unbrick");
    default: return _("The Restore Did Not Finish");
    }
}

static void
add_step (UbDonePage *self,
          const char *title,
          const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 3);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 6);
  adw_preferences_group_add (self->steps_group, row);
  g_ptr_array_add (self->step_rows, row);
}

static void
clear_steps (UbDonePage *self)
{
  for (guint i = 0; i < self->step_rows->len; i++)
    adw_preferences_group_remove (self->steps_group, g_ptr_array_index (self->step_rows, i));
  g_ptr_array_set_size (self->step_rows, 0);
}

static void
show_failure (UbDonePage   *self,
              const GError *error)
{
  adw_status_page_set_icon_name (self->status_page, "dialog-error-symbolic");
  adw_status_page_set_title (self->status_page, failure_title (error));
  adw_status_page_set_description (self->status_page, error->message);
  if (g_error_matches (error, UB_ERROR, UB_ERROR_NOT_SIGNED))
    add_step (self, _("Use the newest iOS for this iPhone"),
              _("Go back to the firmware page and download the latest version Apple signs."));
  else if (g_error_matches (error, UB_ERROR, UB_ERROR_NOT_SUPPORTED))
    add_step (self, _("Update Unbrick"),
              _("The restore system asked for something this version of Unbrick does not know. A newer "
                "version may, or Finder, Apple Devices or iTunes can restore the iPhone from DFU mode."));
  else
    add_step (self, _("Try again from DFU mode"),
              _("Unplug the iPhone, plug it in again, put it into DFU mode with the guide and restore once "
                "more. Nothing is lost by trying again."));
  if (!g_error_matches (error, UB_ERROR, UB_ERROR_NOT_SUPPORTED))
    add_step (self, _("Use another cable or USB port"),
              _("An Apple cable straight into this computer, not into a hub, keyboard or monitor. With a "
                "Lightning iPhone, a USB-A port works best."));
  add_step (self, _("If it keeps failing, it may be hardware"),
            _("An Apple Authorized Service Provider can check the iPhone."));
}

static void
show_restored (UbDonePage *self)
{
  adw_status_page_set_icon_name (self->status_page, "emblem-ok-symbolic");
  adw_status_page_set_title (self->status_page, _("Your iPhone Has Been Restored"));
  adw_status_page_set_description (self->status_page,
                                   _("iOS is installed. The iPhone restarts by itself and shows its setup "
                                     "screen; you can unplug it now."));
  add_step (self, _("Set up the iPhone"),
            _("Follow the steps on its screen. You can restore your backup there, or set it up as new."));
  add_step (self, _("If problems remain after the restore"),
            _("Restore again and set the iPhone up as new, without restoring the backup. If they still "
              "remain, it is hardware: an Apple Authorized Service Provider can check it."));
}

static void
update (UbDonePage *self)
{
  UbRescue *rescue = ub_page_get_rescue (UB_PAGE (self));
  UbRestoreOutcome *outcome = ub_rescue_get_restore_outcome (rescue);
  const char *log = ub_restore_outcome_get_log_path (outcome);

  ub_page_set_needed (UB_PAGE (self), ub_restore_outcome_get_finished (outcome));
  clear_steps (self);
  if (!ub_restore_outcome_get_finished (outcome))
    return;
  if (ub_restore_outcome_get_error (outcome) != NULL)
    show_failure (self, ub_restore_outcome_get_error (outcome));
  else
    show_restored (self);
  gtk_widget_set_visible (GTK_WIDGET (self->log_row), log != NULL);
  adw_action_row_set_subtitle (self->log_row, log ? log : "");
}

static void
on_copy_clicked (UbDonePage *self)
{
  const char *log = ub_restore_outcome_get_log_path (ub_rescue_get_restore_outcome (ub_page_get_rescue (UB_PAGE (self))));

  if (log != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), log);
}

static void
ub_done_page_constructed (GObject *object)
{
  UbDonePage *self = UB_DONE_PAGE (object);

  G_OBJECT_CLASS (ub_done_page_parent_class)->constructed (object);
  g_signal_connect_object (ub_rescue_get_restore_outcome (ub_page_get_rescue (UB_PAGE (self))), "changed",
                           G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  update (self);
}

static void
ub_done_page_dispose (GObject *object)
{
  UbDonePage *self = UB_DONE_PAGE (object);

  g_clear_pointer (&self->step_rows, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (object), UB_TYPE_DONE_PAGE);
  G_OBJECT_CLASS (ub_done_page_parent_class)->dispose (object);
}

static void
ub_done_page_class_init (UbDonePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = ub_done_page_constructed;
  object_class->dispose = ub_done_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/ub-done-page.ui");
  gtk_widget_class_bind_template_child (widget_class, UbDonePage, status_page);
  gtk_widget_class_bind_template_child (widget_class, UbDonePage, steps_group);
  gtk_widget_class_bind_template_child (widget_class, UbDonePage, log_row);
  gtk_widget_class_bind_template_callback (widget_class, on_copy_clicked);
}

static void
ub_done_page_init (UbDonePage *self)
{
  self->step_rows = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  /* TRANSLATORS: page title: the end of the restore */
  ub_page_set_title (UB_PAGE (self), _("Done"));
  ub_page_set_complete (UB_PAGE (self), TRUE);
}

UbPage *
ub_done_page_new (UbRescue *rescue)
{
  return g_object_new (UB_TYPE_DONE_PAGE, "rescue", rescue, NULL);
}
