/* ub-cli-firmware.c — unbrick-cli firmware: which restore images a model has
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "ub-cli.h"

static const char *
signed_text (UbSigned s)
{
  switch (s)
    {
    case UB_SIGNED_YES:
      /* TRANSLATORS: Apple signs this firmware: it can be restored */
      return _("signed");
    case UB_SIGNED_NO:
      /* TRANSLATORS: Apple no longer signs this firmware */
      return _("not signed");
    case UB_SIGNED_UNKNOWN:
    default:
      return _("unknown");
    }
}

JsonNode *
ub_cli_firmware_to_json (UbFirmware *f)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  static const char * const signed_names[] = { "unknown", "yes", "no" };
  GDateTime *date = ub_firmware_get_release_date (f);
  g_autofree char *released = date ? g_date_time_format_iso8601 (date) : NULL;

  json_builder_begin_object (b);
  ub_cli_json_add_string (b, "product_type", ub_firmware_get_product_type (f));
  ub_cli_json_add_string (b, "version", ub_firmware_get_version (f));
  ub_cli_json_add_string (b, "build", ub_firmware_get_build (f));
  ub_cli_json_add_string (b, "url", ub_firmware_get_url (f));
  json_builder_set_member_name (b, "size");
  json_builder_add_int_value (b, (gint64)ub_firmware_get_size (f));
  ub_cli_json_add_string (b, "sha1", ub_firmware_get_sha1 (f));
  ub_cli_json_add_string (b, "sha256", ub_firmware_get_sha256 (f));
  json_builder_set_member_name (b, "sha1_confirmed_by_apple");
  json_builder_add_boolean_value (b, ub_firmware_get_sha1_from_apple (f));
  ub_cli_json_add_string (b, "signed", signed_names[ub_firmware_get_signed (f)]);
  ub_cli_json_add_string (b, "released", released);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static JsonNode *
list_to_json (UbModel        *model,
              UbFirmwareList *list)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *fetched = g_date_time_format_iso8601 (ub_firmware_list_get_fetched (list));
  UbFirmware *recommended = ub_firmware_list_get_recommended (list);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "model");
  json_builder_add_value (b, ub_cli_model_to_json (model));
  ub_cli_json_add_string (b, "fetched", fetched);
  json_builder_set_member_name (b, "offline");
  json_builder_add_boolean_value (b, ub_firmware_list_get_offline (list));
  ub_cli_json_add_string (b, "recommended", recommended ? ub_firmware_get_build (recommended) : NULL);
  json_builder_set_member_name (b, "firmwares");
  json_builder_begin_array (b);
  for (guint i = 0; i < ub_firmware_list_get_n_firmwares (list); i++)
    json_builder_add_value (b, ub_cli_firmware_to_json (ub_firmware_list_get_firmware (list, i)));
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static void
print_list (UbModel        *model,
            UbFirmwareList *list)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *age = ub_firmware_list_dup_age_text (list, now);
  g_autofree char *name = ub_model_dup_display_name (model);
  UbFirmware *recommended = ub_firmware_list_get_recommended (list);

  printf ("%s — %s%s\n", name, age,
          ub_firmware_list_get_offline (list) ? _(" (offline: this list may be out of date)") : "");
  if (recommended != NULL)
    /* TRANSLATORS: %s are a version and a build, e.g. "iOS 16.7.12 (20H364)" */
    printf (_("Latest signed: iOS %s (%s)\n\n"), ub_firmware_get_version (recommended),
            ub_firmware_get_build (recommended));
  else
    printf ("%s\n\n", _("Apple signs none of these: none can be restored now."));

  /* TRANSLATORS: column headings of "unbrick-cli firmware"; keep the widths */
  printf ("  %-10s %-9s %-11s %9s  %s\n", _("VERSION"), _("BUILD"), _("SIGNED"), _("SIZE"), _("FILE"));
  for (guint i = 0; i < ub_firmware_list_get_n_firmwares (list); i++)
    {
      UbFirmware *f = ub_firmware_list_get_firmware (list, i);
      g_autofree char *size = ub_firmware_get_size (f) ? g_format_size (ub_firmware_get_size (f)) : g_strdup ("?");
      g_autofree char *file = ub_firmware_dup_file_name (f);

      printf ("%s %-10s %-9s %-11s %9s  %s\n", f == recommended ? "*" : " ", ub_firmware_get_version (f),
              ub_firmware_get_build (f), signed_text (ub_firmware_get_signed (f)), size, file);
    }
}

