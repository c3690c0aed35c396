/* ub-cli-ipsw.c — unbrick-cli ipsw: what a firmware file holds, and whether
 * it fits a model
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-cli"

#include "config.h"

#include <gio/gunixoutputstream.h>
#include <glib/gi18n.h>
#include <stdio.h>

#include "ub-cli.h"

typedef struct
{
  UbIpsw          *ipsw;
  UbModel         *model;
  gboolean         json;
  gboolean         update;
  UbBuildIdentity *chosen[2];    /* erase, update */
  GError          *errors[2];
  GError          *fit_error;
} Report;

static void
report_clear (Report *r)
{
  g_clear_object (&r->ipsw);
  for (guint i = 0; i < 2; i++)
    g_clear_error (&r->errors[i]);
  g_clear_error (&r->fit_error);
}

static JsonNode *
identity_to_json (UbBuildIdentity *identity)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *chip = g_strdup_printf ("0x%04x", ub_build_identity_get_chip_id (identity));
  g_autofree char *board = g_strdup_printf ("0x%02x", ub_build_identity_get_board_id (identity));

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "index");
  json_builder_add_int_value (b, ub_build_identity_get_index (identity));
  ub_cli_json_add_string (b, "device_class", ub_build_identity_get_device_class (identity));
  ub_cli_json_add_string (b, "chip_id", chip);
  ub_cli_json_add_string (b, "board_id", board);
  ub_cli_json_add_string (b, "variant", ub_build_identity_get_variant (identity));
  ub_cli_json_add_string (b, "behavior", ub_restore_behavior_to_string (ub_build_identity_get_behavior (identity)));
  json_builder_set_member_name (b, "research");
  json_builder_add_boolean_value (b, ub_build_identity_is_research (identity));
  json_builder_set_member_name (b, "components");
  json_builder_add_int_value (b, ub_build_identity_get_n_components (identity));
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static void
add_choice (JsonBuilder     *b,
            const char      *name,
            UbBuildIdentity *identity,
            const GError    *error)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "identity");
  if (identity != NULL)
    json_builder_add_int_value (b, ub_build_identity_get_index (identity));
  else
    json_builder_add_null_value (b);
  ub_cli_json_add_string (b, "error", error ? error->message : NULL);
  json_builder_end_object (b);
}

