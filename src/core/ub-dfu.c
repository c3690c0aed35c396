/* ub-dfu.c — send a firmware image to a phone in DFU mode
 *
 * The SecureROM speaks USB DFU 1.1 class requests on interface 0
 * (restore-protocol.md §3): GETSTATE (0xA1/5) must say dfuIDLE before we
 * start; the image goes out in DNLOAD (0x21/1) blocks of 0x800 bytes whose
 * wValue counts them; after each block GETSTATUS (0xA1/3) must come to
 * dfuDNLOAD-IDLE. The image ends with a 16-byte suffix whose last four bytes
 * are a CRC-32 the phone checks. A zero-length DNLOAD ends the download, two
 * GETSTATUS let the phone check and take the image, and a USB reset makes it
 * start the image: the phone leaves the bus and comes back as what the image
 * is (iBSS shows up in recovery mode).
 *
 * Every transfer has a short timeout; cancellation is checked between blocks
 * (the phone is then told to ABORT, which drops the partial image). A stall
 * or a protocol error mid-image is retried once: DFU 1.1 drops the partial
 * image when it leaves dfuERROR, so the retry clears the error and sends the
 * whole image again from block 0. A second failure, or a phone that cannot
 * be brought back to dfuIDLE, is reported.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-dfu"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ub-dfu.h"
#include "ub-error.h"
#include "ub-progress-relay.h"
#include "ub-usb-open.h"
#include "ub-usb-probe.h"

#define DFU_OUT 0x21
#define DFU_IN  0xa1

enum {
  DFU_DNLOAD = 1,
  DFU_GETSTATUS = 3,
  DFU_CLRSTATUS = 4,
  DFU_GETSTATE = 5,
  DFU_ABORT = 6,
};

enum {
  STATE_IDLE = 2,
  STATE_DNLOAD_IDLE = 5,
  STATE_ERROR = 10,
};

#define MAX_STATUS_POLLS   20
#define MAX_POLL_WAIT_MS   1000
#define PROGRESS_INTERVAL  250

/* Not a libusb status: GETSTATUS said dfuERROR after a block */
#define BLOCK_REJECTED 1

static const guint8 suffix_head[12] = {
  0xff, 0xff, 0xff, 0xff, 0xac, 0x05, 0x00, 0x01, 0x55, 0x46, 0x44, 0x10,
};

typedef struct
{
  UbUsbTarget      target;
  GBytes          *image;
  guint8           suffix[UB_DFU_SUFFIX_SIZE];
  guint            n_blocks;
  gsize            total;
  UbProgressRelay *progress;
} SendData;

typedef struct
{
  guint8 status;
  guint8 state;
  guint  poll_ms;
} DfuStatus;

static void
send_data_free (SendData *data)
{
  g_bytes_unref (data->image);
  g_clear_pointer (&data->progress, ub_progress_relay_unref);
  g_free (data);
}

/**
 * ub_dfu_crc32_update:
 * @crc: 0xFFFFFFFF to start
 *
 * The DFU suffix's CRC-32 (reflected polynomial 0xEDB88320), with no final
 * inversion: what the SecureROM compares with the suffix's last four bytes.
 */
guint32
ub_dfu_crc32_update (guint32       crc,
                     const guint8 *data,
                     gsize         len)
{
  static guint32 table[256];
  static gsize ready;

  if (g_once_init_enter (&ready))
    {
      for (guint32 n = 0; n < 256; n++)
        {
          guint32 value = n;

          for (int bit = 0; bit < 8; bit++)
            value = (value >> 1) ^ ((value & 1) ? 0xedb88320 : 0);
          table[n] = value;
        }
      g_once_init_leave (&ready, 1);
    }
  for (gsize i = 0; i < len; i++)
    crc = (crc >> 8) ^ table[(crc ^ data[i]) & 0xff];
  return crc;
}

/**
 * ub_dfu_make_suffix:
 * @suffix: (out caller-allocates): the 16 bytes that follow the image
 *
 * The fixed 12 bytes, then the CRC over the image and those 12, little-endian.
 */
void
ub_dfu_make_suffix (GBytes *image,
                    guint8  suffix[UB_DFU_SUFFIX_SIZE])
{
  gsize len;
  const guint8 *data = g_bytes_get_data (image, &len);
  guint32 crc;

  memcpy (suffix, suffix_head, sizeof suffix_head);
  crc = ub_dfu_crc32_update (0xffffffff, data, len);
  crc = ub_dfu_crc32_update (crc, suffix_head, sizeof suffix_head);
  for (guint i = 0; i < 4; i++)
    suffix[12 + i] = (crc >> (8 * i)) & 0xff;
}

