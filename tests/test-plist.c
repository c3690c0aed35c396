/* test-plist.c — untrusted property lists never reach libplist's asserts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ub-core.h"
#include "ub-plist.h"

/* Binary plists written by Python's plistlib: {"a\0b": "x"}, {"k": "v\0w"},
 * {"k": "é\0"} (UTF-16) and a good one {"k": "vé", "n": [1, 2, {"x": "y"}]} */
static const guint8 nul_key[] = {0x62, 0x70, 0x6c, 0x69, 0x73, 0x74, 0x30, 0x30, 0xd1, 0x01, 0x02, 0x53, 0x61, 0x00, 0x62, 0x51, 0x78, 0x08, 0x0b, 0x0f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x11};
static const guint8 nul_value[] = {0x62, 0x70, 0x6c, 0x69, 0x73, 0x74, 0x30, 0x30, 0xd1, 0x01, 0x02, 0x51, 0x6b, 0x53, 0x76, 0x00, 0x77, 0x08, 0x0b, 0x0d, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x11};
static const guint8 nul_utf16[] = {0x62, 0x70, 0x6c, 0x69, 0x73, 0x74, 0x30, 0x30, 0xd1, 0x01, 0x02, 0x51, 0x6b, 0x62, 0x00, 0xe9, 0x00, 0x00, 0x08, 0x0b, 0x0d, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x12};
static const guint8 good[] = {0x62, 0x70, 0x6c, 0x69, 0x73, 0x74, 0x30, 0x30, 0xd2, 0x01, 0x02, 0x03, 0x04, 0x51, 0x6b, 0x51, 0x6e, 0x62, 0x00, 0x76, 0x00, 0xe9, 0xa3, 0x05, 0x06, 0x07, 0x10, 0x01, 0x10, 0x02, 0xd1, 0x08, 0x09, 0x51, 0x78, 0x51, 0x79, 0x08, 0x0d, 0x0f, 0x11, 0x16, 0x1a, 0x1c, 0x1e, 0x21, 0x23, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x25};

