/* ub-baseband-zip.c — the BBFW zip rewritten in memory with the signatures
 *
 * Each "<Element>-Blob" of the TSS answer belongs to one file of the zip
 * (RestorePSI → restorepsi.bin, SBL1 → sbl1.mbn, Misc → multi_image.mbn …).
 * For the .bin/.mbn/.elf formats the blob is the file's signature area: it
 * overwrites the file's last bytes, the size stays the same. Then only the
 * signed files and the *.fls/.mbn/.elf/.bin files stay, and the BBTicket is
 * added as bbticket.der.
 *
 * All of it happens in memory: libzip reads the zip from a buffer source
 * and writes the new one back into it. Entries that stay as they were are
 * copied still compressed, so a hostile entry is never inflated; only the
 * signed files are, each bounded by UB_BASEBAND_MAX_FILE.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-baseband"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>
#include <zip.h>

#include "ub-baseband.h"
#include "ub-error.h"

#define MAV25_CHIP_ID 0x1F30E1

typedef struct
{
  const char *element;
  const char *file;
} ElementFile;

/* Which file each signed element stands for (Intel ICE3 .fls, ICE16/ICE19
 * .bin, Qualcomm Trek/Phoenix/Mav4/Mav5/Mav20 .mbn) */
static const ElementFile element_files[] = {
  { "RamPSI", "psi_ram.fls" },
  { "FlashPSI", "psi_flash.fls" },
  { "eDBL", "dbl.mbn" },
  { "RestoreDBL", "restoredbl.mbn" },
  { "DBL", "dbl.mbn" },
  { "ENANDPRG", "ENPRG.mbn" },
  { "RestoreSBL1", "restoresbl1.mbn" },
  { "SBL1", "sbl1.mbn" },
  { "RestorePSI", "restorepsi.bin" },
  { "PSI", "psi_ram.bin" },
  { "RestorePSI2", "restorepsi2.bin" },
  { "PSI2", "psi_ram2.bin" },
  { "Misc", "multi_image.mbn" },
};

static const char * const kept_extensions[] = { ".fls", ".mbn", ".elf", ".bin" };

/**
 * ub_baseband_file_for_element:
 * @element: an element of the BasebandFirmware entry, e.g. "SBL1"
 * @chip_id: the modem's BbChipID
 *
 * Returns: the name of the file the element's blob signs, or %NULL for an
 *   unknown element (or any element of Mav25, which is not supported)
 */
const char *
ub_baseband_file_for_element (const char *element,
                              guint64     chip_id)
{
  if (chip_id == MAV25_CHIP_ID)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (element_files); i++)
    if (g_strcmp0 (element_files[i].element, element) == 0)
      return element_files[i].file;
  return NULL;
}

static gboolean
damaged (GError **error, const char *what)
{
  g_debug ("BBFW refused: %s", what);
  g_set_error_literal (error, UB_ERROR, UB_ERROR_CORRUPT_ARCHIVE,
                       /* TRANSLATORS: the modem firmware inside the firmware file (IPSW) cannot be used */
                       _("The modem firmware inside the firmware file is damaged. "
                         "Download the firmware again."));
  return FALSE;
}

/**
 * ub_baseband_stitch:
 * @file: a signed file of the BBFW (.bin, .mbn or .elf)
 * @blob: its signature blob from the TSS answer
 *
 * Returns: (transfer full): @file with @blob over its last bytes, or
 *   %NULL with %UB_ERROR_CORRUPT_ARCHIVE if either is empty or the blob
 *   is longer than the file
 */
