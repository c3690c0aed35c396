/* ub-application.c — Unbrick's application object
 *
 * Owns the services every window shares: the model table, the sequences, the
 * device monitor (started once, watching USB for the whole session) and the
 * speech output. "--simulate" re-runs Unbrick inside the virtual iPhone for
 * training (see ub-simulate.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-application"

#include "config.h"

#include <glib/gi18n.h>

#include "ub-application.h"
#include "ub-bench.h"
#include "ub-simulate.h"
#include "ub-speaker.h"
#include "ub-window.h"

struct _UbApplication
{
  AdwApplication   parent_instance;

  UbModelDb       *model_db;
  UbSequenceBook  *sequence_book;
  UbDeviceMonitor *device_monitor;
  UbSpeaker       *speaker;
  GSettings       *settings;
  GError          *monitor_error;
  char            *simulate_model;
  gboolean         simulate;
};

G_DEFINE_FINAL_TYPE (UbApplication, ub_application, ADW_TYPE_APPLICATION)

static gboolean
on_simulate_option (const char  *option_name,
                    const char  *value,
                    gpointer     data,
                    GError     **error)
{
  UbApplication *self = UB_APPLICATION (g_application_get_default ());

  self->simulate = TRUE;
  g_free (self->simulate_model);
  self->simulate_model = g_strdup (value);
  return TRUE;
}

static const GOptionEntry options[] = {
  { "verbose", 'v', 0, G_OPTION_ARG_NONE, NULL, N_("Show debug messages"), NULL },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Show the version"), NULL },
  { "simulate", 0, G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK, on_simulate_option,
    N_("Practise with a virtual phone (training mode); MODEL is a name or product type"), N_("MODEL") },
  { "training", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, NULL, NULL, NULL },
  { NULL }
};

static int
ub_application_handle_local_options (GApplication *app,
                                     GVariantDict *opts)
{
  UbApplication *self = UB_APPLICATION (app);

  if (g_variant_dict_contains (opts, "verbose"))
    {
      g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
      g_log_set_debug_enabled (TRUE);
    }
  if (g_variant_dict_contains (opts, "version"))
    {
      g_print ("unbrick %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (self->simulate)
    return ub_simulate_run (self->simulate_model);
  if (g_variant_dict_contains (opts, "training"))
    {
      /* A separate instance, even if an ordinary Unbrick is already running */
      g_application_set_flags (app, g_application_get_flags (app) | G_APPLICATION_NON_UNIQUE);
      ub_simulate_set_training (TRUE);
    }
  return -1;
}

static void
on_spoken_countdown_changed (UbApplication *self)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "spoken-countdown");
  gboolean enabled = self->settings && g_settings_get_boolean (self->settings, "spoken-countdown");

  ub_speaker_set_enabled (self->speaker, enabled);
  g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_boolean (enabled));
}

static void
spoken_countdown_action (GSimpleAction *action,
                         GVariant      *param,
                         gpointer       user_data)
{
  UbApplication *self = user_data;
  GVariant *state = g_action_get_state (G_ACTION (action));
  gboolean enabled = !g_variant_get_boolean (state);

  g_variant_unref (state);
  if (self->settings != NULL)
    g_settings_set_boolean (self->settings, "spoken-countdown", enabled);
  else
    {
      ub_speaker_set_enabled (self->speaker, enabled);
      g_simple_action_set_state (action, g_variant_new_boolean (enabled));
    }
}

