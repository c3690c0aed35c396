/* ub-img4-ticket.c — reading an IM4M ticket (the signing server's ApImg4Ticket)
 *
 * A ticket is SEQUENCE { "IM4M", INTEGER version, SET { MANB }, OCTET STRING
 * signature, SEQUENCE certificates }. MANB is a private-class element tagged
 * with the fourcc "MANB" holding SEQUENCE { "MANB", SET { entries } }; each
 * entry has the same shape, [PRIVATE fourcc] SEQUENCE { IA5String fourcc,
 * value }. The entry "MANP" holds the phone's properties (ECID, CHIP, BORD,
 * SDOM, BNCH = the ApNonce the ticket was signed for, …); every other entry
 * is an image (its IM4P fourcc, e.g. "ibss", "rkrn") whose SET holds "DGST",
 * the digest the phone compares the image against, and flags. This reads the
 * tree only: the signature is the phone's business, not ours.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-img4"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ub-error.h"
#include "ub-img4-private.h"

static gboolean
fail_structure (GError **error)
{
  g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                       _("The signed ticket (IM4M) is not laid out as a ticket must be."));
  return FALSE;
}

/* @seq is a SEQUENCE whose first child is the IA5String @magic; @rest is left
 * at the second child */
gboolean
_ub_img4_read_seq_magic (const UbDerElement  *seq,
                         const char          *magic,
                         UbDerIter           *rest,
                         GError             **error)
{
  UbDerElement first;

  if (!ub_der_is (seq, UB_DER_CLASS_UNIVERSAL, UB_DER_TAG_SEQUENCE) ||
      !ub_der_iter_init (rest, seq, error))
    return error == NULL || *error == NULL ? fail_structure (error) : FALSE;
  if (!ub_der_iter_next (rest, &first, error))
    return error == NULL || *error == NULL ? fail_structure (error) : FALSE;
  if (!ub_der_ia5_equal (&first, magic))
    return fail_structure (error);
  return TRUE;
}

/* The only child of a constructed element (explicit tagging) */
static gboolean
read_only_child (const UbDerElement  *parent,
                 UbDerElement        *child,
                 GError             **error)
{
  UbDerIter iter;

  if (!ub_der_iter_init (&iter, parent, error))
    return FALSE;
  if (!ub_der_iter_next (&iter, child, error) || !ub_der_iter_at_end (&iter))
    return error == NULL || *error == NULL ? fail_structure (error) : FALSE;
  return TRUE;
}

/* @entry is [PRIVATE fourcc] SEQUENCE { IA5String fourcc, value }: the value */
static gboolean
read_entry (const UbDerElement  *entry,
            UbDerElement        *value,
            GError             **error)
{
  guint32 tag = entry->tag;
  char name[5] = { tag >> 24, tag >> 16, tag >> 8, tag, 0 };
  UbDerElement seq;
  UbDerIter rest;

  for (guint i = 0; i < 4; i++)
    if (!g_ascii_isprint (name[i]))
      return fail_structure (error);
  if (!read_only_child (entry, &seq, error) ||
      !_ub_img4_read_seq_magic (&seq, name, &rest, error))
    return FALSE;
  if (!ub_der_iter_next (&rest, value, error) || !ub_der_iter_at_end (&rest))
    return error == NULL || *error == NULL ? fail_structure (error) : FALSE;
  return TRUE;
}

/* In @set, the entry tagged [PRIVATE @tag]: its value. Returns FALSE with
 * @error unset if there is no such entry. */
static gboolean
find_entry (const UbDerElement  *set,
            guint32              tag,
            UbDerElement        *value,
            GError             **error)
{
  UbDerIter iter;
  UbDerElement entry;

  if (!ub_der_is (set, UB_DER_CLASS_UNIVERSAL, UB_DER_TAG_SET) ||
      !ub_der_iter_init (&iter, set, error))
    return error == NULL || *error == NULL ? fail_structure (error) : FALSE;
  while (ub_der_iter_next (&iter, &entry, error))
    if (ub_der_is (&entry, UB_DER_CLASS_PRIVATE, tag))
      return read_entry (&entry, value, error);
  return FALSE;
}

static gboolean
require_entry (const UbDerElement  *set,
               const char          *fourcc,
               UbDerElement        *value,
               GError             **error)
{
  g_autoptr(GError) local = NULL;

  if (find_entry (set, ub_der_fourcc_from_string (fourcc), value, &local))
    return TRUE;
  if (local != NULL)
    g_propagate_error (error, g_steal_pointer (&local));
  else
    g_set_error (error, UB_ERROR, UB_ERROR_NOT_FOUND,
                 /* TRANSLATORS: %s is a four-letter code such as “ECID” */
                 _("The signed ticket has no “%s” entry."), fourcc);
  return FALSE;
}

