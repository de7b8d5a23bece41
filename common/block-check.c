/* block-check.c — header and block validity rules, subsidy, script flags, BIP 30. */
#define G_LOG_DOMAIN "umk-block-check"
#include "config.h"

#include "common/block-check.h"

#include "common/hash.h"
#include "common/interpreter.h"
#include "common/pow.h"
#include "common/script.h"
#include "common/serialize.h"
#include "common/sighash.h"
#include "common/tx-check.h"
#include "common/tx-verify.h"
#include "common/versionbits.h"

#include <string.h>

bool
umk_check_block_header (const UmkBlockHeader *header, const UmkUint256 *hash,
                        const UmkConsensusParams *params, bool check_pow,
                        UmkBlockValidationState *state)
{
  if (check_pow && !umk_pow_check (hash, header->bits, params))
    return umk_block_state_invalid (state, UMK_BLOCK_RESULT_INVALID_HEADER, "high-hash",
                                    "proof of work failed");
  return true;
}

bool
umk_check_merkle_root (const UmkBlock *block, UmkBlockValidationState *state)
{
  UmkUint256 root;
  bool mutated;
  umk_block_merkle_root (block, &root, &mutated);
  if (!umk_uint256_equal (&root, &block->header.merkle_root))
    return umk_block_state_invalid (state, UMK_BLOCK_RESULT_MUTATED, "bad-txnmrklroot",
                                    "hashMerkleRoot mismatch");
  /* CVE-2012-2459: a repeated tail of transactions keeps the root but makes
   * the block invalid; the header stays valid for the right transactions. */
  if (mutated)
    return umk_block_state_invalid (state, UMK_BLOCK_RESULT_MUTATED, "bad-txns-duplicate",
                                    "duplicate transaction");
  return true;
}

bool
umk_check_witness_malleation (const UmkBlock *block, bool expect_commitment,
                              UmkBlockValidationState *state)
{
  const char *reason = NULL;
  if (umk_block_check_witness (block, expect_commitment, &reason))
    return true;
  if (reason == NULL)
    reason = "unexpected-witness";
  const char *debug = "unexpected witness data found";
  if (strcmp (reason, "bad-witness-nonce-size") == 0)
    debug = "invalid witness reserved value size";
  else if (strcmp (reason, "bad-witness-merkle-match") == 0)
    debug = "witness merkle commitment mismatch";
  /* Core names the function in these messages. */
  return umk_block_state_invalid (state, UMK_BLOCK_RESULT_MUTATED, reason,
                                  "CheckWitnessMalleation : %s", debug);
}

