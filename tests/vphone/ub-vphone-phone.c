/* ub-vphone-phone.c — the virtual iPhone's screen and boot logic
 *
 * The timing model (phone seconds, divided by UNBRICK_TIME_SCALE), derived
 * from shared/research/dfu-sequences.md; the reset combo itself is in
 * ub-vphone-buttons.c.
 *
 *  - Holding the combo resets the phone: black screen, off USB. That is t_b.
 *  - After t_b: power released while the DFU button is held (up to
 *    t_b + 10 s), DFU button then held 4 s more → DFU. DFU button let go
 *    earlier, or power released without it → normal boot. Power still held
 *    at t_b + 10 s → Apple logo; still held 4 s later → recovery; let go
 *    during the logo → normal boot.
 *  - Normal boot: logo 8 s, then iOS, or recovery when the saved
 *    environment has auto-boot=false.
 *  - A host `reboot` is a reset at t_b = now with whatever is held.
 *  - Off: power held 3 s boots.
 * Main thread only.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-vphone-phone"

#include "config.h"

#include "ub-enums.h"
#include "ub-vphone-buttons.h"
#include "ub-vphone-enums.h"
#include "ub-vphone-phone.h"

#define RELEASE_WINDOW_SECONDS 10.0   /* after t_b */
#define DFU_HOLD_SECONDS        4.0
#define LOGO_HOLD_SECONDS       4.0
#define BOOT_SECONDS            8.0
#define POWER_ON_SECONDS        3.0
#define IMAGE_BOOT_SECONDS      1.0   /* iBSS/iBEC starting after DFU or `go` */
#define RESTORE_BOOT_SECONDS    5.0   /* the kernel starting restored after `bootx` */
#define ENTER_RECOVERY_SECONDS  2.0   /* iOS rebooting into recovery */

typedef enum
{
  STAGE_OFF,
  STAGE_IOS,
  STAGE_RECOVERY,
  STAGE_DFU,
  STAGE_RESET_HELD,       /* after t_b with power held */
  STAGE_RESET_DFU_WAIT,   /* power let go with the DFU button held */
  STAGE_LOGO_HELD,        /* power held past t_b + 10 s */
  STAGE_BOOTING,          /* logo, then iOS or recovery */
  STAGE_REBOOTING,        /* the host made it restart; off USB for a moment */
  STAGE_RESTORE,          /* the restore ramdisk runs restored */
} Stage;

#define SCREEN_OF_RECOVERY ((UbVphoneScreen) -1)   /* recovery picture or black (iBSS) */

static const struct
{
  const char      *name;
  UbVphoneMode     mode;
  UbVphoneScreen   screen;
  UbVphoneUsbMode  usb_mode;
  double           seconds;   /* how long the stage lasts, 0: until something happens */
} stage_info[] = {
  [STAGE_OFF] = { "off", UB_VPHONE_MODE_OFF, UB_VPHONE_SCREEN_OFF, UB_VPHONE_USB_NONE, 0 },
  [STAGE_IOS] = { "ios", UB_VPHONE_MODE_NORMAL, UB_VPHONE_SCREEN_ON, UB_VPHONE_USB_NORMAL, 0 },
  [STAGE_RECOVERY] = { "recovery", UB_VPHONE_MODE_RECOVERY, SCREEN_OF_RECOVERY,
                       UB_VPHONE_USB_RECOVERY, 0 },
  [STAGE_DFU] = { "dfu", UB_VPHONE_MODE_DFU, UB_VPHONE_SCREEN_BLACK, UB_VPHONE_USB_DFU, 0 },
  [STAGE_RESET_HELD] = { "reset-held", UB_VPHONE_MODE_RESETTING, UB_VPHONE_SCREEN_BLACK,
                         UB_VPHONE_USB_NONE, RELEASE_WINDOW_SECONDS },
  [STAGE_RESET_DFU_WAIT] = { "reset-dfu-wait", UB_VPHONE_MODE_RESETTING, UB_VPHONE_SCREEN_BLACK,
                             UB_VPHONE_USB_NONE, DFU_HOLD_SECONDS },
  [STAGE_LOGO_HELD] = { "logo-held", UB_VPHONE_MODE_BOOTING, UB_VPHONE_SCREEN_LOGO,
                        UB_VPHONE_USB_NONE, LOGO_HOLD_SECONDS },
  [STAGE_BOOTING] = { "booting", UB_VPHONE_MODE_BOOTING, UB_VPHONE_SCREEN_LOGO,
                      UB_VPHONE_USB_NONE, BOOT_SECONDS },
  [STAGE_REBOOTING] = { "rebooting", UB_VPHONE_MODE_RESETTING, UB_VPHONE_SCREEN_BLACK,
                        UB_VPHONE_USB_NONE, 0 /* reboot_seconds */ },
  [STAGE_RESTORE] = { "restore", UB_VPHONE_MODE_RESTORE, UB_VPHONE_SCREEN_LOGO, UB_VPHONE_USB_RESTORE, 0 },
};

