/* sign.c — producing scriptSigs and witnesses, following the steps of Umkoin
 * Core v31.0's script/sign.cpp so that the same inputs give the same
 * transaction and the same errors: SignStep solves one script, ProduceSignature
 * chains the steps through P2SH and segwit, DataFromTransaction recovers what a
 * partly signed input already has, SignTransaction runs them over the inputs.
 */
#define G_LOG_DOMAIN "umk-sign"
#include "config.h"

#include "common/sign.h"

#include "common/chainparams.h"
#include "common/hash.h"
#include "common/interpreter.h"
#include "common/key.h"
#include "common/pubkey.h"
#include "common/script-num.h"
#include "common/script.h"
#include "common/serialize.h"
#include "common/taproot.h"

#include <string.h>

/* ---- Solver -------------------------------------------------------------- */

static const char *const txout_type_names[] = {
  [UMK_TXOUT_NONSTANDARD] = "nonstandard",
  [UMK_TXOUT_ANCHOR] = "anchor",
  [UMK_TXOUT_PUBKEY] = "pubkey",
  [UMK_TXOUT_PUBKEYHASH] = "pubkeyhash",
  [UMK_TXOUT_SCRIPTHASH] = "scripthash",
  [UMK_TXOUT_MULTISIG] = "multisig",
  [UMK_TXOUT_NULL_DATA] = "nulldata",
  [UMK_TXOUT_WITNESS_V0_SCRIPTHASH] = "witness_v0_scripthash",
  [UMK_TXOUT_WITNESS_V0_KEYHASH] = "witness_v0_keyhash",
  [UMK_TXOUT_WITNESS_V1_TAPROOT] = "witness_v1_taproot",
  [UMK_TXOUT_WITNESS_UNKNOWN] = "witness_unknown",
};

const char *
umk_txout_type_name (UmkTxoutType type)
{
  return (unsigned) type < G_N_ELEMENTS (txout_type_names) ? txout_type_names[type] : NULL;
}

/* Core's GetScriptNumber: OP_1..OP_16, or a minimally pushed number of at most
 * four bytes, within [min, max]. */
static bool
script_number (const UmkScriptOp *op, int min, int max, int *out)
{
  int64_t n;
  if (op->opcode >= UMK_OP_1 && op->opcode <= UMK_OP_16)
    n = umk_opcode_small_int (op->opcode);
  else if (op->opcode <= UMK_OP_PUSHDATA4)
    {
      if (!umk_script_push_is_minimal (op->data, op->len, op->opcode)
          || !umk_script_num_decode (op->data, op->len, 4, true, &n))
        return false;
    }
  else
    return false;
  if (n < min || n > max)
    return false;
  *out = (int) n;
  return true;
}

static bool
match_multisig (const uint8_t *s, size_t len, UmkSolution *sol)
{
  if (len < 1 || s[len - 1] != UMK_OP_CHECKMULTISIG)
    return false;
  size_t pc = 0;
  UmkScriptOp op;
  if (!umk_script_next_op (s, len, &pc, &op)
      || !script_number (&op, 1, UMK_SIGN_MAX_MULTISIG_KEYS, &sol->required))
    return false;
  for (;;)
    {
      if (!umk_script_next_op (s, len, &pc, &op))
        {
          op.opcode = UMK_OP_INVALIDOPCODE;
          break;
        }
      if (op.data == NULL || !umk_pubkey_has_valid_size (op.data, op.len))
        break;
      /* More keys than any count can name: no count will match. */
      if (sol->n_keys == UMK_SIGN_MAX_MULTISIG_KEYS)
        return false;
      sol->keys[sol->n_keys] = op.data;
      sol->key_lens[sol->n_keys++] = op.len;
    }
  int n;
  if (!script_number (&op, sol->required, UMK_SIGN_MAX_MULTISIG_KEYS, &n) || n != sol->n_keys)
    return false;
  return pc + 1 == len;
}

UmkTxoutType
umk_sign_solve (const uint8_t *s, size_t len, UmkSolution *sol)
{
  memset (sol, 0, sizeof *sol);
  if (umk_script_is_p2sh (s, len))
    {
      sol->hash = s + 2;
      sol->hash_len = 20;
      return sol->type = UMK_TXOUT_SCRIPTHASH;
    }
  int version;
  const uint8_t *program;
  size_t program_len;
  if (umk_script_is_witness_program (s, len, &version, &program, &program_len))
    {
      sol->witness_version = version;
      sol->hash = program;
      sol->hash_len = program_len;
      if (version == 0 && program_len == 20)
        return sol->type = UMK_TXOUT_WITNESS_V0_KEYHASH;
      if (version == 0 && program_len == 32)
        return sol->type = UMK_TXOUT_WITNESS_V0_SCRIPTHASH;
      if (version == 1 && program_len == 32)
        return sol->type = UMK_TXOUT_WITNESS_V1_TAPROOT;
      if (len == 4 && s[0] == UMK_OP_1 && s[1] == 2 && s[2] == 0x4e && s[3] == 0x73)
        {
          memset (sol, 0, sizeof *sol);
          return sol->type = UMK_TXOUT_ANCHOR;
        }
      if (version != 0)
        return sol->type = UMK_TXOUT_WITNESS_UNKNOWN;
      memset (sol, 0, sizeof *sol);
      return sol->type = UMK_TXOUT_NONSTANDARD;
    }
  if (len >= 1 && s[0] == UMK_OP_RETURN && umk_script_is_push_only (s + 1, len - 1))
    return sol->type = UMK_TXOUT_NULL_DATA;
  if (((len == 67 && s[0] == 65) || (len == 35 && s[0] == 33)) && s[len - 1] == UMK_OP_CHECKSIG
      && umk_pubkey_has_valid_size (s + 1, len - 2))
    {
      sol->keys[0] = s + 1;
      sol->key_lens[0] = len - 2;
      sol->n_keys = 1;
      return sol->type = UMK_TXOUT_PUBKEY;
    }
  if (len == 25 && s[0] == UMK_OP_DUP && s[1] == UMK_OP_HASH160 && s[2] == 20
      && s[23] == UMK_OP_EQUALVERIFY && s[24] == UMK_OP_CHECKSIG)
    {
      sol->hash = s + 3;
      sol->hash_len = 20;
      return sol->type = UMK_TXOUT_PUBKEYHASH;
    }
  if (match_multisig (s, len, sol))
    return sol->type = UMK_TXOUT_MULTISIG;
  memset (sol, 0, sizeof *sol);
  return sol->type = UMK_TXOUT_NONSTANDARD;
}

