/* ub-safety-page-backup.c — "Before you start": backups
 *
 * The backups of this phone found on this computer (the usual folders and
 * the ones the person added), the newest first and in plain words; and, while
 * the phone still runs iOS, making one (ub-backup-job.c) with progress and
 * cancel. In recovery or DFU mode a backup is no longer possible: the page
 * says so and what it means. The page cannot be left while a backup runs:
 * the next pages restart the phone.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-safety-page"

#include "config.h"

#include <glib/gi18n.h>

#include "ub-safety-page-private.h"

static const char *
scan_key (UbDevice *device)
{
  if (device != NULL && ub_device_get_mode (device) == UB_DEVICE_MODE_NORMAL)
    return ub_device_get_udid (device);
  return NULL;   /* not running iOS, or no phone: every backup on this computer */
}

static void
clear_rows (UbSafetyPage *self)
{
  for (guint i = 0; i < self->backup_rows->len; i++)
    adw_expander_row_remove (self->backup_list_row, g_ptr_array_index (self->backup_rows, i));
  g_ptr_array_set_size (self->backup_rows, 0);
}

static GtkWidget *
backup_row_new (const UbBackupInfo *info,
                gboolean            show_phone)
{
  g_autofree char *summary = ub_backup_info_dup_summary (info);
  g_autofree char *subtitle = NULL;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name (info->complete ? "emblem-ok-symbolic"
                                                                 : "dialog-warning-symbolic");

  if (show_phone && info->device_name != NULL)
    subtitle = g_strdup_printf ("%s — %s", info->device_name, info->path);
  else
    subtitle = g_strdup (info->path);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), summary);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 3);
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  info->complete ? _("Complete") : _("Incomplete"), -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  return row;
}

static void
on_scan_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(UbSafetyPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) backups = ub_backup_scan_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->scan_cancellable);
  self->scan_done = TRUE;
  g_clear_pointer (&self->backups, g_ptr_array_unref);
  if (backups == NULL)
    {
      g_warning ("Looking for backups failed: %s", error->message);
      backups = g_ptr_array_new ();
    }
  g_debug ("Found %u backups", backups->len);
  self->backups = g_steal_pointer (&backups);
  clear_rows (self);
  for (guint i = 0; i < self->backups->len; i++)
    {
      GtkWidget *row = backup_row_new (g_ptr_array_index (self->backups, i), self->scan_udid == NULL);

      adw_expander_row_add_row (self->backup_list_row, row);
      g_ptr_array_add (self->backup_rows, row);
    }
  _ub_safety_page_update (self);
}

/**
 * _ub_safety_page_backup_refresh:
 * @force: look again even if the list is for this phone already
 */
void
_ub_safety_page_backup_refresh (UbSafetyPage *self,
                                gboolean      force)
{
  const char *udid = scan_key (_ub_safety_page_get_device (self));

  if (!force && self->scan_done && g_strcmp0 (udid, self->scan_udid) == 0)
    return;
  if (self->scan_cancellable != NULL && g_strcmp0 (udid, self->scan_udid) == 0 && !force)
    return;
  g_cancellable_cancel (self->scan_cancellable);
  g_clear_object (&self->scan_cancellable);
  g_free (self->scan_udid);
  self->scan_udid = g_strdup (udid);
  self->scan_done = FALSE;
  self->scan_cancellable = g_cancellable_new ();
  g_debug ("Looking for backups of %s", udid ? udid : "any phone");
  ub_backup_scan_async (udid, NULL, self->scan_cancellable, on_scan_done, g_object_ref (self));
}

