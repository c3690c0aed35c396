/* ub-firmware-page.c — "Firmware": the restore image, before any button is pressed
 *
 * A phone waiting in recovery mode gives up after about 15 minutes, so the
 * restore image is fetched and checked here, before the guide. The page
 * looks up the latest signed image for the chosen model (ipsw.me, checked
 * against Apple's list, cached), downloads and verifies it, or checks a file
 * the person already has; or the person says plainly that they only want the
 * phone in DFU or recovery mode now. The page is complete once one of these
 * is settled (UbFirmwareChoice:ready), and is not needed for a force restart.
 *
 * This file holds the catalog and the page's state; downloading is in
 * ub-firmware-page-download.c, a local file in ub-firmware-page-local.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-firmware-page"

#include "config.h"

#include <glib/gi18n.h>

#include "ub-firmware-page-private.h"

G_DEFINE_FINAL_TYPE (UbFirmwarePage, ub_firmware_page, UB_TYPE_PAGE)

static UbFirmwareChoice *
get_choice (UbFirmwarePage *self)
{
  return ub_rescue_get_firmware_choice (ub_page_get_rescue (UB_PAGE (self)));
}

/* The choice follows the skip switch and the last good file */
static void
sync_choice (UbFirmwarePage *self)
{
  UbFirmwareChoice *choice = get_choice (self);

  if (gtk_switch_get_active (self->skip_switch))
    ub_firmware_choice_skip (choice);
  else if (self->file_path != NULL)
    ub_firmware_choice_set_file (choice, self->file_origin, self->file_path, self->file_firmware);
  else
    ub_firmware_choice_clear (choice);
}

void
_ub_firmware_page_set_file (UbFirmwarePage   *self,
                            UbFirmwareOrigin  origin,
                            const char       *path,
                            UbFirmware       *firmware)
{
  g_debug ("Firmware ready (origin %d): %s", origin, path);
  self->file_origin = origin;
  g_free (self->file_path);
  self->file_path = g_strdup (path);
  g_set_object (&self->file_firmware, firmware);
  gtk_switch_set_active (self->skip_switch, FALSE);
  sync_choice (self);
  _ub_firmware_page_update (self);
}

static UbFirmware *
get_recommended (UbFirmwarePage *self)
{
  return self->list ? ub_firmware_list_get_recommended (self->list) : NULL;
}

static void
update_latest_row (UbFirmwarePage *self)
{
  UbFirmware *latest = get_recommended (self);
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;

  if (self->lookup_cancellable != NULL)
    title = g_strdup (_("Looking up the latest firmware…"));
  else if (latest != NULL)
    {
      g_autofree char *size = g_format_size (ub_firmware_get_size (latest));

      /* TRANSLATORS: %s are a version and a build, e.g. "iOS 16.7.12 (20H364)" */
      title = g_strdup_printf (_("iOS %s (%s)"), ub_firmware_get_version (latest), ub_firmware_get_build (latest));
      /* TRANSLATORS: under the firmware's name; %s is its size, e.g. "5.8 GB" */
      subtitle = g_strdup_printf (_("The latest version Apple signs · %s"), size);
    }
  else if (self->list != NULL)
    {
      title = g_strdup (_("Apple signs no firmware for this model right now"));
      subtitle = g_strdup (_("A restore would be refused. Unbrick can still put the phone into DFU or "
                             "recovery mode."));
    }
  else
    title = g_strdup (_("The list of firmware is not available"));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->latest_row), title);
  adw_action_row_set_subtitle (self->latest_row, subtitle ? subtitle : "");
  gtk_widget_set_visible (GTK_WIDGET (self->lookup_spinner), self->lookup_cancellable != NULL);
  gtk_spinner_set_spinning (self->lookup_spinner, self->lookup_cancellable != NULL);
}

