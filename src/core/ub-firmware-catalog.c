/* ub-firmware-catalog.c — which restore images exist for a model, cached
 *
 * Two sources (restore-protocol.md §5): ipsw.me's v4 device API, the primary
 * one, and Apple's version list, the cross-check for SHA-1 and the fallback.
 * Both answers are kept as they came in $XDG_CACHE_HOME/unbrick/catalog,
 * their age being the file's mtime: fresh ones (6 h for ipsw.me, whose
 * signing status changes; 24 h for Apple's large list) are used without
 * asking; when the network fails, older ones are used and the result says
 * it is offline and how old it is.
 *
 * The servers' addresses can be changed with UNBRICK_IPSW_API_URL and
 * UNBRICK_APPLE_VERSION_URL, for tests only (the loopback test server).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-firmware-catalog"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "ub-error.h"
#include "ub-firmware-catalog.h"
#include "ub-firmware-parse.h"
#include "ub-http.h"

#define IPSW_ME_DEFAULT "https://api.ipsw.me"
#define APPLE_DEFAULT "https://s.mzstatic.com/version"
#define IPSW_ME_MAX (8 << 20)
#define APPLE_MAX (64 << 20)
#define FETCH_TIMEOUT_MS 30000
#define APPLE_TIMEOUT_MS 120000

struct _UbFirmwareCatalog
{
  GObject  parent_instance;
  char    *cache_dir;
};

G_DEFINE_FINAL_TYPE (UbFirmwareCatalog, ub_firmware_catalog, G_TYPE_OBJECT)

/* One cached document: its bytes and when it was fetched */
typedef struct
{
  GBytes    *bytes;
  GDateTime *fetched;
  gboolean   stale;
} Cached;

static void
cached_clear (Cached *c)
{
  g_clear_pointer (&c->bytes, g_bytes_unref);
  g_clear_pointer (&c->fetched, g_date_time_unref);
}

static void
ub_firmware_catalog_finalize (GObject *object)
{
  g_free (UB_FIRMWARE_CATALOG (object)->cache_dir);
  G_OBJECT_CLASS (ub_firmware_catalog_parent_class)->finalize (object);
}

static void
ub_firmware_catalog_class_init (UbFirmwareCatalogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ub_firmware_catalog_finalize;
}

static void
ub_firmware_catalog_init (UbFirmwareCatalog *self)
{
}

/**
 * ub_firmware_catalog_new:
 * @cache_dir: (nullable): where to keep the lists; %NULL for the user's cache
 *
 * Returns: (transfer full): a catalog
 */
UbFirmwareCatalog *
ub_firmware_catalog_new (const char *cache_dir)
{
  UbFirmwareCatalog *self = g_object_new (UB_TYPE_FIRMWARE_CATALOG, NULL);

  self->cache_dir = cache_dir ? g_strdup (cache_dir)
                              : g_build_filename (g_get_user_cache_dir (), "unbrick", "catalog", NULL);
  return self;
}

const char *
ub_firmware_catalog_get_cache_dir (UbFirmwareCatalog *self)
{
  g_return_val_if_fail (UB_IS_FIRMWARE_CATALOG (self), NULL);
  return self->cache_dir;
}

static gboolean
product_type_is_safe (const char *product_type)
{
  if (product_type == NULL || *product_type == '\0' || strlen (product_type) > 32)
    return FALSE;
  for (const char *p = product_type; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != ',')
      return FALSE;
  return TRUE;
}

static void
load_cache (const char *path,
            GTimeSpan   ttl,
            Cached     *out)
{
  GStatBuf st;
  char *data;
  gsize len;

  if (g_stat (path, &st) != 0 || !g_file_get_contents (path, &data, &len, NULL))
    return;
  out->bytes = g_bytes_new_take (data, len);
  out->fetched = g_date_time_new_from_unix_utc (st.st_mtime);
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    out->stale = g_date_time_difference (now, out->fetched) > ttl;
  }
}

