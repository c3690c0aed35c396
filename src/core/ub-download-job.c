/* ub-download-job.c — the worker side of UbDownload: files, lock, checks
 *
 * In the worker thread, for DIR/NAME:
 *
 * 1. Take an exclusive flock() on DIR/NAME.part.lock. If another process holds
 *    it, wait (polling; its .part is watched, and a download that has made no
 *    progress for a long time ends the wait with an error).
 * 2. A finished DIR/NAME whose checksum matches the expected one is used as it
 *    is, without the network. Without an expected checksum it is used only
 *    when another process has just finished it while we waited.
 * 3. Open DIR/NAME.part, hash what it already holds, check the free space.
 * 4. Fetch the rest (ub-download-transfer.c), hashing as bytes arrive.
 * 5. Compare size and checksums. A mismatch deletes the .part; a match is
 *    fsync'ed and renamed to DIR/NAME atomically.
 * 6. Remove the lock file, then release the lock.
 *
 * Every error but a checksum mismatch keeps the .part for the next attempt.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-download"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ub-download-private.h"
#include "ub-error.h"

UbDownloadJob *
ub_download_job_new (void)
{
  UbDownloadJob *job = g_atomic_rc_box_new0 (UbDownloadJob);

  g_mutex_init (&job->mutex);
  return job;
}

UbDownloadJob *
ub_download_job_ref (UbDownloadJob *job)
{
  return g_atomic_rc_box_acquire (job);
}

static void
job_clear (UbDownloadJob *job)
{
  g_free (job->url);
  g_free (job->directory);
  g_free (job->path);
  g_free (job->part_path);
  g_free (job->lock_path);
  g_free (job->expected_sha256);
  g_free (job->expected_sha1);
  g_free (job->ca_file);
  g_free (job->sha256);
  g_free (job->sha1);
  g_mutex_clear (&job->mutex);
}

void
ub_download_job_unref (UbDownloadJob *job)
{
  g_atomic_rc_box_release_full (job, (GDestroyNotify)job_clear);
}

void
ub_download_job_set_state (UbDownloadJob   *job,
                           UbDownloadState  state)
{
  g_mutex_lock (&job->mutex);
  job->state = state;
  g_mutex_unlock (&job->mutex);
  g_debug ("“%s”: %s", job->path, ub_download_state_to_string (state));
}

void
ub_download_job_set_progress (UbDownloadJob *job,
                              guint64        received,
                              guint64        total)
{
  g_mutex_lock (&job->mutex);
  job->received = received;
  job->total = total;
  g_mutex_unlock (&job->mutex);
}

static void
set_file_error (GError     **error,
                const char  *path,
                int          errsv)
{
  if (errsv == ENOSPC || errsv == EDQUOT || errsv == EFBIG)
    g_set_error (error, UB_ERROR, UB_ERROR_NO_SPACE,
                 _("The disk is full: could not write “%s”. Free some space and try again."), path);
  else
    g_set_error (error, UB_ERROR, errsv == EACCES || errsv == EPERM ? UB_ERROR_PERMISSION_DENIED : UB_ERROR_FAILED,
                 _("Could not write “%s”: %s"), path, g_strerror (errsv));
}

/* The lock is ours only if the file we locked is still the one at lock_path:
 * its previous holder unlinks it before unlocking, and a waiter may then hold
 * a lock on a file nobody else will ever open. */
