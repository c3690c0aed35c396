/* ub-model.h — one iPhone, iPod touch or iPad model
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * UbButtonFamily:
 * @UB_BUTTON_FAMILY_HOME: a mechanical Home button (iPhone ≤ 6s, SE 1, iPod ≤ 6, iPads with Home)
 * @UB_BUTTON_FAMILY_IPHONE7: iPhone 7/7 Plus and iPod touch 7: Volume Down replaces Home
 * @UB_BUTTON_FAMILY_MODERN: iPhone 8 and later, SE 2/3: Volume Up, Volume Down, then Side
 * @UB_BUTTON_FAMILY_IPAD_NO_HOME: iPads without a Home button: the Top button and two volume keys
 *
 * The button layouts that decide every sequence (dfu-sequences.md §1).
 */
typedef enum
{
  UB_BUTTON_FAMILY_HOME,
  UB_BUTTON_FAMILY_IPHONE7,
  UB_BUTTON_FAMILY_MODERN,
  UB_BUTTON_FAMILY_IPAD_NO_HOME,
} UbButtonFamily;

/**
 * UbPowerButton:
 * @UB_POWER_BUTTON_SIDE: the sleep/wake key is on the right side ("Side button")
 * @UB_POWER_BUTTON_TOP: the sleep/wake key is on the top edge ("Top button")
 */
typedef enum
{
  UB_POWER_BUTTON_SIDE,
  UB_POWER_BUTTON_TOP,
} UbPowerButton;

/**
 * UbDeviceKind:
 * @UB_DEVICE_KIND_IPHONE: an iPhone
 * @UB_DEVICE_KIND_IPOD: an iPod touch
 * @UB_DEVICE_KIND_IPAD: an iPad
 */
typedef enum
{
  UB_DEVICE_KIND_IPHONE,
  UB_DEVICE_KIND_IPOD,
  UB_DEVICE_KIND_IPAD,
} UbDeviceKind;

/**
 * UbConnector:
 * @UB_CONNECTOR_30PIN: the wide 30-pin dock connector
 * @UB_CONNECTOR_LIGHTNING: Lightning
 * @UB_CONNECTOR_USB_C: USB-C
 */
typedef enum
{
  UB_CONNECTOR_30PIN,
  UB_CONNECTOR_LIGHTNING,
  UB_CONNECTOR_USB_C,
} UbConnector;

#define UB_TYPE_MODEL (ub_model_get_type ())

G_DECLARE_FINAL_TYPE (UbModel, ub_model, UB, MODEL, GObject)

UbModel        *ub_model_new                (const char     *name,
                                             const char     *product_type,
                                             const char     *board,
                                             guint           cpid,
                                             guint           bdid,
                                             const char     *soc,
                                             guint           year,
                                             UbButtonFamily  family,
                                             UbPowerButton   power_button,
                                             UbConnector     connector,
                                             const char     *max_os);
const char     *ub_model_get_name           (UbModel *self);
const char     *ub_model_get_product_type   (UbModel *self);
const char     *ub_model_get_board          (UbModel *self);
guint           ub_model_get_cpid           (UbModel *self);
guint           ub_model_get_bdid           (UbModel *self);
const char     *ub_model_get_soc            (UbModel *self);
guint           ub_model_get_year           (UbModel *self);
UbButtonFamily  ub_model_get_family         (UbModel *self);
UbPowerButton   ub_model_get_power_button   (UbModel *self);
UbConnector     ub_model_get_connector      (UbModel *self);
const char     *ub_model_get_max_os         (UbModel *self);
UbDeviceKind    ub_model_get_kind           (UbModel *self);
gboolean        ub_model_has_wtf_mode       (UbModel *self);
gboolean        ub_model_has_home_button    (UbModel *self);
char           *ub_model_dup_display_name   (UbModel *self);

const char     *ub_model_get_kind_label     (UbModel *self);

const char     *ub_button_family_to_string  (UbButtonFamily family);
const char     *ub_button_family_get_label  (UbButtonFamily family);
const char     *ub_power_button_get_label   (UbPowerButton  power);
gboolean        ub_button_family_from_string (const char     *str,
                                              UbButtonFamily *family);

G_END_DECLS
