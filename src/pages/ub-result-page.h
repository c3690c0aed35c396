/* ub-result-page.h — where the phone is now, and what happens next
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ub-page.h"

G_BEGIN_DECLS

#define UB_TYPE_RESULT_PAGE (ub_result_page_get_type ())

G_DECLARE_FINAL_TYPE (UbResultPage, ub_result_page, UB, RESULT_PAGE, UbPage)

UbPage *ub_result_page_new (UbRescue *rescue);

G_END_DECLS
