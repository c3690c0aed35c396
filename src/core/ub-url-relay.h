/* ub-url-relay.h — the phone's URLAsset and StreamedImageDecryptionKey fetches
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <plist/plist.h>

G_BEGIN_DECLS

#define UB_URL_RELAY_MAX_BODY   (1024 * 1024)   /* each way */
#define UB_URL_RELAY_TIMEOUT_MS 60000

plist_t ub_url_relay_fetch (plist_t        arguments,
                            gboolean       post,
                            GCancellable  *cancellable,
                            GError       **error);

G_END_DECLS
