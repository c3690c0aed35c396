/* test-backup-paths.c — the paths a phone sends never lead out of its backup folder
 *
 * The backup's store (src/core/ub-backup-job-store.c) on its own, without a
 * phone: paths that are absolute, have "." or "..", name another phone's
 * folder, or go through a symbolic link planted in the backup, are refused
 * for every operation the phone can ask for, and nothing appears outside the
 * folder.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "ub-backup-job-private.h"
#include "ub-error.h"
#include "ub-test-files.h"

#define UDID "00008030-001A2B3C4D5E6F70"

typedef struct
{
  char            *root;      /* holds "outside" and "backups" */
  char            *folder;    /* root/backups */
  char            *outside;   /* root/outside */
  UbBackupSession  s;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *udid_dir = NULL;

  f->root = g_dir_make_tmp ("test-backup-paths-XXXXXX", NULL);
  f->folder = g_build_filename (f->root, "backups", NULL);
  f->outside = g_build_filename (f->root, "outside", NULL);
  udid_dir = g_build_filename (f->folder, UDID, NULL);
  g_assert_cmpint (g_mkdir_with_parents (udid_dir, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (f->outside, 0700), ==, 0);
  f->s.job = _ub_backup_job_new (UDID, f->folder);
  f->s.folder_fd = open (f->folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  f->s.host_lock_fd = -1;
  g_assert_cmpint (f->s.folder_fd, >=, 0);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  close (f->s.folder_fd);
  _ub_backup_job_unref (f->s.job);
  ub_test_remove_tree (f->root);
  g_free (f->root);
  g_free (f->folder);
  g_free (f->outside);
}

static guint
count_entries (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  while (dir != NULL && g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static const char * const refused[] = {
  "/etc/passwd",
  "../escape",
  UDID "/../escape",
  UDID "/../../outside/escape",
  UDID "/./Status.plist",
  "..",
  "",
  "/",
  "00008030-FFFFFFFFFFFFFFFF/Status.plist",     /* another phone's backup */
  "Status.plist",
};

static void
test_split (Fixture       *f,
            gconstpointer  data)
{
  g_auto(GStrv) parts = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) none = _ub_backup_store_split (&f->s, refused[i], &error);

      g_test_message ("“%s”: %s", refused[i], error ? error->message : "accepted");
      g_assert_null (none);
      g_assert_error (error, UB_ERROR, UB_ERROR_PROTOCOL);
    }
  /* Doubled slashes are harmless; the UDID is spelled as the job spells it */
  parts = _ub_backup_store_split (&f->s, "00008030-001a2b3c4d5e6f70//ab/abcdef", NULL);
  g_assert_nonnull (parts);
  g_assert_cmpuint (g_strv_length (parts), ==, 3);
  g_assert_cmpstr (parts[0], ==, UDID);
  g_assert_cmpstr (parts[2], ==, "abcdef");
}

/* Every operation the phone can ask for, with every refused path */
static void
test_operations_refused (Fixture       *f,
                         gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) e1 = NULL;
      g_autoptr(GError) e2 = NULL;
      g_autoptr(GError) e3 = NULL;
      g_autoptr(GError) e4 = NULL;
      g_autoptr(GError) e5 = NULL;
      g_autofree char *leaf = NULL;

      g_assert_false (_ub_backup_store_make_directory (&f->s, refused[i], &e1));
      g_assert_error (e1, UB_ERROR, UB_ERROR_PROTOCOL);
      g_assert_false (_ub_backup_store_remove (&f->s, refused[i], &e2));
      g_assert_error (e2, UB_ERROR, UB_ERROR_PROTOCOL);
      g_assert_false (_ub_backup_store_move (&f->s, UDID "/Status.plist", refused[i], &e3));
      g_assert_error (e3, UB_ERROR, UB_ERROR_PROTOCOL);
      g_assert_null (_ub_backup_store_list (&f->s, refused[i], &e4));
      g_assert_error (e4, UB_ERROR, UB_ERROR_PROTOCOL);
      g_assert_cmpint (_ub_backup_store_open_parent (&f->s, refused[i], TRUE, &leaf, &e5), ==, -1);
      g_assert_error (e5, UB_ERROR, UB_ERROR_PROTOCOL);
    }
  g_assert_cmpuint (count_entries (f->outside), ==, 0);
  g_assert_cmpuint (count_entries (f->root), ==, 2);
}

