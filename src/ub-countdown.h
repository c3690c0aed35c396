/* ub-countdown.h — a big, readable, focusable countdown ring
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define UB_TYPE_COUNTDOWN (ub_countdown_get_type ())

G_DECLARE_FINAL_TYPE (UbCountdown, ub_countdown, UB, COUNTDOWN, GtkWidget)

GtkWidget *ub_countdown_new              (void);
guint      ub_countdown_get_remaining    (UbCountdown *self);
void       ub_countdown_set_remaining    (UbCountdown *self,
                                          guint        remaining);
double     ub_countdown_get_fraction     (UbCountdown *self);
void       ub_countdown_set_fraction     (UbCountdown *self,
                                          double       fraction);
void       ub_countdown_set_active       (UbCountdown *self,
                                          gboolean     active);
void       ub_countdown_set_announcement (UbCountdown *self,
                                          const char  *text);

G_END_DECLS
