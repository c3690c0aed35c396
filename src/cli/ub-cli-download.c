/* ub-cli-download.c — unbrick-cli download, unbrick-cli verify
 *
 * download: one file through UbDownload (resumable, checked while it
 * arrives). On a terminal a single line shows percent, size, speed and time
 * left; otherwise a line every few seconds, or with --json-progress one JSON
 * object per update on stdout. The path of the finished file is printed on
 * stdout. Ctrl-C keeps the part downloaded so far and says how to go on.
 *
 * verify: a local file's SHA-256 and/or SHA-1 against the expected ones.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ub-cli.h"


typedef struct
{
  GMainLoop    *loop;
  GCancellable *cancellable;
  gboolean      json;
  UbCliStatusLine status;   /* the progress line on stderr */
  char         *path;
  GError       *error;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->loop, g_main_loop_unref);
  g_clear_object (&run->cancellable);
  g_clear_pointer (&run->path, g_free);
  ub_cli_status_line_clear (&run->status);
  g_clear_error (&run->error);
}

static gboolean
on_signal (gpointer data)
{
  Run *run = data;

  g_debug ("Interrupted: stopping the download");
  g_cancellable_cancel (run->cancellable);
  return G_SOURCE_CONTINUE;
}

static char *
progress_line (UbDownload *dl)
{
  guint64 received = ub_download_get_received (dl);
  guint64 total = ub_download_get_total (dl);
  g_autofree char *got = g_format_size (received);
  g_autofree char *progress = NULL;

  switch (ub_download_get_state (dl))
    {
    case UB_DOWNLOAD_STATE_CHECKING:
      /* TRANSLATORS: a finished file or the part kept from before is read; %s is a size */
      return received > 0 ? g_strdup_printf (_("Checking… %s"), got) : g_strdup (_("Checking…"));
    case UB_DOWNLOAD_STATE_VERIFYING:
      return g_strdup (_("Verifying…"));
    case UB_DOWNLOAD_STATE_DOWNLOADING:
      /* "42%  1.2 GB of 6.1 GB · 23.4 MB/s · about 2 minutes left" */
      progress = ub_transfer_text_dup (received, total, ub_download_get_speed (dl), ub_download_get_eta (dl));
      if (total == 0)
        return g_steal_pointer (&progress);
      return g_strdup_printf ("%3d%%  %s", (int)(received * 100 / total), progress);
    case UB_DOWNLOAD_STATE_IDLE:
    case UB_DOWNLOAD_STATE_DONE:
    case UB_DOWNLOAD_STATE_FAILED:
    default:
      return NULL;
    }
}

static void
print_json_progress (UbDownload *dl)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "state");
  json_builder_add_string_value (b, ub_download_state_to_string (ub_download_get_state (dl)));
  json_builder_set_member_name (b, "received");
  json_builder_add_int_value (b, (gint64)ub_download_get_received (dl));
  json_builder_set_member_name (b, "total");
  json_builder_add_int_value (b, (gint64)ub_download_get_total (dl));
  json_builder_set_member_name (b, "speed");
  json_builder_add_int_value (b, (gint64)ub_download_get_speed (dl));
  json_builder_set_member_name (b, "eta");
  json_builder_add_int_value (b, ub_download_get_eta (dl));
  json_builder_end_object (b);
  node = json_builder_get_root (b);
  ub_cli_print_json (node, FALSE);
}

static void
on_progress (UbDownload *dl,
             GParamSpec *pspec,
             Run        *run)
{
  g_autofree char *line = NULL;

  if (run->json)
    {
      print_json_progress (dl);
      return;
    }
  line = progress_line (dl);
  ub_cli_status_line_show (&run->status, line);
}

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Run *run = user_data;

  run->path = ub_download_run_finish (UB_DOWNLOAD (source), result, &run->error);
  g_main_loop_quit (run->loop);
}

static int
exit_code_for (const GError *error)
{
  if (error->domain != UB_ERROR)
    return UB_CLI_EXIT_FAILED;
  switch (error->code)
    {
    case UB_ERROR_CHECKSUM:
      return UB_CLI_EXIT_CHECKSUM;
    case UB_ERROR_NO_SPACE:
      return UB_CLI_EXIT_NO_SPACE;
    case UB_ERROR_NETWORK:
    case UB_ERROR_NOT_FOUND:
    case UB_ERROR_UNTRUSTED_CERTIFICATE:
    case UB_ERROR_TIMED_OUT:
      return UB_CLI_EXIT_NETWORK;
    default:
      return UB_CLI_EXIT_FAILED;
    }
}

static void
print_json_result (UbDownload   *dl,
                   const char   *path,
                   const GError *error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "state");
  json_builder_add_string_value (b, path != NULL ? "done" : "failed");
  json_builder_set_member_name (b, path != NULL ? "path" : "error");
  json_builder_add_string_value (b, path != NULL ? path : error->message);
  json_builder_set_member_name (b, path != NULL ? "sha256" : "cancelled");
  if (path != NULL)
    json_builder_add_string_value (b, ub_download_get_sha256 (dl));
  else
    json_builder_add_boolean_value (b, g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED));
  json_builder_end_object (b);
  node = json_builder_get_root (b);
  ub_cli_print_json (node, FALSE);
}

