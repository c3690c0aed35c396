/* ub-vphone-restored-plan.c — the steps of the virtual restored's restore
 *
 * What a real phone asks for, in the order real logs show (research
 * restore-mode.md §3, §4 "Typical iPhone order", §5), as a queue of steps
 * the script runs one by one:
 *  - plan a (A10/A11, iOS 15-like): RootTicket → NORData → FDRTrustData →
 *    operations 11, 12 → SystemImageData (ASR on port 12345) → 13, 14 →
 *    KernelCache → DeviceTree → SystemImageRootHash →
 *    SystemImageCanonicalMetadata → PersonalizedData (list, then each) →
 *    BuildIdentityDict → 18 → BasebandData rounds 0 and 1 +
 *    BBUpdateStatusMsg (phones with a modem) → 19 → FUDData → final status;
 *  - plan b (A14 and later, iOS 26-like): the same with ASR on a DataPort,
 *    then an AsyncDataRequestMsg URLAsset (the image key) answered while
 *    operations 13–14, AsyncWait and checkpoints go on; EANData after
 *    PersonalizedData; FirmwareUpdaterPreflight, SourceBootObjectV4
 *    (Cryptex1,SystemOS) and FirmwareUpdaterData for every updater of the
 *    model after BuildIdentityDict; ReceiptManifest before the status.
 *  - a comma-separated list of those data types (or "none"): operations
 *    11–14, then only the steps named, for tests (done the way of the
 *    phone's generation: ASR on a DataPort and the key request for A14+).
 * Most requests carry a DataPort; FDRTrustData, DeviceTree, ReceiptManifest
 * and FirmwareUpdaterPreflight are answered on the main connection, and
 * plan a's SystemImageData on ASR's fixed port.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-vphone-restored"

#include "config.h"

#include <gio/gio.h>

#include "ub-vphone-restore-firmware.h"
#include "ub-vphone-restored-plan.h"

#define FIRST_PLAN_B_CHIP 0x8101

typedef void (*PartFunc) (GQueue *steps, UbVphoneIdentity *identity, const char *url, gboolean plan_b);

plist_t
ub_vphone_restored_msg_new (const char *type)
{
  plist_t message = plist_new_dict ();

  plist_dict_set_item (message, "MsgType", plist_new_string (type));
  return message;
}

/**
 * ub_vphone_restored_status_new:
 * @log: (nullable): the device log of a failed restore
 */
plist_t
ub_vphone_restored_status_new (guint64     status,
                               const char *log)
{
  plist_t message = ub_vphone_restored_msg_new ("StatusMsg");

  plist_dict_set_item (message, "Status", plist_new_uint (status));
  if (status != 0)
    {
      plist_dict_set_item (message, "AMRError", plist_new_uint (status));
      plist_dict_set_item (message, "Log", plist_new_string (log ? log : "virtual restored: failed"));
    }
  return message;
}

void
ub_vphone_restored_step_free (UbVphoneRestoredStep *step)
{
  if (step == NULL)
    return;
  g_clear_pointer (&step->message, plist_free);
  g_free (step->data_type);
  g_free (step);
}

static void
push (GQueue               *steps,
      UbVphoneStepKind      kind,
      plist_t               message)
{
  UbVphoneRestoredStep *step = g_new0 (UbVphoneRestoredStep, 1);

  step->kind = kind;
  step->message = message;
  g_queue_push_tail (steps, step);
}

/**
 * ub_vphone_restored_step_request:
 * @arguments: (transfer full) (nullable): the request's Arguments
 *
 * Returns: (transfer full): a DataRequestMsg (AsyncDataRequestMsg) step
 */
UbVphoneRestoredStep *
ub_vphone_restored_step_request (const char *data_type,
                                 plist_t     arguments,
                                 gboolean    dataport,
                                 gboolean    async)
{
  UbVphoneRestoredStep *step = g_new0 (UbVphoneRestoredStep, 1);

  step->kind = UB_VPHONE_STEP_REQUEST;
  step->message = ub_vphone_restored_msg_new (async ? "AsyncDataRequestMsg" : "DataRequestMsg");
  plist_dict_set_item (step->message, "DataType", plist_new_string (data_type));
  if (arguments != NULL)
    plist_dict_set_item (step->message, "Arguments", arguments);
  step->data_type = g_strdup (data_type);
  step->dataport = dataport;
  step->async = async;
  return step;
}

