/* ub-rescue.c — the shared state of one phone being rescued
 *
 * The pages share what the person chose and what the devices said through
 * this object only (the gnome-initial-setup "driver" role). Everything is a
 * property; pages observe notify:: and never talk to each other. The services
 * (model table, sequences, device monitor, clock) come in at construction, so
 * tests can build the whole wizard around a fake clock.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-rescue"

#include "config.h"

#include "ub-enums.h"
#include "ub-rescue.h"
#include "ub-ui-enums.h"

struct _UbRescue
{
  GObject           parent_instance;

  UbModelDb        *model_db;
  UbSequenceBook   *sequence_book;
  UbDeviceMonitor  *device_monitor;
  UbClock          *clock;

  UbFault           fault;
  UbSequenceKind    goal;
  UbModel          *model;
  UbDevice         *device;
  gboolean          safety_done;
  UbGuideState      result_state;
  UbGuideFailure    result_failure;
  UbDevice         *result_device;
  UbFirmwareChoice *firmware_choice;
  UbRestoreOutcome *restore_outcome;
  gboolean          erase_agreed;
  UbConsent        *erase_consent;   /* erase_agreed, bound to a seen ECID */
};

G_DEFINE_FINAL_TYPE (UbRescue, ub_rescue, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_MODEL_DB,
  PROP_SEQUENCE_BOOK,
  PROP_DEVICE_MONITOR,
  PROP_CLOCK,
  PROP_FAULT,
  PROP_GOAL,
  PROP_MODEL,
  PROP_DEVICE,
  PROP_SAFETY_DONE,
  PROP_ERASE_AGREED,
  PROP_ERASE_CONSENT,
  PROP_RESULT_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
ub_rescue_dispose (GObject *object)
{
  UbRescue *self = (UbRescue *)object;

  g_clear_object (&self->model_db);
  g_clear_object (&self->sequence_book);
  g_clear_object (&self->device_monitor);
  g_clear_object (&self->clock);
  g_clear_object (&self->model);
  g_clear_object (&self->device);
  g_clear_object (&self->erase_consent);
  g_clear_object (&self->result_device);
  g_clear_object (&self->firmware_choice);
  g_clear_object (&self->restore_outcome);

  G_OBJECT_CLASS (ub_rescue_parent_class)->dispose (object);
}

static void
ub_rescue_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  UbRescue *self = UB_RESCUE (object);

  switch (prop_id)
    {
    case PROP_MODEL_DB:
      g_value_set_object (value, self->model_db);
      break;
    case PROP_SEQUENCE_BOOK:
      g_value_set_object (value, self->sequence_book);
      break;
    case PROP_DEVICE_MONITOR:
      g_value_set_object (value, self->device_monitor);
      break;
    case PROP_CLOCK:
      g_value_set_object (value, self->clock);
      break;
    case PROP_FAULT:
      g_value_set_enum (value, self->fault);
      break;
    case PROP_GOAL:
      g_value_set_enum (value, self->goal);
      break;
    case PROP_MODEL:
      g_value_set_object (value, self->model);
      break;
    case PROP_DEVICE:
      g_value_set_object (value, self->device);
      break;
    case PROP_SAFETY_DONE:
      g_value_set_boolean (value, self->safety_done);
      break;
    case PROP_ERASE_AGREED:
      g_value_set_boolean (value, self->erase_agreed);
      break;
    case PROP_ERASE_CONSENT:
      g_value_set_object (value, self->erase_consent);
      break;
    case PROP_RESULT_STATE:
      g_value_set_enum (value, self->result_state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ub_rescue_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  UbRescue *self = UB_RESCUE (object);

  switch (prop_id)
    {
    case PROP_MODEL_DB:
      self->model_db = g_value_dup_object (value);
      break;
    case PROP_SEQUENCE_BOOK:
      self->sequence_book = g_value_dup_object (value);
      break;
    case PROP_DEVICE_MONITOR:
      self->device_monitor = g_value_dup_object (value);
      break;
    case PROP_CLOCK:
      self->clock = g_value_dup_object (value);
      break;
    case PROP_FAULT:
      ub_rescue_set_fault (self, g_value_get_enum (value));
      break;
    case PROP_GOAL:
      ub_rescue_set_goal (self, g_value_get_enum (value));
      break;
    case PROP_MODEL:
      ub_rescue_set_model (self, g_value_get_object (value));
      break;
    case PROP_DEVICE:
      ub_rescue_set_device (self, g_value_get_object (value));
      break;
    case PROP_SAFETY_DONE:
      ub_rescue_set_safety_done (self, g_value_get_boolean (value));
      break;
    case PROP_ERASE_AGREED:
      ub_rescue_set_erase_agreed (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bind_consent (UbRescue *self)
{
  gboolean known = self->device != NULL && ub_device_has_ecid (self->device);
  guint64 ecid = known ? ub_device_get_ecid (self->device) : 0;

  if (self->erase_consent != NULL && (!self->erase_agreed ||
                                      (known && ub_consent_get_ecid (self->erase_consent) != ecid)))
    {
      g_debug ("Permission to erase ECID 0x%016" G_GINT64_MODIFIER "x withdrawn",
               ub_consent_get_ecid (self->erase_consent));
      g_clear_object (&self->erase_consent);
      self->erase_agreed = FALSE;   /* given for another phone */
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERASE_AGREED]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERASE_CONSENT]);
    }
  if (self->erase_agreed && self->erase_consent == NULL && known)
    {
      self->erase_consent = ub_consent_new_erase_with_clock (ecid, UB_CONSENT_SOURCE_WIZARD, self->clock);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERASE_CONSENT]);
    }
}

