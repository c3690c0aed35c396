/* ub-vphone-restored.c — restored on port 62078 of a phone in restore mode
 *
 * In restore mode the ramdisk's restored answers where lockdownd answers in
 * iOS, with the same framing (4-byte big-endian length + XML plist), as
 * libimobiledevice 1.3.0's restored_* calls expect:
 *  - QueryType: {Type: "com.apple.mobile.restored", RestoreProtocolVersion}
 *    (15, what current phones report to the public restore tools);
 *  - QueryValue {QueryKey: K}: {K: value}; HardwareInfo holds ChipID,
 *    BoardID, UniqueChipID (the ECID), ProductionMode and SecurityDomain;
 *    other keys: {Error: "MissingValue"} without K;
 *  - Goodbye: {Result: "Success"}, then the connection closes.
 *  - StartRestore: no answer; the connection runs the scripted restore of
 *    ub-vphone-restored-script.c, which also takes the host's messages
 *    (MsgType, no Request) from then on.
 * Anything else gets {Error: "UnsupportedRequest"}. Every request is
 * recorded ("restored QueryType", "restored QueryValue HardwareInfo", …).
 * Settings (`set KEY VALUE`, read when a StartRestore arrives): url-asset
 * URL (the RequestURL of the phone's URLAsset requests), restore-plan
 * a|b|none|TYPE,TYPE… (default: by the chip), restore-step-ms N (the pause
 * between two messages of the script, 15 by default).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-vphone-restored"

#include "config.h"

#include "ub-vphone-plist-conn.h"
#include "ub-vphone-restored.h"
#include "ub-vphone-restored-plan.h"
#include "ub-vphone-restored-script.h"

#define DEFAULT_STEP_MS 15
#define MAX_STEP_MS     60000

#define RESTORED_TYPE "com.apple.mobile.restored"

struct _UbVphoneRestored
{
  GObject           parent_instance;

  UbVphoneIdentity *identity;
  UbVphoneRecorder *recorder;
  UbVphonePhone    *phone;
  UbVphoneFaults   *faults;
  UbVphoneUsbmuxd  *usbmuxd;
  UbVphoneAsr      *asr;
  UbVphoneFdr      *fdr;
  char             *url_asset;
  char             *plan;      /* NULL: by the chip */
  guint             step_ms;
  GPtrArray        *conns;   /* UbVphonePlistConn */
  GHashTable       *scripts; /* UbVphonePlistConn → UbVphoneRestoredScript */
};

