/* ub-model-db.c — every model, looked up by identifiers or name
 *
 * The table lives in data/models.tsv, compiled into the core library as a
 * GResource. It is a GListModel of UbModel so that the UI can filter and
 * group it directly.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-model-db"

#include "config.h"

#include <string.h>

#include "ub-data-resources.h"
#include "ub-error.h"
#include "ub-model-db.h"

#define MODELS_RESOURCE RESOURCE_BASE "/data/models.tsv"
#define N_COLUMNS 11

struct _UbModelDb
{
  GObject    parent_instance;

  GPtrArray *models;         /* (element-type UbModel) in file order */
  GHashTable *by_product;    /* lower-case product type → GPtrArray (borrowed models) */
  GHashTable *by_board;      /* lower-case board → UbModel (borrowed) */
  GHashTable *by_chip;       /* (cpid << 16 | bdid) → GPtrArray (borrowed models) */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (UbModelDb, ub_model_db, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
ub_model_db_get_item_type (GListModel *model)
{
  return UB_TYPE_MODEL;
}

static guint
ub_model_db_get_n_items (GListModel *model)
{
  return UB_MODEL_DB (model)->models->len;
}

static gpointer
ub_model_db_get_item (GListModel *model,
                      guint       position)
{
  UbModelDb *self = UB_MODEL_DB (model);

  if (position >= self->models->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->models, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = ub_model_db_get_item_type;
  iface->get_n_items = ub_model_db_get_n_items;
  iface->get_item = ub_model_db_get_item;
}

static void
ub_model_db_finalize (GObject *object)
{
  UbModelDb *self = (UbModelDb *)object;

  g_clear_pointer (&self->by_product, g_hash_table_unref);
  g_clear_pointer (&self->by_board, g_hash_table_unref);
  g_clear_pointer (&self->by_chip, g_hash_table_unref);
  g_clear_pointer (&self->models, g_ptr_array_unref);

  G_OBJECT_CLASS (ub_model_db_parent_class)->finalize (object);
}

static void
ub_model_db_class_init (UbModelDbClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ub_model_db_finalize;
}

static void
ub_model_db_init (UbModelDb *self)
{
  self->models = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_product = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify)g_ptr_array_unref);
  self->by_board = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->by_chip = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify)g_ptr_array_unref);
}

static gboolean
parse_hex (const char *str,
           guint       max,
           guint      *out)
{
  guint64 value;

  if (!g_str_has_prefix (str, "0x"))
    return FALSE;
  if (!g_ascii_string_to_unsigned (str + 2, 16, 0, max, &value, NULL))
    return FALSE;
  *out = (guint)value;
  return TRUE;
}

static gboolean
parse_enum_column (const char *str,
                   const char * const *names,
                   guint       n_names,
                   guint      *out)
{
  for (guint i = 0; i < n_names; i++)
    {
      if (g_str_equal (str, names[i]))
        {
          *out = i;
          return TRUE;
        }
    }
  return FALSE;
}

static UbModel *
parse_row (char   **cols,
           guint    lineno,
           GError **error)
{
  static const char * const powers[] = { "side", "top" };
  static const char * const connectors[] = { "30pin", "lightning", "usb-c" };
  UbButtonFamily family;
  guint cpid, bdid, power, connector;
  guint64 year;

  if (g_strv_length (cols) != N_COLUMNS)
    goto bad;
  if (*cols[0] == '\0' || *cols[1] == '\0' || *cols[2] == '\0')
    goto bad;
  if (!parse_hex (cols[3], 0xFFFF, &cpid) || !parse_hex (cols[4], 0xFF, &bdid))
    goto bad;
  if (!g_ascii_string_to_unsigned (cols[6], 10, 1990, 2100, &year, NULL))
    goto bad;
  if (!ub_button_family_from_string (cols[7], &family) ||
      !parse_enum_column (cols[8], powers, G_N_ELEMENTS (powers), &power) ||
      !parse_enum_column (cols[9], connectors, G_N_ELEMENTS (connectors), &connector))
    goto bad;

  return ub_model_new (cols[0], cols[1], cols[2], cpid, bdid, cols[5], (guint)year,
                       family, (UbPowerButton)power, (UbConnector)connector, cols[10]);

bad:
  g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA,
               "Model table line %u is malformed", lineno);
  return NULL;
}

