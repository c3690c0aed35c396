/* ub-vphone-restored-script.c — the scripted restore restored runs after StartRestore
 *
 * Like the real restore system (research restore-mode.md §0, §3):
 *  1. It checks the host first: every data type and message type it
 *     requires must be a key of the host's SupportedDataTypes /
 *     SupportedMessageTypes (the value does not matter). A missing one, or
 *     the fault restored-checkpoint-fail, gives CheckpointMsg 0x655
 *     ("is_host_compatible") with result 10, then StatusMsg 14.
 *  2. Otherwise: checkpoint 0x655 passes, RestoreAttestation, progress of
 *     operations 11–14 with percentages and a checkpoint between them,
 *     optionally one DataRequestMsg (fault restored-unknown-data TYPE),
 *     after which it waits for the host's answer; then StatusMsg 0 (or N
 *     with restored-status N), and it waits for ReceivedFinalStatusMsg.
 *  3. After that the phone reboots into iOS (normal mode).
 * With restored-silent it sends nothing at all after StartRestore.
 * One message every STEP_MS; what the host sends is recorded.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-vphone-restored"

#include "config.h"

#include "ub-vphone-restored-script.h"

#define STEP_MS             15
#define REBOOT_MS           200
#define HOST_COMPATIBLE_ID  0x655
#define STATUS_FAIL         14

/* What this restored requires the host to list (a subset of what real ones check) */
static const char * const required_data_types[] = {
  "BuildIdentityDict", "FDRTrustData", "FirmwareUpdaterData", "KernelCache", "NORData",
  "PersonalizedData", "ReceiptManifest", "RootTicket", "SystemImageData", "URLAsset", NULL
};
static const char * const required_message_types[] = {
  "AsyncDataRequestMsg", "AsyncWait", "CheckpointMsg", "RestoreAttestation", "RestoredCrash", NULL
};

typedef struct
{
  plist_t  message;
  char    *waits_for;   /* NULL: go on; else what the host must send first */
} Step;

struct _UbVphoneRestoredScript
{
  UbVphonePlistConn *conn;
  UbVphoneRecorder  *recorder;
  UbVphonePhone     *phone;
  GQueue             steps;       /* Step */
  char              *waiting;     /* data type or "ReceivedFinalStatusMsg" */
  guint              timer;
  gboolean           reboot;      /* scheduled */
};

static void
step_free (Step *step)
{
  plist_free (step->message);
  g_free (step->waits_for);
  g_free (step);
}

static plist_t
msg_new (const char *type)
{
  plist_t message = plist_new_dict ();

  plist_dict_set_item (message, "MsgType", plist_new_string (type));
  return message;
}

static void
add (UbVphoneRestoredScript *self,
     plist_t                 message,
     const char             *waits_for)
{
  Step *step = g_new0 (Step, 1);

  step->message = message;
  step->waits_for = g_strdup (waits_for);
  g_queue_push_tail (&self->steps, step);
}

static void
add_checkpoint (UbVphoneRestoredScript *self,
                guint                   id,
                const char             *name,
                guint64                 result)
{
  plist_t message = msg_new ("CheckpointMsg");

  plist_dict_set_item (message, "CHECKPOINT_ID", plist_new_uint (id));
  plist_dict_set_item (message, "CHECKPOINT_NAME", plist_new_string (name));
  plist_dict_set_item (message, "CHECKPOINT_RESULT", plist_new_uint (result));
  plist_dict_set_item (message, "CHECKPOINT_COMPLETE", plist_new_bool (TRUE));
  add (self, message, NULL);
}

static void
add_progress (UbVphoneRestoredScript *self,
              guint                   operation,
              guint                   progress)
{
  plist_t message = msg_new ("ProgressMsg");

  plist_dict_set_item (message, "Operation", plist_new_uint (operation));
  plist_dict_set_item (message, "Progress", plist_new_uint (progress));
  add (self, message, NULL);
}

