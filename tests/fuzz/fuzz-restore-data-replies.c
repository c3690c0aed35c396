/* fuzz-restore-data-replies.c — the data-request answers built from an
 * IPSW's build identity (untrusted: it comes from the firmware file)
 *
 * The input plist is used as the Manifest, as the request's Arguments and
 * as the build identity, so every builder sees every shape.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ub-error.h"
#include "ub-plist.h"
#include "ub-restore-data-replies.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* A stand-in image; entries whose name starts with 'x' fail */
static GBytes *
fake_image (const char  *component,
            gpointer     user_data,
            GError     **error)
{
  guint *calls = user_data;

  (*calls)++;
  if (component[0] == 'x')
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_CORRUPT_ARCHIVE, "fails");
      return NULL;
    }
  return g_bytes_new (component, strlen (component));
}

static void
check (plist_t  reply,
       GError  *error)
{
  if (reply == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == UB_ERROR);
      return;
    }
  g_assert_null (error);
  g_assert_cmpint (plist_get_node_type (reply), ==, PLIST_DICT);
  plist_free (reply);
}

static void
run_builders (plist_t input)
{
  static const char * const types[] = { "PersonalizedData", "FUDData", "EANData" };
  g_autoptr(GPtrArray) nor = ub_restore_data_nor_components (input);
  g_autoptr(GPtrArray) flagged = ub_restore_data_flagged_components (input, "IsFUDFirmware");
  plist_t identity = plist_new_dict ();
  GError *error = NULL;
  guint calls = 0;
  plist_t reply;

  /* iBoot only first; LLB and RestoreSEP never in the array */
  for (guint i = 0; i < nor->len; i++)
    {
      g_assert_true (i == 0 || !g_str_equal (g_ptr_array_index (nor, i), "iBoot"));
      g_assert_cmpstr (g_ptr_array_index (nor, i), !=, "LLB");
      g_assert_cmpstr (g_ptr_array_index (nor, i), !=, "RestoreSEP");
    }
  for (guint i = 0; i < flagged->len; i++)
    g_assert_true (ub_restore_data_has_component (input, g_ptr_array_index (flagged, i)));
  for (gsize i = 0; i < G_N_ELEMENTS (types); i++)
    {
      reply = ub_restore_data_image_reply (input, types[i], input, fake_image, &calls, &error);
      check (reply, error);
      g_clear_error (&error);
    }
  for (int v1 = 0; v1 < 2; v1++)
    {
      reply = ub_restore_data_nor_reply (input, v1, fake_image, &calls, &error);
      check (reply, error);
      g_clear_error (&error);
    }
  reply = ub_restore_data_identity_reply (input, input, &error);
  check (reply, error);
  g_clear_error (&error);
  plist_dict_set_item (identity, "Manifest", plist_copy (input));
  reply = ub_restore_data_receipt_reply (identity, &error);
  check (reply, error);
  g_clear_error (&error);
  reply = ub_restore_data_receipt_reply (input, &error);
  check (reply, error);
  g_clear_error (&error);
  plist_free (identity);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GError) error = NULL;
  plist_t input = ub_plist_parse_untrusted (data, size, &error);

  if (input == NULL)
    return 0;
  run_builders (input);
  plist_free (input);
  return 0;
}
