/* ub-rehearsal-page.h — the whole sequence, untimed, with pictures
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ub-page.h"

G_BEGIN_DECLS

#define UB_TYPE_REHEARSAL_PAGE (ub_rehearsal_page_get_type ())

G_DECLARE_FINAL_TYPE (UbRehearsalPage, ub_rehearsal_page, UB, REHEARSAL_PAGE, UbPage)

UbPage *ub_rehearsal_page_new (UbRescue *rescue);

G_END_DECLS
