/* test-tss.c — the AP signing request and the answer to it
 *
 * Requests are built from real Apple manifests (tests/data/manifests and the
 * research fixtures) and compared key by key with the expected requests in
 * tests/data/tss/ (written by make-expected.py from the research notes;
 * README.md there says where each key comes from), @UUID aside. Spot checks
 * repeat what the request excerpts in idevicerestore's issues show. Answers
 * are parsed from strings, with a real ticket from an SHSH file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ub-core.h"
#include "ub-plist.h"
#include "ub-test-tss.h"

/* Compares two plists deeply; NULL if equal, else the path of the first
 * difference */
static char *
plist_diff (plist_t     a,
            plist_t     b,
            const char *path)
{
  plist_type type = plist_get_node_type (a);

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
  if (type == PLIST_ARRAY)
    {
      if (plist_array_get_size (a) != plist_array_get_size (b))
        return g_strdup_printf ("%s: array sizes differ", path);
      for (guint i = 0; i < plist_array_get_size (a); i++)
        {
          g_autofree char *sub = g_strdup_printf ("%s[%u]", path, i);
          char *diff = plist_diff (plist_array_get_item (a, i), plist_array_get_item (b, i), sub);

          if (diff != NULL)
            return diff;
        }
      return NULL;
    }
  return plist_compare_node_value (a, b) ? NULL : g_strdup_printf ("%s: values differ", path);
}

static void
test_request_matches (gconstpointer data)
{
  const UbTestTssCase *c = data;
  plist_t request = ub_test_tss_build_request (c);
  g_autofree char *expected_path = NULL;
  g_autofree char *diff = NULL;
  g_autofree char *uuid = NULL;
  plist_t expected;
  char *xml = NULL;
  uint32_t len = 0;

  if (request == NULL)
    {
      g_test_skip ("research fixtures not available (UB_RESEARCH_DIR)");
      return;
    }
  expected_path = g_strconcat (c->name, ".plist", NULL);
  expected = ub_test_tss_load_plist (g_test_get_filename (G_TEST_DIST, "data", "tss", expected_path, NULL));
  /* @UUID is random: present, 36 characters, then ignored */
  uuid = ub_plist_dup_string (plist_dict_get_item (request, "@UUID"));
  g_assert_nonnull (uuid);
  g_assert_cmpuint (strlen (uuid), ==, 36);
  g_assert_true (g_uuid_string_is_valid (uuid));
  plist_dict_remove_item (request, "@UUID");
  plist_dict_remove_item (expected, "@UUID");
  diff = plist_diff (expected, request, "");
  if (diff != NULL)
    g_test_message ("first difference: %s", diff);
  g_assert_null (diff);
  plist_to_xml (request, &xml, &len);
  g_test_message ("%s: %u keys, %u bytes as XML", c->name, plist_dict_get_size (request) + 1, len);
  free (xml);
  plist_free (expected);
  plist_free (request);
}

static gboolean
dict_bool (plist_t     dict,
           const char *key)
{
  plist_t node = plist_dict_get_item (dict, key);
  uint8_t value = 0;

  g_assert_nonnull (node);
  g_assert_cmpint (plist_get_node_type (node), ==, PLIST_BOOLEAN);
  plist_get_bool_val (node, &value);
  return value != 0;
}

static guint64
dict_uint (plist_t     dict,
           const char *key)
{
  plist_t node = plist_dict_get_item (dict, key);
  guint64 value = 0;

  g_assert_nonnull (node);
  g_assert_cmpint (plist_get_node_type (node), ==, PLIST_UINT);
  plist_get_uint_val (node, &value);
  return value;
}

static gsize
data_size (plist_t     dict,
           const char *key)
{
  plist_t node = plist_dict_get_item (dict, key);
  uint64_t len = 0;

  g_assert_nonnull (node);
  g_assert_cmpint (plist_get_node_type (node), ==, PLIST_DATA);
  plist_get_data_ptr (node, &len);
  return len;
}

