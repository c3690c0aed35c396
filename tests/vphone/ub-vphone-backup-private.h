/* ub-vphone-backup-private.h — one connection to the phone's backup service
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ub-vphone-backup-data.h"
#include "ub-vphone-backup.h"

G_BEGIN_DECLS

/* Everything a connection needs, copied on the main thread when the host
 * connects: the connection then runs in a thread of its own and touches
 * nothing else but the (thread-safe) recorder. */
typedef struct
{
  UbVphoneBackup       *backup;        /* main thread only */
  GIOStream            *stream;
  GInputStream         *in;
  GOutputStream        *out;
  GCancellable         *cancellable;   /* the phone went away */
  GThread              *thread;
  UbVphoneRecorder     *recorder;
  UbVphoneBackupLayout  layout;
  char                 *udid;
  char                 *product_type;
  char                 *product_version;
  char                 *build_version;
  char                 *device_name;
  gboolean              encrypted;
  guint64               rate;          /* bytes/s, 0: no limit */
  gint64                started;       /* when the data files began, µs */
  guint64               sent;          /* data bytes since */
  gboolean              stall;         /* fault backup-stall */
  gboolean              bad_path;      /* fault backup-bad-path */
  gboolean              refused;       /* fault backup-refused */
  int                   unplug_at;     /* fault backup-unplug-at-file N, or -1 */
} UbVphoneBackupSession;

/* ub-vphone-backup-session.c, ub-vphone-backup.c */
void        ub_vphone_backup_session_run   (UbVphoneBackupSession *session);
void        _ub_vphone_backup_unplug       (UbVphoneBackupSession *session);

/* ub-vphone-backup-link.c */
void        ub_vphone_backup_record        (UbVphoneBackupSession *s,
                                            const char            *format,
                                            ...) G_GNUC_PRINTF (2, 3);
gboolean    ub_vphone_backup_write         (UbVphoneBackupSession *s,
                                            const void            *data,
                                            gsize                  len);
gboolean    ub_vphone_backup_read          (UbVphoneBackupSession *s,
                                            void                  *data,
                                            gsize                  len);
gboolean    ub_vphone_backup_write_be32    (UbVphoneBackupSession *s,
                                            guint32                value);
gboolean    ub_vphone_backup_read_be32     (UbVphoneBackupSession *s,
                                            guint32               *value);
gboolean    ub_vphone_backup_send          (UbVphoneBackupSession *s,
                                            plist_t                message);
plist_t     ub_vphone_backup_receive       (UbVphoneBackupSession *s);
const char *ub_vphone_backup_message_name  (plist_t                message);
gboolean    ub_vphone_backup_send_message  (UbVphoneBackupSession *s,
                                            const char            *name,
                                            ...) G_GNUC_NULL_TERMINATED;
gboolean    ub_vphone_backup_send_result   (UbVphoneBackupSession *s,
                                            guint64                code,
                                            const char            *description);
gboolean    ub_vphone_backup_expect_status (UbVphoneBackupSession *s,
                                            const char            *what,
                                            guint64               *value);
gboolean    ub_vphone_backup_send_name     (UbVphoneBackupSession *s,
                                            const char            *name);
gboolean    ub_vphone_backup_send_block    (UbVphoneBackupSession *s,
                                            guint8                 code,
                                            const void            *data,
                                            gsize                  len);

G_END_DECLS
