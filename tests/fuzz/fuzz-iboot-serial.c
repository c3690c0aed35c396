/* fuzz-iboot-serial.c — the USB serial and nonce strings a phone sends
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ub-iboot-info.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *text = g_strndup ((const char *)data, size);
  g_autoptr(UbIbootInfo) info = ub_iboot_info_parse (text, NULL);
  g_autofree char *ecid = NULL;

  if (info == NULL)
    return 0;
  g_assert_true (info->have & UB_IBOOT_FIELD_CPID);
  g_assert_cmpuint (info->cpid, <=, 0xFFFF);
  g_assert_cmpuint (info->bdid, <=, 0xFF);
  ub_iboot_info_parse_nonces (info, text, NULL);
  if (info->ap_nonce != NULL)
    g_assert_cmpuint (g_bytes_get_size (info->ap_nonce), <=, 64);
  ecid = ub_iboot_info_format_ecid (info);
  if (ecid != NULL)
    g_assert_cmpuint (strlen (ecid), ==, 18);
  return 0;
}
