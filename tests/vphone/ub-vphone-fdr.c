/* ub-vphone-fdr.c — the phone side of the FDR relay (restore mode)
 *
 * Port 1082 takes the host's control connection: "BeginCtrl\0", then a
 * frame (little-endian 32-bit length + binary plist) {Command: BeginCtrl,
 * CtrlProtoVersion: 2}, answered {ConnPort: 1083}; the phone records
 * "fdr control ok" (ub_vphone_fdr_is_ready() is TRUE from then until the
 * phone leaves usbmuxd) and asks for one connection (command 1 + 2 bytes).
 * Port 1083 takes that connection: "HelloConn\0", answered {Command:
 * HelloConn, Identifier}; then a Ping (0xBBAA + {Command: Ping}) whose
 * {Pong: true} gives "fdr ping ok"; then, when a target is set (`set
 * fdr-target HOST:PORT`, or $UNBRICK_VPHONE_FDR_TARGET), a proxy request
 * (0x105 + 00 03 len host port) that must be answered by LE16 5 and the
 * echoed request, then fdr-size bytes (default 65536) sent in 16 KiB
 * pieces, each of which must come back unchanged (the target is an echo
 * server): "fdr proxy ok N bytes". Any failure is recorded as
 * "fdr control failed: …", "fdr ping failed: …" or "fdr proxy failed: …".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-vphone-fdr"

#include "config.h"

#include <string.h>

#include <plist/plist.h>

#include "ub-vphone-fdr.h"

#define MAX_FRAME      65536
#define PIECE          16384
#define DEFAULT_SIZE   65536
#define MAX_SIZE       (64 * 1024 * 1024)

struct _UbVphoneFdr
{
  GObject           parent_instance;

  UbVphoneFaults   *faults;
  UbVphoneRecorder *recorder;
  GObject          *conn_service;
  GMutex            lock;
  char             *target;       /* "host:port", or NULL */
  guint64           size;
  gboolean          ready;
  GPtrArray        *cancellables; /* one per open connection */
  guint             next_id;
};

typedef struct _FdrConn FdrConn;
struct _FdrConn
{
  UbVphoneFdr  *fdr;
  GIOStream    *stream;
  GCancellable *cancellable;
  void        (*serve) (FdrConn *conn);
};

/* --- the connection port: a second service sharing the state ------------ */

#define UB_TYPE_VPHONE_FDR_CONN (ub_vphone_fdr_conn_get_type ())
G_DECLARE_FINAL_TYPE (UbVphoneFdrConn, ub_vphone_fdr_conn, UB, VPHONE_FDR_CONN, GObject)

struct _UbVphoneFdrConn
{
  GObject      parent_instance;
  UbVphoneFdr *fdr;     /* owns this */
};

static void ub_vphone_fdr_service_init (UbVphoneServiceInterface *iface);
static void ub_vphone_fdr_conn_service_init (UbVphoneServiceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (UbVphoneFdr, ub_vphone_fdr, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (UB_TYPE_VPHONE_SERVICE, ub_vphone_fdr_service_init))
G_DEFINE_FINAL_TYPE_WITH_CODE (UbVphoneFdrConn, ub_vphone_fdr_conn, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (UB_TYPE_VPHONE_SERVICE, ub_vphone_fdr_conn_service_init))

/* --- I/O ------------------------------------------------------------------ */

static gboolean
read_exact (FdrConn  *conn,
            void     *buf,
            gsize     len,
            GError  **error)
{
  gsize got = 0;

  if (!g_input_stream_read_all (g_io_stream_get_input_stream (conn->stream), buf, len, &got,
                                conn->cancellable, error))
    return FALSE;
  if (got != len)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED,
                   "the host closed the connection after %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " bytes",
                   got, len);
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_all (FdrConn     *conn,
           const void  *buf,
           gsize        len,
           GError     **error)
{
  return g_output_stream_write_all (g_io_stream_get_output_stream (conn->stream), buf, len, NULL,
                                    conn->cancellable, error);
}

static gboolean
write_command (FdrConn  *conn,
               guint16   command,
               GError  **error)
{
  guint16 le = GUINT16_TO_LE (command);

  return write_all (conn, &le, sizeof le, error);
}

static gboolean
write_frame (FdrConn  *conn,
             plist_t   message,
             GError  **error)
{
  char *bin = NULL;
  uint32_t len = 0;
  guint32 le;
  gboolean ok;

  plist_to_bin (message, &bin, &len);
  plist_free (message);
  le = GUINT32_TO_LE (len);
  ok = write_all (conn, &le, sizeof le, error) && write_all (conn, bin, len, error);
  free (bin);
  return ok;
}

static plist_t
read_frame (FdrConn  *conn,
            GError  **error)
{
  g_autofree char *body = NULL;
  plist_t message = NULL;
  guint32 le = 0;
  gsize len;

  if (!read_exact (conn, &le, sizeof le, error))
    return NULL;
  len = GUINT32_FROM_LE (le);
  if (len == 0 || len > MAX_FRAME)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "frame of %" G_GSIZE_FORMAT " bytes", len);
      return NULL;
    }
  body = g_malloc (len);
  if (!read_exact (conn, body, len, error))
    return NULL;
  if (!plist_is_binary (body, (uint32_t)len))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "the frame is not a binary plist");
      return NULL;
    }
  plist_from_bin (body, (uint32_t)len, &message);
  if (message == NULL || plist_get_node_type (message) != PLIST_DICT)
    {
      g_clear_pointer (&message, plist_free);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "the frame is not a dictionary");
    }
  return message;
}

