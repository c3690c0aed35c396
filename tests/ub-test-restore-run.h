/* ub-test-restore-run.h — running a restore job in a device test
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ub-core.h"

G_BEGIN_DECLS

typedef struct
{
  GMainLoop    *loop;
  gboolean      ok;
  GError       *error;
  GArray       *stages;    /* UbRestoreStage, as notified */
} UbTestRestoreRun;

UbDevice     *ub_test_restore_phone_in    (UbDeviceMonitor  *monitor,
                                           UbDeviceMode      mode);
UbRestoreJob *ub_test_restore_run         (UbDeviceMonitor  *monitor,
                                           UbDevice         *device,
                                           const char       *ipsw,
                                           const char       *logs,
                                           UbRestoreKind     kind,
                                           UbConsent        *consent,
                                           UbTestRestoreRun *run);
void          ub_test_restore_run_clear   (UbTestRestoreRun *run);
char         *ub_test_restore_read_record (void);

G_END_DECLS