static void
add_status (UbVphoneRestoredScript *self,
            guint64                 status)
{
  plist_t message = msg_new ("StatusMsg");

  plist_dict_set_item (message, "Status", plist_new_uint (status));
  if (status != 0)
    {
      plist_dict_set_item (message, "AMRError", plist_new_uint (status));
      plist_dict_set_item (message, "Log", plist_new_string ("virtual restored: failed on request"));
    }
  add (self, message, status == 0 ? "ReceivedFinalStatusMsg" : NULL);
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
build (UbVphoneRestoredScript *self,
       gboolean                compatible,
       UbVphoneFaults         *faults)
{
  const char *data_type = ub_vphone_faults_get_word (faults, UB_VPHONE_FAULT_RESTORED_UNKNOWN_DATA);
  int status = ub_vphone_faults_get_number (faults, UB_VPHONE_FAULT_RESTORED_STATUS);
  static const guint percents[] = { 25, 50, 75, 100 };

  if (!compatible || ub_vphone_faults_is_active (faults, UB_VPHONE_FAULT_RESTORED_CHECKPOINT_FAIL))
    {
      add_checkpoint (self, HOST_COMPATIBLE_ID, "is_host_compatible", 10);
      add_status (self, STATUS_FAIL);
      return;
    }
  add_checkpoint (self, HOST_COMPATIBLE_ID, "is_host_compatible", 0);
  add (self, msg_new ("RestoreAttestation"), NULL);
  for (guint op = 11; op <= 14; op++)
    {
      for (guint i = 0; i < G_N_ELEMENTS (percents); i++)
        add_progress (self, op, percents[i]);
      if (op == 12)
        add_checkpoint (self, 0x1104, "create_filesystem_done", 0);
    }
  if (data_type != NULL)
    {
      plist_t request = msg_new ("DataRequestMsg");

      plist_dict_set_item (request, "DataType", plist_new_string (data_type));
      add (self, request, data_type);
    }
  add_status (self, status >= 0 ? (guint64) status : 0);
}

/* The reboot outlives the connection (the host says Goodbye first) */
static gboolean
on_reboot (gpointer data)
{
  UbVphoneRestoredScript *self = data;

  ub_vphone_recorder_log (self->recorder, "restored reboot normal");
  ub_vphone_phone_jump (self->phone, UB_VPHONE_MODE_NORMAL);
  return G_SOURCE_REMOVE;
}

static void
schedule_reboot (UbVphoneRestoredScript *self)
{
  UbVphoneRestoredScript *copy = g_new0 (UbVphoneRestoredScript, 1);

  g_queue_init (&copy->steps);
  copy->recorder = g_object_ref (self->recorder);
  copy->phone = g_object_ref (self->phone);
  g_timeout_add_full (G_PRIORITY_DEFAULT, REBOOT_MS, on_reboot, copy,
                      (GDestroyNotify) ub_vphone_restored_script_free);
  self->reboot = TRUE;
}

static gboolean
on_step (gpointer data)
{
  UbVphoneRestoredScript *self = data;
  Step *step = g_queue_pop_head (&self->steps);

  if (step == NULL)
    {
      self->timer = 0;
      return G_SOURCE_REMOVE;
    }
  ub_vphone_plist_conn_send (self->conn, 0, step->message);
  if (step->waits_for != NULL)
    {
      self->waiting = g_steal_pointer (&step->waits_for);
      self->timer = 0;
      step_free (step);
      return G_SOURCE_REMOVE;
    }
  step_free (step);
  return G_SOURCE_CONTINUE;
}

/**
 * ub_vphone_restored_script_start:
 * @request: the host's StartRestore request
 *
 * Returns: (transfer full): the running script; free it when @conn closes
 */
UbVphoneRestoredScript *
ub_vphone_restored_script_start (UbVphonePlistConn *conn,
                                 plist_t            request,
                                 UbVphoneFaults    *faults,
                                 UbVphoneRecorder  *recorder,
                                 UbVphonePhone     *phone)
{
  UbVphoneRestoredScript *self = g_new0 (UbVphoneRestoredScript, 1);
  gboolean compatible;

  self->conn = g_object_ref (conn);
  self->recorder = g_object_ref (recorder);
  self->phone = g_object_ref (phone);
  g_queue_init (&self->steps);
  compatible = check_host (self, request);
  if (ub_vphone_faults_is_active (faults, UB_VPHONE_FAULT_RESTORED_SILENT))
    {
      ub_vphone_recorder_log (self->recorder, "fault restored-silent");
      return self;
    }
  build (self, compatible, faults);
  self->timer = g_timeout_add (STEP_MS, on_step, self);
  return self;
}

/**
 * ub_vphone_restored_script_take:
 * @message: a message from the host during the restore
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
      if (g_strcmp0 (self->waiting, type) == 0 && !self->reboot)
        schedule_reboot (self);
      g_clear_pointer (&self->waiting, g_free);
      return;
    }
  if (plist_dict_get_item (message, "RestoreShouldAttest") != NULL)
    {
      ub_vphone_recorder_log (self->recorder, "restored RestoreShouldAttest");
      return;
    }
  if (self->waiting != NULL && !g_str_equal (self->waiting, "ReceivedFinalStatusMsg"))
    {
      g_autofree char *keys = sorted_keys (message);

      ub_vphone_recorder_log (self->recorder, "restored data %s answered %s", self->waiting, keys);
      g_clear_pointer (&self->waiting, g_free);
      if (self->timer == 0)
        self->timer = g_timeout_add (STEP_MS, on_step, self);
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
  g_queue_clear_full (&self->steps, (GDestroyNotify) step_free);
  g_free (self->waiting);
  g_clear_object (&self->conn);
  g_clear_object (&self->recorder);
  g_clear_object (&self->phone);
  g_free (self);
}