static void
request (GQueue     *steps,
         const char *data_type,
         plist_t     arguments,
         gboolean    dataport)
{
  g_queue_push_tail (steps, ub_vphone_restored_step_request (data_type, arguments, dataport, FALSE));
}

static void
progress (GQueue *steps,
          guint   operation,
          guint   percent)
{
  plist_t message = ub_vphone_restored_msg_new ("ProgressMsg");

  plist_dict_set_item (message, "Operation", plist_new_uint (operation));
  plist_dict_set_item (message, "Progress", plist_new_uint (percent));
  push (steps, UB_VPHONE_STEP_SEND, message);
}

/* An operation run 25, 50, 75, 100 % */
static void
operation (GQueue *steps,
           guint   op)
{
  for (guint percent = 25; percent <= 100; percent += 25)
    progress (steps, op, percent);
}

static void
checkpoint (GQueue     *steps,
            guint       id,
            const char *name)
{
  plist_t message = ub_vphone_restored_msg_new ("CheckpointMsg");

  plist_dict_set_item (message, "CHECKPOINT_ID", plist_new_uint (id));
  plist_dict_set_item (message, "CHECKPOINT_NAME", plist_new_string (name));
  plist_dict_set_item (message, "CHECKPOINT_RESULT", plist_new_uint (0));
  plist_dict_set_item (message, "CHECKPOINT_COMPLETE", plist_new_bool (TRUE));
  push (steps, UB_VPHONE_STEP_SEND, message);
}

static void
part_simple (GQueue           *steps,
             const char       *data_type,
             gboolean          dataport)
{
  request (steps, data_type, NULL, dataport);
}

static void
part_root_ticket (GQueue *steps, UbVphoneIdentity *identity, const char *url, gboolean plan_b)
{
  part_simple (steps, "RootTicket", TRUE);
}

static void
part_nor (GQueue *steps, UbVphoneIdentity *identity, const char *url, gboolean plan_b)
{
  progress (steps, 35, 0);
  part_simple (steps, "NORData", TRUE);
  checkpoint (steps, 0x1101, "load_sep_os");
}

static void
part_fdr_trust (GQueue *steps, UbVphoneIdentity *identity, const char *url, gboolean plan_b)
{
  part_simple (steps, "FDRTrustData", FALSE);
}

static void
url_asset (GQueue     *steps,
           const char *url,
           gboolean    async)
{
  plist_t arguments = plist_new_dict ();

  plist_dict_set_item (arguments, "RequestURL", plist_new_string (url));
  plist_dict_set_item (arguments, "RequestMethod", plist_new_string ("GET"));
  g_queue_push_tail (steps, ub_vphone_restored_step_request ("URLAsset", arguments, TRUE, async));
}

static void
part_system_image (GQueue *steps, UbVphoneIdentity *identity, const char *url, gboolean plan_b)
{
  plist_t wait;

  checkpoint (steps, 0x1103, "create_partition_map");
  part_simple (steps, "SystemImageData", plan_b);
  if (plan_b)
    {
      url_asset (steps, url, TRUE);
      wait = ub_vphone_restored_msg_new ("AsyncWait");
      plist_dict_set_item (wait, "AsyncContextUUID", plist_new_string ("6A0E3E5C-2B7D-4C7E-9F11-3D1C0A9B8E21"));
      push (steps, UB_VPHONE_STEP_SEND, wait);
    }
  operation (steps, 13);
  checkpoint (steps, 0x1200, "restore_image_done");
  operation (steps, 14);
  if (plan_b)
    push (steps, UB_VPHONE_STEP_JOIN, NULL);
}

static void
part_kernel (GQueue *steps, UbVphoneIdentity *identity, const char *url, gboolean plan_b)
{
  progress (steps, 27, 0);
  part_simple (steps, "KernelCache", TRUE);
}

static void
part_device_tree (GQueue *steps, UbVphoneIdentity *identity, const char *url, gboolean plan_b)
{
  progress (steps, 61, 0);
  part_simple (steps, "DeviceTree", FALSE);
}

