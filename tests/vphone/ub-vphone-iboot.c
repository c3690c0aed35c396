/* ub-vphone-iboot.c — iBoot's recovery-mode USB interface
 *
 * As libirecovery 1.0.0 uses it (restore-protocol.md §3):
 *  - commands: control 0x40/0 (or 0x40/1) carrying the command and its NUL;
 *    setenv, getenv, saveenv, reboot/reset, go, bgcolor, setpicture and the
 *    boot commands are understood, anything else is accepted and ignored;
 *  - getenv's answer is read with the next control 0xC0/0;
 *  - uploads: control 0x41/0, then bulk OUT on endpoint 0x04 in chunks with
 *    no terminator. An upload is recorded (size and SHA-256) when it ends:
 *    at the next control request, interface release, close or reset;
 *  - the commands that use an upload (go, setpicture, ramdisk, devicetree,
 *    rsepfirmware, bootx) first ask the boot chain (ub-vphone-chain.c)
 *    whether it takes the image; a refused command stalls.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-vphone-iboot"

#include "config.h"

#include <errno.h>
#include <string.h>

#include "ub-vphone-iboot.h"

#define MAX_UPLOAD (256 * 1024 * 1024)   /* more than any real restore component */

struct _UbVphoneIboot
{
  GObject           parent_instance;

  UbVphoneNvram    *nvram;
  UbVphoneRecorder *recorder;
  UbVphoneChain    *chain;
  char             *response;      /* for the next 0xC0/0 read */
  GChecksum        *upload_sum;
  GByteArray       *upload;        /* NULL once it grew past MAX_UPLOAD */
  gsize             upload_len;
  GBytes           *image;         /* an upload waits for a command to use it */
};

G_DEFINE_FINAL_TYPE (UbVphoneIboot, ub_vphone_iboot, G_TYPE_OBJECT)

static void
ub_vphone_iboot_finalize (GObject *object)
{
  UbVphoneIboot *self = UB_VPHONE_IBOOT (object);

  g_clear_object (&self->nvram);
  g_clear_object (&self->recorder);
  g_clear_object (&self->chain);
  g_clear_pointer (&self->response, g_free);
  g_clear_pointer (&self->upload_sum, g_checksum_free);
  g_clear_pointer (&self->upload, g_byte_array_unref);
  g_clear_pointer (&self->image, g_bytes_unref);

  G_OBJECT_CLASS (ub_vphone_iboot_parent_class)->finalize (object);
}

static void
ub_vphone_iboot_class_init (UbVphoneIbootClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ub_vphone_iboot_finalize;
}

static void
ub_vphone_iboot_init (UbVphoneIboot *self)
{
}

/**
 * ub_vphone_iboot_new:
 *
 * Returns: (transfer full): iBoot's interface, for one enumeration
 */
UbVphoneIboot *
ub_vphone_iboot_new (UbVphoneNvram    *nvram,
                     UbVphoneRecorder *recorder,
                     UbVphoneChain    *chain)
{
  UbVphoneIboot *self;

  g_return_val_if_fail (UB_IS_VPHONE_NVRAM (nvram), NULL);
  g_return_val_if_fail (UB_IS_VPHONE_RECORDER (recorder), NULL);
  g_return_val_if_fail (UB_IS_VPHONE_CHAIN (chain), NULL);

  self = g_object_new (UB_TYPE_VPHONE_IBOOT, NULL);
  self->nvram = g_object_ref (nvram);
  self->recorder = g_object_ref (recorder);
  self->chain = g_object_ref (chain);
  return self;
}

/**
 * ub_vphone_iboot_finish_upload:
 *
 * Records the upload in progress, if any; it stays available to `go`.
 */
void
ub_vphone_iboot_finish_upload (UbVphoneIboot *self)
{
  g_return_if_fail (UB_IS_VPHONE_IBOOT (self));

  if (self->upload_sum == NULL)
    return;
  if (self->upload_len > 0)
    {
      ub_vphone_recorder_log (self->recorder, "recovery upload %" G_GSIZE_FORMAT " bytes sha256 %s",
                              self->upload_len, g_checksum_get_string (self->upload_sum));
      g_clear_pointer (&self->image, g_bytes_unref);
      /* Too large to keep: an empty image, which no check accepts. */
      self->image = self->upload != NULL ? g_byte_array_free_to_bytes (g_steal_pointer (&self->upload))
                                         : g_bytes_new (NULL, 0);
    }
  g_clear_pointer (&self->upload_sum, g_checksum_free);
  g_clear_pointer (&self->upload, g_byte_array_unref);
  self->upload_len = 0;
}

/**
 * ub_vphone_iboot_bulk_out:
 *
 * Data on endpoint 0x04: part of an upload.
 */
