/* fuzz-sequences.c — the button sequence data parser
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ub-sequence-book.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(UbSequenceBook) book = ub_sequence_book_new_from_data ((const char *)data, size, NULL);

  if (book == NULL)
    return 0;
  for (guint i = 0; i < ub_sequence_book_get_n_sequences (book); i++)
    {
      UbSequence *seq = ub_sequence_book_get_sequence (book, i);

      g_assert_cmpuint (ub_sequence_get_n_steps (seq), >, 0);
      for (guint j = 0; j < ub_sequence_get_n_steps (seq); j++)
        {
          UbStep *step = ub_sequence_get_step (seq, j);

          g_assert_cmpuint (ub_step_get_seconds (step, FALSE), >, 0);
          g_assert_nonnull (ub_step_get_instruction (step, UB_POWER_BUTTON_TOP));
        }
    }
  return 0;
}