/* Which catalogs the list came from, and when */
static char *
sources_text (UbFirmwareList *list,
              const char     *age)
{
  switch ((int)ub_firmware_list_get_sources (list))
    {
    case UB_CATALOG_SOURCE_IPSW_ME | UB_CATALOG_SOURCE_APPLE:
      /* TRANSLATORS: %s is e.g. "checked 5 minutes ago" */
      return g_strdup_printf (_("From ipsw.me, confirmed by Apple’s list, %s."), age);
    case UB_CATALOG_SOURCE_IPSW_ME:
      /* TRANSLATORS: %s is e.g. "checked 5 minutes ago" */
      return g_strdup_printf (_("From ipsw.me, %s. Apple’s list could not be reached to confirm it."), age);
    default:
      /* TRANSLATORS: %s is e.g. "checked 5 minutes ago" */
      return g_strdup_printf (_("From Apple’s list, %s."), age);
    }
}

static void
update_group (UbFirmwarePage *self)
{
  UbModel *model = ub_rescue_get_model (ub_page_get_rescue (UB_PAGE (self)));
  const char *name = model ? ub_model_get_name (model) : NULL;
  g_autofree char *title = NULL;
  g_autofree char *description = NULL;

  /* TRANSLATORS: a group title; %s is a model, e.g. "iPhone X (Global)" */
  title = g_strdup_printf (_("Firmware for %s"), name ? name : "");
  if (self->list != NULL)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autofree char *age = ub_firmware_list_dup_age_text (self->list, now);

      if (ub_firmware_list_get_offline (self->list))
        /* TRANSLATORS: %s is e.g. "checked 3 days ago" */
        description = g_strdup_printf (_("Offline: this list was %s, so Apple may have released a newer "
                                         "version since."), age);
      else
        description = sources_text (self->list, age);
    }
  adw_preferences_group_set_title (self->latest_group, title);
  adw_preferences_group_set_description (self->latest_group, description);
}

/* A short title for what went wrong; the error's message says the rest */
static const char *
error_title (UbFirmwarePage *self,
             const GError   *error)
{
  if (error == self->lookup_error)
    return _("The list of firmware could not be fetched");
  if (error->domain != UB_ERROR)
    return _("The download stopped");
  switch (error->code)
    {
    case UB_ERROR_NETWORK:
      return _("The server could not be reached");
    case UB_ERROR_UNTRUSTED_CERTIFICATE:
      return _("The server could not prove who it is");
    case UB_ERROR_TIMED_OUT:
      return _("The server stopped answering");
    case UB_ERROR_CHECKSUM:
      return _("The download was damaged");
    case UB_ERROR_NO_SPACE:
      return _("Not enough disk space");
    default:
      return _("The download stopped");
    }
}

static void
update_error (UbFirmwarePage *self)
{
  const GError *error = self->lookup_error ? self->lookup_error : self->download_error;

  gtk_widget_set_visible (GTK_WIDGET (self->latest_row), self->lookup_error == NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->error_row), error != NULL);
  if (error == NULL)
    return;
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->error_row), error_title (self, error));
  adw_action_row_set_subtitle (self->error_row, error->message);
}

static void
update_skip_row (UbFirmwarePage *self)
{
  UbSequenceKind goal = ub_rescue_get_goal (ub_page_get_rescue (UB_PAGE (self)));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->skip_row),
                                 goal == UB_SEQUENCE_RECOVERY ? _("Only Put the Phone into Recovery Mode")
                                                              : _("Only Put the Phone into DFU Mode"));
  adw_action_row_set_subtitle (self->skip_row,
                               _("Go on without firmware. No restore follows here: use Finder, "
                                 "Apple Devices or iTunes for that."));
}

void
_ub_firmware_page_update (UbFirmwarePage *self)
{
  UbRescue *rescue = ub_page_get_rescue (UB_PAGE (self));

  ub_page_set_needed (UB_PAGE (self), ub_rescue_get_goal (rescue) != UB_SEQUENCE_FORCE_RESTART);
  update_group (self);
  update_latest_row (self);
  _ub_firmware_page_update_download (self);
  update_error (self);
  _ub_firmware_page_update_local (self);
  update_skip_row (self);
  ub_page_set_complete (UB_PAGE (self), ub_firmware_choice_get_ready (get_choice (self)));
}

