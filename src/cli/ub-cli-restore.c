/* ub-cli-restore.c — unbrick-cli restore
 *
 * Restores a phone in DFU or recovery mode with a firmware file, from the
 * signature to the phone restarting into the new iOS. An erase needs
 * --i-understand-this-erases-everything, which is the permission to erase
 * for this phone's ECID (ub-consent.c). A terminal shows one progress line;
 * --json-progress prints one JSON object per change on stdout. Ctrl-C
 * stops it only until the first boot loader is sent.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <stdio.h>

#include "ub-cli.h"

typedef struct
{
  GMainLoop       *loop;
  GCancellable    *cancellable;
  UbRestoreJob    *job;
  gboolean         json;
  UbCliStatusLine  status;
  gboolean         done;
  gboolean         ok;
  GError          *error;
} Run;

static gboolean
on_signal (gpointer data)
{
  Run *run = data;

  if (ub_restore_job_get_can_cancel (run->job))
    {
      g_debug ("Interrupted: stopping the restore");
      g_cancellable_cancel (run->cancellable);
    }
  else
    {
      ub_cli_status_line_end (&run->status);
      fprintf (stderr, "%s\n", _("The restore cannot be stopped now: the iPhone is starting the restore "
                                 "system. Do not unplug it."));
    }
  return G_SOURCE_CONTINUE;
}

static void
print_json_progress (UbRestoreJob *job)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (b);
  ub_cli_json_add_string (b, "state", "running");
  ub_cli_json_add_string (b, "stage", ub_restore_stage_to_string (ub_restore_job_get_stage (job)));
  json_builder_set_member_name (b, "fraction");
  json_builder_add_double_value (b, ub_restore_job_get_fraction (job));
  ub_cli_json_add_string (b, "status", ub_restore_job_get_status (job));
  json_builder_set_member_name (b, "can_cancel");
  json_builder_add_boolean_value (b, ub_restore_job_get_can_cancel (job));
  json_builder_end_object (b);
  node = json_builder_get_root (b);
  ub_cli_print_json (node, FALSE);
}

static void
on_progress (UbRestoreJob *job,
             GParamSpec   *pspec,
             Run          *run)
{
  g_autofree char *line = NULL;

  if (!g_str_equal (pspec->name, "status") && !g_str_equal (pspec->name, "fraction"))
    return;
  if (run->json)
    {
      if (g_str_equal (pspec->name, "status"))
        print_json_progress (job);
      return;
    }
  line = g_strdup_printf ("%3d%%  %s", (int)(ub_restore_job_get_fraction (job) * 100),
                          ub_restore_job_get_status (job) ? ub_restore_job_get_status (job) : "");
  ub_cli_status_line_show (&run->status, line);
}

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Run *run = user_data;

  run->ok = ub_restore_job_run_finish (UB_RESTORE_JOB (source), result, &run->error);
  run->done = TRUE;
  g_main_loop_quit (run->loop);
}

static int
exit_code_for (const GError *error)
{
  if (error->domain != UB_ERROR)
    return UB_CLI_EXIT_FAILED;
  switch (error->code)
    {
    case UB_ERROR_NOT_SIGNED: return UB_CLI_EXIT_NOT_SIGNED;
    case UB_ERROR_TIMED_OUT: return UB_CLI_EXIT_TIMEOUT;
    case UB_ERROR_PERMISSION_DENIED: return UB_CLI_EXIT_PERMISSION;
    case UB_ERROR_NETWORK:
    case UB_ERROR_UNTRUSTED_CERTIFICATE: return UB_CLI_EXIT_NETWORK;
    case UB_ERROR_WRONG_FIRMWARE: return UB_CLI_EXIT_WRONG_FIRMWARE;
    case UB_ERROR_ERASE_REQUIRED: return UB_CLI_EXIT_NO_SUCH_RESTORE;
    case UB_ERROR_NO_SPACE: return UB_CLI_EXIT_NO_SPACE;
    default: return UB_CLI_EXIT_FAILED;
    }
}

static int
report (Run *run)
{
  const char *log = ub_restore_job_get_log_path (run->job);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  ub_cli_status_line_end (&run->status);
  if (run->json)
    {
      json_builder_begin_object (b);
      ub_cli_json_add_string (b, "state", run->ok ? "restored" : "failed");
      ub_cli_json_add_string (b, "stage", ub_restore_stage_to_string (ub_restore_job_get_stage (run->job)));
      ub_cli_json_add_string (b, "error", run->error ? run->error->message : NULL);
      ub_cli_json_add_string (b, "log", log);
      json_builder_end_object (b);
      node = json_builder_get_root (b);
      ub_cli_print_json (node, FALSE);
    }
  if (log != NULL)
    /* TRANSLATORS: %s is a file */
    fprintf (stderr, _("The restore log is in %s\n"), log);
  if (!run->ok)
    {
      fprintf (stderr, "unbrick-cli: %s\n", run->error->message);
      return exit_code_for (run->error);
    }
  printf ("%s\n", _("Your iPhone has been restored. It restarts into iOS by itself; follow the setup on its "
                    "screen."));
  printf ("%s\n", _("If problems remain, restore again and set the iPhone up as new, without restoring the "
                    "backup. If they still remain, it is hardware: an Apple Authorized Service Provider can "
                    "check it."));
  return UB_CLI_EXIT_OK;
}

