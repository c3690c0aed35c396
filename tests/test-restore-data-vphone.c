/* test-restore-data-vphone.c — SystemImageData: the system image streamed
 * from an IPSW through ASR, on the virtual iPhone
 *
 * Runs as the child of vphone (restore mode, ASR on 12345). A synthetic
 * IPSW around a real manifest holds a generated "OS" entry (every byte a
 * function of its name and offset, ub_test_ipsw_fill()); the data request
 * handler streams it straight from the archive, the phone asks for OOB
 * reads at the start and near the end (seeks: in place for a stored entry,
 * by re-reading for a deflated one) and records the SHA-256 of what it
 * received, which must be the entry's.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/resource.h>

#include "ub-core.h"
#include "ub-restore-data.h"
#include "ub-test-ipsw.h"
#include "ub-vphone-client.h"
#include "ub-vphone-testutil.h"

#define MB (1024 * 1024)

static UbVphoneClient *phone;
static char           *udid;
static char           *tmp_dir;

typedef struct
{
  guint    n_calls;
  guint64  last_done;
  guint64  last_total;
  char    *what;
} Progress;

static void
on_progress (const char *what,
             guint64     done,
             guint64     total,
             gpointer    user_data)
{
  Progress *progress = user_data;

  g_assert_cmpuint (done, >=, progress->last_done);
  progress->n_calls++;
  progress->last_done = done;
  progress->last_total = total;
  g_free (progress->what);
  progress->what = g_strdup (what);
}

static char *
entry_sha256 (const char *name,
              guint64     size)
{
  g_autoptr(GChecksum) sha = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *buffer = g_malloc (MB);

  for (guint64 offset = 0; offset < size; offset += MB)
    {
      gsize n = (gsize) MIN ((guint64) MB, size - offset);

      ub_test_ipsw_fill (name, offset, buffer, n);
      g_checksum_update (sha, buffer, n);
    }
  return g_strdup (g_checksum_get_string (sha));
}

static void
wait_record (const char *line)
{
  for (guint i = 0; i < 100 && !ub_vphone_record_has (line); i++)
    g_usleep (50000);
  if (!ub_vphone_record_has (line))
    {
      g_autofree char *record = ub_vphone_read_record ();

      g_test_message ("record:\n%s", record);
      g_error ("the record has no line \"%s\"", line);
    }
}

/* The OS entry's name in the manifest's first identity */
static char *
os_path (void)
{
  g_autofree char *path = ub_test_ipsw_write_manifest (tmp_dir, UB_TEST_MANIFEST_IPHONE_X, "probe.ipsw");
  g_autoptr(GError) error = NULL;
  g_autoptr(UbIpsw) ipsw = ub_ipsw_new_for_path (path, &error);
  char *os;

  g_assert_no_error (error);
  os = g_strdup (ub_build_identity_get_component_path (ub_ipsw_get_identity (ipsw, 0), "OS"));
  g_assert_nonnull (os);
  return os;
}

static glong
max_rss_kb (void)
{
  struct rusage usage;

  g_assert_cmpint (getrusage (RUSAGE_SELF, &usage), ==, 0);
  return usage.ru_maxrss;
}

