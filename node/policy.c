/* policy.c — standardness and fee rates; see policy.h. */
#define G_LOG_DOMAIN "umk-policy"
#include "config.h"

#include "node/policy.h"

#include "common/chainparams.h"
#include "common/interpreter.h"
#include "common/pubkey.h"
#include "common/script.h"
#include "common/serialize.h"

#include <string.h>

/* ---- fee fractions ------------------------------------------------------- */

/* a * b as a 128-bit signed value, compared without overflow: fees reach 2^63
 * and sizes 2^31, so the products need 94 bits. */
#ifdef __SIZEOF_INT128__
typedef __int128 Wide;
static inline Wide
wide_mul (int64_t a, int32_t b)
{
  return (Wide) a * b;
}
static inline int
wide_cmp (Wide a, Wide b)
{
  return a < b ? -1 : a > b ? 1 : 0;
}
#else
/* The portable form: high part and low 32 bits, ordered lexicographically. */
typedef struct
{
  int64_t hi;
  uint32_t lo;
} Wide;
static inline Wide
wide_mul (int64_t a, int32_t b)
{
  int64_t low = (int64_t) (uint32_t) a * b;
  int64_t high = (a >> 32) * b;
  Wide w = { high + (low >> 32), (uint32_t) low };
  return w;
}
static inline int
wide_cmp (Wide a, Wide b)
{
  if (a.hi != b.hi)
    return a.hi < b.hi ? -1 : 1;
  return a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0;
}
#endif

int
umk_feefrac_rate_cmp (UmkFeeFrac a, UmkFeeFrac b)
{
  return wide_cmp (wide_mul (a.fee, b.size), wide_mul (b.fee, a.size));
}

int
umk_feefrac_cmp (UmkFeeFrac a, UmkFeeFrac b)
{
  int c = umk_feefrac_rate_cmp (a, b);
  if (c != 0)
    return c;
  /* same rate: the larger size is the lower one */
  return a.size > b.size ? -1 : a.size < b.size ? 1 : 0;
}

int64_t
umk_feefrac_evaluate (UmkFeeFrac f, int32_t at_size, bool round_down)
{
  g_return_val_if_fail (f.size > 0 && at_size >= 0, 0);
  if (f.fee >= 0 && f.fee < (INT64_C (1) << 33))
    {
      uint64_t n = (uint64_t) f.fee * (uint64_t) at_size;
      if (!round_down)
        n += (uint64_t) f.size - 1;
      return (int64_t) (n / (uint64_t) f.size);
    }
#ifdef __SIZEOF_INT128__
  __int128 n = (__int128) f.fee * at_size;
  int64_t q = (int64_t) (n / f.size);
  int64_t m = (int64_t) (n % f.size);
  return q + ((m > 0) - (m != 0 && round_down));
#else
  /* floor or ceiling of a 96-bit quotient, in two 32-bit steps */
  Wide n = wide_mul (f.fee, at_size);
  int64_t quot_high = n.hi / f.size;
  int64_t n_low = ((n.hi % f.size) * (INT64_C (1) << 32)) + n.lo;
  int64_t quot_low = n_low / f.size;
  int32_t mod_low = (int32_t) (n_low % f.size);
  quot_low += (mod_low > 0) - (mod_low != 0 && round_down);
  return quot_high * (INT64_C (1) << 32) + quot_low;
#endif
}

static UmkFeeFrac
ff_add (UmkFeeFrac a, UmkFeeFrac b)
{
  UmkFeeFrac r = { a.fee + b.fee, a.size + b.size };
  return r;
}

static UmkFeeFrac
ff_sub (UmkFeeFrac a, UmkFeeFrac b)
{
  UmkFeeFrac r = { a.fee - b.fee, a.size - b.size };
  return r;
}