static void
index_model (UbModelDb *self,
             UbModel   *model)
{
  g_autofree char *pt = g_ascii_strdown (ub_model_get_product_type (model), -1);
  gpointer chip_key = GUINT_TO_POINTER (ub_model_get_cpid (model) << 16 | ub_model_get_bdid (model));
  GPtrArray *list;

  list = g_hash_table_lookup (self->by_product, pt);
  if (list == NULL)
    {
      list = g_ptr_array_new ();
      g_hash_table_insert (self->by_product, g_steal_pointer (&pt), list);
    }
  g_ptr_array_add (list, model);

  if (!g_hash_table_contains (self->by_board, ub_model_get_board (model)))
    g_hash_table_insert (self->by_board, g_strdup (ub_model_get_board (model)), model);

  list = g_hash_table_lookup (self->by_chip, chip_key);
  if (list == NULL)
    {
      list = g_ptr_array_new ();
      g_hash_table_insert (self->by_chip, chip_key, list);
    }
  g_ptr_array_add (list, model);
}

static gboolean
ub_model_db_load (UbModelDb  *self,
                  GBytes     *tsv,
                  GError    **error)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  gsize len;
  const char *data = g_bytes_get_data (tsv, &len);
  gboolean seen_header = FALSE;

  if (!g_utf8_validate_len (data, len, NULL))
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                           "Model table is not valid UTF-8");
      return FALSE;
    }

  text = g_strndup (data ? data : "", len);   /* an empty GBytes has no data */
  lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) cols = NULL;
      UbModel *model;

      g_strchomp (lines[i]);
      if (lines[i][0] == '\0' || lines[i][0] == '#')
        continue;
      if (!seen_header)
        {
          seen_header = TRUE;
          if (g_str_has_prefix (lines[i], "name\t"))
            continue;
        }

      cols = g_strsplit (lines[i], "\t", -1);
      if (!(model = parse_row (cols, i + 1, error)))
        return FALSE;
      g_ptr_array_add (self->models, model);
      index_model (self, model);
    }

  g_debug ("Loaded %u models", self->models->len);
  return TRUE;
}

/**
 * ub_model_db_new_from_bytes:
 * @tsv: the table, in the format of data/models.tsv
 *
 * Returns: (transfer full): a database, or %NULL with @error set when a line is malformed
 */
UbModelDb *
ub_model_db_new_from_bytes (GBytes  *tsv,
                            GError **error)
{
  g_autoptr(UbModelDb) self = g_object_new (UB_TYPE_MODEL_DB, NULL);

  g_return_val_if_fail (tsv != NULL, NULL);

  if (!ub_model_db_load (self, tsv, error))
    return NULL;
  return g_steal_pointer (&self);
}

/**
 * ub_model_db_new_default:
 *
 * Returns: (transfer full): the table compiled into Unbrick. It cannot fail:
 *   the test suite loads the same resource.
 */
UbModelDb *
ub_model_db_new_default (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  UbModelDb *self;

  /* Referencing the resource keeps it linked from the static library */
  g_assert (ub_data_get_resource () != NULL);
  bytes = g_resources_lookup_data (MODELS_RESOURCE, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (bytes == NULL)
    g_error ("Model table missing from resources: %s", error->message);
  self = ub_model_db_new_from_bytes (bytes, &error);
  if (self == NULL)
    g_error ("Model table broken: %s", error->message);
  return self;
}

guint
ub_model_db_get_n_models (UbModelDb *self)
{
  g_return_val_if_fail (UB_IS_MODEL_DB (self), 0);
  return self->models->len;
}

/**
 * ub_model_db_list_by_product_type:
 *
 * Returns: (transfer container) (element-type UbModel): every board of a
 *   product type (two for the A9 Samsung/TSMC phones), possibly empty
 */
GPtrArray *
ub_model_db_list_by_product_type (UbModelDb  *self,
                                  const char *product_type)
{
  g_autofree char *key = NULL;
  GPtrArray *list;

  g_return_val_if_fail (UB_IS_MODEL_DB (self), NULL);
  g_return_val_if_fail (product_type != NULL, NULL);

  key = g_ascii_strdown (product_type, -1);
  list = g_hash_table_lookup (self->by_product, key);
  if (list == NULL)
    return g_ptr_array_new ();
  return g_ptr_array_copy (list, NULL, NULL);
}

/**
 * ub_model_db_lookup_product_type:
 *
 * Returns: (transfer none) (nullable): the first board of @product_type
 */
UbModel *
ub_model_db_lookup_product_type (UbModelDb  *self,
                                 const char *product_type)
{
  g_autofree char *key = NULL;
  GPtrArray *list;

  g_return_val_if_fail (UB_IS_MODEL_DB (self), NULL);
  g_return_val_if_fail (product_type != NULL, NULL);

  key = g_ascii_strdown (product_type, -1);
  list = g_hash_table_lookup (self->by_product, key);
  return list != NULL ? g_ptr_array_index (list, 0) : NULL;
}

/**
 * ub_model_db_lookup_board:
 * @board: a board config such as "d22ap" (any case)
 *
 * Returns: (transfer none) (nullable): the model
 */
UbModel *
ub_model_db_lookup_board (UbModelDb  *self,
                          const char *board)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (UB_IS_MODEL_DB (self), NULL);
  g_return_val_if_fail (board != NULL, NULL);

  key = g_ascii_strdown (board, -1);
  return g_hash_table_lookup (self->by_board, key);
}

