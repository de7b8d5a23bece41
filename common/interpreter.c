/* interpreter.c — the script interpreter (Core's EvalScript and VerifyScript).
 *
 * The order of the checks below is consensus: two failures in one script must
 * report the error Core reports first, and a check Core does only under a flag
 * must happen only under that flag.
 */
#define G_LOG_DOMAIN "umk-script"
#include "config.h"

#include "common/interpreter.h"

#include "common/hash.h"
#include "common/pubkey.h"
#include "common/script-num.h"
#include "common/script.h"
#include "common/serialize.h"
#include "common/taproot.h"

#include <string.h>

/* ---- the stack ---- */

typedef struct
{
  uint8_t *data; /* owned; NULL when len is 0 */
  size_t len;
} Elem;

typedef struct
{
  Elem *v;
  size_t n;
  size_t cap;
} Stack;

static void
stack_clear (Stack *s)
{
  for (size_t i = 0; i < s->n; i++)
    g_free (s->v[i].data);
  g_free (s->v);
  *s = (Stack){ 0 };
}

static Elem
elem_copy (const uint8_t *p, size_t len)
{
  return (Elem){ len ? g_memdup2 (p, len) : NULL, len };
}

/* Takes ownership of e. */
static void
stack_push_elem (Stack *s, Elem e)
{
  if (s->n == s->cap)
    {
      s->cap = s->cap ? s->cap * 2 : 16;
      s->v = g_renew (Elem, s->v, s->cap);
    }
  s->v[s->n++] = e;
}

static void
stack_push (Stack *s, const uint8_t *p, size_t len)
{
  stack_push_elem (s, elem_copy (p, len));
}

static void
stack_push_bool (Stack *s, bool b)
{
  static const uint8_t one = 1;
  stack_push (s, &one, b ? 1 : 0);
}

static void
stack_push_num (Stack *s, int64_t n)
{
  uint8_t buf[UMK_SCRIPT_NUM_MAX_ENCODED];
  stack_push (s, buf, umk_script_num_encode (n, buf));
}

/* The i-th element from the top (1 = top). The caller has checked the depth. */
static inline Elem *
stack_top (Stack *s, size_t i)
{
  return &s->v[s->n - i];
}

static void
stack_pop (Stack *s)
{
  g_free (s->v[s->n - 1].data);
  s->n--;
}

/* Removes the i-th element from the top and returns it (owned). */
static Elem
stack_take (Stack *s, size_t i)
{
  size_t idx = s->n - i;
  Elem e = s->v[idx];
  memmove (&s->v[idx], &s->v[idx + 1], (i - 1) * sizeof (Elem));
  s->n--;
  return e;
}

/* Inserts e (owned) so that it becomes the i-th element from the top. */
static void
stack_insert (Stack *s, size_t i, Elem e)
{
  stack_push_elem (s, e); /* grows the array */
  size_t idx = s->n - i;
  memmove (&s->v[idx + 1], &s->v[idx], (i - 1) * sizeof (Elem));
  s->v[idx] = e;
}

static void
stack_swap (Stack *s, size_t i, size_t j)
{
  Elem t = *stack_top (s, i);
  *stack_top (s, i) = *stack_top (s, j);
  *stack_top (s, j) = t;
}

static void
stack_copy (Stack *dst, const Stack *src)
{
  for (size_t i = 0; i < src->n; i++)
    stack_push (dst, src->v[i].data, src->v[i].len);
}

/* ---- the condition stack: only whether all entries are true matters, and
 * where the first false one is, so OP_IF nesting costs O(1) per operation
 * (a script of 10,000 nested IFs would otherwise be quadratic). ---- */

typedef struct
{
  uint32_t size;
  uint32_t first_false; /* UINT32_MAX when every entry is true */
} CondStack;

#define NO_FALSE UINT32_MAX

static inline bool
cond_all_true (const CondStack *c)
{
  return c->first_false == NO_FALSE;
}

static inline void
cond_push (CondStack *c, bool v)
{
  if (c->first_false == NO_FALSE && !v)
    c->first_false = c->size;
  c->size++;
}

static inline void
cond_pop (CondStack *c)
{
  c->size--;
  if (c->first_false == c->size)
    c->first_false = NO_FALSE;
}

static inline void
cond_toggle_top (CondStack *c)
{
  if (c->first_false == NO_FALSE)
    c->first_false = c->size - 1; /* the top was true, now false */
  else if (c->first_false == c->size - 1)
    c->first_false = NO_FALSE; /* the top was the first false: now all true */
  /* else: a false entry below the top keeps everything unexecuted */
}

/* ---- per-spend execution state ---- */

typedef struct
{
  UmkTaprootExec tap; /* annex, tapleaf hash, code separator position */
  int64_t weight_left; /* tapscript's signature budget */
} ExecData;

/* ---- encodings ---- */

bool
umk_script_cast_to_bool (const uint8_t *data, size_t len)
{
  for (size_t i = 0; i < len; i++)
    if (data[i] != 0)
      return !(i == len - 1 && data[i] == 0x80);
  return false;
}

bool
umk_script_push_is_minimal (const uint8_t *data, size_t len, uint8_t opcode)
{
  if (len == 0)
    return opcode == UMK_OP_0;
  if (len == 1 && data[0] >= 1 && data[0] <= 16)
    return false; /* OP_1..OP_16 */
  if (len == 1 && data[0] == 0x81)
    return false; /* OP_1NEGATE */
  if (len <= 75)
    return opcode == len;
  if (len <= 255)
    return opcode == UMK_OP_PUSHDATA1;
  if (len <= 65535)
    return opcode == UMK_OP_PUSHDATA2;
  return true;
}

bool
umk_sig_is_strict_der (const uint8_t *sig, size_t len)
{
  /* 0x30 total-len 0x02 R-len R 0x02 S-len S hashtype, with minimal
   * positive integers. */
  if (len < 9 || len > 73)
    return false;
  if (sig[0] != 0x30 || sig[1] != len - 3)
    return false;
  size_t len_r = sig[3];
  if (5 + len_r >= len)
    return false;
  size_t len_s = sig[5 + len_r];
  if (len_r + len_s + 7 != len)
    return false;
  if (sig[2] != 0x02 || len_r == 0 || (sig[4] & 0x80))
    return false;
  if (len_r > 1 && sig[4] == 0x00 && !(sig[5] & 0x80))
    return false;
  if (sig[len_r + 4] != 0x02 || len_s == 0 || (sig[len_r + 6] & 0x80))
    return false;
  if (len_s > 1 && sig[len_r + 6] == 0x00 && !(sig[len_r + 7] & 0x80))
    return false;
  return true;
}

static bool
set_error (UmkScriptError *out, UmkScriptError e)
{
  if (out)
    *out = e;
  return e == UMK_SCRIPT_ERR_OK;
}

