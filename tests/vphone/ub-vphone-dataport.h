/* ub-vphone-dataport.h — a port restored opens for the answer to one data request
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <plist/plist.h>

#include "ub-vphone-plist-conn.h"
#include "ub-vphone-service.h"

G_BEGIN_DECLS

#define UB_TYPE_VPHONE_DATAPORT (ub_vphone_dataport_get_type ())

G_DECLARE_FINAL_TYPE (UbVphoneDataport, ub_vphone_dataport, UB, VPHONE_DATAPORT, GObject)

/* A message the host sent on the port; @message is borrowed */
typedef void (*UbVphoneDataportFunc) (UbVphoneDataport *port,
                                      plist_t           message,
                                      gpointer          user_data);

UbVphoneDataport *ub_vphone_dataport_new      (guint16               port,
                                               UbVphoneDataportFunc  func,
                                               gpointer              user_data);
guint16           ub_vphone_dataport_get_port (UbVphoneDataport     *self);
gboolean          ub_vphone_dataport_send     (UbVphoneDataport     *self,
                                               plist_t               message);
void              ub_vphone_dataport_close    (UbVphoneDataport     *self);

G_END_DECLS
