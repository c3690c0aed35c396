/* test-backup-vphone.c — backing up the virtual iPhone with UbBackupJob
 *
 * Runs as the child of vphone (an iPhone X running iOS), so the real
 * libimobiledevice talks to the simulated lockdownd, notification_proxy,
 * AFC and backup service. The phone's backup is synthetic and deterministic
 * (tests/vphone/ub-vphone-backup-data.c): what the host wrote is compared
 * with it byte for byte. Time runs 30 times faster (UNBRICK_TIME_SCALE), so
 * the 60 s watchdog gives up after 2 s. The cases share the phone and run in
 * order; each clears the faults it set.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <libimobiledevice/lockdown.h>
#include <signal.h>
#include <sys/resource.h>

#include "ub-core.h"
#include "ub-lockdown.h"
#include "ub-test-backup-vphone.h"
#include "ub-test-device.h"
#include "ub-test-files.h"
#include "ub-vphone-testutil.h"

#define WAIT_S 20

typedef struct
{
  GMainLoop    *loop;
  GCancellable *cancellable;
  guint64       cancel_at;      /* bytes; 0: never */
  GArray       *fractions;
  guint64       bytes;
  gboolean      said_encrypted;
  gboolean      done;
  gboolean      ok;
  GError       *error;
  double        seconds;
} Run;

static UbVphoneClient *phone;
static char           *udid;
static char           *tmpdir;

static void
on_progress (double      fraction,
             guint64     bytes,
             const char *status,
             gpointer    user_data)
{
  Run *run = user_data;

  g_array_append_val (run->fractions, fraction);
  run->bytes = bytes;
  if (status != NULL && strstr (status, "backup password") != NULL)
    run->said_encrypted = TRUE;
  if (run->cancel_at > 0 && bytes >= run->cancel_at)
    g_cancellable_cancel (run->cancellable);
}

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Run *run = user_data;

  run->ok = ub_backup_run_finish (result, &run->error);
  run->done = TRUE;
  g_main_loop_quit (run->loop);
}

static gboolean
on_too_long (gpointer data)
{
  g_error ("The backup did not end within %d s", WAIT_S);
  return G_SOURCE_REMOVE;
}

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->loop, g_main_loop_unref);
  g_clear_object (&run->cancellable);
  g_clear_pointer (&run->fractions, g_array_unref);
  g_clear_error (&run->error);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

/* A backup into @folder; cancelled once @cancel_at bytes have arrived */
static void
run_backup (Run        *run,
            const char *folder,
            guint64     cancel_at)
{
  gint64 start = g_get_monotonic_time ();
  guint timeout;

  run->loop = g_main_loop_new (NULL, FALSE);
  run->cancellable = g_cancellable_new ();
  run->fractions = g_array_new (FALSE, FALSE, sizeof (double));
  run->cancel_at = cancel_at;
  timeout = g_timeout_add_seconds (WAIT_S, on_too_long, NULL);
  ub_backup_run_async (udid, folder, run->cancellable, on_progress, run, NULL, on_done, run);
  g_main_loop_run (run->loop);
  g_source_remove (timeout);
  run->seconds = (g_get_monotonic_time () - start) / 1e6;
  g_test_message ("backup into %s: %s after %.2f s, %" G_GUINT64_FORMAT " bytes", folder,
                  run->ok ? "complete" : run->error->message, run->seconds, run->bytes);
}