static void
on_lookup_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(UbFirmwarePage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(UbFirmwareList) list = ub_firmware_catalog_lookup_finish (UB_FIRMWARE_CATALOG (source),
                                                                       result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->lookup_cancellable);
  g_set_object (&self->list, list);
  if (error != NULL)
    {
      g_debug ("Firmware lookup failed: %s", error->message);
      self->lookup_error = g_steal_pointer (&error);
    }
  else
    g_debug ("Firmware list: %u images, latest signed %s", ub_firmware_list_get_n_firmwares (list),
             get_recommended (self) ? ub_firmware_get_build (get_recommended (self)) : "none");
  _ub_firmware_page_update (self);
  if (get_recommended (self) != NULL)
    _ub_firmware_page_start_download (self, FALSE);
}

static void
start_lookup (UbFirmwarePage *self,
              UbCatalogFlags  flags)
{
  UbModel *model = ub_rescue_get_model (ub_page_get_rescue (UB_PAGE (self)));

  if (model == NULL || self->lookup_cancellable != NULL)
    return;
  g_clear_error (&self->lookup_error);
  g_clear_object (&self->list);
  g_free (self->list_product_type);
  self->list_product_type = g_strdup (ub_model_get_product_type (model));
  self->lookup_cancellable = g_cancellable_new ();
  g_debug ("Looking up firmware for %s", self->list_product_type);
  ub_firmware_catalog_lookup_async (self->catalog, self->list_product_type, flags,
                                    self->lookup_cancellable, on_lookup_done, g_object_ref (self));
  _ub_firmware_page_update (self);
}

/* The model changed (or the person started over): what was found for the
 * old one no longer applies. A download is paused; its part stays for later. */
static void
on_model_changed (UbFirmwarePage *self)
{
  UbModel *model = ub_rescue_get_model (ub_page_get_rescue (UB_PAGE (self)));

  if (model != NULL && g_strcmp0 (ub_model_get_product_type (model), self->list_product_type) == 0)
    return;
  g_cancellable_cancel (self->lookup_cancellable);
  g_clear_object (&self->lookup_cancellable);
  g_cancellable_cancel (self->check_cancellable);
  g_clear_object (&self->check_cancellable);
  _ub_firmware_page_stop_download (self);
  g_clear_object (&self->download_cancellable);
  g_clear_object (&self->download);
  g_clear_object (&self->list);
  g_clear_pointer (&self->list_product_type, g_free);
  g_clear_error (&self->lookup_error);
  g_clear_error (&self->download_error);
  g_clear_error (&self->check_error);
  g_clear_pointer (&self->check_name, g_free);
  g_clear_pointer (&self->file_path, g_free);
  g_clear_object (&self->file_firmware);
  self->file_origin = UB_FIRMWARE_ORIGIN_NONE;
  gtk_switch_set_active (self->skip_switch, FALSE);
  sync_choice (self);
  if (model != NULL && gtk_widget_get_mapped (GTK_WIDGET (self)))
    start_lookup (self, UB_CATALOG_NONE);
  _ub_firmware_page_update (self);
}

static void
ub_firmware_page_shown (UbPage *page)
{
  UbFirmwarePage *self = UB_FIRMWARE_PAGE (page);

  if (self->list == NULL && self->lookup_error == NULL)
    start_lookup (self, UB_CATALOG_NONE);
  _ub_firmware_page_update (self);
}

static void
on_retry_clicked (UbFirmwarePage *self)
{
  if (self->lookup_error != NULL || self->list == NULL)
    start_lookup (self, UB_CATALOG_REFRESH);
  else
    _ub_firmware_page_start_download (self, TRUE);
}

static void
on_download_clicked (UbFirmwarePage *self)
{
  _ub_firmware_page_start_download (self, TRUE);
}

static void
on_stop_clicked (UbFirmwarePage *self)
{
  _ub_firmware_page_stop_download (self);
}

