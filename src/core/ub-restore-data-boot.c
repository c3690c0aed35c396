/* ub-restore-data-boot.c — boot objects streamed in small messages
 * (restore-mode.md §4)
 *
 * PersonalizedBootObjectV3 and SourceBootObjectV4 are answered on the
 * request's DataPort with a stream of {FileData: ≤ 8192 bytes} messages
 * ended by {FileDataDone: true}:
 *  V3  Arguments.ImageName is a Manifest entry, sent as its IMG4; or
 *      __RestoreVersion__ / __SystemVersion__, the IPSW's own
 *      RestoreVersion.plist / SystemVersion.plist (at the archive's root in
 *      every iPhone IPSW with them), sent unchanged;
 *  V4  Arguments.ImageName is a Manifest entry sent unchanged, straight
 *      from the archive: Cryptex1,SystemOS is a 1.6–2 GB .dmg.aea, so it
 *      is read 8 KiB at a time, never whole.
 * An AEA-wrapped object ("AEA1" at its start) makes the phone ask for its
 * key on the same connection: after the first chunk we wait up to 3 s for
 * a URLAsset request there and answer it, then go on either way.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-restore-data"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ub-error.h"
#include "ub-plist.h"
#include "ub-restore-data-private.h"
#include "ub-restore-data-replies.h"

#define CHUNK_SIZE 8192
#define AEA_MAGIC "AEA1"
#define AEA_KEY_WAIT_MS 3000
#define PROGRESS_INTERVAL_US (250 * 1000)

typedef struct
{
  UbRestoreData *self;
  UbRestored    *port;
  const char    *name;
  guint64        total;    /* 0 when unknown */
  gboolean       progress;
} FileSend;

static gboolean
send_chunk (UbRestored    *port,
            const guint8  *data,
            gsize          len,
            GError       **error)
{
  plist_t message = plist_new_dict ();
  gboolean ok;

  plist_dict_set_item (message, "FileData", plist_new_data ((const char *) data, len));
  ok = ub_restored_send (port, message, error);
  plist_free (message);
  return ok;
}

/* After an AEA object's first chunk: the phone may ask for the key on this
 * connection; no request within the wait is not an error */
static gboolean
answer_aea_key (FileSend  *send,
                GError   **error)
{
  g_autoptr(GError) local = NULL;
  g_autofree char *type = NULL;
  plist_t request = ub_restored_receive (send->port, AEA_KEY_WAIT_MS, send->self->cancellable, &local);
  plist_t answer;
  gboolean ok;

  if (request == NULL)
    {
      if (!g_error_matches (local, UB_ERROR, UB_ERROR_TIMED_OUT))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      g_debug ("%s: no key request after the AEA header", send->name);
      return TRUE;
    }
  type = ub_plist_dup_string (plist_dict_get_item (request, "DataType"));
  _ub_restore_data_log (send->self, "data", "%s: %s request during the boot object", send->name,
                        type ? type : "unnamed");
  if (g_strcmp0 (type, "URLAsset") != 0)
    {
      plist_free (request);
      g_set_error (error, UB_ERROR, UB_ERROR_PROTOCOL, "Unexpected %s request while sending %s",
                   type ? type : "unnamed", send->name);
      return FALSE;
    }
  answer = _ub_restore_data_url_answer (send->self, request, FALSE, error);
  plist_free (request);
  if (answer == NULL)
    return FALSE;
  ok = ub_restored_send_binary (send->port, answer, error);
  plist_free (answer);
  return ok;
}

static void
report (FileSend *send,
        guint64   done,
        gint64   *last)
{
  gint64 now = g_get_monotonic_time ();

  if (!send->progress || (now - *last < PROGRESS_INTERVAL_US && done != send->total))
    return;
  *last = now;
  _ub_restore_data_progress (send->self,
                             /* TRANSLATORS: progress while the system's extra parts are copied */
                             _("Copying system files to the iPhone"), done, send->total);
}

/* The FileData stream: @input to its end in ≤ 8 KiB messages, then
 * FileDataDone */
