/* ub-asr.c — streaming the filesystem image to a phone in restore mode (ASR)
 *
 * Apple Software Restore listens on the restore-mode phone (port 12345, or
 * the DataPort restored names). Its messages are bare XML plists with no
 * length prefix; we buffer until "</plist>" (at most 64 KiB) and parse
 * them with the untrusted-plist parser. The exchange:
 *  1. phone: {Command: Initiate, "Checksum Chunks": bool}
 *  2. host: the packet info (FEC values are only advertised, never used)
 *  3. phone: any number of {Command: OOBData, "OOB Offset", "OOB Length"};
 *     the host answers each with those raw bytes of the image. A second
 *     Initiate makes the host send the packet info again.
 *  4. phone: {Command: Payload}; the host streams the whole image in
 *     131072-byte chunks, each followed by its 20-byte SHA-1 when checksum
 *     chunks are on, and closes the connection.
 * OOBData needs random access, so @image must be a GSeekable that can seek
 * (ub_ipsw_open_component's streams do, straight from the archive). A
 * stream that cannot seek still
 * works while the phone asks for no OOB data. Memory stays bounded: one
 * chunk and one OOB reply at a time, never a copy of the image.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-asr"

#include "config.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>

#include <glib/gi18n-lib.h>
#include <libimobiledevice/libimobiledevice.h>

#include "ub-asr.h"
#include "ub-clock.h"
#include "ub-error.h"
#include "ub-plist.h"
#include "ub-progress-relay.h"

#define CONNECT_TRIES       30
#define CONNECT_DELAY_MS    2000
#define MESSAGE_TIMEOUT_MS  20000   /* the phone says nothing for this long */
#define SEND_TIMEOUT_MS     20000   /* the phone takes no data for this long */
#define READ_SLICE_MS       250     /* cancel is checked this often */
#define MAX_MESSAGE_BYTES   65536
#define MAX_OOB_REQUESTS    4096
#define PROGRESS_INTERVAL_MS 250
#define PLIST_END           "</plist>"

typedef struct
{
  char                 *udid;
  guint16               port;
  GInputStream         *image;
  guint64               size;
  UbProgressRelay      *relay;
  idevice_t             device;
  idevice_connection_t  conn;
  GByteArray           *inbuf;
  gboolean              checksum;
  guint                 message_timeout_ms;
  guint                 send_timeout_ms;
  guint                 connect_delay_ms;
} AsrSend;

static void
asr_send_free (AsrSend *send)
{
  if (send->conn != NULL)
    idevice_disconnect (send->conn);
  if (send->device != NULL)
    idevice_free (send->device);
  g_clear_pointer (&send->relay, ub_progress_relay_unref);
  g_clear_pointer (&send->inbuf, g_byte_array_unref);
  g_clear_object (&send->image);
  g_free (send->udid);
  g_free (send);
}

static gboolean
set_disconnected (GError **error)
{
  g_set_error (error, UB_ERROR, UB_ERROR_DISCONNECTED,
               _("The iPhone was disconnected while iOS was being copied to it."));
  return FALSE;
}

