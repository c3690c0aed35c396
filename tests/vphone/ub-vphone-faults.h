/* ub-vphone-faults.h — what can go wrong with the virtual iPhone, on demand
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ub-vphone-types.h"

G_BEGIN_DECLS

/**
 * UbVphoneFault:
 * @UB_VPHONE_FAULT_STALL: a control transfer ends with -EPIPE (once)
 * @UB_VPHONE_FAULT_EPROTO: a control transfer ends with -EPROTO (once)
 * @UB_VPHONE_FAULT_UNPLUG_AT_BLOCK: the cable comes out during DFU block N
 * @UB_VPHONE_FAULT_UNRESPONSIVE: no URB ever completes
 * @UB_VPHONE_FAULT_WRONG_MODE: the next re-enumeration comes back in another mode (once)
 * @UB_VPHONE_FAULT_EXTRA_DEVICE: a non-Apple USB device is listed after the phone
 * @UB_VPHONE_FAULT_USBMUXD_VANISH: usbmuxd's socket is closed and removed
 * @UB_VPHONE_FAULT_LOCKDOWND_SILENT: lockdownd accepts connections and never answers
 * @UB_VPHONE_FAULT_TLS_STALL: StartSession asks for TLS and never completes the handshake
 * @UB_VPHONE_FAULT_NO_PAIR_RECORD: the host has no pair record for the phone
 * @UB_VPHONE_FAULT_TRUST_PENDING: Pair answers PairingDialogResponsePending
 * @UB_VPHONE_FAULT_LOCKED: Pair answers PasswordProtected
 * @UB_VPHONE_FAULT_ENTER_RECOVERY_REFUSED: EnterRecovery answers an error
 * @UB_VPHONE_FAULT_BACKUP_STALL: the backup service stops sending half way
 * @UB_VPHONE_FAULT_BACKUP_UNPLUG_AT_FILE: the cable comes out before backup data file N (once)
 * @UB_VPHONE_FAULT_BACKUP_BAD_PATH: the backup's first data file is named "../…"
 * @UB_VPHONE_FAULT_BACKUP_REFUSED: the backup service answers a backup request with an error
 * @UB_VPHONE_FAULT_SYNC_BUSY: another computer holds the sync lock (AFC lock: would block)
 * @UB_VPHONE_FAULT_NO_RECONNECT: a stage the host boots (DFU image, `go`, `bootx`) never comes up
 * @UB_VPHONE_FAULT_CHANGED_NONCE: the next stage comes up with a new ApNonce (once)
 * @UB_VPHONE_FAULT_BOOT_TO_IOS: `bootx` falls back to iOS instead of restore mode
 * @UB_VPHONE_FAULT_RESTORED_SILENT: restored never sends a message after StartRestore
 * @UB_VPHONE_FAULT_RESTORED_UNKNOWN_DATA: restored asks for data of type TYPE
 * @UB_VPHONE_FAULT_RESTORED_STATUS: restored ends with StatusMsg N instead of 0
 * @UB_VPHONE_FAULT_RESTORED_CHECKPOINT_FAIL: restored finds the host incompatible (checkpoint 0x655 result 10)
 * @UB_VPHONE_FAULT_ASR_SILENT: ASR accepts the connection and never sends Initiate
 * @UB_VPHONE_FAULT_ASR_BAD_OOB: ASR asks for OOB bytes past the end of the image
 * @UB_VPHONE_FAULT_ASR_DROP_AT: ASR closes the connection before payload chunk N
 * @UB_VPHONE_FAULT_ASR_CORRUPT: ASR reports a checksum failure (chunk 1) and closes
 * @UB_VPHONE_FAULT_ASR_UNPLUG_AT: the cable comes out after ASR payload chunk N (once)
 * @UB_VPHONE_FAULT_RESTORED_SILENT_AFTER: restored goes silent after asking for data of type TYPE
 */
