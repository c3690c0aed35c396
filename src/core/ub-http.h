/* ub-http.c — fetch a small document over HTTPS, from a worker thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define UB_HTTP_USER_AGENT "Unbrick/" PACKAGE_VERSION

/**
 * UbHttpSink:
 * @body: what arrived
 * @max_size: the most bytes accepted; more ends the transfer with @too_big
 * @cancellable: (nullable): ends the transfer when cancelled
 *
 * Collects a small answer in memory (ub_http_sink_attach()).
 */
typedef struct
{
  GByteArray   *body;
  gsize         max_size;
  gboolean      too_big;
  GCancellable *cancellable;
} UbHttpSink;

void    ub_http_global_init     (void);
GBytes *ub_http_get             (const char    *url,
                                 gsize          max_size,
                                 guint          timeout_ms,
                                 GCancellable  *cancellable,
                                 GError       **error);
void    ub_http_set_curl_error  (GError       **error,
                                 int            curl_code,
                                 const char    *url);
void    ub_http_sink_attach     (gpointer       curl,
                                 UbHttpSink    *sink);
void    ub_http_set_tls         (gpointer       curl,
                                 const char    *ca_file);

G_END_DECLS
