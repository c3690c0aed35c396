/* ub-training-panel.c — the virtual phone's buttons and screen, for training
 *
 * Talks to the virtual iPhone's control socket (one line per command, one
 * "ok …" or "error …" line per reply) with asynchronous GIO only, so the
 * wizard never waits on it. Buttons are toggles: a click presses, a second
 * click releases, so that two buttons can be held at once with a mouse. The
 * phone drawing shows the virtual screen, polled four times a second.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-training-panel"

#include "config.h"

#include <gio/gunixsocketaddress.h>
#include <glib/gi18n.h>
#include <string.h>

#include "ub-core.h"
#include "ub-phone-view.h"
#include "ub-training-panel.h"

#define POLL_MS 250

struct _UbTrainingPanel
{
  AdwBin             parent_instance;

  char              *socket_path;
  UbModelDb         *model_db;
  GSocketConnection *connection;
  GDataInputStream  *input;
  GQueue             pending;      /* (element-type utf8) commands not yet sent */
  gboolean           busy;
  guint              poll_id;
  GCancellable      *cancellable;
  gboolean           syncing;

  UbPhoneView       *phone_view;
  GtkLabel          *state_label;
  GtkToggleButton   *power_toggle;
  GtkToggleButton   *home_toggle;
  GtkToggleButton   *volume_up_toggle;
  GtkToggleButton   *volume_down_toggle;
  GtkSwitch         *plug_switch;
};

G_DEFINE_FINAL_TYPE (UbTrainingPanel, ub_training_panel, ADW_TYPE_BIN)

static void send_next (UbTrainingPanel *self);

/* ---- the state line: "ok mode=dfu screen=black buttons=power,volume-down …" ---- */

static UbScreen
screen_from_string (const char *value)
{
  for (UbScreen s = UB_SCREEN_ON; s <= UB_SCREEN_RECOVERY; s++)
    if (g_strcmp0 (value, ub_screen_to_string (s)) == 0)
      return s;
  return UB_SCREEN_BLACK;   /* "off" */
}

static UbButtons
buttons_from_string (const char *value)
{
  g_auto(GStrv) names = g_strsplit (value ? value : "", ",", -1);
  UbButtons buttons = UB_BUTTON_NONE;

  for (guint i = 0; names[i] != NULL; i++)
    {
      if (g_str_equal (names[i], "power") || g_str_equal (names[i], "side") || g_str_equal (names[i], "top"))
        buttons |= UB_BUTTON_POWER;
      else if (g_str_equal (names[i], "home"))
        buttons |= UB_BUTTON_HOME;
      else if (g_str_equal (names[i], "volume-up"))
        buttons |= UB_BUTTON_VOLUME_UP;
      else if (g_str_equal (names[i], "volume-down"))
        buttons |= UB_BUTTON_VOLUME_DOWN;
    }
  return buttons;
}

/* The toggles show what the phone says is held, whoever pressed it */
static void
sync_toggles (UbTrainingPanel *self,
              UbButtons        held)
{
  gtk_toggle_button_set_active (self->power_toggle, (held & UB_BUTTON_POWER) != 0);
  gtk_toggle_button_set_active (self->home_toggle, (held & UB_BUTTON_HOME) != 0);
  gtk_toggle_button_set_active (self->volume_up_toggle, (held & UB_BUTTON_VOLUME_UP) != 0);
  gtk_toggle_button_set_active (self->volume_down_toggle, (held & UB_BUTTON_VOLUME_DOWN) != 0);
}

static void
apply_state (UbTrainingPanel *self,
             const char      *line)
{
  g_autoptr(GHashTable) kv = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) words = g_strsplit (line + 3, " ", -1);
  UbModel *model;
  UbDeviceMode mode = UB_DEVICE_MODE_UNKNOWN;
  g_autofree char *text = NULL;

  for (guint i = 0; words[i] != NULL; i++)
    {
      char *eq = strchr (words[i], '=');
      if (eq != NULL)
        g_hash_table_insert (kv, g_strndup (words[i], eq - words[i]), g_strdup (eq + 1));
    }
  model = ub_model_db_lookup_product_type (self->model_db, g_hash_table_lookup (kv, "model") ?: "");
  if (model != NULL)
    ub_phone_view_set_model (self->phone_view, model);
  g_object_set (self->phone_view,
                "screen", screen_from_string (g_hash_table_lookup (kv, "screen")),
                "hold", buttons_from_string (g_hash_table_lookup (kv, "buttons")),
                NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->home_toggle),
                          model == NULL || ub_model_get_family (model) == UB_BUTTON_FAMILY_HOME);

  ub_device_mode_from_string (g_hash_table_lookup (kv, "mode"), &mode);
  /* TRANSLATORS: training panel status, e.g. "DFU mode · cable connected" */
  text = g_strdup_printf (_("%s · %s"),
                          g_strcmp0 (g_hash_table_lookup (kv, "mode"), "off") == 0 ? _("Switched off")
                                                                                   : ub_device_mode_get_label (mode),
                          g_strcmp0 (g_hash_table_lookup (kv, "plugged"), "yes") == 0 ? _("cable connected")
                                                                                      : _("cable unplugged"));
  gtk_label_set_label (self->state_label, text);
  self->syncing = TRUE;
  gtk_switch_set_active (self->plug_switch, g_strcmp0 (g_hash_table_lookup (kv, "plugged"), "yes") == 0);
  sync_toggles (self, buttons_from_string (g_hash_table_lookup (kv, "buttons")));
  self->syncing = FALSE;
}

/* ---- the command queue ---- */

