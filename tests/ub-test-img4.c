/* ub-test-img4.c — small personalized IMG4 files for the virtual iPhone
 *
 * The virtual phone takes an image only when it is an IMG4 whose IM4P has
 * the type its boot step loads and whose ticket names the phone's ECID, its
 * current ApNonce (BNCH) and that type, with the IM4P's SHA-384 as digest.
 * Signatures are not checked there, so this test helper writes the ticket
 * itself, with a tiny DER writer of its own (the core's DER code is another
 * piece of work and is not what these tests are about):
 *
 *   SEQUENCE { "IMG4", SEQUENCE { "IM4P", type, "test", OCTET STRING payload },
 *              [0] SEQUENCE { "IM4M", INTEGER 0,
 *                             SET { [P MANB] SEQUENCE { "MANB", SET {
 *                               [P MANP] SEQUENCE { "MANP", SET { ECID, BNCH } },
 *                               [P type] SEQUENCE { type, SET { DGST } } } } },
 *                             OCTET STRING signature, SEQUENCE { } } }
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ub-test-img4.h"

#define UNIVERSAL 0x00
#define CONTEXT   0x80
#define PRIVATE   0xc0
#define CONSTRUCTED 0x20

static void
put_length (GByteArray *out,
            gsize       len)
{
  guint8 bytes[8];
  guint n = 0;

  if (len < 0x80)
    {
      guint8 b = (guint8)len;

      g_byte_array_append (out, &b, 1);
      return;
    }
  for (gsize v = len; v > 0; v >>= 8)
    bytes[n++] = v & 0xff;
  bytes[n] = 0x80 | n;
  g_byte_array_append (out, &bytes[n], 1);
  while (n > 0)
    g_byte_array_append (out, &bytes[--n], 1);
}

/* Appends one element; tag numbers above 30 take the base-128 form */
static void
put (GByteArray   *out,
     guint8        cls,
     guint32       number,
     const guint8 *content,
     gsize         len)
{
  guint8 first = cls | (number < 31 ? number : 0x1f);

  g_byte_array_append (out, &first, 1);
  if (number >= 31)
    {
      guint8 digits[5];
      guint n = 0;

      for (guint32 v = number; v > 0 || n == 0; v >>= 7)
        digits[n++] = v & 0x7f;
      while (n > 0)
        {
          guint8 d;

          n--;
          d = digits[n] | (n > 0 ? 0x80 : 0);

          g_byte_array_append (out, &d, 1);
        }
    }
  put_length (out, len);
  g_byte_array_append (out, content, len);
}

static void
put_array (GByteArray *out,
           guint8      cls,
           guint32     number,
           GByteArray *content)
{
  put (out, cls, number, content->data, content->len);
  g_byte_array_unref (content);
}

static void
put_ia5 (GByteArray *out,
         const char *text)
{
  put (out, UNIVERSAL, 22, (const guint8 *)text, strlen (text));
}

static guint32
fourcc (const char *name)
{
  return (guint32)name[0] << 24 | (guint32)name[1] << 16 | (guint32)name[2] << 8 | (guint8)name[3];
}

/* [PRIVATE name] SEQUENCE { IA5String name, value } */
static void
put_property (GByteArray *out,
              const char *name,
              GByteArray *value)
{
  GByteArray *seq = g_byte_array_new ();
  GByteArray *tagged = g_byte_array_new ();

  put_ia5 (seq, name);
  g_byte_array_append (seq, value->data, value->len);
  g_byte_array_unref (value);
  put_array (tagged, UNIVERSAL | CONSTRUCTED, 16, seq);
  put_array (out, PRIVATE | CONSTRUCTED, fourcc (name), tagged);
}

static GByteArray *
integer (guint64 value)
{
  GByteArray *out = g_byte_array_new ();
  guint8 bytes[9];
  guint n = 0;

  GByteArray *content = g_byte_array_new ();

  for (guint64 v = value; v > 0 || n == 0; v >>= 8)
    bytes[n++] = v & 0xff;
  if (bytes[n - 1] & 0x80)
    bytes[n++] = 0;
  while (n > 0)
    g_byte_array_append (content, &bytes[--n], 1);
  put_array (out, UNIVERSAL, 2, content);
  return out;
}

