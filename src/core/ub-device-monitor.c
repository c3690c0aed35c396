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
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-device-monitor"

#include "config.h"

#include <libimobiledevice/libimobiledevice.h>
#include <string.h>

#include "ub-device-monitor.h"
#include "ub-lockdown.h"
#include "ub-usb-probe.h"
#include "ub-usb-watcher.h"

struct _UbDeviceMonitor
{
  GObject        parent_instance;

  UbModelDb     *db;
  GMainContext  *context;
  UbUsbWatcher  *usb;
  gboolean       mux_subscribed;
  GHashTable    *usb_devices;     /* id → UbDevice */
  GHashTable    *mux_devices;     /* udid → UbDevice */
  GHashTable    *queries;         /* udid → GCancellable of its lockdown query */
  GListStore    *devices;         /* what the UI shows */
  gboolean       enumerated;
};

G_DEFINE_FINAL_TYPE (UbDeviceMonitor, ub_device_monitor, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ENUMERATED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  DEVICE_ADDED,
  DEVICE_REMOVED,
  DEVICE_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* libimobiledevice 1.3.0 keeps a single event subscriber per process. */
static UbDeviceMonitor *mux_owner;
G_LOCK_DEFINE_STATIC (mux_owner);

typedef struct
{
  GWeakRef  monitor;
  UbDevice *device;
  char     *id;
  gboolean  added;
} Event;

static void
event_free (Event *event)
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
  signals[DEVICE_ADDED] =
    g_signal_new ("device-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, UB_TYPE_DEVICE);
  signals[DEVICE_REMOVED] =
    g_signal_new ("device-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, UB_TYPE_DEVICE);
  /**
   * UbDeviceMonitor::device-changed:
   * @device: the new snapshot, with the same id as the one it replaces
   *
   * More is known about a device (lockdownd answered, or failed to).
   */
  signals[DEVICE_CHANGED] =
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

static void
rebuild_list (UbDeviceMonitor *self)
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

static void
log_device (const char *what,
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
  Event *event = data;
  g_autoptr(UbDeviceMonitor) self = g_weak_ref_get (&event->monitor);
  g_autoptr(UbDevice) old = NULL;
  g_autofree char *old_key = NULL;

  if (self == NULL || self->usb == NULL)
    return G_SOURCE_REMOVE;

  if (event->added)
    {
      g_hash_table_replace (self->usb_devices, g_strdup (event->id), g_object_ref (event->device));
      log_device ("Added", event->device);
      rebuild_list (self);
      g_signal_emit (self, signals[DEVICE_ADDED], 0, event->device);
    }
  else if (g_hash_table_steal_extended (self->usb_devices, event->id,
                                        (gpointer *)&old_key, (gpointer *)&old))
    {
      log_device ("Removed", old);
      rebuild_list (self);
      g_signal_emit (self, signals[DEVICE_REMOVED], 0, old);
    }
  return G_SOURCE_REMOVE;
}

static void
post_event (UbDeviceMonitor *self,
            UbDevice        *device,
            const char      *id,
            gboolean         added,
            GSourceFunc      func)
{
  Event *event = g_new0 (Event, 1);
  GSource *source;

  g_weak_ref_init (&event->monitor, self);
  event->device = device ? g_object_ref (device) : NULL;
  event->id = g_strdup (id);
  event->added = added;

  /* Not g_main_context_invoke(): it runs the function right here, on this
   * worker thread, whenever no thread owns the context at that moment. */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, func, event, (GDestroyNotify)event_free);
  g_source_set_static_name (source, "[ub-device-monitor] event");
  g_source_attach (source, self->context);
  g_source_unref (source);
}

static void
on_usb_added (UbDevice *device,
              gpointer  user_data)
{
  post_event (user_data, device, ub_device_get_id (device), TRUE, usb_event_cb);
}

static void
on_usb_removed (const char *id,
                gpointer    user_data)
{
  post_event (user_data, NULL, id, FALSE, usb_event_cb);
}

static gboolean
usb_enumerated_cb (gpointer data)
{
  Event *event = data;
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
  post_event (user_data, NULL, NULL, FALSE, usb_enumerated_cb);
}

/* ---- usbmuxd (on the main thread, from libimobiledevice's thread) ---- */

static void
query_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Event *event = user_data;
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
  if (facts != NULL)
    {
      _ub_device_set_normal_info (updated, facts->product_type, facts->product_version,
                                  facts->build_version, facts->device_name, facts->ecid);
      if (facts->product_type != NULL)
        _ub_device_set_model (updated, ub_model_db_lookup_product_type (self->db, facts->product_type));
    }
  else
    _ub_device_set_error (updated, error);

  g_hash_table_replace (self->mux_devices, g_strdup (event->id), g_object_ref (updated));
  log_device ("Changed", updated);
  rebuild_list (self);
  g_signal_emit (self, signals[DEVICE_CHANGED], 0, updated);

out:
  event_free (event);
}

static void
start_query (UbDeviceMonitor *self,
             const char      *udid)
{
  GCancellable *cancellable = g_cancellable_new ();
  Event *event = g_new0 (Event, 1);

  g_weak_ref_init (&event->monitor, self);
  event->id = g_strdup (udid);
  g_hash_table_replace (self->queries, g_strdup (udid), cancellable);
  ub_lockdown_query_facts_async (udid, cancellable, query_done_cb, event);
}

static gboolean
mux_event_cb (gpointer data)
{
  Event *event = data;
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
      log_device ("Added", device);
      rebuild_list (self);
      g_signal_emit (self, signals[DEVICE_ADDED], 0, device);
      start_query (self, event->id);
    }
  else if (g_hash_table_steal_extended (self->mux_devices, event->id,
                                        (gpointer *)&old_key, (gpointer *)&old))
    {
      log_device ("Removed", old);
      rebuild_list (self);
      g_signal_emit (self, signals[DEVICE_REMOVED], 0, old);
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
    post_event (mux_owner, NULL, ev->udid, ev->event == IDEVICE_DEVICE_ADD, mux_event_cb);
  G_UNLOCK (mux_owner);
}

static void
subscribe_mux (UbDeviceMonitor *self)
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

static void
unsubscribe_mux (UbDeviceMonitor *self)
{
  if (!self->mux_subscribed)
    return;
  idevice_event_unsubscribe ();
  G_LOCK (mux_owner);
  mux_owner = NULL;
  G_UNLOCK (mux_owner);
  self->mux_subscribed = FALSE;
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
  subscribe_mux (self);
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

  unsubscribe_mux (self);
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
