/* ub-test-tss.c — the phones and manifests the TSS tests share
 *
 * Four real Apple manifests (tests/data/manifests and the research
 * fixtures), each with a phone whose ECID and nonces come from the public
 * logs named in tests/data/tss/README.md.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ub-plist.h"
#include "ub-test-tss.h"


/* ECIDs and nonces: real values from the logs named in tests/data/tss/README.md */
const UbTestTssCase ub_test_tss_cases[UB_TEST_TSS_N_CASES] = {
  { "d22ap-15C114", "iPhone10,3-iPhone10,6_15C114.plist", TRUE, "d22ap", 0x8015, 0x06, 6303405673529390,
    "652011ae4670102b69eec0930966bf67942c5bb8e45235e7b6ddcde5d25c053e",
    "79ce611a6da2686ec520c38f565365e92f973182" },
  { "d53gap-23C71", "iPhone13,2-iPhone13,3_23C71.plist", TRUE, "d53gap", 0x8101, 0x0C, 7406439198367774,
    "fe1f0478a651aa180c2475022e3e24a0e855d0b601976c89d713b54a93ceff7d",
    "f951c8d73e9e7d22b93c1df6ed5378a9ff3ed3f7" },
  { "n71ap-19H12", "iPhone8,1_19H12.plist", FALSE, "n71ap", 0x8000, 0x04, 5723206868272,
    "a1912d0fcac043ff57a013135437fdf45ce6d90b",
    "bdcf7db4d3af671f1e3480ebee37ac0a7e64e3ce" },
  { "d101ap-17F80", "iPhone9,1-iPhone9,3-iPhone10,1-iPhone10,4_17F80.plist", FALSE, "d101ap", 0x8010, 0x0C,
    3685821359199014, "27325c8258be46e69d9ee57fa9a8fbc28b873df434e5e702a8b27999551138ae", NULL },
};

GBytes *
ub_test_tss_bytes_from_hex (const char *hex)
{
  gsize len = strlen (hex) / 2;
  guint8 *data = g_malloc (len);

  for (gsize i = 0; i < len; i++)
    data[i] = (guint8)(g_ascii_xdigit_value (hex[2 * i]) << 4 | g_ascii_xdigit_value (hex[2 * i + 1]));
  return g_bytes_new_take (data, len);
}

static char *
manifest_path (const UbTestTssCase *c)
{
  const char *research = g_getenv ("UB_RESEARCH_DIR");

  if (c->in_tests)
    return g_test_build_filename (G_TEST_DIST, "data", "manifests", c->manifest, NULL);
  if (research == NULL)
    return NULL;
  return g_build_filename (research, "fixtures", "manifests", c->manifest, NULL);
}

/* The "Customer Erase Install (IPSW)" identity for @board, or NULL to skip */
UbBuildIdentity *
ub_test_tss_load_identity (const UbTestTssCase *c)
{
  g_autofree char *path = manifest_path (c);
  g_autofree char *data = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(UbBuildManifest) manifest = NULL;
  gsize len = 0;

  if (path == NULL || !g_file_get_contents (path, &data, &len, NULL))
    return NULL;
  manifest = ub_build_manifest_new_from_data ((const guint8 *)data, len, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < ub_build_manifest_get_n_identities (manifest); i++)
    {
      UbBuildIdentity *identity = ub_build_manifest_get_identity (manifest, i);

      if (g_str_equal (ub_build_identity_get_device_class (identity), c->board) &&
          g_strcmp0 (ub_build_identity_get_variant (identity), UB_BUILD_IDENTITY_VARIANT_ERASE) == 0)
        return g_object_ref (identity);
    }
  g_assert_not_reached ();
  return NULL;
}

void
ub_test_tss_device_init (UbTssDevice         *device,
                         const UbTestTssCase *c)
{
  memset (device, 0, sizeof *device);
  device->ecid = c->ecid;
  device->cpid = c->cpid;
  device->bdid = c->bdid;
  device->security_domain = 1;
  device->production_mode = TRUE;
  device->security_mode = TRUE;
  device->ap_nonce = ub_test_tss_bytes_from_hex (c->ap_nonce);
  device->sep_nonce = c->sep_nonce ? ub_test_tss_bytes_from_hex (c->sep_nonce) : NULL;
}

plist_t
ub_test_tss_load_plist (const char *path)
{
  g_autofree char *data = NULL;
  g_autoptr(GError) error = NULL;
  gsize len = 0;
  plist_t root;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  root = ub_plist_parse_untrusted ((const guint8 *)data, len, &error);
  g_assert_no_error (error);
  return root;
}

plist_t
ub_test_tss_build_request (const UbTestTssCase *c)
{
  g_autoptr(UbBuildIdentity) identity = ub_test_tss_load_identity (c);
  g_auto(UbTssDevice) device = { 0 };
  g_autoptr(GError) error = NULL;
  plist_t request;

  if (identity == NULL)
    return NULL;
  ub_test_tss_device_init (&device, c);
  request = ub_tss_request_new_ap (identity, &device, &error);
  g_assert_no_error (error);
  g_assert_nonnull (request);
  return request;
}

