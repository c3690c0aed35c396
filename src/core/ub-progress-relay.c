/* ub-progress-relay.c — progress from a worker thread, delivered on the caller's main context
 *
 * The worker stores the latest numbers under a mutex; at most one idle
 * source is pending at a time, and a new one is queued no sooner than the
 * interval after the last, so the caller sees a readable rate of updates
 * and always the newest numbers. The caller's callback and its destroy
 * notify both run on the main context that created the relay.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-progress-relay"

#include "config.h"

#include "ub-progress-relay.h"

struct _UbProgressRelay
{
  gint                 ref_count;
  GMutex               mutex;
  GMainContext        *context;
  UbProgressRelayFunc  func;
  gpointer             user_data;
  GDestroyNotify       destroy;
  gint64               interval_us;
  gint64               last_post;
  gsize                done;
  gsize                total;
  gboolean             pending;
};

/**
 * ub_progress_relay_new:
 * @func: (nullable): called on the current thread-default main context
 * @interval_ms: the shortest time between two calls (a forced update aside)
 *
 * Returns: (transfer full): a relay, safe to update from any thread
 */
UbProgressRelay *
ub_progress_relay_new (UbProgressRelayFunc func,
                       gpointer            user_data,
                       GDestroyNotify      destroy,
                       guint               interval_ms)
{
  UbProgressRelay *self = g_new0 (UbProgressRelay, 1);

  self->ref_count = 1;
  g_mutex_init (&self->mutex);
  self->context = g_main_context_ref_thread_default ();
  self->func = func;
  self->user_data = user_data;
  self->destroy = destroy;
  self->interval_us = (gint64)interval_ms * 1000;
  self->last_post = G_MININT64 / 2;
  return self;
}

UbProgressRelay *
ub_progress_relay_ref (UbProgressRelay *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_int_inc (&self->ref_count);
  return self;
}

static gboolean
destroy_cb (gpointer data)
{
  UbProgressRelay *self = data;

  if (self->destroy != NULL)
    self->destroy (self->user_data);
  g_mutex_clear (&self->mutex);
  g_main_context_unref (self->context);
  g_free (self);
  return G_SOURCE_REMOVE;
}

/**
 * ub_progress_relay_unref:
 *
 * The last reference frees the relay on its main context, where the
 * destroy notify runs.
 */
void
ub_progress_relay_unref (UbProgressRelay *self)
{
  GSource *source;

  g_return_if_fail (self != NULL);
  if (!g_atomic_int_dec_and_test (&self->ref_count))
    return;
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, destroy_cb, self, NULL);
  g_source_set_static_name (source, "[ub-progress-relay] destroy");
  g_source_attach (source, self->context);
  g_source_unref (source);
}

static gboolean
deliver_cb (gpointer data)
{
  UbProgressRelay *self = data;
  gsize done, total;

  g_mutex_lock (&self->mutex);
  done = self->done;
  total = self->total;
  self->pending = FALSE;
  g_mutex_unlock (&self->mutex);
  self->func (done, total, self->user_data);
  return G_SOURCE_REMOVE;
}

/**
 * ub_progress_relay_update:
 * @force: deliver even if the interval has not passed (the last update)
 *
 * Records the numbers and, unless that was done too recently, queues their
 * delivery. May be called from any thread.
 */
void
ub_progress_relay_update (UbProgressRelay *self,
                          gsize            done,
                          gsize            total,
                          gboolean         force)
{
  gint64 now = g_get_monotonic_time ();
  gboolean post;
  GSource *source;

  g_return_if_fail (self != NULL);
  if (self->func == NULL)
    return;
  g_mutex_lock (&self->mutex);
  self->done = done;
  self->total = total;
  post = !self->pending && (force || now - self->last_post >= self->interval_us);
  if (post)
    {
      self->pending = TRUE;
      self->last_post = now;
    }
  g_mutex_unlock (&self->mutex);
  if (!post)
    return;
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, deliver_cb, ub_progress_relay_ref (self),
                         (GDestroyNotify)ub_progress_relay_unref);
  g_source_set_static_name (source, "[ub-progress-relay] deliver");
  g_source_attach (source, self->context);
  g_source_unref (source);
}