int
umk_feefrac_compare_diagrams (const UmkFeeFrac *a, size_t n_a, const UmkFeeFrac *b, size_t n_b)
{
  const UmkFeeFrac *chunk[2] = { a, b };
  const size_t n[2] = { n_a, n_b };
  size_t next[2] = { 0, 0 };
  UmkFeeFrac acc[2] = { { 0, 0 }, { 0, 0 } };
  bool better[2] = { false, false };

  /* Walk both diagrams' points by increasing size; at each point of one
   * diagram, see whether it lies above or below the other's segment there
   * (a horizontal line once a diagram has run out). */
  for (;;)
    {
      bool done0 = next[0] == n[0], done1 = next[1] == n[1];
      if (done0 && done1)
        break;
      int side;
      if (done0 || done1)
        side = done0 ? 1 : 0;
      else
        side = ff_add (chunk[0][next[0]], acc[0]).size > ff_add (chunk[1][next[1]], acc[1]).size
                   ? 1
                   : 0;
      int other = !side;
      UmkFeeFrac p = ff_add (chunk[side][next[side]], acc[side]);
      UmkFeeFrac slope_ap = ff_sub (p, acc[other]);
      int cmp;
      if (done0 || done1)
        {
          UmkFeeFrac zero = { 0, 1 };
          cmp = umk_feefrac_rate_cmp (slope_ap, zero);
        }
      else
        {
          UmkFeeFrac pb = ff_add (chunk[other][next[other]], acc[other]);
          UmkFeeFrac slope_ab = ff_sub (pb, acc[other]);
          cmp = umk_feefrac_rate_cmp (slope_ap, slope_ab);
          if (pb.size == p.size)
            acc[other] = ff_add (acc[other], chunk[other][next[other]++]);
        }
      if (cmp > 0)
        better[side] = true;
      if (cmp < 0)
        better[other] = true;
      acc[side] = ff_add (acc[side], chunk[side][next[side]++]);
      if (better[0] && better[1])
        return 2;
    }
  return (int) better[0] - (int) better[1];
}

UmkFeeRate
umk_feerate_from_fee (int64_t fee, int64_t vsize)
{
  UmkFeeRate r = { 0, 0 };
  if (vsize > 0)
    {
      r.fee = fee;
      r.size = (int32_t) vsize;
    }
  return r;
}

int64_t
umk_feerate_get_fee (UmkFeeRate rate, int64_t vsize)
{
  if (rate.size == 0)
    return 0;
  int64_t fee = umk_feefrac_evaluate (rate, (int32_t) vsize, false);
  if (fee == 0 && vsize != 0 && rate.fee < 0)
    return -1;
  return fee;
}

int64_t
umk_feerate_per_kvb (UmkFeeRate rate)
{
  if (rate.size == 0)
    return 0;
  return umk_feefrac_evaluate (rate, 1000, true);
}

char *
umk_feerate_to_string (UmkFeeRate rate)
{
  int64_t k = umk_feerate_per_kvb (rate);
  return g_strdup_printf ("%" G_GINT64_FORMAT ".%08" G_GINT64_FORMAT " UMK/kvB",
                          (gint64) (k / UMK_COIN), (gint64) (k % UMK_COIN));
}

/* ---- output types -------------------------------------------------------- */

bool
umk_script_is_pay_to_anchor (const uint8_t *s, size_t len)
{
  return len == 4 && s[0] == UMK_OP_1 && s[1] == 0x02 && s[2] == 0x4e && s[3] == 0x73;
}

/* ---- dust ------------------------------------------------------------------ */

int64_t
umk_policy_dust_threshold (const UmkTxOut *out, UmkFeeRate dust_relay_fee)
{
  const uint8_t *s = out->script_pubkey.data;
  size_t len = out->script_pubkey.len;
  if (umk_script_is_unspendable (s, len))
    return 0;
  /* the output's own bytes, plus the smallest input that could spend it: a
   * P2PKH-sized one (148 bytes), or for witness outputs one whose 107
   * signature bytes get the witness discount */
  uint64_t size = 8 + umk_compact_size_len (len) + len;
  int version;
  const uint8_t *program;
  size_t program_len;
  if (umk_script_is_witness_program (s, len, &version, &program, &program_len))
    size += 32 + 4 + 1 + (107 / UMK_WITNESS_SCALE_FACTOR) + 4;
  else
    size += 32 + 4 + 1 + 107 + 4;
  return umk_feerate_get_fee (dust_relay_fee, (int64_t) size);
}

bool
umk_policy_is_dust (const UmkTxOut *out, UmkFeeRate dust_relay_fee)
{
  return out->value < umk_policy_dust_threshold (out, dust_relay_fee);
}

unsigned
umk_policy_count_dust (const UmkTx *tx, UmkFeeRate dust_relay_fee)
{
  unsigned n = 0;
  for (uint32_t i = 0; i < tx->n_out; i++)
    if (umk_policy_is_dust (&tx->out[i], dust_relay_fee))
      n++;
  return n;
}

/* ---- IsStandard / IsStandardTx ------------------------------------------- */

bool
umk_policy_is_standard_script (const uint8_t *script, size_t len, UmkTxoutType *type)
{
  UmkSolution sol;
  *type = umk_sign_solve (script, len, &sol);
  if (*type == UMK_TXOUT_NONSTANDARD)
    return false;
  if (*type == UMK_TXOUT_MULTISIG)
    {
      /* bare multisig is standard up to x-of-3 */
      int m = sol.required, n = sol.n_keys;
      if (n < 1 || n > 3 || m < 1 || m > n)
        return false;
    }
  return true;
}

