/* ub-img4.c — IMG4 personalization: a firmware image plus its signed ticket
 *
 * A firmware file (IPSW) holds each boot image as an IM4P: SEQUENCE {
 * "IM4P", type fourcc, description, OCTET STRING payload, … }. The phone
 * boots only an IMG4, which wraps that IM4P with the ticket the signing
 * server made for this phone and this nonce:
 *
 *   SEQUENCE { IA5String "IMG4", IM4P, [0] IM4M, [1] IM4R (optional) }
 *
 * Restore images share their payload with the normal boot images, so the
 * firmware file stores e.g. the restore kernel with the type "krnl"; the
 * ticket signs it as "rkrn", and the type must be rewritten before it is sent
 * (table below; facts from idevicerestore's img4.c, our own table). Other
 * images, RestoreRamDisk included (already "rdsk"), keep their type.
 *
 * The IM4R ("restore info") is written only by ub_img4_stitch_full(), when
 * asked for (UbImg4Restore): a nonce slot for LLB ("anid", default 0) and
 * SEP/SepStage1 ("snid", default 2) when the BuildIdentity says
 * RequiresNonceSlot, the "ucon"/"ucer" pair of a "<component>-TBM" TSS entry,
 * and "BNCN", a boot-nonce generator. It never holds the ApNonce: the nonce
 * is signed into the ticket (MANP BNCH). None of the images from DFU to
 * restore mode (iBSS, iBEC, RestoreLogo, RestoreRamDisk, RestoreDeviceTree,
 * RestoreSEP, RestoreKernelCache, RestoreTrustCache) gets one, as in
 * idevicerestore, so ub_img4_stitch() writes none and uses the nonce it is
 * given only to check that the ticket was signed for it. Properties are
 * written sorted by fourcc, as DER wants the members of a SET.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-img4"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ub-error.h"
#include "ub-img4-private.h"

#define MAX_BOOT_NONCE 64

typedef struct
{
  const char *component;   /* BuildManifest name */
  const char *tag;         /* the type the ticket signs it as */
} ComponentTag;

/* Components whose IM4P type is rewritten before stitching */
static const ComponentTag restore_tags[] = {
  { "RestoreKernelCache",                "rkrn" },
  { "RestoreDeviceTree",                 "rdtr" },
  { "RestoreSEP",                        "rsep" },
  { "RestoreLogo",                       "rlgo" },
  { "RestoreTrustCache",                 "rtsc" },
  { "RestoreDCP",                        "rdcp" },
  { "Ap,RestoreDCP2",                    "rdc2" },
  { "Ap,RestoreTMU",                     "rtmu" },
  { "Ap,RestoreCIO",                     "rcio" },
  { "Ap,DCP2",                           "dcp2" },
  { "Ap,RestoreSecureM3Firmware",        "rsm3" },
  { "Ap,RestoreSecurePageTableMonitor",  "rspt" },
  { "Ap,RestoreTrustedExecutionMonitor", "rtrx" },
  { "Ap,RestorecL4",                     "rxcl" },
};

/* Components that carry a nonce slot in their IM4R, and its default */
static const struct
{
  const char *component;
  const char *tag;
  guint       default_slot;
} nonce_slots[] = {
  { "LLB",       "anid", 0 },
  { "SEP",       "snid", 2 },
  { "SepStage1", "snid", 2 },
};

/**
 * ub_img4_component_tag:
 * @component: a BuildManifest component name, e.g. "RestoreKernelCache"
 *
 * Returns: (nullable): the fourcc its IM4P type is rewritten to before it is
 *   stitched, or %NULL if its type stays as it is
 */
const char *
ub_img4_component_tag (const char *component)
{
  g_return_val_if_fail (component != NULL, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (restore_tags); i++)
    if (g_str_equal (restore_tags[i].component, component))
      return restore_tags[i].tag;
  return NULL;
}

/**
 * ub_img4_nonce_slot_tag:
 * @component: a BuildManifest component name
 * @default_slot: (out) (optional): the slot to use when the BuildIdentity
 *   names none (ApNonceSlotID / SepNonceSlotID)
 *
 * Returns: (nullable): "anid" or "snid" for a component that gets a nonce
 *   slot when its BuildIdentity has RequiresNonceSlot, else %NULL
 */
const char *
ub_img4_nonce_slot_tag (const char *component,
                        guint      *default_slot)
{
  g_return_val_if_fail (component != NULL, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (nonce_slots); i++)
    if (g_str_equal (nonce_slots[i].component, component))
      {
        if (default_slot != NULL)
          *default_slot = nonce_slots[i].default_slot;
        return nonce_slots[i].tag;
      }
  return NULL;
}