typedef struct
{
  UbVphoneMode    mode;
  UbVphoneScreen  screen;
  UbVphoneUsbMode usb_mode;
  UbButtons       buttons;
  gboolean        plugged;
} Snapshot;

struct _UbVphonePhone
{
  GObject           parent_instance;

  UbModel          *model;
  UbVphoneNvram    *nvram;
  UbVphoneFaults   *faults;
  UbVphoneRecorder *recorder;
  UbVphoneButtons  *buttons;

  Stage             stage;
  Stage             reboot_target;
  double            reboot_seconds;
  UbVphoneScreen    recovery_screen;
  gboolean          plugged;
  guint             stage_id;
  Snapshot          published;   /* the state last notified */
};

enum {
  PROP_0,
  PROP_MODE,
  PROP_SCREEN,
  PROP_USB_MODE,
  PROP_BUTTONS,
  PROP_PLUGGED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (UbVphonePhone, ub_vphone_phone, G_TYPE_OBJECT)

static void take_snapshot  (UbVphonePhone   *self,
                            Snapshot        *snapshot);
static void on_combo_reset (UbVphoneButtons *buttons,
                            gpointer         data);

static void
ub_vphone_phone_dispose (GObject *object)
{
  UbVphonePhone *self = UB_VPHONE_PHONE (object);

  g_clear_handle_id (&self->stage_id, g_source_remove);
  g_clear_object (&self->model);
  g_clear_object (&self->nvram);
  g_clear_object (&self->faults);
  g_clear_object (&self->recorder);
  g_clear_object (&self->buttons);

  G_OBJECT_CLASS (ub_vphone_phone_parent_class)->dispose (object);
}

static void
ub_vphone_phone_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  UbVphonePhone *self = UB_VPHONE_PHONE (object);

