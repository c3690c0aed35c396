/* ub-vphone-lockdownd.h — lockdownd on port 62078 of a phone running iOS
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "ub-vphone-backup.h"
#include "ub-vphone-faults.h"
#include "ub-vphone-identity.h"
#include "ub-vphone-phone.h"
#include "ub-vphone-recorder.h"
#include "ub-vphone-service.h"

G_BEGIN_DECLS

#define UB_TYPE_VPHONE_LOCKDOWND (ub_vphone_lockdownd_get_type ())

G_DECLARE_FINAL_TYPE (UbVphoneLockdownd, ub_vphone_lockdownd, UB, VPHONE_LOCKDOWND, GObject)

UbVphoneLockdownd *ub_vphone_lockdownd_new (UbVphoneIdentity *identity,
                                            UbVphonePhone    *phone,
                                            UbVphoneFaults   *faults,
                                            UbVphoneRecorder *recorder,
                                            const char       *trusted_host_id);
void               ub_vphone_lockdownd_add_service (UbVphoneLockdownd *self,
                                                    const char        *name,
                                                    guint16            port);
void               ub_vphone_lockdownd_set_backup  (UbVphoneLockdownd *self,
                                                    UbVphoneBackup    *backup);

G_END_DECLS
