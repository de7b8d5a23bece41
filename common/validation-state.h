/* validation-state.h — why a block or transaction was rejected.
 *
 * Core's BlockValidationState and TxValidationState: a mode (valid, invalid,
 * error), a result kind that tells the caller how to treat the peer that sent
 * the object, the reject reason (a protocol string that RPC and peers see,
 * "bad-txns-vin-empty", "high-hash", …) and a debug message for the log.
 *
 * The strings live in fixed buffers inside the struct, so checking a valid
 * block never allocates and a state can sit on the stack. A zeroed struct
 * ({ 0 }) is a valid, unset state.
 */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

#define UMK_REJECT_REASON_SIZE \
  192 /* "block-script-verify-flag-failed (<a script error message>)" */
#define UMK_DEBUG_MESSAGE_SIZE 320 /* longer debug messages are cut */

typedef enum
{
  UMK_VALIDATION_VALID = 0,
  UMK_VALIDATION_INVALID, /* a rule was broken */
  UMK_VALIDATION_ERROR,   /* a run-time failure (disk, …), not the object's fault */
} UmkValidationMode;

/* Core's BlockValidationResult, same order. */
typedef enum
{
  UMK_BLOCK_RESULT_UNSET = 0,
  UMK_BLOCK_RESULT_CONSENSUS,       /* invalid by the consensus rules (no reason below) */
  UMK_BLOCK_RESULT_CACHED_INVALID,  /* known invalid, reason not kept */
  UMK_BLOCK_RESULT_INVALID_HEADER,  /* bad proof of work or time too old */
  UMK_BLOCK_RESULT_MUTATED,         /* the data does not match what the PoW commits to */
  UMK_BLOCK_RESULT_MISSING_PREV,    /* the parent is unknown */
  UMK_BLOCK_RESULT_INVALID_PREV,    /* builds on an invalid block */
  UMK_BLOCK_RESULT_TIME_FUTURE,     /* more than 2 hours in the future */
  UMK_BLOCK_RESULT_HEADER_LOW_WORK, /* the header may be on a chain with too little work */
} UmkBlockResult;

/* Core's TxValidationResult, same order. */
typedef enum
{
  UMK_TX_RESULT_UNSET = 0,
  UMK_TX_RESULT_CONSENSUS,
  UMK_TX_RESULT_INPUTS_NOT_STANDARD,
  UMK_TX_RESULT_NOT_STANDARD,
  UMK_TX_RESULT_MISSING_INPUTS,
  UMK_TX_RESULT_PREMATURE_SPEND, /* immature coinbase spend, or a lock time / sequence lock */
  UMK_TX_RESULT_WITNESS_MUTATED,
  UMK_TX_RESULT_WITNESS_STRIPPED,
  UMK_TX_RESULT_CONFLICT,
  UMK_TX_RESULT_MEMPOOL_POLICY,
  UMK_TX_RESULT_NO_MEMPOOL,
  UMK_TX_RESULT_RECONSIDERABLE,
  UMK_TX_RESULT_UNKNOWN,
} UmkTxResult;

typedef struct
{
  UmkValidationMode mode;
  UmkBlockResult result;
  char reject_reason[UMK_REJECT_REASON_SIZE];
  char debug_message[UMK_DEBUG_MESSAGE_SIZE];
} UmkBlockValidationState;

typedef struct
{
  UmkValidationMode mode;
  UmkTxResult result;
  char reject_reason[UMK_REJECT_REASON_SIZE];
  char debug_message[UMK_DEBUG_MESSAGE_SIZE];
} UmkTxValidationState;

/* Back to the valid, unset state. */
void umk_block_state_init (UmkBlockValidationState *state);
void umk_tx_state_init (UmkTxValidationState *state);

/* Marks the state invalid (an error stays an error) with the result, the
 * reject reason and a printf-style debug message (debug_fmt may be NULL).
 * Returns: false, so a check can end with `return umk_block_state_invalid (…)`. */
bool umk_block_state_invalid (UmkBlockValidationState *state, UmkBlockResult result,
                              const char *reject_reason, const char *debug_fmt, ...)
    G_GNUC_PRINTF (4, 5);
bool umk_tx_state_invalid (UmkTxValidationState *state, UmkTxResult result,
                           const char *reject_reason, const char *debug_fmt, ...)
    G_GNUC_PRINTF (4, 5);

/* Marks a run-time error; the reason is kept only if the state was valid.
 * Returns: false. */
bool umk_block_state_error (UmkBlockValidationState *state, const char *reject_reason);
bool umk_tx_state_error (UmkTxValidationState *state, const char *reject_reason);

static inline bool
umk_block_state_is_valid (const UmkBlockValidationState *s)
{
  return s->mode == UMK_VALIDATION_VALID;
}
static inline bool
umk_block_state_is_invalid (const UmkBlockValidationState *s)
{
  return s->mode == UMK_VALIDATION_INVALID;
}
static inline bool
umk_block_state_is_error (const UmkBlockValidationState *s)
{
  return s->mode == UMK_VALIDATION_ERROR;
}
static inline bool
umk_tx_state_is_valid (const UmkTxValidationState *s)
{
  return s->mode == UMK_VALIDATION_VALID;
}
static inline bool
umk_tx_state_is_invalid (const UmkTxValidationState *s)
{
  return s->mode == UMK_VALIDATION_INVALID;
}
static inline bool
umk_tx_state_is_error (const UmkTxValidationState *s)
{
  return s->mode == UMK_VALIDATION_ERROR;
}

/* Core's ToString(): "Valid", "reason" or "reason, debug message".
 * Returns: a new string. */
char *umk_block_state_to_string (const UmkBlockValidationState *state) G_GNUC_WARN_UNUSED_RESULT;
char *umk_tx_state_to_string (const UmkTxValidationState *state) G_GNUC_WARN_UNUSED_RESULT;
