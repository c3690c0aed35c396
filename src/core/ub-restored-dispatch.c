/* ub-restored-dispatch.c — the messages restored sends during a restore
 *
 * After StartRestore restored drives the restore and the host follows
 * (restore-mode.md §3): every message is a dictionary with a MsgType.
 * ub_restored_dispatch() handles one message and says whether to go on;
 * it never blocks and does no I/O itself (replies are handed back), so the
 * fuzzer feeds it directly; ub_restored_run_loop() (ub-restored.c) reads
 * the messages and sends the replies.
 *
 * Unlike the public tools, which ignore what they do not know and wait
 * forever, Unbrick ends the restore with a clear message when the phone
 * asks for data it cannot give: restored would otherwise wait for an
 * answer that never comes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-restored"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ub-error.h"
#include "ub-plist.h"
#include "ub-restored.h"

/* ProgressMsg operation codes (restore-mode.md §3), with plain names */
static const struct { guint code; const char *name; } operations[] = {
  { 11, /* CreatePartitionMap */ N_("Preparing the storage") },
  { 12, /* CreateFilesystem */ N_("Creating the file system") },
  { 13, /* RestoreImage */ N_("Copying iOS to the iPhone") },
  { 14, /* VerifyRestore */ N_("Checking the copied iOS") },
  { 15, /* CheckFilesystems */ N_("Checking the file systems") },
  { 16, /* MountFilesystems */ N_("Mounting the file systems") },
  { 17, /* FixupVar */ N_("Preparing system files") },
  { 18, /* FlashFirmware */ N_("Installing firmware") },
  { 19, /* UpdateBaseband */ N_("Updating the modem") },
  { 20, /* SetBootStage */ N_("Setting the boot stage") },
  { 21, /* RebootDevice */ N_("Restarting the iPhone") },
  { 22, /* ShutdownDevice */ N_("Shutting down the iPhone") },
  { 23, /* TurnOnAccessoryPower */ N_("Powering accessories") },
  { 24, /* ClearBootargs */ N_("Clearing boot settings") },
  { 25, /* ModifyBootargs */ N_("Changing boot settings") },
  { 26, /* InstallRoot */ N_("Installing the root file system") },
  { 27, /* InstallKernelcache */ N_("Installing the kernel") },
  { 28, /* WaitForNAND */ N_("Waiting for the storage") },
  { 29, /* UnmountFilesystems */ N_("Unmounting the file systems") },
  { 30, /* SetDatetime */ N_("Setting the date and time") },
  { 31, /* ExecIBoot */ N_("Starting the boot loader") },
  { 32, /* FinalizeNANDEpochUpdate */ N_("Finishing the storage update") },
  { 33, /* CheckInappropriateBootPartitions */ N_("Checking the boot partitions") },
  { 34, /* CreateFactoryRestoreMarker */ N_("Marking the restore") },
  { 35, /* LoadFirmware */ N_("Loading firmware") },
  { 36, /* RequestingFUDData */ N_("Requesting firmware data") },
  { 37, /* RemovingActivationRecord */ N_("Removing the activation record") },
  { 38, /* CheckBatteryVoltage */ N_("Checking the battery") },
  { 39, /* WaitBatteryCharge */ N_("Waiting for the battery to charge") },
  { 40, /* CloseModemTickets */ N_("Closing modem tickets") },
  { 41, /* MigrateData */ N_("Migrating data") },
  { 42, /* WipeStorageDevice */ N_("Erasing the storage") },
  { 43, /* SendAppleLogo */ N_("Showing the Apple logo") },
  { 44, /* CheckLogs */ N_("Checking logs") },
  { 46, /* ClearNVRAM */ N_("Clearing settings memory") },
  { 47, /* UpdateGasGauge */ N_("Updating the battery gauge") },
  { 48, /* PrepareBasebandUpdate */ N_("Preparing the modem update") },
  { 49, /* BootBaseband */ N_("Starting the modem") },
  { 50, /* CreateSystemKeybag */ N_("Creating the system keybag") },
  { 51, /* UpdateIRMCUFirmware */ N_("Updating the modem firmware") },
  { 52, /* ResizeSystemPartition */ N_("Resizing the system partition") },
  { 53, /* CollectingUpdaterOutput */ N_("Collecting the modem update log") },
  { 54, /* PairStockholm */ N_("Pairing the NFC chip") },
  { 55, /* UpdateStockholm */ N_("Updating the NFC chip") },
  { 56, /* UpdateSWDHID */ N_("Updating the touch controller") },
  { 57, /* CertifySEP */ N_("Certifying the Secure Enclave") },
  { 58, /* UpdateNANDFirmware */ N_("Updating the storage firmware") },
  { 59, /* UpdateSEFirmware */ N_("Updating the secure element") },
  { 60, /* UpdateSavage */ N_("Updating the Face ID camera") },
  { 61, /* InstallingDeviceTree */ N_("Installing the device tree") },
  { 62, /* CertifySavage */ N_("Certifying the Face ID camera") },
  { 63, /* SubmittingProvinfo */ N_("Submitting provisioning data") },
  { 64, /* CertifyYonkers */ N_("Certifying the Face ID sensor") },
  { 65, /* UpdateRose */ N_("Updating the ultra wideband chip") },
  { 66, /* UpdateVeridian */ N_("Updating the battery controller") },
  { 67, /* CreatingProtectedVolume */ N_("Creating the protected volume") },
  { 68, /* ResizingMainFSPartition */ N_("Resizing the main partition") },
  { 69, /* CreatingRecoveryOSVolume */ N_("Creating the recovery volume") },
  { 70, /* InstallingRecoveryOSFiles */ N_("Installing recovery files") },
  { 71, /* InstallingRecoveryOSImage */ N_("Installing the recovery system") },
  { 74, /* RequestingEANData */ N_("Requesting firmware data") },
  { 77, /* SealingSystemVolume */ N_("Sealing the system volume") },
  { 81, /* UpdatingAppleTCON */ N_("Updating the display controller") },
};

