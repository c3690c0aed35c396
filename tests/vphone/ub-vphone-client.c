/* ub-vphone-client.c — play the user of a virtual iPhone from a test
 *
 * A blocking client of vphone's control socket (ub-vphone-command.c for the
 * commands), with a timeout on every answer, for test programs running as
 * vphone's child:
 *
 *   g_autoptr(UbVphoneClient) phone = ub_vphone_client_new (NULL, &error);
 *   ub_vphone_client_run (phone, &error, "press %s", "power");
 *   ub_vphone_client_wait (phone, "mode", "dfu", 10, &error);
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-vphone-client"

#include "config.h"

#include <math.h>
#include <string.h>
#include <gio/gunixsocketaddress.h>

#include "ub-vphone-client.h"

#define DEFAULT_TIMEOUT_SECONDS 10.0
#define WAIT_SLACK_SECONDS      5.0

struct _UbVphoneClient
{
  GObject            parent_instance;

  GSocketConnection *connection;
  GDataInputStream  *input;
};

G_DEFINE_FINAL_TYPE (UbVphoneClient, ub_vphone_client, G_TYPE_OBJECT)

G_DEFINE_QUARK (ub-vphone-client-error-quark, ub_vphone_client_error)

static void
ub_vphone_client_finalize (GObject *object)
{
  UbVphoneClient *self = UB_VPHONE_CLIENT (object);

  if (self->connection != NULL)
    g_io_stream_close (G_IO_STREAM (self->connection), NULL, NULL);
  g_clear_object (&self->input);
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (ub_vphone_client_parent_class)->finalize (object);
}

static void
ub_vphone_client_class_init (UbVphoneClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ub_vphone_client_finalize;
}

static void
ub_vphone_client_init (UbVphoneClient *self)
{
}

/**
 * ub_vphone_client_new:
 * @socket_path: (nullable): the control socket; %NULL for
 *   $UNBRICK_VPHONE_CONTROL, which vphone sets for its child
 *
 * Returns: (transfer full): a connected client, or %NULL with @error set
 */
UbVphoneClient *
ub_vphone_client_new (const char  *socket_path,
                      GError     **error)
{
  g_autoptr(UbVphoneClient) self = NULL;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketAddress) address = NULL;

  if (socket_path == NULL)
    socket_path = g_getenv ("UNBRICK_VPHONE_CONTROL");
  if (socket_path == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           "UNBRICK_VPHONE_CONTROL is not set: not running under vphone");
      return NULL;
    }
  address = g_unix_socket_address_new (socket_path);
  self = g_object_new (UB_TYPE_VPHONE_CLIENT, NULL);
  self->connection = g_socket_client_connect (client, G_SOCKET_CONNECTABLE (address), NULL, error);
  if (self->connection == NULL)
    return NULL;
  self->input = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (self->connection)));
  g_debug ("Connected to the virtual iPhone at \"%s\"", socket_path);
  return g_steal_pointer (&self);
}

static char *
read_reply (UbVphoneClient  *self,
            GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  char *line = g_data_input_stream_read_line_utf8 (self->input, NULL, NULL, &local_error);

  if (line != NULL)
    return line;
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    g_set_error_literal (error, UB_VPHONE_CLIENT_ERROR, UB_VPHONE_CLIENT_ERROR_TIMEOUT,
                         "The virtual iPhone did not answer in time");
  else if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  else
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CLOSED, "The virtual iPhone went away");
  return NULL;
}

/**
 * ub_vphone_client_command:
 * @command: one control command, e.g. "press power"
 * @timeout_seconds: how long to wait for the answer
 *
 * Returns: (transfer full): what follows "ok" in the answer ("" for a bare
 *   "ok"), or %NULL with @error set (%UB_VPHONE_CLIENT_ERROR_FAILED carries
 *   the phone's "error" message)
 */
