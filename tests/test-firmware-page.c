/* test-firmware-page.c — the firmware page in a real window, against a loopback server
 *
 * Runs under Xvfb. tests/httpd/ub-test-httpd.py serves an ipsw.me-style
 * catalog written here and a synthetic iPhone X firmware file (a real Apple
 * manifest, ub-test-ipsw); the page looks the catalog up, downloads, pauses,
 * resumes and verifies through the real UbFirmwareCatalog and UbDownload, and
 * checks files "from this computer". Every state is photographed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "pages/ub-firmware-page.h"
#include "ub-assistant.h"
#include "ub-test-firmware.h"
#include "ub-test-ipsw.h"
#include "ub-test-ui.h"
#include "ub-window.h"

#define IPSW_NAME UB_TEST_FIRMWARE_NAME
#define WAIT_MS 20000

static UbTestFirmwareServer *server;
static char                 *cache;    /* $XDG_CACHE_HOME */

typedef struct
{
  UbTestWizard  w;
  GtkWidget    *page;
} Fixture;

static void
write_catalog (const char *fault,
               const char *sha256)
{
  ub_test_firmware_server_write_catalog (server, fault, sha256);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *catalog_cache = g_build_filename (cache, "unbrick", NULL);

  ub_test_remove_tree (catalog_cache);
  write_catalog ("", NULL);
  ub_test_wizard_open (&f->w);
  ub_rescue_set_fault (f->w.rescue, UB_FAULT_BOOT_LOOP);
  ub_rescue_set_goal (f->w.rescue, UB_SEQUENCE_DFU);
  ub_rescue_set_model (f->w.rescue, ub_model_db_lookup_product_type (f->w.db, "iPhone10,3"));
  f->page = GTK_WIDGET (ub_assistant_get_page_by_name (f->w.assistant, "firmware"));
  ub_test_wait_frames (GTK_WIDGET (f->w.window), 2);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  ub_test_wizard_close (&f->w);
}

static void
show_page (Fixture *f)
{
  ub_assistant_go_to (f->w.assistant, UB_PAGE (f->page));
  ub_test_wait_frames (GTK_WIDGET (f->w.window), 2);
}

static void
shot (Fixture    *f,
      const char *name)
{
  ub_test_wait_frames (GTK_WIDGET (f->w.window), 2);
  g_free (ub_test_screenshot (GTK_WIDGET (f->w.window), name));
}

static UbFirmwareChoice *
choice (Fixture *f)
{
  return ub_rescue_get_firmware_choice (f->w.rescue);
}

static gboolean
label_shown (gpointer data)
{
  gpointer *args = data;

  return ub_test_label_is_visible_with (args[0], args[1]);
}

static void
wait_for_text (Fixture    *f,
               const char *text)
{
  gpointer args[] = { f->page, (gpointer)text };

  if (!ub_test_wait_until (label_shown, args, WAIT_MS))
    g_error ("“%s” did not appear", text);
}

static gboolean
choice_ready (gpointer data)
{
  return ub_firmware_choice_get_ready (data);
}

static char *
download_path (const char *suffix)
{
  return g_strconcat (cache, "/unbrick/firmware/" IPSW_NAME, suffix, NULL);
}

static gboolean
button_shown (gpointer data)
{
  gpointer *args = data;
  GtkWidget *button = ub_test_find_widget (args[0], GTK_TYPE_BUTTON, args[1]);

  return button != NULL && gtk_widget_is_visible (button);
}

static void
wait_for_button (Fixture    *f,
                 const char *label)
{
  gpointer args[] = { f->page, (gpointer)label };

  g_assert_true (ub_test_wait_until (button_shown, args, WAIT_MS));
}

/* Latest signed image shown; nothing downloaded until asked; then the
 * progress, and the verified file in the shared firmware cache */
