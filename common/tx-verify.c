/* tx-verify.c — lock times, sequence locks, sigop counts, input values. */
#define G_LOG_DOMAIN "umk-tx-verify"
#include "config.h"

#include "common/tx-verify.h"

#include "common/chainparams.h"
#include "common/interpreter.h"
#include "common/script.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

bool
umk_tx_is_final (const UmkTx *tx, int block_height, int64_t block_time)
{
  if (tx->lock_time == 0)
    return true;
  int64_t lock = tx->lock_time;
  if (lock < (lock < UMK_LOCKTIME_THRESHOLD ? (int64_t) block_height : block_time))
    return true;
  /* An unreached lock time is ignored when every input opted out of it with
   * the final sequence number; that is also why CHECKLOCKTIMEVERIFY demands a
   * non-final sequence. */
  for (uint32_t i = 0; i < tx->n_in; i++)
    if (tx->in[i].sequence != UMK_SEQUENCE_FINAL)
      return false;
  return true;
}

UmkSequenceLocks
umk_calculate_sequence_locks (const UmkTx *tx, int flags, int *prev_heights,
                              const UmkBlockIndex *block)
{
  /* nLockTime semantics: the last height/time that is still too early; -1
   * lets any height or time through. */
  UmkSequenceLocks locks = { .min_height = -1, .min_time = -1 };
  if (tx->version < 2 || !(flags & UMK_LOCKTIME_VERIFY_SEQUENCE))
    return locks;

  for (uint32_t i = 0; i < tx->n_in; i++)
    {
      uint32_t seq = tx->in[i].sequence;
      if (seq & UMK_SEQUENCE_LOCKTIME_DISABLE_FLAG)
        {
          prev_heights[i] = 0; /* the coin's height does not matter */
          continue;
        }
      int coin_height = prev_heights[i];
      int64_t value = seq & UMK_SEQUENCE_LOCKTIME_MASK;
      if (seq & UMK_SEQUENCE_LOCKTIME_TYPE_FLAG)
        {
          /* A time lock runs from the earliest time the coin's block could
           * have had: the median time past of the block before it. BIP 68
           * counts the first valid time; nLockTime the last invalid one,
           * hence the - 1. */
          const UmkBlockIndex *base
              = umk_block_index_get_ancestor ((UmkBlockIndex *) block, MAX (coin_height - 1, 0));
          g_assert (base != NULL);
          int64_t coin_time = umk_block_index_median_time_past (base);
          locks.min_time
              = MAX (locks.min_time, coin_time + (value << UMK_SEQUENCE_LOCKTIME_GRANULARITY) - 1);
        }
      else
        locks.min_height = MAX (locks.min_height, coin_height + (int) value - 1);
    }
  return locks;
}

bool
umk_evaluate_sequence_locks (const UmkBlockIndex *block, UmkSequenceLocks locks)
{
  g_assert (block->prev != NULL);
  int64_t block_time = umk_block_index_median_time_past (block->prev);
  return !(locks.min_height >= block->height || locks.min_time >= block_time);
}

bool
umk_sequence_locks (const UmkTx *tx, int flags, int *prev_heights, const UmkBlockIndex *block)
{
  return umk_evaluate_sequence_locks (
      block, umk_calculate_sequence_locks (tx, flags, prev_heights, block));
}

unsigned
umk_tx_legacy_sigop_count (const UmkTx *tx)
{
  unsigned n = 0;
  for (uint32_t i = 0; i < tx->n_in; i++)
    n += umk_script_sigop_count (tx->in[i].script_sig.data, tx->in[i].script_sig.len, false);
  for (uint32_t i = 0; i < tx->n_out; i++)
    n += umk_script_sigop_count (tx->out[i].script_pubkey.data, tx->out[i].script_pubkey.len,
                                 false);
  return n;
}

/* The last push of a push-only script_sig (the P2SH redeem script).
 * Returns: false if script_sig is malformed or not push-only; an empty
 * result when the last operation pushed no bytes (OP_0, OP_1..OP_16). */
static bool
last_push (const uint8_t *s, size_t len, const uint8_t **data, size_t *data_len)
{
  size_t pc = 0;
  UmkScriptOp op;
  *data = NULL;
  *data_len = 0;
  while (pc < len)
    {
      if (!umk_script_next_op (s, len, &pc, &op) || op.opcode > UMK_OP_16)
        return false;
      *data = op.data;
      *data_len = op.len;
    }
  return true;
}

/* Core's CScript::GetSigOpCount(scriptSig) for a P2SH scriptPubKey. */
static unsigned
p2sh_sigops (const uint8_t *script_sig, size_t script_sig_len)
{
  const uint8_t *redeem;
  size_t redeem_len;
  if (!last_push (script_sig, script_sig_len, &redeem, &redeem_len))
    return 0;
  return umk_script_sigop_count (redeem, redeem_len, true);
}

unsigned
umk_tx_p2sh_sigop_count (const UmkTx *tx, const UmkSpentOutput *spent)
{
  if (umk_tx_is_coinbase (tx))
    return 0;
  unsigned n = 0;
  for (uint32_t i = 0; i < tx->n_in; i++)
    if (umk_script_is_p2sh (spent[i].script, spent[i].script_len))
      n += p2sh_sigops (tx->in[i].script_sig.data, tx->in[i].script_sig.len);
  return n;
}

