/* ub-recovery-upload.c — files, bRequest-1 commands and getenv for a phone in recovery mode
 *
 * iBoot takes a file as a vendor control request 0x41/0 that opens the
 * upload, then the bytes on bulk OUT endpoint 0x04 in chunks of 0x8000,
 * with no status stage; when the length is a multiple of the 512-byte
 * packet size a zero-length packet tells it the file ended
 * (restore-protocol.md §3). The file is what the next command ("go",
 * "ramdisk", "devicetree", "bootx", …) uses. "go" and "bootx" go out with
 * bRequest 1 in current idevicerestore; getenv's answer is read with a
 * vendor IN request 0xC0/0 right after the command.
 *
 * Each operation opens the phone afresh (its own libusb context), checks its
 * mode and ECID, and has a timeout on every transfer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-recovery"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ub-error.h"
#include "ub-recovery.h"
#include "ub-usb-open.h"
#include "ub-usb-probe.h"

#define UPLOAD_ENDPOINT 0x04
#define PACKET_SIZE     512
#define GETENV_MAX      255

typedef enum
{
  OP_FILE,
  OP_COMMAND,
  OP_GETENV,
} OpKind;

typedef struct
{
  UbUsbTarget   target;
  OpKind        kind;
  GBytes       *data;       /* a file: these bytes first … */
  GInputStream *stream;     /* … then @stream_len bytes of this … */
  guint64       stream_len;
  GBytes       *suffix;     /* … then these */
  char         *text;
  guint8        b_request;
} Op;

static void
op_free (Op *op)
{
  g_clear_pointer (&op->data, g_bytes_unref);
  g_clear_object (&op->stream);
  g_clear_pointer (&op->suffix, g_bytes_unref);
  g_free (op->text);
  g_free (op);
}

static gboolean
bulk_chunk (libusb_device_handle  *handle,
            const guint8          *data,
            gsize                  len,
            GError               **error)
{
  int sent = 0;
  int r = libusb_bulk_transfer (handle, UPLOAD_ENDPOINT, (unsigned char *)data, (int)len, &sent,
                                UB_RECOVERY_BULK_TIMEOUT_MS);

  if (r == 0 && (gsize)sent == len)
    return TRUE;
  g_debug ("Bulk chunk of %" G_GSIZE_FORMAT " bytes: %s, %d sent", len,
           r == 0 ? "short" : libusb_error_name (r), sent);
  if (r != LIBUSB_ERROR_NO_DEVICE)
    libusb_clear_halt (handle, UPLOAD_ENDPOINT);
  ub_usb_set_error (error, r == 0 ? LIBUSB_ERROR_IO : r, _("send a file to the phone"));
  return FALSE;
}

/* Copies what lies at @offset of @piece (@len bytes long) into @buf */
static gsize
copy_piece (const guint8 *piece,
            guint64       len,
            guint64       offset,
            guint8       *buf,
            gsize         want)
{
  gsize n;

  if (offset >= len)
    return 0;
  n = (gsize) MIN ((guint64) want, len - offset);
  memcpy (buf, piece + offset, n);
  return n;
}

/* The next @want bytes of the file at @offset: prefix, stream, suffix */
static gboolean
fill (Op            *op,
      guint64        offset,
      guint8        *buf,
      gsize          want,
      GCancellable  *cancellable,
      GError       **error)
{
  gsize prefix_len = op->data ? g_bytes_get_size (op->data) : 0;
  gsize done = 0;

  if (offset < prefix_len)
    done = copy_piece (g_bytes_get_data (op->data, NULL), prefix_len, offset, buf, want);
  if (done < want && op->stream != NULL && offset + done < prefix_len + op->stream_len)
    {
      gsize n = (gsize) MIN ((guint64) (want - done), prefix_len + op->stream_len - (offset + done)), got = 0;

      if (!g_input_stream_read_all (op->stream, buf + done, n, &got, cancellable, error))
        return FALSE;
      if (got != n)
        {
          g_set_error_literal (error, UB_ERROR, UB_ERROR_CORRUPT_ARCHIVE,
                               _("The firmware file ended before the image for the phone did."));
          return FALSE;
        }
      done += n;
    }
  if (done < want && op->suffix != NULL)
    done += copy_piece (g_bytes_get_data (op->suffix, NULL), g_bytes_get_size (op->suffix),
                        offset + done - prefix_len - op->stream_len, buf + done, want - done);
  return done == want;
}

