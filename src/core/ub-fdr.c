/* ub-fdr.c — the FDR relay: the phone's only way to Apple in restore mode
 *
 * During a restore the phone recovers its factory data (FDR) from Apple
 * over HTTPS, through the host (research restore-mode.md §7). Without this
 * relay the restore fails near the end with status 53.
 *  - Control: connect to port 1082, send "BeginCtrl\0" and the framed plist
 *    {Command: BeginCtrl, CtrlProtoVersion: 2}; the phone answers {ConnPort}.
 *    Frames are a little-endian 32-bit length and a binary plist.
 *  - The control connection then carries 2-byte little-endian commands:
 *    1 (followed by 2 more bytes) opens a new connection to ConnPort, served
 *    on its own thread.
 *  - A new connection sends "HelloConn\0" and reads {Command: HelloConn,
 *    Identifier}; then commands: 0x105 is a proxy request
 *    (00 03 <len> host <port BE16>, checked by ub-fdr-wire.c), answered by
 *    LE16 5 and the request echoed, then the bytes are pumped both ways
 *    between the phone and a TCP connection to host:port until either side
 *    closes; 0xBBAA is a framed {Command: Ping}, answered {Pong: true}.
 * Apple's FDR servers listen on 443; other ports are relayed but logged.
 * Every wait is sliced (100 ms) so that ub_fdr_stop() ends everything
 * quickly, and every read of a message that has begun has a deadline.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-fdr"

#include "config.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <libimobiledevice/libimobiledevice.h>

#include "ub-clock.h"
#include "ub-error.h"
#include "ub-fdr.h"
#include "ub-fdr-private.h"

#define CONNECT_TRIES       10
#define CONNECT_DELAY_MS    2000
#define CONN_TRIES          3
#define CONN_DELAY_MS       500
#define SLICE_MS            100
#define TCP_CONNECT_MS      30000
#define MAX_OPEN            16
#define PUMP_BUFFER         65536

static const char BEGIN_CTRL[10] = "BeginCtrl";
static const char HELLO_CONN[10] = "HelloConn";

struct _UbFdr
{
  char                 *udid;
  idevice_t             device;
  idevice_connection_t  ctrl;
  guint16               conn_port;
  gint                  stopping;     /* atomic */
  gint                  connected;    /* atomic: the control thread runs */
  GCancellable         *cancellable;
  GThread              *thread;

  GMutex                lock;
  GPtrArray            *workers;      /* GThread *, joined by ub_fdr_stop() */
  guint                 n_open;
  guint                 next_id;
  guint64               relayed;
};

typedef struct
{
  UbFdr                *fdr;
  idevice_connection_t  conn;
  int                   fd;
  guint                 id;
} Conn;

/* --- connecting ----------------------------------------------------------- */

static gboolean
connect_port (UbFdr                 *self,
              guint16                port,
              guint                  tries,
              guint                  delay_ms,
              idevice_connection_t  *conn,
              int                   *fd)
{
  for (guint try = 1; try <= tries && !g_atomic_int_get (&self->stopping); try++)
    {
      if (idevice_connect (self->device, port, conn) == IDEVICE_E_SUCCESS)
        {
          if (idevice_connection_get_fd (*conn, fd) == IDEVICE_E_SUCCESS && *fd >= 0)
            {
              g_debug ("FDR connected to port %u (try %u)", port, try);
              return TRUE;
            }
          idevice_disconnect (*conn);
        }
      *conn = NULL;
      g_debug ("FDR port %u not open yet (try %u of %u)", port, try, tries);
      if (try < tries)
        g_usleep ((gulong)ub_clock_scale_ms (ub_clock_get_default (), delay_ms) * 1000);
    }
  return FALSE;
}

static gboolean
control_handshake (UbFdr    *self,
                   int       fd,
                   GError  **error)
{
  plist_t begin = plist_new_dict ();
  plist_t answer;

  plist_dict_set_item (begin, "Command", plist_new_string ("BeginCtrl"));
  plist_dict_set_item (begin, "CtrlProtoVersion", plist_new_uint (2));
  if (!_ub_fdr_write_all (&self->stopping, fd, (const guint8 *)BEGIN_CTRL, sizeof BEGIN_CTRL, error) ||
      !_ub_fdr_send_frame (&self->stopping, fd, begin, error))
    return FALSE;
  answer = _ub_fdr_receive_frame (&self->stopping, fd, error);
  if (answer == NULL)
    return FALSE;
  self->conn_port = _ub_fdr_parse_conn_port (answer, error);
  plist_free (answer);
  if (self->conn_port == 0)
    return FALSE;
  g_debug ("FDR control handshake done, connections go to port %u", self->conn_port);
  return TRUE;
}

