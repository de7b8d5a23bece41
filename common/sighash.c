/* sighash.c — signature messages: legacy, BIP 143 and BIP 341/342.
 *
 * Everything is serialized straight into the running hash rather than into a
 * buffer first: a legacy signature hash covers the whole transaction, and a
 * block checks thousands of them.
 */
#define G_LOG_DOMAIN "umk-sighash"
#include "config.h"

#include "common/sighash.h"

#include "common/hash.h"
#include "common/script.h"
#include "common/serialize.h"

#include <string.h>

/* Length of a taproot output script: OP_1 and a 32-byte push. */
#define TAPROOT_SPK_SIZE 34

/* ---- small serializers over a running hash ---- */

static void
hash_u8 (UmkSha256 *h, uint8_t v)
{
  umk_sha256_update (h, &v, 1);
}

static void
hash_u32 (UmkSha256 *h, uint32_t v)
{
  uint8_t b[4];
  umk_store_u32le (b, v);
  umk_sha256_update (h, b, sizeof b);
}

static void
hash_compact_size (UmkSha256 *h, uint64_t v)
{
  uint8_t b[UMK_COMPACT_SIZE_MAX];
  umk_sha256_update (h, b, umk_compact_size_encode (v, b));
}

static void
hash_outpoint (UmkSha256 *h, const UmkOutPoint *o)
{
  uint8_t b[36];
  memcpy (b, o->hash.b, 32);
  umk_store_u32le (b + 32, o->n);
  umk_sha256_update (h, b, sizeof b);
}

/* Value, then the script with its length: one update for the fixed part. */
static void
hash_txout_parts (UmkSha256 *h, int64_t value, const uint8_t *script, size_t len)
{
  uint8_t b[8 + UMK_COMPACT_SIZE_MAX];
  umk_store_u64le (b, (uint64_t) value);
  size_t n = 8 + umk_compact_size_encode (len, b + 8);
  umk_sha256_update (h, b, n);
  umk_sha256_update (h, script, len);
}

static void
hash_txout (UmkSha256 *h, const UmkTxOut *o)
{
  hash_txout_parts (h, o->value, o->script_pubkey.data, o->script_pubkey.len);
}

/* ---- the per-transaction hashes ---- */

static void
prevouts_sha256 (const UmkTx *tx, uint8_t out[32])
{
  UmkSha256 h;
  umk_sha256_init (&h);
  for (uint32_t i = 0; i < tx->n_in; i++)
    hash_outpoint (&h, &tx->in[i].prevout);
  umk_sha256_final (&h, out);
}

static void
sequences_sha256 (const UmkTx *tx, uint8_t out[32])
{
  UmkSha256 h;
  umk_sha256_init (&h);
  for (uint32_t i = 0; i < tx->n_in; i++)
    hash_u32 (&h, tx->in[i].sequence);
  umk_sha256_final (&h, out);
}

static void
outputs_sha256 (const UmkTx *tx, uint8_t out[32])
{
  UmkSha256 h;
  umk_sha256_init (&h);
  for (uint32_t i = 0; i < tx->n_out; i++)
    hash_txout (&h, &tx->out[i]);
  umk_sha256_final (&h, out);
}

static void
spent_amounts_sha256 (const UmkTxOut *spent, uint32_t n, uint8_t out[32])
{
  UmkSha256 h;
  umk_sha256_init (&h);
  for (uint32_t i = 0; i < n; i++)
    {
      uint8_t b[8];
      umk_store_u64le (b, (uint64_t) spent[i].value);
      umk_sha256_update (&h, b, sizeof b);
    }
  umk_sha256_final (&h, out);
}

static void
spent_scripts_sha256 (const UmkTxOut *spent, uint32_t n, uint8_t out[32])
{
  UmkSha256 h;
  umk_sha256_init (&h);
  for (uint32_t i = 0; i < n; i++)
    {
      hash_compact_size (&h, spent[i].script_pubkey.len);
      umk_sha256_update (&h, spent[i].script_pubkey.data, spent[i].script_pubkey.len);
    }
  umk_sha256_final (&h, out);
}

static void
sha256_again (uint8_t inout[32])
{
  umk_sha256 (inout, 32, inout);
}