static void
test_download (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *path = download_path ("");

  write_catalog ("/fault/rate=15000", NULL);
  show_page (f);
  wait_for_text (f, "iOS 11.2 (15C114)");
  g_assert_true (ub_test_label_is_visible_with (f->page, "The latest version Apple signs"));
  g_assert_false (ub_page_get_complete (UB_PAGE (f->page)));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  shot (f, "firmware-01-latest");

  ub_test_click (f->page, "_Download");
  wait_for_text (f, "Downloading iOS 11.2");
  wait_for_text (f, " left");
  g_assert_true (ub_test_label_is_visible_with (f->page, "/s · about "));
  g_assert_false (ub_page_get_complete (UB_PAGE (f->page)));
  shot (f, "firmware-02-downloading");

  g_assert_true (ub_test_wait_until (choice_ready, choice (f), WAIT_MS));
  g_assert_cmpint (ub_firmware_choice_get_origin (choice (f)), ==, UB_FIRMWARE_ORIGIN_DOWNLOADED);
  g_assert_cmpstr (ub_firmware_choice_get_path (choice (f)), ==, path);
  g_assert_cmpstr (ub_firmware_get_build (ub_firmware_choice_get_firmware (choice (f))), ==, "15C114");
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_true (ub_page_get_complete (UB_PAGE (f->page)));
  wait_for_text (f, "Downloaded and checked");
  shot (f, "firmware-03-downloaded");

  /* the result page names the checked file, for the restore */
  ub_assistant_go_to (f->w.assistant, ub_assistant_get_page_by_name (f->w.assistant, "result"));
  ub_test_wait_frames (GTK_WIDGET (f->w.window), 2);
  g_assert_true (ub_test_label_is_visible_with (GTK_WIDGET (f->w.window), "iOS 11.2 (15C114)"));
  g_assert_true (ub_test_label_is_visible_with (GTK_WIDGET (f->w.window), path));
}

/* Pause keeps the part; Resume asks the server for the rest only */
static void
test_pause_resume (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *part = download_path (".part");
  g_autoptr(GPtrArray) log = NULL;
  JsonObject *last;
  GStatBuf st;

  write_catalog ("/fault/rate=30000", NULL);
  show_page (f);
  wait_for_text (f, "iOS 11.2 (15C114)");
  ub_test_httpd_clear_log (server->httpd);
  ub_test_click (f->page, "_Download");
  wait_for_text (f, " of ");
  ub_test_wait_ms (600);
  ub_test_click (f->page, "_Pause");
  wait_for_button (f, "_Resume");
  g_assert_true (ub_test_label_is_visible_with (f->page, "Paused: "));
  g_assert_true (g_stat (part, &st) == 0 && st.st_size > 0 && (gsize)st.st_size < server->size);
  g_assert_false (ub_firmware_choice_get_ready (choice (f)));
  shot (f, "firmware-04-paused");

  ub_test_click (f->page, "_Resume");
  g_assert_true (ub_test_wait_until (choice_ready, choice (f), WAIT_MS));
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
  /* the first response (cut short) and the resumed one */
  log = ub_test_httpd_wait_log (server->httpd, 2);
  g_assert_cmpuint (log->len, >=, 2);
  last = g_ptr_array_index (log, log->len - 1);
  g_assert_cmpint (json_object_get_int_member (last, "status"), ==, 206);
  g_assert_cmpint (json_object_get_int_member (last, "start"), >, 0);
}

/* The server sends something else than the catalog's checksum promises */
static void
test_damaged_download (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *path = download_path ("");

  write_catalog ("/fault/corrupt-byte=1000", NULL);
  show_page (f);
  wait_for_text (f, "iOS 11.2 (15C114)");
  ub_test_click (f->page, "_Download");
  wait_for_text (f, "The download was damaged");
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_false (ub_page_get_complete (UB_PAGE (f->page)));
  g_assert_true (gtk_widget_is_visible (ub_test_find_widget (f->page, GTK_TYPE_BUTTON, "_Try Again")));
  shot (f, "firmware-05-damaged");
}

