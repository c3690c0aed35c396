/* ub-test-files.c — temporary files and folders for tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "ub-test-files.h"

/* rm -r, without following symbolic links */
void
ub_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_SYMLINK) && (dir = g_dir_open (path, 0, NULL)) != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);
        ub_test_remove_tree (child);
      }
  g_remove (path);
}

/**
 * ub_test_isolate_network:
 *
 * Call first in main(), before anything reads the XDG directories: the
 * cache (firmware lists, downloads) goes to a new temporary directory, with
 * the data, config and state directories (backups, logs) inside it, and the
 * firmware catalogs point at a closed port on 127.0.0.1 unless the test set
 * them already. A test never reaches the internet, nor the files of the
 * person running it. (gtk_test_init() ignores G_TEST_OPTION_ISOLATE_DIRS.)
 *
 * Returns: (transfer full): the temporary cache directory
 */
char *
ub_test_isolate_network (void)
{
  g_autoptr(GError) error = NULL;
  char *cache = g_dir_make_tmp ("unbrick-test-cache-XXXXXX", &error);
  const char *homes[] = { "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME" };

  g_assert_no_error (error);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (homes); i++)
    {
      g_autofree char *dir = g_build_filename (cache, homes[i], NULL);

      g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
      g_setenv (homes[i], dir, TRUE);
    }
  g_setenv ("UNBRICK_IPSW_API_URL", "http://127.0.0.1:9", FALSE);
  g_setenv ("UNBRICK_APPLE_VERSION_URL", "http://127.0.0.1:9/version.plist", FALSE);
  g_assert_cmpstr (g_get_user_cache_dir (), ==, cache);
  return cache;
}
