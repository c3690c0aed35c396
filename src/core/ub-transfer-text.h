/* ub-transfer-text.h — a transfer's progress in words
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *ub_transfer_text_dup_time_left (gint64  seconds);
char *ub_transfer_text_dup           (guint64 done,
                                      guint64 total,
                                      double  bytes_per_second,
                                      gint64  seconds_left);

G_END_DECLS