static void
update_note (UbSafetyPage *self,
             UbDevice     *device)
{
  const char *mode_note = device ? ub_backup_mode_note (ub_device_get_mode (device)) : NULL;
  const UbBackupInfo *newest = self->backups && self->backups->len ? g_ptr_array_index (self->backups, 0) : NULL;
  g_autofree char *title = NULL;

  if (!self->scan_done)
    title = g_strdup (_("Looking for backups on this computer…"));
  else if (newest != NULL)
    {
      g_autofree char *summary = ub_backup_info_dup_summary (newest);
      /* TRANSLATORS: %s describes a backup, e.g. "Backed up 3 days ago, 2.1 GB" */
      title = g_strdup_printf (self->scan_udid ? _("Newest backup of this iPhone: %s")
                                               : _("Newest backup on this computer: %s"), summary);
    }
  else
    {
      g_auto(GStrv) folders = ub_backup_dup_search_folders ();
      title = ub_backup_dup_none_found_text (self->scan_udid, (const char * const *)folders);
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->backup_note_row), title);
  adw_action_row_set_subtitle (self->backup_note_row, mode_note);
  gtk_image_set_from_icon_name (self->backup_note_icon,
                                newest && newest->complete ? "emblem-ok-symbolic"
                                : self->scan_done ? "dialog-warning-symbolic" : "content-loading-symbolic");
  gtk_spinner_set_spinning (self->scan_spinner, !self->scan_done);
  gtk_widget_set_visible (GTK_WIDGET (self->backup_list_row), self->backup_rows->len > 0);
}

static char *
backup_now_text (UbSafetyPage *self)
{
  g_autofree char *folder = NULL;

  if (self->backup_folder == NULL)
    self->backup_folder = ub_backup_dup_default_folder ();
  folder = g_filename_display_name (self->backup_folder);

  if (self->backup_message != NULL)
    return g_strdup (self->backup_message);
  if (self->paired != NULL && self->paired->has_data_used)
    {
      g_autofree char *size = g_format_size (self->paired->data_used);
      /* TRANSLATORS: the first %s is a folder, the second a size such as "35 GB" */
      return g_strdup_printf (_("Copies everything on the iPhone into %s. It needs up to %s of free space."),
                              folder, size);
    }
  /* TRANSLATORS: %s is a folder */
  return g_strdup_printf (_("Copies everything on the iPhone into %s."), folder);
}

/**
 * _ub_safety_page_backup_update:
 */
void
_ub_safety_page_backup_update (UbSafetyPage *self)
{
  UbDevice *device = _ub_safety_page_get_device (self);
  gboolean running = self->backup_cancellable != NULL;
  gboolean can_back_up = device != NULL && ub_device_get_mode (device) == UB_DEVICE_MODE_NORMAL &&
                         ub_device_get_udid (device) != NULL;
  g_autofree char *text = NULL;

  update_note (self, device);
  gtk_widget_set_visible (GTK_WIDGET (self->backup_now_row), can_back_up || running);
  gtk_widget_set_visible (self->backup_button, !running);
  gtk_widget_set_sensitive (self->backup_button, can_back_up && self->paired != NULL);
  gtk_widget_set_visible (self->backup_cancel_button, running);
  gtk_widget_set_sensitive (self->backup_folder_button, !running);
  gtk_widget_set_visible (GTK_WIDGET (self->backup_progress), running);
  if (running)
    {
      if (self->backup_fraction >= 0)
        gtk_progress_bar_set_fraction (self->backup_progress, self->backup_fraction);
      else
        gtk_progress_bar_pulse (self->backup_progress);
    }
  text = backup_now_text (self);
  adw_action_row_set_subtitle (self->backup_now_row, text);
}

static void
set_backup_message (UbSafetyPage *self,
                    const char   *message)
{
  g_free (self->backup_message);
  self->backup_message = g_strdup (message);
}

static void
on_backup_progress (double      fraction,
                    guint64     bytes_received,
                    const char *status,
                    gpointer    user_data)
{
  UbSafetyPage *self = user_data;
  g_autofree char *size = g_format_size (bytes_received);
  g_autofree char *text = NULL;

  self->backup_fraction = fraction;
  if (fraction >= 0)
    /* TRANSLATORS: %s is what the phone is doing, %d a percentage, the last %s a size */
    text = g_strdup_printf (_("%s — %d %%, %s copied"), status ? status : _("Backing up"),
                            (int)(fraction * 100), size);
  else
    text = g_strdup_printf (_("%s — %s copied"), status ? status : _("Backing up"), size);
  set_backup_message (self, text);
  _ub_safety_page_update (self);
}

