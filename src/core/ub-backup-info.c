/* ub-backup-info.c — what one iPhone backup folder holds, read without trusting it
 *
 * A backup made by idevicebackup2, iTunes or Unbrick is a folder, usually
 * named after the phone's UDID, with three property lists at its top:
 *  - Info.plist, written by the computer: "Last Backup Date", "Device Name",
 *    "Product Type", "Product Version", "Build Version", "Serial Number",
 *    "Target Identifier" (the UDID); its "Applications" carry every app's
 *    icon and store data, so it can be tens of megabytes;
 *  - Manifest.plist, written by the phone: "IsEncrypted", and a "Lockdown"
 *    dictionary with the same facts under lockdownd's names;
 *  - Status.plist, written by the phone: "SnapshotState" is "finished" once
 *    the backup is whole, and "Date".
 * Each file is read up to a cap, through ub-plist.c (libplist aborts on some
 * inputs), and only values of the expected type are taken. A file that is
 * missing, damaged or unreadable becomes a plain sentence in `problem`,
 * never an error for the whole folder.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-backup-info"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ub-backup-info.h"
#include "ub-error.h"
#include "ub-plist.h"

/* Seconds from the Unix epoch to Apple's (2001-01-01 00:00 UTC) */
#define APPLE_EPOCH_OFFSET G_GINT64_CONSTANT (978307200)

typedef enum
{
  FILE_MISSING,
  FILE_UNREADABLE,
  FILE_TOO_LARGE,
  FILE_READ,
} FileState;

typedef enum
{
  INFO,
  MANIFEST,
  STATUS,
  N_FILES,
} FileKind;

typedef struct
{
  FileState  state;
  GBytes    *bytes;
  int        errsv;            /* for FILE_UNREADABLE */
  plist_t    root;             /* a dictionary, or NULL */
} BackupFile;

static const char * const file_names[N_FILES] = { "Info.plist", "Manifest.plist", "Status.plist" };
static const gsize file_caps[N_FILES] = {
  UB_BACKUP_INFO_PLIST_MAX, UB_BACKUP_MANIFEST_PLIST_MAX, UB_BACKUP_STATUS_PLIST_MAX,
};

void
ub_backup_info_free (UbBackupInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->path);
  g_free (info->udid);
  g_free (info->device_name);
  g_free (info->product_type);
  g_free (info->product_version);
  g_free (info->build_version);
  g_free (info->serial_number);
  g_clear_pointer (&info->date, g_date_time_unref);
  g_free (info->problem);
  g_free (info);
}

/**
 * ub_backup_info_copy:
 *
 * Returns: (transfer full): a deep copy of @info
 */
UbBackupInfo *
ub_backup_info_copy (const UbBackupInfo *info)
{
  UbBackupInfo *copy;

  g_return_val_if_fail (info != NULL, NULL);

  copy = g_memdup2 (info, sizeof *info);
  copy->path = g_strdup (info->path);
  copy->udid = g_strdup (info->udid);
  copy->device_name = g_strdup (info->device_name);
  copy->product_type = g_strdup (info->product_type);
  copy->product_version = g_strdup (info->product_version);
  copy->build_version = g_strdup (info->build_version);
  copy->serial_number = g_strdup (info->serial_number);
  copy->date = info->date ? g_date_time_ref (info->date) : NULL;
  copy->problem = g_strdup (info->problem);
  return copy;
}

/**
 * ub_backup_udid_is_valid:
 *
 * Returns: whether @udid can name a phone: 1 to 64 letters, digits and dashes
 */
gboolean
ub_backup_udid_is_valid (const char *udid)
{
  gsize len;

  if (udid == NULL || (len = strlen (udid)) == 0 || len > 64)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (udid[i]) && udid[i] != '-')
      return FALSE;
  return TRUE;
}

static gboolean
is_hex_run (const char *s,
            guint       n)
{
  for (guint i = 0; i < n; i++)
    if (!g_ascii_isxdigit (s[i]))
      return FALSE;
  return TRUE;
}

/* The UDID a folder's name starts with: "<40 hex>" or "<8 hex>-<16 hex>",
 * alone or followed by "-…" (iTunes names archived copies "<UDID>-<date>") */
static char *
udid_from_folder_name (const char *path)
{
  g_autofree char *name = g_path_get_basename (path);
  gsize len = strlen (name);
  guint n = 0;

  if (len >= 40 && is_hex_run (name, 40))
    n = 40;
  else if (len >= 25 && is_hex_run (name, 8) && name[8] == '-' && is_hex_run (name + 9, 16))
    n = 25;
  if (n == 0 || (name[n] != '\0' && name[n] != '-'))
    return NULL;
  return g_strndup (name, n);
}

