/* ub-phone-page.c — "Your phone": the connected phone, or a model picked from the list
 *
 * The upper list follows the device monitor live. A single connected phone
 * that Unbrick can identify is chosen by itself; with several, each has a
 * Choose button. The lower list has every model, searchable, grouped by
 * button layout (which is what decides the sequences), newest first.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-phone-page"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ub-device-row.h"
#include "ub-phone-page.h"

struct _UbPhonePage
{
  UbPage               parent_instance;

  GtkListBox          *device_list;
  GtkListBox          *model_list;
  GtkSearchEntry      *search_entry;
  GtkLabel            *selected_label;
  AdwPreferencesGroup *permission_group;
  GtkLabel            *permission_command;

  char                *search_folded;
  gboolean             models_filled;
  gboolean             model_chosen_by_hand;
};

G_DEFINE_FINAL_TYPE (UbPhonePage, ub_phone_page, UB_TYPE_PAGE)

static const UbButtonFamily family_order[] = {
  UB_BUTTON_FAMILY_MODERN, UB_BUTTON_FAMILY_IPHONE7, UB_BUTTON_FAMILY_HOME, UB_BUTTON_FAMILY_IPAD_NO_HOME,
};

static UbRescue *
rescue_of (UbPhonePage *self)
{
  return ub_page_get_rescue (UB_PAGE (self));
}

/* ---- connected devices ---- */

static void
on_device_chosen (UbPhonePage *self,
                  UbDeviceRow *row)
{
  UbDevice *device = ub_device_row_get_device (row);

  ub_rescue_set_device (rescue_of (self), device);
  if (ub_device_get_model (device) != NULL)
    {
      self->model_chosen_by_hand = FALSE;
      ub_rescue_set_model (rescue_of (self), ub_device_get_model (device));
    }
}

static GtkWidget *
create_device_row (gpointer item,
                   gpointer user_data)
{
  GtkWidget *row = ub_device_row_new (item);

  g_signal_connect_object (row, "choose", G_CALLBACK (on_device_chosen), user_data, G_CONNECT_SWAPPED);
  return row;
}

static void
update_device_rows (UbPhonePage *self)
{
  UbDevice *chosen = ub_rescue_get_device (rescue_of (self));
  gboolean several = gtk_widget_get_first_child (GTK_WIDGET (self->device_list)) !=
                     gtk_widget_get_last_child (GTK_WIDGET (self->device_list));
  gboolean denied = FALSE;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->device_list));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      UbDevice *device;

      if (!UB_IS_DEVICE_ROW (child))
        continue;
      device = ub_device_row_get_device (UB_DEVICE_ROW (child));
      ub_device_row_set_chosen (UB_DEVICE_ROW (child),
                                chosen && g_str_equal (ub_device_get_id (chosen), ub_device_get_id (device)),
                                several);
      denied |= g_error_matches (ub_device_get_error (device), UB_ERROR, UB_ERROR_PERMISSION_DENIED);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->permission_group), denied);
}

/* One phone, identified, and nothing chosen yet: take it. */
static void
auto_choose (UbPhonePage *self)
{
  UbDeviceMonitor *monitor = ub_rescue_get_device_monitor (rescue_of (self));
  GListModel *devices;
  g_autoptr(UbDevice) only = NULL;

  if (monitor == NULL)
    return;
  devices = ub_device_monitor_get_devices (monitor);
  if (g_list_model_get_n_items (devices) != 1)
    return;
  only = g_list_model_get_item (devices, 0);
  if (ub_rescue_get_device (rescue_of (self)) == NULL && ub_device_get_model (only) != NULL &&
      !self->model_chosen_by_hand)
    {
      g_debug ("Choosing the only connected phone, %s", ub_device_get_id (only));
      ub_rescue_set_device (rescue_of (self), only);
      ub_rescue_set_model (rescue_of (self), ub_device_get_model (only));
    }
}

static void
on_devices_changed (UbPhonePage *self)
{
  auto_choose (self);
  update_device_rows (self);
}

/* ---- model list ---- */

static int
family_rank (UbButtonFamily family)
{
  for (guint i = 0; i < G_N_ELEMENTS (family_order); i++)
    if (family_order[i] == family)
      return (int)i;
  return G_N_ELEMENTS (family_order);
}

