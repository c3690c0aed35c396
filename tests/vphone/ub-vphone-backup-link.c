/* ub-vphone-backup-link.c — DeviceLink on the phone's side of a backup connection
 *
 * Blocking reads and writes in the connection's thread, cancelled when the
 * phone goes away. Messages: a 4-byte big-endian length and a binary plist,
 * an array whose first item names the message. File streams: 4-byte
 * big-endian lengths, names and blocks of a code byte and data. Every step
 * the host takes is recorded as a `backup …` line.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-vphone-backup"

#include "config.h"

#include <string.h>

#include "ub-vphone-backup-private.h"

#define MAX_MESSAGE (16 * 1024 * 1024)

void
ub_vphone_backup_record (UbVphoneBackupSession *s,
                         const char            *format,
                         ...)
{
  g_autofree char *line = NULL;
  va_list args;

  va_start (args, format);
  line = g_strdup_vprintf (format, args);
  va_end (args);
  ub_vphone_recorder_log (s->recorder, "backup %s", line);
}

gboolean
ub_vphone_backup_write (UbVphoneBackupSession *s,
                        const void            *data,
                        gsize                  len)
{
  return g_output_stream_write_all (s->out, data, len, NULL, s->cancellable, NULL);
}

gboolean
ub_vphone_backup_read (UbVphoneBackupSession *s,
                       void                  *data,
                       gsize                  len)
{
  gsize got = 0;

  return g_input_stream_read_all (s->in, data, len, &got, s->cancellable, NULL) && got == len;
}

gboolean
ub_vphone_backup_write_be32 (UbVphoneBackupSession *s,
                             guint32                value)
{
  guint32 be = GUINT32_TO_BE (value);

  return ub_vphone_backup_write (s, &be, 4);
}

gboolean
ub_vphone_backup_read_be32 (UbVphoneBackupSession *s,
                            guint32               *value)
{
  guint32 be;

  if (!ub_vphone_backup_read (s, &be, 4))
    return FALSE;
  *value = GUINT32_FROM_BE (be);
  return TRUE;
}

/* Sends and frees @message */
gboolean
ub_vphone_backup_send (UbVphoneBackupSession *s,
                       plist_t                message)
{
  char *bin = NULL;
  uint32_t len = 0;
  gboolean ok;

  plist_to_bin (message, &bin, &len);
  plist_free (message);
  ok = ub_vphone_backup_write_be32 (s, len) && ub_vphone_backup_write (s, bin, len);
  plist_to_bin_free (bin);
  return ok;
}

plist_t
ub_vphone_backup_receive (UbVphoneBackupSession *s)
{
  g_autofree char *data = NULL;
  plist_t message = NULL;
  guint32 len;

  if (!ub_vphone_backup_read_be32 (s, &len) || len == 0 || len > MAX_MESSAGE)
    return NULL;
  data = g_malloc (len);
  if (!ub_vphone_backup_read (s, data, len))
    return NULL;
  plist_from_memory (data, len, &message);
  if (message != NULL && (plist_get_node_type (message) != PLIST_ARRAY || plist_array_get_size (message) < 1 ||
                          plist_get_node_type (plist_array_get_item (message, 0)) != PLIST_STRING))
    g_clear_pointer (&message, plist_free);
  return message;
}

const char *
ub_vphone_backup_message_name (plist_t message)
{
  return plist_get_string_ptr (plist_array_get_item (message, 0), NULL);
}

/* Sends a message made of @name and the items given, %NULL last (taken) */
gboolean
ub_vphone_backup_send_message (UbVphoneBackupSession *s,
                               const char            *name,
                               ...)
{
  plist_t message = plist_new_array ();
  va_list args;

  plist_array_append_item (message, plist_new_string (name));
  va_start (args, name);
  for (plist_t item = va_arg (args, plist_t); item != NULL; item = va_arg (args, plist_t))
    plist_array_append_item (message, item);
  va_end (args);
  return ub_vphone_backup_send (s, message);
}

gboolean
ub_vphone_backup_send_result (UbVphoneBackupSession *s,
                              guint64                code,
                              const char            *description)
{
  plist_t result = plist_new_dict ();

  plist_dict_set_item (result, "ErrorCode", plist_new_uint (code));
  if (description != NULL)
    plist_dict_set_item (result, "ErrorDescription", plist_new_string (description));
  ub_vphone_backup_record (s, "result %" G_GUINT64_FORMAT, code);
  return ub_vphone_backup_send_message (s, "DLMessageProcessMessage", result, NULL);
}

/* The host's DLMessageStatusResponse to the last request; logged */
gboolean
ub_vphone_backup_expect_status (UbVphoneBackupSession *s,
                                const char            *what,
                                guint64               *value)
{
  plist_t reply = ub_vphone_backup_receive (s);
  plist_t code_node, extra;
  guint64 code = G_MAXUINT64;

  if (reply == NULL || !g_str_equal (ub_vphone_backup_message_name (reply), "DLMessageStatusResponse"))
    {
      ub_vphone_backup_record (s, "status %s missing", what);
      g_clear_pointer (&reply, plist_free);
      return FALSE;
    }
  code_node = plist_array_get_item (reply, 1);
  if (code_node != NULL && plist_get_node_type (code_node) == PLIST_UINT)
    plist_get_uint_val (code_node, &code);
  extra = plist_array_get_item (reply, 3);
  if (value != NULL && extra != NULL && plist_get_node_type (extra) == PLIST_UINT)
    plist_get_uint_val (extra, value);
  ub_vphone_backup_record (s, "status %s %" G_GINT64_FORMAT, what, (gint64)code);
  plist_free (reply);
  return code == 0 || code == (guint64)-13;
}

gboolean
ub_vphone_backup_send_name (UbVphoneBackupSession *s,
                            const char            *name)
{
  return ub_vphone_backup_write_be32 (s, (guint32)strlen (name)) &&
         ub_vphone_backup_write (s, name, strlen (name));
}

gboolean
ub_vphone_backup_send_block (UbVphoneBackupSession *s,
                             guint8                 code,
                             const void            *data,
                             gsize                  len)
{
  return ub_vphone_backup_write_be32 (s, (guint32)len + 1) && ub_vphone_backup_write (s, &code, 1) &&
         (len == 0 || ub_vphone_backup_write (s, data, len));
}
