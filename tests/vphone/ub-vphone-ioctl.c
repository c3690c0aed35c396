/* ub-vphone-ioctl.c — usbdevfs for the virtual iPhone's device nodes
 *
 * umockdev calls the handler on its testbed worker thread. Each ioctl is
 * handed to the main loop (g_main_context_invoke) and completed from there,
 * which umockdev allows: the device model, its timers and faults then live on
 * one thread and need no locks. The host process is blocked in its ioctl
 * meanwhile, as with a real kernel.
 *
 * URBs complete when submitted (the device answers at once) and wait for
 * REAPURB(NDELAY). A transfer the backend leaves in flight (the unresponsive
 * fault, a bulk IN with no data) stays until DISCARDURB (-ENOENT) or until
 * the device leaves the bus (-ESHUTDOWN); after that every ioctl on the
 * old node fails with ENODEV.
 *
 * A usbfs node is always writable under umockdev, so libusb polls it without
 * rest while it waits. To keep that cheap, a reap that finds nothing right
 * after another empty one is answered (EAGAIN) only after REAP_PAUSE_MS.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-vphone-ioctl"

#include "config.h"

#include <errno.h>
#include <linux/usbdevice_fs.h>
#include <sys/ioctl.h>

#include "ub-vphone-ioctl.h"

#define REAP_PAUSE_MS 20

typedef struct
{
  char   *devnode;
  GQueue  ready;          /* UMockdevIoctlData (struct usbdevfs_urb), completed */
  GQueue  in_flight;      /* UMockdevIoctlData, never completing by themselves */
  guint   empty_reaps;    /* consecutive reaps that found nothing */
} ClientState;

typedef struct
{
  UbVphoneIoctl       *self;
  UMockdevIoctlClient *client;
} Job;

struct _UbVphoneIoctl
{
  UMockdevIoctlBase           parent_instance;

  GMainContext               *main_context;
  const UbVphoneIoctlBackend *backend;
  gpointer                    user_data;
  GHashTable                 *clients;   /* UMockdevIoctlClient → ClientState; main thread */
};

G_DEFINE_FINAL_TYPE (UbVphoneIoctl, ub_vphone_ioctl, UMOCKDEV_TYPE_IOCTL_BASE)

static void
client_state_free (ClientState *state)
{
  g_queue_clear_full (&state->ready, g_object_unref);
  g_queue_clear_full (&state->in_flight, g_object_unref);
  g_free (state->devnode);
  g_free (state);
}

static void
job_free (Job *job)
{
  g_object_unref (job->client);
  g_object_unref (job->self);
  g_free (job);
}

static Job *
job_new (UbVphoneIoctl       *self,
         UMockdevIoctlClient *client)
{
  Job *job = g_new0 (Job, 1);

  job->self = g_object_ref (self);
  job->client = g_object_ref (client);
  return job;
}

static ClientState *
lookup_client (UbVphoneIoctl       *self,
               UMockdevIoctlClient *client)
{
  ClientState *state = g_hash_table_lookup (self->clients, client);

  if (state == NULL)
    {
      state = g_new0 (ClientState, 1);
      state->devnode = g_strdup (umockdev_ioctl_client_get_devnode (client));
      g_hash_table_insert (self->clients, g_object_ref (client), state);
    }
  return state;
}

static gboolean
is_alive (UbVphoneIoctl *self,
          ClientState   *state)
{
  return self->backend->is_alive (state->devnode, self->user_data);
}

static void
complete (UMockdevIoctlClient *client,
          glong                result,
          int                  error_code)
{
  umockdev_ioctl_client_complete (client, result, error_code);
}

static struct usbdevfs_urb *
urb_of (UMockdevIoctlData *data)
{
  return (struct usbdevfs_urb *) data->data;
}

