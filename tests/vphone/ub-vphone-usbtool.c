/* ub-vphone-usbtool.c — vphone-usbtool: a small libusb host for the vphone tests
 *
 *   vphone-usbtool [--timeout MS] list
 *   vphone-usbtool [--timeout MS] [--bad-crc] dfu-send FILE
 *   vphone-usbtool [--timeout MS] dfu-status
 *   vphone-usbtool [--timeout MS] command "setenv auto-boot true"
 *   vphone-usbtool watch MS
 *
 * It speaks DFU and iBoot as restore-protocol.md §3 describes, with plain
 * libusb, and prints one result line: "ok …" or "error <LIBUSB_ERROR_…> at
 * <step>" (exit status 1). The tests use it to see what a libusb host sees
 * when the phone stalls, hangs or goes away; `watch` prints libusb hotplug
 * events ("arrived 05ac:1227", "left 05ac:1227") for MS milliseconds.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "vphone-usbtool"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <libusb.h>
#include <glib.h>

#define APPLE_VENDOR_ID 0x05ac
#define DFU_BLOCK       0x800

static int opt_timeout = 2000;
static gboolean opt_bad_crc;

static const guint8 dfu_suffix[12] = {
  0xff, 0xff, 0xff, 0xff, 0xac, 0x05, 0x00, 0x01, 0x55, 0x46, 0x44, 0x10,
};

static int
fail (int         code,
      const char *step)
{
  printf ("error %s at %s\n", code < 0 ? libusb_error_name (code) : "BAD_STATE", step);
  return 1;
}

static gboolean
is_apple_mode (const struct libusb_device_descriptor *desc)
{
  return desc->idVendor == APPLE_VENDOR_ID &&
         (desc->idProduct == 0x1227 || desc->idProduct == 0x1222 ||
          (desc->idProduct >= 0x1280 && desc->idProduct <= 0x1283));
}

static int
list_devices (libusb_context *ctx)
{
  libusb_device **list = NULL;
  ssize_t n = libusb_get_device_list (ctx, &list);

  for (ssize_t i = 0; i < n; i++)
    {
      struct libusb_device_descriptor desc;

      if (libusb_get_device_descriptor (list[i], &desc) == 0)
        printf ("device %04x:%04x\n", desc.idVendor, desc.idProduct);
    }
  libusb_free_device_list (list, 1);
  printf ("ok %zd devices\n", n);
  return 0;
}

/* Opens the phone in DFU or recovery mode and claims interface 0. */
static int
open_phone (libusb_context        *ctx,
            libusb_device_handle **handle)
{
  libusb_device **list = NULL;
  ssize_t n = libusb_get_device_list (ctx, &list);
  int r = LIBUSB_ERROR_NOT_FOUND;

  for (ssize_t i = 0; i < n && *handle == NULL; i++)
    {
      struct libusb_device_descriptor desc;

      if (libusb_get_device_descriptor (list[i], &desc) != 0 || !is_apple_mode (&desc))
        continue;
      r = libusb_open (list[i], handle);
    }
  libusb_free_device_list (list, 1);
  if (*handle == NULL)
    return r;
  return libusb_claim_interface (*handle, 0);
}

static guint32
crc32_update (guint32       crc,
              const guint8 *data,
              gsize         len)
{
  for (gsize i = 0; i < len; i++)
    {
      crc ^= data[i];
      for (guint k = 0; k < 8; k++)
        crc = (crc & 1) ? 0xedb88320 ^ (crc >> 1) : crc >> 1;
    }
  return crc;
}

/* The file followed by the DFU suffix and its CRC32. */
static GByteArray *
make_image (const char  *path,
            GError     **error)
{
  g_autofree char *data = NULL;
  gsize len;
  GByteArray *image;
  guint32 crc;
  guint8 crc_bytes[4];

  if (!g_file_get_contents (path, &data, &len, error))
    return NULL;
  image = g_byte_array_new ();
  g_byte_array_append (image, (const guint8 *) data, len);
  g_byte_array_append (image, dfu_suffix, sizeof (dfu_suffix));
  crc = crc32_update (0xffffffff, image->data, image->len);
  if (opt_bad_crc)
    crc ^= 0x1;
  for (guint i = 0; i < 4; i++)
    crc_bytes[i] = (crc >> (8 * i)) & 0xff;
  g_byte_array_append (image, crc_bytes, 4);
  return image;
}

static int
get_status (libusb_device_handle *handle,
            guint8                status[6])
{
  int r = libusb_control_transfer (handle, 0xa1, 3, 0, 0, status, 6, opt_timeout);

  return r == 6 ? 0 : (r < 0 ? r : LIBUSB_ERROR_IO);
}

static int
send_blocks (libusb_device_handle *handle,
             GByteArray           *image)
{
  guint n_blocks = (image->len + DFU_BLOCK - 1) / DFU_BLOCK;
  guint8 status[6];
  char step[32];
  int r;

  for (guint i = 0; i < n_blocks; i++)
    {
      guint len = MIN (DFU_BLOCK, image->len - i * DFU_BLOCK);

      g_snprintf (step, sizeof (step), "dnload %u", i);
      r = libusb_control_transfer (handle, 0x21, 1, i, 0, image->data + i * DFU_BLOCK, len, opt_timeout);
      if (r < 0)
        return fail (r, step);
      g_snprintf (step, sizeof (step), "getstatus %u", i);
      r = get_status (handle, status);
      if (r < 0)
        return fail (r, step);
      if (status[4] != 5)
        return fail (0, step);
    }
  r = libusb_control_transfer (handle, 0x21, 1, n_blocks, 0, NULL, 0, opt_timeout);
  if (r < 0)
    return fail (r, "finish");
  for (guint i = 0; i < 2; i++)
    {
      if ((r = get_status (handle, status)) < 0)
        return fail (r, "manifest");
    }
  printf ("manifest status 0x%02x state %u\n", status[0], status[4]);
  return 0;
}

