/* ub-vphone-command.h — the control language of the virtual iPhone
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ub-vphone.h"

G_BEGIN_DECLS

gboolean  ub_vphone_command_check      (const char           *line,
                                        GError              **error);
void      ub_vphone_command_run_async  (UbVphone             *vphone,
                                        const char           *line,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
char     *ub_vphone_command_run_finish (UbVphone             *vphone,
                                        GAsyncResult         *result,
                                        GError              **error);

G_END_DECLS
