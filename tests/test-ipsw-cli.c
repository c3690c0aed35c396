/* test-ipsw-cli.c — unbrick-cli ipsw as a script would use it
 *
 * Spawns the real unbrick-cli ($UB_CLI) on synthetic firmware files and
 * checks its output and exit codes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <plist/plist.h>
#include <stdlib.h>
#include <string.h>

#include "ub-test-cli.h"
#include "ub-test-ipsw.h"

#define IBSS "Firmware/dfu/iBSS.d22.RELEASE.im4p"

static char *tmp_dir;
static char *iphone_x;

/* unbrick-cli ipsw ARGS… */
#define cli(run, ...) ub_test_cli (run, "ipsw", __VA_ARGS__)

static JsonObject *
parse (JsonParser *parser,
       const char *text)
{
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

static void
test_summary (void)
{
  g_auto(UbTestCliRun) run = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;
  JsonArray *identities;

  g_assert_cmpint (cli (&run, iphone_x, NULL), ==, 0);
  g_assert_nonnull (strstr (run.out, "iOS 11.2 (15C114)"));
  g_assert_nonnull (strstr (run.out, "d22ap    0x8015/0x06  erase   Customer Erase Install (IPSW)"));

  g_assert_cmpint (cli (&run, iphone_x, "--json", NULL), ==, 0);
  root = parse (parser, run.out);
  g_assert_cmpstr (json_object_get_string_member (root, "product_version"), ==, "11.2");
  g_assert_cmpstr (json_object_get_string_member (root, "build_version"), ==, "15C114");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "product_types")), ==, 2);
  g_assert_true (json_object_get_boolean_member (root, "restore_plist"));
  identities = json_object_get_array_member (root, "identities");
  g_assert_cmpuint (json_array_get_length (identities), ==, 4);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (identities, 3), "behavior"),
                   ==, "update");
  g_assert_false (json_object_has_member (root, "model"));
}

static void
test_model (void)
{
  g_auto(UbTestCliRun) run = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;

  g_assert_cmpint (cli (&run, iphone_x, "--model", "iPhone10,3", "--json", NULL), ==, 0);
  root = parse (parser, run.out);
  g_assert_true (json_object_get_boolean_member (root, "fits"));
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (root, "erase"), "identity"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (root, "update"), "identity"), ==, 3);

  g_assert_cmpint (cli (&run, iphone_x, "--model", "d221ap", "--update", NULL), ==, 0);
  g_assert_nonnull (strstr (run.out, "Update restore: identity 1 (Customer Upgrade Install (IPSW))"));

  g_assert_cmpint (cli (&run, iphone_x, "--model", "iPhone13,2", NULL), ==, 9);
  g_assert_nonnull (strstr (run.out, "This firmware is for other models (iPhone10,6, iPhone10,3); "
                                     "your phone is an iPhone13,2."));
  g_assert_cmpint (cli (&run, iphone_x, "--model", "iPhone X", NULL), ==, 3);   /* two boards */
  g_assert_cmpint (cli (&run, iphone_x, "--model", "Nokia 3310", NULL), ==, 3);
}

/* The iPhone X firmware without its update identities */
static char *
write_erase_only (void)
{
  UbTestIpsw *fixture = ub_test_ipsw_new ();
  g_autoptr(GBytes) bytes = ub_test_ipsw_load_manifest (UB_TEST_MANIFEST_IPHONE_X);
  g_autoptr(GBytes) edited = NULL;
  plist_t root = NULL, list;
  char *xml = NULL;
  uint32_t len = 0;
  char *path;

  plist_from_xml (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &root);
  list = plist_dict_get_item (root, "BuildIdentities");
  plist_array_remove_item (list, 3);
  plist_array_remove_item (list, 1);
  plist_to_xml (root, &xml, &len);
  plist_free (root);
  edited = g_bytes_new (xml, len);
  free (xml);
  ub_test_ipsw_add_manifest (fixture, UB_TEST_MANIFEST_IPHONE_X);
  ub_test_ipsw_add_bytes (fixture, "BuildManifest.plist", edited, TRUE);
  path = ub_test_ipsw_write (fixture, tmp_dir, "erase-only.ipsw");
  ub_test_ipsw_free (fixture);
  return path;
}

