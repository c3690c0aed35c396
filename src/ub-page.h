/* ub-page.h — one page of the wizard
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ub-rescue.h"

G_BEGIN_DECLS

#define UB_TYPE_PAGE (ub_page_get_type ())

G_DECLARE_DERIVABLE_TYPE (UbPage, ub_page, UB, PAGE, AdwBin)

struct _UbPageClass
{
  AdwBinClass parent_class;

  /* The page became visible / stopped being visible. */
  void     (*shown)  (UbPage       *page);
  void     (*hidden) (UbPage       *page);
  /* Work to do before leaving with Next: return TRUE if it runs
   * asynchronously and ub_page_apply_complete() will follow. */
  gboolean (*apply)  (UbPage       *page,
                      GCancellable *cancellable);
};

UbRescue   *ub_page_get_rescue          (UbPage      *self);
const char *ub_page_get_title           (UbPage      *self);
void        ub_page_set_title           (UbPage      *self,
                                         const char  *title);
gboolean    ub_page_get_complete        (UbPage      *self);
void        ub_page_set_complete        (UbPage      *self,
                                         gboolean     complete);
gboolean    ub_page_get_applying        (UbPage      *self);
const char *ub_page_get_next_label      (UbPage      *self);
void        ub_page_set_next_label      (UbPage      *self,
                                         const char  *label);
gboolean    ub_page_get_can_go_back     (UbPage      *self);
void        ub_page_set_can_go_back     (UbPage      *self,
                                         gboolean     can_go_back);

gboolean    ub_page_get_needed          (UbPage      *self);
void        ub_page_set_needed          (UbPage      *self,
                                         gboolean     needed);

void        ub_page_shown               (UbPage      *self);
void        ub_page_hidden              (UbPage      *self);
void        ub_page_apply_begin         (UbPage      *self);
void        ub_page_apply_cancel        (UbPage      *self);
void        ub_page_apply_complete      (UbPage      *self,
                                         gboolean     valid);
void        ub_page_request_next        (UbPage      *self);

G_END_DECLS
