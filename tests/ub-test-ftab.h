/* ub-test-ftab.h — a synthetic Rose firmware table (ftab.bin)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The entries of ub_test_ftab_new(), in order: 'rkos' (the RTKit OS) and
 * 'sbd1' (the DSP binary), as Rap,RTKitOS and Rap,SoftwareBinaryDsp1 name
 * them in a real manifest (Img4PayloadType) */
#define UB_TEST_FTAB_N_ENTRIES 2
#define UB_TEST_FTAB_RKOS_SIZE 6144
#define UB_TEST_FTAB_SBD1_SIZE 2500

GBytes *ub_test_ftab_new          (void);
GBytes *ub_test_ftab_new_restore  (void);
GBytes *ub_test_ftab_entry_bytes  (const char *tag,
                                   gsize       size);

G_END_DECLS
