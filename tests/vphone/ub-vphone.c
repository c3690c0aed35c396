/* ub-vphone.c — the virtual iPhone: its parts, its sockets, its state line
 *
 * Owns everything the simulator runs: the phone model and its boot chain,
 * the umockdev testbed with the phone on it, the fake usbmuxd with lockdownd
 * (or, in restore mode, restored) behind it, the
 * control socket and the record file, all in a temporary directory that
 * ub_vphone_stop() removes. ::state-changed fires whenever a value of the
 * `state` line may have changed, for `wait`.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-vphone"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>
#include <umockdev.h>

#include "ub-model-db.h"
#include "ub-vphone-afc.h"
#include "ub-vphone-backup.h"
#include "ub-vphone-control.h"
#include "ub-vphone-lockdownd.h"
#include "ub-vphone-notify.h"
#include "ub-vphone-restored.h"
#include "ub-vphone-asr.h"
#include "ub-vphone-fdr.h"
#include "ub-vphone-usbmuxd.h"
#include "ub-vphone.h"

#define PRELOAD_LIBRARY "libumockdev-preload.so.0"

struct _UbVphone
{
  GObject            parent_instance;

  char              *tmpdir;
  char              *usbmuxd_path;
  char              *control_path;
  UbModelDb         *db;
  UbVphoneIdentity  *identity;
  UbVphoneRecorder  *recorder;
  UbVphoneFaults    *faults;
  UbVphoneNvram     *nvram;
  UbVphonePhone     *phone;
  UbVphoneChain     *chain;
  UbVphoneUsbMode    usb_mode;    /* as usbmuxd last saw it */
  UMockdevTestbed   *testbed;
  char              *testbed_root;
  UbVphoneUsb       *usb;
  UbVphoneUsbmuxd   *usbmuxd;
  UbVphoneLockdownd *lockdownd;
  UbVphoneRestored  *restored;
  UbVphoneAsr       *asr;
  UbVphoneFdr       *fdr;
  UbVphoneBackup    *backup;
  UbVphoneNotify    *notify;
  UbVphoneAfc       *afc;
  UbVphoneControl   *control;
};

