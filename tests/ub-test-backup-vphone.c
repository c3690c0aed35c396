/* ub-test-backup-vphone.c — checking a backup the host made of the virtual iPhone
 *
 * The virtual iPhone's backup is synthetic (tests/vphone/ub-vphone-backup-data.c):
 * the test computes the same file names and bytes and compares them with
 * what the host wrote, byte for byte.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ub-test-backup-vphone.h"

#define CHUNK (1024 * 1024)

static void
run (UbVphoneClient *phone,
     const char     *command)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *reply = ub_vphone_client_command (phone, command, 10.0, &error);

  g_assert_no_error (error);
  g_assert_nonnull (reply);
}

/**
 * ub_test_backup_setup:
 *
 * Sets the size of the phone's next backup and fills @layout with what it
 * will hold.
 */
void
ub_test_backup_setup (UbVphoneClient       *phone,
                      UbVphoneBackupLayout *layout,
                      guint64               total,
                      guint                 n_files)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ecid = ub_vphone_client_get (phone, "ecid", &error);
  g_autofree char *size_command = g_strdup_printf ("set backup-size %" G_GUINT64_FORMAT, total);
  g_autofree char *files_command = g_strdup_printf ("set backup-files %u", n_files);

  g_assert_no_error (error);
  run (phone, size_command);
  run (phone, files_command);
  layout->ecid = g_ascii_strtoull (ecid, NULL, 16);
  layout->total = total;
  layout->n_files = n_files;
}

char *
ub_test_backup_udid (UbVphoneClient *phone)
{
  g_autoptr(GError) error = NULL;
  char *udid = ub_vphone_client_get (phone, "udid", &error);

  g_assert_no_error (error);
  return udid;
}

static void
check_one (const char                 *file,
           const UbVphoneBackupLayout *layout,
           guint                       index,
           guint8                     *expected,
           guint8                     *actual)
{
  guint64 size = ub_vphone_backup_file_size (layout, index);
  FILE *in = fopen (file, "rb");

  g_assert_nonnull (in);
  for (guint64 offset = 0; offset < size; offset += CHUNK)
    {
      gsize n = (gsize)MIN (CHUNK, size - offset);

      g_assert_cmpuint (fread (actual, 1, n, in), ==, n);
      ub_vphone_backup_fill (layout, index, offset, expected, n);
      if (memcmp (expected, actual, n) != 0)
        g_error ("“%s” differs from what the phone sent in bytes %" G_GUINT64_FORMAT "…", file, offset);
    }
  g_assert_cmpuint (fread (actual, 1, 1, in), ==, 0);     /* and not a byte more */
  fclose (in);
}

/**
 * ub_test_backup_check_files:
 * @path: the backup folder, DIR/UDID
 *
 * Every data file of @layout must be in @path with exactly its bytes.
 */
void
ub_test_backup_check_files (const char                 *path,
                            const UbVphoneBackupLayout *layout)
{
  g_autofree guint8 *expected = g_malloc (CHUNK);
  g_autofree guint8 *actual = g_malloc (CHUNK);

  for (guint i = 0; i < layout->n_files; i++)
    {
      g_autofree char *name = ub_vphone_backup_file_name (layout, i);
      g_autofree char *file = g_build_filename (path, name, NULL);

      check_one (file, layout, i, expected, actual);
    }
}

/**
 * ub_test_backup_read_plist:
 *
 * Returns: (transfer full) (nullable): @path/@name parsed, %NULL if it is not there
 */
plist_t
ub_test_backup_read_plist (const char *path,
                           const char *name)
{
  g_autofree char *file = g_build_filename (path, name, NULL);
  g_autofree char *data = NULL;
  gsize len = 0;
  plist_t plist = NULL;

  if (!g_file_get_contents (file, &data, &len, NULL))
    return NULL;
  plist_from_memory (data, (uint32_t)len, &plist);
  g_assert_nonnull (plist);
  return plist;
}

/**
 * ub_test_backup_snapshot_state:
 *
 * Returns: (transfer full) (nullable): Status.plist's SnapshotState
 */
char *
ub_test_backup_snapshot_state (const char *path)
{
  plist_t status = ub_test_backup_read_plist (path, "Status.plist");
  plist_t state = status ? plist_dict_get_item (status, "SnapshotState") : NULL;
  char *value = NULL;

  if (state != NULL)
    plist_get_string_val (state, &value);
  if (status != NULL)
    plist_free (status);
  return value;
}

gboolean
ub_test_backup_is_encrypted (const char *path)
{
  plist_t manifest = ub_test_backup_read_plist (path, "Manifest.plist");
  plist_t node;
  guint8 value = FALSE;

  g_assert_nonnull (manifest);
  node = plist_dict_get_item (manifest, "IsEncrypted");
  g_assert_nonnull (node);
  plist_get_bool_val (node, &value);
  plist_free (manifest);
  return value;
}

/**
 * ub_test_backup_count_parts:
 *
 * Returns: how many files below @path are half-written (".…ub-part")
 */
guint
ub_test_backup_count_parts (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;
  guint n = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_str_has_suffix (name, ".ub-part"))
        n++;
      else if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        n += ub_test_backup_count_parts (child);
    }
  return n;
}
