/* ub-vphone-asr.c — ASR on port 12345 of a phone in restore mode
 *
 * Each connection runs in its own thread with blocking reads (cancelled
 * when the phone leaves usbmuxd), as the phone side of the exchange the
 * host's ub-asr.c drives:
 *  - it sends {Command: Initiate, "Checksum Chunks": setting asr-checksum};
 *  - reads the packet info (an XML plist, up to "</plist>") and checks
 *    Payload.Size and that "Checksum Chunk Size" is 131072 exactly when
 *    checksum chunks are on;
 *  - asks two OOBData reads (72 bytes at 0, 512 bytes 1024 bytes before the
 *    end) and keeps them, to compare with the same bytes in the stream;
 *  - sends Payload and receives the image chunk by chunk (131072 bytes,
 *    then a 20-byte SHA-1 when checksum chunks are on), hashing the whole
 *    with SHA-256, and records "asr received N bytes sha256 HEX chunks ok"
 *    (or "chunks unchecked" without checksums).
 * Faults (snapshotted when the connection opens): asr-silent (never sends
 * Initiate), asr-bad-oob (asks OOB bytes past the end), asr-drop-at N
 * (closes before chunk N), asr-corrupt (reports a checksum failure at the
 * second chunk and closes), asr-unplug-at N (the cable comes out after
 * chunk N: the phone leaves usbmuxd until `plug`).
 * ::finished tells restored (on the main thread) how the transfer ended,
 * whether the host came on port 12345 or on the request's DataPort (the
 * same service is put on both).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-vphone-asr"

#include "config.h"

#include <string.h>

#include <plist/plist.h>

#include "ub-vphone-asr-private.h"

#define CHUNK_SIZE      131072
#define SHA1_LEN        20
#define HEAD_LEN        72
#define TAIL_LEN        512
#define TAIL_BACK       1024
#define MAX_PLIST_BYTES 65536

struct _UbVphoneAsr
{
  GObject           parent_instance;

  UbVphoneFaults   *faults;
  UbVphoneRecorder *recorder;
  gboolean          checksum;
  GPtrArray        *cancellables;   /* one per open connection */
  UbVphonePhone    *phone;          /* for asr-unplug-at */
};


typedef struct
{
  GIOStream        *stream;
  GCancellable     *cancellable;
  UbVphoneRecorder *recorder;
  gboolean          checksum;
  gboolean          silent;
  gboolean          bad_oob;
  gboolean          corrupt;
  int               drop_at;        /* -1: never */
  int               unplug_at;      /* -1: never */
  gboolean          unplugged;
  UbVphoneAsr      *asr;
  char             *problem;        /* why the transfer failed */
  char             *summary;        /* what arrived */
  guint64           size;
  guint8            head[HEAD_LEN];
  guint8            tail[TAIL_LEN];
  guint64           tail_offset;
  gsize             head_len;
  gsize             tail_len;
} AsrConn;