static void
submit_urb (UbVphoneIoctl       *self,
            UMockdevIoctlClient *client,
            ClientState         *state)
{
  UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg (client);
  g_autoptr(UMockdevIoctlData) urb_data = NULL;
  g_autoptr(UMockdevIoctlData) buffer = NULL;
  g_autoptr(GError) error = NULL;
  UbVphoneTransfer transfer = { 0, };
  struct usbdevfs_urb *urb;

  if (!is_alive (self, state))
    {
      complete (client, -1, ENODEV);
      return;
    }
  urb_data = umockdev_ioctl_data_resolve (arg, 0, sizeof (struct usbdevfs_urb), &error);
  if (urb_data == NULL)
    {
      complete (client, -1, EFAULT);
      return;
    }
  urb = urb_of (urb_data);
  if (urb->buffer_length > 0)
    buffer = umockdev_ioctl_data_resolve (urb_data, G_STRUCT_OFFSET (struct usbdevfs_urb, buffer),
                                          urb->buffer_length, &error);
  if (urb->buffer_length > 0 && buffer == NULL)
    {
      complete (client, -1, EFAULT);
      return;
    }
  transfer.type = urb->type;
  transfer.endpoint = urb->endpoint;
  transfer.buffer = buffer != NULL ? buffer->data : NULL;
  transfer.length = urb->buffer_length;
  if (self->backend->submit (state->devnode, &transfer, self->user_data))
    {
      urb->status = transfer.status;
      urb->actual_length = transfer.actual;
      urb->error_count = 0;
      g_queue_push_tail (&state->ready, g_steal_pointer (&urb_data));
    }
  else
    {
      g_debug ("URB for endpoint 0x%02x left in flight", transfer.endpoint);
      g_queue_push_tail (&state->in_flight, g_steal_pointer (&urb_data));
    }
  complete (client, 0, 0);
}

static gboolean
on_reap_pause_over (gpointer data)
{
  complete (UMOCKDEV_IOCTL_CLIENT (data), -1, EAGAIN);
  return G_SOURCE_REMOVE;
}

static void
reap_urb (UbVphoneIoctl       *self,
          UMockdevIoctlClient *client,
          ClientState         *state)
{
  UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg (client);
  g_autoptr(UMockdevIoctlData) urb_data = g_queue_pop_head (&state->ready);
  g_autoptr(UMockdevIoctlData) pointer = NULL;

  if (urb_data == NULL)
    {
      if (!is_alive (self, state) && g_queue_is_empty (&state->in_flight))
        {
          complete (client, -1, ENODEV);
          return;
        }
      if (state->empty_reaps++ == 0)
        {
          complete (client, -1, EAGAIN);
          return;
        }
      g_timeout_add_full (G_PRIORITY_DEFAULT, REAP_PAUSE_MS, on_reap_pause_over,
                          g_object_ref (client), g_object_unref);
      return;
    }
  state->empty_reaps = 0;
  pointer = umockdev_ioctl_data_resolve (arg, 0, sizeof (gpointer), NULL);
  if (pointer == NULL)
    {
      complete (client, -1, EFAULT);
      return;
    }
  umockdev_ioctl_data_set_ptr (pointer, 0, urb_data);
  complete (client, 0, 0);
}

static void
discard_urb (UbVphoneIoctl       *self,
             UMockdevIoctlClient *client,
             ClientState         *state)
{
  UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg (client);
  gulong address = *(gulong *) arg->data;

  for (GList *l = state->in_flight.head; l != NULL; l = l->next)
    {
      UMockdevIoctlData *urb_data = l->data;

      if (urb_data->client_addr != address)
        continue;
      g_debug ("URB for endpoint 0x%02x discarded", urb_of (urb_data)->endpoint);
      urb_of (urb_data)->status = -ENOENT;
      urb_of (urb_data)->actual_length = 0;
      g_queue_delete_link (&state->in_flight, l);
      g_queue_push_tail (&state->ready, urb_data);
      complete (client, 0, 0);
      return;
    }
  complete (client, -1, EINVAL);
}

