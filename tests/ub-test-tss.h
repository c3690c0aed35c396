/* ub-test-tss.h — the phones and manifests the TSS tests share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ub-core.h"

G_BEGIN_DECLS

typedef struct
{
  const char *name;          /* tests/data/tss/NAME.plist */
  const char *manifest;
  gboolean    in_tests;      /* in tests/data/manifests, else in the research fixtures */
  const char *board;
  guint       cpid;
  guint       bdid;
  guint64     ecid;
  const char *ap_nonce;      /* hex */
  const char *sep_nonce;     /* hex, or NULL */
} UbTestTssCase;

#define UB_TEST_TSS_N_CASES 4

extern const UbTestTssCase ub_test_tss_cases[UB_TEST_TSS_N_CASES];

GBytes          *ub_test_tss_bytes_from_hex   (const char          *hex);
UbBuildIdentity *ub_test_tss_load_identity    (const UbTestTssCase *c);
void             ub_test_tss_device_init      (UbTssDevice         *device,
                                               const UbTestTssCase *c);
plist_t          ub_test_tss_load_plist       (const char          *path);
plist_t          ub_test_tss_build_request    (const UbTestTssCase *c);

G_END_DECLS
