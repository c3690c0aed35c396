/* test-restore-log.c — the restore's stages and its per-attempt log
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ub-core.h"
#include "ub-test-files.h"

#define ECID G_GUINT64_CONSTANT (0x001A2B3C4D5E6F70)

static void
test_stages (void)
{
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  double total = 0;

  for (guint i = 0; i < UB_RESTORE_N_STAGES; i++)
    {
      UbRestoreStage back;

      g_assert_nonnull (ub_restore_stage_get_label (i));
      g_assert_cmpuint (strlen (ub_restore_stage_get_label (i)), >, 3);
      g_assert_true (g_hash_table_add (names, (gpointer)ub_restore_stage_to_string (i)));
      g_assert_true (ub_restore_stage_from_string (ub_restore_stage_to_string (i), &back));
      g_assert_cmpint (back, ==, i);
      g_assert_cmpfloat_with_epsilon (ub_restore_stage_get_start (i), total, 1e-9);
      total += ub_restore_stage_get_share (i);
      /* every stage before the long install has its own deadline */
      if (i < UB_RESTORE_STAGE_RESTORE)
        g_assert_cmpuint (ub_restore_stage_get_timeout_ms (i), >=, 10000);
    }
  g_assert_cmpfloat_with_epsilon (total, 1.0, 1e-9);
  g_assert_false (ub_restore_stage_from_string ("nonsense", &(UbRestoreStage){ 0 }));
  g_assert_false (ub_restore_stage_from_string (NULL, &(UbRestoreStage){ 0 }));

  /* Cancelling is allowed only until the first boot loader leaves */
  g_assert_true (ub_restore_stage_can_cancel (UB_RESTORE_STAGE_CHECK));
  g_assert_true (ub_restore_stage_can_cancel (UB_RESTORE_STAGE_SIGN));
  g_assert_false (ub_restore_stage_can_cancel (UB_RESTORE_STAGE_SEND_IBSS));
  g_assert_false (ub_restore_stage_can_cancel (UB_RESTORE_STAGE_WAIT_RESTORE_MODE));
  g_assert_false (ub_restore_stage_can_cancel (UB_RESTORE_STAGE_RESTORE));
}

typedef struct
{
  UbRestoreLog *log;
  guint         index;
} Writer;

static gpointer
write_events (gpointer data)
{
  Writer *w = data;

  for (guint i = 0; i < 200; i++)
    ub_restore_log_event (w->log, "usb", "writer %u line %u “quoted” \\ \n", w->index, i);
  return NULL;
}

static GPtrArray *
read_lines (const char *path)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *objects = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_true (g_str_has_suffix (text, "\n"));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      g_autoptr(GError) error = NULL;
      JsonNode *node = json_from_string (lines[i], &error);

      g_assert_no_error (error);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
      g_ptr_array_add (objects, node);
    }
  return objects;
}

static const char *
member (JsonNode   *node,
        const char *name)
{
  return json_object_get_string_member (json_node_get_object (node), name);
}

static void
test_log (void)
{
  g_autofree char *dir = g_dir_make_tmp ("unbrick-log-XXXXXX", NULL);
  g_autofree char *logs = g_build_filename (dir, "a", "b", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(UbRestoreLog) log = ub_restore_log_new (logs, ECID, &error);
  g_autoptr(GError) failure = g_error_new_literal (UB_ERROR, UB_ERROR_DISCONNECTED, "The cable came out.");
  g_autoptr(GPtrArray) lines = NULL;
  g_autofree char *base = NULL;
  GThread *threads[4];
  Writer writers[4];
  GStatBuf st;
  guint usb = 0;

  g_assert_no_error (error);
  base = g_path_get_basename (ub_restore_log_get_path (log));
  g_assert_true (g_str_has_prefix (base, "restore-001A2B3C4D5E6F70-"));
  g_assert_true (g_str_has_suffix (base, ".jsonl"));
  g_assert_cmpint (g_stat (ub_restore_log_get_path (log), &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  ub_restore_log_stage (log, UB_RESTORE_STAGE_SIGN);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      writers[i] = (Writer) { log, i };
      threads[i] = g_thread_new ("writer", write_events, &writers[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
  ub_restore_log_stage (log, UB_RESTORE_STAGE_SEND_IBSS);
  ub_restore_log_finish (log, failure);
  ub_restore_log_finish (log, NULL);   /* only the first end counts */

  /* Every line whole and parseable, even written from four threads at once */
  lines = read_lines (ub_restore_log_get_path (log));
  g_assert_cmpuint (lines->len, ==, 1 + 1 + 800 + 1 + 1);
  g_assert_cmpstr (member (g_ptr_array_index (lines, 0), "event"), ==, "start");
  g_assert_nonnull (strstr (member (g_ptr_array_index (lines, 0), "message"), "0x001A2B3C4D5E6F70"));
  g_assert_cmpstr (member (g_ptr_array_index (lines, 1), "stage"), ==, "sign");
  for (guint i = 2; i < 802; i++)
    {
      g_assert_cmpstr (member (g_ptr_array_index (lines, i), "stage"), ==, "sign");
      usb += g_str_equal (member (g_ptr_array_index (lines, i), "event"), "usb");
      g_assert_true (g_str_has_suffix (member (g_ptr_array_index (lines, i), "message"), "“quoted” \\ \n"));
    }
  g_assert_cmpuint (usb, ==, 800);
  g_assert_cmpstr (member (g_ptr_array_index (lines, 802), "stage"), ==, "send-ibss");
  g_assert_cmpstr (member (g_ptr_array_index (lines, 803), "event"), ==, "failed");
  g_assert_cmpstr (member (g_ptr_array_index (lines, 803), "message"), ==, "The cable came out.");

  ub_test_remove_tree (dir);
}

/* Two attempts in the same second never share a file */
static void
test_log_names (void)
{
  g_autofree char *dir = g_dir_make_tmp ("unbrick-log-XXXXXX", NULL);
  g_autoptr(UbRestoreLog) a = ub_restore_log_new (dir, ECID, NULL);
  g_autoptr(UbRestoreLog) b = ub_restore_log_new (dir, ECID, NULL);
  g_autoptr(UbRestoreLog) c = ub_restore_log_new (dir, 0x1234, NULL);

  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_nonnull (c);
  g_assert_cmpstr (ub_restore_log_get_path (a), !=, ub_restore_log_get_path (b));
  g_assert_nonnull (strstr (ub_restore_log_get_path (c), "restore-0000000000001234-"));
  ub_test_remove_tree (dir);
}

/* A folder that cannot be made: a clear error, not a crash */
static void
test_log_unwritable (void)
{
  g_autofree char *dir = g_dir_make_tmp ("unbrick-log-XXXXXX", NULL);
  g_autofree char *file = g_build_filename (dir, "a-file", NULL);
  g_autofree char *below = g_build_filename (file, "logs", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(UbRestoreLog) log = NULL;

  g_assert_true (g_file_set_contents (file, "x", 1, NULL));
  log = ub_restore_log_new (below, ECID, &error);
  g_assert_null (log);
  g_assert_error (error, UB_ERROR, UB_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "restore log"));
  ub_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/restore/stages", test_stages);
  g_test_add_func ("/restore/log", test_log);
  g_test_add_func ("/restore/log-names", test_log_names);
  g_test_add_func ("/restore/log-unwritable", test_log_unwritable);

  return g_test_run ();
}
