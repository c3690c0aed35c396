/* test-sequences.c — the button sequences as data: complete, consistent, strict
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ub-core.h"

static void
get_seconds (UbSequence *seq,
             gboolean    from_recovery,
             guint      *out)
{
  for (guint i = 0; i < ub_sequence_get_n_steps (seq); i++)
    out[i] = ub_step_get_seconds (ub_sequence_get_step (seq, i), from_recovery);
}

/* The timings are those of dfu-sequences.md §4a/§4b. */
static void
test_research_timings (void)
{
  g_autoptr(UbSequenceBook) book = ub_sequence_book_new_default ();
  g_autoptr(UbModelDb) db = ub_model_db_new_default ();
  UbModel *x = ub_model_db_lookup_product_type (db, "iPhone10,3");
  UbModel *seven = ub_model_db_lookup_product_type (db, "iPhone9,3");
  UbModel *first = ub_model_db_lookup_product_type (db, "iPhone1,1");
  UbSequence *seq;
  guint s[8];

  seq = ub_sequence_book_lookup (book, UB_SEQUENCE_DFU, x);
  g_assert_cmpuint (ub_sequence_get_n_steps (seq), ==, 6);
  get_seconds (seq, FALSE, s);
  g_assert_cmpuint (s[0], ==, 3);     /* get ready */
  g_assert_cmpuint (s[1], ==, 1);     /* Volume Up */
  g_assert_cmpuint (s[2], ==, 1);     /* Volume Down */
  g_assert_cmpuint (s[3], ==, 10);    /* Side */
  g_assert_cmpuint (s[4], ==, 5);     /* Side + Volume Down */
  g_assert_cmpuint (s[5], ==, 10);    /* Volume Down */
  g_assert_cmpuint (ub_step_get_tap (ub_sequence_get_step (seq, 1)), ==, UB_BUTTON_VOLUME_UP);
  g_assert_cmpuint (ub_step_get_hold (ub_sequence_get_step (seq, 4)), ==,
                    UB_BUTTON_POWER | UB_BUTTON_VOLUME_DOWN);
  g_assert_cmpint (ub_step_get_cue_seconds (ub_sequence_get_step (seq, 3)), ==, 0);
  g_assert_true (ub_step_get_detect (ub_sequence_get_step (seq, 5)));
  g_assert_cmpuint (ub_sequence_get_target (seq), ==, UB_TARGET_DFU);
  get_seconds (seq, TRUE, s);
  g_assert_cmpuint (s[3], ==, 8);     /* from recovery the reset comes sooner */

  seq = ub_sequence_book_lookup (book, UB_SEQUENCE_DFU, seven);
  get_seconds (seq, FALSE, s);
  g_assert_cmpuint (s[1], ==, 10);
  g_assert_cmpuint (s[2], ==, 10);
  get_seconds (seq, TRUE, s);
  g_assert_cmpuint (s[1], ==, 8);     /* shorter when starting from recovery */
  g_assert_cmpuint (ub_step_get_hold (ub_sequence_get_step (seq, 2)), ==, UB_BUTTON_VOLUME_DOWN);

  /* S5L8900: WTF first, Home held 13 s */
  seq = ub_sequence_book_lookup (book, UB_SEQUENCE_DFU, first);
  g_assert_cmpuint (ub_sequence_get_chip (seq), ==, 0x8900);
  get_seconds (seq, FALSE, s);
  g_assert_cmpuint (s[2], ==, 13);

  /* Host-timed from recovery: both 4 s with the reboot at 2 s, then 10 s */
  seq = ub_sequence_book_lookup (book, UB_SEQUENCE_DFU_ASSISTED, x);
  get_seconds (seq, FALSE, s);
  g_assert_cmpuint (s[1], ==, 4);
  g_assert_cmpint (ub_step_get_host_reboot_at (ub_sequence_get_step (seq, 1)), ==, 2);
  g_assert_cmpuint (s[2], ==, 10);
}

static gboolean
mentions (const char *text,
          const char *word)
{
  return strstr (text, word) != NULL;
}

/* Every model gets every sequence, and every step names that model's
 * buttons: Side vs Top, Home vs Volume Down. */
static void
test_every_model (void)
{
  g_autoptr(UbSequenceBook) book = ub_sequence_book_new_default ();
  g_autoptr(UbModelDb) db = ub_model_db_new_default ();
  guint checked = 0;

  for (guint m = 0; m < ub_model_db_get_n_models (db); m++)
    {
      g_autoptr(UbModel) model = g_list_model_get_item (G_LIST_MODEL (db), m);
      UbPowerButton power = ub_model_get_power_button (model);
      UbButtonFamily family = ub_model_get_family (model);
      const char *right = power == UB_POWER_BUTTON_SIDE ? "Side button" : "Top button";
      const char *wrong = power == UB_POWER_BUTTON_SIDE ? "Top button" : "Side button";

      for (UbSequenceKind kind = UB_SEQUENCE_FORCE_RESTART; kind <= UB_SEQUENCE_DFU_ASSISTED; kind++)
        {
          UbSequence *seq = ub_sequence_book_lookup (book, kind, model);
          guint n;

          if (kind == UB_SEQUENCE_DFU_ASSISTED && family == UB_BUTTON_FAMILY_IPAD_NO_HOME)
            {
              g_assert_null (seq);  /* untested there (dfu-sequences.md §4a) */
              continue;
            }
          g_assert_nonnull (seq);
          n = ub_sequence_get_n_steps (seq);
          g_assert_true (ub_step_get_detect (ub_sequence_get_step (seq, n - 1)));

          for (guint i = 0; i < n; i++)
            {
              UbStep *step = ub_sequence_get_step (seq, i);
              const char *text = ub_step_get_instruction_msgid (step, power);

              g_assert_nonnull (text);
              g_assert_false (mentions (text, wrong));
              if (ub_step_get_buttons (step) & UB_BUTTON_POWER)
                g_assert_true (mentions (text, right));
              if (family == UB_BUTTON_FAMILY_HOME)
                g_assert_false (mentions (text, "Volume"));
              else
                g_assert_false (mentions (text, "Home"));
              if (ub_step_get_hold (step) & UB_BUTTON_HOME)
                g_assert_true (mentions (text, "Home button"));
              if ((ub_step_get_hold (step) & UB_BUTTON_VOLUME_DOWN) &&
                  family != UB_BUTTON_FAMILY_IPAD_NO_HOME)
                g_assert_true (mentions (text, "Volume Down"));
              checked++;
            }
        }
    }
  g_test_message ("%u steps checked", checked);
}

