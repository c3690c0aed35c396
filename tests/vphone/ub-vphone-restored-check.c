/* ub-vphone-restored-check.c — how the virtual restored checks the host's answers
 *
 * One function per answer a phone in restore mode takes (research
 * restore-mode.md §4), each TRUE with a short summary for the recorder
 * ("img4 N bytes") or FALSE with the problem:
 *  - RootTicket: RootTicketData is an IM4M; every personalized image after
 *    it must carry exactly this ticket (the one the boot chain took, since
 *    each image is also checked against the ECID and the ApNonce the
 *    phone booted with);
 *  - images (KernelCache, DeviceTree, root hash, metadata, personalized
 *    images, NOR images): an IMG4 that ub_vphone_img4_check() accepts for
 *    the type its IM4P declares, which must be one the step allows;
 *  - NORData: LlbImageData ('illb') and a non-empty NorImageData (array,
 *    or dictionary) of images, plus the SEP images when present;
 *  - BuildIdentityDict: a dictionary with Manifest and Info, and a
 *    Variant (the one asked for, when the request names one); ReceiptManifest: a dictionary; FDRTrustData and
 *    FirmwareUpdaterPreflight: a dictionary;
 *  - URLAsset: ResponseStatus 200–299, data ResponseBody, ResponseHeaders.
 * Everything here reads untrusted plists: types are checked before use.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-vphone-restored"

#include "config.h"

#include <string.h>
#include <gio/gio.h>

#include "ub-vphone-der.h"
#include "ub-vphone-img4.h"
#include "ub-vphone-restored-check.h"

#define MAX_LIST 64

struct _UbVphoneRestoredCheck
{
  guint64  ecid;
  GBytes  *ap_nonce;
  GBytes  *root_ticket;
};

/**
 * ub_vphone_restored_check_new:
 * @ecid: the phone's ECID
 * @ap_nonce: the ApNonce it booted the restore system with
 */
UbVphoneRestoredCheck *
ub_vphone_restored_check_new (guint64  ecid,
                              GBytes  *ap_nonce)
{
  UbVphoneRestoredCheck *self = g_new0 (UbVphoneRestoredCheck, 1);

  self->ecid = ecid;
  self->ap_nonce = g_bytes_ref (ap_nonce);
  return self;
}

void
ub_vphone_restored_check_free (UbVphoneRestoredCheck *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->ap_nonce, g_bytes_unref);
  g_clear_pointer (&self->root_ticket, g_bytes_unref);
  g_free (self);
}

static plist_t
item_of (plist_t      dict,
         const char  *key,
         plist_type   type)
{
  plist_t node;

  if (dict == NULL || plist_get_node_type (dict) != PLIST_DICT)
    return NULL;
  node = plist_dict_get_item (dict, key);
  return node != NULL && plist_get_node_type (node) == type ? node : NULL;
}

static GBytes *
data_of (plist_t node)
{
  uint64_t len = 0;
  const char *data;

  if (node == NULL || plist_get_node_type (node) != PLIST_DATA)
    return NULL;
  data = plist_get_data_ptr (node, &len);
  return g_bytes_new (data, (gsize) len);
}

static gboolean
fail (char       **problem,
      const char  *format,
      ...) G_GNUC_PRINTF (2, 3);

static gboolean
fail (char       **problem,
      const char  *format,
      ...)
{
  va_list args;

  va_start (args, format);
  *problem = g_strdup_vprintf (format, args);
  va_end (args);
  return FALSE;
}

