/* ub-backup-job-state.c — what the backup's worker and its caller share
 *
 * The worker writes, the caller's side reads four times a second
 * (ub-backup-job.c), always under the job's mutex: the phase, the phone's
 * own progress (kept from going back), bytes and files, whether the backup
 * folder was changed, and when the phone last sent something, for the
 * stall watchdog. Times are the clock's (UNBRICK_TIME_SCALE).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-backup"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ub-backup-job-private.h"
#include "ub-error.h"

static const char *
phase_name (UbBackupPhase phase)
{
  static const char * const names[] = { "connecting", "checking", "waiting", "copying", "finishing" };

  return (guint)phase < G_N_ELEMENTS (names) ? names[phase] : "invalid";
}

static void
job_clear (UbBackupJob *job)
{
  g_free (job->udid);
  g_free (job->folder);
  g_free (job->path);
  g_clear_object (&job->clock);
  g_mutex_clear (&job->mutex);
}

/**
 * _ub_backup_job_new:
 * @folder: an absolute path
 *
 * Returns: (transfer full): the state of a backup of @udid into @folder/@udid
 */
UbBackupJob *
_ub_backup_job_new (const char *udid,
                    const char *folder)
{
  UbBackupJob *job = g_atomic_rc_box_new0 (UbBackupJob);

  g_mutex_init (&job->mutex);
  job->udid = g_strdup (udid);
  job->folder = g_strdup (folder);
  job->path = g_build_filename (folder, udid, NULL);
  job->clock = g_object_ref (ub_clock_get_default ());
  job->fraction = -1;
  job->changed = TRUE;
  job->stall_ms = UB_BACKUP_STALL_MS;
  job->last_activity = ub_clock_get_time (job->clock);
  return job;
}

UbBackupJob *
_ub_backup_job_ref (UbBackupJob *job)
{
  return g_atomic_rc_box_acquire (job);
}

void
_ub_backup_job_unref (UbBackupJob *job)
{
  g_atomic_rc_box_release_full (job, (GDestroyNotify)job_clear);
}

void
_ub_backup_job_set_phase (UbBackupJob   *job,
                          UbBackupPhase  phase)
{
  g_mutex_lock (&job->mutex);
  if (job->phase != phase)
    {
      g_debug ("Backup of %s: %s → %s", job->udid, phase_name (job->phase), phase_name (phase));
      job->phase = phase;
      job->changed = TRUE;
    }
  g_mutex_unlock (&job->mutex);
}

void
_ub_backup_job_set_encrypted (UbBackupJob *job,
                              gboolean     encrypted)
{
  g_mutex_lock (&job->mutex);
  job->encrypted = encrypted;
  job->changed = TRUE;
  g_mutex_unlock (&job->mutex);
}

/* The phone said something, or the worker did some work for it */
void
_ub_backup_job_touch (UbBackupJob *job)
{
  gint64 now = ub_clock_get_time (job->clock);

  g_mutex_lock (&job->mutex);
  job->last_activity = now;
  g_mutex_unlock (&job->mutex);
}

/* How long the phone may stay silent from now on */
void
_ub_backup_job_set_stall (UbBackupJob *job,
                          guint        stall_ms)
{
  gint64 now = ub_clock_get_time (job->clock);

  g_mutex_lock (&job->mutex);
  job->stall_ms = stall_ms;
  job->last_activity = now;
  g_mutex_unlock (&job->mutex);
}

void
_ub_backup_job_add_bytes (UbBackupJob *job,
                          guint64      bytes)
{
  g_mutex_lock (&job->mutex);
  job->bytes += bytes;
  job->changed = TRUE;
  g_mutex_unlock (&job->mutex);
}

void
_ub_backup_job_add_file (UbBackupJob *job,
                         guint64      size)
{
  g_mutex_lock (&job->mutex);
  job->files++;
  job->kept_bytes += size;
  job->changed = TRUE;
  g_mutex_unlock (&job->mutex);
}

/* The phone's own progress; it never goes back */
void
_ub_backup_job_set_fraction (UbBackupJob *job,
                             double       fraction)
{
  fraction = CLAMP (fraction, 0.0, 1.0);
  g_mutex_lock (&job->mutex);
  if (fraction > job->fraction)
    {
      job->fraction = fraction;
      job->changed = TRUE;
    }
  g_mutex_unlock (&job->mutex);
}

