/* ub-restore-data.c — the answers to the restore system's data requests
 *
 * During the restore, restored asks the host for what it needs: tickets,
 * personalized images, the system image, firmware for the co-processors,
 * relays to Apple's servers (restore-mode.md §4). This file keeps the
 * table of data types Unbrick answers, and how answers travel:
 *  - when the request names a DataPort, the answer goes over a new
 *    connection to that port (framed plists, as on 62078); otherwise on
 *    the main connection;
 *  - AsyncDataRequestMsg requests run on their own thread while the loop
 *    keeps reading (the phone goes on with other steps meanwhile); the
 *    first failure of one ends the restore at the loop's next message, and
 *    ub_restore_data_finish() waits for the ones still running.
 * A data type that is not in the table ends the restore with a message
 * naming it (ub-restored-dispatch.c), never a silent wait.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-restore-data"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ub-clock.h"
#include "ub-error.h"
#include "ub-plist.h"
#include "ub-restore-data-private.h"
#include "ub-restore-personalize.h"
#include "ub-tss.h"

static const struct
{
  const char           *type;
  UbRestoreDataHandler  handler;
} handlers[] = {
  { "RootTicket", _ub_restore_data_root_ticket },
  { "KernelCache", _ub_restore_data_component_file },
  { "DeviceTree", _ub_restore_data_component_file },
  { "SystemImageRootHash", _ub_restore_data_component_file },
  { "SystemImageCanonicalMetadata", _ub_restore_data_component_file },
  { "FDRTrustData", _ub_restore_data_empty_reply },
  { "FirmwareUpdaterPreflight", _ub_restore_data_empty_reply },
  { "BuildIdentityDict", _ub_restore_data_build_identity },
  { "ReceiptManifest", _ub_restore_data_receipt_manifest },
  { "PersonalizedData", _ub_restore_data_image_list },
  { "FUDData", _ub_restore_data_image_list },
  { "EANData", _ub_restore_data_image_list },
  { "NORData", _ub_restore_data_nor },
  { "PersonalizedBootObjectV3", _ub_restore_data_boot_object },
  { "SourceBootObjectV4", _ub_restore_data_source_boot_object },
  { "SystemImageData", _ub_restore_data_system_image },
  { "URLAsset", _ub_restore_data_url_asset },
  { "StreamedImageDecryptionKey", _ub_restore_data_decryption_key },
  { "FirmwareUpdaterData", _ub_restore_data_firmware_updater },
  { "BasebandData", _ub_restore_data_baseband },
};

static UbRestoreDataHandler
find_handler (const char *data_type)
{
  for (gsize i = 0; i < G_N_ELEMENTS (handlers); i++)
    if (g_str_equal (handlers[i].type, data_type))
      return handlers[i].handler;
  return NULL;
}

/**
 * ub_restore_data_handles:
 *
 * Returns: whether Unbrick answers @data_type
 */
gboolean
ub_restore_data_handles (const char *data_type)
{
  return data_type != NULL && find_handler (data_type) != NULL;
}

/**
 * ub_restore_data_new:
 * @udid: the phone in restore mode, as usbmuxd lists it
 * @ap_ticket: the ApImg4Ticket the boot chain was signed with
 * @ap_nonce: (nullable): the nonce in it
 * @erase: whether this is an erase restore (else an update)
 *
 * Returns: (transfer full): the answers for one restore
 */
UbRestoreData *
ub_restore_data_new (const char      *udid,
                     UbIpsw          *ipsw,
                     UbBuildIdentity *identity,
                     GBytes          *ap_ticket,
                     GBytes          *ap_nonce,
                     guint64          ecid,
                     gboolean         erase)
{
  UbRestoreData *self = g_new0 (UbRestoreData, 1);

  g_return_val_if_fail (udid != NULL && UB_IS_IPSW (ipsw) && ap_ticket != NULL, NULL);

  self->udid = g_strdup (udid);
  self->ipsw = g_object_ref (ipsw);
  self->identity = g_object_ref (identity);
  self->ap_ticket = g_bytes_ref (ap_ticket);
  self->ap_nonce = ap_nonce ? g_bytes_ref (ap_nonce) : NULL;
  self->ecid = ecid;
  self->erase = erase;
  self->cancellable = g_cancellable_new ();
  g_mutex_init (&self->lock);
  g_cond_init (&self->changed);
  return self;
}

