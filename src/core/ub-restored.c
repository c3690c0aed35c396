/* ub-restored.c — our own client for restored on port 62078
 *
 * libimobiledevice 1.3.0's restored_* calls wait a fixed 30 s for every
 * answer and keep their connection private, so Unbrick talks to restored
 * itself (restore-mode.md §0–§1): a plain usbmuxd connection to port 62078
 * (no TLS), messages framed as a 4-byte big-endian length and a plist. We
 * send XML; the phone answers XML or binary, and every answer goes through
 * ub_plist_parse_untrusted(). Each request carries our Label. Every read
 * has a deadline and gives up early when the cancellable fires.
 *
 * Blocking: use it from a worker thread only.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-restored"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <libimobiledevice/libimobiledevice.h>

#include "ub-clock.h"
#include "ub-error.h"
#include "ub-plist.h"
#include "ub-restored.h"

#define CLIENT_LABEL     "unbrick"
#define RESTORED_TYPE    "com.apple.mobile.restored"
#define MAX_MESSAGE      (16 * 1024 * 1024)
#define POLL_MS          250

struct _UbRestored
{
  GObject               parent_instance;

  char                 *udid;
  idevice_t             device;
  idevice_connection_t  connection;
  GMutex                send_lock;
  guint64               protocol_version;
  guint                 silence_ms;
};

G_DEFINE_FINAL_TYPE (UbRestored, ub_restored, G_TYPE_OBJECT)

static void
ub_restored_finalize (GObject *object)
{
  UbRestored *self = UB_RESTORED (object);

  g_clear_pointer (&self->connection, idevice_disconnect);
  g_clear_pointer (&self->device, idevice_free);
  g_free (self->udid);
  g_mutex_clear (&self->send_lock);

  G_OBJECT_CLASS (ub_restored_parent_class)->finalize (object);
}

static void
ub_restored_class_init (UbRestoredClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ub_restored_finalize;
}

static void
ub_restored_init (UbRestored *self)
{
  g_mutex_init (&self->send_lock);
  self->silence_ms = UB_RESTORED_SILENCE_MS;
}

static void
set_disconnected (GError **error)
{
  g_set_error_literal (error, UB_ERROR, UB_ERROR_DISCONNECTED,
                       /* TRANSLATORS: the phone went away during the restore */
                       _("The iPhone is no longer connected."));
}

/**
 * ub_restored_connect:
 * @udid: the phone, as usbmuxd lists it
 *
 * Opens a connection to restored. Nothing is sent yet.
 *
 * Returns: (transfer full) (nullable): the client, or %NULL with
 *   %UB_ERROR_DISCONNECTED
 */
UbRestored *
ub_restored_connect (const char  *udid,
                     GError     **error)
{
  return ub_restored_connect_port (udid, UB_RESTORED_PORT, error);
}

/**
 * ub_restored_connect_port:
 * @udid: the phone, as usbmuxd lists it
 * @port: a port of the phone: 62078, or the DataPort of a data request
 *
 * Opens a plain connection carrying framed plists (the same framing as
 * restored's own port). Nothing is sent yet.
 *
 * Returns: (transfer full) (nullable): the client, or %NULL with
 *   %UB_ERROR_DISCONNECTED
 */
UbRestored *
ub_restored_connect_port (const char  *udid,
                          guint16      port,
                          GError     **error)
{
  g_autoptr(UbRestored) self = NULL;
  idevice_error_t status;

  g_return_val_if_fail (udid != NULL, NULL);

  self = g_object_new (UB_TYPE_RESTORED, NULL);
  self->udid = g_strdup (udid);
  if (idevice_new_with_options (&self->device, udid, IDEVICE_LOOKUP_USBMUX) != IDEVICE_E_SUCCESS)
    {
      self->device = NULL;
      set_disconnected (error);
      return NULL;
    }
  status = idevice_connect (self->device, port, &self->connection);
  g_debug ("Connection to port %u of %s: %d", port, udid, status);
  if (status != IDEVICE_E_SUCCESS)
    {
      self->connection = NULL;
      set_disconnected (error);
      return NULL;
    }
  return g_steal_pointer (&self);
}

/**
 * ub_restored_get_udid:
 *
 * Returns: the phone's usbmuxd UDID
 */
