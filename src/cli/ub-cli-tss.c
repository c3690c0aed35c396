/* ub-cli-tss.c — unbrick-cli tss: the signing request for a phone, and
 * Apple's ticket for it
 *
 * For support staff and for testing by hand: the phone is described on the
 * command line (as `unbrick-cli devices` or a DFU serial string shows it),
 * the firmware file gives the build identity. --request-only prints the
 * request and stays off the network; otherwise the ticket is written to
 * --out (a temporary name, then renamed).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "ub-cli.h"

typedef struct
{
  char     *ipsw_path;
  char     *ecid_s;
  char     *cpid_s;
  char     *bdid_s;
  char     *cpfm_s;
  char     *ap_nonce_s;
  char     *sep_nonce_s;
  char     *out;
  gboolean  update;
  gboolean  erase;
  gboolean  request_only;
  gboolean  json;
} Options;

typedef struct
{
  GMainLoop *loop;
  GBytes    *ticket;
  plist_t    response;
  GError    *error;
} Fetch;

static void
options_clear (Options *o)
{
  g_free (o->ipsw_path);
  g_free (o->ecid_s);
  g_free (o->cpid_s);
  g_free (o->bdid_s);
  g_free (o->cpfm_s);
  g_free (o->ap_nonce_s);
  g_free (o->sep_nonce_s);
  g_free (o->out);
}

static gboolean
parse_hex_uint (const char *str,
                guint       max,
                guint      *out)
{
  const char *digits = str && (g_str_has_prefix (str, "0x") || g_str_has_prefix (str, "0X")) ? str + 2 : str;
  guint64 value = 0;

  if (digits == NULL || !g_ascii_string_to_unsigned (digits, 16, 0, max, &value, NULL))
    return FALSE;
  *out = (guint)value;
  return TRUE;
}

/* Hex digits, spaces allowed ("a1 91 2d …" as idevicerestore prints them) */
static GBytes *
parse_hex_bytes (const char *str)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  int high = -1;

  for (const char *p = str; p != NULL && *p != '\0'; p++)
    {
      int v = g_ascii_xdigit_value (*p);
      guint8 byte;

      if (*p == ' ' || *p == ':')
        continue;
      if (v < 0)
        return NULL;
      if (high < 0)
        {
          high = v;
          continue;
        }
      byte = (guint8)(high << 4 | v);
      g_byte_array_append (bytes, &byte, 1);
      high = -1;
    }
  if (high >= 0 || bytes->len == 0 || bytes->len > 64)
    return NULL;
  return g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
}

/* The device from the options, or a usage message in @why */
static gboolean
device_from_options (const Options  *o,
                     UbTssDevice    *device,
                     const char    **why)
{
  guint cpfm = 0x03;

  memset (device, 0, sizeof *device);
  device->security_domain = 1;
  if (o->ecid_s == NULL || !ub_cli_parse_ecid (o->ecid_s, &device->ecid))
    *why = _("--ecid must be a hexadecimal number");
  else if (!parse_hex_uint (o->cpid_s, 0xFFFF, &device->cpid))
    *why = _("--cpid must be a hexadecimal chip ID, e.g. 8015");
  else if (!parse_hex_uint (o->bdid_s, 0xFF, &device->bdid))
    *why = _("--bdid must be a hexadecimal board ID, e.g. 06");
  else if (o->cpfm_s != NULL && !parse_hex_uint (o->cpfm_s, 0xFF, &cpfm))
    *why = _("--cpfm must be a hexadecimal number, e.g. 03");
  else if ((device->ap_nonce = parse_hex_bytes (o->ap_nonce_s)) == NULL)
    *why = _("--ap-nonce must be 1 to 64 bytes in hexadecimal");
  else if (o->sep_nonce_s != NULL && (device->sep_nonce = parse_hex_bytes (o->sep_nonce_s)) == NULL)
    *why = _("--sep-nonce must be 1 to 64 bytes in hexadecimal");
  else
    {
      device->production_mode = (cpfm & 0x1) != 0;
      device->security_mode = (cpfm & 0x2) != 0;
      return TRUE;
    }
  return FALSE;
}

