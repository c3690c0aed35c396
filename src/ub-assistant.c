/* ub-assistant.c — the page manager: one page at a time, Back/Next/Cancel in one place
 *
 * Navigation is three widget actions (wizard.back, wizard.next,
 * wizard.cancel) whose enabled state follows the current page's properties,
 * as gnome-initial-setup's GisAssistant does. Next runs the page's apply step
 * first; a page may also ask to move on by itself (request-next).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-assistant"

#include "config.h"

#include <glib/gi18n.h>

#include "ub-assistant.h"

struct _UbAssistant
{
  AdwBin        parent_instance;

  GtkStack     *stack;
  GtkButton    *next_button;
  GtkButton    *back_button;
  GtkSpinner   *spinner;

  GPtrArray    *pages;          /* (element-type UbPage) (not owned: the stack owns them) */
  UbPage       *current;
  GSignalGroup *page_signals;
  char         *subtitle;
};

G_DEFINE_FINAL_TYPE (UbAssistant, ub_assistant, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_TITLE,
  PROP_SUBTITLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static int
page_index (UbAssistant *self,
            UbPage      *page)
{
  guint index;

  return g_ptr_array_find (self->pages, page, &index) ? (int)index : -1;
}

/* The nearest needed page after (@step 1) or before (@step -1) @index */
static UbPage *
needed_page (UbAssistant *self,
             int          index,
             int          step)
{
  for (int i = index + step; index >= 0 && i >= 0 && i < (int)self->pages->len; i += step)
    {
      UbPage *page = g_ptr_array_index (self->pages, i);

      if (ub_page_get_needed (page))
        return page;
    }
  return NULL;
}

static void
update_navigation (UbAssistant *self)
{
  UbPage *page = self->current;
  int index = page ? page_index (self, page) : -1;
  gboolean applying = page && ub_page_get_applying (page);
  const char *next_label = page ? ub_page_get_next_label (page) : NULL;
  gboolean last = needed_page (self, index, 1) == NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.next",
                                 page && !last && !applying && ub_page_get_complete (page));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.back",
                                 needed_page (self, index, -1) != NULL && !applying &&
                                 ub_page_get_can_go_back (page));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.cancel", index > 0 || applying);
  /* TRANSLATORS: the button that goes to the next page of the wizard */
  gtk_button_set_label (self->next_button, next_label ? next_label : _("_Next"));
  gtk_widget_set_visible (GTK_WIDGET (self->next_button), !last);
  gtk_spinner_set_spinning (self->spinner, applying);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), applying);
}

static void
update_titles (UbAssistant *self)
{
  int index = self->current ? page_index (self, self->current) : -1;
  guint position = 0, n_needed = 0;

  for (guint i = 0; i < self->pages->len; i++)
    {
      if (!ub_page_get_needed (g_ptr_array_index (self->pages, i)) && (int)i != index)
        continue;
      n_needed++;
      if ((int)i <= index)
        position++;
    }
  g_free (self->subtitle);
  /* TRANSLATORS: under the page title, e.g. "Page 2 of 6" (the pages of the
   * wizard; the guide's button steps say "Step 4 of 6") */
  self->subtitle = index >= 0 ? g_strdup_printf (_("Page %u of %u"), position, n_needed)
                              : g_strdup ("");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUBTITLE]);
}

static void
on_page_notify (UbAssistant *self,
                GParamSpec  *pspec,
                UbPage      *page)
{
  if (g_str_equal (pspec->name, "title"))
    update_titles (self);
  else
    update_navigation (self);
}

static void
on_visible_child_changed (UbAssistant *self)
{
  UbPage *page = UB_PAGE (gtk_stack_get_visible_child (self->stack));

  if (page == self->current)
    return;
  if (self->current != NULL)
    ub_page_hidden (self->current);
  self->current = page;
  g_signal_group_set_target (self->page_signals, page);
  g_debug ("Current page: %s (%d)", page ? G_OBJECT_TYPE_NAME (page) : "none",
           page ? page_index (self, page) : -1);
  update_titles (self);
  update_navigation (self);
  if (page != NULL)
    {
      ub_page_shown (page);
      gtk_widget_child_focus (GTK_WIDGET (page), GTK_DIR_TAB_FORWARD);
    }
}

