/* ub-vphone-notify.c — the phone's notification_proxy service
 *
 * The host posts notifications ({Command: PostNotification, Name}) and asks
 * to observe some (ObserveNotification); both are recorded as `notify post
 * NAME` and `notify observe NAME`. Shutdown is answered with ProxyDeath, as
 * libimobiledevice's np_client_free() waits for it. The framing is
 * lockdownd's: a 4-byte big-endian length and a plist.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-vphone-notify"

#include "config.h"

#include "ub-vphone-notify.h"
#include "ub-vphone-plist-conn.h"

struct _UbVphoneNotify
{
  GObject           parent_instance;

  UbVphoneRecorder *recorder;
  GPtrArray        *conns;     /* UbVphonePlistConn */
};

static void ub_vphone_notify_service_init (UbVphoneServiceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (UbVphoneNotify, ub_vphone_notify, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (UB_TYPE_VPHONE_SERVICE,
                                                      ub_vphone_notify_service_init))

static const char *
dict_string (plist_t     dict,
             const char *key)
{
  plist_t node = plist_get_node_type (dict) == PLIST_DICT ? plist_dict_get_item (dict, key) : NULL;

  if (node == NULL || plist_get_node_type (node) != PLIST_STRING)
    return NULL;
  return plist_get_string_ptr (node, NULL);
}

static void
on_message (UbVphonePlistConn *conn,
            guint              tag,
            gpointer           message,
            UbVphoneNotify    *self)
{
  const char *command = dict_string (message, "Command");
  const char *name = dict_string (message, "Name");

  if (command == NULL)
    command = "";
  g_debug ("notification_proxy \"%s\" \"%s\"", command, name ? name : "");
  if (g_str_equal (command, "PostNotification"))
    ub_vphone_recorder_log (self->recorder, "notify post %s", name ? name : "(none)");
  else if (g_str_equal (command, "ObserveNotification"))
    ub_vphone_recorder_log (self->recorder, "notify observe %s", name ? name : "(none)");
  else if (g_str_equal (command, "Shutdown"))
    {
      plist_t answer = plist_new_dict ();

      ub_vphone_recorder_log (self->recorder, "notify shutdown");
      plist_dict_set_item (answer, "Command", plist_new_string ("ProxyDeath"));
      ub_vphone_plist_conn_send (conn, 0, answer);
      plist_free (answer);
      ub_vphone_plist_conn_close (conn);
    }
}

static void
on_closed (UbVphonePlistConn *conn,
           UbVphoneNotify    *self)
{
  g_ptr_array_remove (self->conns, conn);
}

static void
ub_vphone_notify_accept (UbVphoneService *service,
                         GIOStream       *stream)
{
  UbVphoneNotify *self = UB_VPHONE_NOTIFY (service);
  UbVphonePlistConn *conn = ub_vphone_plist_conn_new (stream, UB_VPHONE_FRAMING_LOCKDOWN);

  g_signal_connect_object (conn, "message", G_CALLBACK (on_message), self, 0);
  g_signal_connect_object (conn, "closed", G_CALLBACK (on_closed), self, 0);
  g_ptr_array_add (self->conns, conn);
  ub_vphone_plist_conn_start (conn);
}

static void
ub_vphone_notify_close_all (UbVphoneService *service)
{
  UbVphoneNotify *self = UB_VPHONE_NOTIFY (service);
  g_autoptr(GPtrArray) conns = g_ptr_array_copy (self->conns, (GCopyFunc) g_object_ref, NULL);

  g_ptr_array_set_free_func (conns, g_object_unref);
  for (guint i = 0; i < conns->len; i++)
    ub_vphone_plist_conn_close (g_ptr_array_index (conns, i));
  g_ptr_array_set_size (self->conns, 0);
}

static void
ub_vphone_notify_service_init (UbVphoneServiceInterface *iface)
{
  iface->accept = ub_vphone_notify_accept;
  iface->close_all = ub_vphone_notify_close_all;
}

static void
ub_vphone_notify_dispose (GObject *object)
{
  UbVphoneNotify *self = UB_VPHONE_NOTIFY (object);

  g_clear_pointer (&self->conns, g_ptr_array_unref);
  g_clear_object (&self->recorder);

  G_OBJECT_CLASS (ub_vphone_notify_parent_class)->dispose (object);
}

static void
ub_vphone_notify_class_init (UbVphoneNotifyClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = ub_vphone_notify_dispose;
}

static void
ub_vphone_notify_init (UbVphoneNotify *self)
{
  self->conns = g_ptr_array_new_with_free_func (g_object_unref);
}

UbVphoneNotify *
ub_vphone_notify_new (UbVphoneRecorder *recorder)
{
  UbVphoneNotify *self = g_object_new (UB_TYPE_VPHONE_NOTIFY, NULL);

  self->recorder = g_object_ref (recorder);
  return self;
}
