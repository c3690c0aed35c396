/* ub-vphone-faults.c — what can go wrong with the virtual iPhone, on demand
 *
 * Faults are set by the `fault` control command or a scenario line and stay
 * until `clear-faults`, except the one-shot ones (stall, eproto,
 * unplug-at-block, wrong-mode, backup-unplug-at-file, changed-nonce, asr-unplug-at), which clear
 * themselves when they fire.
 * Everything runs on the main thread; ::changed tells the parts that must act
 * at once (usbmuxd vanishing, the extra USB device, pair records).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-vphone-faults"

#include "config.h"

#include <string.h>

#include "ub-vphone-faults.h"

typedef enum
{
  ARGS_NONE,
  ARGS_OPTIONAL_BLOCK,
  ARGS_BLOCK,
  ARGS_MODE,
  ARGS_WORD,
} ArgsKind;

static const struct
{
  const char *name;
  ArgsKind    args;
} fault_info[UB_VPHONE_N_FAULTS] = {
  [UB_VPHONE_FAULT_STALL] = { "stall", ARGS_OPTIONAL_BLOCK },
  [UB_VPHONE_FAULT_EPROTO] = { "eproto", ARGS_OPTIONAL_BLOCK },
  [UB_VPHONE_FAULT_UNPLUG_AT_BLOCK] = { "unplug-at-block", ARGS_BLOCK },
  [UB_VPHONE_FAULT_UNRESPONSIVE] = { "unresponsive", ARGS_NONE },
  [UB_VPHONE_FAULT_WRONG_MODE] = { "wrong-mode", ARGS_MODE },
  [UB_VPHONE_FAULT_EXTRA_DEVICE] = { "extra-device", ARGS_NONE },
  [UB_VPHONE_FAULT_USBMUXD_VANISH] = { "usbmuxd-vanish", ARGS_NONE },
  [UB_VPHONE_FAULT_LOCKDOWND_SILENT] = { "lockdownd-silent", ARGS_NONE },
  [UB_VPHONE_FAULT_TLS_STALL] = { "tls-stall", ARGS_NONE },
  [UB_VPHONE_FAULT_NO_PAIR_RECORD] = { "no-pair-record", ARGS_NONE },
  [UB_VPHONE_FAULT_TRUST_PENDING] = { "trust-pending", ARGS_NONE },
  [UB_VPHONE_FAULT_LOCKED] = { "locked", ARGS_NONE },
  [UB_VPHONE_FAULT_ENTER_RECOVERY_REFUSED] = { "enter-recovery-refused", ARGS_NONE },
  [UB_VPHONE_FAULT_BACKUP_STALL] = { "backup-stall", ARGS_NONE },
  [UB_VPHONE_FAULT_BACKUP_UNPLUG_AT_FILE] = { "backup-unplug-at-file", ARGS_BLOCK },
  [UB_VPHONE_FAULT_BACKUP_BAD_PATH] = { "backup-bad-path", ARGS_NONE },
  [UB_VPHONE_FAULT_BACKUP_REFUSED] = { "backup-refused", ARGS_NONE },
  [UB_VPHONE_FAULT_SYNC_BUSY] = { "sync-busy", ARGS_NONE },
  [UB_VPHONE_FAULT_NO_RECONNECT] = { "no-reconnect", ARGS_NONE },
  [UB_VPHONE_FAULT_CHANGED_NONCE] = { "changed-nonce", ARGS_NONE },
  [UB_VPHONE_FAULT_BOOT_TO_IOS] = { "boot-to-ios", ARGS_NONE },
  [UB_VPHONE_FAULT_RESTORED_SILENT] = { "restored-silent", ARGS_NONE },
  [UB_VPHONE_FAULT_RESTORED_UNKNOWN_DATA] = { "restored-unknown-data", ARGS_WORD },
  [UB_VPHONE_FAULT_RESTORED_STATUS] = { "restored-status", ARGS_BLOCK },
  [UB_VPHONE_FAULT_RESTORED_CHECKPOINT_FAIL] = { "restored-checkpoint-fail", ARGS_NONE },
  [UB_VPHONE_FAULT_ASR_SILENT] = { "asr-silent", ARGS_NONE },
  [UB_VPHONE_FAULT_ASR_BAD_OOB] = { "asr-bad-oob", ARGS_NONE },
  [UB_VPHONE_FAULT_ASR_DROP_AT] = { "asr-drop-at", ARGS_BLOCK },
  [UB_VPHONE_FAULT_ASR_CORRUPT] = { "asr-corrupt", ARGS_NONE },
  [UB_VPHONE_FAULT_ASR_UNPLUG_AT] = { "asr-unplug-at", ARGS_BLOCK },
  [UB_VPHONE_FAULT_RESTORED_SILENT_AFTER] = { "restored-silent-after", ARGS_WORD },
};

typedef struct
{
  gboolean     active;
  gint         block;   /* -1: any control transfer */
  UbVphoneMode mode;
  char         word[64];   /* ARGS_WORD */
} FaultState;