/* What the excerpts in shared/research/fixtures/tss/ show, on our own
 * requests: #455 (d22ap), #693 (ftap/ftsp), #666 (the img4 keys) */
static void
test_request_log_shapes (void)
{
  plist_t request = ub_test_tss_build_request (&ub_test_tss_cases[0]);
  plist_t aop, ftap;
  g_autofree char *host = NULL, *version = NULL;

  /* #455: the head of an iPhone X request */
  host = ub_plist_dup_string (plist_dict_get_item (request, "@HostPlatformInfo"));
  version = ub_plist_dup_string (plist_dict_get_item (request, "@VersionInfo"));
  g_assert_cmpstr (host, ==, "mac");
  g_assert_true (g_str_has_prefix (version, "libauthinstall-"));
  g_assert_cmpuint (dict_uint (request, "ApECID"), ==, 6303405673529390);
  g_assert_cmpuint (dict_uint (request, "ApChipID"), ==, 32789);
  g_assert_cmpuint (dict_uint (request, "ApBoardID"), ==, 6);
  g_assert_cmpuint (dict_uint (request, "ApSecurityDomain"), ==, 1);
  g_assert_cmpuint (data_size (request, "UniqueBuildID"), ==, 20);
  /* #455 (iOS 15): AOP is not trusted but signed, with EPRO and ESEC from
   * its rules; in 11.2 its Trusted key is absent rather than false */
  aop = plist_dict_get_item (request, "AOP");
  g_assert_null (plist_dict_get_item (aop, "Trusted"));
  g_assert_true (dict_bool (aop, "EPRO"));
  g_assert_true (dict_bool (aop, "ESEC"));
  g_assert_cmpuint (data_size (aop, "Digest"), ==, 48);        /* SHA-384 */
  g_assert_null (plist_dict_get_item (aop, "Info"));
  /* #693: ftap and ftsp are trusted with an empty Digest */
  ftap = plist_dict_get_item (request, "ftap");
  g_assert_true (dict_bool (ftap, "Trusted"));
  g_assert_true (dict_bool (ftap, "EPRO"));
  g_assert_true (dict_bool (ftap, "ESEC"));
  g_assert_cmpuint (data_size (ftap, "Digest"), ==, 0);
  g_assert_cmpuint (data_size (plist_dict_get_item (request, "ftsp"), "Digest"), ==, 0);
  /* #666: the img4 keys at the end */
  g_assert_cmpuint (data_size (request, "ApNonce"), ==, 32);
  g_assert_cmpuint (data_size (request, "SepNonce"), ==, 20);
  g_assert_true (dict_bool (request, "@ApImg4Ticket"));
  g_assert_true (dict_bool (request, "ApSecurityMode"));
  g_assert_true (dict_bool (request, "ApProductionMode"));
  /* #455's iTunes capture and #666 carry this very key: it is per chip */
  {
    plist_t pearl = plist_dict_get_item (request, "PearlCertificationRootPub");
    uint64_t len = 0;
    const char *data = plist_get_data_ptr (pearl, &len);
    g_autofree char *b64 = g_base64_encode ((const guchar *)data, len);

    g_assert_cmpstr (b64, ==, "BEBGXhKwc7q3iFvkUoGDP6j2drpxSCxsSCODaDQIqGwd53wZJ0xIJIv0RTf2TS7+/u4K"
                              "zhrANzb19r+TQzwqFJMphp3mI3yY4pukIFc/kWS7DLQAx/ftWBXX6vl4ig3wEg==");
  }
  /* No baseband in a DFU request */
  g_assert_null (plist_dict_get_item (request, "BasebandFirmware"));
  g_assert_null (plist_dict_get_item (request, "@BBTicket"));
  plist_free (request);
}

