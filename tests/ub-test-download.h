/* ub-test-download.h — a file to download, a server for it, and UbDownload runs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ub-core.h"
#include "ub-test-httpd.h"

G_BEGIN_DECLS

#define BLOB_SIZE (3 * 1024 * 1024 + 4321)
#define MIB 1048576

/* Set up by ub_test_blob_setup(): www/blob.bin under tmp_dir, served by httpd */
typedef struct
{
  char        *tmp_dir;
  GBytes      *blob;
  char        *sha256;      /* from GLib's GChecksum, to check OpenSSL's against */
  char        *sha1;
  UbTestHttpd *httpd;
} UbTestBlob;

extern UbTestBlob ub_test_blob;

typedef struct
{
  UbDownload   *dl;
  char         *path;
  GError       *error;
  gboolean      done;
  guint         n_received;     /* notify::received */
  gboolean      saw_speed;
  gboolean      saw_eta;
  guint64       cancel_at;      /* cancel when this many bytes are in */
  GCancellable *cancellable;
} UbTestRun;

void         ub_test_blob_setup      (int          *argc,
                                      char       ***argv);
int          ub_test_blob_run        (void);
char        *ub_test_new_dir         (void);
char        *ub_test_blob_url        (const char   *prefix);

void         ub_test_run_start       (UbTestRun    *run,
                                      const char   *url,
                                      const char   *dir,
                                      gboolean      expect);
void         ub_test_run_wait        (UbTestRun    *runs,
                                      guint         n);
void         ub_test_run_again       (UbTestRun    *run,
                                      const char   *url);
void         ub_test_run_clear       (UbTestRun    *run);
void         ub_test_run_done        (GObject      *source,
                                      GAsyncResult *result,
                                      gpointer      user_data);

void         ub_test_assert_blob     (const char   *path);
void         ub_test_assert_success  (UbTestRun    *run,
                                      const char   *dir);
gboolean     ub_test_exists          (const char   *dir,
                                      const char   *name);
goffset      ub_test_size_of         (const char   *dir,
                                      const char   *name);
void         ub_test_write_part      (const char   *dir,
                                      gsize         len);

gint64       ub_test_log_int         (GPtrArray    *log,
                                      guint         i,
                                      const char   *member);
const char  *ub_test_log_range       (GPtrArray    *log,
                                      guint         i);
gint64       ub_test_log_sent        (GPtrArray    *log);
guint        ub_test_n_requests      (guint         expected);
double       ub_test_cpu_seconds     (void);

G_END_DECLS