/* Uses the cache when fresh; otherwise fetches, saves and uses the answer;
 * when that fails, falls back to a stale cache (and says so with @offline). */
static gboolean
get_document (UbFirmwareCatalog  *self,
              const char         *name,
              const char         *url,
              GTimeSpan           ttl,
              gsize               max_size,
              guint               timeout_ms,
              UbCatalogFlags      flags,
              GCancellable       *cancellable,
              Cached             *out,
              gboolean           *offline,
              GError            **error)
{
  g_autofree char *path = g_build_filename (self->cache_dir, name, NULL);
  g_autoptr(GBytes) fresh = NULL;
  g_autoptr(GError) local = NULL;

  load_cache (path, ttl, out);
  if (out->bytes != NULL && !out->stale && !(flags & UB_CATALOG_REFRESH))
    {
      g_debug ("Using cached %s", name);
      return TRUE;
    }
  fresh = ub_http_get (url, max_size, timeout_ms, cancellable, &local);
  if (fresh != NULL)
    {
      cached_clear (out);
      out->bytes = g_bytes_ref (fresh);
      out->fetched = g_date_time_new_now_utc ();
      g_mkdir_with_parents (self->cache_dir, 0700);
      if (!g_file_set_contents (path, g_bytes_get_data (fresh, NULL), g_bytes_get_size (fresh), NULL))
        g_debug ("Could not cache %s", name);
      return TRUE;
    }
  if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED) || out->bytes == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  g_debug ("Fetching %s failed (%s); using the cached copy", name, local->message);
  *offline = TRUE;
  return TRUE;
}

static char *
base_url (const char *env,
          const char *fallback)
{
  const char *value = g_getenv (env);

  return g_strdup (value != NULL && *value != '\0' ? value : fallback);
}

/* The lists that could be read, parsed; an unreadable cache file is removed */
static GPtrArray *
parse_documents (UbFirmwareCatalog  *self,
                 const char         *product_type,
                 Cached             *ipsw,
                 Cached             *apple,
                 UbAppleCatalog    **apple_out,
                 UbCatalogSource    *sources)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *list = NULL;

  if (ipsw->bytes != NULL && (list = ub_firmware_parse_ipsw_me (ipsw->bytes, product_type, &error)) != NULL)
    *sources |= UB_CATALOG_SOURCE_IPSW_ME;
  else if (ipsw->bytes != NULL)
    g_debug ("Unusable ipsw.me answer: %s", error->message);
  g_clear_error (&error);
  if (apple->bytes != NULL && (*apple_out = ub_firmware_parse_apple (apple->bytes, product_type, &error)) != NULL)
    *sources |= UB_CATALOG_SOURCE_APPLE;
  else if (apple->bytes != NULL)
    g_debug ("Unusable Apple list: %s", error->message);

  if (list != NULL && *apple_out != NULL)
    ub_firmware_cross_check (list, *apple_out);
  else if (list == NULL && *apple_out != NULL)
    list = ub_firmware_list_from_apple (*apple_out, product_type);
  return list;
}

/**
 * ub_firmware_catalog_lookup:
 *
 * The synchronous lookup, for worker threads and the command line.
 *
 * Returns: (transfer full): the images, or %NULL with @error set when no
 *   catalog could be reached and nothing is cached
 */