static guint64
op_file_size (Op *op)
{
  return (op->data ? g_bytes_get_size (op->data) : 0) + op->stream_len +
         (op->suffix ? g_bytes_get_size (op->suffix) : 0);
}

/* The file in UB_RECOVERY_UPLOAD_CHUNK pieces, read as they go: a streamed
 * image is never whole in memory */
static gboolean
upload (libusb_device_handle  *handle,
        Op                    *op,
        GCancellable          *cancellable,
        GError               **error)
{
  guint64 size = op_file_size (op);
  g_autofree guint8 *chunk = g_malloc (UB_RECOVERY_UPLOAD_CHUNK);
  int r;

  r = libusb_control_transfer (handle, 0x41, 0, 0, 0, NULL, 0, UB_RECOVERY_COMMAND_TIMEOUT_MS);
  if (r < 0)
    {
      ub_usb_set_error (error, r, _("start sending a file to the phone"));
      return FALSE;
    }
  for (guint64 offset = 0; offset < size; offset += UB_RECOVERY_UPLOAD_CHUNK)
    {
      gsize len = (gsize) MIN ((guint64) UB_RECOVERY_UPLOAD_CHUNK, size - offset);

      if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
          !fill (op, offset, chunk, len, cancellable, error) ||
          !bulk_chunk (handle, chunk, len, error))
        return FALSE;
    }
  if (size % PACKET_SIZE == 0)
    {
      g_debug ("Ending the upload with a zero-length packet");
      if (!bulk_chunk (handle, chunk, 0, error))
        return FALSE;
    }
  g_debug ("Uploaded %" G_GUINT64_FORMAT " bytes", size);
  return TRUE;
}

/* Commands after which the phone leaves the bus on purpose */
static gboolean
command_leaves (const char *command)
{
  static const char * const verbs[] = { "go", "bootx", "reboot", "reset" };
  g_auto(GStrv) words = g_strsplit (command, " ", 2);

  for (guint i = 0; i < G_N_ELEMENTS (verbs); i++)
    if (words[0] != NULL && g_str_equal (words[0], verbs[i]))
      return TRUE;
  return FALSE;
}

static gboolean
command (libusb_device_handle  *handle,
         const char            *text,
         guint8                 b_request,
         GError               **error)
{
  gsize len = strlen (text) + 1;
  int r;

  g_debug ("Sending recovery command “%s” (bRequest %u)", text, b_request);
  r = libusb_control_transfer (handle, 0x40, b_request, 0, 0, (unsigned char *)text, (guint16)len,
                               UB_RECOVERY_COMMAND_TIMEOUT_MS);
  if (r == (int)len)
    return TRUE;
  if (r == LIBUSB_ERROR_NO_DEVICE && command_leaves (text))
    {
      g_debug ("The phone left during “%s”: expected", text);
      return TRUE;
    }
  if (r == LIBUSB_ERROR_PIPE)
    {
      /* iBoot stalls a command it will not carry out */
      g_set_error (error, UB_ERROR, UB_ERROR_PROTOCOL,
                   _("The phone refused the command “%s”. The file it was sent may be damaged "
                     "or not meant for this phone."), text);
      return FALSE;
    }
  ub_usb_set_error (error, r < 0 ? r : LIBUSB_ERROR_IO, _("send a command to the phone"));
  return FALSE;
}

