/* test-asr-vphone.c — streaming the system image with ASR, on the virtual iPhone
 *
 * Runs as the child of vphone (an iPhone X in restore mode, ASR on port
 * 12345). The images are generated on the fly by a seekable stream (every
 * byte a function of its offset), so that 200 MB cost no disk and no
 * memory; the phone records the SHA-256 of what it received, which must be
 * the one computed here. Then every fault: an out-of-range OOB request, a
 * phone that closes mid-stream, a checksum failure, a silent phone, cancel.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <sys/resource.h>

#include "ub-core.h"
#include "ub-vphone-client.h"
#include "ub-vphone-testutil.h"

#define MB (1024 * 1024)

/* --- a generated, seekable image ---------------------------------------- */

#define UB_TEST_TYPE_GEN_STREAM (ub_test_gen_stream_get_type ())
G_DECLARE_FINAL_TYPE (UbTestGenStream, ub_test_gen_stream, UB_TEST, GEN_STREAM, GInputStream)

struct _UbTestGenStream
{
  GInputStream parent_instance;
  guint64      size;
  guint64      pos;
};

static void ub_test_gen_stream_seekable_init (GSeekableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (UbTestGenStream, ub_test_gen_stream, G_TYPE_INPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_SEEKABLE, ub_test_gen_stream_seekable_init))

static guint8
gen_byte (guint64 pos)
{
  guint64 x = pos * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);

  return (guint8)(x >> 56) ^ (guint8)(pos >> 12);
}

static gssize
gen_read (GInputStream  *stream,
          void          *buffer,
          gsize          count,
          GCancellable  *cancellable,
          GError       **error)
{
  UbTestGenStream *self = UB_TEST_GEN_STREAM (stream);
  gsize n = (gsize)MIN ((guint64)count, self->size - MIN (self->pos, self->size));
  guint8 *out = buffer;

  for (gsize i = 0; i < n; i++)
    out[i] = gen_byte (self->pos + i);
  self->pos += n;
  return (gssize)n;
}

static goffset
gen_tell (GSeekable *seekable)
{
  return (goffset)UB_TEST_GEN_STREAM (seekable)->pos;
}

static gboolean
gen_can_seek (GSeekable *seekable)
{
  return TRUE;
}

static gboolean
gen_seek (GSeekable     *seekable,
          goffset        offset,
          GSeekType      type,
          GCancellable  *cancellable,
          GError       **error)
{
  UbTestGenStream *self = UB_TEST_GEN_STREAM (seekable);
  goffset base = type == G_SEEK_CUR ? (goffset)self->pos : type == G_SEEK_END ? (goffset)self->size : 0;

  if (base + offset < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "seek before the start");
      return FALSE;
    }
  self->pos = (guint64)(base + offset);
  return TRUE;
}

static gboolean
gen_can_truncate (GSeekable *seekable)
{
  return FALSE;
}

static gboolean
gen_truncate (GSeekable     *seekable,
              goffset        offset,
              GCancellable  *cancellable,
              GError       **error)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "read-only");
  return FALSE;
}

static void
ub_test_gen_stream_seekable_init (GSeekableIface *iface)
{
  iface->tell = gen_tell;
  iface->can_seek = gen_can_seek;
  iface->seek = gen_seek;
  iface->can_truncate = gen_can_truncate;
  iface->truncate_fn = gen_truncate;
}

static void
ub_test_gen_stream_class_init (UbTestGenStreamClass *klass)
{
  G_INPUT_STREAM_CLASS (klass)->read_fn = gen_read;
}

static void
ub_test_gen_stream_init (UbTestGenStream *self)
{
}

static GInputStream *
gen_stream_new (guint64 size)
{
  UbTestGenStream *self = g_object_new (UB_TEST_TYPE_GEN_STREAM, NULL);

  self->size = size;
  return G_INPUT_STREAM (self);
}

static char *
gen_sha256 (guint64 size)
{
  g_autoptr(GChecksum) sha = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GInputStream) stream = gen_stream_new (size);
  g_autofree guint8 *buf = g_malloc (MB);
  gssize n;

  while ((n = g_input_stream_read (stream, buf, MB, NULL, NULL)) > 0)
    g_checksum_update (sha, buf, n);
  return g_strdup (g_checksum_get_string (sha));
}

/* --- running a send ---------------------------------------------------- */

static UbVphoneClient *phone;
static char           *udid;

typedef struct
{
  GMainLoop    *loop;
  gboolean      ok;
  GError       *error;
  guint         n_progress;
  gsize         last_sent;
  gsize         last_total;
  GCancellable *cancel_on_progress;
} Send;