/* ---- The provider -------------------------------------------------------- */

typedef struct
{
  uint8_t seckey[32];
  bool compressed;
  uint8_t pubkey[65];
  size_t pubkey_len;
  uint8_t id[20]; /* HASH160 of pubkey: Core's CKeyID */
} Key;

typedef struct
{
  uint8_t id[20]; /* HASH160 of the script: Core's CScriptID */
  GByteArray *script;
} Script;

typedef struct
{
  uint8_t output[32];
  uint8_t internal[32];
  uint8_t root[32]; /* all zero for no script tree, as Core's null uint256 */
} Taproot;

struct _UmkSignProvider
{
  GPtrArray *keys;    /* of Key*, each wiped when freed */
  GPtrArray *scripts; /* of Script* */
  GArray *taproot;    /* of Taproot */
};

static void
key_free (gpointer p)
{
  umk_memzero (p, sizeof (Key));
  g_free (p);
}

static void
script_free (gpointer p)
{
  Script *s = p;
  g_byte_array_unref (s->script);
  g_free (s);
}

UmkSignProvider *
umk_sign_provider_new (void)
{
  UmkSignProvider *p = g_new0 (UmkSignProvider, 1);
  p->keys = g_ptr_array_new_with_free_func (key_free);
  p->scripts = g_ptr_array_new_with_free_func (script_free);
  p->taproot = g_array_new (FALSE, TRUE, sizeof (Taproot));
  return p;
}

void
umk_sign_provider_free (UmkSignProvider *p)
{
  if (p == NULL)
    return;
  g_ptr_array_unref (p->keys);
  g_ptr_array_unref (p->scripts);
  g_array_unref (p->taproot);
  g_free (p);
}

bool
umk_sign_provider_add_key (UmkSignProvider *p, const uint8_t seckey[32], bool compressed)
{
  if (!umk_seckey_is_valid (seckey))
    return false;
  Key *k = g_new0 (Key, 1);
  memcpy (k->seckey, seckey, 32);
  k->compressed = compressed;
  if (!umk_seckey_get_pubkey (seckey, compressed, k->pubkey, &k->pubkey_len))
    {
      key_free (k);
      return false;
    }
  umk_hash160 (k->pubkey, k->pubkey_len, k->id);
  g_ptr_array_add (p->keys, k);
  return true;
}

void
umk_sign_provider_add_script (UmkSignProvider *p, const uint8_t *script, size_t len)
{
  Script *s = g_new0 (Script, 1);
  umk_hash160 (script, len, s->id);
  s->script = g_byte_array_sized_new ((guint) len);
  g_byte_array_append (s->script, script, (guint) len);
  g_ptr_array_add (p->scripts, s);
}

bool
umk_sign_provider_add_taproot (UmkSignProvider *p, const uint8_t internal[32],
                               const uint8_t *merkle_root)
{
  Taproot t = { 0 };
  int parity;
  if (!umk_taproot_output_key (internal, merkle_root, t.output, &parity))
    return false;
  memcpy (t.internal, internal, 32);
  if (merkle_root)
    memcpy (t.root, merkle_root, 32);
  g_array_append_val (p->taproot, t);
  return true;
}

/* Lookups return the first entry added, as Core's maps keep the first of
 * equal keys. */
static const Key *
provider_key (const UmkSignProvider *p, const uint8_t id[20])
{
  for (guint i = 0; i < p->keys->len; i++)
    {
      const Key *k = p->keys->pdata[i];
      if (memcmp (k->id, id, 20) == 0)
        return k;
    }
  return NULL;
}

/* Core's GetKeyByXOnly: a key whose compressed public key (either parity)
 * has x coordinate xonly. */
static const Key *
provider_key_by_xonly (const UmkSignProvider *p, const uint8_t xonly[32])
{
  for (guint i = 0; i < p->keys->len; i++)
    {
      const Key *k = p->keys->pdata[i];
      if (k->compressed && memcmp (k->pubkey + 1, xonly, 32) == 0)
        return k;
    }
  return NULL;
}

