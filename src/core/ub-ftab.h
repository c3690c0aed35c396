/* ub-ftab.h — reading and writing firmware tables (ftab.bin)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A four-character tag as the file stores it, big-endian: 'rkos' */
#define UB_FTAB_TAG(a, b, c, d) \
  (((guint32) (a) << 24) | ((guint32) (b) << 16) | ((guint32) (c) << 8) | (guint32) (d))

#define UB_FTAB_HEADER_SIZE  48
#define UB_FTAB_ENTRY_SIZE   16
/* Real tables hold 2–20 entries and weigh 1–30 MB */
#define UB_FTAB_MAX_ENTRIES  128
#define UB_FTAB_MAX_SIZE     (64 * 1024 * 1024)

typedef struct _UbFtab UbFtab;

UbFtab  *ub_ftab_new            (guint32        tag);
UbFtab  *ub_ftab_parse          (GBytes        *data,
                                 GError       **error);
void     ub_ftab_free           (UbFtab        *self);
guint32  ub_ftab_get_tag        (UbFtab        *self);
guint    ub_ftab_get_n_entries  (UbFtab        *self);
guint32  ub_ftab_get_entry_tag  (UbFtab        *self,
                                 guint          index);
GBytes  *ub_ftab_dup_entry      (UbFtab        *self,
                                 guint32        tag);
gboolean ub_ftab_add_entry      (UbFtab        *self,
                                 guint32        tag,
                                 GBytes        *data,
                                 GError       **error);
GBytes  *ub_ftab_write          (UbFtab        *self);
char    *ub_ftab_tag_to_string  (guint32        tag);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UbFtab, ub_ftab_free)

G_END_DECLS
