/* ub-tss.h — asking Apple's TSS server to sign a restore
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <plist/plist.h>

#include "ub-tss-request.h"
#include "ub-tss-response.h"

G_BEGIN_DECLS

#define UB_TSS_DEFAULT_URL "https://gs.apple.com/TSS/controller?action=2"

void     ub_tss_send_async   (plist_t               request,
                              GCancellable         *cancellable,
                              GAsyncReadyCallback   callback,
                              gpointer              user_data);
GBytes  *ub_tss_send_finish  (GAsyncResult         *result,
                              plist_t              *response,
                              GError              **error);

G_END_DECLS
