/* bench.c — benchmarks of the common library (not a test: run by hand).
 *
 *   build/tests/bench/umk-bench [DATA_DIR]
 *
 * Each figure is the best of several timed rounds of about 0.2 s, so a busy
 * machine inflates it less; ratios are medians of short back-to-back pairs. DATA_DIR defaults to
 * the source tree's tests/data.
 */
#include "config.h"

#include "common/block.h"
#include "common/hash.h"
#include "common/interpreter.h"
#include "common/key.h"
#include "common/pubkey.h"
#include "common/taproot.h"

#include <glib.h>
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROUNDS 7

typedef void (*BenchFunc) (gpointer data, guint64 iterations);

/* Runs func for about 0.2 s per round; returns the best nanoseconds per iteration. */
static double
measure (BenchFunc func, gpointer data)
{
  guint64 iterations = 1;
  /* calibrate: grow until one round takes at least 50 ms */
  for (;;)
    {
      gint64 t0 = g_get_monotonic_time ();
      func (data, iterations);
      gint64 dt = g_get_monotonic_time () - t0;
      if (dt >= 50000)
        {
          iterations = MAX (1, iterations * 200000 / (guint64) dt);
          break;
        }
      iterations *= 4;
    }
  double best = G_MAXDOUBLE;
  for (int r = 0; r < ROUNDS; r++)
    {
      gint64 t0 = g_get_monotonic_time ();
      func (data, iterations);
      double ns = (double) (g_get_monotonic_time () - t0) * 1000.0 / (double) iterations;
      best = MIN (best, ns);
    }
  return best;
}

static void
bench_sha256d_64 (gpointer data, guint64 n)
{
  uint8_t *buf = data;
  for (guint64 i = 0; i < n; i++)
    umk_sha256d (buf, 64, buf); /* chained, as a merkle tree does */
}

static void
bench_sha256_1m (gpointer data, guint64 n)
{
  uint8_t out[32];
  for (guint64 i = 0; i < n; i++)
    umk_sha256 (data, 1 << 20, out);
}

static void
bench_sha256d_1m (gpointer data, guint64 n)
{
  uint8_t out[32];
  for (guint64 i = 0; i < n; i++)
    umk_sha256d (data, 1 << 20, out);
}

static void
bench_block_parse (gpointer data, guint64 n)
{
  GBytes *bytes = data;
  for (guint64 i = 0; i < n; i++)
    {
      /* parsing computes every txid and wtxid */
      UmkBlock *block = umk_block_new_from_bytes (bytes, NULL);
      g_assert (block != NULL);
      umk_block_free (block);
    }
}

static void
bench_block_merkle (gpointer data, guint64 n)
{
  const UmkBlock *block = data;
  UmkUint256 root;
  for (guint64 i = 0; i < n; i++)
    umk_block_merkle_root (block, &root, NULL);
}

/* One signature in the form the script interpreter holds it (serialized
 * key, DER or 64-byte signature, hash), and in libsecp256k1's parsed form. */
typedef struct
{
  uint8_t hash[32];
  uint8_t pubkey[65];
  size_t pubkey_len;
  uint8_t der[72];
  size_t der_len;
  uint8_t xonly[32];
  uint8_t schnorr[64];
  secp256k1_pubkey pk;
  secp256k1_ecdsa_signature sig;
  secp256k1_xonly_pubkey xpk;
} SigBench;

static void
sig_bench_init (SigBench *b)
{
  const secp256k1_context *ctx = umk_secp256k1_context ();
  uint8_t seckey[32];
  umk_sha256 ("umk-bench key", 13, seckey);
  umk_sha256 ("umk-bench message", 17, b->hash);
  if (!umk_seckey_get_pubkey (seckey, true, b->pubkey, &b->pubkey_len)
      || !umk_ecdsa_sign (seckey, b->hash, true, b->der, &b->der_len)
      || !umk_seckey_get_xonly (seckey, b->xonly)
      || !umk_schnorr_sign (seckey, b->hash, 32, NULL, b->schnorr)
      || !secp256k1_ec_pubkey_parse (ctx, &b->pk, b->pubkey, b->pubkey_len)
      || !secp256k1_ecdsa_signature_parse_der (ctx, &b->sig, b->der, b->der_len)
      || !secp256k1_xonly_pubkey_parse (ctx, &b->xpk, b->xonly))
    g_error ("cannot set up the signature benchmarks");
  umk_memzero (seckey, sizeof seckey);
}

