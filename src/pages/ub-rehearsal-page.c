/* ub-rehearsal-page.c — the whole sequence, untimed, with pictures
 *
 * "Hard to do this without having had time to read the instructions in
 * peace" (palera1n PR #290): every step is shown at once, with no clock, so
 * that nobody has to read while counting.
 *
 * For recovery mode and a connected phone that still runs iOS, no buttons
 * are needed at all: lockdownd's EnterRecovery (ub-lockdown-session.c)
 * restarts it into recovery mode. Once the phone arrives there, the guide
 * page finds it already in place and moves on to the result.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-rehearsal-page"

#include "config.h"

#include <glib/gi18n.h>

#include "ub-rehearsal-page.h"
#include "ub-step-row.h"

struct _UbRehearsalPage
{
  UbPage      parent_instance;

  GtkListBox *step_list;
  GtkLabel   *intro_label;
  GtkLabel   *total_label;
  GtkWidget  *software_group;
  AdwActionRow *software_row;
  GtkSpinner *software_spinner;
  GtkWidget  *software_button;

  GCancellable *software_cancellable;
  guint       software_timeout_id;
  char       *software_message;
};

G_DEFINE_FINAL_TYPE (UbRehearsalPage, ub_rehearsal_page, UB_TYPE_PAGE)

static const char *
intro_for (UbSequenceKind kind)
{
  switch (kind)
    {
    case UB_SEQUENCE_FORCE_RESTART:
      return _("Read the steps for a force restart calmly. Try the grip on the buttons without pressing. No timer runs on this page.");
    case UB_SEQUENCE_RECOVERY:
      return _("Read the steps for recovery mode calmly. Try the grip on the buttons without pressing. No timer runs on this page.");
    case UB_SEQUENCE_DFU_ASSISTED:
      return _("The phone is in recovery mode, so this computer can restart it at the right moment: you only hold the buttons. Read the steps calmly; no timer runs on this page.");
    case UB_SEQUENCE_DFU:
    default:
      return _("Read the steps for DFU mode calmly. Try the grip on the buttons without pressing. No timer runs on this page.");
    }
}

static gboolean
can_switch_in_software (UbRescue *rescue)
{
  UbDevice *device = ub_rescue_get_device (rescue);

  return ub_rescue_get_goal (rescue) == UB_SEQUENCE_RECOVERY && device != NULL &&
         ub_device_get_mode (device) == UB_DEVICE_MODE_NORMAL && ub_device_get_udid (device) != NULL;
}

static void
set_software_message (UbRehearsalPage *self,
                      const char      *message)
{
  g_free (self->software_message);
  self->software_message = g_strdup (message);
  g_debug ("Recovery mode without buttons: %s", message ? message : "(idle)");
}

static void
update_software (UbRehearsalPage *self)
{
  UbRescue *rescue = ub_page_get_rescue (UB_PAGE (self));
  UbDevice *device = ub_rescue_get_device (rescue);
  gboolean busy = self->software_cancellable != NULL || self->software_timeout_id != 0;

  /* Arrived: the guide page sees it there and reports success */
  if (self->software_timeout_id != 0 && device != NULL &&
      ub_device_get_mode (device) == UB_DEVICE_MODE_RECOVERY)
    {
      g_clear_handle_id (&self->software_timeout_id, g_source_remove);
      set_software_message (self, _("The iPhone is in recovery mode."));
      busy = FALSE;
      ub_page_request_next (UB_PAGE (self));
    }
  gtk_widget_set_visible (self->software_group, can_switch_in_software (rescue) || busy ||
                          self->software_message != NULL);
  gtk_widget_set_sensitive (self->software_button, can_switch_in_software (rescue) && !busy);
  gtk_spinner_set_spinning (self->software_spinner, busy);
  adw_action_row_set_subtitle (self->software_row,
                               self->software_message ? self->software_message
                               : _("It is connected and running iOS, so it can be asked to restart into "
                                   "recovery mode. Nothing is erased. If it asks whether to trust this "
                                   "computer, unlock it and tap Trust."));
}

static void
on_software_wait_over (gpointer data)
{
  UbRehearsalPage *self = data;

  self->software_timeout_id = 0;
  set_software_message (self, _("The iPhone did not arrive in recovery mode. Use the buttons as shown below."));
  update_software (self);
}

