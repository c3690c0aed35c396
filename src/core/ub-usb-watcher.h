/* ub-usb-watcher.h — a thread that watches Apple devices on USB (libusb)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ub-device.h"
#include "ub-model-db.h"

G_BEGIN_DECLS

typedef struct _UbUsbWatcher UbUsbWatcher;

/* Called on the watcher thread; must not block. */
typedef void (*UbUsbWatcherAdded)   (UbDevice   *device,
                                     gpointer    user_data);
typedef void (*UbUsbWatcherRemoved) (const char *id,
                                     gpointer    user_data);
typedef void (*UbUsbWatcherEnumerated) (gpointer user_data);

UbUsbWatcher *ub_usb_watcher_new  (UbModelDb            *db,
                                   UbUsbWatcherAdded     added,
                                   UbUsbWatcherRemoved   removed,
                                   UbUsbWatcherEnumerated enumerated,
                                   gpointer              user_data,
                                   GError              **error);
void          ub_usb_watcher_free (UbUsbWatcher         *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UbUsbWatcher, ub_usb_watcher_free)

G_END_DECLS
