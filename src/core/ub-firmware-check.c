/* ub-firmware-check.c — is this .ipsw right for this phone, and intact?
 *
 * For a firmware file the person already has. In a worker thread: the zip
 * and its manifest are read in place (UbIpsw), the image must fit the model
 * and carry every component an erase restore needs; its build is looked up
 * in the catalog, which may say Apple no longer signs it (a restore would be
 * refused, so it is refused here) and gives the checksums the whole file is
 * then compared with. A build no catalog knows is accepted on its contents
 * alone, and says so.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-firmware-check"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "ub-error.h"
#include "ub-firmware-check.h"
#include "ub-ipsw.h"

#define PROGRESS_INTERVAL_US (250 * G_TIME_SPAN_MILLISECOND)

typedef struct
{
  char           *path;
  UbModel        *model;
  UbFirmwareList *list;
  UbHashProgress  progress;
  gpointer        progress_data;
  GMainContext   *context;
  gint64          last_tick;

  /* results */
  UbFirmwareOrigin origin;
  UbFirmware      *firmware;
} Check;

typedef struct
{
  UbHashProgress progress;
  gpointer       progress_data;
  guint64        done;
  guint64        total;
} Tick;

static void
check_free (Check *c)
{
  g_free (c->path);
  g_clear_object (&c->model);
  g_clear_object (&c->list);
  g_clear_object (&c->firmware);
  g_main_context_unref (c->context);
  g_free (c);
}

static gboolean
deliver_tick (gpointer data)
{
  Tick *t = data;

  t->progress (t->done, t->total, t->progress_data);
  return G_SOURCE_REMOVE;
}

/* In the worker: progress goes to the caller's context, four times a second */
static void
on_hash_tick (guint64  done,
              guint64  total,
              gpointer user_data)
{
  Check *c = user_data;
  gint64 now = g_get_monotonic_time ();
  GSource *source;
  Tick *t;

  if (c->progress == NULL || (now - c->last_tick < PROGRESS_INTERVAL_US && done < total))
    return;
  c->last_tick = now;
  t = g_new (Tick, 1);
  *t = (Tick) { c->progress, c->progress_data, done, total };
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);   /* before the task's result */
  g_source_set_callback (source, deliver_tick, t, g_free);
  g_source_set_static_name (source, "[unbrick] firmware check progress");
  g_source_attach (source, c->context);
  g_source_unref (source);
}

static gboolean
hash_matches (Check         *c,
              UbFirmware    *listed,
              GCancellable  *cancellable,
              GError       **error)
{
  const char *sha256 = ub_firmware_get_sha256 (listed);
  const char *sha1 = ub_firmware_get_sha1 (listed);
  UbHashKinds kinds = (sha256 ? UB_HASH_SHA256 : 0) | (sha1 ? UB_HASH_SHA1 : 0);
  g_autoptr(UbHasher) hasher = ub_hasher_new (kinds);
  g_autofree char *got256 = NULL;
  g_autofree char *got1 = NULL;
  GStatBuf st;
  int fd;
  gboolean ok;

  if ((fd = g_open (c->path, O_RDONLY | O_CLOEXEC, 0)) < 0 || fstat (fd, &st) != 0)
    {
      int errsv = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv), _("Could not read “%s”: %s"),
                   c->path, g_strerror (errsv));
      return FALSE;
    }
  if (ub_firmware_get_size (listed) != 0 && (guint64)st.st_size != ub_firmware_get_size (listed))
    {
      close (fd);
      return FALSE;
    }
  ok = ub_hasher_update_from_fd (hasher, fd, (guint64)st.st_size, on_hash_tick, c, cancellable, error);
  close (fd);
  if (!ok)
    return FALSE;
  got256 = sha256 ? ub_hasher_finish_hex (hasher, UB_HASH_SHA256) : NULL;
  got1 = sha1 ? ub_hasher_finish_hex (hasher, UB_HASH_SHA1) : NULL;
  g_debug ("%s: SHA-256 %s, SHA-1 %s", c->path, got256 ? got256 : "-", got1 ? got1 : "-");
  return (sha256 == NULL || ub_hash_hex_equal (got256, sha256)) &&
         (sha1 == NULL || ub_hash_hex_equal (got1, sha1));
}

/* The catalog's word on the build: refused if Apple stopped signing it or
 * the file differs from what Apple published */
