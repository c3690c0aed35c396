/* ub-restore-job-install.c — the restore system installs iOS
 *
 * Once the phone runs the restore system (the end of ub-restore-job-chain.c),
 * restored drives the restore and Unbrick follows (restore-mode.md §1–§8):
 * connect to restored and check it is our phone (ECID), open the FDR relay
 * (without it the phone fails late, status 53), send StartRestore, then
 * read restored's messages until its final status, answering its data
 * requests (ub-restore-data*.c). Progress is restored's own: operations
 * mapped onto the stage's bar, and the bytes of the system image while ASR
 * streams it. After the final status the phone restarts into iOS by itself;
 * the job waits a while to see it, which is good news but not required.
 *
 * Runs in the restore job's worker, blocking, every wait with a deadline.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-restore"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ub-clock.h"
#include "ub-error.h"
#include "ub-fdr.h"
#include "ub-restore-data.h"
#include "ub-restore-job-private.h"
#include "ub-restored.h"

/* restore-mode.md §8, in the clock's time */
#define CONNECT_TRIES        10
#define CONNECT_DELAY_MS     1000
#define ASYNC_FINISH_MS      30000
#define REBOOT_LEAVE_MS      60000
#define REBOOT_RETURN_MS     300000

/* Where restored's operations sit on the stage's bar (restore-mode.md §3):
 * copying and verifying the system image take most of the time. */
static const struct { guint operation; double start, end; } operation_spans[] = {
  { 11, 0.00, 0.02 },   /* CreatePartitionMap */
  { 12, 0.02, 0.04 },   /* CreateFilesystem */
  { 13, 0.04, 0.60 },   /* RestoreImage */
  { 14, 0.60, 0.75 },   /* VerifyRestore */
  { 18, 0.75, 0.82 },   /* FlashFirmware */
  { 19, 0.82, 0.95 },   /* UpdateBaseband */
  { 51, 0.82, 0.95 },   /* UpdateIRMCUFirmware */
};

typedef struct
{
  UbRestoreJob  *job;
  UbRestoreData *data;
  double         done;        /* of the stage, never goes back */
} Install;

static void
advance (Install    *install,
         double      within,
         const char *status)
{
  if (within > install->done)
    install->done = MIN (within, 0.99);
  _ub_restore_job_set_progress (install->job, install->done, status);
}

static void
on_progress (guint       operation,
             const char *name,
             int         percent,
             gpointer    user_data)
{
  Install *install = user_data;
  double within = install->done;

  for (gsize i = 0; i < G_N_ELEMENTS (operation_spans); i++)
    if (operation_spans[i].operation == operation)
      {
        double share = percent < 0 ? 0 : percent / 100.0;

        within = operation_spans[i].start + share * (operation_spans[i].end - operation_spans[i].start);
      }
  advance (install, within, name);
}

static void
on_checkpoint (guint       id,
               const char *name,
               gint64      result,
               gpointer    user_data)
{
  Install *install = user_data;

  ub_restore_log_event (install->job->log, "checkpoint", "0x%x %s: %" G_GINT64_FORMAT,
                        id, name ? name : "", result);
}

static gboolean
on_data_request (UbRestored  *client,
                 const char  *data_type,
                 plist_t      message,
                 gboolean     is_async,
                 gpointer     user_data,
                 GError     **error)
{
  Install *install = user_data;

  return ub_restore_data_handle (install->data, client, data_type, message, is_async, error);
}

static gboolean
keep_going (gpointer   user_data,
            GError   **error)
{
  Install *install = user_data;

  return ub_restore_data_check_async (install->data, error);
}

/* Byte progress of long answers; only the system image moves the bar */
static void
on_data_progress (const char *what,
                  guint64     done,
                  guint64     total,
                  gpointer    user_data)
{
  Install *install = user_data;

  if (total > 0 && g_strcmp0 (what, _("Copying iOS to the iPhone")) == 0)
    advance (install, 0.04 + 0.56 * ((double) done / (double) total), what);
}

static void
on_data_event (const char *kind,
               const char *text,
               gpointer    user_data)
{
  Install *install = user_data;

  ub_restore_log_event (install->job->log, kind, "%s", text);
}

static UbRestored *
connect_restored (UbRestoreJob  *self,
                  const char    *udid,
                  GError       **error)
{
  for (guint i = 1; ; i++)
    {
      g_autoptr(GError) local = NULL;
      UbRestored *client = ub_restored_connect (udid, &local);

      if (client != NULL)
        return client;
      if (i == CONNECT_TRIES || g_cancellable_is_cancelled (self->work_cancel))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
      g_debug ("restored not reachable yet (try %u): %s", i, local->message);
      g_usleep (ub_clock_scale_ms (ub_clock_get_default (), CONNECT_DELAY_MS) * 1000);
    }
}

