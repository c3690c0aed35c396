/* ub-sequence-book.c — every button sequence, loaded from data/sequences.xml
 *
 * The XML is parsed with GMarkup and checked strictly: an unknown element,
 * attribute or button name is an error, so a typo in the data cannot turn
 * into a wrong instruction on screen.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ub-sequence-book"

#include "config.h"

#include <string.h>

#include "ub-data-resources.h"
#include "ub-error.h"
#include "ub-sequence-book.h"

#include <gio/gio.h>

#define SEQUENCES_RESOURCE RESOURCE_BASE "/data/sequences.xml"
#define MAX_STEP_SECONDS 120

struct _UbSequenceBook
{
  GObject    parent_instance;
  GPtrArray *sequences;
};

G_DEFINE_FINAL_TYPE (UbSequenceBook, ub_sequence_book, G_TYPE_OBJECT)

typedef enum {
  TEXT_NONE,
  TEXT_INSTRUCTION,
  TEXT_CUE,
} TextKind;

typedef struct
{
  UbSequenceBook *book;
  UbSequence     *sequence;   /* (owned) being filled */
  UbStep         *step;       /* (owned) being filled */
  TextKind        text_kind;
  int             text_power;
  GString        *text;
} ParseState;

static void
ub_sequence_book_finalize (GObject *object)
{
  UbSequenceBook *self = (UbSequenceBook *)object;

  g_clear_pointer (&self->sequences, g_ptr_array_unref);

  G_OBJECT_CLASS (ub_sequence_book_parent_class)->finalize (object);
}

static void
ub_sequence_book_class_init (UbSequenceBookClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ub_sequence_book_finalize;
}

static void
ub_sequence_book_init (UbSequenceBook *self)
{
  self->sequences = g_ptr_array_new_with_free_func (g_object_unref);
}

static gboolean
parse_buttons (const char  *str,
               UbButtons   *out,
               GError     **error)
{
  static const struct { const char *name; UbButtons bit; } names[] = {
    { "power", UB_BUTTON_POWER },
    { "home", UB_BUTTON_HOME },
    { "volume-up", UB_BUTTON_VOLUME_UP },
    { "volume-down", UB_BUTTON_VOLUME_DOWN },
  };
  g_auto(GStrv) words = g_strsplit (str ? str : "", " ", -1);
  UbButtons buttons = UB_BUTTON_NONE;

  for (guint i = 0; words[i] != NULL; i++)
    {
      gboolean known = FALSE;

      if (*words[i] == '\0')
        continue;
      for (guint j = 0; j < G_N_ELEMENTS (names); j++)
        {
          if (g_str_equal (words[i], names[j].name))
            {
              buttons |= names[j].bit;
              known = TRUE;
            }
        }
      if (!known)
        {
          g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                       "Unknown button “%s”", words[i]);
          return FALSE;
        }
    }
  *out = buttons;
  return TRUE;
}

static gboolean
parse_number (const char  *str,
              int          fallback,
              int          max,
              int         *out,
              GError     **error)
{
  guint64 value;

  if (str == NULL)
    {
      *out = fallback;
      return TRUE;
    }
  if (!g_ascii_string_to_unsigned (str, 10, 0, max, &value, NULL))
    {
      g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                   "“%s” is not a number of seconds from 0 to %d", str, max);
      return FALSE;
    }
  *out = (int)value;
  return TRUE;
}

static gboolean
parse_screen (const char  *str,
              UbScreen    *out,
              GError     **error)
{
  for (UbScreen s = UB_SCREEN_ON; s <= UB_SCREEN_RECOVERY; s++)
    {
      if (g_strcmp0 (str, ub_screen_to_string (s)) == 0)
        {
          *out = s;
          return TRUE;
        }
    }
  g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA,
               "Unknown screen “%s”", str ? str : "(none)");
  return FALSE;
}

