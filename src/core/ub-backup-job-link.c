/* ub-backup-job-link.c — DeviceLink messages and raw bytes, each with a deadline
 *
 * The backup service speaks Apple's DeviceLink: plists framed by a 4-byte
 * big-endian length (binary plists from the host; the phone may send XML),
 * each an array whose first item names the message. Between messages come
 * raw file streams.
 *
 * libimobiledevice 1.3.0's mobilebackup2 client waits 30 s on every read,
 * and its raw read answers "0 bytes" alike for a slow phone and for a pulled
 * cable; it also hands the phone's plists to libplist unchecked, which
 * aborts the program on a string with a NUL in it (ub-plist.c). So the
 * protocol is spoken here, on the public service connection underneath
 * (service_client_new() starts TLS when the phone asks for it, as the
 * mobilebackup2 client does): reads wait at most 250 ms at a time and look
 * at the cancellable in between, a phone silent for the whole of its
 * allowance (UbBackupJob.stall_ms) ends the backup with %UB_ERROR_TIMED_OUT,
 * and what the phone sends is parsed with ub_plist_parse_untrusted().
 *
 * Over TLS, 1.3.0 drops the bytes a read had got when it times out part way,
 * so there a read waits for the whole allowance at once; the caller's task
 * returns at once on cancel anyway (ub-backup-job.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-backup"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ub-backup-job-private.h"
#include "ub-error.h"
#include "ub-plist.h"

#define SLICE_MS            250
#define WRITE_CHUNK         (256 * 1024)
#define DL_VERSION_MAJOR    300
#define EMPTY_PARAMETER     "___EmptyParameterString___"

static gboolean
set_lost_error (UbBackupSession  *s,
                int               status,
                GError          **error)
{
  g_debug ("Backup of %s: the connection ended (service error %d)", s->job->udid, status);
  if (_ub_backup_phone_is_connected (s->job->udid))
    g_set_error_literal (error, UB_ERROR, UB_ERROR_DISCONNECTED,
                         _("The iPhone ended the connection in the middle of the backup. Unlock it, "
                           "keep it connected and try again."));
  else
    g_set_error_literal (error, UB_ERROR, UB_ERROR_DISCONNECTED,
                         _("The iPhone was disconnected in the middle of the backup. Check the cable, "
                           "connect it again and try again."));
  return FALSE;
}

/**
 * _ub_backup_link_read:
 *
 * Reads exactly @length bytes.
 */
gboolean
_ub_backup_link_read (UbBackupSession  *s,
                      void             *buffer,
                      gsize             length,
                      GError          **error)
{
  gsize done = 0;

  while (done < length)
    {
      guint32 want = (guint32)MIN (length - done, G_MAXINT32);
      uint32_t got = 0;
      guint wait_ms;
      service_error_t status;

      if (g_cancellable_set_error_if_cancelled (s->cancellable, error) ||
          !_ub_backup_job_wait_budget (s->job, &wait_ms, error))
        return FALSE;
      status = service_receive_with_timeout (s->service, (char *)buffer + done, want, &got,
                                             s->ssl ? wait_ms : MIN (wait_ms, SLICE_MS));
      if (got > 0)
        {
          done += got;
          _ub_backup_job_touch (s->job);
          continue;
        }
      if (status != SERVICE_E_SUCCESS && status != SERVICE_E_TIMEOUT &&
          status != SERVICE_E_NOT_ENOUGH_DATA)
        return set_lost_error (s, status, error);
    }
  return TRUE;
}

gboolean
_ub_backup_link_read_be32 (UbBackupSession  *s,
                           guint32          *value,
                           GError          **error)
{
  guint8 bytes[4];

  if (!_ub_backup_link_read (s, bytes, sizeof bytes, error))
    return FALSE;
  *value = (guint32)bytes[0] << 24 | (guint32)bytes[1] << 16 | (guint32)bytes[2] << 8 | bytes[3];
  return TRUE;
}

/**
 * _ub_backup_link_write:
 *
 * Writes all of @buffer. A phone that stops reading blocks the write; the
 * caller's task gives up on the worker then (ub-backup-job.c).
 */
gboolean
_ub_backup_link_write (UbBackupSession  *s,
                       const void       *buffer,
                       gsize             length,
                       GError          **error)
{
  gsize done = 0;

  while (done < length)
    {
      uint32_t sent = 0;
      service_error_t status;

      if (g_cancellable_set_error_if_cancelled (s->cancellable, error))
        return FALSE;
      status = service_send (s->service, (const char *)buffer + done,
                             (uint32_t)MIN (length - done, WRITE_CHUNK), &sent);
      if (status != SERVICE_E_SUCCESS || sent == 0)
        return set_lost_error (s, status, error);
      done += sent;
      _ub_backup_job_touch (s->job);
    }
  return TRUE;
}

