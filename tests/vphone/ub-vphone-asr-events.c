/* ub-vphone-asr-events.c — what ASR's connection threads hand to the main thread
 *
 * The phone, its faults and the signals of UbVphoneAsr live on the main
 * thread; a connection thread asks for these from an idle callback:
 *  - asr-unplug-at N fired: the fault clears itself (once) and the cable
 *    comes out, so the phone leaves usbmuxd until `plug`;
 *  - a transfer ended: ::finished with the verdict and its text.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-vphone-asr"

#include "config.h"

#include "ub-vphone-asr-private.h"

typedef struct
{
  UbVphoneFaults *faults;
  UbVphonePhone  *phone;
  guint           index;
} Unplug;

static gboolean
on_unplug (gpointer data)
{
  Unplug *unplug = data;

  if (ub_vphone_faults_take_number (unplug->faults, UB_VPHONE_FAULT_ASR_UNPLUG_AT, unplug->index) &&
      unplug->phone != NULL)
    {
      g_debug ("ASR pulls the cable after chunk %u", unplug->index);
      ub_vphone_phone_set_plugged (unplug->phone, FALSE);
    }
  g_object_unref (unplug->faults);
  g_clear_object (&unplug->phone);
  g_free (unplug);
  return G_SOURCE_REMOVE;
}

/**
 * _ub_vphone_asr_pull_cable:
 * @phone: (nullable): the phone, if ASR knows it
 * @index: the chunk after which asr-unplug-at fired
 */
void
_ub_vphone_asr_pull_cable (UbVphoneFaults *faults,
                           UbVphonePhone  *phone,
                           guint           index)
{
  Unplug *unplug = g_new0 (Unplug, 1);

  unplug->faults = g_object_ref (faults);
  unplug->phone = phone ? g_object_ref (phone) : NULL;
  unplug->index = index;
  g_idle_add (on_unplug, unplug);
}

typedef struct
{
  UbVphoneAsr *asr;
  gboolean     ok;
  char        *text;
} Finished;

static gboolean
on_finished (gpointer data)
{
  Finished *finished = data;

  g_debug ("ASR transfer %s: %s", finished->ok ? "done" : "failed", finished->text);
  g_signal_emit_by_name (finished->asr, "finished", finished->ok, finished->text);
  g_object_unref (finished->asr);
  g_free (finished->text);
  g_free (finished);
  return G_SOURCE_REMOVE;
}

/**
 * _ub_vphone_asr_emit_finished:
 *
 * Emits UbVphoneAsr::finished on the main thread.
 */
void
_ub_vphone_asr_emit_finished (UbVphoneAsr *asr,
                              gboolean     ok,
                              const char  *text)
{
  Finished *finished = g_new0 (Finished, 1);

  finished->asr = g_object_ref (asr);
  finished->ok = ok;
  finished->text = g_strdup (text);
  g_idle_add (on_finished, finished);
}