static gboolean
start_sequence (ParseState   *state,
                const char  **names,
                const char  **values,
                GError      **error)
{
  static const char * const targets[] = { "restart", "recovery", "dfu" };
  const char *kind_s, *family_s, *chip_s = NULL, *target_s;
  UbSequenceKind kind;
  UbButtonFamily family;
  guint64 chip = 0;
  int target = -1;

  if (!g_markup_collect_attributes ("sequence", names, values, error,
                                    G_MARKUP_COLLECT_STRING, "kind", &kind_s,
                                    G_MARKUP_COLLECT_STRING, "family", &family_s,
                                    G_MARKUP_COLLECT_STRING | G_MARKUP_COLLECT_OPTIONAL, "chip", &chip_s,
                                    G_MARKUP_COLLECT_STRING, "target", &target_s,
                                    G_MARKUP_COLLECT_INVALID))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    if (g_str_equal (target_s, targets[i]))
      target = (int)i;

  if (!ub_sequence_kind_from_string (kind_s, &kind) ||
      !ub_button_family_from_string (family_s, &family) ||
      target < 0 ||
      (chip_s != NULL && (!g_str_has_prefix (chip_s, "0x") ||
                          !g_ascii_string_to_unsigned (chip_s + 2, 16, 1, 0xFFFF, &chip, NULL))))
    {
      g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                   "Bad sequence header (kind “%s”, family “%s”, target “%s”)",
                   kind_s, family_s, target_s);
      return FALSE;
    }

  state->sequence = ub_sequence_new (kind, family, (guint)chip, (UbSequenceTarget)target);
  return TRUE;
}

static gboolean
start_step (ParseState   *state,
            const char  **names,
            const char  **values,
            GError      **error)
{
  const char *hold_s = NULL, *tap_s = NULL, *seconds_s, *rec_s = NULL, *cue_s = NULL;
  const char *reboot_s = NULL, *screen_s;
  gboolean detect = FALSE;
  UbButtons hold, tap;
  UbScreen screen;
  int seconds, rec, cue, reboot;

  if (!g_markup_collect_attributes ("step", names, values, error,
                                    G_MARKUP_COLLECT_STRING | G_MARKUP_COLLECT_OPTIONAL, "hold", &hold_s,
                                    G_MARKUP_COLLECT_STRING | G_MARKUP_COLLECT_OPTIONAL, "tap", &tap_s,
                                    G_MARKUP_COLLECT_STRING, "seconds", &seconds_s,
                                    G_MARKUP_COLLECT_STRING | G_MARKUP_COLLECT_OPTIONAL, "recovery-seconds", &rec_s,
                                    G_MARKUP_COLLECT_STRING | G_MARKUP_COLLECT_OPTIONAL, "cue-seconds", &cue_s,
                                    G_MARKUP_COLLECT_STRING | G_MARKUP_COLLECT_OPTIONAL, "host-reboot-at", &reboot_s,
                                    G_MARKUP_COLLECT_BOOLEAN | G_MARKUP_COLLECT_OPTIONAL, "detect", &detect,
                                    G_MARKUP_COLLECT_STRING, "screen", &screen_s,
                                    G_MARKUP_COLLECT_INVALID))
    return FALSE;

  if (!parse_buttons (hold_s, &hold, error) ||
      !parse_buttons (tap_s, &tap, error) ||
      !parse_number (seconds_s, 0, MAX_STEP_SECONDS, &seconds, error) ||
      !parse_number (rec_s, 0, MAX_STEP_SECONDS, &rec, error) ||
      !parse_number (cue_s, -1, MAX_STEP_SECONDS, &cue, error) ||
      !parse_number (reboot_s, -1, MAX_STEP_SECONDS, &reboot, error) ||
      !parse_screen (screen_s, &screen, error))
    return FALSE;

  if (seconds == 0 || cue >= seconds || reboot >= seconds)
    {
      g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA,
                           "A step needs a countdown longer than its cue and reboot times");
      return FALSE;
    }

  state->step = ub_step_new ();
  _ub_step_set_timing (state->step, hold, tap, seconds, rec, cue, reboot, detect, screen);
  return TRUE;
}

