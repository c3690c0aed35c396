/* ub-vphone-afc.h — the phone's AFC service, as far as the sync lock needs it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "ub-vphone-faults.h"
#include "ub-vphone-recorder.h"
#include "ub-vphone-service.h"

G_BEGIN_DECLS

#define UB_VPHONE_AFC_SERVICE "com.apple.afc"
#define UB_VPHONE_AFC_PORT    49162

#define UB_TYPE_VPHONE_AFC (ub_vphone_afc_get_type ())

G_DECLARE_FINAL_TYPE (UbVphoneAfc, ub_vphone_afc, UB, VPHONE_AFC, GObject)

UbVphoneAfc *ub_vphone_afc_new (UbVphoneFaults   *faults,
                                UbVphoneRecorder *recorder);

G_END_DECLS
