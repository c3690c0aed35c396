/* test-vphone-restore.c — the boot chain from DFU to restore mode
 *
 * Runs under vphone. The host is written here: vphone-usbtool (plain
 * libusb) sends the DFU image and the iBoot commands, Debian's irecovery
 * uploads files in recovery mode, and libimobiledevice's public restored_*
 * calls talk to restore mode. The images are IMG4 files built by the test
 * (ub-vphone-img4-build.c) around tickets with the right or a wrong ECID,
 * nonce, type or digest.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <libimobiledevice/libimobiledevice.h>
#include <libimobiledevice/lockdown.h>
#include <libimobiledevice/restore.h>

#include "ub-vphone-client.h"
#include "ub-vphone-img4-build.h"
#include "ub-vphone-testutil.h"

#define TOOL_TIMEOUT 30.0

static UbVphoneClient *phone;
static char *usbtool;

static char *
state_value (const char *key)
{
  g_autoptr(GError) error = NULL;
  char *value = ub_vphone_client_get (phone, key, &error);

  g_assert_no_error (error);
  return value;
}

static void
assert_state (const char *key,
              const char *expected)
{
  g_autofree char *value = state_value (key);

  g_assert_cmpstr (value, ==, expected);
}

static void
wait_for (const char *key,
          const char *value)
{
  g_autoptr(GError) error = NULL;

  ub_vphone_client_wait (phone, key, value, 10, &error);
  g_assert_no_error (error);
}

static void
start_in (const char *mode)
{
  ub_vphone_assert_run (phone, "clear-faults");
  ub_vphone_assert_run (phone, "plug");
  ub_vphone_assert_run (phone, "setenv auto-boot true");
  ub_vphone_assert_run (phone, "mode off");
  ub_vphone_assert_run (phone, "mode %s", mode);
  wait_for ("mode", mode);
}

static UbVphoneRun *
usbtool_run (const char *command,
             const char *argument)
{
  const char *argv[] = { usbtool, "--timeout", "2000", command, argument, NULL };
  UbVphoneRun *run = ub_vphone_run_tool (argv, TOOL_TIMEOUT);

  g_test_message ("vphone-usbtool %s %s: %s", command, argument ? argument : "", run->out);
  return run;
}

/* Sends @path to DFU, as libirecovery does, ending with the bus reset. */
static void
dfu_send (const char *path)
{
  g_autoptr(UbVphoneRun) run = usbtool_run ("dfu-send", path);

  g_assert_cmpint (run->status, ==, 0);
  g_unlink (path);
}

static void
upload (const char *path)
{
  const char *argv[] = { "irecovery", "-f", path, NULL };
  g_autoptr(UbVphoneRun) run = ub_vphone_run_tool (argv, TOOL_TIMEOUT);

  g_assert_cmpint (run->status, ==, 0);
  g_unlink (path);
}

/* An iBoot command: TRUE when iBoot ran it, FALSE when it stalled. */
static gboolean
command (const char *text)
{
  g_autoptr(UbVphoneRun) run = usbtool_run ("command", text);

  if (run->status == 0)
    return TRUE;
  g_assert_nonnull (strstr (run->out, "LIBUSB_ERROR_PIPE"));
  return FALSE;
}

/* Uploads a good @type image for the phone as it is now, then @text. */
static gboolean
load (const char *type,
      const char *text)
{
  upload (ub_vphone_img4_write_good (phone, type, 3000));
  return command (text);
}

/* A line of the record file that starts with @line. */
static void
assert_record (const char *line)
{
  g_autofree char *record = ub_vphone_read_record ();
  g_autofree char *haystack = g_strconcat ("\n", record, NULL);
  g_autofree char *needle = g_strconcat ("\n", line, NULL);

  if (strstr (haystack, needle) == NULL)
    {
      g_test_message ("record:\n%s", record);
      g_test_message ("missing: %s", line);
      g_test_fail ();
    }
}

/* After `go`: the phone left USB (a moment only: waiting for that state
 * could miss it) and came back running iBEC. */
static void
wait_for_ibec (void)
{
  wait_for ("stage", "ibec");
  assert_state ("mode", "recovery");
  assert_state ("screen", "black");
  assert_record ("phone mode=resetting screen=black usb=none");
}

