/* ub-sequence-book.h — every button sequence, loaded from data/sequences.xml
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "ub-sequence.h"

G_BEGIN_DECLS

#define UB_TYPE_SEQUENCE_BOOK (ub_sequence_book_get_type ())

G_DECLARE_FINAL_TYPE (UbSequenceBook, ub_sequence_book, UB, SEQUENCE_BOOK, GObject)

UbSequenceBook *ub_sequence_book_new_default    (void);
UbSequenceBook *ub_sequence_book_new_from_data  (const char      *xml,
                                                 gssize           len,
                                                 GError         **error);
guint           ub_sequence_book_get_n_sequences (UbSequenceBook *self);
UbSequence     *ub_sequence_book_get_sequence   (UbSequenceBook  *self,
                                                 guint            index);
UbSequence     *ub_sequence_book_lookup         (UbSequenceBook  *self,
                                                 UbSequenceKind   kind,
                                                 UbModel         *model);

G_END_DECLS
