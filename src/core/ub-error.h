/* ub-error.h — the one error domain of Unbrick
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define UB_ERROR (ub_error_quark ())

/**
 * UbError:
 * @UB_ERROR_FAILED: an error with no better code
 * @UB_ERROR_INVALID_DATA: input (a data file, a USB string, a plist) is malformed
 * @UB_ERROR_NOT_FOUND: a model, device or file was not found
 * @UB_ERROR_AMBIGUOUS: a query matched more than one model
 * @UB_ERROR_PERMISSION_DENIED: the USB device node cannot be opened (udev rule missing)
 * @UB_ERROR_TIMED_OUT: a wait or a transfer ran past its watchdog
 * @UB_ERROR_DISCONNECTED: the phone went away during an operation
 * @UB_ERROR_PROTOCOL: the phone answered something the protocol does not allow
 * @UB_ERROR_WRONG_MODE: the phone is in another mode than the operation needs
 * @UB_ERROR_NOT_SUPPORTED: the operation does not apply to this model or mode
 * @UB_ERROR_DEVICE_BUSY: another program holds the device
 * @UB_ERROR_NETWORK: a server could not be reached or answered with an error
 * @UB_ERROR_UNTRUSTED_CERTIFICATE: a server's TLS certificate is not trusted
 * @UB_ERROR_NO_SPACE: not enough free disk space (before or during a write)
 * @UB_ERROR_CHECKSUM: a file's size or hash is not what it must be
 * @UB_ERROR_WRONG_FIRMWARE: the firmware is for another model
 * @UB_ERROR_CORRUPT_ARCHIVE: a firmware file (IPSW) is damaged, truncated or unsafe
 * @UB_ERROR_ERASE_REQUIRED: the firmware cannot update this phone and keep its data;
 *   only an erase restore is possible, and the person must be asked first
 * @UB_ERROR_NO_CONSENT: an erase was asked for without the person's consent
 *   for this phone (none given, given for another phone, or given too long ago)
 * @UB_ERROR_NOT_SIGNED: Apple no longer signs this iOS version for this phone
 *   (TSS status 94)
 *
 * Error codes in the %UB_ERROR domain.
 */
typedef enum
{
  UB_ERROR_FAILED,
  UB_ERROR_INVALID_DATA,
  UB_ERROR_NOT_FOUND,
  UB_ERROR_AMBIGUOUS,
  UB_ERROR_PERMISSION_DENIED,
  UB_ERROR_TIMED_OUT,
  UB_ERROR_DISCONNECTED,
  UB_ERROR_PROTOCOL,
  UB_ERROR_WRONG_MODE,
  UB_ERROR_NOT_SUPPORTED,
  UB_ERROR_DEVICE_BUSY,
  UB_ERROR_NETWORK,
  UB_ERROR_UNTRUSTED_CERTIFICATE,
  UB_ERROR_NO_SPACE,
  UB_ERROR_CHECKSUM,
  UB_ERROR_WRONG_FIRMWARE,
  UB_ERROR_CORRUPT_ARCHIVE,
  UB_ERROR_ERASE_REQUIRED,
  UB_ERROR_NO_CONSENT,
  UB_ERROR_NOT_SIGNED,
} UbError;

GQuark ub_error_quark (void);

G_END_DECLS