static void
add_summary (JsonBuilder *b,
             UbIpsw      *ipsw)
{
  const char * const *types = ub_ipsw_get_product_types (ipsw);

  ub_cli_json_add_string (b, "file", ub_ipsw_get_path (ipsw));
  json_builder_set_member_name (b, "size");
  json_builder_add_int_value (b, (gint64)ub_ipsw_get_file_size (ipsw));
  json_builder_set_member_name (b, "entries");
  json_builder_add_int_value (b, ub_ipsw_get_n_entries (ipsw));
  ub_cli_json_add_string (b, "product_version", ub_ipsw_get_product_version (ipsw));
  ub_cli_json_add_string (b, "build_version", ub_ipsw_get_build_version (ipsw));
  json_builder_set_member_name (b, "product_types");
  json_builder_begin_array (b);
  for (guint i = 0; types[i] != NULL; i++)
    json_builder_add_string_value (b, types[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "restore_plist");
  json_builder_add_boolean_value (b, ub_ipsw_get_restore_plist (ipsw) != NULL);
  json_builder_set_member_name (b, "identities");
  json_builder_begin_array (b);
  for (guint i = 0; i < ub_ipsw_get_n_identities (ipsw); i++)
    json_builder_add_value (b, identity_to_json (ub_ipsw_get_identity (ipsw, i)));
  json_builder_end_array (b);
}

static void
print_json (Report *r)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  add_summary (b, r->ipsw);
  if (r->model != NULL)
    {
      json_builder_set_member_name (b, "model");
      json_builder_add_value (b, ub_cli_model_to_json (r->model));
      json_builder_set_member_name (b, "fits");
      json_builder_add_boolean_value (b, r->fit_error == NULL);
      ub_cli_json_add_string (b, "fit_error", r->fit_error ? r->fit_error->message : NULL);
      add_choice (b, "erase", r->chosen[0], r->errors[0]);
      add_choice (b, "update", r->chosen[1], r->errors[1]);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  ub_cli_print_json (root, TRUE);
}

static void
print_identities (UbIpsw *ipsw)
{
  /* TRANSLATORS: a heading, then one line per build identity */
  printf ("%s\n", _("Build identities:"));
  for (guint i = 0; i < ub_ipsw_get_n_identities (ipsw); i++)
    {
      UbBuildIdentity *identity = ub_ipsw_get_identity (ipsw, i);

      printf ("  %2u  %-8s 0x%04x/0x%02x  %-7s %s", ub_build_identity_get_index (identity),
              ub_build_identity_get_device_class (identity), ub_build_identity_get_chip_id (identity),
              ub_build_identity_get_board_id (identity),
              ub_restore_behavior_to_string (ub_build_identity_get_behavior (identity)),
              ub_build_identity_get_variant (identity));
      /* TRANSLATORS: after an identity's variant; %u is a count */
      printf (g_dngettext (GETTEXT_PACKAGE, ", %u component\n", ", %u components\n",
                           ub_build_identity_get_n_components (identity)),
              ub_build_identity_get_n_components (identity));
    }
}

static void
print_choice (const char      *label,
              UbBuildIdentity *identity,
              const GError    *error)
{
  if (identity != NULL)
    /* TRANSLATORS: “Erase restore: identity 2 (Customer Erase Install (IPSW))” */
    printf (_("%s: identity %u (%s)\n"), label, ub_build_identity_get_index (identity),
            ub_build_identity_get_variant (identity));
  if (identity != NULL && error != NULL)
    printf ("  %s\n", error->message);
  else if (error != NULL)
    printf ("%s: %s\n", label, error->message);
}

static void
print_text (Report *r)
{
  g_autofree char *size = g_format_size (ub_ipsw_get_file_size (r->ipsw));
  g_autofree char *types = g_strjoinv (", ", (char **)ub_ipsw_get_product_types (r->ipsw));

  printf ("iOS %s (%s)\n", ub_ipsw_get_product_version (r->ipsw), ub_ipsw_get_build_version (r->ipsw));
  /* TRANSLATORS: %s: a size (“5.2 GB”); %u: how many files the archive holds */
  printf (_("File: %s, %u entries\n"), size, ub_ipsw_get_n_entries (r->ipsw));
  /* TRANSLATORS: %s: product types (“iPhone10,6, iPhone10,3”) */
  printf (_("For: %s\n"), types);
  print_identities (r->ipsw);
  if (r->model == NULL)
    return;
  {
    g_autofree char *name = ub_model_dup_display_name (r->model);

    printf ("\n%s\n", name);
    if (r->fit_error != NULL)
      {
        printf ("%s\n", r->fit_error->message);
        return;
      }
    printf ("%s\n", _("This firmware fits this model."));
    print_choice (_("Erase restore"), r->chosen[0], r->errors[0]);
    print_choice (_("Update restore"), r->chosen[1], r->errors[1]);
  }
}

/* The exit status for a model: 9 if the firmware is for another model, 10
 * if it has no restore of the kind asked for, 1 if files are missing */
static int
choose (Report *r)
{
  int want = r->update ? 1 : 0;

  if (!ub_ipsw_check_fits (r->ipsw, r->model, &r->fit_error))
    return UB_CLI_EXIT_WRONG_FIRMWARE;
  for (guint i = 0; i < 2; i++)
    {
      r->chosen[i] = ub_ipsw_choose_identity (r->ipsw, r->model, i == 0, &r->errors[i]);
      if (r->chosen[i] != NULL)
        ub_ipsw_check_components (r->ipsw, r->chosen[i], &r->errors[i]);
    }
  if (r->chosen[want] == NULL)
    return UB_CLI_EXIT_NO_SUCH_RESTORE;
  return r->errors[want] != NULL ? UB_CLI_EXIT_FAILED : UB_CLI_EXIT_OK;
}

/* A model for a firmware must name one board: “iPhone X” is two */
static UbModel *
resolve_model (UbModelDb  *db,
               const char *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = NULL;
  UbModel *model = ub_model_db_resolve_one (db, query, &error);

  if (model == NULL)
    {
      fprintf (stderr, "unbrick-cli: %s\n", error->message);
      return NULL;
    }
  all = ub_model_db_resolve (db, query);
  for (guint i = 0; i < all->len; i++)
    if (g_strcmp0 (ub_model_get_board (all->pdata[i]), ub_model_get_board (model)) != 0)
      {
        /* TRANSLATORS: %s: what the person typed (“iPhone X”) */
        fprintf (stderr, _("unbrick-cli: “%s” is more than one board; a firmware’s contents depend on "
                           "the board: give the product type (e.g. %s) or the board (e.g. %s)\n"),
                 query, ub_model_get_product_type (model), ub_model_get_board (model));
        return NULL;
      }
  return model;
}

#define CAT_BUFFER_SIZE (1024 * 1024)

static int
cat_component (UbIpsw     *ipsw,
               const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) in = ub_ipsw_open_component (ipsw, path, &error);
  g_autoptr(GOutputStream) out = g_unix_output_stream_new (fileno (stdout), FALSE);
  g_autofree guint8 *buffer = g_malloc (CAT_BUFFER_SIZE);
  gssize n = 0;

  fflush (stdout);
  while (in != NULL && (n = g_input_stream_read (in, buffer, CAT_BUFFER_SIZE, NULL, &error)) > 0)
    if (!g_output_stream_write_all (out, buffer, n, NULL, NULL, &error))
      break;
  if (error != NULL)
    {
      fprintf (stderr, "unbrick-cli: %s\n", error->message);
      return UB_CLI_EXIT_FAILED;
    }
  return UB_CLI_EXIT_OK;
}

