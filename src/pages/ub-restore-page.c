/* ub-restore-page.c — "Restore"
 *
 * What will be installed and whether it erases, the stages of the restore
 * (ub-restore-stage.c) with where it is now, a progress bar, and — from the
 * moment the first boot loader is sent — "do not unplug". The restore only
 * starts when the person presses the button; Stop works while stopping is
 * safe. The job (ub-restore-job.c) runs in a worker; this page only follows
 * its notifications. The outcome goes to the rescue for the done page.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-restore-page"

#include "config.h"

#include <glib/gi18n.h>

#include "ub-restore-page.h"

struct _UbRestorePage
{
  UbPage          parent_instance;

  GtkLabel       *summary_label;
  GtkWidget      *unplug_box;
  GtkProgressBar *progress_bar;
  GtkLabel       *status_label;
  AdwPreferencesGroup *stage_group;
  GtkWidget      *stop_button;
  GtkWidget      *start_button;

  GtkWidget      *stage_rows[UB_RESTORE_STAGE_DONE];
  GtkImage       *stage_icons[UB_RESTORE_STAGE_DONE];
  UbRestoreJob   *job;
  GCancellable   *cancellable;
  gboolean        running;
  char           *problem;     /* why it cannot start, or NULL */
};

G_DEFINE_FINAL_TYPE (UbRestorePage, ub_restore_page, UB_TYPE_PAGE)

static UbRescue *
rescue_of (UbRestorePage *self)
{
  return ub_page_get_rescue (UB_PAGE (self));
}

/* The phone to restore: where the guide left it, in DFU or recovery mode */
static UbDevice *
target_device (UbRestorePage *self)
{
  UbRescue *rescue = rescue_of (self);
  UbDevice *device = ub_rescue_get_device (rescue);

  if (device == NULL)
    device = ub_rescue_get_result_device (rescue);
  if (device == NULL || !ub_device_has_ecid (device) ||
      (ub_device_get_mode (device) != UB_DEVICE_MODE_DFU && ub_device_get_mode (device) != UB_DEVICE_MODE_RECOVERY))
    return NULL;
  return device;
}

static void
set_problem (UbRestorePage *self,
             const char    *problem)
{
  g_free (self->problem);
  self->problem = g_strdup (problem);
}

static void
check_ready (UbRestorePage *self)
{
  UbRescue *rescue = rescue_of (self);
  gboolean erase = ub_rescue_get_restore_kind (rescue) == UB_RESTORE_KIND_ERASE;

  set_problem (self, NULL);
  if (ub_rescue_get_device_monitor (rescue) == NULL)
    set_problem (self, _("This window does not watch USB, so it cannot restore a phone."));
  else if (target_device (self) == NULL)
    set_problem (self, _("Connect the iPhone in DFU or recovery mode first: the guide shows how."));
  else if (erase && ub_rescue_get_erase_consent (rescue) == NULL)
    set_problem (self, _("The permission to erase this iPhone has not been given. Go back to “Before You "
                         "Start” to give it."));
}

static char *
dup_summary (UbRestorePage *self)
{
  UbRescue *rescue = rescue_of (self);
  UbFirmware *firmware = ub_firmware_choice_get_firmware (ub_rescue_get_firmware_choice (rescue));
  UbModel *model = ub_rescue_get_model (rescue);
  g_autofree char *name = model ? ub_model_dup_display_name (model) : g_strdup (_("the iPhone"));
  g_autofree char *version = firmware
    ? g_strdup_printf ("iOS %s (%s)", ub_firmware_get_version (firmware), ub_firmware_get_build (firmware))
    : g_strdup (_("the chosen firmware"));

  if (ub_rescue_get_restore_kind (rescue) == UB_RESTORE_KIND_ERASE)
    /* TRANSLATORS: the first %s is a firmware ("iOS 16.7 (20H19)"), the second a model */
    return g_strdup_printf (_("Unbrick will install %s on %s and erase everything on it. The phone restarts "
                              "several times; keep it connected."), version, name);
  /* TRANSLATORS: the first %s is a firmware ("iOS 16.7 (20H19)"), the second a model */
  return g_strdup_printf (_("Unbrick will reinstall %s on %s and keep your data. The phone restarts several "
                            "times; keep it connected."), version, name);
}

