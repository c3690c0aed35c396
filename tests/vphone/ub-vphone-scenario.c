/* ub-vphone-scenario.c — a script of control commands run by the phone itself
 *
 * One control command per line (ub-vphone-command.c); blank lines and lines
 * starting with # are skipped. A line may start with "at SECONDS ": it then
 * runs no earlier than SECONDS of phone time (divided by UNBRICK_TIME_SCALE)
 * after the start. Lines run in order, each after the previous one finished
 * (a `wait` holds the lines after it). Every line is checked when the file is
 * loaded; a failing command at run time is reported and the script goes on.
 *
 * Example: a phone stuck in a recovery loop that is unplugged for a moment:
 *   setenv auto-boot false
 *   mode recovery
 *   at 5 unplug
 *   at 6 plug
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-vphone-scenario"

#include "config.h"

#include "ub-vphone-command.h"
#include "ub-vphone-scenario.h"

typedef struct
{
  guint   line_number;
  double  at;           /* phone seconds after the start, or 0 */
  char   *command;
} Line;

struct _UbVphoneScenario
{
  GObject   parent_instance;

  GArray   *lines;
  UbVphone *vphone;     /* while running; it owns us */
  guint     next;
  gint64    started;    /* monotonic µs */
  guint     timer_id;
};

G_DEFINE_FINAL_TYPE (UbVphoneScenario, ub_vphone_scenario, G_TYPE_OBJECT)

static void
line_clear (Line *line)
{
  g_free (line->command);
}

static void
ub_vphone_scenario_dispose (GObject *object)
{
  UbVphoneScenario *self = UB_VPHONE_SCENARIO (object);

  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_clear_object (&self->vphone);

  G_OBJECT_CLASS (ub_vphone_scenario_parent_class)->dispose (object);
}

static void
ub_vphone_scenario_finalize (GObject *object)
{
  UbVphoneScenario *self = UB_VPHONE_SCENARIO (object);

  g_clear_pointer (&self->lines, g_array_unref);

  G_OBJECT_CLASS (ub_vphone_scenario_parent_class)->finalize (object);
}

static void
ub_vphone_scenario_class_init (UbVphoneScenarioClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ub_vphone_scenario_dispose;
  object_class->finalize = ub_vphone_scenario_finalize;
}

static void
ub_vphone_scenario_init (UbVphoneScenario *self)
{
  self->lines = g_array_new (FALSE, TRUE, sizeof (Line));
  g_array_set_clear_func (self->lines, (GDestroyNotify) line_clear);
}

/* "at 2.5 press power" → at = 2.5, command = "press power" */
static gboolean
parse_line (const char  *text,
            guint        number,
            Line        *line,
            GError     **error)
{
  const char *command = text;
  char *end = NULL;

  line->line_number = number;
  if (g_str_has_prefix (text, "at ") || g_str_has_prefix (text, "at\t"))
    {
      line->at = g_ascii_strtod (text + 3, &end);
      if (end == text + 3 || !(line->at >= 0) || (*end != ' ' && *end != '\t'))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "line %u: \"at\" needs a number of seconds and a command", number);
          return FALSE;
        }
      command = g_strchug (end);
    }
  if (!ub_vphone_command_check (command, error))
    {
      g_prefix_error (error, "line %u: ", number);
      return FALSE;
    }
  line->command = g_strdup (command);
  return TRUE;
}

/**
 * ub_vphone_scenario_new_from_data:
 * @data: the scenario text
 *
 * Returns: (transfer full): the checked scenario, or %NULL with @error set
 */
UbVphoneScenario *
ub_vphone_scenario_new_from_data (const char  *data,
                                  GError     **error)
{
  g_autoptr(UbVphoneScenario) self = g_object_new (UB_TYPE_VPHONE_SCENARIO, NULL);
  g_auto(GStrv) texts = NULL;

  g_return_val_if_fail (data != NULL, NULL);

  texts = g_strsplit (data, "\n", -1);
  for (guint i = 0; texts[i] != NULL; i++)
    {
      char *text = g_strstrip (texts[i]);
      Line line = { 0, };

      if (*text == '\0' || *text == '#')
        continue;
      if (!parse_line (text, i + 1, &line, error))
        return NULL;
      g_array_append_val (self->lines, line);
    }
  return g_steal_pointer (&self);
}

UbVphoneScenario *
ub_vphone_scenario_new_from_file (const char  *path,
                                  GError     **error)
{
  g_autofree char *data = NULL;
  UbVphoneScenario *self;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, &data, NULL, error))
    return NULL;
  self = ub_vphone_scenario_new_from_data (data, error);
  if (self == NULL)
    g_prefix_error (error, "%s: ", path);
  return self;
}

guint
ub_vphone_scenario_get_n_lines (UbVphoneScenario *self)
{
  g_return_val_if_fail (UB_IS_VPHONE_SCENARIO (self), 0);
  return self->lines->len;
}

static void run_next (UbVphoneScenario *self);

static void
on_line_done (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  g_autoptr(UbVphoneScenario) self = data;
  Line *line = &g_array_index (self->lines, Line, self->next);
  g_autofree char *reply = ub_vphone_command_run_finish (UB_VPHONE (source), result, NULL);

  g_debug ("Scenario line %u: \"%s\" -> \"%s\"", line->line_number, line->command, reply);
  if (reply != NULL && g_str_has_prefix (reply, "error"))
    {
      g_message ("Scenario line %u (%s): %s", line->line_number, line->command, reply);
      ub_vphone_recorder_log (ub_vphone_get_recorder (self->vphone), "scenario line %u %s",
                              line->line_number, reply);
    }
  self->next++;
  run_next (self);
}

static gboolean
on_line_due (gpointer data)
{
  UbVphoneScenario *self = data;
  Line *line = &g_array_index (self->lines, Line, self->next);

  self->timer_id = 0;
  ub_vphone_command_run_async (self->vphone, line->command, NULL, on_line_done, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

static void
run_next (UbVphoneScenario *self)
{
  Line *line;
  gint64 due, now;

  if (self->next >= self->lines->len)
    {
      g_debug ("Scenario done");
      return;
    }
  line = &g_array_index (self->lines, Line, self->next);
  due = self->started + (gint64) ub_vphone_scaled_ms (line->at) * 1000;
  now = g_get_monotonic_time ();
  self->timer_id = g_timeout_add (due > now ? (guint) ((due - now) / 1000) : 0, on_line_due, self);
}

/**
 * ub_vphone_scenario_run:
 *
 * Starts the script now; it runs on the main loop.
 */
void
ub_vphone_scenario_run (UbVphoneScenario *self,
                        UbVphone         *vphone)
{
  g_return_if_fail (UB_IS_VPHONE_SCENARIO (self));
  g_return_if_fail (UB_IS_VPHONE (vphone));

  g_set_object (&self->vphone, vphone);
  self->started = g_get_monotonic_time ();
  self->next = 0;
  run_next (self);
}