/**
 * ub_dfu_count_blocks:
 *
 * The suffix rides in the last block when it fits there, in one more block
 * when it does not; it is never split.
 *
 * Returns: the DNLOAD blocks an image of @image_size bytes takes
 */
guint
ub_dfu_count_blocks (gsize image_size)
{
  gsize n = (image_size + UB_DFU_BLOCK_SIZE - 1) / UB_DFU_BLOCK_SIZE;
  gsize last = image_size - (n > 0 ? (n - 1) * UB_DFU_BLOCK_SIZE : 0);

  if (n == 0 || last + UB_DFU_SUFFIX_SIZE > UB_DFU_BLOCK_SIZE)
    n++;
  return (guint)n;
}

/* Block @index of image + suffix, laid out as ub_dfu_count_blocks() says */
static gsize
fill_block (SendData *data,
            guint     index,
            guint8   *buf)
{
  gsize size;
  const guint8 *image = g_bytes_get_data (data->image, &size);
  gsize offset = (gsize)index * UB_DFU_BLOCK_SIZE;
  gsize len = offset < size ? MIN (UB_DFU_BLOCK_SIZE, size - offset) : 0;

  if (len > 0)
    memcpy (buf, image + offset, len);
  if (index == data->n_blocks - 1)
    {
      memcpy (buf + len, data->suffix, UB_DFU_SUFFIX_SIZE);
      len += UB_DFU_SUFFIX_SIZE;
    }
  return len;
}

static int
get_status (libusb_device_handle *handle,
            DfuStatus            *out)
{
  guint8 buf[6];
  int r = libusb_control_transfer (handle, DFU_IN, DFU_GETSTATUS, 0, 0, buf, sizeof buf,
                                   UB_DFU_TRANSFER_TIMEOUT_MS);

  if (r < 0)
    return r;
  if (r != sizeof buf)
    return LIBUSB_ERROR_IO;
  out->status = buf[0];
  out->poll_ms = buf[1] | buf[2] << 8 | buf[3] << 16;
  out->state = buf[4];
  return 0;
}

static int
get_state (libusb_device_handle *handle,
           guint8               *state)
{
  int r = libusb_control_transfer (handle, DFU_IN, DFU_GETSTATE, 0, 0, state, 1,
                                   UB_DFU_TRANSFER_TIMEOUT_MS);

  return r < 0 ? r : r == 1 ? 0 : LIBUSB_ERROR_IO;
}

static int
simple_request (libusb_device_handle *handle,
                guint8                request)
{
  int r = libusb_control_transfer (handle, DFU_OUT, request, 0, 0, NULL, 0,
                                   UB_DFU_TRANSFER_TIMEOUT_MS);

  return MIN (r, 0);
}

/* GETSTATUS until dfuDNLOAD-IDLE, waiting as long as the phone asks (bounded) */
static int
wait_dnload_idle (libusb_device_handle *handle,
                  DfuStatus            *status)
{
  for (guint attempt = 0; attempt < MAX_STATUS_POLLS; attempt++)
    {
      int r = get_status (handle, status);

      if (r < 0)
        return r;
      if (status->state == STATE_DNLOAD_IDLE)
        return 0;
      if (status->state == STATE_ERROR)
        return BLOCK_REJECTED;
      g_usleep ((gulong)CLAMP (status->poll_ms, 10, MAX_POLL_WAIT_MS) * 1000);
    }
  return LIBUSB_ERROR_TIMEOUT;
}

static int
send_block (libusb_device_handle *handle,
            SendData             *data,
            guint                 index,
            DfuStatus            *status)
{
  guint8 buf[UB_DFU_BLOCK_SIZE];
  gsize len = fill_block (data, index, buf);
  int r;

  r = libusb_control_transfer (handle, DFU_OUT, DFU_DNLOAD, (guint16)index, 0, buf, (guint16)len,
                               UB_DFU_TRANSFER_TIMEOUT_MS);
  if (r < 0)
    return r;
  if ((gsize)r != len)
    return LIBUSB_ERROR_IO;
  return wait_dnload_idle (handle, status);
}