static void
on_progress (gsize    sent,
             gsize    total,
             gpointer user_data)
{
  Send *send = user_data;

  send->n_progress++;
  g_assert_cmpuint (sent, >=, send->last_sent);
  send->last_sent = sent;
  send->last_total = total;
  if (send->cancel_on_progress != NULL)
    g_cancellable_cancel (send->cancel_on_progress);
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Send *send = user_data;

  send->ok = ub_asr_send_finish (result, &send->error);
  g_main_loop_quit (send->loop);
}

static gboolean
run_send (guint16        port,
          guint64        size,
          GCancellable  *cancellable,
          Send          *send,
          double        *seconds)
{
  g_autoptr(GInputStream) image = gen_stream_new (size);
  gint64 start = g_get_monotonic_time ();

  send->loop = g_main_loop_new (NULL, FALSE);
  ub_asr_send_async (udid, port, image, size, cancellable, on_progress, send, NULL, on_sent, send);
  g_main_loop_run (send->loop);
  g_main_loop_unref (send->loop);
  /* progress calls queued before the end are delivered */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  if (seconds != NULL)
    *seconds = (g_get_monotonic_time () - start) / (double)G_USEC_PER_SEC;
  return send->ok;
}

static void
wait_record (const char *line)
{
  for (guint i = 0; i < 100 && !ub_vphone_record_has (line); i++)
    g_usleep (50000);
  if (!ub_vphone_record_has (line))
    {
      g_autofree char *record = ub_vphone_read_record ();

      g_test_message ("record:\n%s", record);
      g_error ("the record has no line \"%s\"", line);
    }
}

static void
expect_received (guint64     size,
                 const char *chunks)
{
  g_autofree char *sha = gen_sha256 (size);
  g_autofree char *line = g_strdup_printf ("asr received %" G_GUINT64_FORMAT " bytes sha256 %s chunks %s",
                                           size, sha, chunks);

  wait_record (line);
}

/* --- the tests ---------------------------------------------------------- */

static void
test_send (void)
{
  guint64 size = 20 * MB;
  g_autofree char *tail = g_strdup_printf ("asr OOBData 512 at %" G_GUINT64_FORMAT, size - 1024);
  Send send = { 0 };
  double seconds = 0;

  g_assert_true (run_send (0, size, NULL, &send, &seconds));
  g_assert_no_error (send.error);
  expect_received (size, "ok");
  wait_record ("asr OOBData 72 at 0");
  wait_record (tail);
  g_assert_cmpuint (send.last_sent, ==, size);
  g_assert_cmpuint (send.last_total, ==, size);
  /* at most 4 a second, plus the forced last one */
  g_assert_cmpuint (send.n_progress, <=, 4 * seconds + 2);
  g_test_message ("20 MB sent in %.2f s, %u progress calls", seconds, send.n_progress);
}

static void
test_no_checksum (void)
{
  guint64 size = 3 * 131072 + 1000;
  Send send = { 0 };

  ub_vphone_assert_run (phone, "set asr-checksum no");
  g_assert_true (run_send (0, size, NULL, &send, NULL));
  g_assert_no_error (send.error);
  expect_received (size, "unchecked");
  wait_record ("asr packet info size 394216 checksum no");
  ub_vphone_assert_run (phone, "set asr-checksum yes");
}

static void
test_bad_oob (void)
{
  Send send = { 0 };

  ub_vphone_assert_run (phone, "fault asr-bad-oob");
  g_assert_false (run_send (0, 4 * MB, NULL, &send, NULL));
  ub_vphone_assert_run (phone, "clear-faults");
  g_assert_error (send.error, UB_ERROR, UB_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (send.error->message, "OOBData"));
  g_clear_error (&send.error);
  wait_record ("asr bad OOB request refused");
}

static void
test_drop (void)
{
  Send send = { 0 };

  ub_vphone_assert_run (phone, "fault asr-drop-at 3");
  g_assert_false (run_send (0, 20 * MB, NULL, &send, NULL));
  ub_vphone_assert_run (phone, "clear-faults");
  g_assert_error (send.error, UB_ERROR, UB_ERROR_DISCONNECTED);
  g_clear_error (&send.error);
  wait_record ("asr dropped at chunk 3");
}

