/* ub-vphone-plist-conn.h — length-prefixed plist messages on a socket
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <plist/plist.h>

G_BEGIN_DECLS

/**
 * UbVphoneFraming:
 * @UB_VPHONE_FRAMING_USBMUX: usbmuxd's 16-byte little-endian header
 *   {length including the header, version 1, message 8 (plist), tag}
 * @UB_VPHONE_FRAMING_LOCKDOWN: lockdownd's 4-byte big-endian length
 */
typedef enum
{
  UB_VPHONE_FRAMING_USBMUX,
  UB_VPHONE_FRAMING_LOCKDOWN,
} UbVphoneFraming;

#define UB_TYPE_VPHONE_PLIST_CONN (ub_vphone_plist_conn_get_type ())

G_DECLARE_FINAL_TYPE (UbVphonePlistConn, ub_vphone_plist_conn, UB, VPHONE_PLIST_CONN, GObject)

UbVphonePlistConn *ub_vphone_plist_conn_new     (GIOStream         *stream,
                                                 UbVphoneFraming    framing);
void               ub_vphone_plist_conn_start   (UbVphonePlistConn *self);
gboolean           ub_vphone_plist_conn_send    (UbVphonePlistConn *self,
                                                 guint32            tag,
                                                 plist_t            message);
GIOStream         *ub_vphone_plist_conn_detach  (UbVphonePlistConn *self);
void               ub_vphone_plist_conn_discard (UbVphonePlistConn *self);
void               ub_vphone_plist_conn_close   (UbVphonePlistConn *self);

G_END_DECLS
