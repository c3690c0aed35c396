/* ub-backup-job-store.c — the backup folder, never left through a path the phone sends
 *
 * The phone names every file and folder it wants written, moved, copied,
 * listed or removed, relative to the folder chosen ("<UDID>/ab/ab12…").
 * Such a path is refused unless it is relative, starts with this phone's
 * UDID and has no "." or ".." in it; it is then walked one folder at a time
 * with openat(O_NOFOLLOW), so that a symbolic link inside the backup cannot
 * lead out of it either. Files are written under a temporary name and
 * renamed into place (ub-backup-job-files.c).

 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-backup"

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "ub-backup-job-private.h"
#include "ub-error.h"

#define MAX_DEPTH        32
#define MAC_EPOCH        978307200
#define COPY_CHUNK       (1024 * 1024)

void
_ub_backup_store_set_error (GError     **error,
                            int          errsv,
                            const char  *path)
{
  if (errsv == ENOSPC || errsv == EDQUOT || errsv == EFBIG)
    g_set_error (error, UB_ERROR, UB_ERROR_NO_SPACE,
                 _("The disk is full: could not write “%s”. Free some space and try again."), path);
  else if (errsv == ELOOP)
    g_set_error (error, UB_ERROR, UB_ERROR_FAILED,
                 _("“%s” is a symbolic link; the backup does not follow links. Choose another folder."), path);
  else
    g_set_error (error, UB_ERROR, errsv == EACCES || errsv == EPERM || errsv == EROFS
                                  ? UB_ERROR_PERMISSION_DENIED : UB_ERROR_FAILED,
                 _("Could not write “%s”: %s"), path, g_strerror (errsv));
}

/* The error numbers the phone understands in a status response */
gint64
_ub_backup_store_device_code (int errsv)
{
  switch (errsv)
    {
    case ENOENT: return -6;
    case EEXIST: return -7;
    case ENOTDIR: return -8;
    case EISDIR: return -9;
    case ELOOP: return -10;
    case EIO: return -11;
    case ENOSPC: case EDQUOT: case EFBIG: return -15;
    default: return -1;
    }
}

/* @path is the phone's: the message shows where it is on this computer */
static void
set_path_error (UbBackupSession  *s,
                GError          **error,
                int               errsv,
                const char       *path)
{
  g_autofree char *shown = g_build_filename (s->job->folder, path, NULL);

  _ub_backup_store_set_error (error, errsv, shown);
}

static gboolean
refuse_path (GError     **error,
             const char  *path)
{
  g_debug ("Refusing the phone's path “%s”", path);
  g_set_error (error, UB_ERROR, UB_ERROR_PROTOCOL,
               _("The iPhone asked to write “%s”, which is outside its backup folder. The backup was "
                 "stopped to keep this computer safe."), path);
  return FALSE;
}

/**
 * _ub_backup_store_split:
 *
 * Returns: (transfer full): @path's parts, the first one this phone's UDID
 *   as we spell it; %NULL with %UB_ERROR_PROTOCOL if @path could lead out
 */
char **
_ub_backup_store_split (UbBackupSession  *s,
                        const char       *path,
                        GError          **error)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(GPtrArray) kept = g_ptr_array_new_with_free_func (g_free);

  if (path == NULL || path[0] == '/' || strlen (path) > UB_BACKUP_MAX_NAME)
    {
      refuse_path (error, path ? path : "");
      return NULL;
    }
  parts = g_strsplit (path, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (parts[i][0] == '\0')
        continue;
      if (g_str_equal (parts[i], ".") || g_str_equal (parts[i], ".."))
        {
          refuse_path (error, path);
          return NULL;
        }
      g_ptr_array_add (kept, g_strdup (parts[i]));
    }
  if (kept->len == 0 || kept->len > MAX_DEPTH ||
      g_ascii_strcasecmp (g_ptr_array_index (kept, 0), s->job->udid) != 0)
    {
      refuse_path (error, path);
      return NULL;
    }
  g_free (g_ptr_array_index (kept, 0));
  g_ptr_array_index (kept, 0) = g_strdup (s->job->udid);
  g_ptr_array_add (kept, NULL);
  return (char **)g_ptr_array_free (g_steal_pointer (&kept), FALSE);
}