static void ub_vphone_asr_service_init (UbVphoneServiceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (UbVphoneAsr, ub_vphone_asr, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (UB_TYPE_VPHONE_SERVICE,
                                                      ub_vphone_asr_service_init))

static void
asr_conn_free (AsrConn *conn)
{
  g_io_stream_close (conn->stream, NULL, NULL);
  g_object_unref (conn->stream);
  g_object_unref (conn->cancellable);
  g_object_unref (conn->recorder);
  g_object_unref (conn->asr);
  g_free (conn->problem);
  g_free (conn->summary);
  g_free (conn);
}

static gboolean
send_plist (AsrConn  *conn,
            plist_t   message,
            GError  **error)
{
  g_autofree char *xml = NULL;
  uint32_t len = 0;

  plist_to_xml (message, &xml, &len);
  plist_free (message);
  return g_output_stream_write_all (g_io_stream_get_output_stream (conn->stream), xml, len,
                                    NULL, conn->cancellable, error);
}

static gboolean
send_command (AsrConn     *conn,
              const char  *command,
              GError     **error)
{
  plist_t message = plist_new_dict ();

  plist_dict_set_item (message, "Command", plist_new_string (command));
  if (g_str_equal (command, "Initiate"))
    plist_dict_set_item (message, "Checksum Chunks", plist_new_bool (conn->checksum));
  return send_plist (conn, message, error);
}

/* Reads byte by byte up to "</plist>": the host sends nothing after the
 * packet info until asked, so no byte is read ahead. */
static plist_t
read_plist (AsrConn  *conn,
            GError  **error)
{
  GInputStream *in = g_io_stream_get_input_stream (conn->stream);
  g_autoptr(GString) text = g_string_new (NULL);
  plist_t message = NULL;

  while (!g_str_has_suffix (text->str, "</plist>"))
    {
      char c;
      gsize got = 0;

      if (text->len > MAX_PLIST_BYTES)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "packet info too long");
          return NULL;
        }
      if (!g_input_stream_read_all (in, &c, 1, &got, conn->cancellable, error))
        return NULL;
      if (got == 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED, "the host closed the connection");
          return NULL;
        }
      g_string_append_c (text, c);
    }
  plist_from_xml (text->str, (uint32_t)text->len, &message);
  if (message == NULL || plist_get_node_type (message) != PLIST_DICT)
    {
      g_clear_pointer (&message, plist_free);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "packet info is not a dictionary");
    }
  return message;
}

static gboolean
check_packet_info (AsrConn  *conn,
                   plist_t   info,
                   GError  **error)
{
  plist_t payload = plist_dict_get_item (info, "Payload");
  plist_t size = payload ? plist_dict_get_item (payload, "Size") : NULL;
  plist_t chunk = plist_dict_get_item (info, "Checksum Chunk Size");
  uint64_t chunk_size = 0;

  if (size == NULL || plist_get_node_type (size) != PLIST_UINT)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "packet info has no Payload.Size");
      return FALSE;
    }
  plist_get_uint_val (size, &conn->size);
  if (chunk != NULL && plist_get_node_type (chunk) == PLIST_UINT)
    plist_get_uint_val (chunk, &chunk_size);
  if (conn->checksum ? chunk_size != CHUNK_SIZE : chunk != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "Checksum Chunk Size %" G_GUINT64_FORMAT " with checksum chunks %s",
                   (guint64)chunk_size, conn->checksum ? "on" : "off");
      return FALSE;
    }
  ub_vphone_recorder_log (conn->recorder, "asr packet info size %" G_GUINT64_FORMAT " checksum %s",
                          conn->size, conn->checksum ? "yes" : "no");
  return TRUE;
}

static gboolean
read_exact (AsrConn  *conn,
            guint8   *buf,
            gsize     len,
            GError  **error)
{
  gsize got = 0;

  if (!g_input_stream_read_all (g_io_stream_get_input_stream (conn->stream), buf, len, &got,
                                conn->cancellable, error))
    return FALSE;
  if (got != len)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED,
                   "the host closed the connection after %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " bytes",
                   got, len);
      return FALSE;
    }
  return TRUE;
}

static gboolean
ask_oob (AsrConn  *conn,
         guint64   offset,
         guint64   length,
         guint8   *buf,
         GError  **error)
{
  plist_t message = plist_new_dict ();

  plist_dict_set_item (message, "Command", plist_new_string ("OOBData"));
  plist_dict_set_item (message, "OOB Offset", plist_new_uint (offset));
  plist_dict_set_item (message, "OOB Length", plist_new_uint (length));
  ub_vphone_recorder_log (conn->recorder, "asr OOBData %" G_GUINT64_FORMAT " at %" G_GUINT64_FORMAT,
                          length, offset);
  if (!send_plist (conn, message, error))
    return FALSE;
  return buf == NULL || read_exact (conn, buf, length, error);
}

