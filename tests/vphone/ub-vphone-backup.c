/* ub-vphone-backup.c — the phone's backup service (com.apple.mobilebackup2)
 *
 * lockdownd starts it in a paired session (ub-vphone-lockdownd.c); usbmuxd
 * hands it the host's connections to port 49160. Each connection runs in a
 * thread of its own (ub-vphone-backup-session.c), with blocking reads and
 * writes that the phone's going away (close_all) cancels.
 *
 * Settings (`set KEY VALUE` on the control socket):
 *   backup-size BYTES       the data files' bytes together (default 1 MiB)
 *   backup-files N          how many data files (default 8)
 *   backup-encrypted yes|no what lockdownd says of WillEncrypt, and what
 *                           Manifest.plist says of IsEncrypted (default no)
 *   data-used BYTES|auto    the data lockdownd's com.apple.disk_usage
 *                           reports (auto, the default: backup-size)
 *   backup-rate BYTES       the most data bytes a second the phone sends,
 *                           in wall-clock time (0, the default: no limit)
 * They apply to the next connection. Faults (ub-vphone-faults.h):
 * backup-stall, backup-unplug-at-file N, backup-bad-path, backup-refused.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-vphone-backup"

#include "config.h"

#include "ub-vphone-backup-private.h"

#define DATA_CAPACITY (G_GUINT64_CONSTANT (56) << 30)

struct _UbVphoneBackup
{
  GObject           parent_instance;

  UbVphoneIdentity *identity;
  UbVphonePhone    *phone;
  UbVphoneFaults   *faults;
  UbVphoneRecorder *recorder;
  guint64           size;
  guint             n_files;
  gboolean          encrypted;
  guint64           data_used;
  gboolean          has_data_used;
  guint64           rate;
  GPtrArray        *sessions;      /* UbVphoneBackupSession, main thread only */
};

