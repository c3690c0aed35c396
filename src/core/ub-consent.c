/* ub-consent.c — the person's permission to erase one phone
 *
 * An erase restore destroys everything on the phone. The wizard's tick box
 * and unbrick-cli's --i-understand-this-erases-everything each make one
 * UbConsent, bound to the ECID of the phone it was given for; the restore
 * job calls ub_consent_check_erase() before it erases, and refuses without a
 * consent for that very phone.
 *
 * A consent holds for %UB_CONSENT_LIFETIME_S (one hour) on the monotonic
 * clock, from when it was given to when the erase starts. It lives only in
 * memory, so it never outlives the program; the hour covers a consent given
 * before a long firmware download, and ends one given and then forgotten:
 * a wizard left open overnight, with another person at the computer or a
 * backup made in the meantime, asks again (one click) rather than erase on
 * a yes given hours earlier.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-consent"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ub-consent.h"
#include "ub-enums.h"
#include "ub-error.h"

struct _UbConsent
{
  GObject          parent_instance;
  guint64          ecid;
  UbConsentSource  source;
  UbClock         *clock;
  gint64           given_at;     /* the clock's microseconds */
  GDateTime       *given;        /* wall-clock time, for people */
};

enum {
  PROP_0,
  PROP_ECID,
  PROP_SOURCE,
  PROP_CLOCK,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (UbConsent, ub_consent, G_TYPE_OBJECT)

static void
ub_consent_constructed (GObject *object)
{
  UbConsent *self = UB_CONSENT (object);

  G_OBJECT_CLASS (ub_consent_parent_class)->constructed (object);

  if (self->clock == NULL)
    self->clock = g_object_ref (ub_clock_get_default ());
  self->given_at = ub_clock_get_time (self->clock);
  self->given = g_date_time_new_now_utc ();
  g_debug ("Permission to erase ECID 0x%016" G_GINT64_MODIFIER "X given (%s)", self->ecid,
           self->source == UB_CONSENT_SOURCE_CLI ? "command line" : "wizard");
}

static void
ub_consent_finalize (GObject *object)
{
  UbConsent *self = UB_CONSENT (object);

  g_clear_object (&self->clock);
  g_clear_pointer (&self->given, g_date_time_unref);

  G_OBJECT_CLASS (ub_consent_parent_class)->finalize (object);
}

static void
ub_consent_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  UbConsent *self = UB_CONSENT (object);

