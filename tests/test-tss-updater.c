/* test-tss-updater.c — the co-processor signing requests, built from the
 * real iPhone 12 / iOS 26.2.1 (23C71) d53gap erase identity and compared
 * key by key with requests written here from restore-mode.md §6: keys per
 * updater, Savage patch by revision, Yonkers patch by EPRO and fab
 * revision, Rose's RestoreRequestRules, pass-through updaters.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ub-build-manifest.h"
#include "ub-error.h"
#include "ub-tss-request.h"
#include "ub-tss-updater.h"

#define ECID 0x1A2B3C4D5E6FULL

static UbBuildIdentity *
load_identity (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "manifests",
                                                 "iPhone13,2-iPhone13,3_23C71.plist", NULL);
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr(GError) error = NULL;
  g_autoptr(UbBuildManifest) manifest = NULL;

  g_assert_true (g_file_get_contents (path, &data, &len, &error));
  manifest = ub_build_manifest_new_from_data ((const guint8 *) data, len, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < ub_build_manifest_get_n_identities (manifest); i++)
    {
      UbBuildIdentity *identity = ub_build_manifest_get_identity (manifest, i);

      if (g_str_equal (ub_build_identity_get_device_class (identity), "d53gap") &&
          g_strcmp0 (ub_build_identity_get_variant (identity), UB_BUILD_IDENTITY_VARIANT_ERASE) == 0)
        return g_object_ref (identity);
    }
  g_assert_not_reached ();
}

static plist_t
bytes_node (const char *seed, gsize size)
{
  guint8 *buf = g_malloc (size);
  plist_t node;

  for (gsize i = 0; i < size; i++)
    buf[i] = (guint8) (seed[i % strlen (seed)] + i);
  node = plist_new_data ((const char *) buf, size);
  g_free (buf);
  return node;
}

/* A Manifest entry's Digest from the fixture, as {Digest: …} */
static plist_t
digest_entry (UbBuildIdentity *identity, const char *component)
{
  plist_t digest = plist_access_path (ub_build_identity_get_plist (identity), 3, "Manifest", component, "Digest");
  plist_t dict = plist_new_dict ();

  g_assert_nonnull (digest);
  plist_dict_set_item (dict, "Digest", plist_copy (digest));
  return dict;
}

static plist_t
base_request (void)
{
  plist_t request = plist_new_dict ();

  plist_dict_set_item (request, "@HostPlatformInfo", plist_new_string ("mac"));
  plist_dict_set_item (request, "@VersionInfo", plist_new_string (UB_TSS_VERSION_INFO));
  plist_dict_set_item (request, "@BBTicket", plist_new_bool (1));
  return request;
}

static plist_t
arguments_new (const char *name, plist_t info, plist_t dgr, const char *ticket, gboolean firmware)
{
  plist_t arguments = plist_new_dict ();
  plist_t tags = plist_new_dict ();
  plist_t response = plist_new_array ();

  plist_dict_set_item (arguments, "MessageArgType", plist_new_string ("FirmwareResponseData"));
  plist_dict_set_item (arguments, "MessageArgUpdaterName", plist_new_string (name));
  plist_dict_set_item (arguments, "MessageArgInfo", info ? info : plist_new_dict ());
  if (dgr != NULL)
    plist_dict_set_item (arguments, "DeviceGeneratedRequest", dgr);
  if (ticket != NULL)
    plist_array_append_item (response, plist_new_string (ticket));
  if (firmware)
    plist_array_append_item (response, plist_new_string ("FirmwareData"));
  plist_dict_set_item (tags, "ResponseTags", response);
  plist_dict_set_item (tags, "BuildIdentityTags", plist_new_array ());
  plist_dict_set_item (arguments, "DeviceGeneratedTags", tags);
  return arguments;
}

