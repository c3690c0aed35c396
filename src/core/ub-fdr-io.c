/* ub-fdr-io.c — bounded reads and writes on an FDR relay connection
 *
 * Once usbmuxd has connected it, a relay connection is a plain socket to
 * the phone's port: poll() in 100 ms slices watches the relay's stop flag,
 * a message that has begun must end within 20 s (scaled), sends use
 * MSG_NOSIGNAL so that a phone that went away is an error, not SIGPIPE.
 * Frames are a little-endian 32-bit length and a binary plist of at most
 * UB_FDR_MAX_FRAME bytes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-fdr"

#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "ub-clock.h"
#include "ub-error.h"
#include "ub-fdr-private.h"

#define SLICE_MS   100
#define MESSAGE_MS 20000   /* to finish a message once it began */

static gboolean
set_gone (GError **error)
{
  /* TRANSLATORS: the phone's factory-data relay connection closed */
  g_set_error_literal (error, UB_ERROR, UB_ERROR_DISCONNECTED,
                       _("The iPhone closed its factory-data relay."));
  return FALSE;
}

/* Waits until @fd is ready for @events; @deadline -1 waits until stopped */
static gboolean
wait_fd (const gint  *stopping,
         int          fd,
         short        events,
         gint64       deadline,
         GError     **error)
{
  for (;;)
    {
      struct pollfd p = { fd, events, 0 };
      int slice = SLICE_MS;
      int ret;

      if (g_atomic_int_get (stopping))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "stopped");
          return FALSE;
        }
      if (deadline >= 0)
        {
          gint64 left = (deadline - g_get_monotonic_time ()) / 1000;

          if (left <= 0)
            {
              /* TRANSLATORS: the phone stopped in the middle of a message */
              g_set_error_literal (error, UB_ERROR, UB_ERROR_TIMED_OUT,
                                   _("The iPhone’s factory-data relay stopped answering."));
              return FALSE;
            }
          slice = (int)MIN (left, SLICE_MS);
        }
      ret = poll (&p, 1, slice);
      if (ret > 0)
        return TRUE;
      if (ret < 0 && errno != EINTR)
        return set_gone (error);
    }
}

static gint64
deadline_in (guint ms)
{
  return g_get_monotonic_time () + (gint64)ub_clock_scale_ms (ub_clock_get_default (), ms) * 1000;
}

gboolean
_ub_fdr_read_exact (const gint  *stopping,
                    int          fd,
                    guint8      *buf,
                    gsize        len,
                    GError     **error)
{
  gint64 deadline = deadline_in (MESSAGE_MS);
  gsize done = 0;

  while (done < len)
    {
      ssize_t got;

      if (!wait_fd (stopping, fd, POLLIN, deadline, error))
        return FALSE;
      got = recv (fd, buf + done, len - done, MSG_DONTWAIT);
      if (got < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
        continue;
      if (got <= 0)
        return set_gone (error);
      done += (gsize)got;
    }
  return TRUE;
}

gboolean
_ub_fdr_write_all (const gint    *stopping,
                   int            fd,
                   const guint8  *buf,
                   gsize          len,
                   GError       **error)
{
  gint64 deadline = deadline_in (MESSAGE_MS);

  while (len > 0)
    {
      ssize_t sent;

      if (!wait_fd (stopping, fd, POLLOUT, deadline, error))
        return FALSE;
      sent = send (fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (sent < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
        continue;
      if (sent <= 0)
        return set_gone (error);
      buf += sent;
      len -= (gsize)sent;
    }
  return TRUE;
}

gboolean
_ub_fdr_send_frame (const gint  *stopping,
                    int          fd,
                    plist_t      message,
                    GError     **error)
{
  char *bin = NULL;
  uint32_t len = 0;
  guint32 le;
  gboolean ok;

  plist_to_bin (message, &bin, &len);
  plist_free (message);
  le = GUINT32_TO_LE (len);
  ok = _ub_fdr_write_all (stopping, fd, (const guint8 *)&le, sizeof le, error) &&
       _ub_fdr_write_all (stopping, fd, (const guint8 *)bin, len, error);
  free (bin);
  return ok;
}

plist_t
_ub_fdr_receive_frame (const gint  *stopping,
                       int          fd,
                       GError     **error)
{
  g_autofree guint8 *body = NULL;
  guint32 le = 0;
  gsize len;

  if (!_ub_fdr_read_exact (stopping, fd, (guint8 *)&le, sizeof le, error))
    return NULL;
  len = GUINT32_FROM_LE (le);
  if (len == 0 || len > UB_FDR_MAX_FRAME)
    {
      g_debug ("FDR frame of %" G_GSIZE_FORMAT " bytes refused", len);
      _ub_fdr_set_protocol_error (error);
      return NULL;
    }
  body = g_malloc (len);
  if (!_ub_fdr_read_exact (stopping, fd, body, len, error))
    return NULL;
  return _ub_fdr_parse_dict (body, len, error);
}

gboolean
_ub_fdr_read_command (const gint  *stopping,
                      int          fd,
                      guint16     *command,
                      GError     **error)
{
  guint16 le = 0;

  if (!wait_fd (stopping, fd, POLLIN, -1, error) ||
      !_ub_fdr_read_exact (stopping, fd, (guint8 *)&le, sizeof le, error))
    return FALSE;
  *command = GUINT16_FROM_LE (le);
  return TRUE;
}

