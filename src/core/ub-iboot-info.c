/* ub-iboot-info.c — parse the iBoot/SecureROM USB serial and nonce strings
 *
 * The serial string looks like
 *   CPID:8010 CPRV:11 CPFM:03 SCEP:01 BDID:0C ECID:001A2B3C4D5E6F70 IBFL:3C SRTG:[iBoot-2696.0.0.1.33]
 * (newer SoCs put SDOM:01 first; recovery mode adds SRNM:[…] IMEI:[…]) and the
 * string at index 1 carries " NONC:<hex> SNON:<hex>". Both come from a device
 * we do not trust, so every field is bounded and validated: a malformed value
 * leaves its field unset instead of being half-read.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-iboot-info"

#include "config.h"

#include <string.h>

#include "ub-error.h"
#include "ub-iboot-info.h"

#define MAX_SERIAL_LEN 512
#define MAX_NONCE_BYTES 64

G_DEFINE_BOXED_TYPE (UbIbootInfo, ub_iboot_info, ub_iboot_info_copy, ub_iboot_info_free)

typedef struct
{
  const char   *key;
  UbIbootField  field;
  guint         max_digits;
  gsize         offset;
} HexField;

static const HexField hex_fields[] = {
  { "CPID", UB_IBOOT_FIELD_CPID, 4, G_STRUCT_OFFSET (UbIbootInfo, cpid) },
  { "CPRV", UB_IBOOT_FIELD_CPRV, 2, G_STRUCT_OFFSET (UbIbootInfo, cprv) },
  { "CPFM", UB_IBOOT_FIELD_CPFM, 2, G_STRUCT_OFFSET (UbIbootInfo, cpfm) },
  { "SCEP", UB_IBOOT_FIELD_SCEP, 2, G_STRUCT_OFFSET (UbIbootInfo, scep) },
  { "BDID", UB_IBOOT_FIELD_BDID, 2, G_STRUCT_OFFSET (UbIbootInfo, bdid) },
  { "IBFL", UB_IBOOT_FIELD_IBFL, 2, G_STRUCT_OFFSET (UbIbootInfo, ibfl) },
  { "SDOM", UB_IBOOT_FIELD_SDOM, 2, G_STRUCT_OFFSET (UbIbootInfo, sdom) },
};

static gboolean
parse_hex_value (const char *value,
                 guint       max_digits,
                 guint64    *out)
{
  gsize len = strlen (value);

  if (len == 0 || len > max_digits)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isxdigit (value[i]))
      return FALSE;
  return g_ascii_string_to_unsigned (value, 16, 0, G_MAXUINT64, out, NULL);
}

static char *
bracketed_or_plain (const char *value)
{
  gsize len = strlen (value);

  if (len >= 2 && value[0] == '[' && value[len - 1] == ']')
    return g_strndup (value + 1, len - 2);
  return g_strdup (value);
}

static void
take_string (char       **slot,
             const char  *value)
{
  g_free (*slot);
  *slot = bracketed_or_plain (value);
  if (!g_utf8_validate (*slot, -1, NULL))
    g_clear_pointer (slot, g_free);
}

static void
apply_field (UbIbootInfo *info,
             const char  *key,
             const char  *value)
{
  guint64 number;

  for (guint i = 0; i < G_N_ELEMENTS (hex_fields); i++)
    {
      if (!g_str_equal (key, hex_fields[i].key))
        continue;
      if (parse_hex_value (value, hex_fields[i].max_digits, &number))
        {
          G_STRUCT_MEMBER (guint, info, hex_fields[i].offset) = (guint)number;
          info->have |= hex_fields[i].field;
        }
      return;
    }

  if (g_str_equal (key, "ECID"))
    {
      if (parse_hex_value (value, 16, &number))
        {
          info->ecid = number;
          info->have |= UB_IBOOT_FIELD_ECID;
        }
    }
  else if (g_str_equal (key, "SRTG"))
    take_string (&info->srtg, value);
  else if (g_str_equal (key, "SRNM"))
    take_string (&info->srnm, value);
  else if (g_str_equal (key, "IMEI"))
    take_string (&info->imei, value);
  else if (g_str_equal (key, "PWND"))
    take_string (&info->pwnd, value);
}

/* Splits "KEY:VALUE KEY:[VALUE WITH SPACES] …" and calls @func for each pair. */
static void
foreach_pair (const char *str,
              void      (*func) (UbIbootInfo *, const char *, const char *),
              UbIbootInfo *info)
{
  const char *p = str;

  while (*p != '\0')
    {
      const char *key_start, *colon, *value_start, *end;
      g_autofree char *key = NULL;
      g_autofree char *value = NULL;

      while (*p == ' ')
        p++;
      if (*p == '\0')
        break;
      key_start = p;
      while (*p != '\0' && *p != ':' && *p != ' ')
        p++;
      if (*p != ':')
        continue;                     /* a word without a value: skip it */
      colon = p;
      value_start = colon + 1;
      if (*value_start == '[' && (end = strchr (value_start, ']')) != NULL)
        end++;
      else
        for (end = value_start; *end != '\0' && *end != ' '; end++)
          ;
      key = g_strndup (key_start, colon - key_start);
      value = g_strndup (value_start, end - value_start);
      func (info, key, value);
      p = end;
    }
}

