/* ub-vphone-restored-script.c — the scripted restore restored runs after StartRestore
 *
 * Like the real restore system (research restore-mode.md §0, §3–§5):
 *  1. It checks the host first: every data type and message type it
 *     requires must be a key of the host's SupportedDataTypes /
 *     SupportedMessageTypes (the value does not matter). A missing one, or
 *     the fault restored-checkpoint-fail, gives CheckpointMsg 0x655
 *     ("is_host_compatible") with result 10, then StatusMsg 14.
 *  2. Otherwise: checkpoint 0x655 passes, RestoreAttestation, then the
 *     steps of the plan (ub-vphone-restored-plan.c: plan a for A10/A11,
 *     plan b for A14 and later, or the restore-plan setting): progress,
 *     checkpoints and data requests, each answer checked
 *     (ub-vphone-restored-request.c). A refused answer ends the restore
 *     like a phone: StatusMsg 14 with a Log naming the problem.
 *  3. The final StatusMsg: N with restored-status N; 53 ("failed to
 *     recover FDR data") when no host completed the FDR handshake on port
 *     1082; else 0, after which it waits for ReceivedFinalStatusMsg and the
 *     phone reboots into iOS (normal mode).
 * Faults: restored-silent (nothing after StartRestore), restored-unknown-data
 * TYPE (asks for TYPE first and records the answer's keys unchecked),
 * restored-silent-after TYPE (silent once it asked for TYPE).
 * One message every restore-step-ms (15 by default).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-vphone-restored"

#include "config.h"

#include "ub-vphone-restored-private.h"

#define REBOOT_MS           200
#define HOST_COMPATIBLE_ID  0x655
#define STATUS_FAIL         14
#define STATUS_FDR          53

/* What this restored requires the host to list (a subset of what real ones check) */
static const char * const required_data_types[] = {
  "BuildIdentityDict", "FDRTrustData", "FirmwareUpdaterData", "KernelCache", "NORData",
  "PersonalizedData", "ReceiptManifest", "RootTicket", "SystemImageData", "URLAsset", NULL
};
static const char * const required_message_types[] = {
  "AsyncDataRequestMsg", "AsyncWait", "CheckpointMsg", "RestoreAttestation", "RestoredCrash", NULL
};

static void
push_send (UbVphoneRestoredScript *self,
           plist_t                 message)
{
  UbVphoneRestoredStep *step = g_new0 (UbVphoneRestoredStep, 1);

  step->kind = UB_VPHONE_STEP_SEND;
  step->message = message;
  g_queue_push_tail (&self->steps, step);
}

static void
push_checkpoint (UbVphoneRestoredScript *self,
                 guint                   id,
                 const char             *name,
                 guint64                 result)
{
  plist_t message = ub_vphone_restored_msg_new ("CheckpointMsg");

  plist_dict_set_item (message, "CHECKPOINT_ID", plist_new_uint (id));
  plist_dict_set_item (message, "CHECKPOINT_NAME", plist_new_string (name));
  plist_dict_set_item (message, "CHECKPOINT_RESULT", plist_new_uint (result));
  plist_dict_set_item (message, "CHECKPOINT_COMPLETE", plist_new_bool (TRUE));
  push_send (self, message);
}

/* The first required key the host did not list, or NULL */
static const char *
missing_type (plist_t                 options,
              const char             *dict_name,
              const char * const     *required)
{
  plist_t dict = plist_dict_get_item (options, dict_name);

  for (guint i = 0; required[i] != NULL; i++)
    if (dict == NULL || plist_get_node_type (dict) != PLIST_DICT ||
        plist_dict_get_item (dict, required[i]) == NULL)
      return required[i];
  return NULL;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

static char *
sorted_keys (plist_t dict)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  plist_dict_iter iter = NULL;
  char *key = NULL;
  plist_t value;

  if (dict == NULL || plist_get_node_type (dict) != PLIST_DICT)
    return g_strdup ("");
  plist_dict_new_iter (dict, &iter);
  for (plist_dict_next_item (dict, iter, &key, &value); key != NULL;
       plist_dict_next_item (dict, iter, &key, &value))
    g_ptr_array_add (keys, g_steal_pointer (&key));
  g_free (iter);
  g_ptr_array_sort (keys, compare_strings);
  g_ptr_array_add (keys, NULL);
  return g_strjoinv (",", (char **) keys->pdata);
}

