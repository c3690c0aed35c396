/* ub-cli-phone.c — unbrick-cli info, enter-recovery, exit-recovery
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "ub-cli.h"

#define DEFAULT_RECOVERY_WAIT_S (UB_LOCKDOWN_RECOVERY_WAIT_MS / 1000)

typedef struct
{
  GMainLoop    *loop;
  GAsyncResult *result;
} Sync;

static void
on_sync_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Sync *sync = user_data;

  sync->result = g_object_ref (result);
  g_main_loop_quit (sync->loop);
}

/* Runs the main loop until the async call started by @start is done. */
#define RUN_SYNC(sync, call) \
  G_STMT_START { \
    (sync)->loop = g_main_loop_new (NULL, FALSE); \
    call; \
    g_main_loop_run ((sync)->loop); \
    g_main_loop_unref ((sync)->loop); \
  } G_STMT_END

static gboolean
selected (UbDevice     *device,
          const char   *udid,
          gboolean      has_ecid,
          guint64       ecid,
          UbDeviceMode  mode)
{
  if (mode != UB_DEVICE_MODE_UNKNOWN && ub_device_get_mode (device) != mode)
    return FALSE;
  if (udid != NULL && g_strcmp0 (ub_device_get_udid (device), udid) != 0)
    return FALSE;
  if (has_ecid && !(ub_device_has_ecid (device) && ub_device_get_ecid (device) == ecid))
    return FALSE;
  return TRUE;
}

/* The one phone that matches, or %NULL with the reason on stderr. */
static UbDevice *
find_phone (const char   *udid,
            gboolean      has_ecid,
            guint64       ecid,
            UbDeviceMode  mode,
            int          *exit_code)
{
  g_autoptr(GPtrArray) devices = ub_cli_list_devices ();
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  *exit_code = UB_CLI_EXIT_FAILED;
  if (devices == NULL)
    return NULL;
  for (guint i = 0; i < devices->len; i++)
    if (selected (g_ptr_array_index (devices, i), udid, has_ecid, ecid, mode))
      g_ptr_array_add (found, g_ptr_array_index (devices, i));
  if (found->len == 1)
    return g_object_ref (g_ptr_array_index (found, 0));
  if (found->len == 0 && mode == UB_DEVICE_MODE_UNKNOWN)
    fprintf (stderr, "unbrick-cli: %s\n", udid || has_ecid ? _("That phone is not connected.")
                                                           : _("No Apple device is connected."));
  else if (found->len == 0)
    /* TRANSLATORS: %s is a mode such as "recovery mode" */
    fprintf (stderr, _("unbrick-cli: no phone in this mode is connected: %s\n"), ub_device_mode_get_label (mode));
  else
    {
      fprintf (stderr, "unbrick-cli: %s\n", _("Several phones are connected; choose one with --udid or --ecid:"));
      for (guint i = 0; i < found->len; i++)
        {
          g_autofree char *line = ub_cli_device_to_line (g_ptr_array_index (found, i));
          fprintf (stderr, "  %s\n", line);
        }
      *exit_code = UB_CLI_EXIT_USAGE;
    }
  return NULL;
}

static UbLockdownPaired *
query_paired (UbDevice  *device,
              GError   **error)
{
  Sync sync = { 0 };
  UbLockdownPaired *paired;

  RUN_SYNC (&sync, ub_lockdown_query_paired_async (ub_device_get_udid (device), NULL, on_sync_done, &sync));
  paired = ub_lockdown_query_paired_finish (sync.result, error);
  g_object_unref (sync.result);
  return paired;
}

static void
add_paired_json (JsonBuilder            *b,
                 const UbLockdownPaired *paired,
                 const GError           *error)
{
  json_builder_set_member_name (b, "paired");
  json_builder_add_boolean_value (b, paired != NULL);
  ub_cli_json_add_string (b, "pair_error", error ? error->message : NULL);
  if (paired == NULL)
    return;
  if (paired->battery_level >= 0)
    {
      json_builder_set_member_name (b, "battery_level");
      json_builder_add_int_value (b, paired->battery_level);
      json_builder_set_member_name (b, "battery_charging");
      json_builder_add_boolean_value (b, paired->battery_charging);
    }
  if (paired->has_will_encrypt)
    {
      json_builder_set_member_name (b, "backup_encrypted");
      json_builder_add_boolean_value (b, paired->will_encrypt);
    }
  if (paired->has_data_used)
    {
      json_builder_set_member_name (b, "data_used");
      json_builder_add_int_value (b, (gint64)paired->data_used);
    }
}

