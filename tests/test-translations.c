/* test-translations.c — the wizard in another language, in a real window
 *
 * Run once per language (LANGUAGE=de, LANGUAGE=es) with the catalogues just
 * built in <builddir>/po: every page is shown and photographed, the texts
 * must really be translated, and no page may need a wider window than the
 * default one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>

#include "pages/ub-guide-page.h"
#include "ub-assistant.h"
#include "ub-test-ui.h"
#include "ub-window.h"

#define DEFAULT_WIDTH 980

static const char *pages[] = { "triage", "phone", "safety", "firmware", "rehearsal", "guide", "result" };

static void
check_fits (UbWindow   *window,
            const char *page)
{
  int minimum, natural;

  gtk_widget_measure (GTK_WIDGET (window), GTK_ORIENTATION_HORIZONTAL, -1, &minimum, &natural, NULL, NULL);
  g_test_message ("%s: minimum width %d", page, minimum);
  g_assert_cmpint (minimum, <=, DEFAULT_WIDTH);
}

/* The catalog is out of reach: the page offers to try again */
static gboolean
retry_shown (gpointer page)
{
  GtkWidget *button = ub_test_find_widget (page, GTK_TYPE_BUTTON, _("_Try Again"));

  return button != NULL && gtk_widget_is_visible (button);
}

static void
test_every_page (void)
{
  const char *lang = g_getenv ("LANGUAGE");
  g_autoptr(UbModelDb) db = ub_model_db_new_default ();
  g_autoptr(UbSequenceBook) book = ub_sequence_book_new_default ();
  g_autoptr(UbClock) clock = ub_clock_new_fake ();
  g_autoptr(UbRescue) rescue = ub_rescue_new (db, book, NULL, clock);
  g_autoptr(UbDevice) dfu = ub_device_new_usb (1, 5, "1-1", 0x1227);
  UbWindow *window = ub_window_new (NULL, rescue, NULL);
  UbAssistant *assistant = ub_window_get_assistant (window);

  /* The catalogue is loaded and used, for the UI and for the step texts */
  g_assert_cmpstr (_("What’s Wrong?"), !=, "What’s Wrong?");
  g_assert_cmpstr (g_dpgettext2 (GETTEXT_PACKAGE, "button step", "Press and hold the Side button."), !=,
                   "Press and hold the Side button.");

  gtk_window_set_default_size (GTK_WINDOW (window), DEFAULT_WIDTH, 760);
  gtk_window_present (GTK_WINDOW (window));
  ub_rescue_set_fault (rescue, UB_FAULT_BOOT_LOOP);
  ub_rescue_set_goal (rescue, UB_SEQUENCE_DFU);
  ub_rescue_set_model (rescue, ub_model_db_lookup_product_type (db, "iPhone12,8"));
  ub_rescue_set_result (rescue, UB_GUIDE_SUCCEEDED, UB_GUIDE_FAILURE_NONE, dfu);

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autofree char *name = g_strdup_printf ("wizard-%s-%u-%s", lang, i + 1, pages[i]);

      ub_assistant_go_to (assistant, ub_assistant_get_page_by_name (assistant, pages[i]));
      if (g_str_equal (pages[i], "firmware"))
        g_assert_true (ub_test_wait_until (retry_shown, ub_assistant_get_current_page (assistant), 20000));
      if (g_str_equal (pages[i], "guide"))
        {
          UbGuide *guide = ub_guide_page_get_guide (UB_GUIDE_PAGE (ub_assistant_get_current_page (assistant)));

          ub_guide_start (guide);
          ub_clock_advance (clock, 7 * G_USEC_PER_SEC);
          ub_guide_tick (guide);
        }
      ub_test_wait_frames (GTK_WIDGET (window), 2);
      check_fits (window, pages[i]);
      g_free (ub_test_screenshot (GTK_WIDGET (window), name));
    }
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *cache = ub_test_isolate_network ();
  g_autofree char *catalogues = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "..", "po", NULL);
  int ret;

  /* C.UTF-8 is not "C": gettext honours LANGUAGE with it */
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, catalogues);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  ub_test_setup_display ();
  g_test_add_func ("/unbrick/translations/every-page", test_every_page);
  ret = g_test_run ();
  ub_test_remove_tree (cache);
  return ret;
}
