/* ub-vphone-backup-session.c — what the phone does on one backup connection
 *
 * In the connection's own thread, with blocking I/O that the phone's going
 * away cancels. DeviceLink framing (restore-protocol.md §4b): a 4-byte
 * big-endian length and a binary plist, an array whose first item names the
 * message. The phone:
 *
 *  1. DLMessageVersionExchange (300), waits for DLVersionsOk, then
 *     DLMessageDeviceReady; answers Hello with the highest of 2.0 and 2.1 the
 *     host offers.
 *  2. On a Backup request (fault backup-refused: ErrorCode 208 at once):
 *     asks the free space (DLMessageGetFreeDiskSpace), makes its folder
 *     (DLMessageCreateDirectory), asks for the last backup's Status.plist
 *     and Manifest.plist (DLMessageDownloadFiles), sends Status.plist
 *     ("uploading"), the data files (ub-vphone-backup-data.c) a few per
 *     DLMessageUploadFiles, Manifest.db under a temporary name moved into
 *     place (DLMessageMoveItems), removes Manifest.mbdx
 *     (DLMessageRemoveItems), sends Manifest.plist and Status.plist
 *     ("finished"), then ErrorCode 0.
 *  3. Waits for the host's DLMessageDisconnect.
 *
 * Faults: backup-stall (half of the middle data file, then silence),
 * backup-unplug-at-file N (the cable comes out before data file N),
 * backup-bad-path (the first data file is named "../unbrick-vphone-escape").
 * The record file gets a `backup …` line for each step.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-vphone-backup"

#include "config.h"

#include <string.h>

#include "ub-vphone-backup-private.h"

#define BLOCK_SIZE        (256 * 1024)
#define FILES_PER_UPLOAD  4
#define MAX_MESSAGE       (16 * 1024 * 1024)
#define CODE_SUCCESS      0x00
#define CODE_ERROR_LOCAL  0x06
#define CODE_FILE_DATA    0x0c
#define ESCAPE_NAME       "../unbrick-vphone-escape"
#define ERROR_REFUSED     208
#define ERROR_NO_SPACE    105

typedef UbVphoneBackupSession Session;












static gboolean
version_exchange (Session *s)
{
  plist_t reply;
  gboolean ok;

  if (!ub_vphone_backup_send_message (s, "DLMessageVersionExchange", plist_new_uint (300), plist_new_uint (0),
                                      NULL))
    return FALSE;
  reply = ub_vphone_backup_receive (s);
  ok = reply != NULL && g_str_equal (ub_vphone_backup_message_name (reply), "DLMessageVersionExchange") &&
       plist_array_get_size (reply) >= 2 &&
       g_strcmp0 (plist_get_string_ptr (plist_array_get_item (reply, 1), NULL), "DLVersionsOk") == 0;
  g_clear_pointer (&reply, plist_free);
  ub_vphone_backup_record (s, "version exchange %s", ok ? "ok" : "failed");
  return ok && ub_vphone_backup_send_message (s, "DLMessageDeviceReady", NULL);
}

static gboolean
answer_hello (Session *s,
              plist_t  hello)
{
  plist_t versions = plist_dict_get_item (hello, "SupportedProtocolVersions");
  plist_t answer = plist_new_dict ();
  double best = 0;

  for (guint i = 0; versions != NULL && i < plist_array_get_size (versions); i++)
    {
      double v = 0;

      plist_get_real_val (plist_array_get_item (versions, i), &v);
      if ((v == 2.0 || v == 2.1) && v > best)
        best = v;
    }
  ub_vphone_backup_record (s, "hello %.1f", best);
  plist_dict_set_item (answer, "MessageName", plist_new_string ("Response"));
  plist_dict_set_item (answer, "ErrorCode", plist_new_uint (best > 0 ? 0 : 1));
  if (best > 0)
    plist_dict_set_item (answer, "ProtocolVersion", plist_new_real (best));
  return ub_vphone_backup_send_message (s, "DLMessageProcessMessage", answer, NULL);
}

static char *
backup_path (Session    *s,
             const char *name)
{
  return g_strdup_printf ("%s/%s", s->udid, name);
}



static gboolean
upload_begin (Session *s,
              double   percent,
              guint64  bytes)
{
  return ub_vphone_backup_send_message (s, "DLMessageUploadFiles", plist_new_dict (), plist_new_real (percent),
                                        plist_new_uint (bytes), NULL);
}

static gboolean
upload_end (Session *s)
{
  return ub_vphone_backup_write_be32 (s, 0) && ub_vphone_backup_expect_status (s, "upload", NULL);
}

static gboolean
upload_bytes (Session    *s,
              const char *name,
              GBytes     *bytes)
{
  g_autofree char *path = backup_path (s, name);
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  ub_vphone_backup_record (s, "upload %s %" G_GSIZE_FORMAT, path, len);
  return ub_vphone_backup_send_name (s, path) && ub_vphone_backup_send_name (s, path) &&
         (len == 0 || ub_vphone_backup_send_block (s, CODE_FILE_DATA, data, len)) &&
         ub_vphone_backup_send_block (s, CODE_SUCCESS, NULL, 0);
}

static gboolean
upload_plist (Session    *s,
              const char *name,
              plist_t     plist)
{
  char *bin = NULL;
  uint32_t len = 0;
  g_autoptr(GBytes) bytes = NULL;

  plist_to_bin (plist, &bin, &len);
  plist_free (plist);
  bytes = g_bytes_new (bin, len);
  plist_to_bin_free (bin);
  return upload_bytes (s, name, bytes);
}

/* Blocks until the host goes or the phone is taken away */
static void
wait_for_end (Session *s)
{
  guint8 sink[4096];

  while (g_input_stream_read (s->in, sink, sizeof sink, s->cancellable, NULL) > 0)
    ;
}

