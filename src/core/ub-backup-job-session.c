/* ub-backup-job-session.c — one backup, from the first connection to the last byte
 *
 * In the worker thread (ub-backup-job.c starts it): prepare
 * (ub-backup-job-prepare.c), ask the phone for a backup, then do what the
 * phone asks, one DeviceLink message at a time, until it says how the backup
 * ended (DLMessageProcessMessage with an ErrorCode):
 *
 *   DLMessageUploadFiles, DLMessageDownloadFiles   ub-backup-job-files.c
 *   DLMessageGetFreeDiskSpace                      this computer's free space
 *   DLContentsOfDirectory, DLMessageCreateDirectory,
 *   DLMessageMoveFiles/MoveItems, DLMessageRemoveFiles/RemoveItems,
 *   DLMessageCopyItem                              ub-backup-job-store.c
 *   DLMessagePurgeDiskSpace                        the disk is full: stop
 *   DLMessageDisconnect                            the phone gave up
 *
 * The progress the phone reports (percent, in item 2 of DLMessageUploadFiles
 * and item 3 of the others) becomes the fraction the caller sees. The
 * cancellable is looked at between messages and between blocks of a file.
 *
 * The backup is complete only when the phone said so and left a Status.plist
 * that says "finished" and a Manifest.plist; Info.plist is then written
 * again with the date, and the disk is asked to write everything out. Any
 * other end leaves what was copied, marked incomplete.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-backup"
#define _GNU_SOURCE                 /* syncfs() */

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <unistd.h>

#include "ub-backup-job-private.h"
#include "ub-error.h"

typedef enum
{
  NEXT,             /* go on with the next message */
  DONE,             /* the phone finished the backup */
  FAILED,
} Outcome;

static gboolean
request_backup (UbBackupSession  *s,
                GError          **error)
{
  plist_t message = plist_new_array ();
  plist_t request = plist_new_dict ();
  gboolean ok;

  plist_dict_set_item (request, "MessageName", plist_new_string ("Backup"));
  plist_dict_set_item (request, "TargetIdentifier", plist_new_string (s->job->udid));
  plist_dict_set_item (request, "SourceIdentifier", plist_new_string (s->job->udid));
  plist_array_append_item (message, plist_new_string ("DLMessageProcessMessage"));
  plist_array_append_item (message, request);
  ok = _ub_backup_link_send (s, message, error);
  plist_free (message);
  _ub_backup_job_set_phase (s->job, UB_BACKUP_PHASE_WAITING);
  _ub_backup_job_set_stall (s->job, UB_BACKUP_PREPARE_STALL_MS);
  g_debug ("Backup of %s requested", s->job->udid);
  return ok;
}

static void
take_progress (UbBackupSession *s,
               const char      *name,
               plist_t          message)
{
  guint index = g_str_equal (name, "DLMessageUploadFiles") ? 2 : 3;
  plist_t node = _ub_backup_message_arg (message, index, PLIST_REAL);
  double percent;

  if (node == NULL || g_str_equal (name, "DLMessageProcessMessage"))
    return;
  plist_get_real_val (node, &percent);
  if (percent > 0)
    _ub_backup_job_set_fraction (s->job, percent / 100.0);
}

static const char *
string_arg (plist_t message,
            guint   index)
{
  plist_t node = _ub_backup_message_arg (message, index, PLIST_STRING);

  return node != NULL ? plist_get_string_ptr (node, NULL) : NULL;
}

/* An operation on the folder: a refused path or a disk problem ends the backup */
static gboolean
answer (UbBackupSession  *s,
        gboolean          ok,
        GError          **error)
{
  return ok && _ub_backup_link_send_status (s, 0, NULL, NULL, error);
}

static gboolean
move_items (UbBackupSession  *s,
            plist_t           message,
            GError          **error)
{
  plist_t moves = _ub_backup_message_arg (message, 1, PLIST_DICT);
  plist_dict_iter iter = NULL;
  gboolean ok = TRUE;
  char *key = NULL;
  plist_t value = NULL;

  if (moves == NULL)
    return answer (s, TRUE, error);
  plist_dict_new_iter (moves, &iter);
  while (ok && iter != NULL)
    {
      plist_dict_next_item (moves, iter, &key, &value);
      if (key == NULL)
        break;
      if (plist_get_node_type (value) == PLIST_STRING)
        ok = _ub_backup_store_move (s, key, plist_get_string_ptr (value, NULL), error);
      g_clear_pointer (&key, free);
    }
  free (iter);
  return answer (s, ok, error);
}

