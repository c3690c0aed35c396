/* ub-iboot-info.h — what a phone in DFU or recovery mode says in its USB strings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * UbIbootField:
 *
 * Which fields a serial string carried (a string may lack any of them).
 */
typedef enum /*< flags >*/
{
  UB_IBOOT_FIELD_CPID = 1 << 0,
  UB_IBOOT_FIELD_CPRV = 1 << 1,
  UB_IBOOT_FIELD_CPFM = 1 << 2,
  UB_IBOOT_FIELD_SCEP = 1 << 3,
  UB_IBOOT_FIELD_BDID = 1 << 4,
  UB_IBOOT_FIELD_ECID = 1 << 5,
  UB_IBOOT_FIELD_IBFL = 1 << 6,
  UB_IBOOT_FIELD_SDOM = 1 << 7,
} UbIbootField;

typedef struct
{
  UbIbootField have;
  guint        cpid;
  guint        cprv;
  guint        cpfm;
  guint        scep;
  guint        bdid;
  guint        ibfl;
  guint        sdom;
  guint64      ecid;
  char        *srtg;       /* iBoot/SecureROM tag, e.g. "iBoot-2696.0.0.1.33" */
  char        *srnm;       /* serial number (recovery mode) */
  char        *imei;
  char        *pwnd;       /* present on a pwned DFU (checkm8) */
  GBytes      *ap_nonce;   /* NONC */
  GBytes      *sep_nonce;  /* SNON */
} UbIbootInfo;

#define UB_TYPE_IBOOT_INFO (ub_iboot_info_get_type ())

GType        ub_iboot_info_get_type     (void) G_GNUC_CONST;
UbIbootInfo *ub_iboot_info_parse        (const char        *serial,
                                         GError           **error);
gboolean     ub_iboot_info_parse_nonces (UbIbootInfo       *info,
                                         const char        *str,
                                         GError           **error);
UbIbootInfo *ub_iboot_info_copy         (const UbIbootInfo *info);
void         ub_iboot_info_free         (UbIbootInfo       *info);
char        *ub_iboot_info_format_ecid  (const UbIbootInfo *info);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UbIbootInfo, ub_iboot_info_free)

G_END_DECLS
