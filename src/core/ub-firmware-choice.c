/* ub-firmware-choice.c — the restore image chosen for one rescue
 *
 * Which file the restore will send, where it came from and what it was
 * checked against, or that the person chose to go without one. The firmware
 * page writes it; the guide and (later) the restore read it. A choice is
 * "ready" once there is a checked file or an explicit skip.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-firmware-choice"

#include "config.h"

#include "ub-enums.h"
#include "ub-firmware-choice.h"

struct _UbFirmwareChoice
{
  GObject           parent_instance;

  UbFirmwareOrigin  origin;
  char             *path;
  UbFirmware       *firmware;
};

G_DEFINE_FINAL_TYPE (UbFirmwareChoice, ub_firmware_choice, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ORIGIN,
  PROP_PATH,
  PROP_FIRMWARE,
  PROP_READY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
ub_firmware_choice_finalize (GObject *object)
{
  UbFirmwareChoice *self = (UbFirmwareChoice *)object;

  g_clear_pointer (&self->path, g_free);
  g_clear_object (&self->firmware);

  G_OBJECT_CLASS (ub_firmware_choice_parent_class)->finalize (object);
}

static void
ub_firmware_choice_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  UbFirmwareChoice *self = UB_FIRMWARE_CHOICE (object);

  switch (prop_id)
    {
    case PROP_ORIGIN:
      g_value_set_enum (value, self->origin);
      break;
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_FIRMWARE:
      g_value_set_object (value, self->firmware);
      break;
    case PROP_READY:
      g_value_set_boolean (value, ub_firmware_choice_get_ready (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ub_firmware_choice_class_init (UbFirmwareChoiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = ub_firmware_choice_finalize;
  object_class->get_property = ub_firmware_choice_get_property;

  properties[PROP_ORIGIN] = g_param_spec_enum ("origin", NULL, NULL, UB_TYPE_FIRMWARE_ORIGIN,
                                               UB_FIRMWARE_ORIGIN_NONE, ro);
  properties[PROP_PATH] = g_param_spec_string ("path", NULL, NULL, NULL, ro);
  properties[PROP_FIRMWARE] = g_param_spec_object ("firmware", NULL, NULL, UB_TYPE_FIRMWARE, ro);
  properties[PROP_READY] = g_param_spec_boolean ("ready", NULL, NULL, FALSE, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ub_firmware_choice_init (UbFirmwareChoice *self)
{
}

UbFirmwareChoice *
ub_firmware_choice_new (void)
{
  return g_object_new (UB_TYPE_FIRMWARE_CHOICE, NULL);
}

UbFirmwareOrigin
ub_firmware_choice_get_origin (UbFirmwareChoice *self)
{
  g_return_val_if_fail (UB_IS_FIRMWARE_CHOICE (self), UB_FIRMWARE_ORIGIN_NONE);
  return self->origin;
}

/**
 * ub_firmware_choice_get_path:
 *
 * Returns: (nullable): the checked restore image, if there is one
 */
const char *
ub_firmware_choice_get_path (UbFirmwareChoice *self)
{
  g_return_val_if_fail (UB_IS_FIRMWARE_CHOICE (self), NULL);
  return self->path;
}

/**
 * ub_firmware_choice_get_firmware:
 *
 * Returns: (transfer none) (nullable): the catalog's entry for the file, when
 *   a catalog lists it
 */
UbFirmware *
ub_firmware_choice_get_firmware (UbFirmwareChoice *self)
{
  g_return_val_if_fail (UB_IS_FIRMWARE_CHOICE (self), NULL);
  return self->firmware;
}

/**
 * ub_firmware_choice_get_ready:
 *
 * Returns: whether the person may go on: a checked file, or an explicit skip
 */
gboolean
ub_firmware_choice_get_ready (UbFirmwareChoice *self)
{
  g_return_val_if_fail (UB_IS_FIRMWARE_CHOICE (self), FALSE);
  return self->origin != UB_FIRMWARE_ORIGIN_NONE;
}

static void
set (UbFirmwareChoice *self,
     UbFirmwareOrigin  origin,
     const char       *path,
     UbFirmware       *firmware)
{
  gboolean was_ready = ub_firmware_choice_get_ready (self);

  g_object_freeze_notify (G_OBJECT (self));
  if (self->origin != origin)
    {
      g_debug ("Firmware origin %d → %d", self->origin, origin);
      self->origin = origin;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ORIGIN]);
    }
  if (g_strcmp0 (self->path, path) != 0)
    {
      g_free (self->path);
      self->path = g_strdup (path);
      g_debug ("Firmware file: %s", path ? path : "none");
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PATH]);
    }
  if (g_set_object (&self->firmware, firmware))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FIRMWARE]);
  if (was_ready != ub_firmware_choice_get_ready (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READY]);
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * ub_firmware_choice_set_file:
 * @origin: how the file was checked (not %UB_FIRMWARE_ORIGIN_NONE or
 *   %UB_FIRMWARE_ORIGIN_SKIPPED)
 * @path: the restore image, already checked
 * @firmware: (nullable): the catalog's entry for it
 */
void
ub_firmware_choice_set_file (UbFirmwareChoice *self,
                             UbFirmwareOrigin  origin,
                             const char       *path,
                             UbFirmware       *firmware)
{
  g_return_if_fail (UB_IS_FIRMWARE_CHOICE (self));
  g_return_if_fail (origin != UB_FIRMWARE_ORIGIN_NONE && origin != UB_FIRMWARE_ORIGIN_SKIPPED);
  g_return_if_fail (path != NULL);
  g_return_if_fail (firmware == NULL || UB_IS_FIRMWARE (firmware));

  set (self, origin, path, firmware);
}

/**
 * ub_firmware_choice_skip:
 *
 * The person goes on without firmware: the guide only changes the phone's
 * mode, and no restore follows.
 */
void
ub_firmware_choice_skip (UbFirmwareChoice *self)
{
  g_return_if_fail (UB_IS_FIRMWARE_CHOICE (self));
  set (self, UB_FIRMWARE_ORIGIN_SKIPPED, NULL, NULL);
}

void
ub_firmware_choice_clear (UbFirmwareChoice *self)
{
  g_return_if_fail (UB_IS_FIRMWARE_CHOICE (self));
  set (self, UB_FIRMWARE_ORIGIN_NONE, NULL, NULL);
}