struct _UbVphoneFaults
{
  GObject    parent_instance;

  FaultState state[UB_VPHONE_N_FAULTS];
};

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (UbVphoneFaults, ub_vphone_faults, G_TYPE_OBJECT)

static void
ub_vphone_faults_class_init (UbVphoneFaultsClass *klass)
{
  /**
   * UbVphoneFaults::changed:
   * @fault: the #UbVphoneFault
   * @active: whether it is now set
   */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_BOOLEAN);
}

static void
ub_vphone_faults_init (UbVphoneFaults *self)
{
}

UbVphoneFaults *
ub_vphone_faults_new (void)
{
  return g_object_new (UB_TYPE_VPHONE_FAULTS, NULL);
}

const char *
ub_vphone_fault_to_string (UbVphoneFault fault)
{
  g_return_val_if_fail (fault < UB_VPHONE_N_FAULTS, "unknown");
  return fault_info[fault].name;
}

static gboolean
parse_block (const char  *args,
             gint        *block,
             GError     **error)
{
  guint64 value;

  if (!g_ascii_string_to_unsigned (args, 10, 0, G_MAXUINT16, &value, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "block must be a number from 0 to 65535, not \"%s\"", args);
      return FALSE;
    }
  *block = (gint) value;
  return TRUE;
}

static gboolean
parse_mode (const char    *args,
            UbVphoneMode  *mode,
            GError       **error)
{
  if (!ub_vphone_mode_from_string (args, mode) || *mode > UB_VPHONE_MODE_DFU)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "mode must be off, normal, recovery or dfu, not \"%s\"", args);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_args (UbVphoneFault   fault,
            const char     *args,
            FaultState     *out,
            GError        **error)
{
  gboolean have_args = args != NULL && *args != '\0';

  out->block = -1;
  out->mode = UB_VPHONE_MODE_NORMAL;
  switch (fault_info[fault].args)
    {
    case ARGS_NONE:
      if (!have_args)
        return TRUE;
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "%s takes no argument", fault_info[fault].name);
      return FALSE;
    case ARGS_OPTIONAL_BLOCK:
      return !have_args || parse_block (args, &out->block, error);
    case ARGS_BLOCK:
      if (have_args)
        return parse_block (args, &out->block, error);
      break;
    case ARGS_MODE:
      if (have_args)
        return parse_mode (args, &out->mode, error);
      break;
    case ARGS_WORD:
      if (have_args && strlen (args) < sizeof out->word && strpbrk (args, " \t\n") == NULL)
        {
          g_strlcpy (out->word, args, sizeof out->word);
          return TRUE;
        }
      break;
    default:
      g_assert_not_reached ();
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               "%s needs an argument", fault_info[fault].name);
  return FALSE;
}