static void
test_corrupt (void)
{
  Send send = { 0 };

  ub_vphone_assert_run (phone, "fault asr-corrupt");
  g_assert_false (run_send (0, 20 * MB, NULL, &send, NULL));
  ub_vphone_assert_run (phone, "clear-faults");
  g_assert_error (send.error, UB_ERROR, UB_ERROR_DISCONNECTED);
  g_clear_error (&send.error);
  wait_record ("asr checksum failure at chunk 1");
}

static void
test_silent (void)
{
  Send send = { 0 };
  double seconds = 0;

  ub_vphone_assert_run (phone, "fault asr-silent");
  g_assert_false (run_send (0, MB, NULL, &send, &seconds));
  ub_vphone_assert_run (phone, "clear-faults");
  g_assert_error (send.error, UB_ERROR, UB_ERROR_TIMED_OUT);
  g_clear_error (&send.error);
  /* 20 s of phone silence, scaled */
  g_assert_cmpfloat (seconds, <, ub_vphone_scaled_seconds (20) + 2);
  g_assert_cmpfloat (seconds, >=, ub_vphone_scaled_seconds (20) * 0.9);
  wait_record ("asr silent");
}

static gboolean
unplug_cb (gpointer user_data)
{
  ub_vphone_assert_run (phone, "unplug");
  return G_SOURCE_REMOVE;
}

/* The cable comes out while the host waits for Initiate. */
static void
test_unplug (void)
{
  Send send = { 0 };
  g_autoptr(GError) error = NULL;

  ub_vphone_assert_run (phone, "fault asr-silent");
  g_timeout_add (300, unplug_cb, NULL);
  g_assert_false (run_send (0, MB, NULL, &send, NULL));
  ub_vphone_assert_run (phone, "clear-faults");
  ub_vphone_assert_run (phone, "plug");
  g_assert_error (send.error, UB_ERROR, UB_ERROR_DISCONNECTED);
  g_clear_error (&send.error);
  g_assert_true (ub_vphone_client_wait (phone, "pid", "0x12a8", 10, &error));
  g_assert_no_error (error);
  g_usleep (300000);   /* usbmuxd lists the phone again */
}

static void
test_no_port (void)
{
  Send send = { 0 };
  double seconds = 0;

  g_assert_false (run_send (12346, MB, NULL, &send, &seconds));
  g_assert_error (send.error, UB_ERROR, UB_ERROR_TIMED_OUT);
  g_clear_error (&send.error);
  g_assert_cmpfloat (seconds, <, ub_vphone_scaled_seconds (60) + 5);
}

static void
test_cancel (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Send send = { .cancel_on_progress = cancellable };

  g_assert_false (run_send (0, 200 * MB, cancellable, &send, NULL));
  g_assert_error (send.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&send.error);
  g_assert_cmpuint (send.last_sent, <, 200 * MB);
}

static glong
max_rss_kb (void)
{
  struct rusage usage;

  g_assert_cmpint (getrusage (RUSAGE_SELF, &usage), ==, 0);
  return usage.ru_maxrss;
}

static void
test_memory (void)
{
  guint64 size = 200 * MB;
  glong before = max_rss_kb (), after;
  Send send = { 0 };
  double seconds = 0;

  g_assert_true (run_send (0, size, NULL, &send, &seconds));
  g_assert_no_error (send.error);
  after = max_rss_kb ();
  g_test_message ("200 MB sent in %.2f s (%.1f MB/s); peak RSS %ld kB before, %ld kB after",
                  seconds, 200 / seconds, before, after);
  g_assert_cmpint (after - before, <, 16 * 1024);
  expect_received (size, "ok");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  phone = ub_vphone_client_new (NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ub_vphone_client_wait (phone, "mode", "restore", 10, &error));
  g_assert_no_error (error);
  udid = ub_vphone_client_get (phone, "udid", &error);
  g_assert_no_error (error);

  g_test_add_func ("/unbrick/asr/memory", test_memory);   /* first: a clean peak RSS */
  g_test_add_func ("/unbrick/asr/send", test_send);
  g_test_add_func ("/unbrick/asr/no-checksum", test_no_checksum);
  g_test_add_func ("/unbrick/asr/bad-oob", test_bad_oob);
  g_test_add_func ("/unbrick/asr/drop", test_drop);
  g_test_add_func ("/unbrick/asr/corrupt", test_corrupt);
  g_test_add_func ("/unbrick/asr/silent", test_silent);
  g_test_add_func ("/unbrick/asr/unplug", test_unplug);
  g_test_add_func ("/unbrick/asr/no-port", test_no_port);
  g_test_add_func ("/unbrick/asr/cancel", test_cancel);
  status = g_test_run ();
  g_free (udid);
  g_clear_object (&phone);
  return status;
}
