/* policy.h — the node's transaction relay policy: what Umkoin Core v31.0
 * calls standard (policy/policy.cpp, truc_policy, ephemeral_policy), fee
 * rates as Core computes them (policy/feerate.cpp, util/feefrac.h), and the
 * limits and defaults of the mempool.
 *
 * None of this is consensus: a block may hold non-standard transactions. It
 * decides what this node accepts into its mempool and relays; the numbers and
 * reject reasons must still be Core's, because peers and wallets reason about
 * what other nodes accept.
 */
#pragma once

#include "common/script-flags.h"
#include "common/sign.h"
#include "common/tx.h"

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

/* ---- limits and defaults (policy/policy.h, policy/truc_policy.h) ---- */

#define UMK_MAX_STANDARD_TX_WEIGHT                 400000
#define UMK_MIN_STANDARD_TX_NONWITNESS_SIZE        65
#define UMK_MAX_P2SH_SIGOPS                        15
#define UMK_MAX_BLOCK_SIGOPS_COST                  80000
#define UMK_MAX_STANDARD_TX_SIGOPS_COST            (UMK_MAX_BLOCK_SIGOPS_COST / 5)
#define UMK_MAX_TX_LEGACY_SIGOPS                   2500 /* BIP 54, counted in AreInputsStandard */
#define UMK_DEFAULT_INCREMENTAL_RELAY_FEE          100  /* sat/kvB */
#define UMK_DEFAULT_MIN_RELAY_TX_FEE               100  /* sat/kvB */
#define UMK_DUST_RELAY_TX_FEE                      3000 /* sat/kvB */
#define UMK_DEFAULT_BYTES_PER_SIGOP                20
#define UMK_DEFAULT_PERMIT_BAREMULTISIG            true
#define UMK_DEFAULT_ACCEPT_DATACARRIER             true
#define UMK_MAX_OP_RETURN_RELAY                    (UMK_MAX_STANDARD_TX_WEIGHT / UMK_WITNESS_SCALE_FACTOR)
#define UMK_MAX_STANDARD_P2WSH_STACK_ITEMS         100
#define UMK_MAX_STANDARD_P2WSH_STACK_ITEM_SIZE     80
#define UMK_MAX_STANDARD_TAPSCRIPT_STACK_ITEM_SIZE 80
#define UMK_MAX_STANDARD_P2WSH_SCRIPT_SIZE         3600
#define UMK_MAX_STANDARD_SCRIPTSIG_SIZE            1650
#define UMK_MAX_DUST_OUTPUTS_PER_TX                1
#define UMK_TX_MIN_STANDARD_VERSION                1
#define UMK_TX_MAX_STANDARD_VERSION                3

/* Clusters (txgraph): at most this many transactions, and this many virtual
 * kilobytes (the size limit is kept in sigop-adjusted weight internally). */
#define UMK_DEFAULT_CLUSTER_LIMIT          64
#define UMK_MAX_CLUSTER_COUNT_LIMIT        64
#define UMK_DEFAULT_CLUSTER_SIZE_LIMIT_KVB 101
/* Only the wallet reads these in v31; the mempool no longer enforces them. */
#define UMK_DEFAULT_ANCESTOR_LIMIT   25
#define UMK_DEFAULT_DESCENDANT_LIMIT 25

/* Replacements may touch at most this many clusters (policy/rbf.h). */
#define UMK_MAX_REPLACEMENT_CANDIDATES 100

/* Packages (policy/packages.h). */
#define UMK_MAX_PACKAGE_COUNT  25
#define UMK_MAX_PACKAGE_WEIGHT 404000

/* TRUC, version 3 (BIP 431). */
#define UMK_TRUC_VERSION          3
#define UMK_TRUC_ANCESTOR_LIMIT   2
#define UMK_TRUC_DESCENDANT_LIMIT 2
#define UMK_TRUC_MAX_VSIZE        10000
#define UMK_TRUC_CHILD_MAX_VSIZE  1000