static gboolean
set_protocol_error (GError     **error,
                    const char  *what)
{
  g_debug ("Unexpected from the phone: %s", what);
  g_set_error_literal (error, UB_ERROR, UB_ERROR_PROTOCOL,
                       _("The iPhone sent something this computer does not understand. The backup "
                         "was stopped."));
  return FALSE;
}

/**
 * _ub_backup_message_name:
 *
 * Returns: (nullable): the message's name ("DLMessageUploadFiles"), or %NULL
 *   if @message is not a DeviceLink message
 */
const char *
_ub_backup_message_name (plist_t message)
{
  plist_t first;

  if (message == NULL || plist_get_node_type (message) != PLIST_ARRAY || plist_array_get_size (message) < 1)
    return NULL;
  first = plist_array_get_item (message, 0);
  if (plist_get_node_type (first) != PLIST_STRING)
    return NULL;
  return plist_get_string_ptr (first, NULL);   /* NUL-free: ub_plist_parse_untrusted() */
}

/**
 * _ub_backup_message_arg:
 *
 * Returns: (transfer none) (nullable): item @index of @message if it has
 *   @type
 */
plist_t
_ub_backup_message_arg (plist_t    message,
                        guint      index,
                        plist_type type)
{
  plist_t node;

  if (plist_array_get_size (message) <= index)
    return NULL;
  node = plist_array_get_item (message, index);
  return plist_get_node_type (node) == type ? node : NULL;
}

/**
 * _ub_backup_link_receive:
 *
 * Returns: (transfer full): the next DeviceLink message, an array whose
 *   first item is a string
 */
plist_t
_ub_backup_link_receive (UbBackupSession  *s,
                         GError          **error)
{
  g_autofree guint8 *data = NULL;
  guint32 length;
  plist_t message;

  if (!_ub_backup_link_read_be32 (s, &length, error))
    return NULL;
  if (length == 0 || length > UB_BACKUP_MAX_MESSAGE)
    {
      set_protocol_error (error, "message length out of range");
      return NULL;
    }
  data = g_malloc (length);
  if (!_ub_backup_link_read (s, data, length, error))
    return NULL;
  message = ub_plist_parse_untrusted (data, length, NULL);
  if (_ub_backup_message_name (message) == NULL)
    {
      g_clear_pointer (&message, plist_free);
      set_protocol_error (error, "not a DeviceLink message");
      return NULL;
    }
  g_debug ("Backup of %s: the phone sends %s", s->job->udid, _ub_backup_message_name (message));
  return message;
}

gboolean
_ub_backup_link_send (UbBackupSession  *s,
                      plist_t           message,
                      GError          **error)
{
  char *bin = NULL;
  uint32_t len = 0;
  g_autofree guint8 *packet = NULL;
  guint32 be;

  plist_to_bin (message, &bin, &len);
  if (bin == NULL)
    return set_protocol_error (error, "plist_to_bin failed");
  packet = g_malloc (len + 4);
  be = GUINT32_TO_BE (len);
  memcpy (packet, &be, 4);
  memcpy (packet + 4, bin, len);
  plist_to_bin_free (bin);
  return _ub_backup_link_write (s, packet, len + 4, error);
}

/**
 * _ub_backup_link_send_status:
 * @code: 0, or a negative error code
 * @text: (nullable): its description
 * @status: (transfer full) (nullable): what the phone asked for
 *
 * Answers a request of the phone with a DLMessageStatusResponse.
 */
gboolean
_ub_backup_link_send_status (UbBackupSession  *s,
                             gint64            code,
                             const char       *text,
                             plist_t           status,
                             GError          **error)
{
  plist_t message = plist_new_array ();
  gboolean ok;

  plist_array_append_item (message, plist_new_string ("DLMessageStatusResponse"));
  plist_array_append_item (message, plist_new_uint ((guint64)code));
  plist_array_append_item (message, plist_new_string (text != NULL ? text : EMPTY_PARAMETER));
  plist_array_append_item (message, status != NULL ? status : plist_new_dict ());
  ok = _ub_backup_link_send (s, message, error);
  plist_free (message);
  return ok;
}

static plist_t
receive_named (UbBackupSession  *s,
               const char       *name,
               GError          **error)
{
  plist_t message = _ub_backup_link_receive (s, error);

  if (message != NULL && !g_str_equal (_ub_backup_message_name (message), name))
    {
      g_clear_pointer (&message, plist_free);
      set_protocol_error (error, name);
    }
  return message;
}

