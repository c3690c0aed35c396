/* ub-vphone-restore-firmware.h — the co-processor firmware steps of the
 * virtual restore: what the virtual restored asks for, and how it checks
 * the host's answer
 *
 * ub-vphone-restore-baseband.c: BasebandData (round 0 without a modem
 * nonce, round 1 with one), the answer is the rewritten BBFW zip.
 * ub-vphone-restore-updater.c: FirmwareUpdaterData for the updaters this
 * model has (SE, Savage, Yonkers, Rose, T200/Veridian, eUICC/Vinyl,
 * Cryptex1 …), the answer's FirmwareResponseData.
 *
 * The script (ub-vphone-restored-script.c) sends the request with the
 * Arguments built here, reads the answer from the request's DataPort, and
 * calls the check; a FALSE check sets @problem (a sentence for the
 * recorder, "restored firmware-check … failed: PROBLEM") and the restore
 * ends with StatusMsg 14 like a phone that rejects its firmware.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <plist/plist.h>

#include "ub-vphone-identity.h"

G_BEGIN_DECLS

/* ub-vphone-restore-baseband.c */
gboolean            ub_vphone_baseband_present    (UbVphoneIdentity *identity);
plist_t             ub_vphone_baseband_arguments  (UbVphoneIdentity *identity,
                                                   guint             round);
gboolean            ub_vphone_baseband_check      (UbVphoneIdentity *identity,
                                                   guint             round,
                                                   plist_t           reply,
                                                   char            **problem);

/* ub-vphone-restore-updater.c; names are NULL-terminated, in the order
 * the phone asks (empty for a phone without such co-processors) */
const char * const *ub_vphone_updater_names       (UbVphoneIdentity *identity);
plist_t             ub_vphone_updater_arguments   (UbVphoneIdentity *identity,
                                                   const char       *name);
gboolean            ub_vphone_updater_check       (UbVphoneIdentity *identity,
                                                   const char       *name,
                                                   plist_t           reply,
                                                   char            **problem);

G_END_DECLS
