/* ub-backup-job-status.c — the files that say whose backup it is and whether it is complete
 *
 * Info.plist is this computer's (ub-backup-job-prepare.c builds it);
 * Status.plist and Manifest.plist are the phone's. The backup counts as
 * complete only when Status.plist says "finished" and Manifest.plist is
 * there. Before this computer changes anything in an earlier backup, its
 * Status.plist is set back to "uploading", so that a backup stopped half way
 * is never taken for a complete one (_ub_backup_store_begin_change()).
 * Files are replaced through a temporary file renamed into place.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-backup"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <unistd.h>

#include "ub-backup-job-private.h"
#include "ub-error.h"
#include "ub-plist.h"

#define STATUS_MAX (1024 * 1024)

static gboolean
write_all (int           fd,
           const char   *data,
           gsize         len)
{
  while (len > 0)
    {
      gssize n = write (fd, data, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      data += n;
      len -= (gsize)n;
    }
  return TRUE;
}

/* @name in the phone's backup folder, through a temporary file */
static gboolean
replace_file (UbBackupSession  *s,
              const char       *name,
              const char       *data,
              gsize             len,
              GError          **error)
{
  g_autofree char *tmp = g_strdup_printf (".%s.ub-part", name);
  g_autofree char *shown = g_build_filename (s->job->path, name, NULL);
  int dir = _ub_backup_store_open_child (s->folder_fd, s->job->udid, TRUE);
  int fd = -1, saved = 0;

  if (dir < 0)
    {
      _ub_backup_store_set_error (error, errno, s->job->path);
      return FALSE;
    }
  unlinkat (dir, tmp, 0);
  fd = openat (dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0 || !write_all (fd, data, len) || fsync (fd) != 0)
    saved = errno != 0 ? errno : EIO;
  if (fd >= 0 && close (fd) != 0 && saved == 0)
    saved = errno;
  if (saved == 0 && renameat (dir, tmp, dir, name) != 0)
    saved = errno;
  if (saved != 0)
    unlinkat (dir, tmp, 0);
  close (dir);
  if (saved != 0)
    _ub_backup_store_set_error (error, saved, shown);
  return saved == 0;
}

/**
 * _ub_backup_store_write_plist:
 * @name: a file in the phone's backup folder ("Info.plist")
 *
 * Writes @plist as XML, replacing the file at once.
 */
gboolean
_ub_backup_store_write_plist (UbBackupSession  *s,
                              const char       *name,
                              plist_t           plist,
                              GError          **error)
{
  char *xml = NULL;
  uint32_t len = 0;
  gboolean ok;

  plist_to_xml (plist, &xml, &len);
  ok = replace_file (s, name, xml, len, error);
  plist_to_xml_free (xml);
  return ok;
}

/* A plist in the phone's backup folder; %NULL if it is not there or not sound */
static plist_t
read_plist (UbBackupSession *s,
            const char      *name)
{
  g_autofree guint8 *data = g_malloc (STATUS_MAX);
  int dir = _ub_backup_store_open_child (s->folder_fd, s->job->udid, FALSE);
  int fd = dir >= 0 ? openat (dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) : -1;
  gssize len = fd >= 0 ? read (fd, data, STATUS_MAX) : -1;

  if (fd >= 0)
    close (fd);
  if (dir >= 0)
    close (dir);
  if (len <= 0 || len == STATUS_MAX)
    return NULL;
  return ub_plist_parse_untrusted (data, (gsize)len, NULL);
}

static gboolean
status_is_finished (plist_t status)
{
  plist_t state = status != NULL && plist_get_node_type (status) == PLIST_DICT
                    ? plist_dict_get_item (status, "SnapshotState") : NULL;

  return state != NULL && plist_get_node_type (state) == PLIST_STRING &&
         g_strcmp0 (plist_get_string_ptr (state, NULL), "finished") == 0;
}

/**
 * _ub_backup_store_mark_incomplete:
 *
 * A Status.plist that says "finished" is made to say "uploading": the
 * backup folder no longer holds a complete backup.
 */
void
_ub_backup_store_mark_incomplete (UbBackupSession *s)
{
  plist_t status = read_plist (s, "Status.plist");
  g_autoptr(GError) error = NULL;
  char *bin = NULL;
  uint32_t len = 0;

  if (!status_is_finished (status))
    {
      g_clear_pointer (&status, plist_free);
      return;
    }
  plist_dict_set_item (status, "SnapshotState", plist_new_string ("uploading"));
  plist_to_bin (status, &bin, &len);
  plist_free (status);
  if (!replace_file (s, "Status.plist", bin, len, &error))
    g_warning ("Backup of %s could not be marked incomplete: %s", s->job->udid, error->message);
  else
    g_debug ("Backup of %s marked incomplete (Status.plist: uploading)", s->job->udid);
  plist_to_bin_free (bin);
}

/**
 * _ub_backup_store_begin_change:
 *
 * Call before anything in the backup folder changes: the first time, an
 * earlier complete backup is marked incomplete.
 */
gboolean
_ub_backup_store_begin_change (UbBackupSession  *s,
                               GError          **error)
{
  gboolean touched;

  if (g_cancellable_set_error_if_cancelled (s->cancellable, error))
    return FALSE;
  g_mutex_lock (&s->job->mutex);
  touched = s->job->touched;
  g_mutex_unlock (&s->job->mutex);
  if (touched)
    return TRUE;
  _ub_backup_store_mark_incomplete (s);
  _ub_backup_job_set_touched (s->job);
  return TRUE;
}

/**
 * _ub_backup_store_check_finished:
 *
 * Returns: whether the phone left a complete backup: a Status.plist that
 *   says "finished" and a Manifest.plist
 */
gboolean
_ub_backup_store_check_finished (UbBackupSession  *s,
                                 GError          **error)
{
  plist_t status = read_plist (s, "Status.plist");
  plist_t manifest = read_plist (s, "Manifest.plist");
  gboolean finished = status_is_finished (status);
  gboolean ok = finished && manifest != NULL && plist_get_node_type (manifest) == PLIST_DICT;

  g_debug ("Backup of %s: Status.plist %s, Manifest.plist %s", s->job->udid,
           finished ? "finished" : "not finished", manifest ? "present" : "missing");
  g_clear_pointer (&status, plist_free);
  g_clear_pointer (&manifest, plist_free);
  if (!ok)
    g_set_error_literal (error, UB_ERROR, UB_ERROR_PROTOCOL,
                         _("The iPhone said the backup was done, but it did not send the files that "
                           "complete it."));
  return ok;
}
