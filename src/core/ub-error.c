/* ub-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ub-error.h"

G_DEFINE_QUARK (ub-error-quark, ub_error)
