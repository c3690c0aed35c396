/* ub-vphone-client.h — play the user of a virtual iPhone from a test
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define UB_VPHONE_CLIENT_ERROR (ub_vphone_client_error_quark ())

/**
 * UbVphoneClientError:
 * @UB_VPHONE_CLIENT_ERROR_FAILED: the phone answered "error …"
 * @UB_VPHONE_CLIENT_ERROR_TIMEOUT: no answer in time
 * @UB_VPHONE_CLIENT_ERROR_PROTOCOL: an answer that is neither "ok" nor "error"
 */
typedef enum
{
  UB_VPHONE_CLIENT_ERROR_FAILED,
  UB_VPHONE_CLIENT_ERROR_TIMEOUT,
  UB_VPHONE_CLIENT_ERROR_PROTOCOL,
} UbVphoneClientError;

#define UB_TYPE_VPHONE_CLIENT (ub_vphone_client_get_type ())

G_DECLARE_FINAL_TYPE (UbVphoneClient, ub_vphone_client, UB, VPHONE_CLIENT, GObject)

GQuark          ub_vphone_client_error_quark (void);
UbVphoneClient *ub_vphone_client_new         (const char      *socket_path,
                                              GError         **error);
char           *ub_vphone_client_command     (UbVphoneClient  *self,
                                              const char      *command,
                                              double           timeout_seconds,
                                              GError         **error);
gboolean        ub_vphone_client_run         (UbVphoneClient  *self,
                                              GError         **error,
                                              const char      *format,
                                              ...) G_GNUC_PRINTF (3, 4);
char           *ub_vphone_client_get         (UbVphoneClient  *self,
                                              const char      *key,
                                              GError         **error);
gboolean        ub_vphone_client_wait        (UbVphoneClient  *self,
                                              const char      *key,
                                              const char      *value,
                                              double           seconds,
                                              GError         **error);

G_END_DECLS
