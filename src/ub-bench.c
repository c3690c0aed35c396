/* ub-bench.c — measurement hooks for the start-up benchmark
 *
 * Off unless UB_BENCH is set (build-aux/bench-startup.py sets it, for Unbrick
 * and for the bare libadwaita window it is compared with):
 *   UB_BENCH=first-frame  quit as soon as the first frame has been drawn
 *   UB_BENCH=idle-rss     after the first frame, idle 3 s, print VmRSS, quit
 * The same file is compiled into the bare window, so both measure alike.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ub-bench.h"

#define IDLE_MS 3000

static void
print_rss (void)
{
  g_autofree char *status = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return;
  lines = g_strsplit (status, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "VmRSS:"))
      printf ("%s\n", lines[i]);
  fflush (stdout);
}

static void
on_idle_over (gpointer data)
{
  print_rss ();
  gtk_window_destroy (GTK_WINDOW (data));
}

static void
on_after_paint (GdkFrameClock *clock,
                GtkWindow     *window)
{
  const char *mode = g_getenv ("UB_BENCH");

  g_signal_handlers_disconnect_by_func (clock, on_after_paint, window);
  printf ("first-frame\n");
  fflush (stdout);
  if (g_strcmp0 (mode, "idle-rss") == 0)
    g_timeout_add_once (IDLE_MS, on_idle_over, window);
  else
    gtk_window_destroy (window);
}

static void
on_realize (GtkWidget *widget)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);

  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), widget);
}

/**
 * ub_bench_watch_window:
 *
 * When UB_BENCH is set, reports and closes @window after its first frame.
 */
void
ub_bench_watch_window (GtkWindow *window)
{
  if (g_getenv ("UB_BENCH") == NULL)
    return;
  g_signal_connect (window, "realize", G_CALLBACK (on_realize), NULL);
}
