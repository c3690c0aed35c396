/* ub-phone-view.c — a drawing of the device with the buttons to press
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-phone-view"

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "ub-core.h"
#include "ub-phone-view.h"
#include "ub-phone-view-private.h"

/**
 * UbPhoneView:
 *
 * A front view of an iPhone, iPod touch or iPad with its physical buttons on
 * the edges. The buttons of the current step are drawn bigger, in the accent
 * colour, with an arrow and a label: held buttons are solid ("Hold Side"),
 * tapped ones are outlined ("Press Volume Up"). The screen shows what the
 * device should show. The accessible label says all of this in words.
 */

enum {
  PROP_0,
  PROP_FAMILY,
  PROP_POWER_BUTTON,
  PROP_KIND,
  PROP_HAS_HOME_BUTTON,
  PROP_HOLD,
  PROP_TAP,
  PROP_SCREEN,
  PROP_COMPACT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

struct _UbPhoneView
{
  GtkWidget    parent_instance;

  /* Every property is an enum, flags or a boolean: one guint each, by PROP_ */
  guint        v[N_PROPS];

  guint        tick_id;
  gint64       start_time;
  double       phase;     /* seconds since the highlight changed */
  GtkSettings *settings;
  gulong       settings_id;
};

G_DEFINE_FINAL_TYPE (UbPhoneView, ub_phone_view, GTK_TYPE_WIDGET)

#define FAMILY(s) ((UbButtonFamily) (s)->v[PROP_FAMILY])
#define KIND(s)   ((UbDeviceKind) (s)->v[PROP_KIND])
#define ALL_BUTTONS (UB_BUTTON_POWER | UB_BUTTON_HOME | UB_BUTTON_VOLUME_UP | UB_BUTTON_VOLUME_DOWN)

static const UbPhoneMetrics full_metrics = { 64, 62, 13, 16, 2.0, 1.0, 0.5 };
static const UbPhoneMetrics compact_metrics = { 30, 30, 18, 14, 4.0, 0.42, 0.75 };

static gboolean
shows_home (UbPhoneView *self)
{
  return FAMILY (self) == UB_BUTTON_FAMILY_HOME
         || (self->v[PROP_HAS_HOME_BUTTON] && FAMILY (self) != UB_BUTTON_FAMILY_IPAD_NO_HOME);
}

static gboolean
power_on_top (UbPhoneView *self)
{
  return KIND (self) == UB_DEVICE_KIND_IPAD || self->v[PROP_POWER_BUTTON] == UB_POWER_BUTTON_TOP;
}

/* The highlighted buttons this device has; a held button is not also tapped */
static UbButtons
effective_hold (UbPhoneView *self)
{
  return self->v[PROP_HOLD] & (shows_home (self) ? ALL_BUTTONS : ALL_BUTTONS & ~UB_BUTTON_HOME);
}

static UbButtons
effective_tap (UbPhoneView *self)
{
  return self->v[PROP_TAP] & ~effective_hold (self)
         & (shows_home (self) ? ALL_BUTTONS : ALL_BUTTONS & ~UB_BUTTON_HOME);
}

static void
build_shape (UbPhoneView  *self,
             UbPhoneShape *s)
{
  _ub_phone_shape_init (s, KIND (self), shows_home (self), power_on_top (self));
}

static void
build_scene (UbPhoneView  *self,
             UbPhoneScene *scene)
{
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (self));

  build_shape (self, &scene->shape);
  scene->metrics = self->v[PROP_COMPACT] ? &compact_metrics : &full_metrics;
  scene->hold = effective_hold (self);
  scene->tap = effective_tap (self);
  scene->screen = self->v[PROP_SCREEN];
  scene->compact = self->v[PROP_COMPACT];
  scene->animating = self->tick_id != 0;
  scene->phase = self->phase;
  gtk_style_context_get_color (context, &scene->fg);
  if (!gtk_style_context_lookup_color (context, "accent_bg_color", &scene->accent))
    gdk_rgba_parse (&scene->accent, "#3584e4");
  /* accent_color is the accent tuned for text on the window background */
  if (!gtk_style_context_lookup_color (context, "accent_color", &scene->accent_text))
    scene->accent_text = scene->accent;
}