/* The IM4P type and the ticket of an IMG4 (ub_vphone_img4_check does the rest) */
static gboolean
split_img4 (GBytes   *image,
            char      type[5],
            GBytes  **ticket,
            GError  **error)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (image, &len);
  UbVphoneDerReader reader, inner, im4p_reader;
  UbVphoneDerItem img4, magic, im4p, name, kind, tagged, im4m;

  ub_vphone_der_reader_init (&reader, data, len);
  if (!ub_vphone_der_read_expect (&reader, UB_VPHONE_DER_UNIVERSAL, UB_VPHONE_DER_SEQUENCE, &img4, "IMG4", error))
    return FALSE;
  ub_vphone_der_reader_enter (&inner, &img4);
  if (!ub_vphone_der_read_expect (&inner, UB_VPHONE_DER_UNIVERSAL, UB_VPHONE_DER_IA5_STRING, &magic, "IMG4 name", error) ||
      !ub_vphone_der_read_expect (&inner, UB_VPHONE_DER_UNIVERSAL, UB_VPHONE_DER_SEQUENCE, &im4p, "IM4P", error))
    return FALSE;
  ub_vphone_der_reader_enter (&im4p_reader, &im4p);
  if (!ub_vphone_der_read_expect (&im4p_reader, UB_VPHONE_DER_UNIVERSAL, UB_VPHONE_DER_IA5_STRING, &name, "IM4P name", error) ||
      !ub_vphone_der_read_expect (&im4p_reader, UB_VPHONE_DER_UNIVERSAL, UB_VPHONE_DER_IA5_STRING, &kind, "IM4P type", error) ||
      !ub_vphone_der_read_expect (&inner, UB_VPHONE_DER_CONTEXT, 0, &tagged, "[0] IM4M", error))
    return FALSE;
  ub_vphone_der_reader_enter (&reader, &tagged);
  if (!ub_vphone_der_read_expect (&reader, UB_VPHONE_DER_UNIVERSAL, UB_VPHONE_DER_SEQUENCE, &im4m, "IM4M", error))
    return FALSE;
  if (kind.length != 4 || memchr (kind.value, '\0', 4) != NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "IM4P type is not four characters");
      return FALSE;
    }
  memcpy (type, kind.value, 4);
  type[4] = '\0';
  *ticket = g_bytes_new (im4m.start, im4m.total);
  return TRUE;
}

/**
 * ub_vphone_restored_check_img4:
 * @node: the answer's data item
 * @types: (nullable): the IM4P types the step takes; %NULL: any the ticket names
 *
 * Returns: whether the phone takes the image
 */
gboolean
ub_vphone_restored_check_img4 (UbVphoneRestoredCheck *self,
                               plist_t                node,
                               const char * const    *types,
                               gsize                 *size,
                               char                 **problem)
{
  g_autoptr(GBytes) image = data_of (node);
  g_autoptr(GBytes) ticket = NULL;
  g_autoptr(GError) error = NULL;
  char type[5];

  if (image == NULL)
    return fail (problem, "no image data");
  if (!split_img4 (image, type, &ticket, &error))
    return fail (problem, "not an IMG4: %s", error->message);
  if (types != NULL && !g_strv_contains (types, type))
    return fail (problem, "image type '%s' is not what the phone asked for", type);
  if (!ub_vphone_img4_check (image, type, self->ecid, self->ap_nonce, &error))
    return fail (problem, "image '%s' refused: %s", type, error->message);
  if (self->root_ticket != NULL && !g_bytes_equal (ticket, self->root_ticket))
    return fail (problem, "image '%s' has another ticket than the RootTicket", type);
  if (size != NULL)
    *size += g_bytes_get_size (image);
  return TRUE;
}

static gboolean
check_root_ticket (UbVphoneRestoredCheck *self,
                   plist_t                reply,
                   char                 **summary,
                   char                 **problem)
{
  g_autoptr(GBytes) ticket = data_of (item_of (reply, "RootTicketData", PLIST_DATA));
  g_autoptr(GError) error = NULL;
  UbVphoneDerReader reader, inner;
  UbVphoneDerItem im4m, magic;

  if (ticket == NULL)
    return fail (problem, "no RootTicketData");
  ub_vphone_der_reader_init (&reader, g_bytes_get_data (ticket, NULL), g_bytes_get_size (ticket));
  if (!ub_vphone_der_read_expect (&reader, UB_VPHONE_DER_UNIVERSAL, UB_VPHONE_DER_SEQUENCE, &im4m, "IM4M", &error))
    return fail (problem, "RootTicketData is not a ticket: %s", error->message);
  ub_vphone_der_reader_enter (&inner, &im4m);
  if (!ub_vphone_der_reader_at_end (&reader) ||
      !ub_vphone_der_read_expect (&inner, UB_VPHONE_DER_UNIVERSAL, UB_VPHONE_DER_IA5_STRING, &magic, "name", &error) ||
      !ub_vphone_der_string_equal (&magic, "IM4M"))
    return fail (problem, "RootTicketData is not an IM4M ticket");
  g_clear_pointer (&self->root_ticket, g_bytes_unref);
  self->root_ticket = g_bytes_ref (ticket);
  *summary = g_strdup_printf ("im4m %" G_GSIZE_FORMAT " bytes", g_bytes_get_size (ticket));
  return TRUE;
}

