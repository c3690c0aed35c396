/* ub-phone-view-draw.c — the device of a UbPhoneView: its shape, body, keys and screen
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-phone-view"

#include "config.h"

#include <math.h>

#include "ub-phone-view-private.h"

void
_ub_phone_rounded_rect (cairo_t *cr,
                        double   x,
                        double   y,
                        double   w,
                        double   h,
                        double   r)
{
  r = MIN (r, MIN (w, h) / 2);
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + w - r, y + r, r, -G_PI / 2, 0);
  cairo_arc (cr, x + w - r, y + h - r, r, 0, G_PI / 2);
  cairo_arc (cr, x + r, y + h - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

static void
add_key (UbPhoneShape   *s,
         UbButtons       button,
         UbPhoneKeyName  name,
         UbPhoneEdge     edge,
         double          start,
         double          length)
{
  s->keys[s->n_keys++] = (UbPhoneKey) { button, name, edge, start, length };
}

/* iPads: the Top button near the right corner, the volume keys on the right
 * edge near the top; Volume Up is the one nearest the Top button. */
static void
build_ipad (UbPhoneShape *s,
            gboolean      home)
{
  *s = home ? (UbPhoneShape) { 180, 258, 14, 13, 27, 27, 2, 17, FALSE, FALSE, TRUE, 0, {{ 0 }} }
            : (UbPhoneShape) { 180, 250, 17, 8, 8, 8, 9, 0, FALSE, FALSE, TRUE, 0, {{ 0 }} };
  add_key (s, UB_BUTTON_POWER, UB_PHONE_KEY_TOP, UB_PHONE_EDGE_TOP, 128, 26);
  add_key (s, UB_BUTTON_VOLUME_UP, UB_PHONE_KEY_VOLUME_UP, UB_PHONE_EDGE_RIGHT, 30, 20);
  add_key (s, UB_BUTTON_VOLUME_DOWN, UB_PHONE_KEY_VOLUME_DOWN, UB_PHONE_EDGE_RIGHT, 56, 20);
}

/**
 * _ub_phone_shape_init:
 *
 * iPhones and iPods: the power key on the right edge or on the top, Volume
 * Up above Volume Down on the left edge. iPads: see build_ipad().
 */
void
_ub_phone_shape_init (UbPhoneShape *s,
                      UbDeviceKind  kind,
                      gboolean      home,
                      gboolean      power_on_top)
{
  if (kind == UB_DEVICE_KIND_IPAD)
    {
      build_ipad (s, home);
      return;
    }
  *s = home ? (UbPhoneShape) { 100, 206, 15, 7, 31, 31, 2, 19, FALSE, FALSE, FALSE, 0, {{ 0 }} }
            : (UbPhoneShape) { 100, 204, 17, 5, 5, 5, 12, 0, TRUE, FALSE, FALSE, 0, {{ 0 }} };
  s->mute = kind == UB_DEVICE_KIND_IPHONE;
  if (power_on_top)
    add_key (s, UB_BUTTON_POWER, UB_PHONE_KEY_TOP, UB_PHONE_EDGE_TOP, 60, 24);
  else
    add_key (s, UB_BUTTON_POWER, UB_PHONE_KEY_SIDE, UB_PHONE_EDGE_RIGHT,
             home ? 46 : 52, home ? 24 : 34);
  add_key (s, UB_BUTTON_VOLUME_UP, UB_PHONE_KEY_VOLUME_UP, UB_PHONE_EDGE_LEFT, home ? 52 : 56, 22);
  add_key (s, UB_BUTTON_VOLUME_DOWN, UB_PHONE_KEY_VOLUME_DOWN, UB_PHONE_EDGE_LEFT, home ? 80 : 86, 22);
}

static void
set_color (cairo_t       *cr,
           const GdkRGBA *c,
           double         alpha)
{
  cairo_set_source_rgba (cr, c->red, c->green, c->blue, c->alpha * alpha);
}

UbKeyState
_ub_phone_scene_key_state (const UbPhoneScene *scene,
                           UbButtons           button)
{
  if (scene->hold & button)
    return UB_KEY_STATE_HOLD;
  if (scene->tap & button)
    return UB_KEY_STATE_TAP;
  return UB_KEY_STATE_NONE;
}

/* 0 → 1 → 0 once every 1.4 s: the key goes in and comes back out */
static double
tap_press (const UbPhoneScene *scene)
{
  double t = fmod (scene->phase, 1.4);

  if (!scene->animating || t > 0.5)
    return 0;
  if (t < 0.12)
    return t / 0.12;
  return t < 0.3 ? 1 : 1 - (t - 0.3) / 0.2;
}