static const GByteArray *
provider_script (const UmkSignProvider *p, const uint8_t id[20])
{
  for (guint i = 0; i < p->scripts->len; i++)
    {
      const Script *s = p->scripts->pdata[i];
      if (memcmp (s->id, id, 20) == 0)
        return s->script;
    }
  return NULL;
}

static const Taproot *
provider_taproot (const UmkSignProvider *p, const uint8_t output[32])
{
  for (guint i = 0; i < p->taproot->len; i++)
    {
      const Taproot *t = &g_array_index (p->taproot, Taproot, i);
      if (memcmp (t->output, output, 32) == 0)
        return t;
    }
  return NULL;
}

/* ---- Signature data of one input (Core's SignatureData) ------------------ */

typedef struct
{
  uint8_t id[20];
  GByteArray *pubkey;
  GByteArray *sig;
} SigEntry;

static void
sig_entry_free (gpointer p)
{
  SigEntry *e = p;
  g_byte_array_unref (e->pubkey);
  g_byte_array_unref (e->sig);
  g_free (e);
}

typedef struct
{
  bool complete;
  bool witness; /* the input is spent through a witness */
  GByteArray *script_sig;
  GPtrArray *stack;          /* the witness stack, of GByteArray */
  GByteArray *redeem_script; /* empty when unknown */
  GByteArray *witness_script;
  GPtrArray *signatures; /* of SigEntry*: by public key id, first one kept */
} SigData;

static GPtrArray *
stack_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) g_byte_array_unref);
}

static GByteArray *
bytes_new (const uint8_t *data, size_t len)
{
  GByteArray *b = g_byte_array_sized_new ((guint) len);
  if (len)
    g_byte_array_append (b, data, (guint) len);
  return b;
}

static void
stack_push (GPtrArray *stack, const uint8_t *data, size_t len)
{
  g_ptr_array_add (stack, bytes_new (data, len));
}

static GPtrArray *
stack_copy (GPtrArray *stack)
{
  GPtrArray *copy = stack_new ();
  for (guint i = 0; i < stack->len; i++)
    {
      const GByteArray *b = stack->pdata[i];
      stack_push (copy, b->data, b->len);
    }
  return copy;
}

static void
sigdata_init (SigData *d)
{
  memset (d, 0, sizeof *d);
  d->script_sig = g_byte_array_new ();
  d->stack = stack_new ();
  d->redeem_script = g_byte_array_new ();
  d->witness_script = g_byte_array_new ();
  d->signatures = g_ptr_array_new_with_free_func (sig_entry_free);
}

static void
sigdata_clear (SigData *d)
{
  g_byte_array_unref (d->script_sig);
  g_ptr_array_unref (d->stack);
  g_byte_array_unref (d->redeem_script);
  g_byte_array_unref (d->witness_script);
  g_ptr_array_unref (d->signatures);
}

static void
set_bytes (GByteArray *dst, const uint8_t *data, size_t len)
{
  g_byte_array_set_size (dst, 0);
  if (len)
    g_byte_array_append (dst, data, (guint) len);
}

static const SigEntry *
find_signature (const SigData *d, const uint8_t id[20])
{
  for (guint i = 0; i < d->signatures->len; i++)
    {
      const SigEntry *e = d->signatures->pdata[i];
      if (memcmp (e->id, id, 20) == 0)
        return e;
    }
  return NULL;
}

static void
add_signature (SigData *d, const uint8_t id[20], const uint8_t *pubkey, size_t pubkey_len,
               const uint8_t *sig, size_t sig_len)
{
  if (find_signature (d, id))
    return;
  SigEntry *e = g_new0 (SigEntry, 1);
  memcpy (e->id, id, 20);
  e->pubkey = bytes_new (pubkey, pubkey_len);
  e->sig = bytes_new (sig, sig_len);
  g_ptr_array_add (d->signatures, e);
}

/* ---- Signature creation (Core's MutableTransactionSignatureCreator) ------ */

typedef struct
{
  const UmkTx *tx;
  uint32_t n_in;
  int64_t amount;
  int hash_type;
  const UmkTxSigData *txdata;
} Creator;

static void
signature_hash (const Creator *c, const uint8_t *script_code, size_t len, int hash_type,
                UmkSigVersion sv, const UmkTxSigData *txdata, uint8_t out[32])
{
  if (sv == UMK_SIGVERSION_WITNESS_V0)
    umk_sighash_witness_v0 (c->tx, c->n_in, script_code, len, c->amount, hash_type, txdata, out);
  else
    umk_sighash_legacy (c->tx, c->n_in, script_code, len, hash_type, out);
}