static void
set_block_error (GError    **error,
                 int         r,
                 const DfuStatus *status,
                 guint       index,
                 guint       n_blocks)
{
  if (r == LIBUSB_ERROR_NO_DEVICE)
    g_set_error (error, UB_ERROR, UB_ERROR_DISCONNECTED,
                 /* TRANSLATORS: %u of %u are parts of the image, e.g. "part 12 of 300" */
                 _("The phone was disconnected while Unbrick was sending it a firmware image "
                   "(part %u of %u). Check the cable, put the phone in DFU mode again and retry."),
                 index + 1, n_blocks);
  else if (r == LIBUSB_ERROR_TIMEOUT)
    g_set_error (error, UB_ERROR, UB_ERROR_TIMED_OUT,
                 _("The phone stopped answering while Unbrick was sending it a firmware image "
                   "(part %u of %u). Unplug it, put it in DFU mode again and retry."),
                 index + 1, n_blocks);
  else if (r == BLOCK_REJECTED || r == LIBUSB_ERROR_PIPE || r == LIBUSB_ERROR_IO)
    g_set_error (error, UB_ERROR, UB_ERROR_PROTOCOL,
                 _("The phone refused part %u of %u of the firmware image (%s)."),
                 index + 1, n_blocks,
                 r == BLOCK_REJECTED ? "dfuERROR" : libusb_error_name (r));
  else
    ub_usb_set_error (error, r, _("send the firmware image"));
  if (status != NULL && r == BLOCK_REJECTED)
    g_debug ("Block %u rejected with DFU status 0x%02x", index, status->status);
}

/* GETSTATE first: only dfuIDLE may take a new image */
static gboolean
check_ready (libusb_device_handle  *handle,
             GError               **error)
{
  guint8 state = 0;
  int r = get_state (handle, &state);

  if (r < 0)
    {
      ub_usb_set_error (error, r, _("ask the phone whether it is ready"));
      return FALSE;
    }
  g_debug ("DFU state %u before the download", state);
  if (state == STATE_IDLE)
    return TRUE;
  if (state == STATE_ERROR)
    {
      simple_request (handle, DFU_CLRSTATUS);
      g_set_error_literal (error, UB_ERROR, UB_ERROR_PROTOCOL,
                           _("The phone was still reporting an error from an earlier transfer. "
                             "The error has been cleared; try again."));
      return FALSE;
    }
  simple_request (handle, DFU_ABORT);
  g_set_error (error, UB_ERROR, UB_ERROR_PROTOCOL,
               _("The phone was busy with another transfer (DFU state %u) and has been told to "
                 "stop it; try again."), state);
  return FALSE;
}

/* After a stall or a refused block: back to dfuIDLE, for a fresh start */
static int
recover (libusb_device_handle *handle)
{
  guint8 state = 0;
  int r = get_state (handle, &state);

  if (r < 0)
    return r;
  g_debug ("Recovering from DFU state %u", state);
  if (state != STATE_IDLE)
    r = simple_request (handle, state == STATE_ERROR ? DFU_CLRSTATUS : DFU_ABORT);
  if (r < 0 || (r = get_state (handle, &state)) < 0)
    return r;
  return state == STATE_IDLE ? 0 : LIBUSB_ERROR_PIPE;
}

static gboolean
is_retryable (int r)
{
  return r == LIBUSB_ERROR_PIPE || r == LIBUSB_ERROR_IO || r == BLOCK_REJECTED;
}

static gboolean
download (libusb_device_handle  *handle,
          SendData              *data,
          GCancellable          *cancellable,
          GError               **error)
{
  gboolean retried = FALSE;
  gsize sent = 0;

  for (guint i = 0; i < data->n_blocks;)
    {
      DfuStatus status = { 0, };
      int r;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          g_debug ("Cancelled before block %u; aborting the download", i);
          simple_request (handle, DFU_ABORT);
          return FALSE;
        }
      r = send_block (handle, data, i, &status);
      if (r == 0)
        {
          sent = MIN (data->total, (gsize)(i + 1) * UB_DFU_BLOCK_SIZE);
          ub_progress_relay_update (data->progress, sent, data->total, i + 1 == data->n_blocks);
          i++;
          continue;
        }
      g_debug ("Block %u of %u failed: %s", i, data->n_blocks,
               r == BLOCK_REJECTED ? "dfuERROR" : libusb_error_name (r));
      if (!retried && is_retryable (r) && (r = recover (handle)) == 0)
        {
          g_debug ("Sending the image again from block 0");
          retried = TRUE;
          i = 0;
          ub_progress_relay_update (data->progress, 0, data->total, FALSE);
          continue;
        }
      set_block_error (error, r, &status, i, data->n_blocks);
      return FALSE;
    }
  return TRUE;
}

/* The zero-length DNLOAD, the two GETSTATUS that make the phone take the
 * image, and the USB reset that starts it. */
