/* fuzz-model-table.c — the model table parser
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ub-model-db.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(UbModelDb) db = ub_model_db_new_from_bytes (bytes, NULL);
  g_autoptr(GPtrArray) clashes = NULL;
  g_autoptr(GPtrArray) found = NULL;

  if (db == NULL)
    return 0;
  clashes = ub_model_db_find_duplicate_chips (db);
  found = ub_model_db_resolve (db, "iPhone");
  for (guint i = 0; i < ub_model_db_get_n_models (db); i++)
    {
      g_autoptr(UbModel) model = g_list_model_get_item (G_LIST_MODEL (db), i);
      g_assert_true (ub_model_db_lookup_board (db, ub_model_get_board (model)) != NULL);
    }
  return 0;
}
