/* fuzz-baseband.c — the modem firmware rewrite: a BBFW zip from the IPSW
 * and the baseband TSS answer, both untrusted
 *
 * Input: byte 0 picks the modem chip (ICE16, Mav20, ICE19, Mav25); if bit 0
 * of byte 1 is set, a 16-bit little-endian length and that many bytes of
 * plist follow and are the answer; otherwise the answer is a fixed one
 * with a BBTicket and blobs for the ICE16 and Mav20 elements, byte 2
 * choosing their size. The rest is the zip.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ub-baseband.h"
#include "ub-error.h"
#include "ub-plist.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static const guint64 chips[] = { 0x60, 0xE50E1, 0x68, 0x1F30E1 };
static const char * const elements[] = { "PSI", "RestorePSI", "Misc", "RestoreSBL1", "SBL1" };

static plist_t
fixed_answer (gsize blob_size)
{
  plist_t answer = plist_new_dict ();
  plist_t firmware = plist_new_dict ();
  guint8 *blob = g_malloc (blob_size);

  memset (blob, 0xA5, blob_size);
  for (guint i = 0; i < G_N_ELEMENTS (elements); i++)
    {
      g_autofree char *key = g_strdup_printf ("%s-Blob", elements[i]);

      plist_dict_set_item (firmware, key, plist_new_data ((const char *)blob, blob_size));
    }
  g_free (blob);
  plist_dict_set_item (answer, "BBTicket", plist_new_data ("\x30\x03\x02\x01\x00", 5));
  plist_dict_set_item (answer, "BasebandFirmware", firmware);
  return answer;
}

static void
check_zip (GBytes *zip, plist_t answer, guint64 chip)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) out = NULL;

  out = ub_baseband_rewrite (zip, answer, chip, &error);
  if (out == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == UB_ERROR);
      g_assert_true (error->code == UB_ERROR_CORRUPT_ARCHIVE || error->code == UB_ERROR_NOT_SUPPORTED);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      return;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (out), >, 0);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) zip = NULL;
  plist_t answer = NULL;
  guint64 chip;
  gsize offset = 3;

  if (size < 3)
    return 0;
  chip = chips[data[0] % G_N_ELEMENTS (chips)];
  if (data[1] & 1)
    {
      gsize len = data[2];

      if (size < 4)
        return 0;
      len |= (gsize)data[3] << 8;
      offset = 4 + MIN (len, size - 4);
      answer = ub_plist_parse_untrusted (data + 4, offset - 4, NULL);
      if (answer == NULL)
        return 0;
    }
  else
    answer = fixed_answer (1 + data[2] * 16);
  if (!ub_baseband_response_check (answer, chip, &error))
    {
      g_assert_error (error, UB_ERROR, UB_ERROR_PROTOCOL);
      g_clear_error (&error);
    }
  zip = g_bytes_new (data + offset, size - offset);
  check_zip (zip, answer, chip);
  plist_free (answer);
  return 0;
}
