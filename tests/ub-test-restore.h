/* ub-test-restore.h — firmware files the virtual iPhone will boot
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *ub_test_restore_ipsw_write (const char *dir,
                                  const char *manifest,
                                  const char *board,
                                  gsize       ramdisk_size);

G_END_DECLS