bool
umk_policy_is_standard_tx (const UmkTx *tx, int64_t max_datacarrier_bytes,
                           bool permit_bare_multisig, UmkFeeRate dust_relay_fee,
                           const char **reason)
{
  /* The version is signed in Core's CTransaction: 0x80000000 and above are
   * negative there, so below the minimum. */
  int32_t version = (int32_t) tx->version;
  if (version > UMK_TX_MAX_STANDARD_VERSION || version < UMK_TX_MIN_STANDARD_VERSION)
    {
      *reason = "version";
      return false;
    }
  /* Signature hashing is quadratic in size for legacy inputs, so the size cap
   * bounds the work one transaction can cause. */
  if (umk_tx_weight (tx) > UMK_MAX_STANDARD_TX_WEIGHT)
    {
      *reason = "tx-size";
      return false;
    }
  for (uint32_t i = 0; i < tx->n_in; i++)
    {
      const UmkSpan *sig = &tx->in[i].script_sig;
      /* 1650 covers a 15-of-15 P2SH multisig spend with some room */
      if (sig->len > UMK_MAX_STANDARD_SCRIPTSIG_SIZE)
        {
          *reason = "scriptsig-size";
          return false;
        }
      if (!umk_script_is_push_only (sig->data, sig->len))
        {
          *reason = "scriptsig-not-pushonly";
          return false;
        }
    }
  uint64_t datacarrier_left = max_datacarrier_bytes < 0 ? 0 : (uint64_t) max_datacarrier_bytes;
  for (uint32_t i = 0; i < tx->n_out; i++)
    {
      const UmkSpan *spk = &tx->out[i].script_pubkey;
      UmkTxoutType type;
      if (!umk_policy_is_standard_script (spk->data, spk->len, &type))
        {
          *reason = "scriptpubkey";
          return false;
        }
      if (type == UMK_TXOUT_NULL_DATA)
        {
          /* all data-carrier outputs together share one budget */
          if (spk->len > datacarrier_left)
            {
              *reason = "datacarrier";
              return false;
            }
          datacarrier_left -= spk->len;
        }
      else if (type == UMK_TXOUT_MULTISIG && !permit_bare_multisig)
        {
          *reason = "bare-multisig";
          return false;
        }
    }
  /* one dust output is allowed: ephemeral dust, which the 0-fee rule and the
   * spend-it-in-the-child rule of the mempool then police */
  if (umk_policy_count_dust (tx, dust_relay_fee) > UMK_MAX_DUST_OUTPUTS_PER_TX)
    {
      *reason = "dust";
      return false;
    }
  return true;
}

/* ---- inputs ---------------------------------------------------------------- */

bool
umk_policy_eval_push_only (const uint8_t *script, size_t len, UmkSpan *last, size_t *depth)
{
  static const uint8_t small[17][1]
      = { { 0x81 }, { 1 },  { 2 },  { 3 },  { 4 },  { 5 },  { 6 },  { 7 }, { 8 },
          { 9 },    { 10 }, { 11 }, { 12 }, { 13 }, { 14 }, { 15 }, { 16 } };
  UmkSpan top = { NULL, 0 };
  size_t n = 0;
  if (len > UMK_MAX_SCRIPT_SIZE)
    return false;
  size_t pc = 0;
  UmkScriptOp op;
  while (pc < len)
    {
      if (!umk_script_next_op (script, len, &pc, &op))
        return false;
      if (op.opcode <= UMK_OP_PUSHDATA4)
        {
          if (op.len > UMK_MAX_SCRIPT_ELEMENT_SIZE)
            return false;
          top.data = op.data;
          top.len = op.len;
        }
      else if (op.opcode == UMK_OP_1NEGATE)
        {
          top.data = small[0];
          top.len = 1;
        }
      else if (op.opcode >= UMK_OP_1 && op.opcode <= UMK_OP_16)
        {
          top.data = small[op.opcode - UMK_OP_1 + 1];
          top.len = 1;
        }
      else
        return false; /* OP_RESERVED fails when run; other opcodes are not pushes */
      if (++n > UMK_MAX_STACK_SIZE)
        return false;
    }
  if (last != NULL)
    *last = top;
  if (depth != NULL)
    *depth = n;
  return true;
}