/* DFU → iBSS → iBEC, with good images. */
static void
boot_to_ibec (void)
{
  start_in ("dfu");
  dfu_send (ub_vphone_img4_write_good (phone, "ibss", 20000));
  wait_for ("mode", "recovery");
  assert_state ("stage", "ibss");
  assert_state ("screen", "black");
  g_assert_true (load ("ibec", "go"));
  wait_for_ibec ();
}

/* What idevicerestore sends to iBEC, up to bootx. */
static void
send_restore_components (void)
{
  g_assert_true (command ("setenv auto-boot false"));
  g_assert_true (load ("rlgo", "setpicture 4"));
  g_assert_true (command ("bgcolor 0 0 0"));
  g_assert_true (load ("rdsk", "ramdisk"));
  g_assert_true (load ("rdtr", "devicetree"));
  g_assert_true (load ("rsep", "rsepfirmware"));
  g_assert_true (load ("rkrn", "bootx"));
}

/* restored through libimobiledevice: "TYPE VERSION ECID". */
static char *
query_restored (void)
{
  idevice_t device = NULL;
  restored_client_t client = NULL;
  char *type = NULL;
  uint64_t version = 0, ecid = 0;
  plist_t info = NULL;
  char *result;

  g_assert_cmpint (idevice_new (&device, NULL), ==, IDEVICE_E_SUCCESS);
  g_assert_cmpint (restored_client_new (device, &client, "vphone-test"), ==, RESTORE_E_SUCCESS);
  g_assert_cmpint (restored_query_type (client, &type, &version), ==, RESTORE_E_SUCCESS);
  g_assert_cmpint (restored_query_value (client, "HardwareInfo", &info), ==, RESTORE_E_SUCCESS);
  g_assert_true (plist_get_node_type (info) == PLIST_DICT);
  plist_get_uint_val (plist_dict_get_item (info, "UniqueChipID"), &ecid);
  g_assert_cmpint (restored_goodbye (client), ==, RESTORE_E_SUCCESS);
  result = g_strdup_printf ("%s %" G_GUINT64_FORMAT " 0x%016" G_GINT64_MODIFIER "x", type, version, ecid);
  plist_free (info);
  free (type);
  restored_client_free (client);
  idevice_free (device);
  return result;
}

static void
assert_restored (void)
{
  g_autofree char *ecid = state_value ("ecid");
  g_autofree char *expected = g_strdup_printf ("com.apple.mobile.restored 15 %s", ecid);
  g_autofree char *answer = query_restored ();

  g_assert_cmpstr (answer, ==, expected);
  assert_record ("restored QueryType");
  assert_record ("restored QueryValue HardwareInfo");
  assert_record ("restored Goodbye");
}

static void
test_good_chain (void)
{
  boot_to_ibec ();
  send_restore_components ();
  wait_for ("mode", "restore");
  assert_state ("pid", "0x12a8");
  assert_state ("stage", "none");
  assert_restored ();
  assert_record ("dfu image accepted: ibss");
  assert_record ("recovery go accepted: ibec");
  assert_record ("recovery bootx accepted: rkrn");
  assert_record ("phone mode=restore screen=logo usb=restore");
}

/* From iBoot reached without DFU (recovery mode as iOS leaves it): iBEC
 * first, as idevicerestore does, with an IM4R and SHA-1 digests. */
static void
test_chain_from_recovery (void)
{
  UbVphoneImg4Spec spec;

  start_in ("recovery");
  assert_state ("stage", "iboot");
  g_assert_false (load ("rdsk", "ramdisk"));   /* iBoot is no iBEC */
  assert_record ("recovery ramdisk rejected: iboot");
  ub_vphone_img4_spec_for (&spec, phone, "ibec");
  spec.digest = UB_VPHONE_DIGEST_SHA1;
  spec.im4r = TRUE;
  upload (ub_vphone_img4_write (&spec));
  g_bytes_unref (spec.nonce);
  g_assert_true (command ("go"));
  wait_for_ibec ();
}

/* A host that renames krnl to rkrn keeps the ticket's digest valid. */
static void
test_renamed_kernel (void)
{
  UbVphoneImg4Spec spec;

  boot_to_ibec ();
  g_assert_true (load ("rdsk", "ramdisk"));
  g_assert_true (load ("rdtr", "devicetree"));
  ub_vphone_img4_spec_for (&spec, phone, "rkrn");
  spec.ipsw_fourcc = "krnl";
  upload (ub_vphone_img4_write (&spec));
  g_bytes_unref (spec.nonce);
  g_assert_true (command ("bootx"));
  wait_for ("mode", "restore");
}

