/* ub-device-monitor.c — every Apple device on this computer, live, on the main thread
 *
 * Two sources feed one list of immutable UbDevice snapshots:
 *  - the USB watcher thread (libusb hotplug): DFU, WTF, recovery and normal
 *    mode as the USB bus sees them, with the iBoot serial string parsed;
 *  - usbmuxd events (libimobiledevice): phones running iOS, whose product
 *    type, version and name are then read from lockdownd in a worker.
 * Both are marshalled to the main context the monitor was created in; the
 * signals and the "devices" list only ever change there.
 *
 * A phone running iOS shows up twice (its USB device and its usbmuxd entry);
 * the list shows it once, as the richer usbmuxd entry, while the signals
 * report every arrival as it happens, so a waiting guide reacts to the first.
 * The usbmuxd side lives in ub-device-monitor-mux.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-device-monitor"

#include "config.h"

#include <string.h>

#include "ub-device-monitor-private.h"
#include "ub-usb-probe.h"
#include "ub-usb-watcher.h"


G_DEFINE_FINAL_TYPE (UbDeviceMonitor, ub_device_monitor, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ENUMERATED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static guint signals[UB_MONITOR_N_SIGNALS];



void
_ub_device_monitor_emit (UbDeviceMonitor *self,
                         UbMonitorSignal  signal,
                         UbDevice        *device)
{
  g_signal_emit (self, signals[signal], 0, device);
}

void
_ub_device_monitor_event_free (UbMonitorEvent *event)
{
  g_weak_ref_clear (&event->monitor);
  g_clear_object (&event->device);
  g_free (event->id);
  g_free (event);
}

static void
ub_device_monitor_dispose (GObject *object)
{
  UbDeviceMonitor *self = (UbDeviceMonitor *)object;

  ub_device_monitor_stop (self);
  g_clear_pointer (&self->usb_devices, g_hash_table_unref);
  g_clear_pointer (&self->mux_devices, g_hash_table_unref);
  g_clear_pointer (&self->queries, g_hash_table_unref);
  g_clear_object (&self->devices);
  g_clear_object (&self->db);
  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (ub_device_monitor_parent_class)->dispose (object);
}

static void
ub_device_monitor_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  UbDeviceMonitor *self = UB_DEVICE_MONITOR (object);

  switch (prop_id)
    {
    case PROP_ENUMERATED:
      g_value_set_boolean (value, self->enumerated);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ub_device_monitor_class_init (UbDeviceMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ub_device_monitor_dispose;
  object_class->get_property = ub_device_monitor_get_property;

  /**
   * UbDeviceMonitor:enumerated:
   *
   * Whether the devices that were already on USB at start have been reported.
   */
  properties[PROP_ENUMERATED] =
    g_param_spec_boolean ("enumerated", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * UbDeviceMonitor::device-added:
   * @device: the new snapshot
   *
   * A device arrived, on USB or through usbmuxd.
   */
  signals[UB_MONITOR_DEVICE_ADDED] =
    g_signal_new ("device-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, UB_TYPE_DEVICE);
  signals[UB_MONITOR_DEVICE_REMOVED] =
    g_signal_new ("device-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, UB_TYPE_DEVICE);
  /**
   * UbDeviceMonitor::device-changed:
   * @device: the new snapshot, with the same id as the one it replaces
   *
   * More is known about a device (lockdownd answered, or failed to).
   */
  signals[UB_MONITOR_DEVICE_CHANGED] =
    g_signal_new ("device-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, UB_TYPE_DEVICE);
}

static void
ub_device_monitor_init (UbDeviceMonitor *self)
{
  self->usb_devices = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->mux_devices = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->queries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->devices = g_list_store_new (UB_TYPE_DEVICE);
}

/**
 * ub_device_monitor_new:
 *
 * Returns: (transfer full): a monitor bound to the thread-default main context
 */
UbDeviceMonitor *
ub_device_monitor_new (UbModelDb *db)
{
  UbDeviceMonitor *self;

  g_return_val_if_fail (UB_IS_MODEL_DB (db), NULL);

  self = g_object_new (UB_TYPE_DEVICE_MONITOR, NULL);
  self->db = g_object_ref (db);
  self->context = g_main_context_ref_thread_default ();
  return self;
}

static char *
normalize_udid (const char *udid)
{
  GString *out = g_string_new (NULL);

  for (const char *p = udid; p && *p; p++)
    if (*p != '-')
      g_string_append_c (out, g_ascii_toupper (*p));
  return g_string_free (out, FALSE);
}

static gboolean
shadowed_by_mux (UbDeviceMonitor *self,
                 UbDevice        *device)
{
  g_autofree char *serial = NULL;
  GHashTableIter iter;
  gpointer key;

  if (ub_device_get_mode (device) != UB_DEVICE_MODE_NORMAL || ub_device_get_serial (device) == NULL)
    return FALSE;
  serial = normalize_udid (ub_device_get_serial (device));
  g_hash_table_iter_init (&iter, self->mux_devices);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_autofree char *udid = normalize_udid (key);

      if (g_str_equal (udid, serial))
        return TRUE;
    }
  return FALSE;
}

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  return g_strcmp0 (ub_device_get_id (*(UbDevice **)a), ub_device_get_id (*(UbDevice **)b));
}

void
_ub_device_monitor_rebuild (UbDeviceMonitor *self)
{
  g_autoptr(GPtrArray) visible = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->usb_devices);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (!shadowed_by_mux (self, value))
      g_ptr_array_add (visible, value);
  g_hash_table_iter_init (&iter, self->mux_devices);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (visible, value);
  g_ptr_array_sort (visible, compare_ids);

  g_list_store_splice (self->devices, 0, g_list_model_get_n_items (G_LIST_MODEL (self->devices)),
                       visible->pdata, visible->len);
}

