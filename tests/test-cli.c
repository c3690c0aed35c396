/* test-cli.c — unbrick-cli as a script would use it, against the virtual iPhone
 *
 * Runs as the child of vphone (an iPhone X starting in DFU mode); spawns the
 * real unbrick-cli ($UB_CLI) and checks its output and exit codes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ub-test-cli.h"
#include "ub-test-device.h"

static void
test_devices_json (void)
{
  g_auto(UbTestCliRun) run = { 0 };
  g_autoptr(JsonNode) root = NULL;
  JsonObject *device;

  g_assert_cmpint (ub_test_cli (&run, "devices", "--json", NULL), ==, 0);
  root = ub_test_parse_json (run.out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (root)), ==, 1);
  device = json_array_get_object_element (json_node_get_array (root), 0);
  g_assert_cmpstr (json_object_get_string_member (device, "mode"), ==, "dfu");
  g_assert_cmpstr (json_object_get_string_member (device, "ecid"), ==, "0x001A2B3C4D5E6F70");
  g_assert_cmpstr (json_object_get_string_member (device, "product_type"), ==, "iPhone10,3");
  g_assert_cmpstr (json_object_get_string_member (device, "cpid"), ==, "0x8015");
  g_assert_cmpstr (json_object_get_string_member (device, "usb_product_id"), ==, "0x1227");
  g_assert_true (json_object_get_boolean_member (device, "has_ap_nonce"));

  g_assert_cmpint (ub_test_cli (&run, "devices", NULL), ==, 0);
  g_assert_nonnull (strstr (run.out, "DFU mode"));
  g_assert_nonnull (strstr (run.out, "iPhone X"));
}

static void
test_wait (void)
{
  g_autoptr(UbVphoneClient) phone = ub_test_vphone ();
  g_auto(UbTestCliRun) run = { 0 };
  g_autoptr(GError) error = NULL;
  GPid pid;
  int out_fd, status;
  const char *argv[] = { g_getenv ("UB_CLI"), "wait", "--mode", "normal", "--timeout", "60", NULL };

  /* Already there: at once */
  g_assert_cmpint (ub_test_cli (&run, "wait", "--mode", "dfu", "--timeout", "5", NULL), ==, 0);
  g_assert_nonnull (strstr (run.out, "0x001A2B3C4D5E6F70"));
  /* Never comes: a distinct code */
  g_assert_cmpint (ub_test_cli (&run, "wait", "--mode", "recovery", "--timeout", "2", NULL), ==, 4);
  g_assert_nonnull (strstr (run.err, "no phone arrived in this mode: Recovery mode"));
  /* Another phone's ECID */
  g_assert_cmpint (ub_test_cli (&run, "wait", "--mode", "dfu", "--ecid", "0x1234", "--timeout", "2", NULL), ==, 4);

  /* Arrives while waiting */
  g_spawn_async_with_pipes (NULL, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                            &pid, NULL, &out_fd, NULL, &error);
  g_assert_no_error (error);
  ub_test_wait (500);
  ub_test_vphone_run (phone, "mode normal");
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  g_spawn_close_pid (pid);
  close (out_fd);

  ub_test_vphone_run (phone, "mode dfu");
  g_assert_cmpint (ub_test_cli (&run, "wait", "--mode", "dfu", "--json", "--timeout", "20", NULL), ==, 0);
  g_assert_nonnull (strstr (run.out, "\"mode\":\"dfu\""));
}

static void
test_guide_and_models (void)
{
  g_auto(UbTestCliRun) run = { 0 };
  g_autoptr(JsonNode) guide = NULL;
  g_autoptr(JsonNode) models = NULL;
  JsonArray *steps;

  g_assert_cmpint (ub_test_cli (&run, "guide", "iPhone X", "--json", NULL), ==, 0);
  guide = ub_test_parse_json (run.out);
  steps = json_object_get_array_member (json_node_get_object (guide), "steps");
  g_assert_cmpuint (json_array_get_length (steps), ==, 6);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (steps, 3), "seconds"), ==, 10);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (steps, 5), "hold"), ==,
                   "volume-down");

  g_assert_cmpint (ub_test_cli (&run, "guide", "d101ap", "--kind", "force-restart", NULL), ==, 0);
  g_assert_nonnull (strstr (run.out, "Side button and Volume Down"));
  g_assert_cmpint (ub_test_cli (&run, "guide", "iPod9,1", "--kind", "recovery", NULL), ==, 0);
  g_assert_nonnull (strstr (run.out, "Top button and Volume Down"));

  g_assert_cmpint (ub_test_cli (&run, "models", "--json", NULL), ==, 0);
  models = ub_test_parse_json (run.out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (models)), ==, 180);
}

static void
test_bad_input (void)
{
  g_auto(UbTestCliRun) run = { 0 };

  g_assert_cmpint (ub_test_cli (&run, "guide", "Galaxy S24", NULL), ==, 3);
  g_assert_nonnull (strstr (run.err, "No model matches"));
  g_assert_cmpint (ub_test_cli (&run, "guide", "iPhone", NULL), ==, 3);
  g_assert_nonnull (strstr (run.err, "different buttons"));
  g_assert_cmpint (ub_test_cli (&run, "guide", "iPad8,1", "--kind", "dfu-assisted", NULL), ==, 1);
  g_assert_cmpint (ub_test_cli (&run, "wait", NULL), ==, 2);
  g_assert_cmpint (ub_test_cli (&run, "wait", "--mode", "sleepy", NULL), ==, 2);
  g_assert_cmpint (ub_test_cli (&run, "wait", "--mode", "dfu", "--timeout", "-3", NULL), ==, 2);
  g_assert_cmpint (ub_test_cli (&run, "frobnicate", NULL), ==, 2);
  g_assert_cmpint (ub_test_cli (&run, "--help", NULL), ==, 0);
  g_assert_nonnull (strstr (run.out, "Exit status"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_assert_nonnull (g_getenv ("UB_CLI"));

  g_test_add_func ("/unbrick/cli/devices-json", test_devices_json);
  g_test_add_func ("/unbrick/cli/wait", test_wait);
  g_test_add_func ("/unbrick/cli/guide-and-models", test_guide_and_models);
  g_test_add_func ("/unbrick/cli/bad-input", test_bad_input);

  return g_test_run ();
}