static int
report (Run        *run,
        UbDownload *dl)
{
  g_autofree char *part = g_strconcat (ub_download_get_path (dl), ".part", NULL);

  ub_cli_status_line_end (&run->status);
  if (run->json)
    print_json_result (dl, run->path, run->error);
  if (run->path != NULL)
    {
      if (!run->json)
        printf ("%s\n", run->path);
      return UB_CLI_EXIT_OK;
    }
  if (g_error_matches (run->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      if (g_file_test (part, G_FILE_TEST_EXISTS))
        fprintf (stderr, _("unbrick-cli: stopped. What was downloaded is kept in “%s”; "
                           "run the same command again to continue.\n"), part);
      else
        fprintf (stderr, _("unbrick-cli: stopped.\n"));
      return UB_CLI_EXIT_FAILED;
    }
  fprintf (stderr, "unbrick-cli: %s\n", run->error->message);
  return exit_code_for (run->error);
}

/**
 * ub_cli_download_file:
 * @url: where the file is
 * @directory: (nullable): where it goes (default: the current directory)
 * @name: (nullable): its name there (default: from @url)
 * @size: its size in bytes, or 0 if unknown
 * @sha1: (nullable): its SHA-1, hex
 * @sha256: (nullable): its SHA-256, hex
 * @json_progress: progress and result as JSON lines on stdout
 *
 * The whole of `unbrick-cli download`, for callers that found the file
 * elsewhere (a model's firmware in the catalog).
 *
 * Returns: the exit code
 */
int
ub_cli_download_file (const char *url,
                      const char *directory,
                      const char *name,
                      guint64     size,
                      const char *sha1,
                      const char *sha256,
                      gboolean    json_progress)
{
  g_autoptr(UbDownload) dl = ub_download_new (url, directory ? directory : ".", name);
  Run run = { g_main_loop_new (NULL, FALSE), g_cancellable_new (), json_progress, };
  guint sigint = g_unix_signal_add (SIGINT, on_signal, &run);
  guint sigterm = g_unix_signal_add (SIGTERM, on_signal, &run);
  int exit_code;

  ub_cli_status_line_init (&run.status);
  ub_download_set_expected (dl, size, sha256, sha1);
  g_signal_connect (dl, "notify::received", G_CALLBACK (on_progress), &run);
  g_signal_connect (dl, "notify::state", G_CALLBACK (on_progress), &run);
  ub_download_run_async (dl, run.cancellable, on_done, &run);
  g_main_loop_run (run.loop);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  exit_code = report (&run, dl);
  run_clear (&run);
  return exit_code;
}

static gboolean
check_digest (const char    *option,
              const char    *value,
              UbHashKinds    kind,
              GOptionContext *context,
              int           *exit_code)
{
  g_autofree char *message = NULL;

  if (value == NULL || ub_hash_hex_is_valid (value, kind))
    return TRUE;
  /* TRANSLATORS: %s is --sha256 or --sha1; %d the number of hex digits */
  message = g_strdup_printf (_("%s needs %d hexadecimal digits"), option, kind == UB_HASH_SHA256 ? 64 : 40);
  *exit_code = ub_cli_usage_error (context, message);
  return FALSE;
}

int
ub_cli_download (int    argc,
                 char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("MODEL|URL"));
  g_autoptr(GError) error = NULL;
  g_autofree char *to = NULL;
  g_autofree char *name = NULL;
  g_autofree char *sha256 = NULL;
  g_autofree char *sha1 = NULL;
  g_autofree char *build = NULL;
  gint64 size = 0;
  gboolean json = FALSE;
  int exit_code;
  GOptionEntry entries[] = {
    { "to", 't', 0, G_OPTION_ARG_FILENAME, &to, N_("Put the file in DIR (default: the current directory)"), N_("DIR") },
    { "name", 0, 0, G_OPTION_ARG_FILENAME, &name, N_("Name the file NAME (default: from the URL)"), N_("NAME") },
    { "sha256", 0, 0, G_OPTION_ARG_STRING, &sha256, N_("The file’s SHA-256, to check it"), N_("HEX") },
    { "sha1", 0, 0, G_OPTION_ARG_STRING, &sha1, N_("The file’s SHA-1, to check it"), N_("HEX") },
    { "size", 0, 0, G_OPTION_ARG_INT64, &size, N_("The file’s size in bytes"), N_("BYTES") },
    { "build", 0, 0, G_OPTION_ARG_STRING, &build, N_("With MODEL: this build instead of the latest signed one"), N_("BUILD") },
    { "json-progress", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print progress and the result as JSON, one object per line"), NULL },
    { NULL }
  };

  g_option_context_set_summary (context, _("Download a file into DIR/NAME through DIR/NAME.part. An interrupted "
                                           "download continues where it stopped when run again; the checksum is "
                                           "checked as the file arrives, and a damaged file is deleted.\n\n"
                                           "Given a MODEL, the latest firmware Apple signs for it, with the "
                                           "catalog’s size and checksums, into the firmware folder the wizard "
                                           "uses (unless --to says otherwise)."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return ub_cli_usage_error (context, error->message);
  if (argc != 2)
    return ub_cli_usage_error (context, _("“download” needs one model or URL"));
  /* A model: the catalog names the file, its size and checksums */
  if (strstr (argv[1], "://") == NULL)
    {
      if (sha256 || sha1 || size || name)
        return ub_cli_usage_error (context, _("--sha256, --sha1, --size and --name are for a URL; a model’s "
                                              "come from the firmware catalog"));
      return ub_cli_download_model (argv[1], to, build, json);
    }
  if (build != NULL)
    return ub_cli_usage_error (context, _("--build is for a model"));
  if (size < 0)
    return ub_cli_usage_error (context, _("--size must not be negative"));
  if (!check_digest ("--sha256", sha256, UB_HASH_SHA256, context, &exit_code) ||
      !check_digest ("--sha1", sha1, UB_HASH_SHA1, context, &exit_code))
    return exit_code;
  return ub_cli_download_file (argv[1], to, name, (guint64)size, sha1, sha256, json);
}

typedef struct
{
  GMainLoop *loop;
  gboolean   tty;
  gboolean   line_open;
  gboolean   ok;
  char      *sha256;
  char      *sha1;
  GError    *error;
} Verify;

static void
on_verify_progress (guint64  done,
                    guint64  total,
                    gpointer user_data)
{
  Verify *v = user_data;
  g_autofree char *line = NULL;

  if (!v->tty || total == 0)
    return;
  line = g_strdup_printf (_("Checking… %d%%"), (int)(done * 100 / total));
  fprintf (stderr, "\r%s\033[K", line);
  v->line_open = TRUE;
}

static void
on_hashed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Verify *v = user_data;

  v->ok = ub_hash_file_finish (result, &v->sha256, &v->sha1, &v->error);
  g_main_loop_quit (v->loop);
}

static gboolean
matches (const char *file,
         const char *what,
         const char *actual,
         const char *expected)
{
  if (expected == NULL)
    return TRUE;
  if (ub_hash_hex_equal (actual, expected))
    {
      /* TRANSLATORS: a file, then SHA-256 or SHA-1 and the digest */
      printf (_("%s: %s matches (%s)\n"), file, what, actual);
      return TRUE;
    }
  /* TRANSLATORS: a file, SHA-256 or SHA-1, the digest found and the one expected */
  fprintf (stderr, _("unbrick-cli: %s is damaged or another file: its %s is %s, not %s.\n"),
           file, what, actual, expected);
  return FALSE;
}

static int
verify_file (const char *file,
             const char *sha256,
             const char *sha1)
{
  Verify v = { g_main_loop_new (NULL, FALSE), isatty (2), };
  UbHashKinds kinds = (sha256 ? UB_HASH_SHA256 : 0) | (sha1 ? UB_HASH_SHA1 : 0);
  int exit_code = UB_CLI_EXIT_OK;

  ub_hash_file_async (file, kinds, on_verify_progress, &v, NULL, on_hashed, &v);
  g_main_loop_run (v.loop);
  if (v.line_open)
    fprintf (stderr, "\n");
  if (!v.ok)
    {
      fprintf (stderr, "unbrick-cli: %s\n", v.error->message);
      exit_code = UB_CLI_EXIT_FAILED;
    }
  else if (!matches (file, "SHA-256", v.sha256, sha256) | !matches (file, "SHA-1", v.sha1, sha1))
    exit_code = UB_CLI_EXIT_CHECKSUM;
  g_main_loop_unref (v.loop);
  g_free (v.sha256);
  g_free (v.sha1);
  g_clear_error (&v.error);
  return exit_code;
}

int
ub_cli_verify (int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("FILE"));
  g_autoptr(GError) error = NULL;
  g_autofree char *sha256 = NULL;
  g_autofree char *sha1 = NULL;
  int exit_code;
  GOptionEntry entries[] = {
    { "sha256", 0, 0, G_OPTION_ARG_STRING, &sha256, N_("The SHA-256 the file must have"), N_("HEX") },
    { "sha1", 0, 0, G_OPTION_ARG_STRING, &sha1, N_("The SHA-1 the file must have"), N_("HEX") },
    { NULL }
  };

  g_option_context_set_summary (context, _("Check a file (a firmware you already have) against its "
                                           "checksum. Exits 0 if it matches, 6 if not."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return ub_cli_usage_error (context, error->message);
  if (argc != 2)
    return ub_cli_usage_error (context, _("“verify” needs one file"));
  if (sha256 == NULL && sha1 == NULL)
    return ub_cli_usage_error (context, _("“verify” needs --sha256 or --sha1"));
  if (!check_digest ("--sha256", sha256, UB_HASH_SHA256, context, &exit_code) ||
      !check_digest ("--sha1", sha1, UB_HASH_SHA1, context, &exit_code))
    return exit_code;
  return verify_file (argv[1], sha256, sha1);
}
