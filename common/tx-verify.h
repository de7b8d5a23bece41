/* tx-verify.h — the checks of a transaction in its place in the chain
 * (Umkoin Core v31.0's consensus/tx_verify.cpp): lock time and BIP 68
 * sequence locks, signature-operation counts, and the value rules of its
 * inputs.
 *
 * The spent outputs are passed in input order as UmkSpentOutput views, so
 * these functions need no coins database. They allocate nothing and keep no
 * state: any thread may call them.
 */
#pragma once

#include "common/chain.h"
#include "common/script-flags.h"
#include "common/tx.h"
#include "common/validation-state.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UMK_COINBASE_MATURITY     100   /* blocks before a coinbase output may be spent */
#define UMK_MAX_BLOCK_SIGOPS_COST 80000 /* per block, in the witness-scaled unit */
/* Flag of umk_calculate_sequence_locks: enforce BIP 68 (once CSV is active). */
#define UMK_LOCKTIME_VERIFY_SEQUENCE (1 << 0)
/* Time-based BIP 68 locks count in units of 2^9 = 512 seconds. */
#define UMK_SEQUENCE_LOCKTIME_GRANULARITY 9

/* The output an input spends, as the UTXO set has it. */
typedef struct
{
  int64_t value;
  const uint8_t *script; /* scriptPubKey */
  size_t script_len;
  uint32_t height; /* of the block that created it */
  bool coinbase;   /* created by a coinbase transaction */
} UmkSpentOutput;

/* Whether tx may be in a block at block_height with block_time (the block's
 * time, or with BIP 113 the median time past of its parent): its lock time is
 * zero or already passed, or every input has the final sequence number. */
bool umk_tx_is_final (const UmkTx *tx, int block_height, int64_t block_time);

/* A transaction's BIP 68 locks in nLockTime's terms: the last invalid height
 * and time (-1: none). */
typedef struct
{
  int min_height;
  int64_t min_time;
} UmkSequenceLocks;

/* Computes tx's relative lock times for inclusion in block (the index of the
 * block that would contain tx; for the mempool an entry one above the tip
 * whose prev is the tip will do). prev_heights holds, per input, the height of
 * the block that created the spent output; inputs without a relative lock are
 * set to 0, as Core does. Without UMK_LOCKTIME_VERIFY_SEQUENCE in flags, or for
 * a transaction version below 2, there are no locks. */
UmkSequenceLocks umk_calculate_sequence_locks (const UmkTx *tx, int flags, int *prev_heights,
                                               const UmkBlockIndex *block);
/* Whether the locks are satisfied in block (which must have a parent). */
bool umk_evaluate_sequence_locks (const UmkBlockIndex *block, UmkSequenceLocks locks);
/* Both of the above (Core's SequenceLocks). */
bool umk_sequence_locks (const UmkTx *tx, int flags, int *prev_heights, const UmkBlockIndex *block);

/* Signature operations in the scriptSigs and scriptPubKeys, counted the
 * legacy way (CHECKMULTISIG is 20). */
unsigned umk_tx_legacy_sigop_count (const UmkTx *tx);
/* Signature operations of the redeem scripts of P2SH inputs (accurately
 * counted); 0 for a coinbase. spent: n_in entries. */
unsigned umk_tx_p2sh_sigop_count (const UmkTx *tx, const UmkSpentOutput *spent);
/* Signature operations of a witness program (Core's CountWitnessSigOps): 1
 * for P2WPKH, the accurate count of a P2WSH witness script, 0 for other
 * versions; also for P2SH-wrapped programs. 0 without WITNESS in flags. */
unsigned umk_witness_sigop_count (const uint8_t *script_sig, size_t script_sig_len,
                                  const uint8_t *script_pubkey, size_t script_pubkey_len,
                                  const UmkSpan *witness, size_t n_witness, UmkScriptFlags flags);
/* The total cost: legacy and P2SH counts times 4, plus witness sigops.
 * spent: n_in entries (may be NULL for a coinbase, whose cost is the legacy
 * count only). P2SH counts only with the P2SH flag. */
int64_t umk_tx_sigop_cost (const UmkTx *tx, const UmkSpentOutput *spent, UmkScriptFlags flags);

/* The value rules of a non-coinbase transaction's inputs (Core's
 * Consensus::CheckTxInputs after its inputs were found): no coinbase output
 * spent before UMK_COINBASE_MATURITY blocks ("bad-txns-premature-spend-of-coinbase"),
 * input values and their sum in range ("bad-txns-inputvalues-outofrange"), no
 * more out than in ("bad-txns-in-belowout"), fee in range
 * ("bad-txns-fee-outofrange"). spend_height is that of the spending block (for
 * the mempool, the tip's + 1). tx must have passed umk_tx_check.
 * Returns: true with the fee in *fee, or false with state set. */
bool umk_tx_check_inputs (const UmkTx *tx, const UmkSpentOutput *spent, int spend_height,
                          UmkTxValidationState *state, int64_t *fee);

/* Sets the state Core's CheckTxInputs reports when an input is missing or
 * already spent (TX_MISSING_INPUTS, "bad-txns-inputs-missingorspent").
 * Returns: false. */
bool umk_tx_state_missing_inputs (UmkTxValidationState *state);

/* An amount as Core's FormatMoney writes it: at least two decimals, trailing
 * zeros cut ("1.00", "0.5", "-0.00000001"). buf needs 32 bytes. */
const char *umk_format_money (int64_t value, char buf[32]);
