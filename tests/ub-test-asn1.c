/* ub-test-asn1.c — real IM4M tickets and an independent DER parser for tests
 *
 * The tickets come from the public SHSH blobs in tests/data/shsh/ (read with
 * libplist); `openssl asn1parse` is spawned with an argument vector (no
 * shell) and its listing is turned into one Asn1Line per element.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <plist/plist.h>
#include <stdlib.h>
#include <string.h>

#include "ub-plist.h"
#include "ub-test-asn1.h"


void
ub_test_asn1_line_free (Asn1Line *line)
{
  g_free (line->type);
  g_free (line->value);
  g_free (line);
}

/* The ticket inside a real SHSH blob, read with libplist */
GBytes *
ub_test_load_ticket (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "shsh", name, NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;
  plist_t root, node;
  char *data = NULL;
  uint64_t size = 0;
  GBytes *ticket;

  g_file_get_contents (path, &text, &len, &error);
  g_assert_no_error (error);
  root = ub_plist_parse_untrusted ((const guint8 *) text, len, &error);
  g_assert_no_error (error);
  node = plist_dict_get_item (root, "ApImg4Ticket");
  g_assert_nonnull (node);
  g_assert_cmpint (plist_get_node_type (node), ==, PLIST_DATA);
  plist_get_data_val (node, &data, &size);
  g_assert_cmpuint (size, >, 1000);
  ticket = g_bytes_new (data, size);
  free (data);
  plist_free (root);
  return ticket;
}

const char *
ub_test_openssl_path (void)
{
  const char *path = g_getenv ("UB_OPENSSL");

  return path != NULL && *path != '\0' ? path : NULL;
}

static guint
fetch_uint (GMatchInfo *m,
            guint       group)
{
  g_autofree char *text = g_match_info_fetch (m, group);

  if (g_str_equal (text, "cons"))
    return G_MAXUINT;
  return (guint) g_ascii_strtoull (text, NULL, 10);
}

/* `openssl asn1parse -inform DER -in FILE`, one Asn1Line per element */
GPtrArray *
ub_test_asn1parse (GBytes     *der,
                   const char *tmp_dir)
{
  g_autofree char *path = g_build_filename (tmp_dir, "asn1.der", NULL);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GRegex) re = g_regex_new ("^\\s*(\\d+):d=(\\d+)\\s+hl=(\\d+)\\s+l=\\s*(\\d+)\\s+(prim|cons):\\s*(.*?)\\s*$",
                                      0, 0, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *result = g_ptr_array_new_with_free_func ((GDestroyNotify) ub_test_asn1_line_free);

  g_file_set_contents (path, g_bytes_get_data (der, NULL), g_bytes_get_size (der), &error);
  g_assert_no_error (error);
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                           ub_test_openssl_path (), "asn1parse", "-inform", "DER", "-in", path, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);

  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(GMatchInfo) m = NULL;
      g_autofree char *rest = NULL;
      Asn1Line *line;
      char *colon;

      if (lines[i][0] == '\0')
        continue;
      g_assert_true (g_regex_match (re, lines[i], 0, &m));
      line = g_new0 (Asn1Line, 1);
      line->offset = fetch_uint (m, 1);
      line->depth = fetch_uint (m, 2);
      line->header = fetch_uint (m, 3);
      line->length = fetch_uint (m, 4);
      line->constructed = fetch_uint (m, 5) == G_MAXUINT;
      rest = g_match_info_fetch (m, 6);
      colon = strchr (rest, ':');
      line->value = g_strdup (colon != NULL ? colon + 1 : "");
      if (colon != NULL)
        *colon = '\0';
      line->type = g_strstrip (g_strdup (rest));
      if (g_str_has_suffix (line->type, "[HEX DUMP]"))
        {
          g_autofree char *value = line->value;

          line->type[strlen (line->type) - strlen ("[HEX DUMP]")] = '\0';
          g_strstrip (line->type);
          line->value = g_strconcat ("[HEX DUMP]:", value, NULL);
        }
      g_ptr_array_add (result, line);
    }
  return result;
}

/* The value of the element that follows the IA5String @key in openssl's
 * listing (how a ticket stores "KEY" = value) */
const Asn1Line *
ub_test_asn1_after_key (GPtrArray  *lines,
                const char *key)
{
  for (guint i = 0; i + 1 < lines->len; i++)
    {
      Asn1Line *line = g_ptr_array_index (lines, i);

      if (g_str_equal (line->type, "IA5STRING") && g_str_equal (line->value, key))
        return g_ptr_array_index (lines, i + 1);
    }
  return NULL;
}

char *
ub_test_hex (GBytes *bytes)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  GString *s = g_string_new (NULL);

  for (gsize i = 0; i < len; i++)
    g_string_append_printf (s, "%02X", data[i]);
  return g_string_free (s, FALSE);
}