static bool
check_signature_encoding (const uint8_t *sig, size_t len, UmkScriptFlags flags, UmkScriptError *err)
{
  /* An empty signature is the compact way to fail a CHECKSIG on purpose. */
  if (len == 0)
    return true;
  if ((flags & (UMK_SCRIPT_VERIFY_DERSIG | UMK_SCRIPT_VERIFY_LOW_S | UMK_SCRIPT_VERIFY_STRICTENC))
      && !umk_sig_is_strict_der (sig, len))
    return set_error (err, UMK_SCRIPT_ERR_SIG_DER);
  if ((flags & UMK_SCRIPT_VERIFY_LOW_S) && !umk_ecdsa_sig_has_low_s (sig, len - 1))
    return set_error (err, UMK_SCRIPT_ERR_SIG_HIGH_S);
  if (flags & UMK_SCRIPT_VERIFY_STRICTENC)
    {
      uint8_t base = sig[len - 1] & ~UMK_SIGHASH_ANYONECANPAY;
      if (base < UMK_SIGHASH_ALL || base > UMK_SIGHASH_SINGLE)
        return set_error (err, UMK_SCRIPT_ERR_SIG_HASHTYPE);
    }
  return true;
}

static bool
check_pubkey_encoding (const uint8_t *key, size_t len, UmkScriptFlags flags, UmkSigVersion sv,
                       UmkScriptError *err)
{
  bool compressed = len == 33 && (key[0] == 0x02 || key[0] == 0x03);
  bool uncompressed = len == 65 && key[0] == 0x04;
  if ((flags & UMK_SCRIPT_VERIFY_STRICTENC) && !compressed && !uncompressed)
    return set_error (err, UMK_SCRIPT_ERR_PUBKEYTYPE);
  if ((flags & UMK_SCRIPT_VERIFY_WITNESS_PUBKEYTYPE) && sv == UMK_SIGVERSION_WITNESS_V0
      && !compressed)
    return set_error (err, UMK_SCRIPT_ERR_WITNESS_PUBKEYTYPE);
  return true;
}

/* ---- the checker ---- */

static bool
checker_ecdsa (const UmkSigChecker *c, const uint8_t *sig, size_t sig_len, const uint8_t *pubkey,
               size_t pubkey_len, const uint8_t *script_code, size_t code_len, UmkSigVersion sv)
{
  if (!umk_pubkey_has_valid_size (pubkey, pubkey_len) || sig_len == 0)
    return false;
  /* The last byte is the hash type; as a signed byte it can be "negative",
   * but Core reads it as unsigned char widened to int, so 0..255. */
  int32_t hash_type = sig[sig_len - 1];
  uint8_t hash[32];
  if (sv == UMK_SIGVERSION_WITNESS_V0)
    {
      if (c->amount < 0)
        return false;
      umk_sighash_witness_v0 (c->tx, c->n_in, script_code, code_len, c->amount, hash_type,
                              c->sigdata, hash);
    }
  else
    umk_sighash_legacy (c->tx, c->n_in, script_code, code_len, hash_type, hash);
  return umk_ecdsa_verify (pubkey, pubkey_len, sig, sig_len - 1, hash);
}

static bool
checker_schnorr (const UmkSigChecker *c, const uint8_t *sig, size_t sig_len,
                 const uint8_t pubkey[32], UmkSigVersion sv, const ExecData *exec,
                 UmkScriptError *err)
{
  /* Tapscript's empty signature never gets here (it is a plain failure);
   * anywhere else a size other than 64 or 65 is an error. */
  if (sig_len != 64 && sig_len != 65)
    return set_error (err, UMK_SCRIPT_ERR_SCHNORR_SIG_SIZE);
  uint8_t hash_type = UMK_SIGHASH_DEFAULT;
  if (sig_len == 65)
    {
      hash_type = sig[64];
      /* DEFAULT must be implied by a 64-byte signature, never spelled out:
       * otherwise one signature would have two valid encodings. */
      if (hash_type == UMK_SIGHASH_DEFAULT)
        return set_error (err, UMK_SCRIPT_ERR_SCHNORR_SIG_HASHTYPE);
    }
  /* Without the precomputed data (all spent outputs) there is nothing to
   * sign; Core leaves the error as it was, which is UNKNOWN_ERROR here. */
  if (!c->sigdata)
    return set_error (err, UMK_SCRIPT_ERR_UNKNOWN_ERROR);
  uint8_t hash[32];
  if (!umk_sighash_taproot (c->tx, c->n_in, hash_type, sv, c->sigdata, &exec->tap, hash))
    return set_error (err, UMK_SCRIPT_ERR_SCHNORR_SIG_HASHTYPE);
  if (!umk_schnorr_verify (pubkey, sig, hash, 32))
    return set_error (err, UMK_SCRIPT_ERR_SCHNORR_SIG);
  return true;
}

static bool
checker_locktime (const UmkSigChecker *c, int64_t lock_time)
{
  int64_t tx_lock = c->tx->lock_time;
  /* Heights and times are not comparable. */
  if ((tx_lock < UMK_LOCKTIME_THRESHOLD) != (lock_time < UMK_LOCKTIME_THRESHOLD))
    return false;
  if (lock_time > tx_lock)
    return false;
  /* A final input disables nLockTime, and with it this check's meaning. */
  return c->tx->in[c->n_in].sequence != UMK_SEQUENCE_FINAL;
}

static bool
checker_sequence (const UmkSigChecker *c, int64_t sequence)
{
  int64_t tx_seq = c->tx->in[c->n_in].sequence;
  /* BIP 68 applies from version 2 (the version is unsigned, as in Core). */
  if (c->tx->version < 2)
    return false;
  if (tx_seq & UMK_SEQUENCE_LOCKTIME_DISABLE_FLAG)
    return false;
  const int64_t mask = UMK_SEQUENCE_LOCKTIME_TYPE_FLAG | UMK_SEQUENCE_LOCKTIME_MASK;
  int64_t tx_masked = tx_seq & mask;
  int64_t masked = sequence & mask;
  if ((tx_masked < UMK_SEQUENCE_LOCKTIME_TYPE_FLAG) != (masked < UMK_SEQUENCE_LOCKTIME_TYPE_FLAG))
    return false;
  return masked <= tx_masked;
}

/* ---- FindAndDelete: legacy scripts remove the signature being checked from
 * the scriptCode before hashing (a signature cannot sign itself). Matches are
 * only removed at operation boundaries. ---- */

static size_t
find_and_delete (GByteArray *code, const uint8_t *sig, size_t sig_len)
{
  if (sig_len == 0)
    return 0;
  /* The pattern is the signature as CScript << sig pushes it. */
  g_autoptr (GByteArray) pat = g_byte_array_sized_new ((guint) sig_len + 5);
  umk_script_write_push (pat, sig, sig_len);

  const uint8_t *s = code->data;
  size_t len = code->len;
  g_autoptr (GByteArray) out = NULL;
  size_t found = 0, pc = 0, kept_from = 0; /* s[kept_from, pc) is not yet copied */
  UmkScriptOp op;
  do
    {
      while (len - pc >= pat->len && memcmp (s + pc, pat->data, pat->len) == 0)
        {
          if (!out)
            out = g_byte_array_sized_new ((guint) len);
          g_byte_array_append (out, s + kept_from, (guint) (pc - kept_from));
          pc += pat->len;
          kept_from = pc;
          found++;
        }
    }
  while (umk_script_next_op (s, len, &pc, &op));
  if (found)
    {
      g_byte_array_append (out, s + kept_from, (guint) (len - kept_from));
      g_byte_array_set_size (code, 0);
      g_byte_array_append (code, out->data, out->len);
    }
  return found;
}

