/* ub-safety-page.c — "Before you start"
 *
 * What the chosen fix does to the phone's data, physical damage (advise a
 * repair shop; go on only with an explicit override), the cable (certified;
 * USB-A for Lightning phones, dfu-sequences.md §4d) and connecting first.
 * The page is complete once the person has read it and, if the phone is
 * damaged, chose to continue anyway.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-safety-page"

#include "config.h"

#include <glib/gi18n.h>

#include "ub-safety-page.h"

struct _UbSafetyPage
{
  UbPage          parent_instance;

  GtkWidget      *dfu_group;
  GtkWidget      *recovery_group;
  GtkWidget      *restart_group;
  GtkWidget      *damage_group;
  GtkWidget      *cable_group;
  GtkWidget      *lightning_row;
  GtkWidget      *damage_warning_row;
  GtkWidget      *override_row;
  GtkSwitch      *damage_switch;
  GtkSwitch      *override_switch;
  GtkCheckButton *ack_check;
};

G_DEFINE_FINAL_TYPE (UbSafetyPage, ub_safety_page, UB_TYPE_PAGE)

static void
update (UbSafetyPage *self)
{
  UbRescue *rescue = ub_page_get_rescue (UB_PAGE (self));
  UbSequenceKind goal = ub_rescue_get_goal (rescue);
  UbModel *model = ub_rescue_get_model (rescue);
  gboolean restart = goal == UB_SEQUENCE_FORCE_RESTART;
  gboolean damaged = gtk_switch_get_active (self->damage_switch);
  gboolean override = gtk_switch_get_active (self->override_switch);
  gboolean complete;

  gtk_widget_set_visible (self->dfu_group, goal == UB_SEQUENCE_DFU || goal == UB_SEQUENCE_DFU_ASSISTED);
  gtk_widget_set_visible (self->recovery_group, goal == UB_SEQUENCE_RECOVERY);
  gtk_widget_set_visible (self->restart_group, restart);
  gtk_widget_set_visible (self->damage_group, !restart);
  gtk_widget_set_visible (self->cable_group, !restart);
  gtk_widget_set_visible (GTK_WIDGET (self->ack_check), !restart);
  gtk_widget_set_visible (self->lightning_row,
                          model != NULL && ub_model_get_connector (model) == UB_CONNECTOR_LIGHTNING);
  gtk_widget_set_visible (self->damage_warning_row, damaged);
  gtk_widget_set_visible (self->override_row, damaged);

  complete = restart || (gtk_check_button_get_active (self->ack_check) && (!damaged || override));
  ub_page_set_complete (UB_PAGE (self), complete);
  ub_rescue_set_safety_done (rescue, complete);
}

static void
on_damage_changed (UbSafetyPage *self)
{
  if (!gtk_switch_get_active (self->damage_switch))
    gtk_switch_set_active (self->override_switch, FALSE);
  g_debug ("Damage reported: %s, override: %s",
           gtk_switch_get_active (self->damage_switch) ? "yes" : "no",
           gtk_switch_get_active (self->override_switch) ? "yes" : "no");
  update (self);
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
    }
  update (self);
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
  g_signal_connect_object (rescue, "notify::fault", G_CALLBACK (on_rescue_reset), self, G_CONNECT_SWAPPED);
  update (self);
}

static void
ub_safety_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), UB_TYPE_SAFETY_PAGE);
  G_OBJECT_CLASS (ub_safety_page_parent_class)->dispose (object);
}

static void
ub_safety_page_class_init (UbSafetyPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = ub_safety_page_constructed;
  object_class->dispose = ub_safety_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/ub-safety-page.ui");
  gtk_widget_class_bind_template_child (widget_class, UbSafetyPage, dfu_group);
  gtk_widget_class_bind_template_child (widget_class, UbSafetyPage, recovery_group);
  gtk_widget_class_bind_template_child (widget_class, UbSafetyPage, restart_group);
  gtk_widget_class_bind_template_child (widget_class, UbSafetyPage, damage_group);
  gtk_widget_class_bind_template_child (widget_class, UbSafetyPage, cable_group);
  gtk_widget_class_bind_template_child (widget_class, UbSafetyPage, lightning_row);
  gtk_widget_class_bind_template_child (widget_class, UbSafetyPage, damage_warning_row);
  gtk_widget_class_bind_template_child (widget_class, UbSafetyPage, override_row);
  gtk_widget_class_bind_template_child (widget_class, UbSafetyPage, damage_switch);
  gtk_widget_class_bind_template_child (widget_class, UbSafetyPage, override_switch);
  gtk_widget_class_bind_template_child (widget_class, UbSafetyPage, ack_check);
  gtk_widget_class_bind_template_callback (widget_class, update);
  gtk_widget_class_bind_template_callback (widget_class, on_damage_changed);
}

static void
ub_safety_page_init (UbSafetyPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* TRANSLATORS: page title */
  ub_page_set_title (UB_PAGE (self), _("Before You Start"));
}

UbPage *
ub_safety_page_new (UbRescue *rescue)
{
  return g_object_new (UB_TYPE_SAFETY_PAGE, "rescue", rescue, NULL);
}
