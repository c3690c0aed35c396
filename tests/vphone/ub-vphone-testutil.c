/* ub-vphone-testutil.c — running host tools against the virtual iPhone in tests
 *
 * The tests run as vphone's child, so the tools they start (irecovery,
 * ideviceinfo, vphone-usbtool) inherit the environment that points them at
 * the phone. A tool that hangs is killed at the test's own timeout; its CPU
 * time and the simulator's (the test's parent) show whether a hang was
 * cheap.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-vphone-testutil"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "ub-clock.h"
#include "ub-vphone-testutil.h"

typedef struct
{
  GMainLoop   *loop;
  GSubprocess *process;
  char        *out;
  char        *err;
  gboolean     done;
  gboolean     timed_out;
} RunState;

struct _UbVphoneWatcher
{
  GSubprocess      *process;
  GDataInputStream *output;
};

/**
 * ub_vphone_watcher_start:
 * @argv: a tool that prints "watching" once it listens, then events
 *
 * Returns: (transfer full): the watcher, listening
 */
UbVphoneWatcher *
ub_vphone_watcher_start (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  UbVphoneWatcher *watcher = g_new0 (UbVphoneWatcher, 1);

  watcher->process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  watcher->output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (watcher->process));
  line = g_data_input_stream_read_line_utf8 (watcher->output, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "watching");
  return watcher;
}

/**
 * ub_vphone_watcher_next:
 *
 * Returns: (transfer full): the next event the watcher prints (blocking,
 *   within the tool's own time limit), or %NULL when it has ended
 */
char *
ub_vphone_watcher_next (UbVphoneWatcher *watcher)
{
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line_utf8 (watcher->output, NULL, NULL, &error);

  g_assert_no_error (error);
  return line;
}

/**
 * ub_vphone_watcher_finish:
 *
 * Waits for the watcher to end (it has a time limit of its own).
 *
 * Returns: (transfer full): what it printed after "watching"
 */
char *
ub_vphone_watcher_finish (UbVphoneWatcher *watcher)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  char *line;

  while ((line = g_data_input_stream_read_line_utf8 (watcher->output, NULL, NULL, &error)) != NULL)
    {
      g_string_append_printf (out, "%s\n", line);
      g_free (line);
    }
  g_assert_no_error (error);
  g_subprocess_wait (watcher->process, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("Watched:\n%s", out->str);
  g_object_unref (watcher->output);
  g_object_unref (watcher->process);
  g_free (watcher);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

void
ub_vphone_run_free (UbVphoneRun *run)
{
  g_free (run->out);
  g_free (run->err);
  g_free (run);
}

static double
children_cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_CHILDREN, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
         usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

static void
on_communicated (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  RunState *state = data;
  g_autoptr(GError) error = NULL;

  if (!g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &state->out,
                                             &state->err, &error))
    g_test_message ("Reading the tool's output: %s", error->message);
  state->done = TRUE;
  g_main_loop_quit (state->loop);
}

static gboolean
on_timeout (gpointer data)
{
  RunState *state = data;

  state->timed_out = TRUE;
  g_subprocess_force_exit (state->process);
  return G_SOURCE_REMOVE;
}

/**
 * ub_vphone_run_tool:
 * @argv: the tool and its arguments
 * @timeout_seconds: after that long (wall-clock), the tool is killed
 *
 * Returns: (transfer full): what happened; the test fails if the tool
 *   cannot be started
 */