static void ub_vphone_backup_service_init (UbVphoneServiceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (UbVphoneBackup, ub_vphone_backup, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (UB_TYPE_VPHONE_SERVICE,
                                                      ub_vphone_backup_service_init))

static void
session_free (UbVphoneBackupSession *session)
{
  if (session->thread != NULL)
    g_thread_join (session->thread);
  g_clear_object (&session->backup);
  g_clear_object (&session->stream);
  g_clear_object (&session->cancellable);
  g_clear_object (&session->recorder);
  g_free (session->udid);
  g_free (session->product_type);
  g_free (session->product_version);
  g_free (session->build_version);
  g_free (session->device_name);
  g_free (session);
}

/* Back on the main thread once a connection's thread has ended */
static gboolean
on_session_ended (gpointer data)
{
  UbVphoneBackupSession *session = data;
  UbVphoneBackup *self = session->backup;

  g_debug ("Backup connection ended");
  if (self->sessions != NULL && g_ptr_array_remove (self->sessions, session))
    return G_SOURCE_REMOVE;
  session_free (session);
  return G_SOURCE_REMOVE;
}

static gpointer
session_thread (gpointer data)
{
  UbVphoneBackupSession *session = data;

  ub_vphone_backup_session_run (session);
  g_io_stream_close (session->stream, NULL, NULL);
  g_idle_add (on_session_ended, session);
  return NULL;
}

static gboolean
on_unplug (gpointer data)
{
  UbVphoneBackupSession *session = data;
  UbVphoneBackup *self = session->backup;

  ub_vphone_faults_take_number (self->faults, UB_VPHONE_FAULT_BACKUP_UNPLUG_AT_FILE,
                                (guint)session->unplug_at);
  ub_vphone_phone_set_plugged (self->phone, FALSE);
  return G_SOURCE_REMOVE;
}

/**
 * _ub_vphone_backup_unplug:
 *
 * From a connection's thread: the cable comes out (on the main thread).
 */
void
_ub_vphone_backup_unplug (UbVphoneBackupSession *session)
{
  g_idle_add (on_unplug, session);
}

static UbVphoneBackupSession *
session_new (UbVphoneBackup *self,
             GIOStream      *stream)
{
  UbVphoneBackupSession *session = g_new0 (UbVphoneBackupSession, 1);
  UbVphoneIdentity *id = self->identity;

  session->backup = g_object_ref (self);
  session->stream = g_object_ref (stream);
  session->in = g_io_stream_get_input_stream (stream);
  session->out = g_io_stream_get_output_stream (stream);
  session->cancellable = g_cancellable_new ();
  session->recorder = g_object_ref (self->recorder);
  session->layout.ecid = ub_vphone_identity_get_ecid (id);
  session->layout.total = self->size;
  session->layout.n_files = self->n_files;
  session->udid = g_strdup (ub_vphone_identity_get_udid (id));
  session->product_type = g_strdup (ub_model_get_product_type (ub_vphone_identity_get_model (id)));
  session->product_version = g_strdup (ub_vphone_identity_get_product_version (id));
  session->build_version = g_strdup (ub_vphone_identity_get_build_version (id));
  session->device_name = g_strdup (ub_vphone_identity_get_device_name (id));
  session->encrypted = self->encrypted;
  session->rate = self->rate;
  session->stall = ub_vphone_faults_is_active (self->faults, UB_VPHONE_FAULT_BACKUP_STALL);
  session->bad_path = ub_vphone_faults_is_active (self->faults, UB_VPHONE_FAULT_BACKUP_BAD_PATH);
  session->refused = ub_vphone_faults_is_active (self->faults, UB_VPHONE_FAULT_BACKUP_REFUSED);
  session->unplug_at = ub_vphone_faults_get_number (self->faults, UB_VPHONE_FAULT_BACKUP_UNPLUG_AT_FILE);
  return session;
}

static void
ub_vphone_backup_accept (UbVphoneService *service,
                         GIOStream       *stream)
{
  UbVphoneBackup *self = UB_VPHONE_BACKUP (service);
  UbVphoneBackupSession *session = session_new (self, stream);

  g_debug ("Backup connection from the host");
  g_ptr_array_add (self->sessions, session);
  session->thread = g_thread_new ("vphone-backup", session_thread, session);
}

static void
ub_vphone_backup_close_all (UbVphoneService *service)
{
  UbVphoneBackup *self = UB_VPHONE_BACKUP (service);

  for (guint i = 0; i < self->sessions->len; i++)
    {
      UbVphoneBackupSession *session = g_ptr_array_index (self->sessions, i);

      g_cancellable_cancel (session->cancellable);
    }
}

static void
ub_vphone_backup_service_init (UbVphoneServiceInterface *iface)
{
  iface->accept = ub_vphone_backup_accept;
  iface->close_all = ub_vphone_backup_close_all;
}

static void
ub_vphone_backup_dispose (GObject *object)
{
  UbVphoneBackup *self = UB_VPHONE_BACKUP (object);

  if (self->sessions != NULL)
    {
      ub_vphone_backup_close_all (UB_VPHONE_SERVICE (self));
      /* Each thread's session frees itself when it ends */
      g_ptr_array_set_free_func (self->sessions, NULL);
      g_clear_pointer (&self->sessions, g_ptr_array_unref);
    }
  g_clear_object (&self->identity);
  g_clear_object (&self->phone);
  g_clear_object (&self->faults);
  g_clear_object (&self->recorder);

  G_OBJECT_CLASS (ub_vphone_backup_parent_class)->dispose (object);
}

static void
ub_vphone_backup_class_init (UbVphoneBackupClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = ub_vphone_backup_dispose;
}

static void
ub_vphone_backup_init (UbVphoneBackup *self)
{
  self->size = UB_VPHONE_BACKUP_DEFAULT_SIZE;
  self->n_files = UB_VPHONE_BACKUP_DEFAULT_FILES;
  self->sessions = g_ptr_array_new_with_free_func ((GDestroyNotify)session_free);
}

UbVphoneBackup *
ub_vphone_backup_new (UbVphoneIdentity *identity,
                      UbVphonePhone    *phone,
                      UbVphoneFaults   *faults,
                      UbVphoneRecorder *recorder)
{
  UbVphoneBackup *self = g_object_new (UB_TYPE_VPHONE_BACKUP, NULL);

  self->identity = g_object_ref (identity);
  self->phone = g_object_ref (phone);
  self->faults = g_object_ref (faults);
  self->recorder = g_object_ref (recorder);
  return self;
}

static gboolean
parse_setting (const char  *key,
               const char  *value,
               guint64     *number,
               GError     **error)
{
  if (g_str_equal (key, "backup-encrypted"))
    {
      if (g_strcmp0 (value, "yes") != 0 && g_strcmp0 (value, "no") != 0)
        goto bad;
      *number = g_str_equal (value, "yes");
      return TRUE;
    }
  if (g_str_equal (key, "backup-files"))
    {
      if (!g_ascii_string_to_unsigned (value, 10, 1, UB_VPHONE_BACKUP_MAX_FILES, number, NULL))
        goto bad;
      return TRUE;
    }
  if (g_str_equal (key, "data-used") && g_strcmp0 (value, "auto") == 0)
    {
      *number = G_MAXUINT64;
      return TRUE;
    }
  if (g_str_equal (key, "backup-size") || g_str_equal (key, "data-used") || g_str_equal (key, "backup-rate"))
    {
      if (!g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT64 / 2, number, NULL))
        goto bad;
      return TRUE;
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "unknown setting \"%s\"", key);
  return FALSE;
bad:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "bad value \"%s\" for %s", value ? value : "", key);
  return FALSE;
}