bool
umk_check_block (const UmkBlock *block, const UmkConsensusParams *params, bool check_pow,
                 bool check_merkle_root, UmkBlockValidationState *state)
{
  if (!umk_check_block_header (&block->header, &block->hash, params, check_pow, state))
    return false;

  if (params->signet_blocks && check_pow && !umk_signet_check_block_solution (block, params))
    return umk_block_state_invalid (state, UMK_BLOCK_RESULT_CONSENSUS, "bad-signet-blksig",
                                    "signet block signature validation failure");

  if (check_merkle_root && !umk_check_merkle_root (block, state))
    return false;

  /* From here on the transactions are the ones the header commits to, so a
   * failure means the block itself is invalid. The witness is not committed
   * to yet (ContextualCheckBlock does that): nothing here may look at it. */
  if (block->n_tx == 0 || block->n_tx * UMK_WITNESS_SCALE_FACTOR > UMK_MAX_BLOCK_WEIGHT
      || block->stripped_size * UMK_WITNESS_SCALE_FACTOR > UMK_MAX_BLOCK_WEIGHT)
    return umk_block_state_invalid (state, UMK_BLOCK_RESULT_CONSENSUS, "bad-blk-length",
                                    "size limits failed");

  if (!umk_tx_is_coinbase (block->tx[0]))
    return umk_block_state_invalid (state, UMK_BLOCK_RESULT_CONSENSUS, "bad-cb-missing",
                                    "first tx is not coinbase");
  for (size_t i = 1; i < block->n_tx; i++)
    if (umk_tx_is_coinbase (block->tx[i]))
      return umk_block_state_invalid (state, UMK_BLOCK_RESULT_CONSENSUS, "bad-cb-multiple",
                                      "more than one coinbase");

  for (size_t i = 0; i < block->n_tx; i++)
    {
      const char *reason = NULL;
      if (!umk_tx_check (block->tx[i], &reason))
        {
          char txid[UMK_UINT256_HEX_SIZE];
          umk_uint256_to_hex_buf (&block->tx[i]->txid, txid);
          /* Core appends the transaction check's debug message, which is
           * always empty: hence the trailing space. */
          return umk_block_state_invalid (state, UMK_BLOCK_RESULT_CONSENSUS, reason,
                                          "Transaction check failed (tx hash %s) ", txid);
        }
    }

  /* Only the legacy count: P2SH and witness sigops need the spent outputs
   * and are counted in ConnectBlock. */
  uint64_t sigops = 0;
  for (size_t i = 0; i < block->n_tx; i++)
    sigops += umk_tx_legacy_sigop_count (block->tx[i]);
  if (sigops * UMK_WITNESS_SCALE_FACTOR > UMK_MAX_BLOCK_SIGOPS_COST)
    return umk_block_state_invalid (state, UMK_BLOCK_RESULT_CONSENSUS, "bad-blk-sigops",
                                    "out-of-bounds SigOpCount");
  return true;
}

bool
umk_block_is_mutated (const UmkBlock *block, bool check_witness_root)
{
  UmkBlockValidationState state = { 0 };
  if (!umk_check_merkle_root (block, &state))
    {
      g_debug ("Block mutated: %s, %s", state.reject_reason, state.debug_message);
      return true;
    }
  if (block->n_tx == 0 || !umk_tx_is_coinbase (block->tx[0]))
    {
      /* Without a coinbase the block is invalid anyway; a 64-byte transaction
       * could be an inner merkle node passed off as a transaction. */
      for (size_t i = 0; i < block->n_tx; i++)
        if (block->tx[i]->stripped_size == 64)
          return true;
      return false;
    }
  if (!umk_check_witness_malleation (block, check_witness_root, &state))
    {
      g_debug ("Block mutated: %s, %s", state.reject_reason, state.debug_message);
      return true;
    }
  return false;
}

/* ---- signet (BIP 325) ---- */

static const uint8_t signet_header[4] = { 0xec, 0xc7, 0xda, 0xa2 };

/* Core's FetchAndClearCommitmentSection: finds the first push in script that
 * starts with the signet header and has data after it, writes that data to
 * solution, and rebuilds the script with the push cut to the header (each
 * push re-encoded, each other operation copied as one byte, a malformed tail
 * dropped) into replacement.
 * Returns: whether the header was found. */
static bool
fetch_and_clear_solution (const uint8_t *script, size_t len, GByteArray *replacement,
                          GByteArray *solution)
{
  bool found = false;
  size_t pc = 0;
  UmkScriptOp op;
  while (umk_script_next_op (script, len, &pc, &op))
    {
      if (op.len > 0)
        {
          size_t keep = op.len;
          if (!found && op.len > sizeof signet_header
              && memcmp (op.data, signet_header, sizeof signet_header) == 0)
            {
              g_byte_array_append (solution, op.data + sizeof signet_header,
                                   op.len - sizeof signet_header);
              keep = sizeof signet_header;
              found = true;
            }
          umk_script_write_push (replacement, op.data, keep);
        }
      else
        umk_write_u8 (replacement, op.opcode);
    }
  return found;
}

