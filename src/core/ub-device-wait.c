/* ub-device-wait.c — wait until a phone leaves, or comes back in a given mode
 *
 * The boot chain restarts the phone at every stage: after a DFU image and a
 * USB reset it leaves the bus and comes back as iBSS (recovery mode), after
 * "go" or "bootx" likewise. These helpers turn the monitor's signals into
 * one answer with a deadline (phone time: UNBRICK_TIME_SCALE applies):
 *
 *  - wait_gone: the snapshot's device has left (at once if it already has);
 *  - wait_for: a phone with this ECID is there in one of the wanted modes.
 *    One already listed counts at once; otherwise the first arrival decides:
 *    this ECID in another mode is %UB_ERROR_WRONG_MODE, another ECID in a
 *    wanted mode is %UB_ERROR_NOT_FOUND. Devices listed at the start in
 *    another mode are ignored: they are the phone's old self, about to go;
 *    so are those the monitor reports in its first enumeration.
 *    So when the phone must leave and come back in the same mode (recovery
 *    to recovery after "go"), wait for it to be gone first.
 *
 * A phone in restore mode first looks like one running iOS (on USB, and on
 * usbmuxd until its port 62078 has answered as "restored", when the monitor
 * reports it changed), so a normal-mode arrival never counts as a wrong mode
 * while restore mode is wanted, nor a USB-only one ever.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-device-wait"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ub-clock.h"
#include "ub-device-wait.h"
#include "ub-error.h"

typedef struct
{
  UbDeviceMonitor *monitor;
  guint            modes;
  guint64          ecid;
  guint            timeout_ms;
  char            *gone_id;
  gulong           handlers[4];
  gboolean         enumerating;  /* arrivals are the devices present at start */
  GSource         *timeout;
  GSource         *cancel;
  GError          *seen_error;   /* a wanted-mode arrival we could not read */
  gboolean         done;
} Wait;

static void
wait_free (Wait *wait)
{
  g_clear_object (&wait->monitor);
  g_free (wait->gone_id);
  g_clear_error (&wait->seen_error);
  g_free (wait);
}

/* Ends the wait: no signal or source refers to @task after this */
static void
wait_end (GTask    *task,
          UbDevice *device,
          GError   *error)
{
  Wait *wait = g_task_get_task_data (task);

  if (wait->done)
    {
      g_clear_error (&error);
      return;
    }
  wait->done = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (wait->handlers); i++)
    g_clear_signal_handler (&wait->handlers[i], wait->monitor);
  if (wait->timeout != NULL)
    g_source_destroy (wait->timeout);
  g_clear_pointer (&wait->timeout, g_source_unref);
  if (wait->cancel != NULL)
    g_source_destroy (wait->cancel);
  g_clear_pointer (&wait->cancel, g_source_unref);
  if (error != NULL)
    g_task_return_error (task, error);
  else if (device != NULL)
    g_task_return_pointer (task, g_object_ref (device), g_object_unref);
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);   /* the wait's own reference */
}