static gboolean
expect_bytes (FdrConn     *conn,
              const char  *what,
              const void  *expected,
              gsize        len,
              GError     **error)
{
  g_autofree guint8 *got = g_malloc (len);

  if (!read_exact (conn, got, len, error))
    return FALSE;
  if (memcmp (got, expected, len) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s differs", what);
      return FALSE;
    }
  return TRUE;
}

/* --- the control port (1082) --------------------------------------------- */

static gboolean
control_handshake (FdrConn  *conn,
                   GError  **error)
{
  plist_t begin;
  plist_t answer;
  plist_t command;
  plist_t version;
  uint64_t number = 0;
  gboolean ok;

  if (!expect_bytes (conn, "BeginCtrl", "BeginCtrl", 10, error) ||
      (begin = read_frame (conn, error)) == NULL)
    return FALSE;
  command = plist_dict_get_item (begin, "Command");
  version = plist_dict_get_item (begin, "CtrlProtoVersion");
  if (version != NULL && plist_get_node_type (version) == PLIST_UINT)
    plist_get_uint_val (version, &number);
  ok = command != NULL && plist_string_val_compare (command, "BeginCtrl") == 0 && number == 2;
  plist_free (begin);
  if (!ok)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "not {Command: BeginCtrl, CtrlProtoVersion: 2}");
      return FALSE;
    }
  answer = plist_new_dict ();
  plist_dict_set_item (answer, "ConnPort", plist_new_uint (UB_VPHONE_FDR_CONN_PORT));
  return write_frame (conn, answer, error);
}

static void
serve_control (FdrConn *conn)
{
  UbVphoneFdr *self = conn->fdr;
  g_autoptr(GError) error = NULL;
  guint8 c;

  if (!control_handshake (conn, &error))
    {
      ub_vphone_recorder_log (self->recorder, "fdr control failed: %s", error->message);
      return;
    }
  g_mutex_lock (&self->lock);
  self->ready = TRUE;
  g_mutex_unlock (&self->lock);
  ub_vphone_recorder_log (self->recorder, "fdr control ok");
  if (!write_command (conn, 1, &error) || !write_all (conn, "\0\0", 2, &error))
    {
      ub_vphone_recorder_log (self->recorder, "fdr control failed: %s", error->message);
      return;
    }
  /* nothing more comes from the host: wait until it closes */
  while (read_exact (conn, &c, 1, NULL))
    ;
  g_debug ("FDR control connection closed");
}

/* --- the connection port (1083) ------------------------------------------ */

static gboolean
hello_and_ping (FdrConn  *conn,
                guint     id,
                GError  **error)
{
  plist_t hello = plist_new_dict ();
  plist_t ping = plist_new_dict ();
  g_autofree char *identifier = g_strdup_printf ("vphone-fdr-%u", id);
  plist_t pong;
  plist_t node;
  uint8_t value = 0;

  plist_dict_set_item (hello, "Command", plist_new_string ("HelloConn"));
  plist_dict_set_item (hello, "Identifier", plist_new_string (identifier));
  plist_dict_set_item (ping, "Command", plist_new_string ("Ping"));
  if (!expect_bytes (conn, "HelloConn", "HelloConn", 10, error) ||
      !write_frame (conn, hello, error))
    {
      plist_free (ping);
      return FALSE;
    }
  if (!write_command (conn, 0xBBAA, error) || !write_frame (conn, ping, error) ||
      (pong = read_frame (conn, error)) == NULL)
    return FALSE;
  node = plist_dict_get_item (pong, "Pong");
  if (node != NULL && plist_get_node_type (node) == PLIST_BOOLEAN)
    plist_get_bool_val (node, &value);
  plist_free (pong);
  if (!value)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "no {Pong: true}");
      return FALSE;
    }
  return TRUE;
}