static void
on_enter_recovery_done (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(UbRehearsalPage) self = user_data;
  g_autoptr(GError) error = NULL;
  UbClock *clock;

  if (!ub_lockdown_enter_recovery_finish (result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->software_cancellable);
  if (error != NULL)
    set_software_message (self, error->message);
  else
    {
      clock = ub_rescue_get_clock (ub_page_get_rescue (UB_PAGE (self)));
      set_software_message (self, _("The iPhone is restarting into recovery mode…"));
      self->software_timeout_id = g_timeout_add_once (ub_clock_scale_ms (clock, UB_LOCKDOWN_RECOVERY_WAIT_MS),
                                                      on_software_wait_over, self);
    }
  update_software (self);
}

static void
on_software_clicked (UbRehearsalPage *self)
{
  UbDevice *device = ub_rescue_get_device (ub_page_get_rescue (UB_PAGE (self)));

  if (device == NULL || ub_device_get_udid (device) == NULL || self->software_cancellable != NULL)
    return;
  self->software_cancellable = g_cancellable_new ();
  set_software_message (self, _("Asking the iPhone to restart into recovery mode…"));
  ub_lockdown_enter_recovery_async (ub_device_get_udid (device), self->software_cancellable,
                                    on_enter_recovery_done, g_object_ref (self));
  update_software (self);
}

static void
rebuild (UbRehearsalPage *self)
{
  UbRescue *rescue = ub_page_get_rescue (UB_PAGE (self));
  UbModel *model = ub_rescue_get_model (rescue);
  gboolean from_recovery = FALSE;
  UbSequence *seq = ub_rescue_choose_sequence (rescue, &from_recovery);
  g_autofree char *total = NULL;
  GtkWidget *child;

  update_software (self);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->step_list))) != NULL)
    gtk_list_box_remove (self->step_list, child);
  ub_page_set_complete (UB_PAGE (self), seq != NULL);
  if (seq == NULL)
    return;

  g_debug ("Rehearsing “%s” for %s (from recovery: %s)",
           ub_sequence_kind_to_string (ub_sequence_get_kind (seq)),
           ub_model_get_product_type (model), from_recovery ? "yes" : "no");
  for (guint i = 0; i < ub_sequence_get_n_steps (seq); i++)
    gtk_list_box_append (self->step_list,
                         ub_step_row_new (model, ub_sequence_get_step (seq, i), i + 1, from_recovery));

  gtk_label_set_label (self->intro_label, intro_for (ub_sequence_get_kind (seq)));
  total = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                        "The timed guide on the next page takes about %u second.",
                                        "The timed guide on the next page takes about %u seconds.",
                                        ub_sequence_get_total_seconds (seq, from_recovery)),
                           ub_sequence_get_total_seconds (seq, from_recovery));
  gtk_label_set_label (self->total_label, total);
}

static void
ub_rehearsal_page_shown (UbPage *page)
{
  rebuild (UB_REHEARSAL_PAGE (page));
}

static void
ub_rehearsal_page_constructed (GObject *object)
{
  UbRehearsalPage *self = UB_REHEARSAL_PAGE (object);

  G_OBJECT_CLASS (ub_rehearsal_page_parent_class)->constructed (object);
  g_signal_connect_object (ub_page_get_rescue (UB_PAGE (self)), "notify::device",
                           G_CALLBACK (update_software), self, G_CONNECT_SWAPPED);
}

static void
ub_rehearsal_page_dispose (GObject *object)
{
  UbRehearsalPage *self = UB_REHEARSAL_PAGE (object);

  g_cancellable_cancel (self->software_cancellable);
  g_clear_object (&self->software_cancellable);
  g_clear_handle_id (&self->software_timeout_id, g_source_remove);
  g_clear_pointer (&self->software_message, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (object), UB_TYPE_REHEARSAL_PAGE);
  G_OBJECT_CLASS (ub_rehearsal_page_parent_class)->dispose (object);
}

static void
ub_rehearsal_page_class_init (UbRehearsalPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->constructed = ub_rehearsal_page_constructed;
  G_OBJECT_CLASS (klass)->dispose = ub_rehearsal_page_dispose;
  UB_PAGE_CLASS (klass)->shown = ub_rehearsal_page_shown;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/ub-rehearsal-page.ui");
  gtk_widget_class_bind_template_child (widget_class, UbRehearsalPage, step_list);
  gtk_widget_class_bind_template_child (widget_class, UbRehearsalPage, intro_label);
  gtk_widget_class_bind_template_child (widget_class, UbRehearsalPage, total_label);
  gtk_widget_class_bind_template_child (widget_class, UbRehearsalPage, software_group);
  gtk_widget_class_bind_template_child (widget_class, UbRehearsalPage, software_row);
  gtk_widget_class_bind_template_child (widget_class, UbRehearsalPage, software_spinner);
  gtk_widget_class_bind_template_child (widget_class, UbRehearsalPage, software_button);
  gtk_widget_class_bind_template_callback (widget_class, on_software_clicked);
}

static void
ub_rehearsal_page_init (UbRehearsalPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* TRANSLATORS: page title: the steps are shown without a timer */
  ub_page_set_title (UB_PAGE (self), _("Rehearsal"));
  /* TRANSLATORS: the Next button on the rehearsal page */
  ub_page_set_next_label (UB_PAGE (self), _("_I Am Ready"));
}

UbPage *
ub_rehearsal_page_new (UbRescue *rescue)
{
  return g_object_new (UB_TYPE_REHEARSAL_PAGE, "rescue", rescue, NULL);
}