typedef struct
{
  const char *name;
  const char *fourcc;
  guint64     ecid_xor;
  gboolean    other_nonce;
  UbVphoneDigest digest;
  gboolean    no_ticket;
  gboolean    garbage;
  const char *why;
} BadImage;

static const BadImage bad_images[] = {
  { "ecid", "ibss", 0x1, FALSE, UB_VPHONE_DIGEST_SHA384, FALSE, FALSE, "ticket ECID 0x" },
  { "nonce", "ibss", 0, TRUE, UB_VPHONE_DIGEST_SHA384, FALSE, FALSE, "ticket nonce " },
  { "type", "ibec", 0, FALSE, UB_VPHONE_DIGEST_SHA384, FALSE, FALSE, "payload 'ibec', expected 'ibss'" },
  { "digest", "ibss", 0, FALSE, UB_VPHONE_DIGEST_WRONG, FALSE, FALSE, "digest of 'ibss' does not match" },
  { "no-entry", "ibss", 0, FALSE, UB_VPHONE_DIGEST_NO_ENTRY, FALSE, FALSE, "ticket has no entry for 'ibss'" },
  { "no-ticket", "ibss", 0, FALSE, UB_VPHONE_DIGEST_SHA384, TRUE, FALSE, "no ticket (IM4M)" },
  { "garbage", "ibss", 0, FALSE, UB_VPHONE_DIGEST_SHA384, FALSE, TRUE, "" },
};

static char *
write_bad (const BadImage *bad)
{
  UbVphoneImg4Spec spec;
  char *path;

  ub_vphone_img4_spec_for (&spec, phone, bad->fourcc);
  spec.ecid ^= bad->ecid_xor;
  if (bad->other_nonce)
    {
      g_bytes_unref (spec.nonce);
      spec.nonce = g_bytes_new_static ("0123456789abcdef0123456789abcdef", 32);
    }
  spec.digest = bad->digest;
  spec.no_ticket = bad->no_ticket;
  path = ub_vphone_img4_write (&spec);
  g_bytes_unref (spec.nonce);
  if (bad->garbage)
    g_assert_true (g_file_set_contents (path, "\x30\x84\xff\xff\xff\xff" "garbage", 13, NULL));
  return path;
}

/* A refused DFU image: dfuERROR, errFILE; the phone stays in DFU. */
static guint
count_accepted (void)
{
  g_autofree char *record = ub_vphone_read_record ();
  guint count = 0;

  for (const char *p = record; (p = strstr (p, "dfu image accepted")) != NULL; p++)
    count++;
  return count;
}

static void
test_bad_dfu_image (gconstpointer data)
{
  const BadImage *bad = data;
  g_autoptr(UbVphoneRun) status = NULL;
  g_autofree char *why = g_strconcat ("dfu image rejected: ", bad->why, NULL);
  guint accepted;

  start_in ("dfu");
  accepted = count_accepted ();
  dfu_send (write_bad (bad));
  ub_vphone_phone_sleep (2);
  assert_state ("mode", "dfu");
  status = usbtool_run ("dfu-status", NULL);
  g_assert_nonnull (strstr (status->out, "ok status 0x02 state 10"));
  assert_record (why);
  g_assert_cmpuint (count_accepted (), ==, accepted);
}

/* A refused upload: the command fails and the phone stays in iBEC. */
static void
test_bad_recovery_image (void)
{
  BadImage bad = { "kernel", "rkrn", 0x100, FALSE, UB_VPHONE_DIGEST_SHA384, FALSE, FALSE, NULL };

  boot_to_ibec ();
  g_assert_false (command ("bootx"));   /* nothing uploaded */
  assert_record ("recovery bootx rejected: nothing uploaded");
  g_assert_true (load ("rdsk", "ramdisk"));
  upload (ub_vphone_img4_write_good (phone, "rkrn", 100));
  g_assert_false (command ("bootx"));
  assert_record ("recovery bootx rejected: no device tree loaded");
  g_assert_true (load ("rdtr", "devicetree"));
  upload (write_bad (&bad));
  g_assert_false (command ("bootx"));
  assert_record ("recovery bootx rejected: ticket ECID 0x");
  upload (ub_vphone_img4_write_good (phone, "rdtr", 100));
  g_assert_false (command ("go"));
  assert_record ("recovery go rejected: payload 'rdtr', expected 'ibec'");
  ub_vphone_phone_sleep (2);
  assert_state ("mode", "recovery");
  assert_state ("stage", "ibec");
}

