/* ub-restore-log.h — one structured log per restore attempt
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ub-restore-stage.h"

G_BEGIN_DECLS

#define UB_TYPE_RESTORE_LOG (ub_restore_log_get_type ())

G_DECLARE_FINAL_TYPE (UbRestoreLog, ub_restore_log, UB, RESTORE_LOG, GObject)

UbRestoreLog *ub_restore_log_new          (const char    *directory,
                                           guint64        ecid,
                                           GError       **error);
char         *ub_restore_log_dup_default_directory (void);
const char   *ub_restore_log_get_path     (UbRestoreLog  *self);
void          ub_restore_log_stage        (UbRestoreLog  *self,
                                           UbRestoreStage stage);
void          ub_restore_log_event        (UbRestoreLog  *self,
                                           const char    *event,
                                           const char    *format,
                                           ...) G_GNUC_PRINTF (3, 4);
void          ub_restore_log_finish       (UbRestoreLog  *self,
                                           const GError  *error);

G_END_DECLS
