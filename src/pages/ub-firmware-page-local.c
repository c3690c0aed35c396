/* ub-firmware-page-local.c — the firmware page's "use a file on this computer"
 *
 * The person picks an .ipsw; ub_firmware_check_file_async() reads its
 * manifest (is it for this phone?), looks its build up in the catalog
 * (does Apple still sign it?) and compares its checksum with the catalog's
 * when the catalog knows it. The file is never copied or changed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-firmware-page"

#include "config.h"

#include <glib/gi18n.h>

#include "ub-firmware-page-private.h"
#include "ub-transfer-text.h"

static void
on_check_progress (guint64  done,
                   guint64  total,
                   gpointer user_data)
{
  UbFirmwarePage *self = user_data;

  self->check_done = done;
  self->check_total = total;
  _ub_firmware_page_update_local (self);
}

static void
on_check_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(UbFirmwarePage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(UbFirmware) firmware = NULL;
  g_autofree char *path = NULL;
  UbFirmwareOrigin origin;

  origin = ub_firmware_check_file_finish (result, &path, &firmware, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->check_cancellable);
  if (origin == UB_FIRMWARE_ORIGIN_NONE)
    {
      g_debug ("Local firmware refused: %s", error->message);
      self->check_error = g_steal_pointer (&error);
      _ub_firmware_page_update (self);
      return;
    }
  _ub_firmware_page_set_file (self, origin, path, firmware);
}

/**
 * ub_firmware_page_check_file:
 * @file: an .ipsw the person chose
 *
 * Checks @file for the rescue's model and, if it passes, makes it the
 * firmware. (The file chooser calls this; tests call it directly.)
 */
void
ub_firmware_page_check_file (UbFirmwarePage *self,
                             GFile          *file)
{
  UbModel *model = ub_rescue_get_model (ub_page_get_rescue (UB_PAGE (self)));
  g_autofree char *path = g_file_get_path (file);

  g_return_if_fail (UB_IS_FIRMWARE_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  g_cancellable_cancel (self->check_cancellable);
  g_clear_object (&self->check_cancellable);
  g_clear_error (&self->check_error);
  g_free (self->check_name);
  self->check_name = g_file_get_basename (file);
  self->check_done = self->check_total = 0;
  if (self->file_origin == UB_FIRMWARE_ORIGIN_LOCAL_MATCHED ||
      self->file_origin == UB_FIRMWARE_ORIGIN_LOCAL_UNLISTED)
    _ub_firmware_page_set_file (self, UB_FIRMWARE_ORIGIN_NONE, NULL, NULL);
  if (path == NULL || model == NULL)
    {
      g_set_error (&self->check_error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("Unbrick can only use a file stored on this computer. Copy it here first."));
      _ub_firmware_page_update (self);
      return;
    }
  g_debug ("Checking local firmware %s", path);
  self->check_cancellable = g_cancellable_new ();
  ub_firmware_check_file_async (path, model, self->list,
                                on_check_progress, self, self->check_cancellable,
                                on_check_done, g_object_ref (self));
  _ub_firmware_page_update (self);
}

static void
on_chooser_response (GtkNativeDialog *chooser,
                     int              response,
                     UbFirmwarePage  *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        ub_firmware_page_check_file (self, file);
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

void
_ub_firmware_page_choose_file (UbFirmwarePage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autoptr(GFile) downloads = NULL;
  const char *downloads_path = g_get_user_special_dir (G_USER_DIRECTORY_DOWNLOAD);
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Choose a Firmware File"),
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Use This File"), _("_Cancel"));
  /* TRANSLATORS: a file type in the file chooser */
  gtk_file_filter_set_name (filter, _("iPhone firmware (.ipsw)"));
  gtk_file_filter_add_suffix (filter, "ipsw");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  if (downloads_path != NULL && g_file_test (downloads_path, G_FILE_TEST_IS_DIR))
    {
      downloads = g_file_new_for_path (downloads_path);
      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), downloads, NULL);
    }
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static char *
local_subtitle (UbFirmwarePage *self)
{
  g_autofree char *name = NULL;

  if (self->check_cancellable != NULL && self->check_total == 0)
    return g_strdup (_("Checking…"));
  if (self->check_cancellable != NULL)
    {
      g_autofree char *progress = ub_transfer_text_dup (self->check_done, self->check_total, 0, -1);

      /* TRANSLATORS: %s is the progress, e.g. "1.2 GB of 5.8 GB" */
      return g_strdup_printf (_("Checking… %s"), progress);
    }
  if (self->check_error != NULL)
    return g_strdup (self->check_error->message);
  /* TRANSLATORS: %s are a version and a build, e.g. "iOS 16.7.12 (20H364)" */
  name = g_strdup_printf (_("iOS %s (%s)"), ub_firmware_get_version (self->file_firmware),
                          ub_firmware_get_build (self->file_firmware));
  if (self->file_origin == UB_FIRMWARE_ORIGIN_LOCAL_MATCHED)
    /* TRANSLATORS: %s is e.g. "iOS 16.7.12 (20H364)" */
    return g_strdup_printf (_("%s · fits this phone · its checksum matches the catalog’s"), name);
  /* TRANSLATORS: %s is e.g. "iOS 16.7.12 (20H364)" */
  return g_strdup_printf (_("%s · fits this phone · no catalog lists its checksum, so only its contents "
                            "were checked"), name);
}

/* The row under "Use a file": what became of the chosen file */
void
_ub_firmware_page_update_local (UbFirmwarePage *self)
{
  gboolean checking = self->check_cancellable != NULL;
  gboolean good = self->file_origin == UB_FIRMWARE_ORIGIN_LOCAL_MATCHED ||
                  self->file_origin == UB_FIRMWARE_ORIGIN_LOCAL_UNLISTED;
  g_autofree char *subtitle = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->local_status_row), checking || self->check_error || good);
  gtk_widget_set_visible (GTK_WIDGET (self->local_spinner), checking);
  gtk_spinner_set_spinning (self->local_spinner, checking);
  if (!checking && self->check_error == NULL && !good)
    return;
  subtitle = local_subtitle (self);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->local_status_row),
                                 self->check_name ? self->check_name : "");
  adw_action_row_set_subtitle (self->local_status_row, subtitle);
  gtk_widget_set_visible (GTK_WIDGET (self->local_status_image), !checking);
  gtk_image_set_from_icon_name (self->local_status_image,
                                self->check_error ? "dialog-warning-symbolic" : "emblem-ok-symbolic");
  gtk_widget_remove_css_class (GTK_WIDGET (self->local_status_image), self->check_error ? "success" : "warning");
  gtk_widget_add_css_class (GTK_WIDGET (self->local_status_image), self->check_error ? "warning" : "success");
}
