/* ub-test-baseband.h — the two modems the baseband tests share
 *
 * The iPhone 7 (19E241, Intel ICE16) and iPhone 12 (23C71, Qualcomm Mav20)
 * identities of tests/data/manifests, with what the request and the
 * rewritten BBFW must hold for them (written by hand from the research
 * notes, restore-mode.md §6), and small helpers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ub-baseband.h"
#include "ub-build-identity.h"

G_BEGIN_DECLS

#define UB_TEST_BASEBAND_ECID 0x1C2D3E4F5061ULL

typedef struct
{
  const char *manifest;
  const char *board;
  guint64     chip_id;
  guint64     cert_id;
  gsize       snum_size;
  gsize       nonce_size;
  const char *firmware_keys;    /* BasebandFirmware of the request */
  const char *signed_files;     /* what the rewrite must sign */
  const char *kept_files;       /* what it must keep unchanged */
} UbTestBasebandCase;

extern const UbTestBasebandCase ub_test_baseband_ice16;
extern const UbTestBasebandCase ub_test_baseband_mav20;
extern const char ub_test_baseband_common_keys[];

UbBuildIdentity *ub_test_baseband_load_identity (const UbTestBasebandCase *c);
GBytes          *ub_test_baseband_filler        (gsize                     size,
                                                 guint8                    seed);
void             ub_test_baseband_device_init   (UbBasebandDevice         *device,
                                                 const UbTestBasebandCase *c,
                                                 gboolean                  with_nonce);
int              ub_test_baseband_compare       (gconstpointer             a,
                                                 gconstpointer             b);
char            *ub_test_baseband_sorted_keys   (plist_t                   dict);
char            *ub_test_baseband_sorted_words  (const char               *text);
plist_t          ub_test_baseband_entry         (UbBuildIdentity          *identity);

G_END_DECLS