typedef enum
{
  UB_VPHONE_FAULT_STALL,
  UB_VPHONE_FAULT_EPROTO,
  UB_VPHONE_FAULT_UNPLUG_AT_BLOCK,
  UB_VPHONE_FAULT_UNRESPONSIVE,
  UB_VPHONE_FAULT_WRONG_MODE,
  UB_VPHONE_FAULT_EXTRA_DEVICE,
  UB_VPHONE_FAULT_USBMUXD_VANISH,
  UB_VPHONE_FAULT_LOCKDOWND_SILENT,
  UB_VPHONE_FAULT_TLS_STALL,
  UB_VPHONE_FAULT_NO_PAIR_RECORD,
  UB_VPHONE_FAULT_TRUST_PENDING,
  UB_VPHONE_FAULT_LOCKED,
  UB_VPHONE_FAULT_ENTER_RECOVERY_REFUSED,
  UB_VPHONE_FAULT_BACKUP_STALL,
  UB_VPHONE_FAULT_BACKUP_UNPLUG_AT_FILE,
  UB_VPHONE_FAULT_BACKUP_BAD_PATH,
  UB_VPHONE_FAULT_BACKUP_REFUSED,
  UB_VPHONE_FAULT_SYNC_BUSY,
  UB_VPHONE_FAULT_NO_RECONNECT,
  UB_VPHONE_FAULT_CHANGED_NONCE,
  UB_VPHONE_FAULT_BOOT_TO_IOS,
  UB_VPHONE_FAULT_RESTORED_SILENT,
  UB_VPHONE_FAULT_RESTORED_UNKNOWN_DATA,
  UB_VPHONE_FAULT_RESTORED_STATUS,
  UB_VPHONE_FAULT_RESTORED_CHECKPOINT_FAIL,
  UB_VPHONE_FAULT_ASR_SILENT,
  UB_VPHONE_FAULT_ASR_BAD_OOB,
  UB_VPHONE_FAULT_ASR_DROP_AT,
  UB_VPHONE_FAULT_ASR_CORRUPT,
  UB_VPHONE_FAULT_ASR_UNPLUG_AT,
  UB_VPHONE_FAULT_RESTORED_SILENT_AFTER,
  UB_VPHONE_N_FAULTS,
} UbVphoneFault;

#define UB_TYPE_VPHONE_FAULTS (ub_vphone_faults_get_type ())

G_DECLARE_FINAL_TYPE (UbVphoneFaults, ub_vphone_faults, UB, VPHONE_FAULTS, GObject)

UbVphoneFaults *ub_vphone_faults_new              (void);
gboolean        ub_vphone_faults_check            (const char     *name,
                                                   const char     *args,
                                                   GError        **error);
gboolean        ub_vphone_faults_set              (UbVphoneFaults *self,
                                                   const char     *name,
                                                   const char     *args,
                                                   GError        **error);
void            ub_vphone_faults_clear            (UbVphoneFaults *self);
gboolean        ub_vphone_faults_is_active        (UbVphoneFaults *self,
                                                   UbVphoneFault   fault);
gboolean        ub_vphone_faults_take_transfer    (UbVphoneFaults *self,
                                                   UbVphoneFault   fault,
                                                   gboolean        is_dnload,
                                                   guint           block);
gboolean        ub_vphone_faults_take             (UbVphoneFaults *self,
                                                   UbVphoneFault   fault);
gboolean        ub_vphone_faults_take_wrong_mode  (UbVphoneFaults *self,
                                                   UbVphoneMode   *mode);
int             ub_vphone_faults_get_number       (UbVphoneFaults *self,
                                                   UbVphoneFault   fault);
gboolean        ub_vphone_faults_take_number      (UbVphoneFaults *self,
                                                   UbVphoneFault   fault,
                                                   guint           number);
char           *ub_vphone_faults_dup_active       (UbVphoneFaults *self);
const char     *ub_vphone_fault_to_string         (UbVphoneFault   fault);
const char     *ub_vphone_faults_get_word         (UbVphoneFaults *self,
                                                   UbVphoneFault   fault);

G_END_DECLS
