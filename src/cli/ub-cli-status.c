/* ub-cli-status.c — the progress line of unbrick-cli's long commands
 *
 * On a terminal one line on stderr, rewritten in place; otherwise (a log, a
 * pipe) a new line at most every five seconds. The same text twice is not
 * printed again.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-cli"

#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include "ub-cli.h"

#define PLAIN_INTERVAL_US (5 * G_USEC_PER_SEC)

void
ub_cli_status_line_init (UbCliStatusLine *line)
{
  *line = (UbCliStatusLine) { .tty = isatty (2) };
}

/**
 * ub_cli_status_line_show:
 * @text: the new state, one line
 *
 * Shows @text, unless it is not yet time for a new line.
 */
void
ub_cli_status_line_show (UbCliStatusLine *line,
                         const char      *text)
{
  gint64 now = g_get_monotonic_time ();

  if (text == NULL || g_strcmp0 (text, line->last_text) == 0)
    return;
  if (!line->tty && line->last_shown != 0 && now - line->last_shown < PLAIN_INTERVAL_US)
    return;
  g_free (line->last_text);
  line->last_text = g_strdup (text);
  line->last_shown = now;
  if (line->tty)
    fprintf (stderr, "\r%s\033[K", text);
  else
    fprintf (stderr, "%s\n", text);
  line->open = line->tty;
  fflush (stderr);
}

/* Ends a line left open on a terminal, before anything else is printed. */
void
ub_cli_status_line_end (UbCliStatusLine *line)
{
  if (line->open)
    fprintf (stderr, "\n");
  line->open = FALSE;
}

void
ub_cli_status_line_clear (UbCliStatusLine *line)
{
  g_clear_pointer (&line->last_text, g_free);
}
