/* ub-power.c — whether this computer runs on mains power, from UPower
 *
 * A restore can take an hour; a laptop that runs out of battery halfway
 * leaves the phone in recovery mode. Like fwupd before a firmware update,
 * Unbrick asks UPower on the system bus: the daemon's OnBattery, and its
 * DisplayDevice (the batteries as one: IsPresent, Percentage, State, Type).
 * No system bus, no UPower, or no answer within %UB_POWER_TIMEOUT_MS gives
 * a state that is not `known`, never an error: the page then says so gently.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-power"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ub-power.h"

/* UPower's Device.State values this file reads */
#define UPOWER_STATE_DISCHARGING          2
#define UPOWER_STATE_PENDING_DISCHARGE    6

typedef struct
{
  UbPowerState  state;
  gboolean      have_on_battery;
  gboolean      done;
  guint         pending;
  GCancellable *calls;        /* cancelled by the caller or the deadline */
  GCancellable *outer;
  gulong        outer_handler;
  GSource      *deadline;
} Query;

static void
query_free (Query *q)
{
  if (q->outer_handler != 0)
    g_cancellable_disconnect (q->outer, q->outer_handler);
  g_clear_object (&q->outer);
  g_clear_object (&q->calls);
  if (q->deadline != NULL)
    {
      g_source_destroy (q->deadline);
      g_source_unref (q->deadline);
    }
  g_free (q);
}

/* Answers the caller once: the state so far, or the caller's cancellation */
static void
query_complete (GTask *task)
{
  Query *q = g_task_get_task_data (task);

  if (q->done)
    return;
  q->done = TRUE;
  if (q->deadline != NULL)
    g_source_destroy (q->deadline);
  g_cancellable_cancel (q->calls);
  if (q->outer != NULL && g_cancellable_is_cancelled (q->outer))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Operation was cancelled"));
      return;
    }
  if (!q->have_on_battery && q->state.known && q->state.has_battery)
    g_debug ("No OnBattery from UPower; judging by the battery's state");
  g_debug ("Power: %s%s%s, battery %s, %.0f %%", q->state.known ? "known" : "unknown",
           q->state.known && q->state.on_battery ? ", on battery" : "",
           q->state.known && !q->state.on_battery ? ", on mains" : "",
           q->state.has_battery ? "present" : "absent", q->state.percentage);
  g_task_return_pointer (task, g_memdup2 (&q->state, sizeof q->state), g_free);
}

static gboolean
on_deadline (gpointer user_data)
{
  GTask *task = user_data;

  g_debug ("UPower did not answer within %u ms", UB_POWER_TIMEOUT_MS);
  query_complete (task);
  return G_SOURCE_REMOVE;
}

static void
on_outer_cancelled (GCancellable *outer,
                    GCancellable *calls)
{
  g_cancellable_cancel (calls);
}

static void
read_daemon (Query    *q,
             GVariant *props)
{
  gboolean on_battery;

  if (g_variant_lookup (props, "OnBattery", "b", &on_battery))
    {
      q->state.known = TRUE;
      q->state.on_battery = on_battery;
      q->have_on_battery = TRUE;
    }
}

static void
read_display_device (Query    *q,
                     GVariant *props)
{
  gboolean present = FALSE;
  double percentage;
  guint32 state;

  if (!g_variant_lookup (props, "IsPresent", "b", &present) || !present)
    return;
  q->state.known = TRUE;
  q->state.has_battery = TRUE;
  if (g_variant_lookup (props, "Percentage", "d", &percentage) && percentage >= 0.0 && percentage <= 100.0)
    q->state.percentage = percentage;
  if (!q->have_on_battery && g_variant_lookup (props, "State", "u", &state))
    q->state.on_battery = state == UPOWER_STATE_DISCHARGING || state == UPOWER_STATE_PENDING_DISCHARGE;
}

/* One GetAll reply, from the daemon or from its DisplayDevice */
static void
got_properties (GDBusConnection *bus,
                GAsyncResult    *result,
                GTask           *task,
                gboolean         device)
{
  Query *q = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (bus, result, &error);
  g_autoptr(GVariant) props = NULL;

  q->pending--;
  if (q->done)
    return;
  if (reply == NULL)
    g_debug ("UPower%s: %s", device ? " DisplayDevice" : "", error->message);
  else
    {
      props = g_variant_get_child_value (reply, 0);
      if (device)
        read_display_device (q, props);
      else
        read_daemon (q, props);
    }
  if (q->pending == 0)
    query_complete (task);
}

