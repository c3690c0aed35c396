/* ub-restore-job-chain.c — the stages of a restore, from DFU to restore mode
 *
 * restore-protocol.md §1.2–1.5: check the firmware against the phone and
 * the permission to erase; ask Apple to sign (TSS) for this phone's ECID and
 * nonce; send iBSS over DFU and wait for it to come back in recovery mode;
 * send iBEC and "go"; then logo, restore ramdisk, device tree, SEP firmware
 * and kernel, and "bootx"; wait for the restore system on usbmuxd. Every
 * image is the IPSW's own, personalized with the ticket (ub-img4.c). When
 * the phone shows a new nonce after a reboot, a new ticket is asked for.
 *
 * Runs in the restore job's worker (ub-restore-job.c): blocking steps, each
 * with its own deadline. A failure leaves the phone in DFU or recovery mode,
 * from which a new attempt starts over.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-restore"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ub-dfu.h"
#include "ub-error.h"
#include "ub-img4.h"
#include "ub-recovery.h"
#include "ub-restore-job-private.h"
#include "ub-restore-personalize.h"
#include "ub-tss.h"

/* restore-protocol.md §1.4–1.5 (in the clock's time) */
#define BOOT_LEAVE_MS        10000
#define BOOT_RETURN_MS       10000
#define RESTORE_LEAVE_MS     30000
#define RESTORE_RETURN_MS    300000
#define RAMDISK_SETTLE_MS    2000

/* ---- small sync wrappers around the async calls (see _ub_restore_job_run_nested) ---- */

typedef struct
{
  UbDevice   *device;
  GBytes     *bytes;
  GInputStream *stream;
  guint64     stream_len;
  GBytes     *suffix;
  const char *text;
  guint8      b_request;
  plist_t     request;
  const char * const *commands;
} Call;

static void
start_tss (gpointer data, GCancellable *c, GAsyncReadyCallback cb, gpointer user_data)
{
  ub_tss_send_async (((Call *)data)->request, c, cb, user_data);
}

static void
start_dfu (gpointer data, GCancellable *c, GAsyncReadyCallback cb, gpointer user_data)
{
  Call *call = data;

  ub_dfu_send_async (call->device, call->bytes, c, NULL, NULL, NULL, cb, user_data);
}

static void
start_upload (gpointer data, GCancellable *c, GAsyncReadyCallback cb, gpointer user_data)
{
  ub_recovery_send_file_async (((Call *)data)->device, ((Call *)data)->bytes, c, cb, user_data);
}

static void
start_upload_stream (gpointer data, GCancellable *c, GAsyncReadyCallback cb, gpointer user_data)
{
  Call *call = data;

  ub_recovery_send_stream_async (call->device, call->bytes, call->stream, call->stream_len, call->suffix,
                                 c, cb, user_data);
}

static void
start_breq (gpointer data, GCancellable *c, GAsyncReadyCallback cb, gpointer user_data)
{
  Call *call = data;

  ub_recovery_send_command_breq_async (call->device, call->text, call->b_request, c, cb, user_data);
}

static void
start_commands (gpointer data, GCancellable *c, GAsyncReadyCallback cb, gpointer user_data)
{
  ub_recovery_send_commands_async (((Call *)data)->device, ((Call *)data)->commands, c, cb, user_data);
}

static gboolean
send_commands (UbRestoreJob  *self,
               UbDevice      *phone,
               const char    *first,
               ...)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new ();
  g_autoptr(GAsyncResult) result = NULL;
  Call call = { .device = phone };
  GError **error;
  va_list args;

  va_start (args, first);
  for (const char *c = first; c != NULL; c = va_arg (args, const char *))
    g_ptr_array_add (list, (gpointer)c);
  error = va_arg (args, GError **);
  va_end (args);
  g_ptr_array_add (list, NULL);
  call.commands = (const char * const *)list->pdata;
  for (guint i = 0; i + 1 < list->len; i++)
    ub_restore_log_event (self->log, "usb", "command “%s”", (const char *)list->pdata[i]);
  result = _ub_restore_job_run_nested (self, start_commands, &call);
  return ub_recovery_send_commands_finish (result, error);
}

/* bRequest 1: the commands that start something ("go", "bootx") */
static gboolean
send_start_command (UbRestoreJob  *self,
                    UbDevice      *phone,
                    const char    *command,
                    GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  Call call = { .device = phone, .text = command, .b_request = 1 };

  ub_restore_log_event (self->log, "usb", "command “%s” (bRequest 1)", command);
  result = _ub_restore_job_run_nested (self, start_breq, &call);
  return ub_recovery_send_command_breq_finish (result, error);
}

/* ---- stage 1: check ---- */