static char *
plist_diff (plist_t a, plist_t b, const char *path)
{
  plist_type type = plist_get_node_type (a);
  g_autofree char *xa = NULL, *xb = NULL;
  uint32_t la = 0, lb = 0;

  if (type != plist_get_node_type (b))
    return g_strdup_printf ("%s: type %d vs %d", path, type, plist_get_node_type (b));
  if (type == PLIST_DICT)
    {
      plist_dict_iter iter = NULL;
      char *diff = NULL;

      if (plist_dict_get_size (a) != plist_dict_get_size (b))
        return g_strdup_printf ("%s: %u vs %u keys", path, plist_dict_get_size (a), plist_dict_get_size (b));
      plist_dict_new_iter (a, &iter);
      while (diff == NULL)
        {
          char *key = NULL;
          plist_t value = NULL, other;
          g_autofree char *sub = NULL;

          plist_dict_next_item (a, iter, &key, &value);
          if (key == NULL)
            break;
          sub = g_strconcat (path, "/", key, NULL);
          other = plist_dict_get_item (b, key);
          diff = other ? plist_diff (value, other, sub) : g_strdup_printf ("%s: missing", sub);
          free (key);
        }
      free (iter);
      return diff;
    }
  plist_to_xml (a, &xa, &la);
  plist_to_xml (b, &xb, &lb);
  return g_strcmp0 (xa, xb) == 0 ? NULL : g_strdup_printf ("%s: values differ", path);
}

/* Builds the request for @arguments and compares it with @expected
 * (which has no @UUID: checked separately) */
static void
check_request (UbBuildIdentity *identity, plist_t arguments, plist_t expected,
               const char *ticket, const char *component, gboolean firmware)
{
  g_auto(UbTssUpdaterPlan) plan = { 0 };
  g_autoptr(GError) error = NULL;
  plist_t request = ub_tss_updater_request_new (identity, arguments, &plan, &error);
  plist_t uuid;
  g_autofree char *diff = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (request);
  uuid = plist_dict_get_item (request, "@UUID");
  g_assert_nonnull (uuid);
  g_assert_cmpuint (strlen (plist_get_string_ptr (uuid, NULL)), ==, 36);
  plist_dict_remove_item (request, "@UUID");
  diff = plist_diff (expected, request, "");
  if (diff == NULL)
    diff = plist_diff (request, expected, "");
  g_assert_cmpstr (diff, ==, NULL);
  g_assert_cmpstr (plan.ticket_key, ==, ticket);
  g_assert_cmpstr (plan.component, ==, component);
  g_assert_true (plan.wants_firmware == firmware);
  plist_free (request), plist_free (expected), plist_free (arguments);
}

static void
se_values (plist_t dict)
{
  plist_dict_set_item (dict, "SE,ChipID", plist_new_uint (0xD2));
  plist_dict_set_item (dict, "SE,ID", bytes_node ("id", 8));
  plist_dict_set_item (dict, "SE,Nonce", bytes_node ("nonce", 32));
  plist_dict_set_item (dict, "SE,RootKeyIdentifier", bytes_node ("root", 32));
}

static void
test_se (void)
{
  g_autoptr(UbBuildIdentity) identity = load_identity ();
  plist_t info = plist_new_dict ();
  plist_t expected = base_request ();
  plist_t payload = plist_new_dict ();

  se_values (info);
  plist_dict_set_item (info, "SE,IsDev", plist_new_bool (0));
  se_values (expected);
  plist_dict_set_item (expected, "SE,RapRTKitOS", digest_entry (identity, "SE,RapRTKitOS"));
  plist_dict_set_item (expected, "SE,RapSwBinDsp", digest_entry (identity, "SE,RapSwBinDsp"));
  /* production chip: the Development hash is left out */
  plist_dict_set_item (payload, "ProductionUpdatePayloadHash",
                       plist_copy (plist_access_path (ub_build_identity_get_plist (identity), 3, "Manifest",
                                                      "SE,UpdatePayload", "ProductionUpdatePayloadHash")));
  plist_dict_set_item (expected, "SE,UpdatePayload", payload);
  plist_dict_set_item (expected, "@SE,Ticket", plist_new_bool (1));
  check_request (identity, arguments_new ("SE", info, NULL, "SE,Ticket", TRUE), expected,
                 "SE,Ticket", "SE,UpdatePayload", TRUE);
}

