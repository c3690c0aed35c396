/* ub-cli-models.c — unbrick-cli models, unbrick-cli guide
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "ub-cli.h"

void
ub_cli_print_json (JsonNode *node,
                   gboolean  pretty)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_root (gen, node);
  json_generator_set_pretty (gen, pretty);
  text = json_generator_to_data (gen, NULL);
  printf ("%s\n", text);
  fflush (stdout);
}

/* A string member, or null when @value is %NULL */
void
ub_cli_json_add_string (JsonBuilder *b,
                        const char  *name,
                        const char  *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static char *
hex (guint value,
     guint digits)
{
  return g_strdup_printf ("0x%0*x", (int)digits, value);
}

JsonNode *
ub_cli_model_to_json (UbModel *model)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *cpid = hex (ub_model_get_cpid (model), 4);
  g_autofree char *bdid = hex (ub_model_get_bdid (model), 2);
  static const char * const connectors[] = { "30pin", "lightning", "usb-c" };

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, ub_model_get_name (model));
  json_builder_set_member_name (b, "product_type");
  json_builder_add_string_value (b, ub_model_get_product_type (model));
  json_builder_set_member_name (b, "board");
  json_builder_add_string_value (b, ub_model_get_board (model));
  json_builder_set_member_name (b, "cpid");
  json_builder_add_string_value (b, cpid);
  json_builder_set_member_name (b, "bdid");
  json_builder_add_string_value (b, bdid);
  json_builder_set_member_name (b, "soc");
  json_builder_add_string_value (b, ub_model_get_soc (model));
  json_builder_set_member_name (b, "year");
  json_builder_add_int_value (b, ub_model_get_year (model));
  json_builder_set_member_name (b, "button_family");
  json_builder_add_string_value (b, ub_button_family_to_string (ub_model_get_family (model)));
  json_builder_set_member_name (b, "power_button");
  json_builder_add_string_value (b, ub_model_get_power_button (model) == UB_POWER_BUTTON_SIDE ? "side" : "top");
  json_builder_set_member_name (b, "connector");
  json_builder_add_string_value (b, connectors[ub_model_get_connector (model)]);
  json_builder_set_member_name (b, "max_os");
  json_builder_add_string_value (b, ub_model_get_max_os (model));
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

int
ub_cli_models (int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(UbModelDb) db = NULL;
  g_autoptr(GError) error = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };

  g_option_context_set_summary (context, _("List every model Unbrick knows: name, product "
                                           "type, board, chip and board IDs, button layout."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return ub_cli_usage_error (context, error->message);
  if (argc > 1)
    return ub_cli_usage_error (context, _("“models” takes no arguments"));

  db = ub_model_db_new_default ();
  if (json)
    {
      g_autoptr(JsonArray) array = json_array_new ();
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);

      for (guint i = 0; i < ub_model_db_get_n_models (db); i++)
        {
          g_autoptr(UbModel) model = g_list_model_get_item (G_LIST_MODEL (db), i);
          json_array_add_element (array, ub_cli_model_to_json (model));
        }
      json_node_set_array (root, array);
      ub_cli_print_json (root, TRUE);
      return UB_CLI_EXIT_OK;
    }

  /* TRANSLATORS: column headings of "unbrick-cli models"; keep the widths */
  printf ("%-13s %-9s %-6s %-4s %-19s %s\n", _("PRODUCT"), _("BOARD"), _("CPID"), _("BDID"),
          _("BUTTONS"), _("NAME"));
  for (guint i = 0; i < ub_model_db_get_n_models (db); i++)
    {
      g_autoptr(UbModel) model = g_list_model_get_item (G_LIST_MODEL (db), i);

      printf ("%-13s %-9s %04x   %02x   %-19s %s\n", ub_model_get_product_type (model),
              ub_model_get_board (model), ub_model_get_cpid (model), ub_model_get_bdid (model),
              ub_button_family_to_string (ub_model_get_family (model)), ub_model_get_name (model));
    }
  return UB_CLI_EXIT_OK;
}

static const char *
target_label (UbSequenceTarget target)
{
  switch (target)
    {
    case UB_TARGET_DFU:
      return _("DFU mode: the screen stays black and the computer sees the phone as 05ac:1227");
    case UB_TARGET_RECOVERY:
      return _("Recovery mode: the screen shows a computer and a cable (05ac:1281)");
    case UB_TARGET_RESTART:
    default:
      return _("a restart: the Apple logo appears");
    }
}