static gboolean
finish (libusb_device_handle  *handle,
        SendData              *data,
        GError               **error)
{
  int r = libusb_control_transfer (handle, DFU_OUT, DFU_DNLOAD, (guint16)data->n_blocks, 0, NULL, 0,
                                   UB_DFU_TRANSFER_TIMEOUT_MS);

  if (r < 0)
    {
      ub_usb_set_error (error, r, _("finish sending the firmware image"));
      return FALSE;
    }
  for (guint i = 0; i < 2; i++)
    {
      DfuStatus status = { 0, };

      if ((r = get_status (handle, &status)) < 0)
        {
          g_debug ("GETSTATUS %u after the image: %s (the phone may be starting it)", i,
                   libusb_error_name (r));
          break;
        }
      g_debug ("After the image: DFU state %u, status 0x%02x", status.state, status.status);
      if (status.state == STATE_ERROR)
        {
          g_set_error (error, UB_ERROR, UB_ERROR_CHECKSUM,
                       _("The phone rejected the firmware image (DFU status 0x%02x). The image may "
                         "be damaged or not meant for this phone."), status.status);
          simple_request (handle, DFU_CLRSTATUS);
          return FALSE;
        }
    }
  r = libusb_reset_device (handle);
  g_debug ("USB reset: %s", r == 0 ? "done" : libusb_error_name (r));
  return TRUE;
}

static gboolean
send_image (SendData      *data,
            GCancellable  *cancellable,
            GError       **error)
{
  libusb_context *ctx = NULL;
  libusb_device_handle *handle = NULL;
  gboolean ok = FALSE;
  int r;

  if ((r = libusb_init (&ctx)) != 0)
    {
      ub_usb_set_error (error, r, _("start USB"));
      return FALSE;
    }
  handle = ub_usb_open_target (ctx, &data->target, error);
  if (handle != NULL)
    {
      g_debug ("Sending a DFU image of %" G_GSIZE_FORMAT " bytes in %u blocks",
               g_bytes_get_size (data->image), data->n_blocks);
      ok = check_ready (handle, error) &&
           download (handle, data, cancellable, error) &&
           finish (handle, data, error);
      g_debug ("DFU download %s", ok ? "done; the phone restarts" : "failed");
    }
  ub_usb_close_target (handle);
  libusb_exit (ctx);
  return ok;
}

static void
send_worker (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;

  if (send_image (task_data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static gboolean
check_size (gsize    size,
            GError **error)
{
  g_autofree char *text = NULL;

  if (size > 0 && size <= UB_DFU_MAX_IMAGE)
    return TRUE;
  text = g_format_size (size);
  g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA,
               /* TRANSLATORS: %s is a size, e.g. "40.0 MB" */
               _("The firmware image is empty or too large for DFU mode (%s)."), text);
  return FALSE;
}

/**
 * ub_dfu_send_async:
 * @device: a snapshot of a phone in DFU mode, seen on USB
 * @image: the image to start (an IMG4 file), without the DFU suffix
 * @progress: (nullable): called with the bytes sent so far
 * @progress_destroy: (nullable): frees @progress_data, on the caller's main context
 *
 * Sends @image from a worker thread, after checking that the phone at that
 * USB address is still in DFU mode and has the snapshot's ECID. On success
 * the phone has been reset and leaves the bus; wait for it with
 * ub_device_monitor_wait_for_async().
 */
void
ub_dfu_send_async (UbDevice            *device,
                   GBytes              *image,
                   GCancellable        *cancellable,
                   UbDfuProgressFunc    progress,
                   gpointer             progress_data,
                   GDestroyNotify       progress_destroy,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  SendData *data;
  gsize size;

  g_return_if_fail (UB_IS_DEVICE (device));
  g_return_if_fail (image != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ub_dfu_send_async);
  data = g_new0 (SendData, 1);
  data->progress = ub_progress_relay_new (progress, progress_data, progress_destroy, PROGRESS_INTERVAL);
  data->image = g_bytes_ref (image);
  g_task_set_task_data (task, data, (GDestroyNotify)send_data_free);

  size = g_bytes_get_size (image);
  if (!check_size (size, &error) ||
      !ub_usb_target_init (&data->target, device, UB_DEVICE_MODE_DFU, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  ub_dfu_make_suffix (image, data->suffix);
  data->n_blocks = ub_dfu_count_blocks (size);
  data->total = size + UB_DFU_SUFFIX_SIZE;
  g_task_run_in_thread (task, send_worker);
}

/**
 * ub_dfu_send_finish:
 *
 * Returns: %TRUE when the phone took the image and was reset; the error is
 *   %UB_ERROR_DISCONNECTED if it was unplugged, %UB_ERROR_TIMED_OUT if it
 *   stopped answering, %UB_ERROR_CHECKSUM if it rejected the image
 */
gboolean
ub_dfu_send_finish (GAsyncResult  *result,
                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ub_dfu_send_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