/* A string value of @dict, or NULL if absent, of another type, or not text */
static char *
dict_string (plist_t     dict,
             const char *key)
{
  char *value;

  if (dict == NULL)
    return NULL;
  value = ub_plist_dup_string (plist_dict_get_item (dict, key));
  if (value != NULL && value[0] == '\0')
    g_clear_pointer (&value, g_free);
  return value;
}

static GDateTime *
dict_date (plist_t     dict,
           const char *key)
{
  plist_t node = dict ? plist_dict_get_item (dict, key) : NULL;
  int32_t sec = 0, usec = 0;
  g_autoptr(GDateTime) utc = NULL;

  if (node == NULL || plist_get_node_type (node) != PLIST_DATE)
    return NULL;
  plist_get_date_val (node, &sec, &usec);
  utc = g_date_time_new_from_unix_utc (APPLE_EPOCH_OFFSET + sec);
  if (utc == NULL)
    return NULL;
  return g_date_time_add (utc, CLAMP (usec, 0, G_USEC_PER_SEC - 1));
}

static void
take_string (char       **field,
             plist_t      dict,
             const char  *key)
{
  if (*field == NULL)
    *field = dict_string (dict, key);
}

static void
take_udid (UbBackupInfo *info,
           plist_t       dict,
           const char   *key)
{
  g_autofree char *udid = NULL;

  if (info->udid != NULL || (udid = dict_string (dict, key)) == NULL)
    return;
  if (ub_backup_udid_is_valid (udid))
    info->udid = g_steal_pointer (&udid);
  else
    g_debug ("Ignoring the identifier in “%s” of %s: not a UDID", key, info->path);
}

static void
read_info_facts (UbBackupInfo *info,
                 plist_t       root)
{
  take_udid (info, root, "Target Identifier");
  take_udid (info, root, "Unique Identifier");
  take_string (&info->device_name, root, "Device Name");
  take_string (&info->device_name, root, "Display Name");
  take_string (&info->product_type, root, "Product Type");
  take_string (&info->product_version, root, "Product Version");
  take_string (&info->build_version, root, "Build Version");
  take_string (&info->serial_number, root, "Serial Number");
  if (info->date == NULL)
    info->date = dict_date (root, "Last Backup Date");
}

static void
read_manifest_facts (UbBackupInfo *info,
                     plist_t       root)
{
  plist_t encrypted = root ? plist_dict_get_item (root, "IsEncrypted") : NULL;
  plist_t lockdown = root ? plist_dict_get_item (root, "Lockdown") : NULL;
  uint8_t value = 0;

  if (encrypted != NULL && plist_get_node_type (encrypted) == PLIST_BOOLEAN)
    {
      plist_get_bool_val (encrypted, &value);
      info->encrypted = value != 0;
    }
  if (lockdown == NULL || plist_get_node_type (lockdown) != PLIST_DICT)
    return;
  take_udid (info, lockdown, "UniqueDeviceID");
  take_string (&info->device_name, lockdown, "DeviceName");
  take_string (&info->product_type, lockdown, "ProductType");
  take_string (&info->product_version, lockdown, "ProductVersion");
  take_string (&info->build_version, lockdown, "BuildVersion");
  take_string (&info->serial_number, lockdown, "SerialNumber");
}

/* Parses the bytes read; a root that is not a dictionary counts as damaged */
static void
parse_file (BackupFile *file,
            FileKind    kind,
            const char *path)
{
  g_autoptr(GError) error = NULL;
  gsize len = 0;
  const guint8 *data;
  plist_t root;

  if (file->state != FILE_READ)
    return;
  data = g_bytes_get_data (file->bytes, &len);
  root = ub_plist_parse_untrusted (data, len, &error);
  if (root != NULL && plist_get_node_type (root) != PLIST_DICT)
    g_clear_pointer (&root, plist_free);
  if (root == NULL)
    g_debug ("%s of %s is damaged (%" G_GSIZE_FORMAT " bytes)", file_names[kind], path, len);
  file->root = root;
}

static const char *
damaged_text (FileKind kind)
{
  switch (kind)
    {
    case INFO:
      /* TRANSLATORS: Info.plist is a file name; keep it */
      return _("Its description (Info.plist) is damaged.");
    case MANIFEST:
      /* TRANSLATORS: Manifest.plist is a file name; keep it */
      return _("Its list of files (Manifest.plist) is damaged.");
    case STATUS:
    case N_FILES:
    default:
      /* TRANSLATORS: Status.plist is a file name; keep it */
      return _("Its status (Status.plist) is damaged.");
    }
}

