/* ub-test-files.h — temporary files and folders for tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void  ub_test_remove_tree     (const char *path);
char *ub_test_isolate_network (void);

G_END_DECLS
