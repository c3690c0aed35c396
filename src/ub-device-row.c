/* ub-device-row.c — a connected device in a list, with its raw details
 *
 * The header says what an owner needs (which phone, which mode); expanding
 * it shows what support staff need (ECID, chip and board IDs, USB product ID,
 * port, boot ROM tag), selectable for copying into a ticket.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-device-row"

#include "config.h"

#include <glib/gi18n.h>

#include "ub-device-row.h"

struct _UbDeviceRow
{
  AdwExpanderRow  parent_instance;

  UbDevice       *device;

  GtkImage       *status_icon;
  GtkImage       *chosen_icon;
  GtkWidget      *choose_button;
  GtkLabel       *mode_value;
  GtkLabel       *ecid_value;
  GtkLabel       *chip_value;
  GtkLabel       *usb_value;
  GtkLabel       *boot_value;
  GtkLabel       *ios_value;
  GtkWidget      *chip_row;
  GtkWidget      *boot_row;
  GtkWidget      *ios_row;
  GtkWidget      *error_row;
  GtkLabel       *error_value;
};

G_DEFINE_FINAL_TYPE (UbDeviceRow, ub_device_row, ADW_TYPE_EXPANDER_ROW)

enum {
  CHOOSE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
on_choose_clicked (UbDeviceRow *self)
{
  g_signal_emit (self, signals[CHOOSE], 0);
}

/**
 * ub_device_dup_title:
 *
 * Returns: (transfer full): "iPhone X (GSM)", or "Unknown Apple device
 *   (CPID 0x8012, BDID 0x3b)" with the raw values when the table lacks it
 */
char *
ub_device_dup_title (UbDevice *device)
{
  UbModel *model = ub_device_get_model (device);
  const UbIbootInfo *info = ub_device_get_iboot_info (device);

  if (model != NULL)
    return g_strdup (ub_model_get_name (model));
  if (ub_device_get_product_type (device) != NULL)
    return g_strdup (ub_device_get_product_type (device));
  if (info != NULL)
    /* TRANSLATORS: a device whose chip and board IDs Unbrick does not know */
    return g_strdup_printf (_("Unknown Apple device (CPID 0x%04X, BDID 0x%02X)"), info->cpid, info->bdid);
  return g_strdup (_("Apple device"));
}

/**
 * ub_device_dup_summary:
 *
 * Returns: (transfer full): "DFU mode" or "Running iOS 16.5", plus a short
 *   problem when the device could not be read
 */
char *
ub_device_dup_summary (UbDevice *device)
{
  const char *mode = ub_device_mode_get_label (ub_device_get_mode (device));
  const GError *error = ub_device_get_error (device);
  const char *version = ub_device_get_product_version (device);

  if (error != NULL && g_error_matches (error, UB_ERROR, UB_ERROR_PERMISSION_DENIED))
    /* TRANSLATORS: %s is a mode such as "DFU mode" */
    return g_strdup_printf (_("%s — this computer does not let Unbrick talk to it yet"), mode);
  if (ub_device_get_mode (device) == UB_DEVICE_MODE_NORMAL && version != NULL)
    /* TRANSLATORS: %s is an iOS version such as 17.5 */
    return g_strdup_printf (_("Running iOS %s"), version);
  return g_strdup (mode);
}

/**
 * ub_dup_udev_command:
 *
 * Returns: (transfer full): the command that installs Unbrick's udev rule,
 *   pointing at the installed copy (or the source tree's, when run uninstalled)
 */
char *
ub_dup_udev_command (void)
{
  g_autofree char *installed = g_build_filename (PKGDATADIR, "udev", "70-unbrick.rules", NULL);
  g_autofree char *source = g_build_filename (SOURCE_DATADIR, "70-unbrick.rules", NULL);
  const char *rule = g_file_test (installed, G_FILE_TEST_EXISTS) ? installed : source;
  g_autofree char *quoted = g_shell_quote (rule);

  return g_strdup_printf ("sudo install -m 644 %s /etc/udev/rules.d/70-unbrick.rules && "
                          "sudo udevadm control --reload-rules && sudo udevadm trigger", quoted);
}

static void
set_value (GtkLabel   *label,
           GtkWidget  *row,
           const char *value)
{
  gtk_label_set_label (label, value ? value : "");
  if (row != NULL)
    gtk_widget_set_visible (row, value != NULL && *value != '\0');
}

static void
fill_chip (UbDeviceRow *self)
{
  const UbIbootInfo *info = ub_device_get_iboot_info (self->device);
  UbModel *model = ub_device_get_model (self->device);
  g_autofree char *chip = NULL;

  if (info != NULL)
    chip = g_strdup_printf ("CPID 0x%04X · BDID 0x%02X%s%s", info->cpid, info->bdid,
                            model ? " · " : "", model ? ub_model_get_board (model) : "");
  else if (model != NULL)
    chip = g_strdup_printf ("%s · %s", ub_model_get_product_type (model), ub_model_get_board (model));
  set_value (self->chip_value, self->chip_row, chip);
  set_value (self->boot_value, self->boot_row, info ? info->srtg : NULL);
}

