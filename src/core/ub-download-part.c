/* ub-download-part.c — the .part file of a UbDownload: writing, free space
 *
 * Worker thread only. Bytes are appended as they arrive and hashed in the
 * same breath; the disk is asked to write them out as the download goes on,
 * so that the final fsync() has little left to do. A full disk (ENOSPC, or
 * EFBIG/EDQUOT from a size limit or a quota) is reported as such, never as a
 * damaged download.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-download"
#define _GNU_SOURCE               /* sync_file_range() */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "ub-download-private.h"
#include "ub-error.h"

#define WRITEBACK_CHUNK (8 * 1024 * 1024)

gboolean
ub_download_sleep (guint         ms,
                   GCancellable *cancellable)
{
  GPollFD pfd;

  if (cancellable != NULL && g_cancellable_make_pollfd (cancellable, &pfd))
    {
      g_poll (&pfd, 1, (gint)ms);
      g_cancellable_release_fd (cancellable);
    }
  else
    g_usleep ((gulong)ms * 1000);
  return !g_cancellable_is_cancelled (cancellable);
}


/**
 * ub_download_check_space:
 * @needed: bytes still to be written
 *
 * Returns: %FALSE with %UB_ERROR_NO_SPACE if @directory's file system has not
 *   room for @needed bytes plus a margin
 */
gboolean
ub_download_check_space (const char  *directory,
                         guint64      needed,
                         GError     **error)
{
  struct statvfs st;
  guint64 available;

  if (statvfs (directory, &st) != 0)
    {
      g_debug ("statvfs “%s”: %s; not checking free space", directory, g_strerror (errno));
      return TRUE;
    }
  available = (guint64)st.f_bavail * (guint64)st.f_frsize;
  g_debug ("Free space in “%s”: %" G_GUINT64_FORMAT " bytes, %" G_GUINT64_FORMAT " needed",
           directory, available, needed);
  if (needed <= G_MAXUINT64 - UB_DOWNLOAD_SPACE_MARGIN && needed + UB_DOWNLOAD_SPACE_MARGIN <= available)
    return TRUE;
  {
    g_autofree char *need_s = g_format_size (needed);
    g_autofree char *free_s = g_format_size (available);

    /* TRANSLATORS: the first %s is a folder, then two sizes such as "6.2 GB" */
    g_set_error (error, UB_ERROR, UB_ERROR_NO_SPACE,
                 _("Not enough free disk space in “%s”: the download needs %s, but only %s are free. "
                   "Free some space and try again."), directory, need_s, free_s);
  }
  return FALSE;
}


gboolean
ub_download_truncate (UbDownloadPart  *part,
                      GError         **error)
{
  if (ftruncate (part->fd, 0) != 0 || lseek (part->fd, 0, SEEK_SET) != 0)
    {
      int saved = errno;

      g_set_error (error, UB_ERROR, UB_ERROR_FAILED, _("Could not write “%s”: %s"),
                   part->job->part_path, g_strerror (saved));
      return FALSE;
    }
  if (part->queue != NULL)
    ub_hash_queue_reset (part->queue);
  else
    ub_hasher_reset (part->hasher);
  part->offset = 0;
  part->written_back = 0;
  ub_download_job_set_progress (part->job, 0, part->total);
  return TRUE;
}


void
ub_download_part_set_error (UbDownloadPart  *part,
                            int              errsv,
                            GError         **error)
{
  g_autofree char *done = g_format_size (part->offset);

  if (errsv == ENOSPC || errsv == EFBIG || errsv == EDQUOT)
    g_set_error (error, UB_ERROR, UB_ERROR_NO_SPACE,
                 /* TRANSLATORS: %s are a size such as "1.2 GB" and a file name */
                 _("The disk is full: the download stopped after %s. What was downloaded is kept "
                   "in “%s”; free some space and try again to continue."), done, part->job->part_path);
  else
    g_set_error (error, UB_ERROR, UB_ERROR_FAILED, _("Could not write “%s”: %s"),
                 part->job->part_path, g_strerror (errsv));
}

static gboolean
write_all (UbDownloadPart  *part,
           const char      *data,
           gsize            len,
           GError         **error)
{
  while (len > 0)
    {
      gssize n = write (part->fd, data, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          ub_download_part_set_error (part, n < 0 ? errno : ENOSPC, error);
          return FALSE;
        }
      data += n;
      len -= (gsize)n;
    }
  return TRUE;
}


/* Writes what has arrived to disk while the download goes on, 8 MiB at a
 * time, waiting only for the chunk before the last: the final fsync() then
 * has little left to do, and a fast download never piles up gigabytes of
 * dirty pages. */
static void
write_back (UbDownloadPart *part)
{
#ifdef SYNC_FILE_RANGE_WRITE
  while (part->offset - part->written_back >= WRITEBACK_CHUNK)
    {
      off_t at = (off_t)part->written_back;

      sync_file_range (part->fd, at, WRITEBACK_CHUNK, SYNC_FILE_RANGE_WRITE);
      if (at >= WRITEBACK_CHUNK)
        sync_file_range (part->fd, at - WRITEBACK_CHUNK, WRITEBACK_CHUNK,
                         SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
      part->written_back += WRITEBACK_CHUNK;
    }
#endif
}

/**
 * ub_download_part_write:
 *
 * Appends bytes that arrived to the .part file, hashes them (or hands them
 * to the hashing thread) and lets the disk catch up.
 *
 * Returns: %FALSE with @error set if the file cannot be written
 */
gboolean
ub_download_part_write (UbDownloadPart  *part,
                        const char      *data,
                        gsize            len,
                        GError         **error)
{
  if (!write_all (part, data, len, error))
    return FALSE;
  if (part->queue != NULL)
    ub_hash_queue_push (part->queue, data, len);
  else
    ub_hasher_update (part->hasher, data, len);
  part->offset += len;
  write_back (part);
  return TRUE;
}