/* A development SE that asks for @SE2,Ticket in its own request */
static void
test_se_dev (void)
{
  g_autoptr(UbBuildIdentity) identity = load_identity ();
  g_auto(UbTssUpdaterPlan) plan = { 0 };
  g_autoptr(GError) error = NULL;
  plist_t info = plist_new_dict ();
  plist_t dgr = plist_new_dict ();
  plist_t arguments, request, payload;

  se_values (info);
  plist_dict_set_item (info, "SE,IsDev", plist_new_bool (1));
  plist_dict_set_item (dgr, "@SE2,Ticket", plist_new_bool (1));
  arguments = arguments_new ("SE", info, dgr, NULL, FALSE);
  request = ub_tss_updater_request_new (identity, arguments, &plan, &error);
  g_assert_no_error (error);
  payload = plist_dict_get_item (request, "SE,UpdatePayload");
  g_assert_nonnull (plist_dict_get_item (payload, "DevelopmentUpdatePayloadHash"));
  g_assert_null (plist_dict_get_item (payload, "ProductionUpdatePayloadHash"));
  g_assert_null (plist_dict_get_item (request, "@SE,Ticket"));
  g_assert_cmpstr (plan.ticket_key, ==, "SE2,Ticket");
  g_assert_false (plan.wants_firmware);
  plist_free (request);
  plist_free (arguments);
}

static plist_t
savage_info (guint8 revision, gboolean production)
{
  plist_t info = plist_new_dict ();

  plist_dict_set_item (info, "Savage,UID", bytes_node ("uid", 16));
  plist_dict_set_item (info, "Savage,PatchEpoch", plist_new_uint (0));
  plist_dict_set_item (info, "Savage,ChipID", plist_new_uint (1));
  plist_dict_set_item (info, "Savage,AllowOfflineBoot", plist_new_bool (0));
  plist_dict_set_item (info, "Savage,ReadFWKey", plist_new_bool (1));
  plist_dict_set_item (info, "Savage,ProductionMode", plist_new_bool (production));
  plist_dict_set_item (info, "Savage,Nonce", bytes_node ("snonce", 32));
  plist_dict_set_item (info, "Savage,ReadECKey", plist_new_bool (1));
  plist_dict_set_item (info, "Savage,Revision", plist_new_data ((const char *) &revision, 1));
  return info;
}

static void
test_savage (void)
{
  g_autoptr(UbBuildIdentity) identity = load_identity ();
  plist_t expected = base_request ();

  plist_dict_set_item (expected, "@Savage,Ticket", plist_new_bool (1));
  plist_dict_set_item (expected, "SEP", digest_entry (identity, "SEP"));
  plist_dict_set_item (expected, "Savage,UID", bytes_node ("uid", 16));
  plist_dict_set_item (expected, "Savage,PatchEpoch", plist_new_uint (0));
  plist_dict_set_item (expected, "Savage,ChipID", plist_new_uint (1));
  plist_dict_set_item (expected, "Savage,AllowOfflineBoot", plist_new_bool (0));
  plist_dict_set_item (expected, "Savage,ReadFWKey", plist_new_bool (1));
  plist_dict_set_item (expected, "Savage,ProductionMode", plist_new_bool (1));
  plist_dict_set_item (expected, "Savage,B2-Prod-Patch", digest_entry (identity, "Savage,B2-Prod-Patch"));
  plist_dict_set_item (expected, "Savage,Nonce", bytes_node ("snonce", 32));
  plist_dict_set_item (expected, "Savage,ReadECKey", plist_new_bool (1));
  check_request (identity, arguments_new ("Savage", savage_info (0x30, TRUE), NULL, "Savage,Ticket", TRUE),
                 expected, "Savage,Ticket", "Savage,B2-Prod-Patch", TRUE);
}

