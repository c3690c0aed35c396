/* test-consent.c — no erase without the person's permission for that phone
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ub-core.h"

#define ECID_A G_GUINT64_CONSTANT (0x001A2D3C0E12802E)
#define ECID_B G_GUINT64_CONSTANT (0x000A1B2C3D4E5F60)

static void
test_none (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (ub_consent_check_erase (NULL, ECID_A, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_NO_CONSENT);
  g_assert_cmpstr (error->message, ==, "Nobody has agreed to erase this iPhone, so it was not erased.");
}

static void
test_same_phone (void)
{
  g_autoptr(UbClock) clock = ub_clock_new_fake ();
  g_autoptr(UbConsent) consent = ub_consent_new_erase_with_clock (ECID_A, UB_CONSENT_SOURCE_WIZARD, clock);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (ub_consent_get_ecid (consent), ==, ECID_A);
  g_assert_cmpint (ub_consent_get_source (consent), ==, UB_CONSENT_SOURCE_WIZARD);
  g_assert_cmpint (ABS (g_date_time_difference (now, ub_consent_get_given (consent))), <, 5 * G_USEC_PER_SEC);
  g_assert_true (ub_consent_check_erase (consent, ECID_A, &error));
  g_assert_no_error (error);
  /* Checking does not use it up: a retried restore of the same phone may go on */
  g_assert_true (ub_consent_check_erase (consent, ECID_A, NULL));
}

static void
test_other_phone (void)
{
  g_autoptr(UbConsent) consent = ub_consent_new_erase (ECID_A, UB_CONSENT_SOURCE_CLI);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (ub_consent_get_source (consent), ==, UB_CONSENT_SOURCE_CLI);
  g_assert_false (ub_consent_check_erase (consent, ECID_B, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_NO_CONSENT);
  g_assert_cmpstr (error->message, ==, "The permission to erase was given for another phone (ECID "
                                       "0x001A2D3C0E12802E), not for this one (ECID 0x000A1B2C3D4E5F60). "
                                       "It was not erased.");
  g_clear_error (&error);
  g_assert_false (ub_consent_check_erase (consent, 0, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_NO_CONSENT);
}

static void
test_expired (void)
{
  g_autoptr(UbClock) clock = ub_clock_new_fake ();
  g_autoptr(UbConsent) consent = ub_consent_new_erase_with_clock (ECID_B, UB_CONSENT_SOURCE_WIZARD, clock);
  g_autoptr(GError) error = NULL;

  ub_clock_advance (clock, (gint64)UB_CONSENT_LIFETIME_S * G_USEC_PER_SEC);
  g_assert_true (ub_consent_check_erase (consent, ECID_B, &error));   /* the last moment */
  g_assert_no_error (error);
  ub_clock_advance (clock, 1);
  g_assert_false (ub_consent_check_erase (consent, ECID_B, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_NO_CONSENT);
  g_assert_cmpstr (error->message, ==, "The permission to erase this iPhone was given more than 60 minutes "
                                       "ago. Confirm again that it may be erased.");
}

/* Immutable: every property is construct-only */
static void
test_immutable (void)
{
  UbConsent *consent = ub_consent_new_erase (ECID_A, UB_CONSENT_SOURCE_WIZARD);
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (consent), "ecid");
  guint64 ecid = 0;
  UbClock *clock = NULL;

  g_assert_nonnull (pspec);
  g_assert_true (pspec->flags & G_PARAM_CONSTRUCT_ONLY);
  g_object_get (consent, "ecid", &ecid, "clock", &clock, NULL);
  g_assert_cmpuint (ecid, ==, ECID_A);
  g_assert_true (clock == ub_clock_get_default ());
  g_object_unref (clock);
  g_assert_finalize_object (consent);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/unbrick/consent/none", test_none);
  g_test_add_func ("/unbrick/consent/same-phone", test_same_phone);
  g_test_add_func ("/unbrick/consent/other-phone", test_other_phone);
  g_test_add_func ("/unbrick/consent/expired", test_expired);
  g_test_add_func ("/unbrick/consent/immutable", test_immutable);

  return g_test_run ();
}
