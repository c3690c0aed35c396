/* ub-firmware-page-private.h — shared between the firmware page's files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ub-firmware-page.h"

G_BEGIN_DECLS

struct _UbFirmwarePage
{
  UbPage             parent_instance;

  UbFirmwareCatalog *catalog;
  char              *download_dir;

  /* the catalog's list for the current model */
  UbFirmwareList    *list;
  char              *list_product_type;
  GCancellable      *lookup_cancellable;
  GError            *lookup_error;

  /* the latest signed image, downloading or downloaded */
  UbDownload        *download;
  GCancellable      *download_cancellable;
  GError            *download_error;

  /* a file from this computer, being checked or checked */
  GCancellable      *check_cancellable;
  GError            *check_error;
  char              *check_name;
  guint64            check_done;
  guint64            check_total;

  /* the last good file, whichever way it came */
  UbFirmwareOrigin   file_origin;
  char              *file_path;
  UbFirmware        *file_firmware;

  GtkLabel          *intro_label;
  AdwPreferencesGroup *latest_group;
  AdwActionRow      *latest_row;
  GtkSpinner        *lookup_spinner;
  GtkWidget         *ready_image;
  GtkButton         *download_button;
  GtkWidget         *progress_row;
  GtkLabel          *progress_label;
  GtkProgressBar    *progress_bar;
  GtkLabel          *progress_detail_label;
  GtkWidget         *stop_button;
  AdwActionRow      *error_row;
  GtkWidget         *retry_button;
  AdwActionRow      *local_row;
  AdwActionRow      *local_status_row;
  GtkImage          *local_status_image;
  GtkSpinner        *local_spinner;
  AdwActionRow      *skip_row;
  GtkSwitch         *skip_switch;
};

/* ub-firmware-page.c */
void        _ub_firmware_page_update          (UbFirmwarePage *self);
void        _ub_firmware_page_set_file        (UbFirmwarePage   *self,
                                               UbFirmwareOrigin  origin,
                                               const char       *path,
                                               UbFirmware       *firmware);

/* ub-firmware-page-download.c */
void        _ub_firmware_page_start_download  (UbFirmwarePage *self,
                                               gboolean        user_asked);
void        _ub_firmware_page_stop_download   (UbFirmwarePage *self);
gboolean    _ub_firmware_page_downloading     (UbFirmwarePage *self);
void        _ub_firmware_page_update_download (UbFirmwarePage *self);

/* ub-firmware-page-local.c */
void        _ub_firmware_page_choose_file     (UbFirmwarePage *self);
void        _ub_firmware_page_update_local    (UbFirmwarePage *self);

G_END_DECLS
