/* ub-window.c — the main window: header, the wizard, toasts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-window"

#include "config.h"

#include <glib/gi18n.h>

#include "pages/ub-firmware-page.h"
#include "pages/ub-guide-page.h"
#include "pages/ub-phone-page.h"
#include "pages/ub-rehearsal-page.h"
#include "pages/ub-done-page.h"
#include "pages/ub-restore-page.h"
#include "pages/ub-result-page.h"
#include "pages/ub-safety-page.h"
#include "pages/ub-triage-page.h"
#include "ub-ui-resources.h"
#include "ub-window.h"

struct _UbWindow
{
  AdwApplicationWindow  parent_instance;

  UbRescue             *rescue;
  UbSpeaker            *speaker;

  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  UbAssistant          *assistant;
  GtkBox               *side_box;
};

G_DEFINE_FINAL_TYPE (UbWindow, ub_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_RESCUE,
  PROP_SPEAKER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
add_pages (UbWindow *self)
{
  ub_assistant_add_page (self->assistant, "triage", ub_triage_page_new (self->rescue));
  ub_assistant_add_page (self->assistant, "phone", ub_phone_page_new (self->rescue));
  ub_assistant_add_page (self->assistant, "safety", ub_safety_page_new (self->rescue));
  ub_assistant_add_page (self->assistant, "firmware", ub_firmware_page_new (self->rescue));
  ub_assistant_add_page (self->assistant, "rehearsal", ub_rehearsal_page_new (self->rescue));
  ub_assistant_add_page (self->assistant, "guide", ub_guide_page_new (self->rescue, self->speaker));
  ub_assistant_add_page (self->assistant, "result", ub_result_page_new (self->rescue));
  ub_assistant_add_page (self->assistant, "restore", ub_restore_page_new (self->rescue));
  ub_assistant_add_page (self->assistant, "done", ub_done_page_new (self->rescue));
}

static void
ub_window_constructed (GObject *object)
{
  UbWindow *self = UB_WINDOW (object);

  G_OBJECT_CLASS (ub_window_parent_class)->constructed (object);

  add_pages (self);
  g_object_bind_property (self->assistant, "title", self->window_title, "title", G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->assistant, "subtitle", self->window_title, "subtitle", G_BINDING_SYNC_CREATE);
}

static void
ub_window_dispose (GObject *object)
{
  UbWindow *self = (UbWindow *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), UB_TYPE_WINDOW);
  g_clear_object (&self->rescue);
  g_clear_object (&self->speaker);

  G_OBJECT_CLASS (ub_window_parent_class)->dispose (object);
}

static void
ub_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  UbWindow *self = UB_WINDOW (object);

  switch (prop_id)
    {
    case PROP_RESCUE:
      g_value_set_object (value, self->rescue);
      break;
    case PROP_SPEAKER:
      g_value_set_object (value, self->speaker);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ub_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  UbWindow *self = UB_WINDOW (object);

  switch (prop_id)
    {
    case PROP_RESCUE:
      self->rescue = g_value_dup_object (value);
      break;
    case PROP_SPEAKER:
      self->speaker = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ub_window_class_init (UbWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  const GParamFlags co = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = ub_window_constructed;
  object_class->dispose = ub_window_dispose;
  object_class->get_property = ub_window_get_property;
  object_class->set_property = ub_window_set_property;

  properties[PROP_RESCUE] = g_param_spec_object ("rescue", NULL, NULL, UB_TYPE_RESCUE, co);
  properties[PROP_SPEAKER] = g_param_spec_object ("speaker", NULL, NULL, UB_TYPE_SPEAKER, co);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Referencing the resource keeps it linked from the static library */
  g_assert (ub_ui_get_resource () != NULL);
  g_type_ensure (UB_TYPE_ASSISTANT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/ub-window.ui");
  gtk_widget_class_bind_template_child (widget_class, UbWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, UbWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, UbWindow, assistant);
  gtk_widget_class_bind_template_child (widget_class, UbWindow, side_box);
}

static void
ub_window_init (UbWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
#if DEVELOPMENT_BUILD
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif
}

/**
 * ub_window_new:
 * @speaker: (nullable): spoken counts
 *
 * Returns: (transfer full): a window with the whole wizard for @rescue
 */
UbWindow *
ub_window_new (GtkApplication *application,
               UbRescue       *rescue,
               UbSpeaker      *speaker)
{
  g_return_val_if_fail (UB_IS_RESCUE (rescue), NULL);

  return g_object_new (UB_TYPE_WINDOW,
                       "application", application,
                       "rescue", rescue,
                       "speaker", speaker,
                       NULL);
}

UbAssistant *
ub_window_get_assistant (UbWindow *self)
{
  g_return_val_if_fail (UB_IS_WINDOW (self), NULL);
  return self->assistant;
}

UbRescue *
ub_window_get_rescue (UbWindow *self)
{
  g_return_val_if_fail (UB_IS_WINDOW (self), NULL);
  return self->rescue;
}

void
ub_window_add_toast (UbWindow   *self,
                     const char *text)
{
  g_return_if_fail (UB_IS_WINDOW (self));
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

/**
 * ub_window_set_side_panel:
 * @panel: (transfer floating): a widget shown beside the wizard (the
 *   training panel of the virtual phone)
 */
void
ub_window_set_side_panel (UbWindow  *self,
                          GtkWidget *panel)
{
  g_return_if_fail (UB_IS_WINDOW (self));

  gtk_box_append (self->side_box, panel);
  gtk_widget_set_visible (GTK_WIDGET (self->side_box), TRUE);
}