void
umk_tx_sigdata_init (UmkTxSigData *d, const UmkTx *tx, const UmkTxOut *spent_outputs, bool force)
{
  memset (d, 0, sizeof *d);
  d->spent_outputs = spent_outputs;

  /* Which scheme an input uses is only known for sure once its script runs;
   * guessing from the spent script is enough here, because a wrong guess only
   * costs a hash computed on the spot (or a spend that fails anyway). */
  bool v0 = force;
  bool v1 = force;
  for (uint32_t i = 0; i < tx->n_in && !(v0 && v1); i++)
    {
      if (tx->in[i].n_witness == 0)
        continue;
      if (spent_outputs != NULL && spent_outputs[i].script_pubkey.len == TAPROOT_SPK_SIZE
          && spent_outputs[i].script_pubkey.data[0] == UMK_OP_1)
        v1 = true;
      else
        v0 = true;
    }

  if (v0 || v1)
    {
      prevouts_sha256 (tx, d->prevouts_single);
      sequences_sha256 (tx, d->sequences_single);
      outputs_sha256 (tx, d->outputs_single);
    }
  if (v0)
    {
      memcpy (d->hash_prevouts, d->prevouts_single, 32);
      memcpy (d->hash_sequence, d->sequences_single, 32);
      memcpy (d->hash_outputs, d->outputs_single, 32);
      sha256_again (d->hash_prevouts);
      sha256_again (d->hash_sequence);
      sha256_again (d->hash_outputs);
      d->bip143_ready = true;
    }
  if (v1 && spent_outputs != NULL)
    {
      spent_amounts_sha256 (spent_outputs, tx->n_in, d->spent_amounts_single);
      spent_scripts_sha256 (spent_outputs, tx->n_in, d->spent_scripts_single);
      d->bip341_ready = true;
    }
}

/* ---- legacy ---- */

/* Where Core's script cursor stops on an operation that runs past the end:
 * after the opcode, and after the length field if that was complete. Core
 * writes the scriptCode only up to there while its length prefix counts the
 * whole script, and the hash has to reproduce that. */
static size_t
truncated_op_stop (const uint8_t *script, size_t len, size_t start)
{
  uint8_t opcode = script[start];
  size_t width = opcode == UMK_OP_PUSHDATA1   ? 1
                 : opcode == UMK_OP_PUSHDATA2 ? 2
                 : opcode == UMK_OP_PUSHDATA4 ? 4
                                              : 0;
  return len - (start + 1) >= width ? start + 1 + width : start + 1;
}

/* The scriptCode without its OP_CODESEPARATORs, with a length prefix. */
static void
hash_script_code (UmkSha256 *h, const uint8_t *script, size_t len)
{
  size_t n_separators = 0;
  size_t pc = 0;
  UmkScriptOp op;
  while (umk_script_next_op (script, len, &pc, &op))
    if (op.opcode == UMK_OP_CODESEPARATOR)
      n_separators++;
  hash_compact_size (h, len - n_separators);

  size_t begin = 0; /* start of the bytes not yet hashed */
  pc = 0;
  for (;;)
    {
      size_t start = pc;
      if (!umk_script_next_op (script, len, &pc, &op))
        {
          if (start < len)
            pc = truncated_op_stop (script, len, start);
          break;
        }
      if (op.opcode == UMK_OP_CODESEPARATOR)
        {
          umk_sha256_update (h, script + begin, start - begin);
          begin = pc;
        }
    }
  if (begin < len)
    umk_sha256_update (h, script + begin, pc - begin);
}

void
umk_sighash_legacy (const UmkTx *tx, uint32_t n_in, const uint8_t *script_code, size_t script_len,
                    int32_t hash_type, uint8_t out[32])
{
  const bool anyone_can_pay = (hash_type & UMK_SIGHASH_ANYONECANPAY) != 0;
  const bool single = (hash_type & 0x1f) == UMK_SIGHASH_SINGLE;
  const bool none = (hash_type & 0x1f) == UMK_SIGHASH_NONE;

  /* The original client returned 1 here as an error value and signed it; such
   * signatures are valid in consensus, so the value is kept. */
  if (n_in >= tx->n_in || (single && n_in >= tx->n_out))
    {
      memset (out, 0, 32);
      out[0] = 1;
      return;
    }

  UmkSha256 h;
  umk_sha256_init (&h);
  hash_u32 (&h, tx->version);

  uint32_t n_inputs = anyone_can_pay ? 1 : tx->n_in;
  hash_compact_size (&h, n_inputs);
  for (uint32_t i = 0; i < n_inputs; i++)
    {
      uint32_t k = anyone_can_pay ? n_in : i;
      const UmkTxIn *in = &tx->in[k];
      hash_outpoint (&h, &in->prevout);
      if (k == n_in)
        {
          hash_script_code (&h, script_code, script_len);
          hash_u32 (&h, in->sequence);
        }
      else
        {
          /* other inputs' scriptSigs hold signatures, which cannot sign
           * themselves; with NONE or SINGLE their sequences are left free too */
          hash_u8 (&h, 0);
          hash_u32 (&h, single || none ? 0 : in->sequence);
        }
    }

  uint32_t n_outputs = none ? 0 : single ? n_in + 1 : tx->n_out;
  hash_compact_size (&h, n_outputs);
  for (uint32_t i = 0; i < n_outputs; i++)
    {
      /* SINGLE commits to the position of its output, not to the outputs
       * before it: those are a null output (value -1, empty script) */
      if (single && i != n_in)
        hash_txout_parts (&h, -1, NULL, 0);
      else
        hash_txout (&h, &tx->out[i]);
    }

  hash_u32 (&h, tx->lock_time);
  hash_u32 (&h, (uint32_t) hash_type);
  umk_sha256d_final (&h, out);
}