void
_ub_backup_job_set_touched (UbBackupJob *job)
{
  g_mutex_lock (&job->mutex);
  job->touched = TRUE;
  g_mutex_unlock (&job->mutex);
}

void
_ub_backup_job_set_had_backup (UbBackupJob *job,
                               gboolean     had_backup)
{
  g_mutex_lock (&job->mutex);
  job->had_backup = had_backup;
  g_mutex_unlock (&job->mutex);
}

void
_ub_backup_job_set_stalled_error (GError **error,
                                  guint    stall_ms)
{
  guint seconds = stall_ms / 1000;

  g_set_error (error, UB_ERROR, UB_ERROR_TIMED_OUT,
               g_dngettext (GETTEXT_PACKAGE,
                            "The iPhone sent nothing for %u second. Check the cable, keep the iPhone "
                            "unlocked and try again.",
                            "The iPhone sent nothing for %u seconds. Check the cable, keep the iPhone "
                            "unlocked and try again.", seconds), seconds);
}

/**
 * _ub_backup_job_wait_budget:
 * @wait_ms: (out): how long a read may still wait, in wall-clock ms
 *
 * Returns: %FALSE with %UB_ERROR_TIMED_OUT once the phone has been silent
 *   for the whole of its allowance
 */
gboolean
_ub_backup_job_wait_budget (UbBackupJob  *job,
                            guint        *wait_ms,
                            GError      **error)
{
  gint64 now = ub_clock_get_time (job->clock);
  gint64 idle_ms;
  guint stall_ms;

  g_mutex_lock (&job->mutex);
  idle_ms = (now - job->last_activity) / 1000;
  stall_ms = job->stall_ms;
  g_mutex_unlock (&job->mutex);
  if (idle_ms >= stall_ms)
    {
      g_debug ("Backup of %s: the phone has been silent for %" G_GINT64_FORMAT " ms", job->udid, idle_ms);
      _ub_backup_job_set_stalled_error (error, stall_ms);
      return FALSE;
    }
  *wait_ms = ub_clock_scale_ms (job->clock, (guint)(stall_ms - idle_ms));
  return TRUE;
}

/* What became of the folder, in words; %NULL when there is nothing to say */
static char *
dup_kept_note (UbBackupJob *job)
{
  g_autofree char *size = NULL;
  gboolean touched, had_backup;
  guint files;

  g_mutex_lock (&job->mutex);
  touched = job->touched;
  had_backup = job->had_backup;
  files = job->files;
  size = g_format_size (job->kept_bytes);
  g_mutex_unlock (&job->mutex);
  if (touched && files == 0 && had_backup)
    return g_strdup_printf (_("The earlier backup in “%s” is now marked incomplete: the iPhone may have "
                              "started to change it."), job->path);
  if (touched && files > 0 && had_backup)
    /* TRANSLATORS: a folder, a size such as "1.2 GB" and a number of files */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "The earlier backup in “%s” was partly brought up to date (%s, %u "
                                         "file) and is now marked as an incomplete backup.",
                                         "The earlier backup in “%s” was partly brought up to date (%s, %u "
                                         "files) and is now marked as an incomplete backup.", files),
                            job->path, size, files);
  if (touched && files > 0)
    /* TRANSLATORS: a size such as "1.2 GB", a number of files and a folder */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "What was copied so far (%s, %u file) is kept in “%s”, marked as an "
                                         "incomplete backup.",
                                         "What was copied so far (%s, %u files) is kept in “%s”, marked as an "
                                         "incomplete backup.", files), size, files, job->path);
  if (!touched && had_backup)
    return g_strdup_printf (_("The earlier backup in “%s” was not changed."), job->path);
  return NULL;
}

/**
 * _ub_backup_job_add_kept_note:
 *
 * Adds to @error's message what became of the backup folder: what was kept
 * (marked incomplete), or that an earlier backup is as it was.
 */
void
_ub_backup_job_add_kept_note (UbBackupJob  *job,
                              GError      **error)
{
  g_autofree char *note = NULL;
  char *message;

  if (error == NULL || *error == NULL || (note = dup_kept_note (job)) == NULL)
    return;
  message = g_strdup_printf ("%s %s", (*error)->message, note);
  g_free ((*error)->message);
  (*error)->message = message;
}
