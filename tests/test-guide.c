/* test-guide.c — the timed guide state machine, driven by a fake clock
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ub-core.h"

#define SEC G_USEC_PER_SEC

typedef struct
{
  UbModelDb      *db;
  UbSequenceBook *book;
  UbClock        *clock;
  GArray         *actions;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->db = ub_model_db_new_default ();
  f->book = ub_sequence_book_new_default ();
  f->clock = ub_clock_new_fake ();
  f->actions = g_array_new (FALSE, FALSE, sizeof (int));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->db);
  g_clear_object (&f->book);
  g_clear_object (&f->clock);
  g_clear_pointer (&f->actions, g_array_unref);
}

static void
on_host_action (UbGuide *guide,
                int      action,
                Fixture *f)
{
  g_array_append_val (f->actions, action);
}

static UbGuide *
make_guide (Fixture        *f,
            const char     *product_type,
            UbSequenceKind  kind,
            gboolean        from_recovery)
{
  UbModel *model = ub_model_db_lookup_product_type (f->db, product_type);
  UbSequence *seq = ub_sequence_book_lookup (f->book, kind, model);
  UbGuide *guide = ub_guide_new (seq, f->clock, from_recovery);

  g_signal_connect (guide, "host-action", G_CALLBACK (on_host_action), f);
  return guide;
}

static void
advance (Fixture *f,
         UbGuide *guide,
         gint64   usec)
{
  ub_clock_advance (f->clock, usec);
  ub_guide_tick (guide);
}

/* The modern DFU sequence: the countdown walks 3, 1, 1, 10, 5, 10 seconds
 * and the phone arriving in DFU ends it at once. */
static void
test_modern_success (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(UbGuide) guide = make_guide (f, "iPhone10,3", UB_SEQUENCE_DFU, FALSE);

  g_assert_cmpint (ub_guide_get_state (guide), ==, UB_GUIDE_READY);
  g_assert_cmpint (ub_guide_get_step (guide), ==, -1);
  ub_guide_start (guide);
  g_assert_cmpint (ub_guide_get_state (guide), ==, UB_GUIDE_RUNNING);
  g_assert_cmpint (ub_guide_get_step (guide), ==, 0);
  g_assert_cmpuint (ub_guide_get_remaining (guide), ==, 3);

  advance (f, guide, SEC / 2);
  g_assert_cmpuint (ub_guide_get_remaining (guide), ==, 3);   /* rounded up */
  advance (f, guide, SEC / 2);
  g_assert_cmpuint (ub_guide_get_remaining (guide), ==, 2);
  g_assert_cmpfloat_with_epsilon (ub_guide_get_step_fraction (guide), 1.0 / 3.0, 0.001);
  advance (f, guide, 2 * SEC);
  g_assert_cmpint (ub_guide_get_step (guide), ==, 1);
  advance (f, guide, 2 * SEC);
  g_assert_cmpint (ub_guide_get_step (guide), ==, 3);
  g_assert_cmpuint (ub_guide_get_remaining (guide), ==, 10);

  ub_guide_device_left (guide);           /* the reset: the phone leaves USB */
  advance (f, guide, 10 * SEC);
  g_assert_cmpint (ub_guide_get_step (guide), ==, 4);
  advance (f, guide, 5 * SEC);
  g_assert_cmpint (ub_guide_get_step (guide), ==, 5);
  advance (f, guide, 4 * SEC);
  ub_guide_device_arrived (guide, UB_DEVICE_MODE_DFU, TRUE, 0x1234);

  g_assert_cmpint (ub_guide_get_state (guide), ==, UB_GUIDE_SUCCEEDED);
  g_assert_cmpint (ub_guide_get_failure (guide), ==, UB_GUIDE_FAILURE_NONE);
  g_assert_cmpint (ub_guide_get_arrived_mode (guide), ==, UB_DEVICE_MODE_DFU);
  g_assert_cmpuint (ub_guide_get_remaining (guide), ==, 0);
  g_assert_cmpuint (f->actions->len, ==, 0);   /* no host action in a manual sequence */

  /* Nothing moves after the end */
  advance (f, guide, 60 * SEC);
  g_assert_cmpint (ub_guide_get_state (guide), ==, UB_GUIDE_SUCCEEDED);
}