void
ub_vphone_iboot_bulk_out (UbVphoneIboot *self,
                          const guint8  *data,
                          gsize          len)
{
  g_return_if_fail (UB_IS_VPHONE_IBOOT (self));

  if (self->upload_sum == NULL)
    {
      self->upload_sum = g_checksum_new (G_CHECKSUM_SHA256);
      self->upload = g_byte_array_new ();
    }
  g_checksum_update (self->upload_sum, data, len);
  self->upload_len += len;
  if (self->upload != NULL && self->upload_len > MAX_UPLOAD)
    g_clear_pointer (&self->upload, g_byte_array_unref);
  if (self->upload != NULL)
    g_byte_array_append (self->upload, data, len);
}

static void
set_response (UbVphoneIboot *self,
              const char    *value)
{
  g_free (self->response);
  self->response = g_strdup (value != NULL ? value : "");
}

/* Runs one command; returns what the phone must do about it. */
static UbVphoneIbootAction
run_command (UbVphoneIboot *self,
             const char    *command)
{
  g_auto(GStrv) words = g_strsplit (command, " ", 3);
  const char *verb = words[0] != NULL ? words[0] : "";
  g_autoptr(GBytes) image = NULL;

  if (g_str_equal (verb, "setenv") && words[1] != NULL)
    {
      ub_vphone_nvram_set (self->nvram, words[1], words[2] != NULL ? words[2] : "");
      return UB_VPHONE_IBOOT_NONE;
    }
  if (g_str_equal (verb, "getenv") && words[1] != NULL)
    {
      set_response (self, ub_vphone_nvram_get (self->nvram, words[1]));
      return UB_VPHONE_IBOOT_NONE;
    }
  if (g_str_equal (verb, "saveenv"))
    {
      ub_vphone_nvram_save (self->nvram);
      return UB_VPHONE_IBOOT_NONE;
    }
  if (g_str_equal (verb, "bgcolor"))
    return UB_VPHONE_IBOOT_NONE;
  /* Every other command uses up the upload (setpicture, ramdisk, devicetree, …). */
  image = g_steal_pointer (&self->image);
  if (g_str_equal (verb, "reboot") || g_str_equal (verb, "reset"))
    return UB_VPHONE_IBOOT_REBOOT;
  if (!ub_vphone_chain_takes_image (verb))
    return UB_VPHONE_IBOOT_NONE;
  if (!ub_vphone_chain_check_command (self->chain, verb, image))
    return UB_VPHONE_IBOOT_REFUSED;
  if (g_str_equal (verb, "go") && image != NULL)
    return UB_VPHONE_IBOOT_GO;
  if (g_str_equal (verb, "bootx"))
    return UB_VPHONE_IBOOT_BOOTX;
  return UB_VPHONE_IBOOT_NONE;
}

static int
command (UbVphoneIboot       *self,
         const UbVphoneSetup *setup,
         const guint8        *data,
         gsize               *actual,
         UbVphoneIbootAction *action)
{
  g_autofree char *text = g_strndup ((const char *) data, setup->length);

  *actual = setup->length;
  ub_vphone_recorder_log (self->recorder, "recovery command \"%s\"", text);
  g_debug ("iBoot command \"%s\"", text);
  *action = run_command (self, text);
  if (*action != UB_VPHONE_IBOOT_REFUSED)
    return 0;
  *action = UB_VPHONE_IBOOT_NONE;
  *actual = 0;
  return -EPIPE;
}

/**
 * ub_vphone_iboot_request:
 * @setup: a control request in recovery mode (not a standard one)
 * @data: the data stage: read for OUT requests, filled for IN requests
 * @actual: (out): bytes moved in the data stage
 * @action: (out): what the phone must do once the transfer completed
 *
 * Returns: 0, or -EPIPE when iBoot stalls
 */
int
ub_vphone_iboot_request (UbVphoneIboot       *self,
                         const UbVphoneSetup *setup,
                         guint8              *data,
                         gsize               *actual,
                         UbVphoneIbootAction *action)
{
  g_return_val_if_fail (UB_IS_VPHONE_IBOOT (self), -EPIPE);

  *actual = 0;
  *action = UB_VPHONE_IBOOT_NONE;
  ub_vphone_iboot_finish_upload (self);
  switch (setup->request_type << 8 | setup->request)
    {
    case 0x4000:
    case 0x4001:
      return command (self, setup, data, actual, action);
    case 0xc000:
      *actual = MIN ((gsize) setup->length, strlen (self->response ? self->response : "") + 1);
      memcpy (data, self->response ? self->response : "", *actual);
      g_clear_pointer (&self->response, g_free);
      return 0;
    case 0x4100:
      self->upload_sum = g_checksum_new (G_CHECKSUM_SHA256);
      self->upload = g_byte_array_new ();
      return 0;
    default:
      /* iBoot also takes the DFU-style zero-length 0x21/1 before a kernel. */
      if (setup->request_type == 0x21 && setup->length == 0)
        return 0;
      return -EPIPE;
    }
}
