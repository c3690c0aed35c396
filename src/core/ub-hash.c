/* ub-hash.c — SHA-256 and SHA-1 of a stream or a file, in one pass
 *
 * A UbHasher is fed as bytes arrive (the downloader's write callback) or from
 * a file descriptor, 1 MiB at a time; a UbHashQueue feeds one from a thread
 * of its own, so that hashing can run beside a fast transfer. ub_hash_file_async() hashes a local file
 * (one the user picked, or `unbrick-cli verify`) in a worker thread; its
 * progress reaches the caller on the caller's main context at most four times
 * a second. Digests come from OpenSSL's EVP interface (libcrypto), which uses
 * the CPU's SHA instructions where there are any.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-hash"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <openssl/evp.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ub-error.h"
#include "ub-hash.h"

#define BUFFER_SIZE (1024 * 1024)
#define PROGRESS_INTERVAL_MS 250

struct _UbHasher
{
  UbHashKinds  kinds;
  EVP_MD_CTX  *sha256;
  EVP_MD_CTX  *sha1;
};

/**
 * ub_hasher_new:
 * @kinds: the digests to compute
 *
 * Returns: (transfer full): a hasher that has seen no bytes yet
 */
UbHasher *
ub_hasher_new (UbHashKinds kinds)
{
  UbHasher *self = g_new0 (UbHasher, 1);

  g_return_val_if_fail (kinds != 0 && (kinds & ~UB_HASH_ALL) == 0, NULL);

  self->kinds = kinds;
  if (kinds & UB_HASH_SHA256)
    self->sha256 = EVP_MD_CTX_new ();
  if (kinds & UB_HASH_SHA1)
    self->sha1 = EVP_MD_CTX_new ();
  ub_hasher_reset (self);
  return self;
}

void
ub_hasher_free (UbHasher *self)
{
  if (self == NULL)
    return;
  EVP_MD_CTX_free (self->sha256);
  EVP_MD_CTX_free (self->sha1);
  g_free (self);
}

UbHashKinds
ub_hasher_get_kinds (UbHasher *self)
{
  return self->kinds;
}

/**
 * ub_hasher_reset:
 *
 * Forgets every byte seen: for a download that starts again from zero.
 */
void
ub_hasher_reset (UbHasher *self)
{
  if (self->sha256 != NULL && !EVP_DigestInit_ex (self->sha256, EVP_sha256 (), NULL))
    g_error ("OpenSSL cannot compute SHA-256");
  if (self->sha1 != NULL && !EVP_DigestInit_ex (self->sha1, EVP_sha1 (), NULL))
    g_error ("OpenSSL cannot compute SHA-1");
}

void
ub_hasher_update (UbHasher   *self,
                  const void *data,
                  gsize       len)
{
  if (self->sha256 != NULL)
    EVP_DigestUpdate (self->sha256, data, len);
  if (self->sha1 != NULL)
    EVP_DigestUpdate (self->sha1, data, len);
}

/**
 * ub_hasher_update_from_fd:
 * @fd: a file open for reading
 * @length: how many bytes to hash, from offset 0 (pread: @fd's position is kept)
 * @tick: (nullable): called after each buffer with the bytes hashed so far
 *
 * Returns: %FALSE with @error set if the file cannot be read, is shorter
 *   than @length, or @cancellable was cancelled
 */