/**
 * ub_iboot_info_parse:
 * @serial: the USB serial number string of a phone in DFU, WTF or recovery mode
 *
 * Returns: (transfer full): the fields, or %NULL with %UB_ERROR_INVALID_DATA
 *   when the string is not an iBoot serial (no CPID)
 */
UbIbootInfo *
ub_iboot_info_parse (const char  *serial,
                     GError     **error)
{
  g_autoptr(UbIbootInfo) info = NULL;

  g_return_val_if_fail (serial != NULL, NULL);

  if (strnlen (serial, MAX_SERIAL_LEN + 1) > MAX_SERIAL_LEN ||
      !g_utf8_validate (serial, -1, NULL))
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                           "The USB serial string is too long or not text");
      return NULL;
    }

  info = g_new0 (UbIbootInfo, 1);
  foreach_pair (serial, apply_field, info);

  if (!(info->have & UB_IBOOT_FIELD_CPID))
    {
      g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                   "The USB serial string has no chip ID: “%s”", serial);
      return NULL;
    }
  return g_steal_pointer (&info);
}

static GBytes *
hex_to_bytes (const char *hex)
{
  gsize len = strlen (hex);
  guint8 buf[MAX_NONCE_BYTES];

  if (len == 0 || len % 2 != 0 || len / 2 > MAX_NONCE_BYTES)
    return NULL;
  for (gsize i = 0; i < len / 2; i++)
    {
      int hi = g_ascii_xdigit_value (hex[2 * i]);
      int lo = g_ascii_xdigit_value (hex[2 * i + 1]);

      if (hi < 0 || lo < 0)
        return NULL;
      buf[i] = (guint8)(hi << 4 | lo);
    }
  return g_bytes_new (buf, len / 2);
}

static void
apply_nonce (UbIbootInfo *info,
             const char  *key,
             const char  *value)
{
  GBytes **slot = NULL;

  if (g_str_equal (key, "NONC"))
    slot = &info->ap_nonce;
  else if (g_str_equal (key, "SNON"))
    slot = &info->sep_nonce;
  if (slot == NULL)
    return;
  g_clear_pointer (slot, g_bytes_unref);
  *slot = hex_to_bytes (value);
}

/**
 * ub_iboot_info_parse_nonces:
 * @str: the string descriptor that carries " NONC:… SNON:…"
 *
 * Returns: %TRUE if an ApNonce was found
 */
gboolean
ub_iboot_info_parse_nonces (UbIbootInfo  *info,
                            const char   *str,
                            GError      **error)
{
  g_return_val_if_fail (info != NULL, FALSE);
  g_return_val_if_fail (str != NULL, FALSE);

  if (strnlen (str, MAX_SERIAL_LEN + 1) > MAX_SERIAL_LEN)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                           "The USB nonce string is too long");
      return FALSE;
    }
  foreach_pair (str, apply_nonce, info);
  if (info->ap_nonce == NULL)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                           "The USB nonce string has no ApNonce");
      return FALSE;
    }
  return TRUE;
}

UbIbootInfo *
ub_iboot_info_copy (const UbIbootInfo *info)
{
  UbIbootInfo *copy;

  g_return_val_if_fail (info != NULL, NULL);

  copy = g_memdup2 (info, sizeof *info);
  copy->srtg = g_strdup (info->srtg);
  copy->srnm = g_strdup (info->srnm);
  copy->imei = g_strdup (info->imei);
  copy->pwnd = g_strdup (info->pwnd);
  copy->ap_nonce = info->ap_nonce ? g_bytes_ref (info->ap_nonce) : NULL;
  copy->sep_nonce = info->sep_nonce ? g_bytes_ref (info->sep_nonce) : NULL;
  return copy;
}

void
ub_iboot_info_free (UbIbootInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->srtg);
  g_free (info->srnm);
  g_free (info->imei);
  g_free (info->pwnd);
  g_clear_pointer (&info->ap_nonce, g_bytes_unref);
  g_clear_pointer (&info->sep_nonce, g_bytes_unref);
  g_free (info);
}

/**
 * ub_iboot_info_format_ecid:
 *
 * Returns: (transfer full) (nullable): the ECID as "0x001A2B3C4D5E6F70", or
 *   %NULL when the string carried none
 */
char *
ub_iboot_info_format_ecid (const UbIbootInfo *info)
{
  g_return_val_if_fail (info != NULL, NULL);

  if (!(info->have & UB_IBOOT_FIELD_ECID))
    return NULL;
  return g_strdup_printf ("0x%016" G_GINT64_MODIFIER "X", info->ecid);
}
