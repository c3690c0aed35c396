/* ub-vphone-service.h — something listening on a port of the phone
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define UB_TYPE_VPHONE_SERVICE (ub_vphone_service_get_type ())

G_DECLARE_INTERFACE (UbVphoneService, ub_vphone_service, UB, VPHONE_SERVICE, GObject)

/**
 * UbVphoneServiceInterface:
 * @accept: take over a connection that usbmuxd's Connect made to the port
 * @close_all: the phone left usbmuxd: drop every connection
 *
 * The phone's ports are a table of services in UbVphoneUsbmuxd: lockdownd
 * on 62078 in normal mode; restore mode can put restored on 62078 and ASR
 * on 12345 the same way.
 */
struct _UbVphoneServiceInterface
{
  GTypeInterface parent_iface;

  void (*accept)    (UbVphoneService *self,
                     GIOStream       *stream);
  void (*close_all) (UbVphoneService *self);
};

void ub_vphone_service_accept    (UbVphoneService *self,
                                  GIOStream       *stream);
void ub_vphone_service_close_all (UbVphoneService *self);

G_END_DECLS
