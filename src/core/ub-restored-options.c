/* ub-restored-options.c — what Unbrick tells restored in StartRestore, and
 * what restored's numbers mean
 *
 * The option set is the one current public restore tools send to every iOS
 * version from 12 to 26 (restore-mode.md §2), kept here as data:
 *  - SupportedDataTypes / SupportedMessageTypes: restored compares its own
 *    list with these at checkpoint is_host_compatible (0x655) and refuses
 *    the host (checkpoint result 10) when a type it requires is missing.
 *    Each name maps to a boolean exactly as the tools send it; the full
 *    tables are sent, not only the types Unbrick handles today.
 *  - SupportedAsyncDataTypes and the iOS 18 keys, constants, a random UUID,
 *    SystemPartitionPadding (the identity's, else the default table) and
 *    TZ0RequiredCapacity from the manifest's SEP entry when it has one.
 * Options for Mac variants, RecoveryOS and restores started from normal
 * mode are left out: Unbrick restores iPhones from DFU mode.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-restored"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ub-restored.h"

typedef struct
{
  const char *name;
  gboolean    value;
} Flag;

static const Flag data_types[] = {
  { "AuthInstallCACert", TRUE }, { "BasebandBootData", FALSE }, { "BasebandData", FALSE },
  { "BasebandStackData", FALSE }, { "BasebandUpdaterOutputData", FALSE },
  { "BootabilityBundle", FALSE }, { "BootabilityBundleV2", FALSE },
  { "BuildIdentityDict", FALSE }, { "BuildIdentityDictV2", FALSE },
  { "Cryptex1LocalPolicy", TRUE }, { "DataType", FALSE }, { "DeviceRestoreInfoPreflight", FALSE },
  { "DiagData", FALSE }, { "EANData", FALSE }, { "FDRMemoryCommit", FALSE },
  { "FDRTrustData", FALSE }, { "FUDData", FALSE }, { "FileData", FALSE }, { "FileDataDone", FALSE },
  { "FirmwareUpdaterData", FALSE }, { "FirmwareUpdaterDataV2", FALSE },
  { "FirmwareUpdaterDataV3", TRUE }, { "FirmwareUpdaterPreflight", TRUE },
  { "GrapeFWData", FALSE }, { "HPMFWData", FALSE }, { "HostSystemTime", TRUE },
  { "KernelCache", FALSE }, { "MessageUseStreamedImageFile", TRUE }, { "NORData", FALSE },
  { "NitrogenFWData", TRUE }, { "OpalFWData", FALSE }, { "OverlayRootDataCount", FALSE },
  { "OverlayRootDataForKey", TRUE }, { "OverlayRootDataForKeyIndex", TRUE },
  { "PeppyFWData", TRUE }, { "PersonalizedBootObjectV3", FALSE }, { "PersonalizedData", TRUE },
  { "ProvisioningData", FALSE }, { "RamdiskFWData", TRUE }, { "ReceiptManifest", TRUE },
  { "RecoveryOSASRImage", TRUE }, { "RecoveryOSAppleLogo", TRUE },
  { "RecoveryOSDeviceTree", TRUE }, { "RecoveryOSFileAssetImage", TRUE },
  { "RecoveryOSIBEC", TRUE }, { "RecoveryOSIBootFWFilesImages", TRUE },
  { "RecoveryOSImage", TRUE }, { "RecoveryOSKernelCache", TRUE },
  { "RecoveryOSLocalPolicy", TRUE }, { "RecoveryOSOverlayRootDataCount", FALSE },
  { "RecoveryOSRootTicketData", TRUE }, { "RecoveryOSStaticTrustCache", TRUE },
  { "RecoveryOSVersionData", TRUE }, { "RestoreLocalPolicy", TRUE }, { "RootData", FALSE },
  { "RootTicket", FALSE }, { "S3EOverride", FALSE }, { "SourceBootObjectV3", FALSE },
  { "SourceBootObjectV4", FALSE }, { "SsoServiceTicket", FALSE }, { "StockholmPostflight", FALSE },
  { "SystemImageCanonicalMetadata", FALSE }, { "SystemImageData", FALSE },
  { "SystemImageRootHash", FALSE }, { "URLAsset", TRUE }, { "USBCFWData", FALSE },
  { "USBCOverride", FALSE }, { "UpdateVolumeOverlayRootDataCount", TRUE },
};

static const Flag message_types[] = {
  { "AsyncDataRequestMsg", TRUE }, { "AsyncWait", TRUE }, { "BBUpdateStatusMsg", FALSE },
  { "CheckpointMsg", TRUE }, { "CrashLog", TRUE }, { "DataRequestMsg", FALSE },
  { "FDRSubmit", TRUE }, { "MsgType", FALSE }, { "PreviousRestoreLogMsg", FALSE },
  { "ProgressMsg", FALSE }, { "ProvisioningAck", FALSE }, { "ProvisioningInfo", FALSE },
  { "ProvisioningStatusMsg", FALSE }, { "ReceivedFinalStatusMsg", FALSE },
  { "RestoreAttestation", TRUE }, { "RestoredCrash", TRUE }, { "StatusMsg", FALSE },
};

static const Flag async_data_types[] = {
  { "BasebandData", FALSE }, { "RecoveryOSASRImage", FALSE },
  { "StreamedImageDecryptionKey", FALSE }, { "SystemImageData", FALSE }, { "URLAsset", TRUE },
};

static const Flag bool_options[] = {
  { "CreateFilesystemPartitions", TRUE }, { "DataImage", FALSE }, { "FlashNOR", TRUE },
  { "HostHasFixFor99053849", TRUE }, { "InstallDiags", FALSE },
  { "PersonalizedDuringPreflight", TRUE }, { "RootToInstall", FALSE }, { "SystemImage", TRUE },
  { "UpdateBaseband", TRUE }, { "WaitForDeviceConnectionToFinishStateMachine", FALSE },
};

static const struct { const char *name; const char *value; } string_options[] = {
  { "BootImageType", "User" }, { "DFUFileType", "RELEASE" }, { "FirmwareDirectory", "." },
  { "KernelCacheType", "Release" }, { "NORImageType", "production" },
  { "RestoreBundlePath", "/tmp/Per2.tmp" }, { "SystemImageFormat", "AEAWrappedDiskImage" },
  { "SystemImageType", "User" },
};

/* Size of the system partition's padding (MB) by storage size (GB) */
static const struct { const char *size; guint padding; } default_padding[] = {
  { "8", 80 }, { "16", 160 }, { "32", 320 }, { "64", 640 }, { "128", 1280 },
  { "256", 1280 }, { "512", 1280 }, { "768", 1280 }, { "1024", 1280 },
};

