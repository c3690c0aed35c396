/* ub-vphone-usbmuxd.c — a usbmuxd that knows one phone
 *
 * Speaks the plist protocol of libusbmuxd 2.0.2 (reliability-notes.md §2)
 * on a UNIX socket: ListDevices, Listen (then Attached/Detached as the
 * phone comes and goes; it is on usbmuxd only in normal mode), Connect
 * (PortNumber in network byte order; the socket is then handed to the
 * service on that port), ReadPairRecord, SavePairRecord, DeletePairRecord
 * and ReadBUID. Results use usbmuxd's numbers: 0 ok, 1 bad command, 2 bad
 * device (or no such record), 3 connection refused.
 *
 * The host starts with a pair record for the phone, as if it had been
 * trusted before; no-pair-record, trust-pending and locked delete it, and a
 * successful Pair saves a new one (SavePairRecord).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-vphone-usbmuxd"

#include "config.h"

#include <string.h>
#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>

#include "ub-vphone-plist-conn.h"
#include "ub-vphone-usbmuxd.h"

#define RESULT_OK           0
#define RESULT_BADCOMMAND   1
#define RESULT_BADDEV       2
#define RESULT_CONNREFUSED  3

#define SYSTEM_BUID     "5C1E6A0B-93D2-4F7E-8A41-2B6D9C0E7F13"
#define HOST_ID         "C7A4E1F2-0D3B-4A6C-9E85-71F2B3D4A5C6"
#define LOCATION_ID     0x00120000
#define CONNECTION_SPEED 480000000

#define PEM_PLACEHOLDER(kind) \
  "-----BEGIN " kind "-----\nvphone placeholder, not a real key or certificate\n-----END " kind "-----\n"

struct _UbVphoneUsbmuxd
{
  GObject           parent_instance;

  UbVphoneIdentity *identity;
  UbVphoneFaults   *faults;
  UbVphoneRecorder *recorder;
  char             *path;
  GSocketService   *listener;
  GPtrArray        *clients;        /* UbVphonePlistConn */
  GHashTable       *services;       /* port → UbVphoneService */
  GHashTable       *pair_records;   /* record ID (UDID) → GBytes */
  gboolean          attached;
  guint             device_id;
  guint             next_device_id;
};

G_DEFINE_FINAL_TYPE (UbVphoneUsbmuxd, ub_vphone_usbmuxd, G_TYPE_OBJECT)

static const char *
dict_string (plist_t     dict,
             const char *key)
{
  plist_t node = plist_dict_get_item (dict, key);

  if (node == NULL || plist_get_node_type (node) != PLIST_STRING)
    return NULL;
  return plist_get_string_ptr (node, NULL);
}

static guint64
dict_uint (plist_t     dict,
           const char *key)
{
  plist_t node = plist_dict_get_item (dict, key);
  uint64_t value = 0;

  if (node != NULL && plist_get_node_type (node) == PLIST_UINT)
    plist_get_uint_val (node, &value);
  return value;
}

static void
send_result (UbVphonePlistConn *conn,
             guint32            tag,
             guint              number)
{
  plist_t reply = plist_new_dict ();

  plist_dict_set_item (reply, "MessageType", plist_new_string ("Result"));
  plist_dict_set_item (reply, "Number", plist_new_uint (number));
  ub_vphone_plist_conn_send (conn, tag, reply);
  plist_free (reply);
}

static plist_t
attached_message (UbVphoneUsbmuxd *self)
{
  plist_t message = plist_new_dict ();
  plist_t props = plist_new_dict ();
  guint pid = ub_vphone_identity_get_product_id (self->identity, UB_VPHONE_USB_NORMAL);

  plist_dict_set_item (props, "ConnectionSpeed", plist_new_uint (CONNECTION_SPEED));
  plist_dict_set_item (props, "ConnectionType", plist_new_string ("USB"));
  plist_dict_set_item (props, "DeviceID", plist_new_uint (self->device_id));
  plist_dict_set_item (props, "LocationID", plist_new_uint (LOCATION_ID));
  plist_dict_set_item (props, "ProductID", plist_new_uint (pid));
  plist_dict_set_item (props, "SerialNumber",
                       plist_new_string (ub_vphone_identity_get_usb_serial (self->identity)));
  plist_dict_set_item (message, "DeviceID", plist_new_uint (self->device_id));
  plist_dict_set_item (message, "MessageType", plist_new_string ("Attached"));
  plist_dict_set_item (message, "Properties", props);
  return message;
}

