/* ub-vphone-main.c — vphone: run a command against a virtual iPhone
 *
 *   vphone [--model PRODUCT_TYPE] [--mode normal|recovery|dfu|restore|off]
 *          [--ecid HEX] [--scenario FILE] [--control SOCKET]
 *          [--record FILE] [--verbose] -- COMMAND [ARGS…]
 *
 * The command runs as a child with LD_PRELOAD (umockdev's preload library),
 * UMOCKDEV_DIR, USBMUXD_SOCKET_ADDRESS, UNBRICK_VPHONE_CONTROL and
 * UNBRICK_VPHONE_RECORD set, so unmodified libusb, libirecovery and
 * libimobiledevice find the phone. vphone exits with the command's status
 * (128 + signal if it was killed), forwards SIGINT, SIGTERM and SIGHUP to it,
 * and leaves no process and no file behind. Its own failures exit with 125,
 * 126 (the command cannot run) or 127 (the command was not found).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-vphone-main"

#include "config.h"

#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <glib-unix.h>

#include "ub-vphone-child.h"
#include "ub-vphone-scenario.h"
#include "ub-vphone.h"

#define EXIT_VPHONE_FAILED 125
#define EXIT_CANNOT_RUN    126
#define EXIT_NOT_FOUND     127
#define DEFAULT_MODEL      "iPhone10,3"
#define DEFAULT_ECID       G_GUINT64_CONSTANT (0x001A2B3C4D5E6F70)

static char *opt_model;
static char *opt_mode;
static char *opt_ecid;
static char *opt_scenario;
static char *opt_control;
static char *opt_record;
static gboolean opt_verbose;
static char **opt_command;

static const GOptionEntry entries[] = {
  { "model", 0, 0, G_OPTION_ARG_STRING, &opt_model,
    "The model to simulate (default " DEFAULT_MODEL ")", "PRODUCT_TYPE" },
  { "mode", 0, 0, G_OPTION_ARG_STRING, &opt_mode,
    "Start in normal, recovery, dfu, restore or off mode (default normal)", "MODE" },
  { "ecid", 0, 0, G_OPTION_ARG_STRING, &opt_ecid, "The phone's ECID (default 001A2B3C4D5E6F70)", "HEX" },
  { "scenario", 0, 0, G_OPTION_ARG_FILENAME, &opt_scenario, "Run the control commands in FILE", "FILE" },
  { "control", 0, 0, G_OPTION_ARG_FILENAME, &opt_control, "Control socket path", "SOCKET" },
  { "record", 0, 0, G_OPTION_ARG_FILENAME, &opt_record, "Record what the host does in FILE", "FILE" },
  { "verbose", 'v', 0, G_OPTION_ARG_NONE, &opt_verbose, "Print the simulator's debug messages", NULL },
  { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_command, NULL, "-- COMMAND [ARGS…]" },
  { NULL }
};

/* uevents from the testbed only work under umockdev's preload library. */
static void
ensure_preload (int    argc,
                char **argv)
{
  const char *preload = g_getenv ("LD_PRELOAD");
  g_autofree char *self = NULL;
  g_autoptr(GPtrArray) args = NULL;

  if (preload != NULL && strstr (preload, "libumockdev-preload") != NULL)
    return;
  if (g_getenv ("UNBRICK_VPHONE_REEXEC") != NULL)
    {
      g_printerr ("vphone: umockdev's preload library did not load (LD_PRELOAD=%s)\n",
                  preload ? preload : "");
      exit (EXIT_VPHONE_FAILED);
    }
  self = g_file_read_link ("/proc/self/exe", NULL);
  args = g_ptr_array_new ();
  g_ptr_array_add (args, (char *) "umockdev-wrapper");
  g_ptr_array_add (args, self != NULL ? self : argv[0]);
  for (int i = 1; i < argc; i++)
    g_ptr_array_add (args, argv[i]);
  g_ptr_array_add (args, NULL);
  g_setenv ("UNBRICK_VPHONE_REEXEC", "1", TRUE);
  execvp ("umockdev-wrapper", (char **) args->pdata);
  g_printerr ("vphone: cannot run umockdev-wrapper: %s\n", g_strerror (errno));
  exit (EXIT_VPHONE_FAILED);
}

