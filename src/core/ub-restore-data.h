/* ub-restore-data.h — the answers to the restore system's data requests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <plist/plist.h>

#include "ub-build-identity.h"
#include "ub-ipsw.h"
#include "ub-restored.h"

G_BEGIN_DECLS

typedef struct _UbRestoreData UbRestoreData;

/**
 * UbRestoreDataProgress:
 * @what: a translated plain description, e.g. "Copying iOS to the iPhone"
 * @done: bytes done
 * @total: bytes in all
 *
 * Called on the thread answering the request (the loop's worker or an
 * async request's thread), at most a few times a second.
 */
typedef void (*UbRestoreDataProgress) (const char *what,
                                       guint64     done,
                                       guint64     total,
                                       gpointer    user_data);

/**
 * UbRestoreDataEvent:
 * @kind: a short word for the log ("data", "tss", "asr", "fdr", …)
 * @text: what happened, for support (not translated)
 *
 * Called for the restore log; any thread.
 */
typedef void (*UbRestoreDataEvent) (const char *kind,
                                    const char *text,
                                    gpointer    user_data);

UbRestoreData *ub_restore_data_new          (const char             *udid,
                                             UbIpsw                 *ipsw,
                                             UbBuildIdentity        *identity,
                                             GBytes                 *ap_ticket,
                                             GBytes                 *ap_nonce,
                                             guint64                 ecid,
                                             gboolean                erase);
void           ub_restore_data_free         (UbRestoreData          *self);
void           ub_restore_data_set_callbacks (UbRestoreData         *self,
                                             UbRestoreDataProgress   progress,
                                             UbRestoreDataEvent      event,
                                             gpointer                user_data);
void           ub_restore_data_set_cancellable (UbRestoreData       *self,
                                             GCancellable           *cancellable);
gboolean       ub_restore_data_handle       (UbRestoreData          *self,
                                             UbRestored             *client,
                                             const char             *data_type,
                                             plist_t                 message,
                                             gboolean                is_async,
                                             GError                **error);
gboolean       ub_restore_data_check_async  (UbRestoreData          *self,
                                             GError                **error);
gboolean       ub_restore_data_finish       (UbRestoreData          *self,
                                             guint                   timeout_ms,
                                             GError                **error);
gboolean       ub_restore_data_handles      (const char             *data_type);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UbRestoreData, ub_restore_data_free)

G_END_DECLS
