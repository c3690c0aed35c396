/* ub-backup-job-files.c — the file streams of a backup
 *
 * DLMessageUploadFiles: the phone sends files, one after the other, as
 * a 4-byte big-endian length and the file's name on the phone, the same for
 * its name in the backup, then blocks of a 4-byte length (counting the code
 * byte), a code byte and the bytes: file data, the end of the file, or the
 * phone's own error for that file. A zero length where a name would be ends
 * the stream, and this computer answers with a status response. Each file is
 * written under a temporary name beside its own and renamed into place when
 * it is whole; what the disk cannot hold ends the backup with
 * %UB_ERROR_NO_SPACE.
 *
 * DLMessageDownloadFiles: the same stream the other way, for files of an
 * earlier backup the phone asks for; a file that is not there gets an error
 * block, and the status response lists such files ("multi status").
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-backup"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ub-backup-job-private.h"
#include "ub-error.h"

#define BLOCK_BUFFER   (1024 * 1024)
#define MAX_REMOTE_ERROR (64 * 1024)

typedef struct
{
  UbBackupSession *s;
  guint8          *buffer;
  char            *name;       /* in the backup, as the phone gave it */
  char            *shown;      /* its full path, for messages */
  char            *leaf;
  char            *tmp;
  int              dir_fd;
  int              fd;
  guint64          size;       /* of the file so far */
} Incoming;

static void
incoming_clear (Incoming *in)
{
  if (in->fd >= 0)
    {
      close (in->fd);
      unlinkat (in->dir_fd, in->tmp, 0);
    }
  if (in->dir_fd >= 0)
    close (in->dir_fd);
  in->fd = in->dir_fd = -1;
  in->size = 0;
  g_clear_pointer (&in->name, g_free);
  g_clear_pointer (&in->shown, g_free);
  g_clear_pointer (&in->leaf, g_free);
  g_clear_pointer (&in->tmp, g_free);
}

static gboolean
set_protocol_error (GError     **error,
                    const char  *what)
{
  g_debug ("Unexpected in a file stream: %s", what);
  g_set_error_literal (error, UB_ERROR, UB_ERROR_PROTOCOL,
                       _("The iPhone sent something this computer does not understand. The backup "
                         "was stopped."));
  return FALSE;
}

/* A length-prefixed name; *@name is %NULL for the zero length that ends the stream */
static gboolean
read_name (UbBackupSession  *s,
           char            **name,
           GError          **error)
{
  guint32 len;
  char *text;

  *name = NULL;
  if (!_ub_backup_link_read_be32 (s, &len, error))
    return FALSE;
  if (len == 0)
    return TRUE;
  if (len > UB_BACKUP_MAX_NAME)
    return set_protocol_error (error, "name too long");
  text = g_malloc (len + 1);
  if (!_ub_backup_link_read (s, text, len, error))
    {
      g_free (text);
      return FALSE;
    }
  text[len] = '\0';
  if (strlen (text) != len || !g_utf8_validate (text, len, NULL))
    {
      g_free (text);
      return set_protocol_error (error, "name not UTF-8");
    }
  *name = text;
  return TRUE;
}

static gboolean
skip (UbBackupSession  *s,
      Incoming         *in,
      guint32           len,
      GError          **error)
{
  while (len > 0)
    {
      guint32 n = MIN (len, BLOCK_BUFFER);

      if (!_ub_backup_link_read (s, in->buffer, n, error))
        return FALSE;
      len -= n;
    }
  return TRUE;
}