/**
 * ub_restore_data_free:
 *
 * Frees @self; call ub_restore_data_finish() first when async requests
 * may still run.
 */
void
ub_restore_data_free (UbRestoreData *self)
{
  if (self == NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  g_mutex_lock (&self->lock);
  while (self->n_async > 0)
    g_cond_wait (&self->changed, &self->lock);
  g_mutex_unlock (&self->lock);
  g_clear_object (&self->client);
  g_clear_error (&self->async_error);
  g_clear_pointer (&self->baseband_response, plist_free);
  g_object_unref (self->cancellable);
  g_object_unref (self->ipsw);
  g_object_unref (self->identity);
  g_bytes_unref (self->ap_ticket);
  g_clear_pointer (&self->ap_nonce, g_bytes_unref);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->changed);
  g_free (self->udid);
  g_free (self);
}

/**
 * ub_restore_data_set_callbacks:
 * @progress: (nullable): byte progress of long answers
 * @event: (nullable): lines for the restore log
 */
void
ub_restore_data_set_callbacks (UbRestoreData         *self,
                               UbRestoreDataProgress  progress,
                               UbRestoreDataEvent     event,
                               gpointer               user_data)
{
  self->progress = progress;
  self->event = event;
  self->user_data = user_data;
}

static void
on_outer_cancelled (GCancellable *outer,
                    gpointer      data)
{
  g_cancellable_cancel (G_CANCELLABLE (data));
}

/**
 * ub_restore_data_set_cancellable:
 * @cancellable: (nullable): cancels every running answer when it fires
 */
void
ub_restore_data_set_cancellable (UbRestoreData *self,
                                 GCancellable  *cancellable)
{
  if (cancellable != NULL)
    g_cancellable_connect (cancellable, G_CALLBACK (on_outer_cancelled),
                           g_object_ref (self->cancellable), g_object_unref);
}

typedef struct
{
  UbRestoreData        *self;
  UbRestoreDataHandler  handler;
  char                 *type;
  plist_t               message;
} AsyncRequest;

static gpointer
run_async (gpointer data)
{
  AsyncRequest *request = data;
  UbRestoreData *self = request->self;
  g_autoptr(GError) error = NULL;

  if (!request->handler (self, request->message, &error))
    {
      g_debug ("async %s failed: %s", request->type, error->message);
      _ub_restore_data_log (self, "data", "async %s failed: %s", request->type, error->message);
    }
  else
    g_debug ("async %s answered", request->type);
  g_mutex_lock (&self->lock);
  if (error != NULL && self->async_error == NULL)
    self->async_error = g_steal_pointer (&error);
  self->n_async--;
  g_cond_broadcast (&self->changed);
  g_mutex_unlock (&self->lock);
  plist_free (request->message);
  g_free (request->type);
  g_free (request);
  return NULL;
}

/**
 * ub_restore_data_handle:
 * @client: the main connection to restored
 * @message: (transfer none): the DataRequestMsg or AsyncDataRequestMsg
 *
 * Answers one data request, or starts answering it on its own thread for
 * @is_async. Fits #UbRestoredHandlers.data_request.
 *
 * Returns: %FALSE with %UB_ERROR_NOT_SUPPORTED for a data type Unbrick
 *   does not answer, or the error that ended the answer
 */
gboolean
ub_restore_data_handle (UbRestoreData  *self,
                        UbRestored     *client,
                        const char     *data_type,
                        plist_t         message,
                        gboolean        is_async,
                        GError        **error)
{
  UbRestoreDataHandler handler = find_handler (data_type);
  AsyncRequest *request;
  GThread *thread;

  if (!ub_restore_data_check_async (self, error))
    return FALSE;
  g_mutex_lock (&self->lock);
  if (client != NULL && self->client == NULL)
    self->client = g_object_ref (client);
  g_mutex_unlock (&self->lock);
  _ub_restore_data_log (self, "data", "%s request for %s", is_async ? "async" : "sync", data_type);
  if (handler == NULL)
    {
      g_set_error (error, UB_ERROR, UB_ERROR_NOT_SUPPORTED, "No answer for %s", data_type);
      return FALSE;
    }
  if (!is_async)
    return handler (self, message, error);

  request = g_new0 (AsyncRequest, 1);
  request->self = self;
  request->handler = handler;
  request->type = g_strdup (data_type);
  request->message = plist_copy (message);
  g_mutex_lock (&self->lock);
  self->n_async++;
  g_mutex_unlock (&self->lock);
  thread = g_thread_new ("ub-restore-async", run_async, request);
  g_thread_unref (thread);
  return TRUE;
}

