/* rpc-tx.c — transactions and output scripts in RPC replies, as Umkoin Core
 * v31's core_write.cpp (TxToUniv, ScriptToUniv, ScriptToAsmStr,
 * ValueFromAmount), script/solver.cpp (Solver) and script/descriptor.cpp
 * (InferScript with an empty signing provider, DescriptorChecksum) write
 * them.
 */
#define G_LOG_DOMAIN "umk-rpc"
#include "config.h"

#include "node/rpc-tx.h"

#include "common/address.h"
#include "common/hex.h"
#include "common/interpreter.h"
#include "common/pubkey.h"
#include "common/script-num.h"
#include "common/script.h"

#include <string.h>

#define MAX_PUBKEYS_PER_MULTISIG 20

void
umk_rpc_write_amount (UmkJsonWriter *w, int64_t amount)
{
  /* Written from integers, never through a double, so every satoshi shows. */
  uint64_t abs = amount < 0 ? (uint64_t) 0 - (uint64_t) amount : (uint64_t) amount;
  char buf[48];
  g_snprintf (buf, sizeof buf, "%s%" G_GUINT64_FORMAT ".%08" G_GUINT64_FORMAT,
              amount < 0 ? "-" : "", abs / (uint64_t) UMK_COIN, abs % (uint64_t) UMK_COIN);
  umk_json_writer_number_text (w, buf);
}

/* ---- asm ----------------------------------------------------------------- */

static const char *
sighash_name (uint8_t type)
{
  switch (type)
    {
    case 0x01:
      return "ALL";
    case 0x81:
      return "ALL|ANYONECANPAY";
    case 0x02:
      return "NONE";
    case 0x82:
      return "NONE|ANYONECANPAY";
    case 0x03:
      return "SINGLE";
    case 0x83:
      return "SINGLE|ANYONECANPAY";
    default:
      return NULL;
    }
}

char *
umk_rpc_script_asm (const uint8_t *script, size_t len, gboolean sighash_decode)
{
  GString *s = g_string_new (NULL);
  size_t pc = 0;
  gboolean unspendable = umk_script_is_unspendable (script, len);
  while (pc < len)
    {
      if (s->len)
        g_string_append_c (s, ' ');
      UmkScriptOp op;
      if (!umk_script_next_op (script, len, &pc, &op))
        {
          g_string_append (s, "[error]");
          break;
        }
      if (op.opcode > UMK_OP_PUSHDATA4)
        {
          g_string_append (s, umk_opcode_name (op.opcode));
          continue;
        }
      if (op.len <= 4)
        {
          /* Short pushes read as numbers, without the minimal-encoding rule. */
          int64_t n = 0;
          if (!umk_script_num_decode (op.data, op.len, 4, false, &n))
            n = 0;
          g_string_append_printf (s, "%d", umk_script_num_to_int32 (n));
          continue;
        }
      const char *decoded = NULL;
      size_t shown = op.len;
      /* A strictly encoded signature with a known hash type shows that type;
       * OP_RETURN data is never decoded. */
      if (sighash_decode && !unspendable && umk_sig_is_strict_der (op.data, op.len)
          && (decoded = sighash_name (op.data[op.len - 1])) != NULL)
        shown = op.len - 1;
      g_autofree char *hex = umk_hex_encode (op.data, shown);
      g_string_append (s, hex);
      if (decoded)
        g_string_append_printf (s, "[%s]", decoded);
    }
  return g_string_free (s, FALSE);
}

/* ---- Solver -------------------------------------------------------------- */

typedef enum
{
  TX_NONSTANDARD,
  TX_PUBKEY,
  TX_PUBKEYHASH,
  TX_SCRIPTHASH,
  TX_MULTISIG,
  TX_NULL_DATA,
  TX_ANCHOR,
  TX_WITNESS_V0_KEYHASH,
  TX_WITNESS_V0_SCRIPTHASH,
  TX_WITNESS_V1_TAPROOT,
  TX_WITNESS_UNKNOWN,
} TxoutType;

static const char *const type_names[] = {
  [TX_NONSTANDARD] = "nonstandard",
  [TX_PUBKEY] = "pubkey",
  [TX_PUBKEYHASH] = "pubkeyhash",
  [TX_SCRIPTHASH] = "scripthash",
  [TX_MULTISIG] = "multisig",
  [TX_NULL_DATA] = "nulldata",
  [TX_ANCHOR] = "anchor",
  [TX_WITNESS_V0_KEYHASH] = "witness_v0_keyhash",
  [TX_WITNESS_V0_SCRIPTHASH] = "witness_v0_scripthash",
  [TX_WITNESS_V1_TAPROOT] = "witness_v1_taproot",
  [TX_WITNESS_UNKNOWN] = "witness_unknown",
};