enum {
  SIGNAL_STATE_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char * const state_keys[] = {
  "mode", "screen", "pid", "plugged", "buttons", "ecid", "model", "auto-boot", "udid", "stage",
  "nonce", NULL,
};

G_DEFINE_FINAL_TYPE (UbVphone, ub_vphone, G_TYPE_OBJECT)

static void
ub_vphone_dispose (GObject *object)
{
  UbVphone *self = UB_VPHONE (object);

  ub_vphone_stop (self);
  g_clear_object (&self->control);
  g_clear_object (&self->lockdownd);
  g_clear_object (&self->restored);
  g_clear_object (&self->asr);
  g_clear_object (&self->fdr);
  g_clear_object (&self->backup);
  g_clear_object (&self->notify);
  g_clear_object (&self->afc);
  g_clear_object (&self->usbmuxd);
  g_clear_object (&self->usb);
  g_clear_object (&self->chain);
  g_clear_object (&self->phone);
  g_clear_object (&self->nvram);
  g_clear_object (&self->faults);
  g_clear_object (&self->recorder);
  g_clear_object (&self->identity);
  g_clear_object (&self->db);

  G_OBJECT_CLASS (ub_vphone_parent_class)->dispose (object);
}

static void
ub_vphone_finalize (GObject *object)
{
  UbVphone *self = UB_VPHONE (object);

  g_free (self->tmpdir);
  g_free (self->usbmuxd_path);
  g_free (self->control_path);
  g_free (self->testbed_root);

  G_OBJECT_CLASS (ub_vphone_parent_class)->finalize (object);
}

static void
ub_vphone_class_init (UbVphoneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ub_vphone_dispose;
  object_class->finalize = ub_vphone_finalize;

  /**
   * UbVphone::state-changed:
   *
   * Something the `state` line shows may have changed.
   */
  signals[SIGNAL_STATE_CHANGED] =
    g_signal_new ("state-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
ub_vphone_init (UbVphone *self)
{
}

static void
emit_state_changed (UbVphone *self)
{
  g_signal_emit (self, signals[SIGNAL_STATE_CHANGED], 0);
}

/* On usbmuxd in normal mode (lockdownd on 62078) and restore mode
 * (restored); going straight from one to the other is a re-enumeration. */
static void
on_phone_changed (UbVphone *self)
{
  UbVphoneUsbMode mode = ub_vphone_phone_get_usb_mode (self->phone);
  gboolean muxed = mode == UB_VPHONE_USB_NORMAL || mode == UB_VPHONE_USB_RESTORE;

  if (mode != self->usb_mode)
    ub_vphone_usbmuxd_set_attached (self->usbmuxd, FALSE);
  self->usb_mode = mode;
  if (mode == UB_VPHONE_USB_RESTORE)
    ub_vphone_usbmuxd_set_service (self->usbmuxd, UB_VPHONE_LOCKDOWN_PORT,
                                   UB_VPHONE_SERVICE (self->restored));
  else
    ub_vphone_usbmuxd_set_service (self->usbmuxd, UB_VPHONE_LOCKDOWN_PORT,
                                   UB_VPHONE_SERVICE (self->lockdownd));
  ub_vphone_usbmuxd_set_service (self->usbmuxd, UB_VPHONE_ASR_PORT,
                                 mode == UB_VPHONE_USB_RESTORE ? UB_VPHONE_SERVICE (self->asr) : NULL);
  ub_vphone_usbmuxd_set_service (self->usbmuxd, UB_VPHONE_FDR_PORT,
                                 mode == UB_VPHONE_USB_RESTORE ? UB_VPHONE_SERVICE (self->fdr) : NULL);
  ub_vphone_usbmuxd_set_service (self->usbmuxd, UB_VPHONE_FDR_CONN_PORT,
                                 mode == UB_VPHONE_USB_RESTORE ? ub_vphone_fdr_get_conn_service (self->fdr) : NULL);
  ub_vphone_usbmuxd_set_attached (self->usbmuxd, muxed);
  emit_state_changed (self);
}

static gboolean
make_parts (UbVphone               *self,
            const UbVphoneOptions  *options,
            GError                **error)
{
  UbModel *model = ub_model_db_lookup_product_type (self->db, options->product_type);
  g_autofree char *record_path = NULL;

  if (model == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "No model \"%s\" in the model database", options->product_type);
      return FALSE;
    }
  record_path = options->record_path != NULL ? g_strdup (options->record_path)
                                             : g_build_filename (self->tmpdir, "record.txt", NULL);
  self->recorder = ub_vphone_recorder_new (record_path, error);
  if (self->recorder == NULL)
    return FALSE;
  self->identity = ub_vphone_identity_new (model, options->ecid);
  self->faults = ub_vphone_faults_new ();
  self->nvram = ub_vphone_nvram_new (ub_model_get_board (model),
                                     ub_vphone_identity_get_srtg (self->identity));
  self->phone = ub_vphone_phone_new (model, self->nvram, self->faults, self->recorder);
  self->chain = ub_vphone_chain_new (self->identity, self->phone, self->faults, self->recorder);
  if (options->mode != UB_VPHONE_MODE_NORMAL)
    ub_vphone_phone_jump (self->phone, options->mode);
  return TRUE;
}

/* mobilebackup2, and what a backup uses besides: notification_proxy and AFC */
static void
add_backup_services (UbVphone *self)
{
  self->backup = ub_vphone_backup_new (self->identity, self->phone, self->faults, self->recorder);
  self->notify = ub_vphone_notify_new (self->recorder);
  self->afc = ub_vphone_afc_new (self->faults, self->recorder);
  ub_vphone_lockdownd_set_backup (self->lockdownd, self->backup);
  ub_vphone_lockdownd_add_service (self->lockdownd, UB_VPHONE_BACKUP_SERVICE, UB_VPHONE_BACKUP_PORT);
  ub_vphone_lockdownd_add_service (self->lockdownd, UB_VPHONE_NOTIFY_SERVICE, UB_VPHONE_NOTIFY_PORT);
  ub_vphone_lockdownd_add_service (self->lockdownd, UB_VPHONE_AFC_SERVICE, UB_VPHONE_AFC_PORT);
  ub_vphone_usbmuxd_set_service (self->usbmuxd, UB_VPHONE_BACKUP_PORT, UB_VPHONE_SERVICE (self->backup));
  ub_vphone_usbmuxd_set_service (self->usbmuxd, UB_VPHONE_NOTIFY_PORT, UB_VPHONE_SERVICE (self->notify));
  ub_vphone_usbmuxd_set_service (self->usbmuxd, UB_VPHONE_AFC_PORT, UB_VPHONE_SERVICE (self->afc));
}

static gboolean
start_services (UbVphone               *self,
                const UbVphoneOptions  *options,
                GError                **error)
{
  self->testbed = umockdev_testbed_new ();
  self->testbed_root = umockdev_testbed_get_root_dir (self->testbed);
  self->usb = ub_vphone_usb_new (self->testbed, self->identity, self->phone, self->nvram,
                                 self->faults, self->recorder, self->chain);
  self->usbmuxd = ub_vphone_usbmuxd_new (self->identity, self->faults, self->recorder);
  self->usbmuxd_path = g_build_filename (self->tmpdir, "usbmuxd.sock", NULL);
  if (!ub_vphone_usbmuxd_listen (self->usbmuxd, self->usbmuxd_path, error))
    return FALSE;
  self->lockdownd = ub_vphone_lockdownd_new (self->identity, self->phone, self->faults, self->recorder,
                                             ub_vphone_usbmuxd_get_host_id (self->usbmuxd));
  self->asr = ub_vphone_asr_new (self->faults, self->recorder);
  self->fdr = ub_vphone_fdr_new (self->faults, self->recorder);
  self->restored = ub_vphone_restored_new (self->identity, self->phone, self->faults, self->recorder,
                                           self->usbmuxd, self->asr, self->fdr);
  add_backup_services (self);
  on_phone_changed (self);
  self->control = ub_vphone_control_new (self);
  self->control_path = options->control_path != NULL
                         ? g_strdup (options->control_path)
                         : g_build_filename (self->tmpdir, "control.sock", NULL);
  return ub_vphone_control_listen (self->control, self->control_path, error);
}

/**
 * ub_vphone_new:
 *
 * Builds and starts the phone. The process must run under umockdev's
 * preload library: the testbed's uevents need it.
 *
 * Returns: (transfer full): the running phone, or %NULL with @error set
 */
UbVphone *
ub_vphone_new (const UbVphoneOptions  *options,
               GError                **error)
{
  g_autoptr(UbVphone) self = NULL;

  g_return_val_if_fail (options != NULL && options->product_type != NULL, NULL);

  self = g_object_new (UB_TYPE_VPHONE, NULL);
  self->db = ub_model_db_new_default ();
  self->tmpdir = g_dir_make_tmp ("vphone-XXXXXX", error);
  if (self->tmpdir == NULL)
    return NULL;
  if (!make_parts (self, options, error) || !start_services (self, options, error))
    return NULL;
  g_signal_connect_swapped (self->phone, "notify", G_CALLBACK (on_phone_changed), self);
  g_signal_connect_swapped (self->usb, "notify::product-id", G_CALLBACK (emit_state_changed), self);
  g_signal_connect_swapped (self->nvram, "changed", G_CALLBACK (emit_state_changed), self);
  g_signal_connect_swapped (self->faults, "changed", G_CALLBACK (emit_state_changed), self);
  g_debug ("Virtual %s started in \"%s\"", options->product_type, self->tmpdir);
  return g_steal_pointer (&self);
}

/* rm -rf, without following symbolic links */
static void
remove_tree (const char *path)
{
  GStatBuf st;

  if (path == NULL || g_lstat (path, &st) != 0)
    return;
  if (S_ISDIR (st.st_mode))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          remove_tree (child);
        }
    }
  if (g_remove (path) != 0)
    g_debug ("Cannot remove \"%s\": %s", path, g_strerror (errno));
}