static unsigned
witness_program_sigops (int version, size_t program_len, const UmkSpan *witness, size_t n_witness)
{
  if (version == 0)
    {
      if (program_len == 20)
        return 1;
      if (program_len == 32 && n_witness > 0)
        return umk_script_sigop_count (witness[n_witness - 1].data, witness[n_witness - 1].len,
                                       true);
    }
  return 0; /* later versions count their signatures differently (BIP 342) */
}

unsigned
umk_witness_sigop_count (const uint8_t *script_sig, size_t script_sig_len,
                         const uint8_t *script_pubkey, size_t script_pubkey_len,
                         const UmkSpan *witness, size_t n_witness, UmkScriptFlags flags)
{
  if (!(flags & UMK_SCRIPT_VERIFY_WITNESS))
    return 0;
  int version;
  size_t program_len;
  if (umk_script_is_witness_program (script_pubkey, script_pubkey_len, &version, NULL,
                                     &program_len))
    return witness_program_sigops (version, program_len, witness, n_witness);

  if (umk_script_is_p2sh (script_pubkey, script_pubkey_len)
      && umk_script_is_push_only (script_sig, script_sig_len))
    {
      const uint8_t *redeem;
      size_t redeem_len;
      if (last_push (script_sig, script_sig_len, &redeem, &redeem_len)
          && umk_script_is_witness_program (redeem, redeem_len, &version, NULL, &program_len))
        return witness_program_sigops (version, program_len, witness, n_witness);
    }
  return 0;
}

int64_t
umk_tx_sigop_cost (const UmkTx *tx, const UmkSpentOutput *spent, UmkScriptFlags flags)
{
  int64_t cost = (int64_t) umk_tx_legacy_sigop_count (tx) * UMK_WITNESS_SCALE_FACTOR;
  if (umk_tx_is_coinbase (tx))
    return cost;
  if (flags & UMK_SCRIPT_VERIFY_P2SH)
    cost += (int64_t) umk_tx_p2sh_sigop_count (tx, spent) * UMK_WITNESS_SCALE_FACTOR;
  for (uint32_t i = 0; i < tx->n_in; i++)
    cost += umk_witness_sigop_count (tx->in[i].script_sig.data, tx->in[i].script_sig.len,
                                     spent[i].script, spent[i].script_len, tx->in[i].witness,
                                     tx->in[i].n_witness, flags);
  return cost;
}

const char *
umk_format_money (int64_t value, char buf[32])
{
  /* Magnitude in unsigned arithmetic, so INT64_MIN has one too. */
  uint64_t abs = value < 0 ? 0 - (uint64_t) value : (uint64_t) value;
  int n = snprintf (buf, 32, "%s%" PRIu64 ".%08" PRIu64, value < 0 ? "-" : "",
                    abs / (uint64_t) UMK_COIN, abs % (uint64_t) UMK_COIN);
  /* Keep two decimals at least. */
  while (n > 0 && buf[n - 1] == '0' && buf[n - 3] != '.')
    buf[--n] = '\0';
  return buf;
}

bool
umk_tx_check_inputs (const UmkTx *tx, const UmkSpentOutput *spent, int spend_height,
                     UmkTxValidationState *state, int64_t *fee)
{
  int64_t value_in = 0;
  for (uint32_t i = 0; i < tx->n_in; i++)
    {
      int64_t depth = (int64_t) spend_height - (int64_t) spent[i].height;
      if (spent[i].coinbase && depth < UMK_COINBASE_MATURITY)
        return umk_tx_state_invalid (state, UMK_TX_RESULT_PREMATURE_SPEND,
                                     "bad-txns-premature-spend-of-coinbase",
                                     "tried to spend coinbase at depth %" PRId64, depth);
      /* Each value is checked before it is added, so the sum cannot overflow
       * (Core adds first; the outcome is the same). */
      if (!umk_money_range (spent[i].value) || !umk_money_range (value_in + spent[i].value))
        return umk_tx_state_invalid (state, UMK_TX_RESULT_CONSENSUS,
                                     "bad-txns-inputvalues-outofrange", NULL);
      value_in += spent[i].value;
    }

  /* umk_tx_check keeps each output and their sum in range. */
  int64_t value_out = 0;
  for (uint32_t i = 0; i < tx->n_out; i++)
    value_out += tx->out[i].value;
  if (value_in < value_out)
    {
      char in_buf[32], out_buf[32];
      return umk_tx_state_invalid (
          state, UMK_TX_RESULT_CONSENSUS, "bad-txns-in-belowout", "value in (%s) < value out (%s)",
          umk_format_money (value_in, in_buf), umk_format_money (value_out, out_buf));
    }
  int64_t tx_fee = value_in - value_out;
  if (!umk_money_range (tx_fee))
    return umk_tx_state_invalid (state, UMK_TX_RESULT_CONSENSUS, "bad-txns-fee-outofrange", NULL);
  *fee = tx_fee;
  return true;
}

bool
umk_tx_state_missing_inputs (UmkTxValidationState *state)
{
  return umk_tx_state_invalid (state, UMK_TX_RESULT_MISSING_INPUTS,
                               "bad-txns-inputs-missingorspent",
                               "CheckTxInputs: inputs missing/spent");
}
