/* ub-backup-job.c — a backup of a phone that still starts, made by this computer
 *
 * The host side of the phone's backup service (com.apple.mobilebackup2),
 * written on libimobiledevice's service connection rather than by running
 * idevicebackup2: the progress is the phone's own, every wait has a deadline
 * and the words are ours. The backup goes to FOLDER/UDID in the layout
 * idevicebackup2 and iTunes use (Info.plist by this computer, the rest as
 * the phone sends it).
 *
 * This file is the caller's side: a GTask whose worker runs the backup
 * and a timer on the caller's main context that turns the state the worker
 * shares (UbBackupJob, ub-backup-job-state.c) into progress calls four
 * times a second. The worker: ub-backup-job-session.c (the messages of the
 * phone, one by one), -prepare.c (pairing, the folder and its free space,
 * the sync lock, the service), -link.c (DeviceLink, every read with a
 * deadline), -files.c (the file streams), -store.c (the paths the phone
 * sends, kept inside the folder), -status.c (Info, Status and Manifest.plist).
 *
 * The task returns as soon as it is cancelled, and a phone that sends
 * nothing for UB_BACKUP_STALL_MS ends it with
 * %UB_ERROR_TIMED_OUT, even when the worker is stuck in a library call (a
 * TLS handshake in libimobiledevice 1.3.0 can loop for ever): the worker then
 * stops on its own at the next chance, and writes nothing more.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-backup"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ub-backup-job-private.h"
#include "ub-error.h"

#define TICK_MS           250
#define BACKSTOP_GRACE_MS 5000

typedef struct
{
  UbBackupJob          *job;
  GCancellable         *inner;
  GCancellable         *outer;
  gulong                outer_handler;
  GSource              *timer;
  UbBackupProgressFunc  progress;
  gpointer              progress_data;
  GDestroyNotify        progress_notify;
  gboolean              timed_out;
} Run;

static char *
dup_status (UbBackupPhase phase,
            gboolean      encrypted)
{
  switch (phase)
    {
    case UB_BACKUP_PHASE_CONNECTING:
      return g_strdup (_("Connecting to the iPhone…"));
    case UB_BACKUP_PHASE_CHECKING:
      return g_strdup (_("Checking the free space on this computer…"));
    case UB_BACKUP_PHASE_WAITING:
      return g_strdup (_("Waiting for the iPhone to start the backup. If it asks for its passcode, "
                         "enter it on the iPhone."));
    case UB_BACKUP_PHASE_COPYING:
      if (encrypted)
        return g_strdup (_("Copying the iPhone’s data. The iPhone encrypts this backup with its "
                           "backup password; this computer only stores it."));
      return g_strdup (_("Copying the iPhone’s data…"));
    case UB_BACKUP_PHASE_FINISHING:
      return g_strdup (_("Finishing the backup…"));
    default:
      return NULL;
    }
}

static char *
dup_done_status (gboolean encrypted)
{
  if (encrypted)
    return g_strdup (_("The backup is complete. The iPhone encrypted it with its backup password, which "
                       "restoring it will need."));
  return g_strdup (_("The backup is complete."));
}

static void
deliver (Run      *run,
         gboolean  force,
         gboolean  complete)
{
  UbBackupJob *job = run->job;
  g_autofree char *status = NULL;
  double fraction;
  guint64 bytes;

  g_mutex_lock (&job->mutex);
  if (!job->changed && !force)
    {
      g_mutex_unlock (&job->mutex);
      return;
    }
  job->changed = FALSE;
  fraction = complete ? 1.0 : job->fraction;
  bytes = job->bytes;
  status = complete ? dup_done_status (job->encrypted) : dup_status (job->phase, job->encrypted);
  g_mutex_unlock (&job->mutex);
  if (run->progress != NULL)
    run->progress (fraction, bytes, status, run->progress_data);
}

/* Progress, and the deadline for a worker stuck in a library call */
static gboolean
on_tick (gpointer data)
{
  Run *run = data;
  UbBackupJob *job = run->job;
  gint64 idle_ms;
  guint stall_ms;

  deliver (run, FALSE, FALSE);
  g_mutex_lock (&job->mutex);
  idle_ms = (ub_clock_get_time (job->clock) - job->last_activity) / 1000;
  stall_ms = job->stall_ms;
  g_mutex_unlock (&job->mutex);
  if (!run->timed_out && idle_ms > (gint64)stall_ms + BACKSTOP_GRACE_MS)
    {
      g_debug ("Backup of %s: no word from the worker for %" G_GINT64_FORMAT " ms; giving up on it",
               job->udid, idle_ms);
      run->timed_out = TRUE;
      g_cancellable_cancel (run->inner);
    }
  return G_SOURCE_CONTINUE;
}

