/* ub-test-ipsw-generated.c — the contents of generated IPSW entries
 *
 * Generated entries (ub_test_ipsw_add_generated_with_head()) are made while
 * libzip writes them; these give a test the same bytes, or their SHA-256,
 * without reading the archive back.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "ub-test-ipsw.h"

/**
 * ub_test_ipsw_generated_fill:
 * @head: (nullable): as given to ub_test_ipsw_add_generated_with_head()
 *
 * The bytes at @offset of a generated entry
 */
void
ub_test_ipsw_generated_fill (const char *name,
                             GBytes     *head,
                             guint64     offset,
                             guint8     *buffer,
                             gsize       len)
{
  gsize head_len = head ? g_bytes_get_size (head) : 0;

  ub_test_ipsw_fill (name, offset, buffer, len);
  if (offset < head_len)
    memcpy (buffer, (const guint8 *)g_bytes_get_data (head, NULL) + offset, MIN (len, head_len - offset));
}

/**
 * ub_test_ipsw_generated_sha256:
 *
 * Computed in 1 MiB blocks, without the archive.
 *
 * Returns: (transfer full): the SHA-256 (hex) of the generated entry
 */
char *
ub_test_ipsw_generated_sha256 (const char *name,
                               guint64     size,
                               GBytes     *head)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *block = g_malloc (1024 * 1024);

  for (guint64 offset = 0; offset < size;)
    {
      gsize len = MIN (size - offset, 1024 * 1024);

      ub_test_ipsw_generated_fill (name, head, offset, block, len);
      g_checksum_update (sum, block, len);
      offset += len;
    }
  return g_strdup (g_checksum_get_string (sum));
}
