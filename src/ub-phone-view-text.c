/* ub-phone-view-text.c — the words of a UbPhoneView: callouts and its accessible label
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-phone-view"

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "ub-phone-view-private.h"

#define PAD 2.0  /* between a label and the edge of the scene */
#define GAP 3.0  /* between a label and its arrow, or two labels */

typedef struct
{
  UbPhoneEdge    edge;
  UbKeyState     state;
  UbPhoneKeyName name;
  double         ax, ay;  /* arrow tip */
  double         sx, sy;  /* arrow start */
  PangoLayout   *layout;  /* NULL: an arrow without a label */
  double         lx, ly;  /* where the layout is drawn */
  double         ox, lw, lh;
} Callout;

/* Indexed by UbPhoneKeyName */
static const char * const hold_labels[] = {
  /* TRANSLATORS: a callout pointing at a button in the drawing of the phone:
   * press and hold it. Keep it short; it wraps in a narrow column. */
  N_("Hold Side"),
  /* TRANSLATORS: a callout pointing at the Top button: press and hold it */
  N_("Hold Top"),
  /* TRANSLATORS: a callout pointing at the Home button: press and hold it */
  N_("Hold Home"),
  /* TRANSLATORS: a callout pointing at the Volume Up button: press and hold it */
  N_("Hold Volume Up"),
  /* TRANSLATORS: a callout pointing at the Volume Down button: press and hold it */
  N_("Hold Volume Down"),
};
static const char * const press_labels[] = {
  /* TRANSLATORS: a callout pointing at a button in the drawing of the phone:
   * press it and quickly let go. Keep it short; it wraps in a narrow column. */
  N_("Press Side"),
  /* TRANSLATORS: a callout pointing at the Top button: press it and quickly let go */
  N_("Press Top"),
  /* TRANSLATORS: a callout pointing at the Home button: press it and quickly let go */
  N_("Press Home"),
  /* TRANSLATORS: a callout pointing at the Volume Up button: press it and quickly let go */
  N_("Press Volume Up"),
  /* TRANSLATORS: a callout pointing at the Volume Down button: press it and quickly let go */
  N_("Press Volume Down"),
};

static Callout
key_callout (const UbPhoneScene *scene,
             const UbPhoneKey   *k,
             UbKeyState          state)
{
  const UbPhoneMetrics *m = scene->metrics;
  double out = _ub_phone_scene_key_out (scene, state) + 1.5;
  double rest = _ub_phone_scene_key_out (scene, UB_KEY_STATE_HOLD) + 1.5;
  double mid = k->start + k->length / 2;
  Callout c = { k->edge, state, k->name, 0, };

  if (k->edge == UB_PHONE_EDGE_TOP)
    {
      c.ax = c.sx = m->col + mid;
      c.ay = m->top - out;
      c.sy = m->top - rest - m->arrow;
    }
  else
    {
      double dir = k->edge == UB_PHONE_EDGE_LEFT ? -1 : 1;
      double x0 = m->col + (k->edge == UB_PHONE_EDGE_LEFT ? 0 : scene->shape.w);

      c.ay = c.sy = m->top + mid;
      c.ax = x0 + dir * out;
      /* the start does not move with a tapped key, so the arrow pokes it */
      c.sx = x0 + dir * (rest + m->arrow);
    }
  return c;
}

/* Where the arrow of each highlighted key points from and to, in the scene */
static guint
collect_callouts (const UbPhoneScene *scene,
                  Callout            *c)
{
  const UbPhoneShape *s = &scene->shape;
  const UbPhoneMetrics *m = scene->metrics;
  UbKeyState home = _ub_phone_scene_key_state (scene, UB_BUTTON_HOME);
  guint n = 0;

  for (guint i = 0; i < s->n_keys; i++)
    {
      UbKeyState state = _ub_phone_scene_key_state (scene, s->keys[i].button);

      if (state != UB_KEY_STATE_NONE)
        c[n++] = key_callout (scene, &s->keys[i], state);
    }
  if (s->home_d > 0 && home != UB_KEY_STATE_NONE)
    {
      c[n] = (Callout) { UB_PHONE_EDGE_BOTTOM, home, UB_PHONE_KEY_HOME, 0, };
      c[n].ax = c[n].sx = m->col + s->w / 2;
      c[n].ay = m->top + s->h - s->inset_bottom / 2
                + s->home_d / 2 * _ub_phone_scene_home_scale (scene, home) + 2.5;
      c[n].sy = m->top + s->h + m->arrow;
      n++;
    }
  return n;
}

