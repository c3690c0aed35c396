/* ub-firmware-choice.h — the restore image chosen for one rescue
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ub-firmware.h"

G_BEGIN_DECLS

/**
 * UbFirmwareOrigin:
 * @UB_FIRMWARE_ORIGIN_NONE: nothing chosen yet
 * @UB_FIRMWARE_ORIGIN_DOWNLOADED: downloaded, and its checksum matched the catalog
 * @UB_FIRMWARE_ORIGIN_LOCAL_MATCHED: a file the person had; its checksum
 *   matched the catalog's
 * @UB_FIRMWARE_ORIGIN_LOCAL_UNLISTED: a file the person had; it fits the
 *   phone, but no catalog knows its checksum
 * @UB_FIRMWARE_ORIGIN_SKIPPED: the person wants only to reach DFU or recovery
 *   mode now, without a restore
 */
typedef enum
{
  UB_FIRMWARE_ORIGIN_NONE,
  UB_FIRMWARE_ORIGIN_DOWNLOADED,
  UB_FIRMWARE_ORIGIN_LOCAL_MATCHED,
  UB_FIRMWARE_ORIGIN_LOCAL_UNLISTED,
  UB_FIRMWARE_ORIGIN_SKIPPED,
} UbFirmwareOrigin;

#define UB_TYPE_FIRMWARE_CHOICE (ub_firmware_choice_get_type ())

G_DECLARE_FINAL_TYPE (UbFirmwareChoice, ub_firmware_choice, UB, FIRMWARE_CHOICE, GObject)

UbFirmwareChoice *ub_firmware_choice_new          (void);
UbFirmwareOrigin  ub_firmware_choice_get_origin   (UbFirmwareChoice *self);
const char       *ub_firmware_choice_get_path     (UbFirmwareChoice *self);
UbFirmware       *ub_firmware_choice_get_firmware (UbFirmwareChoice *self);
gboolean          ub_firmware_choice_get_ready    (UbFirmwareChoice *self);
void              ub_firmware_choice_set_file     (UbFirmwareChoice *self,
                                                   UbFirmwareOrigin  origin,
                                                   const char       *path,
                                                   UbFirmware       *firmware);
void              ub_firmware_choice_skip         (UbFirmwareChoice *self);
void              ub_firmware_choice_clear        (UbFirmwareChoice *self);

G_END_DECLS
