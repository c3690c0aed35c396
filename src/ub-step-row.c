/* ub-step-row.c — one step of a button sequence, with its drawing, for the rehearsal
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-step-row"

#include "config.h"

#include <glib/gi18n.h>

#include "ub-phone-view.h"
#include "ub-step-row.h"

struct _UbStepRow
{
  GtkListBoxRow  parent_instance;

  UbPhoneView   *phone_view;
  GtkLabel      *number_label;
  GtkLabel      *instruction_label;
  GtkLabel      *timing_label;
  GtkLabel      *cue_label;
};

G_DEFINE_FINAL_TYPE (UbStepRow, ub_step_row, GTK_TYPE_LIST_BOX_ROW)

/**
 * ub_step_dup_timing_text:
 *
 * Returns: (transfer full): how long the step lasts, in words
 */
char *
ub_step_dup_timing_text (UbStep   *step,
                         gboolean  from_recovery)
{
  guint seconds = ub_step_get_seconds (step, from_recovery);
  int reboot = ub_step_get_host_reboot_at (step);

  if (ub_step_get_tap (step) != UB_BUTTON_NONE && ub_step_get_hold (step) == UB_BUTTON_NONE)
    /* TRANSLATORS: timing of a step where a button is pressed and released */
    return g_strdup (_("A quick press, about one second"));
  if (ub_step_get_buttons (step) == UB_BUTTON_NONE)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u second to get ready",
                                         "%u seconds to get ready", seconds), seconds);
  if (reboot >= 0)
    {
      /* TRANSLATORS: %u are seconds; this computer restarts the phone while the buttons are held */
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Hold for %u second; this computer restarts the phone meanwhile",
                                           "Hold for %u seconds; this computer restarts the phone meanwhile",
                                           seconds), seconds);
    }
  if (ub_step_get_detect (step))
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Up to %u second; Unbrick tells you when to let go",
                                         "Up to %u seconds; Unbrick tells you when to let go",
                                         seconds), seconds);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Hold for %u second", "Hold for %u seconds",
                                       seconds), seconds);
}

static void
ub_step_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), UB_TYPE_STEP_ROW);
  G_OBJECT_CLASS (ub_step_row_parent_class)->dispose (object);
}

static void
ub_step_row_class_init (UbStepRowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = ub_step_row_dispose;

  g_type_ensure (UB_TYPE_PHONE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/ub-step-row.ui");
  gtk_widget_class_bind_template_child (widget_class, UbStepRow, phone_view);
  gtk_widget_class_bind_template_child (widget_class, UbStepRow, number_label);
  gtk_widget_class_bind_template_child (widget_class, UbStepRow, instruction_label);
  gtk_widget_class_bind_template_child (widget_class, UbStepRow, timing_label);
  gtk_widget_class_bind_template_child (widget_class, UbStepRow, cue_label);
}

static void
ub_step_row_init (UbStepRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
ub_step_row_new (UbModel  *model,
                 UbStep   *step,
                 guint     number,
                 gboolean  from_recovery)
{
  UbStepRow *self;
  g_autofree char *number_text = NULL;
  g_autofree char *timing = NULL;
  const char *cue;

  g_return_val_if_fail (UB_IS_MODEL (model), NULL);
  g_return_val_if_fail (step != NULL, NULL);

  self = g_object_new (UB_TYPE_STEP_ROW, NULL);
  ub_phone_view_set_model (self->phone_view, model);
  g_object_set (self->phone_view,
                "hold", ub_step_get_hold (step),
                "tap", ub_step_get_tap (step),
                "screen", ub_step_get_screen (step),
                NULL);

  /* TRANSLATORS: the number of a step in the rehearsal list */
  number_text = g_strdup_printf (_("Step %u"), number);
  gtk_label_set_label (self->number_label, number_text);
  gtk_label_set_label (self->instruction_label,
                       ub_step_get_instruction (step, ub_model_get_power_button (model)));
  timing = ub_step_dup_timing_text (step, from_recovery);
  gtk_label_set_label (self->timing_label, timing);
  cue = ub_step_get_cue (step);
  gtk_label_set_label (self->cue_label, cue ? cue : "");
  gtk_widget_set_visible (GTK_WIDGET (self->cue_label), cue != NULL);
  return GTK_WIDGET (self);
}
