/* ub-restore-log.c — one structured log per restore attempt
 *
 * A file per attempt in $XDG_STATE_HOME/unbrick/logs/, named after the
 * phone's ECID and the start time, one JSON object per line:
 *
 *   {"time":"2026-11-24T10:30:01.204Z","ms":1204,"stage":"sign","event":"stage","message":"…"}
 *
 * so support staff can attach it to a ticket and tools can read it. Lines
 * are written at once (a crash loses nothing) and the file is synced at each
 * stage and at the end. Any thread may log: the restore runs in a worker.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-restore"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <unistd.h>

#include "ub-error.h"
#include "ub-restore-log.h"

#define MAX_SAME_SECOND 100

struct _UbRestoreLog
{
  GObject         parent_instance;

  GMutex          lock;
  int             fd;
  char           *path;
  gint64          start;
  UbRestoreStage  stage;
  gboolean        finished;
};

G_DEFINE_FINAL_TYPE (UbRestoreLog, ub_restore_log, G_TYPE_OBJECT)

static void
ub_restore_log_finalize (GObject *object)
{
  UbRestoreLog *self = UB_RESTORE_LOG (object);

  if (self->fd >= 0)
    {
      fsync (self->fd);
      close (self->fd);
    }
  g_free (self->path);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (ub_restore_log_parent_class)->finalize (object);
}

static void
ub_restore_log_class_init (UbRestoreLogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ub_restore_log_finalize;
}

static void
ub_restore_log_init (UbRestoreLog *self)
{
  g_mutex_init (&self->lock);
  self->fd = -1;
}

/**
 * ub_restore_log_dup_default_directory:
 *
 * Returns: (transfer full): $XDG_STATE_HOME/unbrick/logs
 */
char *
ub_restore_log_dup_default_directory (void)
{
  return g_build_filename (g_get_user_state_dir (), "unbrick", "logs", NULL);
}

/* restore-<ECID>-<time>[-N].jsonl, never an existing file */
static int
create_file (const char  *directory,
             guint64      ecid,
             char       **path,
             GError     **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%dT%H%M%SZ");
  int saved = EEXIST;

  for (guint n = 0; n < MAX_SAME_SECOND; n++)
    {
      g_autofree char *name = n == 0
        ? g_strdup_printf ("restore-%016" G_GINT64_MODIFIER "X-%s.jsonl", ecid, stamp)
        : g_strdup_printf ("restore-%016" G_GINT64_MODIFIER "X-%s-%u.jsonl", ecid, stamp, n);
      g_autofree char *candidate = g_build_filename (directory, name, NULL);
      int fd = g_open (candidate, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_APPEND, 0600);

      if (fd >= 0)
        {
          *path = g_steal_pointer (&candidate);
          return fd;
        }
      saved = errno;
      if (saved != EEXIST)
        break;
    }
  g_set_error (error, UB_ERROR, saved == ENOSPC ? UB_ERROR_NO_SPACE : UB_ERROR_FAILED,
               /* TRANSLATORS: %s is a folder, the second %s the system's reason */
               _("Could not start the restore log in %s: %s"), directory, g_strerror (saved));
  return -1;
}

/**
 * ub_restore_log_new:
 * @directory: (nullable): where to write, by default
 *   ub_restore_log_dup_default_directory()
 * @ecid: the phone
 *
 * Returns: (transfer full) (nullable): a new log, or %NULL with @error set
 */
UbRestoreLog *
ub_restore_log_new (const char  *directory,
                    guint64      ecid,
                    GError     **error)
{
  g_autofree char *dir = directory ? g_strdup (directory) : ub_restore_log_dup_default_directory ();
  g_autoptr(UbRestoreLog) self = g_object_new (UB_TYPE_RESTORE_LOG, NULL);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, UB_ERROR, UB_ERROR_FAILED, _("Could not start the restore log in %s: %s"),
                   dir, g_strerror (saved));
      return NULL;
    }
  self->fd = create_file (dir, ecid, &self->path, error);
  if (self->fd < 0)
    return NULL;
  self->start = g_get_monotonic_time ();
  g_debug ("Restore log: %s", self->path);
  ub_restore_log_event (self, "start", "ECID 0x%016" G_GINT64_MODIFIER "X, Unbrick %s", ecid, PACKAGE_VERSION);
  return g_steal_pointer (&self);
}

const char *
ub_restore_log_get_path (UbRestoreLog *self)
{
  g_return_val_if_fail (UB_IS_RESTORE_LOG (self), NULL);
  return self->path;
}

static char *
format_line (UbRestoreLog *self,
             const char   *event,
             const char   *message)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *time = g_date_time_format_iso8601 (now);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "time");
  json_builder_add_string_value (b, time);
  json_builder_set_member_name (b, "ms");
  json_builder_add_int_value (b, (g_get_monotonic_time () - self->start) / 1000);
  json_builder_set_member_name (b, "stage");
  json_builder_add_string_value (b, ub_restore_stage_to_string (self->stage));
  json_builder_set_member_name (b, "event");
  json_builder_add_string_value (b, event);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

/* Called with the lock held. A log that cannot be written must not stop a
 * restore halfway: it says so once on the debug log and goes on. */
static void
write_line (UbRestoreLog *self,
            const char   *event,
            const char   *message,
            gboolean      sync)
{
  g_autofree char *line = format_line (self, event, message);
  g_autofree char *with_newline = g_strconcat (line, "\n", NULL);
  gsize len = strlen (with_newline), done = 0;

  g_debug ("[%s] %s: %s", ub_restore_stage_to_string (self->stage), event, message);
  while (self->fd >= 0 && done < len)
    {
      gssize n = write (self->fd, with_newline + done, len - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          g_warning ("The restore log %s cannot be written: %s", self->path, g_strerror (errno));
          close (self->fd);
          self->fd = -1;
          return;
        }
      done += (gsize)n;
    }
  if (sync && self->fd >= 0)
    fsync (self->fd);
}

/**
 * ub_restore_log_stage:
 *
 * Records that the restore entered @stage.
 */
void
ub_restore_log_stage (UbRestoreLog   *self,
                      UbRestoreStage  stage)
{
  g_return_if_fail (UB_IS_RESTORE_LOG (self));

  g_mutex_lock (&self->lock);
  self->stage = stage;
  write_line (self, "stage", ub_restore_stage_get_label (stage), TRUE);
  g_mutex_unlock (&self->lock);
}

/**
 * ub_restore_log_event:
 * @event: a short word for tools: "info", "usb", "tss", "warning"…
 *
 * Records one thing that happened, in the current stage.
 */
void
ub_restore_log_event (UbRestoreLog *self,
                      const char   *event,
                      const char   *format,
                      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  g_return_if_fail (UB_IS_RESTORE_LOG (self));
  g_return_if_fail (event != NULL && format != NULL);

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_mutex_lock (&self->lock);
  write_line (self, event, message, FALSE);
  g_mutex_unlock (&self->lock);
}

/**
 * ub_restore_log_finish:
 * @error: (nullable): why the restore stopped, %NULL when it succeeded
 *
 * Records the end and syncs the file. Later calls do nothing.
 */
void
ub_restore_log_finish (UbRestoreLog *self,
                       const GError *error)
{
  g_return_if_fail (UB_IS_RESTORE_LOG (self));

  g_mutex_lock (&self->lock);
  if (!self->finished)
    {
      self->finished = TRUE;
      if (error != NULL)
        write_line (self, "failed", error->message, TRUE);
      else
        write_line (self, "succeeded", _("The restore finished."), TRUE);
    }
  g_mutex_unlock (&self->lock);
}
