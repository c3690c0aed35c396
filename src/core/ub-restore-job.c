/* ub-restore-job.c — restoring one phone, from DFU or recovery mode
 *
 * The job runs its stages (ub-restore-job-chain.c) one after the other in a
 * GTask worker, with plain blocking steps: each USB or network call has its
 * own deadline and runs in a nested main context of the worker, and the
 * waits for the phone to leave and come back block on a condition that the
 * device monitor's events (on the caller's thread) signal. Progress goes the
 * other way: the worker stores it under the lock and an idle source on the
 * caller's context notifies "stage", "fraction", "status" and "can-cancel".
 *
 * Cancelling is honoured until the first boot loader is sent; after that a
 * half-booted phone is worse than a finished restore, so a cancel is logged
 * and ignored. An erase without the person's permission for this very
 * phone (its ECID) is refused before anything is sent (ub-consent.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-restore"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ub-clock.h"
#include "ub-enums.h"
#include "ub-error.h"
#include "ub-restore-job-private.h"

enum
{
  PROP_0,
  PROP_STAGE,
  PROP_FRACTION,
  PROP_STATUS,
  PROP_CAN_CANCEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (UbRestoreJob, ub_restore_job, G_TYPE_OBJECT)

static void
ub_restore_job_dispose (GObject *object)
{
  UbRestoreJob *self = UB_RESTORE_JOB (object);

  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_clear_object (&self->monitor);
  G_OBJECT_CLASS (ub_restore_job_parent_class)->dispose (object);
}

static void
ub_restore_job_finalize (GObject *object)
{
  UbRestoreJob *self = UB_RESTORE_JOB (object);

  g_free (self->ipsw_path);
  g_clear_object (&self->consent);
  g_free (self->log_directory);
  g_clear_pointer (&self->caller_context, g_main_context_unref);
  g_clear_object (&self->ipsw);
  g_clear_object (&self->identity);
  g_clear_pointer (&self->ticket, g_bytes_unref);
  g_clear_pointer (&self->ticket_nonce, g_bytes_unref);
  g_clear_object (&self->log);
  g_clear_object (&self->work_cancel);
  g_clear_object (&self->phone);
  g_free (self->status);
  g_free (self->caller_status);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->changed);
  G_OBJECT_CLASS (ub_restore_job_parent_class)->finalize (object);
}

static void
ub_restore_job_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  UbRestoreJob *self = UB_RESTORE_JOB (object);

  switch (prop_id)
    {
    case PROP_STAGE:
      g_value_set_enum (value, ub_restore_job_get_stage (self));
      break;
    case PROP_FRACTION:
      g_value_set_double (value, ub_restore_job_get_fraction (self));
      break;
    case PROP_STATUS:
      g_value_set_string (value, ub_restore_job_get_status (self));
      break;
    case PROP_CAN_CANCEL:
      g_value_set_boolean (value, ub_restore_job_get_can_cancel (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
    }
}

static void
ub_restore_job_class_init (UbRestoreJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->dispose = ub_restore_job_dispose;
  object_class->finalize = ub_restore_job_finalize;
  object_class->get_property = ub_restore_job_get_property;

  properties[PROP_STAGE] = g_param_spec_enum ("stage", NULL, NULL, UB_TYPE_RESTORE_STAGE,
                                              UB_RESTORE_STAGE_CHECK, ro);
  properties[PROP_FRACTION] = g_param_spec_double ("fraction", NULL, NULL, 0, 1, 0, ro);
  properties[PROP_STATUS] = g_param_spec_string ("status", NULL, NULL, NULL, ro);
  properties[PROP_CAN_CANCEL] = g_param_spec_boolean ("can-cancel", NULL, NULL, TRUE, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ub_restore_job_init (UbRestoreJob *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->changed);
  self->cancel_allowed = TRUE;
  self->work_cancel = g_cancellable_new ();
}

/* ---- progress, from the worker to the caller's thread ---- */

static void
emit_progress (UbRestoreJob *self)
{
  g_mutex_lock (&self->lock);
  g_free (self->caller_status);
  self->caller_status = g_strdup (self->status);
  g_mutex_unlock (&self->lock);
  g_object_freeze_notify (G_OBJECT (self));
  for (guint i = PROP_STAGE; i < N_PROPS; i++)
    g_object_notify_by_pspec (G_OBJECT (self), properties[i]);
  g_object_thaw_notify (G_OBJECT (self));
}