static void
test_binary (void)
{
  g_autoptr(GError) error = NULL;
  plist_t root;
  char *value;

  g_assert_false (ub_plist_bytes_are_safe (nul_key, sizeof nul_key));
  g_assert_false (ub_plist_bytes_are_safe (nul_value, sizeof nul_value));
  g_assert_false (ub_plist_bytes_are_safe (nul_utf16, sizeof nul_utf16));
  g_assert_null (ub_plist_parse_untrusted (nul_key, sizeof nul_key, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);

  root = ub_plist_parse_untrusted (good, sizeof good, NULL);
  g_assert_nonnull (root);
  value = ub_plist_dup_string (plist_dict_get_item (root, "k"));
  g_assert_cmpstr (value, ==, "vé");
  g_free (value);
  g_assert_null (ub_plist_dup_string (plist_dict_get_item (root, "n")));   /* not a string */
  plist_free (root);

  /* Truncated anywhere: refused, never a crash */
  for (gsize n = 0; n < sizeof good; n++)
    {
      plist_t cut = ub_plist_parse_untrusted (good, n, NULL);
      if (cut != NULL)
        plist_free (cut);
    }
}

static void
test_xml (void)
{
  const char *ok = "<?xml version=\"1.0\"?><plist version=\"1.0\"><dict><key>k</key><string>v</string></dict></plist>";
  const char nul[] = "<plist><dict><key>k</key><string>v\0w</string></dict></plist>";
  g_autoptr(GString) deep = g_string_new ("<plist>");
  plist_t root;

  root = ub_plist_parse_untrusted ((const guint8 *)ok, strlen (ok), NULL);
  g_assert_nonnull (root);
  plist_free (root);
  g_assert_false (ub_plist_bytes_are_safe ((const guint8 *)nul, sizeof nul - 1));
  for (guint i = 0; i < 10000; i++)
    g_string_append (deep, "<array>");
  g_assert_false (ub_plist_bytes_are_safe ((const guint8 *)deep->str, deep->len));
  g_assert_false (ub_plist_bytes_are_safe (NULL, 0));
}

/* Nesting hidden from a naive count: closing tags of keys and strings, a
 * closing tag inside a comment or a quoted attribute. libplist builds such a
 * tree and then overflows the stack freeing it (1,000,000 levels did). */
static void
test_xml_depth (void)
{
  static const char * const levels[] = {
    "<dict><key>a</key><string>b</string><key>k</key>",
    "<array><!-- </array> -->",
    "<array><?pi \"?></array>\" ?>",
    "<dict x=\"</dict>\"><key>k</key>",
    "<array\n>",
  };

  for (guint i = 0; i < G_N_ELEMENTS (levels); i++)
    {
      g_autoptr(GString) ok = g_string_new ("<plist>");
      g_autoptr(GString) deep = NULL;

      for (guint n = 0; n < UB_PLIST_MAX_DEPTH; n++)
        g_string_append (ok, levels[i]);
      deep = g_string_new (ok->str);
      g_string_append (deep, levels[i]);
      g_assert_true (ub_plist_bytes_are_safe ((const guint8 *)ok->str, ok->len));
      g_assert_false (ub_plist_bytes_are_safe ((const guint8 *)deep->str, deep->len));
    }
}

/* A binary plist of @n objects: object i is an array holding object i + 1
 * @fanout times; the last one is the integer 1 */
static GByteArray *
bplist_chain (guint n,
              guint fanout)
{
  GByteArray *b = g_byte_array_new ();
  g_autofree guint32 *offsets = g_new (guint32, n);
  guint8 trailer[32] = { 0 };

  g_byte_array_append (b, (const guint8 *)"bplist00", 8);
  for (guint i = 0; i < n; i++)
    {
      offsets[i] = b->len;
      if (i + 1 == n)
        {
          g_byte_array_append (b, (const guint8 *)"\x10\x01", 2);
          break;
        }
      g_byte_array_append (b, (guint8[]) { 0xA0 | fanout }, 1);
      for (guint f = 0; f < fanout; f++)
        g_byte_array_append (b, (guint8[]) { (i + 1) >> 24, (i + 1) >> 16, (i + 1) >> 8, i + 1 }, 4);
    }
  trailer[6] = 4;                                   /* offset size */
  trailer[7] = 4;                                   /* reference size */
  trailer[15] = n & 0xFF, trailer[14] = n >> 8, trailer[13] = n >> 16;
  trailer[31] = b->len & 0xFF, trailer[30] = b->len >> 8, trailer[29] = b->len >> 16;
  for (guint i = 0; i < n; i++)
    g_byte_array_append (b, (guint8[]) { offsets[i] >> 24, offsets[i] >> 16, offsets[i] >> 8, offsets[i] }, 4);
  g_byte_array_append (b, trailer, sizeof trailer);
  return b;
}

static void
test_binary_shape (void)
{
  g_autoptr(GByteArray) shallow = bplist_chain (UB_PLIST_MAX_DEPTH + 1, 1);
  g_autoptr(GByteArray) deep = bplist_chain (UB_PLIST_MAX_DEPTH + 2, 1);
  g_autoptr(GByteArray) very_deep = bplist_chain (200000, 1);
  g_autoptr(GByteArray) shared = bplist_chain (12, 2);       /* 2^12 nodes: fine */
  g_autoptr(GByteArray) bomb = bplist_chain (40, 2);         /* 2^40 nodes */
  plist_t root;

  root = ub_plist_parse_untrusted (shallow->data, shallow->len, NULL);
  g_assert_nonnull (root);
  plist_free (root);
  g_assert_false (ub_plist_bytes_are_safe (deep->data, deep->len));
  g_assert_false (ub_plist_bytes_are_safe (very_deep->data, very_deep->len));
  root = ub_plist_parse_untrusted (shared->data, shared->len, NULL);
  g_assert_nonnull (root);
  plist_free (root);
  g_assert_false (ub_plist_bytes_are_safe (bomb->data, bomb->len));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/unbrick/plist/binary", test_binary);
  g_test_add_func ("/unbrick/plist/xml", test_xml);
  g_test_add_func ("/unbrick/plist/xml-depth", test_xml_depth);
  g_test_add_func ("/unbrick/plist/binary-shape", test_binary_shape);

  return g_test_run ();
}