/* StatusMsg codes other than 0 (restore-mode.md §3) */
static const struct { guint64 code; const char *meaning; } statuses[] = {
  { G_MAXUINT64, N_("The iPhone could not verify the restored system.") },
  { 6, N_("The iPhone's storage failed.") },
  { 14, N_("The restore failed on the iPhone.") },
  { 27, N_("The iPhone could not mount its file systems.") },
  { 50, N_("The iPhone could not load the Secure Enclave firmware.") },
  { 51, N_("The iPhone could not load the Secure Enclave firmware.") },
  { 53, N_("The iPhone could not recover its factory data.") },
  { 1015, N_("The modem update failed.") },
};

/**
 * ub_restored_operation_name:
 * @operation: a ProgressMsg operation code
 * @protocol_version: restored's RestoreProtocolVersion (below 14, codes
 *   above 35 are one lower)
 *
 * Returns: (transfer none): a translated plain name
 */
const char *
ub_restored_operation_name (guint   operation,
                            guint64 protocol_version)
{
  if (protocol_version < 14 && operation > 35)
    operation++;
  for (gsize i = 0; i < G_N_ELEMENTS (operations); i++)
    if (operations[i].code == operation)
      return _(operations[i].name);
  /* TRANSLATORS: a restore step the phone did not name in a known way */
  return _("Restoring");
}

/**
 * ub_restored_status_meaning:
 * @status: a StatusMsg Status other than 0
 *
 * Returns: (transfer none): a translated sentence
 */
const char *
ub_restored_status_meaning (guint64 status)
{
  for (gsize i = 0; i < G_N_ELEMENTS (statuses); i++)
    if (statuses[i].code == status)
      return _(statuses[i].meaning);
  return _("The restore failed on the iPhone.");
}

static gboolean
get_uint (plist_t     dict,
          const char *key,
          guint64    *value)
{
  plist_t node = plist_dict_get_item (dict, key);

  if (node == NULL || plist_get_node_type (node) != PLIST_UINT)
    return FALSE;
  plist_get_uint_val (node, value);
  return TRUE;
}

static void
on_progress (guint64             version,
             plist_t             message,
             UbRestoredHandlers *handlers,
             gpointer            user_data)
{
  guint64 operation = 0, progress = 0;
  const char *name;
  int percent;

  if (!get_uint (message, "Operation", &operation) || operation > G_MAXUINT)
    return;
  get_uint (message, "Progress", &progress);
  name = ub_restored_operation_name ((guint) operation, version);
  percent = progress >= 1 && progress <= 100 ? (int) progress : -1;
  g_debug ("restored operation %" G_GUINT64_FORMAT " (%s) at %d%%", operation, name, percent);
  if (handlers && handlers->progress)
    handlers->progress ((guint) operation, name, percent, user_data);
}

