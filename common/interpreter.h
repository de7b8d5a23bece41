/* interpreter.h — script evaluation and the verification of one input.
 *
 * umk_script_verify() is Umkoin Core's VerifyScript: scriptSig, scriptPubKey,
 * P2SH, segwit v0, taproot key and script paths, and the unknown witness
 * versions left for soft forks. The result and the error must match Core's
 * for every input, flags included: any difference is a chain split.
 */
#pragma once

#include "common/script-error.h"
#include "common/script-flags.h"
#include "common/sighash.h"
#include "common/tx.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* BIP 342 signature budget: each executed signature check with a non-empty
 * signature costs 50 units of a budget of the witness size plus 50. */
#define UMK_VALIDATION_WEIGHT_PER_SIGOP_PASSED 50
#define UMK_VALIDATION_WEIGHT_OFFSET           50
#define UMK_ANNEX_TAG                          0x50

/* BIP 68/112 bits of nSequence. */
#define UMK_SEQUENCE_LOCKTIME_DISABLE_FLAG (1u << 31)
#define UMK_SEQUENCE_LOCKTIME_TYPE_FLAG    (1u << 22)
#define UMK_SEQUENCE_LOCKTIME_MASK         0x0000ffffu

/* The input being verified: what signature and lock-time checks compare
 * against. sigdata may be NULL (each signature then hashes the transaction on
 * its own, and taproot signatures, which need all spent outputs, fail). */
typedef struct
{
  const UmkTx *tx;
  uint32_t n_in;
  int64_t amount; /* of the output this input spends (segwit v0 signs it) */
  const UmkTxSigData *sigdata;
} UmkSigChecker;

/* WITNESS requires P2SH, CLEANSTACK requires WITNESS: Core refuses (asserts on)
 * other combinations, and so does umk_script_verify (UNKNOWN_ERROR). */
bool umk_script_flags_are_valid (UmkScriptFlags flags);

/* Verifies that script_sig and witness satisfy script_pubkey. error (may be
 * NULL) receives UMK_SCRIPT_ERR_OK or the reason for failure. */
bool umk_script_verify (const uint8_t *script_sig, size_t script_sig_len,
                        const uint8_t *script_pubkey, size_t script_pubkey_len,
                        const UmkSpan *witness, size_t n_witness, UmkScriptFlags flags,
                        const UmkSigChecker *checker, UmkScriptError *error);

/* Verifies input n_in of tx against the output it spends. */
bool umk_verify_input (const UmkTx *tx, uint32_t n_in, const UmkTxOut *spent, UmkScriptFlags flags,
                       const UmkTxSigData *sigdata, UmkScriptError *error);

/* ---- pieces the signing code and policy reuse ---- */

/* BIP 66 strict DER with a trailing hash-type byte (Core's
 * IsValidSignatureEncoding). */
bool umk_sig_is_strict_der (const uint8_t *sig, size_t len);
/* Whether a push of data with this push opcode is the shortest possible. */
bool umk_script_push_is_minimal (const uint8_t *data, size_t len, uint8_t opcode);
/* A stack element as a boolean: false if all zero bytes, allowing a final
 * 0x80 ("negative zero"). */
bool umk_script_cast_to_bool (const uint8_t *data, size_t len);