/* The phone being rescued changes mode (and USB address) as it goes; every
 * newer snapshot of the same phone replaces the old one, except that the
 * usbmuxd view of a running phone is richer than its bare USB entry. */
static void
on_monitor_device (UbRescue *self,
                   UbDevice *device)
{
  if (self->device == NULL || self->device == device || !ub_device_is_same_phone (device, self->device))
    return;
  if (ub_device_get_mode (device) == UB_DEVICE_MODE_NORMAL &&
      ub_device_get_mode (self->device) == UB_DEVICE_MODE_NORMAL &&
      ub_device_get_source (self->device) == UB_DEVICE_SOURCE_USBMUX &&
      ub_device_get_source (device) == UB_DEVICE_SOURCE_USB)
    return;
  ub_rescue_set_device (self, device);
}

static void
ub_rescue_constructed (GObject *object)
{
  UbRescue *self = UB_RESCUE (object);

  G_OBJECT_CLASS (ub_rescue_parent_class)->constructed (object);

  if (self->device_monitor == NULL)
    return;
  g_signal_connect_object (self->device_monitor, "device-added", G_CALLBACK (on_monitor_device),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->device_monitor, "device-changed", G_CALLBACK (on_monitor_device),
                           self, G_CONNECT_SWAPPED);
}

