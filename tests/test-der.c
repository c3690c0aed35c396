/* test-der.c — the DER reader and writer, on known encodings and on junk
 *
 * Every malformed input (truncated, wrong tags, huge or indefinite lengths,
 * non-minimal encodings, deep nesting) must give UB_ERROR_INVALID_DATA, never
 * a crash or a partial read.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ub-core.h"

static GBytes *
unhex (const char *text)
{
  GByteArray *out = g_byte_array_new ();

  for (const char *p = text; *p != '\0'; )
    {
      guint8 b;

      if (*p == ' ')
        {
          p++;
          continue;
        }
      g_assert_true (g_ascii_isxdigit (p[0]) && g_ascii_isxdigit (p[1]));
      b = g_ascii_xdigit_value (p[0]) << 4 | g_ascii_xdigit_value (p[1]);
      g_byte_array_append (out, &b, 1);
      p += 2;
    }
  return g_byte_array_free_to_bytes (out);
}

static void
assert_bytes_hex (GBytes     *bytes,
                  const char *want)
{
  g_autoptr(GBytes) expected = unhex (want);

  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                   g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));
}

/* Known encodings, written by us and read back */
static void
test_writer_known (void)
{
  struct { guint64 value; const char *der; } ints[] = {
    { 0, "020100" }, { 0x7F, "02017F" }, { 0x80, "02020080" }, { 0x100, "02020100" },
    { 0x0D183C28D21326, "02070D183C28D21326" },
    { G_MAXUINT64, "020900FFFFFFFFFFFFFFFF" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (ints); i++)
    {
      g_autoptr(UbDerWriter) w = ub_der_writer_new ();
      g_autoptr(GBytes) der = NULL;
      g_autoptr(GError) error = NULL;
      UbDerElement el;
      guint64 back = 1;

      ub_der_writer_add_uint64 (w, ints[i].value);
      der = ub_der_writer_finish (w);
      assert_bytes_hex (der, ints[i].der);
      g_assert_true (ub_der_read_single (der, &el, &error));
      g_assert_true (ub_der_get_uint64 (&el, &back, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (back, ==, ints[i].value);
    }
}

/* Private fourcc tags, booleans, nesting and long lengths */
static void
test_writer_nested (void)
{
  g_autoptr(UbDerWriter) w = ub_der_writer_new ();
  g_autoptr(GBytes) big = g_bytes_new_take (g_malloc0 (70000), 70000);
  g_autoptr(GBytes) der = NULL;
  g_autoptr(GBytes) octets = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  UbDerElement root, el, inner;
  UbDerIter iter, it2;
  gboolean b = FALSE;

  ub_der_writer_begin (w, UB_DER_CLASS_PRIVATE, UB_DER_FOURCC ('M', 'A', 'N', 'B'));
  ub_der_writer_begin (w, UB_DER_CLASS_UNIVERSAL, UB_DER_TAG_SEQUENCE);
  ub_der_writer_add_ia5 (w, "MANB");
  ub_der_writer_add_boolean (w, TRUE);
  ub_der_writer_add_octets (w, big);
  ub_der_writer_end (w);
  ub_der_writer_end (w);
  der = ub_der_writer_finish (w);

  /* the identifier as Apple writes it (bytes 17–22 of the real ticket in
   * tests/data/shsh/3685821359199014_…shsh2), then a 3-octet length:
   * 0x011183 = 70019: SEQUENCE header (5) + "MANB" (6) + BOOLEAN (3) +
   * OCTET STRING (5 + 70000) */
  g_assert_cmpmem (g_bytes_get_data (der, NULL), 10, "\xFF\x84\xEA\x85\x9C\x42\x83\x01\x11\x83", 10);

  g_assert_true (ub_der_read_single (der, &root, &error));
  g_assert_no_error (error);
  g_assert_cmpint (root.klass, ==, UB_DER_CLASS_PRIVATE);
  g_assert_true (root.constructed);
  g_assert_cmphex (root.tag, ==, 0x4D414E42);
  g_assert_true (ub_der_iter_init (&iter, &root, &error));
  g_assert_true (ub_der_iter_next (&iter, &el, &error));
  g_assert_true (ub_der_is (&el, UB_DER_CLASS_UNIVERSAL, UB_DER_TAG_SEQUENCE));
  g_assert_cmpuint (el.depth, ==, 1);
  g_assert_false (ub_der_iter_next (&iter, &inner, &error));
  g_assert_no_error (error);

  g_assert_true (ub_der_iter_init (&it2, &el, &error));
  g_assert_true (ub_der_iter_next (&it2, &inner, &error));
  text = ub_der_dup_ia5 (&inner, &error);
  g_assert_cmpstr (text, ==, "MANB");
  g_assert_true (ub_der_iter_next (&it2, &inner, &error));
  g_assert_true (ub_der_get_boolean (&inner, &b, &error));
  g_assert_true (b);
  g_assert_true (ub_der_iter_next (&it2, &inner, &error));
  octets = ub_der_dup_octets (&inner, &error);
  g_assert_true (g_bytes_equal (octets, big));
  g_assert_true (ub_der_iter_at_end (&it2));
  g_assert_no_error (error);
  /* wrong type asked for */
  g_assert_null (ub_der_dup_ia5 (&inner, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);
}

static const struct
{
  const char *name;
  const char *hex;
} malformed[] = {
  { "empty", "" },
  { "one byte", "30" },
  { "truncated contents", "3005020101" },
  { "truncated length", "3082" },
  { "indefinite length", "3080020101 0000" },
  { "huge length", "3084FFFFFFFF 00" },
  { "5-octet length", "308500000000 05" },
  { "9-octet length", "3089FFFFFFFFFFFFFFFFFF" },
  { "reserved length octet", "30FF" },
  { "non-minimal long length", "308103020101" },
  { "length with leading zero", "30820003020101" },
  { "trailing garbage", "3003020101 00" },
  { "child runs past parent", "3003020201" },
  { "constructed octet string", "2403040100" },
  { "primitive sequence", "1003020101" },
  { "universal tag 0", "0000" },
  { "boolean 01", "3003010101" },
  { "boolean too long", "300401020000" },
  { "empty integer", "30020200" },
  { "non-minimal integer", "300402020001" },
  { "non-minimal negative", "30040202FF80" },
  { "NULL with contents", "3003050100" },
  { "high tag with 0x80", "FF800100" },
  { "high tag below 31", "DF1E00" },
  { "high tag over 32 bits", "FF908080808000" },
  { "high tag truncated", "FF84" },
  { "high tag of 33 bits", "FF9FFFFFFF7F00" },
};

static void
test_reader_malformed (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (malformed); i++)
    {
      g_autoptr(GBytes) der = unhex (malformed[i].hex);
      g_autoptr(GError) error = NULL;
      UbDerElement el;

      g_test_message ("%s", malformed[i].name);
      g_assert_false (ub_der_read_single (der, &el, &error));
      g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);
    }
}

static void
test_reader_integers (void)
{
  struct { const char *hex; gboolean ok; guint64 value; } cases[] = {
    { "020100", TRUE, 0 },
    { "0208FFFFFFFFFFFFFFFF", FALSE, 0 },          /* negative */
    { "020180", FALSE, 0 },                         /* negative */
    { "0209010000000000000000", FALSE, 0 },         /* 65 bits */
    { "020900FFFFFFFFFFFFFFFF", TRUE, G_MAXUINT64 },
    { "04020000", FALSE, 0 },                        /* not an INTEGER */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) der = unhex (cases[i].hex);
      g_autoptr(GError) error = NULL;
      UbDerElement el;
      guint64 v = 0;

      g_assert_true (ub_der_read_element (g_bytes_get_data (der, NULL), g_bytes_get_size (der), &el, &error));
      g_assert_cmpint (ub_der_get_uint64 (&el, &v, &error), ==, cases[i].ok);
      if (cases[i].ok)
        g_assert_cmpuint (v, ==, cases[i].value);
      else
        g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);
    }
}