const char *
ub_restored_get_udid (UbRestored *self)
{
  g_return_val_if_fail (UB_IS_RESTORED (self), NULL);
  return self->udid;
}

/**
 * ub_restored_get_protocol_version:
 *
 * Returns: the RestoreProtocolVersion from QueryType, 0 before it
 */
guint64
ub_restored_get_protocol_version (UbRestored *self)
{
  g_return_val_if_fail (UB_IS_RESTORED (self), 0);
  return self->protocol_version;
}

/**
 * ub_restored_set_silence_ms:
 * @silence_ms: phone time
 *
 * Sets how long ub_restored_run_loop() waits for the next message
 * (default %UB_RESTORED_SILENCE_MS; tests use less).
 */
void
ub_restored_set_silence_ms (UbRestored *self,
                            guint       silence_ms)
{
  g_return_if_fail (UB_IS_RESTORED (self));
  g_return_if_fail (silence_ms > 0);

  g_debug ("restored silence limit: %u ms", silence_ms);
  self->silence_ms = silence_ms;
}

static gboolean
send_all (UbRestored    *self,
          const char    *data,
          gsize          length,
          GError       **error)
{
  gsize total = 0;

  while (total < length)
    {
      uint32_t sent = 0;

      if (self->connection == NULL ||
          idevice_connection_send (self->connection, data + total,
                                   (uint32_t) MIN (length - total, G_MAXINT32), &sent) != IDEVICE_E_SUCCESS ||
          sent == 0)
        {
          set_disconnected (error);
          return FALSE;
        }
      total += sent;
    }
  return TRUE;
}

/* The length, then the plist as it was serialized: a large answer (a
 * kernel cache, the modem firmware) is not copied once more into a frame */
static gboolean
send_plist (UbRestored  *self,
            plist_t      message,
            gboolean     binary,
            GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  char *data = NULL;
  uint32_t length = 0;
  guint32 be;
  gboolean ok;

  g_return_val_if_fail (UB_IS_RESTORED (self), FALSE);
  g_return_val_if_fail (message != NULL, FALSE);

  if (binary)
    plist_to_bin (message, &data, &length);
  else
    plist_to_xml (message, &data, &length);
  if (data == NULL || length == 0)
    {
      free (data);
      g_set_error_literal (error, UB_ERROR, UB_ERROR_FAILED, "Cannot write a message for restored");
      return FALSE;
    }
  be = GUINT32_TO_BE (length);
  locker = g_mutex_locker_new (&self->send_lock);
  ok = send_all (self, (const char *) &be, 4, error) && send_all (self, data, length, error);
  free (data);
  return ok;
}

/**
 * ub_restored_send:
 * @message: a dictionary
 *
 * Sends @message as a framed XML plist. Thread-safe: a data request
 * answered on another thread may send while the loop sends.
 */
gboolean
ub_restored_send (UbRestored  *self,
                  plist_t      message,
                  GError     **error)
{
  return send_plist (self, message, FALSE, error);
}

#define DATA_HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" \
                  "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" " \
                  "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n" \
                  "<plist version=\"1.0\">\n<dict>\n\t<key>"
#define DATA_MIDDLE "</key>\n\t<data>\n"
#define DATA_TAIL "\n\t</data>\n</dict>\n</plist>\n"
#define DATA_SLICE (3 * 65536)   /* bytes encoded at a time: whole base64 groups */

/**
 * ub_restored_send_data_dict:
 * @key: the answer's only key, e.g. "KernelCacheFile"
 * @data: its value
 *
 * Sends the XML plist {@key: @data} without building it in memory: the
 * base64 text is written slice by slice, so a large answer (a kernel cache,
 * the modem firmware) costs its own size once, not three times.
 */