static gboolean
remove_items (UbBackupSession  *s,
              plist_t           message,
              GError          **error)
{
  plist_t paths = _ub_backup_message_arg (message, 1, PLIST_ARRAY);
  gboolean ok = TRUE;

  for (guint i = 0; ok && paths != NULL && i < plist_array_get_size (paths); i++)
    {
      plist_t item = plist_array_get_item (paths, i);

      if (plist_get_node_type (item) == PLIST_STRING)
        ok = _ub_backup_store_remove (s, plist_get_string_ptr (item, NULL), error);
    }
  return answer (s, ok, error);
}

static gboolean
list_directory (UbBackupSession  *s,
                plist_t           message,
                GError          **error)
{
  plist_t list = _ub_backup_store_list (s, string_arg (message, 1), error);

  return list != NULL && _ub_backup_link_send_status (s, 0, NULL, list, error);
}

static gboolean
copy_item (UbBackupSession  *s,
           plist_t           message,
           GError          **error)
{
  const char *from = string_arg (message, 1);
  const char *to = string_arg (message, 2);

  if (from == NULL || to == NULL)
    return answer (s, TRUE, error);
  return answer (s, _ub_backup_store_copy (s, from, to, error), error);
}

static gboolean
purge_asked (UbBackupSession  *s,
             GError          **error)
{
  g_autofree char *free_s = g_format_size (_ub_backup_store_free_space (s->folder_fd));

  s->purge_asked = TRUE;
  g_debug ("Backup of %s: the phone asks for more space on this computer", s->job->udid);
  g_set_error (error, UB_ERROR, UB_ERROR_NO_SPACE,
               _("The disk of “%s” is too full for this backup (%s free). Free some space or choose "
                 "another folder."), s->job->folder, free_s);
  return FALSE;
}

/* DLMessageProcessMessage: how the phone ended the backup */
static Outcome
phone_result (UbBackupSession  *s,
              plist_t           message,
              GError          **error)
{
  plist_t result = _ub_backup_message_arg (message, 1, PLIST_DICT);
  plist_t code_node = result ? plist_dict_get_item (result, "ErrorCode") : NULL;
  plist_t text_node = result ? plist_dict_get_item (result, "ErrorDescription") : NULL;
  const char *text = text_node && plist_get_node_type (text_node) == PLIST_STRING
                       ? plist_get_string_ptr (text_node, NULL) : NULL;
  guint64 code = 1;

  if (code_node != NULL && plist_get_node_type (code_node) == PLIST_UINT)
    plist_get_uint_val (code_node, &code);
  g_debug ("Backup of %s: the phone ends it with error %" G_GUINT64_FORMAT " (%s)", s->job->udid, code,
           text ? text : "no description");
  if (code == 0)
    return DONE;
  if (s->purge_asked)
    purge_asked (s, error);
  else
    /* TRANSLATORS: %s is the phone's own description (in English), %d its error number */
    g_set_error (error, UB_ERROR, UB_ERROR_FAILED, _("The iPhone stopped the backup: “%s” (error %d)."),
                 text ? text : _("no reason given"), (int)code);
  return FAILED;
}

static gboolean
handle (UbBackupSession  *s,
        const char       *name,
        plist_t           message,
        GError          **error)
{
  if (g_str_equal (name, "DLMessageUploadFiles"))
    return _ub_backup_files_receive (s, message, error);
  if (g_str_equal (name, "DLMessageDownloadFiles"))
    return _ub_backup_files_send (s, message, error);
  if (g_str_equal (name, "DLMessageGetFreeDiskSpace"))
    return _ub_backup_link_send_status (s, 0, NULL, plist_new_uint (_ub_backup_store_free_space (s->folder_fd)),
                                        error);
  if (g_str_equal (name, "DLContentsOfDirectory"))
    return list_directory (s, message, error);
  if (g_str_equal (name, "DLMessageCreateDirectory"))
    return answer (s, _ub_backup_store_make_directory (s, string_arg (message, 1), error), error);
  if (g_str_equal (name, "DLMessageMoveFiles") || g_str_equal (name, "DLMessageMoveItems"))
    return move_items (s, message, error);
  if (g_str_equal (name, "DLMessageRemoveFiles") || g_str_equal (name, "DLMessageRemoveItems"))
    return remove_items (s, message, error);
  if (g_str_equal (name, "DLMessageCopyItem"))
    return copy_item (s, message, error);
  if (g_str_equal (name, "DLMessagePurgeDiskSpace"))
    return purge_asked (s, error);
  g_debug ("Backup of %s: “%s” is not known here; answering with an error", s->job->udid, name);
  return _ub_backup_link_send_status (s, -1, "Operation not supported", NULL, error);
}