/* @levels empty SEQUENCEs, each inside the one before, with minimal
 * lengths: computed from the inside out, written from the outside in, so
 * that 100000 levels cost no more than 100000 headers */
static GBytes *
nested (guint levels)
{
  g_autofree gsize *content = g_new0 (gsize, levels);
  GByteArray *out = g_byte_array_new ();

  for (guint i = levels - 1; i > 0; i--)
    content[i - 1] = ub_der_header_size (UB_DER_TAG_SEQUENCE, content[i]) + content[i];
  for (guint i = 0; i < levels; i++)
    ub_der_write_header (out, UB_DER_CLASS_UNIVERSAL, TRUE, UB_DER_TAG_SEQUENCE, content[i]);
  return g_byte_array_free_to_bytes (out);
}

static void
test_reader_depth (void)
{
  guint levels[] = { 1, 3, UB_DER_MAX_DEPTH, UB_DER_MAX_DEPTH + 1, 1000, 100000 };

  for (gsize i = 0; i < G_N_ELEMENTS (levels); i++)
    {
      g_autoptr(GBytes) der = nested (levels[i]);
      g_autoptr(GError) error = NULL;
      UbDerElement el;
      gboolean ok = ub_der_read_single (der, &el, &error);

      g_test_message ("%u levels (%zu bytes): %s", levels[i], g_bytes_get_size (der),
                      ok ? "accepted" : error->message);
      if (levels[i] <= UB_DER_MAX_DEPTH)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
        }
      else
        {
          g_assert_false (ok);
          g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);
        }
    }
}