/* The 26.2.1 manifest: Ap,* strings copied, FTAB components left out */
static void
test_request_modern (void)
{
  plist_t request = ub_test_tss_build_request (&ub_test_tss_cases[1]);
  g_autofree char *product = NULL;

  product = ub_plist_dup_string (plist_dict_get_item (request, "Ap,ProductType"));
  g_assert_cmpstr (product, ==, "iPhone13,2");
  g_assert_nonnull (plist_dict_get_item (request, "Ap,OSLongVersion"));
  g_assert_null (plist_dict_get_item (request, "Rap,RTKitOS"));           /* IsFTAB */
  g_assert_null (plist_dict_get_item (request, "UID_MODE"));
  g_assert_nonnull (plist_dict_get_item (request, "Cryptex1,SystemOS"));  /* trusted, with rules */
  g_assert_null (plist_dict_get_item (request, "Cryptex1,ChipID"));       /* asked for in restore mode */
  plist_free (request);
}

/* A phone that is not production-fused or not secure: its rules say so */
static void
test_request_modes (void)
{
  g_autoptr(UbBuildIdentity) identity = ub_test_tss_load_identity (&ub_test_tss_cases[0]);
  g_auto(UbTssDevice) device = { 0 };
  g_autoptr(GError) error = NULL;
  plist_t request;

  ub_test_tss_device_init (&device, &ub_test_tss_cases[0]);
  device.production_mode = FALSE;
  request = ub_tss_request_new_ap (identity, &device, &error);
  g_assert_no_error (error);
  g_assert_false (dict_bool (plist_dict_get_item (request, "AOP"), "EPRO"));
  g_assert_true (dict_bool (plist_dict_get_item (request, "AOP"), "ESEC"));
  g_assert_false (dict_bool (request, "ApProductionMode"));
  plist_free (request);

  device.production_mode = TRUE;
  device.security_mode = FALSE;
  request = ub_tss_request_new_ap (identity, &device, &error);
  g_assert_no_error (error);
  g_assert_true (dict_bool (plist_dict_get_item (request, "AOP"), "EPRO"));
  g_assert_false (dict_bool (plist_dict_get_item (request, "AOP"), "ESEC"));
  plist_free (request);
}

/* An identity made from a real one with changes: @edit changes its dict */
static UbBuildIdentity *
edited_identity (void (*edit) (plist_t identity))
{
  g_autoptr(UbBuildIdentity) real = ub_test_tss_load_identity (&ub_test_tss_cases[0]);
  plist_t copy = plist_copy (ub_build_identity_get_plist (real));
  g_autoptr(GError) error = NULL;
  UbBuildIdentity *identity;

  edit (copy);
  identity = ub_build_identity_new_from_plist (copy, 0, &error);
  plist_free (copy);
  g_assert_no_error (error);
  return identity;
}

static void
edit_uid_mode (plist_t identity)
{
  plist_dict_set_item (plist_dict_get_item (identity, "Info"), "RequiresUIDMode", plist_new_bool (1));
  plist_dict_set_item (identity, "NeRDEpoch", plist_new_uint (3));
}

/* iPhone 15 on iOS 17 (#598): UID_MODE false and Ap,SikaFuse 0 */
static void
test_request_uid_mode (void)
{
  g_autoptr(UbBuildIdentity) identity = edited_identity (edit_uid_mode);
  g_auto(UbTssDevice) device = { 0 };
  g_autoptr(GError) error = NULL;
  plist_t request;

  ub_test_tss_device_init (&device, &ub_test_tss_cases[0]);
  request = ub_tss_request_new_ap (identity, &device, &error);
  g_assert_no_error (error);
  g_assert_false (dict_bool (request, "UID_MODE"));
  g_assert_cmpuint (dict_uint (request, "Ap,SikaFuse"), ==, 0);
  g_assert_cmpuint (dict_uint (request, "NeRDEpoch"), ==, 3);
  g_assert_cmpuint (data_size (request, "PermitNeRDPivot"), ==, 0);
  plist_free (request);
}

static void
edit_no_build_id (plist_t identity)
{
  plist_dict_remove_item (identity, "UniqueBuildID");
}

