/* ub-guide-page.c — the timed button guide, with live USB detection
 *
 * One step at a time: the drawing with the buttons to press, the instruction,
 * a countdown, and what to watch for on the screen. USB events feed the guide
 * state machine (ub-guide.c): the phone arriving in the target mode ends the
 * countdown at once; arriving in another mode explains what happened and how
 * to try again. Where the phone is in recovery mode, this page reboots it at
 * the right moment so that nobody has to time the first part.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-guide-page"

#include "config.h"

#include <glib/gi18n.h>

#include "ub-countdown.h"
#include "ub-guide-page.h"
#include "ub-guide-page-private.h"
#include "ub-phone-view.h"

#define TICK_MS 100
#define ADVANCE_DELAY_MS 2500

G_DEFINE_FINAL_TYPE (UbGuidePage, ub_guide_page, UB_TYPE_PAGE)

static UbRescue *
rescue_of (UbGuidePage *self)
{
  return ub_page_get_rescue (UB_PAGE (self));
}

static UbPowerButton
power_of (UbGuidePage *self)
{
  UbModel *model = ub_rescue_get_model (rescue_of (self));

  return model ? ub_model_get_power_button (model) : UB_POWER_BUTTON_SIDE;
}

/* ---- drawing the current step ---- */

static void
announce (UbGuidePage *self,
          gboolean     speak_instruction)
{
  UbStep *step = ub_guide_get_current_step (self->guide);
  int index = ub_guide_get_step (self->guide);
  guint n = ub_sequence_get_n_steps (ub_guide_get_sequence (self->guide));
  guint remaining = ub_guide_get_remaining (self->guide);
  const char *instruction = ub_step_get_instruction (step, power_of (self));
  g_autofree char *count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u second", "%u seconds",
                                                         remaining), remaining);
  /* TRANSLATORS: what a screen reader says: "Step 4 of 6. <instruction> 7 seconds." */
  g_autofree char *text = g_strdup_printf (_("Step %d of %u. %s %s."), MAX (index, 0) + 1, n,
                                           instruction, count);
  g_autofree char *number = g_strdup_printf ("%u", remaining);

  ub_countdown_set_announcement (self->countdown, text);
  if (self->speaker == NULL || ub_guide_get_state (self->guide) != UB_GUIDE_RUNNING)
    return;
  ub_speaker_say (self->speaker, speak_instruction ? instruction : number);
}

static void
show_step (UbGuidePage *self)
{
  UbStep *step = ub_guide_get_current_step (self->guide);
  int index = ub_guide_get_step (self->guide);
  guint n = ub_sequence_get_n_steps (ub_guide_get_sequence (self->guide));
  const char *cue = ub_step_get_cue (step);
  g_autofree char *step_text = NULL;
  gboolean running = ub_guide_get_state (self->guide) == UB_GUIDE_RUNNING;

  /* TRANSLATORS: above the instruction, e.g. "Step 2 of 6" */
  step_text = g_strdup_printf (_("Step %d of %u"), MAX (index, 0) + 1, n);
  gtk_label_set_label (self->step_label, step_text);
  gtk_label_set_label (self->instruction_label, ub_step_get_instruction (step, power_of (self)));
  gtk_label_set_label (self->cue_label, cue ? cue : "");
  gtk_widget_set_visible (GTK_WIDGET (self->cue_label), cue != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->cue_button), running && ub_step_get_cue_seconds (step) >= 0);
  g_object_set (self->phone_view,
                "hold", ub_step_get_hold (step),
                "tap", ub_step_get_tap (step),
                "screen", ub_step_get_screen (step),
                NULL);
  ub_countdown_set_remaining (self->countdown, ub_guide_get_state (self->guide) == UB_GUIDE_READY
                                               ? ub_step_get_seconds (step, ub_guide_get_from_recovery (self->guide))
                                               : ub_guide_get_remaining (self->guide));
  announce (self, TRUE);
}