static UbRestoredVerdict
on_status (plist_t   message,
           plist_t  *reply,
           GError  **error)
{
  guint64 status = 0, amr = 0;
  g_autofree char *log = ub_plist_dup_string (plist_dict_get_item (message, "Log"));
  g_autofree char *status_text = NULL, *amr_text = NULL;
  gboolean has_amr;

  if (!get_uint (message, "Status", &status))
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_PROTOCOL,
                           _("The iPhone sent a restore status without a value."));
      return UB_RESTORED_FAILED;
    }
  has_amr = get_uint (message, "AMRError", &amr);
  g_debug ("restored status %" G_GUINT64_FORMAT ", AMRError %" G_GUINT64_FORMAT ", log %s",
           status, amr, log ? "present" : "absent");
  if (status == 0)
    {
      *reply = plist_new_dict ();
      plist_dict_set_item (*reply, "MsgType", plist_new_string ("ReceivedFinalStatusMsg"));
      return UB_RESTORED_DONE;
    }
  status_text = g_strdup_printf ("%" G_GINT64_MODIFIER "d", (gint64) status);
  amr_text = g_strdup_printf ("%" G_GUINT64_FORMAT, amr);
  if (has_amr)
    g_set_error (error, UB_ERROR, UB_ERROR_FAILED,
                 /* TRANSLATORS: the first %s is a sentence; the others are codes for support */
                 _("%s (status %s, error %s)"), ub_restored_status_meaning (status), status_text, amr_text);
  else
    /* TRANSLATORS: the first %s is a sentence; the second a code for support */
    g_set_error (error, UB_ERROR, UB_ERROR_FAILED, _("%s (status %s)"),
                 ub_restored_status_meaning (status), status_text);
  return UB_RESTORED_FAILED;
}

static UbRestoredVerdict
on_checkpoint (plist_t              message,
               UbRestoredHandlers  *handlers,
               gpointer             user_data,
               GError             **error)
{
  guint64 id = 0;
  gint64 result = 0;
  plist_t node = plist_dict_get_item (message, "CHECKPOINT_RESULT");
  g_autofree char *name = ub_plist_dup_string (plist_dict_get_item (message, "CHECKPOINT_NAME"));

  if (!get_uint (message, "CHECKPOINT_ID", &id) || node == NULL || plist_get_node_type (node) != PLIST_UINT)
    {
      g_debug ("restored checkpoint without ID or result, ignored");
      return UB_RESTORED_CONTINUE;
    }
  {
    guint64 raw = 0;

    plist_get_uint_val (node, &raw);
    result = (gint64) raw;    /* libplist keeps negative integers as their two's complement */
  }
  g_debug ("restored checkpoint 0x%" G_GINT64_MODIFIER "x \"%s\": %" G_GINT64_FORMAT,
           id, name ? name : "", result);
  if (handlers && handlers->checkpoint)
    handlers->checkpoint ((guint) id, name, result, user_data);
  if (result == 0)
    return UB_RESTORED_CONTINUE;
  if (id == UB_RESTORED_CHECKPOINT_HOST_COMPATIBLE && result == UB_RESTORED_CHECKPOINT_RESULT_HOST_UNSUPPORTED)
    g_set_error_literal (error, UB_ERROR, UB_ERROR_NOT_SUPPORTED,
                         _("This version of Unbrick is not compatible with this iOS version. Look for an update of Unbrick."));
  else
    {
      g_autofree char *code = g_strdup_printf ("%" G_GINT64_FORMAT, result);

      g_set_error (error, UB_ERROR, UB_ERROR_FAILED,
                   /* TRANSLATORS: the first %s is the step's internal name, the second a code for support */
                   _("The restore failed on the iPhone at step “%s” (error %s)."), name ? name : "?", code);
    }
  return UB_RESTORED_FAILED;
}

