/* ub-cli-backup.c — unbrick-cli backup
 *
 * Backs up a phone that still starts (UbBackupJob) into DIR/UDID; DIR is
 * the wizard's backup folder unless --to says otherwise. Without --udid, the
 * one phone running iOS that is connected. On a terminal a single line shows
 * percent, bytes, speed, time left and what is happening; otherwise a line
 * every few seconds, or with --json-progress one JSON object per update on
 * stdout. The backup's folder is printed on stdout at the end. Ctrl-C stops
 * the backup; what was copied is kept, marked incomplete.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <math.h>
#include <stdio.h>

#include "ub-cli.h"

#define SPEED_WEIGHT 0.25

typedef struct
{
  GMainLoop    *loop;
  GCancellable *cancellable;
  gboolean      json;
  UbCliStatusLine status;   /* the progress line on stderr */
  gint64        start;
  gint64        last_tick;
  guint64       last_bytes;
  double        speed;
  gboolean      ok;
  GError       *error;
} Run;

static gboolean
on_signal (gpointer data)
{
  Run *run = data;

  g_debug ("Interrupted: stopping the backup");
  g_cancellable_cancel (run->cancellable);
  return G_SOURCE_CONTINUE;
}

static void
update_speed (Run     *run,
              guint64  bytes,
              gint64   now)
{
  double seconds = (now - run->last_tick) / (double)G_USEC_PER_SEC;

  if (run->last_tick != 0 && seconds > 0 && bytes >= run->last_bytes)
    {
      double sample = (bytes - run->last_bytes) / seconds;

      run->speed = run->speed == 0 ? sample : run->speed + SPEED_WEIGHT * (sample - run->speed);
    }
  run->last_tick = now;
  run->last_bytes = bytes;
}

/* "42%  1.2 GB · 35.1 MB/s · about 3 minutes left · Copying the iPhone’s data…" */
static char *
progress_line (Run        *run,
               double      fraction,
               guint64     bytes,
               const char *status,
               gint64      now)
{
  gint64 left = -1;
  g_autofree char *transfer = NULL;

  if (fraction >= 0.05 && fraction < 1.0)
    left = (gint64)ceil ((now - run->start) / (double)G_USEC_PER_SEC * (1.0 - fraction) / fraction);
  transfer = ub_transfer_text_dup (bytes, 0, run->speed, left);
  if (fraction < 0)
    return g_strdup_printf ("%s · %s", transfer, status ? status : "");
  return g_strdup_printf ("%3d%%  %s · %s", (int)(fraction * 100), transfer, status ? status : "");
}

static void
print_json_progress (double      fraction,
                     guint64     bytes,
                     const char *status)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "state");
  json_builder_add_string_value (b, "running");
  json_builder_set_member_name (b, "fraction");
  json_builder_add_double_value (b, fraction);
  json_builder_set_member_name (b, "bytes");
  json_builder_add_int_value (b, (gint64)bytes);
  ub_cli_json_add_string (b, "status", status);
  json_builder_end_object (b);
  node = json_builder_get_root (b);
  ub_cli_print_json (node, FALSE);
}

static void
on_progress (double      fraction,
             guint64     bytes,
             const char *status,
             gpointer    user_data)
{
  Run *run = user_data;
  gint64 now = g_get_monotonic_time ();
  g_autofree char *line = NULL;

  update_speed (run, bytes, now);
  if (run->json)
    {
      print_json_progress (fraction, bytes, status);
      return;
    }
  line = progress_line (run, fraction, bytes, status, now);
  ub_cli_status_line_show (&run->status, line);
}

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Run *run = user_data;

  run->ok = ub_backup_run_finish (result, &run->error);
  g_main_loop_quit (run->loop);
}

static int
exit_code_for (const GError *error)
{
  if (error->domain != UB_ERROR)
    return UB_CLI_EXIT_FAILED;
  switch (error->code)
    {
    case UB_ERROR_NO_SPACE:
      return UB_CLI_EXIT_NO_SPACE;
    case UB_ERROR_TIMED_OUT:
      return UB_CLI_EXIT_TIMEOUT;
    case UB_ERROR_PERMISSION_DENIED:
      return UB_CLI_EXIT_PERMISSION;
    default:
      return UB_CLI_EXIT_FAILED;
    }
}