static void
on_local_activated (UbFirmwarePage *self)
{
  _ub_firmware_page_choose_file (self);
}

static void
on_skip_changed (UbFirmwarePage *self)
{
  g_debug ("Skip firmware: %s", gtk_switch_get_active (self->skip_switch) ? "yes" : "no");
  sync_choice (self);
  _ub_firmware_page_update (self);
}

static void
ub_firmware_page_constructed (GObject *object)
{
  UbFirmwarePage *self = UB_FIRMWARE_PAGE (object);
  UbRescue *rescue;

  G_OBJECT_CLASS (ub_firmware_page_parent_class)->constructed (object);

  rescue = ub_page_get_rescue (UB_PAGE (self));
  g_signal_connect_object (rescue, "notify::model", G_CALLBACK (on_model_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (rescue, "notify::goal", G_CALLBACK (_ub_firmware_page_update), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (get_choice (self), "notify::ready", G_CALLBACK (_ub_firmware_page_update), self,
                           G_CONNECT_SWAPPED);
  _ub_firmware_page_update (self);
}

static void
ub_firmware_page_dispose (GObject *object)
{
  UbFirmwarePage *self = UB_FIRMWARE_PAGE (object);

  g_cancellable_cancel (self->lookup_cancellable);
  g_clear_object (&self->lookup_cancellable);
  g_cancellable_cancel (self->check_cancellable);
  g_clear_object (&self->check_cancellable);
  g_cancellable_cancel (self->download_cancellable);
  g_clear_object (&self->download_cancellable);
  g_clear_object (&self->download);
  g_clear_object (&self->list);
  g_clear_object (&self->catalog);
  g_clear_object (&self->file_firmware);
  gtk_widget_dispose_template (GTK_WIDGET (object), UB_TYPE_FIRMWARE_PAGE);
  G_OBJECT_CLASS (ub_firmware_page_parent_class)->dispose (object);
}

static void
ub_firmware_page_finalize (GObject *object)
{
  UbFirmwarePage *self = UB_FIRMWARE_PAGE (object);

  g_clear_error (&self->lookup_error);
  g_clear_error (&self->download_error);
  g_clear_error (&self->check_error);
  g_free (self->download_dir);
  g_free (self->list_product_type);
  g_free (self->check_name);
  g_free (self->file_path);
  G_OBJECT_CLASS (ub_firmware_page_parent_class)->finalize (object);
}

static void
ub_firmware_page_class_init (UbFirmwarePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  UbPageClass *page_class = UB_PAGE_CLASS (klass);

  object_class->constructed = ub_firmware_page_constructed;
  object_class->dispose = ub_firmware_page_dispose;
  object_class->finalize = ub_firmware_page_finalize;
  page_class->shown = ub_firmware_page_shown;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/ub-firmware-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, UbFirmwarePage, name)
  BIND (intro_label);
  BIND (latest_group);
  BIND (latest_row);
  BIND (lookup_spinner);
  BIND (ready_image);
  BIND (download_button);
  BIND (progress_row);
  BIND (progress_label);
  BIND (progress_bar);
  BIND (progress_detail_label);
  BIND (stop_button);
  BIND (error_row);
  BIND (retry_button);
  BIND (local_row);
  BIND (local_status_row);
  BIND (local_status_image);
  BIND (local_spinner);
  BIND (skip_row);
  BIND (skip_switch);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, on_download_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_stop_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_retry_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_local_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_skip_changed);
}

static void
ub_firmware_page_init (UbFirmwarePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* TRANSLATORS: page title */
  ub_page_set_title (UB_PAGE (self), _("Firmware"));
  self->catalog = ub_firmware_catalog_new (NULL);
  self->download_dir = ub_firmware_dup_download_dir ();
}

UbPage *
ub_firmware_page_new (UbRescue *rescue)
{
  return g_object_new (UB_TYPE_FIRMWARE_PAGE, "rescue", rescue, NULL);
}
