/* ub-test-bbfw.h — a synthetic modem firmware (BBFW zip) shaped like a manifest's
 *
 * ub_test_bbfw_new() writes one file per element of a build identity's
 * Manifest.BasebandFirmware entry (the element → file names of real BBFW
 * zips: RestorePSI → restorepsi.bin, SBL1 → sbl1.mbn, Misc →
 * multi_image.mbn …), plus an Info.plist and a version.xml the host must
 * drop. A signed element (one with a "-PartialDigest") gets a .bin/.mbn
 * file whose last UB_TEST_BBFW_TAIL_SIZE bytes are the 0xFF-filled area its
 * signature blob overwrites. The zip is reproducible (fixed time stamps):
 * the same entry always gives the same bytes.
 *
 * The loopback TSS server (tests/httpd/ub-test-tss.py, baseband mode) signs
 * with deterministic blobs, computed the same way by ub_test_bbfw_blob():
 *   key     = "ub-test-bbfw" 0x00 ELEMENT 0x00 BbChipID (8 bytes, big-endian)
 *             len(BbSNUM) (1 byte) BbSNUM BbNonce (empty without a nonce)
 *   blob    = SHA-256(key ‖ 0u32be) ‖ SHA-256(key ‖ 1u32be) ‖ …, cut to
 *             UB_TEST_BBFW_BLOB_SIZE bytes
 *   ticket  = 30 82 01 00 followed by the same stream for ELEMENT "@BBTicket",
 *             256 bytes (a DER SEQUENCE header around filler)
 * so that the virtual phone and the tests can recompute what each signed
 * file must end with.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <plist/plist.h>

G_BEGIN_DECLS

#define UB_TEST_BBFW_BLOB_SIZE   1024
#define UB_TEST_BBFW_TAIL_SIZE   2048
#define UB_TEST_BBFW_TICKET_SIZE 260

/* @baseband_entry: the build identity's Manifest.BasebandFirmware dictionary */
GBytes     *ub_test_bbfw_new        (plist_t      baseband_entry);

/* The file an element lives in, NULL for an element we do not know */
const char *ub_test_bbfw_file_name  (const char  *element);
/* TRUE if the TSS server signs @element (it has a "-PartialDigest") */
gboolean    ub_test_bbfw_is_signed  (plist_t      baseband_entry,
                                     const char  *element);

GBytes     *ub_test_bbfw_blob       (const char  *element,
                                     guint64      chip_id,
                                     GBytes      *snum,
                                     GBytes      *nonce);
GBytes     *ub_test_bbfw_ticket     (guint64      chip_id,
                                     GBytes      *snum,
                                     GBytes      *nonce);
/* A server-style answer to a baseband request (its BbChipID, BbSNUM,
 * BbNonce and BasebandFirmware), as ub-test-tss.py builds it */
plist_t     ub_test_bbfw_response   (plist_t      request);

G_END_DECLS
