/* test-baseband-chain.c — the baseband answer from end to end, no phone
 *
 * The loopback TSS server (tests/httpd/ub-test-tss.py) must sign as
 * ub-test-bbfw says, and the virtual phone's arguments and check
 * (tests/vphone/ub-vphone-restore-baseband.c) must accept what our request
 * and rewrite make of them, and refuse a wrong round, an unsigned zip and
 * something that is not a zip. /baseband/send goes through ub-tss to the
 * loopback server over HTTP, as the BasebandData handler does.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "ub-model-db.h"
#include "ub-test-baseband.h"
#include "ub-test-bbfw.h"
#include "ub-test-httpd.h"
#include "ub-tss.h"
#include "ub-vphone-restore-firmware.h"

#define ECID UB_TEST_BASEBAND_ECID

static plist_t
reply_for (const UbTestBasebandCase *c, UbVphoneIdentity *phone, guint round, GBytes *bbfw, UbBuildIdentity *identity)
{
  g_auto(UbBasebandDevice) device = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) zip = NULL;
  plist_t arguments = ub_vphone_baseband_arguments (phone, round);
  plist_t request, response, reply;

  g_assert_true (ub_baseband_device_init (&device, arguments, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (device.chip_id, ==, c->chip_id);
  g_assert_true ((device.nonce != NULL) == (round > 0));
  request = ub_baseband_request_new (identity, ECID, &device, &error);
  g_assert_no_error (error);
  response = ub_test_bbfw_response (request);
  zip = ub_baseband_rewrite (bbfw, response, c->chip_id, &error);
  g_assert_no_error (error);
  reply = plist_new_dict ();
  plist_dict_set_item (reply, "BasebandData", plist_new_data (g_bytes_get_data (zip, NULL), g_bytes_get_size (zip)));
  plist_free (arguments);
  plist_free (request);
  plist_free (response);
  return reply;
}

static void
check_vphone (const UbTestBasebandCase *c, const char *product_type)
{
  g_autoptr(UbModelDb) db = ub_model_db_new_default ();
  UbModel *model = ub_model_db_lookup_product_type (db, product_type);
  g_autoptr(UbVphoneIdentity) phone = NULL;
  g_autoptr(UbBuildIdentity) identity = ub_test_baseband_load_identity (c);
  g_autoptr(GBytes) bbfw = ub_test_bbfw_new (ub_test_baseband_entry (identity));
  plist_t reply0, reply1;
  char *problem = NULL;

  g_assert_nonnull (model);
  phone = ub_vphone_identity_new (model, ECID);
  g_assert_true (ub_vphone_baseband_present (phone));
  reply0 = reply_for (c, phone, 0, bbfw, identity);
  reply1 = reply_for (c, phone, 1, bbfw, identity);
  g_assert_true (ub_vphone_baseband_check (phone, 0, reply0, &problem));
  g_assert_null (problem);
  g_assert_true (ub_vphone_baseband_check (phone, 1, reply1, &problem));
  g_assert_null (problem);
  /* the round 0 answer is signed without the nonce: refused in round 1 */
  g_assert_false (ub_vphone_baseband_check (phone, 1, reply0, &problem));
  g_test_message ("round 0 zip in round 1: %s", problem);
  g_assert_nonnull (strstr (problem, "signature") ? problem : strstr (problem, "BBTicket"));
  g_clear_pointer (&problem, g_free);
  /* the original zip: no ticket, unexpected files */
  plist_dict_set_item (reply1, "BasebandData", plist_new_data (g_bytes_get_data (bbfw, NULL), g_bytes_get_size (bbfw)));
  g_assert_false (ub_vphone_baseband_check (phone, 1, reply1, &problem));
  g_test_message ("unsigned zip: %s", problem);
  g_clear_pointer (&problem, g_free);
  plist_dict_set_item (reply1, "BasebandData", plist_new_data ("PK", 2));
  g_assert_false (ub_vphone_baseband_check (phone, 1, reply1, &problem));
  g_assert_cmpstr (problem, ==, "BasebandData is not a zip");
  g_clear_pointer (&problem, g_free);
  plist_free (reply0);
  plist_free (reply1);
}

/* The loopback TSS server (Python) signs exactly as ub_test_bbfw_response()
 * (C) says, and its answer goes through our TSS answer parser */
static const char server_script[] =
  "import importlib.util, plistlib, sys\n"
  "spec = importlib.util.spec_from_file_location('tss', sys.argv[1])\n"
  "tss = importlib.util.module_from_spec(spec)\n"
  "spec.loader.exec_module(tss)\n"
  "request = plistlib.loads(sys.stdin.buffer.read())\n"
  "assert tss.is_baseband_request(request)\n"
  "sys.stdout.buffer.write(tss.baseband_answer(request))\n";