static void
update_stage_rows (UbRestorePage *self)
{
  UbRestoreStage current = self->job ? ub_restore_job_get_stage (self->job) : UB_RESTORE_STAGE_CHECK;
  UbRestoreOutcome *outcome = ub_rescue_get_restore_outcome (rescue_of (self));
  gboolean failed = ub_restore_outcome_get_finished (outcome) && ub_restore_outcome_get_error (outcome);
  gboolean started = self->job != NULL;

  for (guint i = 0; i < UB_RESTORE_STAGE_DONE; i++)
    {
      /* TRANSLATORS: the state of one restore stage in the list */
      const char *icon = NULL, *state = C_("restore stage", "Waiting");

      if (started && i < (guint)current)
        icon = "emblem-ok-symbolic", state = C_("restore stage", "Done");
      else if (started && i == (guint)current && failed)
        icon = "dialog-error-symbolic", state = C_("restore stage", "Failed");
      else if (started && i == (guint)current)
        icon = "media-playback-start-symbolic", state = C_("restore stage", "In progress");
      gtk_image_set_from_icon_name (self->stage_icons[i], icon);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->stage_rows[i]), state);
    }
}

static void
update (UbRestorePage *self)
{
  UbRescue *rescue = rescue_of (self);
  gboolean erase = ub_rescue_get_restore_kind (rescue) == UB_RESTORE_KIND_ERASE;
  gboolean finished = ub_restore_outcome_get_finished (ub_rescue_get_restore_outcome (rescue));
  gboolean can_cancel = self->job == NULL || ub_restore_job_get_can_cancel (self->job);
  g_autofree char *summary = dup_summary (self);

  if (!self->running)
    check_ready (self);
  gtk_label_set_label (self->summary_label, summary);
  gtk_widget_set_visible (self->unplug_box, self->running && !can_cancel);
  gtk_widget_set_visible (self->stop_button, self->running && can_cancel);
  gtk_widget_set_visible (self->start_button, !self->running && !finished);
  gtk_widget_set_sensitive (self->start_button, self->problem == NULL);
  gtk_button_set_label (GTK_BUTTON (self->start_button), erase ? _("_Erase and Restore") : _("_Update"));
  gtk_widget_remove_css_class (self->start_button, erase ? "suggested-action" : "destructive-action");
  gtk_widget_add_css_class (self->start_button, erase ? "destructive-action" : "suggested-action");
  gtk_progress_bar_set_fraction (self->progress_bar, self->job ? ub_restore_job_get_fraction (self->job) : 0);
  gtk_label_set_label (self->status_label, self->problem ? self->problem
                       : self->job && ub_restore_job_get_status (self->job) ? ub_restore_job_get_status (self->job)
                       : _("Ready when you are."));
  update_stage_rows (self);
  ub_page_set_can_go_back (UB_PAGE (self), !self->running);
  ub_page_set_complete (UB_PAGE (self), finished && !self->running);
}

static void
on_job_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(UbRestorePage) self = user_data;
  UbRestoreJob *job = UB_RESTORE_JOB (source);
  g_autoptr(GError) error = NULL;

  ub_restore_job_run_finish (job, result, &error);
  self->running = FALSE;
  g_clear_object (&self->cancellable);
  ub_restore_outcome_set (ub_rescue_get_restore_outcome (rescue_of (self)), ub_restore_job_get_stage (job),
                          error, ub_restore_job_get_log_path (job));
  update (self);
  ub_page_request_next (UB_PAGE (self));
}