static void
on_remaining_changed (UbGuidePage *self)
{
  ub_countdown_set_remaining (self->countdown, ub_guide_get_remaining (self->guide));
  announce (self, FALSE);
}

/* ---- the tick ---- */

static gboolean
on_tick (gpointer data)
{
  UbGuidePage *self = data;

  ub_guide_tick (self->guide);
  ub_countdown_set_fraction (self->countdown, ub_guide_get_step_fraction (self->guide));
  return G_SOURCE_CONTINUE;
}

static void
start_ticking (UbGuidePage *self)
{
  UbClock *clock = ub_rescue_get_clock (rescue_of (self));

  if (self->tick_id == 0)
    self->tick_id = g_timeout_add (ub_clock_scale_ms (clock, TICK_MS), on_tick, self);
}

static void
stop_ticking (UbGuidePage *self)
{
  g_clear_handle_id (&self->tick_id, g_source_remove);
}

/* ---- state ---- */

static void
update_controls (UbGuidePage *self)
{
  UbGuideState state = self->guide ? ub_guide_get_state (self->guide) : UB_GUIDE_READY;
  gboolean finished = state == UB_GUIDE_SUCCEEDED || state == UB_GUIDE_FAILED || self->already_there;

  gtk_widget_set_visible (self->start_button, state == UB_GUIDE_READY && !self->already_there);
  gtk_widget_set_visible (self->pause_button, state == UB_GUIDE_RUNNING || state == UB_GUIDE_PAUSED);
  if (state == UB_GUIDE_PAUSED)
    /* TRANSLATORS: resumes the paused countdown of the button guide */
    gtk_button_set_label (GTK_BUTTON (self->pause_button), _("_Resume"));
  else
    /* TRANSLATORS: pauses the countdown of the button guide */
    gtk_button_set_label (GTK_BUTTON (self->pause_button), _("_Pause"));
  gtk_widget_set_visible (self->restart_button, state == UB_GUIDE_RUNNING || state == UB_GUIDE_PAUSED ||
                                                state == UB_GUIDE_CHECKING);
  gtk_widget_set_visible (self->step_box, !finished);
  ub_countdown_set_active (self->countdown, state == UB_GUIDE_RUNNING);
  ub_page_set_can_go_back (UB_PAGE (self), state == UB_GUIDE_READY || finished);
}

static void
on_advance_timeout (gpointer data)
{
  UbGuidePage *self = data;

  self->advance_id = 0;
  ub_page_request_next (UB_PAGE (self));
}

static void
on_state_changed (UbGuidePage *self)
{
  UbGuideState state = ub_guide_get_state (self->guide);

  g_debug ("Guide page state “%s”", ub_guide_state_to_string (state));
  if (state == UB_GUIDE_SUCCEEDED || state == UB_GUIDE_FAILED)
    {
      stop_ticking (self);
      ub_rescue_set_result (rescue_of (self), state, ub_guide_get_failure (self->guide), self->arrived);
      _ub_guide_page_show_outcome (self);
      ub_page_set_complete (UB_PAGE (self), state == UB_GUIDE_SUCCEEDED);
      if (state == UB_GUIDE_SUCCEEDED && self->advance_id == 0)
        self->advance_id = g_timeout_add_once (ADVANCE_DELAY_MS, on_advance_timeout, self);
    }
  else if (state == UB_GUIDE_CHECKING)
    {
      gtk_label_set_label (self->instruction_label, _("You can let go of the buttons now."));
      gtk_label_set_label (self->cue_label, _("Checking whether the computer sees the phone…"));
      gtk_widget_set_visible (GTK_WIDGET (self->cue_label), TRUE);
      gtk_widget_set_visible (self->cue_button, FALSE);
      ub_countdown_set_remaining (self->countdown, 0);
      if (ub_sequence_get_target (ub_guide_get_sequence (self->guide)) == UB_TARGET_RESTART)
        _ub_guide_page_show_outcome (self);
    }
  update_controls (self);
}

/* ---- devices ---- */

