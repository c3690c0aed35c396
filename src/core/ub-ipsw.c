/* ub-ipsw.c — a firmware file (IPSW), read in place
 *
 * An IPSW is a ZIP archive of 3–20 GB. It is never unpacked: the central
 * directory is read and checked first (ub-zip-directory.c: names, sizes,
 * offsets, overlaps, limits), then libzip opens the same open file and both
 * views must agree (ub-ipsw-archive.c). BuildManifest.plist
 * and Restore.plist are read whole (at most UB_IPSW_MAX_PLIST_SIZE); every
 * other entry is streamed (ub_ipsw_open_component()).
 *
 * Threads: everything is read at construction and immutable afterwards,
 * except libzip's zip_t, which is not thread-safe; a mutex guards every
 * libzip call. So a UbIpsw may be used from any thread, and several
 * components may be streamed at once; each stream, like any GInputStream,
 * is read by one thread at a time. Construction does blocking I/O: call
 * ub_ipsw_new_for_path() from a worker, or the _async variant.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-ipsw"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "ub-error.h"
#include "ub-ipsw-private.h"
#include "ub-ipsw-stream.h"
#include "ub-plist.h"

#define MANIFEST_NAME "BuildManifest.plist"
#define RESTORE_NAME "Restore.plist"
#define MAX_LISTED_MISSING 5


G_DEFINE_FINAL_TYPE (UbIpsw, ub_ipsw, G_TYPE_OBJECT)

static void
ub_ipsw_finalize (GObject *object)
{
  UbIpsw *self = UB_IPSW (object);

  g_clear_pointer (&self->archive, zip_discard);
  g_clear_pointer (&self->directory, ub_zip_directory_free);
  g_clear_object (&self->manifest);
  g_clear_pointer (&self->restore, plist_free);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->display_name, g_free);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (ub_ipsw_parent_class)->finalize (object);
}

static void
ub_ipsw_class_init (UbIpswClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ub_ipsw_finalize;
}

static void
ub_ipsw_init (UbIpsw *self)
{
  g_mutex_init (&self->lock);
}

/* A whole small entry, at most @max bytes; NULL without error if absent */
static GBytes *
read_entry (UbIpsw      *self,
            const char  *name,
            gsize        max,
            GError     **error)
{
  guint index;
  const UbZipEntry *entry = ub_zip_directory_lookup (self->directory, name, &index);
  g_autoptr(GInputStream) stream = NULL;
  g_autofree guint8 *data = NULL;
  gsize done = 0;

  if (entry == NULL)
    return NULL;
  if (entry->size > max)
    {
      g_autoptr(GError) problem = g_error_new (UB_ZIP_PROBLEM, UB_ZIP_PROBLEM_TOO_LARGE,
                                               "%s of %" G_GUINT64_FORMAT " bytes", name, entry->size);
      _ub_ipsw_set_problem_error (self, problem, error);
      return NULL;
    }
  stream = ub_ipsw_open_component (self, name, error);
  data = g_malloc (entry->size + 1);
  if (stream == NULL ||
      !g_input_stream_read_all (stream, data, entry->size + 1, &done, NULL, error))
    return NULL;
  return g_bytes_new_take (g_steal_pointer (&data), done);
}

static gboolean
read_manifest (UbIpsw  *self,
               GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(GBytes) bytes = read_entry (self, MANIFEST_NAME, UB_IPSW_MAX_PLIST_SIZE, &local);
  gsize len;
  const guint8 *data;

  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (bytes == NULL)
    {
      g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                   _("“%s” is not an iPhone firmware file (IPSW): it has no BuildManifest.plist."),
                   self->display_name);
      return FALSE;
    }
  data = g_bytes_get_data (bytes, &len);
  self->manifest = ub_build_manifest_new_from_data (data, len, &local);
  if (self->manifest == NULL)
    {
      g_set_error (error, UB_ERROR, UB_ERROR_CORRUPT_ARCHIVE,
                   /* TRANSLATORS: %s: a file name, then a technical detail */
                   _("The build manifest of the firmware file “%s” cannot be read (%s). Download it again."),
                   self->display_name, local->message);
      return FALSE;
    }
  return TRUE;
}

