/* ub-baseband.h — the modem firmware of a restore: its own TSS request and
 * the BBFW zip rewritten with Apple's signatures
 *
 * During the restore the phone asks for BasebandData two or three times:
 * first without a modem nonce, then with one. Each time the host asks
 * Apple's TSS server to sign the modem firmware for that modem (its chip,
 * certificate and serial number, and the nonce when there is one), then
 * rewrites the BBFW zip of the IPSW: every signed file gets its signature
 * blob over its last bytes, files the phone does not need are dropped, and
 * the BBTicket goes in as bbticket.der.
 *
 * Supported: Intel ICE16/ICE19 (.bin files, iPhone 7 / 8 / X / XS / 11) and
 * Qualcomm MDM (.mbn files, Mav5 … Mav20, e.g. iPhone 12). Not supported:
 * the ICE3 .fls format (iPhone 4S era) and Mav25 (BbChipID 0x1F30E1,
 * iPhone 17), whose stitching works differently.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <plist/plist.h>

#include "ub-build-identity.h"

G_BEGIN_DECLS

/* The largest BBFW zip we read (real ones are 20–120 MB) */
#define UB_BASEBAND_MAX_BBFW     (256 * 1024 * 1024)
/* The largest signed file inside it we unpack (real ones are < 10 MB) */
#define UB_BASEBAND_MAX_FILE     (64 * 1024 * 1024)
/* The most entries a BBFW zip may have */
#define UB_BASEBAND_MAX_ENTRIES  4096
/* The largest signature blob or BBTicket we accept from the server */
#define UB_BASEBAND_MAX_BLOB     (1024 * 1024)
/* The longest modem serial number or nonce we accept from the phone */
#define UB_BASEBAND_MAX_ID       64

/* What the phone says about its modem in a BasebandData request */
typedef struct
{
  guint64  chip_id;     /* Arguments.ChipID */
  guint64  cert_id;     /* Arguments.CertID */
  GBytes  *snum;        /* Arguments.ChipSerialNo */
  GBytes  *nonce;       /* Arguments.Nonce; NULL on the first request */
} UbBasebandDevice;

gboolean    ub_baseband_device_init       (UbBasebandDevice       *device,
                                           plist_t                 arguments,
                                           GError                **error);
void        ub_baseband_device_clear      (UbBasebandDevice       *device);

guint64     ub_baseband_identity_chip_id  (UbBuildIdentity        *identity,
                                           guint64                 fallback);
plist_t     ub_baseband_request_new       (UbBuildIdentity        *identity,
                                           guint64                 ecid,
                                           const UbBasebandDevice *device,
                                           GError                **error);
gboolean    ub_baseband_response_check    (plist_t                 response,
                                           guint64                 chip_id,
                                           GError                **error);

/* ub-baseband-zip.c */
gboolean    ub_baseband_chip_supported    (guint64                 chip_id,
                                           GError                **error);
const char *ub_baseband_file_for_element  (const char             *element,
                                           guint64                 chip_id);
GBytes     *ub_baseband_stitch            (GBytes                 *file,
                                           GBytes                 *blob,
                                           GError                **error);
GBytes     *ub_baseband_rewrite           (GBytes                 *bbfw,
                                           plist_t                 response,
                                           guint64                 chip_id,
                                           GError                **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (UbBasebandDevice, ub_baseband_device_clear)

G_END_DECLS