static PangoLayout *
make_label (cairo_t        *cr,
            PangoContext   *context,
            const char     *text,
            double          font,
            double          avail,
            PangoAlignment  align)
{
  g_autoptr(PangoFontDescription) desc = pango_font_description_copy (pango_context_get_font_description (context));
  g_autofree char *words = g_strdelimit (g_strdup (text), " ", '\n');
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoRectangle rect;

  pango_font_description_set_absolute_size (desc, font * PANGO_SCALE);
  pango_font_description_set_weight (desc, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, desc);
  /* It fits if its longest word fits */
  pango_layout_set_text (layout, words, -1);
  pango_layout_get_extents (layout, NULL, &rect);
  if (avail <= 0 || rect.width > avail * PANGO_SCALE)
    {
      g_object_unref (layout);
      return NULL;
    }
  pango_layout_set_text (layout, text, -1);
  pango_layout_set_width (layout, (int) (avail * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD);
  /* A device does not mirror: keep labels aligned towards it in RTL too */
  pango_layout_set_auto_dir (layout, FALSE);
  pango_layout_set_alignment (layout, align);
  return layout;
}

/* The full label if it fits (a little smaller if need be), else the action
 * word, else nothing. Small drawings only ever get the action word. */
static void
fit_label (const UbPhoneScene *scene,
           cairo_t            *cr,
           PangoContext       *context,
           Callout            *c,
           double              font,
           double              avail,
           PangoAlignment      align)
{
  gboolean hold = c->state == UB_KEY_STATE_HOLD;
  PangoRectangle rect;

  for (guint i = 0; i < 3 && c->layout == NULL && !scene->compact; i++)
    c->layout = make_label (cr, context, _(hold ? hold_labels[c->name] : press_labels[c->name]),
                            font * (1 - 0.1 * i), avail, align);
  if (c->layout == NULL)
    c->layout = make_label (cr, context,
                            /* TRANSLATORS: the short callout of a held button, in small drawings */
                            hold ? C_("callout", "Hold")
                            /* TRANSLATORS: the short callout of a button pressed and quickly let go */
                                 : C_("callout", "Press"),
                            font, avail, align);
  if (c->layout == NULL)
    return;
  pango_layout_get_extents (c->layout, NULL, &rect);
  c->ox = (double) rect.x / PANGO_SCALE;
  c->lw = (double) rect.width / PANGO_SCALE;
  c->lh = (double) rect.height / PANGO_SCALE;
}

/* Side labels sit on their arrow, which underlines them and runs on to the
 * key; top and bottom labels sit at the end of their arrow. */
static void
place_label (const UbPhoneScene *scene,
             cairo_t            *cr,
             PangoContext       *context,
             Callout            *c,
             double              font)
{
  const UbPhoneMetrics *m = scene->metrics;
  double sw = scene->shape.w + 2 * m->col, sh = scene->shape.h + 2 * m->top;
  double rest = _ub_phone_scene_key_out (scene, UB_KEY_STATE_HOLD) + 1.5;

  if (c->edge == UB_PHONE_EDGE_LEFT)
    {
      double inner = m->col - rest - GAP;

      fit_label (scene, cr, context, c, font, inner - PAD, PANGO_ALIGN_RIGHT);
      c->lx = PAD;
      c->sx = MIN (c->sx, inner - c->lw);
    }
  else if (c->edge == UB_PHONE_EDGE_RIGHT)
    {
      double inner = m->col + scene->shape.w + rest + GAP;

      fit_label (scene, cr, context, c, font, sw - PAD - inner, PANGO_ALIGN_LEFT);
      c->lx = inner;
      c->sx = MAX (c->sx, inner + c->lw);
    }
  else
    {
      fit_label (scene, cr, context, c, font, sw - 2 * PAD, PANGO_ALIGN_CENTER);
      c->lx = CLAMP (c->ax - c->lw / 2, PAD, sw - PAD - c->lw) - c->ox;
      c->ly = c->edge == UB_PHONE_EDGE_TOP ? c->sy - GAP - c->lh : c->sy + GAP;
      if (c->ly < PAD || c->ly + c->lh > sh - PAD)
        g_clear_object (&c->layout);
    }
}

/* Up to two labels on one side: the upper one above its arrow, the lower
 * one below its arrow, so that neither crosses the other's arrow */
static void
stack_labels (Callout **col,
              guint     n)
{
  if (n == 2 && col[1]->ay < col[0]->ay)
    {
      Callout *tmp = col[0];

      col[0] = col[1];
      col[1] = tmp;
    }
  for (guint i = 0; i < n; i++)
    {
      gboolean above = i == 0 && col[i]->ay - GAP - col[i]->lh >= PAD;

      col[i]->ly = above ? col[i]->ay - GAP - col[i]->lh : col[i]->ay + GAP;
    }
}

static void
draw_arrow (cairo_t       *cr,
            const Callout *c,
            double         head)
{
  double dx = c->ax - c->sx, dy = c->ay - c->sy, len = hypot (dx, dy);
  double ux, uy;

  if (len < 1)
    return;
  ux = dx / len;
  uy = dy / len;
  head = MIN (head, len * 0.6);
  cairo_move_to (cr, c->sx, c->sy);
  cairo_line_to (cr, c->ax - ux * head * 0.8, c->ay - uy * head * 0.8);
  cairo_stroke (cr);
  cairo_move_to (cr, c->ax, c->ay);
  cairo_line_to (cr, c->ax - ux * head - uy * head * 0.6, c->ay - uy * head + ux * head * 0.6);
  cairo_line_to (cr, c->ax - ux * head + uy * head * 0.6, c->ay - uy * head - ux * head * 0.6);
  cairo_close_path (cr);
  cairo_fill (cr);
}

/**
 * _ub_phone_scene_draw_callouts:
 * @context: the widget's Pango context, for its font
 * @scale: device pixels per unit, to keep labels readable when small
 *
 * Paints an arrow and a label for each highlighted key; the scene's
 * top-left corner is at the origin.
 */
void
_ub_phone_scene_draw_callouts (const UbPhoneScene *scene,
                               cairo_t            *cr,
                               PangoContext       *context,
                               double              scale)
{
  const UbPhoneMetrics *m = scene->metrics;
  const GdkRGBA *ink = &scene->accent_text;
  Callout c[4];
  guint n = collect_callouts (scene, c);

  for (guint i = 0; i < n; i++)
    place_label (scene, cr, context, &c[i], MAX (m->font, 9.0 / scale));
  for (UbPhoneEdge edge = UB_PHONE_EDGE_LEFT; edge <= UB_PHONE_EDGE_RIGHT; edge++)
    {
      Callout *col[2];
      guint k = 0;

      for (guint i = 0; i < n && k < G_N_ELEMENTS (col); i++)
        {
          if (c[i].edge == edge)
            col[k++] = &c[i];
        }
      stack_labels (col, k);
    }
  cairo_set_source_rgba (cr, ink->red, ink->green, ink->blue, ink->alpha);
  cairo_set_line_width (cr, m->line * 1.25);
  for (guint i = 0; i < n; i++)
    {
      draw_arrow (cr, &c[i], m->line * 4);
      if (c[i].layout == NULL)
        continue;
      cairo_move_to (cr, c[i].lx, c[i].ly);
      pango_cairo_show_layout (cr, c[i].layout);
      g_object_unref (c[i].layout);
    }
}

/* The names of the buttons in the accessible label */
static const char *
key_description (UbButtons button,
                 gboolean  no_home_ipad,
                 gboolean  power_on_top)
{
  if (button == UB_BUTTON_POWER)
    /* TRANSLATORS: a button in the description of the drawing */
    return power_on_top ? _("the Top button")
                        /* TRANSLATORS: a button in the description of the drawing */
                        : _("the Side button");
  if (button == UB_BUTTON_HOME)
    /* TRANSLATORS: a button in the description of the drawing */
    return _("the Home button");
  if (button == UB_BUTTON_VOLUME_UP)
    /* TRANSLATORS: iPads without a Home button name their volume keys by where they are */
    return no_home_ipad ? _("the volume button nearest to the Top button")
                        /* TRANSLATORS: a button in the description of the drawing */
                        : _("Volume Up");
  /* TRANSLATORS: iPads without a Home button name their volume keys by where they are */
  return no_home_ipad ? _("the volume button farthest from the Top button")
                      /* TRANSLATORS: a button in the description of the drawing */
                      : _("Volume Down");
}

/* "the Side button", "the Side button and Volume Down", "A, B and C" */
static char *
join_keys (UbButtons buttons,
           gboolean  no_home_ipad,
           gboolean  power_on_top)
{
  static const UbButtons order[] = {
    UB_BUTTON_POWER, UB_BUTTON_HOME, UB_BUTTON_VOLUME_UP, UB_BUTTON_VOLUME_DOWN,
  };
  g_autofree char *list = NULL;
  const char *last = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    {
      if (!(buttons & order[i]))
        continue;
      if (last != NULL)
        {
          /* TRANSLATORS: joins the first items of a list of buttons */
          char *longer = list ? g_strdup_printf (C_("list of buttons", "%s, %s"), list, last)
                              : g_strdup (last);

          g_free (list);
          list = longer;
        }
      last = key_description (order[i], no_home_ipad, power_on_top);
    }
  if (list == NULL)
    return g_strdup (last);
  /* TRANSLATORS: joins the last two items of a list of buttons: "the Side button and Volume Down" */
  return g_strdup_printf (C_("list of buttons", "%s and %s"), list, last);
}

static const char *
screen_description (UbScreen screen)
{
  if (screen == UB_SCREEN_BLACK)
    /* TRANSLATORS: the screen in the drawing: off, no backlight */
    return _("The screen is black.");
  if (screen == UB_SCREEN_LOGO)
    /* TRANSLATORS: the screen in the drawing: the phone is starting up */
    return _("The screen shows the Apple logo.");
  if (screen == UB_SCREEN_RECOVERY)
    /* TRANSLATORS: the screen in the drawing: what iOS shows in recovery mode */
    return _("The screen shows a computer and a cable.");
  /* TRANSLATORS: the screen in the drawing: iOS is running */
  return _("The screen is on.");
}

/**
 * _ub_phone_describe:
 *
 * Returns: (transfer full): the accessible label of a UbPhoneView, such as
 *   "iPhone: hold the Side button and Volume Down. The screen is black."
 */
char *
_ub_phone_describe (UbDeviceKind kind,
                    gboolean     no_home_ipad,
                    gboolean     power_on_top,
                    UbButtons    hold_buttons,
                    UbButtons    tap_buttons,
                    UbScreen     screen)
{
  static const char * const kinds[] = { "iPhone", "iPod touch", "iPad" };
  g_autofree char *hold = join_keys (hold_buttons, no_home_ipad, power_on_top);
  g_autofree char *tap = join_keys (tap_buttons, no_home_ipad, power_on_top);
  g_autofree char *action = NULL;
  const char *name = kinds[MIN (kind, G_N_ELEMENTS (kinds) - 1)];

  if (hold != NULL && tap != NULL)
    /* TRANSLATORS: "iPhone: hold the Side button and press Volume Up." */
    action = g_strdup_printf (_("%s: hold %s and press %s."), name, hold, tap);
  else if (hold != NULL)
    /* TRANSLATORS: "iPhone: hold the Side button and Volume Down." */
    action = g_strdup_printf (_("%s: hold %s."), name, hold);
  else if (tap != NULL)
    /* TRANSLATORS: "iPhone: press and quickly release Volume Up." */
    action = g_strdup_printf (_("%s: press and quickly release %s."), name, tap);
  else
    /* TRANSLATORS: the drawing highlights no button; %s is iPhone, iPad or iPod touch */
    action = g_strdup_printf (_("%s: no buttons to press."), name);
  /* TRANSLATORS: the sentence about the buttons, then the one about the screen */
  return g_strdup_printf (C_("phone drawing description", "%s %s"), action, screen_description (screen));
}