static gboolean
asr_connect (AsrSend       *send,
             GCancellable  *cancellable,
             GError       **error)
{
  if (idevice_new_with_options (&send->device, send->udid, IDEVICE_LOOKUP_USBMUX) != IDEVICE_E_SUCCESS)
    {
      g_set_error (error, UB_ERROR, UB_ERROR_DISCONNECTED,
                   _("The iPhone is no longer connected"));
      return FALSE;
    }
  for (guint try = 1; try <= CONNECT_TRIES; try++)
    {
      if (idevice_connect (send->device, send->port, &send->conn) == IDEVICE_E_SUCCESS)
        {
          g_debug ("Connected to ASR on port %u (try %u)", send->port, try);
          return TRUE;
        }
      send->conn = NULL;
      g_debug ("ASR port %u not open yet (try %u of %u)", send->port, try, CONNECT_TRIES);
      if (try < CONNECT_TRIES &&
          g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (try < CONNECT_TRIES)
        g_usleep ((gulong)send->connect_delay_ms * 1000);
    }
  g_set_error (error, UB_ERROR, UB_ERROR_TIMED_OUT,
               _("The iPhone’s restore system did not open its image port (%u)"), send->port);
  return FALSE;
}

/* The length of the first message in the buffer (through "</plist>"), or 0 */
static gsize
find_message_end (const GByteArray *buf)
{
  gsize n = strlen (PLIST_END);

  for (gsize i = 0; i + n <= buf->len; i++)
    if (buf->data[i] == '<' && memcmp (buf->data + i, PLIST_END, n) == 0)
      return i + n;
  return 0;
}

/* Takes one complete plist off the front of the buffer, if there is one. */
static gboolean
take_message (AsrSend  *send,
              plist_t  *message,
              GError  **error)
{
  gsize len = find_message_end (send->inbuf);

  *message = NULL;
  if (len == 0)
    return TRUE;
  *message = ub_plist_parse_untrusted (send->inbuf->data, len, error);
  g_byte_array_remove_range (send->inbuf, 0, len);
  if (*message == NULL || plist_get_node_type (*message) != PLIST_DICT)
    {
      g_clear_pointer (message, plist_free);
      g_clear_error (error);
      g_set_error (error, UB_ERROR, UB_ERROR_PROTOCOL,
                   _("The iPhone’s image service sent a message that is not a valid property list"));
      return FALSE;
    }
  return TRUE;
}

static plist_t
receive_message (AsrSend       *send,
                 GCancellable  *cancellable,
                 GError       **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64)send->message_timeout_ms * 1000;
  char buf[4096];

  for (;;)
    {
      plist_t message = NULL;
      uint32_t got = 0;
      idevice_error_t err;

      if (!take_message (send, &message, error) || message != NULL)
        return message;
      if (send->inbuf->len > MAX_MESSAGE_BYTES)
        {
          g_set_error (error, UB_ERROR, UB_ERROR_PROTOCOL,
                       _("The iPhone’s image service sent a message larger than %u bytes"),
                       MAX_MESSAGE_BYTES);
          return NULL;
        }
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      if (g_get_monotonic_time () >= deadline)
        {
          g_set_error (error, UB_ERROR, UB_ERROR_TIMED_OUT,
                       _("The iPhone’s image service stopped answering"));
          return NULL;
        }
      err = idevice_connection_receive_timeout (send->conn, buf, sizeof buf, &got, READ_SLICE_MS);
      if (err == IDEVICE_E_TIMEOUT || (err == IDEVICE_E_SUCCESS && got == 0))
        continue;
      if (err != IDEVICE_E_SUCCESS)
        {
          set_disconnected (error);
          return NULL;
        }
      g_byte_array_append (send->inbuf, (const guint8 *)buf, got);
    }
}

/* Waits until the connection takes data, so that a phone that stops
 * reading cannot block the send forever. */
static gboolean
wait_writable (AsrSend       *send,
               int            fd,
               GCancellable  *cancellable,
               GError       **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64)send->send_timeout_ms * 1000;

  for (;;)
    {
      struct pollfd pfd = { .fd = fd, .events = POLLOUT };
      int n = poll (&pfd, 1, READ_SLICE_MS);

      if (n > 0 && (pfd.revents & (POLLERR | POLLHUP | POLLNVAL)) != 0)
        return set_disconnected (error);
      if (n > 0)
        return TRUE;
      if (n < 0 && errno != EINTR)
        return set_disconnected (error);
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (g_get_monotonic_time () >= deadline)
        {
          g_set_error (error, UB_ERROR, UB_ERROR_TIMED_OUT,
                       _("The iPhone stopped taking its system image"));
          return FALSE;
        }
    }
}

static ssize_t
socket_send (int           fd,
             const guint8 *data,
             gsize         len)
{
  return send (fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT);
}

/* Once usbmuxd has connected it, the connection is a plain socket to the
 * phone's port (ASR has no TLS). Writing to it directly with MSG_NOSIGNAL
 * turns a phone that closes mid-stream into an error instead of SIGPIPE,
 * and poll() bounds the wait. */
