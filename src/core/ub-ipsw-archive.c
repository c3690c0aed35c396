/* ub-ipsw-archive.c — opening an IPSW: the file, its central directory, libzip
 *
 * The central directory is read and checked by ub-zip-directory.c before
 * libzip sees the file; libzip then opens the same open file with
 * ZIP_CHECKCONS (each entry's local header compared with the directory:
 * one small read per entry, a few hundred in an IPSW) and must see the same
 * entries. Every failure becomes one sentence a person can act on, with the
 * technical detail in parentheses.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-ipsw"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ub-error.h"
#include "ub-ipsw-private.h"

/* The sentence a person reads for each kind of damage; @detail is technical */
void
_ub_ipsw_set_problem_error (UbIpsw       *self,
                   const GError *problem,
                   GError      **error)
{
  const char *name = self->display_name, *detail = problem->message;

  switch ((UbZipProblem)problem->code)
    {
    case UB_ZIP_PROBLEM_NOT_ZIP:
      g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                   /* TRANSLATORS: %s: a file name, then a technical detail */
                   _("“%s” is not an iPhone firmware file (IPSW): it is not a ZIP archive (%s)."), name, detail);
      break;
    case UB_ZIP_PROBLEM_TRUNCATED:
      g_set_error (error, UB_ERROR, UB_ERROR_CORRUPT_ARCHIVE,
                   _("The firmware file “%s” is incomplete (%s); the download was probably cut short. "
                     "Download it again."), name, detail);
      break;
    case UB_ZIP_PROBLEM_UNSAFE_NAME:
      g_set_error (error, UB_ERROR, UB_ERROR_CORRUPT_ARCHIVE,
                   _("The firmware file “%s” contains an unsafe file name (%s): Apple did not make it, "
                     "or it was altered. Download the firmware again from a source you trust."), name, detail);
      break;
    case UB_ZIP_PROBLEM_TOO_LARGE:
      g_set_error (error, UB_ERROR, UB_ERROR_CORRUPT_ARCHIVE,
                   _("The firmware file “%s” declares impossible sizes (%s); it is damaged or not a real "
                     "firmware file. Download it again."), name, detail);
      break;
    case UB_ZIP_PROBLEM_UNSUPPORTED:
      g_set_error (error, UB_ERROR, UB_ERROR_CORRUPT_ARCHIVE,
                   _("The firmware file “%s” uses ZIP features no Apple firmware uses (%s); it is damaged "
                     "or not a real firmware file. Download it again."), name, detail);
      break;
    case UB_ZIP_PROBLEM_CORRUPT:
    default:
      g_set_error (error, UB_ERROR, UB_ERROR_CORRUPT_ARCHIVE,
                   _("The firmware file “%s” is damaged (%s). Download it again."), name, detail);
      break;
    }
}

void
_ub_ipsw_set_damaged (UbIpsw      *self,
                      GError     **error,
                      const char  *format,
                      ...)
{
  g_autoptr(GError) problem = NULL;
  va_list args;

  va_start (args, format);
  problem = g_error_new_valist (UB_ZIP_PROBLEM, UB_ZIP_PROBLEM_CORRUPT, format, args);
  va_end (args);
  _ub_ipsw_set_problem_error (self, problem, error);
}

static gboolean
read_at (UbIpsw   *self,
         int       fd,
         guint8   *buffer,
         gsize     len,
         guint64   offset,
         GError  **error)
{
  while (len > 0)
    {
      gssize n = pread (fd, buffer, len, (off_t)offset);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved = errno;

          g_set_error (error, G_IO_ERROR, n < 0 ? g_io_error_from_errno (saved) : G_IO_ERROR_PARTIAL_INPUT,
                       _("Cannot read the firmware file “%s”: %s"), self->display_name,
                       n < 0 ? g_strerror (saved) : "end of file");
          return FALSE;
        }
      buffer += n;
      len -= n;
      offset += n;
    }
  return TRUE;
}

