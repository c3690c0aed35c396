/* ub-vphone-plist-conn.c — length-prefixed plist messages on a socket
 *
 * Reads messages asynchronously on the main loop and emits ::message for
 * each; writes answers synchronously (they are small, and writing in order
 * keeps usbmuxd's Connect answer ahead of the service that takes the socket
 * over). ::closed comes once, when the peer goes or on a broken message.
 * Messages are XML plists (binary ones are read too).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-vphone-plist-conn"

#include "config.h"

#include <string.h>

#include "ub-vphone-plist-conn.h"

#define USBMUX_HEADER_LEN   16
#define LOCKDOWN_HEADER_LEN 4
#define USBMUX_VERSION      1
#define USBMUX_PLIST        8
#define MAX_MESSAGE         (4 * 1024 * 1024)

struct _UbVphonePlistConn
{
  GObject          parent_instance;

  GIOStream       *stream;
  UbVphoneFraming  framing;
  GCancellable    *cancellable;
  guint8           header[USBMUX_HEADER_LEN];
  guint8          *payload;
  gsize            payload_len;
  guint32          tag;
  gboolean         detached;
  gboolean         discarding;
  gboolean         closed;
  guint8           sink[4096];
};

enum {
  SIGNAL_MESSAGE,
  SIGNAL_CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (UbVphonePlistConn, ub_vphone_plist_conn, G_TYPE_OBJECT)

static void read_header (UbVphonePlistConn *self);

static void
ub_vphone_plist_conn_finalize (GObject *object)
{
  UbVphonePlistConn *self = UB_VPHONE_PLIST_CONN (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->stream);
  g_clear_pointer (&self->payload, g_free);

  G_OBJECT_CLASS (ub_vphone_plist_conn_parent_class)->finalize (object);
}

static void
ub_vphone_plist_conn_class_init (UbVphonePlistConnClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ub_vphone_plist_conn_finalize;

  /**
   * UbVphonePlistConn::message:
   * @tag: the usbmux tag (0 for lockdownd)
   * @message: (type gpointer): the plist_t, valid during the emission
   */
  signals[SIGNAL_MESSAGE] =
    g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_POINTER);
  /**
   * UbVphonePlistConn::closed:
   *
   * The peer closed the connection, or it was closed.
   */
  signals[SIGNAL_CLOSED] =
    g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
ub_vphone_plist_conn_init (UbVphonePlistConn *self)
{
  self->cancellable = g_cancellable_new ();
}

/**
 * ub_vphone_plist_conn_new:
 * @stream: a connected socket
 *
 * Returns: (transfer full): a connection; call ub_vphone_plist_conn_start()
 */
UbVphonePlistConn *
ub_vphone_plist_conn_new (GIOStream       *stream,
                          UbVphoneFraming  framing)
{
  UbVphonePlistConn *self;

  g_return_val_if_fail (G_IS_IO_STREAM (stream), NULL);

  self = g_object_new (UB_TYPE_VPHONE_PLIST_CONN, NULL);
  self->stream = g_object_ref (stream);
  self->framing = framing;
  return self;
}

/**
 * ub_vphone_plist_conn_close:
 *
 * Closes the socket (unless it was detached) and emits ::closed once.
 */
void
ub_vphone_plist_conn_close (UbVphonePlistConn *self)
{
  g_return_if_fail (UB_IS_VPHONE_PLIST_CONN (self));

  if (self->closed)
    return;
  self->closed = TRUE;
  g_cancellable_cancel (self->cancellable);
  if (!self->detached)
    g_io_stream_close (self->stream, NULL, NULL);
  g_object_ref (self);
  g_signal_emit (self, signals[SIGNAL_CLOSED], 0);
  g_object_unref (self);
}

static guint32
read_le32 (const guint8 *p)
{
  return p[0] | p[1] << 8 | p[2] << 16 | (guint32) p[3] << 24;
}

static void
write_le32 (guint8  *p,
            guint32  value)
{
  for (guint i = 0; i < 4; i++)
    p[i] = (value >> (8 * i)) & 0xff;
}

static void
deliver (UbVphonePlistConn *self)
{
  plist_t message = NULL;

  plist_from_memory ((const char *) self->payload, self->payload_len, &message);
  g_clear_pointer (&self->payload, g_free);
  if (message == NULL)
    {
      g_debug ("Unreadable plist; closing");
      ub_vphone_plist_conn_close (self);
      return;
    }
  g_signal_emit (self, signals[SIGNAL_MESSAGE], 0, self->tag, message);
  plist_free (message);
  if (!self->closed && !self->detached && !self->discarding)
    read_header (self);
}

static void
on_payload (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(UbVphonePlistConn) self = data;
  g_autoptr(GError) error = NULL;
  gsize bytes = 0;

  if (!g_input_stream_read_all_finish (G_INPUT_STREAM (source), result, &bytes, &error) ||
      bytes < self->payload_len)
    {
      if (!self->closed)
        ub_vphone_plist_conn_close (self);
      return;
    }
  deliver (self);
}

