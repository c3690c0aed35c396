/* ub-vphone-lockdown-values.h — what lockdownd's GetValue knows about the phone
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <plist/plist.h>

#include "ub-vphone-identity.h"

G_BEGIN_DECLS

plist_t ub_vphone_lockdown_values_new (UbVphoneIdentity *identity,
                                       const char       *domain,
                                       gboolean          session,
                                       gboolean          locked);

G_END_DECLS
