/* ub-http-headers.h — an HTTP answer's header lines into a dictionary
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <plist/plist.h>

G_BEGIN_DECLS

#define UB_HTTP_HEADERS_MAX       64     /* header fields kept */
#define UB_HTTP_HEADER_LINE_MAX   8192   /* bytes in one line */

gboolean ub_http_headers_add_line   (plist_t      headers,
                                     const char  *line,
                                     gsize        len);
gboolean ub_http_header_is_sendable (const char  *name,
                                     const char  *value);

G_END_DECLS
