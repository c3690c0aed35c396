/* ub-test-asn1.h — real IM4M tickets and an independent DER parser for tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint  offset;
  guint  depth;
  guint  header;
  guint  length;
  gboolean constructed;
  char  *type;    /* "SEQUENCE", "IA5STRING", "priv [ 1296125506 ]", … */
  char  *value;   /* after the colon, or "" */
} Asn1Line;

void            ub_test_asn1_line_free  (Asn1Line   *line);
GBytes         *ub_test_load_ticket     (const char *shsh_name);
const char     *ub_test_openssl_path    (void);
GPtrArray      *ub_test_asn1parse       (GBytes     *der,
                                         const char *tmp_dir);
const Asn1Line *ub_test_asn1_after_key  (GPtrArray  *lines,
                                         const char *key);
char           *ub_test_hex             (GBytes     *bytes);

G_END_DECLS
