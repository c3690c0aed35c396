/* ub-vphone-recorder.c — one line per thing the host did, for tests to read
 *
 * Every line is written and flushed at once, so a test may read the file
 * while the phone runs. Lines look like "usb ctrl 21 01 0003 0000 2048",
 * "dfu image 65552 bytes crc ok sha256 …" or "lockdown GetValue ProductType".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-vphone-recorder"

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <glib/gstdio.h>

#include "ub-vphone-recorder.h"

struct _UbVphoneRecorder
{
  GObject  parent_instance;

  char    *path;
  FILE    *file;
  GMutex   mutex;
};

G_DEFINE_FINAL_TYPE (UbVphoneRecorder, ub_vphone_recorder, G_TYPE_OBJECT)

static void
ub_vphone_recorder_finalize (GObject *object)
{
  UbVphoneRecorder *self = UB_VPHONE_RECORDER (object);

  g_clear_pointer (&self->file, fclose);
  g_clear_pointer (&self->path, g_free);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (ub_vphone_recorder_parent_class)->finalize (object);
}

static void
ub_vphone_recorder_class_init (UbVphoneRecorderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ub_vphone_recorder_finalize;
}

static void
ub_vphone_recorder_init (UbVphoneRecorder *self)
{
  g_mutex_init (&self->mutex);
}

/**
 * ub_vphone_recorder_new:
 * @path: the record file; it is truncated
 *
 * Returns: (transfer full): a recorder, or %NULL with @error set
 */
UbVphoneRecorder *
ub_vphone_recorder_new (const char  *path,
                        GError     **error)
{
  g_autoptr(UbVphoneRecorder) self = NULL;
  FILE *file;

  g_return_val_if_fail (path != NULL, NULL);

  file = g_fopen (path, "we");
  if (file == NULL)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   "Cannot write the record file %s: %s", path, g_strerror (saved_errno));
      return NULL;
    }
  self = g_object_new (UB_TYPE_VPHONE_RECORDER, NULL);
  self->path = g_strdup (path);
  self->file = file;
  g_debug ("Recording to \"%s\"", path);
  return g_steal_pointer (&self);
}

const char *
ub_vphone_recorder_get_path (UbVphoneRecorder *self)
{
  g_return_val_if_fail (UB_IS_VPHONE_RECORDER (self), NULL);
  return self->path;
}

/**
 * ub_vphone_recorder_log:
 *
 * Appends one line (the format carries no newline). Thread-safe.
 */
void
ub_vphone_recorder_log (UbVphoneRecorder *self,
                        const char       *format,
                        ...)
{
  g_autofree char *line = NULL;
  va_list args;

  g_return_if_fail (UB_IS_VPHONE_RECORDER (self));

  va_start (args, format);
  line = g_strdup_vprintf (format, args);
  va_end (args);

  g_debug ("record: %s", line);
  g_mutex_lock (&self->mutex);
  fputs (line, self->file);
  fputc ('\n', self->file);
  fflush (self->file);
  g_mutex_unlock (&self->mutex);
}
