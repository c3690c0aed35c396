/* ub-done-page.h — "Done": how the restore ended and what to do next
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ub-page.h"

G_BEGIN_DECLS

#define UB_TYPE_DONE_PAGE (ub_done_page_get_type ())

G_DECLARE_FINAL_TYPE (UbDonePage, ub_done_page, UB, DONE_PAGE, UbPage)

UbPage *ub_done_page_new (UbRescue *rescue);

G_END_DECLS