static UbDevice *
find_phone (UbDeviceMonitor *monitor,
            gboolean         has_ecid,
            guint64          ecid,
            int             *exit_code)
{
  GListModel *list = ub_device_monitor_get_devices (monitor);
  UbDevice *found = NULL;
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(UbDevice) device = g_list_model_get_item (list, i);
      UbDeviceMode mode = ub_device_get_mode (device);

      if ((mode != UB_DEVICE_MODE_DFU && mode != UB_DEVICE_MODE_RECOVERY) || !ub_device_has_ecid (device) ||
          (has_ecid && ub_device_get_ecid (device) != ecid))
        continue;
      n++;
      g_set_object (&found, device);
    }
  if (n == 1)
    return found;
  g_clear_object (&found);
  fprintf (stderr, "unbrick-cli: %s\n",
           n == 0 ? _("No phone in DFU or recovery mode is connected (or not the one with that ECID).")
                  : _("Several phones are in DFU or recovery mode; choose one with --ecid."));
  *exit_code = n == 0 ? UB_CLI_EXIT_FAILED : UB_CLI_EXIT_USAGE;
  return NULL;
}

static int
run_restore (UbDeviceMonitor *monitor,
             UbDevice        *phone,
             const char      *ipsw,
             UbRestoreKind    kind,
             gboolean         json)
{
  g_autoptr(UbConsent) consent = NULL;
  Run run = { g_main_loop_new (NULL, FALSE), g_cancellable_new (), NULL, json, };
  guint sigint = g_unix_signal_add (SIGINT, on_signal, &run);
  guint sigterm = g_unix_signal_add (SIGTERM, on_signal, &run);
  int exit_code;

  /* The flag on the command line is the permission, for this phone only */
  if (kind == UB_RESTORE_KIND_ERASE)
    consent = ub_consent_new_erase (ub_device_get_ecid (phone), UB_CONSENT_SOURCE_CLI);
  ub_cli_status_line_init (&run.status);
  run.job = ub_restore_job_new (monitor, phone, ipsw, kind, consent);
  g_signal_connect (run.job, "notify", G_CALLBACK (on_progress), &run);
  ub_restore_job_run_async (run.job, run.cancellable, on_done, &run);
  if (!run.done)
    g_main_loop_run (run.loop);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  exit_code = report (&run);
  g_clear_object (&run.job);
  g_clear_object (&run.cancellable);
  g_main_loop_unref (run.loop);
  ub_cli_status_line_clear (&run.status);
  g_clear_error (&run.error);
  return exit_code;
}

int
ub_cli_restore (int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(UbDeviceMonitor) monitor = NULL;
  g_autoptr(UbDevice) phone = NULL;
  g_autofree char *ipsw = NULL, *ecid_s = NULL;
  gboolean update = FALSE, erase = FALSE, understood = FALSE, json = FALSE, has_ecid = FALSE;
  guint64 ecid = 0;
  int exit_code = UB_CLI_EXIT_FAILED;
  GOptionEntry entries[] = {
    { "ipsw", 'i', 0, G_OPTION_ARG_FILENAME, &ipsw, N_("The firmware file"), N_("FILE") },
    { "ecid", 'e', 0, G_OPTION_ARG_STRING, &ecid_s, N_("The phone with this ECID (hexadecimal)"), N_("ECID") },
    { "update", 0, 0, G_OPTION_ARG_NONE, &update, N_("Reinstall iOS and keep the data"), NULL },
    { "erase", 0, 0, G_OPTION_ARG_NONE, &erase, N_("Erase everything and install iOS"), NULL },
    { "i-understand-this-erases-everything", 0, 0, G_OPTION_ARG_NONE, &understood,
      N_("Required with --erase"), NULL },
    { "json-progress", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print progress as JSON lines on stdout"), NULL },
    { NULL }
  };

  g_option_context_set_summary (context, _("Restore a phone in DFU or recovery mode with a firmware file: "
                                           "signing by Apple, the boot loaders, the restore system and "
                                           "iOS itself, until the phone restarts into it."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return ub_cli_usage_error (context, error->message);
  if (argc > 1 || ipsw == NULL)
    return ub_cli_usage_error (context, _("“restore” needs --ipsw FILE"));
  if (update == erase)
    return ub_cli_usage_error (context, _("Choose --update (keeps the data) or --erase"));
  if (erase && !understood)
    return ub_cli_usage_error (context, _("--erase deletes everything on the phone; add "
                                          "--i-understand-this-erases-everything to confirm"));
  if (ecid_s != NULL && !(has_ecid = ub_cli_parse_ecid (ecid_s, &ecid)))
    return ub_cli_usage_error (context, _("--ecid must be a hexadecimal number"));

  if ((monitor = ub_cli_start_monitor ()) == NULL)
    return UB_CLI_EXIT_FAILED;
  if ((phone = find_phone (monitor, has_ecid, ecid, &exit_code)) != NULL)
    exit_code = run_restore (monitor, phone, ipsw, erase ? UB_RESTORE_KIND_ERASE : UB_RESTORE_KIND_UPDATE, json);
  ub_device_monitor_stop (monitor);
  return exit_code;
}
