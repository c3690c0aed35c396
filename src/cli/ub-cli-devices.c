/* ub-cli-devices.c — unbrick-cli devices, unbrick-cli wait
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <stdio.h>

#include "ub-cli.h"

#define SETTLE_TIMEOUT_MS 15000
/* usbmuxd lists phones already attached a moment after USB enumeration */
#define MUX_GRACE_MS 500
#define DEFAULT_WAIT_SECONDS 120

static void
add_iboot (JsonBuilder       *b,
           const UbIbootInfo *info)
{
  g_autofree char *cpid = g_strdup_printf ("0x%04x", info->cpid);
  g_autofree char *bdid = (info->have & UB_IBOOT_FIELD_BDID) ? g_strdup_printf ("0x%02x", info->bdid) : NULL;

  ub_cli_json_add_string (b, "cpid", cpid);
  ub_cli_json_add_string (b, "bdid", bdid);
  ub_cli_json_add_string (b, "srtg", info->srtg);
  json_builder_set_member_name (b, "pwned");
  json_builder_add_boolean_value (b, info->pwnd != NULL);
  json_builder_set_member_name (b, "has_ap_nonce");
  json_builder_add_boolean_value (b, info->ap_nonce != NULL);
}

JsonNode *
ub_cli_device_to_json (UbDevice *device)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *ecid = ub_device_dup_ecid_string (device);
  g_autofree char *pid = g_strdup_printf ("0x%04x", ub_device_get_product_id (device));
  const GError *error = ub_device_get_error (device);
  UbModel *model = ub_device_get_model (device);

  json_builder_begin_object (b);
  ub_cli_json_add_string (b, "id", ub_device_get_id (device));
  ub_cli_json_add_string (b, "mode", ub_device_mode_to_string (ub_device_get_mode (device)));
  ub_cli_json_add_string (b, "source", ub_device_get_source (device) == UB_DEVICE_SOURCE_USB ? "usb" : "usbmux");
  ub_cli_json_add_string (b, "usb_product_id", ub_device_get_source (device) == UB_DEVICE_SOURCE_USB ? pid : NULL);
  ub_cli_json_add_string (b, "port", ub_device_get_port_path (device));
  ub_cli_json_add_string (b, "ecid", ecid);
  ub_cli_json_add_string (b, "udid", ub_device_get_udid (device));
  ub_cli_json_add_string (b, "product_type", model ? ub_model_get_product_type (model)
                                                : ub_device_get_product_type (device));
  ub_cli_json_add_string (b, "board", model ? ub_model_get_board (model) : NULL);
  ub_cli_json_add_string (b, "name", model ? ub_model_get_name (model) : NULL);
  ub_cli_json_add_string (b, "device_name", ub_device_get_name (device));
  ub_cli_json_add_string (b, "ios_version", ub_device_get_product_version (device));
  ub_cli_json_add_string (b, "ios_build", ub_device_get_build_version (device));
  if (ub_device_get_iboot_info (device) != NULL)
    add_iboot (b, ub_device_get_iboot_info (device));
  ub_cli_json_add_string (b, "error", error ? error->message : NULL);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

char *
ub_cli_device_to_line (UbDevice *device)
{
  GString *line = g_string_new (NULL);
  g_autofree char *ecid = ub_device_dup_ecid_string (device);
  const UbIbootInfo *info = ub_device_get_iboot_info (device);
  UbModel *model = ub_device_get_model (device);

  g_string_append_printf (line, "%-16s ", ub_device_mode_get_label (ub_device_get_mode (device)));
  if (model != NULL)
    g_string_append_printf (line, "%s (%s, %s)", ub_model_get_name (model),
                            ub_model_get_product_type (model), ub_model_get_board (model));
  else if (ub_device_get_product_type (device) != NULL)
    g_string_append (line, ub_device_get_product_type (device));
  else if (info != NULL)
    /* TRANSLATORS: a device whose chip and board IDs are not in the model table */
    g_string_append_printf (line, _("Unknown Apple device (CPID 0x%04x, BDID 0x%02x)"), info->cpid, info->bdid);
  else
    g_string_append (line, _("Apple device"));
  if (ub_device_get_product_version (device) != NULL)
    g_string_append_printf (line, ", iOS %s", ub_device_get_product_version (device));
  if (ecid != NULL)
    g_string_append_printf (line, "  ECID %s", ecid);
  if (ub_device_get_source (device) == UB_DEVICE_SOURCE_USB)
    g_string_append_printf (line, "  [05ac:%04x, USB %s]", ub_device_get_product_id (device),
                            ub_device_get_port_path (device));
  else
    g_string_append_printf (line, "  [usbmuxd %s]", ub_device_get_udid (device));
  if (ub_device_get_error (device) != NULL)
    g_string_append_printf (line, "\n    %s", ub_device_get_error (device)->message);
  return g_string_free (line, FALSE);
}

