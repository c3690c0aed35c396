/* ub-fdr-private.h — the FDR relay's wire checks (ub-fdr-wire.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <plist/plist.h>

#include "ub-fdr.h"

G_BEGIN_DECLS

#define UB_FDR_REQUEST_HEAD   3            /* 00 03 <host length> */
#define UB_FDR_MAX_FRAME      (64 * 1024)  /* a control plist */
#define UB_FDR_CMD_SYNC       0x0001
#define UB_FDR_CMD_PROXY      0x0105
#define UB_FDR_CMD_PLIST      0xBBAA
#define UB_FDR_PROXY_ACK      0x0005

plist_t  _ub_fdr_parse_dict      (const guint8  *data,
                                  gsize          len,
                                  GError       **error);
guint16  _ub_fdr_parse_conn_port (plist_t        dict,
                                  GError       **error);
gboolean _ub_fdr_set_protocol_error (GError   **error);
gboolean _ub_fdr_is_command      (plist_t        dict,
                                  const char    *command);

/* ub-fdr-io.c: @stopping (atomic) ends every wait */
gboolean _ub_fdr_read_exact    (const gint    *stopping,
                                int            fd,
                                guint8        *buf,
                                gsize          len,
                                GError       **error);
gboolean _ub_fdr_write_all     (const gint    *stopping,
                                int            fd,
                                const guint8  *buf,
                                gsize          len,
                                GError       **error);
gboolean _ub_fdr_send_frame    (const gint    *stopping,
                                int            fd,
                                plist_t        message,
                                GError       **error);
plist_t  _ub_fdr_receive_frame (const gint    *stopping,
                                int            fd,
                                GError       **error);
gboolean _ub_fdr_read_command  (const gint    *stopping,
                                int            fd,
                                guint16       *command,
                                GError       **error);

G_END_DECLS
