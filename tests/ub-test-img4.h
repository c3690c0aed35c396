/* ub-test-img4.h — small personalized IMG4 files for the virtual iPhone
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

GBytes *ub_test_img4_new (const char *fourcc,
                          GBytes     *payload,
                          guint64     ecid,
                          GBytes     *ap_nonce);

G_END_DECLS