#define UMK_MANDATORY_SCRIPT_VERIFY_FLAGS                                          \
  (UMK_SCRIPT_VERIFY_P2SH | UMK_SCRIPT_VERIFY_DERSIG | UMK_SCRIPT_VERIFY_NULLDUMMY \
   | UMK_SCRIPT_VERIFY_CHECKLOCKTIMEVERIFY | UMK_SCRIPT_VERIFY_CHECKSEQUENCEVERIFY \
   | UMK_SCRIPT_VERIFY_WITNESS | UMK_SCRIPT_VERIFY_TAPROOT)

#define UMK_STANDARD_SCRIPT_VERIFY_FLAGS                                                           \
  (UMK_MANDATORY_SCRIPT_VERIFY_FLAGS | UMK_SCRIPT_VERIFY_STRICTENC | UMK_SCRIPT_VERIFY_MINIMALDATA \
   | UMK_SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_NOPS | UMK_SCRIPT_VERIFY_CLEANSTACK                   \
   | UMK_SCRIPT_VERIFY_MINIMALIF | UMK_SCRIPT_VERIFY_NULLFAIL | UMK_SCRIPT_VERIFY_LOW_S            \
   | UMK_SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM                                       \
   | UMK_SCRIPT_VERIFY_WITNESS_PUBKEYTYPE | UMK_SCRIPT_VERIFY_CONST_SCRIPTCODE                     \
   | UMK_SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_TAPROOT_VERSION                                       \
   | UMK_SCRIPT_VERIFY_DISCOURAGE_OP_SUCCESS | UMK_SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_PUBKEYTYPE)

#define UMK_STANDARD_NOT_MANDATORY_VERIFY_FLAGS \
  (UMK_STANDARD_SCRIPT_VERIFY_FLAGS & ~(UmkScriptFlags) UMK_MANDATORY_SCRIPT_VERIFY_FLAGS)

/* ---- fee fractions and fee rates ----------------------------------------- */

/* A fee over a size (Core's FeeFrac): ordered by fee/size. The size is weight
 * or virtual bytes depending on where it is used; size 0 is the empty value. */
typedef struct
{
  int64_t fee;
  int32_t size;
} UmkFeeFrac;

/* Compares a and b by fee rate only: < 0 when a's rate is lower (the empty
 * value compares as rate 0/0 would: equal to everything by cross products). */
int umk_feefrac_rate_cmp (UmkFeeFrac a, UmkFeeFrac b);
/* Core's total order: by rate, then larger size first (so a larger size with
 * the same rate sorts lower). */
int umk_feefrac_cmp (UmkFeeFrac a, UmkFeeFrac b);
/* fee * at_size / size rounded down (round_down) or up. size must be > 0. */
int64_t umk_feefrac_evaluate (UmkFeeFrac f, int32_t at_size, bool round_down);

/* Core's CompareChunks: compares two fee rate diagrams given as sorted chunks
 * (highest rate first). Returns: 1 if a is better somewhere and nowhere worse,
 * -1 for the reverse, 0 when equal, 2 when they cross (incomparable). */
int umk_feefrac_compare_diagrams (const UmkFeeFrac *a, size_t n_a, const UmkFeeFrac *b, size_t n_b);

/* Core's CFeeRate: satoshis per virtual kilobyte kept as a fraction. */
typedef UmkFeeFrac UmkFeeRate;

static inline UmkFeeRate
umk_feerate_from_kvb (int64_t sat_per_kvb)
{
  UmkFeeRate r = { sat_per_kvb, 1000 };
  return r;
}
/* CFeeRate(fee, vsize): the empty rate when vsize <= 0. */
UmkFeeRate umk_feerate_from_fee (int64_t fee, int64_t vsize);
/* The fee for vsize virtual bytes, rounded up (CFeeRate::GetFee; -1 rather
 * than 0 for a negative rate). */
int64_t umk_feerate_get_fee (UmkFeeRate rate, int64_t vsize);
/* Satoshis per kvB, rounded down (GetFeePerK). */
int64_t umk_feerate_per_kvb (UmkFeeRate rate);
/* Core's "x.xxxxxxxx UMK/kvB" text. */
char *umk_feerate_to_string (UmkFeeRate rate) G_GNUC_WARN_UNUSED_RESULT;

