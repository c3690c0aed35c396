/* ub-consent.h — the person's permission to erase one phone
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "ub-clock.h"

G_BEGIN_DECLS

/* How long a permission to erase holds, from when it was given to when the
 * erase starts (see ub-consent.c) */
#define UB_CONSENT_LIFETIME_S 3600

/**
 * UbConsentSource:
 * @UB_CONSENT_SOURCE_WIZARD: the person ticked the box in the wizard
 * @UB_CONSENT_SOURCE_CLI: unbrick-cli ran with --i-understand-this-erases-everything
 */
typedef enum
{
  UB_CONSENT_SOURCE_WIZARD,
  UB_CONSENT_SOURCE_CLI,
} UbConsentSource;

#define UB_TYPE_CONSENT (ub_consent_get_type ())

G_DECLARE_FINAL_TYPE (UbConsent, ub_consent, UB, CONSENT, GObject)

UbConsent       *ub_consent_new_erase            (guint64           ecid,
                                                  UbConsentSource   source);
UbConsent       *ub_consent_new_erase_with_clock (guint64           ecid,
                                                  UbConsentSource   source,
                                                  UbClock          *clock);
guint64          ub_consent_get_ecid             (UbConsent        *self);
UbConsentSource  ub_consent_get_source           (UbConsent        *self);
GDateTime       *ub_consent_get_given            (UbConsent        *self);
gboolean         ub_consent_check_erase          (UbConsent        *consent,
                                                  guint64           ecid,
                                                  GError          **error);

G_END_DECLS
