/* fuzz-der.c — the DER reader and the IMG4 ticket and image readers
 *
 * The bytes are read as one DER element (every child walked and every value
 * getter tried), as an IM4M ticket (ECID, nonce, the images and their
 * digests), as an IMG4 (ub_img4_split) and as both inputs of
 * ub_img4_stitch(). Whatever fails must fail with a UB_ERROR; whatever is
 * stitched must split again into exactly its inputs. Seeds: the three real
 * tickets of tests/data/shsh/, an IM4P and a stitched IMG4.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ub-der.h"
#include "ub-error.h"
#include "ub-img4.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static GBytes *small_im4p;
static GBytes *small_ticket;

/* SEQUENCE { "IM4M", 0, SET { [MANB] { "MANB", SET { [MANP] { "MANP", SET {} } } } } } */
static GBytes *
make_ticket (void)
{
  g_autoptr(UbDerWriter) w = ub_der_writer_new ();

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
  for (guint i = 0; i < 8; i++)
    ub_der_writer_end (w);
  return ub_der_writer_finish (w);
}

static void
assert_ub_error (GError *error)
{
  g_assert_nonnull (error);
  g_assert_true (error->domain == UB_ERROR);
}

/* Every child at every level, breadth bounded by the input size */
static void
walk (const UbDerElement *el)
{
  UbDerIter stack[UB_DER_MAX_DEPTH + 1];
  guint top = 0;
  UbDerElement child;

  if (!el->constructed || !ub_der_iter_init (&stack[0], el, NULL))
    return;
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      guint64 v;
      gboolean b;
      g_autofree char *s = NULL;
      g_autoptr(GBytes) octets = NULL;

      if (!ub_der_iter_next (&stack[top], &child, &error))
        {
          if (top == 0)
            return;
          top--;
          continue;
        }
      g_assert_cmpuint (child.raw_length, >=, child.length + 2);
      ub_der_get_uint64 (&child, &v, NULL);
      ub_der_get_boolean (&child, &b, NULL);
      s = ub_der_dup_ia5 (&child, NULL);
      octets = ub_der_dup_octets (&child, NULL);
      if (child.constructed && ub_der_iter_init (&stack[top + 1], &child, NULL))
        top++;
    }
}

static void
read_ticket (GBytes *bytes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) nonce = NULL;
  g_auto(GStrv) images = NULL;
  guint64 ecid;

  if (!ub_img4_ticket_get_ecid (bytes, &ecid, &error))
    assert_ub_error (error);
  g_clear_error (&error);
  nonce = ub_img4_ticket_dup_nonce (bytes, &error);
  if (nonce == NULL)
    assert_ub_error (error);
  g_clear_error (&error);
  images = ub_img4_ticket_list_images (bytes, &error);
  if (images == NULL)
    {
      assert_ub_error (error);
      return;
    }
  for (guint i = 0; images[i] != NULL; i++)
    {
      g_autoptr(GError) local = NULL;
      g_autoptr(GBytes) digest = NULL;

      g_assert_cmpuint (strlen (images[i]), ==, 4);
      digest = ub_img4_ticket_dup_digest (bytes, images[i], &local);
      if (digest == NULL)
        assert_ub_error (local);
    }
}

static void
check_stitched (GBytes     *img4,
                GBytes     *im4p,
                GBytes     *im4m,
                const char *type)
{
  g_autoptr(GError) error = NULL;
  UbImg4Parts parts;

  g_assert_true (ub_img4_split (img4, &parts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (parts.im4p_len, ==, g_bytes_get_size (im4p));
  g_assert_cmpmem (parts.im4m, parts.im4m_len, g_bytes_get_data (im4m, NULL), g_bytes_get_size (im4m));
  if (type != NULL)
    g_assert_cmpstr (parts.type, ==, type);
}

static void
stitch_both_ways (GBytes *bytes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) as_ticket = NULL;
  g_autoptr(GBytes) as_image = NULL;
  g_autoptr(GBytes) checked = NULL;
  g_autoptr(GBytes) nonce = g_bytes_new_static ("\x27\x32\x5c\x82", 4);

  as_ticket = ub_img4_stitch (small_im4p, bytes, "RestoreKernelCache", NULL, &error);
  if (as_ticket == NULL)
    assert_ub_error (error);
  else
    check_stitched (as_ticket, small_im4p, bytes, "rkrn");
  g_clear_error (&error);

  /* with a nonce to check the ticket against */
  checked = ub_img4_stitch (small_im4p, bytes, "iBSS", nonce, &error);
  if (checked == NULL)
    assert_ub_error (error);
  g_clear_error (&error);

  as_image = ub_img4_stitch (bytes, small_ticket, "RestoreDeviceTree", NULL, &error);
  if (as_image == NULL)
    assert_ub_error (error);
  else
    check_stitched (as_image, bytes, small_ticket, "rdtr");
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(GError) error = NULL;
  UbDerElement el;
  UbImg4Parts parts;

  if (small_im4p == NULL)
    {
      g_autoptr(GBytes) payload = g_bytes_new_static ("payload", 7);
      small_im4p = ub_img4_im4p_new ("krnl", "fuzz", payload);
      small_ticket = make_ticket ();
    }

  if (ub_der_read_element (data, size, &el, &error))
    {
      g_assert_cmpuint (el.raw_length, <=, size);
      walk (&el);
    }
  else
    assert_ub_error (error);
  g_clear_error (&error);
  if (!ub_der_read_single (bytes, &el, &error))
    assert_ub_error (error);
  g_clear_error (&error);

  read_ticket (bytes);
  if (ub_img4_split (bytes, &parts, &error))
    {
      const guint8 *copy = g_bytes_get_data (bytes, NULL);

      g_assert_true (parts.im4p >= copy && parts.im4p + parts.im4p_len <= copy + size);
      g_assert_true (parts.im4m >= copy && parts.im4m + parts.im4m_len <= copy + size);
      g_assert_true (parts.payload >= parts.im4p &&
                     parts.payload + parts.payload_len <= parts.im4p + parts.im4p_len);
    }
  else
    assert_ub_error (error);
  stitch_both_ways (bytes);
  return 0;
}
