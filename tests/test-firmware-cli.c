/* test-firmware-cli.c — unbrick-cli firmware and download MODEL, against a loopback server
 *
 * The real unbrick-cli ($UB_CLI) looks a model's images up in an ipsw.me-style
 * catalog served on 127.0.0.1 (ub-test-firmware), falls back on its cache
 * when the server is gone, and downloads the latest signed image with the
 * catalog's size and checksums into the firmware folder the wizard uses.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <utime.h>

#include "ub-test-cli.h"
#include "ub-test-files.h"
#include "ub-test-firmware.h"

static UbTestFirmwareServer *server;
static char                 *cache;   /* $XDG_CACHE_HOME, for unbrick-cli too */

static void
forget_cache (void)
{
  g_autofree char *dir = g_build_filename (cache, "unbrick", NULL);

  ub_test_remove_tree (dir);
  ub_test_firmware_server_write_catalog (server, "", NULL);
}

static char *
file_sha256 (const char *path)
{
  g_autofree char *contents = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (guchar *)contents, len);
}

static void
test_firmware_json (void)
{
  g_auto(UbTestCliRun) run = { 0 };
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object, *first;
  JsonArray *firmwares;

  forget_cache ();
  g_assert_cmpint (ub_test_cli (&run, "firmware", "iPhone10,3", "--json", NULL), ==, 0);
  root = ub_test_parse_json (run.out);
  object = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (object, "recommended"), ==, "15C114");
  g_assert_false (json_object_get_boolean_member (object, "offline"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object, "model"),
                                                  "product_type"), ==, "iPhone10,3");
  firmwares = json_object_get_array_member (object, "firmwares");
  g_assert_cmpuint (json_array_get_length (firmwares), ==, 2);
  first = json_array_get_object_element (firmwares, 0);
  g_assert_cmpstr (json_object_get_string_member (first, "sha256"), ==, server->sha256);
  g_assert_cmpint (json_object_get_int_member (first, "size"), ==, (gint64)server->size);
  g_assert_cmpstr (json_object_get_string_member (first, "signed"), ==, "yes");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (firmwares, 1), "signed"), ==,
                   "no");
}

static void
test_firmware_text (void)
{
  g_auto(UbTestCliRun) run = { 0 };

  forget_cache ();
  g_assert_cmpint (ub_test_cli (&run, "firmware", "d22ap", NULL), ==, 0);
  g_assert_nonnull (strstr (run.out, "Latest signed: iOS 11.2 (15C114)"));
  g_assert_nonnull (strstr (run.out, "* 11.2"));
  g_assert_nonnull (strstr (run.out, "not signed"));
  g_assert_nonnull (strstr (run.out, "checked just now"));
  g_assert_cmpint (ub_test_cli (&run, "firmware", "Nokia 3310", NULL), ==, 3);
  g_assert_cmpint (ub_test_cli (&run, "firmware", NULL), ==, 2);
}

/* The catalog's server is gone: a stale cache is used and called offline;
 * without one, the exit status says "network" */
static void
test_firmware_offline (void)
{
  g_auto(UbTestCliRun) run = { 0 };
  g_autofree char *api = g_strdup (g_getenv ("UNBRICK_IPSW_API_URL"));
  g_autofree char *cached = g_build_filename (cache, "unbrick", "catalog", "ipsw-me-iPhone10,3.json", NULL);
  struct utimbuf two_days_ago = { .actime = time (NULL) - 2 * 86400, .modtime = time (NULL) - 2 * 86400 };

  forget_cache ();
  g_assert_cmpint (ub_test_cli (&run, "firmware", "iPhone10,3", NULL), ==, 0);
  g_assert_cmpint (utime (cached, &two_days_ago), ==, 0);
  g_setenv ("UNBRICK_IPSW_API_URL", "http://127.0.0.1:9", TRUE);
  g_assert_cmpint (ub_test_cli (&run, "firmware", "iPhone10,3", NULL), ==, 0);
  g_assert_nonnull (strstr (run.out, "checked 2 days ago (offline"));
  g_assert_nonnull (strstr (run.out, "Latest signed: iOS 11.2 (15C114)"));

  forget_cache ();
  g_assert_cmpint (ub_test_cli (&run, "firmware", "iPhone10,3", NULL), ==, 8);
  g_assert_nonnull (strstr (run.err, "The list of firmware could not be fetched."));
  g_setenv ("UNBRICK_IPSW_API_URL", api, TRUE);
}

