/* sighash.h — the message a signature commits to: legacy, BIP 143 (segwit v0)
 * and BIP 341/342 (taproot), and the per-transaction hashes they share.
 */
#pragma once

#include "common/tx.h"

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

enum
{
  UMK_SIGHASH_DEFAULT = 0x00, /* taproot only: ALL, with a 64-byte signature */
  UMK_SIGHASH_ALL = 0x01,
  UMK_SIGHASH_NONE = 0x02,
  UMK_SIGHASH_SINGLE = 0x03,
  UMK_SIGHASH_ANYONECANPAY = 0x80,
  UMK_SIGHASH_OUTPUT_MASK = 0x03,
  UMK_SIGHASH_INPUT_MASK = 0x80,
};

typedef enum
{
  UMK_SIGVERSION_BASE,       /* bare scripts and P2SH */
  UMK_SIGVERSION_WITNESS_V0, /* BIP 143 */
  UMK_SIGVERSION_TAPROOT,    /* BIP 341 key path */
  UMK_SIGVERSION_TAPSCRIPT,  /* BIP 342 script path */
} UmkSigVersion;

/* Hashes over the whole transaction, computed once and shared by every input's
 * signature checks (and by script-check threads: read-only after init).
 * Without it, each of n inputs would hash all n prevouts: O(n²). */
typedef struct
{
  /* BIP 341: single SHA-256 of the serialized prevouts, sequences, outputs,
   * spent amounts and spent scriptPubKeys. */
  uint8_t prevouts_single[32];
  uint8_t sequences_single[32];
  uint8_t outputs_single[32];
  uint8_t spent_amounts_single[32];
  uint8_t spent_scripts_single[32];
  /* BIP 143: the double SHA-256 versions of the first three. */
  uint8_t hash_prevouts[32];
  uint8_t hash_sequence[32];
  uint8_t hash_outputs[32];
  bool bip143_ready;
  bool bip341_ready;
  /* The outputs the inputs spend (tx->n_in of them), borrowed: the caller
   * keeps them alive. NULL when unknown; taproot signatures then fail. */
  const UmkTxOut *spent_outputs;
} UmkTxSigData;

/* Computes what the transaction's inputs will need: the BIP 143 hashes if any
 * input has a witness, the BIP 341 ones if spent_outputs is given and one of them
 * is a taproot output; with force, both (spent_outputs permitting). */
void umk_tx_sigdata_init (UmkTxSigData *d, const UmkTx *tx, const UmkTxOut *spent_outputs,
                          bool force);

/* Legacy signature hash (Core's SignatureHash with SigVersion::BASE).
 * OP_CODESEPARATORs are removed from script_code; the caller has already done
 * FindAndDelete of the signature. Keeps Core's quirks: SIGHASH_SINGLE with no
 * output at the input's index, or n_in out of range, gives the hash
 * 0x0000…0001 (byte 0 is 1, as a uint256 equal to one). hash_type is the full
 * 32-bit value that is serialized. */
void umk_sighash_legacy (const UmkTx *tx, uint32_t n_in, const uint8_t *script_code,
                         size_t script_len, int32_t hash_type, uint8_t out[32]);

/* BIP 143. sigdata may be NULL (hashes computed on the spot) or initialised
 * for tx. */
void umk_sighash_witness_v0 (const UmkTx *tx, uint32_t n_in, const uint8_t *script_code,
                             size_t script_len, int64_t amount, int32_t hash_type,
                             const UmkTxSigData *sigdata, uint8_t out[32]);

/* What a taproot spend adds to the signature message. */
typedef struct
{
  bool annex_present;
  uint8_t annex_hash[32]; /* SHA-256 of the compact-size-prefixed annex */
  /* tapscript only */
  uint8_t tapleaf_hash[32];
  uint32_t codesep_pos; /* opcode position of the last executed OP_CODESEPARATOR, or 0xffffffff */
} UmkTaprootExec;

/* BIP 341 SigMsg with its leading epoch byte (0x00), as BIP 341's test vectors
 * show it, appended to msg. sigversion is TAPROOT or TAPSCRIPT (exec's
 * tapscript fields are read only for TAPSCRIPT). Returns false (msg unchanged)
 * for an undefined hash_type, SIGHASH_SINGLE without a matching output, or
 * sigdata without the BIP 341 hashes. */
bool umk_sighash_taproot_msg (GByteArray *msg, const UmkTx *tx, uint32_t n_in, uint8_t hash_type,
                              UmkSigVersion sigversion, const UmkTxSigData *sigdata,
                              const UmkTaprootExec *exec);
/* TaggedHash("TapSighash", SigMsg): the 32 bytes a BIP 340 signature signs. */
bool umk_sighash_taproot (const UmkTx *tx, uint32_t n_in, uint8_t hash_type,
                          UmkSigVersion sigversion, const UmkTxSigData *sigdata,
                          const UmkTaprootExec *exec, uint8_t out[32]);