static gboolean
check (UbRestoreJob  *self,
       UbDevice      *phone,
       GError       **error)
{
  UbModel *model = ub_device_get_model (phone);
  gboolean erase = self->kind == UB_RESTORE_KIND_ERASE;

  _ub_restore_job_enter_stage (self, UB_RESTORE_STAGE_CHECK);
  if (erase && !ub_consent_check_erase (self->consent, self->ecid, error))
    return FALSE;
  if (model == NULL)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_NOT_FOUND,
                           _("Unbrick does not know this iPhone model, so it cannot choose its firmware."));
      return FALSE;
    }
  self->ipsw = ub_ipsw_new_for_path (self->ipsw_path, error);
  if (self->ipsw == NULL)
    return FALSE;
  self->identity = ub_ipsw_choose_identity (self->ipsw, model, erase, error);
  if (self->identity == NULL)
    return FALSE;
  g_object_ref (self->identity);   /* the IPSW's; kept with it */
  if (!ub_ipsw_check_components (self->ipsw, self->identity, error))
    return FALSE;
  ub_restore_log_event (self->log, "ipsw", "%s %s (%s), identity %u (%s, %s)", self->ipsw_path,
                        ub_ipsw_get_product_version (self->ipsw), ub_ipsw_get_build_version (self->ipsw),
                        ub_build_identity_get_index (self->identity),
                        ub_build_identity_get_device_class (self->identity),
                        ub_restore_behavior_to_string (ub_build_identity_get_behavior (self->identity)));
  return TRUE;
}

/* ---- stage 2: signing ---- */

static gboolean
check_ticket (UbRestoreJob  *self,
              GBytes        *ticket,
              GBytes        *nonce,
              GError       **error)
{
  g_autoptr(GBytes) ticket_nonce = NULL;
  guint64 ecid = 0;

  if (!ub_img4_ticket_get_ecid (ticket, &ecid, error))
    return FALSE;
  if (ecid != self->ecid)
    {
      g_autofree char *other = g_strdup_printf ("0x%016" G_GINT64_MODIFIER "X", ecid);

      g_set_error (error, UB_ERROR, UB_ERROR_PROTOCOL,
                   /* TRANSLATORS: %s is an ECID, e.g. 0x001A2B3C4D5E6F70 */
                   _("Apple’s signature is for another iPhone (ECID %s). Nothing was sent to this one; "
                     "try again."), other);
      return FALSE;
    }
  ticket_nonce = ub_img4_ticket_dup_nonce (ticket, NULL);
  if (ticket_nonce != NULL && nonce != NULL && !g_bytes_equal (ticket_nonce, nonce))
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_PROTOCOL,
                           _("Apple’s signature does not match this iPhone’s current boot. Nothing was sent; "
                             "try again."));
      return FALSE;
    }
  return TRUE;
}

/* Asks for a ticket unless the one we have fits the phone's current nonce */
static gboolean
sign (UbRestoreJob  *self,
      UbDevice      *phone,
      GError       **error)
{
  const UbIbootInfo *info = ub_device_get_iboot_info (phone);
  g_auto(UbTssDevice) device = { 0 };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) ticket = NULL;
  Call call = { 0 };

  if (info == NULL || !ub_tss_device_init_from_iboot (&device, info, error))
    return FALSE;
  if (self->ticket != NULL && self->ticket_nonce != NULL && device.ap_nonce != NULL &&
      g_bytes_equal (self->ticket_nonce, device.ap_nonce))
    return TRUE;
  if (self->ticket != NULL)
    ub_restore_log_event (self->log, "tss", "the phone's nonce changed: asking for a new ticket");
  if ((call.request = ub_tss_request_new_ap (self->identity, &device, error)) == NULL)
    return FALSE;
  result = _ub_restore_job_run_nested (self, start_tss, &call);
  plist_free (call.request);
  ticket = ub_tss_send_finish (result, NULL, error);
  if (ticket == NULL || !check_ticket (self, ticket, device.ap_nonce, error))
    return FALSE;
  ub_restore_log_event (self->log, "tss", "ticket of %zu bytes", g_bytes_get_size (ticket));
  g_clear_pointer (&self->ticket, g_bytes_unref);
  g_clear_pointer (&self->ticket_nonce, g_bytes_unref);
  self->ticket = g_steal_pointer (&ticket);
  self->ticket_nonce = device.ap_nonce ? g_bytes_ref (device.ap_nonce) : NULL;
  return TRUE;
}

/* ---- the images ---- */