/* --- one relayed connection ---------------------------------------------- */

/* Copies what @from has to @to; FALSE when either side closed or failed */
static gboolean
pump_once (Conn    *conn,
           int      from,
           int      to,
           guint8  *buf,
           GError **error)
{
  ssize_t got = recv (from, buf, PUMP_BUFFER, MSG_DONTWAIT);

  if (got < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
    return TRUE;
  if (got <= 0)
    {
      g_debug ("FDR connection %u: %s side closed", conn->id, from == conn->fd ? "phone" : "server");
      return FALSE;
    }
  if (!_ub_fdr_write_all (&conn->fdr->stopping, to, buf, (gsize)got, error))
    return FALSE;
  g_mutex_lock (&conn->fdr->lock);
  conn->fdr->relayed += (guint64)got;
  g_mutex_unlock (&conn->fdr->lock);
  return TRUE;
}

static void
pump (Conn    *conn,
      GSocket *socket)
{
  g_autofree guint8 *buf = g_malloc (PUMP_BUFFER);
  g_autoptr(GError) error = NULL;
  int tcp = g_socket_get_fd (socket);

  while (!g_atomic_int_get (&conn->fdr->stopping))
    {
      struct pollfd p[2] = { { conn->fd, POLLIN, 0 }, { tcp, POLLIN, 0 } };
      int ret = poll (p, 2, SLICE_MS);

      if (ret < 0 && errno != EINTR)
        break;
      if (ret <= 0)
        continue;
      if (p[0].revents != 0 && !pump_once (conn, conn->fd, tcp, buf, &error))
        break;
      if (p[1].revents != 0 && !pump_once (conn, tcp, conn->fd, buf, &error))
        break;
    }
  if (error != NULL)
    g_debug ("FDR connection %u: %s", conn->id, error->message);
  g_debug ("FDR connection %u: relay ended", conn->id);
}

static GSocketConnection *
connect_server (Conn        *conn,
                const char  *host,
                guint16      port,
                GError     **error)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  guint timeout_ms = ub_clock_scale_ms (ub_clock_get_default (), TCP_CONNECT_MS);
  GSocketConnection *connection;

  g_socket_client_set_timeout (client, MAX (1, (timeout_ms + 999) / 1000));
  connection = g_socket_client_connect_to_host (client, host, port, conn->fdr->cancellable, error);
  if (connection == NULL)
    g_prefix_error (error, "%s:%u: ", host, port);
  return connection;
}

static gboolean
handle_proxy (Conn    *conn,
              GError **error)
{
  guint8 request[UB_FDR_REQUEST_HEAD + 255 + 2];
  guint16 ack = GUINT16_TO_LE (UB_FDR_PROXY_ACK);
  g_autoptr(GSocketConnection) server = NULL;
  g_autofree char *host = NULL;
  gsize len;
  guint16 port = 0;

  if (!_ub_fdr_read_exact (&conn->fdr->stopping, conn->fd, request, UB_FDR_REQUEST_HEAD, error))
    return FALSE;
  len = UB_FDR_REQUEST_HEAD + request[2] + 2;
  if (!_ub_fdr_read_exact (&conn->fdr->stopping, conn->fd, request + UB_FDR_REQUEST_HEAD, len - UB_FDR_REQUEST_HEAD, error) ||
      !ub_fdr_parse_request (request, len, &host, &port, error))
    return FALSE;
  if (port != 443)
    g_message ("The phone's factory-data relay asks for %s on port %u (not 443)", host, port);
  g_debug ("FDR connection %u: proxy to %s:%u", conn->id, host, port);
  if (!_ub_fdr_write_all (&conn->fdr->stopping, conn->fd, (const guint8 *)&ack, sizeof ack, error) ||
      !_ub_fdr_write_all (&conn->fdr->stopping, conn->fd, request, len, error))
    return FALSE;
  server = connect_server (conn, host, port, error);
  if (server == NULL)
    return FALSE;
  g_debug ("FDR connection %u: connected to %s:%u, relaying", conn->id, host, port);
  pump (conn, g_socket_connection_get_socket (server));
  g_io_stream_close (G_IO_STREAM (server), NULL, NULL);
  return TRUE;
}

