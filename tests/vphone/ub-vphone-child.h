/* ub-vphone-child.h — the command that runs against the virtual iPhone
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define UB_TYPE_VPHONE_CHILD (ub_vphone_child_get_type ())

G_DECLARE_FINAL_TYPE (UbVphoneChild, ub_vphone_child, UB, VPHONE_CHILD, GObject)

UbVphoneChild *ub_vphone_child_spawn          (const char * const  *argv,
                                               const char * const  *envp,
                                               GError             **error);
gboolean       ub_vphone_child_get_running    (UbVphoneChild       *self);
int            ub_vphone_child_get_exit_code  (UbVphoneChild       *self);
void           ub_vphone_child_send_signal    (UbVphoneChild       *self,
                                               int                  signum);
void           ub_vphone_child_reap_orphans   (void);

G_END_DECLS