static gboolean
fail_im4p (GError **error)
{
  g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                       _("The firmware image (IM4P) is damaged or not an image."));
  return FALSE;
}

/* SEQUENCE { "IM4P", IA5 type (4), IA5 description, OCTET STRING payload,
 * optional extras }: where its type and payload are */
static gboolean
parse_im4p (const UbDerElement  *im4p,
            UbDerElement        *type,
            UbDerElement        *payload,
            GError             **error)
{
  UbDerIter rest;
  UbDerElement description;
  g_autoptr(GError) local = NULL;

  if (!_ub_img4_read_seq_magic (im4p, "IM4P", &rest, NULL))
    return fail_im4p (error);
  if (!ub_der_iter_next (&rest, type, &local) ||
      !ub_der_iter_next (&rest, &description, &local) ||
      !ub_der_iter_next (&rest, payload, &local))
    return fail_im4p (error);
  if (!ub_der_is (type, UB_DER_CLASS_UNIVERSAL, UB_DER_TAG_IA5_STRING) || type->length != 4 ||
      !ub_der_is (&description, UB_DER_CLASS_UNIVERSAL, UB_DER_TAG_IA5_STRING) ||
      !ub_der_is (payload, UB_DER_CLASS_UNIVERSAL, UB_DER_TAG_OCTET_STRING))
    return fail_im4p (error);
  for (guint i = 0; i < 4; i++)
    if (!g_ascii_isprint (type->value[i]))
      return fail_im4p (error);
  return TRUE;
}

static void
add_property (UbDerWriter *w,
              const char  *fourcc,
              GBytes      *octets,
              gint64       integer)
{
  ub_der_writer_begin (w, UB_DER_CLASS_PRIVATE, ub_der_fourcc_from_string (fourcc));
  ub_der_writer_begin (w, UB_DER_CLASS_UNIVERSAL, UB_DER_TAG_SEQUENCE);
  ub_der_writer_add_ia5 (w, fourcc);
  if (octets != NULL)
    ub_der_writer_add_octets (w, octets);
  else
    ub_der_writer_add_uint64 (w, (guint64) integer);
  ub_der_writer_end (w);
  ub_der_writer_end (w);
}

static gboolean
check_restore (const char          *component,
               const UbImg4Restore *restore,
               GError             **error)
{
  if (restore->nonce_slot >= 0 && ub_img4_nonce_slot_tag (component, NULL) == NULL)
    {
      g_set_error (error, UB_ERROR, UB_ERROR_NOT_SUPPORTED,
                   _("The firmware component “%s” has no nonce slot."), component);
      return FALSE;
    }
  if (restore->boot_nonce != NULL &&
      (g_bytes_get_size (restore->boot_nonce) == 0 ||
       g_bytes_get_size (restore->boot_nonce) > MAX_BOOT_NONCE))
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                           _("The boot nonce for the firmware image has an impossible size."));
      return FALSE;
    }
  return TRUE;
}

/* [1] SEQUENCE { "IM4R", SET { properties } }, or NULL when there are none */
static GBytes *
build_im4r (const char          *component,
            const UbImg4Restore *restore,
            GError             **error)
{
  g_autoptr(UbDerWriter) w = NULL;
  const char *slot_tag = ub_img4_nonce_slot_tag (component, NULL);

  if (restore == NULL ||
      (restore->nonce_slot < 0 && !restore->boot_nonce && !restore->ucon && !restore->ucer))
    return NULL;
  if (!check_restore (component, restore, error))
    return NULL;

  w = ub_der_writer_new ();
  ub_der_writer_begin (w, UB_DER_CLASS_CONTEXT, 1);
  ub_der_writer_begin (w, UB_DER_CLASS_UNIVERSAL, UB_DER_TAG_SEQUENCE);
  ub_der_writer_add_ia5 (w, "IM4R");
  ub_der_writer_begin (w, UB_DER_CLASS_UNIVERSAL, UB_DER_TAG_SET);
  /* sorted: "BNCN" < "anid" < "snid" < "ucer" < "ucon" */
  if (restore->boot_nonce != NULL)
    add_property (w, "BNCN", restore->boot_nonce, 0);
  if (restore->nonce_slot >= 0)
    add_property (w, slot_tag, NULL, restore->nonce_slot);
  if (restore->ucer != NULL)
    add_property (w, "ucer", restore->ucer, 0);
  if (restore->ucon != NULL)
    add_property (w, "ucon", restore->ucon, 0);
  ub_der_writer_end (w);
  ub_der_writer_end (w);
  ub_der_writer_end (w);
  return ub_der_writer_finish (w);
}