static UbModel *
row_model (GtkListBoxRow *row)
{
  return g_object_get_data (G_OBJECT (row), "ub-model");
}

static int
sort_rows (GtkListBoxRow *a,
           GtkListBoxRow *b,
           gpointer       user_data)
{
  UbModel *ma = row_model (a), *mb = row_model (b);
  int fa = family_rank (ub_model_get_family (ma)), fb = family_rank (ub_model_get_family (mb));

  if (fa != fb)
    return fa - fb;
  if (ub_model_get_kind (ma) != ub_model_get_kind (mb))
    return (int)ub_model_get_kind (ma) - (int)ub_model_get_kind (mb);
  if (ub_model_get_year (ma) != ub_model_get_year (mb))
    return (int)ub_model_get_year (mb) - (int)ub_model_get_year (ma);
  return g_utf8_collate (ub_model_get_name (ma), ub_model_get_name (mb));
}

static void
header_func (GtkListBoxRow *row,
             GtkListBoxRow *before,
             gpointer       user_data)
{
  UbButtonFamily family = ub_model_get_family (row_model (row));
  GtkWidget *header;

  if (before != NULL && ub_model_get_family (row_model (before)) == family)
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }
  header = gtk_label_new (ub_button_family_get_label (family));
  gtk_label_set_xalign (GTK_LABEL (header), 0);
  gtk_widget_add_css_class (header, "heading");
  gtk_widget_add_css_class (header, "ub-list-header");
  gtk_list_box_row_set_header (row, header);
}

static gboolean
matches (UbModel    *model,
         const char *needle)
{
  g_autofree char *name = g_utf8_casefold (ub_model_get_name (model), -1);
  g_autofree char *product = g_utf8_casefold (ub_model_get_product_type (model), -1);

  return strstr (name, needle) || strstr (product, needle) || strstr (ub_model_get_board (model), needle);
}

static gboolean
filter_func (GtkListBoxRow *row,
             gpointer       user_data)
{
  UbPhonePage *self = user_data;

  return self->search_folded == NULL || *self->search_folded == '\0' ||
         matches (row_model (row), self->search_folded);
}

static GtkWidget *
create_model_row (UbModel *model)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_image_new_from_icon_name ("object-select-symbolic");
  g_autofree char *subtitle = g_strdup_printf ("%s · %s · %u", ub_model_get_product_type (model),
                                               ub_model_get_board (model), ub_model_get_year (model));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), ub_model_get_name (model));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_widget_set_visible (check, FALSE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), check);
  g_object_set_data_full (G_OBJECT (row), "ub-model", g_object_ref (model), g_object_unref);
  g_object_set_data (G_OBJECT (row), "ub-check", check);
  return row;
}

static void
fill_models (UbPhonePage *self)
{
  UbModelDb *db = ub_rescue_get_model_db (rescue_of (self));

  if (self->models_filled)
    return;
  self->models_filled = TRUE;
  for (guint i = 0; i < ub_model_db_get_n_models (db); i++)
    {
      g_autoptr(UbModel) model = g_list_model_get_item (G_LIST_MODEL (db), i);
      gtk_list_box_append (self->model_list, create_model_row (model));
    }
}

static void
update_selection (UbPhonePage *self)
{
  UbModel *chosen = ub_rescue_get_model (rescue_of (self));
  g_autofree char *label = NULL;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->model_list));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *check = g_object_get_data (G_OBJECT (child), "ub-check");

      if (check != NULL)
        gtk_widget_set_visible (check, row_model (GTK_LIST_BOX_ROW (child)) == chosen);
    }

  if (chosen != NULL)
    /* TRANSLATORS: %s is a model name such as "iPhone 12" */
    label = g_strdup_printf (_("Chosen: %s"), ub_model_get_name (chosen));
  gtk_label_set_label (self->selected_label,
                       label ? label : _("Connect the phone, or choose its model in the list."));
  ub_page_set_complete (UB_PAGE (self), chosen != NULL);
  update_device_rows (self);
}

static void
on_model_activated (UbPhonePage   *self,
                    GtkListBoxRow *row)
{
  UbModel *model = row_model (row);
  UbDevice *device = ub_rescue_get_device (rescue_of (self));

  self->model_chosen_by_hand = TRUE;
  /* A connected phone of another model is not the one being rescued */
  if (device != NULL && ub_device_get_model (device) != NULL && ub_device_get_model (device) != model)
    ub_rescue_set_device (rescue_of (self), NULL);
  ub_rescue_set_model (rescue_of (self), model);
}