static gboolean
is_ours (UbGuidePage *self,
         UbDevice    *device)
{
  UbDevice *rescued = ub_rescue_get_device (rescue_of (self));
  UbModel *model = ub_rescue_get_model (rescue_of (self));

  if (rescued != NULL && (ub_device_has_ecid (rescued) || ub_device_get_udid (rescued)))
    return ub_device_is_same_phone (device, rescued) ||
           !(ub_device_has_ecid (device) || ub_device_get_udid (device) != NULL);
  /* No phone chosen yet: any phone of the chosen model (or one we cannot identify) */
  return ub_device_get_model (device) == NULL || ub_device_get_model (device) == model;
}

static void
update_status (UbGuidePage *self)
{
  UbDeviceMonitor *monitor = ub_rescue_get_device_monitor (rescue_of (self));
  GListModel *devices = monitor ? ub_device_monitor_get_devices (monitor) : NULL;
  g_autofree char *text = NULL;

  for (guint i = 0; devices && i < g_list_model_get_n_items (devices) && text == NULL; i++)
    {
      g_autoptr(UbDevice) device = g_list_model_get_item (devices, i);

      if (is_ours (self, device))
        /* TRANSLATORS: live status under the guide, e.g. "The computer sees the phone: DFU mode" */
        text = g_strdup_printf (_("The computer sees the phone: %s"),
                                ub_device_mode_get_label (ub_device_get_mode (device)));
    }
  gtk_label_set_label (self->status_label, text ? text : _("The computer does not see the phone right now."));
}

static void
on_device_added (UbGuidePage *self,
                 UbDevice    *device)
{
  update_status (self);
  if (self->guide == NULL || !ub_guide_is_active (self->guide) || !is_ours (self, device))
    return;
  /* A phone picked only by model is learnt the first time it shows up */
  if (ub_rescue_get_device (rescue_of (self)) == NULL)
    ub_rescue_set_device (rescue_of (self), device);
  g_set_object (&self->arrived, device);
  ub_guide_device_arrived (self->guide, ub_device_get_mode (device),
                           ub_device_has_ecid (device), ub_device_get_ecid (device));
}

static void
on_device_removed (UbGuidePage *self,
                   UbDevice    *device)
{
  update_status (self);
  if (self->guide != NULL && is_ours (self, device))
    ub_guide_device_left (self->guide);
}

/* ---- the computer's part: auto-boot and reboot from recovery mode ---- */