/* "When the screen turns black, go on": confirming the cue ends the step. */
static void
test_cue (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(UbGuide) guide = make_guide (f, "iPhone10,3", UB_SEQUENCE_DFU, FALSE);
  g_autoptr(UbGuide) home = make_guide (f, "iPhone8,1", UB_SEQUENCE_DFU, FALSE);

  ub_guide_start (guide);
  g_assert_false (ub_guide_confirm_cue (guide));   /* get-ready has no cue */
  advance (f, guide, 5 * SEC + SEC / 2);
  g_assert_cmpint (ub_guide_get_step (guide), ==, 3);
  advance (f, guide, 4 * SEC);
  g_assert_true (ub_guide_confirm_cue (guide));
  g_assert_cmpint (ub_guide_get_step (guide), ==, 4);
  g_assert_cmpuint (ub_guide_get_remaining (guide), ==, 5);
  advance (f, guide, 5 * SEC);
  g_assert_cmpint (ub_guide_get_step (guide), ==, 5);

  /* Home button: black, then two more seconds */
  ub_guide_start (home);
  advance (f, home, 3 * SEC);
  g_assert_cmpint (ub_guide_get_step (home), ==, 1);
  advance (f, home, 6 * SEC);
  g_assert_true (ub_guide_confirm_cue (home));
  g_assert_cmpuint (ub_guide_get_remaining (home), ==, 2);
  advance (f, home, 2 * SEC);
  g_assert_cmpint (ub_guide_get_step (home), ==, 2);
  /* A cue confirmed late never lengthens the step */
  g_assert_false (ub_guide_confirm_cue (home));
}

static void
test_held_too_long (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(UbGuide) guide = make_guide (f, "iPhone9,3", UB_SEQUENCE_DFU, FALSE);

  ub_guide_start (guide);
  advance (f, guide, 11 * SEC);
  ub_guide_device_left (guide);
  advance (f, guide, 8 * SEC);
  ub_guide_device_arrived (guide, UB_DEVICE_MODE_RECOVERY, TRUE, 0x1234);
  g_assert_cmpint (ub_guide_get_state (guide), ==, UB_GUIDE_FAILED);
  g_assert_cmpint (ub_guide_get_failure (guide), ==, UB_GUIDE_FAILURE_RECOVERY);
  g_assert_cmpint (ub_guide_get_arrived_mode (guide), ==, UB_DEVICE_MODE_RECOVERY);

  ub_guide_restart (guide);
  g_assert_cmpint (ub_guide_get_state (guide), ==, UB_GUIDE_READY);
  g_assert_cmpint (ub_guide_get_failure (guide), ==, UB_GUIDE_FAILURE_NONE);
  g_assert_cmpint (ub_guide_get_step (guide), ==, -1);

  ub_guide_start (guide);
  advance (f, guide, 12 * SEC);
  ub_guide_device_left (guide);
  ub_guide_device_arrived (guide, UB_DEVICE_MODE_NORMAL, TRUE, 0x1234);
  g_assert_cmpint (ub_guide_get_failure (guide), ==, UB_GUIDE_FAILURE_BOOTED);
}

static void
test_nothing_seen (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(UbGuide) guide = make_guide (f, "iPhone9,3", UB_SEQUENCE_DFU, FALSE);

  ub_guide_start (guide);
  advance (f, guide, 23 * SEC);
  g_assert_cmpint (ub_guide_get_state (guide), ==, UB_GUIDE_CHECKING);
  advance (f, guide, 4 * SEC);
  g_assert_cmpint (ub_guide_get_state (guide), ==, UB_GUIDE_CHECKING);
  advance (f, guide, 1 * SEC);
  g_assert_cmpint (ub_guide_get_state (guide), ==, UB_GUIDE_FAILED);
  g_assert_cmpint (ub_guide_get_failure (guide), ==, UB_GUIDE_FAILURE_NOT_SEEN);
}

/* A phone arriving in DFU during the grace period still counts. */
static void
test_late_arrival (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(UbGuide) guide = make_guide (f, "iPhone9,3", UB_SEQUENCE_DFU, FALSE);

  ub_guide_start (guide);
  advance (f, guide, 25 * SEC);
  g_assert_cmpint (ub_guide_get_state (guide), ==, UB_GUIDE_CHECKING);
  ub_guide_device_arrived (guide, UB_DEVICE_MODE_DFU, FALSE, 0);
  g_assert_cmpint (ub_guide_get_state (guide), ==, UB_GUIDE_SUCCEEDED);
}

