/* ub-restored.h — our own client for restored, the restore system's service on port 62078
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <plist/plist.h>

#include "ub-build-identity.h"

G_BEGIN_DECLS

#define UB_RESTORED_PORT 62078

/* How long one request waits for its answer, in phone time */
#define UB_RESTORED_REPLY_MS 30000

/* How long the message loop accepts a phone that says nothing, in phone
 * time (UNBRICK_TIME_SCALE shortens it). restored is quiet for minutes
 * while it writes or verifies the system image (operations 13 and 14 send
 * a progress message per percent, but verification of a large image and
 * baseband updates can take several minutes between messages), so this is
 * generous: 20 minutes of silence means a hung phone. */
#define UB_RESTORED_SILENCE_MS (20 * 60 * 1000)

/* The restore system rejects the host (research restore-mode.md §0) */
#define UB_RESTORED_CHECKPOINT_HOST_COMPATIBLE 0x655
#define UB_RESTORED_CHECKPOINT_RESULT_HOST_UNSUPPORTED 10

#define UB_TYPE_RESTORED (ub_restored_get_type ())

G_DECLARE_FINAL_TYPE (UbRestored, ub_restored, UB, RESTORED, GObject)

/**
 * UbRestoredHandlers:
 * @progress: an operation started or moved on; @percent is -1 when the
 *   phone only announced it; @name is a translated plain name
 * @checkpoint: a checkpoint passed (informational)
 * @data_request: the phone asks for data of @data_type (@is_async for
 *   AsyncDataRequestMsg); return %FALSE with an error to end the restore.
 *   When it is %NULL, or it fails with %UB_ERROR_NOT_SUPPORTED, the restore
 *   ends with a message naming the type.
 * @keep_going: asked after every message; returning %FALSE with an error
 *   ends the loop (an answer running on another thread failed)
 *
 * Callbacks run on the thread that runs ub_restored_run_loop(); any of them
 * may be %NULL.
 */
typedef struct
{
  void     (*progress)     (guint         operation,
                            const char   *name,
                            int           percent,
                            gpointer      user_data);
  void     (*checkpoint)   (guint         id,
                            const char   *name,
                            gint64        result,
                            gpointer      user_data);
  gboolean (*data_request) (UbRestored   *client,
                            const char   *data_type,
                            plist_t       message,
                            gboolean      is_async,
                            gpointer      user_data,
                            GError      **error);
  gboolean (*keep_going)   (gpointer      user_data,
                            GError      **error);
} UbRestoredHandlers;

/**
 * UbRestoredVerdict:
 * @UB_RESTORED_CONTINUE: keep reading messages
 * @UB_RESTORED_DONE: the restore finished (StatusMsg 0)
 * @UB_RESTORED_FAILED: the restore ended with an error
 */
typedef enum
{
  UB_RESTORED_CONTINUE,
  UB_RESTORED_DONE,
  UB_RESTORED_FAILED,
} UbRestoredVerdict;

UbRestored        *ub_restored_connect                (const char          *udid,
                                                       GError             **error);
UbRestored        *ub_restored_connect_port           (const char          *udid,
                                                       guint16              port,
                                                       GError             **error);
const char        *ub_restored_get_udid               (UbRestored          *self);
guint64            ub_restored_get_protocol_version   (UbRestored          *self);
void               ub_restored_set_silence_ms         (UbRestored          *self,
                                                       guint                silence_ms);
gboolean           ub_restored_query_type             (UbRestored          *self,
                                                       GError             **error);
gboolean           ub_restored_check_ecid             (UbRestored          *self,
                                                       guint64              ecid,
                                                       GError             **error);
gboolean           ub_restored_start_restore          (UbRestored          *self,
                                                       UbBuildIdentity     *identity,
                                                       GError             **error);
gboolean           ub_restored_goodbye                (UbRestored          *self,
                                                       GError             **error);
gboolean           ub_restored_send                   (UbRestored          *self,
                                                       plist_t              message,
                                                       GError             **error);
gboolean           ub_restored_send_binary            (UbRestored          *self,
                                                       plist_t              message,
                                                       GError             **error);
gboolean           ub_restored_send_data_dict         (UbRestored          *self,
                                                       const char          *key,
                                                       GBytes              *data,
                                                       GError             **error);
plist_t            ub_restored_receive                (UbRestored          *self,
                                                       guint                timeout_ms,
                                                       GCancellable        *cancellable,
                                                       GError             **error);
gboolean           ub_restored_run_loop               (UbRestored          *self,
                                                       UbRestoredHandlers  *handlers,
                                                       gpointer             user_data,
                                                       GCancellable        *cancellable,
                                                       GError             **error);

UbRestoredVerdict  ub_restored_dispatch               (UbRestored          *self,
                                                       guint64              protocol_version,
                                                       plist_t              message,
                                                       UbRestoredHandlers  *handlers,
                                                       gpointer             user_data,
                                                       plist_t             *reply,
                                                       GError             **error);

plist_t            ub_restored_build_options          (UbBuildIdentity     *identity);
const char        *ub_restored_operation_name         (guint                operation,
                                                       guint64              protocol_version);
const char        *ub_restored_status_meaning         (guint64              status);

G_END_DECLS
