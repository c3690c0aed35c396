/* fuzz-backup-info.c — a backup's Info.plist, Manifest.plist and Status.plist
 *
 * The input is up to three files separated by a line "#--" (Info, then
 * Manifest, then Status; an empty part is a missing file), given to
 * ub_backup_info_new_from_data(), the function ub_backup_info_parse_folder()
 * hands the files it read. The whole input is also tried as each of the
 * three files at once. Whatever comes out must be coherent: complete exactly
 * when there is no problem, every string valid UTF-8, the UDID well formed,
 * and the summary printable.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE                 /* memmem() */

#include "config.h"

#include <string.h>

#include "ub-backup-info.h"
#include "ub-backup-text.h"

#define SEPARATOR "\n#--\n"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
check_string (const char *s)
{
  g_assert_true (s == NULL || (s[0] != '\0' && g_utf8_validate (s, -1, NULL)));
}

static void
check (UbBackupInfo *info)
{
  g_autoptr(GDateTime) now = g_date_time_new_utc (2025, 1, 1, 0, 0, 0);
  g_autofree char *summary = ub_backup_info_dup_summary_at (info, now);
  g_autoptr(UbBackupInfo) copy = ub_backup_info_copy (info);

  g_assert_cmpstr (info->path, ==, "/fuzz/backup");
  g_assert_true (info->complete == (info->problem == NULL));
  g_assert_true (info->udid == NULL || ub_backup_udid_is_valid (info->udid));
  check_string (info->device_name);
  check_string (info->product_type);
  check_string (info->product_version);
  check_string (info->build_version);
  check_string (info->serial_number);
  check_string (info->problem);
  g_assert_true (g_utf8_validate (summary, -1, NULL));
  g_assert_cmpuint (info->size, ==, 0);
  g_assert_cmpstr (copy->udid, ==, info->udid);
}

/* Splits at SEPARATOR into at most three parts; an empty part is NULL */
static void
split (const guint8 *data,
       size_t        size,
       GBytes      **parts)
{
  const guint8 *start = data;
  const guint8 *end = data + size;

  for (guint i = 0; i < 3 && start <= end; i++)
    {
      const guint8 *sep = i < 2 ? memmem (start, end - start, SEPARATOR, strlen (SEPARATOR)) : NULL;
      const guint8 *stop = sep ? sep : end;

      parts[i] = stop > start ? g_bytes_new (start, stop - start) : NULL;
      if (sep == NULL)
        break;
      start = sep + strlen (SEPARATOR);
    }
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GBytes) whole = g_bytes_new (data, size);
  GBytes *parts[3] = { NULL, NULL, NULL };
  UbBackupInfo *info;

  info = ub_backup_info_new_from_data ("/fuzz/backup", whole, whole, whole);
  check (info);
  ub_backup_info_free (info);

  split (data, size, parts);
  info = ub_backup_info_new_from_data ("/fuzz/backup", parts[0], parts[1], parts[2]);
  check (info);
  ub_backup_info_free (info);
  for (guint i = 0; i < 3; i++)
    g_clear_pointer (&parts[i], g_bytes_unref);
  return 0;
}