static gboolean
check_listed (Check         *c,
              UbFirmware    *listed,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  const char *version = ub_firmware_get_version (listed);
  const char *build = ub_firmware_get_build (listed);

  if (ub_firmware_get_signed (listed) == UB_SIGNED_NO)
    {
      g_set_error (error, UB_ERROR, UB_ERROR_WRONG_FIRMWARE,
                   /* TRANSLATORS: %s are a version and a build, e.g. "15.1" and "19B74" */
                   _("Apple no longer signs iOS %s (%s) for this model, so a restore with this file would "
                     "be refused. Download the latest firmware instead."), version, build);
      return FALSE;
    }
  if (ub_firmware_get_sha256 (listed) == NULL && ub_firmware_get_sha1 (listed) == NULL)
    return TRUE;
  if (hash_matches (c, listed, cancellable, &local_error))
    return TRUE;
  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  else
    g_set_error (error, UB_ERROR, UB_ERROR_CHECKSUM,
                 /* TRANSLATORS: %s are a version and a build, e.g. "16.7.12" and "20H364" */
                 _("This file is damaged or was changed: it does not match Apple’s iOS %s (%s). "
                   "Download the firmware again."), version, build);
  return FALSE;
}

static gboolean
run_check (Check         *c,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(UbIpsw) ipsw = NULL;
  UbBuildIdentity *identity;
  UbFirmware *listed;

  if ((ipsw = ub_ipsw_new_for_path (c->path, error)) == NULL ||
      !ub_ipsw_check_fits (ipsw, c->model, error) ||
      (identity = ub_ipsw_choose_identity (ipsw, c->model, TRUE, error)) == NULL ||
      !ub_ipsw_check_components (ipsw, identity, error))
    return FALSE;

  listed = c->list ? ub_firmware_list_find_build (c->list, ub_ipsw_get_build_version (ipsw)) : NULL;
  if (listed != NULL)
    {
      if (!check_listed (c, listed, cancellable, error))
        return FALSE;
      c->origin = (ub_firmware_get_sha256 (listed) || ub_firmware_get_sha1 (listed))
                  ? UB_FIRMWARE_ORIGIN_LOCAL_MATCHED : UB_FIRMWARE_ORIGIN_LOCAL_UNLISTED;
      c->firmware = g_object_ref (listed);
    }
  else
    {
      g_autofree char *uri = g_filename_to_uri (c->path, NULL, NULL);

      c->origin = UB_FIRMWARE_ORIGIN_LOCAL_UNLISTED;
      c->firmware = ub_firmware_new (ub_model_get_product_type (c->model), ub_ipsw_get_product_version (ipsw),
                                     ub_ipsw_get_build_version (ipsw), uri ? uri : c->path);
    }
  g_debug ("%s: iOS %s (%s), origin %d", c->path, ub_firmware_get_version (c->firmware),
           ub_firmware_get_build (c->firmware), c->origin);
  return TRUE;
}

static void
check_worker (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  GError *error = NULL;

  if (run_check (task_data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * ub_firmware_check_file_async:
 * @path: the .ipsw
 * @model: the phone it is for
 * @list: (nullable): the catalog for @model, if one could be had
 * @progress: (scope async) (nullable): called while the checksum is
 *   computed, on the thread-default main context, at most 4 times a second
 *
 * Checks @path in a worker thread; see the file's comment.
 */
void
ub_firmware_check_file_async (const char          *path,
                              UbModel             *model,
                              UbFirmwareList      *list,
                              UbHashProgress       progress,
                              gpointer             progress_data,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Check *c;

  g_return_if_fail (path != NULL);
  g_return_if_fail (UB_IS_MODEL (model));
  g_return_if_fail (list == NULL || UB_IS_FIRMWARE_LIST (list));

  c = g_new0 (Check, 1);
  c->path = g_strdup (path);
  c->model = g_object_ref (model);
  c->list = list ? g_object_ref (list) : NULL;
  c->progress = progress;
  c->progress_data = progress_data;
  c->context = g_main_context_ref_thread_default ();
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ub_firmware_check_file_async);
  g_task_set_task_data (task, c, (GDestroyNotify)check_free);
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, check_worker);
}

/**
 * ub_firmware_check_file_finish:
 * @path: (out) (optional): the file checked
 * @firmware: (out) (optional): the catalog's entry for it, or one made from
 *   its manifest
 *
 * Returns: how the file was checked, or %UB_FIRMWARE_ORIGIN_NONE with @error
 *   set when it cannot be used
 */
UbFirmwareOrigin
ub_firmware_check_file_finish (GAsyncResult  *result,
                               char         **path,
                               UbFirmware   **firmware,
                               GError       **error)
{
  Check *c;

  g_return_val_if_fail (g_task_is_valid (result, NULL), UB_FIRMWARE_ORIGIN_NONE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return UB_FIRMWARE_ORIGIN_NONE;
  c = g_task_get_task_data (G_TASK (result));
  if (path != NULL)
    *path = g_strdup (c->path);
  if (firmware != NULL)
    *firmware = g_object_ref (c->firmware);
  return c->origin;
}
