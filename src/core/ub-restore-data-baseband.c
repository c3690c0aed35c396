/* ub-restore-data-baseband.c — BasebandData: the modem firmware, signed
 *
 * The phone asks two or three times: first without a modem nonce, then with
 * one. Each request gets its own TSS answer, except that the first answer
 * made with a nonce is kept (self->baseband_response) and reused for the
 * later requests with a nonce, as iTunes does. The answer on the request's
 * DataPort is {BasebandData: the rewritten BBFW zip} (ub-baseband-zip.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-restore-data"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ub-baseband.h"
#include "ub-error.h"
#include "ub-restore-data-private.h"
#include "ub-restore-personalize.h"
#include "ub-tss.h"

#define BBFW_COMPONENT "BasebandFirmware"

/* The first answer made with a nonce, if one is kept */
static plist_t
dup_cached (UbRestoreData *self)
{
  plist_t copy = NULL;

  g_mutex_lock (&self->lock);
  if (self->baseband_response != NULL)
    copy = plist_copy (self->baseband_response);
  g_mutex_unlock (&self->lock);
  return copy;
}

static void
keep (UbRestoreData *self, plist_t response)
{
  g_mutex_lock (&self->lock);
  if (self->baseband_response == NULL)
    self->baseband_response = plist_copy (response);
  g_mutex_unlock (&self->lock);
}

static plist_t
get_response (UbRestoreData           *self,
              const UbBasebandDevice  *device,
              guint64                  chip_id,
              GError                 **error)
{
  plist_t request = NULL;
  plist_t response = NULL;

  if (device->nonce != NULL && (response = dup_cached (self)) != NULL)
    {
      _ub_restore_data_log (self, "baseband", "reusing the signatures made with the modem nonce");
      return response;
    }
  request = ub_baseband_request_new (self->identity, self->ecid, device, error);
  if (request == NULL)
    return NULL;
  _ub_restore_data_log (self, "baseband", "asking for the modem signatures (%s nonce)",
                        device->nonce != NULL ? "with" : "without");
  response = _ub_restore_data_send_tss (self, request, error);
  plist_free (request);
  if (response == NULL)
    return NULL;
  if (!ub_baseband_response_check (response, chip_id, error))
    {
      plist_free (response);
      return NULL;
    }
  if (device->nonce != NULL)
    keep (self, response);
  return response;
}

static GBytes *
read_bbfw (UbRestoreData *self, GError **error)
{
  const char *path = ub_build_identity_get_component_path (self->identity, BBFW_COMPONENT);
  guint64 size = 0;

  if (path == NULL)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_CORRUPT_ARCHIVE,
                           /* TRANSLATORS: the firmware file lacks the phone's modem firmware */
                           _("The firmware file has no modem firmware for this iPhone. "
                             "Download the firmware again."));
      return NULL;
    }
  if (!ub_ipsw_get_component_size (self->ipsw, path, &size, error))
    return NULL;
  if (size == 0 || size > UB_BASEBAND_MAX_BBFW)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_CORRUPT_ARCHIVE,
                           /* TRANSLATORS: the modem firmware inside the firmware file has an impossible size */
                           _("The modem firmware inside the firmware file is damaged. "
                             "Download the firmware again."));
      return NULL;
    }
  return ub_restore_read_component (self->ipsw, self->identity, BBFW_COMPONENT, FALSE,
                                    self->cancellable, error);
}

/* Takes @zip; the answer is streamed, so the zip is in memory once */
static gboolean
send_zip (UbRestoreData *self, plist_t message, GBytes *zip, GError **error)
{
  gboolean ok = _ub_restore_data_reply_data (self, message, "BasebandData", zip, error);

  g_bytes_unref (zip);
  return ok;
}

gboolean
_ub_restore_data_baseband (UbRestoreData  *self,
                           plist_t         message,
                           GError        **error)
{
  g_auto(UbBasebandDevice) device = { 0 };
  g_autoptr(GBytes) bbfw = NULL;
  g_autoptr(GBytes) zip = NULL;
  plist_t response = NULL;
  guint64 chip_id;

  if (!ub_baseband_device_init (&device, _ub_restore_data_arguments (message), error))
    return FALSE;
  chip_id = ub_baseband_identity_chip_id (self->identity, device.chip_id);
  if (!ub_baseband_chip_supported (chip_id, error) || (bbfw = read_bbfw (self, error)) == NULL)
    return FALSE;
  response = get_response (self, &device, chip_id, error);
  if (response == NULL)
    return FALSE;
  zip = ub_baseband_rewrite (bbfw, response, chip_id, error);
  plist_free (response);
  g_clear_pointer (&bbfw, g_bytes_unref);
  if (zip == NULL)
    return FALSE;
  _ub_restore_data_log (self, "baseband", "sending the signed modem firmware: %zu bytes",
                        g_bytes_get_size (zip));
  return send_zip (self, message, g_steal_pointer (&zip), error);
}