static void
test_pause_resume (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(UbGuide) guide = make_guide (f, "iPhone9,3", UB_SEQUENCE_DFU, FALSE);

  ub_guide_start (guide);
  advance (f, guide, 2 * SEC);
  ub_guide_pause (guide);
  g_assert_cmpint (ub_guide_get_state (guide), ==, UB_GUIDE_PAUSED);
  advance (f, guide, 100 * SEC);
  g_assert_cmpint (ub_guide_get_step (guide), ==, 0);
  g_assert_cmpuint (ub_guide_get_remaining (guide), ==, 1);
  g_assert_false (ub_guide_confirm_cue (guide));
  ub_guide_resume (guide);
  g_assert_cmpint (ub_guide_get_state (guide), ==, UB_GUIDE_RUNNING);
  g_assert_cmpuint (ub_guide_get_remaining (guide), ==, 1);
  advance (f, guide, SEC);
  g_assert_cmpint (ub_guide_get_step (guide), ==, 1);
  g_assert_cmpuint (ub_guide_get_remaining (guide), ==, 10);
}

/* Another phone on the desk does not end the guide; neither does a late
 * cable (an arrival while getting ready, or of a phone that never left). */
static void
test_ignored_arrivals (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(UbGuide) guide = make_guide (f, "iPhone10,3", UB_SEQUENCE_DFU, FALSE);

  ub_guide_set_expected_ecid (guide, 0xAAAA);
  ub_guide_device_arrived (guide, UB_DEVICE_MODE_DFU, TRUE, 0xAAAA);   /* not started */
  g_assert_cmpint (ub_guide_get_state (guide), ==, UB_GUIDE_READY);

  ub_guide_start (guide);
  ub_guide_device_arrived (guide, UB_DEVICE_MODE_NORMAL, TRUE, 0xAAAA);
  advance (f, guide, 6 * SEC);
  ub_guide_device_arrived (guide, UB_DEVICE_MODE_RECOVERY, TRUE, 0xAAAA);
  ub_guide_device_left (guide);
  ub_guide_device_arrived (guide, UB_DEVICE_MODE_DFU, TRUE, 0xBBBB);
  ub_guide_device_arrived (guide, UB_DEVICE_MODE_NORMAL, TRUE, 0xBBBB);
  g_assert_cmpint (ub_guide_get_state (guide), ==, UB_GUIDE_RUNNING);
  ub_guide_device_arrived (guide, UB_DEVICE_MODE_DFU, TRUE, 0xAAAA);
  g_assert_cmpint (ub_guide_get_state (guide), ==, UB_GUIDE_SUCCEEDED);
}

/* The host-timed method: prepare at the start, reboot exactly once, 2 s into
 * the hold, even when the clock jumps past it. */
static void
test_host_reboot (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(UbGuide) guide = make_guide (f, "iPhone10,3", UB_SEQUENCE_DFU_ASSISTED, TRUE);
  g_autoptr(UbGuide) jumpy = make_guide (f, "iPhone8,1", UB_SEQUENCE_DFU_ASSISTED, TRUE);

  ub_guide_start (guide);
  g_assert_cmpuint (f->actions->len, ==, 1);
  g_assert_cmpint (g_array_index (f->actions, int, 0), ==, UB_GUIDE_ACTION_PREPARE);
  advance (f, guide, 4 * SEC);
  g_assert_cmpint (ub_guide_get_step (guide), ==, 1);
  g_assert_cmpuint (f->actions->len, ==, 1);
  advance (f, guide, SEC);
  g_assert_cmpuint (f->actions->len, ==, 2);
  g_assert_cmpint (g_array_index (f->actions, int, 1), ==, UB_GUIDE_ACTION_REBOOT);
  advance (f, guide, SEC / 2);
  g_assert_cmpuint (f->actions->len, ==, 2);
  advance (f, guide, SEC + SEC / 2);
  g_assert_cmpint (ub_guide_get_step (guide), ==, 2);
  ub_guide_device_left (guide);
  ub_guide_device_arrived (guide, UB_DEVICE_MODE_DFU, TRUE, 1);
  g_assert_cmpint (ub_guide_get_state (guide), ==, UB_GUIDE_SUCCEEDED);

  g_array_set_size (f->actions, 0);
  ub_guide_start (jumpy);
  advance (f, jumpy, 20 * SEC);
  g_assert_cmpuint (f->actions->len, ==, 2);
  g_assert_cmpint (ub_guide_get_state (jumpy), ==, UB_GUIDE_CHECKING);
}