static GBytes *
default_pair_record (UbVphoneUsbmuxd *self)
{
  plist_t record = plist_new_dict ();
  char *xml = NULL;
  uint32_t len = 0;
  GBytes *bytes;
  const char *cert = PEM_PLACEHOLDER ("CERTIFICATE");
  const char *key = PEM_PLACEHOLDER ("RSA PRIVATE KEY");

  plist_dict_set_item (record, "DeviceCertificate", plist_new_data (cert, strlen (cert)));
  plist_dict_set_item (record, "EscrowBag", plist_new_data ("vphone escrow bag", 17));
  plist_dict_set_item (record, "HostCertificate", plist_new_data (cert, strlen (cert)));
  plist_dict_set_item (record, "HostID", plist_new_string (HOST_ID));
  plist_dict_set_item (record, "HostPrivateKey", plist_new_data (key, strlen (key)));
  plist_dict_set_item (record, "RootCertificate", plist_new_data (cert, strlen (cert)));
  plist_dict_set_item (record, "RootPrivateKey", plist_new_data (key, strlen (key)));
  plist_dict_set_item (record, "SystemBUID", plist_new_string (SYSTEM_BUID));
  plist_dict_set_item (record, "WiFiMACAddress",
                       plist_new_string (ub_vphone_identity_get_wifi_address (self->identity)));
  plist_to_xml (record, &xml, &len);
  bytes = g_bytes_new (xml, len);
  plist_to_xml_free (xml);
  plist_free (record);
  return bytes;
}

static void
list_devices (UbVphoneUsbmuxd   *self,
              UbVphonePlistConn *conn,
              guint32            tag)
{
  plist_t reply = plist_new_dict ();
  plist_t list = plist_new_array ();

  if (self->attached)
    plist_array_append_item (list, attached_message (self));
  plist_dict_set_item (reply, "DeviceList", list);
  ub_vphone_plist_conn_send (conn, tag, reply);
  plist_free (reply);
}

static void
listen_for_devices (UbVphoneUsbmuxd   *self,
                    UbVphonePlistConn *conn,
                    guint32            tag)
{
  g_object_set_data (G_OBJECT (conn), "ub-vphone-listening", GINT_TO_POINTER (TRUE));
  send_result (conn, tag, RESULT_OK);
  if (self->attached)
    {
      plist_t message = attached_message (self);

      ub_vphone_plist_conn_send (conn, 0, message);
      plist_free (message);
    }
}

static void
connect_to_port (UbVphoneUsbmuxd   *self,
                 UbVphonePlistConn *conn,
                 guint32            tag,
                 plist_t            message)
{
  guint device_id = dict_uint (message, "DeviceID");
  guint raw_port = dict_uint (message, "PortNumber");
  guint16 port = GUINT16_FROM_BE ((guint16) raw_port);
  UbVphoneService *service = g_hash_table_lookup (self->services, GUINT_TO_POINTER (port));
  g_autoptr(GIOStream) stream = NULL;

  ub_vphone_recorder_log (self->recorder, "usbmux Connect %u", port);
  if (!self->attached || device_id != self->device_id)
    {
      send_result (conn, tag, RESULT_BADDEV);
      return;
    }
  if (service == NULL)
    {
      g_debug ("Nothing listens on port %u", port);
      send_result (conn, tag, RESULT_CONNREFUSED);
      return;
    }
  send_result (conn, tag, RESULT_OK);
  stream = ub_vphone_plist_conn_detach (conn);
  g_ptr_array_remove (self->clients, conn);
  ub_vphone_service_accept (service, stream);
}

static void
read_pair_record (UbVphoneUsbmuxd   *self,
                  UbVphonePlistConn *conn,
                  guint32            tag,
                  plist_t            message)
{
  const char *id = dict_string (message, "PairRecordID");
  GBytes *record = id != NULL ? g_hash_table_lookup (self->pair_records, id) : NULL;
  plist_t reply;
  gsize len;
  const char *data;

  ub_vphone_recorder_log (self->recorder, "usbmux ReadPairRecord %s", id ? id : "(none)");
  if (record == NULL)
    {
      send_result (conn, tag, RESULT_BADDEV);
      return;
    }
  data = g_bytes_get_data (record, &len);
  reply = plist_new_dict ();
  plist_dict_set_item (reply, "PairRecordData", plist_new_data (data, len));
  ub_vphone_plist_conn_send (conn, tag, reply);
  plist_free (reply);
}

