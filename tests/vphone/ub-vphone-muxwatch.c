/* ub-vphone-muxwatch.c — vphone-muxwatch: libimobiledevice's device events
 *
 *   vphone-muxwatch MS
 *
 * Subscribes to usbmuxd through libimobiledevice (idevice_event_subscribe,
 * as the app's device monitor does), prints "watching", then "add UDID" and
 * "remove UDID" as they come for MS milliseconds, then "ok".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "vphone-muxwatch"

#include "config.h"

#include <stdio.h>
#include <glib.h>
#include <libimobiledevice/libimobiledevice.h>

static void
on_event (const idevice_event_t *event,
          void                  *user_data)
{
  const char *what = event->event == IDEVICE_DEVICE_ADD ? "add" :
                     event->event == IDEVICE_DEVICE_REMOVE ? "remove" : "paired";

  printf ("%s %s\n", what, event->udid);
}

int
main (int    argc,
      char **argv)
{
  guint64 ms;

  if (argc != 2 || !g_ascii_string_to_unsigned (argv[1], 10, 1, 600000, &ms, NULL))
    {
      g_printerr ("usage: vphone-muxwatch MS\n");
      return 2;
    }
  setvbuf (stdout, NULL, _IOLBF, 0);
  if (idevice_event_subscribe (on_event, NULL) != IDEVICE_E_SUCCESS)
    {
      printf ("error subscribe\n");
      return 1;
    }
  printf ("watching\n");
  g_usleep (ms * 1000);
  idevice_event_unsubscribe ();
  printf ("ok\n");
  return 0;
}