/**
 * ub_vphone_backup_check_setting:
 *
 * Validates `set KEY VALUE` without applying it (for scenario files).
 */
gboolean
ub_vphone_backup_check_setting (const char  *key,
                                const char  *value,
                                GError     **error)
{
  guint64 number;

  g_return_val_if_fail (key != NULL, FALSE);
  return parse_setting (key, value, &number, error);
}

gboolean
ub_vphone_backup_set (UbVphoneBackup  *self,
                      const char      *key,
                      const char      *value,
                      GError         **error)
{
  guint64 number;

  g_return_val_if_fail (UB_IS_VPHONE_BACKUP (self), FALSE);

  if (!parse_setting (key, value, &number, error))
    return FALSE;
  if (g_str_equal (key, "backup-encrypted"))
    self->encrypted = number != 0;
  else if (g_str_equal (key, "backup-files"))
    self->n_files = (guint)number;
  else if (g_str_equal (key, "backup-size"))
    self->size = number;
  else if (g_str_equal (key, "backup-rate"))
    self->rate = number;
  else
    {
      self->data_used = number;
      self->has_data_used = number != G_MAXUINT64;
    }
  g_debug ("Backup setting %s = %s", key, value);
  return TRUE;
}

/**
 * ub_vphone_backup_adjust_values:
 * @values: what lockdownd tells of @domain
 *
 * Makes lockdownd's backup and disk usage domains follow the settings.
 */
void
ub_vphone_backup_adjust_values (UbVphoneBackup *self,
                                const char     *domain,
                                plist_t         values)
{
  guint64 used, capacity;

  g_return_if_fail (UB_IS_VPHONE_BACKUP (self));

  if (values == NULL || domain == NULL)
    return;
  if (g_str_equal (domain, "com.apple.mobile.backup"))
    plist_dict_set_item (values, "WillEncrypt", plist_new_bool (self->encrypted));
  if (!g_str_equal (domain, "com.apple.disk_usage"))
    return;
  used = self->has_data_used ? self->data_used : self->size;
  capacity = MAX (DATA_CAPACITY, used);
  plist_dict_set_item (values, "TotalDataCapacity", plist_new_uint (capacity));
  plist_dict_set_item (values, "TotalDataAvailable", plist_new_uint (capacity - used));
  plist_dict_set_item (values, "AmountDataAvailable", plist_new_uint (capacity - used));
}
