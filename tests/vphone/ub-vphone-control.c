/* ub-vphone-control.c — the control socket of the virtual iPhone
 *
 * A UNIX stream socket, one command per line (ub-vphone-command.c), one
 * reply line per command. Any number of clients at once; each client's
 * commands run in order, so a `wait` holds only its own client.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-vphone-control"

#include "config.h"

#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>

#include "ub-vphone-command.h"
#include "ub-vphone-control.h"

#define MAX_LINE 4096

typedef struct
{
  UbVphoneControl   *control;
  GSocketConnection *connection;
  GDataInputStream  *input;
  GCancellable      *cancellable;
} Client;

struct _UbVphoneControl
{
  GObject         parent_instance;

  UbVphone       *vphone;    /* owns us */
  GSocketService *listener;
  char           *path;
  GPtrArray      *clients;
};

G_DEFINE_FINAL_TYPE (UbVphoneControl, ub_vphone_control, G_TYPE_OBJECT)

static void read_command (Client *client);

static void
client_free (Client *client)
{
  g_cancellable_cancel (client->cancellable);
  g_io_stream_close (G_IO_STREAM (client->connection), NULL, NULL);
  g_clear_object (&client->cancellable);
  g_clear_object (&client->input);
  g_clear_object (&client->connection);
  g_free (client);
}

static void
drop_client (Client *client)
{
  g_debug ("Control client gone");
  g_ptr_array_remove (client->control->clients, client);
}

static void
on_reply (GObject      *source,
          GAsyncResult *result,
          gpointer      data)
{
  Client *client = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *reply = ub_vphone_command_run_finish (UB_VPHONE (source), result, &error);
  g_autofree char *line = NULL;
  GOutputStream *output;

  if (reply == NULL)
    return;   /* cancelled: the client is gone */
  g_debug ("Reply \"%s\"", reply);
  line = g_strconcat (reply, "\n", NULL);
  output = g_io_stream_get_output_stream (G_IO_STREAM (client->connection));
  if (!g_output_stream_write_all (output, line, strlen (line), NULL, NULL, &error))
    {
      drop_client (client);
      return;
    }
  read_command (client);
}

static void
on_line (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  Client *client = data;
  g_autoptr(GError) error = NULL;
  gsize len = 0;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source),
                                                                      result, &len, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (line == NULL || len > MAX_LINE)
    {
      drop_client (client);
      return;
    }
  g_strchomp (line);
  ub_vphone_command_run_async (client->control->vphone, line, client->cancellable, on_reply, client);
}

static void
read_command (Client *client)
{
  g_data_input_stream_read_line_async (client->input, G_PRIORITY_DEFAULT, client->cancellable,
                                       on_line, client);
}

static gboolean
on_incoming (GSocketService    *listener,
             GSocketConnection *connection,
             GObject           *source,
             UbVphoneControl   *self)
{
  Client *client = g_new0 (Client, 1);

  g_debug ("Control client connected");
  client->control = self;
  client->connection = g_object_ref (connection);
  client->input = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  client->cancellable = g_cancellable_new ();
  g_ptr_array_add (self->clients, client);
  read_command (client);
  return TRUE;
}

static void
ub_vphone_control_dispose (GObject *object)
{
  UbVphoneControl *self = UB_VPHONE_CONTROL (object);

  ub_vphone_control_stop (self);
  g_clear_pointer (&self->clients, g_ptr_array_unref);

  G_OBJECT_CLASS (ub_vphone_control_parent_class)->dispose (object);
}

static void
ub_vphone_control_class_init (UbVphoneControlClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = ub_vphone_control_dispose;
}

static void
ub_vphone_control_init (UbVphoneControl *self)
{
  self->clients = g_ptr_array_new_with_free_func ((GDestroyNotify) client_free);
}

/**
 * ub_vphone_control_new:
 * @vphone: the phone to control; it owns the control socket
 *
 * Returns: (transfer full): a control server; call ub_vphone_control_listen()
 */
UbVphoneControl *
ub_vphone_control_new (UbVphone *vphone)
{
  UbVphoneControl *self = g_object_new (UB_TYPE_VPHONE_CONTROL, NULL);

  self->vphone = vphone;
  return self;
}

gboolean
ub_vphone_control_listen (UbVphoneControl  *self,
                          const char       *path,
                          GError          **error)
{
  g_autoptr(GSocketAddress) address = NULL;

  g_return_val_if_fail (UB_IS_VPHONE_CONTROL (self), FALSE);
  g_return_val_if_fail (path != NULL && self->listener == NULL, FALSE);

  g_unlink (path);
  address = g_unix_socket_address_new (path);
  self->listener = g_socket_service_new ();
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (self->listener), address,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT,
                                      NULL, NULL, error))
    {
      g_prefix_error (error, "Control socket %s: ", path);
      return FALSE;
    }
  g_signal_connect_object (self->listener, "incoming", G_CALLBACK (on_incoming), self, 0);
  g_socket_service_start (self->listener);
  self->path = g_strdup (path);
  g_debug ("Control socket \"%s\"", path);
  return TRUE;
}

/**
 * ub_vphone_control_stop:
 *
 * Closes the socket (and removes it) and every client.
 */
void
ub_vphone_control_stop (UbVphoneControl *self)
{
  g_return_if_fail (UB_IS_VPHONE_CONTROL (self));

  if (self->listener != NULL)
    {
      g_socket_service_stop (self->listener);
      g_socket_listener_close (G_SOCKET_LISTENER (self->listener));
      g_clear_object (&self->listener);
    }
  if (self->path != NULL)
    g_unlink (self->path);
  g_clear_pointer (&self->path, g_free);
  if (self->clients != NULL)
    g_ptr_array_set_size (self->clients, 0);
}