static void
ub_phone_view_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  UbPhoneView *self = UB_PHONE_VIEW (widget);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  double sw, sh, scale;
  UbPhoneScene scene;
  cairo_t *cr;

  build_scene (self, &scene);
  sw = scene.shape.w + 2 * scene.metrics->col;
  sh = scene.shape.h + 2 * scene.metrics->top;
  scale = MIN (width / sw, height / sh);
  if (scale <= 0)
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  cairo_translate (cr, round ((width - sw * scale) / 2), round ((height - sh * scale) / 2));
  cairo_scale (cr, scale, scale);
  cairo_save (cr);
  cairo_translate (cr, scene.metrics->col, scene.metrics->top);
  _ub_phone_scene_draw_device (&scene, cr);
  cairo_restore (cr);
  _ub_phone_scene_draw_callouts (&scene, cr, gtk_widget_get_pango_context (widget), scale);
  cairo_destroy (cr);
}

static void
ub_phone_view_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  UbPhoneView *self = UB_PHONE_VIEW (widget);
  const UbPhoneMetrics *m = self->v[PROP_COMPACT] ? &compact_metrics : &full_metrics;
  UbPhoneShape s;
  double size;

  build_shape (self, &s);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    size = (s.w + 2 * m->col) * m->scale;
  else
    size = (s.h + 2 * m->top) * m->scale;
  *natural = (int) ceil (size);
  *minimum = (int) ceil (size * m->min_factor);
}

/**
 * ub_phone_view_dup_description:
 *
 * Returns: (transfer full): what the drawing shows, in words; this is also
 *   its accessible label. For example "iPhone: hold the Side button and
 *   Volume Down. The screen is black."
 */
char *
ub_phone_view_dup_description (UbPhoneView *self)
{
  g_return_val_if_fail (UB_IS_PHONE_VIEW (self), NULL);

  return _ub_phone_describe (KIND (self),
                             FAMILY (self) == UB_BUTTON_FAMILY_IPAD_NO_HOME
                             && KIND (self) == UB_DEVICE_KIND_IPAD,
                             power_on_top (self), effective_hold (self), effective_tap (self),
                             self->v[PROP_SCREEN]);
}

static void
update_description (UbPhoneView *self)
{
  g_autofree char *text = ub_phone_view_dup_description (self);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, text,
                                  -1);
}

static gboolean
on_tick (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  UbPhoneView *self = UB_PHONE_VIEW (widget);
  gint64 now = gdk_frame_clock_get_frame_time (clock);

  if (self->start_time == 0)
    self->start_time = now;
  self->phase = (double) (now - self->start_time) / G_USEC_PER_SEC;
  gtk_widget_queue_draw (widget);
  return G_SOURCE_CONTINUE;
}

/* Animate only what is highlighted, only on screen, only if allowed */
static void
update_animation (UbPhoneView *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean enabled = FALSE;
  gboolean wanted;

  if (self->settings != NULL)
    g_object_get (self->settings, "gtk-enable-animations", &enabled, NULL);
  wanted = enabled && gtk_widget_get_mapped (widget)
           && (effective_hold (self) | effective_tap (self)) != 0;
  if (wanted && self->tick_id == 0)
    {
      self->start_time = 0;
      self->tick_id = gtk_widget_add_tick_callback (widget, on_tick, NULL, NULL);
    }
  else if (!wanted && self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (widget, self->tick_id);
      self->tick_id = 0;
      self->phase = 0;
      gtk_widget_queue_draw (widget);
    }
}