GBytes *
ub_baseband_stitch (GBytes  *file,
                    GBytes  *blob,
                    GError **error)
{
  gsize file_len = g_bytes_get_size (file);
  gsize blob_len = g_bytes_get_size (blob);
  guint8 *out = NULL;

  if (file_len == 0 || blob_len == 0 || blob_len > file_len)
    {
      damaged (error, "the signature does not fit the file");
      return NULL;
    }
  out = g_malloc (file_len);
  memcpy (out, g_bytes_get_data (file, NULL), file_len - blob_len);
  memcpy (out + file_len - blob_len, g_bytes_get_data (blob, NULL), blob_len);
  g_debug ("Stitched %" G_GSIZE_FORMAT " bytes of signature at offset %" G_GSIZE_FORMAT,
           blob_len, file_len - blob_len);
  return g_bytes_new_take (out, file_len);
}

/* The whole entry @index, refusing more than UB_BASEBAND_MAX_FILE bytes or
 * a size that does not match what the directory says */
static GBytes *
read_entry (zip_t *za, zip_int64_t index, GError **error)
{
  zip_stat_t st;
  zip_file_t *zf = NULL;
  guint8 *buffer = NULL;
  zip_int64_t got = 0;

  zip_stat_init (&st);
  if (zip_stat_index (za, index, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE))
    return damaged (error, "no size"), NULL;
  if (st.size == 0 || st.size > UB_BASEBAND_MAX_FILE)
    return damaged (error, "a signed file is empty or too large"), NULL;
  zf = zip_fopen_index (za, index, 0);
  if (zf == NULL)
    return damaged (error, zip_strerror (za)), NULL;
  buffer = g_malloc (st.size + 1);
  got = zip_fread (zf, buffer, st.size + 1);
  zip_fclose (zf);
  if (got < 0 || (zip_uint64_t)got != st.size)
    {
      g_free (buffer);
      return damaged (error, "a signed file is not as long as the directory says"), NULL;
    }
  return g_bytes_new_take (buffer, st.size);
}

typedef struct
{
  zip_t     *za;
  guint64    chip_id;
  GHashTable *signed_files;   /* index → TRUE */
  GPtrArray *keep_alive;      /* GBytes libzip reads at zip_close */
} Rewrite;

static gboolean
not_supported (GError **error, const char *what)
{
  g_debug ("BBFW not supported: %s", what);
  g_set_error_literal (error, UB_ERROR, UB_ERROR_NOT_SUPPORTED,
                       /* TRANSLATORS: the phone's modem chip is of a kind this app cannot prepare firmware for */
                       _("This iPhone’s modem is not supported yet, so its firmware cannot be prepared."));
  return FALSE;
}

/**
 * ub_baseband_chip_supported:
 * @chip_id: the modem's BbChipID
 *
 * Returns: FALSE with %UB_ERROR_NOT_SUPPORTED for a modem whose firmware
 *   we cannot sign (Mav25)
 */
gboolean
ub_baseband_chip_supported (guint64   chip_id,
                            GError  **error)
{
  if (chip_id == MAV25_CHIP_ID)
    return not_supported (error, "Mav25");
  return TRUE;
}

static gboolean
sign_one (Rewrite *rw, const char *element, plist_t node, GError **error)
{
  const char *name = ub_baseband_file_for_element (element, rw->chip_id);
  g_autoptr(GBytes) file = NULL;
  g_autoptr(GBytes) blob = NULL;
  GBytes *stitched = NULL;
  zip_source_t *zs = NULL;
  zip_int64_t index;
  uint64_t blob_len = 0;
  const char *blob_data = NULL;

  if (name == NULL)
    return damaged (error, "a blob for an unknown element");
  if (g_str_has_suffix (name, ".fls"))
    return not_supported (error, "ICE3 .fls files");
  index = zip_name_locate (rw->za, name, 0);
  if (index < 0)
    return damaged (error, "a signed file is missing");
  blob_data = plist_get_data_ptr (node, &blob_len);
  if (blob_len == 0 || blob_len > UB_BASEBAND_MAX_BLOB)
    return damaged (error, "a blob of a bad size");
  blob = g_bytes_new (blob_data, blob_len);
  file = read_entry (rw->za, index, error);
  if (file == NULL || (stitched = ub_baseband_stitch (file, blob, error)) == NULL)
    return FALSE;
  g_ptr_array_add (rw->keep_alive, stitched);
  zs = zip_source_buffer (rw->za, g_bytes_get_data (stitched, NULL), g_bytes_get_size (stitched), 0);
  if (zs == NULL || zip_file_replace (rw->za, index, zs, 0) != 0)
    {
      zip_source_free (zs);
      return damaged (error, zip_strerror (rw->za));
    }
  g_hash_table_add (rw->signed_files, GINT_TO_POINTER ((int)index));
  g_debug ("Signed %s (%s)", name, element);
  return TRUE;
}