static const char *bad_xml[] = {
  "<sequences><sequence kind=\"dfu\" family=\"home\" target=\"dfu\"></sequence></sequences>",
  "<sequences><sequence kind=\"dfu\" family=\"home\" target=\"dfu\"><step seconds=\"3\" screen=\"on\"/></sequence></sequences>",
  "<sequences><sequence kind=\"dfu\" family=\"home\" target=\"dfu\"><step seconds=\"0\" screen=\"on\"><instruction>x</instruction></step></sequence></sequences>",
  "<sequences><sequence kind=\"dfu\" family=\"home\" target=\"dfu\"><step seconds=\"3\" cue-seconds=\"3\" screen=\"on\"><instruction>x</instruction></step></sequence></sequences>",
  "<sequences><sequence kind=\"dfu\" family=\"home\" target=\"dfu\"><step seconds=\"3\" hold=\"power elbow\" screen=\"on\"><instruction>x</instruction></step></sequence></sequences>",
  "<sequences><sequence kind=\"dfu\" family=\"home\" target=\"dfu\"><step seconds=\"3\" colour=\"red\" screen=\"on\"><instruction>x</instruction></step></sequence></sequences>",
  "<sequences><sequence kind=\"dfu\" family=\"home\" target=\"dfu\"><step seconds=\"3\" screen=\"purple\"><instruction>x</instruction></step></sequence></sequences>",
  "<sequences><sequence kind=\"teleport\" family=\"home\" target=\"dfu\"><step seconds=\"3\" screen=\"on\"><instruction>x</instruction></step></sequence></sequences>",
  "<sequences><sequence kind=\"dfu\" family=\"home\" target=\"dfu\"><step seconds=\"3\" screen=\"on\"><instruction power=\"left\">x</instruction></step></sequence></sequences>",
  "<sequences><sequence kind=\"dfu\" family=\"home\" target=\"dfu\"><step seconds=\"3\" screen=\"on\"><instruction>  </instruction></step></sequence></sequences>",
  "<sequences><step seconds=\"3\" screen=\"on\"><instruction>x</instruction></step></sequences>",
  "<sequences><sequence kind=\"dfu\" family=\"home\" target=\"dfu\"><step seconds=\"999\" screen=\"on\"><instruction>x</instruction></step></sequence></sequences>",
  "<sequences><sequence kind=\"dfu\" family=\"home\" chip=\"8900\" target=\"dfu\"><step seconds=\"3\" screen=\"on\"><instruction>x</instruction></step></sequence></sequences>",
  "<sequences><sequence",
  "",
};

static void
test_strict_parser (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad_xml); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(UbSequenceBook) book = ub_sequence_book_new_from_data (bad_xml[i], -1, &error);

      g_test_message ("bad input %u: %s", i, error ? error->message : "(accepted)");
      g_assert_nonnull (error);
      g_assert_null (book);
    }
}

static void
test_good_minimal (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UbSequenceBook) book = ub_sequence_book_new_from_data (
    "<sequences><sequence kind=\"recovery\" family=\"iphone7\" target=\"recovery\">"
    "<step hold=\"power volume-down\" seconds=\"30\" detect=\"yes\" screen=\"recovery\">"
    "<instruction power=\"side\">Side</instruction><instruction power=\"top\">Top</instruction>"
    "<cue>Look</cue></step></sequence></sequences>", -1, &error);
  UbSequence *seq;
  UbStep *step;

  g_assert_no_error (error);
  g_assert_cmpuint (ub_sequence_book_get_n_sequences (book), ==, 1);
  seq = ub_sequence_book_get_sequence (book, 0);
  step = ub_sequence_get_step (seq, 0);
  g_assert_cmpstr (ub_step_get_instruction (step, UB_POWER_BUTTON_SIDE), ==, "Side");
  g_assert_cmpstr (ub_step_get_instruction (step, UB_POWER_BUTTON_TOP), ==, "Top");
  g_assert_cmpstr (ub_step_get_cue (step), ==, "Look");
  g_assert_cmpstr (ub_buttons_to_string (ub_step_get_hold (step)), ==, "power volume-down");
  g_assert_cmpuint (ub_step_get_screen (step), ==, UB_SCREEN_RECOVERY);
  g_assert_cmpuint (ub_sequence_get_total_seconds (seq, FALSE), ==, 30);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/unbrick/sequences/research-timings", test_research_timings);
  g_test_add_func ("/unbrick/sequences/every-model", test_every_model);
  g_test_add_func ("/unbrick/sequences/strict-parser", test_strict_parser);
  g_test_add_func ("/unbrick/sequences/good-minimal", test_good_minimal);

  return g_test_run ();
}