static gboolean
notify_progress (gpointer data)
{
  UbRestoreJob *self = data;

  g_mutex_lock (&self->lock);
  self->notify_id = 0;
  g_mutex_unlock (&self->lock);
  emit_progress (self);
  return G_SOURCE_REMOVE;
}

/* At the end: what is still pending is said now, nothing comes later */
static void
flush_progress (UbRestoreJob *self)
{
  guint id;

  g_mutex_lock (&self->lock);
  id = self->notify_id;
  self->notify_id = 0;
  g_mutex_unlock (&self->lock);
  if (id != 0)
    {
      GSource *source = g_main_context_find_source_by_id (self->caller_context, id);

      if (source != NULL)
        g_source_destroy (source);
    }
  emit_progress (self);
}

/* Called with the lock held: one notification at a time, at most 4 a second */
static void
schedule_notify (UbRestoreJob *self)
{
  GSource *source;

  if (self->notify_id != 0 || self->caller_context == NULL)
    return;
  source = g_timeout_source_new (250);
  g_source_set_callback (source, notify_progress, g_object_ref (self), g_object_unref);
  g_source_set_name (source, "[ub-restore-job] progress");
  self->notify_id = g_source_attach (source, self->caller_context);
  g_source_unref (source);
}

/**
 * _ub_restore_job_enter_stage:
 *
 * From the worker: the restore moves on to @stage.
 */
/* A stage that runs past its deadline ends the restore, even where the
 * person may no longer cancel: every step has its own timeout, this is the
 * bound on the whole stage. */
static gboolean
on_stage_deadline (gpointer data)
{
  UbRestoreJob *self = data;

  g_mutex_lock (&self->lock);
  self->watchdog_id = 0;
  self->stage_timed_out = TRUE;
  g_mutex_unlock (&self->lock);
  g_debug ("Stage “%s” ran past its deadline", ub_restore_stage_to_string (self->stage));
  g_cancellable_cancel (self->work_cancel);
  return G_SOURCE_REMOVE;
}

/* Called with the lock held */
static void
arm_watchdog (UbRestoreJob   *self,
              UbRestoreStage  stage)
{
  guint timeout_ms = ub_restore_stage_get_timeout_ms (stage);
  GSource *source;

  if (self->watchdog_id != 0)
    {
      source = g_main_context_find_source_by_id (self->caller_context, self->watchdog_id);
      if (source != NULL)
        g_source_destroy (source);
      self->watchdog_id = 0;
    }
  if (timeout_ms == 0 || self->caller_context == NULL)
    return;
  source = g_timeout_source_new (ub_clock_scale_ms (ub_clock_get_default (), timeout_ms));
  g_source_set_callback (source, on_stage_deadline, g_object_ref (self), g_object_unref);
  g_source_set_name (source, "[ub-restore-job] stage watchdog");
  self->watchdog_id = g_source_attach (source, self->caller_context);
  g_source_unref (source);
}

/**
 * _ub_restore_job_translate_timeout:
 *
 * A cancellation caused by the stage watchdog becomes %UB_ERROR_TIMED_OUT.
 */
