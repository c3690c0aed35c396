/* test-img4.c — reading real IM4M tickets and stitching IMG4 images
 *
 * The tickets are real: the ApImg4Ticket (IM4M) of the three public SHSH
 * blobs in tests/data/shsh/. What our reader finds in them is compared with
 * the blob's file name and with what `openssl asn1parse` (an independent DER
 * parser, spawned without a shell) prints; stitched images are parsed back
 * with openssl too. Bad inputs must give UB_ERROR_INVALID_DATA.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <plist/plist.h>
#include <string.h>

#include "ub-core.h"
#include "ub-test-asn1.h"
#include "ub-test-files.h"

#define SHSH2_NAME "3685821359199014_iPhone9,3_d101ap_13.5-17F75_" \
  "27325c8258be46e69d9ee57fa9a8fbc28b873df434e5e702a8b27999551138ae.shsh2"
#define SHSH2_ECID G_GUINT64_CONSTANT (3685821359199014)
#define SHSH2_NONCE "27325c8258be46e69d9ee57fa9a8fbc28b873df434e5e702a8b27999551138ae"

static char *tmp_dir;

static const char *ticket_names[] = { SHSH2_NAME, "0x8010.shsh", "0x8015.shsh" };

/* ECID and nonce from the file name of the shsh2 blob */
static void
test_ticket_shsh2 (void)
{
  g_autoptr(GBytes) ticket = ub_test_load_ticket (SHSH2_NAME);
  g_autoptr(GBytes) nonce = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *nonce_hex = NULL;
  g_autofree char *want = g_ascii_strup (SHSH2_NONCE, -1);
  guint64 ecid = 0, value = 0;

  g_assert_true (ub_img4_ticket_get_ecid (ticket, &ecid, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ecid, ==, SHSH2_ECID);

  nonce = ub_img4_ticket_dup_nonce (ticket, &error);
  g_assert_no_error (error);
  nonce_hex = ub_test_hex (nonce);
  g_assert_cmpstr (nonce_hex, ==, want);

  g_assert_true (ub_img4_ticket_get_uint64 (ticket, "CHIP", &value, &error));
  g_assert_cmpuint (value, ==, 0x8010);
  g_assert_true (ub_img4_ticket_get_uint64 (ticket, "BORD", &value, &error));
  g_assert_cmpuint (value, ==, 0x0C);
  g_assert_true (ub_img4_ticket_get_uint64 (ticket, "SDOM", &value, &error));
  g_assert_cmpuint (value, ==, 1);
  g_assert_no_error (error);
}

/* In openssl's listing: after the IA5String @image, the OCTET STRING that
 * follows its "DGST" key (before the next entry at the image's level) */
static guint
find_digest_line (GPtrArray  *lines,
                  const char *image,
                  const char *want)
{
  for (guint j = 0; j < lines->len; j++)
    {
      Asn1Line *l = g_ptr_array_index (lines, j);

      if (!g_str_equal (l->type, "IA5STRING") || !g_str_equal (l->value, image))
        continue;
      for (guint k = j + 1; k + 1 < lines->len; k++)
        {
          Asn1Line *key = g_ptr_array_index (lines, k);

          if (key->depth <= l->depth - 2)
            break;
          if (g_str_equal (key->type, "IA5STRING") && g_str_equal (key->value, "DGST"))
            {
              g_assert_cmpstr (((Asn1Line *) g_ptr_array_index (lines, k + 1))->value, ==, want);
              return 1;
            }
        }
    }
  return 0;
}

/* Every property our reader finds equals what openssl prints */
static void
check_ticket_against_openssl (const char *name)
{
  g_autoptr(GBytes) ticket = ub_test_load_ticket (name);
  g_autoptr(GPtrArray) lines = ub_test_asn1parse (ticket, tmp_dir);
  g_autoptr(GBytes) nonce = NULL;
  g_auto(GStrv) images = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *nonce_hex = NULL;
  const Asn1Line *line;
  guint64 ecid = 0, chip = 0;
  guint n_digests = 0;

  g_test_message ("%s: %u elements", name, lines->len);
  g_assert_true (ub_img4_ticket_get_ecid (ticket, &ecid, &error));
  g_assert_no_error (error);
  line = ub_test_asn1_after_key (lines, "ECID");
  g_assert_nonnull (line);
  g_assert_cmpuint (ecid, ==, g_ascii_strtoull (line->value, NULL, 16));

  g_assert_true (ub_img4_ticket_get_uint64 (ticket, "CHIP", &chip, &error));
  line = ub_test_asn1_after_key (lines, "CHIP");
  g_assert_cmpuint (chip, ==, g_ascii_strtoull (line->value, NULL, 16));

  nonce = ub_img4_ticket_dup_nonce (ticket, &error);
  g_assert_no_error (error);
  nonce_hex = ub_test_hex (nonce);
  line = ub_test_asn1_after_key (lines, "BNCH");
  g_assert_cmpstr (line->type, ==, "OCTET STRING");
  g_assert_true (g_str_has_prefix (line->value, "[HEX DUMP]:"));
  g_assert_cmpstr (line->value + strlen ("[HEX DUMP]:"), ==, nonce_hex);

  images = ub_img4_ticket_list_images (ticket, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (images), >, 10);
  g_assert_true (g_strv_contains ((const char * const *) images, "ibss"));
  g_assert_true (g_strv_contains ((const char * const *) images, "rkrn"));
  g_assert_true (g_strv_contains ((const char * const *) images, "rdsk"));
  g_assert_false (g_strv_contains ((const char * const *) images, "MANP"));

  /* each image's DGST is the first OCTET STRING after its "DGST" key in
   * openssl's listing following the image's own name */
  for (guint i = 0; images[i] != NULL; i++)
    {
      g_autoptr(GBytes) digest = ub_img4_ticket_dup_digest (ticket, images[i], &error);
      g_autofree char *digest_hex = NULL;
      g_autofree char *want = NULL;

      if (g_error_matches (error, UB_ERROR, UB_ERROR_NOT_FOUND))
        {
          g_clear_error (&error);   /* an image entry with flags only */
          continue;
        }
      g_assert_no_error (error);
      digest_hex = ub_test_hex (digest);
      want = g_strconcat ("[HEX DUMP]:", digest_hex, NULL);
      n_digests += find_digest_line (lines, images[i], want);
    }
  g_test_message ("%s: ECID %" G_GUINT64_FORMAT ", %u images, %u digests checked",
                  name, ecid, g_strv_length (images), n_digests);
  g_assert_cmpuint (n_digests, >, 10);
}

static void
test_ticket_openssl (void)
{
  if (ub_test_openssl_path () == NULL)
    {
      g_test_skip ("openssl not found");
      return;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (ticket_names); i++)
    check_ticket_against_openssl (ticket_names[i]);
}

/* A real ticket cut short anywhere, or with a wrong tag, is refused */
static void
test_ticket_malformed (void)
{
  g_autoptr(GBytes) ticket = ub_test_load_ticket (SHSH2_NAME);
  gsize len;
  const guint8 *data = g_bytes_get_data (ticket, &len);
  /* offsets in this ticket (see `openssl asn1parse`): "IM4M" at 6, the
   * outer SET at 13, the ECID INTEGER at 219 */
  struct { gsize offset; guint8 byte; } flips[] = {
    { 0, 0x31 }, { 6, 'X' }, { 13, 0x30 }, { 219, 0x04 }, { 219, 0x22 }, { 17, 0xDF },
    { 22, 0x43 },   /* the MANB tag becomes MANC: no MANB left */
  };

  for (gsize cut = 0; cut < len; cut++)
    {
      g_autoptr(GBytes) part = g_bytes_new (data, cut);
      g_autoptr(GError) error = NULL;
      guint64 ecid;

      g_assert_false (ub_img4_ticket_get_ecid (part, &ecid, &error));
      g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);
    }
  g_assert_cmpmem (data + 6, 4, "IM4M", 4);
  g_assert_cmpuint (data[219], ==, 0x02);
  for (gsize i = 0; i < G_N_ELEMENTS (flips); i++)
    {
      g_autofree guint8 *copy = g_memdup2 (data, len);
      g_autoptr(GBytes) bad = NULL;
      g_autoptr(GError) error = NULL;
      guint64 ecid;

      copy[flips[i].offset] = flips[i].byte;
      bad = g_bytes_new (copy, len);
      g_assert_false (ub_img4_ticket_get_ecid (bad, &ecid, &error));
      g_test_message ("byte %zu → 0x%02X: %s", flips[i].offset, flips[i].byte, error->message);
      g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);
    }
}

