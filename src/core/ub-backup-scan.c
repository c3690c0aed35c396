/* ub-backup-scan.c — finding the backups of a phone on this computer
 *
 * Where backups are looked for ("the usual places"), each the parent of
 * <UDID> folders:
 *  - $XDG_DATA_HOME/unbrick/backups: where Unbrick makes them
 *    (ub_backup_dup_default_folder() in ub-backup-job.c names the same);
 *  - iTunes for Windows run under Wine, in $WINEPREFIX (else ~/.wine):
 *    drive_c/users/$USER/AppData/Roaming/Apple Computer/MobileSync/Backup,
 *    and "Application Data" instead of "AppData/Roaming" in prefixes made by
 *    older Wine versions, which used the Windows XP profile layout;
 *  - ~/MobileSync/Backup: "MobileSync/Backup" is the folder's name on both
 *    Windows and macOS, and where a copied MobileSync folder lands in the
 *    home folder.
 * idevicebackup2 has no default folder (it takes one on its command line),
 * so those backups are found once the person adds their folder: the
 * GSettings key "backup-folders" keeps the folders added.
 *
 * A search folder may also be a backup itself. Folders that do not exist are
 * skipped quietly; a backup that cannot be read is listed with its problem;
 * a folder that cannot be listed is skipped with a debug line. The search
 * runs in a worker thread behind a watchdog.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-backup-scan"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "ub-backup-scan.h"
#include "ub-error.h"
#include "ub-watchdog.h"

typedef struct
{
  char  *udid;
  char **folders;
} ScanData;

static void
scan_data_free (ScanData *data)
{
  g_free (data->udid);
  g_strfreev (data->folders);
  g_free (data);
}

static GSettings *
settings_new_if_installed (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = source ? g_settings_schema_source_lookup (source, APP_ID, TRUE) : NULL;

  if (schema == NULL || !g_settings_schema_has_key (schema, UB_BACKUP_FOLDERS_KEY))
    {
      g_debug ("GSettings schema %s with “%s” not installed", APP_ID, UB_BACKUP_FOLDERS_KEY);
      return NULL;
    }
  return g_settings_new (APP_ID);
}

/* An absolute, tidy path: "~/x" and relative paths are taken from home */
static char *
tidy_path (const char *path)
{
  if (path[0] == '~' && (path[1] == '/' || path[1] == '\0'))
    return g_canonicalize_filename (path[1] ? path + 2 : ".", g_get_home_dir ());
  return g_canonicalize_filename (path, g_get_home_dir ());
}

static void
add_unique (GPtrArray  *folders,
            const char *path)
{
  g_autofree char *tidy = NULL;

  if (path == NULL || path[0] == '\0')
    return;
  tidy = tidy_path (path);
  for (guint i = 0; i < folders->len; i++)
    if (g_str_equal (folders->pdata[i], tidy))
      return;
  g_ptr_array_add (folders, g_steal_pointer (&tidy));
}

static char **
strv_from_array (GPtrArray *folders)
{
  g_ptr_array_add (folders, NULL);
  return (char **)g_ptr_array_free (folders, FALSE);
}

static void
add_wine_folders (GPtrArray *folders)
{
  const char *prefix = g_getenv ("WINEPREFIX");
  g_autofree char *wine = NULL;
  g_autofree char *user = NULL;

  if (prefix != NULL && g_path_is_absolute (prefix))
    wine = g_strdup (prefix);
  else
    wine = g_build_filename (g_get_home_dir (), ".wine", NULL);
  user = g_build_filename (wine, "drive_c", "users", g_get_user_name (), NULL);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *path = g_build_filename (user, i == 0 ? "AppData/Roaming" : "Application Data",
                                                "Apple Computer", "MobileSync", "Backup", NULL);
      add_unique (folders, path);
    }
}

/**
 * ub_backup_dup_usual_folders:
 *
 * Returns: (transfer full): the usual places for backups (see the top of
 *   this file), whether they exist or not
 */