static JsonNode *
sequence_to_json (UbModel    *model,
                  UbSequence *seq)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  UbPowerButton power = ub_model_get_power_button (model);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "model");
  json_builder_add_value (b, ub_cli_model_to_json (model));
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, ub_sequence_kind_to_string (ub_sequence_get_kind (seq)));
  json_builder_set_member_name (b, "steps");
  json_builder_begin_array (b);
  for (guint i = 0; i < ub_sequence_get_n_steps (seq); i++)
    {
      UbStep *step = ub_sequence_get_step (seq, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "instruction");
      json_builder_add_string_value (b, ub_step_get_instruction (step, power));
      json_builder_set_member_name (b, "cue");
      if (ub_step_get_cue (step) != NULL)
        json_builder_add_string_value (b, ub_step_get_cue (step));
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "seconds");
      json_builder_add_int_value (b, ub_step_get_seconds (step, FALSE));
      json_builder_set_member_name (b, "seconds_from_recovery");
      json_builder_add_int_value (b, ub_step_get_seconds (step, TRUE));
      json_builder_set_member_name (b, "hold");
      json_builder_add_string_value (b, ub_buttons_to_string (ub_step_get_hold (step)));
      json_builder_set_member_name (b, "tap");
      json_builder_add_string_value (b, ub_buttons_to_string (ub_step_get_tap (step)));
      json_builder_set_member_name (b, "screen");
      json_builder_add_string_value (b, ub_screen_to_string (ub_step_get_screen (step)));
      json_builder_set_member_name (b, "host_reboot_at");
      json_builder_add_int_value (b, ub_step_get_host_reboot_at (step));
      json_builder_set_member_name (b, "stops_on_detection");
      json_builder_add_boolean_value (b, ub_step_get_detect (step));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static void
print_sequence (UbModel    *model,
                UbSequence *seq)
{
  UbPowerButton power = ub_model_get_power_button (model);
  g_autofree char *name = ub_model_dup_display_name (model);
  guint total;

  printf ("%s\n", name);
  printf (_("Goal: %s\n"), target_label (ub_sequence_get_target (seq)));
  total = ub_sequence_get_total_seconds (seq, FALSE);
  printf (g_dngettext (GETTEXT_PACKAGE, "Total: about %u second\n\n", "Total: about %u seconds\n\n", total),
          total);

  for (guint i = 0; i < ub_sequence_get_n_steps (seq); i++)
    {
      UbStep *step = ub_sequence_get_step (seq, i);
      guint secs = ub_step_get_seconds (step, FALSE);
      guint rec = ub_step_get_seconds (step, TRUE);
      const char *cue = ub_step_get_cue (step);

      printf ("%2u. %s\n", i + 1, ub_step_get_instruction (step, power));
      if (rec != secs)
        /* TRANSLATORS: %u are seconds */
        printf (_("    %u s (%u s if the phone starts in recovery mode)\n"), secs, rec);
      else
        printf (g_dngettext (GETTEXT_PACKAGE, "    %u second\n", "    %u seconds\n", secs), secs);
      if (ub_step_get_host_reboot_at (step) >= 0)
        printf (_("    The computer restarts the phone %d s into this step.\n"),
                ub_step_get_host_reboot_at (step));
      if (cue != NULL)
        printf ("    → %s\n", cue);
    }
}

int
ub_cli_guide (int    argc,
              char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("MODEL"));
  g_autoptr(UbModelDb) db = NULL;
  g_autoptr(UbSequenceBook) book = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *kind_s = NULL;
  UbSequenceKind kind = UB_SEQUENCE_DFU;
  gboolean json = FALSE;
  UbSequence *seq;
  UbModel *model;
  GOptionEntry entries[] = {
    { "kind", 'k', 0, G_OPTION_ARG_STRING, &kind_s,
      N_("dfu (default), dfu-assisted, recovery or force-restart"), N_("KIND") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };

  g_option_context_set_summary (context, _("Show the button sequence for MODEL: a product type "
                                           "(iPhone10,3), a board (d22ap) or a name (“iPhone X”)."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return ub_cli_usage_error (context, error->message);
  if (argc != 2)
    return ub_cli_usage_error (context, _("Name one model"));
  if (kind_s != NULL && !ub_sequence_kind_from_string (kind_s, &kind))
    return ub_cli_usage_error (context, _("Unknown --kind"));

  db = ub_model_db_new_default ();
  book = ub_sequence_book_new_default ();
  if ((model = ub_model_db_resolve_one (db, argv[1], &error)) == NULL)
    {
      fprintf (stderr, "unbrick-cli: %s\n", error->message);
      return UB_CLI_EXIT_NO_MODEL;
    }
  if ((seq = ub_sequence_book_lookup (book, kind, model)) == NULL)
    {
      fprintf (stderr, _("unbrick-cli: there is no “%s” sequence for %s; use --kind dfu\n"),
               ub_sequence_kind_to_string (kind), ub_model_get_name (model));
      return UB_CLI_EXIT_FAILED;
    }

  if (json)
    {
      g_autoptr(JsonNode) node = sequence_to_json (model, seq);
      ub_cli_print_json (node, TRUE);
    }
  else
    print_sequence (model, seq);
  return UB_CLI_EXIT_OK;
}
