/* ub-vphone-nvram.c — the iBoot environment of the virtual iPhone
 *
 * Two copies, as on a phone: the running environment that `setenv` changes
 * and `getenv` reads, and the saved one (NVRAM) that `saveenv` writes and
 * every boot starts from. The saved copy lives for the whole run, so
 * auto-boot=false keeps a phone in its recovery loop across resets.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-vphone-nvram"

#include "config.h"

#include "ub-vphone-nvram.h"

struct _UbVphoneNvram
{
  GObject     parent_instance;

  GHashTable *running;
  GHashTable *saved;
};

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (UbVphoneNvram, ub_vphone_nvram, G_TYPE_OBJECT)

static void
ub_vphone_nvram_finalize (GObject *object)
{
  UbVphoneNvram *self = UB_VPHONE_NVRAM (object);

  g_clear_pointer (&self->running, g_hash_table_unref);
  g_clear_pointer (&self->saved, g_hash_table_unref);

  G_OBJECT_CLASS (ub_vphone_nvram_parent_class)->finalize (object);
}

static void
ub_vphone_nvram_class_init (UbVphoneNvramClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ub_vphone_nvram_finalize;

  /**
   * UbVphoneNvram::changed:
   *
   * Either copy of the environment changed.
   */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static GHashTable *
new_table (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static void
ub_vphone_nvram_init (UbVphoneNvram *self)
{
  self->running = new_table ();
  self->saved = new_table ();
}

/**
 * ub_vphone_nvram_new:
 * @board: the board config, e.g. "d22ap"
 * @iboot_version: e.g. "iBoot-3332.0.0.1.23"
 *
 * Returns: (transfer full): an environment with auto-boot=true
 */
UbVphoneNvram *
ub_vphone_nvram_new (const char *board,
                     const char *iboot_version)
{
  UbVphoneNvram *self = g_object_new (UB_TYPE_VPHONE_NVRAM, NULL);

  ub_vphone_nvram_set_saved (self, "auto-boot", "true");
  ub_vphone_nvram_set_saved (self, "boot-args", "");
  ub_vphone_nvram_set_saved (self, "build-style", "RELEASE");
  ub_vphone_nvram_set_saved (self, "build-version", iboot_version);
  ub_vphone_nvram_set_saved (self, "config_board", board);
  ub_vphone_nvram_set_saved (self, "idle-off", "true");
  return self;
}

/**
 * ub_vphone_nvram_get:
 *
 * Returns: (nullable): the running value of @name
 */
const char *
ub_vphone_nvram_get (UbVphoneNvram *self,
                     const char    *name)
{
  g_return_val_if_fail (UB_IS_VPHONE_NVRAM (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  return g_hash_table_lookup (self->running, name);
}

void
ub_vphone_nvram_set (UbVphoneNvram *self,
                     const char    *name,
                     const char    *value)
{
  g_return_if_fail (UB_IS_VPHONE_NVRAM (self));
  g_return_if_fail (name != NULL && value != NULL);

  g_debug ("setenv \"%s\" \"%s\"", name, value);
  g_hash_table_insert (self->running, g_strdup (name), g_strdup (value));
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
copy_table (GHashTable *from,
            GHashTable *to)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_remove_all (to);
  g_hash_table_iter_init (&iter, from);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (to, g_strdup (key), g_strdup (value));
}

/**
 * ub_vphone_nvram_save:
 *
 * `saveenv`: the running environment becomes the saved one.
 */
void
ub_vphone_nvram_save (UbVphoneNvram *self)
{
  g_return_if_fail (UB_IS_VPHONE_NVRAM (self));

  g_debug ("saveenv");
  copy_table (self->running, self->saved);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

/**
 * ub_vphone_nvram_reload:
 *
 * A reset: unsaved changes are lost.
 */
void
ub_vphone_nvram_reload (UbVphoneNvram *self)
{
  g_return_if_fail (UB_IS_VPHONE_NVRAM (self));

  copy_table (self->saved, self->running);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

/**
 * ub_vphone_nvram_set_saved:
 *
 * Sets both copies, as iOS does when it asks for recovery mode, or as a
 * scenario does to start with a phone stuck in a recovery loop.
 */
void
ub_vphone_nvram_set_saved (UbVphoneNvram *self,
                           const char    *name,
                           const char    *value)
{
  g_return_if_fail (UB_IS_VPHONE_NVRAM (self));
  g_return_if_fail (name != NULL && value != NULL);

  g_debug ("nvram \"%s\" = \"%s\"", name, value);
  g_hash_table_insert (self->saved, g_strdup (name), g_strdup (value));
  g_hash_table_insert (self->running, g_strdup (name), g_strdup (value));
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

/**
 * ub_vphone_nvram_get_auto_boot:
 *
 * Returns: whether the next boot goes to iOS (the saved auto-boot is "true")
 */
gboolean
ub_vphone_nvram_get_auto_boot (UbVphoneNvram *self)
{
  const char *value;

  g_return_val_if_fail (UB_IS_VPHONE_NVRAM (self), TRUE);

  value = g_hash_table_lookup (self->saved, "auto-boot");
  return value == NULL || g_ascii_strcasecmp (value, "false") != 0;
}
