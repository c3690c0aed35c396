/* ub-tss-updater.h — signing requests for the phone's co-processors
 *
 * In restore mode the phone sends FirmwareUpdaterData requests, one per
 * co-processor updater ("SE", "Savage", "Rose", "T200", "Cryptex1",
 * "Vinyl", …), with the chip's IDs and nonce in their Arguments. Each gets
 * its own TSS request; the answer (and for some the firmware) goes back.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <plist/plist.h>

#include "ub-build-identity.h"

G_BEGIN_DECLS

/* Bounds on what the phone sends: keys in MessageArgInfo or
 * DeviceGeneratedRequest, bytes in one ID or nonce */
#define UB_TSS_UPDATER_MAX_KEYS  512
#define UB_TSS_UPDATER_MAX_VALUE 4096

typedef enum
{
  UB_TSS_UPDATER_SE,
  UB_TSS_UPDATER_SAVAGE,
  UB_TSS_UPDATER_YONKERS,
  UB_TSS_UPDATER_ROSE,
  UB_TSS_UPDATER_VERIDIAN,
  UB_TSS_UPDATER_CRYPTEX1,
  UB_TSS_UPDATER_GENERIC,
} UbTssUpdaterKind;

/**
 * UbTssUpdaterPlan:
 * @kind: how the request was built and how FirmwareData is made
 * @name: MessageArgUpdaterName
 * @ticket_key: the key the server's answer must have ("SE,Ticket", …)
 * @component: (nullable): the manifest component FirmwareData comes from
 *   (the Savage patch, the Yonkers patch, Rap,RTKitOS, BMU,FirmwareMap,
 *   SE,UpdatePayload …), %NULL when the updater gets none
 * @wants_firmware: ResponseTags asks for "FirmwareData"
 */
typedef struct
{
  UbTssUpdaterKind  kind;
  char             *name;
  char             *ticket_key;
  char             *component;
  gboolean          wants_firmware;
} UbTssUpdaterPlan;

UbTssUpdaterKind ub_tss_updater_kind          (const char        *name,
                                               plist_t            arguments);
plist_t          ub_tss_updater_request_new   (UbBuildIdentity   *identity,
                                               plist_t            arguments,
                                               UbTssUpdaterPlan  *plan,
                                               GError           **error);
gboolean         ub_tss_updater_check_response (const UbTssUpdaterPlan *plan,
                                                plist_t            response,
                                                GError           **error);
char            *ub_tss_updater_dup_part_name (const char        *name,
                                               plist_t            arguments);
void             ub_tss_updater_plan_clear    (UbTssUpdaterPlan  *plan);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (UbTssUpdaterPlan, ub_tss_updater_plan_clear)

G_END_DECLS
