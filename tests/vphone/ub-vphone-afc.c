/* ub-vphone-afc.c — the phone's AFC service, as far as the sync lock needs it
 *
 * AFC packets: a 40-byte header ("CFA6LPAA", then little-endian 64-bit
 * entire length, header-plus-data length, packet number and operation),
 * then the data. The host's backup opens /com.apple.itunes.lock_sync
 * (FileRefOpen, answered with a handle), locks it (FileRefLock: exclusive,
 * or unlock) and closes it (FileRefClose). Only these are served; anything
 * else is answered with "operation not supported". One exclusive lock for
 * the whole phone: a second host's lock would block (AFC error 19), as it
 * does under the fault sync-busy. Recorded: `afc open PATH`, `afc lock
 * ex|un RESULT`, `afc close`.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-vphone-afc"

#include "config.h"

#include <string.h>

#include "ub-vphone-afc.h"

#define MAGIC          "CFA6LPAA"
#define HEADER_LEN     40
#define MAX_PACKET     (64 * 1024)
#define OP_STATUS      0x01
#define OP_FILE_OPEN   0x0D
#define OP_OPEN_RESULT 0x0E
#define OP_FILE_CLOSE  0x14
#define OP_FILE_LOCK   0x1B
#define LOCK_EX        2
#define LOCK_UN        8
#define E_SUCCESS          0
#define E_NOT_SUPPORTED    15
#define E_WOULD_BLOCK      19

typedef struct
{
  UbVphoneAfc  *afc;
  GIOStream    *stream;
  GCancellable *cancellable;
  guint8        header[HEADER_LEN];
  guint8       *data;
  gsize         data_len;
} Conn;

struct _UbVphoneAfc
{
  GObject           parent_instance;

  UbVphoneFaults   *faults;
  UbVphoneRecorder *recorder;
  GPtrArray        *conns;        /* Conn */
  Conn             *lock_owner;
  guint64           next_handle;
};