/* An ECDSA signature with the hash type appended, by the key with this id. */
static bool
create_ecdsa (const Creator *c, const UmkSignProvider *p, const uint8_t id[20],
              const uint8_t *script_code, size_t len, UmkSigVersion sv, GByteArray *sig)
{
  const Key *k = provider_key (p, id);
  if (k == NULL)
    return false;
  /* Segwit scripts take compressed keys only, and sign the amount. */
  if (sv == UMK_SIGVERSION_WITNESS_V0 && (!k->compressed || !umk_money_range (c->amount)))
    return false;
  int hash_type = c->hash_type == UMK_SIGHASH_DEFAULT ? UMK_SIGHASH_ALL : c->hash_type;
  uint8_t hash[32];
  signature_hash (c, script_code, len, hash_type, sv, c->txdata, hash);
  uint8_t der[UMK_ECDSA_DER_MAX_SIZE];
  size_t der_len;
  if (!umk_ecdsa_sign (k->seckey, hash, true, der, &der_len))
    return false;
  set_bytes (sig, der, der_len);
  uint8_t type_byte = (uint8_t) hash_type;
  g_byte_array_append (sig, &type_byte, 1);
  return true;
}

/* A BIP 340 key path signature for the x-only key, tweaked with the script
 * tree root when tweak is set (root NULL: no tree). */
static bool
create_schnorr (const Creator *c, const UmkSignProvider *p, const uint8_t xonly[32], bool tweak,
                const uint8_t *root, GByteArray *sig)
{
  const Key *k = provider_key_by_xonly (p, xonly);
  if (k == NULL)
    return false;
  /* Core signs taproot only with every spent output known. */
  if (c->txdata == NULL || !c->txdata->bip341_ready)
    return false;
  UmkTaprootExec exec = { .annex_present = false, .codesep_pos = 0xffffffffu };
  uint8_t hash[32];
  if (!umk_sighash_taproot (c->tx, c->n_in, (uint8_t) c->hash_type, UMK_SIGVERSION_TAPROOT,
                            c->txdata, &exec, hash))
    return false;
  uint8_t seckey[32];
  memcpy (seckey, k->seckey, 32);
  bool ok = true;
  if (tweak)
    {
      uint8_t t[32];
      umk_taproot_tweak_hash (xonly, root, t);
      ok = umk_seckey_tweak_xonly (k->seckey, t, seckey);
    }
  static const uint8_t aux[32] = { 0 };
  uint8_t out[UMK_SCHNORR_SIG_SIZE];
  ok = ok && umk_schnorr_sign (seckey, hash, sizeof hash, aux, out);
  umk_memzero (seckey, sizeof seckey);
  if (!ok)
    return false;
  set_bytes (sig, out, sizeof out);
  if (c->hash_type != UMK_SIGHASH_DEFAULT)
    {
      uint8_t type_byte = (uint8_t) c->hash_type;
      g_byte_array_append (sig, &type_byte, 1);
    }
  return true;
}

/* Core's CreateSig: a signature already in the input data, or a new one. */
static bool
create_sig (const Creator *c, SigData *d, const UmkSignProvider *p, const uint8_t *pubkey,
            size_t pubkey_len, const uint8_t *script_code, size_t len, UmkSigVersion sv,
            GByteArray *sig)
{
  uint8_t id[20];
  umk_hash160 (pubkey, pubkey_len, id);
  const SigEntry *e = find_signature (d, id);
  if (e != NULL)
    {
      set_bytes (sig, e->sig->data, e->sig->len);
      return true;
    }
  if (!create_ecdsa (c, p, id, script_code, len, sv, sig))
    return false;
  add_signature (d, id, pubkey, pubkey_len, sig->data, sig->len);
  return true;
}

/* Core's GetPubKey: from a signature already there, or the provider. */
static bool
get_pubkey (const UmkSignProvider *p, const SigData *d, const uint8_t id[20], const uint8_t **key,
            size_t *key_len)
{
  const SigEntry *e = find_signature (d, id);
  if (e != NULL)
    {
      *key = e->pubkey->data;
      *key_len = e->pubkey->len;
      return true;
    }
  const Key *k = provider_key (p, id);
  if (k == NULL)
    return false;
  *key = k->pubkey;
  *key_len = k->pubkey_len;
  return true;
}

/* Core's GetCScript: from the provider, or a script the input already showed. */
static bool
get_script (const UmkSignProvider *p, const SigData *d, const uint8_t id[20], GByteArray *out)
{
  const GByteArray *s = provider_script (p, id);
  if (s != NULL)
    {
      set_bytes (out, s->data, s->len);
      return true;
    }
  const GByteArray *known[] = { d->redeem_script, d->witness_script };
  for (size_t i = 0; i < G_N_ELEMENTS (known); i++)
    {
      uint8_t h[20];
      umk_hash160 (known[i]->data, known[i]->len, h);
      if (memcmp (h, id, 20) == 0)
        {
          set_bytes (out, known[i]->data, known[i]->len);
          return true;
        }
    }
  return false;
}

/* Core's SignTaproot with no script paths: the key path, first through the
 * internal key of known spend data, then with a key that is the output key. */
static bool
sign_taproot (const Creator *c, const UmkSignProvider *p, const uint8_t output[32], GPtrArray *ret)
{
  g_autoptr (GByteArray) sig = g_byte_array_new ();
  const Taproot *t = provider_taproot (p, output);
  static const uint8_t zero[32] = { 0 };
  bool ok = false;
  if (t != NULL)
    ok = create_schnorr (c, p, t->internal, true, memcmp (t->root, zero, 32) == 0 ? NULL : t->root,
                         sig);
  if (!ok)
    ok = create_schnorr (c, p, output, false, NULL, sig);
  if (!ok)
    return false;
  stack_push (ret, sig->data, sig->len);
  return true;
}