static gboolean
send_bytes (AsrSend       *send,
            const guint8  *data,
            gsize          len,
            GCancellable  *cancellable,
            GError       **error)
{
  int fd = -1;

  if (idevice_connection_get_fd (send->conn, &fd) != IDEVICE_E_SUCCESS || fd < 0)
    return set_disconnected (error);
  while (len > 0)
    {
      ssize_t sent;

      if (!wait_writable (send, fd, cancellable, error))
        return FALSE;
      sent = socket_send (fd, data, len);
      if (sent < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
        continue;
      if (sent <= 0)
        return set_disconnected (error);
      data += sent;
      len -= (gsize)sent;
    }
  return TRUE;
}

static gboolean
send_packet_info (AsrSend       *send,
                  GCancellable  *cancellable,
                  GError       **error)
{
  plist_t info = plist_new_dict ();
  plist_t payload = plist_new_dict ();
  g_autofree char *xml = NULL;
  uint32_t len = 0;

  plist_dict_set_item (info, "FEC Slice Stride", plist_new_uint (40));
  plist_dict_set_item (info, "Packet Payload Size", plist_new_uint (1450));
  plist_dict_set_item (info, "Packets Per FEC", plist_new_uint (25));
  if (send->checksum)
    plist_dict_set_item (info, "Checksum Chunk Size", plist_new_uint (UB_ASR_CHUNK_SIZE));
  plist_dict_set_item (payload, "Port", plist_new_uint (1));
  plist_dict_set_item (payload, "Size", plist_new_uint (send->size));
  plist_dict_set_item (info, "Payload", payload);
  plist_dict_set_item (info, "Stream ID", plist_new_uint (1));
  plist_dict_set_item (info, "Version", plist_new_uint (1));
  plist_to_xml (info, &xml, &len);
  plist_free (info);
  /* raw bytes follow: send nothing after "</plist>" (no newline) */
  while (len > 0 && g_ascii_isspace (xml[len - 1]))
    len--;
  g_debug ("Sending ASR packet info (size %" G_GUINT64_FORMAT ", checksum chunks %s)",
           send->size, send->checksum ? "on" : "off");
  return send_bytes (send, (const guint8 *)xml, len, cancellable, error);
}

static const char *
message_command (plist_t message)
{
  plist_t node = plist_dict_get_item (message, "Command");

  if (node == NULL || plist_get_node_type (node) != PLIST_STRING)
    return NULL;
  return plist_get_string_ptr (node, NULL);
}

static gboolean
message_uint (plist_t      message,
              const char  *key,
              guint64     *value)
{
  plist_t node = plist_dict_get_item (message, key);

  if (node == NULL || plist_get_node_type (node) != PLIST_UINT)
    return FALSE;
  plist_get_uint_val (node, (uint64_t *)value);
  return TRUE;
}

static gboolean
read_image_at (AsrSend       *send,
               guint64        offset,
               guint8        *buf,
               gsize          len,
               GCancellable  *cancellable,
               GError       **error)
{
  gsize got = 0;

  if (!G_IS_SEEKABLE (send->image) || !g_seekable_can_seek (G_SEEKABLE (send->image)))
    {
      g_set_error (error, UB_ERROR, UB_ERROR_NOT_SUPPORTED,
                   _("The iPhone asked for parts of the system image out of order, "
                     "and the image cannot be read that way"));
      return FALSE;
    }
  if (!g_seekable_seek (G_SEEKABLE (send->image), (goffset)offset, G_SEEK_SET, cancellable, error) ||
      !g_input_stream_read_all (send->image, buf, len, &got, cancellable, error))
    return FALSE;
  if (got != len)
    {
      g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                   _("The system image ended after %llu of %llu bytes"),
                   (unsigned long long)(offset + got), (unsigned long long)send->size);
      return FALSE;
    }
  return TRUE;
}