static void
on_commands_sent (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(UbGuidePage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (ub_recovery_send_commands_finish (result, &error))
    return;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_warning ("Recovery command failed: %s", error->message);
  /* TRANSLATORS: %s explains the USB problem */
  text = g_strdup_printf (_("The computer could not restart the phone: %s"), error->message);
  gtk_label_set_label (self->status_label, text);
}

static void
on_host_action (UbGuidePage *self,
                int          action)
{
  static const char * const prepare[] = { "setenv auto-boot true", "saveenv", NULL };
  static const char * const reboot[] = { "reboot", NULL };
  UbDevice *device = ub_rescue_get_device (rescue_of (self));

  if (device == NULL || ub_device_get_mode (device) != UB_DEVICE_MODE_RECOVERY)
    {
      g_warning ("The guide asks for a reboot, but the phone is not in recovery mode");
      return;
    }
  g_debug ("Host action %s on %s", action == UB_GUIDE_ACTION_REBOOT ? "reboot" : "prepare",
           ub_device_get_id (device));
  ub_recovery_send_commands_async (device, action == UB_GUIDE_ACTION_REBOOT ? reboot : prepare,
                                   self->cancellable, on_commands_sent, g_object_ref (self));
}

/* ---- building the guide ---- */

static void
drop_guide (UbGuidePage *self)
{
  stop_ticking (self);
  g_clear_handle_id (&self->advance_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->guide != NULL)
    g_signal_handlers_disconnect_by_data (self->guide, self);
  g_clear_object (&self->guide);
  g_clear_object (&self->arrived);
}

/* A phone already in the target mode is accepted as it is (checkra1n refused
 * those, and users hated it: ux-anchors.md complaint 3). */
static UbDevice *
find_already_there (UbGuidePage *self,
                    UbSequence  *seq)
{
  UbDeviceMonitor *monitor = ub_rescue_get_device_monitor (rescue_of (self));
  GListModel *devices;

  if (monitor == NULL || ub_sequence_get_target (seq) == UB_TARGET_RESTART)
    return NULL;
  devices = ub_device_monitor_get_devices (monitor);
  for (guint i = 0; i < g_list_model_get_n_items (devices); i++)
    {
      g_autoptr(UbDevice) device = g_list_model_get_item (devices, i);
      UbDeviceMode mode = ub_device_get_mode (device);
      gboolean target = ub_sequence_get_target (seq) == UB_TARGET_DFU
                        ? (mode == UB_DEVICE_MODE_DFU || mode == UB_DEVICE_MODE_WTF)
                        : mode == UB_DEVICE_MODE_RECOVERY;

      if (target && is_ours (self, device))
        return g_steal_pointer (&device);
    }
  return NULL;
}

/* Builds a fresh guide for what the rescue says now. */
void
_ub_guide_page_rebuild (UbGuidePage *self)
{
  UbRescue *rescue = rescue_of (self);
  gboolean from_recovery = FALSE;
  UbSequence *seq = ub_rescue_choose_sequence (rescue, &from_recovery);
  UbDevice *device = ub_rescue_get_device (rescue);
  g_autoptr(UbDevice) there = NULL;

  drop_guide (self);
  _ub_guide_page_hide_outcome (self);
  self->already_there = FALSE;
  ub_page_set_complete (UB_PAGE (self), FALSE);
  if (seq == NULL)
    return;

  self->cancellable = g_cancellable_new ();
  self->guide = ub_guide_new (seq, ub_rescue_get_clock (rescue), from_recovery);
  if (device != NULL && ub_device_has_ecid (device))
    ub_guide_set_expected_ecid (self->guide, ub_device_get_ecid (device));
  g_signal_connect_swapped (self->guide, "notify::step", G_CALLBACK (show_step), self);
  g_signal_connect_swapped (self->guide, "notify::remaining", G_CALLBACK (on_remaining_changed), self);
  g_signal_connect_swapped (self->guide, "notify::state", G_CALLBACK (on_state_changed), self);
  g_signal_connect_swapped (self->guide, "host-action", G_CALLBACK (on_host_action), self);
  ub_phone_view_set_model (self->phone_view, ub_rescue_get_model (rescue));
  g_debug ("Guide ready: “%s” for %s, from recovery: %s",
           ub_sequence_kind_to_string (ub_sequence_get_kind (seq)),
           ub_model_get_product_type (ub_rescue_get_model (rescue)), from_recovery ? "yes" : "no");

  show_step (self);
  update_status (self);
  if ((there = find_already_there (self, seq)) != NULL)
    {
      self->already_there = TRUE;
      g_set_object (&self->arrived, there);
      ub_rescue_set_result (rescue, UB_GUIDE_SUCCEEDED, UB_GUIDE_FAILURE_NONE, there);
      ub_page_set_complete (UB_PAGE (self), TRUE);
      _ub_guide_page_show_outcome (self);
    }
  update_controls (self);
}

/* ---- buttons ---- */

static void
on_start_clicked (UbGuidePage *self)
{
  if (self->guide == NULL || ub_guide_get_state (self->guide) != UB_GUIDE_READY)
    return;
  ub_guide_start (self->guide);
  start_ticking (self);
  show_step (self);
  update_controls (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->countdown));
}

static void
on_pause_clicked (UbGuidePage *self)
{
  if (ub_guide_get_state (self->guide) == UB_GUIDE_PAUSED)
    ub_guide_resume (self->guide);
  else
    ub_guide_pause (self->guide);
}

static void
on_restart_clicked (UbGuidePage *self)
{
  _ub_guide_page_rebuild (self);
}

static void
on_cue_clicked (UbGuidePage *self)
{
  if (self->guide != NULL)
    ub_guide_confirm_cue (self->guide);
}