static void
edit_bad_digest (plist_t identity)
{
  plist_t manifest = plist_dict_get_item (identity, "Manifest");

  plist_dict_set_item (plist_dict_get_item (manifest, "KernelCache"), "Digest", plist_new_string ("x"));
}

/* (a missing Manifest is refused earlier, by UbBuildIdentity) */
static void
edit_big_domain (plist_t identity)
{
  plist_dict_set_item (identity, "ApSecurityDomain", plist_new_uint (G_GUINT64_CONSTANT (1) << 40));
}

static void
edit_bad_domain (plist_t identity)
{
  plist_dict_set_item (identity, "ApSecurityDomain", plist_new_string ("one"));
}

/* Wrong types that are left out, not fatal */
static void
edit_odd_entries (plist_t identity)
{
  plist_t manifest = plist_dict_get_item (identity, "Manifest");
  plist_t rules = plist_new_array ();
  plist_t rule = plist_new_dict ();
  plist_t odd = plist_new_dict ();
  plist_t info = plist_new_dict ();

  plist_dict_set_item (manifest, "NotADict", plist_new_uint (1));
  plist_dict_set_item (manifest, "NoInfo", plist_new_dict ());
  plist_array_append_item (rules, plist_new_string ("not a rule"));
  plist_dict_set_item (rule, "Conditions", plist_new_string ("odd"));
  plist_array_append_item (rules, rule);
  rule = plist_new_dict ();
  plist_dict_set_item (rule, "Actions", plist_new_string ("odd"));
  plist_array_append_item (rules, rule);
  plist_dict_set_item (info, "RestoreRequestRules", rules);
  plist_dict_set_item (odd, "Info", info);
  plist_dict_set_item (odd, "Trusted", plist_new_string ("yes"));
  plist_dict_set_item (manifest, "OddRules", odd);
  plist_dict_set_item (identity, "Ap,ProductType", plist_new_uint (7));
  plist_dict_set_item (identity, "PearlCertificationRootPub", plist_new_string ("x"));
}

static void
test_request_untrusted (void)
{
  struct { void (*edit) (plist_t); int code; } bad[] = {
    { edit_no_build_id, UB_ERROR_INVALID_DATA },
    { edit_bad_digest, UB_ERROR_INVALID_DATA },
    { edit_big_domain, UB_ERROR_INVALID_DATA },
    { edit_bad_domain, UB_ERROR_INVALID_DATA },
  };
  g_auto(UbTssDevice) device = { 0 };
  g_autoptr(UbBuildIdentity) odd = edited_identity (edit_odd_entries);
  g_autoptr(GError) error = NULL;
  plist_t request;

  ub_test_tss_device_init (&device, &ub_test_tss_cases[0]);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(UbBuildIdentity) identity = edited_identity (bad[i].edit);

      g_assert_null (ub_tss_request_new_ap (identity, &device, &error));
      g_assert_error (error, UB_ERROR, bad[i].code);
      g_test_message ("%s", error->message);
      g_clear_error (&error);
    }
  request = ub_tss_request_new_ap (odd, &device, &error);
  g_assert_no_error (error);
  g_assert_null (plist_dict_get_item (request, "NotADict"));
  g_assert_null (plist_dict_get_item (request, "NoInfo"));
  /* its rules hold nothing usable: no EPRO/ESEC, and it is kept (it has rules) */
  g_assert_nonnull (plist_dict_get_item (request, "OddRules"));
  g_assert_null (plist_dict_get_item (plist_dict_get_item (request, "OddRules"), "EPRO"));
  g_assert_null (plist_dict_get_item (request, "Ap,ProductType"));
  g_assert_null (plist_dict_get_item (request, "PearlCertificationRootPub"));
  plist_free (request);
}