/* Untrusted: the range must lie inside the image, the length is bounded. */
static gboolean
answer_oob (AsrSend       *send,
            plist_t        message,
            GCancellable  *cancellable,
            GError       **error)
{
  guint64 offset = 0, length = 0;
  g_autofree guint8 *buf = NULL;

  if (!message_uint (message, "OOB Offset", &offset) || !message_uint (message, "OOB Length", &length) ||
      length == 0 || length > UB_ASR_MAX_OOB_LENGTH || offset > send->size || length > send->size - offset)
    {
      g_set_error (error, UB_ERROR, UB_ERROR_PROTOCOL,
                   _("The iPhone’s image service asked for bytes outside the system image (command “%s”)"),
                   "OOBData");
      return FALSE;
    }
  g_debug ("ASR OOBData: %" G_GUINT64_FORMAT " bytes at %" G_GUINT64_FORMAT, length, offset);
  buf = g_malloc (length);
  return read_image_at (send, offset, buf, length, cancellable, error) &&
         send_bytes (send, buf, length, cancellable, error);
}

static void
read_checksum_flag (AsrSend *send,
                    plist_t  message)
{
  plist_t node = plist_dict_get_item (message, "Checksum Chunks");
  uint8_t value = 0;

  if (node != NULL && plist_get_node_type (node) == PLIST_BOOLEAN)
    plist_get_bool_val (node, &value);
  send->checksum = value != 0;
}

typedef enum
{
  STEP_MORE,
  STEP_PAYLOAD,
  STEP_FAILED,
} Step;

static Step
unexpected (const char  *command,
            GError     **error)
{
  g_set_error (error, UB_ERROR, UB_ERROR_PROTOCOL,
               _("The iPhone’s image service sent an unexpected command “%s”"),
               command != NULL ? command : _("(none)"));
  return STEP_FAILED;
}

/* Answers one message of the handshake; the first must be Initiate. */
static Step
answer_message (AsrSend       *send,
                plist_t        message,
                gboolean       first,
                GCancellable  *cancellable,
                GError       **error)
{
  const char *command = message_command (message);

  if (command == NULL || (first && !g_str_equal (command, "Initiate")))
    return unexpected (command, error);
  g_debug ("ASR command \"%s\"", command);
  if (g_str_equal (command, "Initiate"))
    {
      read_checksum_flag (send, message);
      return send_packet_info (send, cancellable, error) ? STEP_MORE : STEP_FAILED;
    }
  if (g_str_equal (command, "OOBData"))
    return answer_oob (send, message, cancellable, error) ? STEP_MORE : STEP_FAILED;
  if (g_str_equal (command, "Payload"))
    return STEP_PAYLOAD;
  return unexpected (command, error);
}

/* From the first Initiate to Payload. */
static gboolean
handshake (AsrSend       *send,
           GCancellable  *cancellable,
           GError       **error)
{
  for (guint n = 0; n <= MAX_OOB_REQUESTS; n++)
    {
      plist_t message = receive_message (send, cancellable, error);
      Step step;

      if (message == NULL)
        return FALSE;
      step = answer_message (send, message, n == 0, cancellable, error);
      plist_free (message);
      if (step != STEP_MORE)
        return step == STEP_PAYLOAD;
    }
  g_set_error (error, UB_ERROR, UB_ERROR_PROTOCOL,
               _("The iPhone’s image service asked for too many parts of the image (command “%s”)"),
               "OOBData");
  return FALSE;
}

static gboolean
send_chunk (AsrSend       *send,
            const guint8  *chunk,
            gsize          len,
            GCancellable  *cancellable,
            GError       **error)
{
  guint8 digest[20];
  gsize digest_len = sizeof digest;
  g_autoptr(GChecksum) sha1 = NULL;

  if (!send_bytes (send, chunk, len, cancellable, error))
    return FALSE;
  if (!send->checksum)
    return TRUE;
  sha1 = g_checksum_new (G_CHECKSUM_SHA1);
  g_checksum_update (sha1, chunk, len);
  g_checksum_get_digest (sha1, digest, &digest_len);
  return send_bytes (send, digest, digest_len, cancellable, error);
}

