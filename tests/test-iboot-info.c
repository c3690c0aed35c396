/* test-iboot-info.c — the iBoot USB serial parser, on real strings and on junk
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ub-core.h"

/* Every real serial string users pasted parses; the fields match what the
 * string says (read here with sscanf, independently of the parser). */
static void
test_real_strings (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "usb-serials.txt", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(UbModelDb) db = ub_model_db_new_default ();
  g_autoptr(GError) error = NULL;
  guint n = 0, with_ecid = 0, pwned = 0, identified = 0;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) cols = NULL;
      g_autoptr(UbIbootInfo) info = NULL;
      const char *cpid_s, *bdid_s;
      unsigned cpid, bdid;

      if (lines[i][0] == '#' || lines[i][0] == '\0')
        continue;
      cols = g_strsplit (lines[i], "\t", -1);
      g_assert_cmpuint (g_strv_length (cols), ==, 3);

      info = ub_iboot_info_parse (cols[1], &error);
      g_assert_no_error (error);
      cpid_s = strstr (cols[1], "CPID:");
      bdid_s = strstr (cols[1], "BDID:");
      g_assert_cmpint (sscanf (cpid_s, "CPID:%x", &cpid), ==, 1);
      g_assert_cmpint (sscanf (bdid_s, "BDID:%x", &bdid), ==, 1);
      g_assert_cmpuint (info->cpid, ==, cpid);
      g_assert_cmpuint (info->bdid, ==, bdid);
      g_assert_true (info->have & UB_IBOOT_FIELD_BDID);
      g_assert_nonnull (info->srtg);
      g_assert_true (g_str_has_prefix (info->srtg, "iBoot-"));

      if (info->have & UB_IBOOT_FIELD_ECID)
        with_ecid++;
      if (info->pwnd != NULL)
        {
          g_assert_cmpstr (info->pwnd, ==, "checkm8");
          pwned++;
        }
      if (ub_model_db_lookup_chip (db, info->cpid, info->bdid) != NULL)
        identified++;
      n++;
    }

  g_assert_cmpuint (n, ==, 18);
  g_assert_cmpuint (with_ecid, ==, 14);    /* four ECIDs were masked by the posters */
  g_assert_cmpuint (pwned, ==, 3);
  /* All but the Mac T2 (CPID 8012) and the iPhone 6 with BDID 00 are in the table */
  g_assert_cmpuint (identified, ==, 16);
}

static void
test_fields (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UbIbootInfo) info = NULL;
  g_autofree char *ecid = NULL;

  info = ub_iboot_info_parse ("SDOM:01 CPID:8110 CPRV:11 CPFM:03 SCEP:01 BDID:10 "
                              "ECID:00110CCE1ED0401E IBFL:3C SRTG:[iBoot-6338.0.0.200.19] "
                              "SRNM:[F2LXYZ] IMEI:[356000000000000]", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (info->sdom, ==, 1);
  g_assert_cmpuint (info->cpid, ==, 0x8110);
  g_assert_cmpuint (info->cprv, ==, 0x11);
  g_assert_cmpuint (info->cpfm, ==, 0x03);
  g_assert_cmpuint (info->scep, ==, 0x01);
  g_assert_cmpuint (info->ibfl, ==, 0x3C);
  g_assert_cmpuint (info->ecid, ==, G_GUINT64_CONSTANT (0x00110CCE1ED0401E));
  g_assert_cmpstr (info->srnm, ==, "F2LXYZ");
  g_assert_cmpstr (info->imei, ==, "356000000000000");
  ecid = ub_iboot_info_format_ecid (info);
  g_assert_cmpstr (ecid, ==, "0x00110CCE1ED0401E");

  g_assert_true (ub_iboot_info_parse_nonces (info,
    " NONC:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
    " SNON:00112233445566778899aabbccddeeff00112233", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (info->ap_nonce), ==, 32);
  g_assert_cmpuint (g_bytes_get_size (info->sep_nonce), ==, 20);
  g_assert_cmpuint (((const guint8 *)g_bytes_get_data (info->ap_nonce, NULL))[1], ==, 0x23);
}

/* Bad input from a device never crashes and never yields half-read values. */
static void
test_junk (void)
{
  static const char * const no_cpid[] = {
    "", " ", "CPID", "CPID:", "CPID:ZZZZ", "CPID:80100", "cpid:8010 BDID:0C",
    "ECID:001A2B3C4D5E6F70 BDID:0C", "::::", "[CPID:8010]",
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *huge = g_strnfill (4096, 'A');
  UbIbootInfo *info;

  for (guint i = 0; i < G_N_ELEMENTS (no_cpid); i++)
    {
      info = ub_iboot_info_parse (no_cpid[i], &error);
      g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);
      g_assert_null (info);
      g_clear_error (&error);
    }

  info = ub_iboot_info_parse (huge, &error);
  g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);
  g_clear_error (&error);
  info = ub_iboot_info_parse ("CPID:8010 \xff\xfe", &error);
  g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);
  g_clear_error (&error);

  /* Malformed values leave their fields unset */
  info = ub_iboot_info_parse ("CPID:8010 BDID:XYZ ECID:12345678901234567 SRTG:[unterminated "
                              "IBFL: CPRV:1G", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (info->have, ==, UB_IBOOT_FIELD_CPID);
  g_assert_cmpstr (info->srtg, ==, "[unterminated");
  g_assert_false (ub_iboot_info_parse_nonces (info, "NONC:abc SNON:zz", &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);
  g_assert_null (info->ap_nonce);
  g_assert_null (info->sep_nonce);
  ub_iboot_info_free (info);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/unbrick/iboot-info/real-strings", test_real_strings);
  g_test_add_func ("/unbrick/iboot-info/fields", test_fields);
  g_test_add_func ("/unbrick/iboot-info/junk", test_junk);

  return g_test_run ();
}