/* Records what the host sent and says whether this restored accepts it */
static gboolean
check_host (UbVphoneRestoredScript *self,
            plist_t                 request)
{
  plist_t options = plist_dict_get_item (request, "RestoreOptions");
  g_autofree char *keys = NULL;
  const char *missing;

  if (options == NULL || plist_get_node_type (options) != PLIST_DICT)
    options = NULL;
  keys = sorted_keys (options);
  ub_vphone_recorder_log (self->recorder, "restored StartRestore keys %s", keys);
  missing = options ? missing_type (options, "SupportedDataTypes", required_data_types) : "RestoreOptions";
  if (missing == NULL)
    missing = missing_type (options, "SupportedMessageTypes", required_message_types);
  ub_vphone_recorder_log (self->recorder, "restored host-compatible %s%s",
                          missing ? "no, missing " : "yes", missing ? missing : "");
  return missing == NULL;
}

static void
build (UbVphoneRestoredScript      *self,
       gboolean                     compatible,
       const UbVphoneRestoredSetup *setup)
{
  const char *data_type = ub_vphone_faults_get_word (self->faults, UB_VPHONE_FAULT_RESTORED_UNKNOWN_DATA);
  UbVphoneRestoredStep *step;

  if (!compatible || ub_vphone_faults_is_active (self->faults, UB_VPHONE_FAULT_RESTORED_CHECKPOINT_FAIL))
    {
      push_checkpoint (self, HOST_COMPATIBLE_ID, "is_host_compatible", 10);
      push_send (self, ub_vphone_restored_status_new (STATUS_FAIL, "virtual restored: host is not compatible"));
      return;
    }
  push_checkpoint (self, HOST_COMPATIBLE_ID, "is_host_compatible", 0);
  push_send (self, ub_vphone_restored_msg_new ("RestoreAttestation"));
  if (data_type != NULL)
    {
      step = ub_vphone_restored_step_request (data_type, NULL, FALSE, FALSE);
      step->unchecked = TRUE;
      g_queue_push_tail (&self->steps, step);
    }
  ub_vphone_restored_plan_build (&self->steps, self->identity, setup->plan, self->url_asset);
  step = g_new0 (UbVphoneRestoredStep, 1);
  step->kind = UB_VPHONE_STEP_FINAL;
  g_queue_push_tail (&self->steps, step);
}

static void
free_reboot (UbVphonePhone *phone)
{
  g_object_unref (phone);
}

/* The reboot outlives the connection (the host says Goodbye first) */
static gboolean
on_reboot (gpointer data)
{
  UbVphonePhone *phone = data;

  ub_vphone_phone_jump (phone, UB_VPHONE_MODE_NORMAL);
  return G_SOURCE_REMOVE;
}

static void
schedule_reboot (UbVphoneRestoredScript *self)
{
  ub_vphone_recorder_log (self->recorder, "restored reboot normal");
  g_timeout_add_full (G_PRIORITY_DEFAULT, REBOOT_MS, on_reboot, g_object_ref (self->phone),
                      (GDestroyNotify) free_reboot);
  self->reboot = TRUE;
}

/* The final status: the fault's, 53 without FDR, else 0 */
static gboolean
send_final (UbVphoneRestoredScript *self)
{
  guint64 status = 0;
  const char *log = NULL;
  plist_t message;

  if (self->status_fault >= 0)
    {
      status = (guint64) self->status_fault;
      log = "virtual restored: failed on request";
    }
  else if (self->fdr != NULL && !ub_vphone_fdr_is_ready (self->fdr))
    {
      status = STATUS_FDR;
      log = "virtual restored: failed to recover FDR data (no FDR relay on port 1082)";
    }
  ub_vphone_recorder_log (self->recorder, "restored status %" G_GUINT64_FORMAT, status);
  message = ub_vphone_restored_status_new (status, log);
  ub_vphone_plist_conn_send (self->conn, 0, message);
  plist_free (message);
  self->waiting_final = status == 0;
  return status != 0;
}

