/* sign.h — signing transaction inputs with known private keys and scripts,
 * as Umkoin Core v31.0's script/sign.cpp (SignTransaction, ProduceSignature,
 * SignStep, DataFromTransaction) does it for signrawtransactionwithkey.
 *
 * What can be signed: P2PK, P2PKH, bare multisig, P2WPKH, P2SH and P2WSH (and
 * P2SH-P2WSH) around any of those whose script the provider knows, P2SH-P2WPKH,
 * P2TR key path, and pay-to-anchor (which needs nothing). Miniscript
 * satisfaction of other P2WSH scripts and taproot script paths are not done
 * here (Core's wallet does them from descriptors).
 *
 * Signatures are Core's byte for byte: ECDSA with RFC 6979 nonces ground to a
 * low R, BIP 340 with all-zero auxiliary randomness. Every input is verified
 * after signing with the script interpreter and the standard flags.
 */
#pragma once

#include "common/script-error.h"
#include "common/script-flags.h"
#include "common/sighash.h"
#include "common/tx.h"

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Core's STANDARD_SCRIPT_VERIFY_FLAGS (policy/policy.h): what signing checks
 * its result against. */
#define UMK_SIGN_STANDARD_FLAGS                                                                    \
  ((UmkScriptFlags) (UMK_SCRIPT_VERIFY_P2SH | UMK_SCRIPT_VERIFY_DERSIG                             \
                     | UMK_SCRIPT_VERIFY_NULLDUMMY | UMK_SCRIPT_VERIFY_CHECKLOCKTIMEVERIFY         \
                     | UMK_SCRIPT_VERIFY_CHECKSEQUENCEVERIFY | UMK_SCRIPT_VERIFY_WITNESS           \
                     | UMK_SCRIPT_VERIFY_TAPROOT | UMK_SCRIPT_VERIFY_STRICTENC                     \
                     | UMK_SCRIPT_VERIFY_MINIMALDATA                                               \
                     | UMK_SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_NOPS | UMK_SCRIPT_VERIFY_CLEANSTACK \
                     | UMK_SCRIPT_VERIFY_MINIMALIF | UMK_SCRIPT_VERIFY_NULLFAIL                    \
                     | UMK_SCRIPT_VERIFY_LOW_S                                                     \
                     | UMK_SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM                     \
                     | UMK_SCRIPT_VERIFY_WITNESS_PUBKEYTYPE | UMK_SCRIPT_VERIFY_CONST_SCRIPTCODE   \
                     | UMK_SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_TAPROOT_VERSION                     \
                     | UMK_SCRIPT_VERIFY_DISCOURAGE_OP_SUCCESS                                     \
                     | UMK_SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_PUBKEYTYPE))

/* ---- Output script templates (Core's Solver) ---------------------------- */

typedef enum
{
  UMK_TXOUT_NONSTANDARD,
  UMK_TXOUT_ANCHOR,
  UMK_TXOUT_PUBKEY,
  UMK_TXOUT_PUBKEYHASH,
  UMK_TXOUT_SCRIPTHASH,
  UMK_TXOUT_MULTISIG,
  UMK_TXOUT_NULL_DATA,
  UMK_TXOUT_WITNESS_V0_SCRIPTHASH,
  UMK_TXOUT_WITNESS_V0_KEYHASH,
  UMK_TXOUT_WITNESS_V1_TAPROOT,
  UMK_TXOUT_WITNESS_UNKNOWN,
} UmkTxoutType;

#define UMK_SIGN_MAX_MULTISIG_KEYS 20

/* What Solver finds in a script; pointers are views into the script. */
typedef struct
{
  UmkTxoutType type;
  /* PUBKEY (one key) and MULTISIG */
  int required;
  int n_keys;
  const uint8_t *keys[UMK_SIGN_MAX_MULTISIG_KEYS];
  size_t key_lens[UMK_SIGN_MAX_MULTISIG_KEYS];
  /* PUBKEYHASH and SCRIPTHASH: the 20-byte hash; witness types: the program */
  const uint8_t *hash;
  size_t hash_len;
  int witness_version;
} UmkSolution;

