/* ub-plist.h — parsing property lists that come from outside, safely
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <plist/plist.h>

G_BEGIN_DECLS

#define UB_PLIST_MAX_DEPTH 64

gboolean  ub_plist_bytes_are_safe   (const guint8  *data,
                                     gsize          len);
plist_t   ub_plist_parse_untrusted  (const guint8  *data,
                                     gsize          len,
                                     GError       **error);
char     *ub_plist_dup_string       (plist_t        node);
plist_t   ub_plist_new_data_bytes   (GBytes        *bytes);

G_END_DECLS
