/* fuzz-vphone-restored-answers.c — how the virtual restored checks the host's answers
 *
 * The phone checks whatever a host answers to its data requests; any plist
 * (XML or binary) must give a verdict with a reason, never a crash or an
 * out-of-bounds read.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <plist/plist.h>

#include "../vphone/ub-vphone-restored-check.h"

#define MAX_ANSWER (1024 * 1024)

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
check_all (plist_t reply)
{
  static const char * const types[] = {
    "RootTicket", "NORData", "FDRTrustData", "KernelCache", "DeviceTree", "SystemImageRootHash",
    "SystemImageCanonicalMetadata", "BuildIdentityDict", "ReceiptManifest", "URLAsset",
    "FirmwareUpdaterPreflight", "SomethingElse",
  };
  static const char * const lists[] = { "ImageList", "FUDImageList", "EANImageList" };
  static const guint8 nonce[32] = { 0, };
  g_autoptr(GBytes) ap_nonce = g_bytes_new_static (nonce, sizeof (nonce));
  g_autoptr(UbVphoneRestoredCheck) check = ub_vphone_restored_check_new (0x1a2b3c4d5e6f70, ap_nonce);

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      g_autofree char *summary = NULL;
      g_autofree char *problem = NULL;

      if (ub_vphone_restored_check_answer (check, types[i], reply, reply, &summary, &problem))
        g_assert_true (summary != NULL && problem == NULL);
      else
        g_assert_true (problem != NULL && problem[0] != '\0' && summary == NULL);
    }
  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      g_auto(GStrv) names = ub_vphone_restored_check_take_list (reply, lists[i]);

      g_assert_true (names == NULL || g_strv_length (names) <= 64);
    }
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  plist_t reply = NULL;

  if (size == 0 || size > MAX_ANSWER)
    return 0;
  plist_from_memory ((const char *) data, (uint32_t) size, &reply);
  if (reply == NULL)
    return 0;
  check_all (reply);
  plist_free (reply);
  return 0;
}
