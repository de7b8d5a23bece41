/* script.h — scripts as byte strings: opcodes, walking the operations, and the
 * templates consensus and policy recognise (P2SH, witness programs, push-only).
 *
 * A script is any byte string; it need not parse. umk_script_next_op() is the
 * one place that decodes an operation, so the interpreter, the signature-hash
 * code and the sigop counter agree on what "malformed" means.
 */
#pragma once

#include "common/tx.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UMK_MAX_SCRIPT_ELEMENT_SIZE  520 /* bytes in one stack element */
#define UMK_MAX_OPS_PER_SCRIPT       201 /* non-push operations (not tapscript) */
#define UMK_MAX_PUBKEYS_PER_MULTISIG 20
#define UMK_MAX_SCRIPT_SIZE          10000      /* bytes (not tapscript) */
#define UMK_MAX_STACK_SIZE           1000       /* stack + altstack elements */
#define UMK_LOCKTIME_THRESHOLD       500000000u /* below: a height; at or above: a time */

typedef enum
{
  /* pushes */
  UMK_OP_0 = 0x00,
  UMK_OP_PUSHDATA1 = 0x4c,
  UMK_OP_PUSHDATA2 = 0x4d,
  UMK_OP_PUSHDATA4 = 0x4e,
  UMK_OP_1NEGATE = 0x4f,
  UMK_OP_RESERVED = 0x50,
  UMK_OP_1 = 0x51,
  UMK_OP_16 = 0x60,
  /* control */
  UMK_OP_NOP = 0x61,
  UMK_OP_VER = 0x62,
  UMK_OP_IF = 0x63,
  UMK_OP_NOTIF = 0x64,
  UMK_OP_VERIF = 0x65,
  UMK_OP_VERNOTIF = 0x66,
  UMK_OP_ELSE = 0x67,
  UMK_OP_ENDIF = 0x68,
  UMK_OP_VERIFY = 0x69,
  UMK_OP_RETURN = 0x6a,
  /* stack */
  UMK_OP_TOALTSTACK = 0x6b,
  UMK_OP_FROMALTSTACK = 0x6c,
  UMK_OP_2DROP = 0x6d,
  UMK_OP_2DUP = 0x6e,
  UMK_OP_3DUP = 0x6f,
  UMK_OP_2OVER = 0x70,
  UMK_OP_2ROT = 0x71,
  UMK_OP_2SWAP = 0x72,
  UMK_OP_IFDUP = 0x73,
  UMK_OP_DEPTH = 0x74,
  UMK_OP_DROP = 0x75,
  UMK_OP_DUP = 0x76,
  UMK_OP_NIP = 0x77,
  UMK_OP_OVER = 0x78,
  UMK_OP_PICK = 0x79,
  UMK_OP_ROLL = 0x7a,
  UMK_OP_ROT = 0x7b,
  UMK_OP_SWAP = 0x7c,
  UMK_OP_TUCK = 0x7d,
  /* splice */
  UMK_OP_CAT = 0x7e,
  UMK_OP_SUBSTR = 0x7f,
  UMK_OP_LEFT = 0x80,
  UMK_OP_RIGHT = 0x81,
  UMK_OP_SIZE = 0x82,
  /* bit logic */
  UMK_OP_INVERT = 0x83,
  UMK_OP_AND = 0x84,
  UMK_OP_OR = 0x85,
  UMK_OP_XOR = 0x86,
  UMK_OP_EQUAL = 0x87,
  UMK_OP_EQUALVERIFY = 0x88,
  UMK_OP_RESERVED1 = 0x89,
  UMK_OP_RESERVED2 = 0x8a,
  /* numeric */
  UMK_OP_1ADD = 0x8b,
  UMK_OP_1SUB = 0x8c,
  UMK_OP_2MUL = 0x8d,
  UMK_OP_2DIV = 0x8e,
  UMK_OP_NEGATE = 0x8f,
  UMK_OP_ABS = 0x90,
  UMK_OP_NOT = 0x91,
  UMK_OP_0NOTEQUAL = 0x92,
  UMK_OP_ADD = 0x93,
  UMK_OP_SUB = 0x94,
  UMK_OP_MUL = 0x95,
  UMK_OP_DIV = 0x96,
  UMK_OP_MOD = 0x97,
  UMK_OP_LSHIFT = 0x98,
  UMK_OP_RSHIFT = 0x99,
  UMK_OP_BOOLAND = 0x9a,
  UMK_OP_BOOLOR = 0x9b,
  UMK_OP_NUMEQUAL = 0x9c,
  UMK_OP_NUMEQUALVERIFY = 0x9d,
  UMK_OP_NUMNOTEQUAL = 0x9e,
  UMK_OP_LESSTHAN = 0x9f,
  UMK_OP_GREATERTHAN = 0xa0,
  UMK_OP_LESSTHANOREQUAL = 0xa1,
  UMK_OP_GREATERTHANOREQUAL = 0xa2,
  UMK_OP_MIN = 0xa3,
  UMK_OP_MAX = 0xa4,
  UMK_OP_WITHIN = 0xa5,
  /* crypto */
  UMK_OP_RIPEMD160 = 0xa6,
  UMK_OP_SHA1 = 0xa7,
  UMK_OP_SHA256 = 0xa8,
  UMK_OP_HASH160 = 0xa9,
  UMK_OP_HASH256 = 0xaa,
  UMK_OP_CODESEPARATOR = 0xab,
  UMK_OP_CHECKSIG = 0xac,
  UMK_OP_CHECKSIGVERIFY = 0xad,
  UMK_OP_CHECKMULTISIG = 0xae,
  UMK_OP_CHECKMULTISIGVERIFY = 0xaf,
  /* expansion */
  UMK_OP_NOP1 = 0xb0,
  UMK_OP_CHECKLOCKTIMEVERIFY = 0xb1,
  UMK_OP_CHECKSEQUENCEVERIFY = 0xb2,
  UMK_OP_NOP4 = 0xb3,
  UMK_OP_NOP5 = 0xb4,
  UMK_OP_NOP6 = 0xb5,
  UMK_OP_NOP7 = 0xb6,
  UMK_OP_NOP8 = 0xb7,
  UMK_OP_NOP9 = 0xb8,
  UMK_OP_NOP10 = 0xb9,
  /* tapscript (BIP 342) */
  UMK_OP_CHECKSIGADD = 0xba,
  UMK_OP_INVALIDOPCODE = 0xff,
} UmkOpcode;