/* Core's SignStep: the stack that satisfies script (or, for P2SH and P2WSH,
 * the script to go on with). Returns: whether it is fully solved. */
static bool
sign_step (const Creator *c, const UmkSignProvider *p, const uint8_t *script, size_t len,
           GPtrArray *ret, UmkTxoutType *type, UmkSigVersion sv, SigData *d)
{
  g_ptr_array_set_size (ret, 0);
  UmkSolution sol;
  *type = umk_sign_solve (script, len, &sol);
  g_autoptr (GByteArray) sig = g_byte_array_new ();
  switch (*type)
    {
    case UMK_TXOUT_NONSTANDARD:
    case UMK_TXOUT_NULL_DATA:
    case UMK_TXOUT_WITNESS_UNKNOWN:
      return false;
    case UMK_TXOUT_PUBKEY:
      if (!create_sig (c, d, p, sol.keys[0], sol.key_lens[0], script, len, sv, sig))
        return false;
      stack_push (ret, sig->data, sig->len);
      return true;
    case UMK_TXOUT_PUBKEYHASH:
      {
        const uint8_t *key;
        size_t key_len;
        if (!get_pubkey (p, d, sol.hash, &key, &key_len))
          return false;
        /* The key may be freed by nothing below; copy it anyway, as the
         * signature list may grow. */
        g_autoptr (GByteArray) pub = bytes_new (key, key_len);
        if (!create_sig (c, d, p, pub->data, pub->len, script, len, sv, sig))
          return false;
        stack_push (ret, sig->data, sig->len);
        stack_push (ret, pub->data, pub->len);
        return true;
      }
    case UMK_TXOUT_SCRIPTHASH:
      {
        g_autoptr (GByteArray) sub = g_byte_array_new ();
        if (!get_script (p, d, sol.hash, sub))
          return false;
        stack_push (ret, sub->data, sub->len);
        return true;
      }
    case UMK_TXOUT_MULTISIG:
      {
        /* The extra element CHECKMULTISIG pops. Every key is tried so that all
         * signatures that can be made are, then the first ones are used. */
        stack_push (ret, NULL, 0);
        for (int i = 0; i < sol.n_keys; i++)
          if (create_sig (c, d, p, sol.keys[i], sol.key_lens[i], script, len, sv, sig)
              && ret->len < (guint) sol.required + 1)
            stack_push (ret, sig->data, sig->len);
        bool ok = ret->len == (guint) sol.required + 1;
        while (ret->len < (guint) sol.required + 1)
          stack_push (ret, NULL, 0);
        return ok;
      }
    case UMK_TXOUT_WITNESS_V0_KEYHASH:
      stack_push (ret, sol.hash, sol.hash_len);
      return true;
    case UMK_TXOUT_WITNESS_V0_SCRIPTHASH:
      {
        uint8_t id[20];
        umk_ripemd160 (sol.hash, sol.hash_len, id);
        g_autoptr (GByteArray) ws = g_byte_array_new ();
        if (!get_script (p, d, id, ws))
          return false;
        stack_push (ret, ws->data, ws->len);
        return true;
      }
    case UMK_TXOUT_WITNESS_V1_TAPROOT:
      return sign_taproot (c, p, sol.hash, ret);
    case UMK_TXOUT_ANCHOR:
      return true;
    }
  return false;
}

/* Core's PushAll: a scriptSig that pushes each element, small numbers as
 * OP_0, OP_1..OP_16 and OP_1NEGATE. */
static void
push_all (GByteArray *out, GPtrArray *stack)
{
  g_byte_array_set_size (out, 0);
  for (guint i = 0; i < stack->len; i++)
    {
      const GByteArray *v = stack->pdata[i];
      if (v->len == 0)
        umk_write_u8 (out, UMK_OP_0);
      else if (v->len == 1 && v->data[0] >= 1 && v->data[0] <= 16)
        umk_write_u8 (out, (uint8_t) (UMK_OP_1 - 1 + v->data[0]));
      else if (v->len == 1 && v->data[0] == 0x81)
        umk_write_u8 (out, UMK_OP_1NEGATE);
      else
        umk_script_write_push (out, v->data, v->len);
    }
}

static bool
verify (const Creator *c, const uint8_t *script_sig, size_t script_sig_len, GPtrArray *stack,
        const uint8_t *spk, size_t spk_len, const UmkTxSigData *txdata, UmkScriptError *error)
{
  g_autofree UmkSpan *witness = g_new0 (UmkSpan, stack->len + 1);
  for (guint i = 0; i < stack->len; i++)
    {
      const GByteArray *b = stack->pdata[i];
      witness[i].data = b->data;
      witness[i].len = b->len;
    }
  UmkSigChecker checker = { c->tx, c->n_in, c->amount, txdata };
  return umk_script_verify (script_sig, script_sig_len, spk, spk_len, witness, stack->len,
                            UMK_SIGN_STANDARD_FLAGS, &checker, error);
}

