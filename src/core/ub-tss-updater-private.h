/* ub-tss-updater-private.h — shared by the updater request builders
 *
 * ub-tss-updater.c        dispatch, value copies, SE, Savage, Yonkers,
 *                         pass-through
 * ub-tss-updater-rules.c  Rose, Veridian (RestoreRequestRules), Cryptex1
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ub-tss-updater.h"

G_BEGIN_DECLS

/* What one builder gets: the updater's Arguments already checked */
typedef struct
{
  plist_t  identity;    /* the build identity dictionary */
  plist_t  manifest;    /* its Manifest */
  plist_t  info;        /* MessageArgInfo (a dictionary) */
  plist_t  dgr;         /* DeviceGeneratedRequest, nullable */
  plist_t  arguments;
} UbUpdaterInput;

typedef gboolean (*UbUpdaterBuilder) (const UbUpdaterInput *in,
                                      plist_t               request,
                                      UbTssUpdaterPlan     *plan,
                                      GError              **error);

gboolean _ub_updater_node_is    (plist_t node, plist_type type);
gboolean _ub_updater_get_uint   (plist_t node, guint64 *out);
/* request[key] = @first's or else @second's value of @key (copy_alt:
 * @from's value of @alt, else of @key), if of @type (PLIST_UINT also
 * takes "0x1A" strings, PLIST_DATA at most UB_TSS_UPDATER_MAX_VALUE
 * bytes); FALSE if neither has a usable one */
gboolean _ub_updater_copy       (plist_t request, const char *key, plist_type type,
                                 plist_t first, plist_t second);
gboolean _ub_updater_copy_alt   (plist_t request, const char *key, const char *alt,
                                 plist_type type, plist_t from);
gboolean _ub_updater_missing    (const UbTssUpdaterPlan *plan, const char *what,
                                 GError **error);
void     _ub_updater_merge      (plist_t request, plist_t dict);
plist_t  _ub_updater_entry_copy (plist_t entry);
const char *_ub_updater_response_tag (plist_t arguments, guint index);

gboolean _ub_updater_build_rose     (const UbUpdaterInput *in, plist_t request,
                                     UbTssUpdaterPlan *plan, GError **error);
gboolean _ub_updater_build_veridian (const UbUpdaterInput *in, plist_t request,
                                     UbTssUpdaterPlan *plan, GError **error);
gboolean _ub_updater_build_cryptex1 (const UbUpdaterInput *in, plist_t request,
                                     UbTssUpdaterPlan *plan, GError **error);

G_END_DECLS
