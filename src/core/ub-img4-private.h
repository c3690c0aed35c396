/* ub-img4-private.h — shared between ub-img4.c and ub-img4-ticket.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ub-der.h"
#include "ub-img4.h"

G_BEGIN_DECLS

gboolean _ub_img4_ticket_find_manb (const UbDerElement  *im4m,
                                    UbDerElement        *manb_set,
                                    GError             **error);
gboolean _ub_img4_read_seq_magic   (const UbDerElement  *seq,
                                    const char          *magic,
                                    UbDerIter           *rest,
                                    GError             **error);

gboolean _ub_img4_check_ticket_nonce (GBytes              *im4m,
                                      GBytes              *nonce,
                                      GError             **error);

G_END_DECLS