static void
on_reply (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  UbTrainingPanel *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source),
                                                                     result, NULL, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->busy = FALSE;
  if (line == NULL)
    {
      gtk_label_set_label (self->state_label, _("The virtual phone stopped."));
      g_clear_handle_id (&self->poll_id, g_source_remove);
      return;
    }
  if (g_str_has_prefix (line, "ok mode="))
    apply_state (self, line);
  else if (g_str_has_prefix (line, "error"))
    g_debug ("Virtual phone: %s", line);
  send_next (self);
}

static void
send_next (UbTrainingPanel *self)
{
  g_autofree char *command = NULL;
  g_autofree char *line = NULL;
  GOutputStream *out;

  if (self->busy || self->connection == NULL || g_queue_is_empty (&self->pending))
    return;
  command = g_queue_pop_head (&self->pending);
  line = g_strconcat (command, "\n", NULL);
  out = g_io_stream_get_output_stream (G_IO_STREAM (self->connection));
  /* One short line to a local socket: written at once, never blocks for long */
  if (!g_output_stream_write_all (out, line, strlen (line), NULL, self->cancellable, NULL))
    return;
  self->busy = TRUE;
  g_data_input_stream_read_line_async (self->input, G_PRIORITY_DEFAULT, self->cancellable,
                                       on_reply, self);
}

static void
queue_command (UbTrainingPanel *self,
               const char      *command)
{
  if (!g_str_equal (command, "state"))   /* polled four times a second: not worth a line */
    g_debug ("Training panel: %s", command);
  g_queue_push_tail (&self->pending, g_strdup (command));
  send_next (self);
}

static gboolean
on_poll (gpointer data)
{
  UbTrainingPanel *self = data;

  if (!self->busy && g_queue_is_empty (&self->pending))
    queue_command (self, "state");
  return G_SOURCE_CONTINUE;
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  UbTrainingPanel *self = user_data;
  g_autoptr(GError) error = NULL;
  GSocketConnection *connection = g_socket_client_connect_finish (G_SOCKET_CLIENT (source), result, &error);

  if (connection == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_label_set_label (self->state_label, error->message);
      return;
    }
  self->connection = connection;
  self->input = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  self->poll_id = g_timeout_add (POLL_MS, on_poll, self);
  queue_command (self, "state");
}

/* ---- buttons ---- */

static void
on_button_toggled (UbTrainingPanel *self,
                   GtkToggleButton *toggle)
{
  const char *name;
  g_autofree char *command = NULL;

  if (self->syncing)
    return;
  if (toggle == self->power_toggle)
    name = "power";
  else if (toggle == self->home_toggle)
    name = "home";
  else if (toggle == self->volume_up_toggle)
    name = "volume-up";
  else
    name = "volume-down";
  command = g_strdup_printf ("%s %s", gtk_toggle_button_get_active (toggle) ? "press" : "release", name);
  queue_command (self, command);
}

static void
on_plug_changed (UbTrainingPanel *self)
{
  if (!self->syncing)
    queue_command (self, gtk_switch_get_active (self->plug_switch) ? "plug" : "unplug");
}

static void
ub_training_panel_dispose (GObject *object)
{
  UbTrainingPanel *self = (UbTrainingPanel *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->poll_id, g_source_remove);
  g_clear_object (&self->input);
  g_clear_object (&self->connection);
  g_queue_clear_full (&self->pending, g_free);
  g_clear_object (&self->model_db);
  gtk_widget_dispose_template (GTK_WIDGET (self), UB_TYPE_TRAINING_PANEL);

  G_OBJECT_CLASS (ub_training_panel_parent_class)->dispose (object);
}

static void
ub_training_panel_finalize (GObject *object)
{
  g_clear_pointer (&UB_TRAINING_PANEL (object)->socket_path, g_free);
  G_OBJECT_CLASS (ub_training_panel_parent_class)->finalize (object);
}

static void
ub_training_panel_class_init (UbTrainingPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ub_training_panel_dispose;
  object_class->finalize = ub_training_panel_finalize;

  g_type_ensure (UB_TYPE_PHONE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/ub-training-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, UbTrainingPanel, phone_view);
  gtk_widget_class_bind_template_child (widget_class, UbTrainingPanel, state_label);
  gtk_widget_class_bind_template_child (widget_class, UbTrainingPanel, power_toggle);
  gtk_widget_class_bind_template_child (widget_class, UbTrainingPanel, home_toggle);
  gtk_widget_class_bind_template_child (widget_class, UbTrainingPanel, volume_up_toggle);
  gtk_widget_class_bind_template_child (widget_class, UbTrainingPanel, volume_down_toggle);
  gtk_widget_class_bind_template_child (widget_class, UbTrainingPanel, plug_switch);
  gtk_widget_class_bind_template_callback (widget_class, on_button_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_plug_changed);
}

static void
ub_training_panel_init (UbTrainingPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_queue_init (&self->pending);
  self->cancellable = g_cancellable_new ();
  self->model_db = ub_model_db_new_default ();
}

/**
 * ub_training_panel_new:
 * @control_socket: the virtual iPhone's control socket
 *
 * Returns: (transfer floating): the panel, connecting in the background
 */
GtkWidget *
ub_training_panel_new (const char *control_socket)
{
  UbTrainingPanel *self = g_object_new (UB_TYPE_TRAINING_PANEL, NULL);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketAddress) address = g_unix_socket_address_new (control_socket);

  self->socket_path = g_strdup (control_socket);
  g_socket_client_connect_async (client, G_SOCKET_CONNECTABLE (address), self->cancellable,
                                 on_connected, self);
  return GTK_WIDGET (self);
}
