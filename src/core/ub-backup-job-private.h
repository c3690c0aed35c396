/* ub-backup-job-private.h — the worker side of a backup, shared by ub-backup-job*.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <libimobiledevice/afc.h>
#include <libimobiledevice/libimobiledevice.h>
#include <libimobiledevice/lockdown.h>
#include <libimobiledevice/notification_proxy.h>
#include <libimobiledevice/service.h>
#include <plist/plist.h>

#include "ub-backup-job.h"
#include "ub-clock.h"

G_BEGIN_DECLS

#define UB_BACKUP_SERVICE       "com.apple.mobilebackup2"
#define UB_BACKUP_LOCK_FILE     "/com.apple.itunes.lock_sync"
/* The longest message (a plist) and file name the phone may send */
#define UB_BACKUP_MAX_MESSAGE   (32 * 1024 * 1024)
#define UB_BACKUP_MAX_NAME      4096

/* The codes of the file streams (DLMessageUploadFiles, DLMessageDownloadFiles) */
#define UB_BACKUP_CODE_SUCCESS       0x00
#define UB_BACKUP_CODE_ERROR_LOCAL   0x06
#define UB_BACKUP_CODE_ERROR_REMOTE  0x0b
#define UB_BACKUP_CODE_FILE_DATA     0x0c

/* A status response with errors for single files */
#define UB_BACKUP_MULTI_STATUS  (-13)

typedef enum
{
  UB_BACKUP_PHASE_CONNECTING,
  UB_BACKUP_PHASE_CHECKING,
  UB_BACKUP_PHASE_WAITING,       /* the request is sent; the phone prepares */
  UB_BACKUP_PHASE_COPYING,
  UB_BACKUP_PHASE_FINISHING,
} UbBackupPhase;

/* What the worker and the caller's side share. The fields below @mutex
 * change while the backup runs; the others are set once. Reference-counted:
 * a worker stuck in a library call outlives the task it reports to. */
typedef struct
{
  char          *udid;
  char          *folder;          /* the folder chosen; the backup goes to folder/udid */
  char          *path;            /* folder/udid */
  UbClock       *clock;

  GMutex         mutex;
  UbBackupPhase  phase;
  gboolean       encrypted;
  double         fraction;        /* 0…1 and never going back, or -1 */
  guint64        bytes;           /* received */
  guint          files;           /* whole, in place */
  guint64        kept_bytes;      /* their size */
  gboolean       touched;         /* this backup changed something in path */
  gboolean       had_backup;      /* path held a backup before */
  gboolean       changed;         /* since the caller's side last looked */
  gint64         last_activity;   /* the clock's µs when the phone last sent something */
  guint          stall_ms;
} UbBackupJob;

/* The worker's own state for one run */
typedef struct
{
  UbBackupJob        *job;
  GCancellable       *cancellable;
  idevice_t           device;
  lockdownd_client_t  lockdown;
  service_client_t    service;
  gboolean            ssl;
  np_client_t         np;
  afc_client_t        afc;
  guint64             lock_handle;
  int                 folder_fd;       /* the folder chosen */
  int                 host_lock_fd;    /* flock() against a second backup into it */
  plist_t             values;          /* lockdownd's global domain */
  gboolean            purge_asked;     /* the phone asked this computer to free space */
} UbBackupSession;

/* ub-backup-job-state.c: the shared state */
UbBackupJob *_ub_backup_job_new            (const char     *udid,
                                            const char     *folder);
UbBackupJob *_ub_backup_job_ref            (UbBackupJob    *job);
void         _ub_backup_job_unref          (UbBackupJob    *job);
void         _ub_backup_job_set_phase      (UbBackupJob    *job,
                                            UbBackupPhase   phase);
void         _ub_backup_job_set_encrypted  (UbBackupJob    *job,
                                            gboolean        encrypted);
void         _ub_backup_job_set_stall      (UbBackupJob    *job,
                                            guint           stall_ms);
void         _ub_backup_job_touch          (UbBackupJob    *job);
void         _ub_backup_job_add_bytes      (UbBackupJob    *job,
                                            guint64         bytes);
void         _ub_backup_job_add_file       (UbBackupJob    *job,
                                            guint64         size);
void         _ub_backup_job_set_fraction   (UbBackupJob    *job,
                                            double          fraction);
void         _ub_backup_job_set_touched    (UbBackupJob    *job);
void         _ub_backup_job_set_had_backup (UbBackupJob    *job,
                                            gboolean        had_backup);
void         _ub_backup_job_set_stalled_error (GError     **error,
                                               guint        stall_ms);
gboolean     _ub_backup_job_wait_budget    (UbBackupJob    *job,
                                            guint          *wait_ms,
                                            GError        **error);
