/* ub-vphone-asr.h — ASR on port 12345 of a phone in restore mode
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "ub-vphone-faults.h"
#include "ub-vphone-phone.h"
#include "ub-vphone-recorder.h"
#include "ub-vphone-service.h"

G_BEGIN_DECLS

#define UB_VPHONE_ASR_PORT 12345

#define UB_TYPE_VPHONE_ASR (ub_vphone_asr_get_type ())

G_DECLARE_FINAL_TYPE (UbVphoneAsr, ub_vphone_asr, UB, VPHONE_ASR, GObject)

UbVphoneAsr *ub_vphone_asr_new           (UbVphoneFaults  *faults,
                                          UbVphoneRecorder *recorder);
void         ub_vphone_asr_set_phone     (UbVphoneAsr     *self,
                                          UbVphonePhone   *phone);
gboolean     ub_vphone_asr_check_setting (const char      *key,
                                          const char      *value,
                                          GError         **error);
gboolean     ub_vphone_asr_set           (UbVphoneAsr     *self,
                                          const char      *key,
                                          const char      *value,
                                          GError         **error);

G_END_DECLS