/**
 * ub_model_db_lookup_chip:
 *
 * Identifies a phone in DFU or recovery mode from its USB serial string.
 *
 * Returns: (transfer none) (nullable): the model with this (CPID, BDID)
 */
UbModel *
ub_model_db_lookup_chip (UbModelDb *self,
                         guint      cpid,
                         guint      bdid)
{
  GPtrArray *list;

  g_return_val_if_fail (UB_IS_MODEL_DB (self), NULL);

  if (cpid > 0xFFFF || bdid > 0xFF)
    return NULL;
  list = g_hash_table_lookup (self->by_chip, GUINT_TO_POINTER (cpid << 16 | bdid));
  return list != NULL ? g_ptr_array_index (list, 0) : NULL;
}

static gboolean
contains_casefold (const char *haystack,
                   const char *needle_folded)
{
  g_autofree char *folded = g_utf8_casefold (haystack, -1);

  return strstr (folded, needle_folded) != NULL;
}

/**
 * ub_model_db_search:
 * @fragment: part of a name, product type or board config
 *
 * Returns: (transfer container) (element-type UbModel): matches in table order
 */
GPtrArray *
ub_model_db_search (UbModelDb  *self,
                    const char *fragment)
{
  g_autofree char *needle = NULL;
  GPtrArray *found;

  g_return_val_if_fail (UB_IS_MODEL_DB (self), NULL);
  g_return_val_if_fail (fragment != NULL, NULL);

  needle = g_utf8_casefold (fragment, -1);
  g_strstrip (needle);
  found = g_ptr_array_new ();

  for (guint i = 0; i < self->models->len; i++)
    {
      UbModel *model = g_ptr_array_index (self->models, i);

      if (contains_casefold (ub_model_get_name (model), needle) ||
          contains_casefold (ub_model_get_product_type (model), needle) ||
          contains_casefold (ub_model_get_board (model), needle))
        g_ptr_array_add (found, model);
    }
  return found;
}

static char *
base_name_folded (UbModel *model)
{
  const char *name = ub_model_get_name (model);
  const char *paren = strstr (name, " (");
  g_autofree char *base = g_strndup (name, paren ? (gsize)(paren - name) : strlen (name));

  return g_utf8_casefold (base, -1);
}

static GPtrArray *
filter_names (UbModelDb  *self,
              const char *needle,
              gboolean    base_only)
{
  GPtrArray *found = g_ptr_array_new ();

  for (guint i = 0; i < self->models->len; i++)
    {
      UbModel *model = g_ptr_array_index (self->models, i);
      g_autofree char *name = base_only ? base_name_folded (model)
                                        : g_utf8_casefold (ub_model_get_name (model), -1);

      if (g_str_equal (name, needle))
        g_ptr_array_add (found, model);
    }
  return found;
}

/**
 * ub_model_db_resolve:
 * @query: a product type, a board config, a name or a fragment of one
 *
 * Resolves what a person typed, most precise reading first: product type,
 * board config, full name, name without its variant ("iPhone X" for
 * "iPhone X (GSM)"), then any fragment.
 *
 * Returns: (transfer container) (element-type UbModel): the candidates of the
 *   first reading that matched anything; empty when nothing matched
 */
