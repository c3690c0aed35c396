/* ub-vphone-child.c — the command that runs against the virtual iPhone
 *
 * The child gets SIGTERM if the simulator dies (PR_SET_PDEATHSIG). The
 * simulator is a child subreaper, so whatever the child leaves running is
 * re-parented to it, and ub_vphone_child_reap_orphans() ends those when the
 * child is done: nothing outlives the run.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-vphone-child"

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ub-vphone-child.h"

#define ORPHAN_GRACE_MS 2000

struct _UbVphoneChild
{
  GObject      parent_instance;

  GSubprocess *process;
  gboolean     running;
  int          exit_code;
};

enum {
  PROP_0,
  PROP_RUNNING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (UbVphoneChild, ub_vphone_child, G_TYPE_OBJECT)

static void
ub_vphone_child_dispose (GObject *object)
{
  UbVphoneChild *self = UB_VPHONE_CHILD (object);

  g_clear_object (&self->process);

  G_OBJECT_CLASS (ub_vphone_child_parent_class)->dispose (object);
}

static void
ub_vphone_child_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  UbVphoneChild *self = UB_VPHONE_CHILD (object);

  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ub_vphone_child_class_init (UbVphoneChildClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ub_vphone_child_dispose;
  object_class->get_property = ub_vphone_child_get_property;

  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ub_vphone_child_init (UbVphoneChild *self)
{
}

/* Runs in the child between fork and exec. */
static void
child_setup (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
  signal (SIGPIPE, SIG_DFL);
}

static void
on_exited (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  g_autoptr(UbVphoneChild) self = data;
  GSubprocess *process = G_SUBPROCESS (source);

  g_subprocess_wait_finish (process, result, NULL);
  if (g_subprocess_get_if_signaled (process))
    self->exit_code = 128 + g_subprocess_get_term_sig (process);
  else
    self->exit_code = g_subprocess_get_exit_status (process);
  g_debug ("Child exited with status %d", self->exit_code);
  self->running = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

/**
 * ub_vphone_child_spawn:
 * @argv: the command
 * @envp: its whole environment
 *
 * Starts @argv with the simulator's stdin, stdout and stderr.
 *
 * Returns: (transfer full): the running child, or %NULL with @error set
 */
UbVphoneChild *
ub_vphone_child_spawn (const char * const  *argv,
                       const char * const  *envp,
                       GError             **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(UbVphoneChild) self = NULL;

  g_return_val_if_fail (argv != NULL && argv[0] != NULL, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_INHERIT);
  g_subprocess_launcher_set_environ (launcher, (char **) envp);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  self = g_object_new (UB_TYPE_VPHONE_CHILD, NULL);
  self->process = g_subprocess_launcher_spawnv (launcher, argv, error);
  if (self->process == NULL)
    return NULL;
  self->running = TRUE;
  g_debug ("Started \"%s\" as process %s", argv[0], g_subprocess_get_identifier (self->process));
  g_subprocess_wait_async (self->process, NULL, on_exited, g_object_ref (self));
  return g_steal_pointer (&self);
}

gboolean
ub_vphone_child_get_running (UbVphoneChild *self)
{
  g_return_val_if_fail (UB_IS_VPHONE_CHILD (self), FALSE);
  return self->running;
}

/**
 * ub_vphone_child_get_exit_code:
 *
 * Returns: the exit status, or 128 + the signal that killed the child
 */
int
ub_vphone_child_get_exit_code (UbVphoneChild *self)
{
  g_return_val_if_fail (UB_IS_VPHONE_CHILD (self), 1);
  return self->exit_code;
}

void
ub_vphone_child_send_signal (UbVphoneChild *self,
                             int            signum)
{
  g_return_if_fail (UB_IS_VPHONE_CHILD (self));

  if (self->running)
    {
      g_debug ("Forwarding signal %d to the child", signum);
      g_subprocess_send_signal (self->process, signum);
    }
}

/* Our children (orphans re-parented to us), from /proc. */
static GArray *
list_children (void)
{
  GArray *pids = g_array_new (FALSE, FALSE, sizeof (pid_t));
  g_autoptr(GDir) dir = g_dir_open ("/proc", 0, NULL);
  pid_t self = getpid ();
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/proc", name, "stat", NULL);
      g_autofree char *stat = NULL;
      const char *paren;
      int ppid = 0;
      pid_t pid;

      if (!g_ascii_isdigit (name[0]) || !g_file_get_contents (path, &stat, NULL, NULL))
        continue;
      paren = strrchr (stat, ')');
      if (paren == NULL || sscanf (paren + 1, " %*c %d", &ppid) != 1 || ppid != self)
        continue;
      pid = atoi (name);
      g_array_append_val (pids, pid);
    }
  return pids;
}

/**
 * ub_vphone_child_reap_orphans:
 *
 * Ends whatever the child left behind: SIGTERM, then SIGKILL after 2 s.
 */
void
ub_vphone_child_reap_orphans (void)
{
  g_autoptr(GArray) pids = list_children ();
  gint64 deadline = g_get_monotonic_time () + ORPHAN_GRACE_MS * 1000;
  guint left = pids->len;

  for (guint i = 0; i < pids->len; i++)
    {
      g_debug ("Ending leftover process %d", g_array_index (pids, pid_t, i));
      kill (g_array_index (pids, pid_t, i), SIGTERM);
    }
  while (left > 0)
    {
      left = 0;
      for (guint i = 0; i < pids->len; i++)
        {
          pid_t pid = g_array_index (pids, pid_t, i);

          if (pid == 0)
            continue;
          if (waitpid (pid, NULL, WNOHANG) != 0)
            g_array_index (pids, pid_t, i) = 0;
          else if (g_get_monotonic_time () > deadline)
            {
              kill (pid, SIGKILL);
              waitpid (pid, NULL, 0);
              g_array_index (pids, pid_t, i) = 0;
            }
          else
            left++;
        }
      if (left > 0)
        g_usleep (20 * 1000);
    }
}