char **
ub_backup_dup_usual_folders (void)
{
  GPtrArray *folders = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *own = g_build_filename (g_get_user_data_dir (), "unbrick", "backups", NULL);
  g_autofree char *home_sync = g_build_filename (g_get_home_dir (), "MobileSync", "Backup", NULL);

  add_unique (folders, own);
  add_wine_folders (folders);
  add_unique (folders, home_sync);
  return strv_from_array (folders);
}

/**
 * ub_backup_dup_user_folders:
 *
 * Returns: (transfer full): the folders the person added (GSettings
 *   "backup-folders"), empty when the schema is not installed
 */
char **
ub_backup_dup_user_folders (void)
{
  g_autoptr(GSettings) settings = settings_new_if_installed ();

  if (settings == NULL)
    return g_new0 (char *, 1);
  return g_settings_get_strv (settings, UB_BACKUP_FOLDERS_KEY);
}

/**
 * ub_backup_dup_search_folders:
 *
 * Returns: (transfer full): the usual places, then the folders the person
 *   added, each once
 */
char **
ub_backup_dup_search_folders (void)
{
  GPtrArray *folders = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) usual = ub_backup_dup_usual_folders ();
  g_auto(GStrv) added = ub_backup_dup_user_folders ();

  for (guint i = 0; usual[i] != NULL; i++)
    add_unique (folders, usual[i]);
  for (guint i = 0; added[i] != NULL; i++)
    add_unique (folders, added[i]);
  return strv_from_array (folders);
}

static gboolean
set_user_folders (GSettings   *settings,
                  GPtrArray   *folders,
                  GError     **error)
{
  g_auto(GStrv) strv = strv_from_array (folders);

  if (!g_settings_set_strv (settings, UB_BACKUP_FOLDERS_KEY, (const char * const *)strv))
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_FAILED, _("The list of backup folders could not be saved."));
      return FALSE;
    }
  g_debug ("Backup folders added by the person: %u", g_strv_length (strv));
  return TRUE;
}

/* The folders added, without @without (tidied); NULL with an error when
 * settings cannot be kept */
static GPtrArray *
user_folders_without (GSettings  **settings,
                      const char  *without,
                      gboolean    *found,
                      GError     **error)
{
  g_auto(GStrv) added = NULL;
  GPtrArray *folders;

  if ((*settings = settings_new_if_installed ()) == NULL)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_NOT_SUPPORTED,
                           _("Backup folders cannot be remembered: Unbrick’s settings are not installed."));
      return NULL;
    }
  added = g_settings_get_strv (*settings, UB_BACKUP_FOLDERS_KEY);
  folders = g_ptr_array_new_with_free_func (g_free);
  *found = FALSE;
  for (guint i = 0; added[i] != NULL; i++)
    {
      g_autofree char *tidy = tidy_path (added[i]);

      if (g_str_equal (tidy, without))
        *found = TRUE;
      else
        add_unique (folders, tidy);
    }
  return folders;
}

/**
 * ub_backup_add_user_folder:
 * @folder: a folder holding backups, or a backup
 *
 * Remembers @folder in GSettings "backup-folders" (once).
 *
 * Returns: %FALSE with @error set if settings cannot be kept
 */
gboolean
ub_backup_add_user_folder (const char  *folder,
                           GError     **error)
{
  g_autoptr(GSettings) settings = NULL;
  g_autofree char *tidy = NULL;
  GPtrArray *folders;
  gboolean found;

  g_return_val_if_fail (folder != NULL && folder[0] != '\0', FALSE);

  tidy = tidy_path (folder);
  if ((folders = user_folders_without (&settings, tidy, &found, error)) == NULL)
    return FALSE;
  g_ptr_array_add (folders, g_steal_pointer (&tidy));
  return set_user_folders (settings, folders, error);
}

/**
 * ub_backup_remove_user_folder:
 *
 * Forgets @folder; nothing happens if it was not added.
 *
 * Returns: %FALSE with @error set if settings cannot be kept
 */
