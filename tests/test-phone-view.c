/* test-phone-view.c — UbPhoneView: drawings, accessible label, properties
 *
 * Renders every layout, screen and a few highlights to
 * $G_TEST_BUILDDIR/screenshots/phone-view/ so that people can look at them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <adwaita.h>

#include "ub-core.h"
#include "ub-phone-view.h"

typedef struct
{
  const char     *name;
  UbButtonFamily  family;
  UbPowerButton   power;
  UbDeviceKind    kind;
  gboolean        home;
} Device;

/* Every family, with the Side and the Top button where the family has both */
static const Device devices[] = {
  { "home-side-iphone", UB_BUTTON_FAMILY_HOME, UB_POWER_BUTTON_SIDE, UB_DEVICE_KIND_IPHONE, TRUE },
  { "home-top-iphone", UB_BUTTON_FAMILY_HOME, UB_POWER_BUTTON_TOP, UB_DEVICE_KIND_IPHONE, TRUE },
  { "home-top-ipod", UB_BUTTON_FAMILY_HOME, UB_POWER_BUTTON_TOP, UB_DEVICE_KIND_IPOD, TRUE },
  { "home-top-ipad", UB_BUTTON_FAMILY_HOME, UB_POWER_BUTTON_TOP, UB_DEVICE_KIND_IPAD, TRUE },
  { "iphone7-side-iphone", UB_BUTTON_FAMILY_IPHONE7, UB_POWER_BUTTON_SIDE, UB_DEVICE_KIND_IPHONE, TRUE },
  { "iphone7-top-ipod", UB_BUTTON_FAMILY_IPHONE7, UB_POWER_BUTTON_TOP, UB_DEVICE_KIND_IPOD, TRUE },
  { "modern-side-iphone", UB_BUTTON_FAMILY_MODERN, UB_POWER_BUTTON_SIDE, UB_DEVICE_KIND_IPHONE, FALSE },
  { "modern-side-iphone-home", UB_BUTTON_FAMILY_MODERN, UB_POWER_BUTTON_SIDE, UB_DEVICE_KIND_IPHONE, TRUE },
  { "ipad-no-home-top-ipad", UB_BUTTON_FAMILY_IPAD_NO_HOME, UB_POWER_BUTTON_TOP, UB_DEVICE_KIND_IPAD, FALSE },
};

typedef struct
{
  const char *name;
  UbButtons   hold;
  UbButtons   tap;
} Highlight;

/* SECOND stands for the family's second DFU button: Home or Volume Down */
#define SECOND (1u << 8)

static const Highlight highlights[] = {
  { "none", 0, 0 },
  { "tap-volume-up", 0, UB_BUTTON_VOLUME_UP },
  { "hold-power-second", UB_BUTTON_POWER | SECOND, 0 },
  { "hold-second", SECOND, 0 },
  { "hold-power-tap-both-volumes", UB_BUTTON_POWER, UB_BUTTON_VOLUME_UP | UB_BUTTON_VOLUME_DOWN },
};

static UbButtons
resolve (UbButtons       buttons,
         UbButtonFamily  family)
{
  if (!(buttons & SECOND))
    return buttons;
  buttons &= ~SECOND;
  return buttons | (family == UB_BUTTON_FAMILY_HOME ? UB_BUTTON_HOME : UB_BUTTON_VOLUME_DOWN);
}

static gboolean
on_timeout (gpointer data)
{
  /* the window was never mapped, or never painted */
  g_assert_not_reached ();
  return G_SOURCE_REMOVE;
}

static void
set_true (gboolean *flag)
{
  *flag = TRUE;
}

/* Iterates the main loop until @widget's window has painted a frame */
static void
wait_for_frame (GtkWidget *widget)
{
  GdkFrameClock *clock;
  gboolean painted = FALSE;
  guint timeout;
  gulong id;

  timeout = g_timeout_add_seconds (10, on_timeout, NULL);
  while (!gtk_widget_get_mapped (widget) || gtk_widget_get_frame_clock (widget) == NULL)
    g_main_context_iteration (NULL, TRUE);
  clock = gtk_widget_get_frame_clock (widget);
  id = g_signal_connect_swapped (clock, "after-paint", G_CALLBACK (set_true), &painted);
  gtk_widget_queue_draw (widget);
  while (!painted)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);
  g_signal_handler_disconnect (clock, id);
}