static gboolean
handshake (AsrConn  *conn,
           GError  **error)
{
  plist_t info;
  gboolean ok;

  if (!send_command (conn, "Initiate", error) || (info = read_plist (conn, error)) == NULL)
    return FALSE;
  ok = check_packet_info (conn, info, error);
  plist_free (info);
  if (!ok)
    return FALSE;
  if (conn->bad_oob)
    {
      /* the host must refuse and close: wait for the end of the connection */
      guint8 c;

      if (!ask_oob (conn, conn->size - MIN (conn->size, 100), TAIL_LEN, NULL, error))
        return FALSE;
      if (read_exact (conn, &c, 1, NULL))
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "the host answered a bad OOB request");
      else
        ub_vphone_recorder_log (conn->recorder, "asr bad OOB request refused");
      return FALSE;
    }
  conn->head_len = (gsize)MIN (conn->size, HEAD_LEN);
  conn->tail_offset = conn->size > TAIL_BACK ? conn->size - TAIL_BACK : 0;
  conn->tail_len = (gsize)MIN (conn->size - conn->tail_offset, TAIL_LEN);
  return (conn->head_len == 0 || ask_oob (conn, 0, conn->head_len, conn->head, error)) &&
         (conn->tail_len == 0 || ask_oob (conn, conn->tail_offset, conn->tail_len, conn->tail, error)) &&
         send_command (conn, "Payload", error);
}

