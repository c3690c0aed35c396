/* ub-vphone-img4.c — what the phone's boot ROM and iBoot check in an image
 *
 * An image the host sends must be a personalized Image4 file:
 *
 *   SEQUENCE { IA5String "IMG4",
 *              SEQUENCE { IA5String "IM4P", IA5String type, IA5String
 *                         description, OCTET STRING payload, … },
 *              [0] { IM4M }, [1] { IM4R } OPTIONAL }
 *
 * and the IM4M ticket (as the real ApImg4Ticket blobs in
 * shared/research/fixtures/shsh show it):
 *
 *   SEQUENCE { IA5String "IM4M", INTEGER 0,
 *              SET { [PRIVATE 'MANB'] SEQUENCE { IA5String "MANB", SET {
 *                      [PRIVATE 'MANP'] SEQUENCE { "MANP", SET { properties } },
 *                      [PRIVATE fourcc] SEQUENCE { fourcc, SET { properties } }, … } } },
 *              OCTET STRING signature, SEQUENCE certificates }
 *
 * where a property is [PRIVATE name] SEQUENCE { IA5String name, value }.
 * The phone checks: the payload type is the one this boot step loads; MANP's
 * ECID is the phone's; MANP's BNCH is the ApNonce the phone shows right now;
 * the ticket has an entry for the payload type, and when that entry has a
 * DGST, it is the SHA-384 (48 bytes) or SHA-1 (20 bytes) of the IM4P as
 * received, or of the IM4P with the type the IPSW gave it before the host
 * renamed it for restore (rkrn ← krnl, rdtr ← dtre, rsep ← sepi,
 * rlgo ← logo, rtsc ← trst, rdcp ← dcpf), since a ticket signs the file from the IPSW. The signature
 * and the certificate chain are not checked: the virtual phone has no
 * Apple root key, and the tests make their own tickets.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-vphone-img4"

#include "config.h"

#include <string.h>
#include <gio/gio.h>

#include "ub-vphone-der.h"
#include "ub-vphone-img4.h"

typedef struct
{
  UbVphoneDerItem im4p;        /* the whole IM4P */
  UbVphoneDerItem type;        /* its type string */
  UbVphoneDerItem im4m;        /* the ticket's SEQUENCE */
  gboolean        have_ecid;
  guint64         ecid;
  UbVphoneDerItem nonce;       /* BNCH */
  gboolean        have_nonce;
  gboolean        have_entry;  /* the ticket names the payload type */
  UbVphoneDerItem digest;      /* its DGST */
  gboolean        have_digest;
} Parsed;

static const struct
{
  const char *restore;
  const char *ipsw;
} renamed[] = {
  { "rkrn", "krnl" },
  { "rdtr", "dtre" },
  { "rsep", "sepi" },
  { "rlgo", "logo" },
  { "rtsc", "trst" },
  { "rdcp", "dcpf" },
};

static gboolean
reject (GError    **error,
        const char *format,
        ...) G_GNUC_PRINTF (2, 3);

static gboolean
reject (GError    **error,
        const char *format,
        ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, message);
  return FALSE;
}

static gboolean
read_ia5 (UbVphoneDerReader  *reader,
          UbVphoneDerItem    *item,
          const char         *what,
          GError            **error)
{
  return ub_vphone_der_read_expect (reader, UB_VPHONE_DER_UNIVERSAL, UB_VPHONE_DER_IA5_STRING,
                                    item, what, error);
}

static gboolean
parse_im4p (Parsed             *parsed,
            GError            **error)
{
  UbVphoneDerReader reader;
  UbVphoneDerItem magic, description, payload;

  if (!ub_vphone_der_is (&parsed->im4p, UB_VPHONE_DER_UNIVERSAL, UB_VPHONE_DER_SEQUENCE))
    return reject (error, "no IM4P");
  ub_vphone_der_reader_enter (&reader, &parsed->im4p);
  if (!read_ia5 (&reader, &magic, "IM4P name", error))
    return FALSE;
  if (!ub_vphone_der_string_equal (&magic, "IM4P"))
    return reject (error, "no IM4P");
  if (!read_ia5 (&reader, &parsed->type, "IM4P type", error) ||
      !read_ia5 (&reader, &description, "IM4P description", error) ||
      !ub_vphone_der_read_expect (&reader, UB_VPHONE_DER_UNIVERSAL, UB_VPHONE_DER_OCTET_STRING,
                                  &payload, "IM4P payload", error))
    return FALSE;
  if (parsed->type.length != 4)
    return reject (error, "IM4P type is not four characters");
  return TRUE;
}