static gboolean
parse (const char     *name,
       const char     *args,
       UbVphoneFault  *fault,
       FaultState     *state,
       GError        **error)
{
  for (guint i = 0; i < UB_VPHONE_N_FAULTS; i++)
    {
      if (g_str_equal (name, fault_info[i].name))
        {
          *fault = i;
          return parse_args (i, args, state, error);
        }
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "unknown fault \"%s\"", name);
  return FALSE;
}

/**
 * ub_vphone_faults_check:
 * @name: a fault name such as "stall"
 * @args: (nullable): its argument, such as "3"
 *
 * Validates a fault without setting it (for scenario files).
 */
gboolean
ub_vphone_faults_check (const char  *name,
                        const char  *args,
                        GError     **error)
{
  UbVphoneFault fault;
  FaultState state;

  g_return_val_if_fail (name != NULL, FALSE);
  return parse (name, args, &fault, &state, error);
}

gboolean
ub_vphone_faults_set (UbVphoneFaults  *self,
                      const char      *name,
                      const char      *args,
                      GError         **error)
{
  UbVphoneFault fault;
  FaultState state;
  gboolean was_active;

  g_return_val_if_fail (UB_IS_VPHONE_FAULTS (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (!parse (name, args, &fault, &state, error))
    return FALSE;
  state.active = TRUE;
  was_active = self->state[fault].active;
  self->state[fault] = state;
  g_debug ("Fault \"%s\" set (block %d, mode %s)", name, state.block,
           ub_vphone_mode_to_string (state.mode));
  if (!was_active)
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0, (guint) fault, TRUE);
  return TRUE;
}

static void
clear_one (UbVphoneFaults *self,
           UbVphoneFault   fault)
{
  if (!self->state[fault].active)
    return;
  self->state[fault].active = FALSE;
  g_debug ("Fault \"%s\" cleared", fault_info[fault].name);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0, (guint) fault, FALSE);
}

void
ub_vphone_faults_clear (UbVphoneFaults *self)
{
  g_return_if_fail (UB_IS_VPHONE_FAULTS (self));

  for (guint i = 0; i < UB_VPHONE_N_FAULTS; i++)
    clear_one (self, i);
}

gboolean
ub_vphone_faults_is_active (UbVphoneFaults *self,
                            UbVphoneFault   fault)
{
  g_return_val_if_fail (UB_IS_VPHONE_FAULTS (self), FALSE);
  g_return_val_if_fail (fault < UB_VPHONE_N_FAULTS, FALSE);
  return self->state[fault].active;
}

/**
 * ub_vphone_faults_take_transfer:
 * @fault: %UB_VPHONE_FAULT_STALL, %UB_VPHONE_FAULT_EPROTO or
 *   %UB_VPHONE_FAULT_UNPLUG_AT_BLOCK
 * @is_dnload: the control transfer is a DFU DNLOAD
 * @block: its wValue, the block number
 *
 * A fault with a block fires on that DNLOAD only; without one, on the next
 * control transfer. It clears itself when it fires.
 *
 * Returns: %TRUE when the transfer must fail
 */
gboolean
ub_vphone_faults_take_transfer (UbVphoneFaults *self,
                                UbVphoneFault   fault,
                                gboolean        is_dnload,
                                guint           block)
{
  FaultState *state;

  g_return_val_if_fail (UB_IS_VPHONE_FAULTS (self), FALSE);
  g_return_val_if_fail (fault < UB_VPHONE_N_FAULTS, FALSE);

  state = &self->state[fault];
  if (!state->active)
    return FALSE;
  if (state->block >= 0 && (!is_dnload || (guint) state->block != block))
    return FALSE;
  g_debug ("Fault \"%s\" fires (block %u)", fault_info[fault].name, block);
  clear_one (self, fault);
  return TRUE;
}

/**
 * ub_vphone_faults_take:
 *
 * Returns: %TRUE once after `fault NAME` for a one-shot fault without
 *   arguments (changed-nonce); it clears itself
 */
