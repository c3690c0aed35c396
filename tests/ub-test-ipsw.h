/* ub-test-ipsw.h — synthetic firmware files (IPSW) for tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The manifests copied to tests/data/manifests/ (see tests/data/README.md) */
#define UB_TEST_MANIFEST_IPHONE_X "iPhone10,3-iPhone10,6_15C114.plist"
#define UB_TEST_MANIFEST_IPHONE_12 "iPhone13,2-iPhone13,3_23C71.plist"
#define UB_TEST_MANIFEST_IPHONE_4 "iPhone3,1_11D257.plist"
#define UB_TEST_MANIFEST_IPHONE_7 "iPhone9,1-iPhone9,3-iPhone10,1-iPhone10,4_19E241.plist"

typedef struct _UbTestIpsw UbTestIpsw;

UbTestIpsw *ub_test_ipsw_new              (void);
void        ub_test_ipsw_free             (UbTestIpsw   *self);
void        ub_test_ipsw_add_manifest     (UbTestIpsw   *self,
                                           const char   *manifest);
void        ub_test_ipsw_add_bytes        (UbTestIpsw   *self,
                                           const char   *name,
                                           GBytes       *data,
                                           gboolean      deflate);
void        ub_test_ipsw_add_generated    (UbTestIpsw   *self,
                                           const char   *name,
                                           guint64       size,
                                           gboolean      deflate);
void        ub_test_ipsw_add_generated_with_head (UbTestIpsw *self,
                                                  const char *name,
                                                  guint64     size,
                                                  GBytes     *head,
                                                  gboolean    deflate);
gboolean    ub_test_ipsw_remove           (UbTestIpsw   *self,
                                           const char   *name);
gboolean    ub_test_ipsw_has              (UbTestIpsw   *self,
                                           const char   *name);
char       *ub_test_ipsw_write            (UbTestIpsw   *self,
                                           const char   *dir,
                                           const char   *basename);

char       *ub_test_ipsw_write_manifest   (const char   *dir,
                                           const char   *manifest,
                                           const char   *basename);
GBytes     *ub_test_ipsw_load_manifest    (const char   *manifest);
GPtrArray  *ub_test_ipsw_manifest_paths   (const char   *manifest);
GBytes     *ub_test_ipsw_dummy_content    (const char   *name);
void        ub_test_ipsw_fill             (const char   *name,
                                           guint64       offset,
                                           guint8       *buffer,
                                           gsize         len);

void        ub_test_ipsw_generated_fill   (const char   *name,
                                           GBytes       *head,
                                           guint64       offset,
                                           guint8       *buffer,
                                           gsize         len);
char       *ub_test_ipsw_generated_sha256 (const char   *name,
                                           guint64       size,
                                           GBytes       *head);

char       *ub_test_ipsw_make_dir         (void);
void        ub_test_ipsw_remove_dir       (const char   *dir);
char       *ub_test_ipsw_write_file       (const char   *dir,
                                           const char   *basename,
                                           const void   *data,
                                           gsize         len);

/**
 * UbTestZipEntry:
 * @name: the entry's name
 * @name_len: its length; 0 for strlen (@name), more to put a NUL inside
 * @data: its contents, stored as they are
 * @declared_size: 0, or the uncompressed size to claim (the entry is then
 *   marked deflated; ZIP64 fields from 4 GiB)
 *
 * An entry for ub_test_zip_raw(), which writes what libzip refuses to.
 */
typedef struct
{
  const char *name;
  gsize       name_len;
  GBytes     *data;
  guint64     declared_size;
} UbTestZipEntry;

GBytes     *ub_test_zip_raw               (const UbTestZipEntry *entries,
                                           guint                 n_entries);

G_END_DECLS
