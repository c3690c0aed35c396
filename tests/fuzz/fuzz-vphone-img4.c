/* fuzz-vphone-img4.c — the virtual iPhone's own DER reader and image check
 *
 * The phone parses whatever a host sends it; bad input must be refused
 * with an error, never read out of bounds.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>

#include "../vphone/ub-vphone-img4.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  static const char * const types[] = { "ibss", "ibec", "rkrn", "rdsk" };
  static const guint8 nonce[32] = { 0, };
  g_autoptr(GBytes) image = g_bytes_new (data, size);
  g_autoptr(GBytes) ap_nonce = g_bytes_new_static (nonce, sizeof (nonce));

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      g_autoptr(GError) error = NULL;

      if (!ub_vphone_img4_check (image, types[i], 0x1a2b3c4d5e6f70, ap_nonce, &error))
        g_assert_true (error != NULL && error->message[0] != '\0');
      else
        g_assert_no_error (error);
    }
  return 0;
}
