/* ub-clock.h — monotonic time that tests can fake
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define UB_TYPE_CLOCK (ub_clock_get_type ())

G_DECLARE_FINAL_TYPE (UbClock, ub_clock, UB, CLOCK, GObject)

UbClock *ub_clock_get_default (void);
UbClock *ub_clock_new_fake    (void);
gint64   ub_clock_get_time    (UbClock *self);
void     ub_clock_advance     (UbClock *self,
                               gint64   usec);
double   ub_clock_get_scale   (UbClock *self);
guint    ub_clock_scale_ms    (UbClock *self,
                               guint    ms);

G_END_DECLS
