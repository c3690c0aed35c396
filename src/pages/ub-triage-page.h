/* ub-triage-page.h — "What's wrong?"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ub-page.h"

G_BEGIN_DECLS

#define UB_TYPE_TRIAGE_PAGE (ub_triage_page_get_type ())

G_DECLARE_FINAL_TYPE (UbTriagePage, ub_triage_page, UB, TRIAGE_PAGE, UbPage)

UbPage *ub_triage_page_new (UbRescue *rescue);

G_END_DECLS