/* Restore.plist is optional; when there, it must be a dictionary for the
 * same version and build as the manifest */
static gboolean
read_restore_plist (UbIpsw  *self,
                    GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(GBytes) bytes = read_entry (self, RESTORE_NAME, UB_IPSW_MAX_PLIST_SIZE, &local);
  g_autofree char *version = NULL;
  g_autofree char *build = NULL;

  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (bytes == NULL)
    return TRUE;
  self->restore = ub_plist_parse_untrusted (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &local);
  if (self->restore == NULL || plist_get_node_type (self->restore) != PLIST_DICT)
    {
      g_set_error (error, UB_ERROR, UB_ERROR_CORRUPT_ARCHIVE,
                   _("The Restore.plist of the firmware file “%s” cannot be read (%s). Download it again."),
                   self->display_name, local ? local->message : "not a dictionary");
      return FALSE;
    }
  version = ub_plist_dup_string (plist_dict_get_item (self->restore, "ProductVersion"));
  build = ub_plist_dup_string (plist_dict_get_item (self->restore, "ProductBuildVersion"));
  if ((version && g_strcmp0 (version, ub_build_manifest_get_product_version (self->manifest)) != 0) ||
      (build && g_strcmp0 (build, ub_build_manifest_get_build_version (self->manifest)) != 0))
    {
      _ub_ipsw_set_damaged (self, error, "Restore.plist is for %s (%s), BuildManifest.plist for %s (%s)",
                   version ? version : "?", build ? build : "?",
                   ub_build_manifest_get_product_version (self->manifest),
                   ub_build_manifest_get_build_version (self->manifest));
      return FALSE;
    }
  return TRUE;
}

/**
 * ub_ipsw_new_for_path:
 *
 * Opens an IPSW read-only and reads its manifests. Blocks: call it from a
 * worker thread (or use ub_ipsw_new_for_path_async()).
 *
 * Returns: (transfer full) (nullable): the firmware, or %NULL with a
 *   %G_IO_ERROR (cannot open or read the file), %UB_ERROR_INVALID_DATA (not
 *   a ZIP archive, or a ZIP without BuildManifest.plist) or
 *   %UB_ERROR_CORRUPT_ARCHIVE (empty, truncated, damaged, unsafe names,
 *   impossible sizes, unreadable manifest)
 */
UbIpsw *
ub_ipsw_new_for_path (const char  *path,
                      GError     **error)
{
  g_autoptr(UbIpsw) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (UB_TYPE_IPSW, NULL);
  self->path = g_strdup (path);
  self->display_name = g_filename_display_basename (path);
  g_debug ("Opening “%s”", path);
  if (!_ub_ipsw_open_archive (self, error) || !read_manifest (self, error) || !read_restore_plist (self, error))
    return NULL;
  g_debug ("“%s”: iOS %s (%s), %u identities%s", path, ub_ipsw_get_product_version (self),
           ub_ipsw_get_build_version (self), ub_ipsw_get_n_identities (self),
           self->restore ? ", with Restore.plist" : "");
  return g_steal_pointer (&self);
}

static void
open_worker (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  UbIpsw *ipsw;

  if (g_task_return_error_if_cancelled (task))
    return;
  ipsw = ub_ipsw_new_for_path (task_data, &error);
  if (ipsw == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, ipsw, g_object_unref);
}

/**
 * ub_ipsw_new_for_path_async:
 *
 * Runs ub_ipsw_new_for_path() in a worker thread.
 */
void
ub_ipsw_new_for_path_async (const char          *path,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (path != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ub_ipsw_new_for_path_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, open_worker);
}

UbIpsw *
ub_ipsw_new_for_path_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ub_ipsw_new_for_path_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *
ub_ipsw_get_path (UbIpsw *self)
{
  g_return_val_if_fail (UB_IS_IPSW (self), NULL);
  return self->path;
}

guint64
ub_ipsw_get_file_size (UbIpsw *self)
{
  g_return_val_if_fail (UB_IS_IPSW (self), 0);
  return self->file_size;
}