/* Both inputs whole, valid DER, and what they claim to be */
static gboolean
check_inputs (GBytes        *im4p,
              GBytes        *im4m,
              UbDerElement  *im4p_el,
              UbDerElement  *type,
              GError       **error)
{
  UbDerElement ticket, manb, payload;
  g_autoptr(GError) local = NULL;

  if (!ub_der_read_single (im4p, im4p_el, &local) ||
      !parse_im4p (im4p_el, type, &payload, &local))
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                           _("The firmware image (IM4P) is damaged or not an image."));
      g_debug ("IM4P rejected: %s", local != NULL ? local->message : "");
      return FALSE;
    }
  if (!ub_der_read_single (im4m, &ticket, error) ||
      !_ub_img4_ticket_find_manb (&ticket, &manb, error))
    {
      g_prefix_error (error, _("The signed ticket cannot be used: "));
      return FALSE;
    }
  return TRUE;
}

/* SEQUENCE { "IMG4", IM4P (type rewritten), [0] IM4M, [1] IM4R } */
static GBytes *
assemble (const UbDerElement *im4p,
          const UbDerElement *type,
          const char         *rewrite,
          GBytes             *im4m,
          GBytes             *im4r,
          GError            **error)
{
  gsize im4m_len = g_bytes_get_size (im4m);
  gsize im4r_len = im4r != NULL ? g_bytes_get_size (im4r) : 0;
  gsize content = 6 + im4p->raw_length + ub_der_header_size (0, im4m_len) + im4m_len + im4r_len;
  GByteArray *out;

  if (content > G_MAXUINT32 - 16)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                           _("The firmware image is too large."));
      return NULL;
    }
  out = g_byte_array_sized_new (content + 16);
  ub_der_write_header (out, UB_DER_CLASS_UNIVERSAL, TRUE, UB_DER_TAG_SEQUENCE, content);
  ub_der_write_header (out, UB_DER_CLASS_UNIVERSAL, FALSE, UB_DER_TAG_IA5_STRING, 4);
  g_byte_array_append (out, (const guint8 *) "IMG4", 4);
  g_byte_array_append (out, im4p->raw, im4p->raw_length);
  if (rewrite != NULL)
    memcpy (out->data + out->len - im4p->raw_length + (type->value - im4p->raw), rewrite, 4);
  ub_der_write_header (out, UB_DER_CLASS_CONTEXT, TRUE, 0, im4m_len);
  g_byte_array_append (out, g_bytes_get_data (im4m, NULL), im4m_len);
  if (im4r != NULL)
    g_byte_array_append (out, g_bytes_get_data (im4r, NULL), im4r_len);
  return g_byte_array_free_to_bytes (out);
}

/**
 * ub_img4_stitch_full:
 * @im4p: the component's IM4P, as the firmware file holds it
 * @im4m: the ticket (the TSS response's ApImg4Ticket)
 * @component: its BuildManifest name, e.g. "RestoreKernelCache"
 * @restore: (nullable): what to put in an IM4R; %NULL for none
 * @error: %UB_ERROR_INVALID_DATA if @im4p or @im4m is malformed,
 *   %UB_ERROR_NOT_SUPPORTED for a nonce slot on a component that has none
 *
 * Returns: (transfer full): the IMG4 to send to the phone
 */
GBytes *
ub_img4_stitch_full (GBytes              *im4p,
                     GBytes              *im4m,
                     const char          *component,
                     const UbImg4Restore *restore,
                     GError             **error)
{
  UbDerElement im4p_el, type;
  g_autoptr(GBytes) im4r = NULL;
  g_autoptr(GError) local = NULL;
  const char *rewrite = NULL;
  GBytes *img4;

  g_return_val_if_fail (im4p != NULL && im4m != NULL && component != NULL, NULL);

  if (!check_inputs (im4p, im4m, &im4p_el, &type, error))
    return NULL;
  im4r = build_im4r (component, restore, &local);
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  rewrite = ub_img4_component_tag (component);
  img4 = assemble (&im4p_el, &type, rewrite, im4m, im4r, error);
  if (img4 != NULL)
    g_debug ("Stitched “%s”: IM4P type “%.4s”%s%s, %" G_GSIZE_FORMAT " bytes, %s IM4R",
             component, (const char *) type.value, rewrite ? " rewritten to " : " kept",
             rewrite ? rewrite : "", g_bytes_get_size (img4), im4r != NULL ? "with" : "no");
  return img4;
}