static void
send_system_image (gconstpointer data)
{
  gboolean deflate = GPOINTER_TO_INT (data);
  guint64 size = deflate ? 8 * MB + 777 : 64 * MB + 12345;
  g_autofree char *os = os_path ();
  g_autofree char *path = NULL;
  g_autofree char *sha = entry_sha256 (os, size);
  g_autofree char *line = NULL;
  g_autofree char *tail = g_strdup_printf ("asr OOBData 512 at %" G_GUINT64_FORMAT, size - 1024);
  g_autoptr(GError) error = NULL;
  g_autoptr(UbIpsw) ipsw = NULL;
  g_autoptr(GBytes) ticket = g_bytes_new_static ("not used by ASR", 15);
  UbTestIpsw *fixture = ub_test_ipsw_new ();
  UbRestoreData *restore_data;
  Progress progress = { 0 };
  plist_t message;
  glong before;

  ub_test_ipsw_add_manifest (fixture, UB_TEST_MANIFEST_IPHONE_X);
  ub_test_ipsw_add_generated (fixture, os, size, deflate);
  path = ub_test_ipsw_write (fixture, tmp_dir, "system.ipsw");
  ub_test_ipsw_free (fixture);
  ipsw = ub_ipsw_new_for_path (path, &error);
  g_assert_no_error (error);
  restore_data = ub_restore_data_new (udid, ipsw, ub_ipsw_get_identity (ipsw, 0), ticket, NULL, 1, TRUE);
  ub_restore_data_set_callbacks (restore_data, on_progress, NULL, &progress);
  message = plist_new_dict ();
  plist_dict_set_item (message, "MsgType", plist_new_string ("DataRequestMsg"));
  plist_dict_set_item (message, "DataType", plist_new_string ("SystemImageData"));

  before = max_rss_kb ();
  g_assert_true (ub_restore_data_handle (restore_data, NULL, "SystemImageData", message, FALSE, &error));
  g_assert_no_error (error);
  g_test_message ("%s OS of %" G_GUINT64_FORMAT " bytes sent; peak RSS %ld kB before, %ld kB after",
                  deflate ? "deflated" : "stored", size, before, max_rss_kb ());
  g_assert_cmpint (max_rss_kb () - before, <, 16 * 1024);

  line = g_strdup_printf ("asr received %" G_GUINT64_FORMAT " bytes sha256 %s chunks ok", size, sha);
  wait_record (line);
  wait_record ("asr OOBData 72 at 0");
  wait_record (tail);
  g_assert_cmpuint (progress.n_calls, >, 0);
  g_assert_cmpuint (progress.last_done, ==, size);
  g_assert_cmpuint (progress.last_total, ==, size);
  g_assert_cmpstr (progress.what, ==, "Copying iOS to the iPhone");
  g_free (progress.what);
  plist_free (message);
  ub_restore_data_free (restore_data);
  g_unlink (path);
}

/* The phone's ASR refuses the connection: an error, not a hang */
static void
test_no_asr (void)
{
  g_autofree char *path = ub_test_ipsw_write_manifest (tmp_dir, UB_TEST_MANIFEST_IPHONE_X, "no-asr.ipsw");
  g_autoptr(GError) error = NULL;
  g_autoptr(UbIpsw) ipsw = ub_ipsw_new_for_path (path, &error);
  g_autoptr(GBytes) ticket = g_bytes_new_static ("ticket", 6);
  UbRestoreData *restore_data;
  plist_t message = plist_new_dict ();

  g_assert_no_error (error);
  restore_data = ub_restore_data_new (udid, ipsw, ub_ipsw_get_identity (ipsw, 0), ticket, NULL, 1, TRUE);
  plist_dict_set_item (message, "DataType", plist_new_string ("SystemImageData"));
  plist_dict_set_item (message, "DataPort", plist_new_uint (12399));
  g_assert_false (ub_restore_data_handle (restore_data, NULL, "SystemImageData", message, FALSE, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_TIMED_OUT);
  g_test_message ("no ASR: %s", error->message);
  plist_free (message);
  ub_restore_data_free (restore_data);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  phone = ub_vphone_client_new (NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ub_vphone_client_wait (phone, "mode", "restore", 10, &error));
  g_assert_no_error (error);
  udid = ub_vphone_client_get (phone, "udid", &error);
  g_assert_no_error (error);
  tmp_dir = ub_test_ipsw_make_dir ();

  g_test_add_data_func ("/restore-data/system-image/stored", GINT_TO_POINTER (FALSE), send_system_image);
  g_test_add_data_func ("/restore-data/system-image/deflated", GINT_TO_POINTER (TRUE), send_system_image);
  g_test_add_func ("/restore-data/system-image/no-asr", test_no_asr);
  status = g_test_run ();
  ub_test_ipsw_remove_dir (tmp_dir);
  g_free (tmp_dir);
  g_free (udid);
  g_clear_object (&phone);
  return status;
}