static void
test_ticket_missing_property (void)
{
  g_autoptr(UbDerWriter) w = ub_der_writer_new ();
  g_autoptr(GBytes) ticket = NULL;
  g_autoptr(GBytes) nonce = NULL;
  g_autoptr(GError) error = NULL;
  guint64 ecid = 0;

  /* SEQUENCE { "IM4M", 0, SET { [MANB] { "MANB", SET { [MANP] { "MANP", SET {} } } } } } */
  ub_der_writer_begin (w, UB_DER_CLASS_UNIVERSAL, UB_DER_TAG_SEQUENCE);
  ub_der_writer_add_ia5 (w, "IM4M");
  ub_der_writer_add_uint64 (w, 0);
  ub_der_writer_begin (w, UB_DER_CLASS_UNIVERSAL, UB_DER_TAG_SET);
  ub_der_writer_begin (w, UB_DER_CLASS_PRIVATE, UB_DER_FOURCC ('M', 'A', 'N', 'B'));
  ub_der_writer_begin (w, UB_DER_CLASS_UNIVERSAL, UB_DER_TAG_SEQUENCE);
  ub_der_writer_add_ia5 (w, "MANB");
  ub_der_writer_begin (w, UB_DER_CLASS_UNIVERSAL, UB_DER_TAG_SET);
  ub_der_writer_begin (w, UB_DER_CLASS_PRIVATE, UB_DER_FOURCC ('M', 'A', 'N', 'P'));
  ub_der_writer_begin (w, UB_DER_CLASS_UNIVERSAL, UB_DER_TAG_SEQUENCE);
  ub_der_writer_add_ia5 (w, "MANP");
  ub_der_writer_begin (w, UB_DER_CLASS_UNIVERSAL, UB_DER_TAG_SET);
  for (guint i = 0; i < 7; i++)
    ub_der_writer_end (w);
  ub_der_writer_end (w);
  ticket = ub_der_writer_finish (w);

  g_assert_false (ub_img4_ticket_get_ecid (ticket, &ecid, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_NOT_FOUND);
  g_clear_error (&error);
  nonce = ub_img4_ticket_dup_nonce (ticket, &error);
  g_assert_null (nonce);
  g_assert_error (error, UB_ERROR, UB_ERROR_NOT_FOUND);
}

static GBytes *
make_payload (gsize size)
{
  guint8 *data = g_malloc (size);

  for (gsize i = 0; i < size; i++)
    data[i] = (guint8) (i * 7 + (i >> 8));
  return g_bytes_new_take (data, size);
}

static const Asn1Line *
line_at (GPtrArray *lines,
         guint      index)
{
  g_assert_cmpuint (index, <, lines->len);
  return g_ptr_array_index (lines, index);
}

static void
assert_line (GPtrArray  *lines,
             guint       index,
             guint       depth,
             const char *type,
             const char *value)
{
  const Asn1Line *line = line_at (lines, index);

  g_assert_cmpuint (line->depth, ==, depth);
  g_assert_cmpstr (line->type, ==, type);
  if (value != NULL)
    g_assert_cmpstr (line->value, ==, value);
}

/* The top of an IMG4 as openssl sees it: SEQUENCE { "IMG4", SEQUENCE {
 * "IM4P", type, description, payload }, [0] { SEQUENCE { "IM4M", … } } };
 * returns the index of the line after the ticket */
static guint
check_img4_layout (GPtrArray  *lines,
                   const char *type,
                   gsize       payload_len,
                   GBytes     *ticket)
{
  guint i;

  assert_line (lines, 0, 0, "SEQUENCE", NULL);
  assert_line (lines, 1, 1, "IA5STRING", "IMG4");
  assert_line (lines, 2, 1, "SEQUENCE", NULL);
  assert_line (lines, 3, 2, "IA5STRING", "IM4P");
  assert_line (lines, 4, 2, "IA5STRING", type);
  assert_line (lines, 5, 2, "IA5STRING", "iBoot-1234.5.6 test image");
  assert_line (lines, 6, 2, "OCTET STRING", NULL);
  g_assert_cmpuint (line_at (lines, 6)->length, ==, payload_len);
  assert_line (lines, 7, 1, "cont [ 0 ]", NULL);
  g_assert_cmpuint (line_at (lines, 7)->length, ==, g_bytes_get_size (ticket));
  assert_line (lines, 8, 2, "SEQUENCE", NULL);
  assert_line (lines, 9, 3, "IA5STRING", "IM4M");
  /* MANB: private tag 0x4D414E42 in the high-tag-number form */
  assert_line (lines, 11, 3, "SET", NULL);
  assert_line (lines, 12, 4, "priv [ 1296125506 ]", NULL);
  for (i = 12; i < lines->len && line_at (lines, i)->depth > 1; i++)
    ;
  return i;
}

static GBytes *
stitch_checked (const char          *ticket_name,
                const char          *component,
                const char          *type,
                const char          *want_type,
                gsize                payload_len,
                const UbImg4Restore *restore,
                GPtrArray          **lines_out)
{
  g_autoptr(GBytes) ticket = ub_test_load_ticket (ticket_name);
  g_autoptr(GBytes) payload = make_payload (payload_len);
  g_autoptr(GBytes) im4p = ub_img4_im4p_new (type, "iBoot-1234.5.6 test image", payload);
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *im4p_type = ub_img4_im4p_dup_type (im4p, &error);
  GBytes *img4;
  UbImg4Parts parts;
  guint end;

  g_assert_cmpstr (im4p_type, ==, type);
  img4 = ub_img4_stitch_full (im4p, ticket, component, restore, &error);
  g_assert_no_error (error);

  /* our own reader takes it apart again */
  g_assert_true (ub_img4_split (img4, &parts, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (parts.type, ==, want_type);
  g_assert_cmpmem (parts.payload, parts.payload_len,
                   g_bytes_get_data (payload, NULL), payload_len);
  g_assert_cmpmem (parts.im4m, parts.im4m_len,
                   g_bytes_get_data (ticket, NULL), g_bytes_get_size (ticket));
  g_assert_cmpuint (parts.im4p_len, ==, g_bytes_get_size (im4p));

  /* and so does openssl */
  lines = ub_test_asn1parse (img4, tmp_dir);
  end = check_img4_layout (lines, want_type, payload_len, ticket);
  if (lines_out != NULL)
    *lines_out = g_ptr_array_ref (lines);
  else
    g_assert_cmpuint (end, ==, lines->len);
  return img4;
}

static void
test_stitch_rewrite (void)
{
  struct { const char *component, *type, *want; gsize len; } cases[] = {
    { "RestoreKernelCache", "krnl", "rkrn", 70000 },   /* 3-octet lengths */
    { "RestoreDeviceTree",  "dtre", "rdtr", 300 },
    { "RestoreSEP",         "sepi", "rsep", 100 },
    { "RestoreLogo",        "logo", "rlgo", 5 },
    { "RestoreTrustCache",  "trst", "rtsc", 128 },
    { "RestoreRamDisk",     "rdsk", "rdsk", 4096 },    /* already right */
    { "iBSS",               "ibss", "ibss", 127 },
    { "iBEC",               "ibec", "ibec", 0 },
  };

  if (ub_test_openssl_path () == NULL)
    {
      g_test_skip ("openssl not found");
      return;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) img4 = NULL;

      g_test_message ("%s: %s → %s", cases[i].component, cases[i].type, cases[i].want);
      img4 = stitch_checked (ticket_names[i % G_N_ELEMENTS (ticket_names)], cases[i].component,
                             cases[i].type, cases[i].want, cases[i].len, NULL, NULL);
      g_assert_nonnull (img4);
    }
  g_assert_cmpstr (ub_img4_component_tag ("RestoreKernelCache"), ==, "rkrn");
  g_assert_cmpstr (ub_img4_component_tag ("Ap,RestoreTMU"), ==, "rtmu");
  g_assert_null (ub_img4_component_tag ("RestoreRamDisk"));
  g_assert_null (ub_img4_component_tag ("iBSS"));
}

/* A SEP image with every IM4R property: [1] { SEQUENCE { "IM4R", SET {
 * BNCN, snid, ucer, ucon } } } */
static void
test_stitch_im4r (void)
{
  g_autoptr(GBytes) nonce = g_bytes_new_static ("\x11\x11\x11\x11\x11\x11\x11\x11", 8);
  g_autoptr(GBytes) ucon = g_bytes_new_static ("ucon-data", 9);
  g_autoptr(GBytes) ucer = g_bytes_new_static ("ucer-data!", 10);
  UbImg4Restore restore = { 2, nonce, ucon, ucer };
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(GBytes) img4 = NULL;
  g_autoptr(GBytes) ticket = ub_test_load_ticket (SHSH2_NAME);
  struct { guint depth; const char *type, *value; } want[] = {
    { 1, "cont [ 1 ]", NULL }, { 2, "SEQUENCE", NULL }, { 3, "IA5STRING", "IM4R" }, { 3, "SET", NULL },
    { 4, "priv [ 1112425294 ]", NULL }, { 5, "SEQUENCE", NULL }, { 6, "IA5STRING", "BNCN" },
    { 6, "OCTET STRING", "[HEX DUMP]:1111111111111111" },
    { 4, "priv [ 1936615780 ]", NULL }, { 5, "SEQUENCE", NULL }, { 6, "IA5STRING", "snid" },
    { 6, "INTEGER", "02" },
    { 4, "priv [ 1969448306 ]", NULL }, { 5, "SEQUENCE", NULL }, { 6, "IA5STRING", "ucer" },
    { 6, "OCTET STRING", "ucer-data!" },   /* openssl prints printable octets as text */
    { 4, "priv [ 1969450862 ]", NULL }, { 5, "SEQUENCE", NULL }, { 6, "IA5STRING", "ucon" },
    { 6, "OCTET STRING", "ucon-data" },
  };
  guint start;
  UbImg4Parts parts;
  g_autoptr(GError) error = NULL;

  if (ub_test_openssl_path () == NULL)
    {
      g_test_skip ("openssl not found");
      return;
    }
  img4 = stitch_checked (SHSH2_NAME, "SEP", "sepi", "sepi", 1000, &restore, &lines);
  start = check_img4_layout (lines, "sepi", 1000, ticket);
  g_assert_cmpuint (lines->len - start, ==, G_N_ELEMENTS (want));
  for (gsize i = 0; i < G_N_ELEMENTS (want); i++)
    assert_line (lines, start + i, want[i].depth, want[i].type, want[i].value);
  g_assert_true (ub_img4_split (img4, &parts, &error));
  g_assert_nonnull (parts.im4r);
  g_assert_cmpuint (parts.im4r_len, ==, line_at (lines, start)->length);
}

static GBytes *
nonce_from_name (void)
{
  const char *hex = SHSH2_NONCE;
  guint8 bytes[32];

  for (guint i = 0; i < 32; i++)
    bytes[i] = g_ascii_xdigit_value (hex[2 * i]) << 4 | g_ascii_xdigit_value (hex[2 * i + 1]);
  return g_bytes_new (bytes, sizeof bytes);
}

/* ub_img4_stitch() checks the nonce and never writes an IM4R; BNCN and
 * nonce slots only come from ub_img4_stitch_full() */
static void
test_stitch_nonce (void)
{
  g_autoptr(GBytes) ticket = ub_test_load_ticket (SHSH2_NAME);
  g_autoptr(GBytes) payload = make_payload (64);
  g_autoptr(GBytes) im4p = ub_img4_im4p_new ("ibss", "x", payload);
  g_autoptr(GBytes) nonce = nonce_from_name ();
  g_autoptr(GBytes) other = g_bytes_new_static ("\x11\x11\x11\x11\x11\x11\x11\x11", 8);
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(GBytes) checked = NULL;
  g_autoptr(GBytes) with = NULL;
  g_autoptr(GBytes) too_long = make_payload (65);
  g_autoptr(GBytes) bad = NULL;
  g_autoptr(GError) error = NULL;
  UbImg4Restore generator = { -1, other, NULL, NULL };
  UbImg4Restore slot = { 0, NULL, NULL, NULL };
  UbImg4Parts parts;

  plain = ub_img4_stitch (im4p, ticket, "iBSS", NULL, &error);
  g_assert_no_error (error);
  checked = ub_img4_stitch (im4p, ticket, "iBSS", nonce, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (plain, checked));
  g_assert_true (ub_img4_split (checked, &parts, &error));
  g_assert_null (parts.im4r);

  bad = ub_img4_stitch (im4p, ticket, "iBSS", other, &error);
  g_assert_null (bad);
  g_assert_error (error, UB_ERROR, UB_ERROR_PROTOCOL);
  g_clear_error (&error);

  with = ub_img4_stitch_full (im4p, ticket, "iBSS", &generator, &error);
  g_assert_no_error (error);
  g_assert_true (ub_img4_split (with, &parts, &error));
  g_assert_nonnull (parts.im4r);
  /* BNCN's value is the last 8 bytes of the image */
  g_assert_cmpmem (parts.im4r + parts.im4r_len - 8, 8, g_bytes_get_data (other, NULL), 8);

  generator.boot_nonce = too_long;
  bad = ub_img4_stitch_full (im4p, ticket, "iBSS", &generator, &error);
  g_assert_null (bad);
  g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);
  g_clear_error (&error);

  /* iBSS has no nonce slot */
  bad = ub_img4_stitch_full (im4p, ticket, "iBSS", &slot, &error);
  g_assert_null (bad);
  g_assert_error (error, UB_ERROR, UB_ERROR_NOT_SUPPORTED);
  g_assert_cmpstr (ub_img4_nonce_slot_tag ("LLB", NULL), ==, "anid");
  g_assert_null (ub_img4_nonce_slot_tag ("iBEC", NULL));
}

/* In place: the same bytes as the copying stitch, for a rewritten type and
 * a large payload (multi-byte lengths), and the same refusals */
static void
test_stitch_take (void)
{
  g_autoptr(GBytes) ticket = ub_test_load_ticket (SHSH2_NAME);
  g_autoptr(GBytes) nonce = nonce_from_name ();
  g_autoptr(GBytes) other = g_bytes_new_static ("\x11\x11\x11\x11\x11\x11\x11\x11", 8);
  const gsize sizes[] = { 10, 300, 70000, 3 * 1024 * 1024 };
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(GBytes) payload = make_payload (sizes[i]);
      g_autoptr(GBytes) im4p = ub_img4_im4p_new ("krnl", "KernelCacheBuilder", payload);
      g_autoptr(GBytes) copied = ub_img4_stitch (im4p, ticket, "RestoreKernelCache", nonce, &error);
      g_autoptr(GBytes) taken = NULL;
      GByteArray *array = g_byte_array_new ();

      g_assert_no_error (error);
      g_byte_array_append (array, g_bytes_get_data (im4p, NULL), g_bytes_get_size (im4p));
      taken = ub_img4_stitch_take (array, ticket, "RestoreKernelCache", nonce, &error);
      g_assert_no_error (error);
      g_assert_true (g_bytes_equal (copied, taken));
    }

  /* Refused: another nonce, and a damaged image (the array is freed either way) */
  {
    g_autoptr(GBytes) payload = make_payload (100);
    g_autoptr(GBytes) im4p = ub_img4_im4p_new ("ibss", "x", payload);
    GByteArray *array = g_byte_array_new ();
    GBytes *none;

    g_byte_array_append (array, g_bytes_get_data (im4p, NULL), g_bytes_get_size (im4p));
    none = ub_img4_stitch_take (array, ticket, "iBSS", other, &error);
    g_assert_null (none);
    g_assert_error (error, UB_ERROR, UB_ERROR_PROTOCOL);
    g_clear_error (&error);
    array = g_byte_array_new ();
    g_byte_array_append (array, g_bytes_get_data (im4p, NULL), g_bytes_get_size (im4p) - 3);
    none = ub_img4_stitch_take (array, ticket, "iBSS", NULL, &error);
    g_assert_null (none);
    g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);
  }
}