static void
test_request_wrong_device (void)
{
  g_autoptr(UbBuildIdentity) identity = ub_test_tss_load_identity (&ub_test_tss_cases[0]);
  g_auto(UbTssDevice) device = { 0 };
  g_autoptr(GError) error = NULL;

  ub_test_tss_device_init (&device, &ub_test_tss_cases[0]);
  device.bdid = 0x0E;         /* d221ap, the iPhone X with another modem */
  g_assert_null (ub_tss_request_new_ap (identity, &device, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_WRONG_FIRMWARE);
  g_clear_error (&error);

  device.bdid = 0x06;
  g_clear_pointer (&device.ap_nonce, g_bytes_unref);
  g_assert_null (ub_tss_request_new_ap (identity, &device, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);
}

/* A real iPhone X DFU serial (tests/data/usb-serials.txt) with nonces */
static void
test_device_from_iboot (void)
{
  g_autoptr(UbIbootInfo) info = NULL;
  g_auto(UbTssDevice) device = { 0 };
  g_autoptr(GError) error = NULL;

  info = ub_iboot_info_parse ("CPID:8015 CPRV:11 CPFM:03 SCEP:01 BDID:06 ECID:001A2B3C4D5E6F70 "
                              "IBFL:3C SRTG:[iBoot-3332.0.0.1.23]", &error);
  g_assert_no_error (error);
  g_assert_false (ub_tss_device_init_from_iboot (&device, info, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);
  g_clear_error (&error);

  g_assert_true (ub_iboot_info_parse_nonces (info, " NONC:652011AE4670102B69EEC0930966BF67942C5BB8E45235E7B6DDCDE5D25C053E"
                                             " SNON:79CE611A6DA2686EC520C38F565365E92F973182", &error));
  g_assert_no_error (error);
  g_assert_true (ub_tss_device_init_from_iboot (&device, info, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (device.ecid, ==, 0x001A2B3C4D5E6F70);
  g_assert_cmpuint (device.cpid, ==, 0x8015);
  g_assert_cmpuint (device.bdid, ==, 0x06);
  g_assert_true (device.production_mode);
  g_assert_true (device.security_mode);
  g_assert_cmpuint (g_bytes_get_size (device.ap_nonce), ==, 32);
  g_assert_cmpuint (g_bytes_get_size (device.sep_nonce), ==, 20);
}

/* A real ApImg4Ticket, from an SHSH blob in the research fixtures */
static GBytes *
real_ticket (void)
{
  const char *research = g_getenv ("UB_RESEARCH_DIR");
  g_autofree char *path = research ? g_build_filename (research, "fixtures", "shsh", "0x8010.shsh", NULL) : NULL;
  plist_t shsh, node;
  char *data = NULL;
  uint64_t len = 0;

  if (path == NULL || !g_file_test (path, G_FILE_TEST_EXISTS))
    return NULL;
  shsh = ub_test_tss_load_plist (path);
  node = plist_dict_get_item (shsh, "ApImg4Ticket");
  plist_get_data_val (node, &data, &len);
  plist_free (shsh);
  return g_bytes_new_with_free_func (data, len, free, data);
}

static char *
answer_with_ticket (GBytes *ticket)
{
  plist_t dict = plist_new_dict ();
  char *xml = NULL;
  uint32_t len = 0;
  char *body;

  plist_dict_set_item (dict, "@ServerVersion", plist_new_string ("2.1.0"));
  plist_dict_set_item (dict, "ApImg4Ticket", plist_new_data (g_bytes_get_data (ticket, NULL),
                                                             g_bytes_get_size (ticket)));
  plist_to_xml (dict, &xml, &len);
  body = g_strconcat ("STATUS=0&MESSAGE=SUCCESS&REQUEST_STRING=", xml, NULL);
  free (xml);
  plist_free (dict);
  return body;
}

static void
test_response_parse (void)
{
  g_autoptr(GBytes) ticket = real_ticket ();
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  g_autoptr(GBytes) copy = NULL;
  const char *refused = "STATUS=94&MESSAGE=This device isn't eligible for the requested build.";
  const char *other = "STATUS=69&MESSAGE=Bad\x01request+here";
  int status = 0;
  plist_t response;

  if (ticket == NULL)
    {
      g_test_skip ("research fixtures not available (UB_RESEARCH_DIR)");
      return;
    }
  body = answer_with_ticket (ticket);
  response = ub_tss_response_parse ((const guint8 *)body, strlen (body), &status, &error);
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);
  copy = ub_tss_response_dup_ticket (response, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (copy, ticket));
  plist_free (response);

  g_assert_null (ub_tss_response_parse ((const guint8 *)refused, strlen (refused), &status, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_NOT_SIGNED);
  g_assert_cmpint (status, ==, 94);
  g_clear_error (&error);

  g_assert_null (ub_tss_response_parse ((const guint8 *)other, strlen (other), &status, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_NETWORK);
  g_assert_cmpint (status, ==, 69);
  g_assert_nonnull (strstr (error->message, "69"));
  g_assert_nonnull (strstr (error->message, "Bad request here"));
  g_clear_error (&error);

  g_assert_null (ub_tss_response_parse ((const guint8 *)"<html>", 6, &status, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_PROTOCOL);
  g_assert_cmpint (status, ==, UB_TSS_STATUS_NONE);
  g_clear_error (&error);

  g_assert_null (ub_tss_response_parse ((const guint8 *)"STATUS=0&MESSAGE=SUCCESS", 24, &status, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_PROTOCOL);
  g_clear_error (&error);
  g_assert_null (ub_tss_response_parse ((const guint8 *)"", 0, &status, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_PROTOCOL);
}

static void
test_ticket_shape (void)
{
  g_autoptr(GBytes) ticket = real_ticket ();
  g_autoptr(GError) error = NULL;
  const guint8 *data;
  gsize len;
  g_autofree guint8 *changed = NULL;

  if (ticket == NULL)
    {
      g_test_skip ("research fixtures not available (UB_RESEARCH_DIR)");
      return;
    }
  data = g_bytes_get_data (ticket, &len);
  g_assert_true (ub_tss_ticket_check_shape (data, len, &error));
  g_assert_no_error (error);
  /* cut short, one byte more, another name */
  g_assert_false (ub_tss_ticket_check_shape (data, len - 1, NULL));
  changed = g_malloc (len + 1);
  memcpy (changed, data, len);
  changed[len] = 0;
  g_assert_false (ub_tss_ticket_check_shape (changed, len + 1, NULL));
  changed[7] = 'P';                                   /* "IM4P" */
  g_assert_false (ub_tss_ticket_check_shape (changed, len, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_PROTOCOL);
  g_assert_false (ub_tss_ticket_check_shape ((const guint8 *)"\x30\x00", 2, NULL));
  g_assert_false (ub_tss_ticket_check_shape (NULL, 0, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  for (guint i = 0; i < UB_TEST_TSS_N_CASES; i++)
    {
      g_autofree char *path = g_strdup_printf ("/unbrick/tss/request/%s", ub_test_tss_cases[i].name);

      g_test_add_data_func (path, &ub_test_tss_cases[i], test_request_matches);
    }
  g_test_add_func ("/unbrick/tss/request/log-shapes", test_request_log_shapes);
  g_test_add_func ("/unbrick/tss/request/modern", test_request_modern);
  g_test_add_func ("/unbrick/tss/request/modes", test_request_modes);
  g_test_add_func ("/unbrick/tss/request/uid-mode", test_request_uid_mode);
  g_test_add_func ("/unbrick/tss/request/untrusted", test_request_untrusted);
  g_test_add_func ("/unbrick/tss/request/wrong-device", test_request_wrong_device);
  g_test_add_func ("/unbrick/tss/device/from-iboot", test_device_from_iboot);
  g_test_add_func ("/unbrick/tss/response/parse", test_response_parse);
  g_test_add_func ("/unbrick/tss/response/ticket-shape", test_ticket_shape);
  return g_test_run ();
}
