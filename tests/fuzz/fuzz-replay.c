/* fuzz-replay.c — run a libFuzzer target without libFuzzer
 *
 * With gcc, or in CI: every file given (seed corpus, past crashes) is fed to
 * LLVMFuzzerTestOneInput, then a fixed number of deterministic mutations of
 * them (bit flips, truncations, splices, repeated bytes) from a fixed seed,
 * so every run tries exactly the same inputs. Built with AddressSanitizer
 * and UBSan, a bad access aborts the test. For open-ended fuzzing, build with
 * clang and -Dfuzzing=true (README, "Fuzzing").
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib.h>
#include <string.h>

#define DEFAULT_MUTATIONS 20000
#define FUZZ_MAX_INPUT 65536

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static GByteArray *
mutate (GRand      *rand,
        GPtrArray  *seeds)
{
  GBytes *seed = g_ptr_array_index (seeds, g_rand_int_range (rand, 0, seeds->len));
  gsize len;
  const guint8 *data = g_bytes_get_data (seed, &len);
  GByteArray *out = g_byte_array_new ();
  guint rounds = g_rand_int_range (rand, 1, 6);

  g_byte_array_append (out, data, len);
  for (guint r = 0; r < rounds && out->len < FUZZ_MAX_INPUT; r++)
    {
      guint pos = out->len ? g_rand_int_range (rand, 0, out->len) : 0;

      switch (g_rand_int_range (rand, 0, 5))
        {
        case 0:  /* flip a bit */
          if (out->len)
            out->data[pos] ^= 1 << g_rand_int_range (rand, 0, 8);
          break;
        case 1:  /* truncate */
          g_byte_array_set_size (out, pos);
          break;
        case 2:  /* insert a random byte */
          {
            guint8 b = g_rand_int_range (rand, 0, 256);
            g_byte_array_set_size (out, out->len + 1);
            memmove (out->data + pos + 1, out->data + pos, out->len - pos - 1);
            out->data[pos] = b;
          }
          break;
        case 3:  /* repeat a slice */
          if (out->len)
            {
              guint want = g_rand_int_range (rand, 1, 64);
              guint n = MIN (out->len - pos, want);
              g_autofree guint8 *copy = g_memdup2 (out->data + pos, n);
              g_byte_array_append (out, copy, n);
            }
          break;
        default: /* splice another seed */
          {
            GBytes *other = g_ptr_array_index (seeds, g_rand_int_range (rand, 0, seeds->len));
            gsize olen;
            const guint8 *odata = g_bytes_get_data (other, &olen);
            guint start = olen ? g_rand_int_range (rand, 0, olen) : 0;

            g_byte_array_set_size (out, pos);
            g_byte_array_append (out, odata + start, olen - start);
          }
          break;
        }
    }
  return out;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) seeds = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261124);
  const char *env = g_getenv ("UB_FUZZ_MUTATIONS");
  guint mutations = env ? (guint)g_ascii_strtoull (env, NULL, 10) : DEFAULT_MUTATIONS;

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) error = NULL;
      char *contents;
      gsize len;

      if (!g_file_get_contents (argv[i], &contents, &len, &error))
        g_error ("%s", error->message);
      LLVMFuzzerTestOneInput ((const guint8 *)contents, len);
      g_ptr_array_add (seeds, g_bytes_new_take (contents, len));
    }
  if (seeds->len == 0)
    g_ptr_array_add (seeds, g_bytes_new_static ("", 0));

  for (guint i = 0; i < mutations; i++)
    {
      g_autoptr(GByteArray) input = mutate (rand, seeds);
      LLVMFuzzerTestOneInput (input->data, input->len);
    }
  /* TAP, so the suite counts it like any other test */
  g_print ("1..1\nok 1 %u seeds and %u mutations without a crash\n", seeds->len, mutations);
  return 0;
}
