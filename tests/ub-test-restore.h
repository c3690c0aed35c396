/* ub-test-restore.h — firmware files the virtual iPhone will boot and restore
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <plist/plist.h>

G_BEGIN_DECLS

/**
 * UbTestRestoreOptions:
 * @os_size: bytes of the OS image (the identity's "OS" .dmg or .dmg.aea)
 * @deflate_os: deflate the OS image in the archive (Apple stores it)
 * @ramdisk_size: payload bytes of each restore ramdisk IM4P
 * @cryptex_size: bytes of the other disk images (Cryptex1 .dmg / .dmg.aea);
 *   0 for 1 MiB
 */
typedef struct
{
  guint64  os_size;
  gboolean deflate_os;
  gsize    ramdisk_size;
  guint64  cryptex_size;
} UbTestRestoreOptions;

char       *ub_test_restore_ipsw_write      (const char                 *dir,
                                             const char                 *manifest,
                                             const char                 *board,
                                             gsize                       ramdisk_size);

char       *ub_test_restore_full_ipsw_write (const char                 *dir,
                                             const char                 *manifest,
                                             const char                 *board,
                                             const UbTestRestoreOptions *options);
char       *ub_test_restore_entry_sha256    (const char                 *manifest,
                                             const char                 *board,
                                             const char                 *component,
                                             const UbTestRestoreOptions *options);
GHashTable *ub_test_restore_entry_sha256s   (const char                 *manifest,
                                             const char                 *board,
                                             const UbTestRestoreOptions *options);
const char *ub_test_restore_im4p_type       (const char                 *component,
                                             const char                 *path);

/* ub-test-restore-plists.c */
GBytes     *ub_test_restore_plist_bytes     (plist_t                     dict);
GBytes     *ub_test_restore_firmware_map    (const char                 *path);
GBytes     *ub_test_restore_restore_plist   (plist_t                     manifest,
                                             const char                 *board);
GBytes     *ub_test_restore_version_plist   (plist_t                     manifest,
                                             gboolean                    system);

G_END_DECLS