static char *
getenv_value (libusb_device_handle  *handle,
              const char            *name,
              GError               **error)
{
  g_autofree char *text = g_strdup_printf ("getenv %s", name);
  char buf[GETENV_MAX + 1] = { 0, };
  int r;

  if (!command (handle, text, 0, error))
    return NULL;
  r = libusb_control_transfer (handle, 0xc0, 0, 0, 0, (unsigned char *)buf, GETENV_MAX,
                               UB_RECOVERY_COMMAND_TIMEOUT_MS);
  if (r < 0)
    {
      ub_usb_set_error (error, r, _("read a setting from the phone"));
      return NULL;
    }
  buf[MIN (r, GETENV_MAX)] = '\0';
  if (!g_utf8_validate (buf, -1, NULL))
    {
      g_set_error (error, UB_ERROR, UB_ERROR_PROTOCOL,
                   _("The phone answered the setting “%s” with unreadable text."), name);
      return NULL;
    }
  g_debug ("getenv %s → “%s”", name, buf);
  return g_strdup (buf);
}

static gpointer
run_op (Op            *op,
        GCancellable  *cancellable,
        GError       **error)
{
  libusb_context *ctx = NULL;
  libusb_device_handle *handle;
  gpointer result = NULL;
  int r;

  if ((r = libusb_init (&ctx)) != 0)
    {
      ub_usb_set_error (error, r, _("start USB"));
      return NULL;
    }
  handle = ub_usb_open_target (ctx, &op->target, error);
  if (handle != NULL && !g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      if (op->kind == OP_FILE)
        result = upload (handle, op, cancellable, error) ? GINT_TO_POINTER (TRUE) : NULL;
      else if (op->kind == OP_COMMAND)
        result = command (handle, op->text, op->b_request, error) ? GINT_TO_POINTER (TRUE) : NULL;
      else
        result = getenv_value (handle, op->text, error);
    }
  ub_usb_close_target (handle);
  libusb_exit (ctx);
  return result;
}

