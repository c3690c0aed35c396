/* ub-restore-data-system.c — SystemImageData: iOS itself, through ASR
 * (restore-mode.md §5)
 *
 * The build identity's "OS" entry (a .dmg, or a .dmg.aea on iOS 18+, sent
 * unchanged either way) is streamed from the IPSW to the phone's ASR
 * server on the request's DataPort, 12345 without one. ASR's out-of-band
 * reads seek in the entry (UbIpswStream is seekable), so nothing is copied
 * to disk or held whole in memory.
 *
 * The handler runs on a worker thread; ub_asr_send_async() is driven by a
 * private main context pushed as that thread's default, iterated until the
 * send ends (ASR keeps its own deadlines; self->cancellable stops it).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-restore-data"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <libimobiledevice/libimobiledevice.h>

#include "ub-asr.h"
#include "ub-clock.h"
#include "ub-error.h"
#include "ub-restore-data-private.h"

#define SYSTEM_COMPONENT "OS"
#define SETTLE_MS        1000   /* for a pulled cable to show on usbmuxd */

static guint16
asr_port (plist_t message)
{
  plist_t node = plist_dict_get_item (message, "DataPort");
  guint64 value = 0;

  if (node != NULL && plist_get_node_type (node) == PLIST_UINT)
    plist_get_uint_val (node, &value);
  return value > 0 && value <= G_MAXUINT16 ? (guint16) value : UB_ASR_DEFAULT_PORT;
}

static void
on_progress (gsize    sent,
             gsize    total,
             gpointer user_data)
{
  _ub_restore_data_progress (user_data,
                             /* TRANSLATORS: progress while the system image is sent to the phone */
                             _("Copying iOS to the iPhone"), sent, total);
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static gboolean
run_asr (UbRestoreData  *self,
         guint16         port,
         GInputStream   *image,
         guint64         size,
         GError        **error)
{
  GMainContext *context = g_main_context_new ();
  GAsyncResult *result = NULL;
  gboolean ok;

  g_main_context_push_thread_default (context);
  ub_asr_send_async (self->udid, port, image, size, self->cancellable,
                     on_progress, self, NULL, on_sent, &result);
  while (result == NULL)
    g_main_context_iteration (context, TRUE);
  ok = ub_asr_send_finish (result, error);
  g_object_unref (result);
  /* let sources the send left behind (a finished timeout) run down */
  while (g_main_context_pending (context))
    g_main_context_iteration (context, FALSE);
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);
  return ok;
}

/* The phone closed ASR: was it unplugged, or did it refuse the image (a
 * chunk that failed its checksum, restore-mode.md §5)? It is still on
 * usbmuxd in the second case. */
static void
explain_closed (UbRestoreData  *self,
                GError        **error)
{
  idevice_t device = NULL;

  if (error == NULL || !g_error_matches (*error, UB_ERROR, UB_ERROR_DISCONNECTED))
    return;
  g_usleep (ub_clock_scale_ms (ub_clock_get_default (), SETTLE_MS) * 1000);
  if (idevice_new_with_options (&device, self->udid, IDEVICE_LOOKUP_USBMUX) != IDEVICE_E_SUCCESS)
    return;
  idevice_free (device);
  _ub_restore_data_log (self, "asr", "the phone closed ASR but is still connected");
  g_clear_error (error);
  g_set_error_literal (error, UB_ERROR, UB_ERROR_FAILED,
                       _("The iPhone stopped receiving iOS partway through: it may have found the data damaged on "
                         "the way. Try again from DFU mode; if it happens again, use another cable or USB port."));
}

gboolean
_ub_restore_data_system_image (UbRestoreData  *self,
                               plist_t         message,
                               GError        **error)
{
  const char *path = ub_build_identity_get_component_path (self->identity, SYSTEM_COMPONENT);
  g_autoptr(GInputStream) image = NULL;
  guint16 port = asr_port (message);
  guint64 size = 0;

  if (path == NULL)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_WRONG_FIRMWARE,
                           _("The firmware file has no system image for this iPhone. Check that the firmware file is for this iPhone."));
      return FALSE;
    }
  if (!ub_ipsw_get_component_size (self->ipsw, path, &size, error) ||
      (image = ub_ipsw_open_component (self->ipsw, path, error)) == NULL)
    return FALSE;
  _ub_restore_data_log (self, "asr", "sending %s (%" G_GUINT64_FORMAT " bytes) to port %u",
                        path, size, port);
  if (!run_asr (self, port, image, size, error))
    {
      explain_closed (self, error);
      _ub_restore_data_log (self, "asr", "system image not sent");
      return FALSE;
    }
  _ub_restore_data_log (self, "asr", "system image sent");
  return TRUE;
}