/* Core's ProduceSignature. */
static bool
produce_signature (const Creator *c, const UmkSignProvider *p, const uint8_t *spk, size_t spk_len,
                   SigData *d)
{
  if (d->complete)
    return true;

  g_autoptr (GPtrArray) result = stack_new ();
  UmkTxoutType type;
  bool solved = sign_step (c, p, spk, spk_len, result, &type, UMK_SIGVERSION_BASE, d);
  bool p2sh = false;
  g_autoptr (GByteArray) subscript = g_byte_array_new ();

  if (solved && type == UMK_TXOUT_SCRIPTHASH)
    {
      const GByteArray *r0 = result->pdata[0];
      set_bytes (subscript, r0->data, r0->len);
      set_bytes (d->redeem_script, subscript->data, subscript->len);
      solved
          = sign_step (c, p, subscript->data, subscript->len, result, &type, UMK_SIGVERSION_BASE, d)
            && type != UMK_TXOUT_SCRIPTHASH;
      p2sh = true;
    }

  if (solved && type == UMK_TXOUT_WITNESS_V0_KEYHASH)
    {
      const GByteArray *r0 = result->pdata[0];
      uint8_t ws[25] = { UMK_OP_DUP, UMK_OP_HASH160, 20 };
      memcpy (ws + 3, r0->data, 20);
      ws[23] = UMK_OP_EQUALVERIFY;
      ws[24] = UMK_OP_CHECKSIG;
      UmkTxoutType sub_type;
      solved = sign_step (c, p, ws, sizeof ws, result, &sub_type, UMK_SIGVERSION_WITNESS_V0, d);
      g_ptr_array_unref (d->stack);
      d->stack = stack_copy (result);
      d->witness = true;
      g_ptr_array_set_size (result, 0);
    }
  else if (solved && type == UMK_TXOUT_WITNESS_V0_SCRIPTHASH)
    {
      const GByteArray *r0 = result->pdata[0];
      g_autoptr (GByteArray) ws = bytes_new (r0->data, r0->len);
      set_bytes (d->witness_script, ws->data, ws->len);
      UmkTxoutType sub_type = UMK_TXOUT_NONSTANDARD;
      solved = sign_step (c, p, ws->data, ws->len, result, &sub_type, UMK_SIGVERSION_WITNESS_V0, d)
               && sub_type != UMK_TXOUT_SCRIPTHASH && sub_type != UMK_TXOUT_WITNESS_V0_SCRIPTHASH
               && sub_type != UMK_TXOUT_WITNESS_V0_KEYHASH;
      /* Core tries a Miniscript satisfaction here when nothing was solved;
       * that is not done yet. */
      stack_push (result, ws->data, ws->len);
      g_ptr_array_unref (d->stack);
      d->stack = stack_copy (result);
      d->witness = true;
      g_ptr_array_set_size (result, 0);
    }
  else if (type == UMK_TXOUT_WITNESS_V1_TAPROOT && !p2sh)
    {
      d->witness = true;
      if (solved)
        {
          g_ptr_array_unref (d->stack);
          d->stack = stack_copy (result);
        }
      g_ptr_array_set_size (result, 0);
    }
  else if (solved && type == UMK_TXOUT_WITNESS_UNKNOWN)
    d->witness = true;

  if (!d->witness)
    g_ptr_array_set_size (d->stack, 0);
  if (p2sh)
    stack_push (result, subscript->data, subscript->len);
  push_all (d->script_sig, result);

  d->complete = solved
                && verify (c, d->script_sig->data, d->script_sig->len, d->stack, spk, spk_len,
                           c->txdata, NULL);
  return d->complete;
}

/* The stack a scriptSig leaves, as Core's EvalScript gives it for the push
 * operations signers write; evaluation stops where Core's would fail (an
 * over-long push, a malformed one) or at the first operation that is not a
 * push, which signed inputs never hold. Like Core's, it fails at once on
 * an oversized script and stops once the stack is over its limit. */
static GPtrArray *
script_sig_stack (const uint8_t *s, size_t len)
{
  GPtrArray *stack = stack_new ();
  if (len > UMK_MAX_SCRIPT_SIZE)
    return stack;
  size_t pc = 0;
  UmkScriptOp op;
  while (stack->len <= UMK_MAX_STACK_SIZE && umk_script_next_op (s, len, &pc, &op))
    {
      if (op.opcode <= UMK_OP_PUSHDATA4)
        {
          if (op.len > UMK_MAX_SCRIPT_ELEMENT_SIZE)
            break;
          stack_push (stack, op.data, op.len);
        }
      else if (op.opcode == UMK_OP_1NEGATE || (op.opcode >= UMK_OP_1 && op.opcode <= UMK_OP_16))
        {
          uint8_t n
              = op.opcode == UMK_OP_1NEGATE ? 0x81 : (uint8_t) umk_opcode_small_int (op.opcode);
          stack_push (stack, &n, 1);
        }
      else
        break;
    }
  return stack;
}

/* GenericTransactionSignatureChecker::CheckECDSASignature without the
 * transaction data cache: whether sig (with its hash type) is pubkey's over
 * script_code. */
static bool
check_ecdsa (const Creator *c, const GByteArray *sig, const uint8_t *pubkey, size_t pubkey_len,
             const uint8_t *script_code, size_t len, UmkSigVersion sv)
{
  if (!umk_pubkey_has_valid_size (pubkey, pubkey_len) || sig->len == 0)
    return false;
  uint8_t hash[32];
  signature_hash (c, script_code, len, sig->data[sig->len - 1], sv, NULL, hash);
  return umk_ecdsa_verify (pubkey, pubkey_len, sig->data, sig->len - 1, hash);
}