/* The IPSW's image, personalized with the ticket */
static GBytes *
personalize (UbRestoreJob  *self,
             const char    *name,
             gboolean       optional,
             GError       **error)
{
  GBytes *img4 = ub_restore_personalize (self->ipsw, self->identity, self->ticket, self->ticket_nonce,
                                         name, optional, self->work_cancel, error);

  if (img4 != NULL)
    ub_restore_log_event (self->log, "img4", "%s: %zu bytes", name, g_bytes_get_size (img4));
  return img4;
}

static gboolean
upload (UbRestoreJob  *self,
        UbDevice      *phone,
        GBytes        *image,
        GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  Call call = { .device = phone, .bytes = image };

  result = _ub_restore_job_run_nested (self, start_upload, &call);
  return ub_recovery_send_file_finish (result, error);
}

/* ---- stage 3: iBSS over DFU ---- */

static UbDevice *
send_ibss (UbRestoreJob  *self,
           UbDevice      *phone,
           GError       **error)
{
  g_autoptr(GBytes) image = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  Call call = { .device = phone };
  guint mark;

  _ub_restore_job_enter_stage (self, UB_RESTORE_STAGE_SEND_IBSS);
  if ((image = personalize (self, "iBSS", FALSE, error)) == NULL)
    return NULL;
  call.bytes = image;
  mark = _ub_restore_job_mark (self);
  result = _ub_restore_job_run_nested (self, start_dfu, &call);
  if (!ub_dfu_send_finish (result, error))
    return NULL;
  _ub_restore_job_set_progress (self, 0.5, _("Waiting for the iPhone to restart…"));
  return _ub_restore_job_wait (self, TRUE, mark, UB_WANT_RECOVERY, BOOT_LEAVE_MS, BOOT_RETURN_MS, error);
}

/* ---- stage 4: iBEC ---- */

static UbDevice *
send_ibec (UbRestoreJob  *self,
           UbDevice      *phone,
           GError       **error)
{
  g_autoptr(GBytes) image = NULL;
  guint mark;

  _ub_restore_job_enter_stage (self, UB_RESTORE_STAGE_SEND_IBEC);
  if (!sign (self, phone, error) || (image = personalize (self, "iBEC", FALSE, error)) == NULL)
    return NULL;
  if (!upload (self, phone, image, error))
    return NULL;
  mark = _ub_restore_job_mark (self);
  if (!send_start_command (self, phone, "go", error))
    return NULL;
  _ub_restore_job_set_progress (self, 0.5, _("Waiting for the iPhone to restart…"));
  return _ub_restore_job_wait (self, TRUE, mark, UB_WANT_RECOVERY, BOOT_LEAVE_MS, BOOT_RETURN_MS, error);
}

/* ---- stage 5: the restore system ---- */

typedef struct
{
  const char *component;
  gboolean    optional;
  const char *command;      /* after the upload */
  const char *status;
} BootStep;

static const BootStep boot_steps[] = {
  { "RestoreLogo", TRUE, "setpicture 4", N_("Showing the restore logo") },
  { "RestoreRamDisk", FALSE, "ramdisk", N_("Sending the restore system") },
  { "RestoreDeviceTree", FALSE, "devicetree", N_("Sending the device description") },
  { "RestoreSEP", TRUE, "rsepfirmware", N_("Sending the security processor’s firmware") },
  { "RestoreKernelCache", FALSE, NULL, N_("Sending the kernel") },
};

static GBytes *
read_head (GInputStream  *stream,
           guint64        size,
           GCancellable  *cancellable,
           GError       **error)
{
  gsize want = (gsize) MIN (size, UB_IMG4_STREAM_HEAD), got = 0;
  g_autofree guint8 *head = g_malloc (want);

  if (!g_input_stream_read_all (stream, head, want, &got, cancellable, error))
    return NULL;
  if (got != want)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_CORRUPT_ARCHIVE,
                           _("The firmware file ended before the image for the phone did."));
      return NULL;
    }
  return g_bytes_new_take (g_steal_pointer (&head), want);
}

/* The restore ramdisk (100–200 MB) is sent as it is read from the IPSW:
 * only its first bytes and the ticket are held (ub_img4_stitch_parts) */
