/* ub-safety-page.h — "Before you start"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ub-page.h"

G_BEGIN_DECLS

#define UB_TYPE_SAFETY_PAGE (ub_safety_page_get_type ())

G_DECLARE_FINAL_TYPE (UbSafetyPage, ub_safety_page, UB, SAFETY_PAGE, UbPage)

UbPage *ub_safety_page_new (UbRescue *rescue);

G_END_DECLS