static void
op_worker (GTask        *task,
           gpointer      source_object,
           gpointer      task_data,
           GCancellable *cancellable)
{
  Op *op = task_data;
  g_autoptr(GError) error = NULL;
  gpointer result = run_op (op, cancellable, &error);

  if (result == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else if (op->kind == OP_GETENV)
    g_task_return_pointer (task, result, g_free);
  else
    g_task_return_boolean (task, TRUE);
}

/* Checks what can be checked on the caller's thread, then runs @op */
static void
start_op (GTask    *task,
          Op       *op,
          UbDevice *device)
{
  g_autoptr(GError) error = NULL;

  g_task_set_task_data (task, op, (GDestroyNotify)op_free);
  if (op->text != NULL &&
      strlen (op->text) + (op->kind == OP_GETENV ? strlen ("getenv ") : 0) > UB_RECOVERY_MAX_COMMAND)
    {
      g_task_return_new_error (task, UB_ERROR, UB_ERROR_INVALID_DATA,
                               _("The recovery command is too long (at most %u characters)."),
                               UB_RECOVERY_MAX_COMMAND);
      return;
    }
  if (!ub_usb_target_init (&op->target, device, UB_DEVICE_MODE_RECOVERY, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_run_in_thread (task, op_worker);
}

/* A file of 1 byte to UB_RECOVERY_MAX_FILE, whole or streamed */
static void
send_file_op (UbDevice            *device,
              Op                  *op,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  guint64 size = op_file_size (op);

  g_task_set_source_tag (task, ub_recovery_send_file_async);
  op->kind = OP_FILE;
  if (size == 0 || size > UB_RECOVERY_MAX_FILE)
    {
      g_autofree char *text = g_format_size (size);

      op_free (op);
      g_task_return_new_error (task, UB_ERROR, UB_ERROR_INVALID_DATA,
                               /* TRANSLATORS: %s is a size, e.g. "300.0 MB" */
                               _("The file for the phone is empty or too large (%s)."), text);
      return;
    }
  start_op (task, op, device);
}

/**
 * ub_recovery_send_file_async:
 * @device: a snapshot of a phone in recovery mode, seen on USB
 * @data: the file (an IMG4 image), 1 byte to %UB_RECOVERY_MAX_FILE
 *
 * Uploads @data for the next command to use, from a worker thread.
 */
void
ub_recovery_send_file_async (UbDevice            *device,
                             GBytes              *data,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  Op *op;

  g_return_if_fail (UB_IS_DEVICE (device));
  g_return_if_fail (data != NULL);

  op = g_new0 (Op, 1);
  op->data = g_bytes_ref (data);
  send_file_op (device, op, cancellable, callback, user_data);
}

/**
 * ub_recovery_send_stream_async:
 * @device: a snapshot of a phone in recovery mode, seen on USB
 * @prefix: the file's first bytes
 * @stream: then @stream_len bytes read from here, from the worker thread
 * @suffix: then these
 *
 * Like ub_recovery_send_file_async(), for a file too large to hold: a
 * restore ramdisk's IMG4 is its header, the IM4P read from the IPSW as it
 * is sent, and the ticket. Finish with ub_recovery_send_file_finish().
 */
void
ub_recovery_send_stream_async (UbDevice            *device,
                               GBytes              *prefix,
                               GInputStream        *stream,
                               guint64              stream_len,
                               GBytes              *suffix,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  Op *op;

  g_return_if_fail (UB_IS_DEVICE (device));
  g_return_if_fail (prefix != NULL && G_IS_INPUT_STREAM (stream) && suffix != NULL);

  op = g_new0 (Op, 1);
  op->data = g_bytes_ref (prefix);
  op->stream = g_object_ref (stream);
  op->stream_len = stream_len;
  op->suffix = g_bytes_ref (suffix);
  send_file_op (device, op, cancellable, callback, user_data);
}

gboolean
ub_recovery_send_file_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ub_recovery_send_file_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * ub_recovery_send_command_breq_async:
 * @command: the command, e.g. "go" or "bootx"
 * @b_request: the control request's bRequest: 0 for most commands, 1 for
 *   "go" and "bootx" as current iBoot expects them
 *
 * Sends one command. For "go", "bootx", "reboot" and "reset" the phone
 * leaving the bus during the transfer is success.
 */
void
ub_recovery_send_command_breq_async (UbDevice            *device,
                                     const char          *command_text,
                                     guint8               b_request,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Op *op;

  g_return_if_fail (UB_IS_DEVICE (device));
  g_return_if_fail (command_text != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ub_recovery_send_command_breq_async);
  op = g_new0 (Op, 1);
  op->kind = OP_COMMAND;
  op->text = g_strdup (command_text);
  op->b_request = b_request;
  start_op (task, op, device);
}

gboolean
ub_recovery_send_command_breq_finish (GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ub_recovery_send_command_breq_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * ub_recovery_getenv_async:
 * @name: an iBoot variable, e.g. "ramdisk-delay" or "auto-boot"
 *
 * Reads one variable of the running iBoot environment.
 */
void
ub_recovery_getenv_async (UbDevice            *device,
                          const char          *name,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Op *op;

  g_return_if_fail (UB_IS_DEVICE (device));
  g_return_if_fail (name != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ub_recovery_getenv_async);
  if (*name == '\0' || strchr (name, ' ') != NULL)
    {
      g_task_return_new_error (task, UB_ERROR, UB_ERROR_INVALID_DATA,
                               _("“%s” is not a valid setting name."), name);
      return;
    }
  op = g_new0 (Op, 1);
  op->kind = OP_GETENV;
  op->text = g_strdup (name);
  start_op (task, op, device);
}

/**
 * ub_recovery_getenv_finish:
 *
 * Returns: (transfer full) (nullable): the value ("" when it is not set)
 */
char *
ub_recovery_getenv_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ub_recovery_getenv_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