/* The patch follows the first byte of Savage,Revision */
static void
test_savage_patch (void)
{
  static const struct { guint8 revision; gboolean production; const char *patch; } cases[] = {
    { 0x30, TRUE, "Savage,B2-Prod-Patch" }, { 0x21, FALSE, "Savage,B2-Dev-Patch" },
    { 0xA0, TRUE, "Savage,BA-Prod-Patch" }, { 0xA7, FALSE, "Savage,BA-Dev-Patch" },
    { 0x10, TRUE, "Savage,B0-Prod-Patch" }, { 0x00, FALSE, "Savage,B0-Dev-Patch" },
    { 0xB0, TRUE, "Savage,B0-Prod-Patch" },
  };
  g_autoptr(UbBuildIdentity) identity = load_identity ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(UbTssUpdaterPlan) plan = { 0 };
      g_autoptr(GError) error = NULL;
      plist_t arguments = arguments_new ("Savage", savage_info (cases[i].revision, cases[i].production),
                                         NULL, "Savage,Ticket", TRUE);
      plist_t request = ub_tss_updater_request_new (identity, arguments, &plan, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (plan.component, ==, cases[i].patch);
      /* the entry without its Info: the Digest alone */
      g_assert_cmpuint (plist_dict_get_size (plist_dict_get_item (request, cases[i].patch)), ==, 1);
      plist_free (request);
      plist_free (arguments);
    }
}

static plist_t
yonkers_info (gboolean production, guint64 fab)
{
  plist_t device = plist_new_dict ();
  plist_t info = plist_new_dict ();

  plist_dict_set_item (device, "Yonkers,AllowOfflineBoot", plist_new_bool (0));
  plist_dict_set_item (device, "Yonkers,BoardID", plist_new_uint (0));
  plist_dict_set_item (device, "Yonkers,ChipID", plist_new_uint (0x414));
  plist_dict_set_item (device, "Yonkers,ECID", plist_new_uint (ECID));
  plist_dict_set_item (device, "Yonkers,Nonce", bytes_node ("ynonce", 32));
  plist_dict_set_item (device, "Yonkers,PatchEpoch", plist_new_uint (0));
  plist_dict_set_item (device, "Yonkers,ProductionMode", plist_new_bool (production));
  plist_dict_set_item (device, "Yonkers,ReadECKey", plist_new_bool (1));
  plist_dict_set_item (device, "Yonkers,ReadFWKey", plist_new_bool (1));
  plist_dict_set_item (device, "Yonkers,FabRevision", plist_new_uint (fab));
  plist_dict_set_item (info, "YonkersDeviceInfo", device);
  return info;
}

static void
test_yonkers (void)
{
  g_autoptr(UbBuildIdentity) identity = load_identity ();
  plist_t expected = base_request ();
  plist_t patch = digest_entry (identity, "Yonkers,SysTopPatch3");
  plist_t info = yonkers_info (TRUE, 0x2A01);

  plist_dict_set_item (patch, "EPRO", plist_new_bool (1));
  plist_dict_set_item (patch, "FabRevision", plist_new_uint (0x2A01));
  plist_dict_set_item (expected, "@Yonkers,Ticket", plist_new_bool (1));
  plist_dict_set_item (expected, "SEP", digest_entry (identity, "SEP"));
  /* the chip's values, all but its fab revision */
  plist_dict_merge (&expected, plist_dict_get_item (info, "YonkersDeviceInfo"));
  plist_dict_remove_item (expected, "Yonkers,FabRevision");
  plist_dict_set_item (expected, "Yonkers,SysTopPatch3", patch);
  check_request (identity, arguments_new ("Savage", info, NULL, "Yonkers,Ticket", TRUE),
                 expected, "Yonkers,Ticket", "Yonkers,SysTopPatch3", TRUE);
}

