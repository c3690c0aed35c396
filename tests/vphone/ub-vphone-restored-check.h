/* ub-vphone-restored-check.h — how the virtual restored checks the host's answers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <plist/plist.h>

#include <glib.h>

G_BEGIN_DECLS

typedef struct _UbVphoneRestoredCheck UbVphoneRestoredCheck;

UbVphoneRestoredCheck *ub_vphone_restored_check_new      (guint64                ecid,
                                                          GBytes                *ap_nonce);
void                   ub_vphone_restored_check_free     (UbVphoneRestoredCheck *self);
gboolean               ub_vphone_restored_check_answer   (UbVphoneRestoredCheck *self,
                                                          const char            *data_type,
                                                          plist_t                arguments,
                                                          plist_t                reply,
                                                          char                 **summary,
                                                          char                 **problem);
gboolean               ub_vphone_restored_check_img4     (UbVphoneRestoredCheck *self,
                                                          plist_t                node,
                                                          const char * const    *types,
                                                          gsize                 *size,
                                                          char                 **problem);
char                 **ub_vphone_restored_check_take_list (plist_t               reply,
                                                          const char            *key);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UbVphoneRestoredCheck, ub_vphone_restored_check_free)

G_END_DECLS
