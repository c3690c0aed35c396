/* ub-vphone-restored-private.h — the script's state, shared with its requests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ub-vphone-dataport.h"
#include "ub-vphone-restored-check.h"
#include "ub-vphone-restored-plan.h"
#include "ub-vphone-restored-script.h"

G_BEGIN_DECLS

typedef enum
{
  UB_VPHONE_ANSWER_PLAIN,      /* one dictionary, checked as a whole */
  UB_VPHONE_ANSWER_LIST,       /* an image list; a request per image follows */
  UB_VPHONE_ANSWER_IMAGE,      /* one image of a list */
  UB_VPHONE_ANSWER_STREAM,     /* FileData chunks, then FileDataDone */
  UB_VPHONE_ANSWER_ASR,        /* the system image, through ASR */
  UB_VPHONE_ANSWER_UNCHECKED,  /* the restored-unknown-data request */
} UbVphoneAnswerKind;

typedef struct _UbVphoneRestoredRequest UbVphoneRestoredRequest;

struct _UbVphoneRestoredScript
{
  UbVphonePlistConn     *conn;
  UbVphoneIdentity      *identity;
  UbVphonePhone         *phone;
  UbVphoneFaults        *faults;
  UbVphoneRecorder      *recorder;
  UbVphoneUsbmuxd       *usbmuxd;
  UbVphoneAsr           *asr;
  UbVphoneFdr           *fdr;
  UbVphoneRestoredCheck *check;
  char                  *url_asset;
  char                  *silent_after;  /* restored-silent-after TYPE */
  int                    status_fault;  /* restored-status N, or -1 */
  guint                  step_ms;
  GQueue                 steps;         /* UbVphoneRestoredStep */
  UbVphoneRestoredRequest *current;     /* the synchronous request waiting */
  GPtrArray             *pending;       /* async requests waiting */
  gulong                 asr_handler;
  guint                  timer;
  gboolean               joining;       /* waits for the async answers */
  gboolean               waiting_final; /* for ReceivedFinalStatusMsg */
  gboolean               silent;
  gboolean               failed;
  gboolean               reboot;
};

/* ub-vphone-restored-request.c */
void     _ub_vphone_restored_request_start  (UbVphoneRestoredScript  *script,
                                             UbVphoneRestoredStep    *step);
void     _ub_vphone_restored_request_take   (UbVphoneRestoredRequest *request,
                                             plist_t                  message,
                                             gboolean                 on_dataport);
gboolean _ub_vphone_restored_request_has_port (UbVphoneRestoredRequest *request);
void     _ub_vphone_restored_request_asr_done (UbVphoneRestoredScript *script,
                                             gboolean                 ok,
                                             const char              *text);
void     _ub_vphone_restored_request_free   (UbVphoneRestoredRequest *request);

/* ub-vphone-restored-script.c */
void     _ub_vphone_restored_script_resume  (UbVphoneRestoredScript  *script);
void     _ub_vphone_restored_script_fail    (UbVphoneRestoredScript  *script,
                                             const char              *data_type,
                                             const char              *problem);

G_END_DECLS
