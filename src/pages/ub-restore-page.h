/* ub-restore-page.h — "Restore"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ub-page.h"

G_BEGIN_DECLS

#define UB_TYPE_RESTORE_PAGE (ub_restore_page_get_type ())

G_DECLARE_FINAL_TYPE (UbRestorePage, ub_restore_page, UB, RESTORE_PAGE, UbPage)

UbPage       *ub_restore_page_new     (UbRescue      *rescue);
UbRestoreJob *ub_restore_page_get_job (UbRestorePage *self);

G_END_DECLS
