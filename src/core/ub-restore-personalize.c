/* ub-restore-personalize.c — an IPSW component, personalized with the AP ticket
 *
 * Used by the boot chain (ub-restore-job-chain.c) and by the answers to the
 * restore system's data requests (ub-restore-data*.c): the component named
 * in the build identity is read from the IPSW into an array already sized
 * for the IMG4 built around it (ub_img4_stitch_take), so that a large image
 * is in memory once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-restore"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "ub-error.h"
#include "ub-img4.h"
#include "ub-restore-personalize.h"

static GByteArray *
read_sized (UbIpsw           *ipsw,
            UbBuildIdentity  *identity,
            const char       *name,
            gboolean          optional,
            gsize             headroom,
            GCancellable     *cancellable,
            GError          **error)
{
  const char *path = ub_build_identity_get_component_path (identity, name);
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GByteArray) data = NULL;
  guint64 size = 0;
  gsize done = 0;

  if (path == NULL)
    {
      if (!optional)
        g_set_error (error, UB_ERROR, UB_ERROR_CORRUPT_ARCHIVE,
                     /* TRANSLATORS: %s is a firmware part, e.g. "iBSS" */
                     _("The firmware file has no %s for this iPhone."), name);
      return NULL;
    }
  if (!ub_ipsw_get_component_size (ipsw, path, &size, error) ||
      (stream = ub_ipsw_open_component (ipsw, path, error)) == NULL)
    return NULL;
  if (size > UB_RESTORE_MAX_COMPONENT)
    {
      g_set_error (error, UB_ERROR, UB_ERROR_CORRUPT_ARCHIVE, _("The firmware’s %s is too large."), name);
      return NULL;
    }
  data = g_byte_array_sized_new ((guint)(size + headroom));
  g_byte_array_set_size (data, (guint)size);
  if (!g_input_stream_read_all (stream, data->data, size, &done, cancellable, error))
    return NULL;
  if (done != size)
    {
      g_set_error (error, UB_ERROR, UB_ERROR_CORRUPT_ARCHIVE,
                   /* TRANSLATORS: %s is a firmware part, e.g. "iBSS" */
                   _("The firmware’s %s is shorter than the file says."), name);
      return NULL;
    }
  return g_steal_pointer (&data);
}

/**
 * ub_restore_read_component:
 * @name: a component of @identity's Manifest, e.g. "KernelCache"
 * @optional: when %TRUE, a component the identity lacks returns %NULL
 *   without an error
 *
 * Returns: (transfer full) (nullable): the component's bytes as stored
 */
GBytes *
ub_restore_read_component (UbIpsw           *ipsw,
                           UbBuildIdentity  *identity,
                           const char       *name,
                           gboolean          optional,
                           GCancellable     *cancellable,
                           GError          **error)
{
  GByteArray *data = read_sized (ipsw, identity, name, optional, 0, cancellable, error);

  return data ? g_byte_array_free_to_bytes (data) : NULL;
}

/* research §2: with RequiresNonceSlot in the identity, SEP and LLB carry
 * their nonce slot in an IM4R */
static gboolean
requires_nonce_slot (UbBuildIdentity *identity)
{
  plist_t info = plist_dict_get_item (ub_build_identity_get_plist (identity), "Info");
  plist_t flag = info && plist_get_node_type (info) == PLIST_DICT
                 ? plist_dict_get_item (info, "RequiresNonceSlot") : NULL;
  uint8_t value = 0;

  if (flag != NULL && plist_get_node_type (flag) == PLIST_BOOLEAN)
    plist_get_bool_val (flag, &value);
  return value != 0;
}

/**
 * ub_restore_personalize:
 * @ticket: the AP ticket (IM4M) Apple signed for this phone
 * @ticket_nonce: (nullable): the nonce in @ticket
 * @optional: as for ub_restore_read_component()
 *
 * Returns: (transfer full) (nullable): the IMG4 of component @name
 */
GBytes *
ub_restore_personalize (UbIpsw           *ipsw,
                        UbBuildIdentity  *identity,
                        GBytes           *ticket,
                        GBytes           *ticket_nonce,
                        const char       *name,
                        gboolean          optional,
                        GCancellable     *cancellable,
                        GError          **error)
{
  GByteArray *im4p = read_sized (ipsw, identity, name, optional, 64 + g_bytes_get_size (ticket),
                                 cancellable, error);
  UbImg4Restore restore = UB_IMG4_RESTORE_INIT;
  guint slot = 0;

  if (im4p == NULL)
    return NULL;
  if (requires_nonce_slot (identity) && ub_img4_nonce_slot_tag (name, &slot) != NULL)
    {
      g_autoptr(GBytes) whole = g_byte_array_free_to_bytes (im4p);

      restore.nonce_slot = (gint)slot;
      g_debug ("%s: nonce slot %u", name, slot);
      return ub_img4_stitch_full (whole, ticket, name, &restore, error);
    }
  return ub_img4_stitch_take (im4p, ticket, name, ticket_nonce, error);
}
