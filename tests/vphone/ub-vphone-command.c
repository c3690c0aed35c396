/* ub-vphone-command.c — the control language of the virtual iPhone
 *
 * One command per line; every command gets exactly one reply line, "ok",
 * "ok <data>" or "error <message>":
 *   state                    ok mode=… screen=… pid=… plugged=… buttons=…
 *                               ecid=… model=… auto-boot=… udid=…
 *   press|release|tap BUTTON power (side, top), home, volume-up, volume-down
 *   plug | unplug            the cable
 *   mode MODE                jump at once to off, normal, recovery, dfu or restore
 *   fault NAME [ARGS]        see ub-vphone-faults.h
 *   clear-faults
 *   wait KEY=VALUE SECONDS   until a state key has that value; "error timeout"
 *                            after SECONDS of wall-clock time
 *   env NAME                 the running iBoot environment's value
 *   setenv NAME VALUE        set a saved (NVRAM) variable, e.g. auto-boot false
 *   set KEY VALUE            a setting of the backup service, e.g. backup-size
 *                            1048576 (ub-vphone-backup.c), of ASR (asr-checksum)
 *                            or of restored (url-asset, restore-plan,
 *                            restore-step-ms: ub-vphone-restored.c), of FDR
 *                            (fdr-target HOST:PORT, fdr-size: ub-vphone-fdr.c)
 *   help
 * Scenario files use the same commands (ub-vphone-scenario.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-vphone-command"

#include "config.h"

#include <string.h>

#include "ub-vphone-command.h"

#define MAX_WAIT_SECONDS 3600.0

typedef enum
{
  VERB_STATE,
  VERB_PRESS,
  VERB_RELEASE,
  VERB_TAP,
  VERB_PLUG,
  VERB_UNPLUG,
  VERB_MODE,
  VERB_FAULT,
  VERB_CLEAR_FAULTS,
  VERB_WAIT,
  VERB_ENV,
  VERB_SETENV,
  VERB_HELP,
  VERB_SET,
} Verb;

static const char * const verbs[] = {
  "state", "press", "release", "tap", "plug", "unplug", "mode", "fault", "clear-faults",
  "wait", "env", "setenv", "help", "set", NULL,
};

typedef struct
{
  Verb          verb;
  UbButtons     button;
  UbVphoneMode  mode;
  char         *name;      /* fault, variable or state key */
  char         *arg;       /* fault argument, variable or state value */
  double        seconds;
} Command;

typedef struct
{
  UbVphone     *vphone;
  char         *key;
  char         *value;
  gulong        changed_id;
  gulong        cancelled_id;
  guint         timeout_id;
} Wait;

static void
command_clear (Command *command)
{
  g_clear_pointer (&command->name, g_free);
  g_clear_pointer (&command->arg, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Command, command_clear)

/* Cuts the next space-separated word off *@p. */
static char *
next_word (const char **p)
{
  const char *start = *p;
  const char *end;

  while (*start == ' ' || *start == '\t')
    start++;
  end = start;
  while (*end != '\0' && *end != ' ' && *end != '\t')
    end++;
  *p = end;
  while (**p == ' ' || **p == '\t')
    (*p)++;
  return end > start ? g_strndup (start, end - start) : NULL;
}

static gboolean
usage (GError     **error,
       const char  *text)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "usage: %s", text);
  return FALSE;
}

static gboolean
parse_wait (Command     *command,
            const char  *rest,
            GError     **error)
{
  g_autofree char *condition = next_word (&rest);
  g_autofree char *seconds = next_word (&rest);
  char *equals = condition != NULL ? strchr (condition, '=') : NULL;
  char *end = NULL;

  if (equals == NULL || seconds == NULL || *rest != '\0')
    return usage (error, "wait KEY=VALUE SECONDS");
  *equals = '\0';
  command->name = g_strdup (condition);
  command->arg = g_strdup (equals + 1);
  command->seconds = g_ascii_strtod (seconds, &end);
  if (!ub_vphone_is_state_key (command->name))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "unknown state key \"%s\"", command->name);
      return FALSE;
    }
  if (end == seconds || *end != '\0' || !(command->seconds > 0 && command->seconds <= MAX_WAIT_SECONDS))
    return usage (error, "wait KEY=VALUE SECONDS (0 < SECONDS <= 3600)");
  return TRUE;
}