static void
about_action (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  GtkApplication *app = user_data;
  const char *developers[] = { _("The Unbrick developers"), NULL };

  adw_show_about_window (gtk_application_get_active_window (app),
                         "application-name", _("Unbrick"),
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "comments", _("Gets a stuck iPhone back on track: force restart, recovery mode and DFU mode, step by step."),
                         "developers", developers,
                         "license-type", GTK_LICENSE_GPL_3_0,
                         /* TRANSLATORS: your names, one per line */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
setup_actions (UbApplication *self)
{
  static const GActionEntry entries[] = {
    { "about", about_action },
    { "quit", quit_action },
    { "spoken-countdown", spoken_countdown_action, NULL, "false" },
  };
  const char *quit_accels[] = { "<Control>q", NULL };

  g_action_map_add_action_entries (G_ACTION_MAP (self), entries, G_N_ELEMENTS (entries), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
}

/* The schema is missing when Unbrick runs uninstalled without GSETTINGS_SCHEMA_DIR:
 * carry on without remembered settings rather than abort. */
static GSettings *
settings_new_if_installed (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = source ? g_settings_schema_source_lookup (source, APP_ID, TRUE) : NULL;

  if (schema == NULL)
    {
      g_message ("GSettings schema %s not installed; settings will not be remembered", APP_ID);
      return NULL;
    }
  return g_settings_new (APP_ID);
}

static void
ub_application_startup (GApplication *app)
{
  UbApplication *self = UB_APPLICATION (app);

  G_APPLICATION_CLASS (ub_application_parent_class)->startup (app);

  self->model_db = ub_model_db_new_default ();
  self->sequence_book = ub_sequence_book_new_default ();
  self->device_monitor = ub_device_monitor_new (self->model_db);
  if (!ub_device_monitor_start (self->device_monitor, &self->monitor_error))
    g_warning ("Device monitor: %s", self->monitor_error->message);
  self->speaker = ub_speaker_new ();
  self->settings = settings_new_if_installed ();
  setup_actions (self);
  if (self->settings != NULL)
    g_signal_connect_object (self->settings, "changed::spoken-countdown",
                             G_CALLBACK (on_spoken_countdown_changed), self, G_CONNECT_SWAPPED);
  on_spoken_countdown_changed (self);
}

static void
ub_application_activate (GApplication *app)
{
  UbApplication *self = UB_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_autoptr(UbRescue) rescue = NULL;

  if (window == NULL)
    {
      rescue = ub_rescue_new (self->model_db, self->sequence_book, self->device_monitor,
                              ub_clock_get_default ());
      window = GTK_WINDOW (ub_window_new (GTK_APPLICATION (app), rescue, self->speaker));
      if (self->monitor_error != NULL)
        ub_window_add_toast (UB_WINDOW (window), self->monitor_error->message);
      ub_simulate_attach_panel (UB_WINDOW (window));
      ub_bench_watch_window (window);
    }
  gtk_window_present (window);
}

static void
ub_application_shutdown (GApplication *app)
{
  UbApplication *self = UB_APPLICATION (app);

  if (self->device_monitor != NULL)
    ub_device_monitor_stop (self->device_monitor);

  G_APPLICATION_CLASS (ub_application_parent_class)->shutdown (app);
}

static void
ub_application_dispose (GObject *object)
{
  UbApplication *self = (UbApplication *)object;

  g_clear_object (&self->device_monitor);
  g_clear_object (&self->sequence_book);
  g_clear_object (&self->model_db);
  g_clear_object (&self->speaker);
  g_clear_object (&self->settings);
  g_clear_error (&self->monitor_error);
  g_clear_pointer (&self->simulate_model, g_free);

  G_OBJECT_CLASS (ub_application_parent_class)->dispose (object);
}

static void
ub_application_class_init (UbApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = ub_application_dispose;
  app_class->handle_local_options = ub_application_handle_local_options;
  app_class->startup = ub_application_startup;
  app_class->activate = ub_application_activate;
  app_class->shutdown = ub_application_shutdown;
}

static void
ub_application_init (UbApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), options);
}

UbApplication *
ub_application_new (void)
{
  return g_object_new (UB_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", RESOURCE_BASE,
                       NULL);
}

UbModelDb *
ub_application_get_model_db (UbApplication *self)
{
  g_return_val_if_fail (UB_IS_APPLICATION (self), NULL);
  return self->model_db;
}

UbDeviceMonitor *
ub_application_get_device_monitor (UbApplication *self)
{
  g_return_val_if_fail (UB_IS_APPLICATION (self), NULL);
  return self->device_monitor;
}