static gboolean
handle_ping (Conn    *conn,
             GError **error)
{
  plist_t message = _ub_fdr_receive_frame (&conn->fdr->stopping, conn->fd, error);
  plist_t pong;
  gboolean ping;

  if (message == NULL)
    return FALSE;
  ping = _ub_fdr_is_command (message, "Ping");
  plist_free (message);
  if (!ping)
    return _ub_fdr_set_protocol_error (error);
  g_debug ("FDR connection %u: Ping", conn->id);
  pong = plist_new_dict ();
  plist_dict_set_item (pong, "Pong", plist_new_bool (1));
  return _ub_fdr_send_frame (&conn->fdr->stopping, conn->fd, pong, error);
}

static gboolean
hello (Conn    *conn,
       GError **error)
{
  plist_t answer;
  gboolean ok;

  if (!_ub_fdr_write_all (&conn->fdr->stopping, conn->fd, (const guint8 *)HELLO_CONN, sizeof HELLO_CONN, error) ||
      (answer = _ub_fdr_receive_frame (&conn->fdr->stopping, conn->fd, error)) == NULL)
    return FALSE;
  ok = _ub_fdr_is_command (answer, "HelloConn");
  plist_free (answer);
  if (!ok)
    return _ub_fdr_set_protocol_error (error);
  g_debug ("FDR connection %u: HelloConn done", conn->id);
  return TRUE;
}

/* Serves commands until the phone closes, a relay ends, or ub_fdr_stop() */
static void
serve (Conn    *conn,
       GError **error)
{
  guint16 command = 0;

  if (!hello (conn, error))
    return;
  while (_ub_fdr_read_command (&conn->fdr->stopping, conn->fd, &command, error))
    {
      if (command == UB_FDR_CMD_PROXY)
        {
          handle_proxy (conn, error);
          return;
        }
      if (command != UB_FDR_CMD_PLIST)
        {
          g_debug ("FDR connection %u: unknown command 0x%04x", conn->id, command);
          _ub_fdr_set_protocol_error (error);
          return;
        }
      if (!handle_ping (conn, error))
        return;
    }
}

static gpointer
conn_thread (gpointer data)
{
  Conn *conn = data;
  UbFdr *self = conn->fdr;
  g_autoptr(GError) error = NULL;

  if (!connect_port (self, self->conn_port, CONN_TRIES, CONN_DELAY_MS, &conn->conn, &conn->fd))
    g_debug ("FDR connection %u: port %u did not open", conn->id, self->conn_port);
  else
    serve (conn, &error);
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("FDR connection %u ended: %s", conn->id, error->message);
  if (conn->conn != NULL)
    idevice_disconnect (conn->conn);
  g_mutex_lock (&self->lock);
  self->n_open--;
  g_mutex_unlock (&self->lock);
  g_debug ("FDR connection %u closed", conn->id);
  g_free (conn);
  return NULL;
}

/* --- the control connection ---------------------------------------------- */

static void
open_connection (UbFdr *self)
{
  Conn *conn;

  g_mutex_lock (&self->lock);
  if (self->n_open >= MAX_OPEN)
    {
      g_mutex_unlock (&self->lock);
      g_message ("The phone's factory-data relay asks for more than %u connections; one refused", MAX_OPEN);
      return;
    }
  conn = g_new0 (Conn, 1);
  conn->fdr = self;
  conn->fd = -1;
  conn->id = ++self->next_id;
  self->n_open++;
  /* before the thread starts: it frees conn */
  g_debug ("FDR connection %u opening", conn->id);
  g_ptr_array_add (self->workers, g_thread_new ("ub-fdr-conn", conn_thread, conn));
  g_mutex_unlock (&self->lock);
}