static void
test_from_recovery_durations (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(UbGuide) guide = make_guide (f, "iPhone6,1", UB_SEQUENCE_DFU, TRUE);

  g_assert_true (ub_guide_get_from_recovery (guide));
  ub_guide_start (guide);
  advance (f, guide, 3 * SEC);
  g_assert_cmpuint (ub_guide_get_remaining (guide), ==, 8);
  advance (f, guide, 8 * SEC);
  g_assert_cmpint (ub_guide_get_step (guide), ==, 2);
}

static void
test_restart_and_recovery_targets (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(UbGuide) restart = make_guide (f, "iPhone12,1", UB_SEQUENCE_FORCE_RESTART, FALSE);
  g_autoptr(UbGuide) manual = make_guide (f, "iPhone12,1", UB_SEQUENCE_FORCE_RESTART, FALSE);
  g_autoptr(UbGuide) recovery = make_guide (f, "iPhone12,1", UB_SEQUENCE_RECOVERY, FALSE);
  g_autoptr(UbGuide) dfu_instead = make_guide (f, "iPad8,1", UB_SEQUENCE_RECOVERY, FALSE);

  ub_guide_start (restart);
  advance (f, restart, 12 * SEC);
  ub_guide_device_arrived (restart, UB_DEVICE_MODE_NORMAL, FALSE, 0);   /* never left */
  g_assert_cmpint (ub_guide_get_state (restart), ==, UB_GUIDE_RUNNING);
  ub_guide_device_left (restart);
  advance (f, restart, 20 * SEC);
  g_assert_cmpint (ub_guide_get_state (restart), ==, UB_GUIDE_CHECKING);
  ub_guide_device_arrived (restart, UB_DEVICE_MODE_NORMAL, FALSE, 0);
  g_assert_cmpint (ub_guide_get_state (restart), ==, UB_GUIDE_SUCCEEDED);

  /* Not on USB at all: the person says what happened */
  ub_guide_start (manual);
  advance (f, manual, 30 * SEC);
  ub_guide_report_restarted (manual, FALSE);
  g_assert_cmpint (ub_guide_get_failure (manual), ==, UB_GUIDE_FAILURE_NOT_SEEN);

  ub_guide_start (recovery);
  advance (f, recovery, 10 * SEC);
  ub_guide_device_left (recovery);
  ub_guide_device_arrived (recovery, UB_DEVICE_MODE_RECOVERY, TRUE, 7);
  g_assert_cmpint (ub_guide_get_state (recovery), ==, UB_GUIDE_SUCCEEDED);

  ub_guide_start (dfu_instead);
  advance (f, dfu_instead, 10 * SEC);
  ub_guide_device_left (dfu_instead);
  ub_guide_device_arrived (dfu_instead, UB_DEVICE_MODE_DFU, TRUE, 7);
  g_assert_cmpint (ub_guide_get_failure (dfu_instead), ==, UB_GUIDE_FAILURE_DFU);
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

/* The countdown notifies once per second, not on every tick. */
static void
test_notify_rate (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(UbGuide) guide = make_guide (f, "iPhone10,3", UB_SEQUENCE_DFU, FALSE);
  guint remaining_notifies = 0;

  g_signal_connect (guide, "notify::remaining", G_CALLBACK (count_notify), &remaining_notifies);
  ub_guide_start (guide);
  for (guint i = 0; i < 30; i++)
    advance (f, guide, SEC / 10);
  /* 3 at the start, then 2, then 1; step 1 starts at 1 again (notify::step tells) */
  g_assert_cmpuint (remaining_notifies, ==, 3);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/unbrick/guide/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("modern-success", test_modern_success);
  ADD ("cue", test_cue);
  ADD ("held-too-long", test_held_too_long);
  ADD ("nothing-seen", test_nothing_seen);
  ADD ("late-arrival", test_late_arrival);
  ADD ("pause-resume", test_pause_resume);
  ADD ("ignored-arrivals", test_ignored_arrivals);
  ADD ("host-reboot", test_host_reboot);
  ADD ("from-recovery-durations", test_from_recovery_durations);
  ADD ("restart-and-recovery-targets", test_restart_and_recovery_targets);
  ADD ("notify-rate", test_notify_rate);
#undef ADD

  return g_test_run ();
}