/* ---- virtual size -------------------------------------------------------- */

/* max(weight, sigop_cost * bytes_per_sigop): what the mempool and the miner
 * count a transaction's size as. */
static inline int64_t
umk_policy_adjusted_weight (int64_t weight, int64_t sigop_cost, unsigned bytes_per_sigop)
{
  int64_t s = sigop_cost * (int64_t) bytes_per_sigop;
  return weight > s ? weight : s;
}
/* Core's GetVirtualTransactionSize(weight, sigop cost, bytes per sigop). */
static inline int64_t
umk_policy_vsize (int64_t weight, int64_t sigop_cost, unsigned bytes_per_sigop)
{
  return (umk_policy_adjusted_weight (weight, sigop_cost, bytes_per_sigop)
          + UMK_WITNESS_SCALE_FACTOR - 1)
         / UMK_WITNESS_SCALE_FACTOR;
}
static inline int64_t
umk_policy_tx_vsize (const UmkTx *tx, int64_t sigop_cost, unsigned bytes_per_sigop)
{
  return umk_policy_vsize ((int64_t) umk_tx_weight (tx), sigop_cost, bytes_per_sigop);
}

/* ---- output types ------------------------------------------------------ */

/* OP_1 <0x4e73>: the keyless pay-to-anchor output. */
bool umk_script_is_pay_to_anchor (const uint8_t *script, size_t len);

/* ---- standardness (policy/policy.cpp) ------------------------------------ */

/* The dust threshold of an output at dust_relay_fee: what spending it would
 * cost (0 for unspendable outputs). 546 for P2PKH and 294 for P2WPKH at the
 * default 3000 sat/kvB. */
int64_t umk_policy_dust_threshold (const UmkTxOut *out, UmkFeeRate dust_relay_fee);
bool umk_policy_is_dust (const UmkTxOut *out, UmkFeeRate dust_relay_fee);
/* Returns: how many of tx's outputs are dust. */
unsigned umk_policy_count_dust (const UmkTx *tx, UmkFeeRate dust_relay_fee);

/* An output script is standard: a known type, and multisig at most x-of-3. */
bool umk_policy_is_standard_script (const uint8_t *script, size_t len, UmkTxoutType *type);

/* Core's IsStandardTx. max_datacarrier_bytes < 0 means data carrier outputs
 * are not allowed at all (-datacarrier=0). On failure *reason is one of
 * "version", "tx-size", "scriptsig-size", "scriptsig-not-pushonly",
 * "scriptpubkey", "datacarrier", "bare-multisig", "dust" (static strings). */
bool umk_policy_is_standard_tx (const UmkTx *tx, int64_t max_datacarrier_bytes,
                                bool permit_bare_multisig, UmkFeeRate dust_relay_fee,
                                const char **reason);

/* Core's AreInputsStandard: spent[i] is the output input i spends. False for
 * spends of non-standard or unknown-witness outputs, P2SH redeem scripts with
 * more than 15 sigops, or more than 2500 legacy sigops (BIP 54). */
bool umk_policy_are_inputs_standard (const UmkTx *tx, const UmkTxOut *spent);

/* Core's IsWitnessStandard: P2WSH and tapscript resource limits, no annex, no
 * witness for non-witness or anchor outputs. */
bool umk_policy_is_witness_standard (const UmkTx *tx, const UmkTxOut *spent);

/* The stack a push-only scriptSig leaves when run without flags (what Core's
 * EvalScript gives AreInputsStandard). Returns: false if it would fail; on
 * success *last (may be NULL) is the top element (len 0 when the stack is
 * empty, and *depth 0). */
bool umk_policy_eval_push_only (const uint8_t *script, size_t len, UmkSpan *last, size_t *depth);

/* Core's CScript::GetSigOpCount(scriptSig): accurate count of the
 * scriptPubKey, or for P2SH of the redeem script the scriptSig pushes last. */
unsigned umk_policy_p2sh_sigop_count (const uint8_t *script_pubkey, size_t spk_len,
                                      const uint8_t *script_sig, size_t sig_len);
