/* test-model-db.c — the model table: every research row, every lookup
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ub-core.h"

static char *
research_path (const char *name)
{
  const char *dir = g_getenv ("UB_RESEARCH_DIR");

  return dir ? g_build_filename (dir, name, NULL) : NULL;
}

/* Every row of the research tables is in the compiled database, with the
 * same identifiers and family. */
static void
check_research_file (UbModelDb  *db,
                     const char *name,
                     guint       family_column)
{
  g_autofree char *path = research_path (name);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  guint rows = 0;

  if (path == NULL || !g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("research tables not available (UB_RESEARCH_DIR)");
      return;
    }
  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (text, "\n", -1);

  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) cols = g_strsplit (lines[i], "\t", -1);
      g_autoptr(GPtrArray) models = NULL;
      UbModel *model = NULL;
      guint64 cpid, bdid;

      if (lines[i][0] == '\0')
        continue;
      g_assert_cmpuint (g_strv_length (cols), >, family_column);
      g_assert_true (g_ascii_string_to_unsigned (cols[3] + 2, 16, 0, 0xFFFF, &cpid, NULL));
      g_assert_true (g_ascii_string_to_unsigned (cols[4] + 2, 16, 0, 0xFF, &bdid, NULL));

      models = ub_model_db_list_by_product_type (db, cols[1]);
      for (guint j = 0; j < models->len; j++)
        if (g_str_equal (ub_model_get_board (g_ptr_array_index (models, j)), cols[2]))
          model = g_ptr_array_index (models, j);
      g_assert_nonnull (model);
      g_assert_cmpstr (ub_model_get_name (model), ==, cols[0]);
      g_assert_cmpuint (ub_model_get_cpid (model), ==, cpid);
      g_assert_cmpuint (ub_model_get_bdid (model), ==, bdid);
      g_assert_cmpstr (ub_button_family_to_string (ub_model_get_family (model)), ==,
                       cols[family_column]);
      g_assert_true (ub_model_db_lookup_chip (db, (guint)cpid, (guint)bdid) == model);
      rows++;
    }
  g_test_message ("%s: %u rows checked", name, rows);
  g_assert_cmpuint (rows, >, 50);
}

static void
test_research_rows (void)
{
  g_autoptr(UbModelDb) db = ub_model_db_new_default ();

  check_research_file (db, "devices.tsv", 7);
  check_research_file (db, "devices-ipad.tsv", 8);
  g_assert_cmpuint (ub_model_db_get_n_models (db), ==, 180);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (db)), ==, 180);
}

