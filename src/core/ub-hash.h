/* ub-hash.h — SHA-256 and SHA-1 of a stream or a file, in one pass
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * UbHashKinds:
 * @UB_HASH_SHA256: SHA-256 (ipsw.me's `sha256sum`)
 * @UB_HASH_SHA1: SHA-1 (Apple's `FirmwareSHA1`, ipsw.me's `sha1sum`)
 *
 * Which digests to compute; both are computed in the same pass when asked.
 */
typedef enum /*< flags >*/
{
  UB_HASH_SHA256 = 1 << 0,
  UB_HASH_SHA1   = 1 << 1,
} UbHashKinds;

#define UB_HASH_ALL (UB_HASH_SHA256 | UB_HASH_SHA1)

/**
 * UbHashProgress:
 * @done: bytes hashed so far
 * @total: the file's size
 *
 * For ub_hash_file_async(): called on the caller's main context, at most every
 * 250 ms, and once at the end. For ub_hasher_update_from_fd(): called in the
 * calling thread after every buffer.
 */
typedef void (*UbHashProgress) (guint64  done,
                                guint64  total,
                                gpointer user_data);

/**
 * UbHasher:
 *
 * Running digests, fed as bytes arrive. Not thread-safe: one thread at a time.
 */
typedef struct _UbHasher UbHasher;

UbHasher   *ub_hasher_new            (UbHashKinds     kinds);
void        ub_hasher_free           (UbHasher       *self);
UbHashKinds ub_hasher_get_kinds      (UbHasher       *self);
void        ub_hasher_reset          (UbHasher       *self);
void        ub_hasher_update         (UbHasher       *self,
                                      const void     *data,
                                      gsize           len);
gboolean    ub_hasher_update_from_fd (UbHasher       *self,
                                      int             fd,
                                      guint64         length,
                                      UbHashProgress  tick,
                                      gpointer        tick_data,
                                      GCancellable   *cancellable,
                                      GError        **error);
char       *ub_hasher_finish_hex     (UbHasher       *self,
                                      UbHashKinds     kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UbHasher, ub_hasher_free)

/**
 * UbHashQueue:
 *
 * Feeds a UbHasher from its own thread: the producer copies its bytes into
 * one of a few buffers and goes on, so hashing runs beside the transfer.
 */
typedef struct _UbHashQueue UbHashQueue;

UbHashQueue *ub_hash_queue_new        (UbHasher       *hasher,
                                       gsize           buffer_size,
                                       guint           n_buffers);
void         ub_hash_queue_push       (UbHashQueue    *self,
                                       const void     *data,
                                       gsize           len);
void         ub_hash_queue_reset      (UbHashQueue    *self);
void         ub_hash_queue_finish     (UbHashQueue    *self);

gboolean    ub_hash_hex_is_valid     (const char     *hex,
                                      UbHashKinds     kind);
gboolean    ub_hash_hex_equal        (const char     *a,
                                      const char     *b);

void        ub_hash_file_async       (const char          *path,
                                      UbHashKinds          kinds,
                                      UbHashProgress       progress,
                                      gpointer             progress_data,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
gboolean    ub_hash_file_finish      (GAsyncResult        *result,
                                      char               **sha256,
                                      char               **sha1,
                                      GError             **error);

G_END_DECLS