/**
 * ub_vphone_stop:
 *
 * Closes the sockets and removes the temporary directory and the testbed.
 * The umockdev objects are left alone: host processes may still hold
 * connections to them while the simulator exits.
 */
void
ub_vphone_stop (UbVphone *self)
{
  g_return_if_fail (UB_IS_VPHONE (self));

  if (self->control != NULL)
    ub_vphone_control_stop (self->control);
  if (self->usbmuxd != NULL)
    ub_vphone_usbmuxd_stop (self->usbmuxd);
  remove_tree (self->tmpdir);
  remove_tree (self->testbed_root);
  g_clear_pointer (&self->tmpdir, g_free);
  g_clear_pointer (&self->testbed_root, g_free);
}

/* umockdev's preload library after whatever else LD_PRELOAD has
 * (umockdev-wrapper put it first for the simulator itself). */
static char *
dup_preload (const char *current)
{
  g_auto(GStrv) entries = g_strsplit_set (current != NULL ? current : "", ": ", -1);
  g_autoptr(GString) str = g_string_new (NULL);

  for (guint i = 0; entries[i] != NULL; i++)
    {
      if (*entries[i] == '\0' || strstr (entries[i], "libumockdev-preload") != NULL)
        continue;
      g_string_append_printf (str, "%s:", entries[i]);
    }
  g_string_append (str, PRELOAD_LIBRARY);
  return g_string_free (g_steal_pointer (&str), FALSE);
}

