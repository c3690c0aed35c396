/* ub-guide-private.h — shared by the guide's two files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ub-guide.h"

G_BEGIN_DECLS

struct _UbGuide
{
  GObject         parent_instance;

  UbSequence     *sequence;
  UbClock        *clock;
  gboolean        from_recovery;
  gboolean        has_expected_ecid;
  guint64         expected_ecid;

  UbGuideState    state;
  int             step;
  guint           remaining;
  UbGuideFailure  failure;
  UbDeviceMode    arrived_mode;

  gint64          step_start;
  gint64          step_length;
  gint64          paused_at;
  gint64          check_until;
  gboolean        reboot_sent;
  gboolean        left_since_start;
};

void _ub_guide_finish           (UbGuide        *self,
                                 UbGuideFailure  failure);
void _ub_guide_set_arrived_mode (UbGuide        *self,
                                 UbDeviceMode    mode);

G_END_DECLS
