/* ub-vphone-restored-script.h — the scripted restore restored runs after StartRestore
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <plist/plist.h>

#include "ub-vphone-asr.h"
#include "ub-vphone-faults.h"
#include "ub-vphone-fdr.h"
#include "ub-vphone-identity.h"
#include "ub-vphone-phone.h"
#include "ub-vphone-plist-conn.h"
#include "ub-vphone-recorder.h"
#include "ub-vphone-usbmuxd.h"

G_BEGIN_DECLS

/* What the script works with, and the settings snapshotted at StartRestore */
typedef struct
{
  UbVphoneIdentity *identity;
  UbVphonePhone    *phone;
  UbVphoneFaults   *faults;
  UbVphoneRecorder *recorder;
  UbVphoneUsbmuxd  *usbmuxd;   /* for DataPorts */
  UbVphoneAsr      *asr;
  UbVphoneFdr      *fdr;       /* (nullable): no FDR check */
  const char       *plan;      /* (nullable): by the chip */
  const char       *url_asset;
  guint             step_ms;
} UbVphoneRestoredSetup;

typedef struct _UbVphoneRestoredScript UbVphoneRestoredScript;

UbVphoneRestoredScript *ub_vphone_restored_script_start (UbVphonePlistConn           *conn,
                                                         plist_t                      request,
                                                         const UbVphoneRestoredSetup *setup);
void                    ub_vphone_restored_script_take  (UbVphoneRestoredScript      *self,
                                                         plist_t                      message);
void                    ub_vphone_restored_script_free  (UbVphoneRestoredScript      *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UbVphoneRestoredScript, ub_vphone_restored_script_free)

G_END_DECLS