static void ub_vphone_restored_service_init (UbVphoneServiceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (UbVphoneRestored, ub_vphone_restored, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (UB_TYPE_VPHONE_SERVICE,
                                                      ub_vphone_restored_service_init))

static const char *
dict_string (plist_t     dict,
             const char *key)
{
  plist_t node = plist_get_node_type (dict) == PLIST_DICT ? plist_dict_get_item (dict, key) : NULL;

  if (node == NULL || plist_get_node_type (node) != PLIST_STRING)
    return NULL;
  return plist_get_string_ptr (node, NULL);
}

static plist_t
hardware_info (UbVphoneRestored *self)
{
  UbModel *model = ub_vphone_identity_get_model (self->identity);
  plist_t info = plist_new_dict ();

  plist_dict_set_item (info, "BoardID", plist_new_uint (ub_model_get_bdid (model)));
  plist_dict_set_item (info, "ChipID", plist_new_uint (ub_model_get_cpid (model)));
  plist_dict_set_item (info, "ProductionMode", plist_new_bool (TRUE));
  plist_dict_set_item (info, "SecurityDomain", plist_new_uint (1));
  plist_dict_set_item (info, "UniqueChipID",
                       plist_new_uint (ub_vphone_identity_get_ecid (self->identity)));
  return info;
}

static plist_t
answer (UbVphoneRestored *self,
        const char       *request,
        plist_t           message)
{
  plist_t reply = plist_new_dict ();
  const char *key = dict_string (message, "QueryKey");

  if (g_str_equal (request, "QueryType"))
    {
      plist_dict_set_item (reply, "Type", plist_new_string (RESTORED_TYPE));
      plist_dict_set_item (reply, "RestoreProtocolVersion",
                           plist_new_uint (UB_VPHONE_RESTORE_PROTOCOL_VERSION));
    }
  else if (g_str_equal (request, "QueryValue") && key != NULL && g_str_equal (key, "HardwareInfo"))
    plist_dict_set_item (reply, key, hardware_info (self));
  else if (g_str_equal (request, "QueryValue"))
    plist_dict_set_item (reply, "Error", plist_new_string ("MissingValue"));
  else if (g_str_equal (request, "Goodbye"))
    plist_dict_set_item (reply, "Result", plist_new_string ("Success"));
  else
    plist_dict_set_item (reply, "Error", plist_new_string ("UnsupportedRequest"));
  return reply;
}

static void
on_message (UbVphonePlistConn *conn,
            guint              tag,
            gpointer           message,
            UbVphoneRestored  *self)
{
  const char *request = dict_string (message, "Request");
  const char *key = dict_string (message, "QueryKey");
  UbVphoneRestoredScript *script = g_hash_table_lookup (self->scripts, conn);
  plist_t reply;

  if (request == NULL && script != NULL)
    {
      ub_vphone_restored_script_take (script, message);
      return;
    }
  if (request == NULL)
    request = "";
  if (g_str_equal (request, "StartRestore") && script == NULL)
    {
      UbVphoneRestoredSetup setup = {
        self->identity, self->phone, self->faults, self->recorder, self->usbmuxd, self->asr, self->fdr,
        self->plan, self->url_asset, self->step_ms,
      };

      g_debug ("restored starts the scripted restore");
      g_hash_table_insert (self->scripts, conn, ub_vphone_restored_script_start (conn, message, &setup));
      return;
    }
  g_debug ("restored request \"%s\"", request);
  ub_vphone_recorder_log (self->recorder, "restored %s%s%s", request, key ? " " : "", key ? key : "");
  reply = answer (self, request, message);
  ub_vphone_plist_conn_send (conn, 0, reply);
  plist_free (reply);
  if (g_str_equal (request, "Goodbye"))
    ub_vphone_plist_conn_close (conn);
}

static void
on_closed (UbVphonePlistConn *conn,
           UbVphoneRestored  *self)
{
  g_debug ("restored connection closed");
  g_hash_table_remove (self->scripts, conn);
  g_ptr_array_remove (self->conns, conn);
}

static void
ub_vphone_restored_accept (UbVphoneService *service,
                           GIOStream       *stream)
{
  UbVphoneRestored *self = UB_VPHONE_RESTORED (service);
  UbVphonePlistConn *conn = ub_vphone_plist_conn_new (stream, UB_VPHONE_FRAMING_LOCKDOWN);

  g_signal_connect_object (conn, "message", G_CALLBACK (on_message), self, 0);
  g_signal_connect_object (conn, "closed", G_CALLBACK (on_closed), self, 0);
  g_ptr_array_add (self->conns, conn);
  ub_vphone_plist_conn_start (conn);
}

static void
ub_vphone_restored_close_all (UbVphoneService *service)
{
  UbVphoneRestored *self = UB_VPHONE_RESTORED (service);
  g_autoptr(GPtrArray) conns = g_ptr_array_copy (self->conns, (GCopyFunc) g_object_ref, NULL);

  g_ptr_array_set_free_func (conns, g_object_unref);
  for (guint i = 0; i < conns->len; i++)
    ub_vphone_plist_conn_close (g_ptr_array_index (conns, i));
  g_ptr_array_set_size (self->conns, 0);
  g_hash_table_remove_all (self->scripts);
}

static void
ub_vphone_restored_service_init (UbVphoneServiceInterface *iface)
{
  iface->accept = ub_vphone_restored_accept;
  iface->close_all = ub_vphone_restored_close_all;
}

static void
ub_vphone_restored_dispose (GObject *object)
{
  UbVphoneRestored *self = UB_VPHONE_RESTORED (object);

  g_clear_pointer (&self->scripts, g_hash_table_unref);
  g_clear_pointer (&self->conns, g_ptr_array_unref);
  g_clear_object (&self->phone);
  g_clear_object (&self->faults);
  g_clear_object (&self->identity);
  g_clear_object (&self->recorder);
  g_clear_object (&self->usbmuxd);
  g_clear_object (&self->asr);
  g_clear_object (&self->fdr);

  G_OBJECT_CLASS (ub_vphone_restored_parent_class)->dispose (object);
}

static void
ub_vphone_restored_finalize (GObject *object)
{
  UbVphoneRestored *self = UB_VPHONE_RESTORED (object);

  g_free (self->url_asset);
  g_free (self->plan);

  G_OBJECT_CLASS (ub_vphone_restored_parent_class)->finalize (object);
}

static void
ub_vphone_restored_class_init (UbVphoneRestoredClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = ub_vphone_restored_dispose;
  G_OBJECT_CLASS (klass)->finalize = ub_vphone_restored_finalize;
}

static void
ub_vphone_restored_init (UbVphoneRestored *self)
{
  self->conns = g_ptr_array_new_with_free_func (g_object_unref);
  self->scripts = g_hash_table_new_full (NULL, NULL, NULL,
                                         (GDestroyNotify) ub_vphone_restored_script_free);
  self->url_asset = g_strdup (UB_VPHONE_DEFAULT_URL_ASSET);
  self->step_ms = DEFAULT_STEP_MS;
}

/**
 * ub_vphone_restored_new:
 * @usbmuxd: where the DataPorts of the data requests go
 * @asr: the ASR service, for SystemImageData (also on a DataPort)
 * @fdr: (nullable): the FDR relay port, whose handshake the final status needs
 *
 * Returns: (transfer full): restored, for port 62078 in restore mode
 */
UbVphoneRestored *
ub_vphone_restored_new (UbVphoneIdentity *identity,
                        UbVphonePhone    *phone,
                        UbVphoneFaults   *faults,
                        UbVphoneRecorder *recorder,
                        UbVphoneUsbmuxd  *usbmuxd,
                        UbVphoneAsr      *asr,
                        UbVphoneFdr      *fdr)
{
  UbVphoneRestored *self = g_object_new (UB_TYPE_VPHONE_RESTORED, NULL);

  self->usbmuxd = g_object_ref (usbmuxd);
  self->asr = g_object_ref (asr);
  self->fdr = fdr ? g_object_ref (fdr) : NULL;
  ub_vphone_asr_set_phone (asr, phone);
  self->phone = g_object_ref (phone);
  self->faults = g_object_ref (faults);
  self->identity = g_object_ref (identity);
  self->recorder = g_object_ref (recorder);
  return self;
}

/**
 * ub_vphone_restored_check_setting:
 *
 * Validates `set url-asset|restore-plan|restore-step-ms VALUE` without
 * applying it.
 */
gboolean
ub_vphone_restored_check_setting (const char  *key,
                                  const char  *value,
                                  GError     **error)
{
  guint64 ms = 0;

  if (g_str_equal (key, "url-asset"))
    {
      if (g_str_has_prefix (value, "https://") || g_str_has_prefix (value, "http://"))
        return TRUE;
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "url-asset takes an http(s) URL");
      return FALSE;
    }
  if (g_str_equal (key, "restore-plan"))
    return ub_vphone_restored_plan_check (value, error);
  if (g_str_equal (key, "restore-step-ms"))
    {
      if (g_ascii_string_to_unsigned (value, 10, 0, MAX_STEP_MS, &ms, NULL))
        return TRUE;
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "restore-step-ms takes 0 to %d", MAX_STEP_MS);
      return FALSE;
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "No setting \"%s\"", key);
  return FALSE;
}

/**
 * ub_vphone_restored_set:
 *
 * Applies a setting; the next StartRestore uses it.
 */
gboolean
ub_vphone_restored_set (UbVphoneRestored  *self,
                        const char        *key,
                        const char        *value,
                        GError           **error)
{
  g_return_val_if_fail (UB_IS_VPHONE_RESTORED (self), FALSE);

  if (!ub_vphone_restored_check_setting (key, value, error))
    return FALSE;
  g_debug ("restored setting %s = %s", key, value);
  if (g_str_equal (key, "url-asset"))
    {
      g_free (self->url_asset);
      self->url_asset = g_strdup (value);
    }
  else if (g_str_equal (key, "restore-plan"))
    {
      g_free (self->plan);
      self->plan = g_strdup (value);
    }
  else
    self->step_ms = (guint) g_ascii_strtoull (value, NULL, 10);
  return TRUE;
}

/**
 * ub_vphone_restored_is_setting:
 *
 * Returns: whether @key is one of restored's settings
 */
gboolean
ub_vphone_restored_is_setting (const char *key)
{
  return g_str_equal (key, "url-asset") || g_str_equal (key, "restore-plan") ||
         g_str_equal (key, "restore-step-ms");
}
