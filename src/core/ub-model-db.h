/* ub-model-db.h — every model, looked up by identifiers or name
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ub-model.h"

G_BEGIN_DECLS

#define UB_TYPE_MODEL_DB (ub_model_db_get_type ())

G_DECLARE_FINAL_TYPE (UbModelDb, ub_model_db, UB, MODEL_DB, GObject)

UbModelDb *ub_model_db_new_default            (void);
UbModelDb *ub_model_db_new_from_bytes         (GBytes      *tsv,
                                               GError     **error);
guint      ub_model_db_get_n_models           (UbModelDb   *self);
UbModel   *ub_model_db_lookup_product_type    (UbModelDb   *self,
                                               const char  *product_type);
GPtrArray *ub_model_db_list_by_product_type   (UbModelDb   *self,
                                               const char  *product_type);
UbModel   *ub_model_db_lookup_board           (UbModelDb   *self,
                                               const char  *board);
UbModel   *ub_model_db_lookup_chip            (UbModelDb   *self,
                                               guint        cpid,
                                               guint        bdid);
GPtrArray *ub_model_db_search                 (UbModelDb   *self,
                                               const char  *fragment);
GPtrArray *ub_model_db_resolve                (UbModelDb   *self,
                                               const char  *query);
UbModel   *ub_model_db_resolve_one            (UbModelDb   *self,
                                               const char  *query,
                                               GError     **error);
GPtrArray *ub_model_db_find_duplicate_chips   (UbModelDb   *self);

G_END_DECLS
