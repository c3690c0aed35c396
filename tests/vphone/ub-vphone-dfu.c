/* ub-vphone-dfu.c — the SecureROM's DFU download state machine
 *
 * What libirecovery's irecv_send_buffer() expects (restore-protocol.md §3):
 * GETSTATE 0xA1/5 says dfuIDLE (2); DNLOAD 0x21/1 carries blocks of 0x800
 * (wValue = block number); after each, GETSTATUS 0xA1/3 (6 bytes) reports
 * dfuDNLOAD-IDLE (5) in byte 4. The last block ends with the 16-byte DFU
 * suffix "ff ff ff ff ac 05 00 01 55 46 44 10" + CRC32 (init 0xFFFFFFFF, no
 * final XOR, little-endian) over everything before the CRC. A zero-length
 * DNLOAD finishes: the image is checked, GETSTATUS then walks through the
 * manifest states, and a USB reset boots a good image: one whose CRC is
 * right and which the boot chain takes as an iBSS (a personalized IMG4,
 * ub-vphone-chain.c; otherwise errFILE). A bad CRC leaves the
 * phone in DFU, reporting dfuERROR (10) until CLRSTATUS 0x21/4 or ABORT
 * 0x21/6. Requests that make no sense in the current state stall (-EPIPE)
 * and enter dfuERROR, as DFU 1.1 says.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-vphone-dfu"

#include "config.h"

#include <errno.h>
#include <string.h>

#include "ub-vphone-dfu.h"

#define DFU_DETACH    0
#define DFU_DNLOAD    1
#define DFU_UPLOAD    2
#define DFU_GETSTATUS 3
#define DFU_CLRSTATUS 4
#define DFU_GETSTATE  5
#define DFU_ABORT     6

#define STATUS_OK              0x00
#define STATUS_ERR_FILE        0x02
#define STATUS_ERR_VERIFY      0x07
#define STATUS_ERR_ADDRESS     0x08
#define STATUS_ERR_STALLEDPKT  0x0f

#define SUFFIX_LEN    16
#define MAX_IMAGE     (8 * 1024 * 1024)

static const guint8 suffix_magic[12] = {
  0xff, 0xff, 0xff, 0xff, 0xac, 0x05, 0x00, 0x01, 0x55, 0x46, 0x44, 0x10,
};

struct _UbVphoneDfu
{
  GObject           parent_instance;

  UbVphoneRecorder *recorder;
  UbVphoneChain    *chain;
  UbVphoneDfuState  state;
  guint8            status;
  GByteArray       *image;
  guint             next_block;
  gboolean          manifested;   /* a good image waits for the bus reset */
};

G_DEFINE_FINAL_TYPE (UbVphoneDfu, ub_vphone_dfu, G_TYPE_OBJECT)

static void
ub_vphone_dfu_finalize (GObject *object)
{
  UbVphoneDfu *self = UB_VPHONE_DFU (object);

  g_clear_object (&self->recorder);
  g_clear_object (&self->chain);
  g_clear_pointer (&self->image, g_byte_array_unref);

  G_OBJECT_CLASS (ub_vphone_dfu_parent_class)->finalize (object);
}

static void
ub_vphone_dfu_class_init (UbVphoneDfuClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ub_vphone_dfu_finalize;
}

static void
ub_vphone_dfu_init (UbVphoneDfu *self)
{
  self->state = UB_VPHONE_DFU_IDLE;
  self->status = STATUS_OK;
  self->image = g_byte_array_new ();
}

/**
 * ub_vphone_dfu_new:
 *
 * Returns: (transfer full): a DFU interface in dfuIDLE, for one enumeration
 */
UbVphoneDfu *
ub_vphone_dfu_new (UbVphoneRecorder *recorder,
                   UbVphoneChain    *chain)
{
  UbVphoneDfu *self;

  g_return_val_if_fail (UB_IS_VPHONE_RECORDER (recorder), NULL);
  g_return_val_if_fail (UB_IS_VPHONE_CHAIN (chain), NULL);

  self = g_object_new (UB_TYPE_VPHONE_DFU, NULL);
  self->recorder = g_object_ref (recorder);
  self->chain = g_object_ref (chain);
  return self;
}