void
_ub_device_monitor_log (const char *what,
                        UbDevice   *device)
{
  g_autofree char *ecid = ub_device_dup_ecid_string (device);
  UbModel *model = ub_device_get_model (device);

  g_debug ("%s %s: mode “%s”, model “%s”, ECID %s%s%s", what, ub_device_get_id (device),
           ub_device_mode_to_string (ub_device_get_mode (device)),
           model ? ub_model_get_product_type (model) : ub_device_get_product_type (device),
           ecid ? ecid : "unknown",
           ub_device_get_error (device) ? ", error: " : "",
           ub_device_get_error (device) ? ub_device_get_error (device)->message : "");
}

/* ---- USB (on the main thread, from the watcher thread) ---- */

static gboolean
usb_event_cb (gpointer data)
{
  UbMonitorEvent *event = data;
  g_autoptr(UbDeviceMonitor) self = g_weak_ref_get (&event->monitor);
  g_autoptr(UbDevice) old = NULL;
  g_autofree char *old_key = NULL;

  if (self == NULL || self->usb == NULL)
    return G_SOURCE_REMOVE;

  if (event->added)
    {
      g_hash_table_replace (self->usb_devices, g_strdup (event->id), g_object_ref (event->device));
      _ub_device_monitor_log ("Added", event->device);
      _ub_device_monitor_rebuild (self);
      g_signal_emit (self, signals[UB_MONITOR_DEVICE_ADDED], 0, event->device);
    }
  else if (g_hash_table_steal_extended (self->usb_devices, event->id,
                                        (gpointer *)&old_key, (gpointer *)&old))
    {
      _ub_device_monitor_log ("Removed", old);
      _ub_device_monitor_rebuild (self);
      g_signal_emit (self, signals[UB_MONITOR_DEVICE_REMOVED], 0, old);
    }
  return G_SOURCE_REMOVE;
}

void
_ub_device_monitor_post (UbDeviceMonitor *self,
                         UbDevice        *device,
                         const char      *id,
                         gboolean         added,
                         GSourceFunc      func)
{
  UbMonitorEvent *event = g_new0 (UbMonitorEvent, 1);
  GSource *source;

  g_weak_ref_init (&event->monitor, self);
  event->device = device ? g_object_ref (device) : NULL;
  event->id = g_strdup (id);
  event->added = added;

  /* Not g_main_context_invoke(): it runs the function right here, on this
   * worker thread, whenever no thread owns the context at that moment. */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, func, event, (GDestroyNotify)_ub_device_monitor_event_free);
  g_source_set_static_name (source, "[ub-device-monitor] event");
  g_source_attach (source, self->context);
  g_source_unref (source);
}

static void
on_usb_added (UbDevice *device,
              gpointer  user_data)
{
  _ub_device_monitor_post (user_data, device, ub_device_get_id (device), TRUE, usb_event_cb);
}

static void
on_usb_removed (const char *id,
                gpointer    user_data)
{
  _ub_device_monitor_post (user_data, NULL, id, FALSE, usb_event_cb);
}

static gboolean
usb_enumerated_cb (gpointer data)
{
  UbMonitorEvent *event = data;
  g_autoptr(UbDeviceMonitor) self = g_weak_ref_get (&event->monitor);

  if (self == NULL || self->usb == NULL || self->enumerated)
    return G_SOURCE_REMOVE;
  g_debug ("Initial USB enumeration done");
  self->enumerated = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENUMERATED]);
  return G_SOURCE_REMOVE;
}