static void
part_root_hash (GQueue *steps, UbVphoneIdentity *identity, const char *url, gboolean plan_b)
{
  part_simple (steps, "SystemImageRootHash", TRUE);
}

static void
part_metadata (GQueue *steps, UbVphoneIdentity *identity, const char *url, gboolean plan_b)
{
  part_simple (steps, "SystemImageCanonicalMetadata", TRUE);
}

static void
image_list (GQueue     *steps,
            const char *data_type,
            const char *image_type)
{
  plist_t arguments = plist_new_dict ();

  plist_dict_set_item (arguments, "ImageList", plist_new_bool (TRUE));
  plist_dict_set_item (arguments, "ImageType", plist_new_string (image_type));
  request (steps, data_type, arguments, TRUE);
}

static void
part_personalized (GQueue *steps, UbVphoneIdentity *identity, const char *url, gboolean plan_b)
{
  image_list (steps, "PersonalizedData", "IsiBootEANFirmware");
}

static void
part_ean (GQueue *steps, UbVphoneIdentity *identity, const char *url, gboolean plan_b)
{
  progress (steps, 74, 0);
  image_list (steps, "EANData", "IsEarlyAccessFirmware");
}

static void
part_fud (GQueue *steps, UbVphoneIdentity *identity, const char *url, gboolean plan_b)
{
  progress (steps, 36, 0);
  image_list (steps, "FUDData", "IsFUDFirmware");
}

static void
part_build_identity (GQueue *steps, UbVphoneIdentity *identity, const char *url, gboolean plan_b)
{
  request (steps, "BuildIdentityDict", NULL, TRUE);
}

static void
part_preflight (GQueue *steps, UbVphoneIdentity *identity, const char *url, gboolean plan_b)
{
  part_simple (steps, "FirmwareUpdaterPreflight", FALSE);
}

static void
part_boot_object (GQueue *steps, UbVphoneIdentity *identity, const char *url, gboolean plan_b)
{
  plist_t arguments = plist_new_dict ();

  plist_dict_set_item (arguments, "ImageName", plist_new_string ("Cryptex1,SystemOS"));
  request (steps, "SourceBootObjectV4", arguments, TRUE);
}

static void
part_updaters (GQueue *steps, UbVphoneIdentity *identity, const char *url, gboolean plan_b)
{
  const char * const *names = ub_vphone_updater_names (identity);

  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    request (steps, "FirmwareUpdaterData", ub_vphone_updater_arguments (identity, names[i]), TRUE);
}

static void
part_url_asset (GQueue *steps, UbVphoneIdentity *identity, const char *url, gboolean plan_b)
{
  url_asset (steps, url, FALSE);
}

static void
part_baseband (GQueue *steps, UbVphoneIdentity *identity, const char *url, gboolean plan_b)
{
  plist_t status;

  if (!ub_vphone_baseband_present (identity))
    return;
  progress (steps, 48, 0);
  request (steps, "BasebandData", ub_vphone_baseband_arguments (identity, 0), TRUE);
  request (steps, "BasebandData", ub_vphone_baseband_arguments (identity, 1), TRUE);
  status = ub_vphone_restored_msg_new ("BBUpdateStatusMsg");
  plist_dict_set_item (status, "Accepted", plist_new_bool (TRUE));
  push (steps, UB_VPHONE_STEP_SEND, status);
}

static void
part_receipt (GQueue *steps, UbVphoneIdentity *identity, const char *url, gboolean plan_b)
{
  part_simple (steps, "ReceiptManifest", FALSE);
}

static const struct
{
  const char *name;
  PartFunc    func;
} parts[] = {
  { "RootTicket", part_root_ticket },
  { "NORData", part_nor },
  { "FDRTrustData", part_fdr_trust },
  { "SystemImageData", part_system_image },
  { "KernelCache", part_kernel },
  { "DeviceTree", part_device_tree },
  { "SystemImageRootHash", part_root_hash },
  { "SystemImageCanonicalMetadata", part_metadata },
  { "PersonalizedData", part_personalized },
  { "EANData", part_ean },
  { "BuildIdentityDict", part_build_identity },
  { "FirmwareUpdaterPreflight", part_preflight },
  { "SourceBootObjectV4", part_boot_object },
  { "FirmwareUpdaterData", part_updaters },
  { "URLAsset", part_url_asset },
  { "BasebandData", part_baseband },
  { "FUDData", part_fud },
  { "ReceiptManifest", part_receipt },
};