static void
fill (UbDeviceRow *self)
{
  g_autofree char *title = ub_device_dup_title (self->device);
  g_autofree char *summary = ub_device_dup_summary (self->device);
  g_autofree char *ecid = ub_device_dup_ecid_string (self->device);
  g_autofree char *usb = NULL;
  g_autofree char *ios = NULL;
  const GError *error = ub_device_get_error (self->device);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), title);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self), summary);
  gtk_image_set_from_icon_name (self->status_icon, error ? "dialog-warning-symbolic" : "phone-symbolic");

  if (ub_device_get_source (self->device) == UB_DEVICE_SOURCE_USB)
    usb = g_strdup_printf ("05ac:%04x · %s", ub_device_get_product_id (self->device),
                           ub_device_get_port_path (self->device));
  else
    usb = g_strdup_printf ("usbmuxd · %s", ub_device_get_udid (self->device));
  if (ub_device_get_product_version (self->device) != NULL)
    ios = g_strdup_printf ("%s (%s)", ub_device_get_product_version (self->device),
                           ub_device_get_build_version (self->device));

  set_value (self->mode_value, NULL, ub_device_mode_get_label (ub_device_get_mode (self->device)));
  /* TRANSLATORS: shown when the phone's unique chip ID could not be read */
  set_value (self->ecid_value, NULL, ecid ? ecid : _("unknown"));
  set_value (self->usb_value, NULL, usb);
  set_value (self->ios_value, self->ios_row, ios);
  set_value (self->error_value, self->error_row, error ? error->message : NULL);
  fill_chip (self);
}

static void
ub_device_row_dispose (GObject *object)
{
  UbDeviceRow *self = (UbDeviceRow *)object;

  g_clear_object (&self->device);
  gtk_widget_dispose_template (GTK_WIDGET (self), UB_TYPE_DEVICE_ROW);

  G_OBJECT_CLASS (ub_device_row_parent_class)->dispose (object);
}

static void
ub_device_row_class_init (UbDeviceRowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = ub_device_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/ub-device-row.ui");
  gtk_widget_class_bind_template_child (widget_class, UbDeviceRow, status_icon);
  gtk_widget_class_bind_template_child (widget_class, UbDeviceRow, chosen_icon);
  gtk_widget_class_bind_template_child (widget_class, UbDeviceRow, choose_button);
  gtk_widget_class_bind_template_callback (widget_class, on_choose_clicked);

  /**
   * UbDeviceRow::choose:
   *
   * The person picked this device as the phone to rescue.
   */
  signals[CHOOSE] =
    g_signal_new ("choose", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  gtk_widget_class_bind_template_child (widget_class, UbDeviceRow, mode_value);
  gtk_widget_class_bind_template_child (widget_class, UbDeviceRow, ecid_value);
  gtk_widget_class_bind_template_child (widget_class, UbDeviceRow, chip_value);
  gtk_widget_class_bind_template_child (widget_class, UbDeviceRow, usb_value);
  gtk_widget_class_bind_template_child (widget_class, UbDeviceRow, boot_value);
  gtk_widget_class_bind_template_child (widget_class, UbDeviceRow, ios_value);
  gtk_widget_class_bind_template_child (widget_class, UbDeviceRow, chip_row);
  gtk_widget_class_bind_template_child (widget_class, UbDeviceRow, boot_row);
  gtk_widget_class_bind_template_child (widget_class, UbDeviceRow, ios_row);
  gtk_widget_class_bind_template_child (widget_class, UbDeviceRow, error_row);
  gtk_widget_class_bind_template_child (widget_class, UbDeviceRow, error_value);
}

static void
ub_device_row_init (UbDeviceRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
ub_device_row_new (UbDevice *device)
{
  UbDeviceRow *self;

  g_return_val_if_fail (UB_IS_DEVICE (device), NULL);

  self = g_object_new (UB_TYPE_DEVICE_ROW, NULL);
  self->device = g_object_ref (device);
  fill (self);
  return GTK_WIDGET (self);
}

UbDevice *
ub_device_row_get_device (UbDeviceRow *self)
{
  g_return_val_if_fail (UB_IS_DEVICE_ROW (self), NULL);
  return self->device;
}

/**
 * ub_device_row_set_chosen:
 *
 * @offer_choice: show a Choose button when not chosen (several phones are connected)
 *
 * Marks the row of the phone being rescued (a check mark, and words for
 * screen readers).
 */
void
ub_device_row_set_chosen (UbDeviceRow *self,
                          gboolean     chosen,
                          gboolean     offer_choice)
{
  g_return_if_fail (UB_IS_DEVICE_ROW (self));

  gtk_widget_set_visible (GTK_WIDGET (self->chosen_icon), chosen);
  gtk_widget_set_visible (self->choose_button, !chosen && offer_choice);
}
