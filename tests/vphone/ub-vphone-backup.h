/* ub-vphone-backup.h — the phone's backup service (com.apple.mobilebackup2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>
#include <plist/plist.h>

#include "ub-vphone-faults.h"
#include "ub-vphone-identity.h"
#include "ub-vphone-phone.h"
#include "ub-vphone-recorder.h"
#include "ub-vphone-service.h"

G_BEGIN_DECLS

#define UB_VPHONE_BACKUP_SERVICE "com.apple.mobilebackup2"
#define UB_VPHONE_BACKUP_PORT    49160

#define UB_TYPE_VPHONE_BACKUP (ub_vphone_backup_get_type ())

G_DECLARE_FINAL_TYPE (UbVphoneBackup, ub_vphone_backup, UB, VPHONE_BACKUP, GObject)

UbVphoneBackup *ub_vphone_backup_new            (UbVphoneIdentity  *identity,
                                                 UbVphonePhone     *phone,
                                                 UbVphoneFaults    *faults,
                                                 UbVphoneRecorder  *recorder);
gboolean        ub_vphone_backup_check_setting  (const char        *key,
                                                 const char        *value,
                                                 GError           **error);
gboolean        ub_vphone_backup_set            (UbVphoneBackup    *self,
                                                 const char        *key,
                                                 const char        *value,
                                                 GError           **error);
void            ub_vphone_backup_adjust_values  (UbVphoneBackup    *self,
                                                 const char        *domain,
                                                 plist_t            values);

G_END_DECLS