static void
save_pair_record (UbVphoneUsbmuxd   *self,
                  UbVphonePlistConn *conn,
                  guint32            tag,
                  plist_t            message)
{
  const char *id = dict_string (message, "PairRecordID");
  plist_t data = plist_dict_get_item (message, "PairRecordData");
  const char *bytes;
  uint64_t len = 0;

  ub_vphone_recorder_log (self->recorder, "usbmux SavePairRecord %s", id ? id : "(none)");
  if (id == NULL || data == NULL || plist_get_node_type (data) != PLIST_DATA)
    {
      send_result (conn, tag, RESULT_BADCOMMAND);
      return;
    }
  bytes = plist_get_data_ptr (data, &len);
  g_hash_table_insert (self->pair_records, g_strdup (id), g_bytes_new (bytes, len));
  send_result (conn, tag, RESULT_OK);
}

static void
read_buid (UbVphoneUsbmuxd   *self,
           UbVphonePlistConn *conn,
           guint32            tag)
{
  plist_t reply = plist_new_dict ();

  plist_dict_set_item (reply, "BUID", plist_new_string (SYSTEM_BUID));
  ub_vphone_plist_conn_send (conn, tag, reply);
  plist_free (reply);
}

static void
on_client_message (UbVphonePlistConn *conn,
                   guint              tag,
                   gpointer           message,
                   UbVphoneUsbmuxd   *self)
{
  const char *type = dict_string (message, "MessageType");

  if (type == NULL)
    type = "";
  if (!g_str_equal (type, "Connect") && !g_str_has_suffix (type, "PairRecord"))
    ub_vphone_recorder_log (self->recorder, "usbmux %s", type);
  g_debug ("usbmux request \"%s\"", type);
  if (g_str_equal (type, "ListDevices"))
    list_devices (self, conn, tag);
  else if (g_str_equal (type, "Listen"))
    listen_for_devices (self, conn, tag);
  else if (g_str_equal (type, "Connect"))
    connect_to_port (self, conn, tag, message);
  else if (g_str_equal (type, "ReadPairRecord"))
    read_pair_record (self, conn, tag, message);
  else if (g_str_equal (type, "SavePairRecord"))
    save_pair_record (self, conn, tag, message);
  else if (g_str_equal (type, "DeletePairRecord"))
    {
      const char *id = dict_string (message, "PairRecordID");

      ub_vphone_recorder_log (self->recorder, "usbmux DeletePairRecord %s", id ? id : "(none)");
      if (id != NULL)
        g_hash_table_remove (self->pair_records, id);
      send_result (conn, tag, RESULT_OK);
    }
  else if (g_str_equal (type, "ReadBUID"))
    read_buid (self, conn, tag);
  else
    send_result (conn, tag, RESULT_BADCOMMAND);
}

static void
on_client_closed (UbVphonePlistConn *conn,
                  UbVphoneUsbmuxd   *self)
{
  g_ptr_array_remove (self->clients, conn);
}

static gboolean
on_incoming (GSocketService    *listener,
             GSocketConnection *connection,
             GObject           *source,
             UbVphoneUsbmuxd   *self)
{
  UbVphonePlistConn *conn = ub_vphone_plist_conn_new (G_IO_STREAM (connection),
                                                      UB_VPHONE_FRAMING_USBMUX);

  g_signal_connect_object (conn, "message", G_CALLBACK (on_client_message), self, 0);
  g_signal_connect_object (conn, "closed", G_CALLBACK (on_client_closed), self, 0);
  g_ptr_array_add (self->clients, conn);
  ub_vphone_plist_conn_start (conn);
  return TRUE;
}

static void
close_clients (UbVphoneUsbmuxd *self)
{
  g_autoptr(GPtrArray) clients = g_ptr_array_copy (self->clients, (GCopyFunc) g_object_ref, NULL);

  g_ptr_array_set_free_func (clients, g_object_unref);
  for (guint i = 0; i < clients->len; i++)
    ub_vphone_plist_conn_close (g_ptr_array_index (clients, i));
  g_ptr_array_set_size (self->clients, 0);
}