static GByteArray *
octets (const guint8 *data,
        gsize         len)
{
  GByteArray *out = g_byte_array_new ();

  put (out, UNIVERSAL, 4, data, len);
  return out;
}

static GByteArray *
set_of (GByteArray *content)
{
  GByteArray *out = g_byte_array_new ();

  put_array (out, UNIVERSAL | CONSTRUCTED, 17, content);
  return out;
}

static GByteArray *
make_im4p (const char *type,
           GBytes     *payload)
{
  GByteArray *content = g_byte_array_new ();
  GByteArray *out = g_byte_array_new ();

  put_ia5 (content, "IM4P");
  put_ia5 (content, type);
  put_ia5 (content, "unbrick test image");
  put (content, UNIVERSAL, 4, g_bytes_get_data (payload, NULL), g_bytes_get_size (payload));
  put_array (out, UNIVERSAL | CONSTRUCTED, 16, content);
  return out;
}

static GByteArray *
make_manb (const char *type,
           GByteArray *im4p,
           guint64     ecid,
           GBytes     *ap_nonce)
{
  GByteArray *manp = g_byte_array_new ();
  GByteArray *entry = g_byte_array_new ();
  GByteArray *manb = g_byte_array_new ();
  guint8 digest[48];
  gsize digest_len = sizeof digest;
  g_autoptr(GChecksum) sha = g_checksum_new (G_CHECKSUM_SHA384);

  put_property (manp, "ECID", integer (ecid));
  put_property (manp, "BNCH", octets (g_bytes_get_data (ap_nonce, NULL), g_bytes_get_size (ap_nonce)));
  g_checksum_update (sha, im4p->data, im4p->len);
  g_checksum_get_digest (sha, digest, &digest_len);
  put_property (entry, "DGST", octets (digest, digest_len));
  put_property (manb, "MANP", set_of (manp));
  put_property (manb, type, set_of (entry));
  return set_of (manb);
}

/**
 * ub_test_img4_new:
 * @fourcc: the IM4P type the boot step loads ("ibss", "ibec", …)
 * @ap_nonce: the nonce the phone shows now (NONC)
 *
 * Returns: (transfer full): an IMG4 file the virtual phone accepts
 */
GBytes *
ub_test_img4_new (const char *type,
                  GBytes     *payload,
                  guint64     ecid,
                  GBytes     *ap_nonce)
{
  GByteArray *im4p = make_im4p (type, payload);
  GByteArray *body = g_byte_array_new ();
  GByteArray *im4m = g_byte_array_new ();
  GByteArray *tagged = g_byte_array_new ();
  GByteArray *img4 = g_byte_array_new ();
  GByteArray *out = g_byte_array_new ();
  static const guint8 signature[16] = { 0x55, };

  g_assert_cmpuint (strlen (type), ==, 4);
  put_property (body, "MANB", make_manb (type, im4p, ecid, ap_nonce));
  put_ia5 (im4m, "IM4M");
  put_array (im4m, UNIVERSAL, 2, g_byte_array_append (g_byte_array_new (), (const guint8 *)"\0", 1));
  put_array (im4m, UNIVERSAL | CONSTRUCTED, 17, body);
  put (im4m, UNIVERSAL, 4, signature, sizeof signature);
  put (im4m, UNIVERSAL | CONSTRUCTED, 16, NULL, 0);
  put_array (tagged, UNIVERSAL | CONSTRUCTED, 16, im4m);

  put_ia5 (img4, "IMG4");
  g_byte_array_append (img4, im4p->data, im4p->len);
  g_byte_array_unref (im4p);
  put_array (img4, CONTEXT | CONSTRUCTED, 0, tagged);
  put_array (out, UNIVERSAL | CONSTRUCTED, 16, img4);
  return g_byte_array_free_to_bytes (out);
}
