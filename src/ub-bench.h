/* ub-bench.h — measurement hooks for the start-up benchmark
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void ub_bench_watch_window (GtkWindow *window);

G_END_DECLS