/* Outer structure: IMG4, IM4P, [0] IM4M, optional [1] IM4R. */
static gboolean
parse_img4 (GBytes  *image,
            Parsed  *parsed,
            GError **error)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (image, &len);
  UbVphoneDerReader reader, inner;
  UbVphoneDerItem img4, magic, tagged, im4r;

  ub_vphone_der_reader_init (&reader, data, len);
  if (!ub_vphone_der_read_expect (&reader, UB_VPHONE_DER_UNIVERSAL, UB_VPHONE_DER_SEQUENCE,
                                  &img4, "IMG4 sequence", error))
    return FALSE;
  if (!ub_vphone_der_reader_at_end (&reader))
    return reject (error, "%" G_GSIZE_FORMAT " bytes after the IMG4", reader.left);
  ub_vphone_der_reader_enter (&inner, &img4);
  if (!read_ia5 (&inner, &magic, "IMG4 name", error))
    return FALSE;
  if (!ub_vphone_der_string_equal (&magic, "IMG4"))
    return reject (error, "not an IMG4 file");
  if (!ub_vphone_der_read (&inner, &parsed->im4p, error) || !parse_im4p (parsed, error))
    return FALSE;
  if (ub_vphone_der_reader_at_end (&inner))
    return reject (error, "no ticket (IM4M)");
  if (!ub_vphone_der_read_expect (&inner, UB_VPHONE_DER_CONTEXT, 0, &tagged, "[0] IM4M", error))
    return FALSE;
  ub_vphone_der_reader_enter (&reader, &tagged);
  if (!ub_vphone_der_read_expect (&reader, UB_VPHONE_DER_UNIVERSAL, UB_VPHONE_DER_SEQUENCE,
                                  &parsed->im4m, "IM4M sequence", error))
    return FALSE;
  if (!ub_vphone_der_reader_at_end (&inner) &&
      !ub_vphone_der_read_expect (&inner, UB_VPHONE_DER_CONTEXT, 1, &im4r, "[1] IM4R", error))
    return FALSE;
  if (!ub_vphone_der_reader_at_end (&inner))
    return reject (error, "unexpected item after the IM4R");
  return TRUE;
}

/* [PRIVATE name] SEQUENCE { IA5String name, value } */
static gboolean
read_property (UbVphoneDerReader  *reader,
               UbVphoneDerItem    *name,
               UbVphoneDerItem    *value,
               GError            **error)
{
  UbVphoneDerItem tagged, seq;
  UbVphoneDerReader inner;

  if (!ub_vphone_der_read (reader, &tagged, error))
    return FALSE;
  if (tagged.cls != UB_VPHONE_DER_PRIVATE || !tagged.constructed)
    return reject (error, "ticket entry is not a private tag");
  ub_vphone_der_reader_enter (&inner, &tagged);
  if (!ub_vphone_der_read_expect (&inner, UB_VPHONE_DER_UNIVERSAL, UB_VPHONE_DER_SEQUENCE,
                                  &seq, "ticket entry", error))
    return FALSE;
  ub_vphone_der_reader_enter (&inner, &seq);
  if (!read_ia5 (&inner, name, "ticket entry name", error) ||
      !ub_vphone_der_read (&inner, value, error))
    return FALSE;
  if (name->length != 4 ||
      tagged.number != ((guint32) name->value[0] << 24 | (guint32) name->value[1] << 16 |
                        (guint32) name->value[2] << 8 | name->value[3]))
    return reject (error, "ticket entry name does not match its tag");
  return TRUE;
}