static void
ub_rescue_class_init (UbRescueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  const GParamFlags co = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = ub_rescue_constructed;
  object_class->dispose = ub_rescue_dispose;
  object_class->get_property = ub_rescue_get_property;
  object_class->set_property = ub_rescue_set_property;

  properties[PROP_MODEL_DB] = g_param_spec_object ("model-db", NULL, NULL, UB_TYPE_MODEL_DB, co);
  properties[PROP_SEQUENCE_BOOK] = g_param_spec_object ("sequence-book", NULL, NULL, UB_TYPE_SEQUENCE_BOOK, co);
  properties[PROP_DEVICE_MONITOR] = g_param_spec_object ("device-monitor", NULL, NULL, UB_TYPE_DEVICE_MONITOR, co);
  properties[PROP_CLOCK] = g_param_spec_object ("clock", NULL, NULL, UB_TYPE_CLOCK, co);
  properties[PROP_FAULT] = g_param_spec_enum ("fault", NULL, NULL, UB_TYPE_FAULT, UB_FAULT_NONE, rw);
  properties[PROP_GOAL] = g_param_spec_enum ("goal", NULL, NULL, UB_TYPE_SEQUENCE_KIND,
                                             UB_SEQUENCE_FORCE_RESTART, rw);
  properties[PROP_MODEL] = g_param_spec_object ("model", NULL, NULL, UB_TYPE_MODEL, rw);
  properties[PROP_DEVICE] = g_param_spec_object ("device", NULL, NULL, UB_TYPE_DEVICE, rw);
  properties[PROP_SAFETY_DONE] = g_param_spec_boolean ("safety-done", NULL, NULL, FALSE, rw);
  properties[PROP_ERASE_AGREED] = g_param_spec_boolean ("erase-agreed", NULL, NULL, FALSE, rw);
  properties[PROP_ERASE_CONSENT] = g_param_spec_object ("erase-consent", NULL, NULL, UB_TYPE_CONSENT,
                                                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS |
                                                        G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_RESULT_STATE] = g_param_spec_enum ("result-state", NULL, NULL, UB_TYPE_GUIDE_STATE,
                                                     UB_GUIDE_READY,
                                                     G_PARAM_READABLE | G_PARAM_STATIC_STRINGS |
                                                     G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ub_rescue_init (UbRescue *self)
{
  self->firmware_choice = ub_firmware_choice_new ();
  self->restore_outcome = ub_restore_outcome_new ();
}

/**
 * ub_rescue_new:
 * @device_monitor: (nullable): the monitor; %NULL in tests that need no USB
 *
 * Returns: (transfer full): an empty rescue
 */
UbRescue *
ub_rescue_new (UbModelDb       *model_db,
               UbSequenceBook  *sequence_book,
               UbDeviceMonitor *device_monitor,
               UbClock         *clock)
{
  g_return_val_if_fail (UB_IS_MODEL_DB (model_db), NULL);
  g_return_val_if_fail (UB_IS_SEQUENCE_BOOK (sequence_book), NULL);
  g_return_val_if_fail (device_monitor == NULL || UB_IS_DEVICE_MONITOR (device_monitor), NULL);
  g_return_val_if_fail (UB_IS_CLOCK (clock), NULL);

  return g_object_new (UB_TYPE_RESCUE,
                       "model-db", model_db,
                       "sequence-book", sequence_book,
                       "device-monitor", device_monitor,
                       "clock", clock,
                       NULL);
}

UbModelDb *
ub_rescue_get_model_db (UbRescue *self)
{
  g_return_val_if_fail (UB_IS_RESCUE (self), NULL);
  return self->model_db;
}

UbSequenceBook *
ub_rescue_get_sequence_book (UbRescue *self)
{
  g_return_val_if_fail (UB_IS_RESCUE (self), NULL);
  return self->sequence_book;
}

/**
 * ub_rescue_get_device_monitor:
 *
 * Returns: (transfer none) (nullable): the device monitor
 */
UbDeviceMonitor *
ub_rescue_get_device_monitor (UbRescue *self)
{
  g_return_val_if_fail (UB_IS_RESCUE (self), NULL);
  return self->device_monitor;
}

UbClock *
ub_rescue_get_clock (UbRescue *self)
{
  g_return_val_if_fail (UB_IS_RESCUE (self), NULL);
  return self->clock;
}

/**
 * ub_rescue_get_restore_outcome:
 *
 * Returns: (transfer none): how the restore ended, for the done page
 */
UbRestoreOutcome *
ub_rescue_get_restore_outcome (UbRescue *self)
{
  g_return_val_if_fail (UB_IS_RESCUE (self), NULL);
  return self->restore_outcome;
}

/**
 * ub_rescue_get_firmware_choice:
 *
 * Returns: (transfer none): the restore image chosen for this rescue (the
 *   same object for the rescue's whole life)
 */
UbFirmwareChoice *
ub_rescue_get_firmware_choice (UbRescue *self)
{
  g_return_val_if_fail (UB_IS_RESCUE (self), NULL);
  return self->firmware_choice;
}

UbFault
ub_rescue_get_fault (UbRescue *self)
{
  g_return_val_if_fail (UB_IS_RESCUE (self), UB_FAULT_NONE);
  return self->fault;
}

/**
 * ub_rescue_set_fault:
 *
 * Choosing a fault also picks the recommended goal; the person may change it.
 */
void
ub_rescue_set_fault (UbRescue *self,
                     UbFault   fault)
{
  g_return_if_fail (UB_IS_RESCUE (self));

  if (self->fault == fault)
    return;
  g_debug ("Fault %d → %d", self->fault, fault);
  self->fault = fault;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FAULT]);
  ub_rescue_set_goal (self, ub_rescue_recommend_goal (fault));
}

UbSequenceKind
ub_rescue_get_goal (UbRescue *self)
{
  g_return_val_if_fail (UB_IS_RESCUE (self), UB_SEQUENCE_FORCE_RESTART);
  return self->goal;
}

void
ub_rescue_set_goal (UbRescue       *self,
                    UbSequenceKind  goal)
{
  g_return_if_fail (UB_IS_RESCUE (self));

  if (self->goal == goal)
    return;
  g_debug ("Goal “%s” → “%s”", ub_sequence_kind_to_string (self->goal),
           ub_sequence_kind_to_string (goal));
  self->goal = goal;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GOAL]);
}

/**
 * ub_rescue_get_model:
 *
 * Returns: (transfer none) (nullable): the chosen or detected model
 */
UbModel *
ub_rescue_get_model (UbRescue *self)
{
  g_return_val_if_fail (UB_IS_RESCUE (self), NULL);
  return self->model;
}

void
ub_rescue_set_model (UbRescue *self,
                     UbModel  *model)
{
  g_return_if_fail (UB_IS_RESCUE (self));
  g_return_if_fail (model == NULL || UB_IS_MODEL (model));

  if (g_set_object (&self->model, model))
    {
      g_debug ("Model “%s”", model ? ub_model_get_product_type (model) : "(none)");
      /* Firmware is chosen for one model */
      ub_firmware_choice_clear (self->firmware_choice);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
    }
}

/**
 * ub_rescue_get_device:
 *
 * Returns: (transfer none) (nullable): the latest snapshot of the phone being rescued
 */
UbDevice *
ub_rescue_get_device (UbRescue *self)
{
  g_return_val_if_fail (UB_IS_RESCUE (self), NULL);
  return self->device;
}

