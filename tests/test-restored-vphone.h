/* test-restored-vphone.h — what the two halves of test-restored-vphone share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ub-core.h"
#include "ub-vphone-client.h"

G_BEGIN_DECLS

void     ub_test_restored_phone_to_restore_mode (UbVphoneClient      *phone);
gboolean ub_test_restored_run                   (UbVphoneClient      *phone,
                                                 UbRestoredHandlers  *with,
                                                 gpointer             data,
                                                 gboolean             with_fdr,
                                                 gint64              *elapsed_us,
                                                 GError             **error);
void     ub_test_restored_add_script_tests      (void);

G_END_DECLS