/* The txid of tx with output n's scriptPubKey replaced. */
static void
txid_with_output_script (const UmkTx *tx, uint32_t n, const GByteArray *script, UmkUint256 *out)
{
  g_autoptr (GByteArray) w = g_byte_array_new ();
  umk_write_u32le (w, tx->version);
  umk_write_compact_size (w, tx->n_in);
  for (uint32_t i = 0; i < tx->n_in; i++)
    {
      umk_write_bytes (w, tx->in[i].prevout.hash.b, 32);
      umk_write_u32le (w, tx->in[i].prevout.n);
      umk_write_var_bytes (w, tx->in[i].script_sig.data, tx->in[i].script_sig.len);
      umk_write_u32le (w, tx->in[i].sequence);
    }
  umk_write_compact_size (w, tx->n_out);
  for (uint32_t i = 0; i < tx->n_out; i++)
    {
      umk_write_i64le (w, tx->out[i].value);
      if (i == n)
        umk_write_var_bytes (w, script->data, script->len);
      else
        umk_write_var_bytes (w, tx->out[i].script_pubkey.data, tx->out[i].script_pubkey.len);
    }
  umk_write_u32le (w, tx->lock_time);
  umk_sha256d (w->data, w->len, out->b);
}

/* Builds the two virtual transactions of BIP 325: to_spend pays 0 to the
 * challenge with a scriptSig committing to the block (the merkle root taken
 * with the solution cut out of the coinbase); to_sign spends it with the
 * solution's scriptSig and witness.
 * Returns: to_sign, or NULL when the block has no witness commitment or the
 * solution does not parse exactly. */
static UmkTx *
signet_to_sign (const UmkBlock *block, const UmkConsensusParams *params)
{
  if (block->n_tx == 0)
    return NULL;
  int cidx = umk_block_witness_commitment_index (block);
  if (cidx < 0)
    return NULL;
  const UmkTx *cb = block->tx[0];
  const UmkSpan *commitment = &cb->out[cidx].script_pubkey;

  g_autoptr (UmkTxBuilder) to_sign = umk_tx_builder_new ();
  to_sign->version = 0;
  to_sign->lock_time = 0;
  UmkOutPoint null_prevout = { .n = UINT32_MAX };
  UmkTxBuilderIn *in = umk_tx_builder_add_input (to_sign, &null_prevout, 0);
  const uint8_t op_return = UMK_OP_RETURN;
  umk_tx_builder_add_output (to_sign, 0, &op_return, 1);

  g_autoptr (GByteArray) replacement = g_byte_array_new ();
  g_autoptr (GByteArray) solution = g_byte_array_new ();
  UmkUint256 cb_txid;
  if (fetch_and_clear_solution (commitment->data, commitment->len, replacement, solution))
    {
      /* The solution is a serialized scriptSig and witness stack. Without one
       * the challenge must be satisfiable by nothing (OP_TRUE). */
      UmkReader r;
      umk_reader_init (&r, solution->data, solution->len);
      const uint8_t *script_sig;
      size_t script_sig_len;
      uint64_t n_items;
      if (!umk_read_var_view (&r, &script_sig, &script_sig_len)
          || !umk_read_compact_size (&r, &n_items, true))
        return NULL;
      umk_write_bytes (in->script_sig, script_sig, script_sig_len);
      for (uint64_t k = 0; k < n_items; k++)
        {
          const uint8_t *item;
          size_t item_len;
          if (!umk_read_var_view (&r, &item, &item_len))
            return NULL;
          GByteArray *copy = g_byte_array_sized_new ((guint) item_len);
          umk_write_bytes (copy, item, item_len);
          g_ptr_array_add (in->witness, copy);
        }
      if (umk_reader_remaining (&r) != 0)
        return NULL; /* extraneous data */
      txid_with_output_script (cb, (uint32_t) cidx, replacement, &cb_txid);
    }
  else
    cb_txid = cb->txid;

  g_autofree UmkUint256 *leaves = g_new (UmkUint256, block->n_tx);
  leaves[0] = cb_txid;
  for (size_t i = 1; i < block->n_tx; i++)
    leaves[i] = block->tx[i]->txid;
  UmkUint256 signet_merkle;
  umk_merkle_root (leaves, block->n_tx, &signet_merkle, NULL);

  uint8_t block_data[4 + 32 + 32 + 4];
  umk_store_u32le (block_data, (uint32_t) block->header.version);
  memcpy (block_data + 4, block->header.prev_block.b, 32);
  memcpy (block_data + 36, signet_merkle.b, 32);
  umk_store_u32le (block_data + 68, block->header.time);

  g_autoptr (UmkTxBuilder) to_spend = umk_tx_builder_new ();
  to_spend->version = 0;
  to_spend->lock_time = 0;
  UmkTxBuilderIn *spend_in = umk_tx_builder_add_input (to_spend, &null_prevout, 0);
  umk_write_u8 (spend_in->script_sig, UMK_OP_0);
  umk_script_write_push (spend_in->script_sig, block_data, sizeof block_data);
  umk_tx_builder_add_output (to_spend, 0, params->signet_challenge, params->signet_challenge_len);
  g_autoptr (UmkTx) spend_tx = umk_tx_builder_finish (to_spend, NULL);
  if (spend_tx == NULL)
    return NULL;

  in->prevout.hash = spend_tx->txid;
  in->prevout.n = 0;
  return umk_tx_builder_finish (to_sign, NULL);
}

