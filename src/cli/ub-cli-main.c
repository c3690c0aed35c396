/* ub-cli-main.c — unbrick-cli: the Unbrick core for scripts and support staff
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>

#include "ub-cli.h"

typedef struct
{
  const char *name;
  int       (*run) (int argc, char **argv);
  const char *summary;
} Command;

static const Command commands[] = {
  { "models", ub_cli_models, N_("List every model Unbrick knows") },
  { "guide", ub_cli_guide, N_("Show a model’s button sequence") },
  { "devices", ub_cli_devices, N_("List connected Apple devices and their mode") },
  { "wait", ub_cli_wait, N_("Wait until a phone is in a given mode") },
  { "firmware", ub_cli_firmware, N_("List a model’s restore images and which one Apple signs") },
  { "ipsw", ub_cli_ipsw, N_("Show what a firmware file holds and whether it fits a model") },
  { "download", ub_cli_download, N_("Download a model’s latest firmware, or any file, resumably and checked") },
  { "verify", ub_cli_verify, N_("Check a file’s SHA-256 or SHA-1") },
  { "info", ub_cli_info, N_("Show a connected phone’s model, iOS, ECID, battery and backup encryption") },
  { "enter-recovery", ub_cli_enter_recovery, N_("Restart a phone running iOS into recovery mode, without buttons") },
  { "exit-recovery", ub_cli_exit_recovery, N_("Get a phone out of a recovery-mode loop") },
  { "restore", ub_cli_restore, N_("Restore a phone in DFU or recovery mode with a firmware file") },
  { "tss", ub_cli_tss, N_("Build a phone’s signing request for a firmware file, and fetch Apple’s ticket") },
  { "backups", ub_cli_backups, N_("List the iPhone backups on this computer") },
  { "backup", ub_cli_backup, N_("Back up an iPhone that still starts, with progress") },
};

static void
print_help (FILE *out)
{
  fprintf (out, "%s\n\n", _("Usage: unbrick-cli [--verbose] COMMAND [OPTIONS…]"));
  fprintf (out, "%s\n", _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-15s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (out, "\n%s\n", _("Run “unbrick-cli COMMAND --help” for a command’s options."));
  fprintf (out, "\n%s\n", _("Exit status:"));
  fprintf (out, "  0  %s\n", _("success"));
  fprintf (out, "  1  %s\n", _("failure (the message says why)"));
  fprintf (out, "  2  %s\n", _("wrong usage"));
  fprintf (out, "  3  %s\n", _("no such model, or the name matches models with different buttons"));
  fprintf (out, "  4  %s\n", _("timed out waiting for the phone"));
  fprintf (out, "  5  %s\n", _("the phone is there but cannot be used yet: USB permission (udev rule), or unlock it and tap Trust"));
  fprintf (out, "  6  %s\n", _("the file’s checksum or size is wrong (a damaged download was deleted)"));
  fprintf (out, "  7  %s\n", _("not enough disk space (what was downloaded is kept)"));
  fprintf (out, "  8  %s\n", _("the server could not be reached, refused the file or was not trusted"));
  fprintf (out, "  9  %s\n", _("the firmware is for another model"));
  fprintf (out, "  10 %s\n", _("the firmware has no restore of the kind asked for (e.g. no update that keeps the data)"));
  fprintf (out, "  12 %s\n", _("restore: Apple no longer signs this iOS version for this phone"));
}

int
ub_cli_usage_error (GOptionContext *context,
                    const char     *message)
{
  g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

  fprintf (stderr, "unbrick-cli: %s\n\n%s", message, help);
  return UB_CLI_EXIT_USAGE;
}

static void
setup_i18n (void)
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

int
main (int   argc,
      char *argv[])
{
  int first = 1;

  setup_i18n ();

  if (argc > 1 && (g_str_equal (argv[1], "--verbose") || g_str_equal (argv[1], "-v")))
    {
      g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
      first = 2;
    }
  if (argc <= first || g_str_equal (argv[first], "--help") || g_str_equal (argv[first], "-h") ||
      g_str_equal (argv[first], "help"))
    {
      print_help (argc <= first ? stderr : stdout);
      return argc <= first ? UB_CLI_EXIT_USAGE : UB_CLI_EXIT_OK;
    }
  if (g_str_equal (argv[first], "--version"))
    {
      printf ("unbrick-cli %s\n", PACKAGE_VERSION);
      return UB_CLI_EXIT_OK;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[first], commands[i].name))
      return commands[i].run (argc - first, argv + first);

  fprintf (stderr, _("unbrick-cli: unknown command “%s”\n\n"), argv[first]);
  print_help (stderr);
  return UB_CLI_EXIT_USAGE;
}
