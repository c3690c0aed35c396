/* ub-vphone-restored.h — restored on port 62078 of a phone in restore mode
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "ub-vphone-asr.h"
#include "ub-vphone-faults.h"
#include "ub-vphone-fdr.h"
#include "ub-vphone-identity.h"
#include "ub-vphone-phone.h"
#include "ub-vphone-recorder.h"
#include "ub-vphone-service.h"
#include "ub-vphone-usbmuxd.h"

G_BEGIN_DECLS

#define UB_VPHONE_RESTORE_PROTOCOL_VERSION 15

#define UB_TYPE_VPHONE_RESTORED (ub_vphone_restored_get_type ())

G_DECLARE_FINAL_TYPE (UbVphoneRestored, ub_vphone_restored, UB, VPHONE_RESTORED, GObject)

UbVphoneRestored *ub_vphone_restored_new           (UbVphoneIdentity  *identity,
                                                    UbVphonePhone     *phone,
                                                    UbVphoneFaults    *faults,
                                                    UbVphoneRecorder  *recorder,
                                                    UbVphoneUsbmuxd   *usbmuxd,
                                                    UbVphoneAsr       *asr,
                                                    UbVphoneFdr       *fdr);
gboolean          ub_vphone_restored_is_setting    (const char        *key);
gboolean          ub_vphone_restored_check_setting (const char        *key,
                                                    const char        *value,
                                                    GError           **error);
gboolean          ub_vphone_restored_set           (UbVphoneRestored  *self,
                                                    const char        *key,
                                                    const char        *value,
                                                    GError           **error);

G_END_DECLS
