/* ub-vphone-restored-script.h — the scripted restore restored runs after StartRestore
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <plist/plist.h>

#include "ub-vphone-faults.h"
#include "ub-vphone-phone.h"
#include "ub-vphone-plist-conn.h"
#include "ub-vphone-recorder.h"

G_BEGIN_DECLS

typedef struct _UbVphoneRestoredScript UbVphoneRestoredScript;

UbVphoneRestoredScript *ub_vphone_restored_script_start (UbVphonePlistConn      *conn,
                                                         plist_t                 request,
                                                         UbVphoneFaults         *faults,
                                                         UbVphoneRecorder       *recorder,
                                                         UbVphonePhone          *phone);
void                    ub_vphone_restored_script_take  (UbVphoneRestoredScript *self,
                                                         plist_t                 message);
void                    ub_vphone_restored_script_free  (UbVphoneRestoredScript *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UbVphoneRestoredScript, ub_vphone_restored_script_free)

G_END_DECLS
