/* fuzz-restored-message.c — a message from restored during a restore, as
 * the phone (or anything pretending to be one) may send it
 *
 * The bytes go through the untrusted plist parser as ub_restored_receive()
 * does, then into the dispatcher with handlers that accept everything.
 * Whatever the message, the dispatcher must give a verdict, an error with
 * a readable message exactly when it fails, and a reply only of the shapes
 * it knows.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ub-error.h"
#include "ub-plist.h"
#include "ub-restored.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
on_progress (guint       operation,
             const char *name,
             int         percent,
             gpointer    user_data)
{
  g_assert_nonnull (name);
  g_assert_true (g_utf8_validate (name, -1, NULL));
  g_assert_true (percent == -1 || (percent >= 1 && percent <= 100));
}

static gboolean
on_data_request (UbRestored  *client,
                 const char  *data_type,
                 plist_t      message,
                 gboolean     is_async,
                 gpointer     user_data,
                 GError     **error)
{
  g_assert_true (data_type != NULL && *data_type != '\0');
  g_assert_true (g_utf8_validate (data_type, -1, NULL));
  /* refuse every other one, as a handler without that type would */
  if (GPOINTER_TO_UINT (user_data) % 2 == 0)
    return TRUE;
  g_set_error (error, UB_ERROR, UB_ERROR_NOT_SUPPORTED, "not here");
  return FALSE;
}

static UbRestoredHandlers handlers = { on_progress, NULL, on_data_request };

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GError) error = NULL;
  plist_t message = ub_plist_parse_untrusted (data, size, NULL);
  plist_t reply = NULL;
  UbRestoredVerdict verdict;

  if (message == NULL)
    return 0;
  verdict = ub_restored_dispatch (NULL, size % 2 ? 12 : 15, message, &handlers,
                                  GUINT_TO_POINTER (size), &reply, &error);
  switch (verdict)
    {
    case UB_RESTORED_FAILED:
      g_assert_nonnull (error);
      g_assert_true (error->domain == UB_ERROR);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_assert_null (reply);
      break;
    case UB_RESTORED_DONE:
      g_assert_no_error (error);
      g_assert_nonnull (reply);
      g_assert_nonnull (plist_dict_get_item (reply, "MsgType"));
      break;
    case UB_RESTORED_CONTINUE:
      g_assert_no_error (error);
      g_assert_true (reply == NULL || plist_dict_get_item (reply, "RestoreShouldAttest") != NULL);
      break;
    default:
      g_assert_not_reached ();
    }
  g_clear_pointer (&reply, plist_free);
  plist_free (message);
  g_assert_cmpstr (ub_restored_operation_name (G_MAXUINT, 15), !=, NULL);
  g_assert_cmpstr (ub_restored_status_meaning (G_MAXUINT64), !=, NULL);
  return 0;
}