gboolean
ub_restored_send_data_dict (UbRestored  *self,
                            const char  *key,
                            GBytes      *data,
                            GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autofree char *escaped = g_markup_escape_text (key, -1);
  gsize size = g_bytes_get_size (data), encoded = 4 * ((size + 2) / 3);
  const guint8 *bytes = g_bytes_get_data (data, NULL);
  gsize total = strlen (DATA_HEAD) + strlen (escaped) + strlen (DATA_MIDDLE) + encoded + strlen (DATA_TAIL);
  guint32 be = GUINT32_TO_BE ((guint32) total);

  g_return_val_if_fail (UB_IS_RESTORED (self), FALSE);
  if (total > G_MAXUINT32)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_FAILED, "Answer too large for restored");
      return FALSE;
    }
  locker = g_mutex_locker_new (&self->send_lock);
  if (!send_all (self, (const char *) &be, 4, error) ||
      !send_all (self, DATA_HEAD, strlen (DATA_HEAD), error) ||
      !send_all (self, escaped, strlen (escaped), error) ||
      !send_all (self, DATA_MIDDLE, strlen (DATA_MIDDLE), error))
    return FALSE;
  for (gsize at = 0; at < size; at += DATA_SLICE)
    {
      g_autofree char *text = g_base64_encode (bytes + at, MIN (DATA_SLICE, size - at));

      if (!send_all (self, text, strlen (text), error))
        return FALSE;
    }
  return send_all (self, DATA_TAIL, strlen (DATA_TAIL), error);
}

/**
 * ub_restored_send_binary:
 * @message: a dictionary
 *
 * Sends @message as a framed binary plist (the URLAsset and key relays
 * answer this way, restore-mode.md §4).
 */
gboolean
ub_restored_send_binary (UbRestored  *self,
                         plist_t      message,
                         GError     **error)
{
  return send_plist (self, message, TRUE, error);
}

/* Reads exactly @len bytes before @deadline (monotonic µs). */
static gboolean
read_exact (UbRestored    *self,
            guint8        *buffer,
            guint32        len,
            gint64         deadline,
            GCancellable  *cancellable,
            GError       **error)
{
  guint32 have = 0;

  while (have < len)
    {
      uint32_t got = 0;
      idevice_error_t status;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (g_get_monotonic_time () >= deadline)
        {
          g_set_error_literal (error, UB_ERROR, UB_ERROR_TIMED_OUT,
                               /* TRANSLATORS: the restore system on the phone stopped answering */
                               _("The iPhone stopped answering during the restore."));
          return FALSE;
        }
      status = idevice_connection_receive_timeout (self->connection, (char *) buffer + have,
                                                   len - have, &got, POLL_MS);
      if (status != IDEVICE_E_SUCCESS && status != IDEVICE_E_TIMEOUT)
        {
          g_debug ("restored read failed: %d", status);
          set_disconnected (error);
          return FALSE;
        }
      have += got;
    }
  return TRUE;
}

/**
 * ub_restored_receive:
 * @timeout_ms: how long to wait, in phone time (scaled by UNBRICK_TIME_SCALE)
 *
 * Reads one message and checks it as untrusted data.
 *
 * Returns: (transfer full) (nullable): a dictionary, or %NULL with
 *   %UB_ERROR_TIMED_OUT, %UB_ERROR_DISCONNECTED, %UB_ERROR_PROTOCOL or
 *   %G_IO_ERROR_CANCELLED
 */
plist_t
ub_restored_receive (UbRestored    *self,
                     guint          timeout_ms,
                     GCancellable  *cancellable,
                     GError       **error)
{
  guint ms = ub_clock_scale_ms (ub_clock_get_default (), timeout_ms);
  gint64 deadline = g_get_monotonic_time () + (gint64) ms * 1000;
  g_autofree guint8 *body = NULL;
  g_autoptr(GError) local = NULL;
  guint32 be = 0, length;
  plist_t message;

  g_return_val_if_fail (UB_IS_RESTORED (self), NULL);

  if (self->connection == NULL)
    {
      set_disconnected (error);
      return NULL;
    }
  if (!read_exact (self, (guint8 *) &be, 4, deadline, cancellable, error))
    return NULL;
  length = GUINT32_FROM_BE (be);
  if (length == 0 || length > MAX_MESSAGE)
    {
      g_set_error (error, UB_ERROR, UB_ERROR_PROTOCOL,
                   _("The iPhone sent a message of %u bytes during the restore, which is not allowed."),
                   length);
      return NULL;
    }
  body = g_malloc (length);
  /* once a message has begun, its rest must follow soon */
  deadline = MAX (deadline, g_get_monotonic_time () + (gint64) ub_clock_scale_ms (ub_clock_get_default (), UB_RESTORED_REPLY_MS) * 1000);
  if (!read_exact (self, body, length, deadline, cancellable, error))
    return NULL;
  message = ub_plist_parse_untrusted (body, length, &local);
  if (message == NULL || plist_get_node_type (message) != PLIST_DICT)
    {
      g_clear_pointer (&message, plist_free);
      g_set_error (error, UB_ERROR, UB_ERROR_PROTOCOL,
                   _("The iPhone sent a message the restore cannot read (%s)."),
                   local ? local->message : _("not a dictionary"));
      return NULL;
    }
  return message;
}

