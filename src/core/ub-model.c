/* ub-model.c — one iPhone, iPod touch or iPad model
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-model"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ub-model.h"

struct _UbModel
{
  GObject         parent_instance;

  char           *name;
  char           *product_type;
  char           *board;
  char           *soc;
  char           *max_os;
  guint           cpid;
  guint           bdid;
  guint           year;
  UbButtonFamily  family;
  UbPowerButton   power_button;
  UbConnector     connector;
};

G_DEFINE_FINAL_TYPE (UbModel, ub_model, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_PRODUCT_TYPE,
  PROP_BOARD,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const family_names[] = {
  [UB_BUTTON_FAMILY_HOME] = "home",
  [UB_BUTTON_FAMILY_IPHONE7] = "iphone7",
  [UB_BUTTON_FAMILY_MODERN] = "faceid_or_modern",
  [UB_BUTTON_FAMILY_IPAD_NO_HOME] = "no_home_top_button",
};

static void
ub_model_finalize (GObject *object)
{
  UbModel *self = (UbModel *)object;

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->product_type, g_free);
  g_clear_pointer (&self->board, g_free);
  g_clear_pointer (&self->soc, g_free);
  g_clear_pointer (&self->max_os, g_free);

  G_OBJECT_CLASS (ub_model_parent_class)->finalize (object);
}

static void
ub_model_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  UbModel *self = UB_MODEL (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_PRODUCT_TYPE:
      g_value_set_string (value, self->product_type);
      break;

    case PROP_BOARD:
      g_value_set_string (value, self->board);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ub_model_class_init (UbModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ub_model_finalize;
  object_class->get_property = ub_model_get_property;

  /* Read-only views for GtkExpression and bindings; a model never changes. */
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_PRODUCT_TYPE] =
    g_param_spec_string ("product-type", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_BOARD] =
    g_param_spec_string ("board", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ub_model_init (UbModel *self)
{
}

UbModel *
ub_model_new (const char     *name,
              const char     *product_type,
              const char     *board,
              guint           cpid,
              guint           bdid,
              const char     *soc,
              guint           year,
              UbButtonFamily  family,
              UbPowerButton   power_button,
              UbConnector     connector,
              const char     *max_os)
{
  UbModel *self;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (product_type != NULL, NULL);
  g_return_val_if_fail (board != NULL, NULL);

  self = g_object_new (UB_TYPE_MODEL, NULL);
  self->name = g_strdup (name);
  self->product_type = g_strdup (product_type);
  self->board = g_ascii_strdown (board, -1);
  self->cpid = cpid;
  self->bdid = bdid;
  self->soc = g_strdup (soc ? soc : "");
  self->year = year;
  self->family = family;
  self->power_button = power_button;
  self->connector = connector;
  self->max_os = g_strdup (max_os ? max_os : "");

  return self;
}

const char *
ub_model_get_name (UbModel *self)
{
  g_return_val_if_fail (UB_IS_MODEL (self), NULL);
  return self->name;
}

const char *
ub_model_get_product_type (UbModel *self)
{
  g_return_val_if_fail (UB_IS_MODEL (self), NULL);
  return self->product_type;
}

const char *
ub_model_get_board (UbModel *self)
{
  g_return_val_if_fail (UB_IS_MODEL (self), NULL);
  return self->board;
}

guint
ub_model_get_cpid (UbModel *self)
{
  g_return_val_if_fail (UB_IS_MODEL (self), 0);
  return self->cpid;
}

guint
ub_model_get_bdid (UbModel *self)
{
  g_return_val_if_fail (UB_IS_MODEL (self), 0);
  return self->bdid;
}

const char *
ub_model_get_soc (UbModel *self)
{
  g_return_val_if_fail (UB_IS_MODEL (self), NULL);
  return self->soc;
}

guint
ub_model_get_year (UbModel *self)
{
  g_return_val_if_fail (UB_IS_MODEL (self), 0);
  return self->year;
}

UbButtonFamily
ub_model_get_family (UbModel *self)
{
  g_return_val_if_fail (UB_IS_MODEL (self), UB_BUTTON_FAMILY_MODERN);
  return self->family;
}

UbPowerButton
ub_model_get_power_button (UbModel *self)
{
  g_return_val_if_fail (UB_IS_MODEL (self), UB_POWER_BUTTON_SIDE);
  return self->power_button;
}

UbConnector
ub_model_get_connector (UbModel *self)
{
  g_return_val_if_fail (UB_IS_MODEL (self), UB_CONNECTOR_LIGHTNING);
  return self->connector;
}

const char *
ub_model_get_max_os (UbModel *self)
{
  g_return_val_if_fail (UB_IS_MODEL (self), NULL);
  return self->max_os;
}

UbDeviceKind
ub_model_get_kind (UbModel *self)
{
  g_return_val_if_fail (UB_IS_MODEL (self), UB_DEVICE_KIND_IPHONE);

  if (g_str_has_prefix (self->product_type, "iPad"))
    return UB_DEVICE_KIND_IPAD;
  if (g_str_has_prefix (self->product_type, "iPod"))
    return UB_DEVICE_KIND_IPOD;
  return UB_DEVICE_KIND_IPHONE;
}

/**
 * ub_model_has_wtf_mode:
 *
 * Returns: %TRUE for S5L8900 devices (iPhone 2G/3G, iPod touch 1), which show
 *   up as WTF (05ac:1222) before DFU.
 */
gboolean
ub_model_has_wtf_mode (UbModel *self)
{
  g_return_val_if_fail (UB_IS_MODEL (self), FALSE);
  return self->cpid == 0x8900;
}

/**
 * ub_model_has_home_button:
 *
 * The iPhone 8/8 Plus and SE (2nd/3rd generation) use the modern sequence
 * but still have a (solid-state) Home button under the screen, so drawings
 * need this separately from the button family.
 *
 * Returns: %TRUE if the front of the device has a Home button
 */
gboolean
ub_model_has_home_button (UbModel *self)
{
  static const char * const modern_with_home[] = {
    "iPhone10,1", "iPhone10,2", "iPhone10,4", "iPhone10,5",
    "iPhone12,8", "iPhone14,6",
  };

  g_return_val_if_fail (UB_IS_MODEL (self), FALSE);

  switch (self->family)
    {
    case UB_BUTTON_FAMILY_HOME:
    case UB_BUTTON_FAMILY_IPHONE7:
      return TRUE;
    case UB_BUTTON_FAMILY_MODERN:
      for (guint i = 0; i < G_N_ELEMENTS (modern_with_home); i++)
        {
          if (g_str_equal (self->product_type, modern_with_home[i]))
            return TRUE;
        }
      return FALSE;
    case UB_BUTTON_FAMILY_IPAD_NO_HOME:
    default:
      return FALSE;
    }
}

/**
 * ub_model_dup_display_name:
 *
 * Returns: (transfer full): "iPhone X (Global) — iPhone10,3", the name support
 *   staff need to tell two boards of one product apart.
 */
char *
ub_model_dup_display_name (UbModel *self)
{
  g_return_val_if_fail (UB_IS_MODEL (self), NULL);
  return g_strdup_printf ("%s (%s, %s)", self->name, self->product_type, self->board);
}

const char *
ub_button_family_to_string (UbButtonFamily family)
{
  g_return_val_if_fail (family <= UB_BUTTON_FAMILY_IPAD_NO_HOME, NULL);
  return family_names[family];
}

gboolean
ub_button_family_from_string (const char     *str,
                              UbButtonFamily *family)
{
  g_return_val_if_fail (str != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (family_names); i++)
    {
      if (g_str_equal (str, family_names[i]))
        {
          if (family != NULL)
            *family = (UbButtonFamily)i;
          return TRUE;
        }
    }
  return FALSE;
}

/**
 * ub_button_family_get_label:
 *
 * Returns: a translated name of the button layout, for pickers and listings
 */
const char *
ub_button_family_get_label (UbButtonFamily family)
{
  switch (family)
    {
    case UB_BUTTON_FAMILY_HOME:
      /* TRANSLATORS: a group of models in the model picker */
      return _("With a Home button");
    case UB_BUTTON_FAMILY_IPHONE7:
      /* TRANSLATORS: a group of models; their Home button cannot be pressed in, so Volume Down is used */
      return _("iPhone 7 and iPod touch (7th generation)");
    case UB_BUTTON_FAMILY_MODERN:
      /* TRANSLATORS: a group of models: Face ID iPhones and iPhone 8, SE (2nd and 3rd generation) */
      return _("iPhone 8 and later, iPhone SE (2nd and 3rd generation)");
    case UB_BUTTON_FAMILY_IPAD_NO_HOME:
      /* TRANSLATORS: a group of models in the model picker */
      return _("iPad without a Home button");
    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * ub_power_button_get_label:
 *
 * Returns: the translated name of the sleep/wake key
 */
const char *
ub_power_button_get_label (UbPowerButton power)
{
  /* TRANSLATORS: the name Apple uses for the button on the right edge (iPhone 6 and later) */
  return power == UB_POWER_BUTTON_SIDE ? _("Side button")
  /* TRANSLATORS: the name Apple uses for the button on the top edge */
                                       : _("Top button");
}

/**
 * ub_model_get_kind_label:
 *
 * Returns: "iPhone", "iPad" or "iPod touch", for sentences about the device
 */
const char *
ub_model_get_kind_label (UbModel *self)
{
  g_return_val_if_fail (UB_IS_MODEL (self), NULL);

  switch (ub_model_get_kind (self))
    {
    case UB_DEVICE_KIND_IPAD:
      return "iPad";
    case UB_DEVICE_KIND_IPOD:
      return "iPod touch";
    case UB_DEVICE_KIND_IPHONE:
    default:
      return "iPhone";
    }
}