/* A date as plists count it: seconds since 2001 */
static plist_t
mac_now (void)
{
  return plist_new_date ((int32_t)(g_get_real_time () / G_USEC_PER_SEC - 978307200), 0);
}

static plist_t
status_plist (Session    *s,
              const char *state)
{
  plist_t status = plist_new_dict ();
  g_autofree char *uuid = g_uuid_string_random ();

  plist_dict_set_item (status, "BackupState", plist_new_string ("new"));
  plist_dict_set_item (status, "Date", mac_now ());
  plist_dict_set_item (status, "IsFullBackup", plist_new_bool (TRUE));
  plist_dict_set_item (status, "SnapshotState", plist_new_string (state));
  plist_dict_set_item (status, "UUID", plist_new_string (uuid));
  plist_dict_set_item (status, "Version", plist_new_string ("3.3"));
  return status;
}

static plist_t
manifest_plist (Session *s)
{
  plist_t manifest = plist_new_dict ();
  plist_t lockdown = plist_new_dict ();

  plist_dict_set_item (lockdown, "BuildVersion", plist_new_string (s->build_version));
  plist_dict_set_item (lockdown, "DeviceName", plist_new_string (s->device_name));
  plist_dict_set_item (lockdown, "ProductType", plist_new_string (s->product_type));
  plist_dict_set_item (lockdown, "ProductVersion", plist_new_string (s->product_version));
  plist_dict_set_item (lockdown, "UniqueDeviceID", plist_new_string (s->udid));
  plist_dict_set_item (manifest, "Date", mac_now ());
  plist_dict_set_item (manifest, "IsEncrypted", plist_new_bool (s->encrypted));
  plist_dict_set_item (manifest, "Lockdown", lockdown);
  plist_dict_set_item (manifest, "Version", plist_new_string ("10.0"));
  plist_dict_set_item (manifest, "WasPasscodeSet", plist_new_bool (FALSE));
  return manifest;
}

/* backup-rate: waits until @n more bytes are due */
static void
throttle (Session *s,
          gsize    n)
{
  gint64 due;

  if (s->rate == 0)
    return;
  if (s->started == 0)
    s->started = g_get_monotonic_time ();
  s->sent += n;
  due = s->started + (gint64)(s->sent * (double)G_USEC_PER_SEC / s->rate);
  while (g_get_monotonic_time () < due && !g_cancellable_is_cancelled (s->cancellable))
    g_usleep (MIN (due - g_get_monotonic_time (), 20000) + 1);
}

typedef enum
{
  DATA_SENT,
  DATA_FAILED,
  DATA_STOPPED,     /* a fault: the host is left waiting */
} DataResult;

static DataResult
upload_data_file (Session *s,
                  guint    index,
                  guint8  *buffer)
{
  g_autofree char *name = ub_vphone_backup_file_name (&s->layout, index);
  g_autofree char *path = s->bad_path && index == 0 ? g_strdup (ESCAPE_NAME) : backup_path (s, name);
  guint64 size = ub_vphone_backup_file_size (&s->layout, index);
  gboolean stall_here = s->stall && index == s->layout.n_files / 2;

  if (s->unplug_at >= 0 && index == (guint)s->unplug_at)
    {
      ub_vphone_backup_record (s, "unplug at file %u", index);
      _ub_vphone_backup_unplug (s);
      return DATA_STOPPED;
    }
  ub_vphone_backup_record (s, "upload %s %" G_GUINT64_FORMAT, path, size);
  if (!ub_vphone_backup_send_name (s, path) || !ub_vphone_backup_send_name (s, path))
    return DATA_FAILED;
  for (guint64 offset = 0; offset < size; offset += BLOCK_SIZE)
    {
      gsize n = (gsize)MIN (BLOCK_SIZE, size - offset);

      if (stall_here && offset >= size / 2)
        {
          ub_vphone_backup_record (s, "stall in file %u at byte %" G_GUINT64_FORMAT, index, offset);
          return DATA_STOPPED;
        }
      ub_vphone_backup_fill (&s->layout, index, offset, buffer, n);
      throttle (s, n);
      if (!ub_vphone_backup_send_block (s, CODE_FILE_DATA, buffer, n))
        return DATA_FAILED;
    }
  return ub_vphone_backup_send_block (s, CODE_SUCCESS, NULL, 0) ? DATA_SENT : DATA_FAILED;
}

