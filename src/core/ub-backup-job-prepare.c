/* ub-backup-job-prepare.c — everything before the phone sends its files
 *
 * 1. A paired lockdownd session (the phone asks its owner to trust this
 *    computer; the words for each refusal come from ub-lockdown.c), and what
 *    lockdownd tells in it: the facts Info.plist records, whether the phone
 *    encrypts its backups (com.apple.mobile.backup WillEncrypt) and how much
 *    data it holds (com.apple.disk_usage).
 * 2. The folder: created if need be, locked against a second backup into
 *    it, and its disk checked: the phone's data, less what an earlier backup
 *    there already holds, must fit.
 * 3. The sync lock, as idevicebackup2 and pymobiledevice3 take it: a
 *    "sync will start" notification (notification_proxy), then an exclusive
 *    lock on /com.apple.itunes.lock_sync through AFC. The phone then knows a
 *    computer is syncing, and a second computer (iTunes, Finder) cannot back
 *    it up at the same time; a lock another one holds for more than 10 s
 *    ends the backup with %UB_ERROR_DEVICE_BUSY. When the phone offers no
 *    such service the backup goes on without the lock.
 * 4. The backup service (com.apple.mobilebackup2), over TLS when the phone
 *    asks for it, and its Hello (ub-backup-job-link.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-backup"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sys/file.h>
#include <unistd.h>

#include "ub-backup-job-private.h"
#include "ub-error.h"
#include "ub-lockdown.h"
#include "ub-lockdown-private.h"
#include "ub-plist.h"

#define LOCK_ATTEMPTS  50
#define LOCK_WAIT_MS   200
#define MAC_EPOCH      978307200

/**
 * _ub_backup_phone_is_connected:
 *
 * Returns: whether usbmuxd lists @udid on a cable
 */
gboolean
_ub_backup_phone_is_connected (const char *udid)
{
  idevice_info_t *list = NULL;
  int count = 0;
  gboolean found = FALSE;

  if (idevice_get_device_list_extended (&list, &count) != IDEVICE_E_SUCCESS)
    return FALSE;
  for (int i = 0; i < count; i++)
    if (list[i]->conn_type == CONNECTION_USBMUXD && g_ascii_strcasecmp (list[i]->udid, udid) == 0)
      found = TRUE;
  idevice_device_list_extended_free (list);
  return found;
}

gboolean
_ub_backup_prepare_connect (UbBackupSession  *s,
                            GError          **error)
{
  plist_t encrypt;
  guint8 will_encrypt = FALSE;

  _ub_backup_job_set_phase (s->job, UB_BACKUP_PHASE_CONNECTING);
  if (!_ub_lockdown_connect_paired (s->job->udid, &s->device, &s->lockdown, error))
    return FALSE;
  _ub_backup_job_touch (s->job);
  s->values = _ub_lockdown_get_value (s->lockdown, NULL, NULL, PLIST_DICT);
  encrypt = _ub_lockdown_get_value (s->lockdown, "com.apple.mobile.backup", "WillEncrypt", PLIST_BOOLEAN);
  if (encrypt != NULL)
    plist_get_bool_val (encrypt, &will_encrypt);
  g_clear_pointer (&encrypt, plist_free);
  g_debug ("Backup of %s: the phone %s its backups", s->job->udid, will_encrypt ? "encrypts" : "does not encrypt");
  _ub_backup_job_set_encrypted (s->job, will_encrypt);
  return !g_cancellable_set_error_if_cancelled (s->cancellable, error);
}

/* The phone's data: what a backup holds at most */
static gboolean
get_data_used (UbBackupSession *s,
               guint64         *used)
{
  plist_t usage = _ub_lockdown_get_value (s->lockdown, "com.apple.disk_usage", NULL, PLIST_DICT);
  plist_t capacity = usage ? plist_dict_get_item (usage, "TotalDataCapacity") : NULL;
  plist_t available = usage ? plist_dict_get_item (usage, "TotalDataAvailable") : NULL;
  guint64 cap = 0, avail = 0;
  gboolean ok = capacity != NULL && available != NULL && plist_get_node_type (capacity) == PLIST_UINT &&
                plist_get_node_type (available) == PLIST_UINT;

  if (ok)
    {
      plist_get_uint_val (capacity, &cap);
      plist_get_uint_val (available, &avail);
      ok = cap >= avail;
      *used = cap - avail;
    }
  g_clear_pointer (&usage, plist_free);
  return ok;
}

