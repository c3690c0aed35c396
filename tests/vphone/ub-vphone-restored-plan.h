/* ub-vphone-restored-plan.h — the steps of the virtual restored's restore
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <plist/plist.h>

#include "ub-vphone-identity.h"

G_BEGIN_DECLS

/**
 * UbVphoneStepKind:
 * @UB_VPHONE_STEP_SEND: send the message, go on
 * @UB_VPHONE_STEP_REQUEST: a data request: send it, check the answer
 *   (a synchronous one waits for it, an async one goes on)
 * @UB_VPHONE_STEP_JOIN: wait until every async request has its answer
 * @UB_VPHONE_STEP_FINAL: the final StatusMsg (0, 53 without FDR, or the fault's)
 */
typedef enum
{
  UB_VPHONE_STEP_SEND,
  UB_VPHONE_STEP_REQUEST,
  UB_VPHONE_STEP_JOIN,
  UB_VPHONE_STEP_FINAL,
} UbVphoneStepKind;

typedef struct
{
  UbVphoneStepKind kind;
  plist_t          message;     /* what to send (not for JOIN and FINAL) */
  char            *data_type;   /* requests */
  gboolean         dataport;    /* the answer comes on a port of its own */
  gboolean         async;
  gboolean         unchecked;   /* the restored-unknown-data request */
} UbVphoneRestoredStep;

#define UB_VPHONE_DEFAULT_URL_ASSET \
  "https://wkms-public.apple.com/fcs-keys/gAAAAABnVirtualPhoneKeyRequestAAAAAAAAAAAAAAAAAAAAAAAAAA="

gboolean              ub_vphone_restored_plan_check   (const char            *plan,
                                                       GError               **error);
void                  ub_vphone_restored_plan_build   (GQueue                *steps,
                                                       UbVphoneIdentity      *identity,
                                                       const char            *plan,
                                                       const char            *url);
UbVphoneRestoredStep *ub_vphone_restored_step_request (const char            *data_type,
                                                       plist_t                arguments,
                                                       gboolean               dataport,
                                                       gboolean               async);
plist_t               ub_vphone_restored_msg_new      (const char            *type);
plist_t               ub_vphone_restored_status_new   (guint64                status,
                                                       const char            *log);
void                  ub_vphone_restored_step_free    (UbVphoneRestoredStep  *step);

G_END_DECLS
