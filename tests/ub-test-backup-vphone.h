/* ub-test-backup-vphone.h — checking a backup the host made of the virtual iPhone
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <plist/plist.h>

#include "ub-vphone-backup-data.h"
#include "ub-vphone-client.h"

G_BEGIN_DECLS

void     ub_test_backup_setup          (UbVphoneClient             *phone,
                                        UbVphoneBackupLayout       *layout,
                                        guint64                     total,
                                        guint                       n_files);
char    *ub_test_backup_udid           (UbVphoneClient             *phone);
void     ub_test_backup_check_files    (const char                 *path,
                                        const UbVphoneBackupLayout *layout);
plist_t  ub_test_backup_read_plist     (const char                 *path,
                                        const char                 *name);
char    *ub_test_backup_snapshot_state (const char                 *path);
gboolean ub_test_backup_is_encrypted   (const char                 *path);
guint    ub_test_backup_count_parts    (const char                 *path);

G_END_DECLS