static gboolean
upload_streamed (UbRestoreJob  *self,
                 UbDevice      *phone,
                 const char    *name,
                 GError       **error)
{
  const char *path = ub_build_identity_get_component_path (self->identity, name);
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GBytes) head = NULL, prefix = NULL, suffix = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  guint64 size = 0;
  Call call = { .device = phone };

  if (path == NULL)
    {
      /* TRANSLATORS: %s is a firmware part, e.g. "iBSS" */
      g_set_error (error, UB_ERROR, UB_ERROR_CORRUPT_ARCHIVE, _("The firmware file has no %s for this iPhone."), name);
      return FALSE;
    }
  if (!ub_ipsw_get_component_size (self->ipsw, path, &size, error) ||
      (stream = ub_ipsw_open_component (self->ipsw, path, error)) == NULL ||
      (head = read_head (stream, size, self->work_cancel, error)) == NULL ||
      !ub_img4_stitch_parts (head, size, self->ticket, name, self->ticket_nonce, &prefix, &suffix, error))
    return FALSE;
  ub_restore_log_event (self->log, "img4", "%s: %" G_GUINT64_FORMAT " bytes, streamed", name, size);
  call.bytes = prefix;
  call.stream = stream;
  call.stream_len = size - g_bytes_get_size (head);
  call.suffix = suffix;
  result = _ub_restore_job_run_nested (self, start_upload_stream, &call);
  return ub_recovery_send_file_finish (result, error);
}

static gboolean
boot_step (UbRestoreJob   *self,
           UbDevice       *phone,
           const BootStep *step,
           GError        **error)
{
  g_autoptr(GBytes) image = NULL;
  g_autoptr(GError) local = NULL;

  if (g_str_equal (step->component, "RestoreRamDisk"))
    {
      if (!upload_streamed (self, phone, step->component, error))
        return FALSE;
    }
  else if ((image = personalize (self, step->component, step->optional, &local)) == NULL)
    {
      if (local == NULL)
        return TRUE;   /* this firmware has none: fine for the optional ones */
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (image != NULL && !upload (self, phone, image, error))
    return FALSE;
  if (step->command != NULL && !send_commands (self, phone, step->command, NULL, error))
    return FALSE;
  if (g_str_equal (step->component, "RestoreLogo"))
    return send_commands (self, phone, "bgcolor 0 0 0", NULL, error);
  if (g_str_equal (step->component, "RestoreRamDisk"))
    g_usleep (ub_clock_scale_ms (ub_clock_get_default (), RAMDISK_SETTLE_MS) * 1000);
  return TRUE;
}

static UbDevice *
boot_restore_system (UbRestoreJob  *self,
                     UbDevice      *phone,
                     GError       **error)
{
  guint mark;

  _ub_restore_job_enter_stage (self, UB_RESTORE_STAGE_BOOT_RAMDISK);
  if (!sign (self, phone, error) ||
      !send_commands (self, phone, "setenv auto-boot false", NULL, error))
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (boot_steps); i++)
    {
      _ub_restore_job_set_progress (self, (double)i / G_N_ELEMENTS (boot_steps), _(boot_steps[i].status));
      if (!boot_step (self, phone, &boot_steps[i], error))
        return NULL;
    }
  if (!send_commands (self, phone, "setenv boot-args rd=md0 nand-enable-reformat=1 -progress", NULL, error))
    return NULL;
  mark = _ub_restore_job_mark (self);
  if (!send_start_command (self, phone, "bootx", error))
    return NULL;
  _ub_restore_job_enter_stage (self, UB_RESTORE_STAGE_WAIT_RESTORE_MODE);
  return _ub_restore_job_wait (self, TRUE, mark, UB_WANT_RESTORE, RESTORE_LEAVE_MS, RESTORE_RETURN_MS, error);
}

/**
 * _ub_restore_job_run_chain:
 *
 * Takes the phone from DFU (or recovery) mode to restore mode, then lets
 * the restore system install iOS (ub-restore-job-install.c).
 */
gboolean
_ub_restore_job_run_chain (UbRestoreJob  *self,
                           GError       **error)
{
  g_autoptr(UbDevice) phone = _ub_restore_job_dup_phone (self);
  UbDeviceMode mode = phone ? ub_device_get_mode (phone) : UB_DEVICE_MODE_UNKNOWN;
  UbDevice *next;

  if (phone == NULL || (mode != UB_DEVICE_MODE_DFU && mode != UB_DEVICE_MODE_RECOVERY))
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_WRONG_MODE,
                           _("The iPhone must be in DFU or recovery mode to be restored."));
      return FALSE;
    }
  if (!check (self, phone, error))
    return FALSE;
  _ub_restore_job_enter_stage (self, UB_RESTORE_STAGE_SIGN);
  if (!sign (self, phone, error))
    return FALSE;
  if (mode == UB_DEVICE_MODE_DFU)
    {
      if ((next = send_ibss (self, phone, error)) == NULL)
        return FALSE;
      g_set_object (&phone, next);
      g_object_unref (next);
    }
  if ((next = send_ibec (self, phone, error)) == NULL)
    return FALSE;
  g_set_object (&phone, next);
  g_object_unref (next);
  if ((next = boot_restore_system (self, phone, error)) == NULL)
    return FALSE;
  g_set_object (&phone, next);
  g_object_unref (next);
  return _ub_restore_job_install (self, phone, error);
}
