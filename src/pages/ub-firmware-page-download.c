/* ub-firmware-page-download.c — the firmware page's download of the latest signed image
 *
 * The image goes to the shared firmware cache through a .part file that a
 * pause, a dropped connection or a restart of the program resumes; it is
 * verified against the catalog's checksums while it arrives. A file left by
 * an earlier download is checked again and used without asking; a part is
 * resumed only when the person asks (a download of several gigabytes is
 * never started behind their back).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-firmware-page"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "ub-firmware-page-private.h"
#include "ub-transfer-text.h"

static UbFirmware *
get_latest (UbFirmwarePage *self)
{
  return self->list ? ub_firmware_list_get_recommended (self->list) : NULL;
}

gboolean
_ub_firmware_page_downloading (UbFirmwarePage *self)
{
  return self->download_cancellable != NULL;
}

/* How much of the image an earlier download left: the whole file (0 if none)
 * and the part */
static void
find_earlier (UbFirmwarePage *self,
              UbFirmware     *firmware,
              gboolean       *whole,
              guint64        *part_size)
{
  g_autofree char *name = ub_firmware_dup_file_name (firmware);
  g_autofree char *path = g_build_filename (self->download_dir, name, NULL);
  g_autofree char *part = g_strconcat (path, ".part", NULL);
  GStatBuf st;

  *whole = g_file_test (path, G_FILE_TEST_IS_REGULAR);
  *part_size = g_stat (part, &st) == 0 ? (guint64)st.st_size : 0;
}