void
ub_rescue_set_device (UbRescue *self,
                      UbDevice *device)
{
  g_return_if_fail (UB_IS_RESCUE (self));
  g_return_if_fail (device == NULL || UB_IS_DEVICE (device));

  if (g_set_object (&self->device, device))
    {
      g_debug ("Device “%s” (%s)", device ? ub_device_get_id (device) : "(none)",
               device ? ub_device_mode_to_string (ub_device_get_mode (device)) : "-");
      bind_consent (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEVICE]);
    }
}

gboolean
ub_rescue_get_erase_agreed (UbRescue *self)
{
  g_return_val_if_fail (UB_IS_RESCUE (self), FALSE);
  return self->erase_agreed;
}

/**
 * ub_rescue_set_erase_agreed:
 * @agreed: whether the person allowed erasing the phone being rescued
 *
 * The permission is tied to the phone's ECID now, or as soon as the phone is
 * seen with one; another phone (another ECID) withdraws it.
 */
void
ub_rescue_set_erase_agreed (UbRescue *self,
                            gboolean  agreed)
{
  g_return_if_fail (UB_IS_RESCUE (self));

  if (self->erase_agreed == !!agreed)
    return;
  self->erase_agreed = !!agreed;
  g_debug ("Permission to erase %s", agreed ? "given" : "withdrawn");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERASE_AGREED]);
  bind_consent (self);
}

/**
 * ub_rescue_get_erase_consent:
 *
 * Returns: (transfer none) (nullable): the permission to erase, bound to an ECID
 */
UbConsent *
ub_rescue_get_erase_consent (UbRescue *self)
{
  g_return_val_if_fail (UB_IS_RESCUE (self), NULL);
  return self->erase_consent;
}

gboolean
ub_rescue_get_safety_done (UbRescue *self)
{
  g_return_val_if_fail (UB_IS_RESCUE (self), FALSE);
  return self->safety_done;
}

void
ub_rescue_set_safety_done (UbRescue *self,
                           gboolean  done)
{
  g_return_if_fail (UB_IS_RESCUE (self));

  done = !!done;
  if (self->safety_done == done)
    return;
  self->safety_done = done;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SAFETY_DONE]);
}

/**
 * ub_rescue_get_result_device:
 *
 * Returns: (transfer none) (nullable): the phone as it arrived at the end of the guide
 */
UbDevice *
ub_rescue_get_result_device (UbRescue *self)
{
  g_return_val_if_fail (UB_IS_RESCUE (self), NULL);
  return self->result_device;
}

UbGuideState
ub_rescue_get_result_state (UbRescue *self)
{
  g_return_val_if_fail (UB_IS_RESCUE (self), UB_GUIDE_READY);
  return self->result_state;
}

UbGuideFailure
ub_rescue_get_result_failure (UbRescue *self)
{
  g_return_val_if_fail (UB_IS_RESCUE (self), UB_GUIDE_FAILURE_NONE);
  return self->result_failure;
}

/**
 * ub_rescue_set_result:
 * @state: %UB_GUIDE_SUCCEEDED or %UB_GUIDE_FAILED, or %UB_GUIDE_READY to clear
 * @device: (nullable): the phone as it arrived
 */
void
ub_rescue_set_result (UbRescue       *self,
                      UbGuideState    state,
                      UbGuideFailure  failure,
                      UbDevice       *device)
{
  g_return_if_fail (UB_IS_RESCUE (self));

  g_set_object (&self->result_device, device);
  self->result_failure = failure;
  if (self->result_state != state)
    {
      g_debug ("Result “%s” (%s)", ub_guide_state_to_string (state), ub_guide_failure_to_string (failure));
      self->result_state = state;
    }
  /* Always notify: the same state with another device is news to the result page */
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESULT_STATE]);
}

/**
 * ub_rescue_reset:
 *
 * Forgets every choice, for "Start over". The detected device stays (it is
 * still plugged in).
 */
void
ub_rescue_reset (UbRescue *self)
{
  g_return_if_fail (UB_IS_RESCUE (self));

  g_debug ("Starting over");
  g_object_freeze_notify (G_OBJECT (self));
  ub_rescue_set_fault (self, UB_FAULT_NONE);
  ub_rescue_set_goal (self, UB_SEQUENCE_FORCE_RESTART);
  ub_rescue_set_model (self, NULL);
  ub_rescue_set_safety_done (self, FALSE);
  ub_rescue_set_erase_agreed (self, FALSE);
  ub_firmware_choice_clear (self->firmware_choice);
  ub_restore_outcome_clear (self->restore_outcome);
  ub_rescue_set_result (self, UB_GUIDE_READY, UB_GUIDE_FAILURE_NONE, NULL);
  g_object_thaw_notify (G_OBJECT (self));
}