static void
print_info_json (UbDevice               *device,
                 const UbLockdownPaired *paired,
                 const GError           *error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  const char *note = ub_backup_mode_note (ub_device_get_mode (device));

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "device");
  json_builder_add_value (b, ub_cli_device_to_json (device));
  if (ub_device_get_mode (device) == UB_DEVICE_MODE_NORMAL)
    add_paired_json (b, paired, error);
  json_builder_set_member_name (b, "backup_possible");
  json_builder_add_boolean_value (b, note == NULL);
  ub_cli_json_add_string (b, "backup_note", note);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  ub_cli_print_json (root, TRUE);
}

static void
print_paired_text (const UbLockdownPaired *paired,
                   const GError           *error)
{
  if (paired == NULL)
    {
      /* TRANSLATORS: why battery and backup facts are missing, e.g. "Unlock your iPhone and tap Trust" */
      printf (_("  Battery and backups: not available — %s\n"), error->message);
      return;
    }
  if (paired->battery_level >= 0)
    /* TRANSLATORS: %d is a percentage; the second %s is ", charging" or empty */
    printf (_("  Battery: %d %%%s\n"), paired->battery_level, paired->battery_charging ? _(", charging") : "");
  if (paired->has_will_encrypt)
    printf ("  %s\n", paired->will_encrypt ? _("Backups: encrypted (a backup password is set)")
                                           : _("Backups: not encrypted"));
  if (paired->has_data_used)
    {
      g_autofree char *size = g_format_size (paired->data_used);
      /* TRANSLATORS: %s is a size such as "35.2 GB" */
      printf (_("  Data on the phone: %s\n"), size);
    }
}

static void
print_info_text (UbDevice               *device,
                 const UbLockdownPaired *paired,
                 const GError           *error)
{
  g_autofree char *line = ub_cli_device_to_line (device);
  const char *note = ub_backup_mode_note (ub_device_get_mode (device));

  printf ("%s\n", line);
  if (ub_device_get_name (device) != NULL)
    printf (_("  Name: %s\n"), ub_device_get_name (device));
  if (ub_device_get_build_version (device) != NULL)
    printf (_("  iOS: %s (%s)\n"), ub_device_get_product_version (device), ub_device_get_build_version (device));
  if (ub_device_get_mode (device) == UB_DEVICE_MODE_NORMAL)
    print_paired_text (paired, error);
  if (note != NULL)
    printf ("  %s\n", note);
}