static GByteArray *
proxy_request (const char  *target,
               GError     **error)
{
  const char *colon = strrchr (target, ':');
  GByteArray *request;
  guint64 port = 0;
  gsize host_len = colon ? (gsize)(colon - target) : 0;
  guint8 head[3] = { 0, 3, 0 };
  guint8 be[2];

  if (host_len == 0 || host_len > 255 ||
      !g_ascii_string_to_unsigned (colon + 1, 10, 1, G_MAXUINT16, &port, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "bad target \"%s\"", target);
      return NULL;
    }
  head[2] = (guint8)host_len;
  be[0] = (guint8)(port >> 8);
  be[1] = (guint8)port;
  request = g_byte_array_new ();
  g_byte_array_append (request, head, sizeof head);
  g_byte_array_append (request, (const guint8 *)target, (guint)host_len);
  g_byte_array_append (request, be, sizeof be);
  return request;
}

static guint8
payload_byte (guint64 pos)
{
  return (guint8)((pos * 131) ^ (pos >> 9));
}

static gboolean
relay_payload (FdrConn  *conn,
               guint64   size,
               GError  **error)
{
  g_autofree guint8 *piece = g_malloc (PIECE);

  for (guint64 done = 0; done < size;)
    {
      gsize len = (gsize)MIN ((guint64)PIECE, size - done);

      for (gsize i = 0; i < len; i++)
        piece[i] = payload_byte (done + i);
      if (!write_all (conn, piece, len, error) ||
          !expect_bytes (conn, "the echoed payload", piece, len, error))
        return FALSE;
      done += len;
    }
  return TRUE;
}

static gboolean
proxy (FdrConn     *conn,
       const char  *target,
       guint64      size,
       GError     **error)
{
  g_autoptr(GByteArray) request = proxy_request (target, error);
  guint16 ack = GUINT16_TO_LE (5);

  if (request == NULL ||
      !write_command (conn, 0x105, error) ||
      !write_all (conn, request->data, request->len, error) ||
      !expect_bytes (conn, "the proxy ack", &ack, sizeof ack, error) ||
      !expect_bytes (conn, "the echoed request", request->data, request->len, error))
    return FALSE;
  ub_vphone_recorder_log (conn->fdr->recorder, "fdr proxy open %s", target);
  return relay_payload (conn, size, error);
}

static void
serve_conn (FdrConn *conn)
{
  UbVphoneFdr *self = conn->fdr;
  g_autoptr(GError) error = NULL;
  g_autofree char *target = NULL;
  guint64 size;
  guint id;
  guint8 c;

  g_mutex_lock (&self->lock);
  id = ++self->next_id;
  target = g_strdup (self->target);
  size = self->size;
  g_mutex_unlock (&self->lock);
  if (!hello_and_ping (conn, id, &error))
    {
      ub_vphone_recorder_log (self->recorder, "fdr ping failed: %s", error->message);
      return;
    }
  ub_vphone_recorder_log (self->recorder, "fdr ping ok");
  if (target == NULL)
    {
      while (read_exact (conn, &c, 1, NULL))
        ;
      return;
    }
  if (!proxy (conn, target, size, &error))
    ub_vphone_recorder_log (self->recorder, "fdr proxy failed: %s", error->message);
  else
    ub_vphone_recorder_log (self->recorder, "fdr proxy ok %" G_GUINT64_FORMAT " bytes", size);
}

/* --- threads and services ------------------------------------------------- */

static gpointer
fdr_thread (gpointer data)
{
  FdrConn *conn = data;

  conn->serve (conn);
  g_io_stream_close (conn->stream, NULL, NULL);
  g_object_unref (conn->stream);
  g_object_unref (conn->cancellable);
  g_object_unref (conn->fdr);
  g_free (conn);
  return NULL;
}

static void
start_thread (UbVphoneFdr  *self,
              GIOStream    *stream,
              const char   *name,
              void        (*serve) (FdrConn *conn))
{
  FdrConn *conn = g_new0 (FdrConn, 1);

  conn->fdr = g_object_ref (self);
  conn->stream = g_object_ref (stream);
  conn->cancellable = g_cancellable_new ();
  conn->serve = serve;
  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->cancellables, g_object_ref (conn->cancellable));
  g_mutex_unlock (&self->lock);
  g_debug ("FDR %s connection accepted", name);
  g_thread_unref (g_thread_new (name, fdr_thread, conn));
}

static void
fdr_accept (UbVphoneService *service,
            GIOStream       *stream)
{
  start_thread (UB_VPHONE_FDR (service), stream, "vphone-fdr-ctrl", serve_control);
}

static void
fdr_close_all (UbVphoneService *service)
{
  UbVphoneFdr *self = UB_VPHONE_FDR (service);

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->cancellables->len; i++)
    g_cancellable_cancel (g_ptr_array_index (self->cancellables, i));
  g_ptr_array_set_size (self->cancellables, 0);
  self->ready = FALSE;
  self->next_id = 0;
  g_mutex_unlock (&self->lock);
}

