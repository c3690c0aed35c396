/* ub-test-httpd.h — tests/httpd/ub-test-httpd.py as a child of a C test
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct _UbTestHttpd UbTestHttpd;

UbTestHttpd *ub_test_httpd_start     (const char   *root,
                                      const char   *cert,
                                      const char   *key);
void         ub_test_httpd_stop      (UbTestHttpd  *self);
char        *ub_test_httpd_url       (UbTestHttpd  *self,
                                      const char   *path);
void         ub_test_httpd_clear_log (UbTestHttpd  *self);
GPtrArray   *ub_test_httpd_wait_log  (UbTestHttpd  *self,
                                      guint         n_entries);
gboolean     ub_test_make_certs      (const char   *dir);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UbTestHttpd, ub_test_httpd_stop)

G_END_DECLS