/**
 * ub_vphone_dup_child_environ:
 *
 * Returns: (transfer full): the environment for the command run against
 *   the phone: the umockdev preload (appended to LD_PRELOAD), UMOCKDEV_DIR,
 *   USBMUXD_SOCKET_ADDRESS, UNBRICK_VPHONE_CONTROL and UNBRICK_VPHONE_RECORD
 */
char **
ub_vphone_dup_child_environ (UbVphone *self)
{
  char **env = g_get_environ ();
  g_autofree char *preload = NULL;
  g_autofree char *usbmuxd = NULL;

  g_return_val_if_fail (UB_IS_VPHONE (self), NULL);

  preload = dup_preload (g_environ_getenv (env, "LD_PRELOAD"));
  usbmuxd = g_strconcat ("UNIX:", self->usbmuxd_path, NULL);
  env = g_environ_setenv (env, "LD_PRELOAD", preload, TRUE);
  env = g_environ_setenv (env, "UMOCKDEV_DIR", self->testbed_root, TRUE);
  env = g_environ_setenv (env, "USBMUXD_SOCKET_ADDRESS", usbmuxd, TRUE);
  env = g_environ_setenv (env, "UNBRICK_VPHONE_CONTROL", self->control_path, TRUE);
  env = g_environ_setenv (env, "UNBRICK_VPHONE_RECORD",
                          ub_vphone_recorder_get_path (self->recorder), TRUE);
  env = g_environ_unsetenv (env, "UNBRICK_VPHONE_REEXEC");
  return env;
}

UbVphonePhone *
ub_vphone_get_phone (UbVphone *self)
{
  g_return_val_if_fail (UB_IS_VPHONE (self), NULL);
  return self->phone;
}

UbVphoneFaults *
ub_vphone_get_faults (UbVphone *self)
{
  g_return_val_if_fail (UB_IS_VPHONE (self), NULL);
  return self->faults;
}

UbVphoneNvram *
ub_vphone_get_nvram (UbVphone *self)
{
  g_return_val_if_fail (UB_IS_VPHONE (self), NULL);
  return self->nvram;
}

UbVphoneBackup *
ub_vphone_get_backup (UbVphone *self)
{
  g_return_val_if_fail (UB_IS_VPHONE (self), NULL);
  return self->backup;
}

/**
 * ub_vphone_get_fdr:
 *
 * Returns: (transfer none): the FDR relay port's service
 */
UbVphoneFdr *
ub_vphone_get_fdr (UbVphone *self)
{
  g_return_val_if_fail (UB_IS_VPHONE (self), NULL);
  return self->fdr;
}

/**
 * ub_vphone_get_asr:
 *
 * Returns: (transfer none): the ASR service
 */
UbVphoneAsr *
ub_vphone_get_asr (UbVphone *self)
{
  g_return_val_if_fail (UB_IS_VPHONE (self), NULL);
  return self->asr;
}

/**
 * ub_vphone_get_restored:
 *
 * Returns: (transfer none): restored, for its settings
 */
