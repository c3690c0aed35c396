/* fuzz-tss-updater.c — what the phone sends with FirmwareUpdaterData and
 * what the server answers: the input is a plist used as the request's
 * Arguments, then as the TSS answer checked against the request's plan
 *
 * The build identity is a small one with the updaters' entries, shaped
 * like the iPhone 12 / iOS 26.2.1 one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ub-error.h"
#include "ub-plist.h"
#include "ub-tss-updater.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static const char identity_xml[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?><plist version=\"1.0\"><dict>"
  "<key>ApBoardID</key><string>0x0C</string><key>ApChipID</key><string>0x8101</string>"
  "<key>ApSecurityDomain</key><string>0x01</string><key>UniqueBuildID</key><data>AAEC</data>"
  "<key>SE,ChipID</key><string>0xD2</string><key>Savage,ChipID</key><string>0x01</string>"
  "<key>Savage,PatchEpoch</key><string>0x00</string><key>Yonkers,ChipID</key><string>0x414</string>"
  "<key>Rap,BoardID</key><integer>264</integer><key>Rap,ChipID</key><integer>8198</integer>"
  "<key>BMU,BoardID</key><integer>5715</integer><key>BMU,ChipID</key><integer>57601</integer>"
  "<key>Cryptex1,ChipID</key><string>0xFF10</string>"
  "<key>Info</key><dict><key>DeviceClass</key><string>d53gap</string>"
  "<key>Variant</key><string>Customer Erase Install (IPSW)</string>"
  "<key>RestoreBehavior</key><string>Erase</string></dict>"
  "<key>Manifest</key><dict>"
  "<key>SEP</key><dict><key>Digest</key><data>AQID</data><key>Info</key><dict><key>Path</key><string>sep</string></dict></dict>"
  "<key>SE,UpdatePayload</key><dict><key>DevelopmentUpdatePayloadHash</key><data>AQ==</data>"
  "<key>ProductionUpdatePayloadHash</key><data>Ag==</data><key>Info</key><dict><key>Path</key><string>se</string></dict></dict>"
  "<key>Savage,B0-Prod-Patch</key><dict><key>Digest</key><data>AQ==</data><key>Info</key><dict><key>Path</key><string>s0</string></dict></dict>"
  "<key>Savage,B2-Dev-Patch</key><dict><key>Digest</key><data>Ag==</data><key>Info</key><dict><key>Path</key><string>s2</string></dict></dict>"
  "<key>Yonkers,SysTopPatch1</key><dict><key>Digest</key><data>Aw==</data><key>EPRO</key><true/>"
  "<key>FabRevision</key><integer>10753</integer><key>Info</key><dict><key>Path</key><string>y</string></dict></dict>"
  "<key>Rap,RTKitOS</key><dict><key>Digest</key><data>BA==</data><key>Trusted</key><true/><key>Info</key><dict>"
  "<key>Path</key><string>ftab.bin</string><key>RestoreRequestRules</key><array><dict><key>Actions</key><dict>"
  "<key>EPRO</key><true/></dict><key>Conditions</key><dict><key>ApRawProductionMode</key><true/>"
  "<key>ApRequiresImage4</key><true/></dict></dict></array></dict></dict>"
  "<key>BMU,FirmwareMap</key><dict><key>Digest</key><data>BQ==</data><key>Info</key><dict><key>Path</key><string>m</string></dict></dict>"
  "</dict></dict></plist>";

static UbBuildIdentity *
identity (void)
{
  static UbBuildIdentity *once;

  if (once == NULL)
    {
      plist_t dict = NULL;

      plist_from_xml (identity_xml, strlen (identity_xml), &dict);
      g_assert_nonnull (dict);
      once = ub_build_identity_new_from_plist (dict, 0, NULL);
      plist_free (dict);
      g_assert_nonnull (once);
    }
  return once;
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_auto(UbTssUpdaterPlan) plan = { 0 };
  g_autoptr(GError) error = NULL;
  plist_t arguments = ub_plist_parse_untrusted (data, size, NULL);
  plist_t request;
  g_autofree char *part = NULL;

  if (arguments == NULL)
    return 0;
  request = ub_tss_updater_request_new (identity (), arguments, &plan, &error);
  if (request == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == UB_ERROR);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
    }
  else
    {
      g_assert_no_error (error);
      g_assert_nonnull (plan.ticket_key);
      g_assert_nonnull (plist_dict_get_item (request, "@UUID"));
      if (!ub_tss_updater_check_response (&plan, arguments, &error))
        g_assert_error (error, UB_ERROR, UB_ERROR_NOT_SIGNED);
      plist_free (request);
    }
  part = ub_tss_updater_dup_part_name (plan.name, arguments);
  g_assert_true (g_utf8_validate (part, -1, NULL));
  plist_free (arguments);
  return 0;
}