/* The OOB bytes the host sent must be the same as in the stream. */
static gboolean
check_oob (AsrConn      *conn,
           guint64       at,
           const guint8 *chunk,
           gsize         len)
{
  for (gsize i = 0; i < len; i++)
    {
      guint64 pos = at + i;

      if (pos < conn->head_len && chunk[i] != conn->head[pos])
        return FALSE;
      if (pos >= conn->tail_offset && pos < conn->tail_offset + conn->tail_len &&
          chunk[i] != conn->tail[pos - conn->tail_offset])
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_sha1 (const guint8 *chunk,
            gsize         len,
            const guint8 *expected)
{
  g_autoptr(GChecksum) sha1 = g_checksum_new (G_CHECKSUM_SHA1);
  guint8 digest[SHA1_LEN];
  gsize digest_len = sizeof digest;

  g_checksum_update (sha1, chunk, len);
  g_checksum_get_digest (sha1, digest, &digest_len);
  return memcmp (digest, expected, SHA1_LEN) == 0;
}

/* One chunk of the payload; FALSE (error unset) for a fault or a bad chunk. */
static gboolean
receive_chunk (AsrConn    *conn,
               guint       index,
               guint64     at,
               guint8     *chunk,
               gsize       len,
               GChecksum  *sha256,
               GError    **error)
{
  guint8 digest[SHA1_LEN];

  if (conn->drop_at >= 0 && index == (guint)conn->drop_at)
    {
      ub_vphone_recorder_log (conn->recorder, "asr dropped at chunk %u", index);
      conn->problem = g_strdup_printf ("the transfer stopped at chunk %u", index);
      return FALSE;
    }
  if (!read_exact (conn, chunk, len, error) ||
      (conn->checksum && !read_exact (conn, digest, SHA1_LEN, error)))
    return FALSE;
  if ((conn->checksum && !check_sha1 (chunk, len, digest)) || (conn->corrupt && index == 1))
    {
      ub_vphone_recorder_log (conn->recorder, "asr checksum failure at chunk %u", index);
      conn->problem = g_strdup_printf ("checksum failure at chunk %u", index);
      return FALSE;
    }
  if (!check_oob (conn, at, chunk, len))
    {
      ub_vphone_recorder_log (conn->recorder, "asr OOB data differs in chunk %u", index);
      conn->problem = g_strdup_printf ("OOB data differs in chunk %u", index);
      return FALSE;
    }
  g_checksum_update (sha256, chunk, len);
  return TRUE;
}

/* The cable comes out (on the main thread, where the phone lives) */
static void
unplug (AsrConn *conn,
        guint    index)
{
  ub_vphone_recorder_log (conn->recorder, "asr unplugged after chunk %u", index);
  conn->unplugged = TRUE;
  _ub_vphone_asr_pull_cable (conn->asr->faults, conn->asr->phone, index);
}

static gboolean
receive_payload (AsrConn  *conn,
                 GError  **error)
{
  g_autofree guint8 *chunk = g_malloc (CHUNK_SIZE);
  g_autoptr(GChecksum) sha256 = g_checksum_new (G_CHECKSUM_SHA256);
  guint64 done = 0;
  guint index = 0;
  guint8 extra;

  while (done < conn->size)
    {
      gsize len = (gsize)MIN ((guint64)CHUNK_SIZE, conn->size - done);

      if (!receive_chunk (conn, index, done, chunk, len, sha256, error))
        return FALSE;
      done += len;
      if (conn->unplug_at >= 0 && index == (guint) conn->unplug_at)
        {
          unplug (conn, index);
          return FALSE;
        }
      index++;
    }
  if (read_exact (conn, &extra, 1, NULL))
    {
      ub_vphone_recorder_log (conn->recorder, "asr received more than %" G_GUINT64_FORMAT " bytes", done);
      conn->problem = g_strdup_printf ("more than %" G_GUINT64_FORMAT " bytes", done);
      return FALSE;
    }
  conn->summary = g_strdup_printf ("%" G_GUINT64_FORMAT " bytes sha256 %s",
                                   done, g_checksum_get_string (sha256));
  ub_vphone_recorder_log (conn->recorder, "asr received %" G_GUINT64_FORMAT " bytes sha256 %s chunks %s",
                          done, g_checksum_get_string (sha256), conn->checksum ? "ok" : "unchecked");
  return TRUE;
}

/* Tells ::finished on the main thread; nothing when the cable came out */
static void
report (AsrConn *conn,
        GError  *error)
{
  if (conn->unplugged || g_cancellable_is_cancelled (conn->cancellable))
    return;
  _ub_vphone_asr_emit_finished (conn->asr, conn->summary != NULL,
                                conn->summary ? conn->summary
                                : conn->problem ? conn->problem
                                : error ? error->message : "the transfer failed");
}

static gpointer
asr_thread (gpointer data)
{
  AsrConn *conn = data;
  g_autoptr(GError) error = NULL;

  if (conn->silent)
    {
      guint8 c;

      ub_vphone_recorder_log (conn->recorder, "asr silent");
      while (read_exact (conn, &c, 1, NULL))
        ;
      conn->problem = g_strdup ("the phone never started the transfer");
    }
  else if (!handshake (conn, &error) || !receive_payload (conn, &error))
    {
      if (error != NULL)
        ub_vphone_recorder_log (conn->recorder, "asr failed: %s", error->message);
    }
  report (conn, error);
  g_debug ("ASR connection done");
  asr_conn_free (conn);
  return NULL;
}

static void
ub_vphone_asr_accept (UbVphoneService *service,
                      GIOStream       *stream)
{
  UbVphoneAsr *self = UB_VPHONE_ASR (service);
  AsrConn *conn = g_new0 (AsrConn, 1);

  conn->stream = g_object_ref (stream);
  conn->cancellable = g_cancellable_new ();
  conn->recorder = g_object_ref (self->recorder);
  conn->checksum = self->checksum;
  conn->silent = ub_vphone_faults_is_active (self->faults, UB_VPHONE_FAULT_ASR_SILENT);
  conn->bad_oob = ub_vphone_faults_is_active (self->faults, UB_VPHONE_FAULT_ASR_BAD_OOB);
  conn->corrupt = ub_vphone_faults_is_active (self->faults, UB_VPHONE_FAULT_ASR_CORRUPT);
  conn->drop_at = ub_vphone_faults_get_number (self->faults, UB_VPHONE_FAULT_ASR_DROP_AT);
  conn->unplug_at = ub_vphone_faults_get_number (self->faults, UB_VPHONE_FAULT_ASR_UNPLUG_AT);
  conn->asr = g_object_ref (self);
  g_ptr_array_add (self->cancellables, g_object_ref (conn->cancellable));
  ub_vphone_recorder_log (self->recorder, "asr connected");
  g_thread_unref (g_thread_new ("vphone-asr", asr_thread, conn));
}

static void
ub_vphone_asr_close_all (UbVphoneService *service)
{
  UbVphoneAsr *self = UB_VPHONE_ASR (service);

  for (guint i = 0; i < self->cancellables->len; i++)
    g_cancellable_cancel (g_ptr_array_index (self->cancellables, i));
  g_ptr_array_set_size (self->cancellables, 0);
}

static void
ub_vphone_asr_service_init (UbVphoneServiceInterface *iface)
{
  iface->accept = ub_vphone_asr_accept;
  iface->close_all = ub_vphone_asr_close_all;
}

static void
ub_vphone_asr_dispose (GObject *object)
{
  UbVphoneAsr *self = UB_VPHONE_ASR (object);

  if (self->cancellables != NULL)
    ub_vphone_asr_close_all (UB_VPHONE_SERVICE (self));
  g_clear_pointer (&self->cancellables, g_ptr_array_unref);
  g_clear_object (&self->faults);
  g_clear_object (&self->recorder);
  g_clear_object (&self->phone);

  G_OBJECT_CLASS (ub_vphone_asr_parent_class)->dispose (object);
}

static void
ub_vphone_asr_class_init (UbVphoneAsrClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = ub_vphone_asr_dispose;

  /**
   * UbVphoneAsr::finished:
   * @ok: the whole image arrived intact
   * @text: "N bytes sha256 HEX", or why the transfer failed
   *
   * A transfer ended (not when the cable came out), on the main thread.
   */
  g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_BOOLEAN, G_TYPE_STRING);
}

static void
ub_vphone_asr_init (UbVphoneAsr *self)
{
  self->checksum = TRUE;
  self->cancellables = g_ptr_array_new_with_free_func (g_object_unref);
}

UbVphoneAsr *
ub_vphone_asr_new (UbVphoneFaults   *faults,
                   UbVphoneRecorder *recorder)
{
  UbVphoneAsr *self = g_object_new (UB_TYPE_VPHONE_ASR, NULL);

  self->faults = g_object_ref (faults);
  self->recorder = g_object_ref (recorder);
  return self;
}

/**
 * ub_vphone_asr_set_phone:
 *
 * The phone whose cable asr-unplug-at pulls.
 */
void
ub_vphone_asr_set_phone (UbVphoneAsr   *self,
                         UbVphonePhone *phone)
{
  g_return_if_fail (UB_IS_VPHONE_ASR (self));
  g_set_object (&self->phone, phone);
}

/**
 * ub_vphone_asr_check_setting:
 *
 * Validates `set asr-checksum yes|no` without applying it.
 */
gboolean
ub_vphone_asr_check_setting (const char  *key,
                             const char  *value,
                             GError     **error)
{
  if (!g_str_equal (key, "asr-checksum"))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "No setting \"%s\"", key);
      return FALSE;
    }
  if (!g_str_equal (value, "yes") && !g_str_equal (value, "no"))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "asr-checksum takes yes or no");
      return FALSE;
    }
  return TRUE;
}

gboolean
ub_vphone_asr_set (UbVphoneAsr  *self,
                   const char   *key,
                   const char   *value,
                   GError      **error)
{
  g_return_val_if_fail (UB_IS_VPHONE_ASR (self), FALSE);

  if (!ub_vphone_asr_check_setting (key, value, error))
    return FALSE;
  self->checksum = g_str_equal (value, "yes");
  g_debug ("ASR setting %s = %s", key, value);
  return TRUE;
}