gboolean
ub_vphone_faults_take (UbVphoneFaults *self,
                       UbVphoneFault   fault)
{
  g_return_val_if_fail (UB_IS_VPHONE_FAULTS (self), FALSE);
  g_return_val_if_fail (fault < UB_VPHONE_N_FAULTS, FALSE);

  if (!self->state[fault].active)
    return FALSE;
  g_debug ("Fault \"%s\" fires", fault_info[fault].name);
  clear_one (self, fault);
  return TRUE;
}

/**
 * ub_vphone_faults_take_wrong_mode:
 * @mode: (out): where the phone must go instead
 *
 * Returns: %TRUE once after `fault wrong-mode MODE`
 */
gboolean
ub_vphone_faults_take_wrong_mode (UbVphoneFaults *self,
                                  UbVphoneMode   *mode)
{
  g_return_val_if_fail (UB_IS_VPHONE_FAULTS (self), FALSE);

  if (!self->state[UB_VPHONE_FAULT_WRONG_MODE].active)
    return FALSE;
  *mode = self->state[UB_VPHONE_FAULT_WRONG_MODE].mode;
  clear_one (self, UB_VPHONE_FAULT_WRONG_MODE);
  return TRUE;
}

/**
 * ub_vphone_faults_get_number:
 *
 * Returns: the number a set fault was given (backup-unplug-at-file N), or -1
 */
int
ub_vphone_faults_get_number (UbVphoneFaults *self,
                             UbVphoneFault   fault)
{
  g_return_val_if_fail (UB_IS_VPHONE_FAULTS (self), -1);
  g_return_val_if_fail (fault < UB_VPHONE_N_FAULTS, -1);

  return self->state[fault].active ? self->state[fault].block : -1;
}

/**
 * ub_vphone_faults_get_word:
 *
 * Returns: (nullable): the word a set fault was given (restored-unknown-data TYPE)
 */
const char *
ub_vphone_faults_get_word (UbVphoneFaults *self,
                           UbVphoneFault   fault)
{
  g_return_val_if_fail (UB_IS_VPHONE_FAULTS (self), NULL);
  g_return_val_if_fail (fault < UB_VPHONE_N_FAULTS, NULL);

  return self->state[fault].active && self->state[fault].word[0] ? self->state[fault].word : NULL;
}

/**
 * ub_vphone_faults_take_number:
 *
 * Returns: %TRUE once, when @fault is set with @number; it clears itself
 */
gboolean
ub_vphone_faults_take_number (UbVphoneFaults *self,
                              UbVphoneFault   fault,
                              guint           number)
{
  g_return_val_if_fail (UB_IS_VPHONE_FAULTS (self), FALSE);
  g_return_val_if_fail (fault < UB_VPHONE_N_FAULTS, FALSE);

  if (!self->state[fault].active || self->state[fault].block != (gint)number)
    return FALSE;
  g_debug ("Fault \"%s\" fires (%u)", fault_info[fault].name, number);
  clear_one (self, fault);
  return TRUE;
}

/**
 * ub_vphone_faults_dup_active:
 *
 * Returns: (transfer full): "stall:3,tls-stall", or "none"
 */
char *
ub_vphone_faults_dup_active (UbVphoneFaults *self)
{
  g_autoptr(GString) str = g_string_new (NULL);

  g_return_val_if_fail (UB_IS_VPHONE_FAULTS (self), NULL);

  for (guint i = 0; i < UB_VPHONE_N_FAULTS; i++)
    {
      const FaultState *state = &self->state[i];

      if (!state->active)
        continue;
      if (str->len > 0)
        g_string_append_c (str, ',');
      g_string_append (str, fault_info[i].name);
      if (fault_info[i].args == ARGS_MODE)
        g_string_append_printf (str, ":%s", ub_vphone_mode_to_string (state->mode));
      else if (fault_info[i].args == ARGS_WORD)
        g_string_append_printf (str, ":%s", state->word);
      else if (state->block >= 0)
        g_string_append_printf (str, ":%d", state->block);
    }
  if (str->len == 0)
    g_string_append (str, "none");
  return g_string_free (g_steal_pointer (&str), FALSE);
}
