/* ub-vphone-img4-build.c — personalized IMG4 files for the virtual iPhone's tests
 *
 * A small DER writer of the tests' own, separate from the phone's reader and
 * from the core's library, so that neither checks itself. The output has
 * the shape of a real stitched image (restore-protocol.md §2, and the real
 * tickets in shared/research/fixtures/shsh):
 * SEQUENCE { "IMG4", IM4P { "IM4P", type, description, payload },
 * [0] IM4M { "IM4M", 0, SET { MANB { MANP { BNCH, ECID, CHIP… },
 * type { DGST, EPRO, ESEC } } }, signature, certificates }, [1] IM4R }.
 * The signature is zeros: the virtual phone does not check it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-vphone-img4-build"

#include "config.h"

#include <string.h>
#include <unistd.h>

#include "ub-vphone-img4-build.h"

#define UNIVERSAL   0x00
#define CONTEXT     0x80
#define PRIVATE     0xc0
#define CONSTRUCTED 0x20

/* Identifier and length octets, then the contents. */
static void
put_tlv (GByteArray   *out,
         guint8        flags,
         guint32       number,
         const guint8 *data,
         gsize         len)
{
  guint8 head[16];
  gsize n = 0;

  if (number < 0x1f)
    head[n++] = flags | number;
  else
    {
      int shift = 28;

      head[n++] = flags | 0x1f;
      while (shift > 0 && (number >> shift) == 0)
        shift -= 7;
      for (; shift > 0; shift -= 7)
        head[n++] = 0x80 | ((number >> shift) & 0x7f);
      head[n++] = number & 0x7f;
    }
  if (len < 0x80)
    head[n++] = len;
  else
    {
      guint bytes = len > 0xffffff ? 4 : len > 0xffff ? 3 : len > 0xff ? 2 : 1;

      head[n++] = 0x80 | bytes;
      for (guint i = bytes; i > 0; i--)
        head[n++] = (len >> (8 * (i - 1))) & 0xff;
    }
  g_byte_array_append (out, head, n);
  g_byte_array_append (out, data, len);
}

static void
put_wrapped (GByteArray *out,
             guint8      flags,
             guint32     number,
             GByteArray *inner)
{
  put_tlv (out, flags | CONSTRUCTED, number, inner->data, inner->len);
  g_byte_array_unref (inner);
}

static void
put_ia5 (GByteArray *out,
         const char *str)
{
  put_tlv (out, UNIVERSAL, 22, (const guint8 *) str, strlen (str));
}

static void
put_uint (GByteArray *out,
          guint64     value)
{
  guint8 bytes[9];
  gsize n = 0;
  int shift = 56;

  while (shift > 0 && ((value >> shift) & 0xff) == 0)
    shift -= 8;
  if ((value >> shift) & 0x80)
    bytes[n++] = 0;
  for (; shift >= 0; shift -= 8)
    bytes[n++] = (value >> shift) & 0xff;
  put_tlv (out, UNIVERSAL, 2, bytes, n);
}

static guint32
fourcc (const char *name)
{
  return (guint32) name[0] << 24 | (guint32) name[1] << 16 | (guint32) name[2] << 8 | (guint8) name[3];
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
  put_wrapped (tagged, UNIVERSAL, 16, seq);
  put_wrapped (out, PRIVATE, fourcc (name), tagged);
}

static GByteArray *
build_im4p (const char *type,
            gsize       payload_size)
{
  GByteArray *seq = g_byte_array_new ();
  GByteArray *out = g_byte_array_new ();
  g_autofree guint8 *payload = g_malloc (MAX (payload_size, 1));

  for (gsize i = 0; i < payload_size; i++)
    payload[i] = (guint8) (i * 31 + 7);
  put_ia5 (seq, "IM4P");
  put_ia5 (seq, type);
  put_ia5 (seq, "vphone test payload");
  put_tlv (seq, UNIVERSAL, 4, payload, payload_size);
  put_wrapped (out, UNIVERSAL, 16, seq);
  return out;
}

static GByteArray *
octets (const guint8 *data,
        gsize         len)
{
  GByteArray *value = g_byte_array_new ();

  put_tlv (value, UNIVERSAL, 4, data, len);
  return value;
}

static GByteArray *
digest_of (const UbVphoneImg4Spec *spec)
{
  g_autoptr(GByteArray) hashed = build_im4p (spec->ipsw_fourcc ? spec->ipsw_fourcc : spec->fourcc,
                                             spec->payload_size);
  GChecksumType type = spec->digest == UB_VPHONE_DIGEST_SHA1 ? G_CHECKSUM_SHA1 : G_CHECKSUM_SHA384;
  g_autoptr(GChecksum) checksum = g_checksum_new (type);
  guint8 sum[48];
  gsize len = sizeof (sum);

  g_checksum_update (checksum, hashed->data, hashed->len);
  if (spec->digest == UB_VPHONE_DIGEST_WRONG)
    g_checksum_update (checksum, (const guchar *) "other", 5);
  g_checksum_get_digest (checksum, sum, &len);
  return octets (sum, len);
}