/* The first entry whose EPRO and FabRevision match; none: wrong firmware */
static void
test_yonkers_choice (void)
{
  static const struct { gboolean production; guint64 fab; const char *patch; } cases[] = {
    { FALSE, 6657, "Yonkers,SysTopPatch0" }, { TRUE, 6657, "Yonkers,SysTopPatch1" },
    { FALSE, 10753, "Yonkers,SysTopPatch2" }, { TRUE, 8705, "Yonkers,SysTopPatch5" },
    { TRUE, 59905, "Yonkers,SysTopPatch9" }, { FALSE, 61953, "Yonkers,SysTopPatchA" },
    { TRUE, 0x1234, NULL },
  };
  g_autoptr(UbBuildIdentity) identity = load_identity ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(UbTssUpdaterPlan) plan = { 0 };
      g_autoptr(GError) error = NULL;
      plist_t arguments = arguments_new ("Savage", yonkers_info (cases[i].production, cases[i].fab),
                                         NULL, "Yonkers,Ticket", TRUE);
      plist_t request = ub_tss_updater_request_new (identity, arguments, &plan, &error);

      g_assert_true (plan.kind == UB_TSS_UPDATER_YONKERS);
      if (cases[i].patch == NULL)
        {
          g_assert_error (error, UB_ERROR, UB_ERROR_WRONG_FIRMWARE);
          g_assert_null (request);
        }
      else
        {
          g_assert_no_error (error);
          g_assert_cmpstr (plan.component, ==, cases[i].patch);
          g_assert_nonnull (plist_dict_get_item (request, cases[i].patch));
        }
      plist_free (request);
      plist_free (arguments);
    }
}

static plist_t
rose_entry (UbBuildIdentity *identity, const char *name)
{
  plist_t entry = digest_entry (identity, name);

  plist_dict_set_item (entry, "Trusted", plist_new_bool (1));
  /* rules for a production, secure, img4 phone; the demotion rule never */
  plist_dict_set_item (entry, "EPRO", plist_new_bool (1));
  plist_dict_set_item (entry, "ESEC", plist_new_bool (1));
  return entry;
}

static void
test_rose (void)
{
  g_autoptr(UbBuildIdentity) identity = load_identity ();
  plist_t info = plist_new_dict ();
  plist_t expected = base_request ();

  plist_dict_set_item (info, "Rap,BoardID", plist_new_uint (264));
  plist_dict_set_item (info, "Rap,ChipID", plist_new_uint (8198));
  plist_dict_set_item (info, "Rap,ECID", plist_new_uint (ECID));
  plist_dict_set_item (info, "Rap,Nonce", bytes_node ("rnonce", 32));
  plist_dict_set_item (info, "Rap,ProductionMode", plist_new_bool (1));
  plist_dict_set_item (info, "Rap,SecurityDomain", plist_new_uint (1));
  plist_dict_set_item (info, "Rap,SecurityMode", plist_new_bool (1));
  plist_dict_set_item (info, "Rap,FdrRootCaDigest", bytes_node ("fdr", 48));
  /* every value the phone sent, as it sent it */
  plist_dict_merge (&expected, info);
  plist_dict_set_item (expected, "@Rap,Ticket", plist_new_bool (1));
  plist_dict_set_item (expected, "Rap,RTKitOS", rose_entry (identity, "Rap,RTKitOS"));
  plist_dict_set_item (expected, "Rap,SoftwareBinaryDsp1", rose_entry (identity, "Rap,SoftwareBinaryDsp1"));
  check_request (identity, arguments_new ("Rose", info, NULL, "Rap,Ticket", TRUE), expected,
                 "Rap,Ticket", "Rap,RTKitOS", TRUE);
}

/* With a DeviceGeneratedRequest, MessageArgInfo is not used and the
 * identity's board, chip and domain win over the phone's */