/* Runs one step; FALSE when the script must wait */
static gboolean
run_step (UbVphoneRestoredScript *self,
          UbVphoneRestoredStep   *step)
{
  switch (step->kind)
    {
    case UB_VPHONE_STEP_SEND:
      ub_vphone_plist_conn_send (self->conn, 0, step->message);
      return TRUE;
    case UB_VPHONE_STEP_REQUEST:
      _ub_vphone_restored_request_start (self, step);
      if (self->silent_after != NULL && g_str_equal (self->silent_after, step->data_type))
        {
          ub_vphone_recorder_log (self->recorder, "fault restored-silent-after %s", step->data_type);
          self->silent = TRUE;
        }
      return !self->silent && step->async;
    case UB_VPHONE_STEP_JOIN:
      self->joining = self->pending->len > 0;
      return !self->joining;
    case UB_VPHONE_STEP_FINAL:
    default:
      return send_final (self);
    }
}

static gboolean
on_step (gpointer data)
{
  UbVphoneRestoredScript *self = data;
  UbVphoneRestoredStep *step = g_queue_pop_head (&self->steps);
  gboolean go_on;

  if (step == NULL)
    {
      self->timer = 0;
      return G_SOURCE_REMOVE;
    }
  go_on = run_step (self, step);
  ub_vphone_restored_step_free (step);
  if (go_on)
    return G_SOURCE_CONTINUE;
  self->timer = 0;
  return G_SOURCE_REMOVE;
}

void
_ub_vphone_restored_script_resume (UbVphoneRestoredScript *self)
{
  if (self->timer == 0 && !self->silent)
    self->timer = g_timeout_add (self->step_ms, on_step, self);
}

/**
 * _ub_vphone_restored_script_fail:
 *
 * The phone refuses an answer: everything still to come is dropped, and
 * the restore ends with StatusMsg 14 and the reason in its Log.
 */
void
_ub_vphone_restored_script_fail (UbVphoneRestoredScript *self,
                                 const char             *data_type,
                                 const char             *problem)
{
  g_autofree char *log = g_strdup_printf ("virtual restored: %s refused: %s", data_type, problem);

  ub_vphone_recorder_log (self->recorder, "restored answer %s failed: %s", data_type, problem);
  g_debug ("%s", log);
  self->failed = TRUE;
  g_clear_pointer (&self->current, _ub_vphone_restored_request_free);
  g_ptr_array_set_size (self->pending, 0);
  self->joining = FALSE;
  g_queue_clear_full (&self->steps, (GDestroyNotify) ub_vphone_restored_step_free);
  push_send (self, ub_vphone_restored_status_new (STATUS_FAIL, log));
  _ub_vphone_restored_script_resume (self);
}

static void
on_asr_finished (UbVphoneAsr            *asr,
                 gboolean                ok,
                 const char             *text,
                 UbVphoneRestoredScript *self)
{
  if (!self->failed)
    _ub_vphone_restored_request_asr_done (self, ok, text);
}

