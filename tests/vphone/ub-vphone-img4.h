/* ub-vphone-img4.h — what the phone's boot ROM and iBoot check in an image
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean ub_vphone_img4_check (GBytes     *image,
                               const char *fourcc,
                               guint64     ecid,
                               GBytes     *ap_nonce,
                               GError    **error);

G_END_DECLS
