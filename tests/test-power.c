/* test-power.c — the computer's power, against a fake UPower on a private bus
 *
 * GTestDBus starts a bus of our own; DBUS_SYSTEM_BUS_ADDRESS points at it,
 * so ub-power.c finds it as the system bus. The fake UPower here is a second
 * connection that owns org.freedesktop.UPower and serves the properties
 * ub-power.c reads: OnBattery on the daemon; IsPresent, Percentage, State
 * and Type on its DisplayDevice. It can also be silent (a filter drops every
 * call to it) or gone (the name released).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ub-core.h"

static const char introspection[] =
  "<node>"
  "  <interface name='org.freedesktop.UPower'>"
  "    <property name='OnBattery' type='b' access='read'/>"
  "  </interface>"
  "  <interface name='org.freedesktop.UPower.Device'>"
  "    <property name='IsPresent' type='b' access='read'/>"
  "    <property name='Percentage' type='d' access='read'/>"
  "    <property name='State' type='u' access='read'/>"
  "    <property name='Type' type='u' access='read'/>"
  "  </interface>"
  "</node>";

typedef struct
{
  GDBusConnection *conn;
  GDBusNodeInfo   *node;
  guint            registrations[2];
  guint            owner_id;
  guint            filter_id;
  gboolean         owned;
  gint             silent;         /* atomic: drop every call */
  gboolean         on_battery;
  gboolean         present;
  double           percentage;
  guint32          state;
} Fake;

static GTestDBus *test_bus;

static void
ensure_bus (void)
{
  if (test_bus != NULL)
    return;
  test_bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (test_bus);
  g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", g_test_dbus_get_bus_address (test_bus), TRUE);
}

/* Iterates the main context until *@flag, failing after 10 s */
static void
wait_for (const gboolean *flag)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (!*flag)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static void
spin (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static GVariant *
get_property (GDBusConnection *conn,
              const char      *sender,
              const char      *path,
              const char      *iface,
              const char      *name,
              GError         **error,
              gpointer         user_data)
{
  Fake *fake = user_data;

  if (g_str_equal (name, "OnBattery"))
    return g_variant_new_boolean (fake->on_battery);
  if (g_str_equal (name, "IsPresent"))
    return g_variant_new_boolean (fake->present);
  if (g_str_equal (name, "Percentage"))
    return g_variant_new_double (fake->percentage);
  if (g_str_equal (name, "State"))
    return g_variant_new_uint32 (fake->state);
  return g_variant_new_uint32 (2);                /* Type: battery */
}

static const GDBusInterfaceVTable vtable = { NULL, get_property, NULL, { 0 } };

static GDBusMessage *
filter (GDBusConnection *conn,
        GDBusMessage    *message,
        gboolean         incoming,
        gpointer         user_data)
{
  Fake *fake = user_data;

  if (incoming && g_atomic_int_get (&fake->silent) &&
      g_dbus_message_get_message_type (message) == G_DBUS_MESSAGE_TYPE_METHOD_CALL)
    {
      g_object_unref (message);
      return NULL;
    }
  return message;
}

static void
on_acquired (GDBusConnection *conn,
             const char      *name,
             gpointer         user_data)
{
  Fake *fake = user_data;

  fake->owned = TRUE;
}

static void
fake_setup (Fake          *fake,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  ensure_bus ();
  fake->conn = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (test_bus),
                                                       G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                       G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                       NULL, NULL, &error);
  g_assert_no_error (error);
  fake->node = g_dbus_node_info_new_for_xml (introspection, &error);
  g_assert_no_error (error);
  fake->registrations[0] = g_dbus_connection_register_object (fake->conn, UB_POWER_UPOWER_PATH,
                                                              fake->node->interfaces[0], &vtable,
                                                              fake, NULL, &error);
  g_assert_no_error (error);
  fake->registrations[1] = g_dbus_connection_register_object (fake->conn, UB_POWER_DISPLAY_PATH,
                                                              fake->node->interfaces[1], &vtable,
                                                              fake, NULL, &error);
  g_assert_no_error (error);
  fake->filter_id = g_dbus_connection_add_filter (fake->conn, filter, fake, NULL);
  fake->present = TRUE;
  fake->percentage = 80.0;
  fake->state = 1;                                /* charging */
  fake->owner_id = g_bus_own_name_on_connection (fake->conn, UB_POWER_UPOWER_NAME, G_BUS_NAME_OWNER_FLAGS_NONE,
                                                 on_acquired, NULL, fake, NULL);
  wait_for (&fake->owned);
}

