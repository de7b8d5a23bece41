/* script-helpers.c — script notation parser and test transactions. */
#include "config.h"

#include "script-helpers.h"

#include "common/error.h"
#include "common/hex.h"
#include "common/script.h"

#include <stdlib.h>
#include <string.h>

static bool
all_digits (const char *s)
{
  if (!*s)
    return false;
  for (; *s; s++)
    if (!g_ascii_isdigit (*s))
      return false;
  return true;
}

/* Opcode names the notation accepts: those of OP_NOP and up, and OP_RESERVED
 * (smaller ones are written as numbers or raw bytes). */
static int
lookup_opcode (const char *word)
{
  for (int op = UMK_OP_RESERVED; op <= UMK_OP_CHECKSIGADD; op++)
    {
      if (op < UMK_OP_NOP && op != UMK_OP_RESERVED)
        continue;
      const char *name = umk_opcode_name ((uint8_t) op);
      if (strcmp (name, "OP_UNKNOWN") == 0)
        continue;
      if (strcmp (name, word) == 0
          || (g_str_has_prefix (name, "OP_") && strcmp (name + 3, word) == 0))
        return op;
    }
  return -1;
}

bool
umk_test_parse_script (const char *text, GByteArray *out, GError **error)
{
  g_auto (GStrv) words = g_strsplit_set (text, " \t\n", -1);
  for (char **wp = words; *wp; wp++)
    {
      const char *w = *wp;
      size_t len = strlen (w);
      if (len == 0)
        continue;
      if (all_digits (w) || (w[0] == '-' && all_digits (w + 1)))
        {
          errno = 0;
          char *end;
          long long n = strtoll (w, &end, 10);
          if (errno || *end || n > 0xffffffffLL || n < -0xffffffffLL)
            {
              g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                           "script parse error: decimal numeric value only allowed in the "
                           "range -0xFFFFFFFF...0xFFFFFFFF");
              return false;
            }
          umk_script_write_int (out, n);
        }
      else if (g_str_has_prefix (w, "0x") && len > 2 && umk_hex_is_valid (w + 2))
        {
          g_autoptr (GByteArray) raw = umk_hex_decode (w + 2, NULL);
          g_byte_array_append (out, raw->data, raw->len);
        }
      else if (len >= 2 && w[0] == '\'' && w[len - 1] == '\'')
        umk_script_write_push (out, w + 1, len - 2);
      else
        {
          int op = lookup_opcode (w);
          if (op < 0)
            {
              g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                           "script parse error: unknown opcode '%s'", w);
              return false;
            }
          g_byte_array_append (out, (const guint8 *) &(uint8_t){ (uint8_t) op }, 1);
        }
    }
  return true;
}

UmkTx *
umk_test_build_spend (const GByteArray *script_pubkey, int64_t amount, const GByteArray *script_sig,
                      GPtrArray *witness, UmkTx **credit_out)
{
  g_autoptr (UmkTxBuilder) cb = umk_tx_builder_new ();
  cb->version = 1;
  UmkOutPoint null_prevout = { .n = UINT32_MAX };
  UmkTxBuilderIn *cin = umk_tx_builder_add_input (cb, &null_prevout, UMK_SEQUENCE_FINAL);
  g_byte_array_append (cin->script_sig, (const guint8 *) "\x00\x00", 2);
  umk_tx_builder_add_output (cb, amount, script_pubkey->data, script_pubkey->len);
  UmkTx *credit = umk_tx_builder_finish (cb, NULL);
  g_assert_nonnull (credit);

  g_autoptr (UmkTxBuilder) sb = umk_tx_builder_new ();
  sb->version = 1;
  UmkOutPoint prevout = { .hash = credit->txid, .n = 0 };
  UmkTxBuilderIn *in = umk_tx_builder_add_input (sb, &prevout, UMK_SEQUENCE_FINAL);
  g_byte_array_append (in->script_sig, script_sig->data, script_sig->len);
  for (guint i = 0; witness && i < witness->len; i++)
    g_ptr_array_add (in->witness, g_byte_array_ref (witness->pdata[i]));
  umk_tx_builder_add_output (sb, amount, NULL, 0);
  UmkTx *spend = umk_tx_builder_finish (sb, NULL);
  g_assert_nonnull (spend);
  *credit_out = credit;
  return spend;
}