/* Core's Solver. Returns: the type (sol is filled for it). */
UmkTxoutType umk_sign_solve (const uint8_t *script, size_t len, UmkSolution *sol);

/* Core's GetTxnOutputType: "pubkey", "witness_v0_keyhash", … */
const char *umk_txout_type_name (UmkTxoutType type);

/* ---- Keys and scripts to sign with -------------------------------------- */

typedef struct _UmkSignProvider UmkSignProvider;

UmkSignProvider *umk_sign_provider_new (void) G_GNUC_WARN_UNUSED_RESULT;
/* Wipes the secret keys and frees. */
void umk_sign_provider_free (UmkSignProvider *p);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (UmkSignProvider, umk_sign_provider_free)

/* Adds a secret key (copied), used with its compressed or uncompressed public
 * key as a WIF key says. A key signs for scripts that name that public key or
 * its HASH160, and, when compressed, for a taproot output whose key is its
 * x coordinate (without tweak, as Core signs with keys alone).
 * Returns: false if seckey is not a valid secret key. */
bool umk_sign_provider_add_key (UmkSignProvider *p, const uint8_t seckey[32], bool compressed);

/* Adds a redeemScript or witnessScript, found by its HASH160 (which is also
 * RIPEMD160 of a P2WSH program). */
void umk_sign_provider_add_script (UmkSignProvider *p, const uint8_t *script, size_t len);

/* Makes the taproot output of an internal key and script tree root (NULL for
 * none: BIP 86) known, so that a key for the internal key signs for it with
 * the BIP 341 tweak (what Core's descriptor wallets provide; the
 * signrawtransactionwithkey RPC gives no such data).
 * Returns: false if internal is not a valid x-only key. */
bool umk_sign_provider_add_taproot (UmkSignProvider *p, const uint8_t internal[32],
                                    const uint8_t *merkle_root);

/* ---- Signing a transaction ---------------------------------------------- */

typedef enum
{
  UMK_SIGN_ERR_MISSING_INPUT,  /* no coin known for the input */
  UMK_SIGN_ERR_MISSING_AMOUNT, /* a witness was made, but the coin's amount is UMK_MAX_MONEY:
                                  the caller's mark of an unknown amount */
  UMK_SIGN_ERR_SCRIPT,         /* the input does not verify */
} UmkSignErrorKind;

typedef struct
{
  uint32_t input;
  UmkSignErrorKind kind;
  UmkScriptError script_error; /* for UMK_SIGN_ERR_SCRIPT */
  const char *message;         /* Core's text (static) */
} UmkSignInputError;

/* Core's SignTransaction. For every input whose coin is known (found[i];
 * coins[i] is the output it spends), merges what the input already holds
 * (signatures of a partly signed multisig, redeem and witness scripts), signs
 * what the provider can with hash_type (UMK_SIGHASH_DEFAULT is ALL for ECDSA
 * and a 64-byte signature for taproot; SIGHASH_SINGLE inputs without a
 * matching output are not signed), and verifies it.
 * Returns: the transaction with the new scriptSigs and witnesses, as a
 *          builder (serialize with umk_tx_builder_write()). errors (GArray of
 *          UmkSignInputError, cleared first) gets one entry per input that is
 *          not complete, in input order; none means the transaction is
 *          complete. */
UmkTxBuilder *umk_sign_transaction (const UmkTx *tx, const UmkSignProvider *p,
                                    const UmkTxOut *coins, const bool *found, int hash_type,
                                    GArray *errors) G_GNUC_WARN_UNUSED_RESULT;

/* Core's combinerawtransaction without the coin lookup: the transaction
 * variants[0] with each input completed from what all variants hold for it
 * (their signatures and scripts; an input complete in one variant is taken
 * from it). No keys are used. coins[i] is the output input i of variants[0]
 * spends; every one must be known. n_variants is at least 1. */
UmkTxBuilder *umk_sign_combine (const UmkTx *const *variants, guint n_variants,
                                const UmkTxOut *coins) G_GNUC_WARN_UNUSED_RESULT;