static char *
describe_modes (guint modes)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (UbDeviceMode mode = UB_DEVICE_MODE_UNKNOWN; mode <= UB_DEVICE_MODE_PORT_DFU; mode++)
    {
      if (!(modes & UB_DEVICE_MODE_MASK (mode)))
        continue;
      if (text->len > 0)
        g_string_append (text, " / ");
      g_string_append (text, ub_device_mode_get_label (mode));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static gboolean
on_timeout (gpointer data)
{
  GTask *task = data;
  Wait *wait = g_task_get_task_data (task);
  g_autofree char *modes = describe_modes (wait->modes);
  guint seconds = (wait->timeout_ms + 999) / 1000;
  GError *error;

  g_debug ("Wait timed out after %u ms (phone time)", wait->timeout_ms);
  if (wait->gone_id != NULL)
    error = g_error_new (UB_ERROR, UB_ERROR_TIMED_OUT,
                         g_dngettext (GETTEXT_PACKAGE, "The phone did not restart within %u second.",
                                      "The phone did not restart within %u seconds.", seconds),
                         seconds);
  else if (wait->seen_error != NULL)
    error = g_error_new (UB_ERROR, UB_ERROR_TIMED_OUT,
                         /* TRANSLATORS: %s: the expected mode; then the reason */
                         _("The phone came back in %s but could not be read: %s"),
                         modes, wait->seen_error->message);
  else
    error = g_error_new (UB_ERROR, UB_ERROR_TIMED_OUT,
                         /* TRANSLATORS: %u: seconds; %s: the expected mode, e.g. "Recovery mode" */
                         g_dngettext (GETTEXT_PACKAGE,
                                      "The phone did not come back within %u second (expected: %s).",
                                      "The phone did not come back within %u seconds (expected: %s).",
                                      seconds),
                         seconds, modes);
  wait_end (task, NULL, error);
  return G_SOURCE_REMOVE;
}

static gboolean
on_cancelled (GCancellable *cancellable,
              gpointer      data)
{
  GError *error = NULL;

  g_cancellable_set_error_if_cancelled (cancellable, &error);
  g_debug ("Wait cancelled");
  wait_end (data, NULL, error);
  return G_SOURCE_REMOVE;
}

/* Timeout and cancellation, both on the caller's main context */
static void
wait_arm (GTask        *task,
          GCancellable *cancellable)
{
  Wait *wait = g_task_get_task_data (task);
  guint ms = ub_clock_scale_ms (ub_clock_get_default (), wait->timeout_ms);

  wait->timeout = g_timeout_source_new (ms);
  g_source_set_callback (wait->timeout, on_timeout, task, NULL);
  g_source_set_static_name (wait->timeout, "[ub-device-wait] timeout");
  g_source_attach (wait->timeout, g_task_get_context (task));
  if (cancellable == NULL)
    return;
  wait->cancel = g_cancellable_source_new (cancellable);
  g_source_set_callback (wait->cancel, (GSourceFunc)(GCallback)on_cancelled, task, NULL);
  g_source_set_static_name (wait->cancel, "[ub-device-wait] cancel");
  g_source_attach (wait->cancel, g_task_get_context (task));
}

static gboolean
is_wanted (Wait     *wait,
           UbDevice *device)
{
  return (wait->modes & UB_DEVICE_MODE_MASK (ub_device_get_mode (device))) != 0;
}

/* Whether this arrival's mode says for sure that the phone is not in a wanted one */
static gboolean
is_decisive (Wait     *wait,
             UbDevice *device)
{
  UbDeviceMode mode = ub_device_get_mode (device);

  if (mode == UB_DEVICE_MODE_UNKNOWN)
    return FALSE;
  if (mode == UB_DEVICE_MODE_NORMAL &&
      (ub_device_get_source (device) == UB_DEVICE_SOURCE_USB ||
       (wait->modes & UB_DEVICE_MODE_MASK (UB_DEVICE_MODE_RESTORE))))
    return FALSE;
  return TRUE;
}

static GError *
wrong_mode_error (Wait     *wait,
                  UbDevice *device)
{
  g_autofree char *modes = describe_modes (wait->modes);

  return g_error_new (UB_ERROR, UB_ERROR_WRONG_MODE,
                      /* TRANSLATORS: both %s are device modes, e.g. "DFU mode", "Recovery mode" */
                      _("The phone came back in %s instead of %s. It may have refused the "
                        "firmware it was sent."),
                      ub_device_mode_get_label (ub_device_get_mode (device)), modes);
}

static void
consider (GTask    *task,
          UbDevice *device,
          gboolean  arrival)
{
  Wait *wait = g_task_get_task_data (task);
  g_autofree char *ecid = ub_device_dup_ecid_string (device);

  if (wait->done)
    return;
  if (ub_device_has_ecid (device) && ub_device_get_ecid (device) == wait->ecid)
    {
      if (is_wanted (wait, device))
        {
          g_debug ("The phone is there: %s in %s mode", ub_device_get_id (device),
                   ub_device_mode_to_string (ub_device_get_mode (device)));
          wait_end (task, device, NULL);
        }
      else if (arrival && is_decisive (wait, device))
        {
          g_debug ("The phone came back in %s mode", ub_device_mode_to_string (ub_device_get_mode (device)));
          wait_end (task, NULL, wrong_mode_error (wait, device));
        }
      return;
    }
  if (!arrival || !is_wanted (wait, device))
    return;
  if (ub_device_has_ecid (device))
    {
      g_debug ("Another phone (ECID %s) arrived in a wanted mode", ecid);
      wait_end (task, NULL, g_error_new (UB_ERROR, UB_ERROR_NOT_FOUND,
                                         _("Another phone (ECID %s) appeared instead of this one. "
                                           "Disconnect other iPhones and iPads and try again."), ecid));
    }
  else if (ub_device_get_error (device) != NULL && wait->seen_error == NULL)
    {
      wait->seen_error = g_error_copy (ub_device_get_error (device));
    }
}

static void
on_arrival (UbDeviceMonitor *monitor,
            UbDevice        *device,
            GTask           *task)
{
  Wait *wait = g_task_get_task_data (task);

  consider (task, device, !wait->enumerating);
}

static void
on_enumerated (UbDeviceMonitor *monitor,
               GParamSpec      *pspec,
               GTask           *task)
{
  Wait *wait = g_task_get_task_data (task);

  g_object_get (monitor, "enumerated", &wait->enumerating, NULL);
  wait->enumerating = !wait->enumerating;
}

static void
on_removed (UbDeviceMonitor *monitor,
            UbDevice        *device,
            GTask           *task)
{
  Wait *wait = g_task_get_task_data (task);

  if (g_strcmp0 (ub_device_get_id (device), wait->gone_id) == 0)
    {
      g_debug ("%s is gone", wait->gone_id);
      wait_end (task, NULL, NULL);
    }
}

static GTask *
wait_new (UbDeviceMonitor     *self,
          guint                timeout_ms,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data,
          gpointer             source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Wait *wait = g_new0 (Wait, 1);

  g_task_set_source_tag (task, source_tag);
  wait->monitor = g_object_ref (self);
  wait->timeout_ms = timeout_ms;
  g_task_set_task_data (task, wait, (GDestroyNotify)wait_free);
  return task;
}

static gboolean
check_running (GTask           *task,
               UbDeviceMonitor *self)
{
  if (ub_device_monitor_is_running (self))
    return TRUE;
  wait_end (task, NULL, g_error_new_literal (UB_ERROR, UB_ERROR_FAILED,
                                             _("Unbrick is not watching USB devices, so it cannot "
                                               "wait for the phone.")));
  return FALSE;
}

/**
 * ub_device_monitor_wait_for_async:
 * @modes: the wanted modes, UB_DEVICE_MODE_MASK() bits or'ed together
 * @ecid: the phone's ECID
 * @timeout_ms: phone time; see %UB_WAIT_DFU_RETURN_MS and the like
 *
 * Waits, on the monitor's main context, until the phone with @ecid is
 * there in one of @modes. Devices listed now in other modes are taken for
 * the phone's old self and ignored.
 */
void
ub_device_monitor_wait_for_async (UbDeviceMonitor     *self,
                                  guint                modes,
                                  guint64              ecid,
                                  guint                timeout_ms,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task;
  Wait *wait;
  GListModel *list;

  g_return_if_fail (UB_IS_DEVICE_MONITOR (self));
  g_return_if_fail (modes != 0);

  task = wait_new (self, timeout_ms, cancellable, callback, user_data, ub_device_monitor_wait_for_async);
  wait = g_task_get_task_data (task);
  wait->modes = modes;
  wait->ecid = ecid;
  g_debug ("Waiting up to %u ms for ECID 0x%016" G_GINT64_MODIFIER "x in modes 0x%x",
           timeout_ms, ecid, modes);
  if (!check_running (task, self))
    return;
  list = ub_device_monitor_get_devices (self);
  for (guint i = 0; i < g_list_model_get_n_items (list) && !wait->done; i++)
    {
      g_autoptr(UbDevice) device = g_list_model_get_item (list, i);

      consider (task, device, FALSE);
    }
  if (wait->done)
    return;
  wait->handlers[0] = g_signal_connect (self, "device-added", G_CALLBACK (on_arrival), task);
  wait->handlers[1] = g_signal_connect (self, "device-changed", G_CALLBACK (on_arrival), task);
  wait->handlers[3] = g_signal_connect (self, "notify::enumerated", G_CALLBACK (on_enumerated), task);
  on_enumerated (self, NULL, task);
  wait_arm (task, cancellable);
}

/**
 * ub_device_monitor_wait_for_finish:
 *
 * Returns: (transfer full) (nullable): the phone's snapshot in its new mode
 */
UbDevice *
ub_device_monitor_wait_for_finish (UbDeviceMonitor  *self,
                                   GAsyncResult     *result,
                                   GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ub_device_monitor_wait_for_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * ub_device_monitor_wait_gone_async:
 * @device: the snapshot of the phone as it was before it restarts
 * @timeout_ms: phone time; see %UB_WAIT_DFU_LEAVE_MS and the like
 *
 * Waits until the device @device describes has left (done at once if it
 * already has).
 */
void
ub_device_monitor_wait_gone_async (UbDeviceMonitor     *self,
                                   UbDevice            *device,
                                   guint                timeout_ms,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task;
  Wait *wait;

  g_return_if_fail (UB_IS_DEVICE_MONITOR (self));
  g_return_if_fail (UB_IS_DEVICE (device));

  task = wait_new (self, timeout_ms, cancellable, callback, user_data, ub_device_monitor_wait_gone_async);
  wait = g_task_get_task_data (task);
  wait->gone_id = g_strdup (ub_device_get_id (device));
  g_debug ("Waiting up to %u ms for %s to leave", timeout_ms, wait->gone_id);
  if (!check_running (task, self))
    return;
  if (ub_device_monitor_lookup (self, wait->gone_id) == NULL)
    {
      wait_end (task, NULL, NULL);
      return;
    }
  wait->handlers[2] = g_signal_connect (self, "device-removed", G_CALLBACK (on_removed), task);
  wait_arm (task, cancellable);
}

gboolean
ub_device_monitor_wait_gone_finish (UbDeviceMonitor  *self,
                                    GAsyncResult     *result,
                                    GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ub_device_monitor_wait_gone_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