/* 0 → 1 → 0 every 2 s, for the glow around held keys */
static double
hold_pulse (const UbPhoneScene *scene)
{
  return 0.5 - 0.5 * cos (scene->phase * G_PI);
}

/* How far a key sticks out of the body */
double
_ub_phone_scene_key_out (const UbPhoneScene *scene,
                         UbKeyState          state)
{
  /* small drawings exaggerate highlighted keys to keep them visible */
  double out = scene->compact ? 10 : 6.5;

  if (state == UB_KEY_STATE_NONE)
    return 3;
  return state == UB_KEY_STATE_TAP ? out - 0.6 * out * tap_press (scene) : out;
}

/* The Home button grows when highlighted and sinks a little when tapped */
double
_ub_phone_scene_home_scale (const UbPhoneScene *scene,
                            UbKeyState          state)
{
  if (state == UB_KEY_STATE_NONE)
    return 1;
  return state == UB_KEY_STATE_TAP ? 1.12 - 0.16 * tap_press (scene) : 1.12;
}

static void
key_rect (const UbPhoneShape *s,
          const UbPhoneKey   *k,
          double              out,
          double              grow,
          graphene_rect_t    *r)
{
  double a = k->start - grow, len = k->length + 2 * grow;

  if (k->edge == UB_PHONE_EDGE_LEFT)
    graphene_rect_init (r, -out, a, out + 8, len);
  else if (k->edge == UB_PHONE_EDGE_RIGHT)
    graphene_rect_init (r, s->w - 8, a, out + 8, len);
  else
    graphene_rect_init (r, a, -out, len, out + 8);
}

/* Held: solid accent; tapped: accent outline; both glow or move if animated */
static void
paint_highlight (const UbPhoneScene *scene,
                 cairo_t            *cr,
                 UbKeyState          state)
{
  set_color (cr, &scene->accent, state == UB_KEY_STATE_HOLD ? 1 : 0.15);
  cairo_fill_preserve (cr);
  set_color (cr, &scene->accent, 1);
  cairo_set_line_width (cr, 2.5);
  cairo_stroke (cr);
}

static void
draw_key (const UbPhoneScene *scene,
          cairo_t            *cr,
          const UbPhoneKey   *k)
{
  UbKeyState state = _ub_phone_scene_key_state (scene, k->button);
  double out = _ub_phone_scene_key_out (scene, state);
  double grow = state == UB_KEY_STATE_NONE ? 0 : (scene->compact ? 3 : 2);
  graphene_rect_t r;

  key_rect (&scene->shape, k, out, grow, &r);
  if (state == UB_KEY_STATE_HOLD && scene->animating)
    {
      double pulse = hold_pulse (scene), halo = 2 + 3 * pulse;

      _ub_phone_rounded_rect (cr, r.origin.x - halo, r.origin.y - halo,
                              r.size.width + 2 * halo, r.size.height + 2 * halo, 3 + halo);
      set_color (cr, &scene->accent, 0.35 - 0.2 * pulse);
      cairo_fill (cr);
    }
  _ub_phone_rounded_rect (cr, r.origin.x, r.origin.y, r.size.width, r.size.height, 2.5);
  if (state != UB_KEY_STATE_NONE)
    {
      paint_highlight (scene, cr, state);
      return;
    }
  set_color (cr, &scene->fg, 0.5);
  cairo_fill (cr);
}

/* Keys stick out of the body: draw them clipped to the outside of it */
static void
draw_keys (const UbPhoneScene *scene,
           cairo_t            *cr)
{
  const UbPhoneShape *s = &scene->shape;

  cairo_save (cr);
  cairo_rectangle (cr, -50, -50, s->w + 100, s->h + 100);
  _ub_phone_rounded_rect (cr, 0, 0, s->w, s->h, s->radius);
  cairo_set_fill_rule (cr, CAIRO_FILL_RULE_EVEN_ODD);
  cairo_clip (cr);
  if (s->mute && s->n_keys > 1)
    {
      _ub_phone_rounded_rect (cr, -3, s->keys[1].start - 20, 11, 11, 2);
      set_color (cr, &scene->fg, 0.5);
      cairo_fill (cr);
    }
  for (guint i = 0; i < s->n_keys; i++)
    draw_key (scene, cr, &s->keys[i]);
  cairo_restore (cr);
}