static void
ub_phone_view_map (GtkWidget *widget)
{
  UbPhoneView *self = UB_PHONE_VIEW (widget);

  GTK_WIDGET_CLASS (ub_phone_view_parent_class)->map (widget);
  g_set_object (&self->settings, gtk_widget_get_settings (widget));
  self->settings_id = g_signal_connect_object (self->settings, "notify::gtk-enable-animations",
                                               G_CALLBACK (update_animation), self,
                                               G_CONNECT_SWAPPED);
  update_animation (self);
}

static void
ub_phone_view_unmap (GtkWidget *widget)
{
  UbPhoneView *self = UB_PHONE_VIEW (widget);

  g_clear_signal_handler (&self->settings_id, self->settings);
  g_clear_object (&self->settings);
  GTK_WIDGET_CLASS (ub_phone_view_parent_class)->unmap (widget);
  update_animation (self);
}

static void
ub_phone_view_dispose (GObject *object)
{
  UbPhoneView *self = UB_PHONE_VIEW (object);

  if (self->tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
  self->tick_id = 0;
  g_clear_signal_handler (&self->settings_id, self->settings);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (ub_phone_view_parent_class)->dispose (object);
}

static void
set_value (UbPhoneView *self,
           guint        prop_id,
           guint        value)
{
  if (self->v[prop_id] == value)
    return;
  g_debug ("Changing %s from %u to %u", properties[prop_id]->name, self->v[prop_id], value);
  self->v[prop_id] = value;
  if (prop_id == PROP_HOLD || prop_id == PROP_TAP)
    self->start_time = 0;
  if (prop_id == PROP_HOLD || prop_id == PROP_TAP || prop_id == PROP_SCREEN)
    gtk_widget_queue_draw (GTK_WIDGET (self));
  else
    gtk_widget_queue_resize (GTK_WIDGET (self));
  update_description (self);
  update_animation (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
ub_phone_view_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  UbPhoneView *self = UB_PHONE_VIEW (object);

  if (prop_id == 0 || prop_id >= N_PROPS)
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  else if (G_IS_PARAM_SPEC_BOOLEAN (pspec))
    g_value_set_boolean (value, self->v[prop_id] != 0);
  else if (G_IS_PARAM_SPEC_FLAGS (pspec))
    g_value_set_flags (value, self->v[prop_id]);
  else
    g_value_set_enum (value, (int) self->v[prop_id]);
}

static void
ub_phone_view_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  UbPhoneView *self = UB_PHONE_VIEW (object);

  if (prop_id == 0 || prop_id >= N_PROPS)
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  else if (G_IS_PARAM_SPEC_BOOLEAN (pspec))
    set_value (self, prop_id, g_value_get_boolean (value) ? 1 : 0);
  else if (G_IS_PARAM_SPEC_FLAGS (pspec))
    set_value (self, prop_id, g_value_get_flags (value));
  else
    set_value (self, prop_id, (guint) g_value_get_enum (value));
}

static void
ub_phone_view_class_init (UbPhoneViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = ub_phone_view_dispose;
  object_class->get_property = ub_phone_view_get_property;
  object_class->set_property = ub_phone_view_set_property;
  widget_class->measure = ub_phone_view_measure;
  widget_class->snapshot = ub_phone_view_snapshot;
  widget_class->map = ub_phone_view_map;
  widget_class->unmap = ub_phone_view_unmap;

  properties[PROP_FAMILY] =
    g_param_spec_enum ("family", NULL, NULL, UB_TYPE_BUTTON_FAMILY, UB_BUTTON_FAMILY_MODERN, flags);
  properties[PROP_POWER_BUTTON] =
    g_param_spec_enum ("power-button", NULL, NULL, UB_TYPE_POWER_BUTTON, UB_POWER_BUTTON_SIDE, flags);
  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL, UB_TYPE_DEVICE_KIND, UB_DEVICE_KIND_IPHONE, flags);
  /* iPhone 8 and SE 2/3 use the modern sequence but have a Home button.
   * Ignored for iPads without one; the HOME family always has one. */
  properties[PROP_HAS_HOME_BUTTON] =
    g_param_spec_boolean ("has-home-button", NULL, NULL, FALSE, flags);
  /* Held during the step: solid, "Hold …". Buttons the device lacks are ignored. */
  properties[PROP_HOLD] =
    g_param_spec_flags ("hold", NULL, NULL, UB_TYPE_BUTTONS, UB_BUTTON_NONE, flags);
  /* Pressed and quickly released: outlined, "Press …". Hold wins over tap. */
  properties[PROP_TAP] =
    g_param_spec_flags ("tap", NULL, NULL, UB_TYPE_BUTTONS, UB_BUTTON_NONE, flags);
  properties[PROP_SCREEN] =
    g_param_spec_enum ("screen", NULL, NULL, UB_TYPE_SCREEN, UB_SCREEN_ON, flags);
  /* A thumbnail for a list of steps: about 64×110, labels only if they fit */
  properties[PROP_COMPACT] =
    g_param_spec_boolean ("compact", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "phoneview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
ub_phone_view_init (UbPhoneView *self)
{
  self->v[PROP_FAMILY] = UB_BUTTON_FAMILY_MODERN;
  self->v[PROP_POWER_BUTTON] = UB_POWER_BUTTON_SIDE;
  self->v[PROP_KIND] = UB_DEVICE_KIND_IPHONE;
  self->v[PROP_SCREEN] = UB_SCREEN_ON;
  update_description (self);
}

GtkWidget *
ub_phone_view_new (void)
{
  return g_object_new (UB_TYPE_PHONE_VIEW, NULL);
}

/**
 * ub_phone_view_set_model:
 *
 * Sets #UbPhoneView:family, #UbPhoneView:power-button, #UbPhoneView:kind
 * and #UbPhoneView:has-home-button from @model.
 */
void
ub_phone_view_set_model (UbPhoneView *self,
                         UbModel     *model)
{
  g_return_if_fail (UB_IS_PHONE_VIEW (self));
  g_return_if_fail (UB_IS_MODEL (model));

  g_object_freeze_notify (G_OBJECT (self));
  set_value (self, PROP_FAMILY, ub_model_get_family (model));
  set_value (self, PROP_POWER_BUTTON, ub_model_get_power_button (model));
  set_value (self, PROP_KIND, ub_model_get_kind (model));
  set_value (self, PROP_HAS_HOME_BUTTON, ub_model_has_home_button (model));
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * ub_phone_view_set_step:
 *
 * Sets #UbPhoneView:hold, #UbPhoneView:tap and #UbPhoneView:screen from
 * @step, or clears the highlight if @step is %NULL.
 */
void
ub_phone_view_set_step (UbPhoneView  *self,
                        const UbStep *step)
{
  g_return_if_fail (UB_IS_PHONE_VIEW (self));

  g_object_freeze_notify (G_OBJECT (self));
  set_value (self, PROP_HOLD, step ? ub_step_get_hold (step) : UB_BUTTON_NONE);
  set_value (self, PROP_TAP, step ? ub_step_get_tap (step) : UB_BUTTON_NONE);
  if (step != NULL)
    set_value (self, PROP_SCREEN, ub_step_get_screen (step));
  g_object_thaw_notify (G_OBJECT (self));
}

UbButtonFamily
ub_phone_view_get_family (UbPhoneView *self)
{
  g_return_val_if_fail (UB_IS_PHONE_VIEW (self), 0);
  return (UbButtonFamily) self->v[PROP_FAMILY];
}

void
ub_phone_view_set_family (UbPhoneView    *self,
                          UbButtonFamily  family)
{
  g_return_if_fail (UB_IS_PHONE_VIEW (self));
  g_return_if_fail (family <= UB_BUTTON_FAMILY_IPAD_NO_HOME);

  set_value (self, PROP_FAMILY, family);
}

UbPowerButton
ub_phone_view_get_power_button (UbPhoneView *self)
{
  g_return_val_if_fail (UB_IS_PHONE_VIEW (self), 0);
  return (UbPowerButton) self->v[PROP_POWER_BUTTON];
}

void
ub_phone_view_set_power_button (UbPhoneView   *self,
                                UbPowerButton  power_button)
{
  g_return_if_fail (UB_IS_PHONE_VIEW (self));
  g_return_if_fail (power_button <= UB_POWER_BUTTON_TOP);

  set_value (self, PROP_POWER_BUTTON, power_button);
}

UbDeviceKind
ub_phone_view_get_kind (UbPhoneView *self)
{
  g_return_val_if_fail (UB_IS_PHONE_VIEW (self), 0);
  return (UbDeviceKind) self->v[PROP_KIND];
}

void
ub_phone_view_set_kind (UbPhoneView  *self,
                        UbDeviceKind  kind)
{
  g_return_if_fail (UB_IS_PHONE_VIEW (self));
  g_return_if_fail (kind <= UB_DEVICE_KIND_IPAD);

  set_value (self, PROP_KIND, kind);
}

gboolean
ub_phone_view_get_has_home_button (UbPhoneView *self)
{
  g_return_val_if_fail (UB_IS_PHONE_VIEW (self), FALSE);
  return self->v[PROP_HAS_HOME_BUTTON] != 0;
}

void
ub_phone_view_set_has_home_button (UbPhoneView *self,
                                   gboolean     has_home_button)
{
  g_return_if_fail (UB_IS_PHONE_VIEW (self));

  set_value (self, PROP_HAS_HOME_BUTTON, has_home_button ? 1 : 0);
}

UbButtons
ub_phone_view_get_hold (UbPhoneView *self)
{
  g_return_val_if_fail (UB_IS_PHONE_VIEW (self), 0);
  return (UbButtons) self->v[PROP_HOLD];
}

void
ub_phone_view_set_hold (UbPhoneView *self,
                        UbButtons    hold)
{
  g_return_if_fail (UB_IS_PHONE_VIEW (self));
  g_return_if_fail ((hold & ~ALL_BUTTONS) == 0);

  set_value (self, PROP_HOLD, hold);
}

UbButtons
ub_phone_view_get_tap (UbPhoneView *self)
{
  g_return_val_if_fail (UB_IS_PHONE_VIEW (self), 0);
  return (UbButtons) self->v[PROP_TAP];
}

void
ub_phone_view_set_tap (UbPhoneView *self,
                       UbButtons    tap)
{
  g_return_if_fail (UB_IS_PHONE_VIEW (self));
  g_return_if_fail ((tap & ~ALL_BUTTONS) == 0);

  set_value (self, PROP_TAP, tap);
}

UbScreen
ub_phone_view_get_screen (UbPhoneView *self)
{
  g_return_val_if_fail (UB_IS_PHONE_VIEW (self), 0);
  return (UbScreen) self->v[PROP_SCREEN];
}

void
ub_phone_view_set_screen (UbPhoneView *self,
                          UbScreen     screen)
{
  g_return_if_fail (UB_IS_PHONE_VIEW (self));
  g_return_if_fail (screen <= UB_SCREEN_RECOVERY);

  set_value (self, PROP_SCREEN, screen);
}

gboolean
ub_phone_view_get_compact (UbPhoneView *self)
{
  g_return_val_if_fail (UB_IS_PHONE_VIEW (self), FALSE);
  return self->v[PROP_COMPACT] != 0;
}

void
ub_phone_view_set_compact (UbPhoneView *self,
                           gboolean     compact)
{
  g_return_if_fail (UB_IS_PHONE_VIEW (self));

  set_value (self, PROP_COMPACT, compact ? 1 : 0);
}
