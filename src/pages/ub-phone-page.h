/* ub-phone-page.h — "Your phone": the connected phone, or a model picked from the list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ub-page.h"

G_BEGIN_DECLS

#define UB_TYPE_PHONE_PAGE (ub_phone_page_get_type ())

G_DECLARE_FINAL_TYPE (UbPhonePage, ub_phone_page, UB, PHONE_PAGE, UbPage)

UbPage *ub_phone_page_new (UbRescue *rescue);

G_END_DECLS