/* ---- signature opcodes ---- */

static bool
eval_checksig_pre_tapscript (const Elem *sig, const Elem *pubkey, const uint8_t *code,
                             size_t code_len, UmkScriptFlags flags, const UmkSigChecker *checker,
                             UmkSigVersion sv, UmkScriptError *err, bool *success)
{
  g_autoptr (GByteArray) script_code = g_byte_array_sized_new ((guint) code_len);
  g_byte_array_append (script_code, code, (guint) code_len);
  if (sv == UMK_SIGVERSION_BASE)
    {
      size_t found = find_and_delete (script_code, sig->data, sig->len);
      if (found > 0 && (flags & UMK_SCRIPT_VERIFY_CONST_SCRIPTCODE))
        return set_error (err, UMK_SCRIPT_ERR_SIG_FINDANDDELETE);
    }
  if (!check_signature_encoding (sig->data, sig->len, flags, err)
      || !check_pubkey_encoding (pubkey->data, pubkey->len, flags, sv, err))
    return false;
  *success = checker_ecdsa (checker, sig->data, sig->len, pubkey->data, pubkey->len,
                            script_code->data, script_code->len, sv);
  if (!*success && (flags & UMK_SCRIPT_VERIFY_NULLFAIL) && sig->len)
    return set_error (err, UMK_SCRIPT_ERR_NULLFAIL);
  return true;
}

static bool
eval_checksig_tapscript (const Elem *sig, const Elem *pubkey, ExecData *exec, UmkScriptFlags flags,
                         const UmkSigChecker *checker, UmkSigVersion sv, UmkScriptError *err,
                         bool *success)
{
  /* Order matters for consensus: the budget is charged for any non-empty
   * signature (even with an unknown key type), an empty key is an error even
   * with an empty signature, and a non-empty invalid signature is an error. */
  *success = sig->len != 0;
  if (*success)
    {
      exec->weight_left -= UMK_VALIDATION_WEIGHT_PER_SIGOP_PASSED;
      if (exec->weight_left < 0)
        return set_error (err, UMK_SCRIPT_ERR_TAPSCRIPT_VALIDATION_WEIGHT);
    }
  if (pubkey->len == 0)
    return set_error (err, UMK_SCRIPT_ERR_TAPSCRIPT_EMPTY_PUBKEY);
  if (pubkey->len == 32)
    {
      if (*success && !checker_schnorr (checker, sig->data, sig->len, pubkey->data, sv, exec, err))
        return false;
    }
  else if (flags & UMK_SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_PUBKEYTYPE)
    return set_error (err, UMK_SCRIPT_ERR_DISCOURAGE_UPGRADABLE_PUBKEYTYPE);
  /* Unknown key types succeed: room for soft forks. */
  return true;
}

static bool
eval_checksig (const Elem *sig, const Elem *pubkey, const uint8_t *code, size_t code_len,
               ExecData *exec, UmkScriptFlags flags, const UmkSigChecker *checker, UmkSigVersion sv,
               UmkScriptError *err, bool *success)
{
  if (sv == UMK_SIGVERSION_TAPSCRIPT)
    return eval_checksig_tapscript (sig, pubkey, exec, flags, checker, sv, err, success);
  return eval_checksig_pre_tapscript (sig, pubkey, code, code_len, flags, checker, sv, err,
                                      success);
}

/* ---- EvalScript ---- */

static bool
is_disabled (uint8_t op)
{
  switch (op)
    {
    case UMK_OP_CAT:
    case UMK_OP_SUBSTR:
    case UMK_OP_LEFT:
    case UMK_OP_RIGHT:
    case UMK_OP_INVERT:
    case UMK_OP_AND:
    case UMK_OP_OR:
    case UMK_OP_XOR:
    case UMK_OP_2MUL:
    case UMK_OP_2DIV:
    case UMK_OP_MUL:
    case UMK_OP_DIV:
    case UMK_OP_MOD:
    case UMK_OP_LSHIFT:
    case UMK_OP_RSHIFT:
      return true;
    default:
      return false;
    }
}

/* Reads the i-th element from the top as a script number. */
#define NUM(i, max, out)                                                             \
  do                                                                                 \
    {                                                                                \
      const Elem *e_ = stack_top (stack, (i));                                       \
      if (!umk_script_num_decode (e_->data, e_->len, (max), require_minimal, (out))) \
        return set_error (err, UMK_SCRIPT_ERR_SCRIPTNUM);                            \
    }                                                                                \
  while (0)

#define NEED(depth)                                                     \
  do                                                                    \
    {                                                                   \
      if (stack->n < (size_t) (depth))                                  \
        return set_error (err, UMK_SCRIPT_ERR_INVALID_STACK_OPERATION); \
    }                                                                   \
  while (0)

static bool eval_script (Stack *stack, const uint8_t *script, size_t script_len,
                         UmkScriptFlags flags, const UmkSigChecker *checker, UmkSigVersion sv,
                         ExecData *exec, UmkScriptError *err);

