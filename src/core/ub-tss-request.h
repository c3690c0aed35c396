/* ub-tss-request.h — the AP signing request for Apple's TSS server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <plist/plist.h>

#include "ub-build-identity.h"
#include "ub-iboot-info.h"

G_BEGIN_DECLS

/* What libauthinstall calls itself in @VersionInfo (libtatsu 1.0.4+, 2025) */
#define UB_TSS_VERSION_INFO "libauthinstall-1104.0.9"

/**
 * UbTssDevice:
 * @ecid: the chip's unique ID (ECID)
 * @cpid: the chip ID (CPID), e.g. 0x8015
 * @bdid: the board ID (BDID), e.g. 0x06
 * @security_domain: SDOM, 1 for production phones
 * @production_mode: CPFM bit 0x1
 * @security_mode: CPFM bit 0x2
 * @ap_nonce: NONC, the nonce the ticket must carry (required)
 * @sep_nonce: (nullable): SNON
 *
 * The phone, as its DFU or recovery USB strings tell it. The caller owns the
 * nonces.
 */
typedef struct
{
  guint64   ecid;
  guint     cpid;
  guint     bdid;
  guint     security_domain;
  gboolean  production_mode;
  gboolean  security_mode;
  GBytes   *ap_nonce;
  GBytes   *sep_nonce;
} UbTssDevice;

gboolean ub_tss_device_init_from_iboot (UbTssDevice       *device,
                                        const UbIbootInfo *info,
                                        GError           **error);
void     ub_tss_device_clear           (UbTssDevice       *device);
plist_t  ub_tss_request_new_ap         (UbBuildIdentity   *identity,
                                        const UbTssDevice *device,
                                        GError           **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (UbTssDevice, ub_tss_device_clear)

G_END_DECLS
