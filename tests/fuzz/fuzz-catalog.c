/* fuzz-catalog.c — the firmware catalogs' parsers (ipsw.me JSON, Apple's plist)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ub-firmware-list.h"
#include "ub-firmware-parse.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
check (GPtrArray *list)
{
  for (guint i = 0; i < list->len; i++)
    {
      UbFirmware *f = g_ptr_array_index (list, i);
      g_autofree char *name = ub_firmware_dup_file_name (f);

      g_assert_nonnull (strstr (ub_firmware_get_url (f), "http"));
      g_assert_null (strchr (name, '/'));
      g_assert_true (ub_firmware_get_sha1 (f) == NULL || ub_hex_digest_is_valid (ub_firmware_get_sha1 (f), 20));
    }
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(GPtrArray) list = ub_firmware_parse_ipsw_me (bytes, "iPhone10,3", NULL);
  g_autoptr(UbAppleCatalog) apple = ub_firmware_parse_apple (bytes, "iPhone10,3", NULL);
  g_autoptr(GPtrArray) fallback = NULL;

  if (list != NULL)
    check (list);
  if (apple != NULL)
    {
      fallback = ub_firmware_list_from_apple (apple, "iPhone10,3");
      check (fallback);
      if (list != NULL)
        ub_firmware_cross_check (list, apple);
    }
  return 0;
}