static void
on_backup_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(UbSafetyPage) self = user_data;
  g_autoptr(GError) error = NULL;

  g_clear_object (&self->backup_cancellable);
  if (ub_backup_run_finish (result, &error))
    set_backup_message (self, _("The backup is complete."));
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    set_backup_message (self, _("The backup was cancelled. What was copied is kept and marked as incomplete."));
  else
    set_backup_message (self, error->message);
  g_debug ("Backup finished: %s", self->backup_message);
  _ub_safety_page_backup_refresh (self, TRUE);
  _ub_safety_page_update (self);
}

void
on_backup_clicked (UbSafetyPage *self)
{
  UbDevice *device = _ub_safety_page_get_device (self);
  g_autofree char *default_folder = ub_backup_dup_default_folder ();

  if (device == NULL || ub_device_get_udid (device) == NULL || self->backup_cancellable != NULL)
    return;
  /* A folder of the person's choice must be searched later too */
  if (g_strcmp0 (self->backup_folder, default_folder) != 0)
    ub_backup_add_user_folder (self->backup_folder, NULL);
  g_debug ("Backing up %s into %s", ub_device_get_udid (device), self->backup_folder);
  self->backup_cancellable = g_cancellable_new ();
  self->backup_fraction = -1;
  set_backup_message (self, _("Starting the backup… If the iPhone asks for its passcode, enter it."));
  ub_backup_run_async (ub_device_get_udid (device), self->backup_folder, self->backup_cancellable,
                       on_backup_progress, g_object_ref (self), g_object_unref,
                       on_backup_done, g_object_ref (self));
  _ub_safety_page_update (self);
}

void
on_backup_cancel_clicked (UbSafetyPage *self)
{
  g_debug ("Cancelling the backup");
  g_cancellable_cancel (self->backup_cancellable);
}

typedef void (*FolderChosen) (UbSafetyPage *self, const char *path);

static void
on_folder_response (GtkNativeDialog *dialog,
                    int              response,
                    UbSafetyPage    *self)
{
  FolderChosen chosen = g_object_get_data (G_OBJECT (dialog), "ub-chosen");
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog))) != NULL &&
      (path = g_file_get_path (file)) != NULL)
    chosen (self, path);
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
  g_object_unref (self);
}

static void
choose_folder (UbSafetyPage *self,
               const char   *title,
               const char   *accept,
               FolderChosen  chosen)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *dialog;

  dialog = gtk_file_chooser_native_new (title, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, accept, NULL);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_object_set_data (G_OBJECT (dialog), "ub-chosen", chosen);
  g_signal_connect (dialog, "response", G_CALLBACK (on_folder_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
add_search_folder (UbSafetyPage *self,
                   const char   *path)
{
  g_autoptr(GError) error = NULL;

  if (!ub_backup_add_user_folder (path, &error))
    g_warning ("Could not remember the folder %s: %s", path, error->message);
  _ub_safety_page_backup_refresh (self, TRUE);
  _ub_safety_page_update (self);
}

void
on_add_folder_clicked (UbSafetyPage *self)
{
  choose_folder (self, _("Look for Backups in a Folder"), _("_Add"), add_search_folder);
}

static void
set_backup_folder (UbSafetyPage *self,
                   const char   *path)
{
  g_free (self->backup_folder);
  self->backup_folder = g_strdup (path);
  set_backup_message (self, NULL);
  g_debug ("Backups go to %s", path);
  _ub_safety_page_update (self);
}

void
on_backup_folder_clicked (UbSafetyPage *self)
{
  choose_folder (self, _("Choose Where to Save the Backup"), _("_Select"), set_backup_folder);
}

void
_ub_safety_page_backup_dispose (UbSafetyPage *self)
{
  g_cancellable_cancel (self->scan_cancellable);
  g_clear_object (&self->scan_cancellable);
  g_cancellable_cancel (self->backup_cancellable);
  g_clear_object (&self->backup_cancellable);
  g_clear_pointer (&self->backup_rows, g_ptr_array_unref);
  g_clear_pointer (&self->backups, g_ptr_array_unref);
  g_clear_pointer (&self->scan_udid, g_free);
  g_clear_pointer (&self->backup_folder, g_free);
  g_clear_pointer (&self->backup_message, g_free);
}
