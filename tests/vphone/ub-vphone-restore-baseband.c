/* ub-vphone-restore-baseband.c — the virtual phone's modem during a restore
 *
 * The modem is decided by the AP chip, as on the real phones:
 *   0x8010 (iPhone 7)   Intel ICE16, BbChipID 0x60, 12-byte serial number,
 *                       20-byte nonce; signed: PSI, RestorePSI (.bin)
 *   0x8101 (iPhone 12)  Qualcomm Mav20, BbChipID 0xE50E1, 4-byte serial
 *                       number, 32-byte nonce; signed: Misc, RestoreSBL1,
 *                       SBL1 (.mbn)
 * Other chips have no modem here. The certificate IDs are made up. The
 * serial number and the nonce derive from the ECID, so the check can
 * recompute them; the nonce stays the same from round 1 on, as a real
 * modem's does until it boots.
 *
 * The check of the host's answer: {BasebandData: a zip} with bbticket.der
 * equal to the test server's BBTicket, every signed file present and ending
 * with the blob the test server (ub-test-tss.py) makes for this modem and
 * round, and nothing but *.fls/.mbn/.elf/.bin files besides.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <zip.h>

#include "ub-vphone-restore-firmware.h"
#include "../ub-test-bbfw.h"

#define MAX_ZIP   (256 * 1024 * 1024)
#define MAX_ENTRY (64 * 1024 * 1024)

typedef struct
{
  guint              cpid;
  guint64            chip_id;
  guint64            cert_id;
  gsize              snum_size;
  gsize              nonce_size;
  const char * const signed_elements[4];
} Modem;

static const Modem modems[] = {
  { 0x8010, 0x60, 0x5A7C3D11, 12, 20, { "PSI", "RestorePSI", NULL } },
  { 0x8101, 0xE50E1, 0x2C6A81F3, 4, 32, { "Misc", "RestoreSBL1", "SBL1", NULL } },
};

static const Modem *
find_modem (UbVphoneIdentity *identity)
{
  guint cpid = ub_vphone_identity_get_cpid (identity);

  for (guint i = 0; i < G_N_ELEMENTS (modems); i++)
    if (modems[i].cpid == cpid)
      return &modems[i];
  return NULL;
}

gboolean
ub_vphone_baseband_present (UbVphoneIdentity *identity)
{
  return find_modem (identity) != NULL;
}

static GBytes *
derived (UbVphoneIdentity *identity, const char *what, gsize size)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *seed = g_strdup_printf ("vphone-modem-%s-%" G_GINT64_MODIFIER "x", what,
                                           ub_vphone_identity_get_ecid (identity));
  guint8 digest[32];
  gsize len = sizeof digest;

  g_checksum_update (sum, (const guchar *)seed, -1);
  g_checksum_get_digest (sum, digest, &len);
  return g_bytes_new (digest, MIN (size, len));
}

static plist_t
bytes_node (GBytes *bytes)
{
  return plist_new_data (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

plist_t
ub_vphone_baseband_arguments (UbVphoneIdentity *identity,
                              guint             round)
{
  const Modem *modem = find_modem (identity);
  plist_t arguments = plist_new_dict ();
  g_autoptr(GBytes) snum = NULL;

  g_return_val_if_fail (modem != NULL, arguments);
  snum = derived (identity, "snum", modem->snum_size);
  plist_dict_set_item (arguments, "ChipID", plist_new_uint (modem->chip_id));
  plist_dict_set_item (arguments, "CertID", plist_new_uint (modem->cert_id));
  plist_dict_set_item (arguments, "ChipSerialNo", bytes_node (snum));
  if (round > 0)
    {
      g_autoptr(GBytes) nonce = derived (identity, "nonce", modem->nonce_size);

      plist_dict_set_item (arguments, "Nonce", bytes_node (nonce));
    }
  return arguments;
}

static gboolean
fail (char **problem, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
fail (char **problem, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  *problem = g_strdup_vprintf (format, args);
  va_end (args);
  return FALSE;
}

static GBytes *
read_entry (zip_t *za, zip_int64_t index)
{
  zip_stat_t st;
  zip_file_t *zf;
  guint8 *buffer;
  zip_int64_t got;

  zip_stat_init (&st);
  if (zip_stat_index (za, index, 0, &st) != 0 || st.size > MAX_ENTRY)
    return NULL;
  zf = zip_fopen_index (za, index, 0);
  if (zf == NULL)
    return NULL;
  buffer = g_malloc (st.size + 1);
  got = zip_fread (zf, buffer, st.size + 1);
  zip_fclose (zf);
  if (got < 0 || (zip_uint64_t)got != st.size)
    return g_free (buffer), NULL;
  return g_bytes_new_take (buffer, st.size);
}

static gboolean
ends_with (GBytes *file, GBytes *tail)
{
  gsize file_len = g_bytes_get_size (file), tail_len = g_bytes_get_size (tail);

  return file_len >= tail_len &&
         memcmp ((const guint8 *)g_bytes_get_data (file, NULL) + file_len - tail_len,
                 g_bytes_get_data (tail, NULL), tail_len) == 0;
}

static const char *
signed_element_of (const Modem *modem, const char *name)
{
  for (guint i = 0; modem->signed_elements[i] != NULL; i++)
    if (g_strcmp0 (ub_test_bbfw_file_name (modem->signed_elements[i]), name) == 0)
      return modem->signed_elements[i];
  return NULL;
}

static gboolean
kept_extension (const char *name)
{
  return g_str_has_suffix (name, ".fls") || g_str_has_suffix (name, ".mbn") ||
         g_str_has_suffix (name, ".elf") || g_str_has_suffix (name, ".bin");
}

typedef struct
{
  const Modem *modem;
  GBytes      *snum;
  GBytes      *nonce;
  guint        n_signed;
  gboolean     has_ticket;
} Expect;

static gboolean
check_entry (Expect *expect, zip_t *za, zip_int64_t index, char **problem)
{
  const char *name = zip_get_name (za, index, 0);
  const char *element = name ? signed_element_of (expect->modem, name) : NULL;
  g_autoptr(GBytes) content = NULL;
  g_autoptr(GBytes) wanted = NULL;

  if (name == NULL)
    return fail (problem, "an entry of the baseband zip has no name");
  if (element == NULL && g_strcmp0 (name, "bbticket.der") != 0)
    return kept_extension (name) ? TRUE : fail (problem, "unexpected file %s in the baseband zip", name);
  if ((content = read_entry (za, index)) == NULL)
    return fail (problem, "%s of the baseband zip cannot be read", name);
  if (element == NULL)
    {
      wanted = ub_test_bbfw_ticket (expect->modem->chip_id, expect->snum, expect->nonce);
      expect->has_ticket = TRUE;
      return g_bytes_equal (content, wanted) ? TRUE : fail (problem, "bbticket.der is not the server's BBTicket");
    }
  wanted = ub_test_bbfw_blob (element, expect->modem->chip_id, expect->snum, expect->nonce);
  expect->n_signed++;
  if (!ends_with (content, wanted))
    return fail (problem, "%s does not end with the %s signature", name, element);
  return TRUE;
}

static gboolean
check_zip (Expect *expect, const char *data, uint64_t len, char **problem)
{
  zip_source_t *src = zip_source_buffer_create (data, len, 0, NULL);
  zip_t *za = src ? zip_open_from_source (src, ZIP_RDONLY | ZIP_CHECKCONS, NULL) : NULL;
  gboolean ok = TRUE;
  guint n_expected = 0;

  if (za == NULL)
    {
      zip_source_free (src);
      return fail (problem, "BasebandData is not a zip");
    }
  for (zip_int64_t i = 0; ok && i < zip_get_num_entries (za, 0); i++)
    ok = check_entry (expect, za, i, problem);
  zip_discard (za);
  while (expect->modem->signed_elements[n_expected] != NULL)
    n_expected++;
  if (ok && !expect->has_ticket)
    return fail (problem, "the baseband zip has no bbticket.der");
  if (ok && expect->n_signed != n_expected)
    return fail (problem, "the baseband zip has %u of the %u signed files", expect->n_signed, n_expected);
  return ok;
}

gboolean
ub_vphone_baseband_check (UbVphoneIdentity  *identity,
                          guint              round,
                          plist_t            reply,
                          char             **problem)
{
  const Modem *modem = find_modem (identity);
  plist_t node = reply ? plist_dict_get_item (reply, "BasebandData") : NULL;
  Expect expect = { modem, NULL, NULL, 0, FALSE };
  uint64_t len = 0;
  const char *data;
  gboolean ok;

  if (modem == NULL)
    return fail (problem, "this phone has no modem");
  if (node == NULL || plist_get_node_type (node) != PLIST_DATA)
    return fail (problem, "no BasebandData");
  data = plist_get_data_ptr (node, &len);
  if (len == 0 || len > MAX_ZIP)
    return fail (problem, "BasebandData of %" G_GUINT64_FORMAT " bytes", (guint64)len);
  expect.snum = derived (identity, "snum", modem->snum_size);
  if (round > 0)
    expect.nonce = derived (identity, "nonce", modem->nonce_size);
  ok = check_zip (&expect, data, len, problem);
  g_bytes_unref (expect.snum);
  g_clear_pointer (&expect.nonce, g_bytes_unref);
  return ok;
}