static GByteArray *
build_manb (const UbVphoneImg4Spec *spec)
{
  GByteArray *manp = g_byte_array_new ();
  GByteArray *entry = g_byte_array_new ();
  GByteArray *body = g_byte_array_new ();
  GByteArray *value;
  gsize len;
  const guint8 *nonce = g_bytes_get_data (spec->nonce, &len);

  put_property (manp, "BNCH", octets (nonce, len));
  value = g_byte_array_new ();
  put_uint (value, 0x8015);
  put_property (manp, "CHIP", value);
  value = g_byte_array_new ();
  put_uint (value, spec->ecid);
  put_property (manp, "ECID", value);
  value = g_byte_array_new ();
  put_wrapped (value, UNIVERSAL, 17, manp);
  put_property (body, "MANP", value);
  if (spec->digest != UB_VPHONE_DIGEST_NONE && spec->digest != UB_VPHONE_DIGEST_NO_ENTRY)
    put_property (entry, "DGST", digest_of (spec));
  value = g_byte_array_new ();
  put_tlv (value, UNIVERSAL, 1, (const guint8 *) "\xff", 1);
  put_property (entry, "EPRO", value);
  value = g_byte_array_new ();
  put_wrapped (value, UNIVERSAL, 17, entry);
  if (spec->digest != UB_VPHONE_DIGEST_NO_ENTRY)
    put_property (body, spec->fourcc, value);
  else
    g_byte_array_unref (value);
  value = g_byte_array_new ();
  put_wrapped (value, UNIVERSAL, 17, body);
  return value;
}

static GByteArray *
build_im4m (const UbVphoneImg4Spec *spec)
{
  GByteArray *seq = g_byte_array_new ();
  GByteArray *set = g_byte_array_new ();
  GByteArray *out = g_byte_array_new ();
  guint8 signature[256] = { 0, };

  put_ia5 (seq, "IM4M");
  put_uint (seq, 0);
  put_property (set, "MANB", build_manb (spec));
  put_wrapped (seq, UNIVERSAL, 17, set);
  put_tlv (seq, UNIVERSAL, 4, signature, sizeof (signature));
  put_wrapped (seq, UNIVERSAL, 16, g_byte_array_new ());
  put_wrapped (out, UNIVERSAL, 16, seq);
  return out;
}

static GByteArray *
build_im4r (const UbVphoneImg4Spec *spec)
{
  GByteArray *seq = g_byte_array_new ();
  GByteArray *set = g_byte_array_new ();
  GByteArray *out = g_byte_array_new ();
  gsize len;
  const guint8 *nonce = g_bytes_get_data (spec->nonce, &len);

  put_ia5 (seq, "IM4R");
  put_property (set, "BNCN", octets (nonce, len));
  put_wrapped (seq, UNIVERSAL, 17, set);
  put_wrapped (out, UNIVERSAL, 16, seq);
  return out;
}

/**
 * ub_vphone_img4_build:
 *
 * Returns: (transfer full): the IMG4 file @spec describes
 */
GBytes *
ub_vphone_img4_build (const UbVphoneImg4Spec *spec)
{
  GByteArray *seq = g_byte_array_new ();
  GByteArray *out = g_byte_array_new ();
  g_autoptr(GByteArray) im4p = NULL;

  g_return_val_if_fail (spec != NULL && spec->fourcc != NULL && spec->nonce != NULL, NULL);

  im4p = build_im4p (spec->fourcc, spec->payload_size);
  put_ia5 (seq, "IMG4");
  g_byte_array_append (seq, im4p->data, im4p->len);
  if (!spec->no_ticket)
    put_wrapped (seq, CONTEXT, 0, build_im4m (spec));
  if (spec->im4r)
    put_wrapped (seq, CONTEXT, 1, build_im4r (spec));
  put_wrapped (out, UNIVERSAL, 16, seq);
  return g_byte_array_free_to_bytes (out);
}

/**
 * ub_vphone_img4_write:
 *
 * Returns: (transfer full): a temporary file holding the image; the caller
 *   removes it
 */
char *
ub_vphone_img4_write (const UbVphoneImg4Spec *spec)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) image = ub_vphone_img4_build (spec);
  char *path = NULL;
  int fd = g_file_open_tmp ("vphone-img4-XXXXXX", &path, &error);

  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (path, g_bytes_get_data (image, NULL), g_bytes_get_size (image), &error);
  g_assert_no_error (error);
  return path;
}

static GBytes *
parse_hex (const char *hex)
{
  gsize len = strlen (hex) / 2;
  guint8 *data = g_malloc (MAX (len, 1));

  for (gsize i = 0; i < len; i++)
    data[i] = g_ascii_xdigit_value (hex[2 * i]) << 4 | g_ascii_xdigit_value (hex[2 * i + 1]);
  return g_bytes_new_take (data, len);
}

/**
 * ub_vphone_img4_spec_for:
 * @spec: (out caller-allocates): a good image for the phone as it is now:
 *   its ECID and ApNonce, a SHA-384 digest, 4096 bytes of payload; free
 *   spec->nonce with g_bytes_unref()
 */
void
ub_vphone_img4_spec_for (UbVphoneImg4Spec *spec,
                         UbVphoneClient   *phone,
                         const char       *type)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ecid = ub_vphone_client_get (phone, "ecid", &error);
  g_autofree char *nonce = NULL;

  g_assert_no_error (error);
  nonce = ub_vphone_client_get (phone, "nonce", &error);
  g_assert_no_error (error);
  memset (spec, 0, sizeof (*spec));
  spec->fourcc = type;
  spec->payload_size = 4096;
  spec->ecid = g_ascii_strtoull (ecid, NULL, 16);
  spec->nonce = parse_hex (nonce);
  spec->digest = UB_VPHONE_DIGEST_SHA384;
}

/**
 * ub_vphone_img4_write_good:
 *
 * Returns: (transfer full): a temporary file with a good @type image of
 *   @payload_size payload bytes for the phone as it is now
 */
char *
ub_vphone_img4_write_good (UbVphoneClient *phone,
                           const char     *type,
                           gsize           payload_size)
{
  UbVphoneImg4Spec spec;
  char *path;

  ub_vphone_img4_spec_for (&spec, phone, type);
  spec.payload_size = payload_size;
  path = ub_vphone_img4_write (&spec);
  g_bytes_unref (spec.nonce);
  return path;
}