static void
on_usb_enumerated (gpointer user_data)
{
  _ub_device_monitor_post (user_data, NULL, NULL, FALSE, usb_enumerated_cb);
}

/* ---- public ---- */

/**
 * ub_device_monitor_start:
 *
 * Starts watching USB and usbmuxd. Devices already connected are reported
 * as arrivals on the next main-loop iterations.
 *
 * Returns: %FALSE if USB cannot be watched at all (usbmuxd is optional)
 */
gboolean
ub_device_monitor_start (UbDeviceMonitor  *self,
                         GError          **error)
{
  g_return_val_if_fail (UB_IS_DEVICE_MONITOR (self), FALSE);

  if (self->usb != NULL)
    return TRUE;
  self->usb = ub_usb_watcher_new (self->db, on_usb_added, on_usb_removed, on_usb_enumerated,
                                  self, error);
  if (self->usb == NULL)
    return FALSE;
  _ub_device_monitor_subscribe_mux (self);
  g_debug ("Device monitor started (usbmuxd events: %s)", self->mux_subscribed ? "yes" : "no");
  return TRUE;
}

/**
 * ub_device_monitor_stop:
 *
 * Stops both sources and forgets every device; no signal is emitted after.
 */
void
ub_device_monitor_stop (UbDeviceMonitor *self)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (UB_IS_DEVICE_MONITOR (self));

  _ub_device_monitor_unsubscribe_mux (self);
  g_clear_pointer (&self->usb, ub_usb_watcher_free);
  if (self->queries != NULL)
    {
      g_hash_table_iter_init (&iter, self->queries);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        g_cancellable_cancel (value);
      g_hash_table_remove_all (self->queries);
      g_hash_table_remove_all (self->usb_devices);
      g_hash_table_remove_all (self->mux_devices);
      g_list_store_remove_all (self->devices);
    }
  if (self->enumerated)
    {
      self->enumerated = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENUMERATED]);
    }
}

/**
 * ub_device_monitor_is_settled:
 *
 * Returns: %TRUE once the devices present at start are reported and no
 *   lockdownd query is still under way
 */
gboolean
ub_device_monitor_is_settled (UbDeviceMonitor *self)
{
  g_return_val_if_fail (UB_IS_DEVICE_MONITOR (self), FALSE);
  return self->enumerated && g_hash_table_size (self->queries) == 0;
}

gboolean
ub_device_monitor_is_running (UbDeviceMonitor *self)
{
  g_return_val_if_fail (UB_IS_DEVICE_MONITOR (self), FALSE);
  return self->usb != NULL;
}

/**
 * ub_device_monitor_get_devices:
 *
 * Returns: (transfer none): a list of #UbDevice, one per connected device
 */
GListModel *
ub_device_monitor_get_devices (UbDeviceMonitor *self)
{
  g_return_val_if_fail (UB_IS_DEVICE_MONITOR (self), NULL);
  return G_LIST_MODEL (self->devices);
}

/**
 * ub_device_monitor_lookup:
 *
 * Returns: (transfer none) (nullable): the current snapshot with this id
 */
UbDevice *
ub_device_monitor_lookup (UbDeviceMonitor *self,
                          const char      *id)
{
  UbDevice *device;

  g_return_val_if_fail (UB_IS_DEVICE_MONITOR (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  if ((device = g_hash_table_lookup (self->usb_devices, id)) != NULL)
    return device;
  if (g_str_has_prefix (id, "usbmux:"))
    return g_hash_table_lookup (self->mux_devices, id + strlen ("usbmux:"));
  return NULL;
}

/**
 * ub_device_monitor_find_phone:
 * @like: a snapshot of the phone, possibly from an earlier mode
 *
 * Returns: (transfer none) (nullable): the current snapshot of the same phone
 *   (same ECID or UDID), in whatever mode it is now
 */
UbDevice *
ub_device_monitor_find_phone (UbDeviceMonitor *self,
                              UbDevice        *like)
{
  g_return_val_if_fail (UB_IS_DEVICE_MONITOR (self), NULL);
  g_return_val_if_fail (UB_IS_DEVICE (like), NULL);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->devices)); i++)
    {
      g_autoptr(UbDevice) device = g_list_model_get_item (G_LIST_MODEL (self->devices), i);

      if (ub_device_is_same_phone (device, like))
        return device;
    }
  return NULL;
}
