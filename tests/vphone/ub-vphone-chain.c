/* ub-vphone-chain.c — the boot chain: which stage runs, which image it takes
 *
 * As restore-protocol.md §1.4–5 describes the real phone:
 *  - DFU (SecureROM) takes an iBSS (IM4P type ibss); after the bus reset it
 *    boots and shows up in recovery mode, black screen: stage iBSS.
 *  - Recovery mode runs iBoot (reached with the buttons, EnterRecovery or
 *    auto-boot=false), iBSS or iBEC. Any of them takes an iBEC (ibec)
 *    upload and `go`: the phone leaves USB and comes back as iBEC.
 *  - iBEC takes the restore components, each uploaded and then named by a
 *    command: `setpicture` (rlgo, any stage), `ramdisk` (rdsk), `devicetree`
 *    (rdtr), `rsepfirmware` (rsep), and `bootx` (rkrn), which needs the
 *    ramdisk and the device tree loaded first. bootx leaves USB; the restore
 *    ramdisk shows up in restore mode on usbmuxd a moment later.
 * Every image must pass ub_vphone_img4_check() against the phone's ECID and
 * the ApNonce it shows now. The nonce stays the same from stage to stage
 * (a phone that keeps its nonce generator): the changed-nonce fault gives
 * the next stage a new one, so the host has to read it again and ask for a
 * new ticket. A refused DFU image leaves the phone in DFU (dfuERROR until
 * CLRSTATUS); a refused command fails (the control transfer stalls) and the
 * phone stays where it is. Both are recorded with the reason ("dfu image
 * rejected: ticket ECID 0x… ≠ 0x…").
 *
 * Faults: no-reconnect (a stage the host boots never comes up: the phone
 * stays off USB), changed-nonce (once), boot-to-ios (bootx ends in iOS).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-vphone-chain"

#include "config.h"

#include "ub-vphone-chain.h"
#include "ub-vphone-img4.h"

typedef enum
{
  STAGE_NONE,    /* not in recovery mode */
  STAGE_IBOOT,
  STAGE_IBSS,
  STAGE_IBEC,
} Stage;

static const char * const stage_names[] = { "none", "iboot", "ibss", "ibec" };

#define LOADED_RAMDISK    (1 << 0)
#define LOADED_DEVICETREE (1 << 1)

static const struct
{
  const char *verb;
  const char *fourcc;
  gboolean    needs_ibec;
  guint       loads;
} commands[] = {
  { "go", "ibec", FALSE, 0 },
  { "setpicture", "rlgo", FALSE, 0 },
  { "ramdisk", "rdsk", TRUE, LOADED_RAMDISK },
  { "devicetree", "rdtr", TRUE, LOADED_DEVICETREE },
  { "rsepfirmware", "rsep", TRUE, 0 },
  { "bootx", "rkrn", TRUE, 0 },
};

struct _UbVphoneChain
{
  GObject           parent_instance;

  UbVphoneIdentity *identity;
  UbVphonePhone    *phone;
  UbVphoneFaults   *faults;
  UbVphoneRecorder *recorder;
  Stage             stage;
  Stage             pending;   /* what the next arrival in recovery runs */
  guint             loaded;    /* LOADED_* in this iBEC */
};

G_DEFINE_FINAL_TYPE (UbVphoneChain, ub_vphone_chain, G_TYPE_OBJECT)

static void
ub_vphone_chain_dispose (GObject *object)
{
  UbVphoneChain *self = UB_VPHONE_CHAIN (object);

  if (self->phone != NULL)
    g_signal_handlers_disconnect_by_data (self->phone, self);
  g_clear_object (&self->identity);
  g_clear_object (&self->phone);
  g_clear_object (&self->faults);
  g_clear_object (&self->recorder);

  G_OBJECT_CLASS (ub_vphone_chain_parent_class)->dispose (object);
}

static void
ub_vphone_chain_class_init (UbVphoneChainClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = ub_vphone_chain_dispose;
}

static void
ub_vphone_chain_init (UbVphoneChain *self)
{
}