gboolean
ub_backup_remove_user_folder (const char  *folder,
                              GError     **error)
{
  g_autoptr(GSettings) settings = NULL;
  g_autofree char *tidy = NULL;
  GPtrArray *folders;
  gboolean found;

  g_return_val_if_fail (folder != NULL, FALSE);

  tidy = tidy_path (folder);
  if ((folders = user_folders_without (&settings, tidy, &found, error)) == NULL)
    return FALSE;
  if (!found)
    {
      g_ptr_array_free (folders, TRUE);
      return TRUE;
    }
  return set_user_folders (settings, folders, error);
}

/* Whether @path holds any of a backup's three files; *unreadable when it
 * cannot be looked into */
static gboolean
looks_like_backup (const char *path,
                   gboolean   *unreadable)
{
  static const char * const names[] = { "Info.plist", "Manifest.plist", "Status.plist" };
  GStatBuf st;

  *unreadable = FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *file = g_build_filename (path, names[i], NULL);

      if (g_lstat (file, &st) == 0)
        return TRUE;
      if (errno == EACCES)
        *unreadable = TRUE;
    }
  return FALSE;
}

/* The same folder reached twice (overlapping search folders, a symbolic
 * link) is listed once */
static gboolean
seen_before (GHashTable *seen,
             const char *path)
{
  GStatBuf st;
  char *key;

  if (g_stat (path, &st) != 0)
    return FALSE;
  key = g_strdup_printf ("%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT, (guint64)st.st_dev, (guint64)st.st_ino);
  return !g_hash_table_add (seen, key);
}

typedef struct
{
  const char   *udid;
  GPtrArray    *found;
  GHashTable   *seen;
  GCancellable *cancellable;
} Scan;

static gboolean
add_backup (Scan        *scan,
            const char  *path,
            GError     **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(UbBackupInfo) info = NULL;

  if (seen_before (scan->seen, path))
    {
      g_debug ("Backup %s was found already", path);
      return TRUE;
    }
  info = ub_backup_info_parse_folder_full (path, scan->cancellable, &local);
  if (info == NULL && g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (info == NULL)
    g_debug ("Skipping %s: %s", path, local->message);
  else if (scan->udid != NULL && !ub_backup_info_is_for (info, scan->udid))
    g_debug ("Skipping %s: a backup of another phone (%s)", path, info->udid);
  else
    g_ptr_array_add (scan->found, g_steal_pointer (&info));
  return TRUE;
}

static gboolean
scan_children (Scan        *scan,
               const char  *folder,
               GError     **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(GDir) dir = g_dir_open (folder, 0, &local);
  const char *name;

  if (dir == NULL)
    {
      g_debug ("Cannot list %s: %s", folder, local->message);
      return TRUE;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (folder, name, NULL);
      gboolean unreadable;

      if (g_cancellable_set_error_if_cancelled (scan->cancellable, error))
        return FALSE;
      if (!g_file_test (path, G_FILE_TEST_IS_DIR))
        continue;
      if (looks_like_backup (path, &unreadable) || (unreadable && ub_backup_udid_is_valid (name)))
        {
          if (!add_backup (scan, path, error))
            return FALSE;
        }
      else if (unreadable)
        g_debug ("Cannot look into %s", path);
    }
  return TRUE;
}

static gboolean
scan_folder (Scan        *scan,
             const char  *folder,
             GError     **error)
{
  gboolean unreadable;

  if (!g_file_test (folder, G_FILE_TEST_IS_DIR))
    {
      g_debug ("No folder %s", folder);
      return TRUE;
    }
  g_debug ("Looking for backups in %s", folder);
  if (looks_like_backup (folder, &unreadable))
    return add_backup (scan, folder, error);
  return scan_children (scan, folder, error);
}

/* Newest first; undated last; then by path, for a stable order */
static int
compare_newest_first (gconstpointer a,
                      gconstpointer b)
{
  const UbBackupInfo *x = *(UbBackupInfo * const *)a;
  const UbBackupInfo *y = *(UbBackupInfo * const *)b;

  if (x->date != NULL && y->date != NULL && g_date_time_compare (x->date, y->date) != 0)
    return g_date_time_compare (y->date, x->date);
  if ((x->date == NULL) != (y->date == NULL))
    return x->date == NULL ? 1 : -1;
  return g_strcmp0 (x->path, y->path);
}

static void
scan_worker (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ScanData *data = task_data;
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify)ub_backup_info_free);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  Scan scan = { data->udid, found, seen, cancellable };
  GError *error = NULL;

  for (guint i = 0; data->folders[i] != NULL; i++)
    if (!scan_folder (&scan, data->folders[i], &error))
      {
        g_task_return_error (task, error);
        return;
      }
  g_ptr_array_sort (found, compare_newest_first);
  g_debug ("Found %u backup(s)%s%s", found->len, data->udid ? " of " : "", data->udid ? data->udid : "");
  g_task_return_pointer (task, g_steal_pointer (&found), (GDestroyNotify)g_ptr_array_unref);
}