static void
save_png (GtkWidget  *view,
          const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (view);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *dir = g_build_filename (g_test_get_dir (G_TEST_BUILT), "screenshots", "phone-view", NULL);
  g_autofree char *file = g_strconcat (name, ".png", NULL);
  g_autofree char *path = g_build_filename (dir, file, NULL);
  int w = gtk_widget_get_width (view), h = gtk_widget_get_height (view);
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (view));
  GdkRGBA bg;

  g_assert_cmpint (w, >, 0);
  g_assert_cmpint (h, >, 0);
  /* the window's background, so that light and dark look as on screen */
  if (!gtk_style_context_lookup_color (gtk_widget_get_style_context (view), "window_bg_color", &bg))
    gdk_rgba_parse (&bg, "#fafafa");
  gtk_snapshot_append_color (snapshot, &bg, &GRAPHENE_RECT_INIT (0, 0, w, h));
  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("wrote %s", path);
}

/* @width and @height: the window's size, or 0 for the view's natural size */
static GtkWidget *
new_window (UbPhoneView  **view,
            const Device  *d,
            gboolean       compact,
            int            width,
            int            height)
{
  GtkWidget *window = gtk_window_new ();
  GtkAlign align = width > 0 ? GTK_ALIGN_FILL : GTK_ALIGN_CENTER;

  *view = g_object_ref_sink (UB_PHONE_VIEW (ub_phone_view_new ()));
  /* before the window is shown, which takes the natural size once */
  if (d != NULL)
    g_object_set (*view,
                  "family", d->family, "power-button", d->power, "kind", d->kind,
                  "has-home-button", d->home, "compact", compact,
                  NULL);
  gtk_widget_set_halign (GTK_WIDGET (*view), align);
  gtk_widget_set_valign (GTK_WIDGET (*view), align);
  gtk_window_set_decorated (GTK_WINDOW (window), FALSE);
  if (width > 0)
    gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (*view));
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static void
close_window (GtkWidget   *window,
              UbPhoneView *view)
{
  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (view);
}

/* A new window for each device, so that the window takes the natural size */
static void
render_device (const Device *d,
               gboolean      compact,
               const char   *suffix)
{
  static const UbScreen screens[] = { UB_SCREEN_ON, UB_SCREEN_BLACK, UB_SCREEN_LOGO, UB_SCREEN_RECOVERY };
  g_autoptr(GEnumClass) screen_class = g_type_class_ref (UB_TYPE_SCREEN);
  UbPhoneView *view;
  GtkWidget *window = new_window (&view, d, compact, 0, 0);

  for (guint s = 0; s < G_N_ELEMENTS (screens); s++)
    for (guint h = 0; h < G_N_ELEMENTS (highlights); h++)
      {
        g_autofree char *name = NULL;

        ub_phone_view_set_screen (view, screens[s]);
        ub_phone_view_set_hold (view, resolve (highlights[h].hold, d->family));
        ub_phone_view_set_tap (view, resolve (highlights[h].tap, d->family));
        wait_for_frame (GTK_WIDGET (view));
        name = g_strdup_printf ("%s-%s-%s%s%s", d->name,
                                g_enum_get_value (screen_class, screens[s])->value_nick,
                                highlights[h].name, compact ? "-compact" : "", suffix);
        save_png (GTK_WIDGET (view), name);
      }
  close_window (window, view);
}

static void
test_render (void)
{
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (devices); i++)
    {
      render_device (&devices[i], FALSE, "");
      render_device (&devices[i], TRUE, "");
    }
}

static void
test_render_dark (void)
{
  AdwStyleManager *style = adw_style_manager_get_default ();

  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  render_device (&devices[6], FALSE, "-dark");
  render_device (&devices[3], FALSE, "-dark");
  render_device (&devices[8], TRUE, "-dark");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
}

/* A window of a given size with the view filling it */
static void
render_at_size (int         width,
                int         height,
                UbScreen    screen,
                const char *name)
{
  UbPhoneView *view;
  GtkWidget *window = new_window (&view, NULL, FALSE, width, height);

  ub_phone_view_set_screen (view, screen);
  ub_phone_view_set_hold (view, UB_BUTTON_POWER | UB_BUTTON_VOLUME_DOWN);
  ub_phone_view_set_tap (view, UB_BUTTON_VOLUME_UP);
  wait_for_frame (GTK_WIDGET (view));
  g_test_message ("%s: %dx%d", name, gtk_widget_get_width (GTK_WIDGET (view)),
                  gtk_widget_get_height (GTK_WIDGET (view)));
  save_png (GTK_WIDGET (view), name);
  close_window (window, view);
}