bool
umk_signet_check_block_solution (const UmkBlock *block, const UmkConsensusParams *params)
{
  if (umk_uint256_equal (&block->hash, &params->hash_genesis_block))
    return true;
  g_autoptr (UmkTx) to_sign = signet_to_sign (block, params);
  if (to_sign == NULL)
    {
      g_debug ("CheckSignetBlockSolution: Errors in block (block solution parse failure)");
      return false;
    }
  const UmkTxOut spent = {
    .value = 0,
    .script_pubkey = { params->signet_challenge, params->signet_challenge_len },
  };
  UmkTxSigData sigdata;
  umk_tx_sigdata_init (&sigdata, to_sign, &spent, false);
  const UmkScriptFlags flags = UMK_SCRIPT_VERIFY_P2SH | UMK_SCRIPT_VERIFY_WITNESS
                               | UMK_SCRIPT_VERIFY_DERSIG | UMK_SCRIPT_VERIFY_NULLDUMMY;
  if (!umk_verify_input (to_sign, 0, &spent, flags, &sigdata, NULL))
    {
      g_debug ("CheckSignetBlockSolution: Errors in block (block solution invalid)");
      return false;
    }
  return true;
}

/* ---- contextual checks ---- */

bool
umk_contextual_check_block_header (const UmkBlockHeader *header, const UmkBlockIndex *prev,
                                   const UmkConsensusParams *params, int64_t now,
                                   UmkBlockValidationState *state)
{
  g_assert (prev != NULL);
  const int height = prev->height + 1;
  const int64_t time = header->time;

  if (header->bits != umk_pow_next_work_required (prev, time, params))
    return umk_block_state_invalid (state, UMK_BLOCK_RESULT_INVALID_HEADER, "bad-diffbits",
                                    "incorrect proof of work");

  if (time <= umk_block_index_median_time_past (prev))
    return umk_block_state_invalid (state, UMK_BLOCK_RESULT_INVALID_HEADER, "time-too-old",
                                    "block's timestamp is too early");

  /* BIP 94 (testnet4): the first block of a period may not go back in time
   * much, or the miner of the previous period's last block could stretch the
   * measured timespan (the timewarp attack). */
  if (params->enforce_bip94 && height % umk_consensus_difficulty_adjustment_interval (params) == 0
      && time < (int64_t) prev->time - UMK_MAX_TIMEWARP)
    return umk_block_state_invalid (state, UMK_BLOCK_RESULT_INVALID_HEADER, "time-timewarp-attack",
                                    "block's timestamp is too early on diff adjustment block");

  if (time > now + UMK_MAX_FUTURE_BLOCK_TIME)
    return umk_block_state_invalid (state, UMK_BLOCK_RESULT_TIME_FUTURE, "time-too-new",
                                    "block timestamp too far in the future");

  const int32_t v = header->version;
  if ((v < 2 && umk_buried_active_after (prev, params, UMK_BURIED_HEIGHTINCB))
      || (v < 3 && umk_buried_active_after (prev, params, UMK_BURIED_DERSIG))
      || (v < 4 && umk_buried_active_after (prev, params, UMK_BURIED_CLTV)))
    {
      char reason[UMK_REJECT_REASON_SIZE];
      g_snprintf (reason, sizeof reason, "bad-version(0x%08x)", (uint32_t) v);
      return umk_block_state_invalid (state, UMK_BLOCK_RESULT_INVALID_HEADER, reason,
                                      "rejected nVersion=0x%08x block", (uint32_t) v);
    }
  return true;
}

