/* ub-firmware-list.c — what a catalog lookup found for one model
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-firmware-list"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ub-firmware-list.h"

struct _UbFirmwareList
{
  GObject          parent_instance;

  GPtrArray       *firmwares;
  UbCatalogSource  sources;
  GDateTime       *fetched;
  gboolean         offline;
  char            *apple_latest;
};

G_DEFINE_FINAL_TYPE (UbFirmwareList, ub_firmware_list, G_TYPE_OBJECT)

static void
ub_firmware_list_finalize (GObject *object)
{
  UbFirmwareList *self = (UbFirmwareList *)object;

  g_clear_pointer (&self->firmwares, g_ptr_array_unref);
  g_clear_pointer (&self->fetched, g_date_time_unref);
  g_free (self->apple_latest);

  G_OBJECT_CLASS (ub_firmware_list_parent_class)->finalize (object);
}

static void
ub_firmware_list_class_init (UbFirmwareListClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ub_firmware_list_finalize;
}

static void
ub_firmware_list_init (UbFirmwareList *self)
{
}

/**
 * ub_firmware_list_new:
 * @firmwares: (element-type UbFirmware): newest first
 * @fetched: when the lists were downloaded
 * @offline: the network failed and older, cached lists are shown
 * @apple_latest: (nullable): the build Apple offers this model now
 */
UbFirmwareList *
ub_firmware_list_new (GPtrArray       *firmwares,
                      UbCatalogSource  sources,
                      GDateTime       *fetched,
                      gboolean         offline,
                      const char      *apple_latest)
{
  UbFirmwareList *self;

  g_return_val_if_fail (firmwares != NULL, NULL);
  g_return_val_if_fail (fetched != NULL, NULL);

  self = g_object_new (UB_TYPE_FIRMWARE_LIST, NULL);
  self->firmwares = g_ptr_array_ref (firmwares);
  self->sources = sources;
  self->fetched = g_date_time_ref (fetched);
  self->offline = offline;
  self->apple_latest = g_strdup (apple_latest);
  return self;
}

guint
ub_firmware_list_get_n_firmwares (UbFirmwareList *self)
{
  g_return_val_if_fail (UB_IS_FIRMWARE_LIST (self), 0);
  return self->firmwares->len;
}

/**
 * ub_firmware_list_get_firmware:
 *
 * Returns: (transfer none): the image at @index (newest first)
 */
UbFirmware *
ub_firmware_list_get_firmware (UbFirmwareList *self,
                               guint           index)
{
  g_return_val_if_fail (UB_IS_FIRMWARE_LIST (self), NULL);
  g_return_val_if_fail (index < self->firmwares->len, NULL);
  return g_ptr_array_index (self->firmwares, index);
}

/**
 * ub_firmware_list_find_build:
 *
 * Returns: (transfer none) (nullable): the image of that build
 */
UbFirmware *
ub_firmware_list_find_build (UbFirmwareList *self,
                             const char     *build)
{
  g_return_val_if_fail (UB_IS_FIRMWARE_LIST (self), NULL);

  for (guint i = 0; i < self->firmwares->len; i++)
    if (g_strcmp0 (ub_firmware_get_build (g_ptr_array_index (self->firmwares, i)), build) == 0)
      return g_ptr_array_index (self->firmwares, i);
  return NULL;
}

/**
 * ub_firmware_list_get_recommended:
 *
 * The image to restore: the newest that Apple signs; when signing is not
 * known (Apple's list alone), the build Apple currently offers.
 *
 * Returns: (transfer none) (nullable): the image, or %NULL if none can be restored
 */
UbFirmware *
ub_firmware_list_get_recommended (UbFirmwareList *self)
{
  UbFirmware *best = NULL;

  g_return_val_if_fail (UB_IS_FIRMWARE_LIST (self), NULL);

  for (guint i = 0; i < self->firmwares->len; i++)
    {
      UbFirmware *f = g_ptr_array_index (self->firmwares, i);

      if (ub_firmware_get_signed (f) == UB_SIGNED_YES &&
          (best == NULL || ub_firmware_compare_versions (ub_firmware_get_version (f),
                                                          ub_firmware_get_version (best)) > 0))
        best = f;
    }
  if (best == NULL && self->apple_latest != NULL)
    best = ub_firmware_list_find_build (self, self->apple_latest);
  return best;
}

UbCatalogSource
ub_firmware_list_get_sources (UbFirmwareList *self)
{
  g_return_val_if_fail (UB_IS_FIRMWARE_LIST (self), 0);
  return self->sources;
}

/**
 * ub_firmware_list_get_fetched:
 *
 * Returns: (transfer none): when the list was downloaded from the catalogs
 */
GDateTime *
ub_firmware_list_get_fetched (UbFirmwareList *self)
{
  g_return_val_if_fail (UB_IS_FIRMWARE_LIST (self), NULL);
  return self->fetched;
}

gboolean
ub_firmware_list_get_offline (UbFirmwareList *self)
{
  g_return_val_if_fail (UB_IS_FIRMWARE_LIST (self), FALSE);
  return self->offline;
}

/**
 * ub_firmware_list_dup_age_text:
 * @now: the time to count from
 *
 * Returns: (transfer full): "checked 5 minutes ago", "checked 3 days ago"
 */
char *
ub_firmware_list_dup_age_text (UbFirmwareList *self,
                               GDateTime      *now)
{
  GTimeSpan age;
  guint n;

  g_return_val_if_fail (UB_IS_FIRMWARE_LIST (self), NULL);

  age = MAX (0, g_date_time_difference (now, self->fetched));
  if (age < G_TIME_SPAN_MINUTE)
    return g_strdup (_("checked just now"));
  if (age < G_TIME_SPAN_HOUR)
    {
      n = (guint)(age / G_TIME_SPAN_MINUTE);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "checked %u minute ago",
                                           "checked %u minutes ago", n), n);
    }
  if (age < G_TIME_SPAN_DAY)
    {
      n = (guint)(age / G_TIME_SPAN_HOUR);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "checked %u hour ago",
                                           "checked %u hours ago", n), n);
    }
  n = (guint)MIN (age / G_TIME_SPAN_DAY, G_MAXUINT);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "checked %u day ago",
                                       "checked %u days ago", n), n);
}