static void
app_grid (cairo_t *cr,
          double   w,
          double   h,
          double   cell)
{
  double icon = cell * 0.64, m = (cell - icon) / 2;
  guint cols = (guint) (w / cell + 0.01), rows = (guint) ((h - 1.6 * cell) / cell);

  for (guint row = 0; row < rows; row++)
    for (guint col = 0; col < cols; col++)
      _ub_phone_rounded_rect (cr, col * cell + m, 0.5 * cell + row * cell + m, icon, icon, icon / 4.5);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.85);
  cairo_fill (cr);
  _ub_phone_rounded_rect (cr, m / 2, h - 1.1 * cell, w - m, cell, icon / 3);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.3);
  cairo_fill (cr);
  for (guint col = 0; col < cols; col++)
    _ub_phone_rounded_rect (cr, col * cell + m, h - 1.1 * cell + m, icon, icon, icon / 4.5);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.92);
  cairo_fill (cr);
}

static void
draw_home_screen (cairo_t *cr,
                  double   w,
                  double   h,
                  gboolean big)
{
  cairo_pattern_t *wallpaper = cairo_pattern_create_linear (0, 0, w * 0.3, h);

  cairo_pattern_add_color_stop_rgb (wallpaper, 0, 0.33, 0.60, 0.85);
  cairo_pattern_add_color_stop_rgb (wallpaper, 1, 0.55, 0.38, 0.75);
  cairo_set_source (cr, wallpaper);
  cairo_paint (cr);
  cairo_pattern_destroy (wallpaper);
  cairo_save (cr);
  cairo_translate (cr, w * 0.06, h * 0.03);
  app_grid (cr, w * 0.88, h * 0.96, w * 0.88 / (big ? 6 : 4));
  cairo_restore (cr);
}

/* An original, simplified apple: two round lobes, a bite and a leaf */
static void
draw_logo (cairo_t *cr,
           double   w,
           double   h)
{
  double size = MIN (w, h) * 0.3;

  cairo_translate (cr, (w - size) / 2, (h - size * 1.15) / 2);
  cairo_scale (cr, size, size);
  cairo_move_to (cr, 0.5, 0.34);
  cairo_curve_to (cr, 0.3, 0.2, 0.02, 0.24, 0.02, 0.6);
  cairo_curve_to (cr, 0.02, 0.92, 0.22, 1.15, 0.36, 1.15);
  cairo_curve_to (cr, 0.44, 1.15, 0.45, 1.1, 0.5, 1.1);
  cairo_curve_to (cr, 0.55, 1.1, 0.56, 1.15, 0.64, 1.15);
  cairo_curve_to (cr, 0.78, 1.15, 0.98, 0.92, 0.98, 0.6);
  cairo_curve_to (cr, 0.98, 0.24, 0.7, 0.2, 0.5, 0.34);
  cairo_close_path (cr);
  cairo_move_to (cr, 0.5, 0.28);
  cairo_curve_to (cr, 0.48, 0.12, 0.58, 0.02, 0.72, 0.0);
  cairo_curve_to (cr, 0.74, 0.14, 0.64, 0.26, 0.5, 0.28);
  cairo_close_path (cr);
  cairo_set_source_rgb (cr, 0.93, 0.93, 0.93);
  cairo_fill (cr);
  cairo_arc (cr, 1.08, 0.56, 0.23, 0, 2 * G_PI);
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_fill (cr);
}

/* The recovery picture: a laptop, and a cable coming up to meet it */
static void
draw_recovery (cairo_t *cr,
               double   w,
               double   h)
{
  double lw = MIN (w * 0.56, h * 0.42), lh = lw * 0.62;
  double x = (w - lw) / 2, y = h * 0.42 - lh, line = lw / 24;

  cairo_set_source_rgb (cr, 0.96, 0.96, 0.96);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0.12, 0.12, 0.12);
  cairo_set_line_width (cr, line);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  _ub_phone_rounded_rect (cr, x, y, lw, lh, line * 1.5);
  cairo_move_to (cr, x - lw * 0.12, y + lh + line * 1.5);
  cairo_line_to (cr, x + lw * 1.12, y + lh + line * 1.5);
  cairo_stroke (cr);
  /* the cable: a plug pointing up, its cord running off the bottom */
  _ub_phone_rounded_rect (cr, w / 2 - lw * 0.08, h * 0.6, lw * 0.16, lw * 0.26, line);
  cairo_fill (cr);
  _ub_phone_rounded_rect (cr, w / 2 - lw * 0.045, h * 0.6 - lw * 0.12, lw * 0.09, lw * 0.14, line / 2);
  cairo_fill (cr);
  cairo_move_to (cr, w / 2, h * 0.6 + lw * 0.25);
  cairo_line_to (cr, w / 2, h + line);
  cairo_stroke (cr);
}

