/* ub-download.c — one file from the network, resumable and verified
 *
 * UbDownload fetches a URL to DIR/NAME through DIR/NAME.part in a worker
 * thread (ub-download-job.c, ub-download-transfer.c). This side lives on the
 * caller's main context: it copies the inputs for the worker and turns the
 * worker's numbers into properties four times a second (speed smoothed, time
 * left estimated). Two downloads of the same file in one process share one
 * transfer (ub-download-share.c); across processes a lock file makes the
 * second wait (ub-download-job.c).
 *
 * All UbDownloads of one process must be used from the same main context.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-download"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "ub-clock.h"
#include "ub-download.h"
#include "ub-download-private.h"
#include "ub-enums.h"
#include "ub-error.h"

#define PROGRESS_INTERVAL_MS 250
#define STALL_SECONDS 30
#define CONNECT_TIMEOUT_MS 30000
#define RETRY_DELAY_MS 1000
#define LOCK_POLL_MS 250
#define LOCK_STALL_MS (5 * 60 * 1000)
#define SPEED_WEIGHT 0.25   /* of the newest sample in the smoothed speed */

G_DEFINE_FINAL_TYPE (UbDownload, ub_download, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_URL,
  PROP_DIRECTORY,
  PROP_NAME,
  PROP_PATH,
  PROP_STATE,
  PROP_RECEIVED,
  PROP_TOTAL,
  PROP_SPEED,
  PROP_ETA,
  PROP_SHA256,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

const char *
ub_download_state_to_string (UbDownloadState state)
{
  static const char * const names[] = { "idle", "checking", "downloading", "verifying", "done", "failed" };

  return (guint)state < G_N_ELEMENTS (names) ? names[state] : "invalid";
}

static void
ub_download_finalize (GObject *object)
{
  UbDownload *self = UB_DOWNLOAD (object);

  g_assert (self->task == NULL && self->job == NULL && self->leader == NULL);
  g_free (self->url);
  g_free (self->directory);
  g_free (self->name);
  g_free (self->path);
  g_free (self->expected_sha256);
  g_free (self->expected_sha1);
  g_free (self->sha256);
  G_OBJECT_CLASS (ub_download_parent_class)->finalize (object);
}

static char *
name_from_url (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_autofree char *base = NULL;

  if (uri == NULL || g_uri_get_path (uri) == NULL)
    return g_strdup ("download");
  base = g_path_get_basename (g_uri_get_path (uri));
  if (base[0] == '\0' || strchr (base, '/') != NULL || g_str_equal (base, ".") || g_str_equal (base, ".."))
    return g_strdup ("download");
  return g_steal_pointer (&base);
}

static void
ub_download_constructed (GObject *object)
{
  UbDownload *self = UB_DOWNLOAD (object);

  G_OBJECT_CLASS (ub_download_parent_class)->constructed (object);
  if (self->directory == NULL)
    self->directory = g_build_filename (g_get_user_cache_dir (), "unbrick", "firmware", NULL);
  if (self->name == NULL)
    self->name = name_from_url (self->url != NULL ? self->url : "");
  self->path = g_build_filename (self->directory, self->name, NULL);
}

static void
ub_download_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  UbDownload *self = UB_DOWNLOAD (object);

  switch (prop_id)
    {
    case PROP_URL: g_value_set_string (value, self->url); break;
    case PROP_DIRECTORY: g_value_set_string (value, self->directory); break;
    case PROP_NAME: g_value_set_string (value, self->name); break;
    case PROP_PATH: g_value_set_string (value, self->path); break;
    case PROP_STATE: g_value_set_enum (value, self->state); break;
    case PROP_RECEIVED: g_value_set_uint64 (value, self->received); break;
    case PROP_TOTAL: g_value_set_uint64 (value, self->total); break;
    case PROP_SPEED: g_value_set_double (value, self->speed); break;
    case PROP_ETA: g_value_set_int64 (value, self->eta); break;
    case PROP_SHA256: g_value_set_string (value, self->sha256); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec); break;
    }
}

static void
ub_download_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  UbDownload *self = UB_DOWNLOAD (object);

  switch (prop_id)
    {
    case PROP_URL: self->url = g_value_dup_string (value); break;
    case PROP_DIRECTORY: self->directory = g_value_dup_string (value); break;
    case PROP_NAME: self->name = g_value_dup_string (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec); break;
    }
}