static int
open_file (UbIpsw  *self,
           GError **error)
{
  struct stat st;
  int fd = g_open (self->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0);  /* a FIFO: no wait */
  int saved;

  if (fd < 0 || fstat (fd, &st) < 0)
    {
      saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot open the firmware file “%s”: %s"), self->display_name, g_strerror (saved));
    }
  else if (!S_ISREG (st.st_mode))
    g_set_error (error, G_IO_ERROR, S_ISDIR (st.st_mode) ? G_IO_ERROR_IS_DIRECTORY : G_IO_ERROR_NOT_REGULAR_FILE,
                 _("“%s” is not a file. Choose the firmware file (IPSW)."), self->display_name);
  else if (st.st_size == 0)
    g_set_error (error, UB_ERROR, UB_ERROR_CORRUPT_ARCHIVE,
                 _("The firmware file “%s” is empty. Download it again."), self->display_name);
  else
    {
      self->file_size = st.st_size;
      return fd;
    }
  if (fd >= 0)
    close (fd);
  return -1;
}

static gboolean
read_directory (UbIpsw  *self,
                int      fd,
                GError **error)
{
  guint8 head[UB_ZIP_HEAD_SIZE] = { 0 };
  gsize head_len = MIN (self->file_size, sizeof head);
  gsize tail_len = MIN (self->file_size, UB_ZIP_TAIL_SIZE);
  g_autofree guint8 *tail = g_malloc (tail_len);
  g_autofree guint8 *data = NULL;
  g_autoptr(GError) problem = NULL;
  UbZipEnd end;

  if (!read_at (self, fd, head, head_len, 0, error) ||
      !read_at (self, fd, tail, tail_len, self->file_size - tail_len, error))
    return FALSE;
  if (ub_zip_find_end (head, head_len, tail, tail_len, self->file_size, &end, &problem))
    {
      if (end.directory_size > UB_ZIP_MAX_DIRECTORY_SIZE)
        g_set_error (&problem, UB_ZIP_PROBLEM, UB_ZIP_PROBLEM_TOO_LARGE,
                     "a central directory of %" G_GUINT64_FORMAT " bytes", end.directory_size);
      else
        {
          data = g_malloc (end.directory_size + 1);
          if (!read_at (self, fd, data, end.directory_size, end.directory_offset, error))
            return FALSE;
          self->directory = ub_zip_directory_parse (data, end.directory_size, &end, &problem);
        }
    }
  if (self->directory == NULL)
    {
      _ub_ipsw_set_problem_error (self, problem, error);
      return FALSE;
    }
  g_debug ("“%s”: %u entries, %" G_GUINT64_FORMAT " bytes uncompressed%s", self->path,
           ub_zip_directory_get_n_entries (self->directory),
           ub_zip_directory_get_total_size (self->directory), end.zip64 ? ", ZIP64" : "");
  return TRUE;
}

/* libzip opens the same open file (it takes @fd over) and must see what we
 * saw: the same entries, in the same order, with the same sizes */
static gboolean
open_zip (UbIpsw  *self,
              int      fd,
              GError **error)
{
  int code = 0;
  guint n = ub_zip_directory_get_n_entries (self->directory);

  self->archive = zip_fdopen (fd, ZIP_CHECKCONS | ZIP_RDONLY, &code);
  if (self->archive == NULL)
    {
      zip_error_t zerror;

      close (fd);
      zip_error_init_with_code (&zerror, code);
      _ub_ipsw_set_damaged (self, error, "libzip: %s", zip_error_strerror (&zerror));
      zip_error_fini (&zerror);
      return FALSE;
    }
  if (zip_get_num_entries (self->archive, 0) != (zip_int64_t)n)
    {
      _ub_ipsw_set_damaged (self, error, "libzip sees %" G_GINT64_FORMAT " entries, the directory %u",
                   (gint64)zip_get_num_entries (self->archive, 0), n);
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    {
      const UbZipEntry *entry = ub_zip_directory_get_entry (self->directory, i);
      zip_stat_t st;

      if (zip_stat_index (self->archive, i, ZIP_FL_ENC_RAW, &st) < 0 || g_strcmp0 (st.name, entry->name) != 0 ||
          st.size != entry->size || st.comp_size != entry->compressed_size)
        {
          _ub_ipsw_set_damaged (self, error, "libzip reads entry %u differently from the directory (“%s”)", i, entry->name);
          return FALSE;
        }
    }
  return TRUE;
}

/* Opens self->path: sets file_size, directory and archive */
gboolean
_ub_ipsw_open_archive (UbIpsw  *self,
                       GError **error)
{
  int fd = open_file (self, error);

  if (fd < 0)
    return FALSE;
  if (!read_directory (self, fd, error))
    {
      close (fd);
      return FALSE;
    }
  return open_zip (self, fd, error);
}
