/* ub-vphone-dfu.h — the SecureROM's DFU download state machine
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "ub-vphone-chain.h"
#include "ub-vphone-recorder.h"

G_BEGIN_DECLS

/**
 * UbVphoneSetup:
 *
 * A USB control request's setup packet, in host byte order.
 */
typedef struct
{
  guint8  request_type;
  guint8  request;
  guint16 value;
  guint16 index;
  guint16 length;
} UbVphoneSetup;

/* DFU 1.1 states (bState) */
typedef enum
{
  UB_VPHONE_DFU_IDLE = 2,
  UB_VPHONE_DFU_DNLOAD_SYNC = 3,
  UB_VPHONE_DFU_DNLOAD_IDLE = 5,
  UB_VPHONE_DFU_MANIFEST_SYNC = 6,
  UB_VPHONE_DFU_MANIFEST = 7,
  UB_VPHONE_DFU_MANIFEST_WAIT_RESET = 8,
  UB_VPHONE_DFU_ERROR = 10,
} UbVphoneDfuState;

#define UB_TYPE_VPHONE_DFU (ub_vphone_dfu_get_type ())

G_DECLARE_FINAL_TYPE (UbVphoneDfu, ub_vphone_dfu, UB, VPHONE_DFU, GObject)

UbVphoneDfu      *ub_vphone_dfu_new              (UbVphoneRecorder    *recorder,
                                                  UbVphoneChain       *chain);
int               ub_vphone_dfu_request          (UbVphoneDfu         *self,
                                                  const UbVphoneSetup *setup,
                                                  guint8              *data,
                                                  gsize               *actual);
void              ub_vphone_dfu_stalled          (UbVphoneDfu         *self);
UbVphoneDfuState  ub_vphone_dfu_get_state        (UbVphoneDfu         *self);
gboolean          ub_vphone_dfu_bus_reset        (UbVphoneDfu         *self);

G_END_DECLS