/* Broken images and tickets are refused; the inputs are left as they were */
static void
test_stitch_bad_input (void)
{
  g_autoptr(GBytes) ticket = ub_test_load_ticket (SHSH2_NAME);
  g_autoptr(GBytes) payload = make_payload (200);
  g_autoptr(GBytes) im4p = ub_img4_im4p_new ("krnl", "x", payload);
  g_autoptr(GBytes) im4p_copy = g_bytes_new (g_bytes_get_data (im4p, NULL), g_bytes_get_size (im4p));
  gsize tlen = g_bytes_get_size (ticket), plen = g_bytes_get_size (im4p);
  const guint8 *t = g_bytes_get_data (ticket, NULL);
  const guint8 *p = g_bytes_get_data (im4p, NULL);
  struct { GBytes *im4p, *im4m; } cases[] = {
    { g_bytes_new (p, plen - 1), g_bytes_ref (ticket) },              /* truncated image */
    { g_bytes_ref (im4p), g_bytes_new (t, tlen - 1) },                /* truncated ticket */
    { g_bytes_ref (im4p), g_bytes_new (t, 100) },
    { g_bytes_ref (ticket), g_bytes_ref (ticket) },                   /* a ticket is no image */
    { g_bytes_ref (im4p), g_bytes_ref (im4p) },                       /* an image is no ticket */
    { g_bytes_ref (im4p), g_bytes_new_static ("", 0) },
    { g_bytes_new_static ("\x30\x80\x00\x00", 4), g_bytes_ref (ticket) },  /* indefinite */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) img4 = ub_img4_stitch (cases[i].im4p, cases[i].im4m, "RestoreKernelCache", NULL, &error);

      g_test_message ("case %zu: %s", i, error ? error->message : "(none)");
      g_assert_null (img4);
      g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);
      g_bytes_unref (cases[i].im4p);
      g_bytes_unref (cases[i].im4m);
    }
  g_assert_true (g_bytes_equal (im4p, im4p_copy));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  tmp_dir = g_dir_make_tmp ("test-img4-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/unbrick/img4/ticket/shsh2", test_ticket_shsh2);
  g_test_add_func ("/unbrick/img4/ticket/openssl", test_ticket_openssl);
  g_test_add_func ("/unbrick/img4/ticket/malformed", test_ticket_malformed);
  g_test_add_func ("/unbrick/img4/ticket/missing-property", test_ticket_missing_property);
  g_test_add_func ("/unbrick/img4/stitch/rewrite", test_stitch_rewrite);
  g_test_add_func ("/unbrick/img4/stitch/im4r", test_stitch_im4r);
  g_test_add_func ("/unbrick/img4/stitch/nonce", test_stitch_nonce);
  g_test_add_func ("/unbrick/img4/stitch/bad-input", test_stitch_bad_input);
  g_test_add_func ("/unbrick/img4/stitch/take", test_stitch_take);

  ret = g_test_run ();
  ub_test_remove_tree (tmp_dir);
  g_free (tmp_dir);
  return ret;
}