void         _ub_backup_job_add_kept_note  (UbBackupJob    *job,
                                            GError        **error);

/* ub-backup-job-session.c: the whole backup, in the worker */
gboolean     _ub_backup_session_run        (UbBackupJob    *job,
                                            GCancellable   *cancellable,
                                            GError        **error);

/* ub-backup-job-prepare.c: before the phone sends its files */
gboolean     _ub_backup_prepare_connect    (UbBackupSession  *s,
                                            GError          **error);
gboolean     _ub_backup_prepare_folder     (UbBackupSession  *s,
                                            GError          **error);
gboolean     _ub_backup_prepare_sync_lock  (UbBackupSession  *s,
                                            GError          **error);
void         _ub_backup_prepare_sync_unlock (UbBackupSession *s);
gboolean     _ub_backup_prepare_start      (UbBackupSession  *s,
                                            GError          **error);
gboolean     _ub_backup_prepare_write_info (UbBackupSession  *s,
                                            gboolean          replace,
                                            GError          **error);
gboolean     _ub_backup_phone_is_connected (const char       *udid);

/* ub-backup-job-link.c: DeviceLink messages and raw bytes, with timeouts */
gboolean     _ub_backup_link_read          (UbBackupSession  *s,
                                            void             *buffer,
                                            gsize             length,
                                            GError          **error);
gboolean     _ub_backup_link_read_be32     (UbBackupSession  *s,
                                            guint32          *value,
                                            GError          **error);
gboolean     _ub_backup_link_write         (UbBackupSession  *s,
                                            const void       *buffer,
                                            gsize             length,
                                            GError          **error);
plist_t      _ub_backup_link_receive       (UbBackupSession  *s,
                                            GError          **error);
gboolean     _ub_backup_link_send          (UbBackupSession  *s,
                                            plist_t           message,
                                            GError          **error);
gboolean     _ub_backup_link_send_status   (UbBackupSession  *s,
                                            gint64            code,
                                            const char       *text,
                                            plist_t           status,
                                            GError          **error);
gboolean     _ub_backup_link_hello         (UbBackupSession  *s,
                                            GError          **error);
void         _ub_backup_link_disconnect    (UbBackupSession  *s);
const char  *_ub_backup_message_name       (plist_t           message);
plist_t      _ub_backup_message_arg        (plist_t           message,
                                            guint             index,
                                            plist_type        type);

/* ub-backup-job-store.c: the backup folder, never left through a path the phone sends */
int          _ub_backup_store_open_child   (int               dir_fd,
                                            const char       *name,
                                            gboolean          create);
char       **_ub_backup_store_split        (UbBackupSession  *s,
                                            const char       *path,
                                            GError          **error);
int          _ub_backup_store_open_parent  (UbBackupSession  *s,
                                            const char       *path,
                                            gboolean          create,
                                            char            **leaf,
                                            GError          **error);
gboolean     _ub_backup_store_make_directory (UbBackupSession *s,
                                              const char      *path,
                                              GError         **error);
gboolean     _ub_backup_store_remove       (UbBackupSession  *s,
                                            const char       *path,
                                            GError          **error);
gboolean     _ub_backup_store_move         (UbBackupSession  *s,
                                            const char       *from,
                                            const char       *to,
                                            GError          **error);
gboolean     _ub_backup_store_copy         (UbBackupSession  *s,
                                            const char       *from,
                                            const char       *to,
                                            GError          **error);
plist_t      _ub_backup_store_list         (UbBackupSession  *s,
                                            const char       *path,
                                            GError          **error);
guint64      _ub_backup_store_free_space   (int               fd);
guint64      _ub_backup_store_size         (UbBackupSession  *s);
void         _ub_backup_store_set_error    (GError          **error,
                                            int               errsv,
                                            const char       *path);
gint64       _ub_backup_store_device_code  (int               errsv);

/* ub-backup-job-status.c: Info.plist, Status.plist, Manifest.plist */
gboolean     _ub_backup_store_write_plist  (UbBackupSession  *s,
                                            const char       *name,
                                            plist_t           plist,
                                            GError          **error);
gboolean     _ub_backup_store_begin_change (UbBackupSession  *s,
                                            GError          **error);
void         _ub_backup_store_mark_incomplete (UbBackupSession *s);
gboolean     _ub_backup_store_check_finished (UbBackupSession *s,
                                              GError         **error);

/* ub-backup-job-files.c: the file streams */
gboolean     _ub_backup_files_receive      (UbBackupSession  *s,
                                            plist_t           message,
                                            GError          **error);
gboolean     _ub_backup_files_send         (UbBackupSession  *s,
                                            plist_t           message,
                                            GError          **error);

G_END_DECLS
