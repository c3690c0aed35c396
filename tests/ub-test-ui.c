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