/* Core's DataFromTransaction: what input n_in already holds. */
static void
data_from_transaction (const Creator *c, const UmkTxOut *coin, SigData *d)
{
  const UmkTxIn *in = &c->tx->in[c->n_in];
  set_bytes (d->script_sig, in->script_sig.data, in->script_sig.len);
  g_ptr_array_set_size (d->stack, 0);
  for (uint32_t k = 0; k < in->n_witness; k++)
    stack_push (d->stack, in->witness[k].data, in->witness[k].len);

  /* Without the transaction data (as Core's checker here has none), so a
   * taproot input never counts as complete at this point. */
  if (verify (c, d->script_sig->data, d->script_sig->len, d->stack, coin->script_pubkey.data,
              coin->script_pubkey.len, NULL, NULL))
    {
      d->complete = true;
      return;
    }

  g_autoptr (GPtrArray) script_stack = script_sig_stack (in->script_sig.data, in->script_sig.len);
  g_autoptr (GPtrArray) witness_stack = stack_copy (d->stack);
  UmkSolution sol;
  UmkTxoutType type = umk_sign_solve (coin->script_pubkey.data, coin->script_pubkey.len, &sol);
  UmkSigVersion sv = UMK_SIGVERSION_BASE;
  g_autoptr (GByteArray) next = bytes_new (coin->script_pubkey.data, coin->script_pubkey.len);

  if (type == UMK_TXOUT_SCRIPTHASH && script_stack->len > 0
      && ((GByteArray *) script_stack->pdata[script_stack->len - 1])->len > 0)
    {
      const GByteArray *top = script_stack->pdata[script_stack->len - 1];
      set_bytes (d->redeem_script, top->data, top->len);
      set_bytes (next, top->data, top->len);
      g_ptr_array_set_size (script_stack, script_stack->len - 1);
      type = umk_sign_solve (next->data, next->len, &sol);
    }
  if (type == UMK_TXOUT_WITNESS_V0_SCRIPTHASH && witness_stack->len > 0
      && ((GByteArray *) witness_stack->pdata[witness_stack->len - 1])->len > 0)
    {
      const GByteArray *top = witness_stack->pdata[witness_stack->len - 1];
      set_bytes (d->witness_script, top->data, top->len);
      set_bytes (next, top->data, top->len);
      g_ptr_array_set_size (witness_stack, witness_stack->len - 1);
      type = umk_sign_solve (next->data, next->len, &sol);
      g_ptr_array_unref (script_stack);
      script_stack = g_steal_pointer (&witness_stack);
      witness_stack = stack_new ();
      sv = UMK_SIGVERSION_WITNESS_V0;
    }
  if (type == UMK_TXOUT_MULTISIG && script_stack->len > 0)
    {
      /* Match signatures to keys in order, as CHECKMULTISIG would. */
      int last_success = 0;
      for (guint s = 0; s < script_stack->len; s++)
        {
          const GByteArray *sig = script_stack->pdata[s];
          for (int i = last_success; i < sol.n_keys; i++)
            {
              uint8_t id[20];
              umk_hash160 (sol.keys[i], sol.key_lens[i], id);
              if (find_signature (d, id) != NULL
                  || check_ecdsa (c, sig, sol.keys[i], sol.key_lens[i], next->data, next->len, sv))
                {
                  add_signature (d, id, sol.keys[i], sol.key_lens[i], sig->data, sig->len);
                  last_success = i + 1;
                  break;
                }
            }
        }
    }
}

/* ---- SignTransaction ----------------------------------------------------- */

static UmkTxBuilder *
builder_from_tx (const UmkTx *tx)
{
  UmkTxBuilder *b = umk_tx_builder_new ();
  b->version = tx->version;
  b->lock_time = tx->lock_time;
  for (uint32_t i = 0; i < tx->n_in; i++)
    {
      const UmkTxIn *in = &tx->in[i];
      UmkTxBuilderIn *bi = umk_tx_builder_add_input (b, &in->prevout, in->sequence);
      set_bytes (bi->script_sig, in->script_sig.data, in->script_sig.len);
      for (uint32_t k = 0; k < in->n_witness; k++)
        g_ptr_array_add (bi->witness, bytes_new (in->witness[k].data, in->witness[k].len));
    }
  for (uint32_t i = 0; i < tx->n_out; i++)
    umk_tx_builder_add_output (b, tx->out[i].value, tx->out[i].script_pubkey.data,
                               tx->out[i].script_pubkey.len);
  return b;
}

static void
add_error (GArray *errors, uint32_t input, UmkSignErrorKind kind, UmkScriptError serror,
           const char *message)
{
  UmkSignInputError e = { input, kind, serror, message };
  g_array_append_val (errors, e);
}