typedef struct
{
  GMainLoop       *loop;
  UbDeviceMonitor *monitor;
  gboolean         json;
  gboolean         watch;
  gboolean         timed_out;
  gboolean         grace_over;
  guint            grace_id;
  int              exit_code;
  /* wait */
  UbDeviceMode     mode;
  gboolean         has_ecid;
  guint64          ecid;
} Run;

static gboolean
on_signal (gpointer data)
{
  Run *run = data;

  run->exit_code = UB_CLI_EXIT_FAILED;
  g_main_loop_quit (run->loop);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_timeout (gpointer data)
{
  Run *run = data;

  run->timed_out = TRUE;
  g_main_loop_quit (run->loop);
  return G_SOURCE_REMOVE;
}

static void
run_loop (Run   *run,
          guint  timeout_ms)
{
  guint sigint = g_unix_signal_add (SIGINT, on_signal, run);
  guint sigterm = g_unix_signal_add (SIGTERM, on_signal, run);
  guint timeout = timeout_ms ? g_timeout_add (timeout_ms, on_timeout, run) : 0;

  g_main_loop_run (run->loop);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  if (!run->timed_out && timeout != 0)
    g_source_remove (timeout);
}

static void
print_event (Run        *run,
             const char *what,
             UbDevice   *device)
{
  if (run->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) node = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "event");
      json_builder_add_string_value (b, what);
      json_builder_set_member_name (b, "device");
      json_builder_add_value (b, ub_cli_device_to_json (device));
      json_builder_end_object (b);
      node = json_builder_get_root (b);
      ub_cli_print_json (node, FALSE);
    }
  else
    {
      g_autofree char *line = ub_cli_device_to_line (device);
      GDateTime *now = g_date_time_new_now_local ();
      g_autofree char *stamp = g_date_time_format (now, "%H:%M:%S");

      printf ("%s %s %s\n", stamp, what, line);
      fflush (stdout);
      g_date_time_unref (now);
    }
}

static void on_added (UbDeviceMonitor *monitor, UbDevice *device, Run *run) { print_event (run, "added", device); }
static void on_removed (UbDeviceMonitor *monitor, UbDevice *device, Run *run) { print_event (run, "removed", device); }
static void on_changed (UbDeviceMonitor *monitor, UbDevice *device, Run *run) { print_event (run, "changed", device); }

static void
check_settled (Run *run)
{
  if (run->grace_over && ub_device_monitor_is_settled (run->monitor))
    g_main_loop_quit (run->loop);
}

static void
on_grace_over (gpointer data)
{
  Run *run = data;

  run->grace_id = 0;
  run->grace_over = TRUE;
  check_settled (run);
}

static void
on_enumerated (GObject    *object,
               GParamSpec *pspec,
               Run        *run)
{
  /* "enumerated" may be notified more than once: one grace period */
  if (run->grace_id == 0 && !run->grace_over)
    run->grace_id = g_timeout_add_once (ub_clock_scale_ms (ub_clock_get_default (), MUX_GRACE_MS),
                                        on_grace_over, run);
}
static void on_any_change (UbDeviceMonitor *m, UbDevice *d, Run *run) { check_settled (run); }

static int
print_snapshot (Run *run)
{
  GListModel *list = ub_device_monitor_get_devices (run->monitor);
  guint n = g_list_model_get_n_items (list);
  int exit_code = UB_CLI_EXIT_OK;

  if (run->json)
    {
      g_autoptr(JsonArray) array = json_array_new ();
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(UbDevice) device = g_list_model_get_item (list, i);
          json_array_add_element (array, ub_cli_device_to_json (device));
        }
      json_node_set_array (root, array);
      ub_cli_print_json (root, TRUE);
    }
  else if (n == 0)
    printf ("%s\n", _("No Apple device is connected."));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(UbDevice) device = g_list_model_get_item (list, i);
      g_autofree char *line = ub_cli_device_to_line (device);
      const GError *error = ub_device_get_error (device);

      if (!run->json)
        printf ("%s\n", line);
      if (g_error_matches (error, UB_ERROR, UB_ERROR_PERMISSION_DENIED))
        exit_code = UB_CLI_EXIT_PERMISSION;
    }
  return exit_code;
}

static gboolean
start_monitor (Run *run)
{
  g_autoptr(UbModelDb) db = ub_model_db_new_default ();
  g_autoptr(GError) error = NULL;

  run->loop = g_main_loop_new (NULL, FALSE);
  run->monitor = ub_device_monitor_new (db);
  if (!ub_device_monitor_start (run->monitor, &error))
    {
      fprintf (stderr, "unbrick-cli: %s\n", error->message);
      return FALSE;
    }
  return TRUE;
}