/* Parses what follows the verb. */
static gboolean
parse_args (Command     *command,
            const char  *rest,
            GError     **error)
{
  g_autofree char *word = NULL;

  switch (command->verb)
    {
    case VERB_PRESS:
    case VERB_RELEASE:
    case VERB_TAP:
      word = next_word (&rest);
      if (word == NULL || *rest != '\0' || !ub_vphone_button_from_string (word, &command->button))
        return usage (error, "press|release|tap power|side|top|home|volume-up|volume-down");
      return TRUE;
    case VERB_MODE:
      word = next_word (&rest);
      if (word == NULL || *rest != '\0' || !ub_vphone_mode_from_string (word, &command->mode) ||
          !ub_vphone_mode_can_jump (command->mode))
        return usage (error, "mode off|normal|recovery|dfu|restore");
      return TRUE;
    case VERB_FAULT:
      command->name = next_word (&rest);
      command->arg = g_strdup (rest);
      if (command->name == NULL)
        return usage (error, "fault NAME [ARGS]");
      return ub_vphone_faults_check (command->name, command->arg, error);
    case VERB_WAIT:
      return parse_wait (command, rest, error);
    case VERB_ENV:
      command->name = next_word (&rest);
      if (command->name == NULL || *rest != '\0')
        return usage (error, "env NAME");
      return TRUE;
    case VERB_SETENV:
      command->name = next_word (&rest);
      command->arg = g_strdup (rest);
      if (command->name == NULL)
        return usage (error, "setenv NAME VALUE");
      return TRUE;
    case VERB_SET:
      command->name = next_word (&rest);
      command->arg = g_strdup (rest);
      if (command->name == NULL || *command->arg == '\0')
        return usage (error, "set KEY VALUE");
      if (g_str_has_prefix (command->name, "asr-"))
        return ub_vphone_asr_check_setting (command->name, command->arg, error);
      if (g_str_has_prefix (command->name, "fdr-"))
        return ub_vphone_fdr_check_setting (command->name, command->arg, error);
      if (ub_vphone_restored_is_setting (command->name))
        return ub_vphone_restored_check_setting (command->name, command->arg, error);
      return ub_vphone_backup_check_setting (command->name, command->arg, error);
    case VERB_STATE:
    case VERB_PLUG:
    case VERB_UNPLUG:
    case VERB_CLEAR_FAULTS:
    case VERB_HELP:
    default:
      if (*rest != '\0')
        return usage (error, verbs[command->verb]);
      return TRUE;
    }
}

static gboolean
parse (const char  *line,
       Command     *command,
       GError     **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (line));
  const char *rest = trimmed;
  g_autofree char *verb = next_word (&rest);

  if (verb == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "empty command");
      return FALSE;
    }
  for (guint i = 0; verbs[i] != NULL; i++)
    {
      if (g_str_equal (verb, verbs[i]))
        {
          command->verb = i;
          return parse_args (command, rest, error);
        }
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "unknown command \"%s\"", verb);
  return FALSE;
}

/**
 * ub_vphone_command_check:
 *
 * Returns: whether @line is a valid command (for scenario files)
 */
gboolean
ub_vphone_command_check (const char  *line,
                         GError     **error)
{
  g_auto(Command) command = { 0, };

  g_return_val_if_fail (line != NULL, FALSE);
  return parse (line, &command, error);
}

static char *
execute_env (UbVphone *vphone,
             Command  *command)
{
  const char *value = ub_vphone_nvram_get (ub_vphone_get_nvram (vphone), command->name);

  if (value == NULL)
    return g_strdup_printf ("error %s is not set", command->name);
  return g_strdup_printf ("ok %s", value);
}

/* Everything but wait; returns the reply. */
static char *
execute (UbVphone *vphone,
         Command  *command)
{
  UbVphonePhone *phone = ub_vphone_get_phone (vphone);
  g_autoptr(GError) error = NULL;

  switch (command->verb)
    {
    case VERB_STATE:
      {
        g_autofree char *state = ub_vphone_dup_state (vphone);

        return g_strdup_printf ("ok %s", state);
      }
    case VERB_PRESS:
      ub_vphone_phone_press (phone, command->button);
      break;
    case VERB_RELEASE:
      ub_vphone_phone_release (phone, command->button);
      break;
    case VERB_TAP:
      ub_vphone_phone_press (phone, command->button);
      ub_vphone_phone_release (phone, command->button);
      break;
    case VERB_PLUG:
    case VERB_UNPLUG:
      ub_vphone_phone_set_plugged (phone, command->verb == VERB_PLUG);
      break;
    case VERB_MODE:
      ub_vphone_phone_jump (phone, command->mode);
      break;
    case VERB_FAULT:
      if (!ub_vphone_faults_set (ub_vphone_get_faults (vphone), command->name, command->arg, &error))
        return g_strdup_printf ("error %s", error->message);
      break;
    case VERB_CLEAR_FAULTS:
      ub_vphone_faults_clear (ub_vphone_get_faults (vphone));
      break;
    case VERB_ENV:
      return execute_env (vphone, command);
    case VERB_SETENV:
      ub_vphone_nvram_set_saved (ub_vphone_get_nvram (vphone), command->name, command->arg);
      break;
    case VERB_SET:
      if (g_str_has_prefix (command->name, "asr-"))
        {
          if (!ub_vphone_asr_set (ub_vphone_get_asr (vphone), command->name, command->arg, &error))
            return g_strdup_printf ("error %s", error->message);
        }
      else if (g_str_has_prefix (command->name, "fdr-"))
        {
          if (!ub_vphone_fdr_set (ub_vphone_get_fdr (vphone), command->name, command->arg, &error))
            return g_strdup_printf ("error %s", error->message);
        }
      else if (ub_vphone_restored_is_setting (command->name))
        {
          if (!ub_vphone_restored_set (ub_vphone_get_restored (vphone), command->name, command->arg, &error))
            return g_strdup_printf ("error %s", error->message);
        }
      else if (!ub_vphone_backup_set (ub_vphone_get_backup (vphone), command->name, command->arg, &error))
        return g_strdup_printf ("error %s", error->message);
      break;
    case VERB_HELP:
      return g_strdup ("ok state press release tap plug unplug mode fault clear-faults wait env "
                       "setenv set help");
    case VERB_WAIT:
    default:
      g_assert_not_reached ();
    }
  return g_strdup ("ok");
}

