/* fuzz-tss-response.c — what Apple's TSS server (or anything on the way)
 * answers: the STATUS line, the plist, the ticket's shape
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ub-error.h"
#include "ub-tss-response.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) ticket = NULL;
  int status = 0;
  plist_t response = ub_tss_response_parse (data, size, &status, &error);

  /* any of the three: a dictionary, a status error, or no status */
  if (response == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == UB_ERROR);
      g_assert_true (status != 0 || error->code == UB_ERROR_PROTOCOL);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      ub_tss_ticket_check_shape (data, size, NULL);
      return 0;
    }
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpint (plist_get_node_type (response), ==, PLIST_DICT);
  ticket = ub_tss_response_dup_ticket (response, &error);
  if (ticket != NULL)
    {
      gsize len = 0;
      const guint8 *der = g_bytes_get_data (ticket, &len);

      g_assert_true (ub_tss_ticket_check_shape (der, len, NULL));
      g_assert_cmpuint (der[0], ==, 0x30);
    }
  else
    g_assert_error (error, UB_ERROR, UB_ERROR_PROTOCOL);
  plist_free (response);
  return 0;
}