static gboolean
parse_manp (Parsed          *parsed,
            UbVphoneDerItem *set,
            GError         **error)
{
  UbVphoneDerReader reader;
  UbVphoneDerItem name, value;

  ub_vphone_der_reader_enter (&reader, set);
  while (!ub_vphone_der_reader_at_end (&reader))
    {
      if (!read_property (&reader, &name, &value, error))
        return FALSE;
      if (ub_vphone_der_string_equal (&name, "ECID"))
        {
          if (!ub_vphone_der_get_uint64 (&value, &parsed->ecid))
            return reject (error, "ticket ECID is not an integer");
          parsed->have_ecid = TRUE;
        }
      else if (ub_vphone_der_string_equal (&name, "BNCH"))
        {
          if (!ub_vphone_der_is (&value, UB_VPHONE_DER_UNIVERSAL, UB_VPHONE_DER_OCTET_STRING))
            return reject (error, "ticket BNCH is not an octet string");
          parsed->nonce = value;
          parsed->have_nonce = TRUE;
        }
    }
  return TRUE;
}

/* The entry for the payload type: remember its DGST. */
static gboolean
parse_entry (Parsed          *parsed,
             UbVphoneDerItem *set,
             GError         **error)
{
  UbVphoneDerReader reader;
  UbVphoneDerItem name, value;

  parsed->have_entry = TRUE;
  ub_vphone_der_reader_enter (&reader, set);
  while (!ub_vphone_der_reader_at_end (&reader))
    {
      if (!read_property (&reader, &name, &value, error))
        return FALSE;
      if (!ub_vphone_der_string_equal (&name, "DGST"))
        continue;
      if (!ub_vphone_der_is (&value, UB_VPHONE_DER_UNIVERSAL, UB_VPHONE_DER_OCTET_STRING))
        return reject (error, "ticket DGST is not an octet string");
      parsed->digest = value;
      parsed->have_digest = TRUE;
    }
  return TRUE;
}