static GParamSpec *
construct_string (const char *name)
{
  return g_param_spec_string (name, NULL, NULL, NULL,
                              G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
}

static void
ub_download_class_init (UbDownloadClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->constructed = ub_download_constructed;
  object_class->finalize = ub_download_finalize;
  object_class->get_property = ub_download_get_property;
  object_class->set_property = ub_download_set_property;

  properties[PROP_URL] = construct_string ("url");
  /* where the file goes; default: the user's cache, unbrick/firmware */
  properties[PROP_DIRECTORY] = construct_string ("directory");
  /* the file's name in it; default: the last part of the URL's path */
  properties[PROP_NAME] = construct_string ("name");
  properties[PROP_PATH] = g_param_spec_string ("path", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, UB_TYPE_DOWNLOAD_STATE,
                                              UB_DOWNLOAD_STATE_IDLE, ro);
  /* bytes in the file so far, including those kept from an earlier attempt */
  properties[PROP_RECEIVED] = g_param_spec_uint64 ("received", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  /* the file's size; 0 while unknown */
  properties[PROP_TOTAL] = g_param_spec_uint64 ("total", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  /* bytes per second, smoothed; 0 when not downloading */
  properties[PROP_SPEED] = g_param_spec_double ("speed", NULL, NULL, 0, G_MAXDOUBLE, 0, ro);
  /* seconds left; -1 unknown */
  properties[PROP_ETA] = g_param_spec_int64 ("eta", NULL, NULL, -1, G_MAXINT64, -1, ro);
  /* the file's SHA-256 once it is done */
  properties[PROP_SHA256] = g_param_spec_string ("sha256", NULL, NULL, NULL, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ub_download_init (UbDownload *self)
{
  self->eta = -1;
}

/**
 * ub_download_new:
 * @url: an http or https URL
 * @directory: (nullable): where to put the file (default: the user's cache)
 * @name: (nullable): the file's name (default: from the URL)
 *
 * Returns: (transfer full): a download of @url to @directory/@name
 */
UbDownload *
ub_download_new (const char *url,
                 const char *directory,
                 const char *name)
{
  g_return_val_if_fail (url != NULL, NULL);

  return g_object_new (UB_TYPE_DOWNLOAD, "url", url, "directory", directory, "name", name, NULL);
}

/**
 * ub_download_set_expected:
 * @size: the file's size in bytes, or 0 if unknown
 * @sha256: (nullable): its SHA-256 in hex (any case)
 * @sha1: (nullable): its SHA-1 in hex (any case)
 *
 * What the file must be; checked at the end, and @size as soon as the server
 * announces one. Call before ub_download_run_async().
 */
void
ub_download_set_expected (UbDownload *self,
                          guint64     size,
                          const char *sha256,
                          const char *sha1)
{
  g_return_if_fail (UB_IS_DOWNLOAD (self));
  g_return_if_fail (self->task == NULL);

  self->expected_size = size;
  g_free (self->expected_sha256);
  self->expected_sha256 = g_ascii_strdown (sha256 ? sha256 : "", -1);
  if (self->expected_sha256[0] == '\0')
    g_clear_pointer (&self->expected_sha256, g_free);
  g_free (self->expected_sha1);
  self->expected_sha1 = g_ascii_strdown (sha1 ? sha1 : "", -1);
  if (self->expected_sha1[0] == '\0')
    g_clear_pointer (&self->expected_sha1, g_free);
}

const char *ub_download_get_url (UbDownload *self) { g_return_val_if_fail (UB_IS_DOWNLOAD (self), NULL); return self->url; }
const char *ub_download_get_path (UbDownload *self) { g_return_val_if_fail (UB_IS_DOWNLOAD (self), NULL); return self->path; }
UbDownloadState ub_download_get_state (UbDownload *self) { g_return_val_if_fail (UB_IS_DOWNLOAD (self), 0); return self->state; }
guint64 ub_download_get_received (UbDownload *self) { g_return_val_if_fail (UB_IS_DOWNLOAD (self), 0); return self->received; }
guint64 ub_download_get_total (UbDownload *self) { g_return_val_if_fail (UB_IS_DOWNLOAD (self), 0); return self->total; }
double ub_download_get_speed (UbDownload *self) { g_return_val_if_fail (UB_IS_DOWNLOAD (self), 0); return self->speed; }
gint64 ub_download_get_eta (UbDownload *self) { g_return_val_if_fail (UB_IS_DOWNLOAD (self), -1); return self->eta; }
const char *ub_download_get_sha256 (UbDownload *self) { g_return_val_if_fail (UB_IS_DOWNLOAD (self), NULL); return self->sha256; }

#define SET_AND_NOTIFY(self, field, value, prop) \
  G_STMT_START { \
    if ((self)->field != (value)) \
      { \
        (self)->field = (value); \
        g_object_notify_by_pspec (G_OBJECT (self), properties[prop]); \
      } \
  } G_STMT_END

void
_ub_download_apply (UbDownload      *self,
                    UbDownloadState  state,
                    guint64          received,
                    guint64          total,
                    double           speed,
                    gint64           eta)
{
  g_object_freeze_notify (G_OBJECT (self));
  if (self->state != state)
    g_debug ("“%s”: %s → %s", self->path, ub_download_state_to_string (self->state),
             ub_download_state_to_string (state));
  SET_AND_NOTIFY (self, state, state, PROP_STATE);
  SET_AND_NOTIFY (self, received, received, PROP_RECEIVED);
  SET_AND_NOTIFY (self, total, total, PROP_TOTAL);
  SET_AND_NOTIFY (self, speed, speed, PROP_SPEED);
  SET_AND_NOTIFY (self, eta, eta, PROP_ETA);
  g_object_thaw_notify (G_OBJECT (self));
}

void
_ub_download_set_sha256 (UbDownload *self,
                         const char *sha256)
{
  if (g_strcmp0 (self->sha256, sha256) == 0)
    return;
  g_free (self->sha256);
  self->sha256 = g_strdup (sha256);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHA256]);
}

static void
update_speed (UbDownload *self,
              guint64     received,
              gint64      now)
{
  double seconds = (now - self->last_tick) / (double)G_USEC_PER_SEC;

  if (self->last_tick != 0 && seconds > 0 && received >= self->last_received)
    {
      double sample = (received - self->last_received) / seconds;

      self->speed = self->speed == 0 ? sample : self->speed + SPEED_WEIGHT * (sample - self->speed);
    }
  self->last_tick = now;
  self->last_received = received;
}

static void
report (UbDownload *self)
{
  UbDownloadState state;
  guint64 received, total;
  double speed = 0;
  gint64 eta = -1;

  g_mutex_lock (&self->job->mutex);
  state = self->job->state;
  received = self->job->received;
  total = self->job->total;
  g_mutex_unlock (&self->job->mutex);

  if (state == UB_DOWNLOAD_STATE_DOWNLOADING)
    {
      update_speed (self, received, g_get_monotonic_time ());
      speed = self->speed;
      if (total >= received && speed >= 1)
        eta = (gint64)ceil ((total - received) / speed);
    }
  else
    self->last_tick = 0;
  _ub_download_apply (self, state, received, total, speed, eta);
  for (guint i = 0; i < self->followers->len; i++)
    _ub_download_apply (g_ptr_array_index (self->followers, i), state, received, total, speed, eta);
}

static gboolean
on_timer (gpointer data)
{
  report (data);
  return G_SOURCE_CONTINUE;
}

void
_ub_download_complete (UbDownload   *self,
                       const GError *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  _ub_download_apply (self, error ? UB_DOWNLOAD_STATE_FAILED : UB_DOWNLOAD_STATE_DONE, self->received, self->total,
         0, error ? -1 : 0);
  if (error != NULL)
    {
      g_debug ("“%s” failed: %s", self->path, error->message);
      g_task_return_error (task, g_error_copy (error));
    }
  else
    g_task_return_pointer (task, g_strdup (self->path), g_free);
}

static void
on_job_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  UbDownload *self = UB_DOWNLOAD (source);
  g_autoptr(GPtrArray) followers = g_steal_pointer (&self->followers);
  g_autoptr(UbDownloadJob) job = g_steal_pointer (&self->job);
  g_autoptr(GError) error = NULL;

  g_task_propagate_boolean (G_TASK (result), &error);
  g_source_destroy (self->timer);
  g_clear_pointer (&self->timer, g_source_unref);
  _ub_download_registry_remove (self);

  g_mutex_lock (&job->mutex);
  _ub_download_apply (self, job->state, job->received, job->total, 0, -1);
  g_mutex_unlock (&job->mutex);
  _ub_download_set_sha256 (self, error == NULL ? job->sha256 : NULL);
  _ub_download_complete (self, error);
  for (guint i = 0; i < followers->len; i++)
    _ub_download_finish_follower (g_ptr_array_index (followers, i), self, error);
}

static void
job_worker (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;

  if (ub_download_job_run (task_data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static UbDownloadJob *
job_new (UbDownload *self)
{
  UbDownloadJob *job = ub_download_job_new ();
  UbClock *clock = ub_clock_get_default ();

  job->url = g_strdup (self->url);
  job->directory = g_strdup (self->directory);
  job->path = g_strdup (self->path);
  job->part_path = g_strconcat (self->path, ".part", NULL);
  job->lock_path = g_strconcat (self->path, ".part.lock", NULL);
  job->expected_sha256 = g_strdup (self->expected_sha256);
  job->expected_sha1 = g_strdup (self->expected_sha1);
  job->expected_size = self->expected_size;
  job->ca_file = g_strdup (g_getenv ("UNBRICK_TEST_CA_FILE"));
  job->stall_ms = ub_clock_scale_ms (clock, STALL_SECONDS * 1000);
  job->connect_timeout_ms = ub_clock_scale_ms (clock, CONNECT_TIMEOUT_MS);
  job->retry_delay_ms = ub_clock_scale_ms (clock, RETRY_DELAY_MS);
  job->lock_poll_ms = MIN (LOCK_POLL_MS, ub_clock_scale_ms (clock, LOCK_POLL_MS));
  job->lock_stall_ms = ub_clock_scale_ms (clock, LOCK_STALL_MS);
  job->state = UB_DOWNLOAD_STATE_CHECKING;
  job->total = self->expected_size;
  return job;
}

void
_ub_download_start (UbDownload *self)
{
  g_autoptr(GTask) worker = g_task_new (self, g_task_get_cancellable (self->task), on_job_done, NULL);

  self->job = job_new (self);
  self->followers = g_ptr_array_new_with_free_func (g_object_unref);
  self->last_tick = 0;
  self->speed = 0;
  self->timer = g_timeout_source_new (PROGRESS_INTERVAL_MS);
  g_source_set_callback (self->timer, on_timer, self, NULL);
  g_source_set_static_name (self->timer, "[ub-download] progress");
  g_source_attach (self->timer, g_task_get_context (self->task));

  g_task_set_source_tag (worker, _ub_download_start);
  g_task_set_task_data (worker, ub_download_job_ref (self->job), (GDestroyNotify)ub_download_job_unref);
  g_task_run_in_thread (worker, job_worker);
}

static gboolean
validate (UbDownload  *self,
          GError     **error)
{
  const char *scheme = g_uri_peek_scheme (self->url);

  if (scheme == NULL || (!g_str_equal (scheme, "https") && !g_str_equal (scheme, "http")))
    g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                 _("Only http and https addresses can be downloaded: %s"), self->url);
  else if (self->name[0] == '\0' || strchr (self->name, '/') != NULL || g_str_equal (self->name, ".") ||
           g_str_equal (self->name, ".."))
    g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA, _("“%s” cannot be used as a file name."), self->name);
  else if (self->expected_sha256 != NULL && !ub_hash_hex_is_valid (self->expected_sha256, UB_HASH_SHA256))
    g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                 _("“%s” is not a SHA-256 checksum (64 hexadecimal digits)."), self->expected_sha256);
  else if (self->expected_sha1 != NULL && !ub_hash_hex_is_valid (self->expected_sha1, UB_HASH_SHA1))
    g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                 _("“%s” is not a SHA-1 checksum (40 hexadecimal digits)."), self->expected_sha1);
  else
    return TRUE;
  return FALSE;
}

/**
 * ub_download_run_async:
 *
 * Downloads the file (or finds it already there and good) in a worker thread.
 * Progress is in the properties, notified on the calling thread's main
 * context. Cancelling keeps the .part file for the next run.
 */
void
ub_download_run_async (UbDownload          *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (UB_IS_DOWNLOAD (self));
  g_return_if_fail (self->task == NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ub_download_run_async);
  if (!validate (self, &error))
    {
      _ub_download_apply (self, UB_DOWNLOAD_STATE_FAILED, 0, 0, 0, -1);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  self->task = g_steal_pointer (&task);
  _ub_download_set_sha256 (self, NULL);
  _ub_download_apply (self, UB_DOWNLOAD_STATE_CHECKING, 0, self->expected_size, 0, -1);
  _ub_download_start_or_follow (self);
}

/**
 * ub_download_run_finish:
 *
 * Returns: (transfer full): the path of the complete, verified file, or
 *   %NULL with @error set (%UB_ERROR_NO_SPACE, %UB_ERROR_CHECKSUM,
 *   %UB_ERROR_NETWORK, %UB_ERROR_NOT_FOUND, %UB_ERROR_UNTRUSTED_CERTIFICATE,
 *   %UB_ERROR_TIMED_OUT, %G_IO_ERROR_CANCELLED, …)
 */
char *
ub_download_run_finish (UbDownload    *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (UB_IS_DOWNLOAD (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ub_download_run_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