static void
set_stage (UbVphoneChain *self,
           Stage          stage)
{
  if (self->stage != stage)
    g_debug ("Boot stage \"%s\" -> \"%s\"", stage_names[self->stage], stage_names[stage]);
  self->stage = stage;
  self->loaded = 0;
}

/* Arrivals decide the stage; in between (resetting, booting) the stage
 * that is on its way stays pending. */
static void
on_mode_changed (UbVphoneChain *self)
{
  UbVphoneMode mode = ub_vphone_phone_get_mode (self->phone);

  if (mode == UB_VPHONE_MODE_RESETTING || mode == UB_VPHONE_MODE_BOOTING)
    {
      set_stage (self, STAGE_NONE);
      return;
    }
  set_stage (self, mode != UB_VPHONE_MODE_RECOVERY ? STAGE_NONE
                   : self->pending != STAGE_NONE ? self->pending : STAGE_IBOOT);
  self->pending = STAGE_NONE;
}

/**
 * ub_vphone_chain_new:
 *
 * Returns: (transfer full): the boot chain of @phone
 */
UbVphoneChain *
ub_vphone_chain_new (UbVphoneIdentity *identity,
                     UbVphonePhone    *phone,
                     UbVphoneFaults   *faults,
                     UbVphoneRecorder *recorder)
{
  UbVphoneChain *self = g_object_new (UB_TYPE_VPHONE_CHAIN, NULL);

  self->identity = g_object_ref (identity);
  self->phone = g_object_ref (phone);
  self->faults = g_object_ref (faults);
  self->recorder = g_object_ref (recorder);
  g_signal_connect_swapped (phone, "notify::mode", G_CALLBACK (on_mode_changed), self);
  on_mode_changed (self);
  return self;
}

static gboolean
check (UbVphoneChain *self,
       const char    *what,
       GBytes        *image,
       const char    *fourcc)
{
  g_autoptr(GError) error = NULL;

  if (!ub_vphone_img4_check (image, fourcc, ub_vphone_identity_get_ecid (self->identity),
                             ub_vphone_identity_get_ap_nonce (self->identity), &error))
    {
      g_debug ("%s rejected: %s", what, error->message);
      ub_vphone_recorder_log (self->recorder, "%s rejected: %s", what, error->message);
      return FALSE;
    }
  ub_vphone_recorder_log (self->recorder, "%s accepted: %s", what, fourcc);
  return TRUE;
}

/**
 * ub_vphone_chain_check_dfu:
 * @image: the DFU image without its suffix
 *
 * Returns: whether the SecureROM takes @image as its iBSS
 */
gboolean
ub_vphone_chain_check_dfu (UbVphoneChain *self,
                           GBytes        *image)
{
  g_return_val_if_fail (UB_IS_VPHONE_CHAIN (self), FALSE);
  return check (self, "dfu image", image, "ibss");
}

/* The host booted the next stage: it comes up as @next, or never. */
static void
boot (UbVphoneChain *self,
      Stage          next,
      UbVphoneMode   mode)
{
  if (ub_vphone_faults_is_active (self->faults, UB_VPHONE_FAULT_NO_RECONNECT))
    {
      ub_vphone_recorder_log (self->recorder, "fault no-reconnect");
      mode = UB_VPHONE_MODE_RESETTING;
    }
  else if (next != STAGE_NONE && ub_vphone_faults_take (self->faults, UB_VPHONE_FAULT_CHANGED_NONCE))
    {
      ub_vphone_recorder_log (self->recorder, "fault changed-nonce");
      ub_vphone_identity_renew_ap_nonce (self->identity);
    }
  self->pending = mode == UB_VPHONE_MODE_RECOVERY ? next : STAGE_NONE;
  ub_vphone_phone_boot_stage (self->phone, mode);
}

/**
 * ub_vphone_chain_dfu_booted:
 *
 * The bus reset after a good DFU image: iBSS starts.
 */