typedef struct
{
  TxoutType type;
  int required;                                  /* multisig */
  int n_keys;                                    /* multisig keys, or 1 for pubkey */
  const uint8_t *keys[MAX_PUBKEYS_PER_MULTISIG]; /* views into the script */
  size_t key_lens[MAX_PUBKEYS_PER_MULTISIG];
  const uint8_t *program; /* witness program */
  size_t program_len;
} Solution;

/* Core's GetScriptNumber: OP_1..OP_16 or a minimal number push in [min, max]. */
static gboolean
script_number (const UmkScriptOp *op, int min, int max, int *out)
{
  int64_t n;
  if (op->opcode >= UMK_OP_1 && op->opcode <= UMK_OP_16)
    n = umk_opcode_small_int (op->opcode);
  else if (op->opcode <= UMK_OP_PUSHDATA4)
    {
      if (!umk_script_push_is_minimal (op->data, op->len, op->opcode)
          || !umk_script_num_decode (op->data, op->len, 4, true, &n))
        return FALSE;
    }
  else
    return FALSE;
  if (n < min || n > max)
    return FALSE;
  *out = (int) n;
  return TRUE;
}

static gboolean
match_multisig (const uint8_t *s, size_t len, Solution *sol)
{
  if (len < 1 || s[len - 1] != UMK_OP_CHECKMULTISIG)
    return FALSE;
  size_t pc = 0;
  UmkScriptOp op;
  if (!umk_script_next_op (s, len, &pc, &op)
      || !script_number (&op, 1, MAX_PUBKEYS_PER_MULTISIG, &sol->required))
    return FALSE;
  sol->n_keys = 0;
  for (;;)
    {
      gboolean ok = umk_script_next_op (s, len, &pc, &op);
      if (!ok)
        op.opcode = UMK_OP_INVALIDOPCODE;
      if (!ok || op.data == NULL || !umk_pubkey_has_valid_size (op.data, op.len))
        break;
      if (sol->n_keys == MAX_PUBKEYS_PER_MULTISIG)
        return FALSE; /* more keys than any count can match */
      sol->keys[sol->n_keys] = op.data;
      sol->key_lens[sol->n_keys++] = op.len;
    }
  int n;
  if (!script_number (&op, sol->required, MAX_PUBKEYS_PER_MULTISIG, &n) || n != sol->n_keys)
    return FALSE;
  return pc + 1 == len;
}

static TxoutType
solve (const uint8_t *s, size_t len, Solution *sol)
{
  memset (sol, 0, sizeof *sol);
  if (umk_script_is_p2sh (s, len))
    return sol->type = TX_SCRIPTHASH;
  int version;
  if (umk_script_is_witness_program (s, len, &version, &sol->program, &sol->program_len))
    {
      if (version == 0 && sol->program_len == 20)
        return sol->type = TX_WITNESS_V0_KEYHASH;
      if (version == 0 && sol->program_len == 32)
        return sol->type = TX_WITNESS_V0_SCRIPTHASH;
      if (version == 1 && sol->program_len == 32)
        return sol->type = TX_WITNESS_V1_TAPROOT;
      static const uint8_t anchor[] = { UMK_OP_1, 0x02, 0x4e, 0x73 };
      if (len == sizeof anchor && memcmp (s, anchor, len) == 0)
        return sol->type = TX_ANCHOR;
      return sol->type = version != 0 ? TX_WITNESS_UNKNOWN : TX_NONSTANDARD;
    }
  if (len >= 1 && s[0] == UMK_OP_RETURN && umk_script_is_push_only (s + 1, len - 1))
    return sol->type = TX_NULL_DATA;
  if ((len == 67 && s[0] == 65) || (len == 35 && s[0] == 33))
    if (s[len - 1] == UMK_OP_CHECKSIG && umk_pubkey_has_valid_size (s + 1, len - 2))
      {
        sol->keys[0] = s + 1;
        sol->key_lens[0] = len - 2;
        sol->n_keys = 1;
        return sol->type = TX_PUBKEY;
      }
  if (len == 25 && s[0] == UMK_OP_DUP && s[1] == UMK_OP_HASH160 && s[2] == 20
      && s[23] == UMK_OP_EQUALVERIFY && s[24] == UMK_OP_CHECKSIG)
    return sol->type = TX_PUBKEYHASH;
  if (match_multisig (s, len, sol))
    return sol->type = TX_MULTISIG;
  memset (sol, 0, sizeof *sol);
  return TX_NONSTANDARD;
}

const char *
umk_rpc_script_type (const uint8_t *script, size_t len)
{
  Solution sol;
  return type_names[solve (script, len, &sol)];
}