/* The folders of a batch's files ("<UDID>/ab"), each once, as a phone makes them */
static gboolean
make_folders (Session    *s,
              guint       first,
              guint       last,
              GHashTable *made)
{
  for (guint i = first; i < last; i++)
    {
      g_autofree char *name = ub_vphone_backup_file_name (&s->layout, i);
      char *folder = g_strdup_printf ("%s/%.2s", s->udid, name);

      if (g_hash_table_contains (made, folder))
        {
          g_free (folder);
          continue;
        }
      g_hash_table_add (made, folder);
      if (!ub_vphone_backup_send_message (s, "DLMessageCreateDirectory", plist_new_string (folder), NULL) ||
          !ub_vphone_backup_expect_status (s, "mkdir", NULL))
        return FALSE;
    }
  return TRUE;
}

/* The data files, a few per DLMessageUploadFiles; progress from 5 to 90 % */
static DataResult
upload_data (Session *s)
{
  g_autofree guint8 *buffer = g_malloc (BLOCK_SIZE);
  g_autoptr(GHashTable) made = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint64 done = 0;

  for (guint first = 0; first < s->layout.n_files; first += FILES_PER_UPLOAD)
    {
      guint last = MIN (first + FILES_PER_UPLOAD, s->layout.n_files);
      guint64 batch = 0;
      double percent;

      for (guint i = first; i < last; i++)
        batch += ub_vphone_backup_file_size (&s->layout, i);
      done += batch;
      percent = 5.0 + 85.0 * (s->layout.total > 0 ? (double)done / s->layout.total : 1.0);
      if (!make_folders (s, first, last, made) || !upload_begin (s, percent, batch))
        return DATA_FAILED;
      for (guint i = first; i < last; i++)
        {
          DataResult result = upload_data_file (s, i, buffer);

          if (result != DATA_SENT)
            return result;
        }
      if (!upload_end (s))
        return DATA_FAILED;
    }
  return DATA_SENT;
}

/* What the host has of an earlier backup, as a phone asks before an incremental one */
static gboolean
download_previous (Session *s)
{
  g_autofree char *status = backup_path (s, "Status.plist");
  g_autofree char *manifest = backup_path (s, "Manifest.plist");
  plist_t names = plist_new_array ();
  g_autofree guint8 *data = NULL;

  plist_array_append_item (names, plist_new_string (status));
  plist_array_append_item (names, plist_new_string (manifest));
  if (!ub_vphone_backup_send_message (s, "DLMessageDownloadFiles", names, plist_new_dict (), plist_new_real (1.0),
                                      NULL))
    return FALSE;
  for (;;)
    {
      g_autofree char *name = NULL;
      guint32 len, total = 0;
      guint8 code = CODE_FILE_DATA;

      if (!ub_vphone_backup_read_be32 (s, &len) || len > 4096)
        return FALSE;
      if (len == 0)
        break;
      name = g_malloc0 (len + 1);
      if (!ub_vphone_backup_read (s, name, len))
        return FALSE;
      while (code == CODE_FILE_DATA)
        {
          if (!ub_vphone_backup_read_be32 (s, &len) || len == 0 || len > MAX_MESSAGE ||
              !ub_vphone_backup_read (s, &code, 1))
            return FALSE;
          data = g_realloc (data, len);
          if (len > 1 && !ub_vphone_backup_read (s, data, len - 1))
            return FALSE;
          if (code == CODE_FILE_DATA)
            total += len - 1;
        }
      ub_vphone_backup_record (s, "download %s %s %u", name, code == CODE_SUCCESS ? "sent" : "missing", total);
    }
  return ub_vphone_backup_expect_status (s, "download", NULL);
}