void
ub_vphone_chain_dfu_booted (UbVphoneChain *self)
{
  g_return_if_fail (UB_IS_VPHONE_CHAIN (self));
  boot (self, STAGE_IBSS, UB_VPHONE_MODE_RECOVERY);
}

/**
 * ub_vphone_chain_takes_image:
 * @verb: an iBoot command's first word
 *
 * Returns: whether the command uses the last upload (go, setpicture,
 *   ramdisk, devicetree, rsepfirmware, bootx)
 */
gboolean
ub_vphone_chain_takes_image (const char *verb)
{
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (verb, commands[i].verb))
      return TRUE;
  return FALSE;
}

static gboolean
refuse (UbVphoneChain *self,
        const char    *verb,
        const char    *why)
{
  g_debug ("%s refused: %s", verb, why);
  ub_vphone_recorder_log (self->recorder, "recovery %s rejected: %s", verb, why);
  return FALSE;
}

/**
 * ub_vphone_chain_check_command:
 * @verb: a command for which ub_vphone_chain_takes_image()
 * @image: (nullable): the last upload, if any
 *
 * `go` without an upload does nothing and succeeds; `setpicture` without one
 * shows the built-in picture.
 *
 * Returns: whether iBoot runs the command; %FALSE makes it fail
 */
gboolean
ub_vphone_chain_check_command (UbVphoneChain *self,
                               const char    *verb,
                               GBytes        *image)
{
  g_autofree char *what = NULL;
  guint i;

  g_return_val_if_fail (UB_IS_VPHONE_CHAIN (self), FALSE);

  for (i = 0; i < G_N_ELEMENTS (commands) && !g_str_equal (verb, commands[i].verb); i++)
    ;
  g_return_val_if_fail (i < G_N_ELEMENTS (commands), FALSE);
  if (commands[i].needs_ibec && self->stage != STAGE_IBEC)
    return refuse (self, verb, stage_names[self->stage]);
  if (image == NULL)
    return g_str_equal (verb, "go") || g_str_equal (verb, "setpicture") ||
           refuse (self, verb, "nothing uploaded");
  if (g_str_equal (verb, "bootx") && (self->loaded & LOADED_RAMDISK) == 0)
    return refuse (self, verb, "no ramdisk loaded");
  if (g_str_equal (verb, "bootx") && (self->loaded & LOADED_DEVICETREE) == 0)
    return refuse (self, verb, "no device tree loaded");
  what = g_strdup_printf ("recovery %s", verb);
  if (!check (self, what, image, commands[i].fourcc))
    return FALSE;
  self->loaded |= commands[i].loads;
  return TRUE;
}

/**
 * ub_vphone_chain_go:
 *
 * `go` after a good iBEC: iBEC starts.
 */
void
ub_vphone_chain_go (UbVphoneChain *self)
{
  g_return_if_fail (UB_IS_VPHONE_CHAIN (self));
  boot (self, STAGE_IBEC, UB_VPHONE_MODE_RECOVERY);
}

/**
 * ub_vphone_chain_bootx:
 *
 * `bootx` after a good kernel: restore mode, or iOS with boot-to-ios.
 */
void
ub_vphone_chain_bootx (UbVphoneChain *self)
{
  gboolean ios;

  g_return_if_fail (UB_IS_VPHONE_CHAIN (self));

  ios = ub_vphone_faults_is_active (self->faults, UB_VPHONE_FAULT_BOOT_TO_IOS);
  if (ios)
    ub_vphone_recorder_log (self->recorder, "fault boot-to-ios");
  boot (self, STAGE_NONE, ios ? UB_VPHONE_MODE_NORMAL : UB_VPHONE_MODE_RESTORE);
}

/**
 * ub_vphone_chain_get_stage_name:
 *
 * Returns: what runs in recovery mode: "iboot", "ibss", "ibec"; or "none"
 */
const char *
ub_vphone_chain_get_stage_name (UbVphoneChain *self)
{
  g_return_val_if_fail (UB_IS_VPHONE_CHAIN (self), NULL);
  return stage_names[self->stage];
}