/* ---- BIP 143 ---- */

void
umk_sighash_witness_v0 (const UmkTx *tx, uint32_t n_in, const uint8_t *script_code,
                        size_t script_len, int64_t amount, int32_t hash_type,
                        const UmkTxSigData *sigdata, uint8_t out[32])
{
  memset (out, 0, 32);
  g_return_if_fail (n_in < tx->n_in);

  const bool anyone_can_pay = (hash_type & UMK_SIGHASH_ANYONECANPAY) != 0;
  const bool single = (hash_type & 0x1f) == UMK_SIGHASH_SINGLE;
  const bool none = (hash_type & 0x1f) == UMK_SIGHASH_NONE;
  const bool cached = sigdata != NULL && sigdata->bip143_ready;

  /* Committed-out parts are 32 zero bytes. */
  uint8_t hash_prevouts[32] = { 0 };
  uint8_t hash_sequence[32] = { 0 };
  uint8_t hash_outputs[32] = { 0 };

  if (!anyone_can_pay)
    {
      if (cached)
        memcpy (hash_prevouts, sigdata->hash_prevouts, 32);
      else
        {
          prevouts_sha256 (tx, hash_prevouts);
          sha256_again (hash_prevouts);
        }
    }
  if (!anyone_can_pay && !single && !none)
    {
      if (cached)
        memcpy (hash_sequence, sigdata->hash_sequence, 32);
      else
        {
          sequences_sha256 (tx, hash_sequence);
          sha256_again (hash_sequence);
        }
    }
  if (!single && !none)
    {
      if (cached)
        memcpy (hash_outputs, sigdata->hash_outputs, 32);
      else
        {
          outputs_sha256 (tx, hash_outputs);
          sha256_again (hash_outputs);
        }
    }
  else if (single && n_in < tx->n_out)
    {
      UmkSha256 o;
      umk_sha256_init (&o);
      hash_txout (&o, &tx->out[n_in]);
      umk_sha256d_final (&o, hash_outputs);
    }

  const UmkTxIn *in = &tx->in[n_in];
  UmkSha256 h;
  umk_sha256_init (&h);
  hash_u32 (&h, tx->version);
  umk_sha256_update (&h, hash_prevouts, 32);
  umk_sha256_update (&h, hash_sequence, 32);
  hash_outpoint (&h, &in->prevout);
  hash_compact_size (&h, script_len);
  umk_sha256_update (&h, script_code, script_len);
  /* signing the amount lets an offline signer trust the fee it is shown */
  uint8_t b[8];
  umk_store_u64le (b, (uint64_t) amount);
  umk_sha256_update (&h, b, sizeof b);
  hash_u32 (&h, in->sequence);
  umk_sha256_update (&h, hash_outputs, 32);
  hash_u32 (&h, tx->lock_time);
  hash_u32 (&h, (uint32_t) hash_type);
  umk_sha256d_final (&h, out);
}

/* ---- BIP 341 / 342 ---- */

static bool
taproot_hash_type_defined (uint8_t hash_type)
{
  return hash_type <= UMK_SIGHASH_SINGLE
         || (hash_type >= (UMK_SIGHASH_ANYONECANPAY | UMK_SIGHASH_ALL)
             && hash_type <= (UMK_SIGHASH_ANYONECANPAY | UMK_SIGHASH_SINGLE));
}

/* Everything that can make the message undefined, checked before a byte of
 * it is written. */
