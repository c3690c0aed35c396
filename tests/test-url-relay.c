/* test-url-relay.c — URLAsset and StreamedImageDecryptionKey fetches
 * (ub-url-relay.c) against a loopback HTTPS server (tests/httpd/ub-test-wkms.py)
 * whose certificate a test CA signed
 *
 * GET: body, headers and status passed through, an error status too; POST:
 * the body and every extra header reach the server (which refuses a request
 * without its token); refused: http://, another method, a header with a line
 * break, an answer or a request body over 1 MiB, an untrusted certificate;
 * a server that stalls ends with a timeout.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "ub-core.h"
#include "ub-error.h"
#include "ub-test-httpd.h"
#include "ub-url-relay.h"

static UbTestHttpd *server;
static char        *ca_path;

static plist_t
arguments (const char *path)
{
  plist_t args = plist_new_dict ();
  g_autofree char *url = ub_test_httpd_url (server, path);

  plist_dict_set_item (args, "RequestURL", plist_new_string (url));
  return args;
}

static plist_t
fetch (plist_t    args,
       gboolean   post,
       GError   **error)
{
  plist_t reply = ub_url_relay_fetch (args, post, NULL, error);

  plist_free (args);
  return reply;
}

static const char *
item_string (plist_t     dict,
             const char *key)
{
  plist_t node = plist_dict_get_item (dict, key);

  g_assert_nonnull (node);
  g_assert_cmpint (plist_get_node_type (node), ==, PLIST_STRING);
  return plist_get_string_ptr (node, NULL);
}

static char *
body_text (plist_t reply)
{
  plist_t node = plist_dict_get_item (reply, "ResponseBody");
  uint64_t len = 0;
  const char *data;

  g_assert_nonnull (node);
  g_assert_cmpint (plist_get_node_type (node), ==, PLIST_DATA);
  data = plist_get_data_ptr (node, &len);
  return g_strndup (data, (gsize)len);
}

static guint64
status_of (plist_t reply)
{
  uint64_t status = 0;
  uint8_t done = 0;

  plist_get_bool_val (plist_dict_get_item (reply, "ResponseBodyDone"), &done);
  g_assert_true (done);
  plist_get_uint_val (plist_dict_get_item (reply, "ResponseStatus"), &status);
  return status;
}

static void
test_get (void)
{
  g_autoptr(GError) error = NULL;
  plist_t reply = fetch (arguments ("/fcs-keys/QUJD="), FALSE, &error);
  plist_t headers;
  g_autofree char *body = NULL;
  g_autofree char *length = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (status_of (reply), ==, 200);
  body = body_text (reply);
  g_assert_cmpstr (body, ==, "-----BEGIN EC PRIVATE KEY-----\ntest key QUJD=\n-----END EC PRIVATE KEY-----\n");
  headers = plist_dict_get_item (reply, "ResponseHeaders");
  g_assert_cmpstr (item_string (headers, "X-Wkms-Test"), ==, "fcs");
  g_assert_cmpstr (item_string (headers, "Content-Type"), ==, "application/x-pem-file");
  length = g_strdup_printf ("%" G_GSIZE_FORMAT, strlen (body));
  g_assert_cmpstr (item_string (headers, "Content-Length"), ==, length);
  plist_free (reply);
}

static void
test_get_status (void)
{
  g_autoptr(GError) error = NULL;
  plist_t reply = fetch (arguments ("/status=404/missing"), FALSE, &error);
  g_autofree char *body = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (status_of (reply), ==, 404);
  body = body_text (reply);
  g_assert_cmpstr (body, ==, "status 404");
  plist_free (reply);
}

static plist_t
post_arguments (const char *token)
{
  plist_t args = arguments ("/keys/fetch");
  plist_t headers = plist_new_dict ();

  if (token != NULL)
    plist_dict_set_item (headers, "X-Device-Token", plist_new_string (token));
  plist_dict_set_item (headers, "X-Extra", plist_new_string ("two words"));
  plist_dict_set_item (headers, "Content-Type", plist_new_string ("application/octet-stream"));
  plist_dict_set_item (args, "RequestAdditionalHeaders", headers);
  plist_dict_set_item (args, "RequestBody", plist_new_data ("request-body\x01", 13));
  plist_dict_set_item (args, "RequestMethod", plist_new_string ("POST"));
  return args;
}

static void
test_post (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  plist_t reply = fetch (post_arguments ("t0k3n"), TRUE, &error);
  g_autofree char *body = NULL;
  JsonObject *object;
  JsonObject *headers;

  g_assert_no_error (error);
  g_assert_cmpuint (status_of (reply), ==, 200);
  body = body_text (reply);
  g_assert_true (json_parser_load_from_data (parser, body, -1, &error));
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (object, "body"), ==, "request-body\x01");
  headers = json_object_get_object_member (object, "headers");
  g_assert_cmpstr (json_object_get_string_member (headers, "x-device-token"), ==, "t0k3n");
  g_assert_cmpstr (json_object_get_string_member (headers, "x-extra"), ==, "two words");
  plist_free (reply);
}

/* The server checks the token: without it, its refusal reaches the phone */
static void
test_post_refused (void)
{
  g_autoptr(GError) error = NULL;
  plist_t reply = fetch (post_arguments (NULL), TRUE, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (status_of (reply), ==, 403);
  plist_free (reply);
}

static void
expect_refused (plist_t  args,
                gboolean post,
                int      code)
{
  g_autoptr(GError) error = NULL;
  plist_t reply = fetch (args, post, &error);

  g_assert_null (reply);
  g_assert_error (error, UB_ERROR, code);
  g_test_message ("refused: %s", error->message);
}

static void
test_refused (void)
{
  g_autofree char *https = ub_test_httpd_url (server, "/fcs-keys/x");
  g_autofree char *http = g_strdup_printf ("http%s", https + 5);
  plist_t args = plist_new_dict ();
  plist_t headers = plist_new_dict ();
  g_autofree char *big = g_malloc0 (UB_URL_RELAY_MAX_BODY + 1);

  plist_dict_set_item (args, "RequestURL", plist_new_string (http));
  expect_refused (args, FALSE, UB_ERROR_NOT_SUPPORTED);
  expect_refused (plist_new_dict (), FALSE, UB_ERROR_PROTOCOL);
  args = arguments ("/fcs-keys/x");
  plist_dict_set_item (args, "RequestMethod", plist_new_string ("PUT"));
  expect_refused (args, FALSE, UB_ERROR_PROTOCOL);
  args = post_arguments ("t0k3n");
  plist_dict_set_item (headers, "X-A", plist_new_string ("a\r\nX-B: b"));
  plist_dict_set_item (args, "RequestAdditionalHeaders", headers);
  expect_refused (args, TRUE, UB_ERROR_PROTOCOL);
  args = post_arguments ("t0k3n");
  plist_dict_set_item (args, "RequestBody", plist_new_data (big, UB_URL_RELAY_MAX_BODY + 1));
  expect_refused (args, TRUE, UB_ERROR_PROTOCOL);
  expect_refused (arguments ("/big=2000000/x"), FALSE, UB_ERROR_INVALID_DATA);
}

static void
test_untrusted (void)
{
  g_unsetenv ("UNBRICK_TEST_CA_FILE");
  expect_refused (arguments ("/fcs-keys/x"), FALSE, UB_ERROR_UNTRUSTED_CERTIFICATE);
  g_setenv ("UNBRICK_TEST_CA_FILE", ca_path, TRUE);
}

/* 60 s at UNBRICK_TIME_SCALE=10: 6 s */
static void
test_stall (void)
{
  gint64 start = g_get_monotonic_time ();

  expect_refused (arguments ("/stall/x"), FALSE, UB_ERROR_TIMED_OUT);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 20 * G_USEC_PER_SEC);
}