/* More or less room than natural: the drawing keeps its shape and fits */
static void
test_render_sizes (void)
{
  UbPhoneView *view = g_object_ref_sink (UB_PHONE_VIEW (ub_phone_view_new ()));
  int min_w, nat_w, min_h, nat_h;

  gtk_widget_measure (GTK_WIDGET (view), GTK_ORIENTATION_HORIZONTAL, -1, &min_w, &nat_w, NULL, NULL);
  gtk_widget_measure (GTK_WIDGET (view), GTK_ORIENTATION_VERTICAL, -1, &min_h, &nat_h, NULL, NULL);
  g_test_message ("full iPhone: natural %dx%d, minimum %dx%d", nat_w, nat_h, min_w, min_h);
  g_assert_cmpint (nat_w, >=, 180);
  g_assert_cmpint (nat_w, <=, 260);
  g_assert_cmpint (nat_h, >=, 300);
  g_assert_cmpint (nat_h, <=, 380);
  g_assert_cmpint (min_w, <, nat_w);
  ub_phone_view_set_compact (view, TRUE);
  gtk_widget_measure (GTK_WIDGET (view), GTK_ORIENTATION_HORIZONTAL, -1, NULL, &nat_w, NULL, NULL);
  gtk_widget_measure (GTK_WIDGET (view), GTK_ORIENTATION_VERTICAL, -1, NULL, &nat_h, NULL, NULL);
  g_test_message ("compact iPhone: natural %dx%d", nat_w, nat_h);
  g_assert_cmpint (nat_w, <=, 80);
  g_assert_cmpint (nat_h, <=, 130);
  g_assert_finalize_object (view);

  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  render_at_size (480, 300, UB_SCREEN_ON, "size-wide");
  render_at_size (130, 400, UB_SCREEN_BLACK, "size-narrow");
  render_at_size (690, 990, UB_SCREEN_RECOVERY, "size-large-recovery");
  render_at_size (690, 990, UB_SCREEN_LOGO, "size-large-logo");
}

static void
count_frame (int *frames)
{
  (*frames)++;
}

/* How many frames the window paints in 400 ms without being asked to */
static int
count_frames (GtkWidget *widget)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  gint64 end = g_get_monotonic_time () + 400 * G_TIME_SPAN_MILLISECOND;
  int frames = 0;
  gulong id;

  /* let pending redraws settle first */
  wait_for_frame (widget);
  id = g_signal_connect_swapped (clock, "after-paint", G_CALLBACK (count_frame), &frames);
  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  g_signal_handler_disconnect (clock, id);
  return frames;
}

/* With animations on, the tick callback runs while something is
 * highlighted, and stops when nothing is or animations are turned off */
static void
test_animation (void)
{
  GtkSettings *settings = gtk_settings_get_default ();
  UbPhoneView *view;
  GtkWidget *window = new_window (&view, NULL, FALSE, 0, 0);

  g_object_set (settings, "gtk-enable-animations", TRUE, NULL);
  g_assert_cmpint (count_frames (GTK_WIDGET (view)), <=, 1);
  ub_phone_view_set_hold (view, UB_BUTTON_POWER);
  ub_phone_view_set_tap (view, UB_BUTTON_VOLUME_UP);
  g_assert_cmpint (count_frames (GTK_WIDGET (view)), >, 3);
  save_png (GTK_WIDGET (view), "animated");
  g_object_set (settings, "gtk-enable-animations", FALSE, NULL);
  g_assert_cmpint (count_frames (GTK_WIDGET (view)), <=, 1);
  g_object_set (settings, "gtk-enable-animations", TRUE, NULL);
  g_assert_cmpint (count_frames (GTK_WIDGET (view)), >, 3);
  gtk_widget_set_visible (window, FALSE);
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (view)));
  gtk_widget_set_visible (window, TRUE);
  g_assert_cmpint (count_frames (GTK_WIDGET (view)), >, 3);
  ub_phone_view_set_hold (view, UB_BUTTON_NONE);
  ub_phone_view_set_tap (view, UB_BUTTON_NONE);
  g_assert_cmpint (count_frames (GTK_WIDGET (view)), <=, 1);
  g_object_set (settings, "gtk-enable-animations", FALSE, NULL);
  close_window (window, view);
}