static gboolean
check_nor_images (UbVphoneRestoredCheck *self,
                  plist_t                images,
                  gsize                 *size,
                  guint                 *count,
                  char                 **problem)
{
  plist_array_iter aiter = NULL;
  plist_dict_iter diter = NULL;
  plist_t node = NULL;
  char *key = NULL;
  gboolean ok = TRUE;

  if (plist_get_node_type (images) == PLIST_ARRAY)
    {
      plist_array_new_iter (images, &aiter);
      for (plist_array_next_item (images, aiter, &node); ok && node != NULL;
           plist_array_next_item (images, aiter, &node))
        ok = ++*count <= MAX_LIST && ub_vphone_restored_check_img4 (self, node, NULL, size, problem);
      g_free (aiter);
    }
  else
    {
      plist_dict_new_iter (images, &diter);
      for (plist_dict_next_item (images, diter, &key, &node); ok && key != NULL;
           plist_dict_next_item (images, diter, &key, &node))
        {
          ok = ++*count <= MAX_LIST && ub_vphone_restored_check_img4 (self, node, NULL, size, problem);
          g_clear_pointer (&key, g_free);
        }
      g_free (key);
      g_free (diter);
    }
  if (ok && *count > MAX_LIST)
    return fail (problem, "more than %d NOR images", MAX_LIST);
  return ok;
}

static gboolean
check_nor (UbVphoneRestoredCheck *self,
           plist_t                reply,
           char                 **summary,
           char                 **problem)
{
  static const char * const llb[] = { "illb", NULL };
  static const char * const sep_keys[] = { "RestoreSEPImageData", "SEPImageData", "SEPPatchImageData" };
  plist_t images = item_of (reply, "NorImageData", PLIST_ARRAY);
  gsize size = 0;
  guint count = 0;

  if (images == NULL)
    images = item_of (reply, "NorImageData", PLIST_DICT);
  if (item_of (reply, "LlbImageData", PLIST_DATA) == NULL)
    return fail (problem, "no LlbImageData");
  if (!ub_vphone_restored_check_img4 (self, item_of (reply, "LlbImageData", PLIST_DATA), llb, &size, problem))
    return FALSE;
  if (images == NULL)
    return fail (problem, "no NorImageData");
  if (!check_nor_images (self, images, &size, &count, problem))
    return FALSE;
  if (count == 0)
    return fail (problem, "NorImageData is empty");
  for (guint i = 0; i < G_N_ELEMENTS (sep_keys); i++)
    if (plist_dict_get_item (reply, sep_keys[i]) != NULL &&
        !ub_vphone_restored_check_img4 (self, item_of (reply, sep_keys[i], PLIST_DATA), NULL, &size, problem))
      return FALSE;
  *summary = g_strdup_printf ("llb and %u images, %" G_GSIZE_FORMAT " bytes", count, size);
  return TRUE;
}

static gboolean
check_build_identity (plist_t      arguments,
                      plist_t      reply,
                      char       **summary,
                      char       **problem)
{
  plist_t identity = item_of (reply, "BuildIdentityDict", PLIST_DICT);
  plist_t variant = item_of (reply, "Variant", PLIST_STRING);
  plist_t wanted = item_of (arguments, "Variant", PLIST_STRING);
  const char *want = wanted ? plist_get_string_ptr (wanted, NULL) : NULL;
  const char *got = variant ? plist_get_string_ptr (variant, NULL) : NULL;

  if (identity == NULL)
    return fail (problem, "no BuildIdentityDict");
  if (item_of (identity, "Manifest", PLIST_DICT) == NULL || item_of (identity, "Info", PLIST_DICT) == NULL)
    return fail (problem, "the build identity has no Manifest or no Info");
  if (got == NULL || *got == '\0')
    return fail (problem, "no Variant");
  if (want != NULL && !g_str_equal (got, want))
    return fail (problem, "Variant \"%s\", not \"%s\"", got, want);
  *summary = g_strdup_printf ("variant %s, %u manifest entries", got,
                              plist_dict_get_size (item_of (identity, "Manifest", PLIST_DICT)));
  return TRUE;
}

static gboolean
check_url_asset (plist_t     reply,
                 char      **summary,
                 char      **problem)
{
  plist_t status = item_of (reply, "ResponseStatus", PLIST_UINT);
  g_autoptr(GBytes) body = data_of (item_of (reply, "ResponseBody", PLIST_DATA));
  g_autofree char *sha = NULL;
  uint64_t code = 0;

  if (status == NULL || body == NULL || item_of (reply, "ResponseHeaders", PLIST_DICT) == NULL)
    return fail (problem, "no ResponseStatus, ResponseBody or ResponseHeaders");
  plist_get_uint_val (status, &code);
  sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, body);
  if (code < 200 || code > 299)
    return fail (problem, "status %" G_GUINT64_FORMAT, (guint64) code);
  *summary = g_strdup_printf ("status %" G_GUINT64_FORMAT " %" G_GSIZE_FORMAT " bytes sha256 %s",
                              (guint64) code, g_bytes_get_size (body), sha);
  return TRUE;
}