guint
ub_ipsw_get_n_entries (UbIpsw *self)
{
  g_return_val_if_fail (UB_IS_IPSW (self), 0);
  return ub_zip_directory_get_n_entries (self->directory);
}

/**
 * ub_ipsw_get_manifest:
 *
 * Returns: (transfer none): the parsed BuildManifest.plist (its whole plist
 *   through ub_build_manifest_get_plist())
 */
UbBuildManifest *
ub_ipsw_get_manifest (UbIpsw *self)
{
  g_return_val_if_fail (UB_IS_IPSW (self), NULL);
  return self->manifest;
}

/**
 * ub_ipsw_get_restore_plist:
 *
 * Returns: (transfer none) (nullable): Restore.plist, if the IPSW has one
 */
plist_t
ub_ipsw_get_restore_plist (UbIpsw *self)
{
  g_return_val_if_fail (UB_IS_IPSW (self), NULL);
  return self->restore;
}

const char *
ub_ipsw_get_product_version (UbIpsw *self)
{
  g_return_val_if_fail (UB_IS_IPSW (self), NULL);
  return ub_build_manifest_get_product_version (self->manifest);
}

const char *
ub_ipsw_get_build_version (UbIpsw *self)
{
  g_return_val_if_fail (UB_IS_IPSW (self), NULL);
  return ub_build_manifest_get_build_version (self->manifest);
}

/**
 * ub_ipsw_get_product_types:
 *
 * Returns: (transfer none): SupportedProductTypes, %NULL-terminated
 */
const char * const *
ub_ipsw_get_product_types (UbIpsw *self)
{
  g_return_val_if_fail (UB_IS_IPSW (self), NULL);
  return ub_build_manifest_get_product_types (self->manifest);
}

guint
ub_ipsw_get_n_identities (UbIpsw *self)
{
  g_return_val_if_fail (UB_IS_IPSW (self), 0);
  return ub_build_manifest_get_n_identities (self->manifest);
}

/**
 * ub_ipsw_get_identity:
 *
 * Returns: (transfer none): the @index-th identity (see
 *   ub_build_manifest_get_identity())
 */
UbBuildIdentity *
ub_ipsw_get_identity (UbIpsw *self,
                      guint   index)
{
  g_return_val_if_fail (UB_IS_IPSW (self), NULL);
  return ub_build_manifest_get_identity (self->manifest, index);
}

/**
 * ub_ipsw_check_fits:
 *
 * See ub_build_manifest_check_fits(): %UB_ERROR_WRONG_FIRMWARE unless the
 * firmware lists @model's product type and has an identity for its board.
 */
gboolean
ub_ipsw_check_fits (UbIpsw   *self,
                    UbModel  *model,
                    GError  **error)
{
  g_return_val_if_fail (UB_IS_IPSW (self), FALSE);
  return ub_build_manifest_check_fits (self->manifest, model, error);
}

/**
 * ub_ipsw_choose_identity:
 *
 * See ub_build_manifest_choose_identity() for the rules. The identity's
 * components are not checked here: see ub_ipsw_check_components().
 *
 * Returns: (transfer none) (nullable): the identity
 */
UbBuildIdentity *
ub_ipsw_choose_identity (UbIpsw   *self,
                         UbModel  *model,
                         gboolean  erase,
                         GError  **error)
{
  g_return_val_if_fail (UB_IS_IPSW (self), NULL);
  return ub_build_manifest_choose_identity (self->manifest, model, erase, error);
}

/**
 * ub_ipsw_check_components:
 *
 * Returns: whether every Info.Path of @identity is in the archive;
 *   otherwise %FALSE with %UB_ERROR_CORRUPT_ARCHIVE naming the first few
 *   missing ones
 */