UbVphoneRun *
ub_vphone_run_tool (const char * const *argv,
                    double              timeout_seconds)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainContext) context = g_main_context_new ();
  RunState state = { 0, };
  UbVphoneRun *run = g_new0 (UbVphoneRun, 1);
  gint64 start = g_get_monotonic_time ();
  double cpu_before = children_cpu_seconds ();
  g_autoptr(GSource) timeout = g_timeout_source_new ((guint) (timeout_seconds * 1000));

  g_main_context_push_thread_default (context);
  state.loop = g_main_loop_new (context, FALSE);
  state.process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                                     &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (state.process, NULL, NULL, on_communicated, &state);
  g_source_set_callback (timeout, on_timeout, &state, NULL);
  g_source_attach (timeout, context);
  while (!state.done)
    g_main_loop_run (state.loop);
  g_subprocess_wait (state.process, NULL, NULL);
  g_source_destroy (timeout);
  g_main_context_pop_thread_default (context);
  run->status = g_subprocess_get_if_signaled (state.process)
                  ? 128 + g_subprocess_get_term_sig (state.process)
                  : g_subprocess_get_exit_status (state.process);
  run->timed_out = state.timed_out;
  run->out = state.out != NULL ? state.out : g_strdup ("");
  run->err = state.err != NULL ? state.err : g_strdup ("");
  run->cpu_seconds = children_cpu_seconds () - cpu_before;
  run->wall_seconds = (g_get_monotonic_time () - start) / 1e6;
  g_test_message ("%s: status %d%s, %.2f s, %.2f s CPU", argv[0], run->status,
                  run->timed_out ? " (killed at the timeout)" : "", run->wall_seconds, run->cpu_seconds);
  g_clear_object (&state.process);
  g_main_loop_unref (state.loop);
  return run;
}

/**
 * ub_vphone_process_cpu_seconds:
 *
 * Returns: user + system CPU time of a running process, from /proc
 */
double
ub_vphone_process_cpu_seconds (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *stat = NULL;
  unsigned long utime = 0, stime = 0;
  const char *paren;

  if (!g_file_get_contents (path, &stat, NULL, NULL) || (paren = strrchr (stat, ')')) == NULL)
    return 0;
  sscanf (paren + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime);
  return (double) (utime + stime) / sysconf (_SC_CLK_TCK);
}

/**
 * ub_vphone_simulator_cpu_seconds:
 *
 * Returns: the CPU time vphone (the test's parent) has used so far
 */
double
ub_vphone_simulator_cpu_seconds (void)
{
  return ub_vphone_process_cpu_seconds (getppid ());
}

/**
 * ub_vphone_read_record:
 *
 * Returns: (transfer full): the record file ($UNBRICK_VPHONE_RECORD) so far
 */
char *
ub_vphone_read_record (void)
{
  const char *path = g_getenv ("UNBRICK_VPHONE_RECORD");
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_assert_nonnull (path);
  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

/**
 * ub_vphone_record_has:
 * @line: a whole line
 *
 * Returns: whether the record file has @line
 */
gboolean
ub_vphone_record_has (const char *line)
{
  g_autofree char *record = ub_vphone_read_record ();
  g_autofree char *needle = g_strconcat ("\n", line, "\n", NULL);
  g_autofree char *haystack = g_strconcat ("\n", record, NULL);

  return strstr (haystack, needle) != NULL;
}

/**
 * ub_vphone_phone_sleep:
 * @phone_seconds: a duration in the phone's time
 *
 * Sleeps that long divided by UNBRICK_TIME_SCALE, as the phone counts.
 */
void
ub_vphone_phone_sleep (double phone_seconds)
{
  guint ms = ub_clock_scale_ms (ub_clock_get_default (), (guint) (phone_seconds * 1000 + 0.5));

  g_usleep ((gulong) ms * 1000);
}

/**
 * ub_vphone_scaled_seconds:
 * @phone_seconds: a duration in the phone's time
 *
 * Returns: the same duration in wall-clock seconds
 */
double
ub_vphone_scaled_seconds (double phone_seconds)
{
  return phone_seconds / ub_clock_get_scale (ub_clock_get_default ());
}

/**
 * ub_vphone_assert_run:
 * @format: a control command, printf-style
 *
 * Sends the command to the virtual phone; the test fails unless it says "ok".
 */
void
ub_vphone_assert_run (UbVphoneClient *phone,
                      const char     *format,
                      ...)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *command = NULL;
  g_autofree char *reply = NULL;
  va_list args;

  va_start (args, format);
  command = g_strdup_vprintf (format, args);
  va_end (args);
  reply = ub_vphone_client_command (phone, command, 10, &error);
  g_assert_no_error (error);
}