  switch (prop_id)
    {
    case PROP_MODE:
      g_value_set_enum (value, ub_vphone_phone_get_mode (self));
      break;
    case PROP_SCREEN:
      g_value_set_enum (value, ub_vphone_phone_get_screen (self));
      break;
    case PROP_USB_MODE:
      g_value_set_enum (value, ub_vphone_phone_get_usb_mode (self));
      break;
    case PROP_BUTTONS:
      g_value_set_flags (value, ub_vphone_buttons_get_held (self->buttons));
      break;
    case PROP_PLUGGED:
      g_value_set_boolean (value, self->plugged);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ub_vphone_phone_class_init (UbVphonePhoneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = ub_vphone_phone_dispose;
  object_class->get_property = ub_vphone_phone_get_property;

  properties[PROP_MODE] =
    g_param_spec_enum ("mode", NULL, NULL, UB_TYPE_VPHONE_MODE, UB_VPHONE_MODE_NORMAL, flags);
  properties[PROP_SCREEN] =
    g_param_spec_enum ("screen", NULL, NULL, UB_TYPE_VPHONE_SCREEN, UB_VPHONE_SCREEN_ON, flags);
  properties[PROP_USB_MODE] =
    g_param_spec_enum ("usb-mode", NULL, NULL, UB_TYPE_VPHONE_USB_MODE, UB_VPHONE_USB_NONE, flags);
  properties[PROP_BUTTONS] =
    g_param_spec_flags ("buttons", NULL, NULL, UB_TYPE_BUTTONS, UB_BUTTON_NONE, flags);
  properties[PROP_PLUGGED] =
    g_param_spec_boolean ("plugged", NULL, NULL, TRUE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ub_vphone_phone_init (UbVphonePhone *self)
{
  self->stage = STAGE_IOS;
  self->recovery_screen = UB_VPHONE_SCREEN_RECOVERY;
  self->plugged = TRUE;
}

UbVphonePhone *
ub_vphone_phone_new (UbModel          *model,
                     UbVphoneNvram    *nvram,
                     UbVphoneFaults   *faults,
                     UbVphoneRecorder *recorder)
{
  UbVphonePhone *self;

  g_return_val_if_fail (UB_IS_MODEL (model), NULL);
  g_return_val_if_fail (UB_IS_VPHONE_NVRAM (nvram), NULL);
  g_return_val_if_fail (UB_IS_VPHONE_FAULTS (faults), NULL);
  g_return_val_if_fail (UB_IS_VPHONE_RECORDER (recorder), NULL);

  self = g_object_new (UB_TYPE_VPHONE_PHONE, NULL);
  self->model = g_object_ref (model);
  self->nvram = g_object_ref (nvram);
  self->faults = g_object_ref (faults);
  self->recorder = g_object_ref (recorder);
  self->buttons = ub_vphone_buttons_new (ub_model_get_family (model));
  ub_vphone_buttons_set_stage (self->buttons, TRUE, FALSE);
  g_signal_connect_object (self->buttons, "reset", G_CALLBACK (on_combo_reset), self, 0);
  take_snapshot (self, &self->published);
  return self;
}

UbVphoneMode
ub_vphone_phone_get_mode (UbVphonePhone *self)
{
  g_return_val_if_fail (UB_IS_VPHONE_PHONE (self), UB_VPHONE_MODE_OFF);
  return stage_info[self->stage].mode;
}

UbVphoneScreen
ub_vphone_phone_get_screen (UbVphonePhone *self)
{
  g_return_val_if_fail (UB_IS_VPHONE_PHONE (self), UB_VPHONE_SCREEN_OFF);
  return stage_info[self->stage].screen == SCREEN_OF_RECOVERY ? self->recovery_screen
                                                              : stage_info[self->stage].screen;
}

/**
 * ub_vphone_phone_get_usb_mode:
 *
 * Returns: how the phone shows up on USB right now (nothing when unplugged)
 */
UbVphoneUsbMode
ub_vphone_phone_get_usb_mode (UbVphonePhone *self)
{
  g_return_val_if_fail (UB_IS_VPHONE_PHONE (self), UB_VPHONE_USB_NONE);
  return self->plugged ? stage_info[self->stage].usb_mode : UB_VPHONE_USB_NONE;
}

UbButtons
ub_vphone_phone_get_buttons (UbVphonePhone *self)
{
  g_return_val_if_fail (UB_IS_VPHONE_PHONE (self), UB_BUTTON_NONE);
  return ub_vphone_buttons_get_held (self->buttons);
}

gboolean
ub_vphone_phone_get_plugged (UbVphonePhone *self)
{
  g_return_val_if_fail (UB_IS_VPHONE_PHONE (self), FALSE);
  return self->plugged;
}

static void
take_snapshot (UbVphonePhone *self,
               Snapshot      *snapshot)
{
  snapshot->mode = ub_vphone_phone_get_mode (self);
  snapshot->screen = ub_vphone_phone_get_screen (self);
  snapshot->usb_mode = ub_vphone_phone_get_usb_mode (self);
  snapshot->buttons = ub_vphone_buttons_get_held (self->buttons);
  snapshot->plugged = self->plugged;
}

/* Notifies what the last event changed. Handlers may cause further events. */
static void
publish (UbVphonePhone *self)
{
  Snapshot before = self->published;
  Snapshot now;

  take_snapshot (self, &now);
  self->published = now;
  if (now.mode != before.mode || now.screen != before.screen || now.usb_mode != before.usb_mode)
    {
      g_debug ("Phone now mode \"%s\", screen \"%s\", USB \"%s\"",
               ub_vphone_mode_to_string (now.mode), ub_vphone_screen_to_string (now.screen),
               ub_vphone_usb_mode_to_string (now.usb_mode));
      ub_vphone_recorder_log (self->recorder, "phone mode=%s screen=%s usb=%s",
                              ub_vphone_mode_to_string (now.mode),
                              ub_vphone_screen_to_string (now.screen),
                              ub_vphone_usb_mode_to_string (now.usb_mode));
    }
  if (now.mode != before.mode)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODE]);
  if (now.screen != before.screen)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCREEN]);
  if (now.buttons != before.buttons)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUTTONS]);
  if (now.plugged != before.plugged)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLUGGED]);
  if (now.usb_mode != before.usb_mode)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USB_MODE]);
}

