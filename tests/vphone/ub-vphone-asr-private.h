/* ub-vphone-asr-private.h — what ASR's connection threads hand to the main thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ub-vphone-asr.h"

G_BEGIN_DECLS

void _ub_vphone_asr_pull_cable    (UbVphoneFaults *faults,
                                   UbVphonePhone  *phone,
                                   guint           index);
void _ub_vphone_asr_emit_finished (UbVphoneAsr    *asr,
                                   gboolean        ok,
                                   const char     *text);

G_END_DECLS