/* A file an earlier download finished is checked and used without asking */
static void
test_downloaded_before (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *path = download_path ("");
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *contents = NULL;
  g_autoptr(GPtrArray) log = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (server->ipsw_path, &contents, &len, NULL));
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, contents, len, NULL));
  ub_test_httpd_clear_log (server->httpd);
  show_page (f);
  g_assert_true (ub_test_wait_until (choice_ready, choice (f), WAIT_MS));
  g_assert_cmpint (ub_firmware_choice_get_origin (choice (f)), ==, UB_FIRMWARE_ORIGIN_DOWNLOADED);
  /* only the catalog was asked for: v4/device/iPhone10,3 and Apple's list */
  log = ub_test_httpd_wait_log (server->httpd, 1);
  for (guint i = 0; i < log->len; i++)
    g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (log, i), "file"), !=, "fw/" IPSW_NAME);
}

static void
check_file (Fixture    *f,
            const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  ub_firmware_page_check_file (UB_FIRMWARE_PAGE (f->page), file);
}

/* A file from this computer: its checksum is the catalog's */
static void
test_local_file (Fixture       *f,
                 gconstpointer  data)
{
  show_page (f);
  wait_for_text (f, "iOS 11.2 (15C114)");
  check_file (f, server->ipsw_path);
  g_assert_true (ub_test_wait_until (choice_ready, choice (f), WAIT_MS));
  g_assert_cmpint (ub_firmware_choice_get_origin (choice (f)), ==, UB_FIRMWARE_ORIGIN_LOCAL_MATCHED);
  g_assert_cmpstr (ub_firmware_choice_get_path (choice (f)), ==, server->ipsw_path);
  wait_for_text (f, "its checksum matches the catalog’s");
  g_assert_true (ub_page_get_complete (UB_PAGE (f->page)));
  shot (f, "firmware-06-local-file");
}

/* Another model's firmware is refused, and Next stays off */
static void
test_local_wrong_model (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *dir = ub_test_ipsw_make_dir ();
  g_autofree char *path = ub_test_ipsw_write_manifest (dir, UB_TEST_MANIFEST_IPHONE_12,
                                                       "iPhone13,2,iPhone13,3_26.2_23C71_Restore.ipsw");

  show_page (f);
  wait_for_text (f, "iOS 11.2 (15C114)");
  check_file (f, path);
  wait_for_text (f, "iPhone13,2,iPhone13,3_26.2_23C71_Restore.ipsw");
  wait_for_text (f, "This firmware is for other models (iPhone13,2, iPhone13,3)");
  g_assert_false (ub_firmware_choice_get_ready (choice (f)));
  g_assert_false (ub_page_get_complete (UB_PAGE (f->page)));
  shot (f, "firmware-07-local-wrong-model");
  ub_test_ipsw_remove_dir (dir);
}

/* Changing the model forgets the firmware chosen for the old one */
static void
test_model_change (Fixture       *f,
                   gconstpointer  data)
{
  show_page (f);
  wait_for_text (f, "iOS 11.2 (15C114)");
  gtk_switch_set_active (GTK_SWITCH (ub_test_find_widget (f->page, GTK_TYPE_SWITCH, NULL)), TRUE);
  g_assert_cmpint (ub_firmware_choice_get_origin (choice (f)), ==, UB_FIRMWARE_ORIGIN_SKIPPED);
  g_assert_true (ub_page_get_complete (UB_PAGE (f->page)));
  ub_rescue_set_model (f->w.rescue, ub_model_db_lookup_product_type (f->w.db, "iPhone12,8"));
  g_assert_false (ub_firmware_choice_get_ready (choice (f)));
  g_assert_false (ub_page_get_complete (UB_PAGE (f->page)));
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (ub_test_find_widget (f->page, GTK_TYPE_SWITCH, NULL))));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  server = ub_test_firmware_server_start ();
  cache = ub_test_isolate_network ();
  adw_init ();
  ub_test_setup_display ();

#define ADD(path, func) \
  g_test_add ("/unbrick/firmware-page/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("download", test_download);
  ADD ("pause-resume", test_pause_resume);
  ADD ("damaged-download", test_damaged_download);
  ADD ("downloaded-before", test_downloaded_before);
  ADD ("local-file", test_local_file);
  ADD ("local-wrong-model", test_local_wrong_model);
  ADD ("model-change", test_model_change);
#undef ADD

  ret = g_test_run ();
  ub_test_firmware_server_stop (server);
  ub_test_remove_tree (cache);
  return ret;
}