/* The ioctls whose argument is an unsigned int, or none at all. */
static void
simple_request (UbVphoneIoctl       *self,
                UMockdevIoctlClient *client,
                ClientState         *state,
                gulong               request,
                gsize                arg_size)
{
  UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg (client);
  g_autoptr(UMockdevIoctlData) data = NULL;
  guint value = 0, value2 = 0;
  int error_code;

  if (!is_alive (self, state))
    {
      complete (client, -1, ENODEV);
      return;
    }
  if (arg_size > 0)
    {
      data = umockdev_ioctl_data_resolve (arg, 0, arg_size, NULL);
      if (data == NULL)
        {
          complete (client, -1, EFAULT);
          return;
        }
      value = ((guint *) data->data)[0];
      if (arg_size >= 2 * sizeof (guint))
        value2 = ((guint *) data->data)[1];
    }
  error_code = self->backend->request (state->devnode, request, value, value2, self->user_data);
  complete (client, error_code == 0 ? 0 : -1, error_code);
}

static void
get_capabilities (UbVphoneIoctl       *self,
                  UMockdevIoctlClient *client)
{
  UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg (client);
  g_autoptr(UMockdevIoctlData) data = umockdev_ioctl_data_resolve (arg, 0, sizeof (guint32), NULL);

  if (data == NULL)
    {
      complete (client, -1, EFAULT);
      return;
    }
  *(guint32 *) data->data = USBDEVFS_CAP_BULK_SCATTER_GATHER | USBDEVFS_CAP_BULK_CONTINUATION |
                            USBDEVFS_CAP_NO_PACKET_SIZE_LIM | USBDEVFS_CAP_REAP_AFTER_DISCONNECT |
                            USBDEVFS_CAP_ZERO_PACKET;
  complete (client, 0, 0);
}

static void
dispatch (UbVphoneIoctl       *self,
          UMockdevIoctlClient *client)
{
  ClientState *state = lookup_client (self, client);
  gulong request = umockdev_ioctl_client_get_request (client);

  switch (request)
    {
    case USBDEVFS_SUBMITURB:
      submit_urb (self, client, state);
      break;
    case USBDEVFS_REAPURB:
    case USBDEVFS_REAPURBNDELAY:
      reap_urb (self, client, state);
      break;
    case USBDEVFS_DISCARDURB:
      discard_urb (self, client, state);
      break;
    case USBDEVFS_GET_CAPABILITIES:
      get_capabilities (self, client);
      break;
    case USBDEVFS_CLAIMINTERFACE:
    case USBDEVFS_RELEASEINTERFACE:
    case USBDEVFS_SETCONFIGURATION:
    case USBDEVFS_CLEAR_HALT:
    case USBDEVFS_RESETEP:
      simple_request (self, client, state, request, sizeof (guint));
      break;
    case USBDEVFS_SETINTERFACE:
      simple_request (self, client, state, request, sizeof (struct usbdevfs_setinterface));
      break;
    case USBDEVFS_RESET:
    case USBDEVFS_DISCONNECT_CLAIM:
      simple_request (self, client, state, request, 0);
      break;
    case USBDEVFS_GET_SPEED:
      complete (client, is_alive (self, state) ? 3 /* USB_SPEED_HIGH */ : -1,
                       is_alive (self, state) ? 0 : ENODEV);
      break;
    case USBDEVFS_GETDRIVER:
    case USBDEVFS_IOCTL:
      complete (client, -1, is_alive (self, state) ? ENODATA : ENODEV);
      break;
    default:
      g_debug ("Unknown ioctl 0x%lx on %s", request, state->devnode);
      complete (client, -1, ENOTTY);
      break;
    }
}

static gboolean
run_job (gpointer data)
{
  Job *job = data;

  dispatch (job->self, job->client);
  return G_SOURCE_REMOVE;
}

/* Worker thread: hand the ioctl to the main loop. */
static gboolean
ub_vphone_ioctl_handle_ioctl (UMockdevIoctlBase   *base,
                              UMockdevIoctlClient *client)
{
  UbVphoneIoctl *self = UB_VPHONE_IOCTL (base);

  g_main_context_invoke_full (self->main_context, G_PRIORITY_DEFAULT, run_job,
                              job_new (self, client), (GDestroyNotify) job_free);
  return TRUE;
}