static void
test_rose_dgr (void)
{
  g_autoptr(UbBuildIdentity) identity = load_identity ();
  plist_t info = plist_new_dict ();
  plist_t dgr = plist_new_dict ();
  plist_t expected = base_request ();

  plist_dict_set_item (info, "Rap,FdrRootCaDigest", bytes_node ("ignored", 48));
  plist_dict_set_item (dgr, "Rap,BoardID", plist_new_uint (999));
  plist_dict_set_item (dgr, "Rap,ECID", plist_new_uint (ECID));
  plist_dict_set_item (dgr, "Rap,Nonce", bytes_node ("rnonce", 32));
  plist_dict_set_item (expected, "@Rap,Ticket", plist_new_bool (1));
  plist_dict_set_item (expected, "Rap,BoardID", plist_new_uint (264));
  plist_dict_set_item (expected, "Rap,ChipID", plist_new_uint (8198));
  plist_dict_set_item (expected, "Rap,SecurityDomain", plist_new_uint (1));
  plist_dict_set_item (expected, "Rap,ECID", plist_new_uint (ECID));
  plist_dict_set_item (expected, "Rap,Nonce", bytes_node ("rnonce", 32));
  plist_dict_set_item (expected, "Rap,RTKitOS", rose_entry (identity, "Rap,RTKitOS"));
  plist_dict_set_item (expected, "Rap,SoftwareBinaryDsp1", rose_entry (identity, "Rap,SoftwareBinaryDsp1"));
  check_request (identity, arguments_new ("Rose", info, dgr, "Rap,Ticket", FALSE), expected,
                 "Rap,Ticket", "Rap,RTKitOS", FALSE);
}

static void
test_veridian (void)
{
  g_autoptr(UbBuildIdentity) identity = load_identity ();
  plist_t info = plist_new_dict ();
  plist_t expected = base_request ();

  plist_dict_set_item (info, "ChipID", plist_new_uint (57601));
  plist_dict_set_item (info, "Nonce", bytes_node ("bnonce", 32));
  plist_dict_set_item (info, "ProductionMode", plist_new_bool (1));
  plist_dict_set_item (info, "UniqueID", plist_new_uint (0x12345678));
  plist_dict_set_item (expected, "@BMU,Ticket", plist_new_bool (1));
  plist_dict_set_item (expected, "BMU,BoardID", plist_new_uint (5715));
  plist_dict_set_item (expected, "BMU,ChipID", plist_new_uint (57601));
  plist_dict_set_item (expected, "BMU,Nonce", bytes_node ("bnonce", 32));
  plist_dict_set_item (expected, "BMU,ProductionMode", plist_new_bool (1));
  plist_dict_set_item (expected, "BMU,UniqueID", plist_new_uint (0x12345678));
  plist_dict_set_item (expected, "BMU,DigestMap", digest_entry (identity, "BMU,DigestMap"));
  plist_dict_set_item (expected, "BMU,FirmwareMap", digest_entry (identity, "BMU,FirmwareMap"));
  check_request (identity, arguments_new ("T200", info, NULL, "BMU,Ticket", TRUE), expected,
                 "BMU,Ticket", "BMU,FirmwareMap", TRUE);
}

