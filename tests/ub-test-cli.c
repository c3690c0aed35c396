/* ub-test-cli.c — running the real unbrick-cli ($UB_CLI) from a test
 *
 * As a script would: arguments, standard output and error, exit status.
 * Every run is logged with g_test_message() for a failing test's log.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <sys/wait.h>

#include "ub-test-cli.h"

void
ub_test_cli_run_clear (UbTestCliRun *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
  run->status = 0;
}

/**
 * ub_test_cli_v:
 * @args: unbrick-cli's arguments, %NULL-terminated
 *
 * Runs unbrick-cli to its end; @run keeps what it printed.
 *
 * Returns: its exit status, or -1 if it was killed
 */
int
ub_test_cli_v (UbTestCliRun       *run,
               const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  int wait_status = 0;

  g_assert_nonnull (g_getenv ("UB_CLI"));
  ub_test_cli_run_clear (run);
  g_ptr_array_add (argv, (char *)g_getenv ("UB_CLI"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *)args[i]);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &run->out, &run->err, &wait_status, &error);
  g_assert_no_error (error);
  run->status = WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -1;
  line = g_strjoinv (" ", (char **)args);
  g_test_message ("unbrick-cli %s → %d%s%s", line, run->status, run->err[0] ? "\n" : "", run->err);
  return run->status;
}

/* The same with the arguments listed, NULL last */
int
ub_test_cli (UbTestCliRun *run,
             const char   *first,
             ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *)arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  return ub_test_cli_v (run, (const char * const *)args->pdata);
}

/**
 * ub_test_parse_json:
 *
 * Returns: (transfer full): @text parsed; the test fails if it is not JSON
 */
JsonNode *
ub_test_parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}