static bool
eval_script_inner (Stack *stack, Stack *alt, const uint8_t *script, size_t script_len,
                   UmkScriptFlags flags, const UmkSigChecker *checker, UmkSigVersion sv,
                   ExecData *exec, UmkScriptError *err)
{
  const bool legacy_limits = sv == UMK_SIGVERSION_BASE || sv == UMK_SIGVERSION_WITNESS_V0;
  const bool require_minimal = (flags & UMK_SCRIPT_VERIFY_MINIMALDATA) != 0;
  if (legacy_limits && script_len > UMK_MAX_SCRIPT_SIZE)
    return set_error (err, UMK_SCRIPT_ERR_SCRIPT_SIZE);

  CondStack cond = { 0, NO_FALSE };
  size_t pc = 0, begin_code_hash = 0;
  int op_count = 0;
  uint32_t opcode_pos = 0;
  exec->tap.codesep_pos = UINT32_MAX;
  UmkScriptOp op;

  for (; pc < script_len; ++opcode_pos)
    {
      const bool executing = cond_all_true (&cond);
      if (!umk_script_next_op (script, script_len, &pc, &op))
        return set_error (err, UMK_SCRIPT_ERR_BAD_OPCODE);
      if (op.len > UMK_MAX_SCRIPT_ELEMENT_SIZE)
        return set_error (err, UMK_SCRIPT_ERR_PUSH_SIZE);
      const uint8_t opcode = op.opcode;

      /* OP_RESERVED (0x50) is not counted: it is below OP_1..16's range end. */
      if (legacy_limits && opcode > UMK_OP_16 && ++op_count > UMK_MAX_OPS_PER_SCRIPT)
        return set_error (err, UMK_SCRIPT_ERR_OP_COUNT);

      /* Disabled even in unexecuted branches (CVE-2010-5137). */
      if (is_disabled (opcode))
        return set_error (err, UMK_SCRIPT_ERR_DISABLED_OPCODE);

      if (opcode == UMK_OP_CODESEPARATOR && sv == UMK_SIGVERSION_BASE
          && (flags & UMK_SCRIPT_VERIFY_CONST_SCRIPTCODE))
        return set_error (err, UMK_SCRIPT_ERR_OP_CODESEPARATOR);

      if (executing && opcode <= UMK_OP_PUSHDATA4)
        {
          if (require_minimal && !umk_script_push_is_minimal (op.data, op.len, opcode))
            return set_error (err, UMK_SCRIPT_ERR_MINIMALDATA);
          stack_push (stack, op.data, op.len);
        }
      else if (executing || (opcode >= UMK_OP_IF && opcode <= UMK_OP_ENDIF))
        switch (opcode)
          {
          case UMK_OP_1NEGATE:
          case UMK_OP_1:
          case UMK_OP_1 + 1:
          case UMK_OP_1 + 2:
          case UMK_OP_1 + 3:
          case UMK_OP_1 + 4:
          case UMK_OP_1 + 5:
          case UMK_OP_1 + 6:
          case UMK_OP_1 + 7:
          case UMK_OP_1 + 8:
          case UMK_OP_1 + 9:
          case UMK_OP_1 + 10:
          case UMK_OP_1 + 11:
          case UMK_OP_1 + 12:
          case UMK_OP_1 + 13:
          case UMK_OP_1 + 14:
          case UMK_OP_16:
            stack_push_num (stack, (int) opcode - (UMK_OP_1 - 1));
            break;

          case UMK_OP_NOP:
            break;

          case UMK_OP_CHECKLOCKTIMEVERIFY:
            {
              if (!(flags & UMK_SCRIPT_VERIFY_CHECKLOCKTIMEVERIFY))
                break; /* NOP2 before BIP 65 */
              NEED (1);
              /* 5 bytes: times reach 2^39 - 1; a 4-byte operand would stop in 2038. */
              int64_t lock_time;
              NUM (1, 5, &lock_time);
              if (lock_time < 0)
                return set_error (err, UMK_SCRIPT_ERR_NEGATIVE_LOCKTIME);
              if (!checker_locktime (checker, lock_time))
                return set_error (err, UMK_SCRIPT_ERR_UNSATISFIED_LOCKTIME);
              break;
            }

          case UMK_OP_CHECKSEQUENCEVERIFY:
            {
              if (!(flags & UMK_SCRIPT_VERIFY_CHECKSEQUENCEVERIFY))
                break; /* NOP3 before BIP 112 */
              NEED (1);
              int64_t sequence;
              NUM (1, 5, &sequence);
              if (sequence < 0)
                return set_error (err, UMK_SCRIPT_ERR_NEGATIVE_LOCKTIME);
              /* With the disable flag set the operand means nothing yet:
               * left to future soft forks. */
              if (sequence & UMK_SEQUENCE_LOCKTIME_DISABLE_FLAG)
                break;
              if (!checker_sequence (checker, sequence))
                return set_error (err, UMK_SCRIPT_ERR_UNSATISFIED_LOCKTIME);
              break;
            }

          case UMK_OP_NOP1:
          case UMK_OP_NOP4:
          case UMK_OP_NOP5:
          case UMK_OP_NOP6:
          case UMK_OP_NOP7:
          case UMK_OP_NOP8:
          case UMK_OP_NOP9:
          case UMK_OP_NOP10:
            if (flags & UMK_SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_NOPS)
              return set_error (err, UMK_SCRIPT_ERR_DISCOURAGE_UPGRADABLE_NOPS);
            break;

          case UMK_OP_IF:
          case UMK_OP_NOTIF:
            {
              bool value = false;
              if (executing)
                {
                  NEED (1);
                  const Elem *e = stack_top (stack, 1);
                  bool minimal = e->len == 0 || (e->len == 1 && e->data[0] == 1);
                  if (sv == UMK_SIGVERSION_TAPSCRIPT && !minimal)
                    return set_error (err, UMK_SCRIPT_ERR_TAPSCRIPT_MINIMALIF);
                  if (sv == UMK_SIGVERSION_WITNESS_V0 && (flags & UMK_SCRIPT_VERIFY_MINIMALIF)
                      && !minimal)
                    return set_error (err, UMK_SCRIPT_ERR_MINIMALIF);
                  value = umk_script_cast_to_bool (e->data, e->len);
                  if (opcode == UMK_OP_NOTIF)
                    value = !value;
                  stack_pop (stack);
                }
              cond_push (&cond, value);
              break;
            }

          case UMK_OP_ELSE:
            if (cond.size == 0)
              return set_error (err, UMK_SCRIPT_ERR_UNBALANCED_CONDITIONAL);
            cond_toggle_top (&cond);
            break;

          case UMK_OP_ENDIF:
            if (cond.size == 0)
              return set_error (err, UMK_SCRIPT_ERR_UNBALANCED_CONDITIONAL);
            cond_pop (&cond);
            break;

          case UMK_OP_VERIFY:
            NEED (1);
            if (!umk_script_cast_to_bool (stack_top (stack, 1)->data, stack_top (stack, 1)->len))
              return set_error (err, UMK_SCRIPT_ERR_VERIFY);
            stack_pop (stack);
            break;

          case UMK_OP_RETURN:
            return set_error (err, UMK_SCRIPT_ERR_OP_RETURN);

          case UMK_OP_TOALTSTACK:
            NEED (1);
            stack_push_elem (alt, stack_take (stack, 1));
            break;

          case UMK_OP_FROMALTSTACK:
            if (alt->n < 1)
              return set_error (err, UMK_SCRIPT_ERR_INVALID_ALTSTACK_OPERATION);
            stack_push_elem (stack, stack_take (alt, 1));
            break;

          case UMK_OP_2DROP:
            NEED (2);
            stack_pop (stack);
            stack_pop (stack);
            break;

          case UMK_OP_2DUP:
            NEED (2);
            for (int k = 0; k < 2; k++)
              {
                const Elem *e = stack_top (stack, 2);
                stack_push (stack, e->data, e->len);
              }
            break;

          case UMK_OP_3DUP:
            NEED (3);
            for (int k = 0; k < 3; k++)
              {
                const Elem *e = stack_top (stack, 3);
                stack_push (stack, e->data, e->len);
              }
            break;

          case UMK_OP_2OVER:
            NEED (4);
            for (int k = 0; k < 2; k++)
              {
                const Elem *e = stack_top (stack, 4);
                stack_push (stack, e->data, e->len);
              }
            break;

          case UMK_OP_2ROT:
            {
              NEED (6);
              Elem a = stack_take (stack, 6);
              Elem b = stack_take (stack, 5);
              stack_push_elem (stack, a);
              stack_push_elem (stack, b);
              break;
            }

          case UMK_OP_2SWAP:
            NEED (4);
            stack_swap (stack, 4, 2);
            stack_swap (stack, 3, 1);
            break;

          case UMK_OP_IFDUP:
            {
              NEED (1);
              const Elem *e = stack_top (stack, 1);
              if (umk_script_cast_to_bool (e->data, e->len))
                stack_push (stack, e->data, e->len);
              break;
            }

          case UMK_OP_DEPTH:
            stack_push_num (stack, (int64_t) stack->n);
            break;

          case UMK_OP_DROP:
            NEED (1);
            stack_pop (stack);
            break;

          case UMK_OP_DUP:
            {
              NEED (1);
              const Elem *e = stack_top (stack, 1);
              stack_push (stack, e->data, e->len);
              break;
            }

          case UMK_OP_NIP:
            {
              NEED (2);
              Elem e = stack_take (stack, 2);
              g_free (e.data);
              break;
            }

          case UMK_OP_OVER:
            {
              NEED (2);
              const Elem *e = stack_top (stack, 2);
              stack_push (stack, e->data, e->len);
              break;
            }

          case UMK_OP_PICK:
          case UMK_OP_ROLL:
            {
              NEED (2);
              int64_t n64;
              NUM (1, UMK_SCRIPT_NUM_DEFAULT_SIZE, &n64);
              int32_t n = umk_script_num_to_int32 (n64);
              stack_pop (stack);
              if (n < 0 || (size_t) n >= stack->n)
                return set_error (err, UMK_SCRIPT_ERR_INVALID_STACK_OPERATION);
              if (opcode == UMK_OP_ROLL)
                stack_push_elem (stack, stack_take (stack, (size_t) n + 1));
              else
                {
                  const Elem *e = stack_top (stack, (size_t) n + 1);
                  stack_push (stack, e->data, e->len);
                }
              break;
            }

          case UMK_OP_ROT:
            NEED (3);
            stack_swap (stack, 3, 2);
            stack_swap (stack, 2, 1);
            break;

          case UMK_OP_SWAP:
            NEED (2);
            stack_swap (stack, 2, 1);
            break;

          case UMK_OP_TUCK:
            {
              NEED (2);
              const Elem *e = stack_top (stack, 1);
              stack_insert (stack, 3, elem_copy (e->data, e->len));
              break;
            }

          case UMK_OP_SIZE:
            NEED (1);
            stack_push_num (stack, (int64_t) stack_top (stack, 1)->len);
            break;

          case UMK_OP_EQUAL:
          case UMK_OP_EQUALVERIFY:
            {
              NEED (2);
              const Elem *a = stack_top (stack, 2), *b = stack_top (stack, 1);
              bool equal
                  = a->len == b->len && (a->len == 0 || memcmp (a->data, b->data, a->len) == 0);
              stack_pop (stack);
              stack_pop (stack);
              stack_push_bool (stack, equal);
              if (opcode == UMK_OP_EQUALVERIFY)
                {
                  if (!equal)
                    return set_error (err, UMK_SCRIPT_ERR_EQUALVERIFY);
                  stack_pop (stack);
                }
              break;
            }

          case UMK_OP_1ADD:
          case UMK_OP_1SUB:
          case UMK_OP_NEGATE:
          case UMK_OP_ABS:
          case UMK_OP_NOT:
          case UMK_OP_0NOTEQUAL:
            {
              NEED (1);
              int64_t n;
              NUM (1, UMK_SCRIPT_NUM_DEFAULT_SIZE, &n);
              switch (opcode)
                {
                case UMK_OP_1ADD:
                  n += 1;
                  break;
                case UMK_OP_1SUB:
                  n -= 1;
                  break;
                case UMK_OP_NEGATE:
                  n = -n;
                  break;
                case UMK_OP_ABS:
                  n = n < 0 ? -n : n;
                  break;
                case UMK_OP_NOT:
                  n = n == 0;
                  break;
                default:
                  n = n != 0;
                  break;
                }
              stack_pop (stack);
              stack_push_num (stack, n);
              break;
            }

          case UMK_OP_ADD:
          case UMK_OP_SUB:
          case UMK_OP_BOOLAND:
          case UMK_OP_BOOLOR:
          case UMK_OP_NUMEQUAL:
          case UMK_OP_NUMEQUALVERIFY:
          case UMK_OP_NUMNOTEQUAL:
          case UMK_OP_LESSTHAN:
          case UMK_OP_GREATERTHAN:
          case UMK_OP_LESSTHANOREQUAL:
          case UMK_OP_GREATERTHANOREQUAL:
          case UMK_OP_MIN:
          case UMK_OP_MAX:
            {
              NEED (2);
              int64_t a, b, r;
              NUM (2, UMK_SCRIPT_NUM_DEFAULT_SIZE, &a);
              NUM (1, UMK_SCRIPT_NUM_DEFAULT_SIZE, &b);
              /* Operands are 4-byte numbers: sums fit easily in int64. */
              switch (opcode)
                {
                case UMK_OP_ADD:
                  r = a + b;
                  break;
                case UMK_OP_SUB:
                  r = a - b;
                  break;
                case UMK_OP_BOOLAND:
                  r = a != 0 && b != 0;
                  break;
                case UMK_OP_BOOLOR:
                  r = a != 0 || b != 0;
                  break;
                case UMK_OP_NUMEQUAL:
                case UMK_OP_NUMEQUALVERIFY:
                  r = a == b;
                  break;
                case UMK_OP_NUMNOTEQUAL:
                  r = a != b;
                  break;
                case UMK_OP_LESSTHAN:
                  r = a < b;
                  break;
                case UMK_OP_GREATERTHAN:
                  r = a > b;
                  break;
                case UMK_OP_LESSTHANOREQUAL:
                  r = a <= b;
                  break;
                case UMK_OP_GREATERTHANOREQUAL:
                  r = a >= b;
                  break;
                case UMK_OP_MIN:
                  r = a < b ? a : b;
                  break;
                default:
                  r = a > b ? a : b;
                  break;
                }
              stack_pop (stack);
              stack_pop (stack);
              stack_push_num (stack, r);
              if (opcode == UMK_OP_NUMEQUALVERIFY)
                {
                  if (!r)
                    return set_error (err, UMK_SCRIPT_ERR_NUMEQUALVERIFY);
                  stack_pop (stack);
                }
              break;
            }

          case UMK_OP_WITHIN:
            {
              NEED (3);
              int64_t x, lo, hi;
              NUM (3, UMK_SCRIPT_NUM_DEFAULT_SIZE, &x);
              NUM (2, UMK_SCRIPT_NUM_DEFAULT_SIZE, &lo);
              NUM (1, UMK_SCRIPT_NUM_DEFAULT_SIZE, &hi);
              stack_pop (stack);
              stack_pop (stack);
              stack_pop (stack);
              stack_push_bool (stack, lo <= x && x < hi);
              break;
            }

          case UMK_OP_RIPEMD160:
          case UMK_OP_SHA1:
          case UMK_OP_SHA256:
          case UMK_OP_HASH160:
          case UMK_OP_HASH256:
            {
              NEED (1);
              const Elem *e = stack_top (stack, 1);
              uint8_t h[32];
              size_t hlen = 20;
              if (opcode == UMK_OP_RIPEMD160)
                umk_ripemd160 (e->data, e->len, h);
              else if (opcode == UMK_OP_SHA1)
                umk_sha1 (e->data, e->len, h);
              else if (opcode == UMK_OP_HASH160)
                umk_hash160 (e->data, e->len, h);
              else
                {
                  hlen = 32;
                  if (opcode == UMK_OP_SHA256)
                    umk_sha256 (e->data, e->len, h);
                  else
                    umk_sha256d (e->data, e->len, h);
                }
              stack_pop (stack);
              stack_push (stack, h, hlen);
              break;
            }

          case UMK_OP_CODESEPARATOR:
            /* Signatures commit to the script from here on. */
            begin_code_hash = pc;
            exec->tap.codesep_pos = opcode_pos;
            break;

          case UMK_OP_CHECKSIG:
          case UMK_OP_CHECKSIGVERIFY:
            {
              NEED (2);
              bool ok = true;
              if (!eval_checksig (stack_top (stack, 2), stack_top (stack, 1),
                                  script + begin_code_hash, script_len - begin_code_hash, exec,
                                  flags, checker, sv, err, &ok))
                return false;
              stack_pop (stack);
              stack_pop (stack);
              stack_push_bool (stack, ok);
              if (opcode == UMK_OP_CHECKSIGVERIFY)
                {
                  if (!ok)
                    return set_error (err, UMK_SCRIPT_ERR_CHECKSIGVERIFY);
                  stack_pop (stack);
                }
              break;
            }

          case UMK_OP_CHECKSIGADD:
            {
              if (legacy_limits)
                return set_error (err, UMK_SCRIPT_ERR_BAD_OPCODE);
              NEED (3);
              int64_t n;
              NUM (2, UMK_SCRIPT_NUM_DEFAULT_SIZE, &n);
              bool ok = true;
              if (!eval_checksig (stack_top (stack, 3), stack_top (stack, 1), NULL, 0, exec, flags,
                                  checker, sv, err, &ok))
                return false;
              stack_pop (stack);
              stack_pop (stack);
              stack_pop (stack);
              stack_push_num (stack, n + (ok ? 1 : 0));
              break;
            }

          case UMK_OP_CHECKMULTISIG:
          case UMK_OP_CHECKMULTISIGVERIFY:
            {
              if (sv == UMK_SIGVERSION_TAPSCRIPT)
                return set_error (err, UMK_SCRIPT_ERR_TAPSCRIPT_CHECKMULTISIG);

              /* Stack, top down: n_keys, keys…, n_sigs, sigs…, dummy. */
              size_t i = 1;
              NEED (i);
              int64_t n64;
              NUM (i, UMK_SCRIPT_NUM_DEFAULT_SIZE, &n64);
              int32_t n_keys = umk_script_num_to_int32 (n64);
              if (n_keys < 0 || n_keys > UMK_MAX_PUBKEYS_PER_MULTISIG)
                return set_error (err, UMK_SCRIPT_ERR_PUBKEY_COUNT);
              op_count += n_keys;
              if (op_count > UMK_MAX_OPS_PER_SCRIPT)
                return set_error (err, UMK_SCRIPT_ERR_OP_COUNT);
              size_t ikey = ++i;
              /* Position of the last non-signature item: with NULLFAIL,
               * signatures (above it) must be empty if the check failed. */
              size_t ikey2 = (size_t) n_keys + 2;
              i += (size_t) n_keys;
              NEED (i);
              NUM (i, UMK_SCRIPT_NUM_DEFAULT_SIZE, &n64);
              int32_t n_sigs = umk_script_num_to_int32 (n64);
              if (n_sigs < 0 || n_sigs > n_keys)
                return set_error (err, UMK_SCRIPT_ERR_SIG_COUNT);
              size_t isig = ++i;
              i += (size_t) n_sigs;
              NEED (i);

              g_autoptr (GByteArray) code
                  = g_byte_array_sized_new ((guint) (script_len - begin_code_hash));
              g_byte_array_append (code, script + begin_code_hash,
                                   (guint) (script_len - begin_code_hash));
              if (sv == UMK_SIGVERSION_BASE)
                for (int k = 0; k < n_sigs; k++)
                  {
                    const Elem *s = stack_top (stack, isig + (size_t) k);
                    size_t found = find_and_delete (code, s->data, s->len);
                    if (found > 0 && (flags & UMK_SCRIPT_VERIFY_CONST_SCRIPTCODE))
                      return set_error (err, UMK_SCRIPT_ERR_SIG_FINDANDDELETE);
                  }

              bool ok = true;
              while (ok && n_sigs > 0)
                {
                  const Elem *s = stack_top (stack, isig);
                  const Elem *k = stack_top (stack, ikey);
                  /* Encodings are checked pair by pair, as Core does: with
                   * STRICTENC the order of evaluation is observable. */
                  if (!check_signature_encoding (s->data, s->len, flags, err)
                      || !check_pubkey_encoding (k->data, k->len, flags, sv, err))
                    return false;
                  if (checker_ecdsa (checker, s->data, s->len, k->data, k->len, code->data,
                                     code->len, sv))
                    {
                      isig++;
                      n_sigs--;
                    }
                  ikey++;
                  n_keys--;
                  /* More signatures left than keys: it cannot succeed. */
                  if (n_sigs > n_keys)
                    ok = false;
                }

              while (i-- > 1)
                {
                  if (!ok && (flags & UMK_SCRIPT_VERIFY_NULLFAIL) && ikey2 == 0
                      && stack_top (stack, 1)->len)
                    return set_error (err, UMK_SCRIPT_ERR_NULLFAIL);
                  if (ikey2 > 0)
                    ikey2--;
                  stack_pop (stack);
                }

              /* The historical off-by-one: one more item is consumed, and with
               * NULLDUMMY it must be empty so it cannot be malleated. */
              if (stack->n < 1)
                return set_error (err, UMK_SCRIPT_ERR_INVALID_STACK_OPERATION);
              if ((flags & UMK_SCRIPT_VERIFY_NULLDUMMY) && stack_top (stack, 1)->len)
                return set_error (err, UMK_SCRIPT_ERR_SIG_NULLDUMMY);
              stack_pop (stack);
              stack_push_bool (stack, ok);
              if (opcode == UMK_OP_CHECKMULTISIGVERIFY)
                {
                  if (!ok)
                    return set_error (err, UMK_SCRIPT_ERR_CHECKMULTISIGVERIFY);
                  stack_pop (stack);
                }
              break;
            }

          default:
            return set_error (err, UMK_SCRIPT_ERR_BAD_OPCODE);
          }

      if (stack->n + alt->n > UMK_MAX_STACK_SIZE)
        return set_error (err, UMK_SCRIPT_ERR_STACK_SIZE);
    }

  if (cond.size != 0)
    return set_error (err, UMK_SCRIPT_ERR_UNBALANCED_CONDITIONAL);
  return set_error (err, UMK_SCRIPT_ERR_OK);
}