static void
test_lookups (void)
{
  g_autoptr(UbModelDb) db = ub_model_db_new_default ();
  g_autoptr(GPtrArray) six_s = NULL;
  UbModel *m;

  m = ub_model_db_lookup_product_type (db, "iPhone10,3");
  g_assert_nonnull (m);
  g_assert_cmpstr (ub_model_get_board (m), ==, "d22ap");
  g_assert_cmpuint (ub_model_get_family (m), ==, UB_BUTTON_FAMILY_MODERN);
  g_assert_cmpuint (ub_model_get_power_button (m), ==, UB_POWER_BUTTON_SIDE);
  g_assert_true (ub_model_db_lookup_product_type (db, "iphone10,3") == m);
  g_assert_true (ub_model_db_lookup_board (db, "D22AP") == m);
  g_assert_true (ub_model_db_lookup_chip (db, 0x8015, 0x06) == m);

  /* The two A9 boards of the iPhone 6s, told apart by CPID */
  six_s = ub_model_db_list_by_product_type (db, "iPhone8,1");
  g_assert_cmpuint (six_s->len, ==, 2);
  g_assert_cmpstr (ub_model_get_board (ub_model_db_lookup_chip (db, 0x8000, 0x04)), ==, "n71ap");
  g_assert_cmpstr (ub_model_get_board (ub_model_db_lookup_chip (db, 0x8003, 0x04)), ==, "n71map");

  /* Button names per model (dfu-sequences.md §1) */
  m = ub_model_db_lookup_product_type (db, "iPhone9,3");
  g_assert_cmpuint (ub_model_get_family (m), ==, UB_BUTTON_FAMILY_IPHONE7);
  g_assert_cmpuint (ub_model_get_power_button (m), ==, UB_POWER_BUTTON_SIDE);
  m = ub_model_db_lookup_product_type (db, "iPod9,1");
  g_assert_cmpuint (ub_model_get_family (m), ==, UB_BUTTON_FAMILY_IPHONE7);
  g_assert_cmpuint (ub_model_get_power_button (m), ==, UB_POWER_BUTTON_TOP);
  m = ub_model_db_lookup_product_type (db, "iPhone6,1");
  g_assert_cmpuint (ub_model_get_power_button (m), ==, UB_POWER_BUTTON_TOP);
  m = ub_model_db_lookup_product_type (db, "iPhone7,2");
  g_assert_cmpuint (ub_model_get_power_button (m), ==, UB_POWER_BUTTON_SIDE);
  m = ub_model_db_lookup_product_type (db, "iPhone8,4");
  g_assert_cmpuint (ub_model_get_power_button (m), ==, UB_POWER_BUTTON_TOP);
  m = ub_model_db_lookup_product_type (db, "iPad8,1");
  g_assert_cmpuint (ub_model_get_family (m), ==, UB_BUTTON_FAMILY_IPAD_NO_HOME);
  g_assert_cmpuint (ub_model_get_kind (m), ==, UB_DEVICE_KIND_IPAD);
  g_assert_cmpuint (ub_model_get_connector (m), ==, UB_CONNECTOR_USB_C);
  m = ub_model_db_lookup_product_type (db, "iPhone12,8");
  g_assert_cmpuint (ub_model_get_family (m), ==, UB_BUTTON_FAMILY_MODERN);
  g_assert_cmpuint (ub_model_get_connector (m), ==, UB_CONNECTOR_LIGHTNING);
  g_assert_true (ub_model_has_wtf_mode (ub_model_db_lookup_product_type (db, "iPhone1,2")));
  g_assert_false (ub_model_has_wtf_mode (m));

  g_assert_null (ub_model_db_lookup_product_type (db, "iPhone99,1"));
  g_assert_null (ub_model_db_lookup_board (db, "zz99ap"));
  g_assert_null (ub_model_db_lookup_chip (db, 0x8012, 0x3B));   /* a Mac T2 chip */
  g_assert_null (ub_model_db_lookup_chip (db, 0x10000, 0x00));
}

static void
test_search_and_resolve (void)
{
  g_autoptr(UbModelDb) db = ub_model_db_new_default ();
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;
  UbModel *m;

  found = ub_model_db_search (db, "iphone se");
  g_assert_cmpuint (found->len, ==, 4);   /* SE 1 has two boards, plus SE 2 and SE 3 */
  g_clear_pointer (&found, g_ptr_array_unref);

  found = ub_model_db_search (db, "  MINI 6 ");
  g_assert_cmpuint (found->len, ==, 0);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = ub_model_db_search (db, "mini (6th");
  g_assert_cmpuint (found->len, ==, 2);
  g_clear_pointer (&found, g_ptr_array_unref);

  /* "iPhone X" means the two iPhone X variants, not XS and XR */
  found = ub_model_db_resolve (db, "iPhone X");
  g_assert_cmpuint (found->len, ==, 2);
  g_clear_pointer (&found, g_ptr_array_unref);
  m = ub_model_db_resolve_one (db, "iphone x", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ub_model_get_product_type (m), ==, "iPhone10,3");

  m = ub_model_db_resolve_one (db, "d22ap", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ub_model_get_product_type (m), ==, "iPhone10,3");

  m = ub_model_db_resolve_one (db, "15 Pro Max", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ub_model_get_product_type (m), ==, "iPhone16,2");

  /* iPhone 7 (iphone7 family) and iPhone 7 Plus… share buttons; "iPhone" does not */
  m = ub_model_db_resolve_one (db, "iPhone", &error);
  g_assert_error (error, UB_ERROR, UB_ERROR_AMBIGUOUS);
  g_assert_null (m);
  g_clear_error (&error);

  m = ub_model_db_resolve_one (db, "Galaxy S24", &error);
  g_assert_error (error, UB_ERROR, UB_ERROR_NOT_FOUND);
  g_assert_null (m);
}