static void
on_download_done (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(UbFirmwarePage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = ub_download_run_finish (UB_DOWNLOAD (source), result, &error);

  if (UB_DOWNLOAD (source) != self->download)
    return;                                   /* replaced: the model changed */
  g_clear_object (&self->download_cancellable);
  if (path != NULL)
    {
      g_debug ("Firmware downloaded and verified: %s", path);
      _ub_firmware_page_set_file (self, UB_FIRMWARE_ORIGIN_DOWNLOADED, path, get_latest (self));
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Firmware download paused");
  else
    {
      g_debug ("Firmware download failed: %s", error->message);
      self->download_error = g_steal_pointer (&error);
    }
  _ub_firmware_page_update (self);
}

/**
 * _ub_firmware_page_start_download:
 * @user_asked: the person pressed Download (or Resume, or Try Again); without
 *   it, only a file an earlier download finished is checked and used
 */
void
_ub_firmware_page_start_download (UbFirmwarePage *self,
                                  gboolean        user_asked)
{
  UbFirmware *latest = get_latest (self);
  g_autofree char *name = NULL;
  gboolean whole;
  guint64 part_size;

  if (latest == NULL || _ub_firmware_page_downloading (self) ||
      self->file_origin == UB_FIRMWARE_ORIGIN_DOWNLOADED)
    return;
  find_earlier (self, latest, &whole, &part_size);
  if (!user_asked && !whole)
    {
      g_debug ("Not downloading %s yet (%" G_GUINT64_FORMAT " bytes kept from before)",
               ub_firmware_get_build (latest), part_size);
      _ub_firmware_page_update (self);
      return;
    }
  name = ub_firmware_dup_file_name (latest);
  g_clear_error (&self->download_error);
  if (self->download == NULL)
    {
      self->download = ub_download_new (ub_firmware_get_url (latest), self->download_dir, name);
      ub_download_set_expected (self->download, ub_firmware_get_size (latest),
                                ub_firmware_get_sha256 (latest), ub_firmware_get_sha1 (latest));
      g_signal_connect_object (self->download, "notify", G_CALLBACK (_ub_firmware_page_update_download),
                               self, G_CONNECT_SWAPPED);
    }
  g_debug ("Downloading %s to %s", ub_firmware_get_url (latest), self->download_dir);
  self->download_cancellable = g_cancellable_new ();
  ub_download_run_async (self->download, self->download_cancellable, on_download_done, g_object_ref (self));
  _ub_firmware_page_update (self);
}

/* Asks the download to stop; it has stopped when on_download_done() runs */
void
_ub_firmware_page_stop_download (UbFirmwarePage *self)
{
  if (self->download_cancellable == NULL || g_cancellable_is_cancelled (self->download_cancellable))
    return;
  g_debug ("Pausing the firmware download");
  g_cancellable_cancel (self->download_cancellable);
  _ub_firmware_page_update (self);
}

static char *
progress_title (UbFirmwarePage  *self,
                UbDownloadState  state)
{
  UbFirmware *latest = get_latest (self);

  switch (state)
    {
    case UB_DOWNLOAD_STATE_CHECKING:
      return g_strdup (_("Checking what was downloaded before…"));
    case UB_DOWNLOAD_STATE_VERIFYING:
      return g_strdup (_("Checking the download…"));
    case UB_DOWNLOAD_STATE_IDLE:
    case UB_DOWNLOAD_STATE_DOWNLOADING:
    case UB_DOWNLOAD_STATE_DONE:
    case UB_DOWNLOAD_STATE_FAILED:
    default:
      /* TRANSLATORS: %s is a version, e.g. "16.7.12" */
      return g_strdup_printf (_("Downloading iOS %s…"), latest ? ub_firmware_get_version (latest) : "");
    }
}

static void
update_progress (UbFirmwarePage *self)
{
  UbDownloadState state = ub_download_get_state (self->download);
  guint64 received = ub_download_get_received (self->download);
  guint64 total = ub_download_get_total (self->download);
  g_autofree char *title = progress_title (self, state);
  g_autofree char *detail = NULL;

  if (state == UB_DOWNLOAD_STATE_DOWNLOADING)
    detail = ub_transfer_text_dup (received, total, ub_download_get_speed (self->download),
                                   ub_download_get_eta (self->download));
  gtk_label_set_label (self->progress_label, title);
  gtk_label_set_label (self->progress_detail_label, detail ? detail : "");
  gtk_widget_set_visible (GTK_WIDGET (self->progress_detail_label), detail != NULL);
  if (total > 0)
    gtk_progress_bar_set_fraction (self->progress_bar, MIN (1.0, (double)received / (double)total));
  else
    gtk_progress_bar_pulse (self->progress_bar);
}

static void
update_download_button (UbFirmwarePage *self,
                        UbFirmware     *latest,
                        gboolean        ready)
{
  gboolean whole = FALSE;
  guint64 part_size = 0;

  /* (not while downloading: the part grows, and the button is hidden) */
  if (latest != NULL && !_ub_firmware_page_downloading (self))
    find_earlier (self, latest, &whole, &part_size);
  /* (after an error, Try Again is the one button) */
  gtk_widget_set_visible (GTK_WIDGET (self->download_button),
                          latest != NULL && !ready && !_ub_firmware_page_downloading (self) &&
                          self->download_error == NULL);
  gtk_button_set_label (self->download_button, part_size > 0 ? _("_Resume") : _("_Download"));
  if (part_size > 0 && latest != NULL && !ready)
    {
      g_autofree char *progress = ub_transfer_text_dup (part_size, ub_firmware_get_size (latest), 0, -1);
      g_autofree char *subtitle = NULL;

      /* TRANSLATORS: %s is the progress, e.g. "2.1 GB of 5.8 GB" */
      subtitle = g_strdup_printf (_("Paused: %s downloaded"), progress);
      adw_action_row_set_subtitle (self->latest_row, subtitle);
    }
}

/* The latest row's button and tick, and the progress row */
void
_ub_firmware_page_update_download (UbFirmwarePage *self)
{
  UbFirmware *latest = get_latest (self);
  gboolean running = _ub_firmware_page_downloading (self);
  gboolean ready = latest != NULL && self->file_origin == UB_FIRMWARE_ORIGIN_DOWNLOADED;

  update_download_button (self, latest, ready);
  gtk_widget_set_visible (self->ready_image, ready);
  gtk_widget_set_visible (self->progress_row, running && self->download != NULL);
  gtk_widget_set_sensitive (self->stop_button, running && !g_cancellable_is_cancelled (self->download_cancellable));
  if (running && self->download != NULL)
    update_progress (self);
  if (ready)
    {
      g_autofree char *size = g_format_size (ub_firmware_get_size (latest));
      g_autofree char *subtitle = NULL;

      /* TRANSLATORS: %s is a size, e.g. "5.8 GB" */
      subtitle = g_strdup_printf (_("Downloaded and checked · %s"), size);
      adw_action_row_set_subtitle (self->latest_row, subtitle);
    }
}
