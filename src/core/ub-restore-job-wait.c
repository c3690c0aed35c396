/* ub-restore-job-wait.c — the phone as the device monitor sees it, and waiting for it
 *
 * The device monitor's signals arrive on the caller's thread; the latest
 * snapshot of our phone (same ECID) is kept under the job's lock and every
 * change wakes the worker, which waits for the phone to leave USB and to
 * come back in the mode the next stage needs, each with its deadline.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-restore"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ub-clock.h"
#include "ub-error.h"
#include "ub-restore-job-private.h"

static gboolean
is_ours (UbRestoreJob *self,
         UbDevice     *device)
{
  return ub_device_has_ecid (device) && ub_device_get_ecid (device) == self->ecid;
}

/* A phone seen on USB with the normal-mode product ID: iOS or the restore
 * system, which only usbmuxd (lockdownd or restored on 62078) can tell */
static gboolean
usb_only_normal (UbDevice *device)
{
  return ub_device_get_source (device) != UB_DEVICE_SOURCE_USBMUX &&
         ub_device_get_mode (device) == UB_DEVICE_MODE_NORMAL;
}

void
_ub_restore_job_on_device_seen (UbRestoreJob *self,
                UbDevice     *device)
{
  if (!is_ours (self, device))
    {
      /* Another phone where ours should come back: worth saying if ours never does */
      if (ub_device_has_ecid (device) && ub_device_get_mode (device) != UB_DEVICE_MODE_NORMAL)
        {
          g_mutex_lock (&self->lock);
          self->stranger_ecid = ub_device_get_ecid (device);
          g_mutex_unlock (&self->lock);
        }
      return;
    }
  g_mutex_lock (&self->lock);
  /* Over USB alone, iOS and the restore system look the same: the
   * usbmuxd snapshot that says which one it is wins */
  if (!(usb_only_normal (device) && self->phone != NULL &&
        ub_device_get_source (self->phone) == UB_DEVICE_SOURCE_USBMUX))
    g_set_object (&self->phone, device);
  g_cond_broadcast (&self->changed);
  g_mutex_unlock (&self->lock);
}

void
_ub_restore_job_on_device_removed (UbRestoreJob *self,
                   UbDevice     *device)
{
  g_mutex_lock (&self->lock);
  if (self->phone != NULL && g_strcmp0 (ub_device_get_id (self->phone), ub_device_get_id (device)) == 0)
    {
      g_clear_object (&self->phone);
      self->departures++;
      g_cond_broadcast (&self->changed);
    }
  g_mutex_unlock (&self->lock);
}

/**
 * _ub_restore_job_mark:
 *
 * Returns: how often the phone has left USB so far
 */
guint
_ub_restore_job_mark (UbRestoreJob *self)
{
  guint departures;

  g_mutex_lock (&self->lock);
  departures = self->departures;
  g_mutex_unlock (&self->lock);
  return departures;
}

UbDevice *
_ub_restore_job_dup_phone (UbRestoreJob *self)
{
  UbDevice *phone;

  g_mutex_lock (&self->lock);
  phone = self->phone ? g_object_ref (self->phone) : NULL;
  g_mutex_unlock (&self->lock);
  return phone;
}

static gboolean
mode_wanted (UbDevice *device,
             guint     want)
{
  switch (ub_device_get_mode (device))
    {
    case UB_DEVICE_MODE_DFU:
    case UB_DEVICE_MODE_WTF:
      return (want & UB_WANT_DFU) != 0;
    case UB_DEVICE_MODE_RECOVERY:
      return (want & UB_WANT_RECOVERY) != 0;
    case UB_DEVICE_MODE_RESTORE:
      return (want & UB_WANT_RESTORE) != 0;
    case UB_DEVICE_MODE_NORMAL:
      return (want & UB_WANT_NORMAL) != 0;
    case UB_DEVICE_MODE_UNKNOWN:
    case UB_DEVICE_MODE_PORT_DFU:
    default:
      return FALSE;
    }
}

/* A usbmuxd phone is only known once lockdownd or restored has answered;
 * one seen on USB in "normal" mode only once usbmuxd has */
static gboolean
identified (UbDevice *device)
{
  if (usb_only_normal (device))
    return FALSE;
  return ub_device_get_source (device) != UB_DEVICE_SOURCE_USBMUX ||
         ub_device_get_mode (device) == UB_DEVICE_MODE_RESTORE ||
         ub_device_get_product_type (device) != NULL;
}