/* The ticket must be for @nonce, if it names one (a ticket without BNCH
 * does not depend on the nonce) */
gboolean
_ub_img4_check_ticket_nonce (GBytes  *im4m,
                             GBytes  *nonce,
                             GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(GBytes) signed_nonce = ub_img4_ticket_dup_nonce (im4m, &local);

  if (signed_nonce == NULL)
    {
      if (g_error_matches (local, UB_ERROR, UB_ERROR_NOT_FOUND))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (!g_bytes_equal (signed_nonce, nonce))
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_PROTOCOL,
                           _("The signed ticket is for another boot of the iPhone (its nonce differs)."));
      return FALSE;
    }
  return TRUE;
}

/**
 * ub_img4_stitch:
 * @im4p: the component's IM4P, as the firmware file holds it
 * @im4m: the ticket (the TSS response's ApImg4Ticket)
 * @component: its BuildManifest name
 * @ap_nonce_for_im4r: (nullable): the phone's current ApNonce; if set, the
 *   ticket must have been signed for it (MANP BNCH). The image gets no IM4R
 *   either way: the IM4R never carries the ApNonce, and the boot chain needs
 *   none (use ub_img4_stitch_full() for nonce slots and TBM data).
 * @error: %UB_ERROR_INVALID_DATA if @im4p or @im4m is malformed,
 *   %UB_ERROR_PROTOCOL if the ticket is for another nonce
 *
 * Returns: (transfer full): the IMG4 to send to the phone
 */
GBytes *
ub_img4_stitch (GBytes      *im4p,
                GBytes      *im4m,
                const char  *component,
                GBytes      *ap_nonce_for_im4r,
                GError     **error)
{
  g_return_val_if_fail (im4m != NULL, NULL);

  if (ap_nonce_for_im4r != NULL && !_ub_img4_check_ticket_nonce (im4m, ap_nonce_for_im4r, error))
    return NULL;
  return ub_img4_stitch_full (im4p, im4m, component, NULL, error);
}

/**
 * ub_img4_stitch_take:
 * @im4p: (transfer full): the component's IM4P, read into an array the
 *   function takes over
 * @im4m: the ticket
 * @component: its BuildManifest name
 * @ap_nonce: (nullable): the nonce the ticket must be for
 *
 * Like ub_img4_stitch(), but builds the IMG4 around @im4p where it lies
 * instead of copying it: a restore ramdisk of 200 MB then needs 200 MB, not
 * 400. No IM4R.
 *
 * Returns: (transfer full): the IMG4, or %NULL (and @im4p freed)
 */
GBytes *
ub_img4_stitch_take (GByteArray  *im4p,
                     GBytes      *im4m,
                     const char  *component,
                     GBytes      *ap_nonce,
                     GError     **error)
{
  g_autoptr(GBytes) view = NULL;
  g_autoptr(GByteArray) header = g_byte_array_new ();
  UbDerElement im4p_el, type;
  const char *rewrite = ub_img4_component_tag (component);
  gsize im4m_len = g_bytes_get_size (im4m), content, type_offset;

  g_return_val_if_fail (im4p != NULL && im4m != NULL && component != NULL, NULL);

  /* Checked as it lies; the view must be gone before the array moves */
  view = g_bytes_new_static (im4p->data, im4p->len);
  if ((ap_nonce != NULL && !_ub_img4_check_ticket_nonce (im4m, ap_nonce, error)) ||
      !check_inputs (view, im4m, &im4p_el, &type, error))
    {
      g_byte_array_unref (im4p);
      return NULL;
    }
  type_offset = type.value - im4p->data;
  g_clear_pointer (&view, g_bytes_unref);
  content = 6 + im4p->len + ub_der_header_size (0, im4m_len) + im4m_len;
  if (content > G_MAXUINT32 - 16)
    {
      g_byte_array_unref (im4p);
      g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA, _("The firmware image is too large."));
      return NULL;
    }
  ub_der_write_header (header, UB_DER_CLASS_UNIVERSAL, TRUE, UB_DER_TAG_SEQUENCE, content);
  ub_der_write_header (header, UB_DER_CLASS_UNIVERSAL, FALSE, UB_DER_TAG_IA5_STRING, 4);
  g_byte_array_append (header, (const guint8 *) "IMG4", 4);
  if (rewrite != NULL)
    memcpy (im4p->data + type_offset, rewrite, 4);
  g_byte_array_prepend (im4p, header->data, header->len);
  g_byte_array_set_size (header, 0);
  ub_der_write_header (header, UB_DER_CLASS_CONTEXT, TRUE, 0, im4m_len);
  g_byte_array_append (im4p, header->data, header->len);
  g_byte_array_append (im4p, g_bytes_get_data (im4m, NULL), im4m_len);
  g_debug ("Stitched “%s” in place: %u bytes", component, im4p->len);
  return g_byte_array_free_to_bytes (im4p);
}

