/* ub-simulate.c — training mode: Unbrick against the virtual iPhone
 *
 * "unbrick --simulate [MODEL]" runs the virtual iPhone (tests/vphone, installed
 * in libexecdir) with a second, separate Unbrick as its child: that child sees
 * the simulated phone through the real libusb and libimobiledevice, exactly
 * as it would see a real one, and shows a panel to press the virtual
 * phone's buttons. Support staff can rehearse every sequence, with good and
 * bad timing, without a phone.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-simulate"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <sys/wait.h>

#include "ub-simulate.h"
#include "ub-training-panel.h"

static gboolean training;

static char *
find_vphone (void)
{
  const char *env = g_getenv ("UNBRICK_VPHONE");
  g_autofree char *installed = g_build_filename (LIBEXECDIR, "unbrick", "vphone", NULL);

  if (env != NULL && g_file_test (env, G_FILE_TEST_IS_EXECUTABLE))
    return g_strdup (env);
  if (g_file_test (installed, G_FILE_TEST_IS_EXECUTABLE))
    return g_steal_pointer (&installed);
  if (g_file_test (VPHONE_BUILD_PATH, G_FILE_TEST_IS_EXECUTABLE))
    return g_strdup (VPHONE_BUILD_PATH);
  return NULL;
}

static char *
resolve_model (const char *query)
{
  g_autoptr(UbModelDb) db = ub_model_db_new_default ();
  g_autoptr(GError) error = NULL;
  UbModel *model;

  if (query == NULL)
    return g_strdup ("iPhone10,3");
  if ((model = ub_model_db_resolve_one (db, query, &error)) == NULL)
    {
      fprintf (stderr, "unbrick: %s\n", error->message);
      return NULL;
    }
  return g_strdup (ub_model_get_product_type (model));
}

/**
 * ub_simulate_run:
 * @model: (nullable): a model name or product type; an iPhone X by default
 *
 * Runs the training session and waits for it.
 *
 * Returns: the exit status for the command line
 */
int
ub_simulate_run (const char *model)
{
  g_autofree char *vphone = find_vphone ();
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *product = resolve_model (model);
  g_autoptr(GError) error = NULL;
  int status = 0;
  const char *argv[] = {
    vphone, "--model", product, "--mode", "normal", "--", self, "--training", NULL,
  };

  if (product == NULL)
    return 2;
  if (vphone == NULL || self == NULL)
    {
      fprintf (stderr, "%s\n", _("unbrick: training mode needs the virtual iPhone (vphone), "
                                 "which is not installed. Build Unbrick with tests enabled."));
      return 1;
    }
  g_debug ("Training with a virtual %s: %s", product, vphone);
  if (!g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL,
                     NULL, NULL, &status, &error))
    {
      fprintf (stderr, "unbrick: %s\n", error->message);
      return 1;
    }
  return WIFEXITED (status) ? WEXITSTATUS (status) : 1;
}

/**
 * ub_simulate_set_training:
 *
 * Marks this process as the Unbrick that runs inside the virtual iPhone.
 */
void
ub_simulate_set_training (gboolean value)
{
  training = value;
}

/**
 * ub_simulate_attach_panel:
 *
 * In training mode, adds the virtual phone's panel beside the wizard.
 */
void
ub_simulate_attach_panel (UbWindow *window)
{
  const char *socket = g_getenv ("UNBRICK_VPHONE_CONTROL");

  if (!training)
    return;
  if (socket == NULL)
    {
      g_warning ("Training mode without a virtual phone (UNBRICK_VPHONE_CONTROL is not set)");
      return;
    }
  ub_window_set_side_panel (window, ub_training_panel_new (socket));
  /* TRANSLATORS: shown when the wizard runs against the virtual phone */
  ub_window_add_toast (window, _("Training mode: the phone is virtual. Use the panel on the right to press its buttons."));
}