/* no-reconnect: after the DFU reset the phone never comes back. */
static void
test_no_reconnect (void)
{
  start_in ("dfu");
  ub_vphone_assert_run (phone, "fault no-reconnect");
  dfu_send (ub_vphone_img4_write_good (phone, "ibss", 5000));
  wait_for ("mode", "resetting");
  ub_vphone_phone_sleep (20);
  assert_state ("mode", "resetting");
  assert_state ("pid", "none");
  assert_record ("fault no-reconnect");
}

/* changed-nonce: iBSS shows a new nonce; an iBEC personalized for the old
 * one is refused, one for the new one boots. */
static void
test_changed_nonce (void)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *stale = NULL;

  start_in ("dfu");
  before = state_value ("nonce");
  stale = ub_vphone_img4_write_good (phone, "ibec", 3000);
  ub_vphone_assert_run (phone, "fault changed-nonce");
  dfu_send (ub_vphone_img4_write_good (phone, "ibss", 5000));
  wait_for ("mode", "recovery");
  after = state_value ("nonce");
  g_assert_cmpstr (before, !=, after);
  upload (g_steal_pointer (&stale));
  g_assert_false (command ("go"));
  assert_record ("recovery go rejected: ticket nonce ");
  g_assert_true (load ("ibec", "go"));
  wait_for_ibec ();
  g_free (before);
  before = state_value ("nonce");
  g_assert_cmpstr (before, ==, after);   /* once only */
}

/* boot-to-ios: bootx ends in iOS, with lockdownd on 62078. */
static void
test_boot_to_ios (void)
{
  const char *argv[] = { "ideviceinfo", "-k", "ProductType", NULL };
  g_autoptr(UbVphoneRun) run = NULL;
  g_autofree char *model = state_value ("model");

  boot_to_ibec ();
  ub_vphone_assert_run (phone, "fault boot-to-ios");
  send_restore_components ();
  wait_for ("mode", "normal");
  run = ub_vphone_run_tool (argv, TOOL_TIMEOUT);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpstr (g_strstrip (run->out), ==, model);
  assert_record ("fault boot-to-ios");
}

/* `mode restore` jumps there; leaving it (iOS) brings lockdownd back. */
static void
test_jump_to_restore (void)
{
  const char *argv[] = { "ideviceinfo", "-k", "ProductType", NULL };
  g_autoptr(UbVphoneRun) run = NULL;

  start_in ("restore");
  assert_state ("screen", "logo");
  assert_restored ();
  ub_vphone_assert_run (phone, "mode normal");
  wait_for ("mode", "normal");
  run = ub_vphone_run_tool (argv, TOOL_TIMEOUT);
  g_assert_cmpint (run->status, ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  phone = ub_vphone_client_new (NULL, &error);
  g_assert_no_error (error);
  usbtool = g_test_build_filename (G_TEST_BUILT, "vphone-usbtool", NULL);

  g_test_add_func ("/vphone/restore/good-chain", test_good_chain);
  g_test_add_func ("/vphone/restore/from-recovery", test_chain_from_recovery);
  g_test_add_func ("/vphone/restore/renamed-kernel", test_renamed_kernel);
  for (guint i = 0; i < G_N_ELEMENTS (bad_images); i++)
    {
      g_autofree char *path = g_strdup_printf ("/vphone/restore/bad-dfu-image/%s", bad_images[i].name);

      g_test_add_data_func (path, &bad_images[i], test_bad_dfu_image);
    }
  g_test_add_func ("/vphone/restore/bad-recovery-image", test_bad_recovery_image);
  g_test_add_func ("/vphone/restore/no-reconnect", test_no_reconnect);
  g_test_add_func ("/vphone/restore/changed-nonce", test_changed_nonce);
  g_test_add_func ("/vphone/restore/boot-to-ios", test_boot_to_ios);
  g_test_add_func ("/vphone/restore/jump-to-restore", test_jump_to_restore);
  status = g_test_run ();
  g_free (usbtool);
  g_clear_object (&phone);
  return status;
}