/**
 * ub_img4_im4p_new:
 * @type: four characters, e.g. "krnl"
 * @description: a label such as "KernelCacheBuilder-…"
 * @payload: the image
 *
 * Returns: (transfer full): SEQUENCE { "IM4P", @type, @description, @payload }
 */
GBytes *
ub_img4_im4p_new (const char *type,
                  const char *description,
                  GBytes     *payload)
{
  g_autoptr(UbDerWriter) w = ub_der_writer_new ();

  g_return_val_if_fail (type != NULL && strlen (type) == 4, NULL);
  g_return_val_if_fail (description != NULL && payload != NULL, NULL);

  ub_der_writer_begin (w, UB_DER_CLASS_UNIVERSAL, UB_DER_TAG_SEQUENCE);
  ub_der_writer_add_ia5 (w, "IM4P");
  ub_der_writer_add_ia5 (w, type);
  ub_der_writer_add_ia5 (w, description);
  ub_der_writer_add_octets (w, payload);
  ub_der_writer_end (w);
  return ub_der_writer_finish (w);
}

/**
 * ub_img4_im4p_dup_type:
 * @im4p: an IM4P
 *
 * Returns: (transfer full): its type fourcc
 */
char *
ub_img4_im4p_dup_type (GBytes  *im4p,
                       GError **error)
{
  UbDerElement el, type, payload;

  g_return_val_if_fail (im4p != NULL, NULL);

  if (!ub_der_read_single (im4p, &el, NULL) || !parse_im4p (&el, &type, &payload, error))
    return error == NULL || *error == NULL ? (fail_im4p (error), NULL) : NULL;
  return g_strndup ((const char *) type.value, 4);
}

static gboolean
fail_img4 (GError **error)
{
  g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                       _("The personalized firmware image (IMG4) is damaged."));
  return FALSE;
}

/* [n] { SEQUENCE { magic, … } }: the SEQUENCE */
static gboolean
read_tagged_seq (const UbDerElement *tagged,
                 guint32             n,
                 const char         *magic,
                 const guint8      **seq,
                 gsize              *seq_len)
{
  UbDerIter iter, rest;
  UbDerElement child;

  if (!ub_der_is (tagged, UB_DER_CLASS_CONTEXT, n) || !ub_der_iter_init (&iter, tagged, NULL) ||
      !ub_der_iter_next (&iter, &child, NULL) || !ub_der_iter_at_end (&iter) ||
      !_ub_img4_read_seq_magic (&child, magic, &rest, NULL))
    return FALSE;
  *seq = child.raw;
  *seq_len = child.raw_length;
  return TRUE;
}

/**
 * ub_img4_split:
 * @img4: an IMG4 as ub_img4_stitch() makes it
 * @parts: (out caller-allocates): its parts, pointing into @img4
 * @error: %UB_ERROR_INVALID_DATA if @img4 is malformed
 *
 * Takes an IMG4 apart (for the virtual iPhone, which checks what it is sent).
 */
gboolean
ub_img4_split (GBytes       *img4,
               UbImg4Parts  *parts,
               GError      **error)
{
  UbDerElement root, im4p, type, payload, tagged;
  UbDerIter rest;

  g_return_val_if_fail (img4 != NULL && parts != NULL, FALSE);

  memset (parts, 0, sizeof *parts);
  if (!ub_der_read_single (img4, &root, NULL) || !_ub_img4_read_seq_magic (&root, "IMG4", &rest, NULL) ||
      !ub_der_iter_next (&rest, &im4p, NULL) || !parse_im4p (&im4p, &type, &payload, NULL) ||
      !ub_der_iter_next (&rest, &tagged, NULL) ||
      !read_tagged_seq (&tagged, 0, "IM4M", &parts->im4m, &parts->im4m_len))
    return fail_img4 (error);
  if (ub_der_iter_next (&rest, &tagged, NULL) &&
      !read_tagged_seq (&tagged, 1, "IM4R", &parts->im4r, &parts->im4r_len))
    return fail_img4 (error);
  if (!ub_der_iter_at_end (&rest))
    return fail_img4 (error);

  memcpy (parts->type, type.value, 4);
  parts->im4p = im4p.raw;
  parts->im4p_len = im4p.raw_length;
  parts->payload = payload.value;
  parts->payload_len = payload.length;
  return TRUE;
}
