/* ub-clock.c — monotonic time that tests can fake
 *
 * The system clock reads g_get_monotonic_time(). For the virtual iPhone's
 * integration tests only, UNBRICK_TIME_SCALE=N makes it run N times faster
 * (the simulator honours the same variable), so a 20-second button sequence
 * can be played in a few seconds with every timing window kept in proportion.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-clock"

#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "ub-clock.h"

struct _UbClock
{
  GObject  parent_instance;
  gboolean fake;
  double   scale;
  gint64   origin;
  gint64   fake_now;
};

G_DEFINE_FINAL_TYPE (UbClock, ub_clock, G_TYPE_OBJECT)

static void
ub_clock_class_init (UbClockClass *klass)
{
}

static void
ub_clock_init (UbClock *self)
{
  self->scale = 1.0;
}

static double
scale_from_environment (void)
{
  const char *env = g_getenv ("UNBRICK_TIME_SCALE");
  double scale;

  if (env == NULL)
    return 1.0;
  scale = g_ascii_strtod (env, NULL);
  if (!isfinite (scale) || scale < 0.01 || scale > 100.0)
    {
      g_warning ("Ignoring UNBRICK_TIME_SCALE=%s (not between 0.01 and 100)", env);
      return 1.0;
    }
  g_debug ("Time runs %.2f× as fast (UNBRICK_TIME_SCALE)", scale);
  return scale;
}

/**
 * ub_clock_get_default:
 *
 * Returns: (transfer none): the process-wide system clock
 */
UbClock *
ub_clock_get_default (void)
{
  static UbClock *clock;

  if (g_once_init_enter (&clock))
    {
      UbClock *c = g_object_new (UB_TYPE_CLOCK, NULL);

      c->scale = scale_from_environment ();
      c->origin = g_get_monotonic_time ();
      g_once_init_leave (&clock, c);
    }
  return clock;
}

/**
 * ub_clock_new_fake:
 *
 * Returns: (transfer full): a clock that only moves with ub_clock_advance()
 */
UbClock *
ub_clock_new_fake (void)
{
  UbClock *self = g_object_new (UB_TYPE_CLOCK, NULL);

  self->fake = TRUE;
  self->fake_now = 1000 * G_USEC_PER_SEC;
  return self;
}

/**
 * ub_clock_get_time:
 *
 * Returns: monotonic microseconds (scaled for the system clock)
 */
gint64
ub_clock_get_time (UbClock *self)
{
  g_return_val_if_fail (UB_IS_CLOCK (self), 0);

  if (self->fake)
    return self->fake_now;
  return self->origin + (gint64)((g_get_monotonic_time () - self->origin) * self->scale);
}

void
ub_clock_advance (UbClock *self,
                  gint64   usec)
{
  g_return_if_fail (UB_IS_CLOCK (self));
  g_return_if_fail (self->fake);
  g_return_if_fail (usec >= 0);

  self->fake_now += usec;
}

double
ub_clock_get_scale (UbClock *self)
{
  g_return_val_if_fail (UB_IS_CLOCK (self), 1.0);
  return self->scale;
}

/**
 * ub_clock_scale_ms:
 * @ms: a duration in the clock's time
 *
 * Returns: the same duration in wall-clock milliseconds, for GLib timeouts
 */
guint
ub_clock_scale_ms (UbClock *self,
                   guint    ms)
{
  g_return_val_if_fail (UB_IS_CLOCK (self), ms);
  return MAX (1, (guint)(ms / self->scale));
}