static gboolean
move_and_remove (Session *s)
{
  g_autofree char *tmp = backup_path (s, "Manifest.db.new");
  g_autofree char *db = backup_path (s, "Manifest.db");
  g_autofree char *mbdx = backup_path (s, "Manifest.mbdx");
  g_autoptr(GBytes) bytes = ub_vphone_backup_manifest_db (&s->layout);
  plist_t moves = plist_new_dict ();
  plist_t removes = plist_new_array ();

  plist_dict_set_item (moves, tmp, plist_new_string (db));
  plist_array_append_item (removes, plist_new_string (mbdx));
  return upload_begin (s, 92.0, g_bytes_get_size (bytes)) && upload_bytes (s, "Manifest.db.new", bytes) &&
         upload_end (s) &&
         ub_vphone_backup_send_message (s, "DLMessageMoveItems", moves, plist_new_dict (),
                                        plist_new_real (95.0), NULL) &&
         ub_vphone_backup_expect_status (s, "move", NULL) &&
         ub_vphone_backup_send_message (s, "DLMessageRemoveItems", removes, plist_new_dict (),
                                        plist_new_real (96.0), NULL) &&
         ub_vphone_backup_expect_status (s, "remove", NULL);
}

static gboolean
prepare (Session *s)
{
  guint64 free_space = 0;

  if (!ub_vphone_backup_send_message (s, "DLMessageGetFreeDiskSpace", NULL) ||
      !ub_vphone_backup_expect_status (s, "free-space", &free_space))
    return FALSE;
  ub_vphone_backup_record (s, "free-space %" G_GUINT64_FORMAT, free_space);
  if (free_space < s->layout.total)
    {
      ub_vphone_backup_send_result (s, ERROR_NO_SPACE, "Insufficient free disk space on drive to back up");
      return FALSE;
    }
  return ub_vphone_backup_send_message (s, "DLMessageCreateDirectory", plist_new_string (s->udid), NULL) &&
         ub_vphone_backup_expect_status (s, "mkdir", NULL) && download_previous (s);
}

static void
run_backup (Session *s)
{
  DataResult result;

  if (s->refused)
    {
      ub_vphone_backup_send_result (s, ERROR_REFUSED, "The backup was refused (vphone fault backup-refused)");
      return;
    }
  if (!prepare (s))
    return;
  if (!upload_begin (s, 2.0, 0) || !upload_plist (s, "Status.plist", status_plist (s, "uploading")) ||
      !upload_end (s))
    return;
  result = upload_data (s);
  if (result == DATA_STOPPED)
    wait_for_end (s);
  if (result != DATA_SENT || !move_and_remove (s))
    return;
  if (!upload_begin (s, 100.0, 0) || !upload_plist (s, "Manifest.plist", manifest_plist (s)) ||
      !upload_plist (s, "Status.plist", status_plist (s, "finished")) || !upload_end (s))
    return;
  ub_vphone_backup_send_result (s, 0, NULL);
}

/* One ProcessMessage from the host; FALSE when the connection is over */
static gboolean
process (Session *s,
         plist_t  message)
{
  plist_t dict = plist_array_get_item (message, 1);
  plist_t node = dict && plist_get_node_type (dict) == PLIST_DICT ? plist_dict_get_item (dict, "MessageName") : NULL;
  const char *name = node && plist_get_node_type (node) == PLIST_STRING ? plist_get_string_ptr (node, NULL) : "";

  if (g_str_equal (name, "Hello"))
    return answer_hello (s, dict);
  if (g_str_equal (name, "Backup"))
    {
      plist_t target = plist_dict_get_item (dict, "TargetIdentifier");

      ub_vphone_backup_record (s, "request Backup %s", target && plist_get_node_type (target) == PLIST_STRING
                                   ? plist_get_string_ptr (target, NULL) : "(none)");
      run_backup (s);
      return TRUE;
    }
  ub_vphone_backup_record (s, "request %s refused", name);
  return ub_vphone_backup_send_result (s, 1, "Unknown request");
}

/**
 * ub_vphone_backup_session_run:
 *
 * The phone's side of one connection, in its own thread.
 */
void
ub_vphone_backup_session_run (UbVphoneBackupSession *s)
{
  if (!version_exchange (s))
    return;
  for (;;)
    {
      plist_t message = ub_vphone_backup_receive (s);
      gboolean go_on;

      if (message == NULL)
        {
          ub_vphone_backup_record (s, "host gone");
          return;
        }
      if (g_str_equal (ub_vphone_backup_message_name (message), "DLMessageDisconnect"))
        {
          ub_vphone_backup_record (s, "host disconnect");
          plist_free (message);
          return;
        }
      go_on = !g_str_equal (ub_vphone_backup_message_name (message), "DLMessageProcessMessage") ||
              process (s, message);
      plist_free (message);
      if (!go_on)
        return;
    }
}
