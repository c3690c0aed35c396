/* ub-restore-job-private.h — the restore job's worker side
 *
 * ub-restore-job.c: the object and progress to the caller's thread;
 * ub-restore-job-wait.c: the phone as the device monitor sees it, and the
 * waits; ub-restore-job-chain.c: the stages up to restore mode;
 * ub-restore-job-install.c: the restore system installing iOS.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <plist/plist.h>

#include "ub-build-identity.h"
#include "ub-ipsw.h"
#include "ub-restore-job.h"
#include "ub-restore-log.h"
#include "ub-restore-personalize.h"

G_BEGIN_DECLS

typedef enum
{
  UB_WANT_DFU      = 1 << 0,
  UB_WANT_RECOVERY = 1 << 1,
  UB_WANT_RESTORE  = 1 << 2,
  UB_WANT_NORMAL   = 1 << 3,
} UbWantMode;

struct _UbRestoreJob
{
  GObject           parent_instance;

  /* set before the run, read-only after */
  UbDeviceMonitor  *monitor;
  char             *ipsw_path;
  UbRestoreKind     kind;
  UbConsent        *consent;
  guint64           ecid;
  char             *log_directory;
  GMainContext     *caller_context;

  /* worker only */
  UbIpsw           *ipsw;
  UbBuildIdentity  *identity;
  GBytes           *ticket;
  GBytes           *ticket_nonce;
  UbRestoreLog     *log;
  GCancellable     *work_cancel;

  /* shared with the main thread, under lock */
  GMutex            lock;
  GCond             changed;
  UbDevice         *phone;          /* its latest snapshot, NULL while away */
  guint             departures;
  guint64           stranger_ecid;  /* another phone seen meanwhile */
  UbRestoreStage    stage;
  double            fraction;
  char             *status;
  char             *caller_status;  /* the caller's copy */
  gboolean          cancel_allowed;
  guint             notify_id;
  guint             watchdog_id;     /* on the caller's context */
  gboolean          stage_timed_out;
};

/* ub-restore-job-wait.c */
void      _ub_restore_job_on_device_seen    (UbRestoreJob *self,
                                             UbDevice     *device);
void      _ub_restore_job_on_device_removed (UbRestoreJob *self,
                                             UbDevice     *device);

/* ub-restore-job.c, callable from the worker */
void      _ub_restore_job_translate_timeout (UbRestoreJob *self,
                                             GError      **error);
void      _ub_restore_job_enter_stage    (UbRestoreJob    *self,
                                          UbRestoreStage   stage);
void      _ub_restore_job_set_progress   (UbRestoreJob    *self,
                                          double           within_stage,
                                          const char      *status);
UbDevice *_ub_restore_job_dup_phone      (UbRestoreJob    *self);
guint     _ub_restore_job_mark           (UbRestoreJob    *self);
UbDevice *_ub_restore_job_wait           (UbRestoreJob    *self,
                                          gboolean         leave_first,
                                          guint            mark,
                                          guint            want,
                                          guint            leave_ms,
                                          guint            arrive_ms,
                                          GError         **error);
GAsyncResult *_ub_restore_job_run_nested (UbRestoreJob    *self,
                                          void           (*start) (gpointer, GCancellable *,
                                                                   GAsyncReadyCallback, gpointer),
                                          gpointer         data);

/* ub-restore-job-install.c */
gboolean  _ub_restore_job_install        (UbRestoreJob    *self,
                                          UbDevice        *phone,
                                          GError         **error);

/* ub-restore-job-chain.c */
gboolean  _ub_restore_job_run_chain      (UbRestoreJob    *self,
                                          GError         **error);

G_END_DECLS