void
_ub_restore_job_translate_timeout (UbRestoreJob  *self,
                                   GError       **error)
{
  gboolean timed_out;

  g_mutex_lock (&self->lock);
  timed_out = self->stage_timed_out;
  g_mutex_unlock (&self->lock);
  if (!timed_out || error == NULL || !g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_error (error);
  g_set_error (error, UB_ERROR, UB_ERROR_TIMED_OUT,
               /* TRANSLATORS: %s is a restore stage, e.g. "Sending the restore system" */
               _("“%s” took far longer than it should. Unplug the iPhone, put it into DFU mode again and "
                 "retry."), ub_restore_stage_get_label (self->stage));
}

void
_ub_restore_job_enter_stage (UbRestoreJob   *self,
                             UbRestoreStage  stage)
{
  g_mutex_lock (&self->lock);
  arm_watchdog (self, stage);
  self->stage = stage;
  self->fraction = ub_restore_stage_get_start (stage);
  g_free (self->status);
  self->status = g_strdup (ub_restore_stage_get_label (stage));
  self->cancel_allowed = ub_restore_stage_can_cancel (stage);
  schedule_notify (self);
  g_mutex_unlock (&self->lock);
  ub_restore_log_stage (self->log, stage);
}

/**
 * _ub_restore_job_set_progress:
 * @within_stage: 0…1 of the current stage
 * @status: (nullable): what happens now, in plain words
 */
void
_ub_restore_job_set_progress (UbRestoreJob *self,
                              double        within_stage,
                              const char   *status)
{
  g_mutex_lock (&self->lock);
  self->fraction = ub_restore_stage_get_start (self->stage) +
                   CLAMP (within_stage, 0, 1) * ub_restore_stage_get_share (self->stage);
  if (status != NULL && g_strcmp0 (status, self->status) != 0)
    {
      g_free (self->status);
      self->status = g_strdup (status);
      ub_restore_log_event (self->log, "info", "%s", status);
    }
  schedule_notify (self);
  g_mutex_unlock (&self->lock);
}

/* ---- async calls made from the worker ---- */

static void
on_nested_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/**
 * _ub_restore_job_run_nested:
 * @start: starts an async call with the given cancellable and callback
 *
 * Runs one async call to its end on a main context of the worker's own.
 *
 * Returns: (transfer full): its result, for its _finish()
 */
GAsyncResult *
_ub_restore_job_run_nested (UbRestoreJob  *self,
                            void         (*start) (gpointer, GCancellable *, GAsyncReadyCallback, gpointer),
                            gpointer       data)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  GAsyncResult *result = NULL;

  g_main_context_push_thread_default (context);
  start (data, self->work_cancel, on_nested_done, &result);
  while (result == NULL)
    g_main_context_iteration (context, TRUE);
  g_main_context_pop_thread_default (context);
  return result;
}

/* ---- the job ---- */

static void
on_outer_cancelled (GCancellable *outer,
                    UbRestoreJob *self)
{
  gboolean allowed;

  g_mutex_lock (&self->lock);
  allowed = self->cancel_allowed;
  g_mutex_unlock (&self->lock);
  if (allowed)
    g_cancellable_cancel (self->work_cancel);
  else if (self->log != NULL)
    ub_restore_log_event (self->log, "warning", "cancel ignored: the phone is already booting the restore");
}

static void
run_worker (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  UbRestoreJob *self = source_object;
  GError *error = NULL;
  gboolean ok = _ub_restore_job_run_chain (self, &error);

  g_mutex_lock (&self->lock);
  arm_watchdog (self, UB_RESTORE_STAGE_DONE);   /* no deadline: disarmed */
  g_mutex_unlock (&self->lock);
  if (!ok)
    {
      _ub_restore_job_translate_timeout (self, &error);
      ub_restore_log_finish (self->log, error);
      g_task_return_error (task, error);
      return;
    }
  ub_restore_log_finish (self->log, NULL);
  g_task_return_boolean (task, TRUE);
}

/**
 * ub_restore_job_run_async:
 * @cancellable: (nullable): honoured until the first boot loader is sent
 *
 * Runs the restore in a worker. Progress is notified on the calling
 * thread's main context. Part 1 of the restore engine ends once the phone
 * runs the restore system (%UB_RESTORE_STAGE_RESTORE).
 */
void
ub_restore_job_run_async (UbRestoreJob        *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (UB_IS_RESTORE_JOB (self));
  g_return_if_fail (self->caller_context == NULL);

  self->caller_context = g_main_context_ref_thread_default ();
  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, ub_restore_job_run_async);
  self->log = ub_restore_log_new (self->log_directory, self->ecid, &error);
  if (self->log == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (cancellable != NULL)
    g_cancellable_connect (cancellable, G_CALLBACK (on_outer_cancelled), self, NULL);
  g_signal_connect_swapped (self->monitor, "device-added", G_CALLBACK (_ub_restore_job_on_device_seen), self);
  g_signal_connect_swapped (self->monitor, "device-changed", G_CALLBACK (_ub_restore_job_on_device_seen), self);
  g_signal_connect_swapped (self->monitor, "device-removed", G_CALLBACK (_ub_restore_job_on_device_removed), self);
  g_debug ("Restore of ECID 0x%016" G_GINT64_MODIFIER "X with %s (%s)", self->ecid, self->ipsw_path,
           self->kind == UB_RESTORE_KIND_ERASE ? "erase" : "update");
  g_task_run_in_thread (task, run_worker);
}