static gboolean
check_space (UbBackupSession  *s,
             GError          **error)
{
  g_autoptr(GFile) folder = g_file_new_for_path (s->job->folder);
  g_autoptr(GFileInfo) info = NULL;
  g_autofree char *need_s = NULL;
  g_autofree char *free_s = NULL;
  guint64 used, existing, needed, available;

  if (!get_data_used (s, &used))
    {
      g_debug ("Backup of %s: the phone does not tell its data size; not checking free space", s->job->udid);
      return TRUE;
    }
  info = g_file_query_filesystem_info (folder, G_FILE_ATTRIBUTE_FILESYSTEM_FREE, s->cancellable, NULL);
  if (info == NULL || !g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_FILESYSTEM_FREE))
    return !g_cancellable_set_error_if_cancelled (s->cancellable, error);
  available = g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_FILESYSTEM_FREE);
  existing = _ub_backup_store_size (s);
  needed = used > existing ? used - existing : 0;
  g_debug ("Backup of %s: %" G_GUINT64_FORMAT " bytes of data, %" G_GUINT64_FORMAT " in the earlier backup, "
           "%" G_GUINT64_FORMAT " free", s->job->udid, used, existing, available);
  if (needed <= G_MAXUINT64 - UB_BACKUP_SPACE_MARGIN && needed + UB_BACKUP_SPACE_MARGIN <= available)
    return !g_cancellable_set_error_if_cancelled (s->cancellable, error);
  need_s = g_format_size (needed);
  free_s = g_format_size (available);
  /* TRANSLATORS: a folder, then two sizes such as "62.1 GB" */
  g_set_error (error, UB_ERROR, UB_ERROR_NO_SPACE,
               _("Not enough free disk space in “%s”: the backup of this iPhone needs about %s, but only %s "
                 "are free. Free some space or choose another folder."), s->job->folder, need_s, free_s);
  return FALSE;
}