static int
dfu_send (libusb_device_handle *handle,
          const char           *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) image = make_image (path, &error);
  guint8 state = 0;
  int r;

  if (image == NULL)
    {
      printf ("error %s\n", error->message);
      return 1;
    }
  r = libusb_control_transfer (handle, 0xa1, 5, 0, 0, &state, 1, opt_timeout);
  if (r < 0)
    return fail (r, "getstate");
  if (state == 10)
    {
      /* As libirecovery does: clear the error, and fail this time. */
      r = libusb_control_transfer (handle, 0x21, 4, 0, 0, NULL, 0, opt_timeout);
      printf ("state 10, CLRSTATUS: %s\n", libusb_error_name (r));
    }
  else if (state != 2)
    {
      /* As libirecovery does: abort whatever was going on, and fail. */
      r = libusb_control_transfer (handle, 0x21, 6, 0, 0, NULL, 0, opt_timeout);
      printf ("state %u, ABORT: %s\n", state, libusb_error_name (r));
    }
  if (state != 2)
    return fail (0, "getstate");
  if (send_blocks (handle, image) != 0)
    return 1;
  r = libusb_reset_device (handle);
  printf ("ok sent %u bytes (reset: %s)\n", image->len, libusb_error_name (r));
  return 0;
}

static int
dfu_status (libusb_device_handle *handle)
{
  guint8 status[6];
  int r = get_status (handle, status);

  if (r < 0)
    return fail (r, "getstatus");
  printf ("ok status 0x%02x state %u\n", status[0], status[4]);
  return 0;
}

static int
recovery_command (libusb_device_handle *handle,
                  const char           *command)
{
  int r = libusb_control_transfer (handle, 0x40, 0, 0, 0, (unsigned char *) command,
                                   strlen (command) + 1, opt_timeout);

  char value[256] = "";

  if (r < 0)
    return fail (r, "command");
  if (!g_str_has_prefix (command, "getenv "))
    {
      printf ("ok\n");
      return 0;
    }
  /* iBoot answers getenv on the next vendor IN request. */
  r = libusb_control_transfer (handle, 0xc0, 0, 0, 0, (unsigned char *) value, sizeof (value) - 1,
                               opt_timeout);
  if (r < 0)
    return fail (r, "getenv");
  printf ("ok %s\n", value);
  return 0;
}

static int LIBUSB_CALL
on_hotplug (libusb_context        *ctx,
            libusb_device         *device,
            libusb_hotplug_event   event,
            void                  *user_data)
{
  struct libusb_device_descriptor desc;

  libusb_get_device_descriptor (device, &desc);
  printf ("%s %04x:%04x\n", event == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED ? "arrived" : "left",
          desc.idVendor, desc.idProduct);
  return 0;
}

static int
watch (libusb_context *ctx,
       const char     *ms)
{
  gint64 end = g_get_monotonic_time () + g_ascii_strtoll (ms, NULL, 10) * 1000;
  libusb_hotplug_callback_handle callback;
  int r;

  r = libusb_hotplug_register_callback (ctx, LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED |
                                        LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT, 0,
                                        APPLE_VENDOR_ID, LIBUSB_HOTPLUG_MATCH_ANY,
                                        LIBUSB_HOTPLUG_MATCH_ANY, on_hotplug, NULL, &callback);
  if (r < 0)
    return fail (r, "hotplug");
  printf ("watching\n");
  while (g_get_monotonic_time () < end)
    {
      struct timeval tv = { 0, 100 * 1000 };

      libusb_handle_events_timeout_completed (ctx, &tv, NULL);
    }
  libusb_hotplug_deregister_callback (ctx, callback);
  printf ("ok\n");
  return 0;
}

static int
run (libusb_context *ctx,
     char          **args)
{
  libusb_device_handle *handle = NULL;
  int r;

  if (g_str_equal (args[0], "list"))
    return list_devices (ctx);
  if (g_str_equal (args[0], "watch") && args[1] != NULL)
    return watch (ctx, args[1]);
  r = open_phone (ctx, &handle);
  if (r < 0)
    {
      if (handle != NULL)
        libusb_close (handle);
      return fail (r, "open");
    }
  if (g_str_equal (args[0], "dfu-send") && args[1] != NULL)
    r = dfu_send (handle, args[1]);
  else if (g_str_equal (args[0], "dfu-status"))
    r = dfu_status (handle);
  else if (g_str_equal (args[0], "command") && args[1] != NULL)
    r = recovery_command (handle, args[1]);
  else
    r = fail (LIBUSB_ERROR_INVALID_PARAM, "arguments");
  libusb_release_interface (handle, 0);
  libusb_close (handle);
  return r;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("list|dfu-send FILE|dfu-status|command CMD|watch MS");
  g_autoptr(GError) error = NULL;
  const GOptionEntry entries[] = {
    { "timeout", 0, 0, G_OPTION_ARG_INT, &opt_timeout, "USB timeout (default 2000)", "MS" },
    { "bad-crc", 0, 0, G_OPTION_ARG_NONE, &opt_bad_crc, "Send a wrong DFU CRC", NULL },
    { NULL }
  };
  libusb_context *ctx = NULL;
  int r;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc < 2)
    {
      g_printerr ("vphone-usbtool: %s\n", error ? error->message : "missing command");
      return 2;
    }
  setvbuf (stdout, NULL, _IOLBF, 0);
  r = libusb_init (&ctx);
  if (r < 0)
    return fail (r, "init");
  r = run (ctx, argv + 1);
  libusb_exit (ctx);
  return r;
}
