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
#include "common/descriptor.h"
#include "common/hex.h"
#include "common/interpreter.h"
#include "common/pubkey.h"
#include "common/script-num.h"
#include "common/script.h"
#include "common/sign.h"

#include <string.h>

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

const char *
umk_rpc_script_type (const uint8_t *script, size_t len)
{
  UmkSolution sol;
  return umk_txout_type_name (umk_sign_solve (script, len, &sol));
}

/* ---- Descriptors --------------------------------------------------------- */

/* Appends "#" and the BIP 380 checksum of the descriptor in s. */
static void
append_checksum (GString *s)
{
  char sum[UMK_DESCRIPTOR_CHECKSUM_LEN + 1];
  /* What we build holds only descriptor characters; the check cannot fail. */
  if (umk_descriptor_checksum (s->str, s->len, sum))
    g_string_append_printf (s, "#%s", sum);
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
  UmkSolution sol;
  switch (umk_sign_solve (script, len, &sol))
    {
    case UMK_TXOUT_PUBKEY:
      if (key_valid_non_hybrid (sol.keys[0], sol.key_lens[0]))
        {
          g_string_append (s, "pk(");
          append_hex (s, sol.keys[0], sol.key_lens[0]);
          g_string_append_c (s, ')');
        }
      break;
    case UMK_TXOUT_MULTISIG:
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
    case UMK_TXOUT_WITNESS_V1_TAPROOT:
      /* Without the spending data only the key is known. */
      if (umk_xonly_is_valid (sol.hash))
        {
          g_string_append (s, "rawtr(");
          append_hex (s, sol.hash, sol.hash_len);
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
umk_rpc_write_script_fields (UmkJsonWriter *w, const UmkAddressParams *params,
                             const uint8_t *script, size_t len, gboolean include_hex,
                             const char *desc)
{
  g_autofree char *asm_text = umk_rpc_script_asm (script, len, FALSE);
  g_autofree char *inferred = desc ? NULL : umk_rpc_infer_descriptor (params, script, len);
  UmkSolution sol;
  UmkTxoutType type = umk_sign_solve (script, len, &sol);
  umk_json_writer_kv_string (w, "asm", asm_text);
  umk_json_writer_kv_string (w, "desc", desc ? desc : inferred);
  if (include_hex)
    {
      g_autofree char *hex = umk_hex_encode (script, len);
      umk_json_writer_kv_string (w, "hex", hex);
    }
  /* A bare public key has no address of its own (Core shows none). */
  if (type != UMK_TXOUT_PUBKEY)
    {
      g_autofree char *address = umk_address_from_script (params, script, len);
      if (address)
        umk_json_writer_kv_string (w, "address", address);
    }
  umk_json_writer_kv_string (w, "type", umk_txout_type_name (type));
}

void
umk_rpc_write_script_pubkey (UmkJsonWriter *w, const UmkAddressParams *params,
                             const uint8_t *script, size_t len)
{
  umk_json_writer_begin_object (w);
  umk_rpc_write_script_fields (w, params, script, len, TRUE, NULL);
  umk_json_writer_end_object (w);
}

/* Core's TxToUniv, as members of an open object. */
static void
write_tx_members (UmkJsonWriter *w, const UmkAddressParams *params, const UmkTx *tx,
                  const UmkTxUndo *undo, gboolean show_prevout, const UmkUint256 *block_hash,
                  gboolean include_hex)
{
  char hash[UMK_UINT256_HEX_SIZE];
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

  /* The coinbase has no undo data; neither has a transaction whose block's
   * undo data is missing: then there is no fee either. */
  gboolean coinbase = umk_tx_is_coinbase (tx);
  gboolean have_undo = undo != NULL && undo->n == tx->n_in;
  int64_t total_in = 0, total_out = 0;
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
      if (have_undo)
        {
          const UmkCoin *prev = &undo->coins[i];
          total_in += prev->value;
          if (show_prevout)
            {
              umk_json_writer_key (w, "prevout");
              umk_json_writer_begin_object (w);
              umk_json_writer_kv_bool (w, "generated", prev->coinbase);
              umk_json_writer_kv_int (w, "height", prev->height);
              umk_json_writer_key (w, "value");
              umk_rpc_write_amount (w, prev->value);
              umk_json_writer_key (w, "scriptPubKey");
              umk_rpc_write_script_pubkey (w, params, prev->script, prev->script_len);
              umk_json_writer_end_object (w);
            }
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
      total_out += out->value;
    }
  umk_json_writer_end_array (w);

  if (have_undo)
    {
      umk_json_writer_key (w, "fee");
      umk_rpc_write_amount (w, total_in - total_out);
    }
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
}

void
umk_rpc_write_tx_fields (UmkJsonWriter *w, const UmkAddressParams *params, const UmkTx *tx,
                         const UmkTxUndo *undo, gboolean show_prevout, gboolean include_hex)
{
  write_tx_members (w, params, tx, undo, show_prevout, NULL, include_hex);
}

void
umk_rpc_write_tx (UmkJsonWriter *w, const UmkAddressParams *params, const UmkTx *tx,
                  const UmkUint256 *block_hash, gboolean include_hex)
{
  umk_json_writer_begin_object (w);
  write_tx_members (w, params, tx, NULL, FALSE, block_hash, include_hex);
  umk_json_writer_end_object (w);
}