static gboolean
start_text (ParseState   *state,
            const char   *element,
            const char  **names,
            const char  **values,
            GError      **error)
{
  const char *power_s = NULL;

  if (!g_markup_collect_attributes (element, names, values, error,
                                    G_MARKUP_COLLECT_STRING | G_MARKUP_COLLECT_OPTIONAL, "power", &power_s,
                                    G_MARKUP_COLLECT_INVALID))
    return FALSE;

  if (power_s == NULL)
    state->text_power = -1;
  else if (g_str_equal (power_s, "side"))
    state->text_power = UB_POWER_BUTTON_SIDE;
  else if (g_str_equal (power_s, "top"))
    state->text_power = UB_POWER_BUTTON_TOP;
  else
    {
      g_set_error (error, UB_ERROR, UB_ERROR_INVALID_DATA, "Unknown power button “%s”", power_s);
      return FALSE;
    }

  state->text_kind = g_str_equal (element, "cue") ? TEXT_CUE : TEXT_INSTRUCTION;
  g_string_truncate (state->text, 0);
  return TRUE;
}

static void
start_element (GMarkupParseContext  *context,
               const char           *element,
               const char          **names,
               const char          **values,
               gpointer              user_data,
               GError              **error)
{
  ParseState *state = user_data;
  const char *parent = NULL;
  const GSList *stack = g_markup_parse_context_get_element_stack (context);

  if (stack->next != NULL)
    parent = stack->next->data;

  if (g_str_equal (element, "sequences") && parent == NULL)
    g_markup_collect_attributes (element, names, values, error, G_MARKUP_COLLECT_INVALID, NULL);
  else if (g_str_equal (element, "sequence") && g_strcmp0 (parent, "sequences") == 0)
    start_sequence (state, names, values, error);
  else if (g_str_equal (element, "step") && g_strcmp0 (parent, "sequence") == 0)
    start_step (state, names, values, error);
  else if ((g_str_equal (element, "instruction") || g_str_equal (element, "cue")) &&
           g_strcmp0 (parent, "step") == 0)
    start_text (state, element, names, values, error);
  else
    g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_UNKNOWN_ELEMENT,
                 "Unexpected element <%s>", element);
}

static void
end_text (ParseState  *state,
          GError     **error)
{
  g_autofree char *text = g_strstrip (g_strdup (state->text->str));

  if (*text == '\0')
    g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA, "Empty step text");
  else if (state->text_kind == TEXT_CUE)
    _ub_step_set_cue (state->step, text);
  else
    _ub_step_set_instruction (state->step, state->text_power, text);
  state->text_kind = TEXT_NONE;
}

static void
end_element (GMarkupParseContext  *context,
             const char           *element,
             gpointer              user_data,
             GError              **error)
{
  ParseState *state = user_data;

  if (g_str_equal (element, "instruction") || g_str_equal (element, "cue"))
    end_text (state, error);
  else if (g_str_equal (element, "step"))
    {
      if (ub_step_get_instruction_msgid (state->step, UB_POWER_BUTTON_SIDE) == NULL)
        g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA, "A step has no instruction");
      else
        ub_sequence_add_step (state->sequence, state->step);
      g_clear_pointer (&state->step, ub_step_unref);
    }
  else if (g_str_equal (element, "sequence"))
    {
      if (ub_sequence_get_n_steps (state->sequence) == 0)
        g_set_error_literal (error, UB_ERROR, UB_ERROR_INVALID_DATA, "A sequence has no steps");
      else
        g_ptr_array_add (state->book->sequences, g_object_ref (state->sequence));
      g_clear_object (&state->sequence);
    }
}

static void
text_cb (GMarkupParseContext  *context,
         const char           *text,
         gsize                 len,
         gpointer              user_data,
         GError              **error)
{
  ParseState *state = user_data;

  if (state->text_kind != TEXT_NONE)
    g_string_append_len (state->text, text, len);
}

