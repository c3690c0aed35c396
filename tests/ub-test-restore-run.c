/* ub-test-restore-run.c — running a restore job in a device test
 *
 * The restore job against the virtual iPhone (run as vphone's child): find
 * the phone in a mode, run a job to its end on a main loop, keeping the
 * stages it notified in order, and read what the virtual phone recorded.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ub-test-device.h"
#include "ub-test-restore-run.h"

/**
 * ub_test_restore_phone_in:
 *
 * Returns: (transfer full): the phone with an ECID in @mode, already known
 *   to @monitor or added within 20 s
 */
UbDevice *
ub_test_restore_phone_in (UbDeviceMonitor *monitor,
                          UbDeviceMode     mode)
{
  g_autoptr(UbTestRecorder) recorder = ub_test_recorder_new (monitor);
  GListModel *list;
  UbDevice *added;

  ub_test_wait (300);   /* let the monitor catch up with USB */
  list = ub_device_monitor_get_devices (monitor);
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(UbDevice) device = g_list_model_get_item (list, i);

      if (ub_device_get_mode (device) == mode && ub_device_has_ecid (device))
        return g_steal_pointer (&device);
    }
  added = ub_test_recorder_wait (recorder, "added", mode, 20000);
  g_assert_nonnull (added);
  return g_object_ref (added);
}

static void
on_notify (UbRestoreJob     *job,
           GParamSpec       *pspec,
           UbTestRestoreRun *run)
{
  UbRestoreStage stage = ub_restore_job_get_stage (job);

  if (run->stages->len == 0 || g_array_index (run->stages, UbRestoreStage, run->stages->len - 1) != stage)
    g_array_append_val (run->stages, stage);
}

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  UbTestRestoreRun *run = user_data;

  run->ok = ub_restore_job_run_finish (UB_RESTORE_JOB (source), result, &run->error);
  g_main_loop_quit (run->loop);
}

/**
 * ub_test_restore_run:
 * @consent: (nullable): the permission to erase
 * @run: (out caller-allocates): how it ended; ub_test_restore_run_clear() it
 *
 * Runs a restore job to its end, its log in @logs.
 *
 * Returns: (transfer full): the job
 */
UbRestoreJob *
ub_test_restore_run (UbDeviceMonitor  *monitor,
                     UbDevice         *device,
                     const char       *ipsw,
                     const char       *logs,
                     UbRestoreKind     kind,
                     UbConsent        *consent,
                     UbTestRestoreRun *run)
{
  UbRestoreJob *job = ub_restore_job_new (monitor, device, ipsw, kind, consent);

  run->loop = g_main_loop_new (NULL, FALSE);
  run->stages = g_array_new (FALSE, FALSE, sizeof (UbRestoreStage));
  ub_restore_job_set_log_directory (job, logs);
  g_signal_connect (job, "notify", G_CALLBACK (on_notify), run);
  ub_restore_job_run_async (job, NULL, on_done, run);
  g_main_loop_run (run->loop);
  g_main_loop_unref (run->loop);
  g_signal_handlers_disconnect_by_data (job, run);
  return job;
}

void
ub_test_restore_run_clear (UbTestRestoreRun *run)
{
  g_clear_error (&run->error);
  g_clear_pointer (&run->stages, g_array_unref);
}

/**
 * ub_test_restore_read_record:
 *
 * Returns: (transfer full): everything the virtual phone recorded so far
 */
char *
ub_test_restore_read_record (void)
{
  char *text = NULL;

  g_assert_true (g_file_get_contents (g_getenv ("UNBRICK_VPHONE_RECORD"), &text, NULL, NULL));
  return text;
}