static void
fake_release (Fake *fake)
{
  g_clear_handle_id (&fake->owner_id, g_bus_unown_name);
  fake->owned = FALSE;
}

static void
fake_teardown (Fake          *fake,
               gconstpointer  data)
{
  fake_release (fake);
  for (guint i = 0; i < G_N_ELEMENTS (fake->registrations); i++)
    g_dbus_connection_unregister_object (fake->conn, fake->registrations[i]);
  g_dbus_connection_remove_filter (fake->conn, fake->filter_id);
  g_dbus_connection_close_sync (fake->conn, NULL, NULL);
  g_clear_object (&fake->conn);
  g_clear_pointer (&fake->node, g_dbus_node_info_unref);
}

typedef struct
{
  gboolean     done;
  gboolean     ok;
  UbPowerState state;
  GError      *error;
  gint64       elapsed;
} Answer;

static void
on_queried (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Answer *answer = user_data;

  answer->ok = ub_power_query_finish (result, &answer->state, &answer->error);
  answer->done = TRUE;
}

static void
query (Answer       *answer,
       GCancellable *cancellable)
{
  gint64 start = g_get_monotonic_time ();

  *answer = (Answer) { 0 };
  ub_power_query_async (cancellable, on_queried, answer);
  wait_for (&answer->done);
  answer->elapsed = (g_get_monotonic_time () - start) / 1000;
  g_test_message ("Answered in %" G_GINT64_FORMAT " ms", answer->elapsed);
}

/* Must run first: before the test bus exists, the "system bus" is nowhere */
static void
test_no_bus (void)
{
  Answer answer;

  if (test_bus != NULL)
    {
      g_test_skip ("the test bus is up already");
      return;
    }
  g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/unbrick-test-bus", TRUE);
  query (&answer, NULL);
  g_unsetenv ("DBUS_SYSTEM_BUS_ADDRESS");
  g_assert_true (answer.ok);
  g_assert_no_error (answer.error);
  g_assert_false (answer.state.known);
  g_assert_cmpint (answer.elapsed, <, 1000);
  g_assert_true (g_str_has_prefix (ub_power_state_advice (&answer.state),
                                   "Unbrick could not find out whether this computer runs on battery."));
}

static void
test_on_mains (Fake          *fake,
               gconstpointer  data)
{
  Answer answer;

  query (&answer, NULL);
  g_assert_true (answer.ok);
  g_assert_true (answer.state.known);
  g_assert_false (answer.state.on_battery);
  g_assert_true (answer.state.has_battery);
  g_assert_cmpfloat (answer.state.percentage, ==, 80.0);
  g_assert_null (ub_power_state_advice (&answer.state));
}

static void
test_battery_low (Fake          *fake,
                  gconstpointer  data)
{
  Answer answer;

  fake->on_battery = TRUE;
  fake->percentage = 15.0;
  fake->state = 2;                                /* discharging */
  query (&answer, NULL);
  g_assert_true (answer.state.known);
  g_assert_true (answer.state.on_battery);
  g_assert_cmpfloat (answer.state.percentage, ==, 15.0);
  g_assert_cmpstr (ub_power_state_advice (&answer.state), ==,
                   "This computer’s battery is low. Plug it into mains power before you start: a "
                   "restore can take an hour and must not stop halfway.");
}

static void
test_battery_full (Fake          *fake,
                   gconstpointer  data)
{
  Answer answer;

  fake->on_battery = TRUE;
  fake->percentage = 80.0;
  fake->state = 2;
  query (&answer, NULL);
  g_assert_true (answer.state.on_battery);
  g_assert_cmpfloat (answer.state.percentage, ==, 80.0);
  g_assert_cmpstr (ub_power_state_advice (&answer.state), ==,
                   "Plug this computer into mains power: a restore can take an hour.");
}

static void
test_desktop (Fake          *fake,
              gconstpointer  data)
{
  Answer answer;

  fake->present = FALSE;
  query (&answer, NULL);
  g_assert_true (answer.state.known);
  g_assert_false (answer.state.has_battery);
  g_assert_false (answer.state.on_battery);
  g_assert_cmpfloat (answer.state.percentage, ==, -1.0);
  g_assert_null (ub_power_state_advice (&answer.state));
}

