/* ub-test-firmware.h — a loopback firmware server: catalog and IPSW
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ub-test-httpd.h"

G_BEGIN_DECLS

#define UB_TEST_FIRMWARE_NAME "iPhone10,3,iPhone10,6_11.2_15C114_Restore.ipsw"

typedef struct
{
  char        *www;       /* the server's root */
  char        *ipsw_path; /* a synthetic iPhone X IPSW, iOS 11.2 (15C114), as served */
  char        *sha256;
  char        *sha1;
  gsize        size;
  UbTestHttpd *httpd;
} UbTestFirmwareServer;

UbTestFirmwareServer *ub_test_firmware_server_start (void);
void                  ub_test_firmware_server_stop  (UbTestFirmwareServer *self);
void                  ub_test_firmware_server_write_catalog (UbTestFirmwareServer *self,
                                                             const char           *fault,
                                                             const char           *sha256);

G_END_DECLS