static void
on_search_changed (UbPhonePage *self)
{
  g_free (self->search_folded);
  self->search_folded = g_utf8_casefold (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)), -1);
  g_strstrip (self->search_folded);
  gtk_list_box_invalidate_filter (self->model_list);
}

/* ---- USB permissions ---- */

static void
ub_phone_page_shown (UbPage *page)
{
  UbPhonePage *self = UB_PHONE_PAGE (page);

  fill_models (self);
  update_selection (self);
  on_devices_changed (self);
}

static void
ub_phone_page_constructed (GObject *object)
{
  UbPhonePage *self = UB_PHONE_PAGE (object);
  UbRescue *rescue;
  UbDeviceMonitor *monitor;
  g_autofree char *command = ub_dup_udev_command ();

  G_OBJECT_CLASS (ub_phone_page_parent_class)->constructed (object);

  rescue = rescue_of (self);
  monitor = ub_rescue_get_device_monitor (rescue);
  if (monitor != NULL)
    {
      GListModel *devices = ub_device_monitor_get_devices (monitor);

      gtk_list_box_bind_model (self->device_list, devices, create_device_row, self, NULL);
      g_signal_connect_object (devices, "items-changed", G_CALLBACK (on_devices_changed), self,
                               G_CONNECT_SWAPPED | G_CONNECT_AFTER);
    }
  g_signal_connect_object (rescue, "notify::model", G_CALLBACK (update_selection), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (rescue, "notify::device", G_CALLBACK (update_device_rows), self, G_CONNECT_SWAPPED);
  gtk_label_set_label (self->permission_command, command);
  update_selection (self);
}

static void
ub_phone_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), UB_TYPE_PHONE_PAGE);
  G_OBJECT_CLASS (ub_phone_page_parent_class)->dispose (object);
}

static void
ub_phone_page_finalize (GObject *object)
{
  g_clear_pointer (&UB_PHONE_PAGE (object)->search_folded, g_free);
  G_OBJECT_CLASS (ub_phone_page_parent_class)->finalize (object);
}

static void
ub_phone_page_class_init (UbPhonePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  UbPageClass *page_class = UB_PAGE_CLASS (klass);

  object_class->constructed = ub_phone_page_constructed;
  object_class->dispose = ub_phone_page_dispose;
  object_class->finalize = ub_phone_page_finalize;
  page_class->shown = ub_phone_page_shown;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/ub-phone-page.ui");
  gtk_widget_class_bind_template_child (widget_class, UbPhonePage, device_list);
  gtk_widget_class_bind_template_child (widget_class, UbPhonePage, model_list);
  gtk_widget_class_bind_template_child (widget_class, UbPhonePage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, UbPhonePage, selected_label);
  gtk_widget_class_bind_template_child (widget_class, UbPhonePage, permission_group);
  gtk_widget_class_bind_template_child (widget_class, UbPhonePage, permission_command);
  gtk_widget_class_bind_template_callback (widget_class, on_model_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
}

static void
ub_phone_page_init (UbPhonePage *self)
{
  GtkWidget *placeholder;

  gtk_widget_init_template (GTK_WIDGET (self));
  /* TRANSLATORS: page title */
  ub_page_set_title (UB_PAGE (self), _("Your Phone"));

  placeholder = gtk_label_new (_("No phone is connected. Connect it with a cable, or choose its model below."));
  gtk_label_set_wrap (GTK_LABEL (placeholder), TRUE);
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 18);
  gtk_widget_set_margin_bottom (placeholder, 18);
  gtk_widget_set_margin_start (placeholder, 12);
  gtk_widget_set_margin_end (placeholder, 12);
  gtk_list_box_set_placeholder (self->device_list, placeholder);

  gtk_list_box_set_sort_func (self->model_list, sort_rows, NULL, NULL);
  gtk_list_box_set_header_func (self->model_list, header_func, NULL, NULL);
  gtk_list_box_set_filter_func (self->model_list, filter_func, self, NULL);
}

UbPage *
ub_phone_page_new (UbRescue *rescue)
{
  return g_object_new (UB_TYPE_PHONE_PAGE, "rescue", rescue, NULL);
}