static gboolean
parse_manb (Parsed          *parsed,
            UbVphoneDerItem *set,
            GError         **error)
{
  UbVphoneDerReader reader;
  UbVphoneDerItem name, value;

  ub_vphone_der_reader_enter (&reader, set);
  while (!ub_vphone_der_reader_at_end (&reader))
    {
      if (!read_property (&reader, &name, &value, error))
        return FALSE;
      if (!ub_vphone_der_is (&value, UB_VPHONE_DER_UNIVERSAL, UB_VPHONE_DER_SET))
        return reject (error, "ticket entry without a set");
      if (ub_vphone_der_string_equal (&name, "MANP") && !parse_manp (parsed, &value, error))
        return FALSE;
      if (name.length == parsed->type.length &&
          memcmp (name.value, parsed->type.value, name.length) == 0 &&
          !parse_entry (parsed, &value, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
parse_im4m (Parsed  *parsed,
            GError **error)
{
  UbVphoneDerReader reader, inner;
  UbVphoneDerItem magic, version, set, name, manb;

  ub_vphone_der_reader_enter (&reader, &parsed->im4m);
  if (!read_ia5 (&reader, &magic, "IM4M name", error))
    return FALSE;
  if (!ub_vphone_der_string_equal (&magic, "IM4M"))
    return reject (error, "ticket is not an IM4M");
  if (!ub_vphone_der_read_expect (&reader, UB_VPHONE_DER_UNIVERSAL, UB_VPHONE_DER_INTEGER,
                                  &version, "IM4M version", error) ||
      !ub_vphone_der_read_expect (&reader, UB_VPHONE_DER_UNIVERSAL, UB_VPHONE_DER_SET,
                                  &set, "IM4M body", error))
    return FALSE;
  ub_vphone_der_reader_enter (&inner, &set);
  if (!read_property (&inner, &name, &manb, error))
    return FALSE;
  if (!ub_vphone_der_string_equal (&name, "MANB") ||
      !ub_vphone_der_is (&manb, UB_VPHONE_DER_UNIVERSAL, UB_VPHONE_DER_SET))
    return reject (error, "ticket has no MANB");
  return parse_manb (parsed, &manb, error);
}

static char *
hex (const guint8 *data,
     gsize         len)
{
  GString *str = g_string_sized_new (len * 2);

  for (gsize i = 0; i < len; i++)
    g_string_append_printf (str, "%02x", data[i]);
  return g_string_free (str, FALSE);
}

static gboolean
digest_matches (const UbVphoneDerItem *digest,
                const guint8          *im4p,
                gsize                  len)
{
  GChecksumType type = digest->length == 48 ? G_CHECKSUM_SHA384 : G_CHECKSUM_SHA1;
  g_autoptr(GChecksum) checksum = g_checksum_new (type);
  guint8 sum[48];
  gsize sum_len = sizeof (sum);

  g_checksum_update (checksum, im4p, len);
  g_checksum_get_digest (checksum, sum, &sum_len);
  return sum_len == digest->length && memcmp (sum, digest->value, sum_len) == 0;
}

/* The digest of the IM4P as received, or as the IPSW had it. */
static gboolean
check_digest (const Parsed  *parsed,
              GError       **error)
{
  const UbVphoneDerItem *digest = &parsed->digest;
  g_autofree guint8 *copy = NULL;
  gsize offset = parsed->type.value - parsed->im4p.start;

  if (digest->length != 48 && digest->length != 20)
    return reject (error, "ticket digest of %" G_GSIZE_FORMAT " bytes", digest->length);
  if (digest_matches (digest, parsed->im4p.start, parsed->im4p.total))
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (renamed); i++)
    {
      if (memcmp (parsed->type.value, renamed[i].restore, 4) != 0)
        continue;
      copy = g_memdup2 (parsed->im4p.start, parsed->im4p.total);
      memcpy (copy + offset, renamed[i].ipsw, 4);
      if (digest_matches (digest, copy, parsed->im4p.total))
        return TRUE;
    }
  return reject (error, "digest of '%.4s' does not match the ticket", parsed->type.value);
}

static gboolean
check_ticket (const Parsed  *parsed,
              guint64        ecid,
              GBytes        *ap_nonce,
              GError       **error)
{
  gsize nonce_len;
  const guint8 *nonce = g_bytes_get_data (ap_nonce, &nonce_len);

  if (!parsed->have_ecid)
    return reject (error, "ticket has no ECID");
  if (parsed->ecid != ecid)
    return reject (error, "ticket ECID 0x%016" G_GINT64_MODIFIER "x ≠ 0x%016" G_GINT64_MODIFIER "x",
                   parsed->ecid, ecid);
  if (!parsed->have_nonce)
    return reject (error, "ticket has no nonce (BNCH)");
  if (parsed->nonce.length != nonce_len || memcmp (parsed->nonce.value, nonce, nonce_len) != 0)
    {
      g_autofree char *theirs = hex (parsed->nonce.value, parsed->nonce.length);
      g_autofree char *ours = hex (nonce, nonce_len);

      return reject (error, "ticket nonce %s ≠ %s", theirs, ours);
    }
  if (!parsed->have_entry)
    return reject (error, "ticket has no entry for '%.4s'", parsed->type.value);
  return !parsed->have_digest || check_digest (parsed, error);
}

/**
 * ub_vphone_img4_check:
 * @image: what the host sent
 * @fourcc: the payload type this boot step loads, e.g. "ibss"
 * @ecid: the phone's ECID
 * @ap_nonce: the ApNonce the phone shows now
 * @error: why the phone refuses it, e.g. "ticket ECID 0x… ≠ 0x…"
 *
 * Returns: whether the phone accepts @image
 */
gboolean
ub_vphone_img4_check (GBytes      *image,
                      const char  *fourcc,
                      guint64      ecid,
                      GBytes      *ap_nonce,
                      GError     **error)
{
  Parsed parsed = { 0, };

  g_return_val_if_fail (image != NULL && fourcc != NULL && ap_nonce != NULL, FALSE);

  if (!parse_img4 (image, &parsed, error))
    return FALSE;
  if (memcmp (parsed.type.value, fourcc, 4) != 0)
    return reject (error, "payload '%.4s', expected '%s'", parsed.type.value, fourcc);
  if (!parse_im4m (&parsed, error) || !check_ticket (&parsed, ecid, ap_nonce, error))
    return FALSE;
  g_debug ("Image '%s' accepted", fourcc);
  return TRUE;
}