unsigned
umk_policy_p2sh_sigop_count (const uint8_t *spk, size_t spk_len, const uint8_t *sig, size_t sig_len)
{
  if (!umk_script_is_p2sh (spk, spk_len))
    return umk_script_sigop_count (spk, spk_len, true);
  /* the redeem script is whatever the scriptSig pushes last */
  const uint8_t *data = NULL;
  size_t data_len = 0;
  size_t pc = 0;
  UmkScriptOp op;
  while (pc < sig_len)
    {
      if (!umk_script_next_op (sig, sig_len, &pc, &op))
        return 0;
      if (op.opcode > UMK_OP_16)
        return 0;
      data = op.data;
      data_len = op.data != NULL ? op.len : 0;
    }
  return data != NULL ? umk_script_sigop_count (data, data_len, true) : 0;
}

bool
umk_policy_are_inputs_standard (const UmkTx *tx, const UmkTxOut *spent)
{
  if (umk_tx_is_coinbase (tx))
    return true;
  /* BIP 54: legacy sigops that may run when these inputs are spent, the
   * spent scriptPubKeys included */
  unsigned sigops = 0;
  for (uint32_t i = 0; i < tx->n_in; i++)
    {
      const UmkSpan *sig = &tx->in[i].script_sig;
      const UmkSpan *spk = &spent[i].script_pubkey;
      sigops += umk_script_sigop_count (sig->data, sig->len, true);
      sigops += umk_policy_p2sh_sigop_count (spk->data, spk->len, sig->data, sig->len);
      if (sigops > UMK_MAX_TX_LEGACY_SIGOPS)
        return false;
    }
  for (uint32_t i = 0; i < tx->n_in; i++)
    {
      const UmkSpan *spk = &spent[i].script_pubkey;
      UmkSolution sol;
      UmkTxoutType type = umk_sign_solve (spk->data, spk->len, &sol);
      if (type == UMK_TXOUT_NONSTANDARD || type == UMK_TXOUT_WITNESS_UNKNOWN)
        return false;
      if (type == UMK_TXOUT_SCRIPTHASH)
        {
          UmkSpan redeem;
          size_t depth;
          const UmkSpan *sig = &tx->in[i].script_sig;
          if (!umk_policy_eval_push_only (sig->data, sig->len, &redeem, &depth) || depth == 0)
            return false;
          if (umk_script_sigop_count (redeem.data, redeem.len, true) > UMK_MAX_P2SH_SIGOPS)
            return false;
        }
    }
  return true;
}

bool
umk_policy_is_witness_standard (const UmkTx *tx, const UmkTxOut *spent)
{
  if (umk_tx_is_coinbase (tx))
    return true;
  for (uint32_t i = 0; i < tx->n_in; i++)
    {
      const UmkTxIn *in = &tx->in[i];
      /* an empty witness cannot be bloated */
      if (in->n_witness == 0)
        continue;
      const uint8_t *script = spent[i].script_pubkey.data;
      size_t script_len = spent[i].script_pubkey.len;
      /* a witness on an anchor spend is stuffing */
      if (umk_script_is_pay_to_anchor (script, script_len))
        return false;
      bool p2sh = false;
      if (umk_script_is_p2sh (script, script_len))
        {
          UmkSpan redeem;
          size_t depth;
          if (!umk_policy_eval_push_only (in->script_sig.data, in->script_sig.len, &redeem, &depth)
              || depth == 0)
            return false;
          script = redeem.data;
          script_len = redeem.len;
          p2sh = true;
        }
      int version;
      const uint8_t *program;
      size_t program_len;
      /* a witness on anything but a witness program */
      if (!umk_script_is_witness_program (script, script_len, &version, &program, &program_len))
        return false;
      if (version == 0 && program_len == 32)
        {
          if (in->witness[in->n_witness - 1].len > UMK_MAX_STANDARD_P2WSH_SCRIPT_SIZE)
            return false;
          size_t items = in->n_witness - 1;
          if (items > UMK_MAX_STANDARD_P2WSH_STACK_ITEMS)
            return false;
          for (size_t j = 0; j < items; j++)
            if (in->witness[j].len > UMK_MAX_STANDARD_P2WSH_STACK_ITEM_SIZE)
              return false;
        }
      if (version == 1 && program_len == 32 && !p2sh)
        {
          size_t items = in->n_witness;
          const UmkSpan *stack = in->witness;
          if (items >= 2 && stack[items - 1].len > 0 && stack[items - 1].data[0] == UMK_ANNEX_TAG)
            return false; /* annexes have no meaning yet */
          if (items >= 2)
            {
              const UmkSpan *control = &stack[items - 1];
              items -= 2; /* the control block and the script */
              if (control->len == 0)
                return false;
              if ((control->data[0] & 0xfe) == 0xc0)
                for (size_t j = 0; j < items; j++)
                  if (stack[j].len > UMK_MAX_STANDARD_TAPSCRIPT_STACK_ITEM_SIZE)
                    return false;
            }
          else if (items == 0)
            return false;
        }
    }
  return true;
}