static void
test_no_update (void)
{
  g_auto(UbTestCliRun) run = { 0 };
  g_autofree char *path = write_erase_only ();

  g_assert_cmpint (cli (&run, path, "--model", "iPhone10,3", NULL), ==, 0);
  g_assert_nonnull (strstr (run.out, "Update restore: This firmware (iOS 11.2) cannot update"));
  g_assert_cmpint (cli (&run, path, "--model", "iPhone10,3", "--update", NULL), ==, 10);
  g_assert_cmpint (cli (&run, path, "--model", "iPhone10,3", "--erase", NULL), ==, 0);
}

static void
test_damaged (void)
{
  g_auto(UbTestCliRun) run = { 0 };
  g_autofree char *text = ub_test_ipsw_write_file (tmp_dir, "text.ipsw", "hello\n", 6);
  UbTestIpsw *fixture = ub_test_ipsw_new ();
  g_autofree char *missing = NULL;

  g_assert_cmpint (cli (&run, text, NULL), ==, 1);
  g_assert_nonnull (strstr (run.err, "not a ZIP archive"));

  ub_test_ipsw_add_manifest (fixture, UB_TEST_MANIFEST_IPHONE_X);
  ub_test_ipsw_remove (fixture, IBSS);
  missing = ub_test_ipsw_write (fixture, tmp_dir, "missing.ipsw");
  ub_test_ipsw_free (fixture);
  g_assert_cmpint (cli (&run, missing, "--model", "iPhone10,3", NULL), ==, 1);
  g_assert_nonnull (strstr (run.out, "lacks 1 file this restore needs (" IBSS ")"));
}

/* --cat writes the component's exact bytes */
static void
test_cat (void)
{
  g_auto(UbTestCliRun) run = { 0 };
  g_autoptr(GBytes) expected = ub_test_ipsw_dummy_content (IBSS);
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, g_getenv ("UB_CLI"),
                                                     "ipsw", iphone_x, "--cat", IBSS, NULL);

  g_assert_no_error (error);
  g_subprocess_communicate (process, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  g_assert_true (g_bytes_equal (out, expected));
  g_assert_cmpint (cli (&run, iphone_x, "--cat", "Firmware/none", NULL), ==, 1);
}

static void
test_usage (void)
{
  g_auto(UbTestCliRun) run = { 0 };

  g_assert_cmpint (cli (&run, "--json", NULL), ==, 2);
  g_assert_cmpint (cli (&run, iphone_x, "--update", NULL), ==, 2);
  g_assert_cmpint (cli (&run, iphone_x, "--model", "iPhone10,3", "--erase", "--update", NULL), ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  if (g_getenv ("UB_CLI") == NULL)
    {
      g_test_skip ("UB_CLI is not set");
      return 77;
    }
  tmp_dir = ub_test_ipsw_make_dir ();
  iphone_x = ub_test_ipsw_write_manifest (tmp_dir, UB_TEST_MANIFEST_IPHONE_X, "iphone-x.ipsw");

  g_test_add_func ("/unbrick/ipsw/cli/summary", test_summary);
  g_test_add_func ("/unbrick/ipsw/cli/model", test_model);
  g_test_add_func ("/unbrick/ipsw/cli/no-update", test_no_update);
  g_test_add_func ("/unbrick/ipsw/cli/damaged", test_damaged);
  g_test_add_func ("/unbrick/ipsw/cli/cat", test_cat);
  g_test_add_func ("/unbrick/ipsw/cli/usage", test_usage);

  ret = g_test_run ();
  ub_test_ipsw_remove_dir (tmp_dir);
  g_free (tmp_dir);
  g_free (iphone_x);
  return ret;
}