static bool
eval_script (Stack *stack, const uint8_t *script, size_t script_len, UmkScriptFlags flags,
             const UmkSigChecker *checker, UmkSigVersion sv, ExecData *exec, UmkScriptError *err)
{
  Stack alt = { 0 };
  set_error (err, UMK_SCRIPT_ERR_UNKNOWN_ERROR);
  bool ok = eval_script_inner (stack, &alt, script, script_len, flags, checker, sv, exec, err);
  stack_clear (&alt);
  return ok;
}

/* ---- witness programs ---- */

static bool
execute_witness_script (const UmkSpan *items, size_t n_items, const uint8_t *script,
                        size_t script_len, UmkScriptFlags flags, UmkSigVersion sv,
                        const UmkSigChecker *checker, ExecData *exec, UmkScriptError *err)
{
  if (sv == UMK_SIGVERSION_TAPSCRIPT)
    {
      /* OP_SUCCESSx anywhere makes the script succeed before anything else is
       * looked at, even limits: that is what lets soft forks redefine them. */
      size_t pc = 0;
      UmkScriptOp op;
      while (pc < script_len)
        {
          if (!umk_script_next_op (script, script_len, &pc, &op))
            return set_error (err, UMK_SCRIPT_ERR_BAD_OPCODE);
          if (umk_opcode_is_success (op.opcode))
            {
              if (flags & UMK_SCRIPT_VERIFY_DISCOURAGE_OP_SUCCESS)
                return set_error (err, UMK_SCRIPT_ERR_DISCOURAGE_OP_SUCCESS);
              return set_error (err, UMK_SCRIPT_ERR_OK);
            }
        }
      if (n_items > UMK_MAX_STACK_SIZE)
        return set_error (err, UMK_SCRIPT_ERR_STACK_SIZE);
    }

  for (size_t i = 0; i < n_items; i++)
    if (items[i].len > UMK_MAX_SCRIPT_ELEMENT_SIZE)
      return set_error (err, UMK_SCRIPT_ERR_PUSH_SIZE);

  Stack stack = { 0 };
  for (size_t i = 0; i < n_items; i++)
    stack_push (&stack, items[i].data, items[i].len);
  bool ok = eval_script (&stack, script, script_len, flags, checker, sv, exec, err);
  if (ok)
    {
      /* Witness scripts must leave exactly one true element. */
      if (stack.n != 1)
        ok = set_error (err, UMK_SCRIPT_ERR_CLEANSTACK);
      else if (!umk_script_cast_to_bool (stack.v[0].data, stack.v[0].len))
        ok = set_error (err, UMK_SCRIPT_ERR_EVAL_FALSE);
    }
  stack_clear (&stack);
  return ok;
}

