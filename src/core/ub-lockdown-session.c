/* ub-lockdown-session.c — what lockdownd tells only a trusted computer, and EnterRecovery
 *
 * Pairing shows "Trust This Computer?" on the phone. libimobiledevice pairs
 * on its own when there is no pair record; when the phone forgot this
 * computer (InvalidHostID) we pair again ourselves, so the person sees the
 * Trust question instead of an error. Battery, backup encryption and disk
 * usage come from lockdownd's domains in the session (restore-protocol.md
 * §4a–b).
 *
 * EnterRecovery: iOS 14.5 and later answer SessionInactive without a paired
 * session (§4c), so the request is tried without pairing first (older iOS,
 * and no Trust question) and then once more in a session.
 *
 * Every call runs in a watchdog worker: 1.3.0 loops forever in a TLS
 * handshake that never completes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-lockdown"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ub-error.h"
#include "ub-lockdown.h"
#include "ub-lockdown-private.h"
#include "ub-lockdown-session.h"
#include "ub-watchdog.h"

void
ub_lockdown_paired_free (UbLockdownPaired *paired)
{
  g_free (paired);
}

/**
 * _ub_lockdown_connect_paired:
 *
 * Like _ub_lockdown_connect() with a session, pairing again first when the
 * phone forgot this computer (the owner is asked to trust it).
 */
gboolean
_ub_lockdown_connect_paired (const char          *udid,
                             idevice_t           *device,
                             lockdownd_client_t  *client,
                             GError             **error)
{
  g_autoptr(GError) local = NULL;
  lockdownd_error_t status;

  if (_ub_lockdown_connect (udid, TRUE, device, client, &local))
    return TRUE;
  if (!g_error_matches (local, UB_ERROR, UB_ERROR_PERMISSION_DENIED) ||
      !_ub_lockdown_connect (udid, FALSE, device, client, NULL))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  status = lockdownd_pair (*client, NULL);
  g_debug ("Pairing with %s again: %d", udid, status);
  g_clear_pointer (client, lockdownd_client_free);
  g_clear_pointer (device, idevice_free);
  if (status != LOCKDOWN_E_SUCCESS)
    {
      ub_lockdown_set_error (error, status);
      return FALSE;
    }
  return _ub_lockdown_connect (udid, TRUE, device, client, error);
}

static gboolean
dict_uint (plist_t     dict,
           const char *key,
           guint64    *out)
{
  plist_t node = plist_dict_get_item (dict, key);

  if (node == NULL || plist_get_node_type (node) != PLIST_UINT)
    return FALSE;
  plist_get_uint_val (node, out);
  return TRUE;
}

static gboolean
dict_bool (plist_t     dict,
           const char *key)
{
  plist_t node = plist_dict_get_item (dict, key);
  uint8_t value = 0;

  if (node != NULL && plist_get_node_type (node) == PLIST_BOOLEAN)
    plist_get_bool_val (node, &value);
  return value != 0;
}

static void
read_battery (lockdownd_client_t  client,
              UbLockdownPaired   *paired)
{
  plist_t battery = _ub_lockdown_get_value (client, "com.apple.mobile.battery", NULL, PLIST_DICT);
  guint64 level;

  paired->battery_level = -1;
  if (battery == NULL)
    return;
  if (dict_uint (battery, "BatteryCurrentCapacity", &level) && level <= 100)
    paired->battery_level = (int)level;
  paired->battery_charging = dict_bool (battery, "BatteryIsCharging");
  paired->external_power = dict_bool (battery, "ExternalConnected");
  plist_free (battery);
}

static void
read_storage (lockdownd_client_t  client,
              UbLockdownPaired   *paired)
{
  plist_t usage = _ub_lockdown_get_value (client, "com.apple.disk_usage", NULL, PLIST_DICT);
  plist_t encrypt = _ub_lockdown_get_value (client, "com.apple.mobile.backup", "WillEncrypt", PLIST_BOOLEAN);
  guint64 capacity, available;

  if (usage != NULL && dict_uint (usage, "TotalDataCapacity", &capacity) &&
      dict_uint (usage, "TotalDataAvailable", &available) && available <= capacity)
    {
      paired->has_data_used = TRUE;
      paired->data_used = capacity - available;
    }
  if (encrypt != NULL)
    {
      uint8_t value = 0;

      plist_get_bool_val (encrypt, &value);
      paired->has_will_encrypt = TRUE;
      paired->will_encrypt = value != 0;
    }
  g_clear_pointer (&usage, plist_free);
  g_clear_pointer (&encrypt, plist_free);
}