  switch (prop_id)
    {
    case PROP_ECID:
      g_value_set_uint64 (value, self->ecid);
      break;
    case PROP_SOURCE:
      g_value_set_enum (value, self->source);
      break;
    case PROP_CLOCK:
      g_value_set_object (value, self->clock);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ub_consent_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  UbConsent *self = UB_CONSENT (object);

  switch (prop_id)
    {
    case PROP_ECID:
      self->ecid = g_value_get_uint64 (value);
      break;
    case PROP_SOURCE:
      self->source = g_value_get_enum (value);
      break;
    case PROP_CLOCK:
      self->clock = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ub_consent_class_init (UbConsentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS |
                      G_PARAM_EXPLICIT_NOTIFY;

  object_class->constructed = ub_consent_constructed;
  object_class->finalize = ub_consent_finalize;
  object_class->get_property = ub_consent_get_property;
  object_class->set_property = ub_consent_set_property;

  properties[PROP_ECID] = g_param_spec_uint64 ("ecid", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_SOURCE] = g_param_spec_enum ("source", NULL, NULL, UB_TYPE_CONSENT_SOURCE,
                                               UB_CONSENT_SOURCE_WIZARD, flags);
  properties[PROP_CLOCK] = g_param_spec_object ("clock", NULL, NULL, UB_TYPE_CLOCK, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ub_consent_init (UbConsent *self)
{
}

/**
 * ub_consent_new_erase:
 * @ecid: the phone the person agreed to erase
 * @source: how they agreed
 *
 * Records, now, the person's permission to erase the phone @ecid.
 *
 * Returns: (transfer full): the consent
 */
UbConsent *
ub_consent_new_erase (guint64         ecid,
                      UbConsentSource source)
{
  return ub_consent_new_erase_with_clock (ecid, source, NULL);
}

/**
 * ub_consent_new_erase_with_clock:
 * @clock: (nullable): the clock its lifetime runs on (tests); %NULL for the system's
 *
 * Returns: (transfer full): the consent
 */
UbConsent *
ub_consent_new_erase_with_clock (guint64          ecid,
                                 UbConsentSource  source,
                                 UbClock         *clock)
{
  g_return_val_if_fail (clock == NULL || UB_IS_CLOCK (clock), NULL);

  return g_object_new (UB_TYPE_CONSENT, "ecid", ecid, "source", source, "clock", clock, NULL);
}

guint64
ub_consent_get_ecid (UbConsent *self)
{
  g_return_val_if_fail (UB_IS_CONSENT (self), 0);
  return self->ecid;
}

UbConsentSource
ub_consent_get_source (UbConsent *self)
{
  g_return_val_if_fail (UB_IS_CONSENT (self), UB_CONSENT_SOURCE_WIZARD);
  return self->source;
}

/**
 * ub_consent_get_given:
 *
 * Returns: (transfer none): when the permission was given (UTC)
 */
GDateTime *
ub_consent_get_given (UbConsent *self)
{
  g_return_val_if_fail (UB_IS_CONSENT (self), NULL);
  return self->given;
}

static gboolean
set_refusal (UbConsent  *consent,
             guint64     ecid,
             GError    **error)
{
  gint64 age;

  if (consent == NULL)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_NO_CONSENT,
                           _("Nobody has agreed to erase this iPhone, so it was not erased."));
      return TRUE;
    }
  if (consent->ecid != ecid)
    {
      g_autofree char *given = g_strdup_printf ("0x%016" G_GINT64_MODIFIER "X", consent->ecid);
      g_autofree char *asked = g_strdup_printf ("0x%016" G_GINT64_MODIFIER "X", ecid);

      g_set_error (error, UB_ERROR, UB_ERROR_NO_CONSENT,
                   /* TRANSLATORS: %s are phones' ECIDs, "0x001A2B3C4D5E6F70" */
                   _("The permission to erase was given for another phone (ECID %s), not for "
                     "this one (ECID %s). It was not erased."), given, asked);
      return TRUE;
    }
  age = ub_clock_get_time (consent->clock) - consent->given_at;
  if (age > (gint64)UB_CONSENT_LIFETIME_S * G_USEC_PER_SEC)
    {
      guint minutes = UB_CONSENT_LIFETIME_S / 60;

      g_set_error (error, UB_ERROR, UB_ERROR_NO_CONSENT,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The permission to erase this iPhone was given more than %u minute ago. "
                                "Confirm again that it may be erased.",
                                "The permission to erase this iPhone was given more than %u minutes ago. "
                                "Confirm again that it may be erased.", minutes), minutes);
      return TRUE;
    }
  return FALSE;
}

/**
 * ub_consent_check_erase:
 * @consent: (nullable): the permission given, if any
 * @ecid: the phone about to be erased
 *
 * The gate before every erase.
 *
 * Returns: %TRUE if @consent allows erasing the phone @ecid now; else
 *   %FALSE with %UB_ERROR_NO_CONSENT saying why
 */
gboolean
ub_consent_check_erase (UbConsent  *consent,
                        guint64     ecid,
                        GError    **error)
{
  g_autoptr(GError) local = NULL;

  g_return_val_if_fail (consent == NULL || UB_IS_CONSENT (consent), FALSE);

  if (set_refusal (consent, ecid, &local))
    {
      g_debug ("Erase of ECID 0x%016" G_GINT64_MODIFIER "X refused: %s", ecid, local->message);
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  g_debug ("Erase of ECID 0x%016" G_GINT64_MODIFIER "X allowed (permission given %" G_GINT64_FORMAT " s ago)",
           ecid, (ub_clock_get_time (consent->clock) - consent->given_at) / G_USEC_PER_SEC);
  return TRUE;
}