static void
on_apply_done (UbAssistant *self,
               gboolean     valid,
               UbPage      *page)
{
  UbPage *next = needed_page (self, page_index (self, page), 1);

  update_navigation (self);
  if (!valid || page != self->current || next == NULL)
    return;
  ub_assistant_go_to (self, next);
}

static void
on_page_needed_changed (UbAssistant *self)
{
  update_titles (self);
  update_navigation (self);
}

static void
on_request_next (UbAssistant *self,
                 UbPage      *page)
{
  if (page == self->current && ub_page_get_complete (page))
    ub_assistant_next (self);
}

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  ub_assistant_next (UB_ASSISTANT (widget));
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  ub_assistant_back (UB_ASSISTANT (widget));
}

static void
go_to_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  UbAssistant *self = UB_ASSISTANT (widget);
  GtkWidget *page = gtk_stack_get_child_by_name (self->stack, g_variant_get_string (param, NULL));

  if (page != NULL && !(self->current && ub_page_get_applying (self->current)))
    ub_assistant_go_to (self, UB_PAGE (page));
}

static void
start_over_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  ub_assistant_start_over (UB_ASSISTANT (widget));
}

static void
on_start_over_response (AdwMessageDialog *dialog,
                        const char       *response,
                        UbAssistant      *self)
{
  if (g_strcmp0 (response, "start-over") == 0)
    ub_assistant_start_over (self);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  UbAssistant *self = UB_ASSISTANT (widget);
  GtkWidget *dialog;

  if (self->current && ub_page_get_applying (self->current))
    {
      ub_page_apply_cancel (self->current);
      return;
    }
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                   _("Start Over?"),
                                   _("Your answers will be forgotten. Nothing is changed on the phone."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "keep", _("_Keep Going"),
                                    "start-over", _("_Start Over"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "start-over",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_signal_connect (dialog, "response", G_CALLBACK (on_start_over_response), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
ub_assistant_dispose (GObject *object)
{
  UbAssistant *self = (UbAssistant *)object;

  g_clear_object (&self->page_signals);
  g_clear_pointer (&self->pages, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), UB_TYPE_ASSISTANT);

  G_OBJECT_CLASS (ub_assistant_parent_class)->dispose (object);
}

static void
ub_assistant_finalize (GObject *object)
{
  UbAssistant *self = (UbAssistant *)object;

  g_clear_pointer (&self->subtitle, g_free);

  G_OBJECT_CLASS (ub_assistant_parent_class)->finalize (object);
}

static void
ub_assistant_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  UbAssistant *self = UB_ASSISTANT (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, ub_assistant_get_title (self));
      break;
    case PROP_SUBTITLE:
      g_value_set_string (value, ub_assistant_get_subtitle (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ub_assistant_class_init (UbAssistantClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ub_assistant_dispose;
  object_class->finalize = ub_assistant_finalize;
  object_class->get_property = ub_assistant_get_property;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, "",
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SUBTITLE] =
    g_param_spec_string ("subtitle", NULL, NULL, "",
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/ub-assistant.ui");
  gtk_widget_class_bind_template_child (widget_class, UbAssistant, stack);
  gtk_widget_class_bind_template_child (widget_class, UbAssistant, next_button);
  gtk_widget_class_bind_template_child (widget_class, UbAssistant, back_button);
  gtk_widget_class_bind_template_child (widget_class, UbAssistant, spinner);
  gtk_widget_class_bind_template_callback (widget_class, on_visible_child_changed);

  gtk_widget_class_install_action (widget_class, "wizard.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "wizard.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "wizard.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "wizard.go-to", "s", go_to_action);
  gtk_widget_class_install_action (widget_class, "wizard.start-over", NULL, start_over_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, GDK_ALT_MASK, "wizard.next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "wizard.back", NULL);
}

static void
ub_assistant_init (UbAssistant *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->pages = g_ptr_array_new ();
  self->page_signals = g_signal_group_new (UB_TYPE_PAGE);
  g_signal_group_connect_swapped (self->page_signals, "notify", G_CALLBACK (on_page_notify), self);
  update_navigation (self);
}

/**
 * ub_assistant_add_page:
 * @name: a stable name, for "wizard.go-to" and tests
 * @page: (transfer floating): a page, appended after the others
 */
void
ub_assistant_add_page (UbAssistant *self,
                       const char  *name,
                       UbPage      *page)
{
  g_return_if_fail (UB_IS_ASSISTANT (self));
  g_return_if_fail (name != NULL);
  g_return_if_fail (UB_IS_PAGE (page));

  g_ptr_array_add (self->pages, page);
  g_signal_connect_object (page, "apply-done", G_CALLBACK (on_apply_done), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (page, "request-next", G_CALLBACK (on_request_next), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (page, "notify::needed", G_CALLBACK (on_page_needed_changed), self,
                           G_CONNECT_SWAPPED);
  gtk_stack_add_named (self->stack, GTK_WIDGET (page), name);
  update_titles (self);
  update_navigation (self);
}

/**
 * ub_assistant_get_current_page:
 *
 * Returns: (transfer none) (nullable): the visible page
 */
UbPage *
ub_assistant_get_current_page (UbAssistant *self)
{
  g_return_val_if_fail (UB_IS_ASSISTANT (self), NULL);
  return self->current;
}

guint
ub_assistant_get_n_pages (UbAssistant *self)
{
  g_return_val_if_fail (UB_IS_ASSISTANT (self), 0);
  return self->pages->len;
}

/**
 * ub_assistant_get_page:
 *
 * Returns: (transfer none): the page at @index
 */
UbPage *
ub_assistant_get_page_by_name (UbAssistant *self,
                               const char  *name)
{
  g_return_val_if_fail (UB_IS_ASSISTANT (self), NULL);
  return UB_PAGE (gtk_stack_get_child_by_name (self->stack, name));
}

UbPage *
ub_assistant_get_page (UbAssistant *self,
                       guint        index)
{
  g_return_val_if_fail (UB_IS_ASSISTANT (self), NULL);
  g_return_val_if_fail (index < self->pages->len, NULL);
  return g_ptr_array_index (self->pages, index);
}

void
ub_assistant_go_to (UbAssistant *self,
                    UbPage      *page)
{
  g_return_if_fail (UB_IS_ASSISTANT (self));
  g_return_if_fail (page_index (self, page) >= 0);

  gtk_stack_set_visible_child (self->stack, GTK_WIDGET (page));
}

/**
 * ub_assistant_next:
 *
 * Applies the current page, then shows the next one (if the page is complete).
 */
void
ub_assistant_next (UbAssistant *self)
{
  g_return_if_fail (UB_IS_ASSISTANT (self));

  if (self->current == NULL || !ub_page_get_complete (self->current) ||
      ub_page_get_applying (self->current))
    return;
  ub_page_apply_begin (self->current);
}

void
ub_assistant_back (UbAssistant *self)
{
  UbPage *previous;

  g_return_if_fail (UB_IS_ASSISTANT (self));

  if (self->current == NULL || ub_page_get_applying (self->current) ||
      !ub_page_get_can_go_back (self->current))
    return;
  previous = needed_page (self, page_index (self, self->current), -1);
  if (previous != NULL)
    ub_assistant_go_to (self, previous);
}

/**
 * ub_assistant_start_over:
 *
 * Forgets every answer and goes back to the first page.
 */
void
ub_assistant_start_over (UbAssistant *self)
{
  g_return_if_fail (UB_IS_ASSISTANT (self));

  if (self->pages->len == 0)
    return;
  ub_assistant_go_to (self, g_ptr_array_index (self->pages, 0));
  ub_rescue_reset (ub_page_get_rescue (g_ptr_array_index (self->pages, 0)));
}

const char *
ub_assistant_get_title (UbAssistant *self)
{
  g_return_val_if_fail (UB_IS_ASSISTANT (self), NULL);
  return self->current ? ub_page_get_title (self->current) : "";
}

const char *
ub_assistant_get_subtitle (UbAssistant *self)
{
  g_return_val_if_fail (UB_IS_ASSISTANT (self), NULL);
  return self->subtitle ? self->subtitle : "";
}