static void
take_setup (UbVphoneRestoredScript      *self,
            const UbVphoneRestoredSetup *setup)
{
  const char *silent_after = ub_vphone_faults_get_word (setup->faults, UB_VPHONE_FAULT_RESTORED_SILENT_AFTER);

  self->identity = g_object_ref (setup->identity);
  self->phone = g_object_ref (setup->phone);
  self->faults = g_object_ref (setup->faults);
  self->recorder = g_object_ref (setup->recorder);
  self->usbmuxd = g_object_ref (setup->usbmuxd);
  self->asr = g_object_ref (setup->asr);
  self->fdr = setup->fdr ? g_object_ref (setup->fdr) : NULL;
  self->url_asset = g_strdup (setup->url_asset ? setup->url_asset : UB_VPHONE_DEFAULT_URL_ASSET);
  self->step_ms = setup->step_ms;
  self->silent_after = g_strdup (silent_after);
  self->status_fault = ub_vphone_faults_get_number (setup->faults, UB_VPHONE_FAULT_RESTORED_STATUS);
  self->check = ub_vphone_restored_check_new (ub_vphone_identity_get_ecid (setup->identity),
                                              ub_vphone_identity_get_ap_nonce (setup->identity));
  self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) _ub_vphone_restored_request_free);
  g_queue_init (&self->steps);
}

/**
 * ub_vphone_restored_script_start:
 * @request: the host's StartRestore request
 * @setup: the parts and settings; copied
 *
 * Returns: (transfer full): the running script; free it when @conn closes
 */
UbVphoneRestoredScript *
ub_vphone_restored_script_start (UbVphonePlistConn           *conn,
                                 plist_t                      request,
                                 const UbVphoneRestoredSetup *setup)
{
  UbVphoneRestoredScript *self = g_new0 (UbVphoneRestoredScript, 1);
  gboolean compatible;

  self->conn = g_object_ref (conn);
  take_setup (self, setup);
  compatible = check_host (self, request);
  if (ub_vphone_faults_is_active (self->faults, UB_VPHONE_FAULT_RESTORED_SILENT))
    {
      ub_vphone_recorder_log (self->recorder, "fault restored-silent");
      self->silent = TRUE;
      return self;
    }
  build (self, compatible, setup);
  self->asr_handler = g_signal_connect (self->asr, "finished", G_CALLBACK (on_asr_finished), self);
  _ub_vphone_restored_script_resume (self);
  return self;
}

/**
 * ub_vphone_restored_script_take:
 * @message: a message from the host on the main connection during the restore
 *
 * Records it; the answer the script waits for lets it go on.
 */
void
ub_vphone_restored_script_take (UbVphoneRestoredScript *self,
                                plist_t                 message)
{
  plist_t node = plist_dict_get_item (message, "MsgType");
  const char *type = node && plist_get_node_type (node) == PLIST_STRING ? plist_get_string_ptr (node, NULL) : NULL;

  if (type != NULL && g_str_equal (type, "ReceivedFinalStatusMsg"))
    {
      ub_vphone_recorder_log (self->recorder, "restored ReceivedFinalStatusMsg");
      if (self->waiting_final && !self->reboot)
        schedule_reboot (self);
      self->waiting_final = FALSE;
      return;
    }
  if (plist_dict_get_item (message, "RestoreShouldAttest") != NULL)
    {
      ub_vphone_recorder_log (self->recorder, "restored RestoreShouldAttest");
      return;
    }
  if (self->current != NULL && !self->failed)
    {
      _ub_vphone_restored_request_take (self->current, message, FALSE);
      return;
    }
  ub_vphone_recorder_log (self->recorder, "restored unexpected message");
}

void
ub_vphone_restored_script_free (UbVphoneRestoredScript *self)
{
  if (self == NULL)
    return;
  g_clear_handle_id (&self->timer, g_source_remove);
  if (self->asr_handler != 0)
    g_signal_handler_disconnect (self->asr, self->asr_handler);
  g_clear_pointer (&self->current, _ub_vphone_restored_request_free);
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_queue_clear_full (&self->steps, (GDestroyNotify) ub_vphone_restored_step_free);
  g_clear_pointer (&self->check, ub_vphone_restored_check_free);
  g_free (self->url_asset);
  g_free (self->silent_after);
  g_clear_object (&self->conn);
  g_clear_object (&self->identity);
  g_clear_object (&self->phone);
  g_clear_object (&self->faults);
  g_clear_object (&self->recorder);
  g_clear_object (&self->usbmuxd);
  g_clear_object (&self->asr);
  g_clear_object (&self->fdr);
  g_free (self);
}