static size_t
witness_serialized_size (const UmkSpan *witness, size_t n)
{
  size_t size = umk_compact_size_len (n);
  for (size_t i = 0; i < n; i++)
    size += umk_compact_size_len (witness[i].len) + witness[i].len;
  return size;
}

static bool
verify_taproot_commitment (const uint8_t *control, size_t control_len, const uint8_t program[32],
                           const uint8_t tapleaf_hash[32])
{
  uint8_t root[32], tweak[32];
  umk_taproot_merkle_root (control, control_len, tapleaf_hash, root);
  umk_taproot_tweak_hash (control + 1, root, tweak);
  return umk_xonly_tweak_add_check (program, control[0] & 1, control + 1, tweak);
}

static bool
verify_witness_program (const UmkSpan *witness, size_t n_witness, int version,
                        const uint8_t *program, size_t program_len, UmkScriptFlags flags,
                        const UmkSigChecker *checker, bool is_p2sh, UmkScriptError *err)
{
  ExecData exec = { 0 };
  size_t n = n_witness;

  if (version == 0)
    {
      if (program_len == 32)
        {
          /* P2WSH: the last item is the script, committed to by SHA-256. */
          if (n == 0)
            return set_error (err, UMK_SCRIPT_ERR_WITNESS_PROGRAM_WITNESS_EMPTY);
          const UmkSpan *script = &witness[--n];
          uint8_t h[32];
          umk_sha256 (script->data, script->len, h);
          if (memcmp (h, program, 32) != 0)
            return set_error (err, UMK_SCRIPT_ERR_WITNESS_PROGRAM_MISMATCH);
          return execute_witness_script (witness, n, script->data, script->len, flags,
                                         UMK_SIGVERSION_WITNESS_V0, checker, &exec, err);
        }
      if (program_len == 20)
        {
          /* P2WPKH: signature and key, run through the implied P2PKH script. */
          if (n != 2)
            return set_error (err, UMK_SCRIPT_ERR_WITNESS_PROGRAM_MISMATCH);
          uint8_t script[25] = { UMK_OP_DUP, UMK_OP_HASH160, 20 };
          memcpy (script + 3, program, 20);
          script[23] = UMK_OP_EQUALVERIFY;
          script[24] = UMK_OP_CHECKSIG;
          return execute_witness_script (witness, n, script, sizeof script, flags,
                                         UMK_SIGVERSION_WITNESS_V0, checker, &exec, err);
        }
      return set_error (err, UMK_SCRIPT_ERR_WITNESS_PROGRAM_WRONG_LENGTH);
    }

  if (version == 1 && program_len == 32 && !is_p2sh)
    {
      if (!(flags & UMK_SCRIPT_VERIFY_TAPROOT))
        return set_error (err, UMK_SCRIPT_ERR_OK);
      if (n == 0)
        return set_error (err, UMK_SCRIPT_ERR_WITNESS_PROGRAM_WITNESS_EMPTY);
      if (n >= 2 && witness[n - 1].len > 0 && witness[n - 1].data[0] == UMK_ANNEX_TAG)
        {
          /* The annex is signed (its hash) but otherwise unused for now. */
          const UmkSpan *annex = &witness[--n];
          UmkSha256 h;
          uint8_t prefix[UMK_COMPACT_SIZE_MAX];
          size_t plen = umk_compact_size_encode (annex->len, prefix);
          umk_sha256_init (&h);
          umk_sha256_update (&h, prefix, plen);
          umk_sha256_update (&h, annex->data, annex->len);
          umk_sha256_final (&h, exec.tap.annex_hash);
          exec.tap.annex_present = true;
        }

      if (n == 1)
        {
          /* Key path. */
          if (!checker_schnorr (checker, witness[0].data, witness[0].len, program,
                                UMK_SIGVERSION_TAPROOT, &exec, err))
            return false;
          return set_error (err, UMK_SCRIPT_ERR_OK);
        }

      /* Script path: …, script, control block. */
      const UmkSpan *control = &witness[--n];
      const UmkSpan *script = &witness[--n];
      if (control->len < UMK_TAPROOT_CONTROL_BASE_SIZE
          || control->len > UMK_TAPROOT_CONTROL_MAX_SIZE
          || (control->len - UMK_TAPROOT_CONTROL_BASE_SIZE) % UMK_TAPROOT_CONTROL_NODE_SIZE != 0)
        return set_error (err, UMK_SCRIPT_ERR_TAPROOT_WRONG_CONTROL_SIZE);
      uint8_t leaf_version = control->data[0] & UMK_TAPROOT_LEAF_MASK;
      umk_tapleaf_hash (leaf_version, script->data, script->len, exec.tap.tapleaf_hash);
      if (!verify_taproot_commitment (control->data, control->len, program, exec.tap.tapleaf_hash))
        return set_error (err, UMK_SCRIPT_ERR_WITNESS_PROGRAM_MISMATCH);
      if (leaf_version == UMK_TAPROOT_LEAF_TAPSCRIPT)
        {
          exec.weight_left = (int64_t) witness_serialized_size (witness, n_witness)
                             + UMK_VALIDATION_WEIGHT_OFFSET;
          return execute_witness_script (witness, n, script->data, script->len, flags,
                                         UMK_SIGVERSION_TAPSCRIPT, checker, &exec, err);
        }
      if (flags & UMK_SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_TAPROOT_VERSION)
        return set_error (err, UMK_SCRIPT_ERR_DISCOURAGE_UPGRADABLE_TAPROOT_VERSION);
      return set_error (err, UMK_SCRIPT_ERR_OK);
    }

  /* Pay-to-anchor (OP_1 <0x4e73>) is a known, keyless witness program: policy
   * does not discourage spending it. */
  if (version == 1 && program_len == 2 && program[0] == 0x4e && program[1] == 0x73 && !is_p2sh)
    return set_error (err, UMK_SCRIPT_ERR_OK);

  if (flags & UMK_SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM)
    return set_error (err, UMK_SCRIPT_ERR_DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM);
  /* Other versions and sizes are anyone-can-spend, for future soft forks. */
  return set_error (err, UMK_SCRIPT_ERR_OK);
}

