/* ub-vphone-dataport.c — a port restored opens for the answer to one data request
 *
 * A DataRequestMsg with a DataPort asks the host to connect to that port
 * (through usbmuxd, like any other port of the phone) and to send its
 * answer there, framed like restored's own messages (4-byte big-endian
 * length + plist). Each message goes to the owner's function; the owner
 * may also send on the connection (the AEA key request of a boot object
 * stream). ub_vphone_dataport_close() drops every connection and stops
 * the function: the owner then takes the port out of usbmuxd's table.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-vphone-dataport"

#include "config.h"

#include "ub-vphone-dataport.h"

struct _UbVphoneDataport
{
  GObject               parent_instance;

  guint16               port;
  UbVphoneDataportFunc  func;
  gpointer              user_data;
  GPtrArray            *conns;   /* UbVphonePlistConn */
};

static void ub_vphone_dataport_service_init (UbVphoneServiceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (UbVphoneDataport, ub_vphone_dataport, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (UB_TYPE_VPHONE_SERVICE,
                                                      ub_vphone_dataport_service_init))

static void
on_message (UbVphonePlistConn *conn,
            guint              tag,
            gpointer           message,
            UbVphoneDataport  *self)
{
  g_debug ("DataPort %u: a message", self->port);
  if (self->func != NULL)
    self->func (self, message, self->user_data);
}

static void
on_closed (UbVphonePlistConn *conn,
           UbVphoneDataport  *self)
{
  g_debug ("DataPort %u: connection closed", self->port);
  g_ptr_array_remove (self->conns, conn);
}

static void
ub_vphone_dataport_accept (UbVphoneService *service,
                           GIOStream       *stream)
{
  UbVphoneDataport *self = UB_VPHONE_DATAPORT (service);
  UbVphonePlistConn *conn = ub_vphone_plist_conn_new (stream, UB_VPHONE_FRAMING_LOCKDOWN);

  g_debug ("DataPort %u: the host connected", self->port);
  g_signal_connect_object (conn, "message", G_CALLBACK (on_message), self, 0);
  g_signal_connect_object (conn, "closed", G_CALLBACK (on_closed), self, 0);
  g_ptr_array_add (self->conns, conn);
  ub_vphone_plist_conn_start (conn);
}

static void
ub_vphone_dataport_close_all (UbVphoneService *service)
{
  UbVphoneDataport *self = UB_VPHONE_DATAPORT (service);
  g_autoptr(GPtrArray) conns = g_ptr_array_copy (self->conns, (GCopyFunc) g_object_ref, NULL);

  g_ptr_array_set_free_func (conns, g_object_unref);
  g_ptr_array_set_size (self->conns, 0);
  for (guint i = 0; i < conns->len; i++)
    ub_vphone_plist_conn_close (g_ptr_array_index (conns, i));
}

static void
ub_vphone_dataport_service_init (UbVphoneServiceInterface *iface)
{
  iface->accept = ub_vphone_dataport_accept;
  iface->close_all = ub_vphone_dataport_close_all;
}

static void
ub_vphone_dataport_dispose (GObject *object)
{
  UbVphoneDataport *self = UB_VPHONE_DATAPORT (object);

  self->func = NULL;
  if (self->conns != NULL)
    ub_vphone_dataport_close_all (UB_VPHONE_SERVICE (self));
  g_clear_pointer (&self->conns, g_ptr_array_unref);

  G_OBJECT_CLASS (ub_vphone_dataport_parent_class)->dispose (object);
}

static void
ub_vphone_dataport_class_init (UbVphoneDataportClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = ub_vphone_dataport_dispose;
}

static void
ub_vphone_dataport_init (UbVphoneDataport *self)
{
  self->conns = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * ub_vphone_dataport_new:
 * @port: the port number it will have in usbmuxd's table
 * @func: called with every message the host sends there
 *
 * Returns: (transfer full): the service for @port
 */
UbVphoneDataport *
ub_vphone_dataport_new (guint16              port,
                        UbVphoneDataportFunc func,
                        gpointer             user_data)
{
  UbVphoneDataport *self = g_object_new (UB_TYPE_VPHONE_DATAPORT, NULL);

  self->port = port;
  self->func = func;
  self->user_data = user_data;
  return self;
}

guint16
ub_vphone_dataport_get_port (UbVphoneDataport *self)
{
  g_return_val_if_fail (UB_IS_VPHONE_DATAPORT (self), 0);
  return self->port;
}

/**
 * ub_vphone_dataport_send:
 *
 * Sends @message on the newest connection to the port.
 *
 * Returns: whether a connection took it
 */
gboolean
ub_vphone_dataport_send (UbVphoneDataport *self,
                         plist_t           message)
{
  g_return_val_if_fail (UB_IS_VPHONE_DATAPORT (self), FALSE);

  if (self->conns->len == 0)
    return FALSE;
  return ub_vphone_plist_conn_send (g_ptr_array_index (self->conns, self->conns->len - 1), 0, message);
}

/**
 * ub_vphone_dataport_close:
 *
 * Ends every connection; no more messages reach the owner.
 */
void
ub_vphone_dataport_close (UbVphoneDataport *self)
{
  g_return_if_fail (UB_IS_VPHONE_DATAPORT (self));

  self->func = NULL;
  ub_vphone_dataport_close_all (UB_VPHONE_SERVICE (self));
}
