/* script-error.c — names and messages of script errors. */
#define G_LOG_DOMAIN "umk-script"
#include "config.h"

#include "common/script-error.h"

#include <glib.h>
#include <string.h>

typedef struct
{
  const char *name;
  const char *message;
} ErrorInfo;

#define E(id, msg) [UMK_SCRIPT_ERR_##id] = { #id, msg }
static const ErrorInfo errors[UMK_SCRIPT_ERR_COUNT] = {
  E (OK, "No error"),
  E (UNKNOWN_ERROR, "unknown error"),
  E (EVAL_FALSE,
     "Script evaluated without error but finished with a false/empty top stack element"),
  E (OP_RETURN, "OP_RETURN was encountered"),
  E (SCRIPTNUM, "Script number overflowed or is non-minimally encoded"),
  E (SCRIPT_SIZE, "Script is too big"),
  E (PUSH_SIZE, "Push value size limit exceeded"),
  E (OP_COUNT, "Operation limit exceeded"),
  E (STACK_SIZE, "Stack size limit exceeded"),
  E (SIG_COUNT, "Signature count negative or greater than pubkey count"),
  E (PUBKEY_COUNT, "Pubkey count negative or limit exceeded"),
  E (VERIFY, "Script failed an OP_VERIFY operation"),
  E (EQUALVERIFY, "Script failed an OP_EQUALVERIFY operation"),
  E (CHECKMULTISIGVERIFY, "Script failed an OP_CHECKMULTISIGVERIFY operation"),
  E (CHECKSIGVERIFY, "Script failed an OP_CHECKSIGVERIFY operation"),
  E (NUMEQUALVERIFY, "Script failed an OP_NUMEQUALVERIFY operation"),
  E (BAD_OPCODE, "Opcode missing or not understood"),
  E (DISABLED_OPCODE, "Attempted to use a disabled opcode"),
  E (INVALID_STACK_OPERATION, "Operation not valid with the current stack size"),
  E (INVALID_ALTSTACK_OPERATION, "Operation not valid with the current altstack size"),
  E (UNBALANCED_CONDITIONAL, "Invalid OP_IF construction"),
  E (NEGATIVE_LOCKTIME, "Negative locktime"),
  E (UNSATISFIED_LOCKTIME, "Locktime requirement not satisfied"),
  E (SIG_HASHTYPE, "Signature hash type missing or not understood"),
  E (SIG_DER, "Non-canonical DER signature"),
  E (MINIMALDATA, "Data push larger than necessary"),
  E (SIG_PUSHONLY, "Only push operators allowed in signatures"),
  E (SIG_HIGH_S, "Non-canonical signature: S value is unnecessarily high"),
  E (SIG_NULLDUMMY, "Dummy CHECKMULTISIG argument must be zero"),
  E (PUBKEYTYPE, "Public key is neither compressed or uncompressed"),
  E (CLEANSTACK, "Stack size must be exactly one after execution"),
  E (MINIMALIF, "OP_IF/NOTIF argument must be minimal"),
  E (NULLFAIL, "Signature must be zero for failed CHECK(MULTI)SIG operation"),
  E (DISCOURAGE_UPGRADABLE_NOPS, "NOPx reserved for soft-fork upgrades"),
  E (DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM, "Witness version reserved for soft-fork upgrades"),
  E (DISCOURAGE_UPGRADABLE_TAPROOT_VERSION, "Taproot version reserved for soft-fork upgrades"),
  E (DISCOURAGE_OP_SUCCESS, "OP_SUCCESSx reserved for soft-fork upgrades"),
  E (DISCOURAGE_UPGRADABLE_PUBKEYTYPE, "Public key version reserved for soft-fork upgrades"),
  E (WITNESS_PROGRAM_WRONG_LENGTH, "Witness program has incorrect length"),
  E (WITNESS_PROGRAM_WITNESS_EMPTY, "Witness program was passed an empty witness"),
  E (WITNESS_PROGRAM_MISMATCH, "Witness program hash mismatch"),
  E (WITNESS_MALLEATED, "Witness requires empty scriptSig"),
  E (WITNESS_MALLEATED_P2SH, "Witness requires only-redeemscript scriptSig"),
  E (WITNESS_UNEXPECTED, "Witness provided for non-witness script"),
  E (WITNESS_PUBKEYTYPE, "Using non-compressed keys in segwit"),
  E (SCHNORR_SIG_SIZE, "Invalid Schnorr signature size"),
  E (SCHNORR_SIG_HASHTYPE, "Invalid Schnorr signature hash type"),
  E (SCHNORR_SIG, "Invalid Schnorr signature"),
  E (TAPROOT_WRONG_CONTROL_SIZE, "Invalid Taproot control block size"),
  E (TAPSCRIPT_VALIDATION_WEIGHT, "Too much signature validation relative to witness weight"),
  E (TAPSCRIPT_CHECKMULTISIG, "OP_CHECKMULTISIG(VERIFY) is not available in tapscript"),
  E (TAPSCRIPT_MINIMALIF, "OP_IF/NOTIF argument must be minimal in tapscript"),
  E (TAPSCRIPT_EMPTY_PUBKEY, "Empty public key in tapscript"),
  E (OP_CODESEPARATOR, "Using OP_CODESEPARATOR in non-witness script"),
  E (SIG_FINDANDDELETE, "Signature is found in scriptCode"),
};
#undef E

const char *
umk_script_error_name (UmkScriptError e)
{
  if ((unsigned) e >= UMK_SCRIPT_ERR_COUNT)
    return "UNKNOWN_ERROR";
  return errors[e].name;
}

UmkScriptError
umk_script_error_from_name (const char *name)
{
  for (int i = 0; i < UMK_SCRIPT_ERR_COUNT; i++)
    if (strcmp (errors[i].name, name) == 0)
      return (UmkScriptError) i;
  return UMK_SCRIPT_ERR_COUNT;
}

const char *
umk_script_error_message (UmkScriptError e)
{
  if ((unsigned) e >= UMK_SCRIPT_ERR_COUNT)
    return "unknown error";
  return errors[e].message;
}
