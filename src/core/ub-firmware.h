/* ub-firmware.h — one restore image (IPSW) of one model, as a catalog lists it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * UbSigned:
 * @UB_SIGNED_UNKNOWN: the catalog does not say (Apple's list alone)
 * @UB_SIGNED_YES: Apple signs it: it can be restored
 * @UB_SIGNED_NO: Apple no longer signs it: a restore would be refused
 */
typedef enum
{
  UB_SIGNED_UNKNOWN,
  UB_SIGNED_YES,
  UB_SIGNED_NO,
} UbSigned;

#define UB_TYPE_FIRMWARE (ub_firmware_get_type ())

G_DECLARE_FINAL_TYPE (UbFirmware, ub_firmware, UB, FIRMWARE, GObject)

UbFirmware *ub_firmware_new                (const char *product_type,
                                            const char *version,
                                            const char *build,
                                            const char *url);
const char *ub_firmware_get_product_type   (UbFirmware *self);
const char *ub_firmware_get_version        (UbFirmware *self);
const char *ub_firmware_get_build          (UbFirmware *self);
const char *ub_firmware_get_url            (UbFirmware *self);
guint64     ub_firmware_get_size           (UbFirmware *self);
const char *ub_firmware_get_sha1           (UbFirmware *self);
const char *ub_firmware_get_sha256         (UbFirmware *self);
UbSigned    ub_firmware_get_signed         (UbFirmware *self);
GDateTime  *ub_firmware_get_release_date   (UbFirmware *self);
gboolean    ub_firmware_get_sha1_from_apple (UbFirmware *self);
char       *ub_firmware_dup_file_name      (UbFirmware *self);
char       *ub_firmware_dup_download_dir   (void);
int         ub_firmware_compare_versions   (const char *a,
                                            const char *b);

/* For the catalog parsers, before a firmware is published */
void        _ub_firmware_set_size          (UbFirmware *self,
                                            guint64     size);
void        _ub_firmware_set_hashes        (UbFirmware *self,
                                            const char *sha1,
                                            const char *sha256);
void        _ub_firmware_set_signed        (UbFirmware *self,
                                            UbSigned    is_signed);
void        _ub_firmware_set_release_date  (UbFirmware *self,
                                            GDateTime  *date);
void        _ub_firmware_set_sha1_from_apple (UbFirmware *self,
                                              gboolean    from_apple);

gboolean    ub_hex_digest_is_valid         (const char *hex,
                                            gsize       digest_len);

G_END_DECLS
