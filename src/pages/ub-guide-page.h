/* ub-guide-page.h — the timed button guide, with live USB detection
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ub-page.h"
#include "ub-speaker.h"

G_BEGIN_DECLS

#define UB_TYPE_GUIDE_PAGE (ub_guide_page_get_type ())

G_DECLARE_FINAL_TYPE (UbGuidePage, ub_guide_page, UB, GUIDE_PAGE, UbPage)

UbPage  *ub_guide_page_new       (UbRescue    *rescue,
                                  UbSpeaker   *speaker);
UbGuide *ub_guide_page_get_guide (UbGuidePage *self);

G_END_DECLS