/* One decoded operation: its opcode, and for a push the pushed bytes (a view
 * into the script). */
typedef struct
{
  uint8_t opcode;
  const uint8_t *data; /* pushes only; NULL otherwise */
  size_t len;          /* pushed bytes */
} UmkScriptOp;

/* Decodes the operation at *pc and advances *pc past it. Returns false at the
 * end of the script (*pc == len) or when a push runs past the end, in which case
 * op->opcode is UMK_OP_INVALIDOPCODE and *pc is len. */
bool umk_script_next_op (const uint8_t *script, size_t len, size_t *pc, UmkScriptOp *op);

/* Core's opcode names ("OP_CHECKSIG", "0", "OP_NOP2"… as GetOpName gives
 * them); "OP_UNKNOWN" for bytes that are not opcodes. */
const char *umk_opcode_name (uint8_t opcode);

/* The small-integer value of OP_0, OP_1..OP_16 (-1 otherwise). */
static inline int
umk_opcode_small_int (uint8_t op)
{
  if (op == UMK_OP_0)
    return 0;
  if (op >= UMK_OP_1 && op <= UMK_OP_16)
    return op - (UMK_OP_1 - 1);
  return -1;
}

/* OP_SUCCESSx of BIP 342: opcodes that make a tapscript succeed unconditionally. */
bool umk_opcode_is_success (uint8_t op);

/* ---- templates ---- */

/* OP_HASH160 <20 bytes> OP_EQUAL. */
bool umk_script_is_p2sh (const uint8_t *s, size_t len);
/* <version push: OP_0 or OP_1..OP_16> <2..40 byte push>, 4..42 bytes in all. */
bool umk_script_is_witness_program (const uint8_t *s, size_t len, int *version,
                                    const uint8_t **program, size_t *program_len);
/* Only push operations (OP_RESERVED counts as one, as in Core); false if malformed. */
bool umk_script_is_push_only (const uint8_t *s, size_t len);
/* Starts with OP_RETURN or is over the size limit: it can never be spent. */
bool umk_script_is_unspendable (const uint8_t *s, size_t len);

/* Legacy signature-operation count (Core's GetSigOpCount): CHECKSIG counts 1,
 * CHECKMULTISIG 20, or with accurate its preceding OP_1..OP_16. A malformed
 * tail ends the count. */
unsigned umk_script_sigop_count (const uint8_t *s, size_t len, bool accurate);

/* Writes a push of data as Core's CScript << bytes does: the shortest length
 * prefix (direct, PUSHDATA1/2/4), never OP_1..OP_16 (which MINIMALDATA would
 * want for single bytes 1..16: that is the caller's choice). */
void umk_script_write_push (GByteArray *w, const void *data, size_t len);
/* Writes a number as CScript << int64 does (OP_0, OP_1NEGATE, OP_1..16 or a
 * minimal script-number push). */
void umk_script_write_int (GByteArray *w, int64_t n);
