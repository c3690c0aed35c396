/* ub-http.c — fetch a small document over HTTPS, from a worker thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define UB_HTTP_USER_AGENT "Unbrick/" PACKAGE_VERSION

void    ub_http_global_init     (void);
GBytes *ub_http_get             (const char    *url,
                                 gsize          max_size,
                                 guint          timeout_ms,
                                 GCancellable  *cancellable,
                                 GError       **error);
void    ub_http_set_curl_error  (GError       **error,
                                 int            curl_code,
                                 const char    *url);

G_END_DECLS