static gboolean
stream_file_data (FileSend      *send,
                  GInputStream  *input,
                  GError       **error)
{
  g_autofree guint8 *buffer = g_malloc (CHUNK_SIZE);
  plist_t done_message;
  guint64 sent = 0;
  gint64 last = 0;
  gsize len = 0;
  gboolean ok;

  do
    {
      if (g_cancellable_set_error_if_cancelled (send->self->cancellable, error) ||
          !g_input_stream_read_all (input, buffer, CHUNK_SIZE, &len, send->self->cancellable, error))
        return FALSE;
      if (len > 0 && !send_chunk (send->port, buffer, len, error))
        return FALSE;
      if (sent == 0 && len >= strlen (AEA_MAGIC) && memcmp (buffer, AEA_MAGIC, strlen (AEA_MAGIC)) == 0 &&
          !answer_aea_key (send, error))
        return FALSE;
      sent += len;
      report (send, sent, &last);
    }
  while (len == CHUNK_SIZE);
  done_message = plist_new_dict ();
  plist_dict_set_item (done_message, "FileDataDone", plist_new_bool (1));
  ok = ub_restored_send (send->port, done_message, error);
  plist_free (done_message);
  if (ok)
    _ub_restore_data_log (send->self, "data", "%s: %" G_GUINT64_FORMAT " bytes sent", send->name, sent);
  return ok;
}

static gboolean
send_stream (UbRestoreData  *self,
             plist_t         message,
             const char     *name,
             GInputStream   *input,
             guint64         total,
             GError        **error)
{
  g_autoptr(UbRestored) port = _ub_restore_data_open_port (self, message, error);
  FileSend send = { self, port, name, total, total > 16 * 1024 * 1024 };

  if (port == NULL)
    return FALSE;
  g_debug ("streaming %s (%" G_GUINT64_FORMAT " bytes)", name, total);
  return stream_file_data (&send, input, error);
}

static char *
dup_image_name (plist_t   message,
                GError  **error)
{
  char *name = _ub_restore_data_dup_argument (message, "ImageName");

  if (name == NULL)
    g_set_error_literal (error, UB_ERROR, UB_ERROR_PROTOCOL,
                         _("The iPhone asked for a boot file without naming it."));
  return name;
}

/* An entry of the IPSW, unchanged */
static gboolean
send_entry (UbRestoreData  *self,
            plist_t         message,
            const char     *name,
            const char     *path,
            GError        **error)
{
  g_autoptr(GInputStream) input = NULL;
  guint64 size = 0;

  if (!ub_ipsw_get_component_size (self->ipsw, path, &size, error) ||
      (input = ub_ipsw_open_component (self->ipsw, path, error)) == NULL)
    return FALSE;
  return send_stream (self, message, name, input, size, error);
}

gboolean
_ub_restore_data_boot_object (UbRestoreData  *self,
                              plist_t         message,
                              GError        **error)
{
  g_autofree char *name = dup_image_name (message, error);
  g_autoptr(GBytes) img4 = NULL;
  g_autoptr(GInputStream) input = NULL;
  const char *entry;

  if (name == NULL)
    return FALSE;
  if ((entry = ub_restore_data_boot_entry (name)) != NULL)
    return send_entry (self, message, name, entry, error);
  if (g_str_has_prefix (name, "__"))
    {
      g_set_error (error, UB_ERROR, UB_ERROR_NOT_SUPPORTED,
                   /* TRANSLATORS: %s: a name of the restore protocol, e.g. __GlobalManifest__ */
                   _("The iPhone asked for “%s”, which only Mac restores use. Check that the firmware file is for this iPhone."),
                   name);
      return FALSE;
    }
  if ((img4 = _ub_restore_data_personalize (self, name, error)) == NULL)
    return FALSE;
  input = g_memory_input_stream_new_from_bytes (img4);
  return send_stream (self, message, name, input, g_bytes_get_size (img4), error);
}

gboolean
_ub_restore_data_source_boot_object (UbRestoreData  *self,
                                     plist_t         message,
                                     GError        **error)
{
  g_autofree char *name = dup_image_name (message, error);
  const char *path;

  if (name == NULL)
    return FALSE;
  path = ub_build_identity_get_component_path (self->identity, name);
  if (path == NULL)
    {
      g_set_error (error, UB_ERROR, UB_ERROR_WRONG_FIRMWARE,
                   /* TRANSLATORS: %s: a firmware component name, e.g. "Cryptex1,SystemOS" */
                   _("The iPhone asked for the firmware part “%s”, which this firmware file does not have. Check that the firmware file is for this iPhone."),
                   name);
      return FALSE;
    }
  return send_entry (self, message, name, path, error);
}