static void
on_start_clicked (UbRestorePage *self)
{
  UbRescue *rescue = rescue_of (self);
  const char *ipsw = ub_firmware_choice_get_path (ub_rescue_get_firmware_choice (rescue));

  check_ready (self);
  if (self->problem != NULL || self->running || ipsw == NULL)
    return;
  g_debug ("Starting the restore with %s", ipsw);
  g_clear_object (&self->job);
  self->job = ub_restore_job_new (ub_rescue_get_device_monitor (rescue), target_device (self), ipsw,
                                  ub_rescue_get_restore_kind (rescue), ub_rescue_get_erase_consent (rescue));
  g_signal_connect_object (self->job, "notify", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  self->cancellable = g_cancellable_new ();
  self->running = TRUE;
  ub_restore_job_run_async (self->job, self->cancellable, on_job_done, g_object_ref (self));
  update (self);
}

static void
on_stop_clicked (UbRestorePage *self)
{
  g_debug ("Stop pressed");
  g_cancellable_cancel (self->cancellable);
}

static void
on_rescue_changed (UbRestorePage *self)
{
  UbRescue *rescue = rescue_of (self);
  const char *ipsw = ub_firmware_choice_get_path (ub_rescue_get_firmware_choice (rescue));

  ub_page_set_needed (UB_PAGE (self), ub_rescue_get_goal (rescue) != UB_SEQUENCE_FORCE_RESTART && ipsw != NULL);
  if (!self->running && !ub_restore_outcome_get_finished (ub_rescue_get_restore_outcome (rescue)))
    g_clear_object (&self->job);
  update (self);
}

static void
build_stage_rows (UbRestorePage *self)
{
  for (guint i = 0; i < UB_RESTORE_STAGE_DONE; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *icon = gtk_image_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), ub_restore_stage_get_label (i));
      gtk_widget_set_size_request (icon, 16, 16);
      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, "", -1);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      adw_preferences_group_add (self->stage_group, row);
      self->stage_rows[i] = row;
      self->stage_icons[i] = GTK_IMAGE (icon);
    }
}

static void
ub_restore_page_constructed (GObject *object)
{
  UbRestorePage *self = UB_RESTORE_PAGE (object);
  UbRescue *rescue;

  G_OBJECT_CLASS (ub_restore_page_parent_class)->constructed (object);

  rescue = rescue_of (self);
  g_signal_connect_object (rescue, "notify", G_CALLBACK (on_rescue_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (ub_rescue_get_firmware_choice (rescue), "notify", G_CALLBACK (on_rescue_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (ub_rescue_get_restore_outcome (rescue), "changed", G_CALLBACK (on_rescue_changed),
                           self, G_CONNECT_SWAPPED);
  on_rescue_changed (self);
}

static void
ub_restore_page_shown (UbPage *page)
{
  update (UB_RESTORE_PAGE (page));
}

static void
ub_restore_page_dispose (GObject *object)
{
  UbRestorePage *self = UB_RESTORE_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->job);
  g_clear_pointer (&self->problem, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (object), UB_TYPE_RESTORE_PAGE);
  G_OBJECT_CLASS (ub_restore_page_parent_class)->dispose (object);
}

static void
ub_restore_page_class_init (UbRestorePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = ub_restore_page_constructed;
  object_class->dispose = ub_restore_page_dispose;
  UB_PAGE_CLASS (klass)->shown = ub_restore_page_shown;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/ub-restore-page.ui");
  gtk_widget_class_bind_template_child (widget_class, UbRestorePage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, UbRestorePage, unplug_box);
  gtk_widget_class_bind_template_child (widget_class, UbRestorePage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, UbRestorePage, status_label);
  gtk_widget_class_bind_template_child (widget_class, UbRestorePage, stage_group);
  gtk_widget_class_bind_template_child (widget_class, UbRestorePage, stop_button);
  gtk_widget_class_bind_template_child (widget_class, UbRestorePage, start_button);
  gtk_widget_class_bind_template_callback (widget_class, on_start_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_stop_clicked);
}

static void
ub_restore_page_init (UbRestorePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  build_stage_rows (self);
  /* TRANSLATORS: page title */
  ub_page_set_title (UB_PAGE (self), _("Restore"));
}

UbPage *
ub_restore_page_new (UbRescue *rescue)
{
  return g_object_new (UB_TYPE_RESTORE_PAGE, "rescue", rescue, NULL);
}

/**
 * ub_restore_page_get_job:
 *
 * Returns: (transfer none) (nullable): the running or last restore
 */
UbRestoreJob *
ub_restore_page_get_job (UbRestorePage *self)
{
  g_return_val_if_fail (UB_IS_RESTORE_PAGE (self), NULL);
  return self->job;
}