static const char *
missing_text (FileKind kind)
{
  switch (kind)
    {
    case INFO:
      return _("Its description (Info.plist) is missing.");
    case MANIFEST:
      return _("Its list of files (Manifest.plist) is missing.");
    case STATUS:
    case N_FILES:
    default:
      return _("It was interrupted before the iPhone finished it.");
    }
}

/* Why the backup cannot be restored as it is, or NULL when it can */
static char *
problem_text (const BackupFile *files,
              gboolean          finished)
{
  static const FileKind order[] = { STATUS, MANIFEST, INFO };

  for (guint i = 0; i < N_FILES; i++)
    if (files[i].state == FILE_UNREADABLE)
      /* TRANSLATORS: %s is the system's reason, e.g. "Permission denied" */
      return g_strdup_printf (_("It cannot be read: %s."), g_strerror (files[i].errsv));
  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    {
      const BackupFile *file = &files[order[i]];

      if (file->state == FILE_MISSING)
        return g_strdup (missing_text (order[i]));
      if (file->state == FILE_TOO_LARGE && order[i] != INFO)
        return g_strdup (damaged_text (order[i]));
      if (file->state == FILE_READ && file->root == NULL)
        return g_strdup (damaged_text (order[i]));
    }
  if (!finished)
    return g_strdup (missing_text (STATUS));
  return NULL;
}

static gboolean
status_is_finished (UbBackupInfo *info,
                    plist_t       root)
{
  g_autofree char *state = dict_string (root, "SnapshotState");

  g_debug ("Backup %s: snapshot state “%s”", info->path, state ? state : "(none)");
  return g_strcmp0 (state, "finished") == 0;
}

static UbBackupInfo *
info_from_files (const char *path,
                 BackupFile *files)
{
  UbBackupInfo *info = g_new0 (UbBackupInfo, 1);
  gboolean finished;

  info->path = g_strdup (path);
  for (guint i = 0; i < N_FILES; i++)
    parse_file (&files[i], i, path);
  read_info_facts (info, files[INFO].root);
  read_manifest_facts (info, files[MANIFEST].root);
  finished = status_is_finished (info, files[STATUS].root);
  if (info->date == NULL)
    info->date = dict_date (files[STATUS].root, "Date");
  if (info->date == NULL)
    info->date = dict_date (files[MANIFEST].root, "Date");
  if (info->udid == NULL)
    info->udid = udid_from_folder_name (path);
  info->problem = problem_text (files, finished);
  info->complete = info->problem == NULL;
  if (files[INFO].state == FILE_TOO_LARGE)
    g_debug ("Info.plist of %s is over %u bytes: its facts come from Manifest.plist", path,
             (guint)UB_BACKUP_INFO_PLIST_MAX);
  for (guint i = 0; i < N_FILES; i++)
    {
      g_clear_pointer (&files[i].root, plist_free);
      g_clear_pointer (&files[i].bytes, g_bytes_unref);
    }
  return info;
}

/**
 * ub_backup_info_new_from_data:
 * @path: the backup folder, for the record
 * @info_plist: (nullable): Info.plist's bytes, %NULL if missing
 * @manifest_plist: (nullable): Manifest.plist's bytes
 * @status_plist: (nullable): Status.plist's bytes
 *
 * What ub_backup_info_parse_folder() makes of the files it reads, without
 * the disk: any bytes give an answer. The size is 0.
 *
 * Returns: (transfer full): the backup's facts
 */
UbBackupInfo *
ub_backup_info_new_from_data (const char *path,
                              GBytes     *info_plist,
                              GBytes     *manifest_plist,
                              GBytes     *status_plist)
{
  GBytes *given[N_FILES] = { info_plist, manifest_plist, status_plist };
  BackupFile files[N_FILES] = { { 0 } };

  g_return_val_if_fail (path != NULL, NULL);

  for (guint i = 0; i < N_FILES; i++)
    {
      if (given[i] == NULL)
        files[i].state = FILE_MISSING;
      else if (g_bytes_get_size (given[i]) > file_caps[i])
        files[i].state = FILE_TOO_LARGE;
      else
        {
          files[i].state = FILE_READ;
          files[i].bytes = g_bytes_ref (given[i]);
        }
    }
  return info_from_files (path, files);
}