/* download MODEL: the latest signed image into the wizard's firmware folder,
 * or --to DIR; the IPSW reader accepts what arrived */
static void
test_download_model (void)
{
  g_auto(UbTestCliRun) run = { 0 };
  g_autofree char *expected = g_build_filename (cache, "unbrick", "firmware", UB_TEST_FIRMWARE_NAME, NULL);
  g_autofree char *sha256 = NULL;
  g_autofree char *to = NULL;
  g_autofree char *to_file = NULL;
  g_autoptr(GError) error = NULL;

  forget_cache ();
  g_assert_cmpint (ub_test_cli (&run, "download", "iPhone10,3", NULL), ==, 0);
  g_assert_nonnull (strstr (run.out, expected));
  g_assert_nonnull (strstr (run.err, "iOS 11.2 (15C114)"));
  sha256 = file_sha256 (expected);
  g_assert_cmpstr (sha256, ==, server->sha256);
  g_assert_cmpint (ub_test_cli (&run, "ipsw", expected, "--model", "iPhone10,3", NULL), ==, 0);

  to = g_dir_make_tmp ("ub-test-to-XXXXXX", &error);
  g_assert_no_error (error);
  to_file = g_build_filename (to, UB_TEST_FIRMWARE_NAME, NULL);
  g_assert_cmpint (ub_test_cli (&run, "download", "d22ap", "--to", to, "--json-progress", NULL), ==, 0);
  g_assert_true (g_file_test (to_file, G_FILE_TEST_IS_REGULAR));
  ub_test_remove_tree (to);
}

static void
test_download_model_refused (void)
{
  g_auto(UbTestCliRun) run = { 0 };
  g_autofree char *expected = g_build_filename (cache, "unbrick", "firmware", UB_TEST_FIRMWARE_NAME, NULL);
  g_autofree char *wrong = g_strnfill (64, 'a');

  forget_cache ();
  g_assert_cmpint (ub_test_cli (&run, "download", "iPhone10,3", "--build", "99Z999", NULL), ==, 1);
  g_assert_nonnull (strstr (run.err, "no firmware with build 99Z999"));
  g_assert_cmpint (ub_test_cli (&run, "download", "iPhone10,3", "--sha256", wrong, NULL), ==, 2);
  g_assert_cmpint (ub_test_cli (&run, "download", "https://example.com/a.ipsw", "--build", "15C114", NULL), ==, 2);
  g_assert_cmpint (ub_test_cli (&run, "download", "Nokia 3310", NULL), ==, 3);

  /* the catalog promises another checksum than the server's file has */
  forget_cache ();
  ub_test_firmware_server_write_catalog (server, "", wrong);
  g_assert_cmpint (ub_test_cli (&run, "download", "iPhone10,3", NULL), ==, 6);
  g_assert_false (g_file_test (expected, G_FILE_TEST_EXISTS));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  server = ub_test_firmware_server_start ();
  cache = ub_test_isolate_network ();

  g_test_add_func ("/unbrick/firmware-cli/firmware-json", test_firmware_json);
  g_test_add_func ("/unbrick/firmware-cli/firmware-text", test_firmware_text);
  g_test_add_func ("/unbrick/firmware-cli/firmware-offline", test_firmware_offline);
  g_test_add_func ("/unbrick/firmware-cli/download-model", test_download_model);
  g_test_add_func ("/unbrick/firmware-cli/download-model-refused", test_download_model_refused);

  ret = g_test_run ();
  ub_test_firmware_server_stop (server);
  ub_test_remove_tree (cache);
  g_free (cache);
  return ret;
}