static void ub_vphone_afc_service_init (UbVphoneServiceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (UbVphoneAfc, ub_vphone_afc, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (UB_TYPE_VPHONE_SERVICE,
                                                      ub_vphone_afc_service_init))

static void read_header (Conn *conn);

static guint64
read_le64 (const guint8 *p)
{
  guint64 v = 0;

  for (int i = 7; i >= 0; i--)
    v = v << 8 | p[i];
  return v;
}

static void
write_le64 (guint8  *p,
            guint64  v)
{
  for (guint i = 0; i < 8; i++)
    p[i] = (v >> (8 * i)) & 0xff;
}

static void
conn_clear (Conn *conn)
{
  g_clear_object (&conn->stream);
  g_clear_object (&conn->cancellable);
  g_free (conn->data);
}

static void
conn_unref (Conn *conn)
{
  g_rc_box_release_full (conn, (GDestroyNotify)conn_clear);
}

/* The list's reference: dropping it ends the connection */
static void
conn_drop (Conn *conn)
{
  g_cancellable_cancel (conn->cancellable);
  g_io_stream_close (conn->stream, NULL, NULL);
  conn_unref (conn);
}

static void
conn_end (Conn *conn)
{
  UbVphoneAfc *self = conn->afc;

  if (self->lock_owner == conn)
    self->lock_owner = NULL;
  g_ptr_array_remove (self->conns, conn);
}

static void
reply (Conn    *conn,
       guint64  operation,
       guint64  value)
{
  guint8 packet[HEADER_LEN + 8];

  memcpy (packet, MAGIC, 8);
  write_le64 (packet + 8, sizeof packet);
  write_le64 (packet + 16, sizeof packet);
  write_le64 (packet + 24, read_le64 (conn->header + 24));
  write_le64 (packet + 32, operation);
  write_le64 (packet + HEADER_LEN, value);
  g_output_stream_write_all (g_io_stream_get_output_stream (conn->stream), packet, sizeof packet,
                             NULL, NULL, NULL);
}

static guint64
lock (Conn    *conn,
      guint64  operation)
{
  UbVphoneAfc *self = conn->afc;
  guint64 result = E_SUCCESS;

  if (operation & LOCK_UN)
    {
      if (self->lock_owner == conn)
        self->lock_owner = NULL;
    }
  else if (ub_vphone_faults_is_active (self->faults, UB_VPHONE_FAULT_SYNC_BUSY) ||
           (self->lock_owner != NULL && self->lock_owner != conn))
    result = E_WOULD_BLOCK;
  else
    self->lock_owner = conn;
  ub_vphone_recorder_log (self->recorder, "afc lock %s %s", (operation & LOCK_UN) ? "un" : "ex",
                          result == E_SUCCESS ? "ok" : "would-block");
  return result;
}

static void
handle (Conn *conn)
{
  UbVphoneAfc *self = conn->afc;
  guint64 operation = read_le64 (conn->header + 32);

  g_debug ("AFC operation 0x%" G_GINT64_MODIFIER "x, %" G_GSIZE_FORMAT " bytes", operation, conn->data_len);
  if (operation == OP_FILE_OPEN && conn->data_len > 8)
    {
      g_autofree char *path = g_strndup ((const char *)conn->data + 8, conn->data_len - 8);

      ub_vphone_recorder_log (self->recorder, "afc open %s", path);
      reply (conn, OP_OPEN_RESULT, ++self->next_handle);
    }
  else if (operation == OP_FILE_LOCK && conn->data_len >= 16)
    reply (conn, OP_STATUS, lock (conn, read_le64 (conn->data + 8)));
  else if (operation == OP_FILE_CLOSE)
    {
      ub_vphone_recorder_log (self->recorder, "afc close");
      if (self->lock_owner == conn)
        self->lock_owner = NULL;
      reply (conn, OP_STATUS, E_SUCCESS);
    }
  else
    reply (conn, OP_STATUS, E_NOT_SUPPORTED);
}

static void
on_data (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  Conn *conn = data;
  gsize got = 0;

  if (!g_input_stream_read_all_finish (G_INPUT_STREAM (source), result, &got, NULL) || got < conn->data_len)
    {
      if (!g_cancellable_is_cancelled (conn->cancellable))
        conn_end (conn);
    }
  else
    {
      handle (conn);
      read_header (conn);
    }
  conn_unref (conn);
}

static void
on_header (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  Conn *conn = data;
  gsize got = 0;
  guint64 length;

  if (!g_input_stream_read_all_finish (G_INPUT_STREAM (source), result, &got, NULL) ||
      got < HEADER_LEN || memcmp (conn->header, MAGIC, 8) != 0 ||
      (length = read_le64 (conn->header + 8)) < HEADER_LEN || length > MAX_PACKET)
    {
      if (!g_cancellable_is_cancelled (conn->cancellable))
        conn_end (conn);
      conn_unref (conn);
      return;
    }
  conn->data_len = length - HEADER_LEN;
  g_free (conn->data);
  conn->data = g_malloc (MAX (conn->data_len, 1));
  /* the reference passes on to on_data() */
  g_input_stream_read_all_async (g_io_stream_get_input_stream (conn->stream), conn->data, conn->data_len,
                                 G_PRIORITY_DEFAULT, conn->cancellable, on_data, conn);
}

static void
read_header (Conn *conn)
{
  g_input_stream_read_all_async (g_io_stream_get_input_stream (conn->stream), conn->header, HEADER_LEN,
                                 G_PRIORITY_DEFAULT, conn->cancellable, on_header, g_rc_box_acquire (conn));
}

static void
ub_vphone_afc_accept (UbVphoneService *service,
                      GIOStream       *stream)
{
  UbVphoneAfc *self = UB_VPHONE_AFC (service);
  Conn *conn = g_rc_box_new0 (Conn);

  conn->afc = self;
  conn->stream = g_object_ref (stream);
  conn->cancellable = g_cancellable_new ();
  g_ptr_array_add (self->conns, conn);
  read_header (conn);
}

static void
ub_vphone_afc_close_all (UbVphoneService *service)
{
  UbVphoneAfc *self = UB_VPHONE_AFC (service);

  self->lock_owner = NULL;
  g_ptr_array_set_size (self->conns, 0);
}

static void
ub_vphone_afc_service_init (UbVphoneServiceInterface *iface)
{
  iface->accept = ub_vphone_afc_accept;
  iface->close_all = ub_vphone_afc_close_all;
}

static void
ub_vphone_afc_dispose (GObject *object)
{
  UbVphoneAfc *self = UB_VPHONE_AFC (object);

  g_clear_pointer (&self->conns, g_ptr_array_unref);
  g_clear_object (&self->faults);
  g_clear_object (&self->recorder);

  G_OBJECT_CLASS (ub_vphone_afc_parent_class)->dispose (object);
}

static void
ub_vphone_afc_class_init (UbVphoneAfcClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = ub_vphone_afc_dispose;
}

static void
ub_vphone_afc_init (UbVphoneAfc *self)
{
  self->conns = g_ptr_array_new_with_free_func ((GDestroyNotify)conn_drop);
}

UbVphoneAfc *
ub_vphone_afc_new (UbVphoneFaults   *faults,
                   UbVphoneRecorder *recorder)
{
  UbVphoneAfc *self = g_object_new (UB_TYPE_VPHONE_AFC, NULL);

  self->faults = g_object_ref (faults);
  self->recorder = g_object_ref (recorder);
  return self;
}
