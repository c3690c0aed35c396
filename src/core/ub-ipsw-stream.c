/* ub-ipsw-stream.c — one entry of an IPSW, read straight from the archive
 *
 * Reads go through zip_fread() into the caller's buffer, at most 1 MiB at
 * a time, so memory stays bounded whatever the entry's size (libzip keeps
 * an inflate window for deflated entries).
 *
 * The stream is a GSeekable, for ASR's out-of-band reads: a stored entry
 * seeks in place (zip_fseek); a deflated one seeks forward by reading and
 * discarding, and backward by reopening the entry and reading forward
 * again. A backward seek in a deflated entry thus costs a re-read, never
 * memory or a temporary file. The archive's handle is shared
 * with UbIpsw and every other stream of it: each libzip call holds the
 * owner's lock. libzip checks the CRC and the size at the end, so the read
 * that delivers the last byte already fails on a damaged entry; a short
 * entry is an error, never a silent end of file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-ipsw-stream"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ub-error.h"
#include "ub-ipsw-stream.h"

#define MAX_READ (1024 * 1024)
#define SKIP_BUFFER (64 * 1024)

struct _UbIpswStream
{
  GInputStream  parent_instance;

  GObject      *owner;
  GMutex       *lock;
  zip_t        *archive;
  zip_uint64_t  index;
  gboolean      stored;
  zip_file_t   *file;
  char         *name;
  guint64       size;
  guint64       position;
};

static void ub_ipsw_stream_seekable_init (GSeekableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (UbIpswStream, ub_ipsw_stream, G_TYPE_INPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_SEEKABLE, ub_ipsw_stream_seekable_init))

static void
close_file (UbIpswStream *self)
{
  if (self->file == NULL)
    return;
  g_mutex_lock (self->lock);
  zip_fclose (self->file);
  g_mutex_unlock (self->lock);
  self->file = NULL;
}

static void
set_damaged (UbIpswStream  *self,
             const char    *detail,
             GError       **error)
{
  g_set_error (error, UB_ERROR, UB_ERROR_CORRUPT_ARCHIVE,
               /* TRANSLATORS: %s: a file inside the firmware, then what is wrong with it */
               _("The firmware file is damaged: “%s” cannot be read (%s). Download it again."),
               self->name, detail);
}

/* One more read at the end: libzip checks the CRC and the size only when a
 * read returns 0, and a caller that knows the size may never ask for more */
static zip_int64_t
read_locked (UbIpswStream *self,
             void         *buffer,
             gsize         count)
{
  zip_int64_t n;
  guint8 probe;

  g_mutex_lock (self->lock);
  n = zip_fread (self->file, buffer, count);
  if (n > 0 && (guint64)n == self->size - self->position)
    {
      zip_int64_t more = zip_fread (self->file, &probe, 1);

      if (more != 0)
        n = more < 0 ? more : n + 1;
    }
  g_mutex_unlock (self->lock);
  return n;
}

static gssize
ub_ipsw_stream_read (GInputStream  *stream,
                     void          *buffer,
                     gsize          count,
                     GCancellable  *cancellable,
                     GError       **error)
{
  UbIpswStream *self = UB_IPSW_STREAM (stream);
  zip_int64_t n;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return -1;
  if (self->file == NULL || count == 0)
    return 0;
  n = read_locked (self, buffer, MIN (count, MAX_READ));
  if (n < 0)
    {
      set_damaged (self, zip_error_strerror (zip_file_get_error (self->file)), error);
      return -1;
    }
  if ((guint64)n > self->size - self->position)
    {
      set_damaged (self, "longer than its declared size", error);
      return -1;
    }
  if (n == 0 && self->position != self->size)
    {
      set_damaged (self, "shorter than its declared size", error);
      return -1;
    }
  self->position += n;
  return n;
}

static gboolean
ub_ipsw_stream_close (GInputStream  *stream,
                      GCancellable  *cancellable,
                      GError       **error)
{
  close_file (UB_IPSW_STREAM (stream));
  return TRUE;
}

static void
ub_ipsw_stream_finalize (GObject *object)
{
  UbIpswStream *self = UB_IPSW_STREAM (object);

  close_file (self);
  g_clear_pointer (&self->name, g_free);
  g_clear_object (&self->owner);

  G_OBJECT_CLASS (ub_ipsw_stream_parent_class)->finalize (object);
}

/* ---- GSeekable ---- */

static goffset
ub_ipsw_stream_tell (GSeekable *seekable)
{
  return (goffset) UB_IPSW_STREAM (seekable)->position;
}

static gboolean
ub_ipsw_stream_can_seek (GSeekable *seekable)
{
  return TRUE;
}

/* Back to the entry's first byte: a deflated entry cannot go backward */
static gboolean
reopen (UbIpswStream  *self,
        GError       **error)
{
  close_file (self);
  g_mutex_lock (self->lock);
  self->file = zip_fopen_index (self->archive, self->index, 0);
  if (self->file == NULL)
    set_damaged (self, zip_strerror (self->archive), error);
  g_mutex_unlock (self->lock);
  self->position = 0;
  g_debug ("“%s” reopened to seek backward", self->name);
  return self->file != NULL;
}