static gboolean
lock_is_current (int         fd,
                 const char *lock_path)
{
  struct stat a, b;

  return fstat (fd, &a) == 0 && g_stat (lock_path, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static guint64
file_size (const char *path)
{
  struct stat st;

  return g_stat (path, &st) == 0 ? (guint64)st.st_size : 0;
}

static int
lock_try (UbDownloadJob  *job,
          gboolean       *busy,
          GError        **error)
{
  *busy = FALSE;
  for (guint stale = 0; stale < 10; stale++)
    {
      int fd = g_open (job->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
      int saved;

      if (fd < 0)
        {
          set_file_error (error, job->lock_path, errno);
          return -1;
        }
      if (flock (fd, LOCK_EX | LOCK_NB) == 0)
        {
          if (lock_is_current (fd, job->lock_path))
            return fd;
          close (fd);     /* locked a file its last holder had just removed: again */
          continue;
        }
      saved = errno;
      close (fd);
      if (saved != EWOULDBLOCK && saved != EINTR)
        {
          set_file_error (error, job->lock_path, saved);
          return -1;
        }
      break;
    }
  *busy = TRUE;
  return -1;
}

static gboolean
lock_wait_is_over (UbDownloadJob  *job,
                   guint64        *last_size,
                   gint64         *last_change,
                   GError        **error)
{
  guint64 size = file_size (job->part_path);
  gint64 now = g_get_monotonic_time ();

  if (size != *last_size)
    {
      *last_size = size;
      *last_change = now;
      ub_download_job_set_progress (job, size, job->expected_size);
    }
  if (now - *last_change < (gint64)job->lock_stall_ms * 1000)
    return FALSE;
  g_set_error (error, UB_ERROR, UB_ERROR_TIMED_OUT,
               _("Another download of this file is running and has made no progress for %u seconds (“%s”). "
                 "Try again when it has finished."), job->lock_stall_ms / 1000, job->path);
  return TRUE;
}

static int
lock_acquire (UbDownloadJob  *job,
              gboolean       *waited,
              GCancellable   *cancellable,
              GError        **error)
{
  guint64 last_size = G_MAXUINT64;
  gint64 last_change = g_get_monotonic_time ();

  *waited = FALSE;
  for (;;)
    {
      gboolean busy;
      int fd = lock_try (job, &busy, error);

      if (fd >= 0 || !busy)
        return fd;
      if (!*waited)
        g_debug ("Another download of “%s” is running; waiting for it", job->path);
      *waited = TRUE;
      if (lock_wait_is_over (job, &last_size, &last_change, error))
        return -1;
      if (!ub_download_sleep (job->lock_poll_ms, cancellable))
        {
          g_cancellable_set_error_if_cancelled (cancellable, error);
          return -1;
        }
    }
}

static void
lock_release (UbDownloadJob *job,
              int            fd)
{
  g_unlink (job->lock_path);
  close (fd);
}

static UbHashKinds
hash_kinds (UbDownloadJob *job)
{
  return UB_HASH_SHA256 | (job->expected_sha1 != NULL ? UB_HASH_SHA1 : 0);
}

static void
on_hash_tick (guint64  done,
              guint64  total,
              gpointer data)
{
  ub_download_job_set_progress (data, done, total);
}

/* Returns TRUE if the digests of @hasher match the expected ones; stores them */
static gboolean
digests_match (UbDownloadJob *job,
               UbHasher      *hasher)
{
  g_clear_pointer (&job->sha256, g_free);
  g_clear_pointer (&job->sha1, g_free);
  job->sha256 = ub_hasher_finish_hex (hasher, UB_HASH_SHA256);
  if (ub_hasher_get_kinds (hasher) & UB_HASH_SHA1)
    job->sha1 = ub_hasher_finish_hex (hasher, UB_HASH_SHA1);
  g_debug ("“%s”: SHA-256 %s (expected %s), SHA-1 %s (expected %s)", job->path, job->sha256,
           job->expected_sha256 ? job->expected_sha256 : "-", job->sha1 ? job->sha1 : "-",
           job->expected_sha1 ? job->expected_sha1 : "-");
  return (job->expected_sha256 == NULL || ub_hash_hex_equal (job->sha256, job->expected_sha256)) &&
         (job->expected_sha1 == NULL || ub_hash_hex_equal (job->sha1, job->expected_sha1));
}

static gboolean
hash_existing (UbDownloadJob  *job,
               guint64         size,
               gboolean       *match,
               GCancellable   *cancellable,
               GError        **error)
{
  g_autoptr(UbHasher) hasher = ub_hasher_new (hash_kinds (job));
  g_autoptr(GError) local_error = NULL;
  int fd = g_open (job->path, O_RDONLY | O_CLOEXEC, 0);
  gboolean ok;

  *match = FALSE;
  if (fd < 0)
    return TRUE;
  ok = ub_hasher_update_from_fd (hasher, fd, size, on_hash_tick, job, cancellable, &local_error);
  close (fd);
  if (ok)
    *match = digests_match (job, hasher);
  else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  else
    g_debug ("Could not check “%s” (%s); downloading it again", job->path, local_error->message);
  return TRUE;
}

/* Is DIR/NAME already there and good? */
static gboolean
reuse_final (UbDownloadJob  *job,
             gboolean        waited,
             gboolean       *reused,
             GCancellable   *cancellable,
             GError        **error)
{
  struct stat st;
  gboolean has_digest = job->expected_sha256 != NULL || job->expected_sha1 != NULL;

  *reused = FALSE;
  if (g_stat (job->path, &st) != 0 || !S_ISREG (st.st_mode))
    return TRUE;
  if (job->expected_size != 0 && (guint64)st.st_size != job->expected_size)
    {
      g_debug ("“%s” exists with %" G_GUINT64_FORMAT " bytes, not the expected %" G_GUINT64_FORMAT,
               job->path, (guint64)st.st_size, job->expected_size);
      return TRUE;
    }
  if (!has_digest)
    {
      *reused = waited;
      g_debug ("“%s” exists; %s", job->path, waited ? "another download just finished it"
                                                     : "no checksum to check it with, so it is downloaded again");
      return TRUE;
    }
  if (!hash_existing (job, (guint64)st.st_size, reused, cancellable, error))
    return FALSE;
  g_debug ("“%s” exists and %s", job->path, *reused ? "matches: no download needed" : "does not match");
  if (*reused)
    ub_download_job_set_progress (job, (guint64)st.st_size, (guint64)st.st_size);
  return TRUE;
}

static gboolean
open_part (UbDownloadJob   *job,
           UbDownloadPart  *part,
           GCancellable    *cancellable,
           GError         **error)
{
  struct stat st;

  part->job = job;
  part->hasher = ub_hasher_new (hash_kinds (job));
  part->fd = g_open (job->part_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (part->fd < 0 || fstat (part->fd, &st) != 0)
    {
      set_file_error (error, job->part_path, errno);
      return FALSE;
    }
  part->offset = (guint64)st.st_size;
  part->written_back = part->offset;
  if (job->expected_size != 0 && part->offset > job->expected_size)
    {
      g_debug ("“%s” is longer than the file must be; starting from zero", job->part_path);
      return ub_download_truncate (part, error);
    }
  if (part->offset == 0)
    return TRUE;
  g_debug ("Resuming “%s” at byte %" G_GUINT64_FORMAT, job->path, part->offset);
  /* The one unavoidable re-read: the bytes kept from an earlier attempt are
   * hashed once here, so that the digests can then go on with the new bytes
   * as they arrive. Nothing is read a second time after the download. */
  return ub_hasher_update_from_fd (part->hasher, part->fd, part->offset, on_hash_tick, job,
                                   cancellable, error);
}

static gboolean
verify_part (UbDownloadJob   *job,
             UbDownloadPart  *part,
             GError         **error)
{
  gboolean size_ok = (job->expected_size == 0 || part->offset == job->expected_size) &&
                     (part->total == 0 || part->offset == part->total);

  ub_download_job_set_state (job, UB_DOWNLOAD_STATE_VERIFYING);
  if (size_ok && digests_match (job, part->hasher))
    return TRUE;
  g_debug ("“%s” is damaged (%" G_GUINT64_FORMAT " bytes, expected %" G_GUINT64_FORMAT "); deleting it",
           job->part_path, part->offset, job->expected_size ? job->expected_size : part->total);
  g_unlink (job->part_path);
  g_set_error_literal (error, UB_ERROR, UB_ERROR_CHECKSUM,
                       _("The download is damaged: its checksum does not match. It was deleted; try again."));
  return FALSE;
}

static gboolean
install_part (UbDownloadJob   *job,
              UbDownloadPart  *part,
              GError         **error)
{
  int dir_fd;

  if (fsync (part->fd) != 0 || g_rename (job->part_path, job->path) != 0)
    {
      set_file_error (error, job->path, errno);
      return FALSE;
    }
  dir_fd = g_open (job->directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (dir_fd >= 0)
    {
      fsync (dir_fd);
      close (dir_fd);
    }
  g_debug ("“%s” is complete and verified", job->path);
  return TRUE;
}

static gboolean
download_locked (UbDownloadJob  *job,
                 gboolean        waited,
                 GCancellable   *cancellable,
                 GError        **error)
{
  UbDownloadPart part = { .fd = -1 };
  gboolean reused, ok;

  if (!reuse_final (job, waited, &reused, cancellable, error))
    return FALSE;
  if (reused)
    return TRUE;
  ok = open_part (job, &part, cancellable, error);
  ub_download_job_set_progress (job, part.offset, job->expected_size);
  if (ok && job->expected_size != 0)
    ok = ub_download_check_space (job->directory, job->expected_size - part.offset, error);
  if (ok && (job->expected_size == 0 || part.offset < job->expected_size))
    {
      ub_download_job_set_state (job, UB_DOWNLOAD_STATE_DOWNLOADING);
      ok = ub_download_transfer (&part, cancellable, error);
    }
  ok = ok && verify_part (job, &part, error) && install_part (job, &part, error);
  if (part.fd >= 0)
    close (part.fd);
  if (!ok && part.fd >= 0 && part.offset == 0)
    g_unlink (job->part_path);      /* nothing worth keeping */
  g_clear_pointer (&part.hasher, ub_hasher_free);
  return ok;
}

/**
 * ub_download_job_run:
 *
 * The whole download, in the calling (worker) thread.
 */
gboolean
ub_download_job_run (UbDownloadJob  *job,
                     GCancellable   *cancellable,
                     GError        **error)
{
  gboolean waited = FALSE;
  gboolean ok;
  int lock_fd;

  g_debug ("Downloading %s to “%s”", job->url, job->path);
  ub_download_job_set_state (job, UB_DOWNLOAD_STATE_CHECKING);
  if (g_mkdir_with_parents (job->directory, 0755) != 0)
    {
      set_file_error (error, job->directory, errno);
      return FALSE;
    }
  lock_fd = lock_acquire (job, &waited, cancellable, error);
  if (lock_fd < 0)
    return FALSE;
  ok = download_locked (job, waited, cancellable, error);
  lock_release (job, lock_fd);
  return ok;
}
