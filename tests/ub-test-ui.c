/* ub-test-ui.c — helpers for tests that open real windows
 *
 * Screenshots are rendered by the window's own GSK renderer and written as
 * PNG into <builddir>/tests/screenshots/, so that anyone can look at exactly
 * what a person sees on each page.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <adwaita.h>

#include "ub-test-ui.h"

typedef struct
{
  guint    remaining;
  gboolean done;
} FrameWait;

static gboolean
on_tick (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       data)
{
  FrameWait *wait = data;

  if (wait->remaining > 0)
    wait->remaining--;
  if (wait->remaining == 0)
    {
      wait->done = TRUE;
      return G_SOURCE_REMOVE;
    }
  gtk_widget_queue_draw (widget);
  return G_SOURCE_CONTINUE;
}

static void
on_timeout_done (gpointer data)
{
  *(gboolean *)data = TRUE;
}

/**
 * ub_test_wait_frames:
 *
 * Runs the main loop until @widget has drawn @n_frames frames (at most 5 s).
 */
void
ub_test_wait_frames (GtkWidget *widget,
                     guint      n_frames)
{
  FrameWait wait = { n_frames, FALSE };
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_once (5000, on_timeout_done, &timed_out);

  gtk_widget_add_tick_callback (widget, on_tick, &wait, NULL);
  gtk_widget_queue_draw (widget);
  while (!wait.done && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
}

/**
 * ub_test_setup_display:
 *
 * What AdwApplication would do: Unbrick's stylesheet; plus no animations, so
 * that screenshots never catch a page halfway through a transition.
 */
void
ub_test_setup_display (void)
{
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

  gtk_css_provider_load_from_resource (css, RESOURCE_BASE "/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
}

void
ub_test_wait_ms (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add_once (ms, on_timeout_done, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/**
 * ub_test_wait_until:
 *
 * Iterates the main loop until @predicate holds, or @timeout_ms passed.
 *
 * Returns: whether the predicate held
 */
gboolean
ub_test_wait_until (gboolean  (*predicate) (gpointer),
                    gpointer    data,
                    guint       timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_once (timeout_ms, on_timeout_done, &timed_out);

  while (!predicate (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  return predicate (data);
}

/**
 * ub_test_screenshot:
 * @name: file name without extension
 *
 * Returns: (transfer full): the path of the PNG written
 */
char *
ub_test_screenshot (GtkWidget  *window,
                    const char *name)
{
  g_autofree char *dir = g_build_filename (g_test_get_dir (G_TEST_BUILT), "screenshots", NULL);
  g_autofree char *file = g_strconcat (name, ".png", NULL);
  char *path = g_build_filename (dir, file, NULL);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (window);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  int width, height;

  ub_test_wait_frames (window, 3);
  width = gdk_paintable_get_intrinsic_width (paintable);
  height = gdk_paintable_get_intrinsic_height (paintable);
  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_mkdir_with_parents (dir, 0755);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
  return path;
}

static gboolean
find_label (GtkWidget  *widget,
            const char *text)
{
  if (!gtk_widget_get_mapped (widget))
    return FALSE;
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_label (GTK_LABEL (widget)), text) != NULL)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (find_label (child, text))
      return TRUE;
  return FALSE;
}

/**
 * ub_test_label_is_visible_with:
 *
 * Returns: whether a mapped label under @root contains @text
 */
gboolean
ub_test_label_is_visible_with (GtkWidget  *root,
                               const char *text)
{
  return find_label (root, text);
}

static const char *
widget_label (GtkWidget *widget)
{
  if (GTK_IS_BUTTON (widget))
    return gtk_button_get_label (GTK_BUTTON (widget));
  if (GTK_IS_CHECK_BUTTON (widget))
    return gtk_check_button_get_label (GTK_CHECK_BUTTON (widget));
  if (ADW_IS_PREFERENCES_ROW (widget))
    return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget));
  return NULL;
}

/**
 * ub_test_find_widget:
 * @type: a button, check button, preferences row or any other type
 * @label: (nullable): its label or title; %NULL for the first of @type
 *
 * Returns: (transfer none) (nullable): the first match in @root, depth first
 */
GtkWidget *
ub_test_find_widget (GtkWidget  *root,
                     GType       type,
                     const char *label)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type) &&
      (label == NULL || g_strcmp0 (widget_label (root), label) == 0))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = ub_test_find_widget (child, type, label);
      if (found)
        return found;
    }
  return NULL;
}

/* gtk_widget_activate() on a button waits 250 ms before "clicked"; a
 * person can only click what they see and what is sensitive */
void
ub_test_click (GtkWidget  *root,
               const char *label)
{
  GtkWidget *button = ub_test_find_widget (root, GTK_TYPE_BUTTON, label);

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_visible (button) && gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

/* The default window size of the application, 980 × 760 */
void
ub_test_wizard_open (UbTestWizard *w)
{
  w->db = ub_model_db_new_default ();
  w->book = ub_sequence_book_new_default ();
  w->clock = ub_clock_new_fake ();
  w->rescue = ub_rescue_new (w->db, w->book, NULL, w->clock);
  w->window = ub_window_new (NULL, w->rescue, NULL);
  w->assistant = ub_window_get_assistant (w->window);
  gtk_window_set_default_size (GTK_WINDOW (w->window), 980, 760);
  gtk_window_present (GTK_WINDOW (w->window));
  ub_test_wait_frames (GTK_WIDGET (w->window), 2);
}

static gboolean
rescue_is_ours_only (gpointer rescue)
{
  return G_OBJECT (rescue)->ref_count == 1;
}

/* Closes the window; the rescue must not outlive it */
void
ub_test_wizard_close (UbTestWizard *w)
{
  gtk_window_destroy (GTK_WINDOW (w->window));
  /* Work the pages had under way (power, backups) ends with its cancellation */
  ub_test_wait_until (rescue_is_ours_only, w->rescue, 5000);
  g_clear_object (&w->db);
  g_clear_object (&w->book);
  g_clear_object (&w->clock);
  g_assert_finalize_object (w->rescue);
}
