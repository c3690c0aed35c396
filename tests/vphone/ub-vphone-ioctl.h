/* ub-vphone-ioctl.h — usbdevfs for the virtual iPhone's device nodes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <umockdev.h>

G_BEGIN_DECLS

/**
 * UbVphoneTransfer:
 * @type: USBDEVFS_URB_TYPE_CONTROL, _BULK or _INTERRUPT
 * @endpoint: the endpoint address
 * @buffer: for control transfers the 8-byte setup packet, then the data stage
 * @length: bytes at @buffer
 * @actual: (out): bytes moved in the data stage
 * @status: (out): 0 or a negative errno (-EPIPE: stall)
 */
typedef struct
{
  guint8  type;
  guint8  endpoint;
  guint8 *buffer;
  gsize   length;
  gsize   actual;
  int     status;
} UbVphoneTransfer;

/**
 * UbVphoneIoctlBackend:
 * @is_alive: whether @devnode is still on the bus
 * @submit: handles a transfer; %FALSE leaves it in flight forever (until
 *   the host discards it or the device goes away)
 * @request: handles a simple ioctl (reset, claim, set interface, …);
 *   returns 0 or an errno
 * @closed: a process closed its file descriptor on @devnode
 *
 * What the device behind the nodes does; called on the main thread.
 */
typedef struct
{
  gboolean (*is_alive) (const char       *devnode,
                        gpointer          user_data);
  gboolean (*submit)   (const char       *devnode,
                        UbVphoneTransfer *transfer,
                        gpointer          user_data);
  int      (*request)  (const char       *devnode,
                        gulong            request,
                        guint             value,
                        guint             value2,
                        gpointer          user_data);
  void     (*closed)   (const char       *devnode,
                        gpointer          user_data);
} UbVphoneIoctlBackend;

#define UB_TYPE_VPHONE_IOCTL (ub_vphone_ioctl_get_type ())

G_DECLARE_FINAL_TYPE (UbVphoneIoctl, ub_vphone_ioctl, UB, VPHONE_IOCTL, UMockdevIoctlBase)

UbVphoneIoctl *ub_vphone_ioctl_new         (const UbVphoneIoctlBackend *backend,
                                            gpointer                    user_data);
void           ub_vphone_ioctl_device_gone (UbVphoneIoctl              *self,
                                            const char                 *devnode);

G_END_DECLS