int
ub_cli_firmware (int    argc,
                 char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("MODEL"));
  g_autoptr(UbModelDb) db = NULL;
  g_autoptr(UbFirmwareCatalog) catalog = NULL;
  g_autoptr(UbFirmwareList) list = NULL;
  g_autoptr(GError) error = NULL;
  gboolean json = FALSE, refresh = FALSE;
  UbModel *model;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { "refresh", 'r', 0, G_OPTION_ARG_NONE, &refresh, N_("Ask the servers even if the cached list is recent"), NULL },
    { NULL }
  };

  g_option_context_set_summary (context, _("List the restore images (IPSW) of MODEL and which one "
                                           "Apple signs, from ipsw.me, checked against Apple’s list."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return ub_cli_usage_error (context, error->message);
  if (argc != 2)
    return ub_cli_usage_error (context, _("Name one model"));

  db = ub_model_db_new_default ();
  if ((model = ub_model_db_resolve_one (db, argv[1], &error)) == NULL)
    {
      fprintf (stderr, "unbrick-cli: %s\n", error->message);
      return UB_CLI_EXIT_NO_MODEL;
    }
  catalog = ub_firmware_catalog_new (NULL);
  list = ub_firmware_catalog_lookup (catalog, ub_model_get_product_type (model),
                                     refresh ? UB_CATALOG_REFRESH : UB_CATALOG_NONE, NULL, &error);
  if (list == NULL)
    {
      fprintf (stderr, "unbrick-cli: %s\n", error->message);
      return UB_CLI_EXIT_NETWORK;
    }
  if (json)
    {
      g_autoptr(JsonNode) node = list_to_json (model, list);
      ub_cli_print_json (node, TRUE);
    }
  else
    print_list (model, list);
  return UB_CLI_EXIT_OK;
}

/* The image to download for @model: @build if given, else the latest signed */
static UbFirmware *
choose_firmware (UbModel        *model,
                 UbFirmwareList *list,
                 const char     *build)
{
  UbFirmware *firmware = build ? ub_firmware_list_find_build (list, build)
                               : ub_firmware_list_get_recommended (list);
  g_autofree char *name = ub_model_dup_display_name (model);

  if (firmware == NULL && build != NULL)
    /* TRANSLATORS: %s are a build ("20H364") and a model */
    fprintf (stderr, _("unbrick-cli: no firmware with build %s is known for %s; "
                       "“unbrick-cli firmware” lists them.\n"), build, name);
  else if (firmware == NULL)
    fprintf (stderr, "unbrick-cli: %s\n", _("Apple signs none of these: none can be restored now."));
  else if (ub_firmware_get_signed (firmware) == UB_SIGNED_NO)
    /* TRANSLATORS: %s is a version ("15.1") */
    fprintf (stderr, _("unbrick-cli: warning: Apple no longer signs iOS %s, so a restore with it "
                       "would be refused.\n"), ub_firmware_get_version (firmware));
  return firmware;
}

/**
 * ub_cli_download_model:
 * @query: a model, as "unbrick-cli models" knows it
 * @to: (nullable): the directory (default: the firmware cache the wizard uses)
 * @build: (nullable): a build to download instead of the latest signed one
 *
 * `unbrick-cli download MODEL`: the catalog's image, with its size and
 * checksums, through ub_cli_download_file().
 *
 * Returns: the exit code
 */
int
ub_cli_download_model (const char *query,
                       const char *to,
                       const char *build,
                       gboolean    json_progress)
{
  g_autoptr(UbModelDb) db = ub_model_db_new_default ();
  g_autoptr(UbFirmwareCatalog) catalog = NULL;
  g_autoptr(UbFirmwareList) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = to ? g_strdup (to) : ub_firmware_dup_download_dir ();
  g_autofree char *file = NULL;
  g_autofree char *size = NULL;
  UbFirmware *firmware;
  UbModel *model;

  if ((model = ub_model_db_resolve_one (db, query, &error)) == NULL)
    {
      fprintf (stderr, "unbrick-cli: %s\n", error->message);
      return UB_CLI_EXIT_NO_MODEL;
    }
  catalog = ub_firmware_catalog_new (NULL);
  list = ub_firmware_catalog_lookup (catalog, ub_model_get_product_type (model), UB_CATALOG_NONE, NULL, &error);
  if (list == NULL)
    {
      fprintf (stderr, "unbrick-cli: %s\n", error->message);
      return UB_CLI_EXIT_NETWORK;
    }
  if ((firmware = choose_firmware (model, list, build)) == NULL)
    return UB_CLI_EXIT_FAILED;
  file = ub_firmware_dup_file_name (firmware);
  size = g_format_size (ub_firmware_get_size (firmware));
  if (!json_progress)
    /* TRANSLATORS: "iOS 16.7.12 (20H364), 5.8 GB → /home/…/firmware" */
    fprintf (stderr, _("iOS %s (%s), %s → %s\n"), ub_firmware_get_version (firmware),
             ub_firmware_get_build (firmware), size, dir);
  return ub_cli_download_file (ub_firmware_get_url (firmware), dir, file, ub_firmware_get_size (firmware),
                               ub_firmware_get_sha1 (firmware), ub_firmware_get_sha256 (firmware), json_progress);
}