static gboolean on_stage_timer (gpointer data);

static void
start_stage_timer (UbVphonePhone *self,
                   double         seconds)
{
  g_clear_handle_id (&self->stage_id, g_source_remove);
  self->stage_id = g_timeout_add (ub_vphone_scaled_ms (seconds), on_stage_timer, self);
}

/* Enters @stage and starts its countdown, if it has one. */
static void
set_stage (UbVphonePhone *self,
           Stage          stage)
{
  double seconds = stage == STAGE_REBOOTING ? self->reboot_seconds : stage_info[stage].seconds;

  g_clear_handle_id (&self->stage_id, g_source_remove);
  if (self->stage != stage)
    g_debug ("Stage \"%s\" -> \"%s\"", stage_info[self->stage].name, stage_info[stage].name);
  self->stage = stage;
  if (seconds > 0)
    start_stage_timer (self, seconds);
  ub_vphone_buttons_set_stage (self->buttons,
                               stage == STAGE_IOS || stage == STAGE_RECOVERY || stage == STAGE_DFU ||
                               stage == STAGE_BOOTING || stage == STAGE_RESTORE,
                               stage == STAGE_RECOVERY);
}

static Stage
stage_for_mode (UbVphoneMode mode)
{
  switch (mode)
    {
    case UB_VPHONE_MODE_OFF:
      return STAGE_OFF;
    case UB_VPHONE_MODE_RECOVERY:
      return STAGE_RECOVERY;
    case UB_VPHONE_MODE_DFU:
      return STAGE_DFU;
    case UB_VPHONE_MODE_RESTORE:
      return STAGE_RESTORE;
    case UB_VPHONE_MODE_NORMAL:
    case UB_VPHONE_MODE_RESETTING:
    case UB_VPHONE_MODE_BOOTING:
    default:
      return STAGE_IOS;
    }
}

/* The phone settles in @stage, unless a wrong-mode fault sends it elsewhere. */
static void
arrive (UbVphonePhone  *self,
        Stage           stage,
        UbVphoneScreen  recovery_screen)
{
  UbVphoneMode wrong;

  self->recovery_screen = recovery_screen;
  if (ub_vphone_faults_take_wrong_mode (self->faults, &wrong))
    {
      g_debug ("Fault: arriving in \"%s\" instead of \"%s\"",
               ub_vphone_mode_to_string (wrong), stage_info[stage].name);
      stage = stage_for_mode (wrong);
      self->recovery_screen = UB_VPHONE_SCREEN_RECOVERY;
    }
  set_stage (self, stage);
}