static gboolean
wait_until (UbRestoreJob *self,
            gint64        deadline,
            gboolean      gone,
            guint         departures,
            guint         want,
            UbDevice    **found)
{
  while (!g_cancellable_is_cancelled (self->work_cancel))
    {
      if (gone && self->departures != departures)
        return TRUE;
      if (!gone && self->phone != NULL && identified (self->phone))
        {
          *found = g_object_ref (self->phone);
          return TRUE;
        }
      if (!g_cond_wait_until (&self->changed, &self->lock, deadline))
        return FALSE;
    }
  return FALSE;
}

static void
set_wait_error (UbRestoreJob  *self,
                gboolean       leaving,
                GError       **error)
{
  guint64 stranger;

  if (g_cancellable_set_error_if_cancelled (self->work_cancel, error))
    return;
  g_mutex_lock (&self->lock);
  stranger = self->stranger_ecid;
  g_mutex_unlock (&self->lock);
  if (!leaving && stranger != 0)
    {
      g_autofree char *other = g_strdup_printf ("0x%016" G_GINT64_MODIFIER "X", stranger);

      /* TRANSLATORS: %s is an ECID, e.g. 0x001A2B3C4D5E6F70 */
      g_set_error (error, UB_ERROR, UB_ERROR_NOT_FOUND,
                   _("Another iPhone (ECID %s) appeared instead of this one. Connect only the iPhone being "
                     "restored, put it into DFU mode again and retry."), other);
    }
  else if (leaving)
    g_set_error_literal (error, UB_ERROR, UB_ERROR_TIMED_OUT,
                         _("The iPhone did not restart when it should have. Unplug it, put it into DFU mode "
                           "again and retry."));
  else
    g_set_error_literal (error, UB_ERROR, UB_ERROR_DISCONNECTED,
                         _("The iPhone did not come back. Check the cable and plug it straight into this "
                           "computer (no hub), then put it into DFU mode again and retry."));
}

/**
 * _ub_restore_job_wait:
 * @leave_first: wait for the phone to leave USB before it comes back
 * @mark: _ub_restore_job_mark() from before the action that makes it leave
 *   (it may be gone and back before the wait starts)
 * @want: the modes it may come back in (#UbWantMode)
 *
 * Blocks the worker until the phone is back in a wanted mode. Back in
 * another mode (iOS instead of the restore system, say) is an error.
 *
 * Returns: (transfer full) (nullable): the phone's snapshot
 */
UbDevice *
_ub_restore_job_wait (UbRestoreJob  *self,
                      gboolean       leave_first,
                      guint          mark,
                      guint          want,
                      guint          leave_ms,
                      guint          arrive_ms,
                      GError       **error)
{
  UbClock *clock = ub_clock_get_default ();
  g_autoptr(UbDevice) found = NULL;

  g_mutex_lock (&self->lock);
  if (leave_first &&
      !wait_until (self, g_get_monotonic_time () + ub_clock_scale_ms (clock, leave_ms) * 1000,
                   TRUE, mark, want, &found))
    {
      g_mutex_unlock (&self->lock);
      set_wait_error (self, TRUE, error);
      return NULL;
    }
  if (!wait_until (self, g_get_monotonic_time () + ub_clock_scale_ms (clock, arrive_ms) * 1000,
                   FALSE, 0, want, &found))
    {
      g_mutex_unlock (&self->lock);
      set_wait_error (self, FALSE, error);
      return NULL;
    }
  g_mutex_unlock (&self->lock);
  if (!mode_wanted (found, want))
    {
      ub_restore_log_event (self->log, "usb", "back in %s", ub_device_mode_to_string (ub_device_get_mode (found)));
      g_set_error (error, UB_ERROR, UB_ERROR_WRONG_MODE,
                   ub_device_get_mode (found) == UB_DEVICE_MODE_NORMAL
                   ? _("The iPhone started iOS instead of the restore. Nothing was changed; put it into DFU "
                       "mode and retry.")
                   /* TRANSLATORS: %s is a mode, e.g. "Recovery mode" */
                   : _("The iPhone came back in an unexpected mode (%s). Put it into DFU mode and retry."),
                   ub_device_mode_get_label (ub_device_get_mode (found)));
      return NULL;
    }
  ub_restore_log_event (self->log, "usb", "back in %s", ub_device_mode_to_string (ub_device_get_mode (found)));
  return g_steal_pointer (&found);
}

