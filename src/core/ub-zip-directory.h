/* ub-zip-directory.h — a ZIP archive's central directory, read and checked
 * before libzip opens the archive
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What is read of a file: its first bytes and its last UB_ZIP_TAIL_SIZE
 * (the end record, the longest comment and the ZIP64 end records) */
#define UB_ZIP_HEAD_SIZE 4
#define UB_ZIP_TAIL_SIZE (22 + 65535 + 20 + 56)

/* Limits: an IPSW has a few hundred entries and at most about 20 GB */
#define UB_ZIP_MAX_ENTRIES 10000
#define UB_ZIP_MAX_DIRECTORY_SIZE (16 * 1024 * 1024)
#define UB_ZIP_MAX_TOTAL_SIZE (G_GUINT64_CONSTANT (32) << 30)
#define UB_ZIP_MAX_NAME_LENGTH 1024

#define UB_ZIP_PROBLEM (ub_zip_problem_quark ())

/**
 * UbZipProblem:
 * @UB_ZIP_PROBLEM_NOT_ZIP: no ZIP archive at all
 * @UB_ZIP_PROBLEM_TRUNCATED: a ZIP archive that ends early
 * @UB_ZIP_PROBLEM_CORRUPT: inconsistent records or offsets
 * @UB_ZIP_PROBLEM_UNSAFE_NAME: an entry name that is absolute, climbs up
 *   (“..”), or has a backslash, a NUL or a control character
 * @UB_ZIP_PROBLEM_TOO_LARGE: more entries or bytes than any IPSW has
 * @UB_ZIP_PROBLEM_UNSUPPORTED: encryption, several disks, or a compression
 *   method other than stored and deflate
 *
 * What is wrong with an archive. The messages of this private domain are
 * technical (English, untranslated); UbIpsw wraps them in a sentence for
 * people.
 */
typedef enum
{
  UB_ZIP_PROBLEM_NOT_ZIP,
  UB_ZIP_PROBLEM_TRUNCATED,
  UB_ZIP_PROBLEM_CORRUPT,
  UB_ZIP_PROBLEM_UNSAFE_NAME,
  UB_ZIP_PROBLEM_TOO_LARGE,
  UB_ZIP_PROBLEM_UNSUPPORTED,
} UbZipProblem;

typedef struct
{
  guint64 directory_offset;
  guint64 directory_size;
  guint64 n_entries;
  guint64 end_offset;            /* where the end records start */
  gboolean zip64;
} UbZipEnd;

typedef struct
{
  char    *name;                 /* checked by ub_zip_name_check() */
  guint64  offset;               /* of the local header */
  guint64  compressed_size;
  guint64  size;
  guint32  crc;
  guint16  method;
  guint16  flags;
} UbZipEntry;

typedef struct _UbZipDirectory UbZipDirectory;

GQuark            ub_zip_problem_quark        (void);

gboolean          ub_zip_find_end             (const guint8      *head,
                                               gsize              head_len,
                                               const guint8      *tail,
                                               gsize              tail_len,
                                               guint64            file_size,
                                               UbZipEnd          *end,
                                               GError           **error);
UbZipDirectory   *ub_zip_directory_parse      (const guint8      *data,
                                               gsize              len,
                                               const UbZipEnd    *end,
                                               GError           **error);
void              ub_zip_directory_free       (UbZipDirectory    *self);
guint             ub_zip_directory_get_n_entries (UbZipDirectory *self);
const UbZipEntry *ub_zip_directory_get_entry  (UbZipDirectory    *self,
                                               guint              index);
const UbZipEntry *ub_zip_directory_lookup     (UbZipDirectory    *self,
                                               const char        *name,
                                               guint             *index);
guint64           ub_zip_directory_get_total_size (UbZipDirectory *self);

gboolean          ub_zip_name_check           (const char        *name,
                                               gsize              len,
                                               const char       **problem);
char             *ub_zip_name_escape          (const char        *name,
                                               gsize              len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UbZipDirectory, ub_zip_directory_free)

G_END_DECLS
