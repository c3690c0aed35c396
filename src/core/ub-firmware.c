/* ub-firmware.c — one restore image (IPSW) of one model, as a catalog lists it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-firmware"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ub-firmware.h"

struct _UbFirmware
{
  GObject    parent_instance;

  char      *product_type;
  char      *version;
  char      *build;
  char      *url;
  char      *sha1;
  char      *sha256;
  guint64    size;
  UbSigned   is_signed;
  GDateTime *release_date;
  gboolean   sha1_from_apple;
};

G_DEFINE_FINAL_TYPE (UbFirmware, ub_firmware, G_TYPE_OBJECT)

static void
ub_firmware_finalize (GObject *object)
{
  UbFirmware *self = (UbFirmware *)object;

  g_free (self->product_type);
  g_free (self->version);
  g_free (self->build);
  g_free (self->url);
  g_free (self->sha1);
  g_free (self->sha256);
  g_clear_pointer (&self->release_date, g_date_time_unref);

  G_OBJECT_CLASS (ub_firmware_parent_class)->finalize (object);
}

static void
ub_firmware_class_init (UbFirmwareClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ub_firmware_finalize;
}

static void
ub_firmware_init (UbFirmware *self)
{
}

UbFirmware *
ub_firmware_new (const char *product_type,
                 const char *version,
                 const char *build,
                 const char *url)
{
  UbFirmware *self;

  g_return_val_if_fail (product_type && version && build && url, NULL);

  self = g_object_new (UB_TYPE_FIRMWARE, NULL);
  self->product_type = g_strdup (product_type);
  self->version = g_strdup (version);
  self->build = g_strdup (build);
  self->url = g_strdup (url);
  return self;
}

/**
 * ub_hex_digest_is_valid:
 * @digest_len: bytes of the digest (20 for SHA-1, 32 for SHA-256)
 *
 * Returns: whether @hex is exactly that many bytes of hexadecimal
 */
gboolean
ub_hex_digest_is_valid (const char *hex,
                        gsize       digest_len)
{
  if (hex == NULL || strlen (hex) != digest_len * 2)
    return FALSE;
  for (const char *p = hex; *p; p++)
    if (!g_ascii_isxdigit (*p))
      return FALSE;
  return TRUE;
}

void
_ub_firmware_set_size (UbFirmware *self,
                       guint64     size)
{
  self->size = size;
}

/* Hashes are kept in lower case; an invalid one is dropped, not kept half-right */
void
_ub_firmware_set_hashes (UbFirmware *self,
                         const char *sha1,
                         const char *sha256)
{
  g_clear_pointer (&self->sha1, g_free);
  g_clear_pointer (&self->sha256, g_free);
  if (ub_hex_digest_is_valid (sha1, 20))
    self->sha1 = g_ascii_strdown (sha1, -1);
  if (ub_hex_digest_is_valid (sha256, 32))
    self->sha256 = g_ascii_strdown (sha256, -1);
}

void
_ub_firmware_set_signed (UbFirmware *self,
                         UbSigned    is_signed)
{
  self->is_signed = is_signed;
}

void
_ub_firmware_set_release_date (UbFirmware *self,
                               GDateTime  *date)
{
  g_clear_pointer (&self->release_date, g_date_time_unref);
  self->release_date = date ? g_date_time_ref (date) : NULL;
}

void
_ub_firmware_set_sha1_from_apple (UbFirmware *self,
                                  gboolean    from_apple)
{
  self->sha1_from_apple = from_apple;
}

const char *
ub_firmware_get_product_type (UbFirmware *self)
{
  g_return_val_if_fail (UB_IS_FIRMWARE (self), NULL);
  return self->product_type;
}

const char *
ub_firmware_get_version (UbFirmware *self)
{
  g_return_val_if_fail (UB_IS_FIRMWARE (self), NULL);
  return self->version;
}

const char *
ub_firmware_get_build (UbFirmware *self)
{
  g_return_val_if_fail (UB_IS_FIRMWARE (self), NULL);
  return self->build;
}

const char *
ub_firmware_get_url (UbFirmware *self)
{
  g_return_val_if_fail (UB_IS_FIRMWARE (self), NULL);
  return self->url;
}

