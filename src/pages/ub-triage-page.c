/* ub-triage-page.c — "What's wrong?"
 *
 * Five faults, each with a plain explanation; choosing one recommends the
 * least destructive fix (force restart → recovery mode → DFU mode), which the
 * person may change. DFU mode is never the default.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-triage-page"

#include "config.h"

#include <glib/gi18n.h>

#include "ub-triage-page.h"

#define N_FAULT_ROWS 5
#define N_GOAL_ROWS 3

struct _UbTriagePage
{
  UbPage          parent_instance;

  GtkCheckButton *fault_checks[N_FAULT_ROWS];
  GtkCheckButton *goal_checks[N_GOAL_ROWS];
  GtkWidget      *goal_badges[N_GOAL_ROWS];
  AdwPreferencesGroup *goal_group;
  GtkLabel       *advice_label;
  gboolean        syncing;
};

G_DEFINE_FINAL_TYPE (UbTriagePage, ub_triage_page, UB_TYPE_PAGE)

/* Row order in the template */
static const UbFault faults[N_FAULT_ROWS] = {
  UB_FAULT_UNRESPONSIVE, UB_FAULT_BOOT_LOOP, UB_FAULT_FIRMWARE,
  UB_FAULT_FAILED_UPDATE, UB_FAULT_HARDWARE_LIKE,
};
static const UbSequenceKind goals[N_GOAL_ROWS] = {
  UB_SEQUENCE_FORCE_RESTART, UB_SEQUENCE_RECOVERY, UB_SEQUENCE_DFU,
};

static const char *
advice_for (UbFault fault)
{
  switch (fault)
    {
    case UB_FAULT_UNRESPONSIVE:
      return _("A force restart fixes most frozen phones and keeps everything. If the screen "
               "stays black, go on to recovery mode.");
    case UB_FAULT_BOOT_LOOP:
      return _("Try a force restart first. If it still restarts over and over, recovery mode "
               "lets the computer reinstall iOS and keep your data (Update).");
    case UB_FAULT_FIRMWARE:
      return _("Recovery mode lets the computer reinstall iOS; choosing Update keeps your data. "
               "DFU mode is the last resort, when recovery mode fails.");
    case UB_FAULT_FAILED_UPDATE:
      return _("Recovery mode lets the computer finish the update; choosing Update keeps your data.");
    case UB_FAULT_HARDWARE_LIKE:
      return _("These are often software problems. Start with a force restart; if the problem "
               "stays, reinstalling iOS in recovery mode is next. If it stays even after a "
               "restore, it is hardware: see an Apple Authorized Service Provider.");
    case UB_FAULT_NONE:
    default:
      return _("Choose what fits best above, and Unbrick suggests the gentlest fix to try first.");
    }
}

static void
sync_from_rescue (UbTriagePage *self)
{
  UbRescue *rescue = ub_page_get_rescue (UB_PAGE (self));
  UbFault fault = ub_rescue_get_fault (rescue);
  UbSequenceKind goal = ub_rescue_get_goal (rescue);
  UbSequenceKind recommended = ub_rescue_recommend_goal (fault);

  self->syncing = TRUE;
  for (guint i = 0; i < N_FAULT_ROWS; i++)
    gtk_check_button_set_active (self->fault_checks[i], faults[i] == fault);
  for (guint i = 0; i < N_GOAL_ROWS; i++)
    {
      gtk_check_button_set_active (self->goal_checks[i], fault != UB_FAULT_NONE && goals[i] == goal);
      gtk_widget_set_visible (self->goal_badges[i], fault != UB_FAULT_NONE && goals[i] == recommended);
    }
  self->syncing = FALSE;

  gtk_widget_set_sensitive (GTK_WIDGET (self->goal_group), fault != UB_FAULT_NONE);
  gtk_label_set_label (self->advice_label, advice_for (fault));
  ub_page_set_complete (UB_PAGE (self), fault != UB_FAULT_NONE);
}

static void
on_fault_toggled (UbTriagePage   *self,
                  GtkCheckButton *check)
{
  if (self->syncing || !gtk_check_button_get_active (check))
    return;
  for (guint i = 0; i < N_FAULT_ROWS; i++)
    if (self->fault_checks[i] == check)
      ub_rescue_set_fault (ub_page_get_rescue (UB_PAGE (self)), faults[i]);
}