static UbRestored *
open_restored (UbRestoreJob  *self,
               UbDevice      *phone,
               GError       **error)
{
  g_autoptr(UbRestored) client = connect_restored (self, ub_device_get_udid (phone), error);

  if (client == NULL ||
      !ub_restored_query_type (client, error) ||
      !ub_restored_check_ecid (client, self->ecid, error))
    return NULL;
  ub_restore_log_event (self->log, "restored", "protocol version %" G_GUINT64_FORMAT,
                        ub_restored_get_protocol_version (client));
  return g_steal_pointer (&client);
}

/* The FDR relay: without it the phone fails near the end (status 53), so a
 * phone that refuses it is worth knowing about, but restored decides. */
static UbFdr *
open_fdr (UbRestoreJob *self,
          UbDevice     *phone)
{
  g_autoptr(GError) error = NULL;
  UbFdr *fdr = ub_fdr_start (ub_device_get_udid (phone), &error);

  if (fdr == NULL)
    ub_restore_log_event (self->log, "fdr", "relay not open: %s", error->message);
  else
    ub_restore_log_event (self->log, "fdr", "relay open");
  return fdr;
}

static gboolean
run_restore (UbRestoreJob  *self,
             UbRestored    *client,
             Install       *install,
             GError       **error)
{
  UbRestoredHandlers handlers = {
    .progress = on_progress,
    .checkpoint = on_checkpoint,
    .data_request = on_data_request,
    .keep_going = keep_going,
  };
  gboolean ok;

  /* tests shorten restored's silence limit (phone time) */
  if (g_getenv ("UNBRICK_TEST_RESTORED_SILENCE_MS") != NULL)
    ub_restored_set_silence_ms (client, (guint) g_ascii_strtoull (g_getenv ("UNBRICK_TEST_RESTORED_SILENCE_MS"),
                                                                  NULL, 10));
  if (!ub_restored_start_restore (client, self->identity, error))
    return FALSE;
  ub_restore_log_event (self->log, "restored", "StartRestore sent (%s)",
                        self->kind == UB_RESTORE_KIND_ERASE ? "erase" : "update");
  ok = ub_restored_run_loop (client, &handlers, install, self->work_cancel, error);
  if (!ub_restore_data_finish (install->data, ASYNC_FINISH_MS, ok ? error : NULL))
    ok = FALSE;
  return ok;
}

static void
wait_for_ios (UbRestoreJob *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UbDevice) phone = NULL;
  guint mark = _ub_restore_job_mark (self);

  _ub_restore_job_enter_stage (self, UB_RESTORE_STAGE_REBOOT);
  phone = _ub_restore_job_wait (self, TRUE, mark, UB_WANT_NORMAL, REBOOT_LEAVE_MS, REBOOT_RETURN_MS, &error);
  if (phone != NULL)
    ub_restore_log_event (self->log, "info", "the iPhone started iOS");
  else
    ub_restore_log_event (self->log, "info", "iOS not seen after the restore: %s", error->message);
}

/**
 * _ub_restore_job_install:
 * @phone: our phone in restore mode
 *
 * Installs iOS through the restore system and waits for the phone to start it.
 */
gboolean
_ub_restore_job_install (UbRestoreJob  *self,
                         UbDevice      *phone,
                         GError       **error)
{
  g_autoptr(UbRestored) client = NULL;
  g_autoptr(UbRestoreData) data = NULL;
  UbFdr *fdr;
  Install install = { self, NULL, 0 };
  gboolean ok;

  _ub_restore_job_enter_stage (self, UB_RESTORE_STAGE_RESTORE);
  if ((client = open_restored (self, phone, error)) == NULL)
    return FALSE;
  data = ub_restore_data_new (ub_device_get_udid (phone), self->ipsw, self->identity, self->ticket,
                              self->ticket_nonce, self->ecid, self->kind == UB_RESTORE_KIND_ERASE);
  ub_restore_data_set_callbacks (data, on_data_progress, on_data_event, &install);
  ub_restore_data_set_cancellable (data, self->work_cancel);
  install.data = data;
  fdr = open_fdr (self, phone);
  ok = run_restore (self, client, &install, error);
  g_clear_pointer (&fdr, ub_fdr_free);
  g_clear_pointer (&data, ub_restore_data_free);
  if (!ok)
    return FALSE;
  ub_restore_log_event (self->log, "info", "restored reported success");
  if (!ub_restored_goodbye (client, NULL))
    g_debug ("no answer to Goodbye: the iPhone is restarting");
  g_clear_object (&client);
  wait_for_ios (self);
  _ub_restore_job_enter_stage (self, UB_RESTORE_STAGE_DONE);
  return TRUE;
}
