/* ub-tss-response.h — reading what Apple's TSS server answers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <plist/plist.h>

G_BEGIN_DECLS

/* The most a TSS answer may have: a ticket is 3–30 KB */
#define UB_TSS_MAX_RESPONSE_SIZE (4 * 1024 * 1024)

/* STATUS value of an answer that has none (retry it) */
#define UB_TSS_STATUS_NONE (-1)
#define UB_TSS_STATUS_NOT_SIGNED 94

plist_t  ub_tss_response_parse       (const guint8  *body,
                                      gsize          len,
                                      int           *status,
                                      GError       **error);
GBytes  *ub_tss_response_dup_ticket  (plist_t        response,
                                      GError       **error);
gboolean ub_tss_ticket_check_shape   (const guint8  *data,
                                      gsize          len,
                                      GError       **error);

G_END_DECLS