static void
on_fault_changed (UbVphoneUsbmuxd *self,
                  guint            fault,
                  gboolean         active)
{
  const char *udid = ub_vphone_identity_get_udid (self->identity);
  g_autoptr(GError) error = NULL;

  if (fault == UB_VPHONE_FAULT_USBMUXD_VANISH && active)
    {
      g_autofree char *path = g_strdup (self->path);

      ub_vphone_usbmuxd_stop (self);
      self->path = g_steal_pointer (&path);
    }
  else if (fault == UB_VPHONE_FAULT_USBMUXD_VANISH && self->path != NULL)
    {
      g_autofree char *path = g_strdup (self->path);

      if (!ub_vphone_usbmuxd_listen (self, path, &error))
        g_message ("usbmuxd cannot come back: %s", error->message);
    }
  else if ((fault == UB_VPHONE_FAULT_NO_PAIR_RECORD || fault == UB_VPHONE_FAULT_TRUST_PENDING ||
            fault == UB_VPHONE_FAULT_LOCKED) && active)
    {
      g_debug ("The host loses its pair record");
      g_hash_table_remove (self->pair_records, udid);
    }
  else if (!g_hash_table_contains (self->pair_records, udid) &&
           !ub_vphone_faults_is_active (self->faults, UB_VPHONE_FAULT_NO_PAIR_RECORD) &&
           !ub_vphone_faults_is_active (self->faults, UB_VPHONE_FAULT_TRUST_PENDING) &&
           !ub_vphone_faults_is_active (self->faults, UB_VPHONE_FAULT_LOCKED))
    {
      g_hash_table_insert (self->pair_records, g_strdup (udid), default_pair_record (self));
    }
}

static void
ub_vphone_usbmuxd_dispose (GObject *object)
{
  UbVphoneUsbmuxd *self = UB_VPHONE_USBMUXD (object);

  if (self->faults != NULL)
    g_signal_handlers_disconnect_by_data (self->faults, self);
  ub_vphone_usbmuxd_stop (self);
  g_clear_pointer (&self->services, g_hash_table_unref);
  g_clear_pointer (&self->clients, g_ptr_array_unref);
  g_clear_object (&self->identity);
  g_clear_object (&self->faults);
  g_clear_object (&self->recorder);

  G_OBJECT_CLASS (ub_vphone_usbmuxd_parent_class)->dispose (object);
}

static void
ub_vphone_usbmuxd_finalize (GObject *object)
{
  UbVphoneUsbmuxd *self = UB_VPHONE_USBMUXD (object);

  g_clear_pointer (&self->pair_records, g_hash_table_unref);
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (ub_vphone_usbmuxd_parent_class)->finalize (object);
}

static void
ub_vphone_usbmuxd_class_init (UbVphoneUsbmuxdClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ub_vphone_usbmuxd_dispose;
  object_class->finalize = ub_vphone_usbmuxd_finalize;
}

static void
ub_vphone_usbmuxd_init (UbVphoneUsbmuxd *self)
{
  self->clients = g_ptr_array_new_with_free_func (g_object_unref);
  self->services = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_object_unref);
  self->pair_records = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) g_bytes_unref);
  self->next_device_id = 1;
}

/**
 * ub_vphone_usbmuxd_new:
 *
 * Returns: (transfer full): a usbmuxd; call ub_vphone_usbmuxd_listen()
 */
UbVphoneUsbmuxd *
ub_vphone_usbmuxd_new (UbVphoneIdentity *identity,
                       UbVphoneFaults   *faults,
                       UbVphoneRecorder *recorder)
{
  UbVphoneUsbmuxd *self = g_object_new (UB_TYPE_VPHONE_USBMUXD, NULL);

  self->identity = g_object_ref (identity);
  self->faults = g_object_ref (faults);
  self->recorder = g_object_ref (recorder);
  g_hash_table_insert (self->pair_records, g_strdup (ub_vphone_identity_get_udid (identity)),
                       default_pair_record (self));
  g_signal_connect_swapped (faults, "changed", G_CALLBACK (on_fault_changed), self);
  return self;
}

/**
 * ub_vphone_usbmuxd_listen:
 * @path: the socket to create (USBMUXD_SOCKET_ADDRESS=UNIX:@path)
 */
gboolean
ub_vphone_usbmuxd_listen (UbVphoneUsbmuxd  *self,
                          const char       *path,
                          GError          **error)
{
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocketService) listener = g_socket_service_new ();

  g_return_val_if_fail (UB_IS_VPHONE_USBMUXD (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  g_unlink (path);
  address = g_unix_socket_address_new (path);
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (listener), address, G_SOCKET_TYPE_STREAM,
                                      G_SOCKET_PROTOCOL_DEFAULT, NULL, NULL, error))
    return FALSE;
  g_signal_connect_object (listener, "incoming", G_CALLBACK (on_incoming), self, 0);
  g_socket_service_start (listener);
  g_set_object (&self->listener, listener);
  if (self->path != path)
    {
      g_free (self->path);
      self->path = g_strdup (path);
    }
  g_debug ("usbmuxd listens on \"%s\"", path);
  return TRUE;
}

