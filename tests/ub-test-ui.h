/* ub-test-ui.h — helpers for tests that open real windows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ub-test-files.h"
#include "ub-window.h"

G_BEGIN_DECLS

void     ub_test_setup_display   (void);
void     ub_test_wait_frames     (GtkWidget  *widget,
                                  guint       n_frames);
void     ub_test_wait_ms         (guint       ms);
gboolean ub_test_wait_until      (gboolean  (*predicate) (gpointer),
                                  gpointer    data,
                                  guint       timeout_ms);
char    *ub_test_screenshot      (GtkWidget  *window,
                                  const char *name);
gboolean ub_test_label_is_visible_with (GtkWidget  *root,
                                        const char *text);
GtkWidget *ub_test_find_widget   (GtkWidget  *root,
                                  GType       type,
                                  const char *label);
void     ub_test_click           (GtkWidget  *root,
                                  const char *label);

/* A whole wizard in a presented window, on a fake clock and without USB */
typedef struct
{
  UbModelDb      *db;
  UbSequenceBook *book;
  UbClock        *clock;
  UbRescue       *rescue;
  UbWindow       *window;
  UbAssistant    *assistant;
} UbTestWizard;

void     ub_test_wizard_open     (UbTestWizard *w);
void     ub_test_wizard_close    (UbTestWizard *w);

G_END_DECLS
