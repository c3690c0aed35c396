/* ub-restore-job.h — restoring one phone, from DFU or recovery mode
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ub-consent.h"
#include "ub-device.h"
#include "ub-device-monitor.h"
#include "ub-restore-stage.h"

G_BEGIN_DECLS

/**
 * UbRestoreKind:
 * @UB_RESTORE_KIND_ERASE: a clean install; everything on the phone is erased
 * @UB_RESTORE_KIND_UPDATE: reinstall iOS and keep the data, where the firmware allows it
 */
typedef enum
{
  UB_RESTORE_KIND_ERASE,
  UB_RESTORE_KIND_UPDATE,
} UbRestoreKind;

#define UB_TYPE_RESTORE_JOB (ub_restore_job_get_type ())

G_DECLARE_FINAL_TYPE (UbRestoreJob, ub_restore_job, UB, RESTORE_JOB, GObject)

UbRestoreJob   *ub_restore_job_new               (UbDeviceMonitor      *monitor,
                                                  UbDevice             *device,
                                                  const char           *ipsw_path,
                                                  UbRestoreKind         kind,
                                                  UbConsent            *consent);
void            ub_restore_job_set_log_directory (UbRestoreJob         *self,
                                                  const char           *directory);
UbRestoreStage  ub_restore_job_get_stage         (UbRestoreJob         *self);
double          ub_restore_job_get_fraction      (UbRestoreJob         *self);
const char     *ub_restore_job_get_status        (UbRestoreJob         *self);
gboolean        ub_restore_job_get_can_cancel    (UbRestoreJob         *self);
const char     *ub_restore_job_get_log_path      (UbRestoreJob         *self);
UbDevice       *ub_restore_job_get_device        (UbRestoreJob         *self);
void            ub_restore_job_run_async         (UbRestoreJob         *self,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean        ub_restore_job_run_finish        (UbRestoreJob         *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

G_END_DECLS