static void
on_goal_toggled (UbTriagePage   *self,
                 GtkCheckButton *check)
{
  if (self->syncing || !gtk_check_button_get_active (check))
    return;
  for (guint i = 0; i < N_GOAL_ROWS; i++)
    if (self->goal_checks[i] == check)
      ub_rescue_set_goal (ub_page_get_rescue (UB_PAGE (self)), goals[i]);
}

static void
ub_triage_page_constructed (GObject *object)
{
  UbTriagePage *self = UB_TRIAGE_PAGE (object);
  UbRescue *rescue;

  G_OBJECT_CLASS (ub_triage_page_parent_class)->constructed (object);

  rescue = ub_page_get_rescue (UB_PAGE (self));
  g_signal_connect_object (rescue, "notify::fault", G_CALLBACK (sync_from_rescue), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (rescue, "notify::goal", G_CALLBACK (sync_from_rescue), self, G_CONNECT_SWAPPED);
  sync_from_rescue (self);
}

static void
ub_triage_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), UB_TYPE_TRIAGE_PAGE);
  G_OBJECT_CLASS (ub_triage_page_parent_class)->dispose (object);
}

static void
ub_triage_page_class_init (UbTriagePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = ub_triage_page_constructed;
  object_class->dispose = ub_triage_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/ub-triage-page.ui");
  gtk_widget_class_bind_template_child_full (widget_class, "unresponsive_check", FALSE,
                                             G_STRUCT_OFFSET (UbTriagePage, fault_checks[0]));
  gtk_widget_class_bind_template_child_full (widget_class, "boot_loop_check", FALSE,
                                             G_STRUCT_OFFSET (UbTriagePage, fault_checks[1]));
  gtk_widget_class_bind_template_child_full (widget_class, "firmware_check", FALSE,
                                             G_STRUCT_OFFSET (UbTriagePage, fault_checks[2]));
  gtk_widget_class_bind_template_child_full (widget_class, "failed_update_check", FALSE,
                                             G_STRUCT_OFFSET (UbTriagePage, fault_checks[3]));
  gtk_widget_class_bind_template_child_full (widget_class, "hardware_check", FALSE,
                                             G_STRUCT_OFFSET (UbTriagePage, fault_checks[4]));
  gtk_widget_class_bind_template_child_full (widget_class, "restart_check", FALSE,
                                             G_STRUCT_OFFSET (UbTriagePage, goal_checks[0]));
  gtk_widget_class_bind_template_child_full (widget_class, "recovery_check", FALSE,
                                             G_STRUCT_OFFSET (UbTriagePage, goal_checks[1]));
  gtk_widget_class_bind_template_child_full (widget_class, "dfu_check", FALSE,
                                             G_STRUCT_OFFSET (UbTriagePage, goal_checks[2]));
  gtk_widget_class_bind_template_child_full (widget_class, "restart_badge", FALSE,
                                             G_STRUCT_OFFSET (UbTriagePage, goal_badges[0]));
  gtk_widget_class_bind_template_child_full (widget_class, "recovery_badge", FALSE,
                                             G_STRUCT_OFFSET (UbTriagePage, goal_badges[1]));
  gtk_widget_class_bind_template_child_full (widget_class, "dfu_badge", FALSE,
                                             G_STRUCT_OFFSET (UbTriagePage, goal_badges[2]));
  gtk_widget_class_bind_template_child (widget_class, UbTriagePage, goal_group);
  gtk_widget_class_bind_template_child (widget_class, UbTriagePage, advice_label);
  gtk_widget_class_bind_template_callback (widget_class, on_fault_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_goal_toggled);
}

static void
ub_triage_page_init (UbTriagePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* TRANSLATORS: page title */
  ub_page_set_title (UB_PAGE (self), _("What’s Wrong?"));
}

UbPage *
ub_triage_page_new (UbRescue *rescue)
{
  return g_object_new (UB_TYPE_TRIAGE_PAGE, "rescue", rescue, NULL);
}