/* The start of a BIP 34 coinbase scriptSig: the height as CScript() << height
 * writes it (OP_0, OP_1..OP_16, or a minimal script-number push).
 * Returns: its length (at most 6). */
static size_t
bip34_prefix (int height, uint8_t out[6])
{
  if (height == 0)
    {
      out[0] = UMK_OP_0;
      return 1;
    }
  if (height >= 1 && height <= 16)
    {
      out[0] = (uint8_t) (UMK_OP_1 + height - 1);
      return 1;
    }
  /* A positive script number: little-endian, with a zero byte added when
   * the top bit would read as a sign. */
  size_t n = 0;
  uint32_t v = (uint32_t) height;
  while (v != 0)
    {
      out[1 + n++] = (uint8_t) (v & 0xff);
      v >>= 8;
    }
  if (out[n] & 0x80)
    out[1 + n++] = 0;
  out[0] = (uint8_t) n;
  return n + 1;
}

bool
umk_contextual_check_block (const UmkBlock *block, const UmkBlockIndex *prev,
                            const UmkConsensusParams *params, UmkBlockValidationState *state)
{
  const int height = prev == NULL ? 0 : prev->height + 1;

  /* BIP 113: once CSV is active lock times compare with the median time
   * past, which miners cannot push forward at will. */
  int64_t cutoff = block->header.time;
  if (umk_buried_active_after (prev, params, UMK_BURIED_CSV))
    {
      g_assert (prev != NULL);
      cutoff = umk_block_index_median_time_past (prev);
    }
  for (size_t i = 0; i < block->n_tx; i++)
    if (!umk_tx_is_final (block->tx[i], height, cutoff))
      return umk_block_state_invalid (state, UMK_BLOCK_RESULT_CONSENSUS, "bad-txns-nonfinal",
                                      "non-final transaction");

  if (umk_buried_active_after (prev, params, UMK_BURIED_HEIGHTINCB))
    {
      uint8_t expect[6];
      size_t expect_len = bip34_prefix (height, expect);
      const UmkSpan *sig = block->n_tx > 0 && block->tx[0]->n_in > 0
                               ? &block->tx[0]->in[0].script_sig
                               : &(const UmkSpan){ NULL, 0 };
      if (sig->len < expect_len || memcmp (sig->data, expect, expect_len) != 0)
        return umk_block_state_invalid (state, UMK_BLOCK_RESULT_CONSENSUS, "bad-cb-height",
                                        "block height mismatch in coinbase");
    }

  if (!umk_check_witness_malleation (
          block, umk_buried_active_after (prev, params, UMK_BURIED_SEGWIT), state))
    return false;

  /* Only now that the coinbase witness is known to be the committed one can
   * an overweight block be marked invalid for good. */
  if (umk_block_weight (block) > UMK_MAX_BLOCK_WEIGHT)
    return umk_block_state_invalid (state, UMK_BLOCK_RESULT_CONSENSUS, "bad-blk-weight",
                                    "ContextualCheckBlock : weight limit failed");
  return true;
}

/* ---- what ConnectBlock takes from here ---- */

int64_t
umk_block_subsidy (int height, const UmkConsensusParams *params)
{
  int halvings = height / params->subsidy_halving_interval;
  if (halvings >= 64)
    return 0; /* a shift by 64 or more is undefined */
  return (50 * UMK_COIN) >> halvings;
}

