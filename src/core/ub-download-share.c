/* ub-download-share.c — two UbDownloads of one file in a process share one transfer
 *
 * The first UbDownload of a path registers itself and runs the download; a
 * second one with the same expectations (size, checksums) becomes its
 * follower: it mirrors the leader's progress and gets the leader's result.
 * A follower that is cancelled stops waiting on its own; when the leader is
 * cancelled, its followers go on without it (the first becomes the new
 * leader and resumes the .part). Everything here runs on the main context.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-download"

#include "config.h"

#include "ub-download-private.h"

/* path → the UbDownload running it in this process (not a reference: each
 * removes itself before its task returns) */
static GMutex registry_lock;
static GHashTable *registry;

static void
unfollow (UbDownload *self)
{
  if (self->cancel_source != NULL)
    g_source_destroy (self->cancel_source);
  g_clear_pointer (&self->cancel_source, g_source_unref);
  g_clear_object (&self->leader);
}

void
_ub_download_registry_remove (UbDownload *self)
{
  g_mutex_lock (&registry_lock);
  if (g_hash_table_lookup (registry, self->path) == self)
    g_hash_table_remove (registry, self->path);
  g_mutex_unlock (&registry_lock);
}

void
_ub_download_finish_follower (UbDownload   *follower,
                              UbDownload   *leader,
                              const GError *error)
{
  GCancellable *own = g_task_get_cancellable (follower->task);

  unfollow (follower);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && !g_cancellable_is_cancelled (own))
    {
      g_debug ("The download “%s” waited for was cancelled; it goes on by itself", follower->path);
      _ub_download_start_or_follow (follower);
      return;
    }
  _ub_download_set_sha256 (follower, leader->sha256);
  _ub_download_apply (follower, follower->state, leader->received, leader->total, 0, -1);
  _ub_download_complete (follower, error);
}

static gboolean
on_follower_cancelled (GCancellable *cancellable,
                       gpointer      user_data)
{
  UbDownload *self = user_data;
  g_autoptr(GError) error = NULL;

  g_debug ("Stopped waiting for the other download of “%s”", self->path);
  g_ptr_array_remove (self->leader->followers, self);   /* drops that array's reference… */
  unfollow (self);
  g_cancellable_set_error_if_cancelled (cancellable, &error);
  _ub_download_complete (self, error);
  return G_SOURCE_REMOVE;
}

static void
follow (UbDownload *self,
        UbDownload *leader)
{
  GCancellable *cancellable = g_task_get_cancellable (self->task);

  g_debug ("“%s” is already being downloaded in this process; waiting for it", self->path);
  self->leader = g_object_ref (leader);
  g_ptr_array_add (leader->followers, g_object_ref (self));
  if (cancellable != NULL)
    {
      self->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (self->cancel_source, G_SOURCE_FUNC (on_follower_cancelled), self, NULL);
      g_source_attach (self->cancel_source, g_task_get_context (self->task));
    }
  _ub_download_apply (self, leader->state, leader->received, leader->total, leader->speed, leader->eta);
}

static gboolean
same_expectations (UbDownload *a,
                   UbDownload *b)
{
  return a->expected_size == b->expected_size && g_strcmp0 (a->expected_sha256, b->expected_sha256) == 0 &&
         g_strcmp0 (a->expected_sha1, b->expected_sha1) == 0;
}

/* The first UbDownload of a path runs it; another with the same expectations
 * waits for it. One with other expectations runs too, and the lock file makes
 * it wait, then check the finished file against its own checksums. */
void
_ub_download_start_or_follow (UbDownload *self)
{
  UbDownload *leader;

  g_mutex_lock (&registry_lock);
  if (registry == NULL)
    registry = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  leader = g_hash_table_lookup (registry, self->path);
  if (leader == NULL)
    g_hash_table_insert (registry, g_strdup (self->path), self);
  g_mutex_unlock (&registry_lock);

  if (leader != NULL && same_expectations (self, leader))
    follow (self, leader);
  else
    _ub_download_start (self);
}
