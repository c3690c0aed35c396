/* ub-lockdown.h — facts about a phone running iOS, through lockdownd
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define UB_LOCKDOWN_TIMEOUT_MS 10000

typedef struct
{
  char    *product_type;
  char    *product_version;
  char    *build_version;
  char    *device_name;
  char    *device_class;
  guint64  ecid;
  gboolean has_ecid;
  gboolean restore_mode;   /* restored answered, not lockdownd: the restore system runs */
  guint64  restore_protocol;
} UbLockdownFacts;

void             ub_lockdown_facts_free          (UbLockdownFacts      *facts);
void             ub_lockdown_query_facts_async   (const char           *udid,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
UbLockdownFacts *ub_lockdown_query_facts_finish  (GAsyncResult         *result,
                                                  GError              **error);
void             ub_lockdown_set_error           (GError              **error,
                                                  int                   lockdown_status);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UbLockdownFacts, ub_lockdown_facts_free)

G_END_DECLS