int
ub_cli_info (int    argc,
             char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(UbDevice) device = NULL;
  g_autoptr(UbLockdownPaired) paired = NULL;
  g_autofree char *udid = NULL;
  g_autofree char *ecid_s = NULL;
  gboolean json = FALSE, has_ecid = FALSE;
  guint64 ecid = 0;
  int exit_code;
  GOptionEntry entries[] = {
    { "udid", 'u', 0, G_OPTION_ARG_STRING, &udid, N_("The phone running iOS with this UDID"), N_("UDID") },
    { "ecid", 'e', 0, G_OPTION_ARG_STRING, &ecid_s, N_("The phone with this ECID, in any mode"), N_("ECID") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };

  g_option_context_set_summary (context, _("Show what a connected phone tells: model, mode, iOS version, ECID; "
                                           "for a phone running iOS also battery and backup encryption, "
                                           "which need the phone to trust this computer."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return ub_cli_usage_error (context, error->message);
  if (argc > 1)
    return ub_cli_usage_error (context, _("“info” takes no arguments"));
  if (ecid_s != NULL && !(has_ecid = ub_cli_parse_ecid (ecid_s, &ecid)))
    return ub_cli_usage_error (context, _("--ecid must be a hexadecimal number"));

  device = find_phone (udid, has_ecid, ecid, UB_DEVICE_MODE_UNKNOWN, &exit_code);
  if (device == NULL)
    return exit_code;
  if (ub_device_get_mode (device) == UB_DEVICE_MODE_NORMAL && ub_device_get_udid (device) != NULL)
    paired = query_paired (device, &error);
  if (json)
    print_info_json (device, paired, error);
  else
    print_info_text (device, paired, error);
  return UB_CLI_EXIT_OK;
}

static int
exit_code_for (const GError *error)
{
  if (g_error_matches (error, UB_ERROR, UB_ERROR_TIMED_OUT))
    return UB_CLI_EXIT_TIMEOUT;
  if (g_error_matches (error, UB_ERROR, UB_ERROR_PERMISSION_DENIED))
    return UB_CLI_EXIT_PERMISSION;
  return UB_CLI_EXIT_FAILED;
}

static gboolean
parse_wait_options (GOptionContext  *context,
                    int             *argc,
                    char          ***argv,
                    int              timeout_s,
                    int             *exit_code)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    *exit_code = ub_cli_usage_error (context, error->message);
  else if (*argc > 1)
    *exit_code = ub_cli_usage_error (context, _("This command takes no arguments"));
  else if (timeout_s <= 0 || timeout_s > 3600)
    *exit_code = ub_cli_usage_error (context, _("--timeout must be between 1 and 3600 seconds"));
  else
    return TRUE;
  return FALSE;
}

int
ub_cli_enter_recovery (int    argc,
                       char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(UbDevice) device = NULL;
  g_autofree char *udid = NULL;
  int timeout_s = DEFAULT_RECOVERY_WAIT_S, exit_code;
  gboolean no_wait = FALSE;
  Sync sync = { 0 };
  GOptionEntry entries[] = {
    { "udid", 'u', 0, G_OPTION_ARG_STRING, &udid, N_("The phone with this UDID"), N_("UDID") },
    { "timeout", 't', 0, G_OPTION_ARG_INT, &timeout_s, N_("Wait at most SECONDS for recovery mode (default 120)"), N_("SECONDS") },
    { "no-wait", 0, 0, G_OPTION_ARG_NONE, &no_wait, N_("Do not wait for the phone to arrive in recovery mode"), NULL },
    { NULL }
  };

  g_option_context_set_summary (context, _("Restart a phone running iOS into recovery mode, without buttons. "
                                           "Nothing is erased. On iOS 14.5 and later the phone must trust "
                                           "this computer (it asks)."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!parse_wait_options (context, &argc, &argv, timeout_s, &exit_code))
    return exit_code;
  device = find_phone (udid, FALSE, 0, UB_DEVICE_MODE_NORMAL, &exit_code);
  if (device == NULL)
    return exit_code;

  RUN_SYNC (&sync, ub_lockdown_enter_recovery_async (ub_device_get_udid (device), NULL, on_sync_done, &sync));
  if (!ub_lockdown_enter_recovery_finish (sync.result, &error))
    {
      g_object_unref (sync.result);
      fprintf (stderr, "unbrick-cli: %s\n", error->message);
      return exit_code_for (error);
    }
  g_object_unref (sync.result);
  printf ("%s\n", _("The iPhone is restarting into recovery mode."));
  fflush (stdout);
  if (no_wait)
    return UB_CLI_EXIT_OK;
  return ub_cli_wait_for_mode (UB_DEVICE_MODE_RECOVERY, ub_device_has_ecid (device),
                               ub_device_get_ecid (device), timeout_s, FALSE);
}

int
ub_cli_exit_recovery (int    argc,
                      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(UbDevice) device = NULL;
  g_autofree char *ecid_s = NULL;
  int timeout_s = DEFAULT_RECOVERY_WAIT_S, exit_code;
  gboolean no_wait = FALSE, has_ecid = FALSE;
  guint64 ecid = 0;
  Sync sync = { 0 };
  GOptionEntry entries[] = {
    { "ecid", 'e', 0, G_OPTION_ARG_STRING, &ecid_s, N_("The phone with this ECID (hexadecimal)"), N_("ECID") },
    { "timeout", 't', 0, G_OPTION_ARG_INT, &timeout_s, N_("Wait at most SECONDS for iOS to start (default 120)"), N_("SECONDS") },
    { "no-wait", 0, 0, G_OPTION_ARG_NONE, &no_wait, N_("Do not wait for iOS to start"), NULL },
    { NULL }
  };

  g_option_context_set_summary (context, _("Get a phone out of a recovery-mode loop: let it start iOS on its "
                                           "own again and restart it. Nothing is erased."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!parse_wait_options (context, &argc, &argv, timeout_s, &exit_code))
    return exit_code;
  if (ecid_s != NULL && !(has_ecid = ub_cli_parse_ecid (ecid_s, &ecid)))
    return ub_cli_usage_error (context, _("--ecid must be a hexadecimal number"));
  device = find_phone (NULL, has_ecid, ecid, UB_DEVICE_MODE_RECOVERY, &exit_code);
  if (device == NULL)
    return exit_code;

  RUN_SYNC (&sync, ub_recovery_send_commands_async (device, ub_recovery_get_exit_commands (), NULL,
                                                    on_sync_done, &sync));
  if (!ub_recovery_send_commands_finish (sync.result, &error))
    {
      g_object_unref (sync.result);
      fprintf (stderr, "unbrick-cli: %s\n", error->message);
      return g_error_matches (error, UB_ERROR, UB_ERROR_PERMISSION_DENIED) ? UB_CLI_EXIT_PERMISSION
                                                                           : UB_CLI_EXIT_FAILED;
    }
  g_object_unref (sync.result);
  printf ("%s\n", _("The phone is restarting and will try to start iOS."));
  fflush (stdout);
  if (no_wait)
    return UB_CLI_EXIT_OK;
  exit_code = ub_cli_wait_for_mode (UB_DEVICE_MODE_NORMAL, ub_device_has_ecid (device),
                                    ub_device_get_ecid (device), timeout_s, FALSE);
  if (exit_code == UB_CLI_EXIT_TIMEOUT)
    fprintf (stderr, "%s\n", _("If the phone shows the recovery screen again, iOS itself is damaged: reinstall it "
                               "with Update, which keeps your data."));
  return exit_code;
}