static void
print_json_result (const char   *path,
                   const GError *error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "state");
  json_builder_add_string_value (b, error == NULL ? "done" : "failed");
  ub_cli_json_add_string (b, "path", path);
  if (error != NULL)
    {
      ub_cli_json_add_string (b, "error", error->message);
      json_builder_set_member_name (b, "cancelled");
      json_builder_add_boolean_value (b, g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED));
    }
  json_builder_end_object (b);
  node = json_builder_get_root (b);
  ub_cli_print_json (node, FALSE);
}

static int
report (Run        *run,
        const char *path)
{
  ub_cli_status_line_end (&run->status);
  if (run->json)
    print_json_result (path, run->ok ? NULL : run->error);
  if (run->ok)
    {
      if (!run->json)
        printf ("%s\n", path);
      return UB_CLI_EXIT_OK;
    }
  fprintf (stderr, "unbrick-cli: %s\n", run->error->message);
  if (g_error_matches (run->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return UB_CLI_EXIT_FAILED;
  return exit_code_for (run->error);
}

static int
run_backup (const char *udid,
            const char *folder,
            gboolean    json)
{
  Run run = { g_main_loop_new (NULL, FALSE), g_cancellable_new (), json, };
  g_autofree char *path = ub_backup_dup_path (udid, folder);
  guint sigint = g_unix_signal_add (SIGINT, on_signal, &run);
  guint sigterm = g_unix_signal_add (SIGTERM, on_signal, &run);
  int exit_code;

  ub_cli_status_line_init (&run.status);
  run.start = g_get_monotonic_time ();
  ub_backup_run_async (udid, folder, run.cancellable, on_progress, &run, NULL, on_done, &run);
  g_main_loop_run (run.loop);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  exit_code = report (&run, path);
  g_main_loop_unref (run.loop);
  g_object_unref (run.cancellable);
  ub_cli_status_line_clear (&run.status);
  g_clear_error (&run.error);
  return exit_code;
}

/* The one phone running iOS, when no --udid is given */
static char *
find_udid (int *exit_code)
{
  g_autoptr(GPtrArray) devices = ub_cli_list_devices ();
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  *exit_code = UB_CLI_EXIT_FAILED;
  if (devices == NULL)
    return NULL;
  for (guint i = 0; i < devices->len; i++)
    {
      UbDevice *device = g_ptr_array_index (devices, i);

      if (ub_device_get_mode (device) == UB_DEVICE_MODE_NORMAL && ub_device_get_udid (device) != NULL)
        g_ptr_array_add (found, device);
    }
  if (found->len == 1)
    return g_strdup (ub_device_get_udid (g_ptr_array_index (found, 0)));
  if (found->len == 0)
    {
      fprintf (stderr, "unbrick-cli: %s\n", _("No iPhone running iOS is connected. A backup needs a phone that "
                                              "still starts; connect it with a cable and unlock it."));
      return NULL;
    }
  fprintf (stderr, "unbrick-cli: %s\n", _("Several phones are connected; choose one with --udid:"));
  for (guint i = 0; i < found->len; i++)
    {
      g_autofree char *line = ub_cli_device_to_line (g_ptr_array_index (found, i));

      fprintf (stderr, "  %s\n", line);
    }
  *exit_code = UB_CLI_EXIT_USAGE;
  return NULL;
}

int
ub_cli_backup (int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *udid = NULL;
  g_autofree char *to = NULL;
  g_autofree char *default_folder = ub_backup_dup_default_folder ();
  g_autofree char *summary = NULL;
  gboolean json = FALSE;
  int exit_code;
  GOptionEntry entries[] = {
    { "udid", 'u', 0, G_OPTION_ARG_STRING, &udid, N_("The phone to back up (default: the one connected)"), N_("UDID") },
    { "to", 't', 0, G_OPTION_ARG_FILENAME, &to, N_("Put the backup in DIR/UDID"), N_("DIR") },
    { "json-progress", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print progress and the result as JSON, one object per line"), NULL },
    { NULL }
  };

  /* TRANSLATORS: %s is a folder */
  summary = g_strdup_printf (_("Back up an iPhone that still starts, as iTunes and idevicebackup2 do, into "
                               "DIR/UDID (default DIR: %s). An earlier backup there is brought up to date. "
                               "The iPhone must be unlocked and trust this computer; if it encrypts its "
                               "backups, the backup stays encrypted with its password. Ctrl-C stops the "
                               "backup and keeps what was copied, marked incomplete."), default_folder);
  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return ub_cli_usage_error (context, error->message);
  if (argc != 1)
    return ub_cli_usage_error (context, _("“backup” takes no arguments besides its options"));
  if (udid == NULL && (udid = find_udid (&exit_code)) == NULL)
    return exit_code;
  return run_backup (udid, to, json);
}