static void
test_cancel (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  plist_t args = arguments ("/stall/x");

  g_cancellable_cancel (cancellable);
  g_assert_null (ub_url_relay_fetch (args, FALSE, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  plist_free (args);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *certs = NULL;
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  dir = g_dir_make_tmp ("ub-url-relay-XXXXXX", &error);
  g_assert_no_error (error);
  certs = g_build_filename (dir, "certs", NULL);
  if (!ub_test_make_certs (certs))
    {
      g_test_skip ("no openssl command to make test certificates");
      return g_test_run ();
    }
  cert = g_build_filename (certs, "server.pem", NULL);
  key = g_build_filename (certs, "server.key", NULL);
  ca_path = g_build_filename (certs, "ca.pem", NULL);
  g_setenv ("UNBRICK_TEST_CA_FILE", ca_path, TRUE);
  server = ub_test_httpd_start (dir, cert, key);

  g_test_add_func ("/unbrick/url-relay/get", test_get);
  g_test_add_func ("/unbrick/url-relay/get-status", test_get_status);
  g_test_add_func ("/unbrick/url-relay/post", test_post);
  g_test_add_func ("/unbrick/url-relay/post-refused", test_post_refused);
  g_test_add_func ("/unbrick/url-relay/refused", test_refused);
  g_test_add_func ("/unbrick/url-relay/untrusted", test_untrusted);
  g_test_add_func ("/unbrick/url-relay/stall", test_stall);
  g_test_add_func ("/unbrick/url-relay/cancel", test_cancel);
  status = g_test_run ();
  ub_test_httpd_stop (server);
  g_free (ca_path);
  return status;
}
