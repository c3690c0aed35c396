/* ub-power-monitor.c — told when this computer is plugged in or unplugged
 *
 * Queries UPower (ub-power.c) once, then again whenever UPower or its
 * DisplayDevice announces PropertiesChanged, or the daemon appears or goes
 * away on the system bus; "changed" is emitted when the answer differs from
 * the last one. Queries never overlap: a change announced during one asks
 * for one more afterwards.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-power-monitor"

#include "config.h"

#include "ub-power-monitor.h"

struct _UbPowerMonitor
{
  GObject          parent_instance;
  GCancellable    *cancellable;
  GDBusConnection *bus;
  guint            subscription;
  guint            watch;
  UbPowerState     state;
  gboolean         have_state;
  gboolean         querying;
  gboolean         again;
};

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (UbPowerMonitor, ub_power_monitor, G_TYPE_OBJECT)

static void refresh (UbPowerMonitor *self);

static void
on_queried (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(UbPowerMonitor) self = user_data;
  g_autoptr(GError) error = NULL;
  UbPowerState state;

  self->querying = FALSE;
  if (!ub_power_query_finish (result, &state, &error))
    return;                                   /* cancelled: disposed */
  if (!self->have_state || !ub_power_state_equal (&state, &self->state))
    {
      self->state = state;
      self->have_state = TRUE;
      g_debug ("Power changed: %s, %.0f %%", state.known ? (state.on_battery ? "on battery" : "on mains")
                                                         : "unknown", state.percentage);
      g_signal_emit (self, signals[CHANGED], 0);
    }
  if (self->again)
    refresh (self);
}

static void
refresh (UbPowerMonitor *self)
{
  if (self->querying)
    {
      self->again = TRUE;
      return;
    }
  self->again = FALSE;
  self->querying = TRUE;
  ub_power_query_async (self->cancellable, on_queried, g_object_ref (self));
}

static void
on_properties_changed (GDBusConnection *bus,
                       const char      *sender,
                       const char      *path,
                       const char      *iface,
                       const char      *member,
                       GVariant        *parameters,
                       gpointer         user_data)
{
  UbPowerMonitor *self = user_data;

  if (g_strcmp0 (path, UB_POWER_UPOWER_PATH) != 0 && g_strcmp0 (path, UB_POWER_DISPLAY_PATH) != 0)
    return;
  g_debug ("UPower announced a change on %s", path);
  refresh (self);
}

static void
on_name_appeared (GDBusConnection *bus,
                  const char      *name,
                  const char      *owner,
                  gpointer         user_data)
{
  UbPowerMonitor *self = user_data;

  g_debug ("UPower is on the system bus (%s)", owner);
  refresh (self);
}

static void
on_name_vanished (GDBusConnection *bus,
                  const char      *name,
                  gpointer         user_data)
{
  UbPowerMonitor *self = user_data;

  g_debug ("UPower is not on the system bus");
  refresh (self);
}

static void
on_bus (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(UbPowerMonitor) self = user_data;
  g_autoptr(GError) error = NULL;
  GDBusConnection *bus = g_bus_get_finish (result, &error);

  if (bus == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        refresh (self);                       /* answers "unknown" */
      return;
    }
  self->bus = bus;
  self->subscription = g_dbus_connection_signal_subscribe (bus, UB_POWER_UPOWER_NAME,
                                                           "org.freedesktop.DBus.Properties",
                                                           "PropertiesChanged", NULL, NULL,
                                                           G_DBUS_SIGNAL_FLAGS_NONE,
                                                           on_properties_changed, self, NULL);
  /* Calls one of the two at once, which makes the first query */
  self->watch = g_bus_watch_name_on_connection (bus, UB_POWER_UPOWER_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                                on_name_appeared, on_name_vanished, self, NULL);
}

static void
ub_power_monitor_dispose (GObject *object)
{
  UbPowerMonitor *self = UB_POWER_MONITOR (object);

  g_cancellable_cancel (self->cancellable);
  if (self->subscription != 0)
    g_dbus_connection_signal_unsubscribe (self->bus, self->subscription);
  self->subscription = 0;
  g_clear_handle_id (&self->watch, g_bus_unwatch_name);
  g_clear_object (&self->bus);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (ub_power_monitor_parent_class)->dispose (object);
}

static void
ub_power_monitor_class_init (UbPowerMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ub_power_monitor_dispose;

  /**
   * UbPowerMonitor::changed:
   *
   * The power state differs from the last one (or is the first one).
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
ub_power_monitor_init (UbPowerMonitor *self)
{
  self->cancellable = g_cancellable_new ();
  self->state.percentage = -1.0;
}

/**
 * ub_power_monitor_new:
 *
 * Starts watching at once; "changed" follows with the first answer.
 *
 * Returns: (transfer full): a new monitor
 */
UbPowerMonitor *
ub_power_monitor_new (void)
{
  UbPowerMonitor *self = g_object_new (UB_TYPE_POWER_MONITOR, NULL);

  g_bus_get (G_BUS_TYPE_SYSTEM, self->cancellable, on_bus, g_object_ref (self));
  return self;
}

/**
 * ub_power_monitor_get_state:
 * @out: (out): the last state
 *
 * Returns: %FALSE before the first answer
 */
gboolean
ub_power_monitor_get_state (UbPowerMonitor *self,
                            UbPowerState   *out)
{
  g_return_val_if_fail (UB_IS_POWER_MONITOR (self), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  *out = self->state;
  return self->have_state;
}
