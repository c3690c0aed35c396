/* ub-rehearsal-page.c — the whole sequence, untimed, with pictures
 *
 * "Hard to do this without having had time to read the instructions in
 * peace" (palera1n PR #290): every step is shown at once, with no clock, so
 * that nobody has to read while counting.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-rehearsal-page"

#include "config.h"

#include <glib/gi18n.h>

#include "ub-rehearsal-page.h"
#include "ub-step-row.h"

struct _UbRehearsalPage
{
  UbPage      parent_instance;

  GtkListBox *step_list;
  GtkLabel   *intro_label;
  GtkLabel   *total_label;
};

G_DEFINE_FINAL_TYPE (UbRehearsalPage, ub_rehearsal_page, UB_TYPE_PAGE)

static const char *
intro_for (UbSequenceKind kind)
{
  switch (kind)
    {
    case UB_SEQUENCE_FORCE_RESTART:
      return _("Read the steps for a force restart calmly. Try the grip on the buttons without pressing. No timer runs on this page.");
    case UB_SEQUENCE_RECOVERY:
      return _("Read the steps for recovery mode calmly. Try the grip on the buttons without pressing. No timer runs on this page.");
    case UB_SEQUENCE_DFU_ASSISTED:
      return _("The phone is in recovery mode, so this computer can restart it at the right moment: you only hold the buttons. Read the steps calmly; no timer runs on this page.");
    case UB_SEQUENCE_DFU:
    default:
      return _("Read the steps for DFU mode calmly. Try the grip on the buttons without pressing. No timer runs on this page.");
    }
}

static void
rebuild (UbRehearsalPage *self)
{
  UbRescue *rescue = ub_page_get_rescue (UB_PAGE (self));
  UbModel *model = ub_rescue_get_model (rescue);
  gboolean from_recovery = FALSE;
  UbSequence *seq = ub_rescue_choose_sequence (rescue, &from_recovery);
  g_autofree char *total = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->step_list))) != NULL)
    gtk_list_box_remove (self->step_list, child);
  ub_page_set_complete (UB_PAGE (self), seq != NULL);
  if (seq == NULL)
    return;

  g_debug ("Rehearsing “%s” for %s (from recovery: %s)",
           ub_sequence_kind_to_string (ub_sequence_get_kind (seq)),
           ub_model_get_product_type (model), from_recovery ? "yes" : "no");
  for (guint i = 0; i < ub_sequence_get_n_steps (seq); i++)
    gtk_list_box_append (self->step_list,
                         ub_step_row_new (model, ub_sequence_get_step (seq, i), i + 1, from_recovery));

  gtk_label_set_label (self->intro_label, intro_for (ub_sequence_get_kind (seq)));
  total = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                        "The timed guide on the next page takes about %u second.",
                                        "The timed guide on the next page takes about %u seconds.",
                                        ub_sequence_get_total_seconds (seq, from_recovery)),
                           ub_sequence_get_total_seconds (seq, from_recovery));
  gtk_label_set_label (self->total_label, total);
}

static void
ub_rehearsal_page_shown (UbPage *page)
{
  rebuild (UB_REHEARSAL_PAGE (page));
}

static void
ub_rehearsal_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), UB_TYPE_REHEARSAL_PAGE);
  G_OBJECT_CLASS (ub_rehearsal_page_parent_class)->dispose (object);
}

static void
ub_rehearsal_page_class_init (UbRehearsalPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = ub_rehearsal_page_dispose;
  UB_PAGE_CLASS (klass)->shown = ub_rehearsal_page_shown;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/ub-rehearsal-page.ui");
  gtk_widget_class_bind_template_child (widget_class, UbRehearsalPage, step_list);
  gtk_widget_class_bind_template_child (widget_class, UbRehearsalPage, intro_label);
  gtk_widget_class_bind_template_child (widget_class, UbRehearsalPage, total_label);
}

static void
ub_rehearsal_page_init (UbRehearsalPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* TRANSLATORS: page title: the steps are shown without a timer */
  ub_page_set_title (UB_PAGE (self), _("Rehearsal"));
  /* TRANSLATORS: the Next button on the rehearsal page */
  ub_page_set_next_label (UB_PAGE (self), _("_I Am Ready"));
}

UbPage *
ub_rehearsal_page_new (UbRescue *rescue)
{
  return g_object_new (UB_TYPE_REHEARSAL_PAGE, "rescue", rescue, NULL);
}