/* Power let go after t_b (or not held at t_b at all). */
static void
power_released_after_reset (UbVphonePhone *self)
{
  if (ub_vphone_buttons_get_held (self->buttons) & ub_vphone_buttons_get_dfu_button (self->buttons))
    set_stage (self, STAGE_RESET_DFU_WAIT);
  else
    set_stage (self, STAGE_BOOTING);
}

static void
stage_timed_out (UbVphonePhone *self)
{
  switch (self->stage)
    {
    case STAGE_OFF:
      g_debug ("Power held 3 s: booting");
      set_stage (self, STAGE_BOOTING);
      break;
    case STAGE_RESET_HELD:
      g_debug ("Power still held 10 s after the reset: Apple logo");
      set_stage (self, STAGE_LOGO_HELD);
      break;
    case STAGE_RESET_DFU_WAIT:
      g_debug ("DFU button held long enough: DFU mode");
      arrive (self, STAGE_DFU, UB_VPHONE_SCREEN_RECOVERY);
      break;
    case STAGE_LOGO_HELD:
      g_debug ("Power held through the logo: recovery mode");
      arrive (self, STAGE_RECOVERY, UB_VPHONE_SCREEN_RECOVERY);
      break;
    case STAGE_BOOTING:
      g_debug ("Boot done; the saved auto-boot decides");
      arrive (self, ub_vphone_nvram_get_auto_boot (self->nvram) ? STAGE_IOS : STAGE_RECOVERY,
              UB_VPHONE_SCREEN_RECOVERY);
      break;
    case STAGE_REBOOTING:
      arrive (self, self->reboot_target, self->recovery_screen);
      break;
    case STAGE_IOS:
    case STAGE_RECOVERY:
    case STAGE_DFU:
    case STAGE_RESTORE:
    default:
      g_assert_not_reached ();
    }
}

static gboolean
on_stage_timer (gpointer data)
{
  UbVphonePhone *self = data;

  self->stage_id = 0;
  stage_timed_out (self);
  publish (self);
  return G_SOURCE_REMOVE;
}

/* The screen goes black and the phone leaves USB: t_b. */
static void
reset (UbVphonePhone *self)
{
  UbButtons buttons = ub_vphone_buttons_get_held (self->buttons);
  g_autofree char *held = ub_vphone_buttons_to_string (buttons);

  ub_vphone_buttons_forget_taps (self->buttons);
  ub_vphone_nvram_reload (self->nvram);
  g_debug ("Reset (t_b) with \"%s\" held", held);
  ub_vphone_recorder_log (self->recorder, "phone reset buttons=%s", held);
  if (buttons & UB_BUTTON_POWER)
    set_stage (self, STAGE_RESET_HELD);
  else
    power_released_after_reset (self);
}

static void
on_combo_reset (UbVphoneButtons *buttons,
                gpointer         data)
{
  UbVphonePhone *self = data;

  reset (self);
  publish (self);
}

void
ub_vphone_phone_press (UbVphonePhone *self,
                       UbButtons      button)
{
  g_return_if_fail (UB_IS_VPHONE_PHONE (self));

  if (!ub_vphone_buttons_press (self->buttons, button))
    return;
  if (self->stage == STAGE_OFF && button == UB_BUTTON_POWER)
    start_stage_timer (self, POWER_ON_SECONDS);
  publish (self);
}

void
ub_vphone_phone_release (UbVphonePhone *self,
                         UbButtons      button)
{
  UbButtons dfu_button;
  g_return_if_fail (UB_IS_VPHONE_PHONE (self));

  if (!ub_vphone_buttons_release (self->buttons, button))
    return;
  dfu_button = ub_vphone_buttons_get_dfu_button (self->buttons);
  if (self->stage == STAGE_RESET_HELD && button == UB_BUTTON_POWER)
    power_released_after_reset (self);
  else if (self->stage == STAGE_RESET_DFU_WAIT && button == dfu_button)
    set_stage (self, STAGE_BOOTING);
  else if (self->stage == STAGE_LOGO_HELD && button == UB_BUTTON_POWER)
    set_stage (self, STAGE_BOOTING);
  else if (self->stage == STAGE_OFF && button == UB_BUTTON_POWER)
    g_clear_handle_id (&self->stage_id, g_source_remove);
  publish (self);
}