static bool
taproot_can_sign (const UmkTx *tx, uint32_t n_in, uint8_t hash_type, UmkSigVersion sigversion,
                  const UmkTxSigData *sigdata, const UmkTaprootExec *exec)
{
  g_return_val_if_fail (n_in < tx->n_in, false);
  g_return_val_if_fail (
      sigversion == UMK_SIGVERSION_TAPROOT || sigversion == UMK_SIGVERSION_TAPSCRIPT, false);
  g_return_val_if_fail (sigversion != UMK_SIGVERSION_TAPSCRIPT || exec != NULL, false);

  if (sigdata == NULL || !sigdata->bip341_ready || sigdata->spent_outputs == NULL)
    return false;
  if (!taproot_hash_type_defined (hash_type))
    return false;
  /* unlike the legacy scheme, there is no value to sign in place of the
   * missing output */
  if ((hash_type & UMK_SIGHASH_OUTPUT_MASK) == UMK_SIGHASH_SINGLE && n_in >= tx->n_out)
    return false;
  return true;
}

/* Appends the SigMsg. It is built as bytes, then hashed: one writer serves
 * both umk_sighash_taproot_msg() and the signature hash, and the allocation
 * is noise next to the signature check that follows. */
static void
taproot_write_msg (GByteArray *w, const UmkTx *tx, uint32_t n_in, uint8_t hash_type,
                   UmkSigVersion sigversion, const UmkTxSigData *d, const UmkTaprootExec *exec)
{
  /* DEFAULT signs what ALL does; it differs only in the signature's length */
  const uint8_t output_type
      = hash_type == UMK_SIGHASH_DEFAULT ? UMK_SIGHASH_ALL : (hash_type & UMK_SIGHASH_OUTPUT_MASK);
  const bool anyone_can_pay = (hash_type & UMK_SIGHASH_INPUT_MASK) == UMK_SIGHASH_ANYONECANPAY;
  const bool tapscript = sigversion == UMK_SIGVERSION_TAPSCRIPT;
  const bool annex = exec != NULL && exec->annex_present;

  umk_write_u8 (w, 0x00); /* epoch */
  umk_write_u8 (w, hash_type);
  umk_write_u32le (w, tx->version);
  umk_write_u32le (w, tx->lock_time);
  if (!anyone_can_pay)
    {
      umk_write_bytes (w, d->prevouts_single, 32);
      umk_write_bytes (w, d->spent_amounts_single, 32);
      umk_write_bytes (w, d->spent_scripts_single, 32);
      umk_write_bytes (w, d->sequences_single, 32);
    }
  if (output_type == UMK_SIGHASH_ALL)
    umk_write_bytes (w, d->outputs_single, 32);

  umk_write_u8 (w, (uint8_t) ((tapscript ? 2 : 0) | (annex ? 1 : 0))); /* spend_type */
  if (anyone_can_pay)
    {
      const UmkTxIn *in = &tx->in[n_in];
      const UmkTxOut *spent = &d->spent_outputs[n_in];
      umk_write_bytes (w, in->prevout.hash.b, 32);
      umk_write_u32le (w, in->prevout.n);
      umk_write_i64le (w, spent->value);
      umk_write_var_bytes (w, spent->script_pubkey.data, spent->script_pubkey.len);
      umk_write_u32le (w, in->sequence);
    }
  else
    umk_write_u32le (w, n_in);
  if (annex)
    umk_write_bytes (w, exec->annex_hash, 32);

  if (output_type == UMK_SIGHASH_SINGLE)
    {
      uint8_t output_hash[32];
      UmkSha256 o;
      umk_sha256_init (&o);
      hash_txout (&o, &tx->out[n_in]);
      umk_sha256_final (&o, output_hash);
      umk_write_bytes (w, output_hash, 32);
    }

  if (tapscript)
    {
      umk_write_bytes (w, exec->tapleaf_hash, 32);
      umk_write_u8 (w, 0x00); /* key_version: 32-byte x-only keys */
      umk_write_u32le (w, exec->codesep_pos);
    }
}

bool
umk_sighash_taproot_msg (GByteArray *msg, const UmkTx *tx, uint32_t n_in, uint8_t hash_type,
                         UmkSigVersion sigversion, const UmkTxSigData *sigdata,
                         const UmkTaprootExec *exec)
{
  if (!taproot_can_sign (tx, n_in, hash_type, sigversion, sigdata, exec))
    return false;
  taproot_write_msg (msg, tx, n_in, hash_type, sigversion, sigdata, exec);
  return true;
}

bool
umk_sighash_taproot (const UmkTx *tx, uint32_t n_in, uint8_t hash_type, UmkSigVersion sigversion,
                     const UmkTxSigData *sigdata, const UmkTaprootExec *exec, uint8_t out[32])
{
  g_autoptr (GByteArray) msg = g_byte_array_sized_new (256);
  if (!umk_sighash_taproot_msg (msg, tx, n_in, hash_type, sigversion, sigdata, exec))
    return false;
  umk_tagged_hash ("TapSighash", msg->data, msg->len, out);
  return true;
}
