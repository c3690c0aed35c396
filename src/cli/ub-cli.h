/* ub-cli.h — shared pieces of unbrick-cli
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "ub-core.h"

G_BEGIN_DECLS

/**
 * UbCliExit:
 *
 * unbrick-cli's exit codes (documented in --help).
 */
typedef enum
{
  UB_CLI_EXIT_OK = 0,
  UB_CLI_EXIT_FAILED = 1,
  UB_CLI_EXIT_USAGE = 2,
  UB_CLI_EXIT_NO_MODEL = 3,
  UB_CLI_EXIT_TIMEOUT = 4,
  UB_CLI_EXIT_PERMISSION = 5,
  UB_CLI_EXIT_CHECKSUM = 6,
  UB_CLI_EXIT_NO_SPACE = 7,
  UB_CLI_EXIT_NETWORK = 8,
  UB_CLI_EXIT_WRONG_FIRMWARE = 9,
  UB_CLI_EXIT_NO_SUCH_RESTORE = 10,
  UB_CLI_EXIT_NOT_SIGNED = 12,
} UbCliExit;

/**
 * UbCliStatusLine:
 *
 * The progress line of a long command (ub-cli-status.c).
 */
typedef struct
{
  gboolean  tty;
  gboolean  open;
  gint64    last_shown;
  char     *last_text;
} UbCliStatusLine;

void  ub_cli_status_line_init  (UbCliStatusLine *line);
void  ub_cli_status_line_show  (UbCliStatusLine *line,
                                const char      *text);
void  ub_cli_status_line_end   (UbCliStatusLine *line);
void  ub_cli_status_line_clear (UbCliStatusLine *line);

int   ub_cli_models       (int            argc,
                           char         **argv);
int   ub_cli_guide        (int            argc,
                           char         **argv);
int   ub_cli_devices      (int            argc,
                           char         **argv);
int   ub_cli_wait         (int            argc,
                           char         **argv);
int   ub_cli_firmware     (int            argc,
                           char         **argv);
int   ub_cli_download     (int            argc,
                           char         **argv);
int   ub_cli_verify       (int            argc,
                           char         **argv);
int   ub_cli_download_file (const char   *url,
                            const char   *directory,
                            const char   *name,
                            guint64       size,
                            const char   *sha1,
                            const char   *sha256,
                            gboolean      json_progress);
int   ub_cli_download_model (const char  *query,
                             const char  *to,
                             const char  *build,
                             gboolean     json_progress);
int   ub_cli_ipsw         (int            argc,
                           char         **argv);
int   ub_cli_backup       (int            argc,
                           char         **argv);
int   ub_cli_backups      (int            argc,
                           char         **argv);
int   ub_cli_info         (int            argc,
                           char         **argv);
int   ub_cli_enter_recovery (int          argc,
                             char       **argv);
int   ub_cli_exit_recovery (int           argc,
                            char        **argv);
gboolean   ub_cli_parse_ecid     (const char   *str,
                                  guint64      *out);
int        ub_cli_wait_for_mode  (UbDeviceMode  mode,
                                  gboolean      has_ecid,
                                  guint64       ecid,
                                  int           timeout_s,
                                  gboolean      json);
GPtrArray *ub_cli_list_devices   (void);
UbDeviceMonitor *ub_cli_start_monitor (void);
int        ub_cli_restore        (int           argc,
                                  char        **argv);
int        ub_cli_tss            (int           argc,
                                  char        **argv);

int   ub_cli_usage_error  (GOptionContext *context,
                           const char     *message);
void  ub_cli_print_json   (JsonNode       *node,
                           gboolean        pretty);
void  ub_cli_json_add_string (JsonBuilder  *b,
                              const char   *name,
                              const char   *value);
JsonNode *ub_cli_model_to_json   (UbModel  *model);
JsonNode *ub_cli_device_to_json  (UbDevice *device);
char     *ub_cli_device_to_line  (UbDevice *device);
JsonNode *ub_cli_firmware_to_json (UbFirmware *firmware);

G_END_DECLS