gboolean
ub_hasher_update_from_fd (UbHasher        *self,
                          int              fd,
                          guint64          length,
                          UbHashProgress   tick,
                          gpointer         tick_data,
                          GCancellable    *cancellable,
                          GError         **error)
{
  g_autofree guint8 *buffer = g_malloc (BUFFER_SIZE);
  guint64 done = 0;

  posix_fadvise (fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  while (done < length)
    {
      gssize n = pread (fd, buffer, (gsize)MIN (length - done, BUFFER_SIZE), (off_t)done);

      if (n < 0 && errno == EINTR)
        continue;
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (n <= 0)
        {
          int saved = n < 0 ? errno : 0;

          g_set_error (error, UB_ERROR, UB_ERROR_FAILED, _("Could not read the file: %s"),
                       saved != 0 ? g_strerror (saved) : _("it is shorter than expected"));
          return FALSE;
        }
      ub_hasher_update (self, buffer, (gsize)n);
      done += (guint64)n;
      if (tick != NULL)
        tick (done, length, tick_data);
    }
  return TRUE;
}

/**
 * ub_hasher_finish_hex:
 * @kind: one digest the hasher was made for
 *
 * Returns: (transfer full): the digest of every byte seen, in lowercase hex.
 *   The hasher must be reset before it is fed again.
 */
char *
ub_hasher_finish_hex (UbHasher    *self,
                      UbHashKinds  kind)
{
  EVP_MD_CTX *ctx = kind == UB_HASH_SHA256 ? self->sha256 : kind == UB_HASH_SHA1 ? self->sha1 : NULL;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  GString *hex;

  g_return_val_if_fail (ctx != NULL, NULL);

  EVP_DigestFinal_ex (ctx, digest, &len);
  hex = g_string_sized_new (len * 2);
  for (unsigned int i = 0; i < len; i++)
    g_string_append_printf (hex, "%02x", digest[i]);
  return g_string_free (hex, FALSE);
}

/**
 * ub_hash_hex_is_valid:
 * @kind: %UB_HASH_SHA256 or %UB_HASH_SHA1
 *
 * Returns: whether @hex is a digest of that kind (hex digits, any case)
 */
gboolean
ub_hash_hex_is_valid (const char  *hex,
                      UbHashKinds  kind)
{
  gsize want = kind == UB_HASH_SHA256 ? 64 : 40;

  if (hex == NULL || strlen (hex) != want)
    return FALSE;
  for (gsize i = 0; i < want; i++)
    if (!g_ascii_isxdigit (hex[i]))
      return FALSE;
  return TRUE;
}

/**
 * ub_hash_hex_equal:
 *
 * Returns: whether two hex digests are the same, ignoring case
 */
gboolean
ub_hash_hex_equal (const char *a,
                   const char *b)
{
  return a != NULL && b != NULL && g_ascii_strcasecmp (a, b) == 0;
}

/* UbHashQueue: buffers go round between the producer (free → work) and the
 * hashing thread (work → free); two markers reset the hasher and stop. */
typedef struct
{
  guint8 *data;
  gsize   len;
} Chunk;

static Chunk reset_marker;
static Chunk stop_marker;

struct _UbHashQueue
{
  UbHasher    *hasher;
  GThread     *thread;
  GAsyncQueue *work;
  GAsyncQueue *idle;
  gsize        buffer_size;
  guint        n_buffers;
  Chunk       *chunks;
};

static gpointer
hash_queue_thread (gpointer data)
{
  UbHashQueue *self = data;

  for (;;)
    {
      Chunk *chunk = g_async_queue_pop (self->work);

      if (chunk == &stop_marker)
        return NULL;
      if (chunk == &reset_marker)
        {
          ub_hasher_reset (self->hasher);
          continue;
        }
      ub_hasher_update (self->hasher, chunk->data, chunk->len);
      g_async_queue_push (self->idle, chunk);
    }
}

/**
 * ub_hash_queue_new:
 * @hasher: (transfer none): fed by the queue's thread until ub_hash_queue_finish()
 * @buffer_size: bytes per buffer
 * @n_buffers: how many buffers may wait to be hashed before ub_hash_queue_push() blocks
 *
 * Returns: (transfer full): a queue with its thread running
 */
UbHashQueue *
ub_hash_queue_new (UbHasher *hasher,
                   gsize     buffer_size,
                   guint     n_buffers)
{
  UbHashQueue *self = g_new0 (UbHashQueue, 1);

  g_return_val_if_fail (buffer_size > 0 && n_buffers > 0, NULL);

  self->hasher = hasher;
  self->buffer_size = buffer_size;
  self->n_buffers = n_buffers;
  self->work = g_async_queue_new ();
  self->idle = g_async_queue_new ();
  self->chunks = g_new0 (Chunk, n_buffers);
  for (guint i = 0; i < n_buffers; i++)
    {
      self->chunks[i].data = g_malloc (buffer_size);
      g_async_queue_push (self->idle, &self->chunks[i]);
    }
  self->thread = g_thread_new ("ub-hash-queue", hash_queue_thread, self);
  return self;
}

/**
 * ub_hash_queue_push:
 *
 * Copies @data for hashing; waits only when every buffer is still in use.
 */
void
ub_hash_queue_push (UbHashQueue *self,
                    const void  *data,
                    gsize        len)
{
  const guint8 *p = data;

  while (len > 0)
    {
      Chunk *chunk = g_async_queue_pop (self->idle);

      chunk->len = MIN (len, self->buffer_size);
      memcpy (chunk->data, p, chunk->len);
      g_async_queue_push (self->work, chunk);
      p += chunk->len;
      len -= chunk->len;
    }
}

/**
 * ub_hash_queue_reset:
 *
 * Resets the hasher once the bytes pushed so far are hashed (and forgotten).
 */
void
ub_hash_queue_reset (UbHashQueue *self)
{
  g_async_queue_push (self->work, &reset_marker);
}

/**
 * ub_hash_queue_finish:
 *
 * Waits until every byte pushed is hashed, stops the thread and frees the
 * queue. The hasher then holds the digests of everything pushed.
 */
void
ub_hash_queue_finish (UbHashQueue *self)
{
  g_async_queue_push (self->work, &stop_marker);
  g_thread_join (self->thread);
  for (guint i = 0; i < self->n_buffers; i++)
    g_free (self->chunks[i].data);
  g_free (self->chunks);
  g_async_queue_unref (self->work);
  g_async_queue_unref (self->idle);
  g_free (self);
}

/* ub_hash_file_async(): the job is shared by the worker (inner task) and the
 * main context (outer task, progress timer); the numbers under the mutex. */
typedef struct
{
  char           *path;
  UbHashKinds     kinds;
  GMutex          mutex;
  guint64         done;
  guint64         total;
  char           *sha256;
  char           *sha1;
  UbHashProgress  progress;
  gpointer        progress_data;
  GSource        *timer;
} HashJob;

static void
hash_job_clear (HashJob *job)
{
  g_free (job->path);
  g_free (job->sha256);
  g_free (job->sha1);
  g_mutex_clear (&job->mutex);
  if (job->timer != NULL)
    g_source_destroy (job->timer);
  g_clear_pointer (&job->timer, g_source_unref);
}

static void
hash_job_unref (HashJob *job)
{
  g_atomic_rc_box_release_full (job, (GDestroyNotify)hash_job_clear);
}

static void
hash_job_tick (guint64  done,
               guint64  total,
               gpointer data)
{
  HashJob *job = data;

  g_mutex_lock (&job->mutex);
  job->done = done;
  g_mutex_unlock (&job->mutex);
}

static gboolean
hash_job_run (HashJob       *job,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(UbHasher) hasher = ub_hasher_new (job->kinds);
  struct stat st;
  int fd = g_open (job->path, O_RDONLY | O_CLOEXEC, 0);
  gboolean ok;

  if (fd < 0 || fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      int saved = fd < 0 ? errno : EISDIR;

      if (fd >= 0)
        close (fd);
      g_set_error (error, UB_ERROR, saved == ENOENT ? UB_ERROR_NOT_FOUND : UB_ERROR_FAILED,
                   _("Could not open “%s”: %s"), job->path, g_strerror (saved));
      return FALSE;
    }
  g_mutex_lock (&job->mutex);
  job->total = (guint64)st.st_size;
  g_mutex_unlock (&job->mutex);
  g_debug ("Hashing “%s” (%" G_GUINT64_FORMAT " bytes)", job->path, (guint64)st.st_size);
  ok = ub_hasher_update_from_fd (hasher, fd, (guint64)st.st_size, hash_job_tick, job, cancellable, error);
  close (fd);
  if (!ok)
    return FALSE;
  if (job->kinds & UB_HASH_SHA256)
    job->sha256 = ub_hasher_finish_hex (hasher, UB_HASH_SHA256);
  if (job->kinds & UB_HASH_SHA1)
    job->sha1 = ub_hasher_finish_hex (hasher, UB_HASH_SHA1);
  g_debug ("Hashed “%s”: SHA-256 %s, SHA-1 %s", job->path,
           job->sha256 ? job->sha256 : "-", job->sha1 ? job->sha1 : "-");
  return TRUE;
}

static void
hash_worker (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;

  if (hash_job_run (task_data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static void
hash_job_report (HashJob *job)
{
  guint64 done, total;

  g_mutex_lock (&job->mutex);
  done = job->done;
  total = job->total;
  g_mutex_unlock (&job->mutex);
  job->progress (done, total, job->progress_data);
}

static gboolean
on_progress_timer (gpointer data)
{
  hash_job_report (data);
  return G_SOURCE_CONTINUE;
}

static void
on_worker_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) outer = user_data;
  HashJob *job = g_task_get_task_data (outer);
  g_autoptr(GError) error = NULL;

  if (job->timer != NULL)
    g_source_destroy (job->timer);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (outer, g_steal_pointer (&error));
      return;
    }
  if (job->progress != NULL)
    hash_job_report (job);
  g_task_return_boolean (outer, TRUE);
}

/**
 * ub_hash_file_async:
 * @path: a regular file
 * @kinds: the digests to compute (all in one read of the file)
 * @progress: (nullable) (scope notified): called on the calling thread's main
 *   context; @progress_data must live until @callback runs
 *
 * Hashes @path in a worker thread, 1 MiB at a time. Cancellable.
 */
void
ub_hash_file_async (const char          *path,
                    UbHashKinds          kinds,
                    UbHashProgress       progress,
                    gpointer             progress_data,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) outer = NULL;
  g_autoptr(GTask) inner = NULL;
  HashJob *job;

  g_return_if_fail (path != NULL);
  g_return_if_fail (kinds != 0 && (kinds & ~UB_HASH_ALL) == 0);

  job = g_atomic_rc_box_new0 (HashJob);
  job->path = g_strdup (path);
  job->kinds = kinds;
  job->progress = progress;
  job->progress_data = progress_data;
  g_mutex_init (&job->mutex);

  outer = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (outer, ub_hash_file_async);
  g_task_set_task_data (outer, job, (GDestroyNotify)hash_job_unref);
  if (progress != NULL)
    {
      job->timer = g_timeout_source_new (PROGRESS_INTERVAL_MS);
      g_source_set_callback (job->timer, on_progress_timer, job, NULL);
      g_source_set_static_name (job->timer, "[ub-hash] progress");
      g_source_attach (job->timer, g_task_get_context (outer));
    }

  inner = g_task_new (NULL, cancellable, on_worker_done, g_object_ref (outer));
  g_task_set_source_tag (inner, hash_worker);
  g_task_set_task_data (inner, g_atomic_rc_box_acquire (job), (GDestroyNotify)hash_job_unref);
  g_task_run_in_thread (inner, hash_worker);
}

/**
 * ub_hash_file_finish:
 * @sha256: (out) (optional): the SHA-256 in lowercase hex, if it was asked for
 * @sha1: (out) (optional): the SHA-1 in lowercase hex, if it was asked for
 *
 * Returns: %TRUE, or %FALSE with @error set
 */
gboolean
ub_hash_file_finish (GAsyncResult  *result,
                     char         **sha256,
                     char         **sha1,
                     GError       **error)
{
  HashJob *job;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ub_hash_file_async, FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  job = g_task_get_task_data (G_TASK (result));
  if (sha256 != NULL)
    *sha256 = g_strdup (job->sha256);
  if (sha1 != NULL)
    *sha1 = g_strdup (job->sha1);
  return TRUE;
}
