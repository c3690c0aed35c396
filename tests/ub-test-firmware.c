/* ub-test-firmware.c — a loopback firmware server: catalog and IPSW
 *
 * tests/httpd/ub-test-httpd.py serving a synthetic iPhone X firmware file
 * (a real Apple manifest, ub-test-ipsw) at /fw/NAME and an ipsw.me-style
 * catalog for iPhone10,3 at /v4/device/iPhone10,3 that lists it, signed,
 * beside an older build that is not. UNBRICK_IPSW_API_URL points at the
 * server, UNBRICK_APPLE_VERSION_URL at a path it does not have (so the
 * catalog is ipsw.me's alone). Needs g_test_init() first.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "ub-test-files.h"
#include "ub-test-firmware.h"
#include "ub-test-ipsw.h"

/**
 * ub_test_firmware_server_write_catalog:
 * @fault: goes in front of the file's path in the catalog's URL, e.g.
 *   "/fault/rate=15000" ("" for none)
 * @sha256: (nullable): the SHA-256 to list instead of the file's
 */
void
ub_test_firmware_server_write_catalog (UbTestFirmwareServer *self,
                                       const char           *fault,
                                       const char           *sha256)
{
  g_autofree char *path = g_strdup_printf ("%s/fw/%s", fault, UB_TEST_FIRMWARE_NAME);
  g_autofree char *url = ub_test_httpd_url (self->httpd, path);
  g_autofree char *file = g_build_filename (self->www, "v4", "device", "iPhone10,3", NULL);
  g_autofree char *json = NULL;

  json = g_strdup_printf ("{\"name\": \"iPhone X (Global)\", \"identifier\": \"iPhone10,3\", \"firmwares\": ["
                          "{\"identifier\": \"iPhone10,3\", \"version\": \"11.2\", \"buildid\": \"15C114\", "
                          "\"sha1sum\": \"%s\", \"sha256sum\": \"%s\", \"filesize\": %" G_GSIZE_FORMAT ", "
                          "\"url\": \"%s\", \"releasedate\": \"2017-12-02T17:00:00Z\", \"signed\": true}, "
                          "{\"identifier\": \"iPhone10,3\", \"version\": \"11.1\", \"buildid\": \"15B93\", "
                          "\"sha1sum\": \"%s\", \"filesize\": 3000000000, "
                          "\"url\": \"https://updates.cdn-apple.com/x/old.ipsw\", \"signed\": false}]}",
                          self->sha1, sha256 ? sha256 : self->sha256, self->size, url, self->sha1);
  g_assert_true (g_file_set_contents (file, json, -1, NULL));
}

UbTestFirmwareServer *
ub_test_firmware_server_start (void)
{
  UbTestFirmwareServer *self = g_new0 (UbTestFirmwareServer, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *fw = NULL;
  g_autofree char *device = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *api = NULL;
  g_autofree char *apple = NULL;

  self->www = g_dir_make_tmp ("ub-test-www-XXXXXX", &error);
  g_assert_no_error (error);
  fw = g_build_filename (self->www, "fw", NULL);
  device = g_build_filename (self->www, "v4", "device", NULL);
  g_assert_cmpint (g_mkdir_with_parents (fw, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (device, 0700), ==, 0);
  self->ipsw_path = ub_test_ipsw_write_manifest (fw, UB_TEST_MANIFEST_IPHONE_X, UB_TEST_FIRMWARE_NAME);
  g_assert_true (g_file_get_contents (self->ipsw_path, &contents, &self->size, NULL));
  self->sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (guchar *)contents, self->size);
  self->sha1 = g_compute_checksum_for_data (G_CHECKSUM_SHA1, (guchar *)contents, self->size);

  self->httpd = ub_test_httpd_start (self->www, NULL, NULL);
  api = ub_test_httpd_url (self->httpd, "");
  apple = ub_test_httpd_url (self->httpd, "/apple/version.plist");   /* 404: ipsw.me alone */
  g_setenv ("UNBRICK_IPSW_API_URL", api, TRUE);
  g_setenv ("UNBRICK_APPLE_VERSION_URL", apple, TRUE);
  ub_test_firmware_server_write_catalog (self, "", NULL);
  return self;
}

void
ub_test_firmware_server_stop (UbTestFirmwareServer *self)
{
  ub_test_httpd_stop (self->httpd);
  ub_test_remove_tree (self->www);
  g_free (self->www);
  g_free (self->ipsw_path);
  g_free (self->sha256);
  g_free (self->sha1);
  g_free (self);
}
