/* ub-window.h — the main window: header, the wizard, toasts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ub-assistant.h"
#include "ub-rescue.h"
#include "ub-speaker.h"

G_BEGIN_DECLS

#define UB_TYPE_WINDOW (ub_window_get_type ())

G_DECLARE_FINAL_TYPE (UbWindow, ub_window, UB, WINDOW, AdwApplicationWindow)

UbWindow    *ub_window_new            (GtkApplication *application,
                                       UbRescue       *rescue,
                                       UbSpeaker      *speaker);
UbAssistant *ub_window_get_assistant  (UbWindow       *self);
UbRescue    *ub_window_get_rescue     (UbWindow       *self);
void         ub_window_add_toast      (UbWindow       *self,
                                       const char     *text);
void         ub_window_set_side_panel (UbWindow       *self,
                                       GtkWidget      *panel);

G_END_DECLS
