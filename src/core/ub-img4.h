/* ub-img4.h — IMG4 personalization: a firmware image plus its signed ticket
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How much of an IM4P ub_img4_stitch_parts() wants to see first */
#define UB_IMG4_STREAM_HEAD 4096

/**
 * UbImg4Restore:
 * @nonce_slot: -1 for none; else the nonce slot written to the IM4R as
 *   "anid" (LLB) or "snid" (SEP, SepStage1), see ub_img4_nonce_slot_tag()
 * @boot_nonce: (nullable): written to the IM4R as "BNCN", the boot-nonce
 *   generator (1 to 64 bytes; tools that set one use 8). Not the ApNonce.
 * @ucon: (nullable): "ucon" of the TSS response's "<component>-TBM" entry
 * @ucer: (nullable): "ucer" of the same entry
 *
 * What goes into an image's IM4R (restore info). When every field is unset
 * the image has no IM4R, which is the case for every image of the boot chain
 * from DFU to restore mode.
 */
typedef struct
{
  gint    nonce_slot;
  GBytes *boot_nonce;
  GBytes *ucon;
  GBytes *ucer;
} UbImg4Restore;

#define UB_IMG4_RESTORE_INIT { -1, NULL, NULL, NULL }

/**
 * UbImg4Parts:
 *
 * An IMG4 taken apart; every element points into the IMG4 bytes.
 */
typedef struct
{
  char          type[5];      /* the IM4P's fourcc, NUL-terminated */
  const guint8 *im4p;         /* the whole IM4P element */
  gsize         im4p_len;
  const guint8 *payload;      /* the IM4P's OCTET STRING contents */
  gsize         payload_len;
  const guint8 *im4m;         /* the ticket (inside [0]) */
  gsize         im4m_len;
  const guint8 *im4r;         /* the restore info (inside [1]), or NULL */
  gsize         im4r_len;
} UbImg4Parts;

GBytes     *ub_img4_stitch            (GBytes              *im4p,
                                       GBytes              *im4m,
                                       const char          *component,
                                       GBytes              *ap_nonce_for_im4r,
                                       GError             **error);
GBytes     *ub_img4_stitch_take       (GByteArray          *im4p,
                                       GBytes              *im4m,
                                       const char          *component,
                                       GBytes              *ap_nonce,
                                       GError             **error);
gboolean    ub_img4_stitch_parts      (GBytes              *head,
                                       guint64              im4p_size,
                                       GBytes              *im4m,
                                       const char          *component,
                                       GBytes              *ap_nonce,
                                       GBytes             **prefix,
                                       GBytes             **suffix,
                                       GError             **error);
GBytes     *ub_img4_stitch_full       (GBytes              *im4p,
                                       GBytes              *im4m,
                                       const char          *component,
                                       const UbImg4Restore *restore,
                                       GError             **error);
const char *ub_img4_component_tag     (const char          *component);
const char *ub_img4_nonce_slot_tag    (const char          *component,
                                       guint               *default_slot);

GBytes     *ub_img4_im4p_new          (const char          *type,
                                       const char          *description,
                                       GBytes              *payload);
char       *ub_img4_im4p_dup_type     (GBytes              *im4p,
                                       GError             **error);
gboolean    ub_img4_split             (GBytes              *img4,
                                       UbImg4Parts         *parts,
                                       GError             **error);

gboolean    ub_img4_ticket_get_ecid   (GBytes              *im4m,
                                       guint64             *ecid,
                                       GError             **error);
GBytes     *ub_img4_ticket_dup_nonce  (GBytes              *im4m,
                                       GError             **error);
gboolean    ub_img4_ticket_get_uint64 (GBytes              *im4m,
                                       const char          *property,
                                       guint64             *value,
                                       GError             **error);
GBytes     *ub_img4_ticket_dup_digest (GBytes              *im4m,
                                       const char          *image_tag,
                                       GError             **error);
GStrv       ub_img4_ticket_list_images (GBytes             *im4m,
                                        GError            **error);

G_END_DECLS
