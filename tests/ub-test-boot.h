/* ub-test-boot.h — shared by the boot-chain tests against the virtual iPhone
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ub-core.h"
#include "ub-vphone-client.h"

G_BEGIN_DECLS

#define UB_TEST_BOOT_ECID G_GUINT64_CONSTANT (0x001A2B3C4D5E6F70)
#define UB_TEST_BOOT_WAIT_MS 10000

extern UbDeviceMonitor *ub_test_boot_monitor;
extern UbVphoneClient  *ub_test_boot_phone;

void          ub_test_boot_start        (void);
void          ub_test_boot_stop         (void);
void          ub_test_boot_on_done      (GObject       *source,
                                         GAsyncResult  *result,
                                         gpointer       data);
GAsyncResult *ub_test_boot_wait_result  (GAsyncResult **slot);
GBytes       *ub_test_boot_make_bytes   (gsize          size,
                                         guint          seed);
GBytes       *ub_test_boot_make_img4    (UbDevice      *device,
                                         const char    *type,
                                         gsize          payload_size,
                                         guint          seed);
gsize         ub_test_boot_record_mark  (void);
char         *ub_test_boot_record_since (gsize          mark);
gboolean      ub_test_boot_has_line     (const char    *text,
                                         const char    *line);
UbDevice     *ub_test_boot_wait_for     (guint          modes,
                                         guint64        ecid,
                                         guint          timeout_ms,
                                         GError       **error);
gboolean      ub_test_boot_wait_gone    (UbDevice      *device,
                                         GError       **error);
UbDevice     *ub_test_boot_phone_in     (UbDeviceMode   mode,
                                         const char    *command);

G_END_DECLS