void
ub_vphone_phone_set_plugged (UbVphonePhone *self,
                             gboolean       plugged)
{
  g_return_if_fail (UB_IS_VPHONE_PHONE (self));

  plugged = !!plugged;
  if (self->plugged == plugged)
    return;
  g_debug ("Cable %s", plugged ? "plugged in" : "pulled out");
  self->plugged = plugged;
  publish (self);
}

/**
 * ub_vphone_phone_jump:
 * @mode: off, normal, recovery, dfu or restore
 *
 * Puts the phone in @mode at once, forgetting any countdown.
 */
void
ub_vphone_phone_jump (UbVphonePhone *self,
                      UbVphoneMode   mode)
{
  g_return_if_fail (UB_IS_VPHONE_PHONE (self));
  g_return_if_fail (ub_vphone_mode_can_jump (mode));

  g_debug ("Jumping to \"%s\"", ub_vphone_mode_to_string (mode));
  ub_vphone_buttons_forget_taps (self->buttons);
  ub_vphone_nvram_reload (self->nvram);
  self->recovery_screen = UB_VPHONE_SCREEN_RECOVERY;
  set_stage (self, stage_for_mode (mode));
  publish (self);
}

/**
 * ub_vphone_phone_host_reboot:
 *
 * The `reboot` command: a reset at once, with whatever buttons are held.
 */
void
ub_vphone_phone_host_reboot (UbVphonePhone *self)
{
  g_return_if_fail (UB_IS_VPHONE_PHONE (self));

  g_debug ("The host reboots the phone");
  reset (self);
  publish (self);
}

static void
reboot_into (UbVphonePhone  *self,
             Stage           target,
             UbVphoneScreen  recovery_screen,
             double          seconds)
{
  ub_vphone_buttons_forget_taps (self->buttons);
  self->reboot_target = target;
  self->reboot_seconds = seconds;
  self->recovery_screen = recovery_screen;
  set_stage (self, STAGE_REBOOTING);
}

/**
 * ub_vphone_phone_boot_stage:
 * @mode: where the loaded stage shows up: recovery (iBSS, iBEC: black
 *   screen), restore, normal (iOS), or resetting (never: it stays off USB)
 *
 * A good image reached DFU and the host reset the bus, or iBoot got `go` or
 * `bootx`: the phone leaves USB and the loaded stage starts.
 */
void
ub_vphone_phone_boot_stage (UbVphonePhone *self,
                            UbVphoneMode   mode)
{
  g_return_if_fail (UB_IS_VPHONE_PHONE (self));
  g_debug ("Booting the loaded stage into \"%s\"", ub_vphone_mode_to_string (mode));
  reboot_into (self, mode == UB_VPHONE_MODE_RESETTING ? STAGE_RECOVERY : stage_for_mode (mode),
               UB_VPHONE_SCREEN_BLACK, mode == UB_VPHONE_MODE_RESETTING ? 0 /* no timer: never */
                                       : mode == UB_VPHONE_MODE_RESTORE ? RESTORE_BOOT_SECONDS
                                                                        : IMAGE_BOOT_SECONDS);
  publish (self);
}

/**
 * ub_vphone_phone_enter_recovery:
 *
 * lockdownd's EnterRecovery: iOS saves auto-boot=false (so the phone stays
 * in recovery across resets) and restarts into recovery mode.
 */
void
ub_vphone_phone_enter_recovery (UbVphonePhone *self)
{
  g_return_if_fail (UB_IS_VPHONE_PHONE (self));

  g_debug ("iOS restarts into recovery mode");
  ub_vphone_nvram_set_saved (self->nvram, "auto-boot", "false");
  reboot_into (self, STAGE_RECOVERY, UB_VPHONE_SCREEN_RECOVERY, ENTER_RECOVERY_SECONDS);
  publish (self);
}
