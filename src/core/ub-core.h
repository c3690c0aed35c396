/* ub-core.h — the GLib-only core of Unbrick, for the UI, the CLI and the tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ub-build-identity.h"
#include "ub-build-manifest.h"
#include "ub-clock.h"
#include "ub-device.h"
#include "ub-device-monitor.h"
#include "ub-download.h"
#include "ub-enums.h"
#include "ub-error.h"
#include "ub-firmware.h"
#include "ub-firmware-catalog.h"
#include "ub-firmware-check.h"
#include "ub-firmware-choice.h"
#include "ub-firmware-list.h"
#include "ub-guide.h"
#include "ub-hash.h"
#include "ub-iboot-info.h"
#include "ub-ipsw.h"
#include "ub-lockdown.h"
#include "ub-model.h"
#include "ub-model-db.h"
#include "ub-recovery.h"
#include "ub-sequence.h"
#include "ub-sequence-book.h"
#include "ub-transfer-text.h"
#include "ub-watchdog.h"
