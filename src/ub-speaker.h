/* ub-speaker.h — spoken counts through speech-dispatcher
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define UB_TYPE_SPEAKER (ub_speaker_get_type ())

G_DECLARE_FINAL_TYPE (UbSpeaker, ub_speaker, UB, SPEAKER, GObject)

UbSpeaker *ub_speaker_new         (void);
gboolean   ub_speaker_get_enabled (UbSpeaker  *self);
void       ub_speaker_set_enabled (UbSpeaker  *self,
                                   gboolean    enabled);
void       ub_speaker_say         (UbSpeaker  *self,
                                   const char *text);
gboolean   ub_speaker_is_available (void);

G_END_DECLS
