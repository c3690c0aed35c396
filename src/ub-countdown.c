/* ub-countdown.c — a big, readable, focusable countdown ring
 *
 * The number is what a person reads from arm's length while holding a phone;
 * the ring shows how much of the step has passed. GTK 4.8 cannot announce
 * text to a screen reader, so the widget is focusable and its accessible
 * label carries the whole current step and count (DESIGN.md decision 8): a
 * screen reader reads it as it changes while the widget has focus.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-countdown"

#include "config.h"

#include <math.h>

#include "ub-countdown.h"

#define NATURAL_SIZE 148
#define RING_WIDTH 10.0

struct _UbCountdown
{
  GtkWidget parent_instance;

  guint     remaining;
  double    fraction;
  gboolean  active;
};

G_DEFINE_FINAL_TYPE (UbCountdown, ub_countdown, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_REMAINING,
  PROP_FRACTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
ub_countdown_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  *minimum = NATURAL_SIZE * 2 / 3;
  *natural = NATURAL_SIZE;
}

static void
draw_number (UbCountdown *self,
             cairo_t     *cr,
             double       cx,
             double       cy,
             double       radius,
             GdkRGBA     *fg)
{
  g_autofree char *text = g_strdup_printf ("%u", self->remaining);
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  PangoFontDescription *font = pango_font_description_new ();
  int width, height;

  pango_font_description_set_family (font, "Cantarell, sans-serif");
  pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_font_description_set_absolute_size (font, radius * 0.9 * PANGO_SCALE);
  pango_font_description_set_variant (font, PANGO_VARIANT_NORMAL);
  pango_layout_set_font_description (layout, font);
  pango_layout_get_pixel_size (layout, &width, &height);
  gdk_cairo_set_source_rgba (cr, fg);
  cairo_move_to (cr, cx - width / 2.0, cy - height / 2.0);
  pango_cairo_show_layout (cr, layout);
  pango_font_description_free (font);
  g_object_unref (layout);
}

static void
ub_countdown_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  UbCountdown *self = UB_COUNTDOWN (widget);
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  double size = MIN (w, h), cx = w / 2.0, cy = h / 2.0;
  double radius = size / 2.0 - RING_WIDTH;
  GtkStyleContext *style = gtk_widget_get_style_context (widget);
  GdkRGBA fg, accent, track;
  cairo_t *cr;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (style, &fg);
  if (!gtk_style_context_lookup_color (style, "accent_bg_color", &accent))
    gdk_rgba_parse (&accent, "#3584e4");
  G_GNUC_END_IGNORE_DEPRECATIONS
  track = fg;
  track.alpha = 0.15;
  if (!self->active)
    accent = track;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  cairo_set_line_width (cr, RING_WIDTH);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  gdk_cairo_set_source_rgba (cr, &track);
  cairo_arc (cr, cx, cy, radius, 0, 2 * G_PI);
  cairo_stroke (cr);
  if (self->fraction < 1.0)
    {
      gdk_cairo_set_source_rgba (cr, &accent);
      cairo_arc (cr, cx, cy, radius, -G_PI / 2 + 2 * G_PI * self->fraction, 3 * G_PI / 2);
      cairo_stroke (cr);
    }
  draw_number (self, cr, cx, cy, radius, &fg);
  cairo_destroy (cr);
}

static void
ub_countdown_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  UbCountdown *self = UB_COUNTDOWN (object);

  switch (prop_id)
    {
    case PROP_REMAINING:
      g_value_set_uint (value, self->remaining);
      break;
    case PROP_FRACTION:
      g_value_set_double (value, self->fraction);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ub_countdown_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  UbCountdown *self = UB_COUNTDOWN (object);

  switch (prop_id)
    {
    case PROP_REMAINING:
      ub_countdown_set_remaining (self, g_value_get_uint (value));
      break;
    case PROP_FRACTION:
      ub_countdown_set_fraction (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ub_countdown_class_init (UbCountdownClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = ub_countdown_get_property;
  object_class->set_property = ub_countdown_set_property;
  widget_class->measure = ub_countdown_measure;
  widget_class->snapshot = ub_countdown_snapshot;

  properties[PROP_REMAINING] = g_param_spec_uint ("remaining", NULL, NULL, 0, G_MAXUINT, 0, rw);
  properties[PROP_FRACTION] = g_param_spec_double ("fraction", NULL, NULL, 0.0, 1.0, 0.0, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "countdown");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_TIMER);
}

static void
ub_countdown_init (UbCountdown *self)
{
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
}

GtkWidget *
ub_countdown_new (void)
{
  return g_object_new (UB_TYPE_COUNTDOWN, NULL);
}

guint
ub_countdown_get_remaining (UbCountdown *self)
{
  g_return_val_if_fail (UB_IS_COUNTDOWN (self), 0);
  return self->remaining;
}

void
ub_countdown_set_remaining (UbCountdown *self,
                            guint        remaining)
{
  g_return_if_fail (UB_IS_COUNTDOWN (self));

  if (self->remaining == remaining)
    return;
  self->remaining = remaining;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REMAINING]);
}

double
ub_countdown_get_fraction (UbCountdown *self)
{
  g_return_val_if_fail (UB_IS_COUNTDOWN (self), 0.0);
  return self->fraction;
}

void
ub_countdown_set_fraction (UbCountdown *self,
                           double       fraction)
{
  g_return_if_fail (UB_IS_COUNTDOWN (self));

  fraction = CLAMP (fraction, 0.0, 1.0);
  if (fabs (self->fraction - fraction) < 0.001)
    return;
  self->fraction = fraction;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
}

/**
 * ub_countdown_set_active:
 *
 * A paused or finished countdown is drawn without the accent colour.
 */
void
ub_countdown_set_active (UbCountdown *self,
                         gboolean     active)
{
  g_return_if_fail (UB_IS_COUNTDOWN (self));

  if (self->active == !!active)
    return;
  self->active = !!active;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * ub_countdown_set_announcement:
 * @text: the whole current state, e.g. "Step 4 of 6. Press and hold the Side button. 7 seconds."
 *
 * What a screen reader says for the countdown.
 */
void
ub_countdown_set_announcement (UbCountdown *self,
                               const char  *text)
{
  g_return_if_fail (UB_IS_COUNTDOWN (self));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, text,
                                  -1);
}