/* Black glass with no backlight: only a faint reflection */
static void
draw_black (cairo_t *cr,
            double   w,
            double   h)
{
  cairo_pattern_t *glare = cairo_pattern_create_linear (0, 0, w, h);

  cairo_pattern_add_color_stop_rgba (glare, 0, 1, 1, 1, 0.16);
  cairo_pattern_add_color_stop_rgba (glare, 0.45, 1, 1, 1, 0.03);
  cairo_pattern_add_color_stop_rgba (glare, 0.451, 1, 1, 1, 0);
  cairo_set_source (cr, glare);
  cairo_paint (cr);
  cairo_pattern_destroy (glare);
}

static void
draw_screen (const UbPhoneScene *scene,
             cairo_t            *cr)
{
  const UbPhoneShape *s = &scene->shape;
  double x = s->inset_side, y = s->inset_top;
  double w = s->w - 2 * s->inset_side, h = s->h - s->inset_top - s->inset_bottom;

  cairo_save (cr);
  _ub_phone_rounded_rect (cr, x, y, w, h, s->screen_radius);
  cairo_clip (cr);
  cairo_translate (cr, x, y);
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_paint (cr);
  if (scene->screen == UB_SCREEN_ON)
    draw_home_screen (cr, w, h, s->big_grid);
  else if (scene->screen == UB_SCREEN_LOGO)
    draw_logo (cr, w, h);
  else if (scene->screen == UB_SCREEN_RECOVERY)
    draw_recovery (cr, w, h);
  else
    draw_black (cr, w, h);
  if (s->island)
    {
      _ub_phone_rounded_rect (cr, w * 0.34, 4, w * 0.32, 9, 4.5);
      cairo_set_source_rgb (cr, 0, 0, 0);
      cairo_fill (cr);
    }
  cairo_restore (cr);
}

static void
draw_home_button (const UbPhoneScene *scene,
                  cairo_t            *cr)
{
  const UbPhoneShape *s = &scene->shape;
  UbKeyState state = _ub_phone_scene_key_state (scene, UB_BUTTON_HOME);
  double cx = s->w / 2, cy = s->h - s->inset_bottom / 2;
  double r = s->home_d / 2 * _ub_phone_scene_home_scale (scene, state);

  if (state == UB_KEY_STATE_HOLD && scene->animating)
    {
      cairo_arc (cr, cx, cy, r + 2 + 3 * hold_pulse (scene), 0, 2 * G_PI);
      set_color (cr, &scene->accent, 0.35 - 0.2 * hold_pulse (scene));
      cairo_fill (cr);
    }
  cairo_arc (cr, cx, cy, r, 0, 2 * G_PI);
  if (state != UB_KEY_STATE_NONE)
    {
      paint_highlight (scene, cr, state);
      return;
    }
  set_color (cr, &scene->fg, 0.6);
  cairo_set_line_width (cr, scene->metrics->line);
  cairo_stroke (cr);
}

/* Earpiece and camera above a screen with bezels */
static void
draw_sensors (const UbPhoneScene *scene,
              cairo_t            *cr)
{
  const UbPhoneShape *s = &scene->shape;
  double cy = s->inset_top / 2;

  if (s->island)
    return;
  if (s->home_d > 0 && !s->big_grid)
    {
      _ub_phone_rounded_rect (cr, s->w / 2 - 10, cy - 1.75, 20, 3.5, 1.75);
      cairo_arc (cr, s->w / 2 - 19, cy, 2.2, 0, 2 * G_PI);
    }
  else
    cairo_arc (cr, s->w / 2, cy, MIN (2.5, s->inset_top / 4), 0, 2 * G_PI);
  set_color (cr, &scene->fg, 0.45);
  cairo_fill (cr);
}

/**
 * _ub_phone_scene_draw_device:
 *
 * Paints the body with its top-left corner at the origin.
 */
void
_ub_phone_scene_draw_device (const UbPhoneScene *scene,
                             cairo_t            *cr)
{
  const UbPhoneShape *s = &scene->shape;

  draw_keys (scene, cr);
  _ub_phone_rounded_rect (cr, 0, 0, s->w, s->h, s->radius);
  set_color (cr, &scene->fg, 0.1);
  cairo_fill (cr);
  draw_screen (scene, cr);
  draw_sensors (scene, cr);
  if (s->home_d > 0)
    draw_home_button (scene, cr);
  _ub_phone_rounded_rect (cr, 0, 0, s->w, s->h, s->radius);
  set_color (cr, &scene->fg, 0.85);
  cairo_set_line_width (cr, scene->metrics->line);
  cairo_stroke (cr);
}