static gboolean
exchange_versions (UbBackupSession  *s,
                   GError          **error)
{
  g_autoptr(GError) local = NULL;
  plist_t message = receive_named (s, "DLMessageVersionExchange", &local);
  plist_t major, answer;
  guint64 version = 0;
  gboolean ok;

  if (message == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  major = _ub_backup_message_arg (message, 1, PLIST_UINT);
  if (major != NULL)
    plist_get_uint_val (major, &version);
  plist_free (message);
  g_debug ("Backup of %s: DeviceLink version %" G_GUINT64_FORMAT, s->job->udid, version);
  if (version > DL_VERSION_MAJOR)
    return set_protocol_error (error, "DeviceLink version too new");
  answer = plist_new_array ();
  plist_array_append_item (answer, plist_new_string ("DLMessageVersionExchange"));
  plist_array_append_item (answer, plist_new_string ("DLVersionsOk"));
  plist_array_append_item (answer, plist_new_uint (DL_VERSION_MAJOR));
  ok = _ub_backup_link_send (s, answer, error);
  plist_free (answer);
  if (!ok || (message = receive_named (s, "DLMessageDeviceReady", error)) == NULL)
    return FALSE;
  plist_free (message);
  return TRUE;
}

/* The backup service's own version, in its Hello */
static gboolean
say_hello (UbBackupSession  *s,
           GError          **error)
{
  plist_t message = plist_new_array ();
  plist_t hello = plist_new_dict ();
  plist_t versions = plist_new_array ();
  plist_t reply, code, version;
  guint64 error_code = 1;
  double protocol = 0;
  gboolean ok;

  plist_array_append_item (versions, plist_new_real (2.0));
  plist_array_append_item (versions, plist_new_real (2.1));
  plist_dict_set_item (hello, "MessageName", plist_new_string ("Hello"));
  plist_dict_set_item (hello, "SupportedProtocolVersions", versions);
  plist_array_append_item (message, plist_new_string ("DLMessageProcessMessage"));
  plist_array_append_item (message, hello);
  ok = _ub_backup_link_send (s, message, error);
  plist_free (message);
  if (!ok || (reply = receive_named (s, "DLMessageProcessMessage", error)) == NULL)
    return FALSE;
  hello = _ub_backup_message_arg (reply, 1, PLIST_DICT);
  code = hello ? plist_dict_get_item (hello, "ErrorCode") : NULL;
  version = hello ? plist_dict_get_item (hello, "ProtocolVersion") : NULL;
  if (code != NULL && plist_get_node_type (code) == PLIST_UINT)
    plist_get_uint_val (code, &error_code);
  if (version != NULL && plist_get_node_type (version) == PLIST_REAL)
    plist_get_real_val (version, &protocol);
  plist_free (reply);
  g_debug ("Backup of %s: Hello answered with error %" G_GUINT64_FORMAT ", protocol %.1f",
           s->job->udid, error_code, protocol);
  if (error_code == 0 && (protocol == 2.0 || protocol == 2.1))
    return TRUE;
  g_set_error_literal (error, UB_ERROR, UB_ERROR_NOT_SUPPORTED,
                       _("This iPhone’s backup service speaks a version this computer does not know."));
  return FALSE;
}

/**
 * _ub_backup_link_hello:
 *
 * The DeviceLink version exchange, then the backup service's Hello.
 */
gboolean
_ub_backup_link_hello (UbBackupSession  *s,
                       GError          **error)
{
  return exchange_versions (s, error) && say_hello (s, error);
}

/**
 * _ub_backup_link_disconnect:
 *
 * Says goodbye (DLMessageDisconnect) if the connection is still there.
 */
void
_ub_backup_link_disconnect (UbBackupSession *s)
{
  plist_t message = plist_new_array ();
  char *bin = NULL;
  uint32_t len = 0, sent = 0;
  guint32 be;

  plist_array_append_item (message, plist_new_string ("DLMessageDisconnect"));
  plist_array_append_item (message, plist_new_string (EMPTY_PARAMETER));
  plist_to_bin (message, &bin, &len);
  plist_free (message);
  be = GUINT32_TO_BE (len);
  /* Not _ub_backup_link_write(): the backup may be cancelled already */
  if (service_send (s->service, (const char *)&be, 4, &sent) == SERVICE_E_SUCCESS && sent == 4)
    service_send (s->service, bin, len, &sent);
  plist_to_bin_free (bin);
  g_debug ("Backup of %s: disconnected", s->job->udid);
}
