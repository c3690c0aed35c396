/* ub-guide-page-outcome.c — what the guide page says when an attempt ends
 *
 * Every outcome gets plain words and a next step (dfu-sequences.md §5): the
 * target mode reached; recovery mode instead ("held too long — that's
 * common"); iOS started; nothing seen (cable and port advice, USB-A for
 * Lightning phones); and, for a force restart the computer cannot see, the
 * person's own answer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-guide-page"

#include "config.h"

#include <glib/gi18n.h>

#include "ub-guide-page-private.h"

static UbModel *
model_of (UbGuidePage *self)
{
  return ub_rescue_get_model (ub_page_get_rescue (UB_PAGE (self)));
}

static void
set_outcome (UbGuidePage *self,
             const char  *icon,
             const char  *css,
             const char  *title,
             const char  *body)
{
  gtk_image_set_from_icon_name (self->outcome_icon, icon);
  gtk_widget_remove_css_class (self->outcome_box, "success");
  gtk_widget_remove_css_class (self->outcome_box, "warning");
  gtk_widget_remove_css_class (self->outcome_box, "error");
  gtk_widget_add_css_class (self->outcome_box, css);
  gtk_label_set_label (self->outcome_title, title);
  gtk_label_set_label (self->outcome_body, body);
  gtk_widget_set_visible (self->outcome_box, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->outcome_box),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
}

static char *
success_body (UbGuidePage      *self,
              UbSequenceTarget  target)
{
  const char *body;
  gboolean denied = self->arrived != NULL &&
                    g_error_matches (ub_device_get_error (self->arrived), UB_ERROR, UB_ERROR_PERMISSION_DENIED);

  if (target == UB_TARGET_DFU)
    body = self->already_there ? _("No need to press anything: it is ready for the next step.")
                               : _("Well done. You can let go of the button. The screen stays black: that is how DFU mode looks.");
  else if (target == UB_TARGET_RECOVERY)
    body = self->already_there ? _("No need to press anything: it shows a computer and a cable.")
                               : _("Well done. You can let go. The screen shows a computer and a cable.");
  else
    body = _("Well done. It is starting up again.");
  if (!denied)
    return g_strdup (body);
  return g_strconcat (body, "\n\n",
                      _("This computer does not let Unbrick talk to the phone yet. The next page shows how to fix that."),
                      NULL);
}

static void
show_success (UbGuidePage *self)
{
  UbSequenceTarget target = ub_sequence_get_target (ub_guide_get_sequence (self->guide));
  g_autofree char *body = success_body (self, target);
  const char *title;

  if (target == UB_TARGET_DFU)
    title = self->already_there ? _("The Phone Is Already in DFU Mode") : _("The Phone Is in DFU Mode");
  else if (target == UB_TARGET_RECOVERY)
    title = self->already_there ? _("The Phone Is Already in Recovery Mode") : _("The Phone Is in Recovery Mode");
  else
    title = _("The Phone Restarted");
  set_outcome (self, "emblem-ok-symbolic", "success", title, body);
}

static char *
not_seen_body (UbGuidePage *self)
{
  UbModel *model = model_of (self);
  const char *cable = "";

  if (model != NULL && ub_model_get_connector (model) == UB_CONNECTOR_LIGHTNING)
    cable = _("Many USB-C to Lightning cables cannot put a phone into DFU mode; a USB-A to Lightning cable works best. ");
  /* TRANSLATORS: %s is an optional sentence about Lightning cables (or nothing) */
  return g_strdup_printf (_("Check the cable and the port: use an Apple cable plugged straight into this "
                            "computer, not into a hub. %sThen try again, and watch for the black screen."),
                          cable);
}