static void
test_no_upower (Fake          *fake,
                gconstpointer  data)
{
  Answer answer;

  fake_release (fake);
  query (&answer, NULL);
  g_assert_true (answer.ok);
  g_assert_false (answer.state.known);
  g_assert_cmpint (answer.elapsed, <, 1000);
  g_assert_nonnull (ub_power_state_advice (&answer.state));
  g_assert_nonnull (ub_power_state_advice (NULL));
}

/* UPower owns its name but never answers: unknown after the deadline */
static void
test_silent (Fake          *fake,
             gconstpointer  data)
{
  Answer answer;

  g_atomic_int_set (&fake->silent, TRUE);
  query (&answer, NULL);
  g_atomic_int_set (&fake->silent, FALSE);
  g_assert_true (answer.ok);
  g_assert_false (answer.state.known);
  g_assert_cmpint (answer.elapsed, >=, UB_POWER_TIMEOUT_MS - 100);
  g_assert_cmpint (answer.elapsed, <, UB_POWER_TIMEOUT_MS + 2000);
}

static void
test_cancel (Fake          *fake,
             gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Answer answer;

  g_cancellable_cancel (cancellable);
  query (&answer, cancellable);
  g_assert_false (answer.ok);
  g_assert_error (answer.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&answer.error);
}

static void
on_changed (UbPowerMonitor *monitor,
            guint          *n_changes)
{
  (*n_changes)++;
}

static void
wait_for_changes (guint *n_changes,
                  guint  n)
{
  gboolean reached = FALSE;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (!reached)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      reached = *n_changes >= n;
      g_usleep (1000);
    }
  g_assert_cmpuint (*n_changes, ==, n);
}

static void
announce (Fake       *fake,
          const char *path,
          const char *iface)
{
  g_autoptr(GError) error = NULL;

  g_dbus_connection_emit_signal (fake->conn, NULL, path, "org.freedesktop.DBus.Properties",
                                 "PropertiesChanged",
                                 g_variant_new ("(s@a{sv}@as)", iface, g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0),
                                                g_variant_new_strv (NULL, 0)),
                                 &error);
  g_assert_no_error (error);
}

static void
test_monitor (Fake          *fake,
              gconstpointer  data)
{
  UbPowerMonitor *monitor = ub_power_monitor_new ();
  UbPowerState state;
  guint n_changes = 0;

  g_signal_connect (monitor, "changed", G_CALLBACK (on_changed), &n_changes);
  g_assert_false (ub_power_monitor_get_state (monitor, &state));
  wait_for_changes (&n_changes, 1);
  g_assert_true (ub_power_monitor_get_state (monitor, &state));
  g_assert_true (state.known);
  g_assert_false (state.on_battery);

  /* Unplugged */
  fake->on_battery = TRUE;
  fake->percentage = 15.0;
  announce (fake, UB_POWER_UPOWER_PATH, UB_POWER_UPOWER_IFACE);
  wait_for_changes (&n_changes, 2);
  ub_power_monitor_get_state (monitor, &state);
  g_assert_true (state.on_battery);
  g_assert_cmpfloat (state.percentage, ==, 15.0);

  /* Announced, but nothing changed: no signal */
  announce (fake, UB_POWER_DISPLAY_PATH, UB_POWER_DEVICE_IFACE);
  spin (300);
  g_assert_cmpuint (n_changes, ==, 2);

  /* UPower stops */
  fake_release (fake);
  wait_for_changes (&n_changes, 3);
  ub_power_monitor_get_state (monitor, &state);
  g_assert_false (state.known);

  /* Finalized once its last query is over */
  g_object_add_weak_pointer (G_OBJECT (monitor), (gpointer *)&monitor);
  g_object_unref (monitor);
  for (guint i = 0; monitor != NULL; i++)
    {
      g_assert_cmpuint (i, <, 500);
      spin (10);
    }
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/unbrick/power/no-bus", test_no_bus);
#define ADD(path, func) g_test_add ("/unbrick/power/" path, Fake, NULL, fake_setup, func, fake_teardown)
  ADD ("on-mains", test_on_mains);
  ADD ("battery-low", test_battery_low);
  ADD ("battery-full", test_battery_full);
  ADD ("desktop", test_desktop);
  ADD ("no-upower", test_no_upower);
  ADD ("silent", test_silent);
  ADD ("cancel", test_cancel);
  ADD ("monitor", test_monitor);
#undef ADD

  ret = g_test_run ();
  if (test_bus != NULL)
    {
      g_test_dbus_down (test_bus);
      g_clear_object (&test_bus);
    }
  return ret;
}