/* ---- Descriptors --------------------------------------------------------- */

static guint64
descriptor_polymod (guint64 c, int val)
{
  guint8 c0 = c >> 35;
  c = ((c & G_GUINT64_CONSTANT (0x7ffffffff)) << 5) ^ (guint64) val;
  if (c0 & 1)
    c ^= G_GUINT64_CONSTANT (0xf5dee51989);
  if (c0 & 2)
    c ^= G_GUINT64_CONSTANT (0xa9fdca3312);
  if (c0 & 4)
    c ^= G_GUINT64_CONSTANT (0x1bab10e32d);
  if (c0 & 8)
    c ^= G_GUINT64_CONSTANT (0x3706b1677a);
  if (c0 & 16)
    c ^= G_GUINT64_CONSTANT (0x644d626ffd);
  return c;
}

/* Appends "#" and the BIP 380 checksum of the descriptor in s. */
static void
append_checksum (GString *s)
{
  static const char input_charset[] = "0123456789()[],'/*abcdefgh@:$%{}"
                                      "IJKLMNOPQRSTUVWXYZ&+-.;<=>?!^_|~"
                                      "ijklmnopqrstuvwxyzABCDEFGH`#\"\\ ";
  static const char checksum_charset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
  guint64 c = 1;
  int cls = 0, clscount = 0;
  for (gsize i = 0; i < s->len; i++)
    {
      const char *p = strchr (input_charset, s->str[i]);
      if (p == NULL || s->str[i] == '\0')
        return; /* cannot happen for what we build */
      int pos = (int) (p - input_charset);
      c = descriptor_polymod (c, pos & 31);
      cls = cls * 3 + (pos >> 5);
      if (++clscount == 3)
        {
          c = descriptor_polymod (c, cls);
          cls = 0;
          clscount = 0;
        }
    }
  if (clscount > 0)
    c = descriptor_polymod (c, cls);
  for (int j = 0; j < 8; j++)
    c = descriptor_polymod (c, 0);
  c ^= 1;
  g_string_append_c (s, '#');
  for (int j = 0; j < 8; j++)
    g_string_append_c (s, checksum_charset[(c >> (5 * (7 - j))) & 31]);
}

/* Core's CPubKey::IsValidNonHybrid: 02/03 with 33 bytes or 04 with 65. */
static gboolean
key_valid_non_hybrid (const uint8_t *key, size_t len)
{
  return umk_pubkey_has_valid_size (key, len) && key[0] != 0x06 && key[0] != 0x07;
}

static void
append_hex (GString *s, const uint8_t *data, size_t len)
{
  g_autofree char *hex = umk_hex_encode (data, len);
  g_string_append (s, hex);
}

char *
umk_rpc_infer_descriptor (const UmkAddressParams *params, const uint8_t *script, size_t len)
{
  GString *s = g_string_new (NULL);
  Solution sol;
  switch (solve (script, len, &sol))
    {
    case TX_PUBKEY:
      if (key_valid_non_hybrid (sol.keys[0], sol.key_lens[0]))
        {
          g_string_append (s, "pk(");
          append_hex (s, sol.keys[0], sol.key_lens[0]);
          g_string_append_c (s, ')');
        }
      break;
    case TX_MULTISIG:
      {
        gboolean ok = TRUE;
        for (int i = 0; i < sol.n_keys && ok; i++)
          ok = key_valid_non_hybrid (sol.keys[i], sol.key_lens[i]);
        if (!ok)
          break;
        g_string_append_printf (s, "multi(%d", sol.required);
        for (int i = 0; i < sol.n_keys; i++)
          {
            g_string_append_c (s, ',');
            append_hex (s, sol.keys[i], sol.key_lens[i]);
          }
        g_string_append_c (s, ')');
        break;
      }
    case TX_WITNESS_V1_TAPROOT:
      /* Without the spending data only the key is known. */
      if (umk_xonly_is_valid (sol.program))
        {
          g_string_append (s, "rawtr(");
          append_hex (s, sol.program, 32);
          g_string_append_c (s, ')');
        }
      break;
    default:
      break;
    }
  if (s->len == 0)
    {
      g_autofree char *address = umk_address_from_script (params, script, len);
      if (address)
        g_string_append_printf (s, "addr(%s)", address);
      else
        {
          g_string_append (s, "raw(");
          append_hex (s, script, len);
          g_string_append_c (s, ')');
        }
    }
  append_checksum (s);
  return g_string_free (s, FALSE);
}

/* ---- Objects ------------------------------------------------------------- */

