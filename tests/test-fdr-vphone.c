/* test-fdr-vphone.c — the FDR relay (ub-fdr.c) against the virtual iPhone
 *
 * Runs as the child of vphone (restore mode: the relay's control port 1082
 * and connection port 1083, tests/vphone/ub-vphone-fdr.c). The phone does
 * the v2 handshake, pings, and (with `set fdr-target`) relays a payload
 * through the host to a TCP echo server run here, checking every byte that
 * comes back. Then: stopping while idle and while relaying (a server that
 * never answers), a server that cannot be reached, and the cable coming
 * out mid-relay.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ub-core.h"
#include "ub-fdr.h"
#include "ub-vphone-client.h"
#include "ub-vphone-testutil.h"

static UbVphoneClient *phone;
static char           *udid;

/* --- a loopback TCP echo server, on its own thread ----------------------- */

typedef struct
{
  GSocketListener *listener;
  GCancellable    *cancellable;
  GThread         *thread;
  guint16          port;
  gboolean         stall;       /* read, never answer */
  gint             received;    /* atomic */
  gint             connections; /* atomic */
} Echo;

static void
echo_one (Echo              *echo,
          GSocketConnection *connection)
{
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  guint8 buf[8192];

  g_atomic_int_inc (&echo->connections);
  for (;;)
    {
      gssize got = g_input_stream_read (in, buf, sizeof buf, echo->cancellable, NULL);

      if (got <= 0)
        break;
      g_atomic_int_add (&echo->received, (gint)got);
      if (!echo->stall && !g_output_stream_write_all (out, buf, (gsize)got, NULL, echo->cancellable, NULL))
        break;
    }
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
}

static gpointer
echo_thread (gpointer data)
{
  Echo *echo = data;

  for (;;)
    {
      g_autoptr(GSocketConnection) connection =
        g_socket_listener_accept (echo->listener, NULL, echo->cancellable, NULL);

      if (connection == NULL)
        return NULL;
      echo_one (echo, connection);
    }
}

static Echo *
echo_start (gboolean stall)
{
  Echo *echo = g_new0 (Echo, 1);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *command = NULL;

  echo->stall = stall;
  echo->listener = g_socket_listener_new ();
  echo->cancellable = g_cancellable_new ();
  g_socket_listener_add_address (echo->listener, address, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                 NULL, &effective, &error);
  g_assert_no_error (error);
  echo->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  echo->thread = g_thread_new ("echo", echo_thread, echo);
  ub_vphone_assert_run (phone, "set fdr-target 127.0.0.1:%u", echo->port);
  return echo;
}

static void
echo_stop (Echo *echo)
{
  g_cancellable_cancel (echo->cancellable);
  g_thread_join (echo->thread);
  g_socket_listener_close (echo->listener);
  g_object_unref (echo->listener);
  g_object_unref (echo->cancellable);
  g_free (echo);
  ub_vphone_assert_run (phone, "set fdr-target none");
}

/* --- helpers ---------------------------------------------------------------- */

static guint
count_record (const char *line)
{
  g_autofree char *record = ub_vphone_read_record ();
  g_auto(GStrv) lines = g_strsplit (record ? record : "", "\n", -1);
  guint n = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], line))
      n++;
  return n;
}

/* Waits until the record has one more line starting with @line than @before */
static void
wait_record (const char *line,
             guint       before)
{
  for (guint i = 0; i < 200 && count_record (line) <= before; i++)
    g_usleep (25000);
  if (count_record (line) <= before)
    {
      g_autofree char *record = ub_vphone_read_record ();

      g_test_message ("record:\n%s", record);
      g_error ("the record has no new line \"%s\"", line);
    }
}

static UbFdr *
start (void)
{
  g_autoptr(GError) error = NULL;
  UbFdr *fdr = ub_fdr_start (udid, &error);

  g_assert_no_error (error);
  g_assert_nonnull (fdr);
  return fdr;
}

/* ub_fdr_stop() must return within a few polling slices */
static void
stop_quickly (UbFdr *fdr)
{
  gint64 begin = g_get_monotonic_time ();

  ub_fdr_stop (fdr);
  g_assert_cmpint (g_get_monotonic_time () - begin, <, G_USEC_PER_SEC);
  g_assert_cmpuint (ub_fdr_get_n_open (fdr), ==, 0);
}

/* --- the tests ---------------------------------------------------------------- */

/* No target: the handshake and a Ping, then stop while idle */
static void
test_handshake (void)
{
  guint control = count_record ("fdr control ok");
  guint ping = count_record ("fdr ping ok");
  g_autoptr(UbFdr) fdr = start ();

  wait_record ("fdr control ok", control);
  wait_record ("fdr ping ok", ping);
  g_assert_true (ub_fdr_is_connected (fdr));
  g_assert_cmpuint (ub_fdr_get_n_open (fdr), ==, 1);   /* the pinged connection, idle */
  stop_quickly (fdr);
  g_assert_cmpuint (ub_fdr_get_relayed (fdr), ==, 0);
}