/* Forward by reading: the bytes skipped are checked like any others */
static gboolean
skip_to (UbIpswStream  *self,
         guint64        target,
         GCancellable  *cancellable,
         GError       **error)
{
  g_autofree guint8 *buffer = g_malloc (SKIP_BUFFER);

  while (self->position < target)
    {
      gsize want = (gsize) MIN (target - self->position, SKIP_BUFFER);

      if (ub_ipsw_stream_read (G_INPUT_STREAM (self), buffer, want, cancellable, error) < 0)
        return FALSE;
    }
  return TRUE;
}

static gboolean
seek_stored (UbIpswStream  *self,
             guint64        target,
             GError       **error)
{
  int result;

  g_mutex_lock (self->lock);
  result = zip_fseek (self->file, (zip_int64_t) target, SEEK_SET);
  if (result != 0)
    set_damaged (self, zip_error_strerror (zip_file_get_error (self->file)), error);
  g_mutex_unlock (self->lock);
  if (result != 0)
    return FALSE;
  self->position = target;
  return TRUE;
}

static gboolean
ub_ipsw_stream_seek (GSeekable     *seekable,
                     goffset        offset,
                     GSeekType      type,
                     GCancellable  *cancellable,
                     GError       **error)
{
  UbIpswStream *self = UB_IPSW_STREAM (seekable);
  gint64 base = type == G_SEEK_CUR ? (gint64) self->position
              : type == G_SEEK_END ? (gint64) self->size : 0;
  g_autoptr(GError) local = NULL;
  guint64 target;

  if ((offset > 0 && base > G_MAXINT64 - offset) || base + offset < 0 ||
      (guint64) (base + offset) > self->size)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "Seek outside the firmware file entry");
      return FALSE;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
      !g_input_stream_set_pending (G_INPUT_STREAM (self), error))
    return FALSE;
  target = (guint64) (base + offset);
  if (self->file == NULL)
    g_set_error_literal (&local, G_IO_ERROR, G_IO_ERROR_CLOSED, "Stream is already closed");
  else if (target == self->position)
    ;
  else if (self->stored)
    seek_stored (self, target, &local);
  else if (target > self->position || reopen (self, &local))
    skip_to (self, target, cancellable, &local);
  g_input_stream_clear_pending (G_INPUT_STREAM (self));
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  g_debug ("“%s” at %" G_GUINT64_FORMAT, self->name, target);
  return TRUE;
}

static gboolean
ub_ipsw_stream_can_truncate (GSeekable *seekable)
{
  return FALSE;
}

static gboolean
ub_ipsw_stream_truncate (GSeekable     *seekable,
                         goffset        offset,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "Firmware entries are read-only");
  return FALSE;
}

static void
ub_ipsw_stream_seekable_init (GSeekableIface *iface)
{
  iface->tell = ub_ipsw_stream_tell;
  iface->can_seek = ub_ipsw_stream_can_seek;
  iface->seek = ub_ipsw_stream_seek;
  iface->can_truncate = ub_ipsw_stream_can_truncate;
  iface->truncate_fn = ub_ipsw_stream_truncate;
}

static void
ub_ipsw_stream_class_init (UbIpswStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  object_class->finalize = ub_ipsw_stream_finalize;
  stream_class->read_fn = ub_ipsw_stream_read;
  stream_class->close_fn = ub_ipsw_stream_close;
}

static void
ub_ipsw_stream_init (UbIpswStream *self)
{
}

/**
 * ub_ipsw_stream_new:
 * @owner: kept alive while the stream lives (the UbIpsw holding @lock and
 *   the archive)
 * @lock: held around every libzip call
 * @archive: the archive @file belongs to (reopened for backward seeks)
 * @index: the entry's index in @archive
 * @file: (transfer full): the opened entry
 * @size: its declared size
 * @stored: whether the entry is stored (method 0), so zip_fseek() works
 */
GInputStream *
ub_ipsw_stream_new (GObject      *owner,
                    GMutex       *lock,
                    zip_t        *archive,
                    zip_uint64_t  index,
                    zip_file_t   *file,
                    const char   *name,
                    guint64       size,
                    gboolean      stored)
{
  UbIpswStream *self;

  g_return_val_if_fail (G_IS_OBJECT (owner), NULL);
  g_return_val_if_fail (lock != NULL && file != NULL && name != NULL, NULL);

  self = g_object_new (UB_TYPE_IPSW_STREAM, NULL);
  self->owner = g_object_ref (owner);
  self->lock = lock;
  self->archive = archive;
  self->index = index;
  self->stored = stored;
  self->file = file;
  self->name = g_strdup (name);
  self->size = size;
  return G_INPUT_STREAM (self);
}

guint64
ub_ipsw_stream_get_size (UbIpswStream *self)
{
  g_return_val_if_fail (UB_IS_IPSW_STREAM (self), 0);
  return self->size;
}

guint64
ub_ipsw_stream_get_position (UbIpswStream *self)
{
  g_return_val_if_fail (UB_IS_IPSW_STREAM (self), 0);
  return self->position;
}