UbVphoneDfuState
ub_vphone_dfu_get_state (UbVphoneDfu *self)
{
  g_return_val_if_fail (UB_IS_VPHONE_DFU (self), UB_VPHONE_DFU_ERROR);
  return self->state;
}

static void
set_state (UbVphoneDfu      *self,
           UbVphoneDfuState  state)
{
  if (self->state != state)
    g_debug ("DFU state %d -> %d", self->state, state);
  self->state = state;
}

static void
discard (UbVphoneDfu *self)
{
  g_byte_array_set_size (self->image, 0);
  self->next_block = 0;
  self->manifested = FALSE;
}

static int
fail (UbVphoneDfu *self,
      guint8       status)
{
  g_debug ("DFU error, status 0x%02x", status);
  self->status = status;
  set_state (self, UB_VPHONE_DFU_ERROR);
  discard (self);
  return -EPIPE;
}

/**
 * ub_vphone_dfu_stalled:
 *
 * A fault stalled a transfer: the device is in dfuERROR, as after any stall.
 */
void
ub_vphone_dfu_stalled (UbVphoneDfu *self)
{
  g_return_if_fail (UB_IS_VPHONE_DFU (self));
  fail (self, STATUS_ERR_STALLEDPKT);
}

static guint32
crc32_update (guint32       crc,
              const guint8 *data,
              gsize         len)
{
  static guint32 table[256];
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      for (guint32 i = 0; i < 256; i++)
        {
          guint32 c = i;

          for (guint k = 0; k < 8; k++)
            c = (c & 1) ? 0xedb88320 ^ (c >> 1) : c >> 1;
          table[i] = c;
        }
      g_once_init_leave (&initialized, 1);
    }
  for (gsize i = 0; i < len; i++)
    crc = table[(crc ^ data[i]) & 0xff] ^ (crc >> 8);
  return crc;
}

/* The zero-length DNLOAD: check the suffix and its CRC. */
static void
finish_image (UbVphoneDfu *self)
{
  const guint8 *data = self->image->data;
  gsize len = self->image->len;
  g_autofree char *sha256 = NULL;
  g_autoptr(GBytes) payload = NULL;
  guint32 crc, stored;

  if (len < SUFFIX_LEN || memcmp (data + len - SUFFIX_LEN, suffix_magic, sizeof (suffix_magic)) != 0)
    {
      ub_vphone_recorder_log (self->recorder, "dfu image %" G_GSIZE_FORMAT " bytes suffix missing", len);
      fail (self, STATUS_ERR_FILE);
      return;
    }
  crc = crc32_update (0xffffffff, data, len - 4);
  stored = data[len - 4] | data[len - 3] << 8 | data[len - 2] << 16 | (guint32) data[len - 1] << 24;
  sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, len - SUFFIX_LEN);
  ub_vphone_recorder_log (self->recorder, "dfu image %" G_GSIZE_FORMAT " bytes crc %s sha256 %s",
                          len, crc == stored ? "ok" : "bad", sha256);
  if (crc != stored)
    {
      g_debug ("DFU image CRC 0x%08x, suffix says 0x%08x", crc, stored);
      fail (self, STATUS_ERR_VERIFY);
      return;
    }
  payload = g_bytes_new (data, len - SUFFIX_LEN);
  if (!ub_vphone_chain_check_dfu (self->chain, payload))
    {
      fail (self, STATUS_ERR_FILE);
      return;
    }
  g_debug ("DFU image of %" G_GSIZE_FORMAT " bytes is good", len);
  self->manifested = TRUE;
  set_state (self, UB_VPHONE_DFU_MANIFEST_SYNC);
}

