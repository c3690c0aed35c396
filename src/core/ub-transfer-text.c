/* ub-transfer-text.c — a transfer's progress in words
 *
 * "1.2 GB of 5.8 GB · 35.1 MB/s · about 3 minutes left", for the firmware
 * page and the command line. Times left are rounded the way people say them:
 * seconds in fives under a minute, then minutes, then hours and minutes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "ub-transfer-text.h"

/**
 * ub_transfer_text_dup_time_left:
 * @seconds: the estimate; negative when unknown
 *
 * Returns: (transfer full) (nullable): e.g. "about 3 minutes left", or %NULL
 *   when nothing is known
 */
char *
ub_transfer_text_dup_time_left (gint64 seconds)
{
  guint n;

  if (seconds < 0)
    return NULL;
  if (seconds < 60)
    {
      n = (guint)MAX (5, (seconds + 4) / 5 * 5);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "about %u second left",
                                           "about %u seconds left", n), n);
    }
  if (seconds < 90 * 60)
    {
      n = (guint)((seconds + 30) / 60);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "about %u minute left",
                                           "about %u minutes left", n), n);
    }
  n = (guint)MIN ((seconds + 1800) / 3600, G_MAXUINT);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "about %u hour left",
                                       "about %u hours left", n), n);
}

/**
 * ub_transfer_text_dup:
 * @done: bytes so far
 * @total: bytes in all; 0 when unknown
 * @bytes_per_second: the current speed; 0 when unknown
 * @seconds_left: the estimate; negative when unknown
 *
 * Returns: (transfer full): the progress in one line
 */
char *
ub_transfer_text_dup (guint64 done,
                      guint64 total,
                      double  bytes_per_second,
                      gint64  seconds_left)
{
  g_autofree char *done_text = g_format_size (done);
  g_autofree char *left = ub_transfer_text_dup_time_left (seconds_left);
  GString *text = g_string_new (NULL);

  if (total > 0)
    {
      g_autofree char *total_text = g_format_size (total);

      /* TRANSLATORS: a download's progress, e.g. "1.2 GB of 5.8 GB" */
      g_string_printf (text, _("%s of %s"), done_text, total_text);
    }
  else
    g_string_assign (text, done_text);
  if (bytes_per_second >= 1.0)
    {
      g_autofree char *speed = g_format_size ((guint64)bytes_per_second);

      /* TRANSLATORS: a speed, e.g. "35.1 MB/s" */
      g_string_append (text, " · ");
      g_string_append_printf (text, _("%s/s"), speed);
    }
  if (left != NULL)
    g_string_append_printf (text, " · %s", left);
  return g_string_free (text, FALSE);
}