/* Every call must succeed; counting keeps the calls from being optimised out. */
static void
check_all_verified (guint64 ok, guint64 n)
{
  if (ok != n)
    g_error ("a benchmark signature failed to verify");
}

static void
bench_ecdsa_umk (gpointer data, guint64 n)
{
  const SigBench *b = data;
  guint64 ok = 0;
  for (guint64 i = 0; i < n; i++)
    ok += umk_ecdsa_verify (b->pubkey, b->pubkey_len, b->der, b->der_len, b->hash);
  check_all_verified (ok, n);
}

static void
bench_ecdsa_bare (gpointer data, guint64 n)
{
  const SigBench *b = data;
  const secp256k1_context *ctx = umk_secp256k1_context ();
  guint64 ok = 0;
  for (guint64 i = 0; i < n; i++)
    ok += secp256k1_ecdsa_verify (ctx, &b->sig, b->hash, &b->pk);
  check_all_verified (ok, n);
}

static void
bench_schnorr_umk (gpointer data, guint64 n)
{
  const SigBench *b = data;
  guint64 ok = 0;
  for (guint64 i = 0; i < n; i++)
    ok += umk_schnorr_verify (b->xonly, b->schnorr, b->hash, 32);
  check_all_verified (ok, n);
}

static void
bench_schnorr_bare (gpointer data, guint64 n)
{
  const SigBench *b = data;
  const secp256k1_context *ctx = umk_secp256k1_context ();
  guint64 ok = 0;
  for (guint64 i = 0; i < n; i++)
    ok += secp256k1_schnorrsig_verify (ctx, b->schnorr, b->hash, 32, &b->xpk);
  check_all_verified (ok, n);
}

/* The bare loops again, with the key parsed on every call as the
 * interpreter must (it gets serialized keys): isolates the cost of our own
 * code from that of decompressing the key. */
static void
bench_ecdsa_bare_parse (gpointer data, guint64 n)
{
  const SigBench *b = data;
  const secp256k1_context *ctx = umk_secp256k1_context ();
  guint64 ok = 0;
  for (guint64 i = 0; i < n; i++)
    {
      secp256k1_pubkey pk;
      ok += secp256k1_ec_pubkey_parse (ctx, &pk, b->pubkey, b->pubkey_len)
            && secp256k1_ecdsa_verify (ctx, &b->sig, b->hash, &pk);
    }
  check_all_verified (ok, n);
}

static void
bench_schnorr_bare_parse (gpointer data, guint64 n)
{
  const SigBench *b = data;
  const secp256k1_context *ctx = umk_secp256k1_context ();
  guint64 ok = 0;
  for (guint64 i = 0; i < n; i++)
    {
      secp256k1_xonly_pubkey xpk;
      ok += secp256k1_xonly_pubkey_parse (ctx, &xpk, b->xonly)
            && secp256k1_schnorrsig_verify (ctx, b->schnorr, b->hash, 32, &xpk);
    }
  check_all_verified (ok, n);
}

