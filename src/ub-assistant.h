/* ub-assistant.h — the page manager: one page at a time, Back/Next/Cancel in one place
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ub-page.h"

G_BEGIN_DECLS

#define UB_TYPE_ASSISTANT (ub_assistant_get_type ())

G_DECLARE_FINAL_TYPE (UbAssistant, ub_assistant, UB, ASSISTANT, AdwBin)

void        ub_assistant_add_page         (UbAssistant *self,
                                           const char  *name,
                                           UbPage      *page);
UbPage     *ub_assistant_get_page_by_name (UbAssistant *self,
                                           const char  *name);
UbPage     *ub_assistant_get_current_page (UbAssistant *self);
guint       ub_assistant_get_n_pages      (UbAssistant *self);
UbPage     *ub_assistant_get_page         (UbAssistant *self,
                                           guint        index);
void        ub_assistant_go_to            (UbAssistant *self,
                                           UbPage      *page);
void        ub_assistant_next             (UbAssistant *self);
void        ub_assistant_back             (UbAssistant *self);
void        ub_assistant_start_over       (UbAssistant *self);
const char *ub_assistant_get_title        (UbAssistant *self);
const char *ub_assistant_get_subtitle     (UbAssistant *self);

G_END_DECLS