/* Reads at most @max bytes of a regular file, without blocking on a FIFO */
static void
read_capped (const char *path,
             gsize       max,
             BackupFile *file)
{
  g_autofree guint8 *buf = NULL;
  struct stat st;
  gsize len = 0;
  int fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY, 0);

  if (fd < 0)
    {
      file->errsv = errno;
      file->state = file->errsv == ENOENT || file->errsv == ENOTDIR ? FILE_MISSING : FILE_UNREADABLE;
      return;
    }
  if (fstat (fd, &st) != 0)
    {
      file->errsv = errno;
      file->state = FILE_UNREADABLE;
      close (fd);
      return;
    }
  if (!S_ISREG (st.st_mode) || (guint64)st.st_size > max)
    {
      file->state = S_ISREG (st.st_mode) ? FILE_TOO_LARGE : FILE_READ;
      file->bytes = g_bytes_new (NULL, 0);      /* not a file: parses as damaged */
      close (fd);
      return;
    }
  buf = g_malloc (max + 1);
  while (len <= max)
    {
      gssize n = read (fd, buf + len, max + 1 - len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      len += n;
    }
  close (fd);
  file->state = len > max ? FILE_TOO_LARGE : FILE_READ;
  file->bytes = g_bytes_new_take (g_steal_pointer (&buf), len);
}

/* Adds up the sizes of the regular files below @dir, @depth levels deep at
 * most, never following a symbolic link. Subfolders that cannot be read are
 * skipped; only a cancellation stops the count. */
static gboolean
add_sizes (GFile         *dir,
           guint          depth,
           guint64       *total,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(GFileEnumerator) children = NULL;
  g_autoptr(GError) local = NULL;
  GFileInfo *child;

  children = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                        G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                                        G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, cancellable, &local);
  while (children != NULL &&
         g_file_enumerator_iterate (children, &child, NULL, cancellable, &local) && child != NULL)
    {
      GFileType type = g_file_info_get_file_type (child);

      if (type == G_FILE_TYPE_REGULAR)
        *total += (guint64)g_file_info_get_size (child);
      else if (type == G_FILE_TYPE_DIRECTORY && depth < UB_BACKUP_MAX_DEPTH)
        {
          g_autoptr(GFile) sub = g_file_get_child (dir, g_file_info_get_name (child));

          if (!add_sizes (sub, depth + 1, total, cancellable, error))
            return FALSE;
        }
    }
  if (local != NULL && g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (local != NULL)
    g_debug ("Size count skips %s: %s", g_file_peek_path (dir), local->message);
  return TRUE;
}

/**
 * ub_backup_info_parse_folder_full:
 * @path: a backup folder, <dir>/<UDID>
 *
 * Reads the folder's three property lists and adds up its size. A damaged
 * or unreadable backup still gives an answer, with `problem` saying why.
 *
 * Returns: (transfer full): the backup's facts, or %NULL with
 *   %UB_ERROR_NOT_FOUND when @path is not a folder holding any of the three
 *   files, or %G_IO_ERROR_CANCELLED
 */
UbBackupInfo *
ub_backup_info_parse_folder_full (const char    *path,
                                  GCancellable  *cancellable,
                                  GError       **error)
{
  BackupFile files[N_FILES] = { { 0 } };
  g_autoptr(GFile) dir = NULL;
  g_autoptr(UbBackupInfo) info = NULL;
  gboolean any = FALSE;

  g_return_val_if_fail (path != NULL, NULL);

  for (guint i = 0; i < N_FILES; i++)
    {
      g_autofree char *file = g_build_filename (path, file_names[i], NULL);

      read_capped (file, file_caps[i], &files[i]);
      any |= files[i].state != FILE_MISSING;
    }
  if (!any)
    {
      g_set_error (error, UB_ERROR, UB_ERROR_NOT_FOUND,
                   _("“%s” is not an iPhone backup: it has no Info.plist, Manifest.plist or Status.plist."),
                   path);
      return NULL;
    }
  info = info_from_files (path, files);
  dir = g_file_new_for_path (path);
  if (!add_sizes (dir, 1, &info->size, cancellable, error))
    return NULL;
  g_debug ("Backup %s: UDID %s, %s, %" G_GUINT64_FORMAT " bytes, %s%s%s", path, info->udid,
           info->product_type, info->size, info->encrypted ? "encrypted, " : "",
           info->complete ? "complete" : "incomplete: ", info->problem ? info->problem : "");
  return g_steal_pointer (&info);
}

/**
 * ub_backup_info_parse_folder:
 *
 * ub_backup_info_parse_folder_full() without a cancellable.
 *
 * Returns: (transfer full): the backup's facts, or %NULL with @error set
 */
UbBackupInfo *
ub_backup_info_parse_folder (const char  *path,
                             GError     **error)
{
  return ub_backup_info_parse_folder_full (path, NULL, error);
}

/**
 * ub_backup_info_is_for:
 *
 * Returns: whether @info is a backup of the phone @udid (letter case aside)
 */
gboolean
ub_backup_info_is_for (const UbBackupInfo *info,
                       const char         *udid)
{
  g_return_val_if_fail (info != NULL, FALSE);
  g_return_val_if_fail (udid != NULL, FALSE);

  return info->udid != NULL && g_ascii_strcasecmp (info->udid, udid) == 0;
}