/* The customer identity for the chip and board, erase or update */
static UbBuildIdentity *
find_identity (UbIpsw            *ipsw,
               const UbTssDevice *device,
               gboolean           update)
{
  UbRestoreBehavior want = update ? UB_RESTORE_BEHAVIOR_UPDATE : UB_RESTORE_BEHAVIOR_ERASE;

  for (guint i = 0; i < ub_ipsw_get_n_identities (ipsw); i++)
    {
      UbBuildIdentity *identity = ub_ipsw_get_identity (ipsw, i);

      if (ub_build_identity_get_chip_id (identity) == device->cpid &&
          ub_build_identity_get_board_id (identity) == device->bdid &&
          ub_build_identity_get_behavior (identity) == want && ub_build_identity_is_customer (identity))
        return identity;
    }
  return NULL;
}

static int
exit_for_error (const GError *error)
{
  if (g_error_matches (error, UB_ERROR, UB_ERROR_NOT_SIGNED))
    return UB_CLI_EXIT_NOT_SIGNED;
  if (g_error_matches (error, UB_ERROR, UB_ERROR_WRONG_FIRMWARE))
    return UB_CLI_EXIT_WRONG_FIRMWARE;
  if (g_error_matches (error, UB_ERROR, UB_ERROR_NETWORK) ||
      g_error_matches (error, UB_ERROR, UB_ERROR_UNTRUSTED_CERTIFICATE) ||
      g_error_matches (error, UB_ERROR, UB_ERROR_TIMED_OUT))
    return UB_CLI_EXIT_NETWORK;
  return UB_CLI_EXIT_FAILED;
}

static void
print_request (plist_t          request,
               UbBuildIdentity *identity,
               gboolean         json)
{
  char *xml = NULL;
  uint32_t len = 0;

  plist_to_xml (request, &xml, &len);
  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = g_strndup (xml, len);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "identity");
      json_builder_add_int_value (b, ub_build_identity_get_index (identity));
      ub_cli_json_add_string (b, "device_class", ub_build_identity_get_device_class (identity));
      json_builder_set_member_name (b, "keys");
      json_builder_add_int_value (b, plist_dict_get_size (request));
      ub_cli_json_add_string (b, "request", text);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      ub_cli_print_json (root, TRUE);
    }
  else
    fwrite (xml, 1, len, stdout);
  free (xml);
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Fetch *fetch = user_data;

  fetch->ticket = ub_tss_send_finish (result, &fetch->response, &fetch->error);
  g_main_loop_quit (fetch->loop);
}

static int
save_ticket (Fetch      *fetch,
             const char *out,
             gboolean    json)
{
  g_autoptr(GError) error = NULL;
  gsize len = 0;
  const char *data = g_bytes_get_data (fetch->ticket, &len);

  /* g_file_set_contents writes a temporary file and renames it */
  if (!g_file_set_contents (out, data, (gssize)len, &error))
    {
      fprintf (stderr, "unbrick-cli: %s\n", error->message);
      return UB_CLI_EXIT_FAILED;
    }
  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (b);
      ub_cli_json_add_string (b, "ticket", out);
      json_builder_set_member_name (b, "size");
      json_builder_add_int_value (b, (gint64)len);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      ub_cli_print_json (root, TRUE);
    }
  else
    /* TRANSLATORS: %u is a number of bytes, %s a file name */
    printf (_("Apple’s ticket (%u bytes) is in %s\n"), (guint)len, out);
  return UB_CLI_EXIT_OK;
}

static int
fetch_ticket (plist_t     request,
              const char *out,
              gboolean    json)
{
  Fetch fetch = { g_main_loop_new (NULL, FALSE), NULL, NULL, NULL };
  int status;

  ub_tss_send_async (request, NULL, on_sent, &fetch);
  g_main_loop_run (fetch.loop);
  g_main_loop_unref (fetch.loop);
  if (fetch.ticket == NULL)
    {
      fprintf (stderr, "unbrick-cli: %s\n", fetch.error->message);
      status = exit_for_error (fetch.error);
    }
  else
    status = save_ticket (&fetch, out, json);
  g_clear_pointer (&fetch.ticket, g_bytes_unref);
  g_clear_pointer (&fetch.response, plist_free);
  g_clear_error (&fetch.error);
  return status;
}