/* IM4M → SET → [MANB] → SEQUENCE { "MANB", SET }: that SET */
gboolean
_ub_img4_ticket_find_manb (const UbDerElement  *im4m,
                           UbDerElement        *manb_set,
                           GError             **error)
{
  UbDerIter rest;
  UbDerElement version, set;
  guint64 v;

  if (!_ub_img4_read_seq_magic (im4m, "IM4M", &rest, error))
    return FALSE;
  if (!ub_der_iter_next (&rest, &version, error) || !ub_der_get_uint64 (&version, &v, NULL) ||
      !ub_der_iter_next (&rest, &set, error))
    return error == NULL || *error == NULL ? fail_structure (error) : FALSE;
  /* a ticket without MANB is no ticket: malformed, not "not found" */
  if (!find_entry (&set, UB_DER_FOURCC ('M', 'A', 'N', 'B'), manb_set, error))
    return error == NULL || *error == NULL ? fail_structure (error) : FALSE;
  return ub_der_is (manb_set, UB_DER_CLASS_UNIVERSAL, UB_DER_TAG_SET) || fail_structure (error);
}

static gboolean
read_manb (GBytes        *im4m,
           UbDerElement  *manb_set,
           GError       **error)
{
  UbDerElement root;

  g_return_val_if_fail (im4m != NULL, FALSE);

  return ub_der_read_single (im4m, &root, error) &&
         _ub_img4_ticket_find_manb (&root, manb_set, error);
}

static gboolean
read_manp_property (GBytes        *im4m,
                    const char    *property,
                    UbDerElement  *value,
                    GError       **error)
{
  UbDerElement manb, manp;

  return read_manb (im4m, &manb, error) &&
         require_entry (&manb, "MANP", &manp, error) &&
         require_entry (&manp, property, value, error);
}

/**
 * ub_img4_ticket_get_uint64:
 * @im4m: a ticket
 * @property: a MANP fourcc holding an INTEGER: "ECID", "CHIP", "BORD", "SDOM", …
 * @value: (out): its value
 * @error: %UB_ERROR_INVALID_DATA for a malformed ticket, %UB_ERROR_NOT_FOUND
 *   if the ticket lacks @property
 */
gboolean
ub_img4_ticket_get_uint64 (GBytes      *im4m,
                           const char  *property,
                           guint64     *value,
                           GError     **error)
{
  UbDerElement el;

  g_return_val_if_fail (property != NULL && ub_der_fourcc_from_string (property) != 0, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  return read_manp_property (im4m, property, &el, error) &&
         ub_der_get_uint64 (&el, value, error);
}

/**
 * ub_img4_ticket_get_ecid:
 * @im4m: a ticket
 * @ecid: (out): the ECID of the phone it was signed for (MANP ECID)
 */
gboolean
ub_img4_ticket_get_ecid (GBytes   *im4m,
                         guint64  *ecid,
                         GError  **error)
{
  if (!ub_img4_ticket_get_uint64 (im4m, "ECID", ecid, error))
    return FALSE;
  g_debug ("Ticket is for ECID 0x%016" G_GINT64_MODIFIER "X", *ecid);
  return TRUE;
}

/**
 * ub_img4_ticket_dup_nonce:
 * @im4m: a ticket
 *
 * Returns: (transfer full): the ApNonce the ticket was signed for (MANP BNCH)
 */
GBytes *
ub_img4_ticket_dup_nonce (GBytes  *im4m,
                          GError **error)
{
  UbDerElement el;

  if (!read_manp_property (im4m, "BNCH", &el, error))
    return NULL;
  return ub_der_dup_octets (&el, error);
}

/**
 * ub_img4_ticket_dup_digest:
 * @im4m: a ticket
 * @image_tag: the image's fourcc as the phone sees it (the IM4P type after
 *   the rewrite of ub_img4_component_tag(): "ibss", "rkrn", "rdsk", …)
 * @error: %UB_ERROR_NOT_FOUND if the ticket does not sign that image
 *
 * Returns: (transfer full): the digest the ticket holds for the image (DGST)
 */
GBytes *
ub_img4_ticket_dup_digest (GBytes      *im4m,
                           const char  *image_tag,
                           GError     **error)
{
  UbDerElement manb, image, dgst;

  g_return_val_if_fail (image_tag != NULL && ub_der_fourcc_from_string (image_tag) != 0, NULL);

  if (g_str_equal (image_tag, "MANP"))
    {
      fail_structure (error);
      return NULL;
    }
  if (!read_manb (im4m, &manb, error) ||
      !require_entry (&manb, image_tag, &image, error) ||
      !require_entry (&image, "DGST", &dgst, error))
    return NULL;
  return ub_der_dup_octets (&dgst, error);
}

/**
 * ub_img4_ticket_list_images:
 * @im4m: a ticket
 *
 * Returns: (transfer full): the fourccs of every image the ticket signs, in
 *   ticket order
 */
GStrv
ub_img4_ticket_list_images (GBytes  *im4m,
                            GError **error)
{
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  UbDerElement manb, entry;
  UbDerIter iter;
  g_autoptr(GError) local = NULL;

  if (!read_manb (im4m, &manb, error) || !ub_der_iter_init (&iter, &manb, error))
    return NULL;
  while (ub_der_iter_next (&iter, &entry, &local))
    {
      char name[5] = { entry.tag >> 24, entry.tag >> 16, entry.tag >> 8, entry.tag, 0 };
      UbDerElement value;

      if (entry.klass != UB_DER_CLASS_PRIVATE || entry.tag == UB_DER_FOURCC ('M', 'A', 'N', 'P'))
        continue;
      if (!read_entry (&entry, &value, error))
        return NULL;
      g_strv_builder_add (names, name);
    }
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  return g_strv_builder_end (names);
}
