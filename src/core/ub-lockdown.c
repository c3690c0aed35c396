/* ub-lockdown.c — facts about a phone running iOS, through lockdownd
 *
 * Only what lockdownd tells without pairing: no Trust prompt appears on the
 * phone. Every call runs in a worker behind a watchdog (ub-watchdog.c):
 * libimobiledevice 1.3.0 waits 30 s on a silent lockdownd.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-lockdown"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libimobiledevice/libimobiledevice.h>
#include <libimobiledevice/lockdown.h>
#include <libimobiledevice/restore.h>

#include "ub-error.h"
#include "ub-lockdown.h"
#include "ub-lockdown-private.h"
#include "ub-plist.h"
#include "ub-watchdog.h"

#define CLIENT_LABEL "unbrick"

void
ub_lockdown_facts_free (UbLockdownFacts *facts)
{
  if (facts == NULL)
    return;
  g_free (facts->product_type);
  g_free (facts->product_version);
  g_free (facts->build_version);
  g_free (facts->device_name);
  g_free (facts->device_class);
  g_free (facts);
}

/**
 * ub_lockdown_set_error:
 *
 * Maps a lockdownd status to %UB_ERROR with plain words.
 */
void
ub_lockdown_set_error (GError **error,
                       int      status)
{
  switch (status)
    {
    case LOCKDOWN_E_PASSWORD_PROTECTED:
      g_set_error_literal (error, UB_ERROR, UB_ERROR_PERMISSION_DENIED,
                           _("The iPhone is locked. Unlock it with its passcode."));
      break;
    case LOCKDOWN_E_PAIRING_DIALOG_RESPONSE_PENDING:
      g_set_error_literal (error, UB_ERROR, UB_ERROR_PERMISSION_DENIED,
                           _("Unlock your iPhone and tap “Trust” when it asks whether to trust this computer."));
      break;
    case LOCKDOWN_E_USER_DENIED_PAIRING:
      g_set_error_literal (error, UB_ERROR, UB_ERROR_PERMISSION_DENIED,
                           _("The iPhone was told not to trust this computer. Unplug it, plug it in "
                             "again and tap “Trust”."));
      break;
    case LOCKDOWN_E_RECEIVE_TIMEOUT:
      g_set_error_literal (error, UB_ERROR, UB_ERROR_TIMED_OUT,
                           _("The iPhone did not answer in time."));
      break;
    case LOCKDOWN_E_INVALID_HOST_ID:
    case LOCKDOWN_E_INVALID_PAIR_RECORD:
      g_set_error_literal (error, UB_ERROR, UB_ERROR_PERMISSION_DENIED,
                           _("The iPhone no longer trusts this computer. Unlock it and tap “Trust” "
                             "when it asks."));
      break;
    case LOCKDOWN_E_PAIRING_PROHIBITED_OVER_THIS_CONNECTION:
      g_set_error_literal (error, UB_ERROR, UB_ERROR_PERMISSION_DENIED,
                           _("The iPhone does not allow pairing over this connection. Connect it "
                             "with a USB cable."));
      break;
    case LOCKDOWN_E_MUX_ERROR:
      g_set_error_literal (error, UB_ERROR, UB_ERROR_DISCONNECTED,
                           _("The connection to the iPhone was lost."));
      break;
    default:
      g_set_error (error, UB_ERROR, UB_ERROR_PROTOCOL,
                   _("The iPhone refused the request (lockdown error %d)."), status);
      break;
    }
}

/**
 * _ub_lockdown_get_value:
 * @domain: (nullable): a lockdownd domain
 * @key: (nullable): a key, %NULL for the whole domain
 * @type: the node type the value must have
 *
 * Returns: (transfer full) (nullable): the value, or %NULL when the phone
 *   does not give it or gives another type
 */
plist_t
_ub_lockdown_get_value (lockdownd_client_t  client,
                        const char         *domain,
                        const char         *key,
                        plist_type          type)
{
  plist_t node = NULL;

  if (lockdownd_get_value (client, domain, key, &node) != LOCKDOWN_E_SUCCESS || node == NULL)
    return NULL;
  if (plist_get_node_type (node) != type)
    g_clear_pointer (&node, plist_free);
  return node;
}

/**
 * _ub_lockdown_task_new:
 * @udid: the phone; kept as the task data
 * @what: what the task does, for the watchdog's timeout message
 *
 * Returns: (transfer full): a watchdog task for a lockdownd worker
 */
GTask *
_ub_lockdown_task_new (const char          *udid,
                       guint                timeout_ms,
                       const char          *what,
                       gpointer             source_tag,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  GTask *task = ub_watchdog_task_new (NULL, cancellable, timeout_ms, what, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, g_strdup (udid), g_free);
  return task;
}

static char *
get_string (lockdownd_client_t  client,
            const char         *key)
{
  plist_t node = _ub_lockdown_get_value (client, NULL, key, PLIST_STRING);
  char *value;

  if (node == NULL)
    return NULL;
  value = ub_plist_dup_string (node);   /* not plist_get_string_val(): it asserts on NULs */
  plist_free (node);
  return value;
}

static gboolean
get_uint (lockdownd_client_t  client,
          const char         *key,
          guint64            *out)
{
  plist_t node = _ub_lockdown_get_value (client, NULL, key, PLIST_UINT);

  if (node == NULL)
    return FALSE;
  plist_get_uint_val (node, out);
  plist_free (node);
  return TRUE;
}