static gboolean
parse_options (int               *argc,
               char            ***argv,
               UbVphoneOptions   *options,
               GError           **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  char *end = NULL;

  g_option_context_set_summary (context, "Run COMMAND against a virtual iPhone.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, error))
    return FALSE;
  if (opt_command == NULL || opt_command[0] == NULL)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "No command given");
      return FALSE;
    }
  options->product_type = opt_model != NULL ? opt_model : DEFAULT_MODEL;
  options->mode = UB_VPHONE_MODE_NORMAL;
  if (opt_mode != NULL && (!ub_vphone_mode_from_string (opt_mode, &options->mode) ||
                           !ub_vphone_mode_can_jump (options->mode)))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "Unknown mode \"%s\"", opt_mode);
      return FALSE;
    }
  options->ecid = DEFAULT_ECID;
  if (opt_ecid != NULL)
    options->ecid = g_ascii_strtoull (opt_ecid, &end, 16);
  if (opt_ecid != NULL && (end == opt_ecid || *end != '\0' || options->ecid == 0))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "Bad ECID \"%s\"", opt_ecid);
      return FALSE;
    }
  options->control_path = opt_control;
  options->record_path = opt_record;
  return TRUE;
}

static UbVphoneChild *signal_target;

static gboolean
on_signal (gpointer data)
{
  if (signal_target != NULL)
    ub_vphone_child_send_signal (signal_target, GPOINTER_TO_INT (data));
  return G_SOURCE_CONTINUE;
}

static int
run_child (UbVphone *vphone)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) env = ub_vphone_dup_child_environ (vphone);
  g_autoptr(UbVphoneChild) child = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  const int signals[] = { SIGINT, SIGTERM, SIGHUP };
  guint ids[G_N_ELEMENTS (signals)];

  child = ub_vphone_child_spawn ((const char * const *) opt_command, (const char * const *) env,
                                 &error);
  if (child == NULL)
    {
      g_printerr ("vphone: %s\n", error->message);
      return g_error_matches (error, G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT) ? EXIT_NOT_FOUND
                                                                          : EXIT_CANNOT_RUN;
    }
  signal_target = child;
  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    ids[i] = g_unix_signal_add (signals[i], on_signal, GINT_TO_POINTER (signals[i]));
  g_signal_connect_swapped (child, "notify::running", G_CALLBACK (g_main_loop_quit), loop);
  if (ub_vphone_child_get_running (child))
    g_main_loop_run (loop);
  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    g_source_remove (ids[i]);
  signal_target = NULL;
  return ub_vphone_child_get_exit_code (child);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UbVphone) vphone = NULL;
  g_autoptr(UbVphoneScenario) scenario = NULL;
  UbVphoneOptions options = { 0, };
  int status;

  ensure_preload (argc, argv);
  setlocale (LC_ALL, "");
  /* stdout belongs to the command (a test's TAP stream, say). */
  g_log_writer_default_set_use_stderr (TRUE);
  if (!parse_options (&argc, &argv, &options, &error))
    {
      g_printerr ("vphone: %s (try --help)\n", error->message);
      return EXIT_VPHONE_FAILED;
    }
  if (opt_verbose)
    g_log_set_debug_enabled (TRUE);
  signal (SIGPIPE, SIG_IGN);
  prctl (PR_SET_CHILD_SUBREAPER, 1);
  if (opt_scenario != NULL)
    scenario = ub_vphone_scenario_new_from_file (opt_scenario, &error);
  if (error == NULL)
    vphone = ub_vphone_new (&options, &error);
  if (vphone == NULL)
    {
      g_printerr ("vphone: %s\n", error->message);
      return EXIT_VPHONE_FAILED;
    }
  if (scenario != NULL)
    ub_vphone_scenario_run (scenario, vphone);
  status = run_child (vphone);
  g_clear_object (&scenario);
  ub_vphone_stop (vphone);
  ub_vphone_child_reap_orphans ();
  g_debug ("Exiting with status %d", status);
  return status;
}