static char *
new_folder (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

static void
assert_monotonic (GArray *fractions)
{
  double last = -1;

  g_assert_cmpuint (fractions->len, >, 0);
  for (guint i = 0; i < fractions->len; i++)
    {
      double f = g_array_index (fractions, double, i);

      g_assert_cmpfloat (f, >=, last);
      g_assert_cmpfloat (f, <=, 1.0);
      last = f;
    }
  g_assert_cmpfloat (last, ==, 1.0);
}

static void
assert_info (const char *path)
{
  plist_t info = ub_test_backup_read_plist (path, "Info.plist");
  char *value = NULL;

  g_assert_nonnull (info);
  plist_get_string_val (plist_dict_get_item (info, "Target Identifier"), &value);
  g_assert_cmpstr (value, ==, udid);
  g_free (value);
  value = NULL;
  plist_get_string_val (plist_dict_get_item (info, "Product Type"), &value);
  g_assert_cmpstr (value, ==, "iPhone10,3");
  g_free (value);
  g_assert_nonnull (plist_dict_get_item (info, "Last Backup Date"));
  plist_free (info);
}

/* The whole backup, then a second one into the same folder: the phone then
 * gets the first one's Status.plist and Manifest.plist when it asks */
static void
test_complete (void)
{
  g_autofree char *folder = new_folder ("complete");
  g_autofree char *path = g_build_filename (folder, udid, NULL);
  g_autofree char *state = NULL;
  g_autofree char *record = NULL;
  g_auto(Run) first = { 0 };
  g_auto(Run) second = { 0 };
  UbVphoneBackupLayout layout;

  ub_test_backup_setup (phone, &layout, 3 * 1024 * 1024 + 123, 12);
  run_backup (&first, folder, 0);
  g_assert_no_error (first.error);
  g_assert_true (first.ok);
  ub_test_backup_check_files (path, &layout);
  assert_info (path);
  state = ub_test_backup_snapshot_state (path);
  g_assert_cmpstr (state, ==, "finished");
  g_assert_false (ub_test_backup_is_encrypted (path));
  g_assert_false (first.said_encrypted);
  g_assert_cmpuint (ub_test_backup_count_parts (folder), ==, 0);
  assert_monotonic (first.fractions);
  g_assert_cmpuint (first.bytes, >=, layout.total);
  g_assert_true (ub_vphone_record_has ("afc lock ex ok"));
  g_assert_true (ub_vphone_record_has ("notify post com.apple.itunes-mobdev.syncDidFinish"));
  g_assert_true (ub_vphone_record_has ("backup host disconnect"));

  run_backup (&second, folder, 0);
  g_assert_no_error (second.error);
  ub_test_backup_check_files (path, &layout);
  record = ub_vphone_read_record ();
  g_assert_nonnull (strstr (record, "/Status.plist sent "));
  g_assert_nonnull (strstr (record, "/Manifest.plist sent "));
}

static void
test_encrypted (void)
{
  g_autofree char *folder = new_folder ("encrypted");
  g_autofree char *path = g_build_filename (folder, udid, NULL);
  g_auto(Run) run = { 0 };
  UbVphoneBackupLayout layout;

  ub_test_backup_setup (phone, &layout, 256 * 1024, 3);
  ub_test_vphone_run (phone, "set backup-encrypted yes");
  run_backup (&run, folder, 0);
  ub_test_vphone_run (phone, "set backup-encrypted no");
  g_assert_no_error (run.error);
  g_assert_true (ub_test_backup_is_encrypted (path));
  g_assert_true (run.said_encrypted);
  ub_test_backup_check_files (path, &layout);
}

/* Stopped half way through a backup that replaces a complete one: the old
 * one no longer says "finished", and the error says what was kept */
static void
test_cancel (void)
{
  g_autofree char *folder = new_folder ("cancel");
  g_autofree char *path = g_build_filename (folder, udid, NULL);
  g_autofree char *state = NULL;
  g_auto(Run) first = { 0 };
  g_auto(Run) second = { 0 };
  UbVphoneBackupLayout layout;

  ub_test_backup_setup (phone, &layout, 256 * 1024, 2);
  run_backup (&first, folder, 0);
  g_assert_true (first.ok);
  ub_test_backup_setup (phone, &layout, 64 * 1024 * 1024, 16);
  ub_test_vphone_run (phone, "set backup-rate 8000000");
  run_backup (&second, folder, 1);
  ub_test_vphone_run (phone, "set backup-rate 0");
  g_assert_error (second.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_nonnull (strstr (second.error->message, "marked as an incomplete backup"));
  g_assert_nonnull (strstr (second.error->message, path));
  g_assert_cmpfloat (second.seconds, <, 2);
  g_assert_cmpuint (second.bytes, <, 32 * 1024 * 1024);
  state = ub_test_backup_snapshot_state (path);
  g_assert_cmpstr (state, !=, "finished");
}

static void
test_stall (void)
{
  g_autofree char *folder = new_folder ("stall");
  g_autofree char *path = g_build_filename (folder, udid, NULL);
  g_autofree char *state = NULL;
  g_auto(Run) run = { 0 };
  UbVphoneBackupLayout layout;

  ub_test_backup_setup (phone, &layout, 4 * 1024 * 1024, 8);
  ub_test_vphone_run (phone, "fault backup-stall");
  run_backup (&run, folder, 0);
  ub_test_vphone_run (phone, "clear-faults");
  g_assert_error (run.error, UB_ERROR, UB_ERROR_TIMED_OUT);
  g_assert_nonnull (strstr (run.error->message, "kept"));
  /* 60 s of the phone's silence at 30× */
  g_assert_cmpfloat (run.seconds, >=, 1.9);
  g_assert_cmpfloat (run.seconds, <, 6);
  state = ub_test_backup_snapshot_state (path);
  g_assert_cmpstr (state, ==, "uploading");
  g_assert_cmpuint (ub_test_backup_count_parts (folder), ==, 0);
}

static void
test_unplug (void)
{
  g_autofree char *folder = new_folder ("unplug");
  g_autofree char *path = g_build_filename (folder, udid, NULL);
  g_autofree char *pid = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(Run) run = { 0 };
  UbVphoneBackupLayout layout;

  pid = ub_vphone_client_get (phone, "pid", &error);
  g_assert_no_error (error);
  ub_test_backup_setup (phone, &layout, 2 * 1024 * 1024, 8);
  ub_test_vphone_run (phone, "fault backup-unplug-at-file 3");
  run_backup (&run, folder, 0);
  g_assert_error (run.error, UB_ERROR, UB_ERROR_DISCONNECTED);
  g_assert_nonnull (strstr (run.error->message, "disconnected"));
  g_assert_cmpfloat (run.seconds, <, 3);
  g_assert_cmpuint (ub_test_backup_count_parts (folder), ==, 0);
  ub_test_vphone_run (phone, "clear-faults");
  ub_test_vphone_run (phone, "plug");
  g_assert_true (ub_vphone_client_wait (phone, "pid", pid, 10, &error));
  g_assert_no_error (error);
  /* usbmuxd lists the phone again a moment after USB does */
  ub_test_wait (300);
  g_assert_false (g_file_test (g_build_filename (path, "Manifest.plist", NULL), G_FILE_TEST_EXISTS));
}

static void
test_bad_path (void)
{
  g_autofree char *outer = new_folder ("outer");
  g_autofree char *folder = g_build_filename (outer, "backups", NULL);
  g_autofree char *escaped = g_build_filename (outer, "unbrick-vphone-escape", NULL);
  g_autofree char *escaped2 = g_build_filename (folder, "unbrick-vphone-escape", NULL);
  g_auto(Run) run = { 0 };
  UbVphoneBackupLayout layout;

  ub_test_backup_setup (phone, &layout, 64 * 1024, 2);
  ub_test_vphone_run (phone, "fault backup-bad-path");
  run_backup (&run, folder, 0);
  ub_test_vphone_run (phone, "clear-faults");
  g_assert_error (run.error, UB_ERROR, UB_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (run.error->message, "../unbrick-vphone-escape"));
  g_assert_false (g_file_test (escaped, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (escaped2, G_FILE_TEST_EXISTS));
  g_assert_true (ub_vphone_record_has ("backup upload ../unbrick-vphone-escape 32768"));
}

static void
test_no_space (void)
{
  g_autofree char *folder = new_folder ("no-space");
  g_auto(Run) run = { 0 };

  ub_test_vphone_run (phone, "set data-used 4000000000000000000");
  run_backup (&run, folder, 0);
  ub_test_vphone_run (phone, "set data-used auto");
  g_assert_error (run.error, UB_ERROR, UB_ERROR_NO_SPACE);
  g_assert_nonnull (strstr (run.error->message, folder));
  g_assert_nonnull (strstr (run.error->message, "EB"));
  g_assert_cmpfloat (run.seconds, <, 3);
}

/* The disk fills up half way: RLIMIT_FSIZE makes write() fail with EFBIG
 * for any file past 256 KiB, as ENOSPC would */
static void
test_no_space_midway (void)
{
  g_autofree char *folder = new_folder ("no-space-midway");
  g_autofree char *path = g_build_filename (folder, udid, NULL);
  g_autofree char *state = NULL;
  g_auto(Run) run = { 0 };
  struct rlimit saved, small;
  UbVphoneBackupLayout layout;

  ub_test_backup_setup (phone, &layout, 4 * 1024 * 1024, 4);
  signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  small = saved;
  small.rlim_cur = 256 * 1024;
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &small), ==, 0);
  run_backup (&run, folder, 0);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  g_assert_error (run.error, UB_ERROR, UB_ERROR_NO_SPACE);
  g_assert_nonnull (strstr (run.error->message, "disk is full"));
  g_assert_nonnull (strstr (run.error->message, "kept"));
  state = ub_test_backup_snapshot_state (path);
  g_assert_cmpstr (state, ==, "uploading");
  g_assert_cmpuint (ub_test_backup_count_parts (folder), ==, 0);
}

/* The same words as every other place that meets a refusal of lockdownd */
static void
assert_lockdown_error (const GError *error,
                       int           status)
{
  g_autoptr(GError) expected = NULL;

  ub_lockdown_set_error (&expected, status);
  g_assert_error ((GError *)error, UB_ERROR, expected->code);
  g_assert_cmpstr (error->message, ==, expected->message);
}

static void
test_trust_pending (void)
{
  g_autofree char *folder = new_folder ("trust");
  g_auto(Run) run = { 0 };

  ub_test_vphone_run (phone, "fault trust-pending");
  run_backup (&run, folder, 0);
  ub_test_vphone_run (phone, "clear-faults");
  assert_lockdown_error (run.error, LOCKDOWN_E_PAIRING_DIALOG_RESPONSE_PENDING);
}

static void
test_locked (void)
{
  g_autofree char *folder = new_folder ("locked");
  g_auto(Run) run = { 0 };

  ub_test_vphone_run (phone, "fault locked");
  run_backup (&run, folder, 0);
  ub_test_vphone_run (phone, "clear-faults");
  assert_lockdown_error (run.error, LOCKDOWN_E_PASSWORD_PROTECTED);
}

static void
test_refused (void)
{
  g_autofree char *folder = new_folder ("refused");
  g_auto(Run) run = { 0 };

  ub_test_vphone_run (phone, "fault backup-refused");
  run_backup (&run, folder, 0);
  ub_test_vphone_run (phone, "clear-faults");
  g_assert_error (run.error, UB_ERROR, UB_ERROR_FAILED);
  g_assert_nonnull (strstr (run.error->message, "error 208"));
}

static void
test_sync_busy (void)
{
  g_autofree char *folder = new_folder ("busy");
  g_auto(Run) run = { 0 };

  ub_test_vphone_run (phone, "fault sync-busy");
  run_backup (&run, folder, 0);
  ub_test_vphone_run (phone, "clear-faults");
  g_assert_error (run.error, UB_ERROR, UB_ERROR_DEVICE_BUSY);
  g_assert_true (ub_vphone_record_has ("afc lock ex would-block"));
  g_assert_true (ub_vphone_record_has ("afc close"));
}

/* lockdownd never answers: libimobiledevice waits 30 s of real time, the
 * task gives up after the (scaled) stall allowance all the same */
static void
test_silent (void)
{
  g_autofree char *folder = new_folder ("silent");
  g_auto(Run) run = { 0 };

  ub_test_vphone_run (phone, "fault lockdownd-silent");
  run_backup (&run, folder, 0);
  ub_test_vphone_run (phone, "clear-faults");
  g_assert_error (run.error, UB_ERROR, UB_ERROR_TIMED_OUT);
  g_assert_cmpfloat (run.seconds, >=, 2.0);
  g_assert_cmpfloat (run.seconds, <, 5);
  g_assert_false (g_file_test (folder, G_FILE_TEST_EXISTS));
}

typedef struct
{
  const char *folder;
  Run        *second;
} Twice;

/* Once the first backup is copying, a second one into the same folder */
static void
on_first_progress (double      fraction,
                   guint64     bytes,
                   const char *status,
                   gpointer    user_data)
{
  Twice *twice = user_data;

  if (bytes == 0 || twice->second->loop != NULL)
    return;
  twice->second->loop = g_main_loop_new (NULL, FALSE);
  ub_backup_run_async (udid, twice->folder, NULL, NULL, NULL, NULL, on_done, twice->second);
}

/* A second backup into the same folder while the first one runs is refused */
static void
test_same_folder_twice (void)
{
  g_autofree char *folder = new_folder ("twice");
  g_autofree char *path = g_build_filename (folder, udid, NULL);
  g_autofree char *state = NULL;
  g_auto(Run) first = { 0 };
  g_auto(Run) second = { 0 };
  Twice twice = { folder, &second };
  UbVphoneBackupLayout layout;

  ub_test_backup_setup (phone, &layout, 16 * 1024 * 1024, 8);
  ub_test_vphone_run (phone, "set backup-rate 8000000");
  first.loop = g_main_loop_new (NULL, FALSE);
  first.cancellable = g_cancellable_new ();
  ub_backup_run_async (udid, folder, first.cancellable, on_first_progress, &twice, NULL, on_done, &first);
  while (!second.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (second.error, UB_ERROR, UB_ERROR_DEVICE_BUSY);
  g_assert_nonnull (strstr (second.error->message, folder));
  g_cancellable_cancel (first.cancellable);
  while (!first.done)
    g_main_context_iteration (NULL, TRUE);
  ub_test_vphone_run (phone, "set backup-rate 0");
  g_assert_error (first.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  state = ub_test_backup_snapshot_state (path);
  g_assert_cmpstr (state, !=, "finished");
}

static void
test_invalid_udid (void)
{
  g_auto(Run) run = { 0 };
  g_autofree char *saved = g_steal_pointer (&udid);

  udid = g_strdup ("../../etc");
  run_backup (&run, tmpdir, 0);
  g_free (udid);
  udid = g_steal_pointer (&saved);
  g_assert_error (run.error, UB_ERROR, UB_ERROR_INVALID_DATA);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  phone = ub_test_vphone ();
  udid = ub_test_backup_udid (phone);
  tmpdir = g_dir_make_tmp ("test-backup-XXXXXX", NULL);
  g_assert_nonnull (tmpdir);

  g_test_add_func ("/unbrick/backup/complete", test_complete);
  g_test_add_func ("/unbrick/backup/encrypted", test_encrypted);
  g_test_add_func ("/unbrick/backup/cancel", test_cancel);
  g_test_add_func ("/unbrick/backup/stall", test_stall);
  g_test_add_func ("/unbrick/backup/unplug", test_unplug);
  g_test_add_func ("/unbrick/backup/bad-path", test_bad_path);
  g_test_add_func ("/unbrick/backup/no-space", test_no_space);
  g_test_add_func ("/unbrick/backup/no-space-midway", test_no_space_midway);
  g_test_add_func ("/unbrick/backup/trust-pending", test_trust_pending);
  g_test_add_func ("/unbrick/backup/locked", test_locked);
  g_test_add_func ("/unbrick/backup/refused", test_refused);
  g_test_add_func ("/unbrick/backup/sync-busy", test_sync_busy);
  g_test_add_func ("/unbrick/backup/silent", test_silent);
  g_test_add_func ("/unbrick/backup/same-folder-twice", test_same_folder_twice);
  g_test_add_func ("/unbrick/backup/invalid-udid", test_invalid_udid);
  status = g_test_run ();

  ub_test_remove_tree (tmpdir);
  g_free (tmpdir);
  g_free (udid);
  g_object_unref (phone);
  return status;
}
