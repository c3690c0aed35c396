/* ub-vphone-fdr.h — the FDR relay port 1082 of a phone in restore mode
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "ub-vphone-faults.h"
#include "ub-vphone-recorder.h"
#include "ub-vphone-service.h"

G_BEGIN_DECLS

#define UB_VPHONE_FDR_PORT      1082
/* the ConnPort the control handshake announces */
#define UB_VPHONE_FDR_CONN_PORT 1083

#define UB_TYPE_VPHONE_FDR (ub_vphone_fdr_get_type ())

G_DECLARE_FINAL_TYPE (UbVphoneFdr, ub_vphone_fdr, UB, VPHONE_FDR, GObject)

UbVphoneFdr     *ub_vphone_fdr_new              (UbVphoneFaults   *faults,
                                                 UbVphoneRecorder *recorder);
/* the host connected and finished the control handshake (since the phone
 * last entered restore mode) */
gboolean         ub_vphone_fdr_is_ready         (UbVphoneFdr      *self);
/* the service to put on UB_VPHONE_FDR_CONN_PORT next to self on 1082 */
UbVphoneService *ub_vphone_fdr_get_conn_service (UbVphoneFdr      *self);
/* `set fdr-target HOST:PORT|none`, `set fdr-size BYTES` */
gboolean         ub_vphone_fdr_check_setting    (const char       *key,
                                                 const char       *value,
                                                 GError          **error);
gboolean         ub_vphone_fdr_set              (UbVphoneFdr      *self,
                                                 const char       *key,
                                                 const char       *value,
                                                 GError          **error);

G_END_DECLS
