/* ub-vphone-lockdownd.c — lockdownd on port 62078 of a phone running iOS
 *
 * The requests libimobiledevice 1.3.0 sends (4-byte big-endian length +
 * XML plist): QueryType, GetValue (see ub-vphone-lockdown-values.c),
 * StartSession (EnableSessionSSL false: the session stays in clear text),
 * StopSession, Pair / ValidatePair / Unpair with the host's pair record,
 * EnterRecovery (Success, then iOS restarts into recovery mode), StartService
 * (in a session, the port of a service added with
 * ub_vphone_lockdownd_add_service(), EnableServiceSSL false; InvalidService
 * otherwise) and Goodbye. The phone trusts the HostID of
 * the host's initial pair record and every HostID it paired with since.
 *
 * Faults: lockdownd-silent (connections accepted, nothing ever answered),
 * tls-stall (StartSession asks for TLS, then the handshake never gets an
 * answer), trust-pending (Pair: PairingDialogResponsePending), locked
 * (Pair: PasswordProtected), enter-recovery-refused (EnterRecovery:
 * SessionInactive without a session, InvalidHostID with one).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-vphone-lockdownd"

#include "config.h"

#include "ub-vphone-backup.h"
#include "ub-vphone-lockdown-values.h"
#include "ub-vphone-lockdownd.h"
#include "ub-vphone-plist-conn.h"

#define LOCKDOWN_TYPE           "com.apple.mobile.lockdown"
#define DETACH_DELAY_SECONDS    0.2   /* EnterRecovery: answer first, then leave */

typedef struct
{
  char *session_id;
} Session;

struct _UbVphoneLockdownd
{
  GObject           parent_instance;

  UbVphoneIdentity *identity;
  UbVphonePhone    *phone;
  UbVphoneFaults   *faults;
  UbVphoneRecorder *recorder;
  GHashTable       *trusted;   /* HostIDs */
  GHashTable       *services;  /* name → port */
  UbVphoneBackup   *backup;
  GPtrArray        *conns;     /* UbVphonePlistConn */
  guint             recovery_id;
};