static void
test_cryptex1 (void)
{
  static const char * const tags[] = {
    "Cryptex1,ChipID", "Cryptex1,NonceDomain", "Cryptex1,PreauthorizationVersion", "Cryptex1,ProductClass",
    "Cryptex1,SubType", "Cryptex1,Type", "Cryptex1,Version", "ApBoardID", "ApChipID", "UniqueBuildID",
  };
  g_autoptr(UbBuildIdentity) identity = load_identity ();
  plist_t dict = ub_build_identity_get_plist (identity);
  plist_t dgr = plist_new_dict ();
  plist_t expected = plist_new_dict ();
  plist_t arguments, list = plist_new_array ();

  plist_dict_set_item (dgr, "ApECID", plist_new_uint (ECID));
  plist_dict_set_item (dgr, "ApSecurityDomain", plist_new_uint (1));
  plist_dict_set_item (dgr, "Cryptex1,Nonce", bytes_node ("cnonce", 32));
  arguments = arguments_new ("Cryptex1", NULL, dgr, "Cryptex1,Ticket", FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (tags); i++)
    plist_array_append_item (list, plist_new_string (tags[i]));
  plist_dict_set_item (plist_dict_get_item (arguments, "DeviceGeneratedTags"), "BuildIdentityTags", list);
  plist_dict_set_item (expected, "@HostPlatformInfo", plist_new_string ("mac"));
  plist_dict_set_item (expected, "@VersionInfo", plist_new_string (UB_TSS_VERSION_INFO));
  plist_dict_set_item (expected, "ApECID", plist_new_uint (ECID));
  plist_dict_set_item (expected, "UniqueBuildID", plist_copy (plist_dict_get_item (dict, "UniqueBuildID")));
  plist_dict_set_item (expected, "ApChipID", plist_new_uint (0x8101));
  plist_dict_set_item (expected, "ApBoardID", plist_new_uint (0x0C));
  plist_dict_set_item (expected, "ApSecurityDomain", plist_new_uint (1));
  plist_dict_set_item (expected, "@Cryptex1,Ticket", plist_new_bool (1));
  plist_dict_set_item (expected, "ApSecurityMode", plist_new_bool (1));
  plist_dict_set_item (expected, "ApProductionMode", plist_new_bool (1));
  for (guint i = 0; i < 7; i++)
    plist_dict_set_item (expected, tags[i], plist_copy (plist_dict_get_item (dict, tags[i])));
  plist_dict_set_item (expected, "Cryptex1,Nonce", bytes_node ("cnonce", 32));
  check_request (identity, arguments, expected, "Cryptex1,Ticket", NULL, FALSE);
}

/* Vinyl and unknown names: the phone's request as it is */
static void
test_pass_through (void)
{
  static const char * const names[] = { "Vinyl", "Ace3", "Centauri", "PS190", "FutureChip" };
  g_autoptr(UbBuildIdentity) identity = load_identity ();

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      plist_t dgr = plist_new_dict ();
      plist_t expected = plist_new_dict ();

      plist_dict_set_item (dgr, "@BBTicket", plist_new_bool (1));
      plist_dict_set_item (dgr, "@eUICC,Ticket", plist_new_bool (1));
      plist_dict_set_item (dgr, "eUICC,ChipID", plist_new_uint (6));
      plist_dict_set_item (dgr, "eUICC,EID", bytes_node ("eid", 16));
      plist_dict_set_item (expected, "@HostPlatformInfo", plist_new_string ("mac"));
      plist_dict_set_item (expected, "@VersionInfo", plist_new_string (UB_TSS_VERSION_INFO));
      plist_dict_set_item (expected, "@BBTicket", plist_new_bool (1));
      plist_dict_set_item (expected, "@eUICC,Ticket", plist_new_bool (1));
      plist_dict_set_item (expected, "eUICC,ChipID", plist_new_uint (6));
      plist_dict_set_item (expected, "eUICC,EID", bytes_node ("eid", 16));
      check_request (identity, arguments_new (names[i], NULL, dgr, "eUICC,Ticket", FALSE), expected,
                     "eUICC,Ticket", NULL, FALSE);
    }
}

static void
expect_refused (UbBuildIdentity *identity, plist_t arguments, gint code)
{
  g_auto(UbTssUpdaterPlan) plan = { 0 };
  g_autoptr(GError) error = NULL;
  plist_t request = ub_tss_updater_request_new (identity, arguments, &plan, &error);

  g_assert_null (request);
  g_assert_error (error, UB_ERROR, code);
  plist_free (arguments);
}

