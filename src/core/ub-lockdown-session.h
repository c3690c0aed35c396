/* ub-lockdown-session.h — what lockdownd tells only a trusted computer, and EnterRecovery
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Pairing waits for the person to tap Trust; the phone answers at once
 * ("pending") but a session on a slow phone takes a few seconds. */
#define UB_LOCKDOWN_SESSION_TIMEOUT_MS 20000
/* After EnterRecovery: 60 s to leave, 60 s to come back (restore-protocol.md §4c) */
#define UB_LOCKDOWN_RECOVERY_WAIT_MS   120000

/**
 * UbLockdownPaired:
 * @battery_level: percent, or -1 when the phone does not tell
 * @battery_charging: whether it is charging
 * @external_power: whether a charger or computer powers it
 * @has_will_encrypt: whether @will_encrypt is known
 * @will_encrypt: whether its backups are encrypted (the backup password is set)
 * @has_data_used: whether @data_used is known
 * @data_used: bytes of the owner's data on the phone (what a backup must hold, at most)
 *
 * Facts that need a paired session.
 */
typedef struct
{
  int      battery_level;
  gboolean battery_charging;
  gboolean external_power;
  gboolean has_will_encrypt;
  gboolean will_encrypt;
  gboolean has_data_used;
  guint64  data_used;
} UbLockdownPaired;

void              ub_lockdown_paired_free            (UbLockdownPaired     *paired);
void              ub_lockdown_query_paired_async     (const char           *udid,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
UbLockdownPaired *ub_lockdown_query_paired_finish    (GAsyncResult         *result,
                                                      GError              **error);
void              ub_lockdown_enter_recovery_async   (const char           *udid,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
gboolean          ub_lockdown_enter_recovery_finish  (GAsyncResult         *result,
                                                      GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UbLockdownPaired, ub_lockdown_paired_free)

G_END_DECLS