/**
 * ub_backup_scan_async:
 * @udid: (nullable): only this phone's backups; %NULL for every phone's
 * @folders: (nullable): where to look; %NULL for ub_backup_dup_search_folders()
 *
 * Looks for backups in a worker thread, reading each one's facts and size,
 * giving up after %UB_BACKUP_SCAN_TIMEOUT_MS.
 */
void
ub_backup_scan_async (const char          *udid,
                      const char * const  *folders,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ScanData *data = g_new0 (ScanData, 1);

  data->udid = g_strdup (udid);
  data->folders = folders ? g_strdupv ((char **)folders) : ub_backup_dup_search_folders ();
  task = ub_watchdog_task_new (NULL, cancellable, UB_BACKUP_SCAN_TIMEOUT_MS,
                               _("look for backups"), callback, user_data);
  g_task_set_source_tag (task, ub_backup_scan_async);
  g_task_set_task_data (task, data, (GDestroyNotify)scan_data_free);
  g_task_run_in_thread (task, scan_worker);
}

/**
 * ub_backup_scan_finish:
 *
 * Returns: (transfer container) (element-type UbBackupInfo): the backups
 *   found, newest first (maybe none), or %NULL with %UB_ERROR_TIMED_OUT or
 *   %G_IO_ERROR_CANCELLED
 */
GPtrArray *
ub_backup_scan_finish (GAsyncResult  *result,
                       GError       **error)
{
  g_autoptr(GError) local = NULL;
  GPtrArray *found;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ub_backup_scan_async, NULL);

  found = ub_watchdog_propagate_pointer (G_TASK (result), &local);
  if (g_error_matches (local, UB_ERROR, UB_ERROR_TIMED_OUT))
    {
      g_clear_error (&local);
      g_set_error (&local, UB_ERROR, UB_ERROR_TIMED_OUT,
                   _("Looking for backups took longer than %u seconds. A folder may be on a drive "
                     "that does not answer."), UB_BACKUP_SCAN_TIMEOUT_MS / 1000);
    }
  if (local != NULL)
    g_propagate_error (error, g_steal_pointer (&local));
  return found;
}

static void
on_scanned (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/**
 * ub_backup_scan_sync:
 *
 * ub_backup_scan_async() for the command line and tests: blocks, with the
 * same deadline, iterating a private main context.
 *
 * Returns: (transfer container) (element-type UbBackupInfo): see
 *   ub_backup_scan_finish()
 */
GPtrArray *
ub_backup_scan_sync (const char          *udid,
                     const char * const  *folders,
                     GCancellable        *cancellable,
                     GError             **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GAsyncResult) result = NULL;

  g_main_context_push_thread_default (context);
  ub_backup_scan_async (udid, folders, cancellable, on_scanned, &result);
  while (result == NULL)
    g_main_context_iteration (context, TRUE);
  g_main_context_pop_thread_default (context);
  return ub_backup_scan_finish (result, error);
}