/**
 * _ub_backup_store_open_child:
 *
 * One step down, never through a link; creating the folder if asked.
 *
 * Returns: the folder's descriptor, or -1 with errno set
 */
int
_ub_backup_store_open_child (int          dir_fd,
                             const char  *name,
                             gboolean     create)
{
  int fd = openat (dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

  if (fd < 0 && errno == ENOENT && create)
    {
      if (mkdirat (dir_fd, name, 0700) != 0 && errno != EEXIST)
        return -1;
      fd = openat (dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    }
  return fd;
}

static int
walk (UbBackupSession  *s,
      char            **parts,
      guint             n,
      gboolean          create,
      const char       *path,
      GError          **error)
{
  int fd = dup (s->folder_fd);

  for (guint i = 0; fd >= 0 && i < n; i++)
    {
      int next = _ub_backup_store_open_child (fd, parts[i], create);
      int saved = errno;

      close (fd);
      fd = next;
      errno = saved;
    }
  if (fd < 0)
    set_path_error (s, error, errno, path);
  return fd;
}

/**
 * _ub_backup_store_open_parent:
 * @create: create the folders on the way
 * @leaf: (out): the last part of @path
 *
 * Returns: the folder that holds @path, or -1 with @error set
 */
int
_ub_backup_store_open_parent (UbBackupSession  *s,
                              const char       *path,
                              gboolean          create,
                              char            **leaf,
                              GError          **error)
{
  g_auto(GStrv) parts = _ub_backup_store_split (s, path, error);
  guint n;
  int fd;

  if (parts == NULL)
    return -1;
  n = g_strv_length (parts);
  fd = walk (s, parts, n - 1, create, path, error);
  if (fd >= 0)
    *leaf = g_strdup (parts[n - 1]);
  return fd;
}

gboolean
_ub_backup_store_make_directory (UbBackupSession  *s,
                                 const char       *path,
                                 GError          **error)
{
  g_auto(GStrv) parts = _ub_backup_store_split (s, path, error);
  int fd;

  if (parts == NULL || !_ub_backup_store_begin_change (s, error))
    return FALSE;
  fd = walk (s, parts, g_strv_length (parts), TRUE, path, error);
  if (fd < 0)
    return FALSE;
  close (fd);
  return TRUE;
}

/* rm -r below @dir_fd, without following links */
static int
remove_at (int          dir_fd,
           const char  *name,
           guint        depth)
{
  struct stat st;
  DIR *dir;
  struct dirent *entry;
  int fd, result = 0;

  if (fstatat (dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
    return errno == ENOENT ? 0 : errno;
  if (!S_ISDIR (st.st_mode))
    return unlinkat (dir_fd, name, 0) == 0 ? 0 : errno;
  if (depth > MAX_DEPTH)
    return ELOOP;
  fd = openat (dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 || (dir = fdopendir (fd)) == NULL)
    {
      result = errno;
      if (fd >= 0)
        close (fd);
      return result;
    }
  while (result == 0 && (entry = readdir (dir)) != NULL)
    if (!g_str_equal (entry->d_name, ".") && !g_str_equal (entry->d_name, ".."))
      result = remove_at (dirfd (dir), entry->d_name, depth + 1);
  closedir (dir);
  if (result == 0 && unlinkat (dir_fd, name, AT_REMOVEDIR) != 0)
    result = errno;
  return result;
}

gboolean
_ub_backup_store_remove (UbBackupSession  *s,
                         const char       *path,
                         GError          **error)
{
  g_autofree char *leaf = NULL;
  g_autoptr(GError) local = NULL;
  int fd, result;

  if (!_ub_backup_store_begin_change (s, error))
    return FALSE;
  fd = _ub_backup_store_open_parent (s, path, FALSE, &leaf, &local);
  if (fd < 0)
    {
      /* A path that is not there is removed already */
      if (!g_error_matches (local, UB_ERROR, UB_ERROR_PROTOCOL))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  result = remove_at (fd, leaf, 0);
  close (fd);
  if (result != 0)
    set_path_error (s, error, result, path);
  return result == 0;
}

gboolean
_ub_backup_store_move (UbBackupSession  *s,
                       const char       *from,
                       const char       *to,
                       GError          **error)
{
  g_autofree char *from_leaf = NULL;
  g_autofree char *to_leaf = NULL;
  int from_fd = -1, to_fd = -1, result = 0;

  if (!_ub_backup_store_begin_change (s, error) ||
      (from_fd = _ub_backup_store_open_parent (s, from, FALSE, &from_leaf, error)) < 0 ||
      (to_fd = _ub_backup_store_open_parent (s, to, TRUE, &to_leaf, error)) < 0)
    {
      if (from_fd >= 0)
        close (from_fd);
      return FALSE;
    }
  if (faccessat (from_fd, from_leaf, F_OK, AT_SYMLINK_NOFOLLOW) != 0)
    result = errno;
  if (result == 0)
    result = remove_at (to_fd, to_leaf, 0);
  if (result == 0 && renameat (from_fd, from_leaf, to_fd, to_leaf) != 0)
    result = errno;
  close (from_fd);
  close (to_fd);
  g_debug ("Moved “%s” to “%s”: %s", from, to, g_strerror (result));
  if (result != 0)
    set_path_error (s, error, result, to);
  return result == 0;
}

static int
copy_file_at (int               from_dir,
              const char       *from,
              int               to_dir,
              const char       *to,
              UbBackupSession  *s)
{
  g_autofree char *tmp = g_strdup_printf (".%s.ub-copy", to);
  g_autofree char *buffer = g_malloc (COPY_CHUNK);
  int in = openat (from_dir, from, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  int out = -1, result = 0;
  gssize n;

  if (in < 0)
    return errno;
  unlinkat (to_dir, tmp, 0);
  out = openat (to_dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (out < 0)
    result = errno;
  while (result == 0 && (n = read (in, buffer, COPY_CHUNK)) != 0)
    {
      if (n < 0 || write (out, buffer, (gsize)n) != n)
        result = errno != 0 ? errno : EIO;
      else if (g_cancellable_is_cancelled (s->cancellable))
        result = ECANCELED;
      _ub_backup_job_touch (s->job);
    }
  close (in);
  if (out >= 0 && (close (out) != 0 && result == 0))
    result = errno;
  if (result == 0 && renameat (to_dir, tmp, to_dir, to) != 0)
    result = errno;
  if (result != 0)
    unlinkat (to_dir, tmp, 0);
  return result;
}

static int
copy_at (int               from_dir,
         const char       *from,
         int               to_dir,
         const char       *to,
         guint             depth,
         UbBackupSession  *s)
{
  struct stat st;
  struct dirent *entry;
  DIR *dir;
  int in, out, result = 0;

  if (fstatat (from_dir, from, &st, AT_SYMLINK_NOFOLLOW) != 0)
    return errno;
  if (S_ISREG (st.st_mode))
    return copy_file_at (from_dir, from, to_dir, to, s);
  if (!S_ISDIR (st.st_mode))
    return 0;                             /* links and the like are not copied */
  if (depth > MAX_DEPTH)
    return ELOOP;
  if ((out = _ub_backup_store_open_child (to_dir, to, TRUE)) < 0)
    return errno;
  in = openat (from_dir, from, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (in < 0 || (dir = fdopendir (in)) == NULL)
    {
      result = errno;
      if (in >= 0)
        close (in);
      close (out);
      return result;
    }
  while (result == 0 && (entry = readdir (dir)) != NULL)
    if (!g_str_equal (entry->d_name, ".") && !g_str_equal (entry->d_name, ".."))
      result = copy_at (dirfd (dir), entry->d_name, out, entry->d_name, depth + 1, s);
  closedir (dir);
  close (out);
  return result;
}

gboolean
_ub_backup_store_copy (UbBackupSession  *s,
                       const char       *from,
                       const char       *to,
                       GError          **error)
{
  g_autofree char *from_leaf = NULL;
  g_autofree char *to_leaf = NULL;
  int from_fd = -1, to_fd = -1, result;

  if (!_ub_backup_store_begin_change (s, error) ||
      (from_fd = _ub_backup_store_open_parent (s, from, FALSE, &from_leaf, error)) < 0 ||
      (to_fd = _ub_backup_store_open_parent (s, to, TRUE, &to_leaf, error)) < 0)
    {
      if (from_fd >= 0)
        close (from_fd);
      return FALSE;
    }
  result = copy_at (from_fd, from_leaf, to_fd, to_leaf, 0, s);
  close (from_fd);
  close (to_fd);
  g_debug ("Copied “%s” to “%s”: %s", from, to, g_strerror (result));
  if (result == ECANCELED)
    return !g_cancellable_set_error_if_cancelled (s->cancellable, error);
  if (result != 0)
    set_path_error (s, error, result, to);
  return result == 0;
}

static plist_t
entry_info (const struct stat *st)
{
  plist_t info = plist_new_dict ();
  const char *type = S_ISDIR (st->st_mode) ? "DLFileTypeDirectory"
                     : S_ISREG (st->st_mode) ? "DLFileTypeRegular" : "DLFileTypeUnknown";

  plist_dict_set_item (info, "DLFileType", plist_new_string (type));
  plist_dict_set_item (info, "DLFileSize", plist_new_uint ((guint64)st->st_size));
  plist_dict_set_item (info, "DLFileModificationDate",
                       plist_new_date ((int32_t)(st->st_mtime - MAC_EPOCH), 0));
  return info;
}

/**
 * _ub_backup_store_list:
 *
 * Returns: (transfer full): what the folder @path holds, for
 *   DLContentsOfDirectory: an empty dictionary when it is not there
 */
plist_t
_ub_backup_store_list (UbBackupSession  *s,
                       const char       *path,
                       GError          **error)
{
  g_auto(GStrv) parts = _ub_backup_store_split (s, path, error);
  plist_t list;
  struct dirent *entry;
  DIR *dir;
  int fd;

  if (parts == NULL)
    return NULL;
  list = plist_new_dict ();
  fd = walk (s, parts, g_strv_length (parts), FALSE, path, NULL);
  if (fd < 0 || (dir = fdopendir (fd)) == NULL)
    {
      if (fd >= 0)
        close (fd);
      return list;
    }
  while ((entry = readdir (dir)) != NULL)
    {
      struct stat st;

      if (g_str_equal (entry->d_name, ".") || g_str_equal (entry->d_name, "..") ||
          fstatat (dirfd (dir), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        continue;
      plist_dict_set_item (list, entry->d_name, entry_info (&st));
    }
  closedir (dir);
  return list;
}

guint64
_ub_backup_store_free_space (int fd)
{
  struct statvfs st;

  if (fstatvfs (fd, &st) != 0)
    return 0;
  return (guint64)st.f_bavail * (guint64)st.f_frsize;
}

static guint64
size_at (int               dir_fd,
         guint             depth,
         UbBackupSession  *s)
{
  struct dirent *entry;
  guint64 total = 0;
  DIR *dir;

  if (depth > MAX_DEPTH || (dir = fdopendir (dir_fd)) == NULL)
    {
      close (dir_fd);
      return 0;
    }
  while ((entry = readdir (dir)) != NULL && !g_cancellable_is_cancelled (s->cancellable))
    {
      struct stat st;

      if (g_str_equal (entry->d_name, ".") || g_str_equal (entry->d_name, "..") ||
          fstatat (dirfd (dir), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        continue;
      if (S_ISREG (st.st_mode))
        total += (guint64)st.st_size;
      else if (S_ISDIR (st.st_mode))
        total += size_at (openat (dirfd (dir), entry->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC),
                          depth + 1, s);
    }
  _ub_backup_job_touch (s->job);
  closedir (dir);
  return total;
}

/**
 * _ub_backup_store_size:
 *
 * Returns: the bytes an earlier backup of this phone holds (0 if none)
 */
guint64
_ub_backup_store_size (UbBackupSession *s)
{
  int fd = _ub_backup_store_open_child (s->folder_fd, s->job->udid, FALSE);

  return fd >= 0 ? size_at (fd, 0, s) : 0;
}
