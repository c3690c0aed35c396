/* ub-vphone-types.c — names of the virtual iPhone's states, and its clock
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-vphone-types"

#include "config.h"

#include "ub-clock.h"
#include "ub-vphone-types.h"

static const char * const mode_names[] = {
  [UB_VPHONE_MODE_OFF] = "off",
  [UB_VPHONE_MODE_NORMAL] = "normal",
  [UB_VPHONE_MODE_RECOVERY] = "recovery",
  [UB_VPHONE_MODE_DFU] = "dfu",
  [UB_VPHONE_MODE_RESETTING] = "resetting",
  [UB_VPHONE_MODE_BOOTING] = "booting",
  [UB_VPHONE_MODE_RESTORE] = "restore",
};

static const char * const screen_names[] = {
  [UB_VPHONE_SCREEN_OFF] = "off",
  [UB_VPHONE_SCREEN_BLACK] = "black",
  [UB_VPHONE_SCREEN_LOGO] = "logo",
  [UB_VPHONE_SCREEN_RECOVERY] = "recovery",
  [UB_VPHONE_SCREEN_ON] = "on",
};

static const char * const usb_mode_names[] = {
  [UB_VPHONE_USB_NONE] = "none",
  [UB_VPHONE_USB_NORMAL] = "normal",
  [UB_VPHONE_USB_RECOVERY] = "recovery",
  [UB_VPHONE_USB_DFU] = "dfu",
  [UB_VPHONE_USB_RESTORE] = "restore",
};

/* In the order `state` lists held buttons. */
static const struct
{
  UbButtons   button;
  const char *name;
} button_names[] = {
  { UB_BUTTON_POWER, "power" },
  { UB_BUTTON_HOME, "home" },
  { UB_BUTTON_VOLUME_UP, "volume-up" },
  { UB_BUTTON_VOLUME_DOWN, "volume-down" },
};

const char *
ub_vphone_mode_to_string (UbVphoneMode mode)
{
  g_return_val_if_fail (mode <= UB_VPHONE_MODE_RESTORE, "unknown");
  return mode_names[mode];
}

gboolean
ub_vphone_mode_from_string (const char   *str,
                            UbVphoneMode *mode)
{
  g_return_val_if_fail (str != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (mode_names); i++)
    {
      if (g_str_equal (str, mode_names[i]))
        {
          *mode = i;
          return TRUE;
        }
    }
  return FALSE;
}

/**
 * ub_vphone_mode_can_jump:
 *
 * Returns: whether `mode MODE` (or --mode) may put the phone in @mode: off,
 *   normal, recovery, dfu or restore, not the passing ones
 */
gboolean
ub_vphone_mode_can_jump (UbVphoneMode mode)
{
  return mode <= UB_VPHONE_MODE_DFU || mode == UB_VPHONE_MODE_RESTORE;
}

const char *
ub_vphone_screen_to_string (UbVphoneScreen screen)
{
  g_return_val_if_fail (screen <= UB_VPHONE_SCREEN_ON, "unknown");
  return screen_names[screen];
}

const char *
ub_vphone_usb_mode_to_string (UbVphoneUsbMode mode)
{
  g_return_val_if_fail (mode <= UB_VPHONE_USB_RESTORE, "unknown");
  return usb_mode_names[mode];
}

/**
 * ub_vphone_button_from_string:
 * @str: power, side, top, home, volume-up or volume-down
 *
 * "side" and "top" are the names Apple gives the power key on different
 * models; the phone has one such key either way.
 */
gboolean
ub_vphone_button_from_string (const char *str,
                              UbButtons  *button)
{
  g_return_val_if_fail (str != NULL, FALSE);

  if (g_str_equal (str, "side") || g_str_equal (str, "top"))
    str = "power";
  for (guint i = 0; i < G_N_ELEMENTS (button_names); i++)
    {
      if (g_str_equal (str, button_names[i].name))
        {
          *button = button_names[i].button;
          return TRUE;
        }
    }
  return FALSE;
}

/**
 * ub_vphone_buttons_to_string:
 *
 * Returns: (transfer full): "power,volume-down", or "none"
 */
char *
ub_vphone_buttons_to_string (UbButtons buttons)
{
  g_autoptr(GString) str = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (button_names); i++)
    {
      if ((buttons & button_names[i].button) == 0)
        continue;
      if (str->len > 0)
        g_string_append_c (str, ',');
      g_string_append (str, button_names[i].name);
    }
  if (str->len == 0)
    g_string_append (str, "none");
  return g_string_free (g_steal_pointer (&str), FALSE);
}

/**
 * ub_vphone_scaled_ms:
 * @seconds: a duration in the phone's time
 *
 * Every duration of the phone model is divided by UNBRICK_TIME_SCALE, as the
 * app's own clock does (src/core/ub-clock.c).
 *
 * Returns: the duration in wall-clock milliseconds, at least 1
 */
guint
ub_vphone_scaled_ms (double seconds)
{
  return ub_clock_scale_ms (ub_clock_get_default (), (guint) (seconds * 1000.0 + 0.5));
}
