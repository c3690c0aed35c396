/* ub-guide-page-private.h — shared between the guide page's two files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ub-countdown.h"
#include "ub-guide-page.h"
#include "ub-phone-view.h"

G_BEGIN_DECLS

struct _UbGuidePage
{
  UbPage        parent_instance;

  UbSpeaker    *speaker;
  UbGuide      *guide;
  UbDevice     *arrived;
  GCancellable *cancellable;
  guint         tick_id;
  guint         advance_id;
  gboolean      already_there;

  UbPhoneView  *phone_view;
  UbCountdown  *countdown;
  GtkLabel     *step_label;
  GtkLabel     *instruction_label;
  GtkLabel     *cue_label;
  GtkLabel     *status_label;
  GtkWidget    *cue_button;
  GtkWidget    *start_button;
  GtkWidget    *pause_button;
  GtkWidget    *restart_button;
  GtkWidget    *step_box;
  GtkWidget    *outcome_box;
  GtkImage     *outcome_icon;
  GtkLabel     *outcome_title;
  GtkLabel     *outcome_body;
  GtkWidget    *try_again_button;
  GtkWidget    *restarted_yes_button;
  GtkWidget    *restarted_no_button;
};

void _ub_guide_page_show_outcome (UbGuidePage *self);
void _ub_guide_page_hide_outcome (UbGuidePage *self);
void _ub_guide_page_rebuild      (UbGuidePage *self);
void _ub_guide_page_bind_outcome (GtkWidgetClass *widget_class);

G_END_DECLS