gboolean
ub_restore_job_run_finish (UbRestoreJob  *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ub_restore_job_run_async, FALSE);

  g_signal_handlers_disconnect_by_data (self->monitor, self);
  flush_progress (self);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * ub_restore_job_new:
 * @monitor: the device monitor that sees the phone come and go
 * @device: the phone, in DFU or recovery mode, with its ECID
 * @consent: (nullable): the permission to erase; required for an erase
 *
 * Returns: (transfer full): a job to run once
 */
UbRestoreJob *
ub_restore_job_new (UbDeviceMonitor *monitor,
                    UbDevice        *device,
                    const char      *ipsw_path,
                    UbRestoreKind    kind,
                    UbConsent       *consent)
{
  UbRestoreJob *self;

  g_return_val_if_fail (UB_IS_DEVICE_MONITOR (monitor), NULL);
  g_return_val_if_fail (UB_IS_DEVICE (device), NULL);
  g_return_val_if_fail (ipsw_path != NULL, NULL);

  self = g_object_new (UB_TYPE_RESTORE_JOB, NULL);
  self->monitor = g_object_ref (monitor);
  self->phone = g_object_ref (device);
  self->ecid = ub_device_get_ecid (device);
  self->ipsw_path = g_strdup (ipsw_path);
  self->kind = kind;
  self->consent = consent ? g_object_ref (consent) : NULL;
  return self;
}

/* Tests write the log elsewhere */
void
ub_restore_job_set_log_directory (UbRestoreJob *self,
                                  const char   *directory)
{
  g_return_if_fail (UB_IS_RESTORE_JOB (self));
  g_free (self->log_directory);
  self->log_directory = g_strdup (directory);
}

UbRestoreStage
ub_restore_job_get_stage (UbRestoreJob *self)
{
  UbRestoreStage stage;

  g_return_val_if_fail (UB_IS_RESTORE_JOB (self), UB_RESTORE_STAGE_CHECK);
  g_mutex_lock (&self->lock);
  stage = self->stage;
  g_mutex_unlock (&self->lock);
  return stage;
}

double
ub_restore_job_get_fraction (UbRestoreJob *self)
{
  double fraction;

  g_return_val_if_fail (UB_IS_RESTORE_JOB (self), 0);
  g_mutex_lock (&self->lock);
  fraction = self->fraction;
  g_mutex_unlock (&self->lock);
  return fraction;
}

/**
 * ub_restore_job_get_status:
 *
 * Returns: (nullable): what happens now, in plain words, as last notified
 *   on the caller's thread
 */
const char *
ub_restore_job_get_status (UbRestoreJob *self)
{
  g_return_val_if_fail (UB_IS_RESTORE_JOB (self), NULL);
  return self->caller_status;
}

gboolean
ub_restore_job_get_can_cancel (UbRestoreJob *self)
{
  gboolean allowed;

  g_return_val_if_fail (UB_IS_RESTORE_JOB (self), FALSE);
  g_mutex_lock (&self->lock);
  allowed = self->cancel_allowed;
  g_mutex_unlock (&self->lock);
  return allowed;
}

const char *
ub_restore_job_get_log_path (UbRestoreJob *self)
{
  g_return_val_if_fail (UB_IS_RESTORE_JOB (self), NULL);
  return self->log ? ub_restore_log_get_path (self->log) : NULL;
}

/**
 * ub_restore_job_get_device:
 *
 * Returns: (transfer none) (nullable): the phone's latest snapshot, %NULL
 *   while it is away; for the caller's thread
 */
UbDevice *
ub_restore_job_get_device (UbRestoreJob *self)
{
  g_return_val_if_fail (UB_IS_RESTORE_JOB (self), NULL);
  return self->phone;
}