static gboolean
check_file (UbVphoneRestoredCheck *self,
            const char            *data_type,
            plist_t                reply,
            char                 **summary,
            char                 **problem)
{
  static const char * const kernel[] = { "krnl", "rkrn", NULL };
  static const char * const tree[] = { "dtre", "rdtr", NULL };
  g_autofree char *key = g_strconcat (data_type, "File", NULL);
  const char * const *types = NULL;
  gsize size = 0;

  if (g_str_equal (data_type, "KernelCache"))
    types = kernel;
  else if (g_str_equal (data_type, "DeviceTree"))
    types = tree;
  if (plist_dict_get_item (reply, key) == NULL)
    return fail (problem, "no %s", key);
  if (!ub_vphone_restored_check_img4 (self, plist_dict_get_item (reply, key), types, &size, problem))
    return FALSE;
  *summary = g_strdup_printf ("img4 %" G_GSIZE_FORMAT " bytes", size);
  return TRUE;
}

static gboolean
check_dict (const char  *key,
            plist_t      reply,
            char       **summary,
            char       **problem)
{
  plist_t dict = key ? item_of (reply, key, PLIST_DICT) : reply;

  if (dict == NULL || plist_get_node_type (dict) != PLIST_DICT)
    return fail (problem, "no %s dictionary", key ? key : "answer");
  *summary = g_strdup_printf ("dictionary of %u keys", plist_dict_get_size (dict));
  return TRUE;
}

/**
 * ub_vphone_restored_check_answer:
 * @arguments: (nullable): the Arguments of the request
 * @summary: (out): what the answer held, when it is good
 * @problem: (out): why the phone refuses it
 *
 * Checks the answer to a request for @data_type (not the streamed and
 * the listed ones, nor the firmware ones: the script checks those).
 */
gboolean
ub_vphone_restored_check_answer (UbVphoneRestoredCheck *self,
                                 const char            *data_type,
                                 plist_t                arguments,
                                 plist_t                reply,
                                 char                 **summary,
                                 char                 **problem)
{
  *summary = NULL;
  *problem = NULL;
  if (reply == NULL || plist_get_node_type (reply) != PLIST_DICT)
    return fail (problem, "the answer is not a dictionary");
  if (g_str_equal (data_type, "RootTicket"))
    return check_root_ticket (self, reply, summary, problem);
  if (g_str_equal (data_type, "NORData"))
    return check_nor (self, reply, summary, problem);
  if (g_str_equal (data_type, "BuildIdentityDict"))
    return check_build_identity (arguments, reply, summary, problem);
  if (g_str_equal (data_type, "ReceiptManifest"))
    return check_dict ("ReceiptManifest", reply, summary, problem);
  if (g_str_equal (data_type, "FDRTrustData") || g_str_equal (data_type, "FirmwareUpdaterPreflight"))
    return check_dict (NULL, reply, summary, problem);
  if (g_str_equal (data_type, "URLAsset"))
    return check_url_asset (reply, summary, problem);
  if (g_str_equal (data_type, "KernelCache") || g_str_equal (data_type, "DeviceTree") ||
      g_str_equal (data_type, "SystemImageRootHash") || g_str_equal (data_type, "SystemImageCanonicalMetadata"))
    return check_file (self, data_type, reply, summary, problem);
  return fail (problem, "the phone does not take %s answers", data_type);
}

/**
 * ub_vphone_restored_check_take_list:
 * @key: ImageList, FUDImageList or EANImageList
 *
 * Returns: (transfer full) (nullable): the image names of a list answer, or
 *   %NULL when it is not an array of at most 64 non-empty strings
 */
char **
ub_vphone_restored_check_take_list (plist_t     reply,
                                    const char *key)
{
  plist_t list = item_of (reply, key, PLIST_ARRAY);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  guint n;

  if (list == NULL || (n = plist_array_get_size (list)) > MAX_LIST)
    return NULL;
  for (guint i = 0; i < n; i++)
    {
      plist_t item = plist_array_get_item (list, i);
      const char *name = plist_get_node_type (item) == PLIST_STRING ? plist_get_string_ptr (item, NULL) : NULL;

      if (name == NULL || *name == '\0')
        return NULL;
      g_ptr_array_add (names, g_strdup (name));
    }
  g_ptr_array_add (names, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}
