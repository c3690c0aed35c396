/* ub-restore-data-url.c — URLAsset and StreamedImageDecryptionKey
 *
 * The phone asks the host to fetch its image key (iOS 18 and later); the
 * request itself is made by ub-url-relay.c, and the answer goes back as a
 * binary plist on the request's DataPort (or the main connection).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-restore-data"

#include "config.h"

#include <string.h>

#include "ub-error.h"
#include "ub-plist.h"
#include "ub-restore-data-private.h"
#include "ub-url-relay.h"

/* Only the host of an address goes to the log (key names are in paths) */
static char *
url_host (plist_t message)
{
  g_autofree char *url = _ub_restore_data_dup_argument (message, "RequestURL");
  const char *start = url ? strstr (url, "://") : NULL;

  if (start == NULL)
    return g_strdup ("?");
  start += 3;
  return g_strndup (start, strcspn (start, "/?#"));
}

plist_t
_ub_restore_data_url_answer (UbRestoreData  *self,
                             plist_t         message,
                             gboolean        post,
                             GError        **error)
{
  g_autofree char *host = url_host (message);
  plist_t reply;
  plist_t status;
  guint64 code = 0;

  _ub_restore_data_log (self, "url", "%s to %s for the phone", post ? "POST" : "GET", host);
  reply = ub_url_relay_fetch (_ub_restore_data_arguments (message), post, self->cancellable, error);
  if (reply == NULL)
    {
      _ub_restore_data_log (self, "url", "%s to %s failed: %s", post ? "POST" : "GET", host,
                            (error && *error) ? (*error)->message : "?");
      return NULL;
    }
  status = plist_dict_get_item (reply, "ResponseStatus");
  plist_get_uint_val (status, &code);
  _ub_restore_data_log (self, "url", "%s to %s: HTTP %" G_GUINT64_FORMAT, post ? "POST" : "GET", host, code);
  return reply;
}

static gboolean
relay (UbRestoreData  *self,
       plist_t         message,
       gboolean        post,
       GError        **error)
{
  plist_t reply = _ub_restore_data_url_answer (self, message, post, error);
  gboolean ok;

  if (reply == NULL)
    return FALSE;
  ok = _ub_restore_data_reply (self, message, reply, TRUE, error);
  plist_free (reply);
  return ok;
}

gboolean
_ub_restore_data_url_asset (UbRestoreData  *self,
                            plist_t         message,
                            GError        **error)
{
  return relay (self, message, FALSE, error);
}

gboolean
_ub_restore_data_decryption_key (UbRestoreData  *self,
                                 plist_t         message,
                                 GError        **error)
{
  return relay (self, message, TRUE, error);
}