static void
wait_free (Wait *wait)
{
  g_free (wait->key);
  g_free (wait->value);
  g_free (wait);
}

/* Ends a wait once, whatever ended it. */
static void
wait_finish (GTask      *task,
             const char *reply)
{
  Wait *wait = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  g_clear_signal_handler (&wait->changed_id, wait->vphone);
  g_clear_handle_id (&wait->timeout_id, g_source_remove);
  if (cancellable != NULL)
    g_clear_signal_handler (&wait->cancelled_id, cancellable);
  if (reply != NULL)
    g_task_return_pointer (task, g_strdup (reply), g_free);
  else
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "The wait was cancelled");
  g_object_unref (task);
}

static gboolean
wait_matches (Wait *wait)
{
  g_autofree char *value = ub_vphone_dup_state_value (wait->vphone, wait->key);

  return g_strcmp0 (value, wait->value) == 0;
}

static void
on_wait_state_changed (GTask *task)
{
  if (wait_matches (g_task_get_task_data (task)))
    wait_finish (task, "ok");
}

static gboolean
on_wait_timeout (gpointer data)
{
  Wait *wait = g_task_get_task_data (data);

  wait->timeout_id = 0;
  wait_finish (data, "error timeout");
  return G_SOURCE_REMOVE;
}

static void
on_wait_cancelled (GCancellable *cancellable,
                   GTask        *task)
{
  wait_finish (task, NULL);
}

static void
start_wait (GTask    *task,
            UbVphone *vphone,
            Command  *command)
{
  Wait *wait = g_new0 (Wait, 1);
  GCancellable *cancellable = g_task_get_cancellable (task);

  wait->vphone = vphone;
  wait->key = g_steal_pointer (&command->name);
  wait->value = g_steal_pointer (&command->arg);
  g_task_set_task_data (task, wait, (GDestroyNotify) wait_free);
  if (g_cancellable_is_cancelled (cancellable))
    {
      wait_finish (task, NULL);
      return;
    }
  if (wait_matches (wait))
    {
      g_task_return_pointer (task, g_strdup ("ok"), g_free);
      g_object_unref (task);
      return;
    }
  g_debug ("Waiting up to %.1f s for %s=%s", command->seconds, wait->key, wait->value);
  wait->changed_id = g_signal_connect_swapped (vphone, "state-changed",
                                               G_CALLBACK (on_wait_state_changed), task);
  wait->timeout_id = g_timeout_add ((guint) (command->seconds * 1000), on_wait_timeout, task);
  if (cancellable != NULL)
    wait->cancelled_id = g_signal_connect (cancellable, "cancelled",
                                           G_CALLBACK (on_wait_cancelled), task);
}

/**
 * ub_vphone_command_run_async:
 * @line: one command, without its newline
 *
 * Runs @line; `wait` finishes when its condition holds or times out, every
 * other command at once.
 */
void
ub_vphone_command_run_async (UbVphone            *vphone,
                             const char          *line,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_auto(Command) command = { 0, };
  g_autoptr(GError) error = NULL;
  GTask *task;

  g_return_if_fail (UB_IS_VPHONE (vphone));
  g_return_if_fail (line != NULL);

  task = g_task_new (vphone, cancellable, callback, user_data);
  g_task_set_source_tag (task, ub_vphone_command_run_async);
  g_debug ("Command \"%s\"", line);
  ub_vphone_recorder_log (ub_vphone_get_recorder (vphone), "control %s", line);
  if (!parse (line, &command, &error))
    {
      g_task_return_pointer (task, g_strdup_printf ("error %s", error->message), g_free);
      g_object_unref (task);
      return;
    }
  if (command.verb == VERB_WAIT)
    {
      start_wait (task, vphone, &command);
      return;
    }
  g_task_return_pointer (task, execute (vphone, &command), g_free);
  g_object_unref (task);
}

/**
 * ub_vphone_command_run_finish:
 *
 * Returns: (transfer full): the reply line, "ok…" or "error …"; %NULL only
 *   when the command was cancelled
 */
char *
ub_vphone_command_run_finish (UbVphone      *vphone,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, vphone), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
