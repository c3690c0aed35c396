/* ub-test-device.c — waiting for device monitor events in tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ub-test-device.h"

static void
event_free (UbTestEvent *event)
{
  g_free (event->what);
  g_clear_object (&event->device);
  g_free (event);
}

static void
record (UbTestRecorder *self,
        const char     *what,
        UbDevice       *device)
{
  UbTestEvent *event = g_new0 (UbTestEvent, 1);

  event->what = g_strdup (what);
  event->device = g_object_ref (device);
  g_ptr_array_add (self->events, event);
  g_test_message ("event %s %s mode %s", what, ub_device_get_id (device),
                  ub_device_mode_to_string (ub_device_get_mode (device)));
}

static void on_added (UbDeviceMonitor *m, UbDevice *d, UbTestRecorder *self) { record (self, "added", d); }
static void on_removed (UbDeviceMonitor *m, UbDevice *d, UbTestRecorder *self) { record (self, "removed", d); }
static void on_changed (UbDeviceMonitor *m, UbDevice *d, UbTestRecorder *self) { record (self, "changed", d); }

UbTestRecorder *
ub_test_recorder_new (UbDeviceMonitor *monitor)
{
  UbTestRecorder *self = g_new0 (UbTestRecorder, 1);

  self->monitor = g_object_ref (monitor);
  self->events = g_ptr_array_new_with_free_func ((GDestroyNotify)event_free);
  g_signal_connect (monitor, "device-added", G_CALLBACK (on_added), self);
  g_signal_connect (monitor, "device-removed", G_CALLBACK (on_removed), self);
  g_signal_connect (monitor, "device-changed", G_CALLBACK (on_changed), self);
  return self;
}

void
ub_test_recorder_free (UbTestRecorder *self)
{
  g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_clear_object (&self->monitor);
  g_ptr_array_unref (self->events);
  g_free (self);
}

void
ub_test_recorder_clear (UbTestRecorder *self)
{
  g_ptr_array_set_size (self->events, 0);
}

static UbDevice *
find (UbTestRecorder *self,
      const char     *what,
      UbDeviceMode    mode)
{
  for (guint i = 0; i < self->events->len; i++)
    {
      UbTestEvent *event = g_ptr_array_index (self->events, i);

      if (g_str_equal (event->what, what) && ub_device_get_mode (event->device) == mode)
        return event->device;
    }
  return NULL;
}

static void
on_timeout (gpointer data)
{
  *(gboolean *)data = TRUE;
}

/**
 * ub_test_recorder_wait:
 *
 * Iterates the main loop until an event @what with a device in @mode was
 * recorded (since the last clear), or @timeout_ms passed (real time).
 *
 * Returns: (transfer none) (nullable): the device
 */
UbDevice *
ub_test_recorder_wait (UbTestRecorder *self,
                       const char     *what,
                       UbDeviceMode    mode,
                       guint           timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_once (timeout_ms, on_timeout, &timed_out);
  UbDevice *device;

  while ((device = find (self, what, mode)) == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  return device;
}

void
ub_test_wait (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add_once (ms, on_timeout, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

UbVphoneClient *
ub_test_vphone (void)
{
  g_autoptr(GError) error = NULL;
  UbVphoneClient *client = ub_vphone_client_new (NULL, &error);

  g_assert_no_error (error);
  return client;
}

void
ub_test_vphone_run (UbVphoneClient *client,
                    const char     *command)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *reply = ub_vphone_client_command (client, command, 10.0, &error);

  g_assert_no_error (error);
  g_test_message ("vphone: %s → %s", command, reply);
}