static void
stop_monitor (Run *run)
{
  g_clear_handle_id (&run->grace_id, g_source_remove);
  ub_device_monitor_stop (run->monitor);
  g_clear_object (&run->monitor);
  g_clear_pointer (&run->loop, g_main_loop_unref);
}

int
ub_cli_devices (int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  Run run = { 0 };
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &run.json, N_("Print JSON (with --watch: one object per line)"), NULL },
    { "watch", 'w', 0, G_OPTION_ARG_NONE, &run.watch, N_("Keep running and print every arrival and departure"), NULL },
    { NULL }
  };

  g_option_context_set_summary (context, _("List the Apple devices connected to this computer: "
                                           "mode (DFU, recovery, running iOS), model, ECID."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return ub_cli_usage_error (context, error->message);
  if (argc > 1)
    return ub_cli_usage_error (context, _("“devices” takes no arguments"));
  if (!start_monitor (&run))
    return UB_CLI_EXIT_FAILED;

  if (run.watch)
    {
      g_signal_connect (run.monitor, "device-added", G_CALLBACK (on_added), &run);
      g_signal_connect (run.monitor, "device-removed", G_CALLBACK (on_removed), &run);
      g_signal_connect (run.monitor, "device-changed", G_CALLBACK (on_changed), &run);
      run_loop (&run, 0);
    }
  else
    {
      g_signal_connect (run.monitor, "notify::enumerated", G_CALLBACK (on_enumerated), &run);
      g_signal_connect (run.monitor, "device-added", G_CALLBACK (on_any_change), &run);
      g_signal_connect (run.monitor, "device-changed", G_CALLBACK (on_any_change), &run);
      run_loop (&run, SETTLE_TIMEOUT_MS);
      run.exit_code = print_snapshot (&run);
    }
  stop_monitor (&run);
  return run.exit_code;
}

static gboolean
matches (Run      *run,
         UbDevice *device)
{
  UbDeviceMode mode = ub_device_get_mode (device);

  if (mode != run->mode && !(run->mode == UB_DEVICE_MODE_DFU && mode == UB_DEVICE_MODE_WTF))
    return FALSE;
  if (!run->has_ecid)
    return TRUE;
  return ub_device_has_ecid (device) && ub_device_get_ecid (device) == run->ecid;
}

static void
on_wait_event (UbDeviceMonitor *monitor,
               UbDevice        *device,
               Run             *run)
{
  g_autofree char *line = NULL;

  if (!matches (run, device))
    {
      /* The right mode, but we may not read it: say so rather than wait forever */
      if (run->has_ecid && ub_device_get_mode (device) == run->mode &&
          g_error_matches (ub_device_get_error (device), UB_ERROR, UB_ERROR_PERMISSION_DENIED))
        {
          fprintf (stderr, "unbrick-cli: %s\n", ub_device_get_error (device)->message);
          run->exit_code = UB_CLI_EXIT_PERMISSION;
          g_main_loop_quit (run->loop);
        }
      return;
    }
  if (run->json)
    {
      g_autoptr(JsonNode) node = ub_cli_device_to_json (device);
      ub_cli_print_json (node, FALSE);
    }
  else
    {
      line = ub_cli_device_to_line (device);
      printf ("%s\n", line);
    }
  run->exit_code = UB_CLI_EXIT_OK;
  g_main_loop_quit (run->loop);
}

gboolean
ub_cli_parse_ecid (const char *str,
                   guint64    *out)
{
  const char *digits = g_str_has_prefix (str, "0x") || g_str_has_prefix (str, "0X") ? str + 2 : str;

  /* ECIDs are hexadecimal in every tool; a decimal one (as in SHSH file names) needs "dec:" */
  if (g_str_has_prefix (str, "dec:"))
    return g_ascii_string_to_unsigned (str + 4, 10, 1, G_MAXUINT64, out, NULL);
  return g_ascii_string_to_unsigned (digits, 16, 1, G_MAXUINT64, out, NULL);
}

int
ub_cli_wait (int    argc,
             char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *mode_s = NULL;
  g_autofree char *ecid_s = NULL;
  int timeout_s = DEFAULT_WAIT_SECONDS;
  Run run = { 0 };
  GOptionEntry entries[] = {
    { "mode", 'm', 0, G_OPTION_ARG_STRING, &mode_s, N_("dfu, recovery or normal"), N_("MODE") },
    { "ecid", 'e', 0, G_OPTION_ARG_STRING, &ecid_s, N_("Only this phone (hexadecimal ECID)"), N_("ECID") },
    { "timeout", 't', 0, G_OPTION_ARG_INT, &timeout_s, N_("Give up after SECONDS (default 120)"), N_("SECONDS") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &run.json, N_("Print the device as JSON"), NULL },
    { NULL }
  };

  g_option_context_set_summary (context, _("Wait until a phone is in the given mode. Exits 0 "
                                           "when it is (at once if it already is), 4 on timeout."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return ub_cli_usage_error (context, error->message);
  if (argc > 1 || mode_s == NULL)
    return ub_cli_usage_error (context, _("“wait” needs --mode"));
  if (!ub_device_mode_from_string (mode_s, &run.mode) ||
      (run.mode != UB_DEVICE_MODE_DFU && run.mode != UB_DEVICE_MODE_RECOVERY &&
       run.mode != UB_DEVICE_MODE_NORMAL))
    return ub_cli_usage_error (context, _("--mode must be dfu, recovery or normal"));
  if (ecid_s != NULL && !(run.has_ecid = ub_cli_parse_ecid (ecid_s, &run.ecid)))
    return ub_cli_usage_error (context, _("--ecid must be a hexadecimal number"));
  if (timeout_s <= 0 || timeout_s > 24 * 3600)
    return ub_cli_usage_error (context, _("--timeout must be between 1 and 86400 seconds"));

  return ub_cli_wait_for_mode (run.mode, run.has_ecid, run.ecid, timeout_s, run.json);
}

/**
 * ub_cli_wait_for_mode:
 *
 * Waits until a phone (the one with @ecid, if given) is in @mode, prints it
 * (a line, or JSON) and returns an exit code.
 */
int
ub_cli_wait_for_mode (UbDeviceMode mode,
                      gboolean     has_ecid,
                      guint64      ecid,
                      int          timeout_s,
                      gboolean     json)
{
  Run run = { 0 };

  run.mode = mode;
  run.has_ecid = has_ecid;
  run.ecid = ecid;
  run.json = json;
  if (!start_monitor (&run))
    return UB_CLI_EXIT_FAILED;
  run.exit_code = UB_CLI_EXIT_FAILED;
  g_signal_connect (run.monitor, "device-added", G_CALLBACK (on_wait_event), &run);
  g_signal_connect (run.monitor, "device-changed", G_CALLBACK (on_wait_event), &run);
  g_debug ("Waiting up to %d s for a phone in mode “%s”", timeout_s, ub_device_mode_to_string (mode));
  run_loop (&run, ub_clock_scale_ms (ub_clock_get_default (), (guint)timeout_s * 1000));
  if (run.timed_out)
    {
      /* TRANSLATORS: %s is a mode such as "DFU mode"; %d are seconds */
      fprintf (stderr, _("unbrick-cli: timed out after %d seconds; no phone arrived in this mode: %s\n"),
               timeout_s, ub_device_mode_get_label (run.mode));
      run.exit_code = UB_CLI_EXIT_TIMEOUT;
    }
  stop_monitor (&run);
  return run.exit_code;
}

/**
 * ub_cli_start_monitor:
 *
 * Returns: (transfer full) (nullable): a running device monitor that has
 *   seen every connected device, or %NULL when it cannot start (said on
 *   stderr); stop it with ub_device_monitor_stop()
 */
UbDeviceMonitor *
ub_cli_start_monitor (void)
{
  Run run = { 0 };
  UbDeviceMonitor *monitor;

  if (!start_monitor (&run))
    {
      g_clear_object (&run.monitor);
      g_clear_pointer (&run.loop, g_main_loop_unref);
      return NULL;
    }
  g_signal_connect (run.monitor, "notify::enumerated", G_CALLBACK (on_enumerated), &run);
  g_signal_connect (run.monitor, "device-added", G_CALLBACK (on_any_change), &run);
  g_signal_connect (run.monitor, "device-changed", G_CALLBACK (on_any_change), &run);
  run_loop (&run, SETTLE_TIMEOUT_MS);
  g_signal_handlers_disconnect_by_data (run.monitor, &run);
  g_clear_handle_id (&run.grace_id, g_source_remove);
  monitor = g_steal_pointer (&run.monitor);
  g_clear_pointer (&run.loop, g_main_loop_unref);
  return monitor;
}

/**
 * ub_cli_list_devices:
 *
 * Returns: (transfer full) (nullable): the connected devices once the
 *   monitor has settled, or %NULL when it cannot start (said on stderr)
 */
GPtrArray *
ub_cli_list_devices (void)
{
  g_autoptr(UbDeviceMonitor) monitor = ub_cli_start_monitor ();
  GPtrArray *devices;
  GListModel *list;

  if (monitor == NULL)
    return NULL;
  list = ub_device_monitor_get_devices (monitor);
  devices = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    g_ptr_array_add (devices, g_list_model_get_item (list, i));
  ub_device_monitor_stop (monitor);
  return devices;
}