/**
 * ub_restore_data_check_async:
 *
 * Returns: %FALSE with its error when an async answer failed
 */
gboolean
ub_restore_data_check_async (UbRestoreData  *self,
                             GError        **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  if (self->async_error == NULL)
    return TRUE;
  g_propagate_error (error, g_error_copy (self->async_error));
  return FALSE;
}

/**
 * ub_restore_data_finish:
 * @timeout_ms: how long to wait for async answers still running (phone time)
 *
 * Waits for the async answers; cancels them after @timeout_ms.
 *
 * Returns: %FALSE with the first async failure
 */
gboolean
ub_restore_data_finish (UbRestoreData  *self,
                        guint           timeout_ms,
                        GError        **error)
{
  gint64 deadline = g_get_monotonic_time () +
                    (gint64) ub_clock_scale_ms (ub_clock_get_default (), timeout_ms) * 1000;

  g_mutex_lock (&self->lock);
  while (self->n_async > 0)
    if (!g_cond_wait_until (&self->changed, &self->lock, deadline))
      {
        g_debug ("%u async answers still running: cancelled", self->n_async);
        g_cancellable_cancel (self->cancellable);
        while (self->n_async > 0)
          g_cond_wait (&self->changed, &self->lock);
      }
  g_mutex_unlock (&self->lock);
  return ub_restore_data_check_async (self, error);
}

/* ---- for the handlers ---- */

/**
 * _ub_restore_data_arguments:
 *
 * Returns: (transfer none) (nullable): the request's Arguments dictionary
 */
plist_t
_ub_restore_data_arguments (plist_t message)
{
  plist_t node = plist_dict_get_item (message, "Arguments");

  return node != NULL && plist_get_node_type (node) == PLIST_DICT ? node : NULL;
}

/**
 * _ub_restore_data_dup_argument:
 *
 * Returns: (transfer full) (nullable): the string argument @key
 */
char *
_ub_restore_data_dup_argument (plist_t     message,
                               const char *key)
{
  plist_t arguments = _ub_restore_data_arguments (message);

  return arguments ? ub_plist_dup_string (plist_dict_get_item (arguments, key)) : NULL;
}

static gboolean
get_data_port (plist_t  message,
               guint16 *port)
{
  plist_t node = plist_dict_get_item (message, "DataPort");
  guint64 value = 0;

  if (node == NULL || plist_get_node_type (node) != PLIST_UINT)
    return FALSE;
  plist_get_uint_val (node, &value);
  if (value == 0 || value > G_MAXUINT16)
    return FALSE;
  *port = (guint16) value;
  return TRUE;
}

/**
 * _ub_restore_data_open_port:
 * @message: a data request with a DataPort
 *
 * Returns: (transfer full) (nullable): a connection to the request's
 *   DataPort, or %NULL with an error (also when there is no DataPort)
 */
UbRestored *
_ub_restore_data_open_port (UbRestoreData  *self,
                            plist_t         message,
                            GError        **error)
{
  guint16 port = 0;

  if (!get_data_port (message, &port))
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_PROTOCOL,
                           _("The iPhone asked for data without saying where to send it."));
      return NULL;
    }
  g_debug ("answer goes to data port %u", port);
  return ub_restored_connect_port (self->udid, port, error);
}

/**
 * _ub_restore_data_reply:
 * @message: the request being answered
 * @reply: (transfer none): the answer
 * @binary: send a binary plist (URLAsset and key relays) instead of XML
 *
 * Sends @reply to the request's DataPort when it has one, else on the main
 * connection.
 */