static int
run (const Options *o,
     UbTssDevice   *device)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UbIpsw) ipsw = ub_ipsw_new_for_path (o->ipsw_path, &error);
  UbBuildIdentity *identity;
  plist_t request;
  int status;

  if (ipsw == NULL)
    {
      fprintf (stderr, "unbrick-cli: %s\n", error->message);
      return UB_CLI_EXIT_FAILED;
    }
  if ((identity = find_identity (ipsw, device, o->update)) == NULL)
    {
      /* TRANSLATORS: %04x and %02x are the chip and board IDs */
      fprintf (stderr, _("unbrick-cli: this firmware has no %s restore for chip %04x, board %02x\n"),
               o->update ? _("update") : _("erase"), device->cpid, device->bdid);
      return UB_CLI_EXIT_NO_SUCH_RESTORE;
    }
  if ((request = ub_tss_request_new_ap (identity, device, &error)) == NULL)
    {
      fprintf (stderr, "unbrick-cli: %s\n", error->message);
      return exit_for_error (error);
    }
  if (o->request_only)
    {
      print_request (request, identity, o->json);
      status = UB_CLI_EXIT_OK;
    }
  else
    status = fetch_ticket (request, o->out, o->json);
  plist_free (request);
  return status;
}

int
ub_cli_tss (int    argc,
            char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_auto(UbTssDevice) device = { 0 };
  const char *why = NULL;
  Options o = { 0 };
  int status;
  GOptionEntry entries[] = {
    { "ipsw", 'i', 0, G_OPTION_ARG_FILENAME, &o.ipsw_path, N_("The firmware file"), N_("FILE") },
    { "ecid", 'e', 0, G_OPTION_ARG_STRING, &o.ecid_s, N_("The phone’s ECID (hexadecimal)"), N_("ECID") },
    { "cpid", 0, 0, G_OPTION_ARG_STRING, &o.cpid_s, N_("Its chip ID (CPID, hexadecimal)"), N_("CPID") },
    { "bdid", 0, 0, G_OPTION_ARG_STRING, &o.bdid_s, N_("Its board ID (BDID, hexadecimal)"), N_("BDID") },
    { "cpfm", 0, 0, G_OPTION_ARG_STRING, &o.cpfm_s, N_("Its fuse modes (CPFM, default 03)"), N_("CPFM") },
    { "ap-nonce", 0, 0, G_OPTION_ARG_STRING, &o.ap_nonce_s, N_("Its ApNonce (NONC, hexadecimal)"), N_("HEX") },
    { "sep-nonce", 0, 0, G_OPTION_ARG_STRING, &o.sep_nonce_s, N_("Its SEP nonce (SNON, hexadecimal)"), N_("HEX") },
    { "erase", 0, 0, G_OPTION_ARG_NONE, &o.erase, N_("For an erase restore (the default)"), NULL },
    { "update", 0, 0, G_OPTION_ARG_NONE, &o.update, N_("For an update restore, which keeps the data"), NULL },
    { "request-only", 0, 0, G_OPTION_ARG_NONE, &o.request_only, N_("Print the request; do not send it"), NULL },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &o.out, N_("Write Apple’s ticket (IM4M) to FILE"), N_("FILE") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o.json, N_("Print JSON"), NULL },
    { NULL }
  };

  g_option_context_set_summary (context, _("Build the signing request for a phone and a firmware file, "
                                           "and fetch Apple’s ticket for it."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    status = ub_cli_usage_error (context, error->message);
  else if (argc > 1)
    status = ub_cli_usage_error (context, _("unexpected arguments"));
  else if (o.ipsw_path == NULL)
    status = ub_cli_usage_error (context, _("--ipsw is required"));
  else if (o.erase && o.update)
    status = ub_cli_usage_error (context, _("--erase and --update exclude each other"));
  else if (!o.request_only && o.out == NULL)
    status = ub_cli_usage_error (context, _("--out is required unless --request-only is given"));
  else if (!device_from_options (&o, &device, &why))
    status = ub_cli_usage_error (context, why);
  else
    status = run (&o, &device);
  options_clear (&o);
  return status;
}
