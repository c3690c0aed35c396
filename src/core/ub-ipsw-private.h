/* ub-ipsw-private.h — shared by the IPSW reader's two files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <zip.h>

#include "ub-ipsw.h"
#include "ub-zip-directory.h"

G_BEGIN_DECLS

struct _UbIpsw
{
  GObject          parent_instance;

  char            *path;
  char            *display_name;
  guint64          file_size;
  UbZipDirectory  *directory;
  UbBuildManifest *manifest;
  plist_t          restore;
  GMutex           lock;         /* around every libzip call */
  zip_t           *archive;
};

gboolean _ub_ipsw_open_archive      (UbIpsw        *self,
                                     GError       **error);
void     _ub_ipsw_set_problem_error (UbIpsw        *self,
                                     const GError  *problem,
                                     GError       **error);
void     _ub_ipsw_set_damaged       (UbIpsw        *self,
                                     GError       **error,
                                     const char    *format,
                                     ...) G_GNUC_PRINTF (3, 4);

G_END_DECLS