gboolean
_ub_restore_data_reply (UbRestoreData  *self,
                        plist_t         message,
                        plist_t         reply,
                        gboolean        binary,
                        GError        **error)
{
  g_autoptr(UbRestored) port_client = NULL;
  g_autoptr(UbRestored) main_client = NULL;
  guint16 port = 0;

  if (get_data_port (message, &port))
    {
      if ((port_client = _ub_restore_data_open_port (self, message, error)) == NULL)
        return FALSE;
      return binary ? ub_restored_send_binary (port_client, reply, error)
                    : ub_restored_send (port_client, reply, error);
    }
  g_mutex_lock (&self->lock);
  main_client = self->client ? g_object_ref (self->client) : NULL;
  g_mutex_unlock (&self->lock);
  if (main_client == NULL)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_DISCONNECTED, _("The iPhone is no longer connected."));
      return FALSE;
    }
  return binary ? ub_restored_send_binary (main_client, reply, error)
                : ub_restored_send (main_client, reply, error);
}

/**
 * _ub_restore_data_reply_data:
 * @key: the answer's only key
 * @data: its value
 *
 * Like _ub_restore_data_reply() for the answer {@key: @data}, streamed
 * (ub_restored_send_data_dict()) so that a large image is in memory once.
 */
gboolean
_ub_restore_data_reply_data (UbRestoreData  *self,
                             plist_t         message,
                             const char     *key,
                             GBytes         *data,
                             GError        **error)
{
  g_autoptr(UbRestored) client = NULL;
  guint16 port = 0;

  if (get_data_port (message, &port))
    client = _ub_restore_data_open_port (self, message, error);
  else
    {
      g_mutex_lock (&self->lock);
      client = self->client ? g_object_ref (self->client) : NULL;
      g_mutex_unlock (&self->lock);
      if (client == NULL)
        g_set_error_literal (error, UB_ERROR, UB_ERROR_DISCONNECTED, _("The iPhone is no longer connected."));
    }
  return client != NULL && ub_restored_send_data_dict (client, key, data, error);
}

/**
 * _ub_restore_data_personalize:
 * @component: a Manifest entry of the build identity
 *
 * Returns: (transfer full) (nullable): its IMG4 with the AP ticket
 */
GBytes *
_ub_restore_data_personalize (UbRestoreData  *self,
                              const char     *component,
                              GError        **error)
{
  GBytes *img4 = ub_restore_personalize (self->ipsw, self->identity, self->ap_ticket, self->ap_nonce,
                                         component, FALSE, self->cancellable, error);

  if (img4 != NULL)
    _ub_restore_data_log (self, "img4", "%s: %zu bytes", component, g_bytes_get_size (img4));
  return img4;
}

static void
on_tss_sent (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/**
 * _ub_restore_data_send_tss:
 * @request: a signing request without @ApImg4Ticket (baseband, updaters)
 *
 * Sends @request to Apple's signing server from this (worker) thread, on a
 * private main context; ub-tss bounds each try and the number of tries,
 * self->cancellable stops it.
 *
 * Returns: (transfer full) (nullable): the whole answer, whose own ticket
 *   (BBTicket, SE,Ticket …) the caller checks
 */
plist_t
_ub_restore_data_send_tss (UbRestoreData  *self,
                           plist_t         request,
                           GError        **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GBytes) ticket = NULL;
  g_autoptr(GError) local_error = NULL;
  GAsyncResult *result = NULL;
  plist_t response = NULL;

  g_main_context_push_thread_default (context);
  ub_tss_send_async (request, self->cancellable, on_tss_sent, &result);
  while (result == NULL)
    g_main_context_iteration (context, TRUE);
  g_main_context_pop_thread_default (context);
  ticket = ub_tss_send_finish (result, &response, &local_error);
  g_object_unref (result);
  if (response == NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return response;
}

/**
 * _ub_restore_data_progress:
 *
 * Passes byte progress on to the job.
 */
void
_ub_restore_data_progress (UbRestoreData *self,
                           const char    *what,
                           guint64        done,
                           guint64        total)
{
  if (self->progress != NULL)
    self->progress (what, done, total, self->user_data);
}

/**
 * _ub_restore_data_log:
 *
 * A line for the restore log (and g_debug).
 */
void
_ub_restore_data_log (UbRestoreData *self,
                      const char    *kind,
                      const char    *format,
                      ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_debug ("%s: %s", kind, text);
  if (self->event != NULL)
    self->event (kind, text, self->user_data);
}