static UbLockdownFacts *
read_facts (lockdownd_client_t client)
{
  UbLockdownFacts *facts = g_new0 (UbLockdownFacts, 1);

  facts->product_type = get_string (client, "ProductType");
  facts->product_version = get_string (client, "ProductVersion");
  facts->build_version = get_string (client, "BuildVersion");
  facts->device_name = get_string (client, "DeviceName");
  facts->device_class = get_string (client, "DeviceClass");
  facts->has_ecid = get_uint (client, "UniqueChipID", &facts->ecid);
  return facts;
}

/**
 * _ub_lockdown_connect:
 * @handshake: whether to pair and start a session (needs Trust on the phone)
 *
 * Connects to lockdownd of the phone @udid through usbmuxd. Blocking: call
 * it from a watchdog worker only.
 */
gboolean
_ub_lockdown_connect (const char          *udid,
                      gboolean             handshake,
                      idevice_t           *device,
                      lockdownd_client_t  *client,
                      GError             **error)
{
  lockdownd_error_t status;

  *client = NULL;
  if (idevice_new_with_options (device, udid, IDEVICE_LOOKUP_USBMUX) != IDEVICE_E_SUCCESS)
    {
      *device = NULL;
      g_set_error_literal (error, UB_ERROR, UB_ERROR_DISCONNECTED,
                           _("The iPhone is no longer connected."));
      return FALSE;
    }
  if (handshake)
    status = lockdownd_client_new_with_handshake (*device, client, CLIENT_LABEL);
  else
    status = lockdownd_client_new (*device, client, CLIENT_LABEL);
  g_debug ("lockdownd connection to %s%s: %d", udid, handshake ? " with a session" : "", status);
  if (status == LOCKDOWN_E_SUCCESS)
    return TRUE;
  g_clear_pointer (device, idevice_free);
  *client = NULL;
  ub_lockdown_set_error (error, status);
  return FALSE;
}

/* The restore system answers on lockdownd's port as "restored" and knows
 * none of lockdownd's values: ask it what it is, and its chip's ECID. */
static UbLockdownFacts *
probe_restored (const char *udid)
{
  idevice_t device = NULL;
  restored_client_t client = NULL;
  UbLockdownFacts *facts = NULL;
  char *type = NULL;
  guint64 version = 0;
  plist_t info = NULL;

  if (idevice_new_with_options (&device, udid, IDEVICE_LOOKUP_USBMUX) != IDEVICE_E_SUCCESS)
    return NULL;
  if (restored_client_new (device, &client, CLIENT_LABEL) == RESTORE_E_SUCCESS &&
      restored_query_type (client, &type, &version) == RESTORE_E_SUCCESS &&
      g_strcmp0 (type, "com.apple.mobile.restored") == 0)
    {
      facts = g_new0 (UbLockdownFacts, 1);
      facts->restore_mode = TRUE;
      facts->restore_protocol = version;
      if (restored_query_value (client, "HardwareInfo", &info) == RESTORE_E_SUCCESS && info != NULL)
        {
          plist_t dict = plist_get_node_type (info) == PLIST_DICT && plist_dict_get_item (info, "HardwareInfo")
                         ? plist_dict_get_item (info, "HardwareInfo") : info;
          plist_t ecid = plist_get_node_type (dict) == PLIST_DICT ? plist_dict_get_item (dict, "UniqueChipID") : NULL;

          if (ecid != NULL && plist_get_node_type (ecid) == PLIST_UINT)
            {
              plist_get_uint_val (ecid, &facts->ecid);
              facts->has_ecid = TRUE;
            }
          plist_free (info);
        }
      g_debug ("%s runs the restore system (protocol %" G_GUINT64_FORMAT ")", udid, version);
    }
  free (type);
  if (client != NULL)
    restored_client_free (client);
  idevice_free (device);
  return facts;
}


static void
query_facts_worker (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  const char *udid = task_data;
  idevice_t device = NULL;
  lockdownd_client_t client = NULL;
  GError *error = NULL;
  UbLockdownFacts *facts;

  if (!_ub_lockdown_connect (udid, FALSE, &device, &client, &error))
    {
      /* Not lockdownd: perhaps the restore system */
      if ((facts = probe_restored (udid)) != NULL)
        {
          g_clear_error (&error);
          g_task_return_pointer (task, facts, (GDestroyNotify)ub_lockdown_facts_free);
          return;
        }
      g_task_return_error (task, error);
      return;
    }
  facts = read_facts (client);
  lockdownd_client_free (client);
  idevice_free (device);
  if (facts->product_type == NULL)
    {
      UbLockdownFacts *restored = probe_restored (udid);

      if (restored != NULL)
        {
          ub_lockdown_facts_free (facts);
          facts = restored;
        }
    }
  g_debug ("Lockdown facts for %s: %s iOS %s (%s)", udid, facts->product_type,
           facts->product_version, facts->build_version);
  g_task_return_pointer (task, facts, (GDestroyNotify)ub_lockdown_facts_free);
}

/**
 * ub_lockdown_query_facts_async:
 * @udid: the phone, as usbmuxd names it
 *
 * Reads product type, iOS version and build, name, class and ECID without
 * pairing, in a worker, giving up after %UB_LOCKDOWN_TIMEOUT_MS.
 */
void
ub_lockdown_query_facts_async (const char          *udid,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (udid != NULL);

  task = _ub_lockdown_task_new (udid, UB_LOCKDOWN_TIMEOUT_MS, _("read the iPhone’s details"),
                                ub_lockdown_query_facts_async, cancellable, callback, user_data);
  g_task_run_in_thread (task, query_facts_worker);
}

/**
 * ub_lockdown_query_facts_finish:
 *
 * Returns: (transfer full): the facts, or %NULL with @error set
 */
UbLockdownFacts *
ub_lockdown_query_facts_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ub_lockdown_query_facts_async, NULL);

  return ub_watchdog_propagate_pointer (G_TASK (result), error);
}
