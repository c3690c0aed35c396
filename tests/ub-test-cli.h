/* ub-test-cli.h — running the real unbrick-cli ($UB_CLI) from a test
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct
{
  char *out;
  char *err;
  int   status;     /* the exit status; -1 if it did not exit */
} UbTestCliRun;

void      ub_test_cli_run_clear (UbTestCliRun *run);
int       ub_test_cli           (UbTestCliRun *run,
                                 const char   *first,
                                 ...) G_GNUC_NULL_TERMINATED;
int       ub_test_cli_v         (UbTestCliRun       *run,
                                 const char * const *args);
JsonNode *ub_test_parse_json    (const char   *text);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (UbTestCliRun, ub_test_cli_run_clear)

G_END_DECLS