/* Minimal encodings: deep up to the limit is fine, one more is not */
static void
test_reader_depth_limit (void)
{
  for (guint levels = UB_DER_MAX_DEPTH; levels <= UB_DER_MAX_DEPTH + 2; levels++)
    {
      g_autoptr(UbDerWriter) w = ub_der_writer_new ();
      g_autoptr(GBytes) der = NULL;
      g_autoptr(GError) error = NULL;
      UbDerElement el;

      /* the writer refuses more than UB_DER_MAX_DEPTH open elements, so
       * build the deepest ones by hand around its output */
      for (guint i = 0; i < MIN (levels, UB_DER_MAX_DEPTH); i++)
        ub_der_writer_begin (w, UB_DER_CLASS_UNIVERSAL, UB_DER_TAG_SEQUENCE);
      ub_der_writer_add_uint64 (w, 1);
      for (guint i = 0; i < MIN (levels, UB_DER_MAX_DEPTH); i++)
        ub_der_writer_end (w);
      der = ub_der_writer_finish (w);
      for (guint i = UB_DER_MAX_DEPTH; i < levels; i++)
        {
          GByteArray *a = g_byte_array_new ();

          ub_der_write_header (a, UB_DER_CLASS_UNIVERSAL, TRUE, UB_DER_TAG_SEQUENCE, g_bytes_get_size (der));
          g_byte_array_append (a, g_bytes_get_data (der, NULL), g_bytes_get_size (der));
          g_bytes_unref (der);
          der = g_byte_array_free_to_bytes (a);
        }
      /* levels SEQUENCEs plus the INTEGER: the INTEGER sits at depth
       * @levels, allowed up to UB_DER_MAX_DEPTH */
      if (levels <= UB_DER_MAX_DEPTH)
        {
          g_assert_true (ub_der_read_single (der, &el, &error));
          g_assert_no_error (error);
        }
      else
        {
          g_assert_false (ub_der_read_single (der, &el, &error));
          g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/unbrick/der/writer/known", test_writer_known);
  g_test_add_func ("/unbrick/der/writer/nested", test_writer_nested);
  g_test_add_func ("/unbrick/der/reader/malformed", test_reader_malformed);
  g_test_add_func ("/unbrick/der/reader/integers", test_reader_integers);
  g_test_add_func ("/unbrick/der/reader/depth", test_reader_depth);
  g_test_add_func ("/unbrick/der/reader/depth-limit", test_reader_depth_limit);

  return g_test_run ();
}