static gboolean
stream_payload (AsrSend       *send,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autofree guint8 *chunk = g_malloc (UB_ASR_CHUNK_SIZE);
  guint64 done = 0;

  if (G_IS_SEEKABLE (send->image) && g_seekable_can_seek (G_SEEKABLE (send->image)) &&
      !g_seekable_seek (G_SEEKABLE (send->image), 0, G_SEEK_SET, cancellable, error))
    return FALSE;
  g_debug ("Streaming %" G_GUINT64_FORMAT " bytes to ASR", send->size);
  while (done < send->size)
    {
      gsize want = (gsize)MIN ((guint64)UB_ASR_CHUNK_SIZE, send->size - done);
      gsize got = 0;

      if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
          !g_input_stream_read_all (send->image, chunk, want, &got, cancellable, error))
        return FALSE;
      if (got != want)
        {
          g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                       _("The system image ended after %llu of %llu bytes"),
                       (unsigned long long)(done + got), (unsigned long long)send->size);
          return FALSE;
        }
      if (!send_chunk (send, chunk, got, cancellable, error))
        return FALSE;
      done += got;
      if (send->relay != NULL)
        ub_progress_relay_update (send->relay, done, send->size, done == send->size);
    }
  g_debug ("Image sent to ASR (%" G_GUINT64_FORMAT " bytes)", done);
  return TRUE;
}

static void
asr_send_worker (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  AsrSend *send = task_data;
  g_autoptr(GError) error = NULL;

  if (!asr_connect (send, cancellable, &error) ||
      !handshake (send, cancellable, &error) ||
      !stream_payload (send, cancellable, &error))
    {
      g_debug ("ASR failed: %s", error->message);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/**
 * ub_asr_send_async:
 * @udid: the phone in restore mode
 * @port: ASR's port (restored's DataPort), 0 for the usual 12345
 * @image: the system image; a seekable stream if the phone asks for OOB data
 * @size: its size in bytes
 * @progress: (nullable): bytes sent, on the caller's main context, ≤ 4/s
 *
 * Connects to ASR (30 tries, 2 s apart), answers its handshake and streams
 * @image. Errors: %UB_ERROR_DISCONNECTED (unplugged), %UB_ERROR_TIMED_OUT
 * (silence), %UB_ERROR_PROTOCOL (a malformed message, an unknown command or
 * an out-of-range OOB request), %G_IO_ERROR_CANCELLED between chunks.
 */
void
ub_asr_send_async (const char          *udid,
                   guint16              port,
                   GInputStream        *image,
                   guint64              size,
                   GCancellable        *cancellable,
                   UbAsrProgressFunc    progress,
                   gpointer             progress_data,
                   GDestroyNotify       progress_destroy,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  UbClock *clock = ub_clock_get_default ();
  AsrSend *send;

  g_return_if_fail (udid != NULL);
  g_return_if_fail (G_IS_INPUT_STREAM (image));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ub_asr_send_async);
  send = g_new0 (AsrSend, 1);
  send->udid = g_strdup (udid);
  send->port = port != 0 ? port : UB_ASR_DEFAULT_PORT;
  send->image = g_object_ref (image);
  send->size = size;
  send->inbuf = g_byte_array_new ();
  send->message_timeout_ms = ub_clock_scale_ms (clock, MESSAGE_TIMEOUT_MS);
  send->send_timeout_ms = ub_clock_scale_ms (clock, SEND_TIMEOUT_MS);
  send->connect_delay_ms = ub_clock_scale_ms (clock, CONNECT_DELAY_MS);
  if (progress != NULL)
    send->relay = ub_progress_relay_new (progress, progress_data, progress_destroy, PROGRESS_INTERVAL_MS);
  else if (progress_destroy != NULL)
    progress_destroy (progress_data);
  g_task_set_task_data (task, send, (GDestroyNotify) asr_send_free);
  g_debug ("ASR send of %" G_GUINT64_FORMAT " bytes to \"%s\" port %u", size, udid, send->port);
  g_task_run_in_thread (task, asr_send_worker);
}

/**
 * ub_asr_send_finish:
 *
 * Returns: %TRUE when the whole image was sent
 */
gboolean
ub_asr_send_finish (GAsyncResult  *result,
                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ub_asr_send_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