static int
dnload (UbVphoneDfu         *self,
        const UbVphoneSetup *setup,
        const guint8        *data,
        gsize               *actual)
{
  UbVphoneDfuState state = self->state;

  if (setup->length == 0)
    {
      if (state >= UB_VPHONE_DFU_MANIFEST_SYNC && state <= UB_VPHONE_DFU_MANIFEST_WAIT_RESET)
        return 0;   /* libirecovery's extra "pseudo ZLP" */
      if (state != UB_VPHONE_DFU_DNLOAD_IDLE && state != UB_VPHONE_DFU_DNLOAD_SYNC)
        return fail (self, STATUS_ERR_STALLEDPKT);
      finish_image (self);
      return 0;
    }
  if (state != UB_VPHONE_DFU_IDLE && state != UB_VPHONE_DFU_DNLOAD_IDLE &&
      state != UB_VPHONE_DFU_DNLOAD_SYNC)
    return fail (self, STATUS_ERR_STALLEDPKT);
  if (self->image->len + setup->length > MAX_IMAGE)
    return fail (self, STATUS_ERR_ADDRESS);
  if (setup->value != self->next_block)
    g_debug ("DFU block %u arrived, expected %u", setup->value, self->next_block);
  g_byte_array_append (self->image, data, setup->length);
  self->next_block = setup->value + 1;
  *actual = setup->length;
  set_state (self, UB_VPHONE_DFU_DNLOAD_SYNC);
  return 0;
}

static int
get_status (UbVphoneDfu         *self,
            const UbVphoneSetup *setup,
            guint8              *data,
            gsize               *actual)
{
  guint8 reply[6] = { 0, };

  if (self->state == UB_VPHONE_DFU_DNLOAD_SYNC)
    set_state (self, UB_VPHONE_DFU_DNLOAD_IDLE);
  else if (self->state == UB_VPHONE_DFU_MANIFEST_SYNC)
    set_state (self, UB_VPHONE_DFU_MANIFEST);
  else if (self->state == UB_VPHONE_DFU_MANIFEST)
    set_state (self, UB_VPHONE_DFU_MANIFEST_WAIT_RESET);
  reply[0] = self->status;   /* bStatus; bwPollTimeout = 0 */
  reply[4] = self->state;
  *actual = MIN (setup->length, sizeof (reply));
  memcpy (data, reply, *actual);
  return 0;
}

/**
 * ub_vphone_dfu_request:
 * @setup: a class request to the DFU interface (0x21 or 0xA1)
 * @data: the data stage: read for OUT requests, filled for IN requests
 * @actual: (out): bytes moved in the data stage
 *
 * Returns: 0, or -EPIPE when the device stalls
 */
int
ub_vphone_dfu_request (UbVphoneDfu         *self,
                       const UbVphoneSetup *setup,
                       guint8              *data,
                       gsize               *actual)
{
  g_return_val_if_fail (UB_IS_VPHONE_DFU (self), -EPIPE);
  g_return_val_if_fail (setup != NULL && actual != NULL, -EPIPE);

  *actual = 0;
  switch (setup->request_type << 8 | setup->request)
    {
    case 0x2100 | DFU_DNLOAD:
      return dnload (self, setup, data, actual);
    case 0xa100 | DFU_GETSTATUS:
      return get_status (self, setup, data, actual);
    case 0xa100 | DFU_GETSTATE:
      if (setup->length < 1)
        return fail (self, STATUS_ERR_STALLEDPKT);
      data[0] = self->state;
      *actual = 1;
      return 0;
    case 0x2100 | DFU_CLRSTATUS:
    case 0x2100 | DFU_ABORT:
      g_debug ("DFU %s", setup->request == DFU_ABORT ? "ABORT" : "CLRSTATUS");
      self->status = STATUS_OK;
      discard (self);
      set_state (self, UB_VPHONE_DFU_IDLE);
      return 0;
    case 0x2100 | DFU_DETACH:
      return 0;
    case 0xa100 | DFU_UPLOAD:
    default:
      return fail (self, STATUS_ERR_STALLEDPKT);
    }
}

/**
 * ub_vphone_dfu_bus_reset:
 *
 * USBDEVFS_RESET. A good image boots; anything else stays in DFU: an error
 * stays reported, a half-sent image is dropped.
 *
 * Returns: %TRUE when the image boots and the phone leaves DFU
 */
gboolean
ub_vphone_dfu_bus_reset (UbVphoneDfu *self)
{
  g_return_val_if_fail (UB_IS_VPHONE_DFU (self), FALSE);

  if (self->manifested)
    {
      discard (self);
      return TRUE;
    }
  if (self->state != UB_VPHONE_DFU_ERROR)
    {
      discard (self);
      set_state (self, UB_VPHONE_DFU_IDLE);
    }
  return FALSE;
}