UmkScriptFlags
umk_block_script_flags (const UmkBlockIndex *index, const UmkConsensusParams *params)
{
  /* P2SH, segwit and taproot hold for the whole chain except the few
   * historic blocks that broke them, listed per chain. */
  UmkScriptFlags flags
      = UMK_SCRIPT_VERIFY_P2SH | UMK_SCRIPT_VERIFY_WITNESS | UMK_SCRIPT_VERIFY_TAPROOT;
  for (size_t i = 0; i < params->n_script_flag_exceptions; i++)
    if (umk_uint256_equal (&params->script_flag_exceptions[i].block_hash, &index->hash))
      {
        flags = params->script_flag_exceptions[i].flags;
        break;
      }
  if (umk_buried_active_at (index, params, UMK_BURIED_DERSIG))
    flags |= UMK_SCRIPT_VERIFY_DERSIG;
  if (umk_buried_active_at (index, params, UMK_BURIED_CLTV))
    flags |= UMK_SCRIPT_VERIFY_CHECKLOCKTIMEVERIFY;
  if (umk_buried_active_at (index, params, UMK_BURIED_CSV))
    flags |= UMK_SCRIPT_VERIFY_CHECKSEQUENCEVERIFY;
  /* BIP 147 came with segwit. */
  if (umk_buried_active_at (index, params, UMK_BURIED_SEGWIT))
    flags |= UMK_SCRIPT_VERIFY_NULLDUMMY;
  return flags;
}

static bool
hash_is (const UmkUint256 *hash, const char *hex)
{
  UmkUint256 h;
  if (!umk_uint256_from_hex (&h, hex))
    g_assert_not_reached ();
  return umk_uint256_equal (hash, &h);
}

bool
umk_is_bip30_repeat (const UmkBlockIndex *index)
{
  return (index->height == 91842
          && hash_is (&index->hash,
                      "0000000000428ff926372c6ea99712fd7b18e3f904a3dd78283857a03ec0900d"))
         || (index->height == 91880
             && hash_is (&index->hash,
                         "000000000024d0f4c29f736bd6d1ea4c44d0cd5c1439f18ca69f144eef28af3f"));
}

bool
umk_is_bip30_unspendable (const UmkUint256 *block_hash, int height)
{
  return (height == 91722
          && hash_is (block_hash,
                      "000000000020b729598284afb9ae56a533511bb58ca4fd1ef2bb0a6066150464"))
         || (height == 91812
             && hash_is (block_hash,
                         "000000000022213d0d4b6a18ea70cc42bb8ef80d7c45a7c993dd9e8b7391d33b"));
}

bool
umk_bip30_check_needed (const UmkBlockIndex *index, const UmkConsensusParams *params)
{
  g_assert (index->prev != NULL);
  bool enforce = !umk_is_bip30_repeat (index);
  /* Once BIP 34 is active on the known chain, coinbases commit to their
   * height and cannot repeat, so the UTXO lookups can be skipped... */
  const UmkBlockIndex *bip34 = umk_block_index_get_ancestor (index->prev, params->bip34_height);
  enforce = enforce && (bip34 == NULL || !umk_uint256_equal (&bip34->hash, &params->bip34_hash));
  /* ...until the heights that coinbases from before BIP 34 happened to
   * commit to. */
  return enforce || index->height >= UMK_BIP34_IMPLIES_BIP30_LIMIT;
}

bool
umk_headers_have_valid_pow (const UmkBlockHeader *headers, size_t n,
                            const UmkConsensusParams *params)
{
  for (size_t i = 0; i < n; i++)
    {
      UmkUint256 hash;
      umk_block_header_hash (&headers[i], &hash);
      if (!umk_pow_check (&hash, headers[i].bits, params))
        return false;
    }
  return true;
}

void
umk_headers_claimed_work (const UmkBlockHeader *headers, size_t n, UmkArith256 *work)
{
  umk_arith256_from_u64 (work, 0);
  for (size_t i = 0; i < n; i++)
    {
      UmkArith256 w;
      umk_arith256_work_from_bits (&w, headers[i].bits);
      umk_arith256_add (work, work, &w);
    }
}