/* ---- VerifyScript ---- */

bool
umk_script_flags_are_valid (UmkScriptFlags flags)
{
  if ((flags & UMK_SCRIPT_VERIFY_CLEANSTACK) && !(flags & UMK_SCRIPT_VERIFY_WITNESS))
    return false;
  if ((flags & UMK_SCRIPT_VERIFY_WITNESS) && !(flags & UMK_SCRIPT_VERIFY_P2SH))
    return false;
  return true;
}

/* Whether script_sig is exactly one push of the given bytes, as CScript << bytes
 * would write it. */
static bool
is_single_push_of (const uint8_t *script_sig, size_t sig_len, const uint8_t *data, size_t len)
{
  g_autoptr (GByteArray) push = g_byte_array_sized_new ((guint) len + 5);
  umk_script_write_push (push, data, len);
  return push->len == sig_len && memcmp (push->data, script_sig, sig_len) == 0;
}

static bool
verify_script (Stack *stack, Stack *copy, const uint8_t *script_sig, size_t script_sig_len,
               const uint8_t *script_pubkey, size_t script_pubkey_len, const UmkSpan *witness,
               size_t n_witness, UmkScriptFlags flags, const UmkSigChecker *checker,
               UmkScriptError *err)
{
  ExecData exec = { 0 };
  bool had_witness = false;
  int version;
  const uint8_t *program;
  size_t program_len;

  if (!umk_script_flags_are_valid (flags))
    return set_error (err, UMK_SCRIPT_ERR_UNKNOWN_ERROR);

  if ((flags & UMK_SCRIPT_VERIFY_SIGPUSHONLY)
      && !umk_script_is_push_only (script_sig, script_sig_len))
    return set_error (err, UMK_SCRIPT_ERR_SIG_PUSHONLY);

  /* scriptSig and scriptPubKey run one after the other on one stack, not as
   * one concatenated script (CVE-2010-5141). */
  if (!eval_script (stack, script_sig, script_sig_len, flags, checker, UMK_SIGVERSION_BASE, &exec,
                    err))
    return false;
  if (flags & UMK_SCRIPT_VERIFY_P2SH)
    stack_copy (copy, stack);
  if (!eval_script (stack, script_pubkey, script_pubkey_len, flags, checker, UMK_SIGVERSION_BASE,
                    &exec, err))
    return false;
  if (stack->n == 0
      || !umk_script_cast_to_bool (stack_top (stack, 1)->data, stack_top (stack, 1)->len))
    return set_error (err, UMK_SCRIPT_ERR_EVAL_FALSE);

  if ((flags & UMK_SCRIPT_VERIFY_WITNESS)
      && umk_script_is_witness_program (script_pubkey, script_pubkey_len, &version, &program,
                                        &program_len))
    {
      had_witness = true;
      /* Exactly empty: anything else would make the txid malleable. */
      if (script_sig_len != 0)
        return set_error (err, UMK_SCRIPT_ERR_WITNESS_MALLEATED);
      if (!verify_witness_program (witness, n_witness, version, program, program_len, flags,
                                   checker, false, err))
        return false;
      /* The stack is not clean by design: keep one element for CLEANSTACK. */
      while (stack->n > 1)
        stack_pop (stack);
    }

  if ((flags & UMK_SCRIPT_VERIFY_P2SH) && umk_script_is_p2sh (script_pubkey, script_pubkey_len))
    {
      if (!umk_script_is_push_only (script_sig, script_sig_len))
        return set_error (err, UMK_SCRIPT_ERR_SIG_PUSHONLY);
      /* Run the redeem script on the stack as the scriptSig left it. */
      Stack t = *stack;
      *stack = *copy;
      *copy = t;
      /* Not empty: HASH160 <h> EQUAL succeeded on it. */
      Elem redeem = stack_take (stack, 1);
      bool ok = eval_script (stack, redeem.data, redeem.len, flags, checker, UMK_SIGVERSION_BASE,
                             &exec, err);
      if (ok
          && (stack->n == 0
              || !umk_script_cast_to_bool (stack_top (stack, 1)->data, stack_top (stack, 1)->len)))
        ok = set_error (err, UMK_SCRIPT_ERR_EVAL_FALSE);
      if (ok && (flags & UMK_SCRIPT_VERIFY_WITNESS)
          && umk_script_is_witness_program (redeem.data, redeem.len, &version, &program,
                                            &program_len))
        {
          had_witness = true;
          if (!is_single_push_of (script_sig, script_sig_len, redeem.data, redeem.len))
            ok = set_error (err, UMK_SCRIPT_ERR_WITNESS_MALLEATED_P2SH);
          else if (!verify_witness_program (witness, n_witness, version, program, program_len,
                                            flags, checker, true, err))
            ok = false;
          else
            while (stack->n > 1)
              stack_pop (stack);
        }
      g_free (redeem.data);
      if (!ok)
        return false;
    }

  /* After P2SH and witness evaluation, which leave their inputs behind. */
  if ((flags & UMK_SCRIPT_VERIFY_CLEANSTACK) && stack->n != 1)
    return set_error (err, UMK_SCRIPT_ERR_CLEANSTACK);

  if ((flags & UMK_SCRIPT_VERIFY_WITNESS) && !had_witness && n_witness != 0)
    return set_error (err, UMK_SCRIPT_ERR_WITNESS_UNEXPECTED);

  return set_error (err, UMK_SCRIPT_ERR_OK);
}

