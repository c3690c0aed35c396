/* ub-phone-view-private.h — the scene UbPhoneView draws, and its painters
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ub-model.h"
#include "ub-sequence.h"

G_BEGIN_DECLS

/* Everything is drawn in "units": one unit is one pixel at the natural size
 * of the full view. A phone body is 100 units wide, an iPad 180. The scene is
 * the body plus margins for the callouts; it is scaled to fit, never cropped. */

typedef enum
{
  UB_PHONE_EDGE_LEFT,
  UB_PHONE_EDGE_RIGHT,
  UB_PHONE_EDGE_TOP,
  UB_PHONE_EDGE_BOTTOM,  /* only for the Home button's callout */
} UbPhoneEdge;

/* Indexes the callout label tables */
typedef enum
{
  UB_PHONE_KEY_SIDE,
  UB_PHONE_KEY_TOP,
  UB_PHONE_KEY_HOME,
  UB_PHONE_KEY_VOLUME_UP,
  UB_PHONE_KEY_VOLUME_DOWN,
} UbPhoneKeyName;

typedef enum
{
  UB_KEY_STATE_NONE,
  UB_KEY_STATE_HOLD,
  UB_KEY_STATE_TAP,
} UbKeyState;

typedef struct
{
  UbButtons      button;
  UbPhoneKeyName name;
  UbPhoneEdge    edge;
  double         start;   /* along the edge, from the top or left corner */
  double         length;
} UbPhoneKey;

typedef struct
{
  double     w, h, radius;
  double     inset_side, inset_top, inset_bottom, screen_radius;
  double     home_d;      /* 0: no Home button */
  gboolean   island;      /* a sensor pill at the top of an edge-to-edge screen */
  gboolean   mute;        /* the ring/silent switch above the volume keys */
  gboolean   big_grid;    /* six app columns, not four */
  guint      n_keys;
  UbPhoneKey keys[3];
} UbPhoneShape;

typedef struct
{
  double col, top;          /* callout margins: left and right, top and bottom */
  double font, arrow, line; /* label size, arrow length, outline width */
  double scale, min_factor; /* natural pixels per unit; minimum / natural */
} UbPhoneMetrics;

typedef struct
{
  UbPhoneShape          shape;
  const UbPhoneMetrics *metrics;
  UbButtons             hold;       /* only buttons the shape has */
  UbButtons             tap;        /* never also in hold */
  UbScreen              screen;
  gboolean              compact;
  gboolean              animating;
  double                phase;      /* seconds since the highlight changed */
  GdkRGBA               fg;
  GdkRGBA               accent;
  GdkRGBA               accent_text;
} UbPhoneScene;

void       _ub_phone_shape_init          (UbPhoneShape       *s,
                                          UbDeviceKind        kind,
                                          gboolean            home,
                                          gboolean            power_on_top);
void       _ub_phone_scene_draw_device   (const UbPhoneScene *scene,
                                          cairo_t            *cr);
void       _ub_phone_scene_draw_callouts (const UbPhoneScene *scene,
                                          cairo_t            *cr,
                                          PangoContext       *context,
                                          double              scale);
char      *_ub_phone_describe            (UbDeviceKind        kind,
                                          gboolean            no_home_ipad,
                                          gboolean            power_on_top,
                                          UbButtons           hold,
                                          UbButtons           tap,
                                          UbScreen            screen);
UbKeyState _ub_phone_scene_key_state     (const UbPhoneScene *scene,
                                          UbButtons           button);
double     _ub_phone_scene_key_out       (const UbPhoneScene *scene,
                                          UbKeyState          state);
double     _ub_phone_scene_home_scale    (const UbPhoneScene *scene,
                                          UbKeyState          state);
void       _ub_phone_rounded_rect        (cairo_t            *cr,
                                          double              x,
                                          double              y,
                                          double              w,
                                          double              h,
                                          double              r);

G_END_DECLS