static gboolean
open_incoming (Incoming  *in,
               GError   **error)
{
  UbBackupSession *s = in->s;

  in->shown = g_build_filename (s->job->folder, in->name, NULL);
  in->dir_fd = _ub_backup_store_open_parent (s, in->name, TRUE, &in->leaf, error);
  if (in->dir_fd < 0 || !_ub_backup_store_begin_change (s, error))
    return FALSE;
  in->tmp = g_strdup_printf (".%s.ub-part", in->leaf);
  unlinkat (in->dir_fd, in->tmp, 0);
  in->fd = openat (in->dir_fd, in->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (in->fd < 0)
    {
      _ub_backup_store_set_error (error, errno, in->shown);
      return FALSE;
    }
  return TRUE;
}

static gboolean
receive_data (Incoming  *in,
              guint32    len,
              GError   **error)
{
  while (len > 0)
    {
      guint32 n = MIN (len, BLOCK_BUFFER);
      guint8 *p = in->buffer;
      gsize left = n;

      if (!_ub_backup_link_read (in->s, in->buffer, n, error))
        return FALSE;
      while (left > 0)
        {
          gssize w = write (in->fd, p, left);

          if (w < 0 && errno == EINTR)
            continue;
          if (w <= 0)
            {
              _ub_backup_store_set_error (error, w < 0 ? errno : ENOSPC, in->shown);
              return FALSE;
            }
          p += w;
          left -= (gsize)w;
        }
      len -= n;
      in->size += n;
      _ub_backup_job_add_bytes (in->s->job, n);
    }
  return TRUE;
}

static gboolean
install_incoming (Incoming  *in,
                  GError   **error)
{
  int fd = in->fd;

  in->fd = -1;
  if (close (fd) != 0 || renameat (in->dir_fd, in->tmp, in->dir_fd, in->leaf) != 0)
    {
      int saved = errno;

      unlinkat (in->dir_fd, in->tmp, 0);
      _ub_backup_store_set_error (error, saved, in->shown);
      return FALSE;
    }
  _ub_backup_job_add_file (in->s->job, in->size);
  return TRUE;
}

/* The phone could not read one of its files: it is left out, as iTunes does */
static gboolean
remote_error (Incoming  *in,
              guint32    len,
              GError   **error)
{
  g_autofree char *text = NULL;

  if (len > MAX_REMOTE_ERROR)
    return set_protocol_error (error, "error message too long");
  text = g_malloc0 (len + 1);
  if (!_ub_backup_link_read (in->s, text, len, error))
    return FALSE;
  g_debug ("The phone could not send “%s”: %s", in->name, text);
  return TRUE;
}

/* The blocks of one file, into a temporary file renamed when it is whole */
static gboolean
receive_file (Incoming  *in,
              GError   **error)
{
  if (!open_incoming (in, error))
    return FALSE;
  for (;;)
    {
      guint32 len;
      guint8 code;

      if (!_ub_backup_link_read_be32 (in->s, &len, error))
        return FALSE;
      if (len == 0)
        return set_protocol_error (error, "stream ended inside a file");
      if (!_ub_backup_link_read (in->s, &code, 1, error))
        return FALSE;
      len--;
      if (code == UB_BACKUP_CODE_FILE_DATA)
        {
          if (!receive_data (in, len, error))
            return FALSE;
          continue;
        }
      if (code == UB_BACKUP_CODE_SUCCESS)
        return skip (in->s, in, len, error) && install_incoming (in, error);
      if (code == UB_BACKUP_CODE_ERROR_REMOTE)
        return remote_error (in, len, error);
      return set_protocol_error (error, "unknown block code");
    }
}

/**
 * _ub_backup_files_receive:
 * @message: the DLMessageUploadFiles
 *
 * Receives the files that follow @message and answers it.
 */
gboolean
_ub_backup_files_receive (UbBackupSession  *s,
                          plist_t           message,
                          GError          **error)
{
  Incoming in = { s, g_malloc (BLOCK_BUFFER), NULL, NULL, NULL, NULL, -1, -1, 0 };
  gboolean ok = TRUE;

  while (ok)
    {
      g_autofree char *device_name = NULL;

      ok = read_name (s, &device_name, error);
      if (!ok || device_name == NULL)
        break;
      ok = read_name (s, &in.name, error);
      if (ok && in.name == NULL)
        ok = set_protocol_error (error, "empty file name");
      if (ok)
        ok = receive_file (&in, error);
      incoming_clear (&in);
    }
  incoming_clear (&in);
  g_free (in.buffer);
  return ok && _ub_backup_link_send_status (s, 0, NULL, NULL, error);
}

static gboolean
send_block (UbBackupSession  *s,
            guint8            code,
            const void       *data,
            gsize             len,
            GError          **error)
{
  guint8 header[5];
  guint32 be = GUINT32_TO_BE ((guint32)len + 1);

  memcpy (header, &be, 4);
  header[4] = code;
  return _ub_backup_link_write (s, header, sizeof header, error) &&
         (len == 0 || _ub_backup_link_write (s, data, len, error));
}

static gboolean
send_name (UbBackupSession  *s,
           const char       *name,
           GError          **error)
{
  guint32 be = GUINT32_TO_BE ((guint32)strlen (name));

  return _ub_backup_link_write (s, &be, 4, error) && _ub_backup_link_write (s, name, strlen (name), error);
}

/* One file of the backup to the phone; a file that cannot be read is an
 * error block and an entry in @failed */
static gboolean
send_file (UbBackupSession  *s,
           const char       *name,
           guint8           *buffer,
           plist_t           failed,
           GError          **error)
{
  g_autofree char *leaf = NULL;
  g_autoptr(GError) local = NULL;
  int dir = _ub_backup_store_open_parent (s, name, FALSE, &leaf, &local);
  int fd = dir >= 0 ? openat (dir, leaf, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) : -1;
  int errsv = dir >= 0 ? errno : ENOENT;
  gssize n = 0;
  gboolean ok;

  if (dir >= 0)
    close (dir);
  if (g_error_matches (local, UB_ERROR, UB_ERROR_PROTOCOL))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  ok = send_name (s, name, error);
  while (ok && fd >= 0 && (n = read (fd, buffer, BLOCK_BUFFER)) > 0)
    ok = send_block (s, UB_BACKUP_CODE_FILE_DATA, buffer, (gsize)n, error);
  if (fd >= 0)
    {
      errsv = n < 0 ? errno : 0;
      close (fd);
    }
  g_debug ("The phone asked for “%s”: %s", name, errsv ? g_strerror (errsv) : "sent");
  if (ok && errsv == 0)
    return send_block (s, UB_BACKUP_CODE_SUCCESS, NULL, 0, error);
  if (ok)
    {
      const char *text = g_strerror (errsv);
      plist_t entry = plist_new_dict ();

      plist_dict_set_item (entry, "DLFileErrorString", plist_new_string (text));
      plist_dict_set_item (entry, "DLFileErrorCode", plist_new_uint ((guint64)_ub_backup_store_device_code (errsv)));
      plist_dict_set_item (failed, name, entry);
      ok = send_block (s, UB_BACKUP_CODE_ERROR_LOCAL, text, strlen (text), error);
    }
  return ok;
}

/**
 * _ub_backup_files_send:
 * @message: the DLMessageDownloadFiles
 *
 * Sends the files of the backup folder that @message names, and answers it.
 */
gboolean
_ub_backup_files_send (UbBackupSession  *s,
                       plist_t           message,
                       GError          **error)
{
  plist_t names = _ub_backup_message_arg (message, 1, PLIST_ARRAY);
  g_autofree guint8 *buffer = g_malloc (BLOCK_BUFFER);
  plist_t failed = plist_new_dict ();
  guint32 zero = 0;
  gboolean ok = TRUE;

  for (guint i = 0; ok && names != NULL && i < plist_array_get_size (names); i++)
    {
      plist_t item = plist_array_get_item (names, i);

      if (plist_get_node_type (item) == PLIST_STRING)
        ok = send_file (s, plist_get_string_ptr (item, NULL), buffer, failed, error);
    }
  ok = ok && _ub_backup_link_write (s, &zero, 4, error);
  if (!ok)
    {
      plist_free (failed);
      return FALSE;
    }
  if (plist_dict_get_size (failed) > 0)
    return _ub_backup_link_send_status (s, UB_BACKUP_MULTI_STATUS, "Multi status", failed, error);
  plist_free (failed);
  return _ub_backup_link_send_status (s, 0, NULL, NULL, error);
}
