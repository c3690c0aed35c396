/* ub-progress-relay.h — progress from a worker thread, delivered on the caller's main context
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef void (*UbProgressRelayFunc) (gsize    done,
                                     gsize    total,
                                     gpointer user_data);

typedef struct _UbProgressRelay UbProgressRelay;

UbProgressRelay *ub_progress_relay_new    (UbProgressRelayFunc  func,
                                           gpointer             user_data,
                                           GDestroyNotify       destroy,
                                           guint                interval_ms);
UbProgressRelay *ub_progress_relay_ref    (UbProgressRelay     *self);
void             ub_progress_relay_unref  (UbProgressRelay     *self);
void             ub_progress_relay_update (UbProgressRelay     *self,
                                           gsize                done,
                                           gsize                total,
                                           gboolean             force);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UbProgressRelay, ub_progress_relay_unref)

G_END_DECLS
