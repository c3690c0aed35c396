/* ub-restore-data-private.h — shared by the data request handlers
 *
 * ub-restore-data.c: the table of data types, answering on the request's
 * DataPort or the main connection, async requests on their own threads.
 * The handlers, one file per family:
 *   ub-restore-data-files.c     RootTicket, KernelCache, DeviceTree,
 *                               SystemImageRootHash/CanonicalMetadata,
 *                               FDRTrustData, FirmwareUpdaterPreflight,
 *                               BuildIdentityDict, ReceiptManifest,
 *                               PersonalizedData, FUDData, EANData
 *   ub-restore-data-nor.c       NORData
 *   ub-restore-data-boot.c      PersonalizedBootObjectV3, SourceBootObjectV4
 *   ub-restore-data-system.c    SystemImageData (ASR)
 *   ub-restore-data-url.c       URLAsset, StreamedImageDecryptionKey
 *   ub-restore-data-updater.c   FirmwareUpdaterData (SE, Savage, Yonkers,
 *                               Rose, Veridian, Cryptex1, pass-through)
 *   ub-restore-data-baseband.c  BasebandData
 *
 * A handler runs on one thread (the loop's worker, or an async request's
 * own thread); it may block, with a deadline on every wait, and must give
 * up early when self->cancellable fires.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ub-restore-data.h"

G_BEGIN_DECLS

struct _UbRestoreData
{
  /* set at creation, read-only after */
  char                  *udid;
  UbIpsw                *ipsw;
  UbBuildIdentity       *identity;
  GBytes                *ap_ticket;     /* ApImg4Ticket (IM4M) */
  GBytes                *ap_nonce;      /* nullable */
  guint64                ecid;
  gboolean               erase;
  GCancellable          *cancellable;
  UbRestoreDataProgress  progress;
  UbRestoreDataEvent     event;
  gpointer               user_data;

  /* shared between threads, under lock */
  GMutex                 lock;
  GCond                  changed;
  UbRestored            *client;        /* main connection (62078) */
  guint                  n_async;       /* async handlers still running */
  GError                *async_error;   /* the first one that failed */
  plist_t                baseband_response;  /* the first with a nonce, reused */
};

/* One data type's answer. @message is the whole DataRequestMsg (its
 * Arguments and DataPort included); the handler answers through
 * _ub_restore_data_reply() or _ub_restore_data_open_port(). */
typedef gboolean (*UbRestoreDataHandler) (UbRestoreData  *self,
                                          plist_t         message,
                                          GError        **error);

/* ub-restore-data.c */
gboolean     _ub_restore_data_reply        (UbRestoreData  *self,
                                            plist_t         message,
                                            plist_t         reply,
                                            gboolean        binary,
                                            GError        **error);
gboolean     _ub_restore_data_reply_data   (UbRestoreData  *self,
                                            plist_t         message,
                                            const char     *key,
                                            GBytes         *data,
                                            GError        **error);
UbRestored  *_ub_restore_data_open_port    (UbRestoreData  *self,
                                            plist_t         message,
                                            GError        **error);
plist_t      _ub_restore_data_arguments    (plist_t         message);
char        *_ub_restore_data_dup_argument (plist_t         message,
                                            const char     *key);
GBytes      *_ub_restore_data_personalize  (UbRestoreData  *self,
                                            const char     *component,
                                            GError        **error);
plist_t      _ub_restore_data_send_tss     (UbRestoreData  *self,
                                            plist_t         request,
                                            GError        **error);
void         _ub_restore_data_progress     (UbRestoreData  *self,
                                            const char     *what,
                                            guint64         done,
                                            guint64         total);
void         _ub_restore_data_log          (UbRestoreData  *self,
                                            const char     *kind,
                                            const char     *format,
                                            ...) G_GNUC_PRINTF (3, 4);

/* ub-restore-data-files.c */
gboolean _ub_restore_data_root_ticket      (UbRestoreData *self, plist_t message, GError **error);
gboolean _ub_restore_data_component_file   (UbRestoreData *self, plist_t message, GError **error);
gboolean _ub_restore_data_empty_reply      (UbRestoreData *self, plist_t message, GError **error);
gboolean _ub_restore_data_build_identity   (UbRestoreData *self, plist_t message, GError **error);
gboolean _ub_restore_data_receipt_manifest (UbRestoreData *self, plist_t message, GError **error);
gboolean _ub_restore_data_image_list       (UbRestoreData *self, plist_t message, GError **error);
/* ub-restore-data-nor.c */
gboolean _ub_restore_data_nor              (UbRestoreData *self, plist_t message, GError **error);
/* ub-restore-data-boot.c */
gboolean _ub_restore_data_boot_object      (UbRestoreData *self, plist_t message, GError **error);
gboolean _ub_restore_data_source_boot_object (UbRestoreData *self, plist_t message, GError **error);
/* ub-restore-data-system.c */
gboolean _ub_restore_data_system_image     (UbRestoreData *self, plist_t message, GError **error);
/* ub-restore-data-url.c */
gboolean _ub_restore_data_url_asset        (UbRestoreData *self, plist_t message, GError **error);
gboolean _ub_restore_data_decryption_key   (UbRestoreData *self, plist_t message, GError **error);
/* the binary-plist answer to a URLAsset (or, with @post, a
 * StreamedImageDecryptionKey) request, for a handler that must answer one
 * on its own connection (the AEA first-chunk wait of SourceBootObjectV4) */
plist_t  _ub_restore_data_url_answer       (UbRestoreData *self, plist_t message, gboolean post, GError **error);
/* ub-restore-data-updater.c */
gboolean _ub_restore_data_firmware_updater (UbRestoreData *self, plist_t message, GError **error);
/* ub-restore-data-baseband.c */
gboolean _ub_restore_data_baseband         (UbRestoreData *self, plist_t message, GError **error);

G_END_DECLS