UbVphoneRestored *
ub_vphone_get_restored (UbVphone *self)
{
  g_return_val_if_fail (UB_IS_VPHONE (self), NULL);
  return self->restored;
}

UbVphoneRecorder *
ub_vphone_get_recorder (UbVphone *self)
{
  g_return_val_if_fail (UB_IS_VPHONE (self), NULL);
  return self->recorder;
}

/**
 * ub_vphone_is_state_key:
 *
 * Returns: whether @key is one of the `state` line's keys
 */
gboolean
ub_vphone_is_state_key (const char *key)
{
  return key != NULL && g_strv_contains ((const char * const *) state_keys, key);
}

static char *
dup_hex (GBytes *bytes)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  GString *str = g_string_sized_new (len * 2);

  for (gsize i = 0; i < len; i++)
    g_string_append_printf (str, "%02x", data[i]);
  return g_string_free (str, FALSE);
}

/**
 * ub_vphone_dup_state_value:
 * @key: mode, screen, pid, plugged, buttons, ecid, model, auto-boot, udid,
 *   stage (what runs in recovery mode: iboot, ibss, ibec; or none) or nonce
 *   (the ApNonce the phone shows, in hex)
 *
 * Returns: (transfer full) (nullable): the value as `state` shows it
 */
char *
ub_vphone_dup_state_value (UbVphone   *self,
                           const char *key)
{
  const char *auto_boot;
  guint pid;

  g_return_val_if_fail (UB_IS_VPHONE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  if (g_str_equal (key, "mode"))
    return g_strdup (ub_vphone_mode_to_string (ub_vphone_phone_get_mode (self->phone)));
  if (g_str_equal (key, "screen"))
    return g_strdup (ub_vphone_screen_to_string (ub_vphone_phone_get_screen (self->phone)));
  if (g_str_equal (key, "pid"))
    {
      pid = ub_vphone_usb_get_product_id (self->usb);
      return pid != 0 ? g_strdup_printf ("0x%04x", pid) : g_strdup ("none");
    }
  if (g_str_equal (key, "plugged"))
    return g_strdup (ub_vphone_phone_get_plugged (self->phone) ? "yes" : "no");
  if (g_str_equal (key, "buttons"))
    return ub_vphone_buttons_to_string (ub_vphone_phone_get_buttons (self->phone));
  if (g_str_equal (key, "ecid"))
    return g_strdup_printf ("0x%016" G_GINT64_MODIFIER "x", ub_vphone_identity_get_ecid (self->identity));
  if (g_str_equal (key, "model"))
    return g_strdup (ub_model_get_product_type (ub_vphone_identity_get_model (self->identity)));
  if (g_str_equal (key, "auto-boot"))
    {
      auto_boot = ub_vphone_nvram_get (self->nvram, "auto-boot");
      return g_strdup (auto_boot != NULL ? auto_boot : "true");
    }
  if (g_str_equal (key, "udid"))
    return g_strdup (ub_vphone_identity_get_udid (self->identity));
  if (g_str_equal (key, "stage"))
    return g_strdup (ub_vphone_chain_get_stage_name (self->chain));
  if (g_str_equal (key, "nonce"))
    return dup_hex (ub_vphone_identity_get_ap_nonce (self->identity));
  return NULL;
}

/**
 * ub_vphone_dup_state:
 *
 * Returns: (transfer full): "mode=dfu screen=black pid=0x1227 plugged=yes
 *   buttons=power,volume-down ecid=0x… model=iPhone10,3 auto-boot=true udid=…
 *   stage=none nonce=…"
 */
char *
ub_vphone_dup_state (UbVphone *self)
{
  g_autoptr(GString) str = g_string_new (NULL);

  g_return_val_if_fail (UB_IS_VPHONE (self), NULL);

  for (guint i = 0; state_keys[i] != NULL; i++)
    {
      g_autofree char *value = ub_vphone_dup_state_value (self, state_keys[i]);

      g_string_append_printf (str, "%s%s=%s", i > 0 ? " " : "", state_keys[i], value);
    }
  return g_string_free (g_steal_pointer (&str), FALSE);
}