UmkTxBuilder *
umk_sign_transaction (const UmkTx *tx, const UmkSignProvider *p, const UmkTxOut *coins,
                      const bool *found, int hash_type, GArray *errors)
{
  g_array_set_size (errors, 0);
  bool hash_single = (hash_type & ~UMK_SIGHASH_ANYONECANPAY) == UMK_SIGHASH_SINGLE;

  /* The hashes every input shares; the taproot ones only with every spent
   * output known. */
  bool all_found = true;
  for (uint32_t i = 0; i < tx->n_in; i++)
    all_found = all_found && found[i];
  UmkTxSigData txdata;
  umk_tx_sigdata_init (&txdata, tx, all_found ? coins : NULL, true);

  UmkTxBuilder *b = builder_from_tx (tx);
  for (uint32_t i = 0; i < tx->n_in; i++)
    {
      if (!found[i])
        {
          add_error (errors, i, UMK_SIGN_ERR_MISSING_INPUT, UMK_SCRIPT_ERR_OK,
                     "Input not found or already spent");
          continue;
        }
      const UmkTxOut *coin = &coins[i];
      Creator c = { tx, i, coin->value, hash_type, &txdata };
      SigData d;
      sigdata_init (&d);
      data_from_transaction (&c, coin, &d);
      if (!hash_single || i < tx->n_out)
        produce_signature (&c, p, coin->script_pubkey.data, coin->script_pubkey.len, &d);

      /* Core's UpdateInput. */
      UmkTxBuilderIn *bi = &g_array_index (b->in, UmkTxBuilderIn, i);
      set_bytes (bi->script_sig, d.script_sig->data, d.script_sig->len);
      g_ptr_array_set_size (bi->witness, 0);
      for (guint k = 0; k < d.stack->len; k++)
        {
          const GByteArray *item = d.stack->pdata[k];
          g_ptr_array_add (bi->witness, bytes_new (item->data, item->len));
        }

      if (coin->value == UMK_MAX_MONEY && d.stack->len > 0)
        add_error (errors, i, UMK_SIGN_ERR_MISSING_AMOUNT, UMK_SCRIPT_ERR_OK, "Missing amount");
      else if (!d.complete)
        {
          UmkScriptError serror = UMK_SCRIPT_ERR_OK;
          if (!verify (&c, d.script_sig->data, d.script_sig->len, d.stack, coin->script_pubkey.data,
                       coin->script_pubkey.len, &txdata, &serror))
            {
              const char *message;
              if (serror == UMK_SCRIPT_ERR_INVALID_STACK_OPERATION)
                message = "Unable to sign input, invalid stack size (possibly missing key)";
              else if (serror == UMK_SCRIPT_ERR_NULLFAIL)
                message = "CHECK(MULTI)SIG failing with non-zero signature (possibly need more "
                          "signatures)";
              else
                message = umk_script_error_message (serror);
              add_error (errors, i, UMK_SIGN_ERR_SCRIPT, serror, message);
            }
        }
      sigdata_clear (&d);
    }
  return b;
}

/* ---- Combining partly signed transactions -------------------------------- */

/* Core's SignatureData::MergeSignatureData; from is emptied. */
static void
sigdata_merge (SigData *into, SigData *from)
{
  if (into->complete)
    return;
  if (from->complete)
    {
      sigdata_clear (into);
      *into = *from;
      sigdata_init (from);
      return;
    }
  if (into->redeem_script->len == 0 && from->redeem_script->len > 0)
    set_bytes (into->redeem_script, from->redeem_script->data, from->redeem_script->len);
  if (into->witness_script->len == 0 && from->witness_script->len > 0)
    set_bytes (into->witness_script, from->witness_script->data, from->witness_script->len);
  for (guint i = 0; i < from->signatures->len; i++)
    {
      const SigEntry *e = from->signatures->pdata[i];
      add_signature (into, e->id, e->pubkey->data, e->pubkey->len, e->sig->data, e->sig->len);
    }
}

UmkTxBuilder *
umk_sign_combine (const UmkTx *const *variants, guint n_variants, const UmkTxOut *coins)
{
  g_return_val_if_fail (n_variants > 0, NULL);
  const UmkTx *merged = variants[0];
  UmkTxBuilder *b = builder_from_tx (merged);
  g_autoptr (UmkSignProvider) none = umk_sign_provider_new ();
  for (uint32_t i = 0; i < merged->n_in; i++)
    {
      const UmkTxOut *coin = &coins[i];
      SigData d;
      sigdata_init (&d);
      for (guint v = 0; v < n_variants; v++)
        {
          if (variants[v]->n_in <= i)
            continue;
          Creator vc = { variants[v], i, coin->value, UMK_SIGHASH_ALL, NULL };
          SigData vd;
          sigdata_init (&vd);
          data_from_transaction (&vc, coin, &vd);
          sigdata_merge (&d, &vd);
          sigdata_clear (&vd);
        }
      /* Core completes with no keys and no precomputed data: only
       * signatures already made are placed. */
      Creator c = { merged, i, coin->value, UMK_SIGHASH_ALL, NULL };
      produce_signature (&c, none, coin->script_pubkey.data, coin->script_pubkey.len, &d);
      UmkTxBuilderIn *bi = &g_array_index (b->in, UmkTxBuilderIn, i);
      set_bytes (bi->script_sig, d.script_sig->data, d.script_sig->len);
      g_ptr_array_set_size (bi->witness, 0);
      for (guint k = 0; k < d.stack->len; k++)
        {
          const GByteArray *item = d.stack->pdata[k];
          g_ptr_array_add (bi->witness, bytes_new (item->data, item->len));
        }
      sigdata_clear (&d);
    }
  return b;
}