static void
test_no_duplicate_chips (void)
{
  g_autoptr(UbModelDb) db = ub_model_db_new_default ();
  g_autoptr(GPtrArray) clashes = ub_model_db_find_duplicate_chips (db);

  for (guint i = 0; i < clashes->len; i++)
    g_test_message ("duplicate (CPID, BDID): %s", (char *)g_ptr_array_index (clashes, i));
  g_assert_cmpuint (clashes->len, ==, 0);
}

static const char clash_table[] =
  "name\tproduct_type\tboard\tcpid\tbdid\tsoc\tyear\tfamily\tpower_button\tconnector\tmax_os\n"
  "Phone A\tiPhone90,1\ta1ap\t0x8010\t0x0c\tA10\t2016\tiphone7\tside\tlightning\t15.8\n"
  "Phone B\tiPhone90,2\tb1ap\t0x8010\t0x0c\tA10\t2016\tiphone7\tside\tlightning\t15.8\n"
  "Phone C\tiPhone90,3\tc1ap\t0x8010\t0x0e\tA10\t2016\tiphone7\tside\tlightning\t15.8\n";

/* The detector itself works: a table with a clash reports it, naming both. */
static void
test_duplicate_detection (void)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (clash_table, sizeof clash_table - 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(UbModelDb) db = ub_model_db_new_from_bytes (bytes, &error);
  g_autoptr(GPtrArray) clashes = NULL;

  g_assert_no_error (error);
  clashes = ub_model_db_find_duplicate_chips (db);
  g_assert_cmpuint (clashes->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (clashes, 0), ==,
                   "0x8010/0x0c: iPhone90,1 a1ap, iPhone90,2 b1ap");
}

/* Found by the fuzz target: an empty table is an empty database, not a critical */
static void
test_empty (void)
{
  g_autoptr(GBytes) bytes = g_bytes_new (NULL, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(UbModelDb) db = ub_model_db_new_from_bytes (bytes, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (ub_model_db_get_n_models (db), ==, 0);
  g_assert_null (ub_model_db_lookup_chip (db, 0x8010, 0x0c));
}

static void
test_malformed (void)
{
  static const char * const bad[] = {
    "Phone\tiPhone90,1\ta1ap\t8010\t0x0c\tA10\t2016\tiphone7\tside\tlightning\t15\n",
    "Phone\tiPhone90,1\ta1ap\t0x8010\t0x0c\tA10\t2016\tbanana\tside\tlightning\t15\n",
    "Phone\tiPhone90,1\ta1ap\t0x8010\t0x0c\tA10\t20x6\tiphone7\tside\tlightning\t15\n",
    "Phone\tiPhone90,1\ta1ap\t0x8010\t0x0c\tA10\t2016\tiphone7\tside\tlightning\n",
    "Phone\tiPhone90,1\ta1ap\t0x8010\t0x1c0\tA10\t2016\tiphone7\tside\tlightning\t15\n",
    "\tiPhone90,1\ta1ap\t0x8010\t0x0c\tA10\t2016\tiphone7\tside\tlightning\t15\n",
    "Phone\tiPhone90,1\ta1ap\t0x8010\t0x0c\tA10\t2016\tiphone7\tleft\tlightning\t15\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GBytes) bytes = g_bytes_new_static (bad[i], strlen (bad[i]));
      g_autoptr(GError) error = NULL;
      g_autoptr(UbModelDb) db = ub_model_db_new_from_bytes (bytes, &error);

      g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);
      g_assert_null (db);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/unbrick/model-db/research-rows", test_research_rows);
  g_test_add_func ("/unbrick/model-db/lookups", test_lookups);
  g_test_add_func ("/unbrick/model-db/search-and-resolve", test_search_and_resolve);
  g_test_add_func ("/unbrick/model-db/no-duplicate-chips", test_no_duplicate_chips);
  g_test_add_func ("/unbrick/model-db/duplicate-detection", test_duplicate_detection);
  g_test_add_func ("/unbrick/model-db/empty", test_empty);
  g_test_add_func ("/unbrick/model-db/malformed", test_malformed);

  return g_test_run ();
}
