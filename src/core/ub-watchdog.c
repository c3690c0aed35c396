/* ub-watchdog.c — GTasks that give up on a blocking call after a deadline
 *
 * libimobiledevice 1.3.0 can block for 30 s on a silent lockdownd and loops
 * forever in a TLS handshake that never completes. A thread cannot be killed
 * safely, so the task is made "return on cancel": when the deadline passes
 * (or the caller cancels) the caller gets an answer at once and the stuck
 * thread is left to finish on its own, its result discarded.
 *
 * Deadlines follow UNBRICK_TIME_SCALE like every other wait (see ub-clock.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-watchdog"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ub-clock.h"
#include "ub-error.h"
#include "ub-watchdog.h"

typedef struct
{
  GCancellable *inner;
  GCancellable *outer;
  gulong        outer_handler;
  GSource      *timeout;
  gboolean      timed_out;
  char         *what;
  guint         timeout_ms;
} Watchdog;

static GQuark
watchdog_quark (void)
{
  return g_quark_from_static_string ("ub-watchdog");
}

static void
watchdog_free (Watchdog *wd)
{
  if (wd->outer_handler != 0)
    g_cancellable_disconnect (wd->outer, wd->outer_handler);
  g_clear_object (&wd->outer);
  if (wd->timeout != NULL)
    {
      g_source_destroy (wd->timeout);
      g_source_unref (wd->timeout);
    }
  g_clear_object (&wd->inner);
  g_free (wd->what);
  g_free (wd);
}

static gboolean
on_deadline (gpointer data)
{
  Watchdog *wd = data;

  g_debug ("Watchdog: “%s” took longer than %u ms, giving up", wd->what, wd->timeout_ms);
  wd->timed_out = TRUE;
  g_cancellable_cancel (wd->inner);
  return G_SOURCE_REMOVE;
}

/* Runs on the caller's thread once the callback has run: from then on the
 * deadline must never fire, whichever thread drops the last reference. */
static void
on_completed (GTask      *task,
              GParamSpec *pspec,
              Watchdog   *wd)
{
  if (wd->timeout != NULL)
    {
      g_source_destroy (wd->timeout);
      g_clear_pointer (&wd->timeout, g_source_unref);
    }
}

static void
on_outer_cancelled (GCancellable *outer,
                    GCancellable *inner)
{
  g_cancellable_cancel (inner);
}

/**
 * ub_watchdog_task_new:
 * @timeout_ms: the deadline (in the clock's time)
 * @what: what the task does, for the timeout message ("read the phone’s details")
 *
 * Returns: (transfer full): a task to run with g_task_run_in_thread(); its
 *   cancellable is its own, cancelled by @cancellable or by the deadline
 */
GTask *
ub_watchdog_task_new (gpointer             source_object,
                      GCancellable        *cancellable,
                      guint                timeout_ms,
                      const char          *what,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  Watchdog *wd = g_new0 (Watchdog, 1);
  GTask *task;

  wd->inner = g_cancellable_new ();
  wd->what = g_strdup (what);
  wd->timeout_ms = timeout_ms;
  task = g_task_new (source_object, wd->inner, callback, user_data);
  g_task_set_return_on_cancel (task, TRUE);

  if (cancellable != NULL)
    {
      wd->outer = g_object_ref (cancellable);
      wd->outer_handler = g_cancellable_connect (cancellable, G_CALLBACK (on_outer_cancelled),
                                                 g_object_ref (wd->inner), g_object_unref);
    }
  wd->timeout = g_timeout_source_new (ub_clock_scale_ms (ub_clock_get_default (), timeout_ms));
  g_source_set_callback (wd->timeout, on_deadline, wd, NULL);
  g_source_set_name (wd->timeout, "[ub-watchdog]");
  g_source_attach (wd->timeout, g_main_context_get_thread_default ());

  g_object_set_qdata_full (G_OBJECT (task), watchdog_quark (), wd, (GDestroyNotify)watchdog_free);
  g_signal_connect (task, "notify::completed", G_CALLBACK (on_completed), wd);
  return task;
}

static void
translate_error (GTask   *task,
                 GError **error)
{
  Watchdog *wd = g_object_get_qdata (G_OBJECT (task), watchdog_quark ());

  if (error == NULL || *error == NULL || wd == NULL)
    return;
  if (wd->timed_out && g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_error (error);
      g_set_error (error, UB_ERROR, UB_ERROR_TIMED_OUT,
                   /* TRANSLATORS: %s is what was being done, e.g. "read the phone’s details" */
                   _("The phone did not answer in time while trying to %s."), wd->what);
    }
}

/**
 * ub_watchdog_propagate_pointer:
 *
 * Like g_task_propagate_pointer(), with a passed deadline reported as
 * %UB_ERROR_TIMED_OUT instead of a cancellation.
 */
gpointer
ub_watchdog_propagate_pointer (GTask   *task,
                               GError **error)
{
  g_autoptr(GError) local = NULL;
  gpointer ret = g_task_propagate_pointer (task, &local);

  translate_error (task, &local);
  if (local != NULL)
    g_propagate_error (error, g_steal_pointer (&local));
  return ret;
}

gboolean
ub_watchdog_propagate_boolean (GTask   *task,
                               GError **error)
{
  g_autoptr(GError) local = NULL;
  gboolean ret = g_task_propagate_boolean (task, &local);

  translate_error (task, &local);
  if (local != NULL)
    g_propagate_error (error, g_steal_pointer (&local));
  return ret;
}