GPtrArray *
ub_model_db_resolve (UbModelDb  *self,
                     const char *query)
{
  g_autofree char *needle = NULL;
  GPtrArray *found;
  UbModel *model;

  g_return_val_if_fail (UB_IS_MODEL_DB (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  found = ub_model_db_list_by_product_type (self, query);
  if (found->len > 0)
    return found;
  g_ptr_array_unref (found);

  if ((model = ub_model_db_lookup_board (self, query)) != NULL)
    {
      found = g_ptr_array_new ();
      g_ptr_array_add (found, model);
      return found;
    }

  needle = g_utf8_casefold (query, -1);
  g_strstrip (needle);
  for (guint pass = 0; pass < 2; pass++)
    {
      found = filter_names (self, needle, pass == 1);
      if (found->len > 0)
        return found;
      g_ptr_array_unref (found);
    }

  return ub_model_db_search (self, query);
}

static gboolean
same_buttons (GPtrArray *models)
{
  UbModel *first = g_ptr_array_index (models, 0);

  for (guint i = 1; i < models->len; i++)
    {
      UbModel *other = g_ptr_array_index (models, i);

      if (ub_model_get_family (other) != ub_model_get_family (first) ||
          ub_model_get_power_button (other) != ub_model_get_power_button (first))
        return FALSE;
    }
  return TRUE;
}

/**
 * ub_model_db_resolve_one:
 *
 * Like ub_model_db_resolve(), for callers that need one model's buttons:
 * several candidates are accepted when they share a button layout (the two
 * boards of one phone, or "iPhone X" for its Global and GSM variants).
 *
 * Returns: (transfer none) (nullable): the model, or %NULL with
 *   %UB_ERROR_NOT_FOUND or %UB_ERROR_AMBIGUOUS (the message lists candidates)
 */
UbModel *
ub_model_db_resolve_one (UbModelDb   *self,
                         const char  *query,
                         GError     **error)
{
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GString) names = NULL;

  g_return_val_if_fail (UB_IS_MODEL_DB (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  found = ub_model_db_resolve (self, query);
  if (found->len == 0)
    {
      g_set_error (error, UB_ERROR, UB_ERROR_NOT_FOUND,
                   "No model matches “%s”", query);
      return NULL;
    }
  if (same_buttons (found))
    return g_ptr_array_index (found, 0);

  names = g_string_new (NULL);
  for (guint i = 0; i < found->len && i < 8; i++)
    g_string_append_printf (names, "%s%s", i ? ", " : "",
                            ub_model_get_product_type (g_ptr_array_index (found, i)));
  if (found->len > 8)
    g_string_append (names, ", …");
  g_set_error (error, UB_ERROR, UB_ERROR_AMBIGUOUS,
               "“%s” matches %u models with different buttons: %s",
               query, found->len, names->str);
  return NULL;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *)a, *(const char * const *)b);
}

/**
 * ub_model_db_find_duplicate_chips:
 *
 * A phone in DFU mode is identified by (CPID, BDID) alone, so two models
 * sharing a pair would make the lookup guess. This lists every such clash.
 *
 * Returns: (transfer full) (element-type utf8): one description per clashing
 *   pair, such as "0x8010/0x0c: iPhone9,3 d101ap, iPad7,5 j71bap"; empty if none
 */
GPtrArray *
ub_model_db_find_duplicate_chips (UbModelDb *self)
{
  GPtrArray *clashes = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (UB_IS_MODEL_DB (self), NULL);

  g_hash_table_iter_init (&iter, self->by_chip);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GPtrArray *list = value;
      guint chip = GPOINTER_TO_UINT (key);
      GString *line;

      if (list->len < 2)
        continue;
      line = g_string_new (NULL);
      g_string_append_printf (line, "0x%04x/0x%02x:", chip >> 16, chip & 0xFF);
      for (guint i = 0; i < list->len; i++)
        g_string_append_printf (line, "%s %s %s", i ? "," : "",
                                ub_model_get_product_type (g_ptr_array_index (list, i)),
                                ub_model_get_board (g_ptr_array_index (list, i)));
      g_ptr_array_add (clashes, g_string_free (line, FALSE));
    }
  g_ptr_array_sort (clashes, compare_strings);
  return clashes;
}