static void ub_vphone_lockdownd_service_init (UbVphoneServiceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (UbVphoneLockdownd, ub_vphone_lockdownd, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (UB_TYPE_VPHONE_SERVICE,
                                                      ub_vphone_lockdownd_service_init))

static void
session_free (Session *session)
{
  g_free (session->session_id);
  g_free (session);
}

static Session *
session_of (UbVphonePlistConn *conn)
{
  return g_object_get_data (G_OBJECT (conn), "ub-vphone-session");
}

static const char *
dict_string (plist_t     dict,
             const char *key)
{
  plist_t node = dict != NULL ? plist_dict_get_item (dict, key) : NULL;

  if (node == NULL || plist_get_node_type (node) != PLIST_STRING)
    return NULL;
  return plist_get_string_ptr (node, NULL);
}

/* The answer's skeleton: {Request: @request}. */
static plist_t
answer_new (const char *request)
{
  plist_t answer = plist_new_dict ();

  plist_dict_set_item (answer, "Request", plist_new_string (request));
  return answer;
}

static void
send_answer (UbVphonePlistConn *conn,
             plist_t            answer)
{
  ub_vphone_plist_conn_send (conn, 0, answer);
  plist_free (answer);
}

static void
send_error (UbVphonePlistConn *conn,
            const char        *request,
            const char        *error)
{
  plist_t answer = answer_new (request);

  g_debug ("%s: %s", request, error);
  plist_dict_set_item (answer, "Error", plist_new_string (error));
  send_answer (conn, answer);
}

static void
get_value (UbVphoneLockdownd *self,
           UbVphonePlistConn *conn,
           plist_t            message)
{
  const char *domain = dict_string (message, "Domain");
  const char *key = dict_string (message, "Key");
  gboolean session = session_of (conn)->session_id != NULL;
  gboolean locked = ub_vphone_faults_is_active (self->faults, UB_VPHONE_FAULT_LOCKED);
  plist_t values, answer;
  plist_t value = NULL;

  ub_vphone_recorder_log (self->recorder, "lockdown GetValue %s%s%s", domain ? domain : "",
                          domain ? " " : "", key ? key : "*");
  if (domain != NULL && !session)
    {
      send_error (conn, "GetValue", "GetProhibited");
      return;
    }
  values = ub_vphone_lockdown_values_new (self->identity, domain, session, locked);
  if (self->backup != NULL)
    ub_vphone_backup_adjust_values (self->backup, domain, values);
  if (values == NULL)
    {
      send_error (conn, "GetValue", "MissingValue");
      return;
    }
  if (key == NULL)
    value = plist_copy (values);
  else if (plist_dict_get_item (values, key) != NULL)
    value = plist_copy (plist_dict_get_item (values, key));
  plist_free (values);
  if (value == NULL)
    {
      /* Does the phone have it, and only tell it in a session? */
      plist_t all = ub_vphone_lockdown_values_new (self->identity, domain, TRUE, locked);
      gboolean exists = plist_dict_get_item (all, key) != NULL;

      plist_free (all);
      send_error (conn, "GetValue", exists && !session ? "GetProhibited" : "MissingValue");
      return;
    }
  answer = answer_new ("GetValue");
  if (domain != NULL)
    plist_dict_set_item (answer, "Domain", plist_new_string (domain));
  if (key != NULL)
    plist_dict_set_item (answer, "Key", plist_new_string (key));
  plist_dict_set_item (answer, "Value", value);
  send_answer (conn, answer);
}

static void
start_session (UbVphoneLockdownd *self,
               UbVphonePlistConn *conn,
               plist_t            message)
{
  const char *host_id = dict_string (message, "HostID");
  gboolean tls = ub_vphone_faults_is_active (self->faults, UB_VPHONE_FAULT_TLS_STALL);
  Session *session = session_of (conn);
  plist_t answer;

  ub_vphone_recorder_log (self->recorder, "lockdown StartSession %s", host_id ? host_id : "(none)");
  if (host_id == NULL || !g_hash_table_contains (self->trusted, host_id))
    {
      send_error (conn, "StartSession", "InvalidHostID");
      return;
    }
  g_free (session->session_id);
  session->session_id = g_uuid_string_random ();
  answer = answer_new ("StartSession");
  plist_dict_set_item (answer, "EnableSessionSSL", plist_new_bool (tls));
  plist_dict_set_item (answer, "SessionID", plist_new_string (session->session_id));
  send_answer (conn, answer);
  if (tls)
    {
      g_debug ("Fault tls-stall: the TLS handshake never gets an answer");
      ub_vphone_plist_conn_discard (conn);
    }
}

static void
pair (UbVphoneLockdownd *self,
      UbVphonePlistConn *conn,
      const char        *request,
      plist_t            message)
{
  const char *host_id = dict_string (plist_dict_get_item (message, "PairRecord"), "HostID");
  plist_t answer;

  ub_vphone_recorder_log (self->recorder, "lockdown %s %s", request, host_id ? host_id : "(none)");
  if (host_id == NULL)
    {
      send_error (conn, request, "MissingHostID");
      return;
    }
  if (g_str_equal (request, "ValidatePair") && !g_hash_table_contains (self->trusted, host_id))
    {
      send_error (conn, request, "InvalidHostID");
      return;
    }
  if (g_str_equal (request, "Unpair"))
    g_hash_table_remove (self->trusted, host_id);
  if (g_str_equal (request, "Pair") &&
      ub_vphone_faults_is_active (self->faults, UB_VPHONE_FAULT_LOCKED))
    {
      send_error (conn, request, "PasswordProtected");
      return;
    }
  if (g_str_equal (request, "Pair") &&
      ub_vphone_faults_is_active (self->faults, UB_VPHONE_FAULT_TRUST_PENDING))
    {
      send_error (conn, request, "PairingDialogResponsePending");
      return;
    }
  answer = answer_new (request);
  if (g_str_equal (request, "Pair"))
    {
      g_hash_table_add (self->trusted, g_strdup (host_id));
      plist_dict_set_item (answer, "EscrowBag", plist_new_data ("vphone escrow bag", 17));
    }
  send_answer (conn, answer);
}

static gboolean
on_recovery_delay (gpointer data)
{
  UbVphoneLockdownd *self = data;

  self->recovery_id = 0;
  if (ub_vphone_phone_get_mode (self->phone) == UB_VPHONE_MODE_NORMAL)
    ub_vphone_phone_enter_recovery (self->phone);
  return G_SOURCE_REMOVE;
}

static void
enter_recovery (UbVphoneLockdownd *self,
                UbVphonePlistConn *conn)
{
  plist_t answer;

  ub_vphone_recorder_log (self->recorder, "lockdown EnterRecovery");
  if (ub_vphone_faults_is_active (self->faults, UB_VPHONE_FAULT_ENTER_RECOVERY_REFUSED))
    {
      send_error (conn, "EnterRecovery",
                  session_of (conn)->session_id ? "InvalidHostID" : "SessionInactive");
      return;
    }
  answer = answer_new ("EnterRecovery");
  plist_dict_set_item (answer, "Result", plist_new_string ("Success"));
  send_answer (conn, answer);
  if (self->recovery_id == 0)
    self->recovery_id = g_timeout_add (ub_vphone_scaled_ms (DETACH_DELAY_SECONDS),
                                       on_recovery_delay, self);
}

static void
start_service (UbVphoneLockdownd *self,
               UbVphonePlistConn *conn,
               plist_t            message)
{
  const char *service = dict_string (message, "Service");
  gpointer port = service != NULL ? g_hash_table_lookup (self->services, service) : NULL;
  plist_t answer;

  ub_vphone_recorder_log (self->recorder, "lockdown StartService %s", service ? service : "");
  if (port == NULL || session_of (conn)->session_id == NULL)
    {
      send_error (conn, "StartService", "InvalidService");
      return;
    }
  answer = answer_new ("StartService");
  plist_dict_set_item (answer, "Service", plist_new_string (service));
  plist_dict_set_item (answer, "Port", plist_new_uint (GPOINTER_TO_UINT (port)));
  plist_dict_set_item (answer, "EnableServiceSSL", plist_new_bool (FALSE));
  send_answer (conn, answer);
}

static void
simple_request (UbVphoneLockdownd *self,
                UbVphonePlistConn *conn,
                const char        *request,
                plist_t            message)
{
  plist_t answer = answer_new (request);

  if (g_str_equal (request, "QueryType"))
    {
      plist_dict_set_item (answer, "Type", plist_new_string (LOCKDOWN_TYPE));
    }
  else if (g_str_equal (request, "StopSession"))
    {
      g_clear_pointer (&session_of (conn)->session_id, g_free);
    }
  else if (g_str_equal (request, "Goodbye"))
    {
      plist_dict_set_item (answer, "Result", plist_new_string ("Success"));
    }
  else
    {
      const char *service = dict_string (message, "Service");

      plist_free (answer);
      ub_vphone_recorder_log (self->recorder, "lockdown %s %s", request, service ? service : "");
      send_error (conn, request,
                  g_str_equal (request, "StartService") ? "InvalidService" :
                  g_str_equal (request, "SetValue") ? "SetProhibited" : "InvalidRequest");
      return;
    }
  ub_vphone_recorder_log (self->recorder, "lockdown %s", request);
  send_answer (conn, answer);
}

static void
on_message (UbVphonePlistConn *conn,
            guint              tag,
            gpointer           message,
            UbVphoneLockdownd *self)
{
  const char *request = dict_string (message, "Request");

  if (request == NULL)
    request = "";
  g_debug ("lockdownd request \"%s\"", request);
  if (g_str_equal (request, "GetValue"))
    get_value (self, conn, message);
  else if (g_str_equal (request, "StartSession"))
    start_session (self, conn, message);
  else if (g_str_equal (request, "Pair") || g_str_equal (request, "ValidatePair") ||
           g_str_equal (request, "Unpair"))
    pair (self, conn, request, message);
  else if (g_str_equal (request, "EnterRecovery"))
    enter_recovery (self, conn);
  else if (g_str_equal (request, "StartService"))
    start_service (self, conn, message);
  else
    simple_request (self, conn, request, message);
  if (g_str_equal (request, "Goodbye"))
    ub_vphone_plist_conn_close (conn);
}

static void
on_closed (UbVphonePlistConn *conn,
           UbVphoneLockdownd *self)
{
  g_debug ("lockdownd connection closed");
  g_ptr_array_remove (self->conns, conn);
}

static void
ub_vphone_lockdownd_accept (UbVphoneService *service,
                            GIOStream       *stream)
{
  UbVphoneLockdownd *self = UB_VPHONE_LOCKDOWND (service);
  UbVphonePlistConn *conn = ub_vphone_plist_conn_new (stream, UB_VPHONE_FRAMING_LOCKDOWN);

  g_object_set_data_full (G_OBJECT (conn), "ub-vphone-session", g_new0 (Session, 1),
                          (GDestroyNotify) session_free);
  g_signal_connect_object (conn, "message", G_CALLBACK (on_message), self, 0);
  g_signal_connect_object (conn, "closed", G_CALLBACK (on_closed), self, 0);
  g_ptr_array_add (self->conns, conn);
  if (ub_vphone_faults_is_active (self->faults, UB_VPHONE_FAULT_LOCKDOWND_SILENT))
    {
      ub_vphone_recorder_log (self->recorder, "lockdown connection ignored (lockdownd-silent)");
      ub_vphone_plist_conn_discard (conn);
      return;
    }
  ub_vphone_plist_conn_start (conn);
}

static void
ub_vphone_lockdownd_close_all (UbVphoneService *service)
{
  UbVphoneLockdownd *self = UB_VPHONE_LOCKDOWND (service);
  g_autoptr(GPtrArray) conns = g_ptr_array_copy (self->conns, (GCopyFunc) g_object_ref, NULL);

  g_ptr_array_set_free_func (conns, g_object_unref);
  for (guint i = 0; i < conns->len; i++)
    ub_vphone_plist_conn_close (g_ptr_array_index (conns, i));
  g_ptr_array_set_size (self->conns, 0);
}

static void
ub_vphone_lockdownd_service_init (UbVphoneServiceInterface *iface)
{
  iface->accept = ub_vphone_lockdownd_accept;
  iface->close_all = ub_vphone_lockdownd_close_all;
}

static void
ub_vphone_lockdownd_dispose (GObject *object)
{
  UbVphoneLockdownd *self = UB_VPHONE_LOCKDOWND (object);

  g_clear_handle_id (&self->recovery_id, g_source_remove);
  g_clear_pointer (&self->conns, g_ptr_array_unref);
  g_clear_pointer (&self->trusted, g_hash_table_unref);
  g_clear_pointer (&self->services, g_hash_table_unref);
  g_clear_object (&self->backup);
  g_clear_object (&self->identity);
  g_clear_object (&self->phone);
  g_clear_object (&self->faults);
  g_clear_object (&self->recorder);

  G_OBJECT_CLASS (ub_vphone_lockdownd_parent_class)->dispose (object);
}

static void
ub_vphone_lockdownd_class_init (UbVphoneLockdowndClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = ub_vphone_lockdownd_dispose;
}

static void
ub_vphone_lockdownd_init (UbVphoneLockdownd *self)
{
  self->trusted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->services = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->conns = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * ub_vphone_lockdownd_new:
 * @trusted_host_id: the HostID of the pair record the host starts with
 *
 * Returns: (transfer full): lockdownd, to register on port 62078
 */
UbVphoneLockdownd *
ub_vphone_lockdownd_new (UbVphoneIdentity *identity,
                         UbVphonePhone    *phone,
                         UbVphoneFaults   *faults,
                         UbVphoneRecorder *recorder,
                         const char       *trusted_host_id)
{
  UbVphoneLockdownd *self = g_object_new (UB_TYPE_VPHONE_LOCKDOWND, NULL);

  self->identity = g_object_ref (identity);
  self->phone = g_object_ref (phone);
  self->faults = g_object_ref (faults);
  self->recorder = g_object_ref (recorder);
  g_hash_table_add (self->trusted, g_strdup (trusted_host_id));
  return self;
}

/**
 * ub_vphone_lockdownd_add_service:
 * @port: where usbmuxd's Connect reaches the service
 *
 * StartService @name answers with @port (in a paired session only).
 */
void
ub_vphone_lockdownd_add_service (UbVphoneLockdownd *self,
                                 const char        *name,
                                 guint16            port)
{
  g_return_if_fail (UB_IS_VPHONE_LOCKDOWND (self));
  g_return_if_fail (name != NULL && port != 0);

  g_hash_table_insert (self->services, g_strdup (name), GUINT_TO_POINTER (port));
}

/**
 * ub_vphone_lockdownd_set_backup:
 *
 * The backup service's settings then show in the backup and disk usage
 * domains (ub_vphone_backup_adjust_values()).
 */
void
ub_vphone_lockdownd_set_backup (UbVphoneLockdownd *self,
                                UbVphoneBackup    *backup)
{
  g_return_if_fail (UB_IS_VPHONE_LOCKDOWND (self));

  g_set_object (&self->backup, backup);
}
