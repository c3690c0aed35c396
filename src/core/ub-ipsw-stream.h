/* ub-ipsw-stream.h — one entry of an IPSW, read straight from the archive
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <zip.h>

G_BEGIN_DECLS

#define UB_TYPE_IPSW_STREAM (ub_ipsw_stream_get_type ())

G_DECLARE_FINAL_TYPE (UbIpswStream, ub_ipsw_stream, UB, IPSW_STREAM, GInputStream)

GInputStream *ub_ipsw_stream_new          (GObject      *owner,
                                           GMutex       *lock,
                                           zip_t        *archive,
                                           zip_uint64_t  index,
                                           zip_file_t   *file,
                                           const char   *name,
                                           guint64       size,
                                           gboolean      stored);
guint64       ub_ipsw_stream_get_size     (UbIpswStream *self);
guint64       ub_ipsw_stream_get_position (UbIpswStream *self);

G_END_DECLS