/* Malformed Arguments are refused with a message naming the part */
static void
test_refused (void)
{
  g_autoptr(UbBuildIdentity) identity = load_identity ();
  plist_t arguments, info = savage_info (0x30, TRUE);
  g_auto(UbTssUpdaterPlan) plan = { 0 };
  g_autoptr(GError) error = NULL;

  plist_dict_remove_item (info, "Savage,Nonce");
  arguments = arguments_new ("Savage", info, NULL, "Savage,Ticket", TRUE);
  g_assert_null (ub_tss_updater_request_new (identity, arguments, &plan, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "Face ID"));
  plist_free (arguments);
  arguments = arguments_new ("SE", NULL, NULL, "SE,Ticket", TRUE);
  plist_dict_set_item (arguments, "MessageArgType", plist_new_string ("Other"));
  expect_refused (identity, arguments, UB_ERROR_PROTOCOL);
  expect_refused (identity, arguments_new ("Vinyl", NULL, NULL, "eUICC,Ticket", FALSE), UB_ERROR_PROTOCOL);
  expect_refused (identity, arguments_new ("Vinyl", NULL, plist_new_dict (), NULL, FALSE), UB_ERROR_PROTOCOL);
  expect_refused (identity, arguments_new ("Cryptex1", NULL, NULL, NULL, FALSE), UB_ERROR_PROTOCOL);
  arguments = arguments_new ("Rose", NULL, NULL, "Rap,Ticket", TRUE);
  expect_refused (identity, arguments, UB_ERROR_PROTOCOL);
  arguments = arguments_new ("Savage", plist_new_dict (), NULL, NULL, FALSE);
  plist_dict_set_item (plist_dict_get_item (arguments, "MessageArgInfo"), "YonkersDeviceInfo", plist_new_dict ());
  expect_refused (identity, arguments, UB_ERROR_PROTOCOL);
}

static void
test_check_response (void)
{
  UbTssUpdaterPlan plan = { UB_TSS_UPDATER_ROSE, (char *) "Rose", (char *) "Rap,Ticket", NULL, FALSE };
  plist_t response = plist_new_dict ();
  g_autoptr(GError) error = NULL;

  plist_dict_set_item (response, "@ServerVersion", plist_new_string ("2.1.0"));
  g_assert_false (ub_tss_updater_check_response (&plan, response, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_NOT_SIGNED);
  g_assert_nonnull (strstr (error->message, "ultra wideband"));
  g_clear_error (&error);
  plist_dict_set_item (response, "Rap,Ticket", plist_new_data (NULL, 0));
  g_assert_false (ub_tss_updater_check_response (&plan, response, &error));
  g_clear_error (&error);
  plist_dict_set_item (response, "Rap,Ticket", plist_new_data ("\x30\x03\x02\x01\x00", 5));
  g_assert_true (ub_tss_updater_check_response (&plan, response, &error));
  g_assert_no_error (error);
  plist_free (response);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tss-updater/se", test_se);
  g_test_add_func ("/tss-updater/se-dev", test_se_dev);
  g_test_add_func ("/tss-updater/savage", test_savage);
  g_test_add_func ("/tss-updater/savage-patch", test_savage_patch);
  g_test_add_func ("/tss-updater/yonkers", test_yonkers);
  g_test_add_func ("/tss-updater/yonkers-choice", test_yonkers_choice);
  g_test_add_func ("/tss-updater/rose", test_rose);
  g_test_add_func ("/tss-updater/rose-dgr", test_rose_dgr);
  g_test_add_func ("/tss-updater/veridian", test_veridian);
  g_test_add_func ("/tss-updater/cryptex1", test_cryptex1);
  g_test_add_func ("/tss-updater/pass-through", test_pass_through);
  g_test_add_func ("/tss-updater/refused", test_refused);
  g_test_add_func ("/tss-updater/check-response", test_check_response);
  return g_test_run ();
}