void
umk_rpc_write_script_pubkey (UmkJsonWriter *w, const UmkAddressParams *params,
                             const uint8_t *script, size_t len)
{
  g_autofree char *asm_text = umk_rpc_script_asm (script, len, FALSE);
  g_autofree char *desc = umk_rpc_infer_descriptor (params, script, len);
  g_autofree char *hex = umk_hex_encode (script, len);
  Solution sol;
  TxoutType type = solve (script, len, &sol);
  umk_json_writer_begin_object (w);
  umk_json_writer_kv_string (w, "asm", asm_text);
  umk_json_writer_kv_string (w, "desc", desc);
  umk_json_writer_kv_string (w, "hex", hex);
  if (type != TX_PUBKEY)
    {
      g_autofree char *address = umk_address_from_script (params, script, len);
      if (address)
        umk_json_writer_kv_string (w, "address", address);
    }
  umk_json_writer_kv_string (w, "type", type_names[type]);
  umk_json_writer_end_object (w);
}

void
umk_rpc_write_tx (UmkJsonWriter *w, const UmkAddressParams *params, const UmkTx *tx,
                  const UmkUint256 *block_hash, gboolean include_hex)
{
  char hash[UMK_UINT256_HEX_SIZE];
  umk_json_writer_begin_object (w);
  umk_uint256_to_hex_buf (&tx->txid, hash);
  umk_json_writer_kv_string (w, "txid", hash);
  umk_uint256_to_hex_buf (&tx->wtxid, hash);
  umk_json_writer_kv_string (w, "hash", hash);
  umk_json_writer_key (w, "version");
  umk_json_writer_uint (w, tx->version);
  umk_json_writer_kv_int (w, "size", (gint64) umk_tx_total_size (tx));
  umk_json_writer_kv_int (w, "vsize", (gint64) umk_tx_vsize (tx));
  umk_json_writer_kv_int (w, "weight", (gint64) umk_tx_weight (tx));
  umk_json_writer_kv_int (w, "locktime", tx->lock_time);

  gboolean coinbase = umk_tx_is_coinbase (tx);
  umk_json_writer_key (w, "vin");
  umk_json_writer_begin_array (w);
  for (uint32_t i = 0; i < tx->n_in; i++)
    {
      const UmkTxIn *in = &tx->in[i];
      g_autofree char *sig_hex = umk_hex_encode (in->script_sig.data, in->script_sig.len);
      umk_json_writer_begin_object (w);
      if (coinbase)
        umk_json_writer_kv_string (w, "coinbase", sig_hex);
      else
        {
          umk_uint256_to_hex_buf (&in->prevout.hash, hash);
          umk_json_writer_kv_string (w, "txid", hash);
          umk_json_writer_kv_int (w, "vout", in->prevout.n);
          g_autofree char *asm_text
              = umk_rpc_script_asm (in->script_sig.data, in->script_sig.len, TRUE);
          umk_json_writer_key (w, "scriptSig");
          umk_json_writer_begin_object (w);
          umk_json_writer_kv_string (w, "asm", asm_text);
          umk_json_writer_kv_string (w, "hex", sig_hex);
          umk_json_writer_end_object (w);
        }
      if (in->n_witness > 0)
        {
          umk_json_writer_key (w, "txinwitness");
          umk_json_writer_begin_array (w);
          for (uint32_t k = 0; k < in->n_witness; k++)
            {
              g_autofree char *item = umk_hex_encode (in->witness[k].data, in->witness[k].len);
              umk_json_writer_string (w, item);
            }
          umk_json_writer_end_array (w);
        }
      umk_json_writer_kv_int (w, "sequence", in->sequence);
      umk_json_writer_end_object (w);
    }
  umk_json_writer_end_array (w);

  umk_json_writer_key (w, "vout");
  umk_json_writer_begin_array (w);
  for (uint32_t i = 0; i < tx->n_out; i++)
    {
      const UmkTxOut *out = &tx->out[i];
      umk_json_writer_begin_object (w);
      umk_json_writer_key (w, "value");
      umk_rpc_write_amount (w, out->value);
      umk_json_writer_kv_int (w, "n", i);
      umk_json_writer_key (w, "scriptPubKey");
      umk_rpc_write_script_pubkey (w, params, out->script_pubkey.data, out->script_pubkey.len);
      umk_json_writer_end_object (w);
    }
  umk_json_writer_end_array (w);

  if (block_hash && !umk_uint256_is_zero (block_hash))
    {
      umk_uint256_to_hex_buf (block_hash, hash);
      umk_json_writer_kv_string (w, "blockhash", hash);
    }
  if (include_hex)
    {
      g_autofree char *hex = umk_hex_encode (tx->raw.data, tx->raw.len);
      umk_json_writer_kv_string (w, "hex", hex);
    }
  umk_json_writer_end_object (w);
}