/* A link inside the backup that points out of it is never followed */
static void
test_symlink (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *link = g_build_filename (f->folder, UDID, "ab", NULL);
  g_autofree char *victim = g_build_filename (f->outside, "victim", NULL);
  g_autofree char *leaf = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) error2 = NULL;
  g_autoptr(GError) error3 = NULL;
  plist_t list;

  g_assert_true (g_file_set_contents (victim, "keep me", -1, NULL));
  g_assert_cmpint (symlink (f->outside, link), ==, 0);
  g_assert_cmpint (_ub_backup_store_open_parent (&f->s, UDID "/ab/victim", TRUE, &leaf, &error), ==, -1);
  g_assert_nonnull (error);
  g_test_message ("through a link: %s", error->message);
  g_assert_false (_ub_backup_store_make_directory (&f->s, UDID "/ab/new", &error2));
  g_assert_nonnull (error2);
  /* Removing the link removes the link, not what it points to */
  g_assert_true (_ub_backup_store_remove (&f->s, UDID "/ab/victim", &error3));
  g_assert_no_error (error3);
  g_assert_true (g_file_test (victim, G_FILE_TEST_EXISTS));
  list = _ub_backup_store_list (&f->s, UDID "/ab", NULL);
  g_assert_nonnull (list);
  g_assert_cmpuint (plist_dict_get_size (list), ==, 0);
  plist_free (list);
  g_assert_true (_ub_backup_store_remove (&f->s, UDID "/ab", NULL));
  g_assert_false (g_file_test (link, G_FILE_TEST_IS_SYMLINK));
  g_assert_true (g_file_test (victim, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_entries (f->outside), ==, 1);
}

/* What the phone may do stays possible */
static void
test_operations_allowed (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *moved = g_build_filename (f->folder, UDID, "cd", "b", NULL);
  g_autofree char *copied = g_build_filename (f->folder, UDID, "copy", "b", NULL);
  g_autofree char *file = g_build_filename (f->folder, UDID, "ab", "a", NULL);
  g_autofree char *copy_of_file = g_build_filename (f->folder, UDID, "copy", "a", NULL);
  g_autoptr(GError) error = NULL;
  plist_t list;

  g_assert_true (_ub_backup_store_make_directory (&f->s, UDID "/ab", &error));
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (file, "data", -1, NULL));
  list = _ub_backup_store_list (&f->s, UDID "/ab", &error);
  g_assert_cmpuint (plist_dict_get_size (list), ==, 1);
  plist_free (list);
  g_assert_true (_ub_backup_store_copy (&f->s, UDID "/ab", UDID "/copy", &error));
  g_assert_no_error (error);
  g_assert_true (_ub_backup_store_move (&f->s, UDID "/ab/a", UDID "/cd/b", &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (moved, G_FILE_TEST_IS_REGULAR));
  g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (copy_of_file, G_FILE_TEST_IS_REGULAR));
  g_assert_true (_ub_backup_store_remove (&f->s, UDID "/copy", &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (copied, G_FILE_TEST_EXISTS));
  g_assert_true (_ub_backup_store_remove (&f->s, UDID "/not-there", &error));
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/unbrick/backup-paths/split", Fixture, NULL, fixture_set_up, test_split, fixture_tear_down);
  g_test_add ("/unbrick/backup-paths/refused", Fixture, NULL, fixture_set_up, test_operations_refused,
              fixture_tear_down);
  g_test_add ("/unbrick/backup-paths/symlink", Fixture, NULL, fixture_set_up, test_symlink, fixture_tear_down);
  g_test_add ("/unbrick/backup-paths/allowed", Fixture, NULL, fixture_set_up, test_operations_allowed,
              fixture_tear_down);
  return g_test_run ();
}