/**
 * ub_firmware_get_size:
 *
 * Returns: bytes, or 0 when the catalog does not say
 */
guint64
ub_firmware_get_size (UbFirmware *self)
{
  g_return_val_if_fail (UB_IS_FIRMWARE (self), 0);
  return self->size;
}

/**
 * ub_firmware_get_sha1:
 *
 * Returns: (nullable): lower-case hex
 */
const char *
ub_firmware_get_sha1 (UbFirmware *self)
{
  g_return_val_if_fail (UB_IS_FIRMWARE (self), NULL);
  return self->sha1;
}

/**
 * ub_firmware_get_sha256:
 *
 * Returns: (nullable): lower-case hex
 */
const char *
ub_firmware_get_sha256 (UbFirmware *self)
{
  g_return_val_if_fail (UB_IS_FIRMWARE (self), NULL);
  return self->sha256;
}

UbSigned
ub_firmware_get_signed (UbFirmware *self)
{
  g_return_val_if_fail (UB_IS_FIRMWARE (self), UB_SIGNED_UNKNOWN);
  return self->is_signed;
}

/**
 * ub_firmware_get_release_date:
 *
 * Returns: (transfer none) (nullable): when Apple released it
 */
GDateTime *
ub_firmware_get_release_date (UbFirmware *self)
{
  g_return_val_if_fail (UB_IS_FIRMWARE (self), NULL);
  return self->release_date;
}

/**
 * ub_firmware_get_sha1_from_apple:
 *
 * Returns: whether the SHA-1 was confirmed by Apple's own list
 */
gboolean
ub_firmware_get_sha1_from_apple (UbFirmware *self)
{
  g_return_val_if_fail (UB_IS_FIRMWARE (self), FALSE);
  return self->sha1_from_apple;
}

/**
 * ub_firmware_dup_file_name:
 *
 * Returns: (transfer full): a safe local file name: the URL's last part when
 *   it is a plain "*.ipsw" name, else one made from the model and build
 */
char *
ub_firmware_dup_file_name (UbFirmware *self)
{
  const char *slash;
  const char *base;
  g_autofree char *fallback = NULL;

  g_return_val_if_fail (UB_IS_FIRMWARE (self), NULL);

  fallback = g_strdup_printf ("%s_%s_%s_Restore.ipsw", self->product_type, self->version, self->build);
  g_strdelimit (fallback, "/\\ ", '_');
  slash = strrchr (self->url, '/');
  base = slash ? slash + 1 : self->url;
  if (!g_str_has_suffix (base, ".ipsw") || strlen (base) > 200 || base[0] == '.')
    return g_steal_pointer (&fallback);
  for (const char *p = base; *p; p++)
    if (!(g_ascii_isalnum (*p) || strchr ("._,-", *p)))
      return g_steal_pointer (&fallback);
  return g_strdup (base);
}

/**
 * ub_firmware_compare_versions:
 *
 * Compares "16.7.10" and "16.7.9" number by number.
 *
 * Returns: <0, 0 or >0 as for strcmp()
 */
int
ub_firmware_compare_versions (const char *a,
                              const char *b)
{
  while (*a || *b)
    {
      guint64 na = g_ascii_strtoull (a, (char **)&a, 10);
      guint64 nb = g_ascii_strtoull (b, (char **)&b, 10);

      if (na != nb)
        return na < nb ? -1 : 1;
      if (*a == '.')
        a++;
      if (*b == '.')
        b++;
      if (!g_ascii_isdigit (*a) && *a != '\0')
        a++;
      if (!g_ascii_isdigit (*b) && *b != '\0')
        b++;
    }
  return 0;
}

/**
 * ub_firmware_dup_download_dir:
 *
 * One shared place for restore images, whichever front end downloads them:
 * the user's cache directory, since an image can always be downloaded again.
 *
 * Returns: (transfer full): `$XDG_CACHE_HOME/unbrick/firmware`
 */
char *
ub_firmware_dup_download_dir (void)
{
  return g_build_filename (g_get_user_cache_dir (), "unbrick", "firmware", NULL);
}