UbFirmwareList *
ub_firmware_catalog_lookup (UbFirmwareCatalog  *self,
                            const char         *product_type,
                            UbCatalogFlags      flags,
                            GCancellable       *cancellable,
                            GError            **error)
{
  g_autofree char *ipsw_base = base_url ("UNBRICK_IPSW_API_URL", IPSW_ME_DEFAULT);
  g_autofree char *apple_url = base_url ("UNBRICK_APPLE_VERSION_URL", APPLE_DEFAULT);
  g_autofree char *ipsw_url = NULL;
  g_autofree char *ipsw_name = NULL;
  g_autoptr(GError) ipsw_error = NULL;
  g_autoptr(GError) apple_error = NULL;
  g_autoptr(UbAppleCatalog) apple_catalog = NULL;
  g_autoptr(GPtrArray) list = NULL;
  Cached ipsw = { 0 }, apple = { 0 };
  UbCatalogSource sources = 0;
  gboolean offline = FALSE;
  UbFirmwareList *result = NULL;

  g_return_val_if_fail (UB_IS_FIRMWARE_CATALOG (self), NULL);

  if (!product_type_is_safe (product_type))
    {
      g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA, "Not a product type: %s", product_type);
      return NULL;
    }
  ipsw_url = g_strdup_printf ("%s/v4/device/%s?type=ipsw", ipsw_base, product_type);
  ipsw_name = g_strdup_printf ("ipsw-me-%s.json", product_type);
  get_document (self, ipsw_name, ipsw_url, UB_CATALOG_IPSW_ME_TTL, IPSW_ME_MAX, FETCH_TIMEOUT_MS,
                flags, cancellable, &ipsw, &offline, &ipsw_error);
  if (!g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      get_document (self, "apple-version.plist", apple_url, UB_CATALOG_APPLE_TTL, APPLE_MAX,
                    APPLE_TIMEOUT_MS, flags, cancellable, &apple, &offline, &apple_error);
      list = parse_documents (self, product_type, &ipsw, &apple, &apple_catalog, &sources);
    }

  if (list != NULL)
    {
      GDateTime *fetched = (sources & UB_CATALOG_SOURCE_IPSW_ME) ? ipsw.fetched : apple.fetched;

      result = ub_firmware_list_new (list, sources, fetched, offline,
                                     apple_catalog ? apple_catalog->latest_build : NULL);
      g_debug ("Catalog for %s: %u images (%s%s)%s", product_type, list->len,
               (sources & UB_CATALOG_SOURCE_IPSW_ME) ? "ipsw.me " : "",
               (sources & UB_CATALOG_SOURCE_APPLE) ? "Apple" : "", offline ? ", offline" : "");
    }
  else if (error == NULL || *error == NULL)
    g_set_error (error, UB_ERROR, UB_ERROR_NETWORK,
                 /* TRANSLATORS: %s is the reason, a sentence from the network code */
                 _("The list of firmware could not be fetched. %s Try again later, or use a "
                   "firmware file you already have."),
                 ipsw_error ? ipsw_error->message : apple_error ? apple_error->message
                 : _("No server gave a usable answer."));
  cached_clear (&ipsw);
  cached_clear (&apple);
  return result;
}

static void
lookup_worker (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  const char *product_type = task_data;
  UbCatalogFlags flags = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (task), "ub-flags"));
  g_autoptr(GError) error = NULL;
  UbFirmwareList *list = ub_firmware_catalog_lookup (source_object, product_type, flags,
                                                     cancellable, &error);

  if (list != NULL)
    g_task_return_pointer (task, list, g_object_unref);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

/**
 * ub_firmware_catalog_lookup_async:
 *
 * Looks up the images of @product_type in a worker thread.
 */
void
ub_firmware_catalog_lookup_async (UbFirmwareCatalog   *self,
                                  const char          *product_type,
                                  UbCatalogFlags       flags,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (UB_IS_FIRMWARE_CATALOG (self));
  g_return_if_fail (product_type != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ub_firmware_catalog_lookup_async);
  g_task_set_task_data (task, g_strdup (product_type), g_free);
  g_object_set_data (G_OBJECT (task), "ub-flags", GUINT_TO_POINTER (flags));
  g_task_run_in_thread (task, lookup_worker);
}

/**
 * ub_firmware_catalog_lookup_finish:
 *
 * Returns: (transfer full): the images, or %NULL with @error set
 */
UbFirmwareList *
ub_firmware_catalog_lookup_finish (UbFirmwareCatalog  *self,
                                   GAsyncResult       *result,
                                   GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ub_firmware_catalog_lookup_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
