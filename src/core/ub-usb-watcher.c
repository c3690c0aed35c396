/* ub-usb-watcher.c — a thread that watches Apple devices on USB (libusb)
 *
 * One thread with its own libusb context. With hotplug support (the normal
 * case on Linux, and under umockdev) libusb's hotplug callbacks queue
 * arrivals and departures, which the same thread then probes outside the
 * callback (libusb forbids synchronous transfers inside it). Without hotplug
 * the thread compares the device list once a second. Either way every
 * snapshot and every removal is handed to the owner's callbacks, which
 * marshal them to the main thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-usb-watcher"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ub-error.h"
#include "ub-usb-probe.h"
#include "ub-usb-watcher.h"

#define EVENT_WAIT_MS 250
#define POLL_INTERVAL_MS 1000

typedef struct
{
  gboolean       arrived;
  libusb_device *dev;      /* (owned) for arrivals */
  char          *id;
} PendingEvent;

struct _UbUsbWatcher
{
  libusb_context                  *ctx;
  GThread                         *thread;
  gint                             stop;
  gboolean                         hotplug;
  libusb_hotplug_callback_handle   hotplug_handle;
  GQueue                           pending;   /* (element-type PendingEvent) thread only */
  GHashTable                      *present;   /* id → TRUE, thread only */
  UbModelDb                       *db;
  UbUsbWatcherAdded                added;
  UbUsbWatcherRemoved              removed;
  UbUsbWatcherEnumerated           enumerated;
  gpointer                         user_data;
};

static char *
device_id (libusb_device *dev)
{
  return g_strdup_printf ("usb:%03u:%03u", libusb_get_bus_number (dev),
                          libusb_get_device_address (dev));
}

static void
pending_event_free (PendingEvent *event)
{
  if (event->dev != NULL)
    libusb_unref_device (event->dev);
  g_free (event->id);
  g_free (event);
}

static int LIBUSB_CALL
hotplug_cb (libusb_context        *ctx,
            libusb_device         *dev,
            libusb_hotplug_event   what,
            void                  *user_data)
{
  UbUsbWatcher *self = user_data;
  PendingEvent *event = g_new0 (PendingEvent, 1);

  event->arrived = what == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED;
  event->id = device_id (dev);
  if (event->arrived)
    event->dev = libusb_ref_device (dev);
  g_queue_push_tail (&self->pending, event);
  return 0;
}

static void
handle_arrival (UbUsbWatcher  *self,
                libusb_device *dev,
                const char    *id)
{
  g_autoptr(UbDevice) device = NULL;

  if (g_hash_table_contains (self->present, id))
    return;
  device = ub_usb_probe_device (dev, self->db);
  if (device == NULL)
    return;
  g_hash_table_add (self->present, g_strdup (id));
  g_debug ("USB arrival %s (05ac:%04x, mode “%s”)", id, ub_device_get_product_id (device),
           ub_device_mode_to_string (ub_device_get_mode (device)));
  self->added (device, self->user_data);
}

static void
handle_removal (UbUsbWatcher *self,
                const char   *id)
{
  if (!g_hash_table_remove (self->present, id))
    return;
  g_debug ("USB departure %s", id);
  self->removed (id, self->user_data);
}

static void
drain_pending (UbUsbWatcher *self)
{
  PendingEvent *event;

  while ((event = g_queue_pop_head (&self->pending)) != NULL)
    {
      if (event->arrived)
        handle_arrival (self, event->dev, event->id);
      else
        handle_removal (self, event->id);
      pending_event_free (event);
    }
}

static void
poll_devices (UbUsbWatcher *self)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func (g_free);
  libusb_device **list = NULL;
  GHashTableIter iter;
  gpointer key;
  ssize_t n = libusb_get_device_list (self->ctx, &list);

  for (ssize_t i = 0; i < n; i++)
    {
      struct libusb_device_descriptor desc;
      char *id;

      if (libusb_get_device_descriptor (list[i], &desc) != 0 || desc.idVendor != UB_APPLE_VENDOR_ID)
        continue;
      id = device_id (list[i]);
      handle_arrival (self, list[i], id);
      g_hash_table_add (seen, id);
    }
  if (n >= 0)
    libusb_free_device_list (list, 1);

  g_hash_table_iter_init (&iter, self->present);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (seen, key))
      g_ptr_array_add (gone, g_strdup (key));
  for (guint i = 0; i < gone->len; i++)
    handle_removal (self, g_ptr_array_index (gone, i));
}

