/* ub-backup-text.c — the words for backups: summaries, ages, none found, no longer possible
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-backup-text"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ub-backup-text.h"

/**
 * ub_backup_dup_age_text:
 * @now: the time to count from
 *
 * Returns: (transfer full): "just now", "3 days ago"; a date ("on 5 March
 *   2024") past 30 days or in the future
 */
char *
ub_backup_dup_age_text (GDateTime *date,
                        GDateTime *now)
{
  GTimeSpan age;
  guint n;

  g_return_val_if_fail (date != NULL && now != NULL, NULL);

  age = g_date_time_difference (now, date);
  if (age < -G_TIME_SPAN_MINUTE || age >= 30 * G_TIME_SPAN_DAY)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (date);
      /* TRANSLATORS: a date in g_date_time_format() notation; "on 5 March 2024" */
      return g_date_time_format (local, _("on %-d %B %Y"));
    }
  if (age < G_TIME_SPAN_MINUTE)
    return g_strdup (_("just now"));
  if (age < G_TIME_SPAN_HOUR)
    {
      n = (guint)(age / G_TIME_SPAN_MINUTE);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u minute ago", "%u minutes ago", n), n);
    }
  if (age < G_TIME_SPAN_DAY)
    {
      n = (guint)(age / G_TIME_SPAN_HOUR);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u hour ago", "%u hours ago", n), n);
    }
  n = (guint)(age / G_TIME_SPAN_DAY);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u day ago", "%u days ago", n), n);
}

static char *
dup_when_text (const UbBackupInfo *info,
               GDateTime          *now)
{
  g_autofree char *age = info->date ? ub_backup_dup_age_text (info->date, now) : NULL;

  if (info->complete && age != NULL)
    /* TRANSLATORS: %s is "3 days ago" or "on 5 March 2024" */
    return g_strdup_printf (_("Backed up %s"), age);
  if (info->complete)
    return g_strdup (_("Backed up on an unknown date"));
  if (age != NULL)
    /* TRANSLATORS: %s is "3 days ago" or "on 5 March 2024" */
    return g_strdup_printf (_("Incomplete backup, %s"), age);
  return g_strdup (_("Incomplete backup of unknown date"));
}

/**
 * ub_backup_info_dup_summary_at:
 * @now: the time to count from
 *
 * Returns: (transfer full): one translated line: "Backed up 3 days ago,
 *   2.1 GB, encrypted", "Incomplete backup, on 5 March 2024, 1.2 GB"
 */
char *
ub_backup_info_dup_summary_at (const UbBackupInfo *info,
                               GDateTime          *now)
{
  g_autofree char *when = NULL;
  g_autofree char *size = NULL;

  g_return_val_if_fail (info != NULL, NULL);
  g_return_val_if_fail (now != NULL, NULL);

  when = dup_when_text (info, now);
  size = g_format_size (info->size);
  if (!info->complete)
    /* TRANSLATORS: "Incomplete backup, 3 days ago", "1.2 GB" */
    return g_strdup_printf (_("%s, %s"), when, size);
  /* TRANSLATORS: "Backed up 3 days ago", "2.1 GB", "encrypted" or "not encrypted" */
  return g_strdup_printf (_("%s, %s, %s"), when, size,
                          info->encrypted ? _("encrypted") : _("not encrypted"));
}

/**
 * ub_backup_info_dup_summary:
 *
 * ub_backup_info_dup_summary_at() from the current time.
 *
 * Returns: (transfer full): one translated line
 */
char *
ub_backup_info_dup_summary (const UbBackupInfo *info)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return ub_backup_info_dup_summary_at (info, now);
}

/**
 * ub_backup_dup_none_found_text:
 * @udid: (nullable): the phone looked for, or %NULL for any
 *
 * Returns: (transfer full): "No backup of this iPhone was found in:" and
 *   the folders, one per line
 */
char *
ub_backup_dup_none_found_text (const char         *udid,
                               const char * const *folders)
{
  GString *text = g_string_new (udid ? _("No backup of this iPhone was found in:")
                                     : _("No iPhone backup was found in:"));

  for (guint i = 0; folders != NULL && folders[i] != NULL; i++)
    g_string_append_printf (text, "\n  %s", folders[i]);
  return g_string_free (text, FALSE);
}

/**
 * ub_backup_mode_note:
 *
 * Returns: (nullable): why no backup can be made of a phone in @mode, and
 *   what that means, translated; %NULL when iOS is running (or the mode is
 *   unknown)
 */
const char *
ub_backup_mode_note (UbDeviceMode mode)
{
  switch (mode)
    {
    case UB_DEVICE_MODE_RECOVERY:
      return _("The iPhone is in recovery mode, so a backup is no longer possible: an iPhone gives "
               "out its data only after it has started normally. If it can still start, make a "
               "backup first. Otherwise, whatever is not in an earlier backup or in iCloud is lost "
               "if the iPhone has to be erased.");
    case UB_DEVICE_MODE_DFU:
    case UB_DEVICE_MODE_WTF:
    case UB_DEVICE_MODE_PORT_DFU:
      return _("The iPhone is in DFU mode, so a backup is no longer possible: an iPhone gives out "
               "its data only after it has started normally. Whatever is not in an earlier backup "
               "or in iCloud is lost if the iPhone has to be erased.");
    case UB_DEVICE_MODE_RESTORE:
      return _("A restore is already running on the iPhone, so a backup is no longer possible.");
    case UB_DEVICE_MODE_NORMAL:
    case UB_DEVICE_MODE_UNKNOWN:
    default:
      return NULL;
    }
}