static PartFunc
find_part (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    if (g_str_equal (parts[i].name, name))
      return parts[i].func;
  return NULL;
}

/**
 * ub_vphone_restored_plan_check:
 * @plan: "a", "b", "none" or a comma-separated list of data types
 */
gboolean
ub_vphone_restored_plan_check (const char  *plan,
                               GError     **error)
{
  g_auto(GStrv) names = NULL;

  if (g_str_equal (plan, "a") || g_str_equal (plan, "b") || g_str_equal (plan, "none"))
    return TRUE;
  names = g_strsplit (plan, ",", -1);
  for (guint i = 0; names[i] != NULL; i++)
    if (find_part (names[i]) == NULL)
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                     "restore-plan takes a, b, none or data types separated by commas, not \"%s\"",
                     names[i]);
        return FALSE;
      }
  return TRUE;
}

static const char * const plan_a[] = {
  "RootTicket", "NORData", "FDRTrustData", "SystemImageData", "KernelCache", "DeviceTree",
  "SystemImageRootHash", "SystemImageCanonicalMetadata", "PersonalizedData", "BuildIdentityDict",
  "BasebandData", "FUDData", NULL
};

static const char * const plan_b[] = {
  "RootTicket", "NORData", "FDRTrustData", "SystemImageData", "KernelCache", "DeviceTree",
  "SystemImageRootHash", "SystemImageCanonicalMetadata", "PersonalizedData", "EANData",
  "BuildIdentityDict", "FirmwareUpdaterPreflight", "SourceBootObjectV4", "FirmwareUpdaterData",
  "BasebandData", "FUDData", "ReceiptManifest", NULL
};

static void
build_full (GQueue             *steps,
            UbVphoneIdentity   *identity,
            const char * const *names,
            const char         *url,
            gboolean            is_b)
{
  for (guint i = 0; names[i] != NULL; i++)
    {
      if (g_str_equal (names[i], "SystemImageData"))
        {
          operation (steps, 11);
          operation (steps, 12);
          checkpoint (steps, 0x1104, "create_filesystem_done");
        }
      else if (g_str_equal (names[i], "BasebandData"))
        operation (steps, 18);
      else if (g_str_equal (names[i], "FUDData"))
        operation (steps, 19);
      find_part (names[i]) (steps, identity, url, is_b);
    }
}

/**
 * ub_vphone_restored_plan_build:
 * @plan: (nullable): a setting restore-plan takes; %NULL: by the phone's chip
 * @url: the RequestURL of the URLAsset requests
 *
 * Appends the steps of the restore to @steps, without the final status.
 */
void
ub_vphone_restored_plan_build (GQueue           *steps,
                               UbVphoneIdentity *identity,
                               const char       *plan,
                               const char       *url)
{
  g_auto(GStrv) names = NULL;

  if (plan == NULL)
    plan = ub_vphone_identity_get_cpid (identity) >= FIRST_PLAN_B_CHIP ? "b" : "a";
  g_debug ("restore plan %s", plan);
  if (g_str_equal (plan, "a") || g_str_equal (plan, "b"))
    {
      build_full (steps, identity, g_str_equal (plan, "a") ? plan_a : plan_b, url, g_str_equal (plan, "b"));
      return;
    }
  operation (steps, 11);
  operation (steps, 12);
  checkpoint (steps, 0x1104, "create_filesystem_done");
  operation (steps, 13);
  operation (steps, 14);
  if (g_str_equal (plan, "none"))
    return;
  names = g_strsplit (plan, ",", -1);
  for (guint i = 0; names[i] != NULL; i++)
    if (find_part (names[i]) != NULL)
      find_part (names[i]) (steps, identity, url, ub_vphone_identity_get_cpid (identity) >= FIRST_PLAN_B_CHIP);
}