static gboolean
parse_header (UbVphonePlistConn *self)
{
  guint32 length;

  if (self->framing == UB_VPHONE_FRAMING_LOCKDOWN)
    {
      memcpy (&length, self->header, sizeof (length));
      length = GUINT32_FROM_BE (length);
      self->tag = 0;
    }
  else
    {
      length = read_le32 (self->header);
      self->tag = read_le32 (self->header + 12);
      if (read_le32 (self->header + 8) != USBMUX_PLIST || length < USBMUX_HEADER_LEN)
        {
          g_debug ("Not a usbmux plist message (type %u)", read_le32 (self->header + 8));
          return FALSE;
        }
      length -= USBMUX_HEADER_LEN;
    }
  if (length == 0 || length > MAX_MESSAGE)
    return FALSE;
  self->payload_len = length;
  self->payload = g_malloc (length);
  return TRUE;
}

static void
on_header (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  g_autoptr(UbVphonePlistConn) self = data;
  g_autoptr(GError) error = NULL;
  gsize want = self->framing == UB_VPHONE_FRAMING_USBMUX ? USBMUX_HEADER_LEN : LOCKDOWN_HEADER_LEN;
  gsize bytes = 0;

  if (!g_input_stream_read_all_finish (G_INPUT_STREAM (source), result, &bytes, &error) ||
      bytes < want || !parse_header (self))
    {
      if (!self->closed)
        ub_vphone_plist_conn_close (self);
      return;
    }
  g_input_stream_read_all_async (g_io_stream_get_input_stream (self->stream), self->payload,
                                 self->payload_len, G_PRIORITY_DEFAULT, self->cancellable,
                                 on_payload, g_object_ref (self));
}

static void
read_header (UbVphonePlistConn *self)
{
  gsize want = self->framing == UB_VPHONE_FRAMING_USBMUX ? USBMUX_HEADER_LEN : LOCKDOWN_HEADER_LEN;

  g_input_stream_read_all_async (g_io_stream_get_input_stream (self->stream), self->header, want,
                                 G_PRIORITY_DEFAULT, self->cancellable, on_header,
                                 g_object_ref (self));
}

/**
 * ub_vphone_plist_conn_start:
 *
 * Starts reading messages.
 */
void
ub_vphone_plist_conn_start (UbVphonePlistConn *self)
{
  g_return_if_fail (UB_IS_VPHONE_PLIST_CONN (self));

  if (!self->discarding && !self->closed)
    read_header (self);
}

/**
 * ub_vphone_plist_conn_send:
 * @tag: the usbmux tag to echo (ignored for lockdownd)
 *
 * Returns: %FALSE if the peer is gone (the connection is then closed)
 */
gboolean
ub_vphone_plist_conn_send (UbVphonePlistConn *self,
                           guint32            tag,
                           plist_t            message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) packet = g_byte_array_new ();
  char *xml = NULL;
  uint32_t len = 0;
  guint8 header[USBMUX_HEADER_LEN];
  gsize header_len;

  g_return_val_if_fail (UB_IS_VPHONE_PLIST_CONN (self), FALSE);

  if (self->closed || self->detached)
    return FALSE;
  plist_to_xml (message, &xml, &len);
  if (self->framing == UB_VPHONE_FRAMING_USBMUX)
    {
      write_le32 (header, len + USBMUX_HEADER_LEN);
      write_le32 (header + 4, USBMUX_VERSION);
      write_le32 (header + 8, USBMUX_PLIST);
      write_le32 (header + 12, tag);
      header_len = USBMUX_HEADER_LEN;
    }
  else
    {
      guint32 be = GUINT32_TO_BE (len);

      memcpy (header, &be, sizeof (be));
      header_len = LOCKDOWN_HEADER_LEN;
    }
  g_byte_array_append (packet, header, header_len);
  g_byte_array_append (packet, (const guint8 *) xml, len);
  plist_to_xml_free (xml);
  if (!g_output_stream_write_all (g_io_stream_get_output_stream (self->stream), packet->data,
                                  packet->len, NULL, NULL, &error))
    {
      g_debug ("Peer gone: %s", error->message);
      ub_vphone_plist_conn_close (self);
      return FALSE;
    }
  return TRUE;
}

/**
 * ub_vphone_plist_conn_detach:
 *
 * Stops reading and hands the socket over (usbmuxd's Connect). Call it from
 * a ::message handler.
 *
 * Returns: (transfer full): the socket
 */
GIOStream *
ub_vphone_plist_conn_detach (UbVphonePlistConn *self)
{
  g_return_val_if_fail (UB_IS_VPHONE_PLIST_CONN (self), NULL);

  self->detached = TRUE;
  return g_object_ref (self->stream);
}

static void
on_discarded (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  g_autoptr(UbVphonePlistConn) self = data;
  gssize bytes = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (bytes <= 0)
    {
      if (!self->closed)
        ub_vphone_plist_conn_close (self);
      return;
    }
  g_input_stream_read_async (G_INPUT_STREAM (source), self->sink, sizeof (self->sink),
                             G_PRIORITY_DEFAULT, self->cancellable, on_discarded,
                             g_object_ref (self));
}

/**
 * ub_vphone_plist_conn_discard:
 *
 * From now on, read and drop whatever the peer sends, and never answer: a
 * hung service, or a TLS handshake nobody completes. Call it before
 * ub_vphone_plist_conn_start() or from a ::message handler.
 */
void
ub_vphone_plist_conn_discard (UbVphonePlistConn *self)
{
  g_return_if_fail (UB_IS_VPHONE_PLIST_CONN (self));

  if (self->discarding || self->closed)
    return;
  self->discarding = TRUE;
  g_input_stream_read_async (g_io_stream_get_input_stream (self->stream), self->sink,
                             sizeof (self->sink), G_PRIORITY_DEFAULT, self->cancellable,
                             on_discarded, g_object_ref (self));
}