static gpointer
control_thread (gpointer data)
{
  UbFdr *self = data;
  g_autoptr(GError) error = NULL;
  guint16 command = 0;
  int fd = -1;

  idevice_connection_get_fd (self->ctrl, &fd);
  while (_ub_fdr_read_command (&self->stopping, fd, &command, &error))
    {
      guint8 extra[2];

      if (command != UB_FDR_CMD_SYNC)
        {
          g_debug ("FDR control: unknown command 0x%04x ignored", command);
          continue;
        }
      if (!_ub_fdr_read_exact (&self->stopping, fd, extra, sizeof extra, &error))
        break;
      open_connection (self);
    }
  g_debug ("FDR control connection ended: %s", error ? error->message : "?");
  g_atomic_int_set (&self->connected, 0);
  return NULL;
}

/* --- public --------------------------------------------------------------- */

/**
 * ub_fdr_start:
 * @udid: the phone in restore mode
 *
 * Connects to the phone's FDR port (10 tries, 2 s apart, scaled), does the
 * control handshake and serves the phone's relay requests on worker
 * threads until ub_fdr_stop(). Blocks: call from a worker thread.
 *
 * Returns: (transfer full): the relay, or %NULL with @error set
 */
UbFdr *
ub_fdr_start (const char  *udid,
              GError     **error)
{
  g_autoptr(UbFdr) self = g_new0 (UbFdr, 1);
  int fd = -1;

  g_return_val_if_fail (udid != NULL, NULL);

  self->udid = g_strdup (udid);
  self->cancellable = g_cancellable_new ();
  self->workers = g_ptr_array_new ();
  g_mutex_init (&self->lock);
  if (idevice_new_with_options (&self->device, udid, IDEVICE_LOOKUP_USBMUX) != IDEVICE_E_SUCCESS)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_DISCONNECTED, _("The iPhone is no longer connected"));
      return NULL;
    }
  if (!connect_port (self, UB_FDR_PORT, CONNECT_TRIES, CONNECT_DELAY_MS, &self->ctrl, &fd))
    {
      /* TRANSLATORS: %u is a port number */
      g_set_error (error, UB_ERROR, UB_ERROR_TIMED_OUT,
                   _("The iPhone’s restore system did not open its factory-data port (%u). "
                     "Unplug the phone, plug it back in and start again."), UB_FDR_PORT);
      return NULL;
    }
  if (!control_handshake (self, fd, error))
    return NULL;
  g_atomic_int_set (&self->connected, 1);
  self->thread = g_thread_new ("ub-fdr-control", control_thread, self);
  return g_steal_pointer (&self);
}

/**
 * ub_fdr_stop:
 *
 * Ends the control loop and every relayed connection and waits for their
 * threads (each notices within 100 ms). Idempotent.
 */
void
ub_fdr_stop (UbFdr *self)
{
  g_autoptr(GPtrArray) workers = NULL;

  g_return_if_fail (self != NULL);

  g_atomic_int_set (&self->stopping, 1);
  g_cancellable_cancel (self->cancellable);
  if (self->thread != NULL)
    g_thread_join (g_steal_pointer (&self->thread));
  g_mutex_lock (&self->lock);
  workers = g_steal_pointer (&self->workers);
  self->workers = g_ptr_array_new ();
  g_mutex_unlock (&self->lock);
  for (guint i = 0; i < workers->len; i++)
    g_thread_join (g_ptr_array_index (workers, i));
  g_debug ("FDR relay stopped (%u connections served)", workers->len);
}

void
ub_fdr_free (UbFdr *self)
{
  if (self == NULL)
    return;
  if (self->workers != NULL)
    ub_fdr_stop (self);
  if (self->ctrl != NULL)
    idevice_disconnect (self->ctrl);
  if (self->device != NULL)
    idevice_free (self->device);
  g_clear_pointer (&self->workers, g_ptr_array_unref);
  g_clear_object (&self->cancellable);
  g_mutex_clear (&self->lock);
  g_free (self->udid);
  g_free (self);
}

/* the control connection is still open (the phone has not closed it) */
gboolean
ub_fdr_is_connected (UbFdr *self)
{
  return g_atomic_int_get (&self->connected);
}

/* relayed connections (HelloConn'd or not) still open */
guint
ub_fdr_get_n_open (UbFdr *self)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = self->n_open;
  g_mutex_unlock (&self->lock);
  return n;
}

/* bytes relayed both ways so far */
guint64
ub_fdr_get_relayed (UbFdr *self)
{
  guint64 n;

  g_mutex_lock (&self->lock);
  n = self->relayed;
  g_mutex_unlock (&self->lock);
  return n;
}
