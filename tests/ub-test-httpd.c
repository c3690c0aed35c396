/* ub-test-httpd.c — tests/httpd/ub-test-httpd.py as a child of a C test
 *
 * The server is started with --exit-with-parent, so a test that crashes
 * leaves nothing behind; ub_test_httpd_stop() ends it with SIGTERM and waits.
 * $UB_PYTHON and $UB_TEST_HTTPD name the interpreter and the script (set by
 * tests/meson.build); the request log is read back as JSON objects.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <unistd.h>

#include "ub-test-httpd.h"

#define START_TIMEOUT_MS 15000
#define LOG_TIMEOUT_MS 5000

struct _UbTestHttpd
{
  GSubprocess *process;
  char        *dir;
  char        *log_path;
  gboolean     tls;
  guint        port;
};

static guint
wait_for_port (GSubprocess *process,
               const char  *port_file)
{
  gint64 deadline = g_get_monotonic_time () + START_TIMEOUT_MS * 1000;

  while (g_get_monotonic_time () < deadline)
    {
      g_autofree char *text = NULL;

      if (g_file_get_contents (port_file, &text, NULL, NULL))
        return (guint)g_ascii_strtoull (text, NULL, 10);
      if (g_subprocess_get_identifier (process) == NULL)
        break;      /* it has exited */
      g_usleep (20 * 1000);
    }
  g_error ("ub-test-httpd did not start within %d ms; see %s.stderr", START_TIMEOUT_MS, port_file);
  return 0;
}

static GPtrArray *
server_argv (const char *python,
             const char *script,
             const char *root,
             const char *port_file,
             const char *log_path,
             const char *cert,
             const char *key)
{
  GPtrArray *argv = g_ptr_array_new ();
  const char *fixed[] = { python, script, "--root", root, "--port-file", port_file, "--log", log_path,
                          "--exit-with-parent" };

  for (guint i = 0; i < G_N_ELEMENTS (fixed); i++)
    g_ptr_array_add (argv, (char *)fixed[i]);
  if (cert != NULL)
    {
      g_ptr_array_add (argv, (char *)"--tls");
      g_ptr_array_add (argv, (char *)cert);
      g_ptr_array_add (argv, (char *)key);
    }
  g_ptr_array_add (argv, NULL);
  return argv;
}

/**
 * ub_test_httpd_start:
 * @root: the directory to serve
 * @cert: (nullable): a PEM certificate chain, for HTTPS
 * @key: (nullable): its key
 *
 * Returns: (transfer full): a running server on 127.0.0.1
 */
UbTestHttpd *
ub_test_httpd_start (const char *root,
                     const char *cert,
                     const char *key)
{
  UbTestHttpd *self = g_new0 (UbTestHttpd, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *port_file = NULL;
  g_autofree char *stderr_path = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = NULL;
  const char *python = g_getenv ("UB_PYTHON");
  const char *script = g_getenv ("UB_TEST_HTTPD");

  g_assert_nonnull (script);
  self->dir = g_dir_make_tmp ("ub-httpd-XXXXXX", &error);
  g_assert_no_error (error);
  port_file = g_build_filename (self->dir, "port", NULL);
  self->log_path = g_build_filename (self->dir, "log.jsonl", NULL);
  self->tls = cert != NULL;

  argv = server_argv (python ? python : "python3", script, root, port_file, self->log_path, cert, key);
  /* Its output goes to files: a server outliving a crashed test must not hold
   * the pipes that meson (or a shell) waits on */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  stderr_path = g_strconcat (port_file, ".stderr", NULL);
  g_subprocess_launcher_set_stderr_file_path (launcher, stderr_path);
  self->process = g_subprocess_launcher_spawnv (launcher, (const char * const *)argv->pdata, &error);
  g_assert_no_error (error);
  self->port = wait_for_port (self->process, port_file);
  g_test_message ("ub-test-httpd on port %u (%s)", self->port, self->tls ? "https" : "http");
  return self;
}

void
ub_test_httpd_stop (UbTestHttpd *self)
{
  g_autofree char *port_file = NULL;
  g_autofree char *stderr_path = NULL;

  if (self == NULL)
    return;
  g_subprocess_send_signal (self->process, SIGTERM);
  g_subprocess_wait (self->process, NULL, NULL);
  g_object_unref (self->process);
  port_file = g_build_filename (self->dir, "port", NULL);
  g_unlink (port_file);
  stderr_path = g_strconcat (port_file, ".stderr", NULL);
  g_unlink (stderr_path);
  g_unlink (self->log_path);
  g_rmdir (self->dir);
  g_free (self->dir);
  g_free (self->log_path);
  g_free (self);
}

/**
 * ub_test_httpd_url:
 * @path: a path starting with "/", e.g. "/fault/drop-at=100/a.bin"
 *
 * Returns: (transfer full): the URL of @path on this server
 */
char *
ub_test_httpd_url (UbTestHttpd *self,
                   const char  *path)
{
  return g_strdup_printf ("%s://127.0.0.1:%u%s", self->tls ? "https" : "http", self->port, path);
}

void
ub_test_httpd_clear_log (UbTestHttpd *self)
{
  /* in place: the server keeps the file open for appending */
  g_assert_cmpint (truncate (self->log_path, 0), ==, 0);
}

static GPtrArray *
read_log (UbTestHttpd *self)
{
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify)json_object_unref);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (self->log_path, &text, NULL, NULL))
    return entries;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      if (lines[i][0] == '\0' || !json_parser_load_from_data (parser, lines[i], -1, NULL))
        continue;
      g_ptr_array_add (entries, json_object_ref (json_node_get_object (json_parser_get_root (parser))));
    }
  return entries;
}

/**
 * ub_test_httpd_wait_log:
 * @n_entries: how many finished responses to wait for (up to 5 s)
 *
 * A response is logged when the server has finished it, which may be a
 * moment after the client saw its end.
 *
 * Returns: (transfer full) (element-type JsonObject): every entry so far
 */
GPtrArray *
ub_test_httpd_wait_log (UbTestHttpd *self,
                        guint        n_entries)
{
  gint64 deadline = g_get_monotonic_time () + LOG_TIMEOUT_MS * 1000;

  for (;;)
    {
      GPtrArray *entries = read_log (self);

      if (entries->len >= n_entries || g_get_monotonic_time () > deadline)
        return entries;
      g_ptr_array_unref (entries);
      g_usleep (20 * 1000);
    }
}

/**
 * ub_test_make_certs:
 *
 * Runs tests/httpd/make-test-certs.sh (openssl) into @dir.
 *
 * Returns: %FALSE if the openssl command is missing ($UB_OPENSSL unset)
 */
gboolean
ub_test_make_certs (const char *dir)
{
  const char *openssl = g_getenv ("UB_OPENSSL");
  const char *script = g_getenv ("UB_MAKE_TEST_CERTS");
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "/bin/sh", script, dir, NULL };
  g_auto(GStrv) envp = g_get_environ ();
  int status = 0;

  if (openssl == NULL || openssl[0] == '\0' || script == NULL)
    return FALSE;
  envp = g_environ_setenv (envp, "OPENSSL", openssl, TRUE);
  g_spawn_sync (NULL, (char **)argv, envp, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return TRUE;
}
