/* ub-watchdog.h — GTasks that give up on a blocking call after a deadline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

GTask    *ub_watchdog_task_new           (gpointer              source_object,
                                          GCancellable         *cancellable,
                                          guint                 timeout_ms,
                                          const char           *what,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
gpointer  ub_watchdog_propagate_pointer  (GTask                *task,
                                          GError              **error);
gboolean  ub_watchdog_propagate_boolean  (GTask                *task,
                                          GError              **error);

G_END_DECLS