gboolean
ub_ipsw_check_components (UbIpsw           *self,
                          UbBuildIdentity  *identity,
                          GError          **error)
{
  g_autoptr(GPtrArray) paths = NULL;
  g_autoptr(GString) missing = g_string_new (NULL);
  guint n_missing = 0;

  g_return_val_if_fail (UB_IS_IPSW (self), FALSE);
  g_return_val_if_fail (UB_IS_BUILD_IDENTITY (identity), FALSE);

  paths = ub_build_identity_dup_paths (identity);
  for (guint i = 0; i < paths->len; i++)
    {
      if (ub_ipsw_has_component (self, paths->pdata[i]))
        continue;
      if (n_missing < MAX_LISTED_MISSING)
        g_string_append_printf (missing, "%s%s", n_missing ? ", " : "", (char *)paths->pdata[i]);
      else if (n_missing == MAX_LISTED_MISSING)
        g_string_append (missing, ", …");
      n_missing++;
    }
  if (n_missing == 0)
    return TRUE;
  g_debug ("“%s”: %u of %u components missing: %s", self->path, n_missing, paths->len, missing->str);
  g_set_error (error, UB_ERROR, UB_ERROR_CORRUPT_ARCHIVE,
               /* TRANSLATORS: %s: a file name; %u: a count; %s: the missing files' names */
               g_dngettext (GETTEXT_PACKAGE,
                            "The firmware file “%s” lacks %u file this restore needs (%s). Download it again.",
                            "The firmware file “%s” lacks %u files this restore needs (%s). Download it again.",
                            n_missing),
               self->display_name, n_missing, missing->str);
  return FALSE;
}

/**
 * ub_ipsw_has_component:
 * @path: a path in the archive (an Info.Path), matched exactly
 */
gboolean
ub_ipsw_has_component (UbIpsw     *self,
                       const char *path)
{
  g_return_val_if_fail (UB_IS_IPSW (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  return ub_zip_directory_lookup (self->directory, path, NULL) != NULL;
}

static const UbZipEntry *
lookup (UbIpsw      *self,
        const char  *path,
        guint       *index,
        GError     **error)
{
  const UbZipEntry *entry = ub_zip_directory_lookup (self->directory, path, index);

  if (entry == NULL)
    g_set_error (error, UB_ERROR, UB_ERROR_NOT_FOUND,
                 /* TRANSLATORS: %s: a file inside the firmware, then the firmware's file name */
                 _("“%s” is not in the firmware file “%s”."), path, self->display_name);
  return entry;
}

/**
 * ub_ipsw_get_component_size:
 * @size: (out): its uncompressed size in bytes
 *
 * Returns: %FALSE with %UB_ERROR_NOT_FOUND if @path is not in the archive
 */
gboolean
ub_ipsw_get_component_size (UbIpsw      *self,
                            const char  *path,
                            guint64     *size,
                            GError     **error)
{
  const UbZipEntry *entry;

  g_return_val_if_fail (UB_IS_IPSW (self), FALSE);
  g_return_val_if_fail (path != NULL && size != NULL, FALSE);

  entry = lookup (self, path, NULL, error);
  if (entry == NULL)
    return FALSE;
  *size = entry->size;
  return TRUE;
}

/**
 * ub_ipsw_open_component:
 *
 * Opens one entry for streaming: memory stays bounded whatever its size.
 * The stream keeps @self alive, and is a #GSeekable (a backward seek in a
 * deflated entry re-reads it from the start).
 *
 * Returns: (transfer full) (nullable): a #UbIpswStream, or %NULL with
 *   %UB_ERROR_NOT_FOUND or %UB_ERROR_CORRUPT_ARCHIVE
 */
GInputStream *
ub_ipsw_open_component (UbIpsw      *self,
                        const char  *path,
                        GError     **error)
{
  const UbZipEntry *entry;
  zip_file_t *file;
  guint index;

  g_return_val_if_fail (UB_IS_IPSW (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  if ((entry = lookup (self, path, &index, error)) == NULL)
    return NULL;
  g_mutex_lock (&self->lock);
  file = zip_fopen_index (self->archive, index, 0);
  if (file == NULL)
    _ub_ipsw_set_damaged (self, error, "%s: %s", path, zip_strerror (self->archive));
  g_mutex_unlock (&self->lock);
  if (file == NULL)
    return NULL;
  g_debug ("Streaming “%s” (%" G_GUINT64_FORMAT " bytes, %s)", path, entry->size,
           entry->method == 0 ? "stored" : "deflated");
  return ub_ipsw_stream_new (G_OBJECT (self), &self->lock, self->archive, index, file, path,
                             entry->size, entry->method == 0);
}