static UbRestoredVerdict
on_data_request (UbRestored          *self,
                 plist_t              message,
                 gboolean             is_async,
                 UbRestoredHandlers  *handlers,
                 gpointer             user_data,
                 GError             **error)
{
  g_autofree char *type = ub_plist_dup_string (plist_dict_get_item (message, "DataType"));
  g_autoptr(GError) local = NULL;

  g_debug ("restored asks for %s data \"%s\"", is_async ? "async" : "sync", type ? type : "");
  if (type == NULL || *type == '\0')
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_PROTOCOL,
                           _("The iPhone asked for data without saying which."));
      return UB_RESTORED_FAILED;
    }
  if (handlers && handlers->data_request &&
      handlers->data_request (self, type, message, is_async, user_data, &local))
    return UB_RESTORED_CONTINUE;
  if (local != NULL && !g_error_matches (local, UB_ERROR, UB_ERROR_NOT_SUPPORTED))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return UB_RESTORED_FAILED;
    }
  g_set_error (error, UB_ERROR, UB_ERROR_NOT_SUPPORTED,
               /* TRANSLATORS: %s is a technical name of data the phone asked for */
               _("The iPhone asked for data Unbrick cannot provide yet (“%s”). The restore was stopped."),
               type);
  return UB_RESTORED_FAILED;
}

static void
log_text (plist_t     message,
          const char *what,
          const char *key)
{
  plist_t node = plist_dict_get_item (message, key);
  g_autofree char *text = ub_plist_dup_string (node);

  if (text == NULL && node != NULL && plist_get_node_type (node) == PLIST_ARRAY)
    text = g_strdup_printf ("(%u lines)", plist_array_get_size (node));
  g_debug ("restored %s: %s", what, text ? text : "(none)");
}

static UbRestoredVerdict
on_baseband_status (plist_t   message,
                    GError  **error)
{
  plist_t accepted = plist_dict_get_item (message, "Accepted");
  uint8_t ok = 0;

  if (accepted != NULL && plist_get_node_type (accepted) == PLIST_BOOLEAN)
    plist_get_bool_val (accepted, &ok);
  g_debug ("restored modem update %s", ok ? "accepted" : "refused");
  if (ok)
    return UB_RESTORED_CONTINUE;
  g_set_error_literal (error, UB_ERROR, UB_ERROR_FAILED, _("The modem update failed."));
  return UB_RESTORED_FAILED;
}

/**
 * ub_restored_dispatch:
 * @self: (nullable): the client, handed to the data request handler;
 *   %NULL only in tests
 * @protocol_version: restored's RestoreProtocolVersion
 * @message: a message from restored
 * @reply: (out) (transfer full): set to a message to send back, if any
 *
 * Handles one message. Never blocks (data request handlers aside).
 *
 * Returns: what the loop does next; %UB_RESTORED_FAILED sets @error
 */
UbRestoredVerdict
ub_restored_dispatch (UbRestored          *self,
                      guint64              protocol_version,
                      plist_t              message,
                      UbRestoredHandlers  *handlers,
                      gpointer             user_data,
                      plist_t             *reply,
                      GError             **error)
{
  g_autofree char *type = NULL;

  g_return_val_if_fail (reply != NULL, UB_RESTORED_FAILED);

  *reply = NULL;
  if (message == NULL || plist_get_node_type (message) != PLIST_DICT)
    return UB_RESTORED_CONTINUE;
  type = ub_plist_dup_string (plist_dict_get_item (message, "MsgType"));
  if (type == NULL)
    {
      g_debug ("restored message without MsgType, ignored");
      return UB_RESTORED_CONTINUE;
    }
  if (g_str_equal (type, "ProgressMsg"))
    on_progress (protocol_version, message, handlers, user_data);
  else if (g_str_equal (type, "StatusMsg"))
    return on_status (message, reply, error);
  else if (g_str_equal (type, "CheckpointMsg"))
    return on_checkpoint (message, handlers, user_data, error);
  else if (g_str_equal (type, "DataRequestMsg") || g_str_equal (type, "AsyncDataRequestMsg"))
    return on_data_request (self, message, type[0] == 'A', handlers, user_data, error);
  else if (g_str_equal (type, "PreviousRestoreLogMsg"))
    log_text (message, "previous restore log", "PreviousRestoreLog");
  else if (g_str_equal (type, "RestoredCrash"))
    log_text (message, "crash", "RestoredBacktrace");
  else if (g_str_equal (type, "AsyncWait"))
    log_text (message, "waits for", "AsyncContextUUID");
  else if (g_str_equal (type, "RestoreAttestation"))
    {
      *reply = plist_new_dict ();
      plist_dict_set_item (*reply, "RestoreShouldAttest", plist_new_bool (FALSE));
    }
  else if (g_str_equal (type, "BBUpdateStatusMsg"))
    return on_baseband_status (message, error);
  else
    g_debug ("restored message \"%s\" logged only", type);
  return UB_RESTORED_CONTINUE;
}
