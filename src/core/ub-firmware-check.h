/* ub-firmware-check.h — is this .ipsw right for this phone, and intact?
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ub-firmware-choice.h"
#include "ub-firmware-list.h"
#include "ub-hash.h"
#include "ub-model.h"

G_BEGIN_DECLS

void             ub_firmware_check_file_async  (const char           *path,
                                                UbModel              *model,
                                                UbFirmwareList       *list,
                                                UbHashProgress        progress,
                                                gpointer              progress_data,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
UbFirmwareOrigin ub_firmware_check_file_finish (GAsyncResult         *result,
                                                char                **path,
                                                UbFirmware          **firmware,
                                                GError              **error);

G_END_DECLS