static gboolean
sign_all (Rewrite *rw, plist_t firmware, GError **error)
{
  plist_dict_iter iter = NULL;
  gboolean ok = TRUE;

  plist_dict_new_iter (firmware, &iter);
  while (ok)
    {
      char *key = NULL;
      plist_t node = NULL;
      gsize len;

      plist_dict_next_item (firmware, iter, &key, &node);
      if (key == NULL)
        break;
      len = strlen (key);
      if (len > 5 && strcmp (key + len - 5, "-Blob") == 0 &&
          node != NULL && plist_get_node_type (node) == PLIST_DATA)
        {
          g_autofree char *element = g_strndup (key, len - 5);

          ok = sign_one (rw, element, node, error);
        }
      free (key);
    }
  free (iter);
  if (ok && g_hash_table_size (rw->signed_files) == 0)
    return damaged (error, "nothing to sign");
  return ok;
}

static gboolean
keeps_extension (const char *name)
{
  const char *dot = name ? strrchr (name, '.') : NULL;

  for (guint i = 0; dot != NULL && i < G_N_ELEMENTS (kept_extensions); i++)
    if (strcmp (dot, kept_extensions[i]) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
drop_unneeded (Rewrite *rw, GError **error)
{
  zip_int64_t n = zip_get_num_entries (rw->za, 0);

  for (zip_int64_t i = 0; i < n; i++)
    {
      const char *name = zip_get_name (rw->za, i, 0);

      if (g_hash_table_contains (rw->signed_files, GINT_TO_POINTER ((int)i)) || keeps_extension (name))
        continue;
      g_debug ("Dropping %s from the BBFW", name ? name : "(no name)");
      if (zip_delete (rw->za, i) != 0)
        return damaged (error, zip_strerror (rw->za));
    }
  return TRUE;
}

static gboolean
add_ticket (Rewrite *rw, plist_t response, GError **error)
{
  plist_t node = plist_dict_get_item (response, "BBTicket");
  uint64_t len = 0;
  const char *data = NULL;
  zip_source_t *zs = NULL;

  if (node == NULL || plist_get_node_type (node) != PLIST_DATA)
    return damaged (error, "no BBTicket");
  data = plist_get_data_ptr (node, &len);
  zs = zip_source_buffer (rw->za, data, len, 0);
  if (zs == NULL || zip_file_add (rw->za, "bbticket.der", zs, ZIP_FL_OVERWRITE) < 0)
    {
      zip_source_free (zs);
      return damaged (error, zip_strerror (rw->za));
    }
  return TRUE;
}

/* The bytes libzip wrote back into @src at zip_close() */
static GBytes *
read_source (zip_source_t *src, GError **error)
{
  zip_stat_t st;
  guint8 *buffer = NULL;
  zip_int64_t got = 0;

  zip_stat_init (&st);
  if (zip_source_stat (src, &st) != 0 || !(st.valid & ZIP_STAT_SIZE) ||
      st.size > UB_BASEBAND_MAX_BBFW + UB_BASEBAND_MAX_FILE)
    return damaged (error, "the new zip has no size"), NULL;
  if (zip_source_open (src) != 0)
    return damaged (error, "the new zip cannot be read"), NULL;
  buffer = g_malloc (st.size + 1);
  got = zip_source_read (src, buffer, st.size);
  zip_source_close (src);
  if (got < 0 || (zip_uint64_t)got != st.size)
    {
      g_free (buffer);
      return damaged (error, "the new zip is short"), NULL;
    }
  return g_bytes_new_take (buffer, st.size);
}

static zip_t *
open_bbfw (GBytes *bbfw, zip_source_t **src, GError **error)
{
  zip_error_t zerr;
  zip_t *za = NULL;

  zip_error_init (&zerr);
  *src = zip_source_buffer_create (g_bytes_get_data (bbfw, NULL), g_bytes_get_size (bbfw), 0, &zerr);
  if (*src != NULL)
    za = zip_open_from_source (*src, ZIP_CHECKCONS, &zerr);
  if (za != NULL)
    zip_source_keep (*src);   /* ours, to read the new zip after zip_close() */
  if (za == NULL)
    damaged (error, zip_error_strerror (&zerr));
  zip_error_fini (&zerr);
  if (za != NULL && zip_get_num_entries (za, 0) > UB_BASEBAND_MAX_ENTRIES)
    {
      zip_discard (za);
      za = NULL;
      damaged (error, "too many entries");
    }
  if (za == NULL)
    g_clear_pointer (src, zip_source_free);
  return za;
}

static gboolean
rewrite_archive (Rewrite *rw, plist_t response, GError **error)
{
  plist_t firmware = plist_dict_get_item (response, "BasebandFirmware");

  if (firmware == NULL || plist_get_node_type (firmware) != PLIST_DICT)
    return damaged (error, "no BasebandFirmware in the answer");
  return sign_all (rw, firmware, error) && drop_unneeded (rw, error) && add_ticket (rw, response, error);
}

/**
 * ub_baseband_rewrite:
 * @bbfw: the BBFW zip from the IPSW (at most %UB_BASEBAND_MAX_BBFW bytes)
 * @response: the baseband TSS answer (ub_baseband_response_check())
 * @chip_id: the modem's BbChipID
 *
 * Returns: (transfer full): the zip to send as BasebandData, or %NULL with
 *   %UB_ERROR_CORRUPT_ARCHIVE (not a zip, a signed file missing, too large
 *   or too small for its signature) or %UB_ERROR_NOT_SUPPORTED (ICE3, Mav25)
 */
GBytes *
ub_baseband_rewrite (GBytes   *bbfw,
                     plist_t   response,
                     guint64   chip_id,
                     GError  **error)
{
  Rewrite rw = { NULL, chip_id, NULL, NULL };
  zip_source_t *src = NULL;
  GBytes *out = NULL;

  g_return_val_if_fail (bbfw != NULL && response != NULL, NULL);

  if (!ub_baseband_chip_supported (chip_id, error))
    return NULL;
  if (g_bytes_get_size (bbfw) == 0 || g_bytes_get_size (bbfw) > UB_BASEBAND_MAX_BBFW)
    return damaged (error, "empty or too large"), NULL;
  rw.za = open_bbfw (bbfw, &src, error);
  if (rw.za == NULL)
    return NULL;
  rw.signed_files = g_hash_table_new (NULL, NULL);
  rw.keep_alive = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  if (!rewrite_archive (&rw, response, error))
    zip_discard (rw.za);
  else if (zip_close (rw.za) != 0)
    {
      damaged (error, zip_strerror (rw.za));
      zip_discard (rw.za);
    }
  else
    out = read_source (src, error);
  zip_source_free (src);
  g_hash_table_unref (rw.signed_files);
  g_ptr_array_unref (rw.keep_alive);
  if (out != NULL)
    g_debug ("BBFW rewritten: %" G_GSIZE_FORMAT " → %" G_GSIZE_FORMAT " bytes",
             g_bytes_get_size (bbfw), g_bytes_get_size (out));
  return out;
}