/**
 * ub_vphone_usbmuxd_stop:
 *
 * usbmuxd goes away: its socket is closed and removed, and so are the
 * connections of its clients.
 */
void
ub_vphone_usbmuxd_stop (UbVphoneUsbmuxd *self)
{
  g_return_if_fail (UB_IS_VPHONE_USBMUXD (self));

  if (self->listener != NULL)
    {
      g_debug ("usbmuxd stops");
      g_socket_service_stop (self->listener);
      g_socket_listener_close (G_SOCKET_LISTENER (self->listener));
      g_clear_object (&self->listener);
      if (self->path != NULL)
        g_unlink (self->path);
    }
  if (self->clients != NULL)
    close_clients (self);
  g_clear_pointer (&self->path, g_free);
}

/**
 * ub_vphone_usbmuxd_set_service:
 * @port: a TCP port on the phone, e.g. %UB_VPHONE_LOCKDOWN_PORT
 * @service: (nullable): what answers there, or %NULL for nothing
 */
void
ub_vphone_usbmuxd_set_service (UbVphoneUsbmuxd *self,
                               guint16          port,
                               UbVphoneService *service)
{
  g_return_if_fail (UB_IS_VPHONE_USBMUXD (self));

  if (service != NULL)
    g_hash_table_insert (self->services, GUINT_TO_POINTER (port), g_object_ref (service));
  else
    g_hash_table_remove (self->services, GUINT_TO_POINTER (port));
}

static void
broadcast (UbVphoneUsbmuxd *self,
           plist_t          message)
{
  g_autoptr(GPtrArray) clients = g_ptr_array_copy (self->clients, (GCopyFunc) g_object_ref, NULL);

  g_ptr_array_set_free_func (clients, g_object_unref);
  for (guint i = 0; i < clients->len; i++)
    {
      UbVphonePlistConn *conn = g_ptr_array_index (clients, i);

      if (g_object_get_data (G_OBJECT (conn), "ub-vphone-listening"))
        ub_vphone_plist_conn_send (conn, 0, message);
    }
}

/**
 * ub_vphone_usbmuxd_set_attached:
 * @attached: whether the phone is on usbmuxd (normal mode, plugged in)
 *
 * Tells listeners (Attached with a new DeviceID, or Detached); a detached
 * phone's connections all end.
 */
void
ub_vphone_usbmuxd_set_attached (UbVphoneUsbmuxd *self,
                                gboolean         attached)
{
  plist_t message;
  GHashTableIter iter;
  gpointer service;

  g_return_if_fail (UB_IS_VPHONE_USBMUXD (self));

  if (self->attached == !!attached)
    return;
  self->attached = !!attached;
  if (attached)
    {
      self->device_id = self->next_device_id++;
      g_debug ("Phone attached as device %u", self->device_id);
      message = attached_message (self);
    }
  else
    {
      g_debug ("Phone detached");
      message = plist_new_dict ();
      plist_dict_set_item (message, "DeviceID", plist_new_uint (self->device_id));
      plist_dict_set_item (message, "MessageType", plist_new_string ("Detached"));
      g_hash_table_iter_init (&iter, self->services);
      while (g_hash_table_iter_next (&iter, NULL, &service))
        ub_vphone_service_close_all (service);
    }
  ub_vphone_recorder_log (self->recorder, "usbmux %s", attached ? "attached" : "detached");
  broadcast (self, message);
  plist_free (message);
}

gboolean
ub_vphone_usbmuxd_get_attached (UbVphoneUsbmuxd *self)
{
  g_return_val_if_fail (UB_IS_VPHONE_USBMUXD (self), FALSE);
  return self->attached;
}

/**
 * ub_vphone_usbmuxd_get_host_id:
 *
 * Returns: the HostID of the pair record the host starts with
 */
const char *
ub_vphone_usbmuxd_get_host_id (UbVphoneUsbmuxd *self)
{
  g_return_val_if_fail (UB_IS_VPHONE_USBMUXD (self), NULL);
  return HOST_ID;
}

const char *
ub_vphone_usbmuxd_get_system_buid (UbVphoneUsbmuxd *self)
{
  g_return_val_if_fail (UB_IS_VPHONE_USBMUXD (self), NULL);
  return SYSTEM_BUID;
}
