/* ub-recovery.c — commands to a phone in recovery mode, over our own USB transport
 *
 * iBoot takes a command as a vendor control transfer (bmRequestType 0x40,
 * bRequest 0, the text with its NUL; restore-protocol.md §3). The worker opens
 * the phone by bus and address, checks that its ECID is the one the caller
 * saw (a different phone on the same address is refused), and sends the
 * commands in order with a timeout each. "reboot" makes the phone vanish
 * mid-transfer; that is its success, not an error.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-recovery"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libusb.h>
#include <string.h>

#include "ub-error.h"
#include "ub-recovery.h"
#include "ub-usb-open.h"
#include "ub-usb-probe.h"

typedef struct
{
  UbUsbTarget target;
  GStrv       commands;
} SendData;

static void
send_data_free (SendData *data)
{
  g_strfreev (data->commands);
  g_free (data);
}

static gboolean
send_one (libusb_device_handle  *handle,
          const char            *command,
          GError               **error)
{
  gsize len = strlen (command) + 1;
  gboolean is_reboot = g_str_equal (command, "reboot");
  int status;

  g_debug ("Sending recovery command “%s”", command);
  status = libusb_control_transfer (handle, 0x40, 0, 0, 0, (unsigned char *)command,
                                    (guint16)len, UB_RECOVERY_COMMAND_TIMEOUT_MS);
  if (status == (int)len)
    return TRUE;
  if (is_reboot && (status == LIBUSB_ERROR_NO_DEVICE || status == LIBUSB_ERROR_PIPE ||
                    status == LIBUSB_ERROR_IO || status == LIBUSB_ERROR_TIMEOUT))
    {
      g_debug ("The phone went away while rebooting (%s): expected", libusb_error_name (status));
      return TRUE;
    }
  ub_usb_set_error (error, status < 0 ? status : LIBUSB_ERROR_IO, _("send a command to the phone"));
  return FALSE;
}

static gboolean
send_all (SendData      *data,
          GCancellable  *cancellable,
          GError       **error)
{
  libusb_context *ctx = NULL;
  libusb_device_handle *handle = NULL;
  gboolean ok = FALSE;
  int status;

  if ((status = libusb_init (&ctx)) != 0)
    {
      ub_usb_set_error (error, status, _("start USB"));
      return FALSE;
    }
  /* the phone at its address, in recovery mode, with its ECID when known */
  if ((handle = ub_usb_open_target (ctx, &data->target, error)) == NULL)
    goto out;
  ok = TRUE;
  for (guint i = 0; ok && data->commands[i] != NULL; i++)
    ok = !g_cancellable_set_error_if_cancelled (cancellable, error) &&
         send_one (handle, data->commands[i], error);

out:
  if (handle != NULL)
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

  if (send_all (task_data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

/**
 * ub_recovery_send_commands_async:
 * @device: a snapshot of a phone in recovery mode, seen on USB
 * @commands: commands such as "setenv auto-boot true", "saveenv", "reboot"
 *
 * Sends the commands in order from a worker thread.
 */
void
ub_recovery_send_commands_async (UbDevice            *device,
                                 const char * const  *commands,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SendData *data;

  g_return_if_fail (UB_IS_DEVICE (device));
  g_return_if_fail (commands != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ub_recovery_send_commands_async);

  for (guint i = 0; commands[i] != NULL; i++)
    {
      if (strlen (commands[i]) > UB_RECOVERY_MAX_COMMAND)
        {
          g_task_return_new_error (task, UB_ERROR, UB_ERROR_INVALID_DATA,
                                   "Recovery command too long");
          return;
        }
    }
  if (ub_device_get_source (device) != UB_DEVICE_SOURCE_USB ||
      ub_device_get_mode (device) != UB_DEVICE_MODE_RECOVERY)
    {
      g_task_return_new_error (task, UB_ERROR, UB_ERROR_WRONG_MODE,
                               _("The phone is not in recovery mode."));
      return;
    }

  /* Not ub_usb_target_init(): a phone whose ECID could not be read may
   * still be told to restart */
  data = g_new0 (SendData, 1);
  data->target.bus = ub_device_get_bus (device);
  data->target.address = ub_device_get_address (device);
  data->target.mode = UB_DEVICE_MODE_RECOVERY;
  data->target.has_ecid = ub_device_has_ecid (device);
  data->target.ecid = ub_device_get_ecid (device);
  data->commands = g_strdupv ((char **)commands);
  g_task_set_task_data (task, data, (GDestroyNotify)send_data_free);
  g_task_run_in_thread (task, send_worker);
}

gboolean
ub_recovery_send_commands_finish (GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ub_recovery_send_commands_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * ub_recovery_get_exit_commands:
 *
 * What gets a phone out of a recovery loop when iOS itself is fine: boot on
 * its own again, remember that, and restart (dfu-sequences.md §3).
 *
 * Returns: (transfer none): the commands, for ub_recovery_send_commands_async()
 */
const char * const *
ub_recovery_get_exit_commands (void)
{
  static const char * const commands[] = { "setenv auto-boot true", "saveenv", "reboot", NULL };

  return commands;
}