static void
count_notify (int *count)
{
  (*count)++;
}

static void
test_notify (void)
{
  UbPhoneView *view = g_object_ref_sink (UB_PHONE_VIEW (ub_phone_view_new ()));
  int count = 0;

  g_signal_connect_swapped (view, "notify::hold", G_CALLBACK (count_notify), &count);
  ub_phone_view_set_hold (view, UB_BUTTON_NONE);
  g_assert_cmpint (count, ==, 0);
  ub_phone_view_set_hold (view, UB_BUTTON_POWER | UB_BUTTON_VOLUME_DOWN);
  g_assert_cmpint (count, ==, 1);
  g_object_set (view, "hold", UB_BUTTON_POWER | UB_BUTTON_VOLUME_DOWN, NULL);
  g_assert_cmpint (count, ==, 1);
  g_object_set (view, "hold", UB_BUTTON_VOLUME_DOWN, NULL);
  g_assert_cmpint (count, ==, 2);
  g_assert_cmpuint (ub_phone_view_get_hold (view), ==, UB_BUTTON_VOLUME_DOWN);
  ub_phone_view_set_tap (view, UB_BUTTON_VOLUME_UP);
  ub_phone_view_set_screen (view, UB_SCREEN_BLACK);
  g_assert_cmpint (count, ==, 2);
  g_assert_finalize_object (view);
}

static void
assert_description (UbPhoneView *view,
                    const char  *expected)
{
  g_autofree char *text = ub_phone_view_dup_description (view);

  g_test_message ("%s", text);
  g_assert_cmpstr (text, ==, expected);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL, expected);
}

static void
test_description (void)
{
  UbPhoneView *view = g_object_ref_sink (UB_PHONE_VIEW (ub_phone_view_new ()));
  g_autofree char *text = NULL;

  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_ROLE_IMG);
  assert_description (view, "iPhone: no buttons to press. The screen is on.");
  ub_phone_view_set_hold (view, UB_BUTTON_POWER | UB_BUTTON_VOLUME_DOWN);
  ub_phone_view_set_screen (view, UB_SCREEN_BLACK);
  assert_description (view, "iPhone: hold the Side button and Volume Down. The screen is black.");
  ub_phone_view_set_hold (view, UB_BUTTON_NONE);
  ub_phone_view_set_tap (view, UB_BUTTON_VOLUME_UP);
  ub_phone_view_set_screen (view, UB_SCREEN_LOGO);
  assert_description (view, "iPhone: press and quickly release Volume Up. The screen shows the Apple logo.");

  /* Home on a phone without one is ignored */
  ub_phone_view_set_tap (view, UB_BUTTON_NONE);
  ub_phone_view_set_hold (view, UB_BUTTON_HOME | UB_BUTTON_POWER);
  assert_description (view, "iPhone: hold the Side button. The screen shows the Apple logo.");
  ub_phone_view_set_has_home_button (view, TRUE);
  assert_description (view, "iPhone: hold the Side button and the Home button. The screen shows the Apple logo.");

  g_object_set (view, "family", UB_BUTTON_FAMILY_IPAD_NO_HOME, "kind", UB_DEVICE_KIND_IPAD,
                "power-button", UB_POWER_BUTTON_TOP, "screen", UB_SCREEN_RECOVERY,
                "hold", UB_BUTTON_POWER | UB_BUTTON_VOLUME_DOWN | UB_BUTTON_HOME,
                "tap", UB_BUTTON_VOLUME_UP, NULL);
  text = ub_phone_view_dup_description (view);
  g_test_message ("%s", text);
  g_assert_true (g_str_has_prefix (text, "iPad: hold the Top button and "));
  g_assert_nonnull (strstr (text, "the volume button farthest from the Top button"));
  g_assert_nonnull (strstr (text, "press the volume button nearest to the Top button"));
  g_assert_null (strstr (text, "Home"));
  g_assert_true (g_str_has_suffix (text, "The screen shows a computer and a cable."));
  g_assert_finalize_object (view);
}