static void
on_get_daemon (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;

  got_properties (G_DBUS_CONNECTION (source), result, task, FALSE);
}

static void
on_get_device (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;

  got_properties (G_DBUS_CONNECTION (source), result, task, TRUE);
}

static void
get_all (GDBusConnection     *bus,
         GTask               *task,
         const char          *path,
         const char          *iface,
         GAsyncReadyCallback  callback)
{
  Query *q = g_task_get_task_data (task);

  q->pending++;
  g_dbus_connection_call (bus, UB_POWER_UPOWER_NAME, path, "org.freedesktop.DBus.Properties", "GetAll",
                          g_variant_new ("(s)", iface), G_VARIANT_TYPE ("(a{sv})"),
                          G_DBUS_CALL_FLAGS_NONE, UB_POWER_TIMEOUT_MS, q->calls, callback,
                          g_object_ref (task));
}

static void
on_bus (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Query *q = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = g_bus_get_finish (result, &error);

  if (q->done)
    return;
  if (bus == NULL)
    {
      g_debug ("No system bus: %s", error->message);
      query_complete (task);
      return;
    }
  get_all (bus, task, UB_POWER_UPOWER_PATH, UB_POWER_UPOWER_IFACE, on_get_daemon);
  get_all (bus, task, UB_POWER_DISPLAY_PATH, UB_POWER_DEVICE_IFACE, on_get_device);
}

/**
 * ub_power_query_async:
 *
 * Asks UPower whether the computer runs on battery, and how full it is.
 * Answers within %UB_POWER_TIMEOUT_MS, unknown if UPower cannot be asked.
 */
void
ub_power_query_async (GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  Query *q = g_new0 (Query, 1);

  g_task_set_source_tag (task, ub_power_query_async);
  q->state.percentage = -1.0;
  q->calls = g_cancellable_new ();
  g_task_set_task_data (task, q, (GDestroyNotify)query_free);
  if (cancellable != NULL)
    {
      q->outer = g_object_ref (cancellable);
      q->outer_handler = g_cancellable_connect (cancellable, G_CALLBACK (on_outer_cancelled),
                                                g_object_ref (q->calls), g_object_unref);
    }
  /* The deadline holds no reference: query_complete() destroys it */
  q->deadline = g_timeout_source_new (UB_POWER_TIMEOUT_MS);
  g_source_set_callback (q->deadline, on_deadline, task, NULL);
  g_source_set_name (q->deadline, "[ub-power] deadline");
  g_source_attach (q->deadline, g_main_context_get_thread_default ());
  g_bus_get (G_BUS_TYPE_SYSTEM, q->calls, on_bus, g_object_ref (task));
}

/**
 * ub_power_query_finish:
 * @out: (out): the state; `known` is %FALSE when UPower could not be asked
 *
 * Returns: %FALSE only with %G_IO_ERROR_CANCELLED, when the caller cancelled
 */
gboolean
ub_power_query_finish (GAsyncResult  *result,
                       UbPowerState  *out,
                       GError       **error)
{
  g_autofree UbPowerState *state = NULL;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ub_power_query_async, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  state = g_task_propagate_pointer (G_TASK (result), error);
  if (state == NULL)
    return FALSE;
  *out = *state;
  return TRUE;
}

/**
 * ub_power_state_advice:
 * @state: (nullable): what ub_power_query_finish() gave
 *
 * Returns: (nullable): translated advice, or %NULL when the computer runs
 *   on mains power (or has no battery)
 */
const char *
ub_power_state_advice (const UbPowerState *state)
{
  if (state == NULL || !state->known)
    return _("Unbrick could not find out whether this computer runs on battery. If it is a laptop, "
             "plug it into mains power: a restore can take an hour.");
  if (state->on_battery && state->percentage >= 0.0 && state->percentage < UB_POWER_LOW_PERCENTAGE)
    return _("This computer’s battery is low. Plug it into mains power before you start: a restore "
             "can take an hour and must not stop halfway.");
  if (state->on_battery)
    return _("Plug this computer into mains power: a restore can take an hour.");
  return NULL;
}

/**
 * ub_power_state_equal:
 *
 * Returns: whether @a and @b say the same (percentages to a tenth)
 */
gboolean
ub_power_state_equal (const UbPowerState *a,
                      const UbPowerState *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  return a->known == b->known && a->on_battery == b->on_battery && a->has_battery == b->has_battery &&
         (gint64)(a->percentage * 10) == (gint64)(b->percentage * 10);
}