static void
ub_vphone_fdr_service_init (UbVphoneServiceInterface *iface)
{
  iface->accept = fdr_accept;
  iface->close_all = fdr_close_all;
}

static void
fdr_conn_accept (UbVphoneService *service,
                 GIOStream       *stream)
{
  start_thread (UB_VPHONE_FDR_CONN (service)->fdr, stream, "vphone-fdr-conn", serve_conn);
}

static void
fdr_conn_close_all (UbVphoneService *service)
{
  fdr_close_all (UB_VPHONE_SERVICE (UB_VPHONE_FDR_CONN (service)->fdr));
}

static void
ub_vphone_fdr_conn_service_init (UbVphoneServiceInterface *iface)
{
  iface->accept = fdr_conn_accept;
  iface->close_all = fdr_conn_close_all;
}

static void ub_vphone_fdr_conn_class_init (UbVphoneFdrConnClass *klass) { }
static void ub_vphone_fdr_conn_init (UbVphoneFdrConn *self) { }

static void
ub_vphone_fdr_finalize (GObject *object)
{
  UbVphoneFdr *self = UB_VPHONE_FDR (object);

  g_clear_object (&self->conn_service);
  g_clear_pointer (&self->cancellables, g_ptr_array_unref);
  g_clear_object (&self->faults);
  g_clear_object (&self->recorder);
  g_free (self->target);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (ub_vphone_fdr_parent_class)->finalize (object);
}

static void
ub_vphone_fdr_class_init (UbVphoneFdrClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ub_vphone_fdr_finalize;
}

static void
ub_vphone_fdr_init (UbVphoneFdr *self)
{
  g_mutex_init (&self->lock);
  self->cancellables = g_ptr_array_new_with_free_func (g_object_unref);
  self->size = DEFAULT_SIZE;
}

UbVphoneFdr *
ub_vphone_fdr_new (UbVphoneFaults   *faults,
                   UbVphoneRecorder *recorder)
{
  UbVphoneFdr *self = g_object_new (UB_TYPE_VPHONE_FDR, NULL);
  const char *target = g_getenv ("UNBRICK_VPHONE_FDR_TARGET");
  UbVphoneFdrConn *conn = g_object_new (UB_TYPE_VPHONE_FDR_CONN, NULL);

  self->faults = g_object_ref (faults);
  self->recorder = g_object_ref (recorder);
  if (target != NULL && *target != '\0' && ub_vphone_fdr_check_setting ("fdr-target", target, NULL))
    self->target = g_strdup (target);
  conn->fdr = self;
  self->conn_service = G_OBJECT (conn);
  return self;
}

gboolean
ub_vphone_fdr_is_ready (UbVphoneFdr *self)
{
  gboolean ready;

  g_return_val_if_fail (UB_IS_VPHONE_FDR (self), FALSE);

  g_mutex_lock (&self->lock);
  ready = self->ready;
  g_mutex_unlock (&self->lock);
  return ready;
}

UbVphoneService *
ub_vphone_fdr_get_conn_service (UbVphoneFdr *self)
{
  g_return_val_if_fail (UB_IS_VPHONE_FDR (self), NULL);

  return UB_VPHONE_SERVICE (self->conn_service);
}

gboolean
ub_vphone_fdr_check_setting (const char  *key,
                             const char  *value,
                             GError     **error)
{
  g_autoptr(GByteArray) request = NULL;
  guint64 size = 0;

  if (g_str_equal (key, "fdr-size"))
    return g_ascii_string_to_unsigned (value, 10, 0, MAX_SIZE, &size, error);
  if (!g_str_equal (key, "fdr-target"))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "No setting \"%s\"", key);
      return FALSE;
    }
  if (g_str_equal (value, "none"))
    return TRUE;
  request = proxy_request (value, error);
  return request != NULL;
}

gboolean
ub_vphone_fdr_set (UbVphoneFdr  *self,
                   const char   *key,
                   const char   *value,
                   GError      **error)
{
  g_return_val_if_fail (UB_IS_VPHONE_FDR (self), FALSE);

  if (!ub_vphone_fdr_check_setting (key, value, error))
    return FALSE;
  g_mutex_lock (&self->lock);
  if (g_str_equal (key, "fdr-size"))
    self->size = g_ascii_strtoull (value, NULL, 10);
  else
    {
      g_free (self->target);
      self->target = g_str_equal (value, "none") ? NULL : g_strdup (value);
    }
  g_mutex_unlock (&self->lock);
  g_debug ("FDR setting %s = %s", key, value);
  return TRUE;
}