/* Sends {Label, Request: @request} plus @extra's items, and reads the answer */
static plist_t
request (UbRestored  *self,
         const char  *name,
         plist_t      extra,
         GError     **error)
{
  plist_t message = extra ? extra : plist_new_dict ();
  gboolean ok;

  plist_dict_set_item (message, "Label", plist_new_string (CLIENT_LABEL));
  plist_dict_set_item (message, "Request", plist_new_string (name));
  g_debug ("restored request \"%s\"", name);
  ok = ub_restored_send (self, message, error);
  plist_free (message);
  if (!ok)
    return NULL;
  return ub_restored_receive (self, UB_RESTORED_REPLY_MS, NULL, error);
}

/**
 * ub_restored_query_type:
 *
 * Asks restored what it is; keeps its RestoreProtocolVersion.
 *
 * Returns: %TRUE if it is restored, else %FALSE with %UB_ERROR_WRONG_MODE
 */
gboolean
ub_restored_query_type (UbRestored  *self,
                        GError     **error)
{
  plist_t reply;
  plist_t version;
  g_autofree char *type = NULL;

  g_return_val_if_fail (UB_IS_RESTORED (self), FALSE);

  reply = request (self, "QueryType", NULL, error);
  if (reply == NULL)
    return FALSE;
  type = ub_plist_dup_string (plist_dict_get_item (reply, "Type"));
  version = plist_dict_get_item (reply, "RestoreProtocolVersion");
  if (version != NULL && plist_get_node_type (version) == PLIST_UINT)
    plist_get_uint_val (version, &self->protocol_version);
  plist_free (reply);
  g_debug ("restored type \"%s\", protocol version %" G_GUINT64_FORMAT,
           type ? type : "(none)", self->protocol_version);
  if (g_strcmp0 (type, RESTORED_TYPE) != 0)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_WRONG_MODE,
                           _("The iPhone is not in restore mode."));
      return FALSE;
    }
  return TRUE;
}

/**
 * ub_restored_check_ecid:
 * @ecid: the ECID of the phone this restore is for
 *
 * Reads HardwareInfo and checks that its UniqueChipID is @ecid, so that the
 * restore never goes to another phone.
 *
 * Returns: %TRUE if it matches; else %FALSE with %UB_ERROR_NOT_FOUND
 *   (another phone) or %UB_ERROR_PROTOCOL (no ECID in the answer)
 */
gboolean
ub_restored_check_ecid (UbRestored  *self,
                        guint64      ecid,
                        GError     **error)
{
  plist_t query = plist_new_dict ();
  plist_t reply, info, node;
  guint64 found = 0;

  g_return_val_if_fail (UB_IS_RESTORED (self), FALSE);

  plist_dict_set_item (query, "QueryKey", plist_new_string ("HardwareInfo"));
  reply = request (self, "QueryValue", query, error);
  if (reply == NULL)
    return FALSE;
  info = plist_dict_get_item (reply, "HardwareInfo");
  node = info && plist_get_node_type (info) == PLIST_DICT ? plist_dict_get_item (info, "UniqueChipID") : NULL;
  if (node == NULL || plist_get_node_type (node) != PLIST_UINT)
    {
      plist_free (reply);
      g_set_error_literal (error, UB_ERROR, UB_ERROR_PROTOCOL,
                           _("The restore system did not tell which iPhone it runs on."));
      return FALSE;
    }
  plist_get_uint_val (node, &found);
  plist_free (reply);
  g_debug ("restored runs on ECID 0x%" G_GINT64_MODIFIER "X, expected 0x%" G_GINT64_MODIFIER "X", found, ecid);
  if (found != ecid)
    {
      g_autofree char *have = g_strdup_printf ("0x%" G_GINT64_MODIFIER "X", found);
      g_autofree char *want = g_strdup_printf ("0x%" G_GINT64_MODIFIER "X", ecid);

      g_set_error (error, UB_ERROR, UB_ERROR_NOT_FOUND,
                   /* TRANSLATORS: %s are two chip IDs (ECID) in hexadecimal */
                   _("Another iPhone is in restore mode (ECID %s, expected %s). Connect only the iPhone you want to restore."),
                   have, want);
      return FALSE;
    }
  return TRUE;
}

