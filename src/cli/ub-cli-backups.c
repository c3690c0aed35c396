/* ub-cli-backups.c — unbrick-cli backups: the iPhone backups on this computer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "ub-cli.h"

static JsonNode *
backup_to_json (const UbBackupInfo *info)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *date = info->date ? g_date_time_format_iso8601 (info->date) : NULL;
  g_autofree char *summary = ub_backup_info_dup_summary (info);

  json_builder_begin_object (b);
  ub_cli_json_add_string (b, "path", info->path);
  ub_cli_json_add_string (b, "udid", info->udid);
  ub_cli_json_add_string (b, "device_name", info->device_name);
  ub_cli_json_add_string (b, "product_type", info->product_type);
  ub_cli_json_add_string (b, "product_version", info->product_version);
  ub_cli_json_add_string (b, "build_version", info->build_version);
  ub_cli_json_add_string (b, "serial_number", info->serial_number);
  ub_cli_json_add_string (b, "date", date);
  json_builder_set_member_name (b, "size");
  json_builder_add_int_value (b, (gint64)MIN (info->size, (guint64)G_MAXINT64));
  json_builder_set_member_name (b, "encrypted");
  json_builder_add_boolean_value (b, info->encrypted);
  json_builder_set_member_name (b, "complete");
  json_builder_add_boolean_value (b, info->complete);
  ub_cli_json_add_string (b, "problem", info->problem);
  ub_cli_json_add_string (b, "summary", summary);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static JsonNode *
result_to_json (const char         *udid,
                const char * const *folders,
                GPtrArray          *found)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  ub_cli_json_add_string (b, "udid", udid);
  json_builder_set_member_name (b, "folders");
  json_builder_begin_array (b);
  for (guint i = 0; folders[i] != NULL; i++)
    json_builder_add_string_value (b, folders[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "backups");
  json_builder_begin_array (b);
  for (guint i = 0; i < found->len; i++)
    json_builder_add_value (b, backup_to_json (found->pdata[i]));
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* "Anna’s iPhone (iPhone10,3, iOS 16.7.2)", or what is known of it */
static char *
device_text (const UbBackupInfo *info)
{
  g_autoptr(GString) text = g_string_new (info->device_name ? info->device_name : "");
  g_autoptr(GPtrArray) facts = g_ptr_array_new_with_free_func (g_free);

  if (info->product_type != NULL)
    g_ptr_array_add (facts, g_strdup (info->product_type));
  if (info->product_version != NULL)
    g_ptr_array_add (facts, g_strdup_printf ("iOS %s", info->product_version));
  g_ptr_array_add (facts, NULL);
  if (facts->len > 1)
    {
      g_autofree char *joined = g_strjoinv (", ", (char **)facts->pdata);

      g_string_append_printf (text, text->len ? " (%s)" : "%s", joined);
    }
  return g_strdup (text->len ? text->str : "?");
}

static void
print_backup (const UbBackupInfo *info)
{
  g_autoptr(GDateTime) local = info->date ? g_date_time_to_local (info->date) : NULL;
  g_autofree char *date = local ? g_date_time_format (local, "%Y-%m-%d %H:%M") : g_strdup ("?");
  g_autofree char *size = g_format_size (info->size);
  g_autofree char *device = device_text (info);

  printf ("  %-16s  %9s  %-9s  %-8s  %-40s  %s\n", date, size,
          /* TRANSLATORS: the ENCRYPTED and COMPLETE columns of "unbrick-cli backups" */
          info->encrypted ? _("yes") : _("no"), info->complete ? _("yes") : _("no"),
          info->udid ? info->udid : "?", device);
  printf ("  %-16s  %s\n", "", info->path);
  if (info->problem != NULL)
    printf ("  %-16s  %s\n", "", info->problem);
}

static void
print_found (GPtrArray *found)
{
  /* TRANSLATORS: column headings of "unbrick-cli backups"; keep the widths */
  printf ("  %-16s  %9s  %-9s  %-8s  %-40s  %s\n", _("DATE"), _("SIZE"), _("ENCRYPTED"), _("COMPLETE"),
          _("UDID"), _("PHONE"));
  for (guint i = 0; i < found->len; i++)
    print_backup (found->pdata[i]);
}

static void
print_result (const char         *udid,
              const char * const *folders,
              GPtrArray          *found,
              gboolean            json)
{
  if (json)
    {
      g_autoptr(JsonNode) node = result_to_json (udid, folders, found);
      ub_cli_print_json (node, TRUE);
    }
  else if (found->len == 0)
    {
      g_autofree char *none = ub_backup_dup_none_found_text (udid, folders);
      printf ("%s\n", none);
    }
  else
    print_found (found);
}

int
ub_cli_backups (int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autofree char *udid = NULL;
  g_auto(GStrv) given = NULL;
  g_auto(GStrv) folders = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "udid", 'u', 0, G_OPTION_ARG_STRING, &udid, N_("Only the backups of this phone"), N_("UDID") },
    { "folder", 'f', 0, G_OPTION_ARG_FILENAME_ARRAY, &given,
      N_("Look only in this folder (repeatable); it may hold backups or be one"), N_("DIR") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };

  g_option_context_set_summary (context, _("List the iPhone backups on this computer, newest first: "
                                           "in the usual places and the folders added in Unbrick, "
                                           "or in the folders given."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return ub_cli_usage_error (context, error->message);
  if (argc != 1)
    return ub_cli_usage_error (context, _("This command takes no arguments"));
  if (udid != NULL && !ub_backup_udid_is_valid (udid))
    return ub_cli_usage_error (context, _("--udid must be letters, digits and dashes"));

  folders = given ? g_strdupv (given) : ub_backup_dup_search_folders ();
  found = ub_backup_scan_sync (udid, (const char * const *)folders, NULL, &error);
  if (found == NULL)
    {
      fprintf (stderr, "unbrick-cli: %s\n", error->message);
      return g_error_matches (error, UB_ERROR, UB_ERROR_TIMED_OUT) ? UB_CLI_EXIT_TIMEOUT : UB_CLI_EXIT_FAILED;
    }
  print_result (udid, (const char * const *)folders, found, json);
  return UB_CLI_EXIT_OK;
}
