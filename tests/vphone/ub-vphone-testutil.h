/* ub-vphone-testutil.h — running host tools against the virtual iPhone in tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ub-vphone-client.h"

G_BEGIN_DECLS

/**
 * UbVphoneRun:
 * @status: exit status, or 128 + the signal that killed the tool
 * @timed_out: the tool was still running at the timeout and was killed
 * @out: its standard output
 * @err: its standard error
 * @cpu_seconds: user + system CPU time the tool used
 * @wall_seconds: how long it ran
 */
typedef struct
{
  int       status;
  gboolean  timed_out;
  char     *out;
  char     *err;
  double    cpu_seconds;
  double    wall_seconds;
} UbVphoneRun;

/**
 * UbVphoneWatcher:
 *
 * A tool that prints events ("vphone-usbtool watch", "vphone-muxwatch").
 */
typedef struct _UbVphoneWatcher UbVphoneWatcher;

UbVphoneWatcher *ub_vphone_watcher_start  (const char * const *argv);
char            *ub_vphone_watcher_next   (UbVphoneWatcher    *watcher);
char            *ub_vphone_watcher_finish (UbVphoneWatcher    *watcher);
UbVphoneRun *ub_vphone_run_tool             (const char * const *argv,
                                             double              timeout_seconds);
void         ub_vphone_run_free             (UbVphoneRun        *run);
double       ub_vphone_process_cpu_seconds  (GPid                pid);
double       ub_vphone_simulator_cpu_seconds (void);
char        *ub_vphone_read_record          (void);
gboolean     ub_vphone_record_has           (const char         *line);
void         ub_vphone_phone_sleep          (double              phone_seconds);
double       ub_vphone_scaled_seconds       (double              phone_seconds);
void         ub_vphone_assert_run           (UbVphoneClient     *phone,
                                             const char         *format,
                                             ...) G_GNUC_PRINTF (2, 3);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UbVphoneRun, ub_vphone_run_free)

G_END_DECLS
