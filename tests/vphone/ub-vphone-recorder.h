/* ub-vphone-recorder.h — one line per thing the host did, for tests to read
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define UB_TYPE_VPHONE_RECORDER (ub_vphone_recorder_get_type ())

G_DECLARE_FINAL_TYPE (UbVphoneRecorder, ub_vphone_recorder, UB, VPHONE_RECORDER, GObject)

UbVphoneRecorder *ub_vphone_recorder_new      (const char       *path,
                                               GError          **error);
const char       *ub_vphone_recorder_get_path (UbVphoneRecorder *self);
void              ub_vphone_recorder_log      (UbVphoneRecorder *self,
                                               const char       *format,
                                               ...) G_GNUC_PRINTF (2, 3);

G_END_DECLS