static gpointer
watcher_thread (gpointer data)
{
  UbUsbWatcher *self = data;

  if (self->hotplug &&
      libusb_hotplug_register_callback (self->ctx,
                                        LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED |
                                        LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT,
                                        LIBUSB_HOTPLUG_ENUMERATE,
                                        UB_APPLE_VENDOR_ID, LIBUSB_HOTPLUG_MATCH_ANY,
                                        LIBUSB_HOTPLUG_MATCH_ANY, hotplug_cb, self,
                                        &self->hotplug_handle) != LIBUSB_SUCCESS)
    {
      g_debug ("libusb hotplug registration failed; polling instead");
      self->hotplug = FALSE;
    }

  /* Devices already plugged in were queued by ENUMERATE (or are listed now). */
  if (self->hotplug)
    drain_pending (self);
  else
    poll_devices (self);
  self->enumerated (self->user_data);

  while (!g_atomic_int_get (&self->stop))
    {
      if (self->hotplug)
        {
          struct timeval tv = { 0, EVENT_WAIT_MS * 1000 };

          drain_pending (self);
          libusb_handle_events_timeout_completed (self->ctx, &tv, &self->stop);
        }
      else
        {
          poll_devices (self);
          for (guint waited = 0; waited < POLL_INTERVAL_MS && !g_atomic_int_get (&self->stop);
               waited += EVENT_WAIT_MS)
            g_usleep (EVENT_WAIT_MS * 1000);
        }
    }

  if (self->hotplug)
    libusb_hotplug_deregister_callback (self->ctx, self->hotplug_handle);
  return NULL;
}

/**
 * ub_usb_watcher_new:
 *
 * Starts watching at once; devices already plugged in are reported first.
 *
 * Returns: (transfer full): the watcher, or %NULL if libusb cannot start
 */
UbUsbWatcher *
ub_usb_watcher_new (UbModelDb            *db,
                    UbUsbWatcherAdded     added,
                    UbUsbWatcherRemoved   removed,
                    UbUsbWatcherEnumerated enumerated,
                    gpointer              user_data,
                    GError              **error)
{
  UbUsbWatcher *self;
  int status;

  g_return_val_if_fail (UB_IS_MODEL_DB (db), NULL);
  g_return_val_if_fail (added != NULL && removed != NULL && enumerated != NULL, NULL);

  self = g_new0 (UbUsbWatcher, 1);
  status = libusb_init (&self->ctx);
  if (status != 0)
    {
      g_set_error (error, UB_ERROR, UB_ERROR_NOT_SUPPORTED,
                   _("USB cannot be used on this computer: %s"), libusb_strerror (status));
      g_free (self);
      return NULL;
    }

  self->db = g_object_ref (db);
  self->added = added;
  self->removed = removed;
  self->enumerated = enumerated;
  self->user_data = user_data;
  self->present = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_queue_init (&self->pending);
  self->hotplug = libusb_has_capability (LIBUSB_CAP_HAS_HOTPLUG) != 0;
  self->thread = g_thread_new ("ub-usb-watcher", watcher_thread, self);
  g_debug ("USB watcher started (%s)", self->hotplug ? "hotplug" : "polling");
  return self;
}

/**
 * ub_usb_watcher_free:
 *
 * Stops the thread and waits for it; no callback runs after this returns.
 */
void
ub_usb_watcher_free (UbUsbWatcher *self)
{
  if (self == NULL)
    return;

  g_atomic_int_set (&self->stop, 1);
  libusb_interrupt_event_handler (self->ctx);
  g_thread_join (self->thread);

  g_queue_clear_full (&self->pending, (GDestroyNotify)pending_event_free);
  g_clear_pointer (&self->present, g_hash_table_unref);
  g_clear_object (&self->db);
  libusb_exit (self->ctx);
  g_free (self);
  g_debug ("USB watcher stopped");
}