bool
umk_script_verify (const uint8_t *script_sig, size_t script_sig_len, const uint8_t *script_pubkey,
                   size_t script_pubkey_len, const UmkSpan *witness, size_t n_witness,
                   UmkScriptFlags flags, const UmkSigChecker *checker, UmkScriptError *error)
{
  Stack stack = { 0 }, copy = { 0 };
  UmkScriptError e = UMK_SCRIPT_ERR_UNKNOWN_ERROR;
  bool ok = verify_script (&stack, &copy, script_sig, script_sig_len, script_pubkey,
                           script_pubkey_len, witness, n_witness, flags, checker, &e);
  stack_clear (&stack);
  stack_clear (&copy);
  set_error (error, e);
  return ok;
}

bool
umk_verify_input (const UmkTx *tx, uint32_t n_in, const UmkTxOut *spent, UmkScriptFlags flags,
                  const UmkTxSigData *sigdata, UmkScriptError *error)
{
  set_error (error, UMK_SCRIPT_ERR_UNKNOWN_ERROR);
  g_return_val_if_fail (n_in < tx->n_in, false);
  const UmkTxIn *in = &tx->in[n_in];
  UmkSigChecker checker = { tx, n_in, spent->value, sigdata };
  return umk_script_verify (in->script_sig.data, in->script_sig.len, spent->script_pubkey.data,
                            spent->script_pubkey.len, in->witness, in->n_witness, flags, &checker,
                            error);
}