static Outcome
next_message (UbBackupSession  *s,
              GError          **error)
{
  plist_t message = _ub_backup_link_receive (s, error);
  const char *name;
  Outcome outcome = NEXT;

  if (message == NULL)
    return FAILED;
  name = _ub_backup_message_name (message);
  _ub_backup_job_set_phase (s->job, UB_BACKUP_PHASE_COPYING);
  _ub_backup_job_set_stall (s->job, UB_BACKUP_STALL_MS);
  take_progress (s, name, message);
  if (g_str_equal (name, "DLMessageProcessMessage"))
    outcome = phone_result (s, message, error);
  else if (g_str_equal (name, "DLMessageDisconnect"))
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_FAILED,
                           _("The iPhone ended the backup without finishing it."));
      outcome = FAILED;
    }
  else if (!handle (s, name, message, error))
    outcome = FAILED;
  plist_free (message);
  if (outcome == NEXT && g_cancellable_set_error_if_cancelled (s->cancellable, error))
    outcome = FAILED;
  return outcome;
}

static gboolean
copy_files (UbBackupSession  *s,
            GError          **error)
{
  Outcome outcome;

  if (!request_backup (s, error))
    return FALSE;
  while ((outcome = next_message (s, error)) == NEXT)
    ;
  return outcome == DONE;
}

static gboolean
finish (UbBackupSession  *s,
        GError          **error)
{
  _ub_backup_job_set_phase (s->job, UB_BACKUP_PHASE_FINISHING);
  if (!_ub_backup_store_check_finished (s, error) || !_ub_backup_prepare_write_info (s, TRUE, error))
    return FALSE;
  if (syncfs (s->folder_fd) != 0)
    g_debug ("syncfs: %s", g_strerror (errno));
  _ub_backup_job_set_fraction (s->job, 1.0);
  return TRUE;
}

static void
session_clear (UbBackupSession *s)
{
  if (s->service != NULL)
    {
      _ub_backup_link_disconnect (s);
      service_client_free (s->service);
      s->service = NULL;
    }
  if (s->lockdown != NULL && s->device != NULL)
    _ub_backup_prepare_sync_unlock (s);
  g_clear_pointer (&s->lockdown, lockdownd_client_free);
  g_clear_pointer (&s->afc, afc_client_free);
  g_clear_pointer (&s->np, np_client_free);
  g_clear_pointer (&s->device, idevice_free);
  g_clear_pointer (&s->values, plist_free);
  if (s->host_lock_fd >= 0)
    close (s->host_lock_fd);
  if (s->folder_fd >= 0)
    close (s->folder_fd);
  s->host_lock_fd = s->folder_fd = -1;
}

/**
 * _ub_backup_session_run:
 *
 * The whole backup, in the calling (worker) thread.
 */
gboolean
_ub_backup_session_run (UbBackupJob   *job,
                        GCancellable  *cancellable,
                        GError       **error)
{
  UbBackupSession s = { .job = job, .cancellable = cancellable, .folder_fd = -1, .host_lock_fd = -1 };
  gboolean ok;

  ok = _ub_backup_prepare_connect (&s, error) &&
       _ub_backup_prepare_folder (&s, error) &&
       _ub_backup_prepare_sync_lock (&s, error) &&
       _ub_backup_prepare_start (&s, error) &&
       _ub_backup_prepare_write_info (&s, FALSE, error) &&
       copy_files (&s, error) &&
       finish (&s, error);
  if (!ok && s.folder_fd >= 0 && job->touched)
    _ub_backup_store_mark_incomplete (&s);
  session_clear (&s);
  if (!ok && !g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    _ub_backup_job_add_kept_note (job, error);
  return ok;
}
