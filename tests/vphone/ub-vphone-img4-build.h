/* ub-vphone-img4-build.h — personalized IMG4 files for the virtual iPhone's tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ub-vphone-client.h"

G_BEGIN_DECLS

/**
 * UbVphoneDigest:
 * @UB_VPHONE_DIGEST_SHA384: the ticket's DGST is the SHA-384 of the IM4P
 * @UB_VPHONE_DIGEST_SHA1: its SHA-1
 * @UB_VPHONE_DIGEST_NONE: the ticket's entry has no DGST
 * @UB_VPHONE_DIGEST_WRONG: a SHA-384 of other bytes
 * @UB_VPHONE_DIGEST_NO_ENTRY: the ticket has no entry for the payload type
 */
typedef enum
{
  UB_VPHONE_DIGEST_SHA384,
  UB_VPHONE_DIGEST_SHA1,
  UB_VPHONE_DIGEST_NONE,
  UB_VPHONE_DIGEST_WRONG,
  UB_VPHONE_DIGEST_NO_ENTRY,
} UbVphoneDigest;

/**
 * UbVphoneImg4Spec:
 * @fourcc: the IM4P type, e.g. "ibss"
 * @ipsw_fourcc: (nullable): the type the digest is taken with, when the
 *   host renamed the payload (rkrn for a krnl from the IPSW)
 * @payload_size: bytes of made-up payload
 * @ecid: the ticket's ECID
 * @nonce: the ticket's BNCH
 * @digest: what the ticket's entry says about the IM4P
 * @no_ticket: a bare IMG4 with no IM4M
 * @im4r: add an IM4R with the nonce, as real stitched images may have
 *
 * What to build; everything else is as a real personalized image has it.
 */
typedef struct
{
  const char     *fourcc;
  const char     *ipsw_fourcc;
  gsize           payload_size;
  guint64         ecid;
  GBytes         *nonce;
  UbVphoneDigest  digest;
  gboolean        no_ticket;
  gboolean        im4r;
} UbVphoneImg4Spec;

GBytes *ub_vphone_img4_build       (const UbVphoneImg4Spec *spec);
char   *ub_vphone_img4_write       (const UbVphoneImg4Spec *spec);
void    ub_vphone_img4_spec_for    (UbVphoneImg4Spec       *spec,
                                    UbVphoneClient         *phone,
                                    const char             *fourcc);
char   *ub_vphone_img4_write_good  (UbVphoneClient         *phone,
                                    const char             *fourcc,
                                    gsize                   payload_size);

G_END_DECLS
