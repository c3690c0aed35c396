/* test-tss-updater-send.c — co-processor requests through the loopback
 * TSS server (tests/httpd/ub-test-tss.py, updater_answer)
 *
 * An SE request and a pass-through (Vinyl) request built from the 23C71
 * identity are sent with ub_tss_send_async; the answers carry the tickets
 * asked for, made from the request's nonce as the virtual phone expects
 * them, and a server that answers without the ticket is caught.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "ub-build-manifest.h"
#include "ub-error.h"
#include "ub-test-httpd.h"
#include "ub-tss-updater.h"
#include "ub-tss.h"

typedef struct
{
  GAsyncResult *result;
} Sent;

static void
on_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ((Sent *) user_data)->result = g_object_ref (result);
}

static UbBuildIdentity *
load_identity (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "manifests",
                                                 "iPhone13,2-iPhone13,3_23C71.plist", NULL);
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr(GError) error = NULL;
  g_autoptr(UbBuildManifest) manifest = NULL;

  g_assert_true (g_file_get_contents (path, &data, &len, &error));
  manifest = ub_build_manifest_new_from_data ((const guint8 *) data, len, &error);
  g_assert_no_error (error);
  return g_object_ref (ub_build_manifest_get_identity (manifest, 0));
}

static plist_t
nonce_node (void)
{
  guint8 nonce[32];

  for (guint i = 0; i < sizeof nonce; i++)
    nonce[i] = 0xA0 + i;
  return plist_new_data ((const char *) nonce, sizeof nonce);
}

static plist_t
se_arguments (void)
{
  plist_t arguments = plist_new_dict ();
  plist_t info = plist_new_dict ();

  plist_dict_set_item (info, "SE,ChipID", plist_new_uint (0xD2));
  plist_dict_set_item (info, "SE,ID", plist_new_data ("12345678", 8));
  plist_dict_set_item (info, "SE,Nonce", nonce_node ());
  plist_dict_set_item (info, "SE,RootKeyIdentifier", plist_new_data ("root key identifier.............", 32));
  plist_dict_set_item (arguments, "MessageArgType", plist_new_string ("FirmwareResponseData"));
  plist_dict_set_item (arguments, "MessageArgUpdaterName", plist_new_string ("SE"));
  plist_dict_set_item (arguments, "MessageArgInfo", info);
  return arguments;
}

static plist_t
vinyl_arguments (void)
{
  plist_t arguments = plist_new_dict ();
  plist_t dgr = plist_new_dict ();
  plist_t tags = plist_new_dict ();
  plist_t response_tags = plist_new_array ();

  plist_dict_set_item (dgr, "@BBTicket", plist_new_bool (1));
  plist_dict_set_item (dgr, "@eUICC,Ticket", plist_new_bool (1));
  plist_dict_set_item (dgr, "eUICC,ChipID", plist_new_uint (6));
  plist_array_append_item (response_tags, plist_new_string ("eUICC,Ticket"));
  plist_dict_set_item (tags, "ResponseTags", response_tags);
  plist_dict_set_item (arguments, "MessageArgType", plist_new_string ("FirmwareResponseData"));
  plist_dict_set_item (arguments, "MessageArgUpdaterName", plist_new_string ("Vinyl"));
  plist_dict_set_item (arguments, "MessageArgInfo", plist_new_dict ());
  plist_dict_set_item (arguments, "DeviceGeneratedRequest", dgr);
  plist_dict_set_item (arguments, "DeviceGeneratedTags", tags);
  return arguments;
}

/* The server's ticket: 30 81 80, then SHA-256 blocks of
 * "ub-test-updater\0" NAME "\0" NONCE COUNTER */
static GBytes *
expected_ticket (const char *name, plist_t nonce)
{
  GByteArray *out = g_byte_array_new ();
  static const guint8 header[] = { 0x30, 0x81, 0x80 };
  uint64_t len = 0;
  const char *bytes = nonce ? plist_get_data_ptr (nonce, &len) : "";

  g_byte_array_append (out, header, sizeof header);
  for (guint8 block = 0; out->len < 131; block++)
    {
      g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
      guint8 digest[32];
      gsize size = sizeof digest;

      g_checksum_update (sum, (const guint8 *) "ub-test-updater", 16);
      g_checksum_update (sum, (const guint8 *) name, strlen (name) + 1);
      g_checksum_update (sum, (const guint8 *) bytes, len);
      g_checksum_update (sum, &block, 1);
      g_checksum_get_digest (sum, digest, &size);
      g_byte_array_append (out, digest, size);
    }
  g_byte_array_set_size (out, 131);
  return g_byte_array_free_to_bytes (out);
}

/* Sends the request for @arguments to MODE; checks the answer */
static void
send_and_check (const char *mode, plist_t arguments, gboolean signed_ok)
{
  g_autoptr(UbBuildIdentity) identity = load_identity ();
  g_autoptr(UbTestHttpd) server = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ub-tss-updater-XXXXXX", NULL);
  g_autofree char *path = g_strdup_printf ("/%s/TSS/controller?action=2", mode);
  g_autofree char *url = NULL;
  g_auto(UbTssUpdaterPlan) plan = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) ap_ticket = NULL, expected = NULL;
  plist_t request = ub_tss_updater_request_new (identity, arguments, &plan, &error);
  plist_t response = NULL, ticket;
  Sent sent = { NULL };

  g_assert_no_error (error);
  server = ub_test_httpd_start (dir, NULL, NULL);
  url = ub_test_httpd_url (server, path);
  g_setenv ("UNBRICK_TSS_URL", url, TRUE);
  g_setenv ("no_proxy", "127.0.0.1,localhost", TRUE);
  ub_tss_send_async (request, NULL, on_sent, &sent);
  while (sent.result == NULL)
    g_main_context_iteration (NULL, TRUE);
  ap_ticket = ub_tss_send_finish (sent.result, &response, &error);
  g_object_unref (sent.result);
  g_unsetenv ("UNBRICK_TSS_URL");
  g_assert_no_error (error);
  g_assert_null (ap_ticket);
  g_assert_nonnull (response);
  g_assert_true (ub_tss_updater_check_response (&plan, response, &error) == signed_ok);
  if (signed_ok)
    {
      g_assert_no_error (error);
      ticket = plist_dict_get_item (response, plan.ticket_key);
      expected = expected_ticket (plan.ticket_key, plist_dict_get_item (request, "SE,Nonce"));
      g_assert_cmpmem (plist_get_data_ptr (ticket, &(uint64_t) { 0 }), 131,
                       g_bytes_get_data (expected, NULL), 131);
    }
  else
    g_assert_error (error, UB_ERROR, UB_ERROR_NOT_SIGNED);
  plist_free (response);
  plist_free (request);
  plist_free (arguments);
  g_rmdir (dir);
}

static void
test_se (void)
{
  send_and_check ("ticket", se_arguments (), TRUE);
}

static void
test_pass_through (void)
{
  send_and_check ("ticket", vinyl_arguments (), TRUE);
}

static void
test_no_ticket (void)
{
  send_and_check ("no-ticket", se_arguments (), FALSE);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tss-updater-send/se", test_se);
  g_test_add_func ("/tss-updater-send/pass-through", test_pass_through);
  g_test_add_func ("/tss-updater-send/no-ticket", test_no_ticket);
  return g_test_run ();
}