/* A payload through the relay to the echo server and back */
static void
test_proxy (void)
{
  guint ok = count_record ("fdr proxy ok 300000 bytes");
  Echo *echo;
  g_autoptr(UbFdr) fdr = NULL;

  ub_vphone_assert_run (phone, "set fdr-size 300000");
  echo = echo_start (FALSE);
  fdr = start ();
  wait_record ("fdr proxy ok 300000 bytes", ok);
  g_assert_cmpint (g_atomic_int_get (&echo->received), ==, 300000);
  g_assert_cmpint (g_atomic_int_get (&echo->connections), ==, 1);
  /* both ways: the payload to the server and its echo to the phone */
  for (guint i = 0; i < 100 && ub_fdr_get_n_open (fdr) > 0; i++)
    g_usleep (20000);
  g_assert_cmpuint (ub_fdr_get_n_open (fdr), ==, 0);   /* the phone closed after the echo */
  g_assert_cmpuint (ub_fdr_get_relayed (fdr), ==, 600000);
  stop_quickly (fdr);
  echo_stop (echo);
  ub_vphone_assert_run (phone, "set fdr-size 65536");
}

static void
wait_server_reached (Echo *echo)
{
  for (guint i = 0; i < 200 && g_atomic_int_get (&echo->received) == 0; i++)
    g_usleep (20000);
  g_assert_cmpint (g_atomic_int_get (&echo->received), >, 0);
}

/* The server takes the payload and never answers: stop mid-relay */
static void
test_stop_relaying (void)
{
  guint failed = count_record ("fdr proxy failed");
  Echo *echo = echo_start (TRUE);
  g_autoptr(UbFdr) fdr = start ();

  wait_server_reached (echo);
  g_assert_cmpuint (ub_fdr_get_n_open (fdr), ==, 1);
  stop_quickly (fdr);
  wait_record ("fdr proxy failed", failed);   /* the phone saw the relay close */
  echo_stop (echo);
}

/* The cable comes out mid-relay: every connection ends by itself */
static void
test_phone_gone (void)
{
  g_autoptr(GError) error = NULL;
  Echo *echo = echo_start (TRUE);
  g_autoptr(UbFdr) fdr = start ();

  wait_server_reached (echo);
  ub_vphone_assert_run (phone, "unplug");
  for (guint i = 0; i < 250 && (ub_fdr_get_n_open (fdr) > 0 || ub_fdr_is_connected (fdr)); i++)
    g_usleep (20000);
  g_assert_cmpuint (ub_fdr_get_n_open (fdr), ==, 0);
  g_assert_false (ub_fdr_is_connected (fdr));
  stop_quickly (fdr);
  echo_stop (echo);
  ub_vphone_assert_run (phone, "plug");
  g_assert_true (ub_vphone_client_wait (phone, "mode", "restore", 10, &error));
  g_assert_no_error (error);
  g_usleep (300000);   /* usbmuxd lists the phone again */
}

/* The server cannot be reached: the relayed connection closes, the relay
 * itself keeps serving */
static void
test_unreachable (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  guint failed = count_record ("fdr proxy failed");
  g_autoptr(UbFdr) fdr = NULL;

  /* a port bound but not listening: connections to it are refused */
  g_assert_true (g_socket_bind (socket, address, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  ub_vphone_assert_run (phone, "set fdr-target 127.0.0.1:%u",
                        g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  fdr = start ();
  wait_record ("fdr proxy failed", failed);
  for (guint i = 0; i < 100 && ub_fdr_get_n_open (fdr) > 0; i++)
    g_usleep (20000);
  g_assert_cmpuint (ub_fdr_get_n_open (fdr), ==, 0);
  g_assert_true (ub_fdr_is_connected (fdr));
  stop_quickly (fdr);
  ub_vphone_assert_run (phone, "set fdr-target none");
}

/* Nothing listens on 1082 (not in restore mode): a plain, timed error */
static void
test_no_phone (void)
{
  g_autoptr(GError) error = NULL;
  UbFdr *fdr = ub_fdr_start ("0000000000000000000000000000000000000000", &error);

  g_assert_null (fdr);
  g_assert_nonnull (error);
  g_assert_true (error->domain == UB_ERROR);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  phone = ub_vphone_client_new (NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ub_vphone_client_wait (phone, "mode", "restore", 10, &error));
  g_assert_no_error (error);
  udid = ub_vphone_client_get (phone, "udid", &error);
  g_assert_no_error (error);

  g_test_add_func ("/unbrick/fdr/handshake", test_handshake);
  g_test_add_func ("/unbrick/fdr/proxy", test_proxy);
  g_test_add_func ("/unbrick/fdr/stop-relaying", test_stop_relaying);
  g_test_add_func ("/unbrick/fdr/unreachable", test_unreachable);
  g_test_add_func ("/unbrick/fdr/phone-gone", test_phone_gone);
  g_test_add_func ("/unbrick/fdr/no-phone", test_no_phone);
  status = g_test_run ();
  g_free (udid);
  g_clear_object (&phone);
  return status;
}