static void
run_free (Run *run)
{
  g_assert (run->timer == NULL);
  if (run->outer_handler != 0)
    g_cancellable_disconnect (run->outer, run->outer_handler);
  g_clear_object (&run->outer);
  g_clear_object (&run->inner);
  if (run->progress_notify != NULL)
    run->progress_notify (run->progress_data);
  g_clear_pointer (&run->job, _ub_backup_job_unref);
  g_free (run);
}

/* A cancellation the task answered for the worker: say why, and what was kept */
static void
explain_cancellation (Run     *run,
                      GError **error)
{
  g_autoptr(GError) local = NULL;

  if (run->timed_out)
    {
      _ub_backup_job_set_stalled_error (&local, run->job->stall_ms);
      _ub_backup_job_add_kept_note (run->job, &local);
    }
  else
    {
      g_set_error_literal (&local, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The backup was stopped."));
      _ub_backup_job_add_kept_note (run->job, &local);
    }
  g_clear_error (error);
  g_propagate_error (error, g_steal_pointer (&local));
}

static void
on_worker_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) outer = user_data;
  Run *run = g_task_get_task_data (outer);
  g_autoptr(GError) error = NULL;

  g_source_destroy (run->timer);
  g_clear_pointer (&run->timer, g_source_unref);
  if (!g_task_propagate_boolean (G_TASK (result), &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    explain_cancellation (run, &error);
  if (error != NULL)
    {
      g_debug ("Backup of %s failed: %s", run->job->udid, error->message);
      deliver (run, TRUE, FALSE);
      g_task_return_error (outer, g_steal_pointer (&error));
      return;
    }
  g_debug ("Backup of %s is complete in “%s”", run->job->udid, run->job->path);
  deliver (run, TRUE, TRUE);
  g_task_return_boolean (outer, TRUE);
}

static void
backup_worker (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GError *error = NULL;

  if (_ub_backup_session_run (task_data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
on_outer_cancelled (GCancellable *outer,
                    GCancellable *inner)
{
  g_cancellable_cancel (inner);
}

/* A UDID becomes a folder name: hex digits and dashes only */
static gboolean
udid_is_valid (const char *udid)
{
  gsize len = strlen (udid);

  if (len < 20 || len > 64)
    return FALSE;
  for (const char *p = udid; *p != '\0'; p++)
    if (!g_ascii_isxdigit (*p) && *p != '-')
      return FALSE;
  return TRUE;
}

/**
 * ub_backup_dup_path:
 * @folder: (nullable): the folder chosen, %NULL for the default one
 *
 * Returns: (transfer full): where the backup of @udid goes: @folder/@udid
 */
char *
ub_backup_dup_path (const char *udid,
                    const char *folder)
{
  g_autofree char *fallback = NULL;
  g_autofree char *absolute = NULL;

  g_return_val_if_fail (udid != NULL, NULL);

  if (folder == NULL)
    folder = fallback = ub_backup_dup_default_folder ();
  absolute = g_canonicalize_filename (folder, NULL);
  return g_build_filename (absolute, udid, NULL);
}

/**
 * ub_backup_dup_default_folder:
 *
 * Returns: (transfer full): $XDG_DATA_HOME/unbrick/backups
 */
char *
ub_backup_dup_default_folder (void)
{
  return g_build_filename (g_get_user_data_dir (), "unbrick", "backups", NULL);
}

static Run *
run_new (UbBackupJob          *job,
         GCancellable         *cancellable,
         UbBackupProgressFunc  progress,
         gpointer              progress_data,
         GDestroyNotify        progress_notify)
{
  Run *run = g_new0 (Run, 1);

  run->job = job;
  run->inner = g_cancellable_new ();
  run->progress = progress;
  run->progress_data = progress_data;
  run->progress_notify = progress_notify;
  if (cancellable != NULL)
    {
      run->outer = g_object_ref (cancellable);
      run->outer_handler = g_cancellable_connect (cancellable, G_CALLBACK (on_outer_cancelled),
                                                  g_object_ref (run->inner), g_object_unref);
    }
  run->timer = g_timeout_source_new (TICK_MS);
  g_source_set_callback (run->timer, on_tick, run, NULL);
  g_source_set_name (run->timer, "[ub-backup] progress");
  g_source_attach (run->timer, g_main_context_get_thread_default ());
  return run;
}

/**
 * ub_backup_run_async:
 * @udid: the phone, as usbmuxd names it; it must be running iOS and trust
 *   this computer (the phone asks its owner otherwise)
 * @folder: (nullable): where backups go (created if need be); the backup is
 *   @folder/@udid. %NULL: ub_backup_dup_default_folder()
 * @progress: (nullable): called with the progress on the caller's main context
 * @progress_notify: (nullable): frees @progress_data once the backup has ended
 *
 * Backs up the phone: the phone sends its files and this computer stores them.
 * An earlier backup in the same place is brought up to date. Refuses to start
 * when the folder's disk has less free space than the phone's data. A stopped
 * or failed backup is kept, marked incomplete (its Status.plist does not say
 * "finished"); the error says what was kept.
 */
void
ub_backup_run_async (const char           *udid,
                     const char           *folder,
                     GCancellable         *cancellable,
                     UbBackupProgressFunc  progress,
                     gpointer              progress_data,
                     GDestroyNotify        progress_notify,
                     GAsyncReadyCallback   callback,
                     gpointer              user_data)
{
  g_autoptr(GTask) outer = NULL;
  g_autoptr(GTask) worker = NULL;
  g_autofree char *fallback = NULL;
  g_autofree char *absolute = NULL;
  UbBackupJob *job;
  Run *run;

  g_return_if_fail (udid != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  outer = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (outer, ub_backup_run_async);
  /* A backup that ended (or failed) as the caller cancelled says so itself */
  g_task_set_check_cancellable (outer, FALSE);
  if (!udid_is_valid (udid))
    {
      if (progress_notify != NULL)
        progress_notify (progress_data);
      g_task_return_new_error (outer, UB_ERROR, UB_ERROR_INVALID_DATA,
                               _("“%s” is not the identifier of an iPhone."), udid);
      return;
    }
  if (folder == NULL)
    folder = fallback = ub_backup_dup_default_folder ();
  absolute = g_canonicalize_filename (folder, NULL);
  job = _ub_backup_job_new (udid, absolute);
  g_debug ("Backing up %s into “%s”", udid, job->path);
  run = run_new (job, cancellable, progress, progress_data, progress_notify);
  g_task_set_task_data (outer, run, (GDestroyNotify)run_free);

  worker = g_task_new (NULL, run->inner, on_worker_done, g_object_ref (outer));
  g_task_set_source_tag (worker, backup_worker);
  g_task_set_return_on_cancel (worker, TRUE);
  g_task_set_task_data (worker, _ub_backup_job_ref (job), (GDestroyNotify)_ub_backup_job_unref);
  g_task_run_in_thread (worker, backup_worker);
}

/**
 * ub_backup_run_finish:
 *
 * Returns: %TRUE when the backup is complete; otherwise %FALSE with @error:
 *   %G_IO_ERROR_CANCELLED when stopped, or a %UB_ERROR whose message says
 *   what went wrong and what was kept
 */
gboolean
ub_backup_run_finish (GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ub_backup_run_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