static int
run (Report     *r,
     const char *path,
     const char *model_query,
     const char *cat)
{
  g_autoptr(UbModelDb) db = model_query ? ub_model_db_new_default () : NULL;
  g_autoptr(GError) error = NULL;
  int status = UB_CLI_EXIT_OK;

  if (model_query != NULL && (r->model = resolve_model (db, model_query)) == NULL)
    return UB_CLI_EXIT_NO_MODEL;
  if ((r->ipsw = ub_ipsw_new_for_path (path, &error)) == NULL)
    {
      fprintf (stderr, "unbrick-cli: %s\n", error->message);
      return UB_CLI_EXIT_FAILED;
    }
  if (cat != NULL)
    return cat_component (r->ipsw, cat);
  if (r->model != NULL)
    status = choose (r);
  if (r->json)
    print_json (r);
  else
    print_text (r);
  return status;
}

int
ub_cli_ipsw (int    argc,
             char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("FILE"));
  g_autoptr(GError) error = NULL;
  g_autofree char *model = NULL;
  g_autofree char *cat = NULL;
  gboolean erase = FALSE;
  Report r = { 0 };
  int status;
  GOptionEntry entries[] = {
    { "model", 'm', 0, G_OPTION_ARG_STRING, &model,
      N_("Check the firmware against MODEL (product type, board or name)"), N_("MODEL") },
    { "erase", 0, 0, G_OPTION_ARG_NONE, &erase, N_("With --model: an erase restore (the default)"), NULL },
    { "update", 0, 0, G_OPTION_ARG_NONE, &r.update, N_("With --model: an update that keeps the data"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &r.json, N_("Print JSON"), NULL },
    { "cat", 0, 0, G_OPTION_ARG_STRING, &cat, N_("Write the file PATH inside the firmware to standard output"),
      N_("PATH") },
    { NULL }
  };

  g_option_context_set_summary (context, _("Show what a firmware file (IPSW) holds, without unpacking it, "
                                           "and with --model whether it fits and which build identity a "
                                           "restore would use. Exits 9 if the firmware is for another "
                                           "model, 10 if it has no restore of the kind asked for."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return ub_cli_usage_error (context, error->message);
  if (argc != 2)
    return ub_cli_usage_error (context, _("“ipsw” needs one firmware file"));
  if (erase && r.update)
    return ub_cli_usage_error (context, _("--erase and --update exclude each other"));
  if ((erase || r.update) && model == NULL)
    return ub_cli_usage_error (context, _("--erase and --update need --model"));
  status = run (&r, argv[1], model, cat);
  report_clear (&r);
  return status;
}