static gboolean
run_closed (gpointer data)
{
  Job *job = data;
  UbVphoneIoctl *self = job->self;
  ClientState *state = g_hash_table_lookup (self->clients, job->client);
  g_autofree char *devnode = g_strdup (umockdev_ioctl_client_get_devnode (job->client));

  g_debug ("%s closed", devnode);
  if (state != NULL)
    g_hash_table_remove (self->clients, job->client);
  self->backend->closed (devnode, self->user_data);
  return G_SOURCE_REMOVE;
}

/* Worker thread. */
static void
on_client_connected_notify (UMockdevIoctlClient *client,
                            GParamSpec          *pspec,
                            UbVphoneIoctl       *self)
{
  if (umockdev_ioctl_client_get_connected (client))
    return;
  g_main_context_invoke_full (self->main_context, G_PRIORITY_DEFAULT, run_closed,
                              job_new (self, client), (GDestroyNotify) job_free);
}

/* Worker thread. */
static void
ub_vphone_ioctl_client_connected (UMockdevIoctlBase   *base,
                                  UMockdevIoctlClient *client)
{
  g_signal_connect_object (client, "notify::connected",
                           G_CALLBACK (on_client_connected_notify), base, 0);
}

static void
ub_vphone_ioctl_finalize (GObject *object)
{
  UbVphoneIoctl *self = UB_VPHONE_IOCTL (object);

  g_clear_pointer (&self->clients, g_hash_table_unref);
  g_clear_pointer (&self->main_context, g_main_context_unref);

  G_OBJECT_CLASS (ub_vphone_ioctl_parent_class)->finalize (object);
}

static void
ub_vphone_ioctl_class_init (UbVphoneIoctlClass *klass)
{
  UMockdevIoctlBaseClass *base_class = UMOCKDEV_IOCTL_BASE_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = ub_vphone_ioctl_finalize;
  base_class->handle_ioctl = ub_vphone_ioctl_handle_ioctl;
  base_class->client_connected = ub_vphone_ioctl_client_connected;
}

static void
ub_vphone_ioctl_init (UbVphoneIoctl *self)
{
  self->main_context = g_main_context_ref_thread_default ();
  self->clients = g_hash_table_new_full (g_direct_hash, g_direct_equal, g_object_unref,
                                         (GDestroyNotify) client_state_free);
}

/**
 * ub_vphone_ioctl_new:
 * @backend: the device behind the nodes; must outlive the handler
 *
 * Create on the main thread: that is where @backend gets called.
 *
 * Returns: (transfer full): a handler for umockdev_testbed_attach_ioctl()
 */
UbVphoneIoctl *
ub_vphone_ioctl_new (const UbVphoneIoctlBackend *backend,
                     gpointer                    user_data)
{
  UbVphoneIoctl *self;

  g_return_val_if_fail (backend != NULL, NULL);

  self = g_object_new (UB_TYPE_VPHONE_IOCTL, NULL);
  self->backend = backend;
  self->user_data = user_data;
  return self;
}

/**
 * ub_vphone_ioctl_device_gone:
 * @devnode: the node of a device that left the bus
 *
 * Ends every URB in flight on @devnode with -ESHUTDOWN, as the kernel does
 * on a disconnect; later ioctls there fail with ENODEV (through the backend's
 * is_alive).
 */
void
ub_vphone_ioctl_device_gone (UbVphoneIoctl *self,
                             const char    *devnode)
{
  GHashTableIter iter;
  ClientState *state;

  g_return_if_fail (UB_IS_VPHONE_IOCTL (self));
  g_return_if_fail (devnode != NULL);

  g_hash_table_iter_init (&iter, self->clients);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &state))
    {
      UMockdevIoctlData *urb_data;

      if (!g_str_equal (state->devnode, devnode))
        continue;
      while ((urb_data = g_queue_pop_head (&state->in_flight)) != NULL)
        {
          urb_of (urb_data)->status = -ESHUTDOWN;
          urb_of (urb_data)->actual_length = 0;
          g_queue_push_tail (&state->ready, urb_data);
        }
    }
}