static plist_t
flags_dict (const Flag *flags,
            gsize       n)
{
  plist_t dict = plist_new_dict ();

  for (gsize i = 0; i < n; i++)
    plist_dict_set_item (dict, flags[i].name, plist_new_bool (flags[i].value));
  return dict;
}

static plist_t
dict_path (plist_t     node,
           const char *first,
           ...)
{
  va_list args;

  va_start (args, first);
  for (const char *key = first; key != NULL && node != NULL; key = va_arg (args, const char *))
    node = plist_get_node_type (node) == PLIST_DICT ? plist_dict_get_item (node, key) : NULL;
  va_end (args);
  return node;
}

static plist_t
partition_padding (plist_t identity)
{
  plist_t given = dict_path (identity, "Info", "SystemPartitionPadding", NULL);
  plist_t dict;

  if (given != NULL && plist_get_node_type (given) == PLIST_DICT)
    return plist_copy (given);
  dict = plist_new_dict ();
  for (gsize i = 0; i < G_N_ELEMENTS (default_padding); i++)
    plist_dict_set_item (dict, default_padding[i].size, plist_new_uint (default_padding[i].padding));
  return dict;
}

/**
 * ub_restored_build_options:
 * @identity: the build identity being restored
 *
 * Returns: (transfer full): the RestoreOptions dictionary of StartRestore
 */
plist_t
ub_restored_build_options (UbBuildIdentity *identity)
{
  plist_t plist = ub_build_identity_get_plist (identity);
  plist_t options = plist_new_dict ();
  plist_t tz0 = dict_path (plist, "Manifest", "SEP", "Info", "RequiredCapacity", NULL);
  g_autofree char *random = g_uuid_string_random ();
  g_autofree char *uuid = g_ascii_strup (random, -1);

  plist_dict_set_item (options, "AutoBootDelay", plist_new_uint (0));
  plist_dict_set_item (options, "SupportedDataTypes", flags_dict (data_types, G_N_ELEMENTS (data_types)));
  plist_dict_set_item (options, "SupportedMessageTypes",
                       flags_dict (message_types, G_N_ELEMENTS (message_types)));
  plist_dict_set_item (options, "SupportedAsyncDataTypes",
                       flags_dict (async_data_types, G_N_ELEMENTS (async_data_types)));
  for (gsize i = 0; i < G_N_ELEMENTS (bool_options); i++)
    plist_dict_set_item (options, bool_options[i].name, plist_new_bool (bool_options[i].value));
  for (gsize i = 0; i < G_N_ELEMENTS (string_options); i++)
    plist_dict_set_item (options, string_options[i].name, plist_new_string (string_options[i].value));
  plist_dict_set_item (options, "UUID", plist_new_string (uuid));
  plist_dict_set_item (options, "SystemPartitionPadding", partition_padding (plist));
  if (tz0 != NULL && plist_get_node_type (tz0) == PLIST_STRING)
    plist_dict_set_item (options, "TZ0RequiredCapacity", plist_copy (tz0));
  g_debug ("StartRestore options: %u keys, UUID %s, TZ0RequiredCapacity %s",
           plist_dict_get_size (options), uuid, tz0 ? "from the SEP entry" : "absent");
  return options;
}
