/* test-img4-stream.c — an IMG4 sent as it is read (ub_img4_stitch_parts)
 *
 * prefix + the rest of the IM4P + suffix must be exactly the IMG4 that the
 * in-memory stitch builds, for small and large images, a rewritten type
 * and not; damaged heads, a wrong size and a ticket for another nonce are
 * refused.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ub-core.h"
#include "ub-img4.h"
#include "ub-test-asn1.h"

#define SHSH2_NAME "3685821359199014_iPhone9,3_d101ap_13.5-17F75_" \
  "27325c8258be46e69d9ee57fa9a8fbc28b873df434e5e702a8b27999551138ae.shsh2"

static GBytes *
load_ticket (void)
{
  return ub_test_load_ticket (SHSH2_NAME);
}

static GBytes *
make_im4p (const char *type,
           gsize       size)
{
  g_autofree guint8 *data = g_malloc (size);
  g_autoptr(GBytes) payload = NULL;

  for (gsize i = 0; i < size; i++)
    data[i] = (guint8) (i * 7 + 3);
  payload = g_bytes_new_take (g_steal_pointer (&data), size);
  return ub_img4_im4p_new (type, "RestoreRamDisk test", payload);
}

/* prefix + rest + suffix, from ub_img4_stitch_parts() */
static GBytes *
streamed (GBytes      *im4p,
          GBytes      *ticket,
          const char  *component,
          GError     **error)
{
  gsize size = g_bytes_get_size (im4p), head_len = MIN (size, UB_IMG4_STREAM_HEAD);
  g_autoptr(GBytes) head = g_bytes_new_from_bytes (im4p, 0, head_len);
  g_autoptr(GBytes) prefix = NULL, suffix = NULL;
  GByteArray *out;

  if (!ub_img4_stitch_parts (head, size, ticket, component, NULL, &prefix, &suffix, error))
    return NULL;
  out = g_byte_array_new ();
  g_byte_array_append (out, g_bytes_get_data (prefix, NULL), g_bytes_get_size (prefix));
  g_byte_array_append (out, (const guint8 *) g_bytes_get_data (im4p, NULL) + head_len, size - head_len);
  g_byte_array_append (out, g_bytes_get_data (suffix, NULL), g_bytes_get_size (suffix));
  return g_byte_array_free_to_bytes (out);
}

static void
test_same_bytes (void)
{
  g_autoptr(GBytes) ticket = load_ticket ();
  const gsize sizes[] = { 10, 300, 4000, 70000, 3 * 1024 * 1024 };
  const char *components[][2] = { { "rdsk", "RestoreRamDisk" }, { "krnl", "RestoreKernelCache" } };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    for (guint c = 0; c < G_N_ELEMENTS (components); c++)
      {
        g_autoptr(GBytes) im4p = make_im4p (components[c][0], sizes[i]);
        g_autoptr(GError) error = NULL;
        g_autoptr(GBytes) whole = ub_img4_stitch (im4p, ticket, components[c][1], NULL, &error);
        g_autoptr(GBytes) parts = NULL;

        g_assert_no_error (error);
        parts = streamed (im4p, ticket, components[c][1], &error);
        g_assert_no_error (error);
        g_assert_true (g_bytes_equal (whole, parts));
      }
}

static void
test_refused (void)
{
  g_autoptr(GBytes) ticket = load_ticket ();
  g_autoptr(GBytes) im4p = make_im4p ("rdsk", 100000);
  g_autoptr(GBytes) head = g_bytes_new_from_bytes (im4p, 0, UB_IMG4_STREAM_HEAD);
  g_autoptr(GBytes) other = g_bytes_new_static ("\x11\x11\x11\x11\x11\x11\x11\x11", 8);
  g_autoptr(GBytes) prefix = NULL, suffix = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *bad = g_memdup2 (g_bytes_get_data (head, NULL), UB_IMG4_STREAM_HEAD);
  g_autoptr(GBytes) bad_head = NULL;

  /* the entry is not as long as the IM4P says */
  g_assert_false (ub_img4_stitch_parts (head, 100001 + 1, ticket, "RestoreRamDisk", NULL, &prefix, &suffix, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);
  g_clear_error (&error);
  /* not an IM4P: the magic is damaged */
  memcpy (bad + 6, "IM4X", 4);
  bad_head = g_bytes_new (bad, UB_IMG4_STREAM_HEAD);
  g_assert_false (ub_img4_stitch_parts (bad_head, g_bytes_get_size (im4p), ticket, "RestoreRamDisk", NULL,
                                        &prefix, &suffix, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);
  g_clear_error (&error);
  /* a head too short to hold the type */
  g_clear_pointer (&bad_head, g_bytes_unref);
  bad_head = g_bytes_new_from_bytes (im4p, 0, 8);
  g_assert_false (ub_img4_stitch_parts (bad_head, g_bytes_get_size (im4p), ticket, "RestoreRamDisk", NULL,
                                        &prefix, &suffix, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_INVALID_DATA);
  g_clear_error (&error);
  /* a ticket for another boot */
  g_assert_false (ub_img4_stitch_parts (head, g_bytes_get_size (im4p), ticket, "RestoreRamDisk", other,
                                        &prefix, &suffix, &error));
  g_assert_error (error, UB_ERROR, UB_ERROR_PROTOCOL);
  g_assert_null (prefix);
  g_assert_null (suffix);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/img4-stream/same-bytes", test_same_bytes);
  g_test_add_func ("/img4-stream/refused", test_refused);
  return g_test_run ();
}
