/* ub-speaker.c — spoken counts through speech-dispatcher
 *
 * For a blind owner, and for support staff with a phone to their ear, the
 * guide can speak its steps and counts (DESIGN.md decision 8). Connecting may
 * autospawn the speech daemon and take seconds, so it happens in a worker;
 * until it is connected, speech is silently skipped. Each new utterance
 * cancels the previous one so that counts never lag behind the clock.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-speaker"

#include "config.h"

#include <gio/gio.h>
#include <stdlib.h>
#include <string.h>

#if HAVE_SPEECHD
#include <libspeechd.h>
#endif

#include "ub-speaker.h"

struct _UbSpeaker
{
  GObject       parent_instance;

  gboolean      enabled;
  GCancellable *cancellable;
#if HAVE_SPEECHD
  SPDConnection *connection;
#endif
};

G_DEFINE_FINAL_TYPE (UbSpeaker, ub_speaker, G_TYPE_OBJECT)

static void
disconnect (UbSpeaker *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
#if HAVE_SPEECHD
  g_clear_pointer (&self->connection, spd_close);
#endif
}

static void
ub_speaker_dispose (GObject *object)
{
  disconnect (UB_SPEAKER (object));
  G_OBJECT_CLASS (ub_speaker_parent_class)->dispose (object);
}

static void
ub_speaker_class_init (UbSpeakerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = ub_speaker_dispose;
}

static void
ub_speaker_init (UbSpeaker *self)
{
}

UbSpeaker *
ub_speaker_new (void)
{
  return g_object_new (UB_TYPE_SPEAKER, NULL);
}

/**
 * ub_speaker_is_available:
 *
 * Returns: whether this build can speak at all
 */
gboolean
ub_speaker_is_available (void)
{
  return HAVE_SPEECHD;
}

#if HAVE_SPEECHD
static void
connect_worker (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  char *error = NULL;
  SPDConnection *conn = spd_open2 ("unbrick", "guide", NULL, SPD_MODE_THREADED, NULL, TRUE, &error);

  if (conn == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", error ? error : "?");
      free (error);
      return;
    }
  g_task_return_pointer (task, conn, (GDestroyNotify)spd_close);
}

static void
connect_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  SPDConnection *conn = g_task_propagate_pointer (G_TASK (result), &error);
  g_autoptr(UbSpeaker) self = user_data;
  const char *lang = g_get_language_names ()[0];
  g_autofree char *short_lang = g_strndup (lang, strcspn (lang, "_.@"));

  if (conn == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_message ("Spoken counts unavailable: %s", error->message);
      return;
    }
  if (!self->enabled || self->connection != NULL)
    {
      spd_close (conn);
      return;
    }
  if (!g_str_equal (short_lang, "C"))
    spd_set_language (conn, short_lang);
  self->connection = conn;
  g_debug ("Connected to speech-dispatcher (language “%s”)", short_lang);
}
#endif

void
ub_speaker_set_enabled (UbSpeaker *self,
                        gboolean   enabled)
{
  g_return_if_fail (UB_IS_SPEAKER (self));

  enabled = !!enabled && HAVE_SPEECHD;
  if (self->enabled == enabled)
    return;
  self->enabled = enabled;
  g_debug ("Spoken counts %s", enabled ? "on" : "off");
  disconnect (self);
#if HAVE_SPEECHD
  if (enabled)
    {
      g_autoptr(GTask) task = NULL;

      self->cancellable = g_cancellable_new ();
      task = g_task_new (NULL, self->cancellable, connect_done, g_object_ref (self));
      g_task_set_source_tag (task, ub_speaker_set_enabled);
      g_task_run_in_thread (task, connect_worker);
    }
#endif
}

gboolean
ub_speaker_get_enabled (UbSpeaker *self)
{
  g_return_val_if_fail (UB_IS_SPEAKER (self), FALSE);
  return self->enabled;
}

/**
 * ub_speaker_say:
 *
 * Speaks @text at once, cutting off whatever was being said.
 */
void
ub_speaker_say (UbSpeaker  *self,
                const char *text)
{
  g_return_if_fail (UB_IS_SPEAKER (self));
  g_return_if_fail (text != NULL);

#if HAVE_SPEECHD
  if (!self->enabled || self->connection == NULL)
    return;
  spd_cancel (self->connection);
  spd_say (self->connection, SPD_MESSAGE, text);
#endif
}
