/* ub-fdr.h — the FDR relay (port 1082) a phone in restore mode needs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define UB_FDR_PORT 1082

typedef struct _UbFdr UbFdr;

UbFdr   *ub_fdr_start        (const char  *udid,
                              GError     **error);
void     ub_fdr_stop         (UbFdr       *self);
void     ub_fdr_free         (UbFdr       *self);
gboolean ub_fdr_is_connected (UbFdr       *self);
guint    ub_fdr_get_n_open   (UbFdr       *self);
guint64  ub_fdr_get_relayed  (UbFdr       *self);

/* the proxy request "00 03 <len> host <port, big endian>" (exposed for
 * the fuzzer); the host is printable ASCII without spaces */
gboolean ub_fdr_parse_request (const guint8  *data,
                               gsize          len,
                               char         **host,
                               guint16       *port,
                               GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UbFdr, ub_fdr_free)

G_END_DECLS