static void
check_server (const UbTestBasebandCase *c)
{
  const char *python = g_getenv ("UB_PYTHON");
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "httpd", "ub-test-tss.py", NULL);
  g_autoptr(UbBuildIdentity) identity = ub_test_baseband_load_identity (c);
  g_auto(UbBasebandDevice) device = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GBytes) in = NULL;
  g_autoptr(GBytes) out = NULL;
  char *xml = NULL;
  uint32_t xml_len = 0;
  int status = -1;
  plist_t request, expected, answer;

  if (python == NULL || python[0] == '\0')
    {
      g_test_skip ("UB_PYTHON is not set");
      return;
    }
  ub_test_baseband_device_init (&device, c, TRUE);
  request = ub_baseband_request_new (identity, ECID, &device, &error);
  g_assert_no_error (error);
  plist_to_xml (request, &xml, &xml_len);
  in = g_bytes_new_take (g_strndup (xml, xml_len), xml_len);
  free (xml);
  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                            python, "-c", server_script, script, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate (child, in, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (child));
  answer = ub_tss_response_parse (g_bytes_get_data (out, NULL), g_bytes_get_size (out), &status, &error);
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);
  expected = ub_test_bbfw_response (request);
  g_assert_true (plist_compare_node_value (plist_dict_get_item (answer, "BBTicket"),
                                           plist_dict_get_item (expected, "BBTicket")));
  {
    g_autofree char *keys = ub_test_baseband_sorted_keys (plist_dict_get_item (answer, "BasebandFirmware"));
    g_autofree char *expected_keys = ub_test_baseband_sorted_keys (plist_dict_get_item (expected, "BasebandFirmware"));
    plist_t ours = plist_dict_get_item (expected, "BasebandFirmware");
    g_auto(GStrv) names = g_strsplit (keys, " ", -1);

    g_assert_cmpstr (keys, ==, expected_keys);
    for (guint i = 0; names[i] != NULL; i++)
      g_assert_true (plist_compare_node_value (plist_dict_get_item (plist_dict_get_item (answer, "BasebandFirmware"), names[i]),
                                               plist_dict_get_item (ours, names[i])));
  }
  g_assert_true (ub_baseband_response_check (answer, c->chip_id, &error));
  plist_free (request);
  plist_free (expected);
  plist_free (answer);
}

static void
test_server (void)
{
  check_server (&ub_test_baseband_ice16);
  check_server (&ub_test_baseband_mav20);
}

static void
test_vphone_ice16 (void)
{
  check_vphone (&ub_test_baseband_ice16, "iPhone9,3");
}

static void
test_vphone_mav20 (void)
{
  check_vphone (&ub_test_baseband_mav20, "iPhone13,2");
}

/* Through ub_tss_send_async() to the loopback TSS server, as the handler
 * sends it: the answer has no ApImg4Ticket, only the BBTicket and blobs */
typedef struct
{
  GMainLoop *loop;
  plist_t    response;
  GError    *error;
} Sent;

static void
on_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Sent *sent = user_data;
  g_autoptr(GBytes) ticket = ub_tss_send_finish (result, &sent->response, &sent->error);

  g_main_loop_quit (sent->loop);
}

static void
test_send (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ub-baseband-XXXXXX", NULL);
  g_autoptr(UbTestHttpd) server = NULL;
  g_autofree char *url = NULL;
  g_autoptr(UbBuildIdentity) identity = ub_test_baseband_load_identity (&ub_test_baseband_mav20);
  g_auto(UbBasebandDevice) device = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) ticket = NULL;
  plist_t request, node;
  Sent sent = { NULL };
  uint64_t len = 0;

  server = ub_test_httpd_start (dir, NULL, NULL);
  url = ub_test_httpd_url (server, "/ticket/TSS/controller?action=2");
  g_setenv ("UNBRICK_TSS_URL", url, TRUE);
  g_setenv ("no_proxy", "127.0.0.1,localhost", TRUE);
  ub_test_baseband_device_init (&device, &ub_test_baseband_mav20, TRUE);
  request = ub_baseband_request_new (identity, ECID, &device, &error);
  g_assert_no_error (error);
  sent.loop = g_main_loop_new (NULL, FALSE);
  ub_tss_send_async (request, NULL, on_sent, &sent);
  g_main_loop_run (sent.loop);
  g_main_loop_unref (sent.loop);
  g_unsetenv ("UNBRICK_TSS_URL");
  g_assert_nonnull (sent.response);
  g_clear_error (&sent.error);
  g_assert_true (ub_baseband_response_check (sent.response, ub_test_baseband_mav20.chip_id, &error));
  g_assert_no_error (error);
  ticket = ub_test_bbfw_ticket (ub_test_baseband_mav20.chip_id, device.snum, device.nonce);
  node = plist_dict_get_item (sent.response, "BBTicket");
  g_assert_cmpmem (plist_get_data_ptr (node, &len), len, g_bytes_get_data (ticket, NULL), g_bytes_get_size (ticket));
  plist_free (sent.response);
  plist_free (request);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/baseband/server", test_server);
  g_test_add_func ("/baseband/send", test_send);
  g_test_add_func ("/baseband/vphone/ice16", test_vphone_ice16);
  g_test_add_func ("/baseband/vphone/mav20", test_vphone_mav20);
  return g_test_run ();
}
