/* ub-backup-text.h — the words for backups: summaries, ages, none found, no longer possible
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ub-backup-info.h"
#include "ub-device.h"

G_BEGIN_DECLS

char       *ub_backup_info_dup_summary     (const UbBackupInfo  *info);
char       *ub_backup_info_dup_summary_at  (const UbBackupInfo  *info,
                                            GDateTime           *now);
char       *ub_backup_dup_age_text         (GDateTime           *date,
                                            GDateTime           *now);
char       *ub_backup_dup_none_found_text  (const char          *udid,
                                            const char * const  *folders);
const char *ub_backup_mode_note            (UbDeviceMode         mode);

G_END_DECLS