static void
cue_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *param)
{
  on_cue_clicked (UB_GUIDE_PAGE (widget));
}

/* ---- page ---- */

static void
ub_guide_page_shown (UbPage *page)
{
  _ub_guide_page_rebuild (UB_GUIDE_PAGE (page));
  gtk_widget_grab_focus (UB_GUIDE_PAGE (page)->start_button);
}

static void
ub_guide_page_hidden (UbPage *page)
{
  drop_guide (UB_GUIDE_PAGE (page));
}

static void
ub_guide_page_constructed (GObject *object)
{
  UbGuidePage *self = UB_GUIDE_PAGE (object);
  UbDeviceMonitor *monitor;

  G_OBJECT_CLASS (ub_guide_page_parent_class)->constructed (object);

  monitor = ub_rescue_get_device_monitor (rescue_of (self));
  if (monitor != NULL)
    {
      g_signal_connect_object (monitor, "device-added", G_CALLBACK (on_device_added), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (monitor, "device-changed", G_CALLBACK (update_status), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (monitor, "device-removed", G_CALLBACK (on_device_removed), self, G_CONNECT_SWAPPED);
    }
}

static void
ub_guide_page_dispose (GObject *object)
{
  UbGuidePage *self = UB_GUIDE_PAGE (object);

  drop_guide (self);
  g_clear_object (&self->speaker);
  gtk_widget_dispose_template (GTK_WIDGET (self), UB_TYPE_GUIDE_PAGE);

  G_OBJECT_CLASS (ub_guide_page_parent_class)->dispose (object);
}

static void
ub_guide_page_class_init (UbGuidePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  UbPageClass *page_class = UB_PAGE_CLASS (klass);

  object_class->constructed = ub_guide_page_constructed;
  object_class->dispose = ub_guide_page_dispose;
  page_class->shown = ub_guide_page_shown;
  page_class->hidden = ub_guide_page_hidden;

  g_type_ensure (UB_TYPE_PHONE_VIEW);
  g_type_ensure (UB_TYPE_COUNTDOWN);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/ub-guide-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, UbGuidePage, name)
  BIND (phone_view);
  BIND (countdown);
  BIND (step_label);
  BIND (instruction_label);
  BIND (cue_label);
  BIND (status_label);
  BIND (cue_button);
  BIND (start_button);
  BIND (pause_button);
  BIND (restart_button);
  BIND (step_box);
  BIND (outcome_box);
  BIND (outcome_icon);
  BIND (outcome_title);
  BIND (outcome_body);
  BIND (try_again_button);
  BIND (restarted_yes_button);
  BIND (restarted_no_button);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, on_start_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_pause_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_restart_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_cue_clicked);
  _ub_guide_page_bind_outcome (widget_class);

  /* Space confirms the visual cue ("the screen turned black") while the
   * countdown has focus: a free finger can do it without aiming. */
  gtk_widget_class_install_action (widget_class, "guide.cue", NULL, cue_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_space, 0, "guide.cue", NULL);
}

static void
ub_guide_page_init (UbGuidePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* TRANSLATORS: page title: the timed steps */
  ub_page_set_title (UB_PAGE (self), _("Guide"));
}

/**
 * ub_guide_page_new:
 * @speaker: (nullable): speaks the steps and counts when enabled
 */
UbPage *
ub_guide_page_new (UbRescue  *rescue,
                   UbSpeaker *speaker)
{
  UbGuidePage *self = g_object_new (UB_TYPE_GUIDE_PAGE, "rescue", rescue, NULL);

  if (speaker != NULL)
    self->speaker = g_object_ref (speaker);
  return UB_PAGE (self);
}

/**
 * ub_guide_page_get_guide:
 *
 * Returns: (transfer none) (nullable): the running guide, for tests
 */
UbGuide *
ub_guide_page_get_guide (UbGuidePage *self)
{
  g_return_val_if_fail (UB_IS_GUIDE_PAGE (self), NULL);
  return self->guide;
}