static UbModel *
new_model (const char     *name,
           const char     *product_type,
           UbButtonFamily  family,
           UbPowerButton   power)
{
  return ub_model_new (name, product_type, "x", 0, 0, NULL, 2020, family, power,
                       UB_CONNECTOR_LIGHTNING, NULL);
}

static void
test_model (void)
{
  UbPhoneView *view = g_object_ref_sink (UB_PHONE_VIEW (ub_phone_view_new ()));
  g_autoptr(UbModel) eight = new_model ("iPhone 8", "iPhone10,1", UB_BUTTON_FAMILY_MODERN, UB_POWER_BUTTON_SIDE);
  g_autoptr(UbModel) x = new_model ("iPhone X", "iPhone10,3", UB_BUTTON_FAMILY_MODERN, UB_POWER_BUTTON_SIDE);
  g_autoptr(UbModel) se3 = new_model ("iPhone SE", "iPhone14,6", UB_BUTTON_FAMILY_MODERN, UB_POWER_BUTTON_SIDE);
  g_autoptr(UbModel) ipod = new_model ("iPod touch", "iPod9,1", UB_BUTTON_FAMILY_IPHONE7, UB_POWER_BUTTON_TOP);
  g_autoptr(UbModel) ipad = new_model ("iPad Air", "iPad13,1", UB_BUTTON_FAMILY_IPAD_NO_HOME, UB_POWER_BUTTON_TOP);

  g_assert_true (ub_model_has_home_button (eight));
  g_assert_true (ub_model_has_home_button (se3));
  g_assert_false (ub_model_has_home_button (x));
  g_assert_true (ub_model_has_home_button (ipod));
  g_assert_false (ub_model_has_home_button (ipad));

  ub_phone_view_set_model (view, eight);
  g_assert_true (ub_phone_view_get_has_home_button (view));
  ub_phone_view_set_model (view, ipod);
  g_assert_cmpint (ub_phone_view_get_kind (view), ==, UB_DEVICE_KIND_IPOD);
  g_assert_cmpint (ub_phone_view_get_power_button (view), ==, UB_POWER_BUTTON_TOP);
  g_assert_cmpint (ub_phone_view_get_family (view), ==, UB_BUTTON_FAMILY_IPHONE7);
  ub_phone_view_set_model (view, ipad);
  g_assert_cmpint (ub_phone_view_get_kind (view), ==, UB_DEVICE_KIND_IPAD);
  g_assert_false (ub_phone_view_get_has_home_button (view));
  g_assert_finalize_object (view);
}

/* Any combination of properties draws without a warning */
static void
test_every_combination (void)
{
  UbPhoneView *view;
  GtkWidget *window = new_window (&view, NULL, FALSE, 0, 0);

  g_object_set (gtk_widget_get_settings (window), "gtk-enable-animations", TRUE, NULL);
  for (guint combo = 0; combo < 4 * 2 * 3 * 2 * 2; combo++)
    {
      g_object_set (view,
                    "family", combo % 4, "power-button", combo / 4 % 2, "kind", combo / 8 % 3,
                    "has-home-button", combo / 24 % 2, "compact", combo / 48 % 2,
                    "screen", combo % 4, NULL);
      for (guint buttons = 0; buttons < 16; buttons++)
        {
          g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (GTK_WIDGET (view));
          g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
          g_autoptr(GskRenderNode) node = NULL;

          g_object_set (view, "hold", buttons, "tap", 15 - (buttons * 7 % 16), NULL);
          gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), 300, 400);
          node = gtk_snapshot_to_node (snapshot);
        }
      wait_for_frame (GTK_WIDGET (view));
    }
  close_window (window, view);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/unbrick/phone-view/notify", test_notify);
  g_test_add_func ("/unbrick/phone-view/description", test_description);
  g_test_add_func ("/unbrick/phone-view/model", test_model);
  g_test_add_func ("/unbrick/phone-view/every-combination", test_every_combination);
  g_test_add_func ("/unbrick/phone-view/sizes", test_render_sizes);
  g_test_add_func ("/unbrick/phone-view/animation", test_animation);
  g_test_add_func ("/unbrick/phone-view/render", test_render);
  g_test_add_func ("/unbrick/phone-view/render-dark", test_render_dark);

  return g_test_run ();
}