static void
query_paired_worker (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  const char *udid = task_data;
  idevice_t device = NULL;
  lockdownd_client_t client = NULL;
  GError *error = NULL;
  UbLockdownPaired *paired;

  if (!_ub_lockdown_connect_paired (udid, &device, &client, &error))
    {
      g_debug ("No paired session with %s: %s", udid, error->message);
      g_task_return_error (task, error);
      return;
    }
  paired = g_new0 (UbLockdownPaired, 1);
  read_battery (client, paired);
  read_storage (client, paired);
  lockdownd_client_free (client);
  idevice_free (device);
  g_debug ("Paired facts for %s: battery %d%%%s, backups %s, %" G_GUINT64_FORMAT " bytes used", udid,
           paired->battery_level, paired->battery_charging ? " (charging)" : "",
           !paired->has_will_encrypt ? "unknown" : paired->will_encrypt ? "encrypted" : "not encrypted",
           paired->data_used);
  g_task_return_pointer (task, paired, (GDestroyNotify)ub_lockdown_paired_free);
}

/**
 * ub_lockdown_query_paired_async:
 * @udid: the phone, as usbmuxd names it
 *
 * Pairs if needed (the phone asks its owner to trust this computer) and
 * reads battery, backup encryption and disk usage. Trust pending, a locked
 * phone and a refusal end in %UB_ERROR_PERMISSION_DENIED with what to do.
 */
void
ub_lockdown_query_paired_async (const char          *udid,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (udid != NULL);

  task = _ub_lockdown_task_new (udid, UB_LOCKDOWN_SESSION_TIMEOUT_MS,
                                _("read the iPhone’s battery and backup settings"),
                                ub_lockdown_query_paired_async, cancellable, callback, user_data);
  g_task_run_in_thread (task, query_paired_worker);
}

/**
 * ub_lockdown_query_paired_finish:
 *
 * Returns: (transfer full): the facts, or %NULL with @error set
 */
UbLockdownPaired *
ub_lockdown_query_paired_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ub_lockdown_query_paired_async, NULL);

  return ub_watchdog_propagate_pointer (G_TASK (result), error);
}

static lockdownd_error_t
enter_recovery (const char  *udid,
                gboolean     paired,
                GError     **error)
{
  idevice_t device = NULL;
  lockdownd_client_t client = NULL;
  lockdownd_error_t status;

  if (paired ? !_ub_lockdown_connect_paired (udid, &device, &client, error)
             : !_ub_lockdown_connect (udid, FALSE, &device, &client, error))
    return LOCKDOWN_E_UNKNOWN_ERROR;
  status = lockdownd_enter_recovery (client);
  g_debug ("EnterRecovery for %s%s: %d", udid, paired ? " in a session" : "", status);
  lockdownd_client_free (client);
  idevice_free (device);
  return status;
}

static void
enter_recovery_worker (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  const char *udid = task_data;
  GError *error = NULL;
  lockdownd_error_t status = enter_recovery (udid, FALSE, &error);

  if (status == LOCKDOWN_E_SESSION_INACTIVE)
    status = enter_recovery (udid, TRUE, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (status != LOCKDOWN_E_SUCCESS)
    {
      g_task_return_new_error (task, UB_ERROR, UB_ERROR_NOT_SUPPORTED,
                               _("The iPhone refused to restart into recovery mode (lockdown error %d). "
                                 "Use the buttons instead: the guide shows how."), status);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/**
 * ub_lockdown_enter_recovery_async:
 * @udid: the phone, running iOS
 *
 * Asks iOS to restart into recovery mode, pairing only when the iOS version
 * requires it. On success the phone leaves usbmuxd and comes back on USB in
 * recovery mode within %UB_LOCKDOWN_RECOVERY_WAIT_MS; waiting for it is the
 * caller's (the device monitor sees it).
 */
void
ub_lockdown_enter_recovery_async (const char          *udid,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (udid != NULL);

  g_debug ("Asking %s to enter recovery mode", udid);
  task = _ub_lockdown_task_new (udid, UB_LOCKDOWN_SESSION_TIMEOUT_MS, _("switch the iPhone to recovery mode"),
                                ub_lockdown_enter_recovery_async, cancellable, callback, user_data);
  g_task_run_in_thread (task, enter_recovery_worker);
}

gboolean
ub_lockdown_enter_recovery_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ub_lockdown_enter_recovery_async, FALSE);

  return ub_watchdog_propagate_boolean (G_TASK (result), error);
}