/* A second backup into the same folder waits for nothing: it is refused */
static gboolean
lock_folder (UbBackupSession  *s,
             GError          **error)
{
  g_autofree char *name = g_strdup_printf (".%s.lock", s->job->udid);

  s->host_lock_fd = openat (s->folder_fd, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (s->host_lock_fd < 0)
    {
      _ub_backup_store_set_error (error, errno, s->job->folder);
      return FALSE;
    }
  if (flock (s->host_lock_fd, LOCK_EX | LOCK_NB) == 0)
    return TRUE;
  g_set_error (error, UB_ERROR, UB_ERROR_DEVICE_BUSY,
               _("Another backup of this iPhone into “%s” is still running. Wait for it to end, or "
                 "choose another folder."), s->job->folder);
  return FALSE;
}

static gboolean
has_file (UbBackupSession *s,
          const char      *name)
{
  g_autofree char *path = g_build_filename (s->job->udid, name, NULL);

  return faccessat (s->folder_fd, path, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

gboolean
_ub_backup_prepare_folder (UbBackupSession  *s,
                           GError          **error)
{
  _ub_backup_job_set_phase (s->job, UB_BACKUP_PHASE_CHECKING);
  if (g_mkdir_with_parents (s->job->folder, 0700) != 0)
    {
      _ub_backup_store_set_error (error, errno, s->job->folder);
      return FALSE;
    }
  s->folder_fd = g_open (s->job->folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (s->folder_fd < 0)
    {
      _ub_backup_store_set_error (error, errno, s->job->folder);
      return FALSE;
    }
  if (!lock_folder (s, error))
    return FALSE;
  _ub_backup_job_set_had_backup (s->job, has_file (s, "Status.plist") || has_file (s, "Manifest.plist"));
  return check_space (s, error);
}

static gboolean
start_service (UbBackupSession               *s,
               const char                    *name,
               lockdownd_service_descriptor_t *service)
{
  lockdownd_error_t status = lockdownd_start_service (s->lockdown, name, service);

  g_debug ("Backup of %s: starting %s: %d", s->job->udid, name, status);
  _ub_backup_job_touch (s->job);
  return status == LOCKDOWN_E_SUCCESS;
}

static void
post (UbBackupSession *s,
      const char      *notification)
{
  if (s->np != NULL)
    np_post_notification (s->np, notification);
}

static gboolean
take_lock (UbBackupSession  *s,
           GError          **error)
{
  guint wait_ms = ub_clock_scale_ms (s->job->clock, LOCK_WAIT_MS);

  post (s, NP_SYNC_LOCK_REQUEST);
  for (guint i = 0; i < LOCK_ATTEMPTS; i++)
    {
      afc_error_t status = afc_file_lock (s->afc, s->lock_handle, AFC_LOCK_EX);

      _ub_backup_job_touch (s->job);
      if (status == AFC_E_SUCCESS)
        {
          g_debug ("Backup of %s: sync lock taken", s->job->udid);
          post (s, NP_SYNC_DID_START);
          return TRUE;
        }
      if (status != AFC_E_OP_WOULD_BLOCK)
        {
          g_debug ("Backup of %s: the sync lock failed (%d); going on without it", s->job->udid, status);
          afc_file_close (s->afc, s->lock_handle);
          s->lock_handle = 0;
          return TRUE;
        }
      if (g_cancellable_set_error_if_cancelled (s->cancellable, error))
        break;
      g_usleep ((gulong)wait_ms * 1000);
    }
  afc_file_close (s->afc, s->lock_handle);
  s->lock_handle = 0;
  if (error != NULL && *error == NULL)
    g_set_error_literal (error, UB_ERROR, UB_ERROR_DEVICE_BUSY,
                         _("The iPhone is busy with another backup or sync (iTunes, Finder or another "
                           "program). Wait for it to end and try again."));
  return FALSE;
}

/**
 * _ub_backup_prepare_sync_lock:
 *
 * Tells the phone a sync starts and takes its sync lock, if it offers them.
 *
 * Returns: %FALSE only when another computer holds the lock, or on cancel
 */
gboolean
_ub_backup_prepare_sync_lock (UbBackupSession  *s,
                              GError          **error)
{
  lockdownd_service_descriptor_t service = NULL;

  if (start_service (s, NP_SERVICE_NAME, &service))
    np_client_new (s->device, service, &s->np);
  g_clear_pointer (&service, lockdownd_service_descriptor_free);
  if (start_service (s, AFC_SERVICE_NAME, &service))
    afc_client_new (s->device, service, &s->afc);
  g_clear_pointer (&service, lockdownd_service_descriptor_free);
  post (s, NP_SYNC_WILL_START);
  if (s->afc != NULL && afc_file_open (s->afc, UB_BACKUP_LOCK_FILE, AFC_FOPEN_RW, &s->lock_handle) != AFC_E_SUCCESS)
    s->lock_handle = 0;
  _ub_backup_job_touch (s->job);
  if (s->lock_handle == 0)
    {
      g_debug ("Backup of %s: no sync lock on this phone; going on without it", s->job->udid);
      return !g_cancellable_set_error_if_cancelled (s->cancellable, error);
    }
  return take_lock (s, error);
}

/**
 * _ub_backup_prepare_sync_unlock:
 *
 * Releases the sync lock and says the sync is over.
 */
void
_ub_backup_prepare_sync_unlock (UbBackupSession *s)
{
  if (s->lock_handle != 0)
    {
      afc_file_lock (s->afc, s->lock_handle, AFC_LOCK_UN);
      afc_file_close (s->afc, s->lock_handle);
      s->lock_handle = 0;
      post (s, NP_SYNC_DID_FINISH);
    }
  g_clear_pointer (&s->afc, afc_client_free);
  g_clear_pointer (&s->np, np_client_free);
}

/**
 * _ub_backup_prepare_start:
 *
 * Starts the phone's backup service and says Hello to it.
 */
gboolean
_ub_backup_prepare_start (UbBackupSession  *s,
                          GError          **error)
{
  lockdownd_service_descriptor_t service = NULL;
  lockdownd_error_t status = lockdownd_start_service (s->lockdown, UB_BACKUP_SERVICE, &service);
  service_error_t connected;

  g_debug ("Backup of %s: starting %s: %d", s->job->udid, UB_BACKUP_SERVICE, status);
  if (status == LOCKDOWN_E_INVALID_SERVICE)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_NOT_SUPPORTED,
                           _("This iPhone does not offer backups to this computer."));
      return FALSE;
    }
  if (status != LOCKDOWN_E_SUCCESS)
    {
      ub_lockdown_set_error (error, status);
      return FALSE;
    }
  s->ssl = service->ssl_enabled;
  connected = service_client_new (s->device, service, &s->service);
  lockdownd_service_descriptor_free (service);
  _ub_backup_job_touch (s->job);
  if (connected != SERVICE_E_SUCCESS)
    {
      s->service = NULL;
      g_set_error_literal (error, UB_ERROR, UB_ERROR_DISCONNECTED,
                           _("Could not connect to the iPhone’s backup service. Unlock the iPhone, "
                             "check the cable and try again."));
      return FALSE;
    }
  g_debug ("Backup of %s: connected to the backup service%s", s->job->udid, s->ssl ? " over TLS" : "");
  return _ub_backup_link_hello (s, error);
}

static void
copy_fact (plist_t      info,
           plist_t      values,
           const char  *key,
           const char  *name)
{
  plist_t node = values != NULL ? plist_dict_get_item (values, key) : NULL;
  g_autofree char *value = node != NULL ? ub_plist_dup_string (node) : NULL;

  if (value != NULL)
    plist_dict_set_item (info, name, plist_new_string (value));
}

static plist_t
info_new (UbBackupSession *s)
{
  plist_t info = plist_new_dict ();
  g_autofree char *upper = g_ascii_strup (s->job->udid, -1);
  g_autoptr(GString) guid = g_string_new (NULL);

  for (guint i = 0; i < 4; i++)
    g_string_append_printf (guid, "%08X", g_random_int ());
  copy_fact (info, s->values, "BuildVersion", "Build Version");
  copy_fact (info, s->values, "DeviceName", "Device Name");
  copy_fact (info, s->values, "DeviceName", "Display Name");
  copy_fact (info, s->values, "IntegratedCircuitCardIdentity", "ICCID");
  copy_fact (info, s->values, "InternationalMobileEquipmentIdentity", "IMEI");
  copy_fact (info, s->values, "MobileEquipmentIdentifier", "MEID");
  copy_fact (info, s->values, "PhoneNumber", "Phone Number");
  copy_fact (info, s->values, "ProductType", "Product Type");
  copy_fact (info, s->values, "ProductVersion", "Product Version");
  copy_fact (info, s->values, "SerialNumber", "Serial Number");
  plist_dict_set_item (info, "GUID", plist_new_string (guid->str));
  plist_dict_set_item (info, "Last Backup Date",
                       plist_new_date ((int32_t)(g_get_real_time () / G_USEC_PER_SEC - MAC_EPOCH), 0));
  plist_dict_set_item (info, "Target Identifier", plist_new_string (s->job->udid));
  plist_dict_set_item (info, "Target Type", plist_new_string ("Device"));
  plist_dict_set_item (info, "Unique Identifier", plist_new_string (upper));
  plist_dict_set_item (info, "iTunes Version", plist_new_string ("10.0.1"));
  return info;
}

/**
 * _ub_backup_prepare_write_info:
 * @replace: write it even if there is one (at the end); otherwise only when
 *   the folder has none, so that an unfinished backup still says whose it is
 *
 * Writes Info.plist, the part of the backup this computer makes.
 */
gboolean
_ub_backup_prepare_write_info (UbBackupSession  *s,
                               gboolean          replace,
                               GError          **error)
{
  plist_t info;
  gboolean ok;

  if (!replace && has_file (s, "Info.plist"))
    return TRUE;
  if (!replace && !_ub_backup_store_begin_change (s, error))
    return FALSE;
  info = info_new (s);
  ok = _ub_backup_store_write_plist (s, "Info.plist", info, error);
  plist_free (info);
  g_debug ("Backup of %s: Info.plist written", s->job->udid);
  return ok;
}