/**
 * ub_restored_start_restore:
 * @identity: the build identity being restored
 *
 * Sends StartRestore with the option set of ub_restored_build_options()
 * and the protocol version restored reported. restored sends no answer;
 * its messages follow (ub_restored_run_loop()).
 */
gboolean
ub_restored_start_restore (UbRestored       *self,
                           UbBuildIdentity  *identity,
                           GError          **error)
{
  plist_t message = plist_new_dict ();
  gboolean ok;

  g_return_val_if_fail (UB_IS_RESTORED (self), FALSE);
  g_return_val_if_fail (UB_IS_BUILD_IDENTITY (identity), FALSE);

  plist_dict_set_item (message, "Label", plist_new_string (CLIENT_LABEL));
  plist_dict_set_item (message, "Request", plist_new_string ("StartRestore"));
  plist_dict_set_item (message, "RestoreOptions", ub_restored_build_options (identity));
  plist_dict_set_item (message, "RestoreProtocolVersion", plist_new_uint (self->protocol_version));
  g_debug ("restored request \"StartRestore\" (protocol %" G_GUINT64_FORMAT ")", self->protocol_version);
  ok = ub_restored_send (self, message, error);
  plist_free (message);
  return ok;
}

/**
 * ub_restored_goodbye:
 *
 * Says goodbye and closes the connection. A phone that already went away
 * (it reboots at the end of a restore) is not an error.
 */
gboolean
ub_restored_goodbye (UbRestored  *self,
                     GError     **error)
{
  g_autoptr(GError) local = NULL;
  plist_t reply;

  g_return_val_if_fail (UB_IS_RESTORED (self), FALSE);

  reply = request (self, "Goodbye", NULL, &local);
  g_clear_pointer (&self->connection, idevice_disconnect);
  if (reply == NULL && !g_error_matches (local, UB_ERROR, UB_ERROR_DISCONNECTED))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  g_clear_pointer (&reply, plist_free);
  g_debug ("restored connection closed");
  return TRUE;
}

/**
 * ub_restored_run_loop:
 * @handlers: (nullable): callbacks
 * @cancellable: (nullable): stops the loop between reads
 *
 * Follows restored until the restore ends. Blocking: run it in a worker.
 * Ends with %UB_ERROR_TIMED_OUT after UB_RESTORED_SILENCE_MS of silence
 * (phone time), %UB_ERROR_DISCONNECTED when the phone goes away.
 *
 * Returns: %TRUE when restored reported success (StatusMsg 0)
 */
gboolean
ub_restored_run_loop (UbRestored          *self,
                      UbRestoredHandlers  *handlers,
                      gpointer             user_data,
                      GCancellable        *cancellable,
                      GError             **error)
{
  g_return_val_if_fail (UB_IS_RESTORED (self), FALSE);

  g_debug ("restored message loop starts");
  for (;;)
    {
      plist_t message = ub_restored_receive (self, self->silence_ms, cancellable, error);
      plist_t reply = NULL;
      UbRestoredVerdict verdict;

      if (message == NULL)
        return FALSE;
      verdict = ub_restored_dispatch (self, self->protocol_version, message, handlers, user_data,
                                      &reply, error);
      plist_free (message);
      if (reply != NULL)
        {
          gboolean sent = ub_restored_send (self, reply, verdict == UB_RESTORED_FAILED ? NULL : error);

          plist_free (reply);
          if (!sent && verdict != UB_RESTORED_FAILED)
            return FALSE;
        }
      if (verdict == UB_RESTORED_CONTINUE && handlers != NULL && handlers->keep_going != NULL &&
          !handlers->keep_going (user_data, error))
        verdict = UB_RESTORED_FAILED;
      if (verdict != UB_RESTORED_CONTINUE)
        {
          g_debug ("restored message loop ends: %s", verdict == UB_RESTORED_DONE ? "success" : "failure");
          return verdict == UB_RESTORED_DONE;
        }
    }
}