char *
ub_vphone_client_command (UbVphoneClient  *self,
                          const char      *command,
                          double           timeout_seconds,
                          GError         **error)
{
  g_autofree char *line = NULL;
  g_autofree char *reply = NULL;
  GSocket *socket;

  g_return_val_if_fail (UB_IS_VPHONE_CLIENT (self), NULL);
  g_return_val_if_fail (command != NULL && strchr (command, '\n') == NULL, NULL);

  socket = g_socket_connection_get_socket (self->connection);
  g_socket_set_timeout (socket, (guint) MAX (1, ceil (timeout_seconds)));
  line = g_strconcat (command, "\n", NULL);
  g_debug ("-> %s", command);
  if (!g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (self->connection)),
                                  line, strlen (line), NULL, NULL, error))
    return NULL;
  reply = read_reply (self, error);
  if (reply == NULL)
    return NULL;
  g_debug ("<- %s", reply);
  if (g_str_equal (reply, "ok"))
    return g_strdup ("");
  if (g_str_has_prefix (reply, "ok "))
    return g_strdup (reply + 3);
  if (g_str_has_prefix (reply, "error "))
    {
      g_set_error (error, UB_VPHONE_CLIENT_ERROR, UB_VPHONE_CLIENT_ERROR_FAILED,
                   "\"%s\": %s", command, reply + 6);
      return NULL;
    }
  g_set_error (error, UB_VPHONE_CLIENT_ERROR, UB_VPHONE_CLIENT_ERROR_PROTOCOL,
               "Unexpected answer \"%s\"", reply);
  return NULL;
}

/**
 * ub_vphone_client_run:
 * @format: a printf() format for the command
 *
 * Runs a command that answers a bare "ok", with a 10 s timeout.
 */
gboolean
ub_vphone_client_run (UbVphoneClient  *self,
                      GError         **error,
                      const char      *format,
                      ...)
{
  g_autofree char *command = NULL;
  g_autofree char *reply = NULL;
  va_list args;

  g_return_val_if_fail (UB_IS_VPHONE_CLIENT (self), FALSE);

  va_start (args, format);
  command = g_strdup_vprintf (format, args);
  va_end (args);
  reply = ub_vphone_client_command (self, command, DEFAULT_TIMEOUT_SECONDS, error);
  return reply != NULL;
}

/**
 * ub_vphone_client_get:
 * @key: a key of the `state` line, e.g. "mode"
 *
 * Returns: (transfer full): its value, or %NULL with @error set
 */
char *
ub_vphone_client_get (UbVphoneClient  *self,
                      const char      *key,
                      GError         **error)
{
  g_autofree char *state = ub_vphone_client_command (self, "state", DEFAULT_TIMEOUT_SECONDS, error);
  g_auto(GStrv) pairs = NULL;
  gsize key_len = strlen (key);

  if (state == NULL)
    return NULL;
  pairs = g_strsplit (state, " ", -1);
  for (guint i = 0; pairs[i] != NULL; i++)
    {
      if (strncmp (pairs[i], key, key_len) == 0 && pairs[i][key_len] == '=')
        return g_strdup (pairs[i] + key_len + 1);
    }
  g_set_error (error, UB_VPHONE_CLIENT_ERROR, UB_VPHONE_CLIENT_ERROR_PROTOCOL,
               "No \"%s\" in the state \"%s\"", key, state);
  return NULL;
}

/**
 * ub_vphone_client_wait:
 * @key: a key of the `state` line
 * @value: the value to wait for
 * @seconds: how long, in wall-clock seconds
 *
 * Returns: %TRUE once @key has @value; %FALSE with @error set on timeout
 *   (%UB_VPHONE_CLIENT_ERROR_FAILED, "… timeout")
 */
gboolean
ub_vphone_client_wait (UbVphoneClient  *self,
                       const char      *key,
                       const char      *value,
                       double           seconds,
                       GError         **error)
{
  char number[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *command = NULL;
  g_autofree char *reply = NULL;

  g_return_val_if_fail (UB_IS_VPHONE_CLIENT (self), FALSE);

  g_ascii_formatd (number, sizeof (number), "%.3f", seconds);
  command = g_strdup_printf ("wait %s=%s %s", key, value, number);
  reply = ub_vphone_client_command (self, command, seconds + WAIT_SLACK_SECONDS, error);
  return reply != NULL;
}