static double
time_ns (BenchFunc func, gpointer data, guint64 iterations)
{
  gint64 t0 = g_get_monotonic_time ();
  func (data, iterations);
  return (double) (g_get_monotonic_time () - t0) * 1000.0 / (double) iterations;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

#define PAIRS 31

/* Ratios from many short back-to-back pairs, median taken: on a shared
 * machine the load changes between long rounds, but rarely within a pair. */
static double
median_ratio (BenchFunc num, BenchFunc den, gpointer data, guint64 iterations)
{
  double r[PAIRS];
  for (int i = 0; i < PAIRS; i++)
    r[i] = time_ns (num, data, iterations) / time_ns (den, data, iterations);
  qsort (r, PAIRS, sizeof r[0], cmp_double);
  return r[PAIRS / 2];
}

static void
print_verify (const char *what, SigBench *b, BenchFunc umk, BenchFunc bare, BenchFunc bare_parse)
{
  double ns_umk = measure (umk, b), ns_bare = measure (bare, b), ns_parse = measure (bare_parse, b);
  guint64 iterations = MAX (1, (guint64) (20e6 / ns_umk)); /* about 20 ms */
  double bare_ratio = median_ratio (bare, umk, b, iterations);
  double parse_ratio = median_ratio (bare_parse, umk, b, iterations);
  printf ("%s verify, umk (key parse + verify):  %7.2f us/sig   %8.0f sig/s\n", what, ns_umk / 1e3,
          1e9 / ns_umk);
  printf ("%s verify, bare, pre-parsed key:      %7.2f us/sig   %8.0f sig/s   umk/bare %.3f\n",
          what, ns_bare / 1e3, 1e9 / ns_bare, bare_ratio);
  printf ("%s verify, bare, key parse + verify:  %7.2f us/sig   %8.0f sig/s   umk/bare %.3f\n",
          what, ns_parse / 1e3, 1e9 / ns_parse, parse_ratio);
}

/* One input spending a P2WPKH or P2TR key-path output, signed for real, with
 * the per-transaction hashes computed once as block validation does. */
typedef struct
{
  UmkTx *spend;
  UmkTx *credit;
  UmkTxSigData sigdata;
} InputBench;

static UmkTx *
build_tx (const UmkOutPoint *prevout, const uint8_t *spk, size_t spk_len, GPtrArray *witness)
{
  g_autoptr (UmkTxBuilder) b = umk_tx_builder_new ();
  b->version = 2;
  UmkTxBuilderIn *in = umk_tx_builder_add_input (b, prevout, UMK_SEQUENCE_FINAL);
  for (guint i = 0; witness && i < witness->len; i++)
    g_ptr_array_add (in->witness, g_byte_array_ref (witness->pdata[i]));
  umk_tx_builder_add_output (b, 90000, spk, spk_len);
  UmkTx *tx = umk_tx_builder_finish (b, NULL);
  g_assert (tx != NULL);
  return tx;
}

static void
input_bench_init (InputBench *ib, bool taproot)
{
  uint8_t seckey[32], spk[34];
  size_t spk_len;
  umk_sha256 ("umk-bench input key", 19, seckey);
  uint8_t pubkey[65], tweaked[32], tweak[32];
  size_t pubkey_len = 0;
  if (taproot)
    {
      uint8_t internal[32];
      int parity;
      g_assert (umk_seckey_get_xonly (seckey, internal));
      umk_taproot_tweak_hash (internal, NULL, tweak);
      g_assert (umk_taproot_output_key (internal, NULL, spk + 2, &parity));
      g_assert (umk_seckey_tweak_xonly (seckey, tweak, tweaked));
      spk[0] = 0x51;
      spk[1] = 32;
      spk_len = 34;
    }
  else
    {
      g_assert (umk_seckey_get_pubkey (seckey, true, pubkey, &pubkey_len));
      spk[0] = 0x00;
      spk[1] = 20;
      umk_hash160 (pubkey, pubkey_len, spk + 2);
      spk_len = 22;
    }
  UmkOutPoint null_prevout = { .n = 7 };
  ib->credit = build_tx (&null_prevout, spk, spk_len, NULL);
  UmkOutPoint prevout = { .hash = ib->credit->txid, .n = 0 };
  g_autoptr (UmkTx) unsigned_tx = build_tx (&prevout, spk, spk_len, NULL);

  UmkTxSigData sd;
  umk_tx_sigdata_init (&sd, unsigned_tx, ib->credit->out, true);
  g_autoptr (GPtrArray) witness
      = g_ptr_array_new_with_free_func ((GDestroyNotify) g_byte_array_unref);
  uint8_t hash[32];
  if (taproot)
    {
      uint8_t sig[64];
      UmkTaprootExec exec = { .codesep_pos = UINT32_MAX };
      g_assert (umk_sighash_taproot (unsigned_tx, 0, UMK_SIGHASH_DEFAULT, UMK_SIGVERSION_TAPROOT,
                                     &sd, &exec, hash));
      g_assert (umk_schnorr_sign (tweaked, hash, 32, NULL, sig));
      g_ptr_array_add (witness, g_byte_array_append (g_byte_array_new (), sig, 64));
    }
  else
    {
      uint8_t code[25] = { 0x76, 0xa9, 20 }, der[73];
      size_t der_len;
      memcpy (code + 3, spk + 2, 20);
      code[23] = 0x88;
      code[24] = 0xac;
      umk_sighash_witness_v0 (unsigned_tx, 0, code, sizeof code, ib->credit->out[0].value,
                              UMK_SIGHASH_ALL, &sd, hash);
      g_assert (umk_ecdsa_sign (seckey, hash, true, der, &der_len));
      der[der_len++] = UMK_SIGHASH_ALL;
      g_ptr_array_add (witness, g_byte_array_append (g_byte_array_new (), der, (guint) der_len));
      g_ptr_array_add (witness,
                       g_byte_array_append (g_byte_array_new (), pubkey, (guint) pubkey_len));
    }
  ib->spend = build_tx (&prevout, spk, spk_len, witness);
  umk_tx_sigdata_init (&ib->sigdata, ib->spend, ib->credit->out, false);
  umk_memzero (seckey, sizeof seckey);
  umk_memzero (tweaked, sizeof tweaked);
}

static void
bench_verify_input (gpointer data, guint64 n)
{
  const InputBench *ib = data;
  const UmkScriptFlags flags
      = UMK_SCRIPT_VERIFY_ALL & ~UMK_SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_NOPS;
  guint64 ok = 0;
  for (guint64 i = 0; i < n; i++)
    ok += umk_verify_input (ib->spend, 0, &ib->credit->out[0], flags, &ib->sigdata, NULL);
  check_all_verified (ok, n);
}

static void
print_input (const char *what, bool taproot)
{
  InputBench ib;
  input_bench_init (&ib, taproot);
  double ns = measure (bench_verify_input, &ib);
  printf ("%s input, full script verification: %7.2f us/input %8.0f inputs/s\n", what, ns / 1e3,
          1e9 / ns);
  umk_tx_unref (ib.spend);
  umk_tx_unref (ib.credit);
}

int
main (int argc, char **argv)
{
  const char *dir = argc > 1 ? argv[1] : SOURCE_DATA_DIR;
  uint8_t small[64] = { 1 };
  uint8_t *big = g_malloc0 (1 << 20);

  double ns = measure (bench_sha256d_64, small);
  printf ("sha256d 64 B:        %8.1f ns/hash   %8.1f MB/s\n", ns, 64e3 / ns);
  ns = measure (bench_sha256_1m, big);
  printf ("sha256  1 MiB:       %8.1f us/hash   %8.1f MB/s\n", ns / 1e3, (1 << 20) * 1e3 / ns);
  ns = measure (bench_sha256d_1m, big);
  printf ("sha256d 1 MiB:       %8.1f us/hash   %8.1f MB/s\n", ns / 1e3, (1 << 20) * 1e3 / ns);

  const char *names[] = {
    "bitcoin-mainnet-00000000000000000021868c2cefc52a480d173c849412fe81c4e5ab806f94ab.blk",
    "bitcoin-mainnet-0000000000000000001602407ac49862a7bca9d00f7f402db20b7be2f5de59d2.blk",
  };
  for (size_t i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, "blocks", names[i], NULL);
      g_autoptr (GError) error = NULL;
      char *contents;
      gsize len;
      if (!g_file_get_contents (path, &contents, &len, &error))
        {
          fprintf (stderr, "%s\n", error->message);
          return 1;
        }
      g_autoptr (GBytes) bytes = g_bytes_new_take (contents, len);
      g_autoptr (UmkBlock) block = umk_block_new_from_bytes (bytes, &error);
      g_assert_no_error (error);
      ns = measure (bench_block_parse, bytes);
      printf (
          "block %.1f MB, %4zu txs: parse + all txids/wtxids %7.3f ms   %7.1f MB/s   %6.0f tx/ms\n",
          len / 1e6, block->n_tx, ns / 1e6, len * 1e3 / ns, block->n_tx * 1e6 / ns);
      ns = measure (bench_block_merkle, block);
      printf ("block %.1f MB, %4zu txs: merkle root                %7.3f ms\n", len / 1e6,
              block->n_tx, ns / 1e6);
    }
  g_free (big);

  SigBench sigs;
  sig_bench_init (&sigs);
  print_verify ("ecdsa  ", &sigs, bench_ecdsa_umk, bench_ecdsa_bare, bench_ecdsa_bare_parse);
  print_verify ("schnorr", &sigs, bench_schnorr_umk, bench_schnorr_bare, bench_schnorr_bare_parse);
  print_input ("P2WPKH         ", false);
  print_input ("P2TR (key path)", true);
  return 0;
}