static void
show_failure (UbGuidePage *self)
{
  UbSequenceTarget target = ub_sequence_get_target (ub_guide_get_sequence (self->guide));
  UbModel *model = model_of (self);
  const char *power = ub_power_button_get_label (model ? ub_model_get_power_button (model) : UB_POWER_BUTTON_SIDE);
  g_autofree char *body = NULL;

  switch (ub_guide_get_failure (self->guide))
    {
    case UB_GUIDE_FAILURE_RECOVERY:
      /* TRANSLATORS: %s is "Side button" or "Top button" */
      body = g_strdup_printf (_("A button was held a little too long — that is very common, and nothing is "
                                "harmed. The screen shows a computer and a cable. Try again: because the "
                                "phone is in recovery mode now, this computer can restart it for you at "
                                "the right moment. Let go of the %s as soon as the step says so."), power);
      set_outcome (self, "dialog-warning-symbolic", "warning", _("The Phone Went Into Recovery Mode"), body);
      break;
    case UB_GUIDE_FAILURE_BOOTED:
      set_outcome (self, "dialog-warning-symbolic", "warning", _("The Phone Started Normally"),
                   _("The buttons were let go too early, or held too long. That is common. Try again, "
                     "and watch for the black screen rather than only the count."));
      break;
    case UB_GUIDE_FAILURE_DFU:
      set_outcome (self, "dialog-warning-symbolic", "warning", _("The Phone Went Into DFU Mode Instead"),
                   _("A restore works from DFU mode too, but recovery mode is gentler. To leave DFU "
                     "mode, do a force restart, then try again."));
      break;
    case UB_GUIDE_FAILURE_NOT_SEEN:
    case UB_GUIDE_FAILURE_NONE:
    default:
      if (target == UB_TARGET_RESTART)
        set_outcome (self, "dialog-warning-symbolic", "warning", _("The Phone Did Not Restart"),
                     _("Hold the buttons a little longer: the Apple logo can take 10 to 20 seconds to "
                       "appear. If it never does, try recovery mode next."));
      else
        {
          body = not_seen_body (self);
          set_outcome (self, "dialog-warning-symbolic", "warning", _("The Computer Did Not See the Phone"), body);
        }
      break;
    }
}

/* The drawing shows where the phone ended up, with no button to press */
static void
draw_phone_at_rest (UbGuidePage *self)
{
  UbDeviceMode mode = self->arrived ? ub_device_get_mode (self->arrived) : UB_DEVICE_MODE_UNKNOWN;
  UbScreen screen = UB_SCREEN_BLACK;

  if (mode == UB_DEVICE_MODE_RECOVERY)
    screen = UB_SCREEN_RECOVERY;
  else if (mode == UB_DEVICE_MODE_NORMAL)
    screen = UB_SCREEN_ON;
  g_object_set (self->phone_view,
                "hold", UB_BUTTON_NONE,
                "tap", UB_BUTTON_NONE,
                "screen", screen,
                NULL);
}

void
_ub_guide_page_hide_outcome (UbGuidePage *self)
{
  gtk_widget_set_visible (self->outcome_box, FALSE);
  gtk_widget_set_visible (self->try_again_button, FALSE);
  gtk_widget_set_visible (self->restarted_yes_button, FALSE);
  gtk_widget_set_visible (self->restarted_no_button, FALSE);
}

/**
 * _ub_guide_page_show_outcome:
 *
 * Fills the outcome box for the guide's current state.
 */
void
_ub_guide_page_show_outcome (UbGuidePage *self)
{
  UbGuideState state = ub_guide_get_state (self->guide);
  gboolean asking = state == UB_GUIDE_CHECKING;

  _ub_guide_page_hide_outcome (self);
  if (self->already_there || state == UB_GUIDE_SUCCEEDED || state == UB_GUIDE_FAILED)
    draw_phone_at_rest (self);
  if (self->already_there || state == UB_GUIDE_SUCCEEDED)
    show_success (self);
  else if (state == UB_GUIDE_FAILED)
    show_failure (self);
  else if (asking)
    set_outcome (self, "dialog-question-symbolic", "warning", _("Did the Phone Restart?"),
                 _("If the Apple logo appeared, the force restart worked. Unbrick also sees it when "
                   "the phone is connected and starts up."));
  gtk_widget_set_visible (self->try_again_button, state == UB_GUIDE_FAILED);
  gtk_widget_set_visible (self->restarted_yes_button, asking);
  gtk_widget_set_visible (self->restarted_no_button, asking);
}

static void
on_try_again_clicked (UbGuidePage *self)
{
  g_debug ("Trying again");
  _ub_guide_page_rebuild (self);
}

static void
on_restarted_clicked (UbGuidePage *self,
                      GtkButton   *button)
{
  if (self->guide != NULL && ub_guide_is_active (self->guide))
    ub_guide_report_restarted (self->guide, GTK_WIDGET (button) == self->restarted_yes_button);
}

/**
 * _ub_guide_page_bind_outcome:
 *
 * Binds the outcome callbacks into the page's template class.
 */
void
_ub_guide_page_bind_outcome (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, on_try_again_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_restarted_clicked);
}