static const GMarkupParser parser = {
  start_element, end_element, text_cb, NULL, NULL,
};

/**
 * ub_sequence_book_new_from_data:
 *
 * Returns: (transfer full): the sequences, or %NULL with @error set
 */
UbSequenceBook *
ub_sequence_book_new_from_data (const char  *xml,
                                gssize       len,
                                GError     **error)
{
  g_autoptr(UbSequenceBook) self = g_object_new (UB_TYPE_SEQUENCE_BOOK, NULL);
  g_autoptr(GMarkupParseContext) context = NULL;
  ParseState state = { self, NULL, NULL, TEXT_NONE, -1, g_string_new (NULL) };
  gboolean ok;

  g_return_val_if_fail (xml != NULL, NULL);

  context = g_markup_parse_context_new (&parser, G_MARKUP_PREFIX_ERROR_POSITION, &state, NULL);
  ok = g_markup_parse_context_parse (context, xml, len, error) &&
       g_markup_parse_context_end_parse (context, error);

  g_clear_object (&state.sequence);
  g_clear_pointer (&state.step, ub_step_unref);
  g_string_free (state.text, TRUE);

  if (!ok)
    return NULL;
  g_debug ("Loaded %u sequences", self->sequences->len);
  return g_steal_pointer (&self);
}

/**
 * ub_sequence_book_new_default:
 *
 * Returns: (transfer full): the sequences compiled into Unbrick
 */
UbSequenceBook *
ub_sequence_book_new_default (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  UbSequenceBook *self;
  gsize len;
  const char *data;

  /* Referencing the resource keeps it linked from the static library */
  g_assert (ub_data_get_resource () != NULL);
  bytes = g_resources_lookup_data (SEQUENCES_RESOURCE, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (bytes == NULL)
    g_error ("Sequences missing from resources: %s", error->message);
  data = g_bytes_get_data (bytes, &len);
  self = ub_sequence_book_new_from_data (data, (gssize)len, &error);
  if (self == NULL)
    g_error ("Sequences broken: %s", error->message);
  return self;
}

guint
ub_sequence_book_get_n_sequences (UbSequenceBook *self)
{
  g_return_val_if_fail (UB_IS_SEQUENCE_BOOK (self), 0);
  return self->sequences->len;
}

/**
 * ub_sequence_book_get_sequence:
 *
 * Returns: (transfer none): the sequence at @index
 */
UbSequence *
ub_sequence_book_get_sequence (UbSequenceBook *self,
                               guint           index)
{
  g_return_val_if_fail (UB_IS_SEQUENCE_BOOK (self), NULL);
  g_return_val_if_fail (index < self->sequences->len, NULL);
  return g_ptr_array_index (self->sequences, index);
}

/**
 * ub_sequence_book_lookup:
 *
 * Finds the sequence of @kind for @model: one written for its chip first
 * (the S5L8900 WTF devices), else the one for its button family.
 *
 * Returns: (transfer none) (nullable): the sequence, or %NULL when the kind
 *   does not apply (the computer-timed DFU on iPads without Home)
 */
UbSequence *
ub_sequence_book_lookup (UbSequenceBook *self,
                         UbSequenceKind  kind,
                         UbModel        *model)
{
  UbSequence *family_match = NULL;

  g_return_val_if_fail (UB_IS_SEQUENCE_BOOK (self), NULL);
  g_return_val_if_fail (UB_IS_MODEL (model), NULL);

  for (guint i = 0; i < self->sequences->len; i++)
    {
      UbSequence *seq = g_ptr_array_index (self->sequences, i);

      if (ub_sequence_get_kind (seq) != kind ||
          ub_sequence_get_family (seq) != ub_model_get_family (model))
        continue;
      if (ub_sequence_get_chip (seq) == ub_model_get_cpid (model))
        return seq;
      if (ub_sequence_get_chip (seq) == 0 && family_match == NULL)
        family_match = seq;
    }
  return family_match;
}
