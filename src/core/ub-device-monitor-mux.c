/* ub-device-monitor-mux.c — the device monitor's usbmuxd side
 *
 * libimobiledevice reports phones running iOS from its own event thread; the
 * events are marshalled to the monitor's main context, a snapshot appears at
 * once, and lockdownd's facts (product type, iOS version, name) follow from a
 * worker behind a watchdog as a "device-changed" snapshot. A phone whose
 * port 62078 answers as "restored" runs the restore system: its snapshot
 * changes to restore mode, with the ECID the restore system gives.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-device-monitor"

#include "config.h"

#include <libimobiledevice/libimobiledevice.h>

#include "ub-device-monitor-private.h"
#include "ub-lockdown.h"
#include "ub-usb-probe.h"

/* libimobiledevice 1.3.0 keeps a single event subscriber per process. */
static UbDeviceMonitor *mux_owner;
G_LOCK_DEFINE_STATIC (mux_owner);

static void
query_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  UbMonitorEvent *event = user_data;
  g_autoptr(UbDeviceMonitor) self = g_weak_ref_get (&event->monitor);
  g_autoptr(UbLockdownFacts) facts = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(UbDevice) updated = NULL;
  UbDevice *current;

  facts = ub_lockdown_query_facts_finish (result, &error);
  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    goto out;
  current = g_hash_table_lookup (self->mux_devices, event->id);
  if (current == NULL)
    goto out;
  g_hash_table_remove (self->queries, event->id);

  updated = ub_device_copy (current);
  if (facts != NULL && facts->restore_mode)
    {
      _ub_device_set_mode (updated, UB_DEVICE_MODE_RESTORE);
      _ub_device_set_normal_info (updated, NULL, NULL, NULL, NULL, facts->has_ecid ? facts->ecid : 0);
    }
  else if (facts != NULL)
    {
      _ub_device_set_normal_info (updated, facts->product_type, facts->product_version,
                                  facts->build_version, facts->device_name, facts->ecid);
      if (facts->product_type != NULL)
        _ub_device_set_model (updated, ub_model_db_lookup_product_type (self->db, facts->product_type));
    }
  else
    _ub_device_set_error (updated, error);

  g_hash_table_replace (self->mux_devices, g_strdup (event->id), g_object_ref (updated));
  _ub_device_monitor_log ("Changed", updated);
  _ub_device_monitor_rebuild (self);
  _ub_device_monitor_emit (self, UB_MONITOR_DEVICE_CHANGED, updated);

out:
  _ub_device_monitor_event_free (event);
}

static void
start_query (UbDeviceMonitor *self,
             const char      *udid)
{
  GCancellable *cancellable = g_cancellable_new ();
  UbMonitorEvent *event = g_new0 (UbMonitorEvent, 1);

  g_weak_ref_init (&event->monitor, self);
  event->id = g_strdup (udid);
  g_hash_table_replace (self->queries, g_strdup (udid), cancellable);
  ub_lockdown_query_facts_async (udid, cancellable, query_done_cb, event);
}

static gboolean
mux_event_cb (gpointer data)
{
  UbMonitorEvent *event = data;
  g_autoptr(UbDeviceMonitor) self = g_weak_ref_get (&event->monitor);
  g_autoptr(UbDevice) old = NULL;
  g_autofree char *old_key = NULL;
  GCancellable *query;

  if (self == NULL || !self->mux_subscribed)
    return G_SOURCE_REMOVE;

  if ((query = g_hash_table_lookup (self->queries, event->id)) != NULL)
    {
      g_cancellable_cancel (query);
      g_hash_table_remove (self->queries, event->id);
    }

  if (event->added)
    {
      g_autoptr(UbDevice) device = ub_device_new_usbmux (event->id, UB_DEVICE_MODE_NORMAL);
      guint cpid;
      guint64 ecid;

      if (ub_usb_parse_udid (event->id, &cpid, &ecid))
        _ub_device_set_normal_info (device, NULL, NULL, NULL, NULL, ecid);
      g_hash_table_replace (self->mux_devices, g_strdup (event->id), g_object_ref (device));
      _ub_device_monitor_log ("Added", device);
      _ub_device_monitor_rebuild (self);
      _ub_device_monitor_emit (self, UB_MONITOR_DEVICE_ADDED, device);
      start_query (self, event->id);
    }
  else if (g_hash_table_steal_extended (self->mux_devices, event->id,
                                        (gpointer *)&old_key, (gpointer *)&old))
    {
      _ub_device_monitor_log ("Removed", old);
      _ub_device_monitor_rebuild (self);
      _ub_device_monitor_emit (self, UB_MONITOR_DEVICE_REMOVED, old);
    }
  return G_SOURCE_REMOVE;
}

/* Runs on libimobiledevice's event thread. */
static void
on_idevice_event (const idevice_event_t *ev,
                  void                  *user_data)
{
  G_LOCK (mux_owner);
  if (mux_owner != NULL && ev->conn_type == CONNECTION_USBMUXD && ev->udid != NULL &&
      (ev->event == IDEVICE_DEVICE_ADD || ev->event == IDEVICE_DEVICE_REMOVE))
    _ub_device_monitor_post (mux_owner, NULL, ev->udid, ev->event == IDEVICE_DEVICE_ADD, mux_event_cb);
  G_UNLOCK (mux_owner);
}

void
_ub_device_monitor_subscribe_mux (UbDeviceMonitor *self)
{
  G_LOCK (mux_owner);
  if (mux_owner != NULL)
    {
      G_UNLOCK (mux_owner);
      g_warning ("Only one device monitor can watch usbmuxd at a time");
      return;
    }
  mux_owner = self;
  G_UNLOCK (mux_owner);

  if (idevice_event_subscribe (on_idevice_event, NULL) != IDEVICE_E_SUCCESS)
    {
      g_debug ("usbmuxd events unavailable");
      G_LOCK (mux_owner);
      mux_owner = NULL;
      G_UNLOCK (mux_owner);
      return;
    }
  self->mux_subscribed = TRUE;
}

void
_ub_device_monitor_unsubscribe_mux (UbDeviceMonitor *self)
{
  if (!self->mux_subscribed)
    return;
  idevice_event_unsubscribe ();
  G_LOCK (mux_owner);
  mux_owner = NULL;
  G_UNLOCK (mux_owner);
  self->mux_subscribed = FALSE;
}
