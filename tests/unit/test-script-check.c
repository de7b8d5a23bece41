/* Tests for the parallel script-check queue, with real transactions: spends
 * of OP_TRUE, P2WSH(OP_TRUE) and signed P2WPKH outputs, and spends that fail
 * (an OP_FALSE or OP_RETURN output, a signature by the wrong key). Batches
 * of 0, 1, 7, 8, 9 and 1000 checks (around the slice of 8 a thread takes at
 * once) go through queues with 0, 1 and 3 workers; a failing check is
 * reported with its index and error; one queue serves many batches; freeing
 * a queue joins its threads; and -par's thread counts. */
#include "config.h"

#include "common/hash.h"
#include "common/key.h"
#include "common/script.h"
#include "common/sighash.h"
#include "node/script-check.h"
#include "script-helpers.h"
#include "test-util.h"

#include <string.h>

#define FLAGS                                                                \
  ((UmkScriptFlags) (UMK_SCRIPT_VERIFY_P2SH | UMK_SCRIPT_VERIFY_WITNESS      \
                     | UMK_SCRIPT_VERIFY_NULLFAIL | UMK_SCRIPT_VERIFY_DERSIG \
                     | UMK_SCRIPT_VERIFY_LOW_S | UMK_SCRIPT_VERIFY_CLEANSTACK))

typedef enum
{
  KIND_OP_TRUE,
  KIND_P2WSH_OP_TRUE,
  KIND_P2WPKH,
  KIND_OP_FALSE,     /* fails: EVAL_FALSE */
  KIND_OP_RETURN,    /* fails: OP_RETURN */
  KIND_P2WPKH_WRONG, /* fails: NULLFAIL (a valid signature by another key) */
  N_KINDS
} Kind;

/* One spend and the output it spends, with its signature hashes. */
typedef struct
{
  UmkTx *spend;
  UmkTx *credit;
  UmkTxSigData sigdata;
  Kind kind;
} Spend;

static const uint8_t seckey[32]
    = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
        0xcc, 0xdd, 0xee, 0xf0, 0x01, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
        0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10 };
static const uint8_t other_seckey[32]
    = { 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42,
        0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42,
        0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42 };

static GByteArray *
bytes_of (const void *data, size_t len)
{
  GByteArray *b = g_byte_array_new ();
  g_byte_array_append (b, data, len);
  return b;
}

/* A P2WPKH spend signed by key (the output is always seckey's). */
static UmkTx *
build_p2wpkh (int64_t amount, const uint8_t key[32], UmkTx **credit)
{
  uint8_t pub[65];
  size_t pub_len;
  g_assert_true (umk_seckey_get_pubkey (seckey, true, pub, &pub_len));
  uint8_t h160[UMK_HASH160_SIZE];
  umk_hash160 (pub, pub_len, h160);
  g_autoptr (GByteArray) spk = g_byte_array_new ();
  g_byte_array_append (spk, (const guint8 *) "\x00\x14", 2);
  g_byte_array_append (spk, h160, sizeof h160);
  g_autoptr (GByteArray) empty = g_byte_array_new ();

  /* The BIP 143 message leaves out the witness: sign an unsigned copy. */
  g_autoptr (UmkTx) unsigned_credit = NULL;
  g_autoptr (UmkTx) unsigned_spend
      = umk_test_build_spend (spk, amount, empty, NULL, &unsigned_credit);
  uint8_t code[25] = { 0x76, 0xa9, 20 };
  memcpy (code + 3, h160, 20);
  code[23] = 0x88;
  code[24] = 0xac;
  uint8_t hash[32];
  umk_sighash_witness_v0 (unsigned_spend, 0, code, sizeof code, amount, UMK_SIGHASH_ALL, NULL,
                          hash);
  uint8_t der[73];
  size_t der_len;
  g_assert_true (umk_ecdsa_sign (key, hash, true, der, &der_len));
  der[der_len++] = UMK_SIGHASH_ALL;

  g_autoptr (GPtrArray) witness
      = g_ptr_array_new_with_free_func ((GDestroyNotify) g_byte_array_unref);
  g_ptr_array_add (witness, bytes_of (der, der_len));
  g_ptr_array_add (witness, bytes_of (pub, pub_len));
  return umk_test_build_spend (spk, amount, empty, witness, credit);
}

static void
spend_init (Spend *s, Kind kind, int64_t amount)
{
  g_autoptr (GByteArray) spk = g_byte_array_new ();
  g_autoptr (GByteArray) empty = g_byte_array_new ();
  g_autoptr (GPtrArray) witness = NULL;
  s->kind = kind;
  switch (kind)
    {
    case KIND_OP_TRUE:
      g_byte_array_append (spk, (const guint8 *) "\x51", 1);
      break;
    case KIND_OP_FALSE:
      g_byte_array_append (spk, (const guint8 *) "\x00", 1);
      break;
    case KIND_OP_RETURN:
      g_byte_array_append (spk, (const guint8 *) "\x6a", 1);
      break;
    case KIND_P2WSH_OP_TRUE:
      {
        uint8_t program[32];
        umk_sha256 ("\x51", 1, program);
        g_byte_array_append (spk, (const guint8 *) "\x00\x20", 2);
        g_byte_array_append (spk, program, 32);
        witness = g_ptr_array_new_with_free_func ((GDestroyNotify) g_byte_array_unref);
        g_ptr_array_add (witness, bytes_of ("\x51", 1));
        break;
      }
    case KIND_P2WPKH:
      s->spend = build_p2wpkh (amount, seckey, &s->credit);
      break;
    case KIND_P2WPKH_WRONG:
      s->spend = build_p2wpkh (amount, other_seckey, &s->credit);
      break;
    default:
      g_assert_not_reached ();
    }
  if (s->spend == NULL)
    s->spend = umk_test_build_spend (spk, amount, empty, witness, &s->credit);
  umk_tx_sigdata_init (&s->sigdata, s->spend, &s->credit->out[0], false);
}

static void
spend_clear (Spend *s)
{
  g_clear_pointer (&s->spend, umk_tx_unref);
  g_clear_pointer (&s->credit, umk_tx_unref);
}

static UmkScriptError
expected_error (Kind kind)
{
  switch (kind)
    {
    case KIND_OP_FALSE:
      return UMK_SCRIPT_ERR_EVAL_FALSE;
    case KIND_OP_RETURN:
      return UMK_SCRIPT_ERR_OP_RETURN;
    case KIND_P2WPKH_WRONG:
      return UMK_SCRIPT_ERR_NULLFAIL;
    default:
      return UMK_SCRIPT_ERR_OK;
    }
}

/* A pool of spends of every kind, several of each (distinct transactions). */
#define PER_KIND 12
static Spend pool[N_KINDS][PER_KIND];

static void
pool_init (void)
{
  for (int k = 0; k < N_KINDS; k++)
    for (int i = 0; i < PER_KIND; i++)
      spend_init (&pool[k][i], (Kind) k, 1000 + 7 * i);
}

static void
pool_clear (void)
{
  for (int k = 0; k < N_KINDS; k++)
    for (int i = 0; i < PER_KIND; i++)
      spend_clear (&pool[k][i]);
}

static UmkScriptCheck
check_of (const Spend *s)
{
  return (UmkScriptCheck){
    .tx = s->spend, .n_in = 0, .spent = &s->credit->out[0], .flags = FLAGS, .sigdata = &s->sigdata
  };
}

/* n passing checks, the kinds mixed. */
static UmkScriptCheck *
passing_batch (GRand *rand, size_t n)
{
  UmkScriptCheck *checks = g_new0 (UmkScriptCheck, MAX (n, 1));
  for (size_t i = 0; i < n; i++)
    {
      Kind k = (Kind) g_rand_int_range (rand, KIND_OP_TRUE, KIND_P2WPKH + 1);
      checks[i] = check_of (&pool[k][g_rand_int_range (rand, 0, PER_KIND)]);
    }
  return checks;
}

static const size_t sizes[] = { 0, 1, 7, 8, 9, 1000 };
static const int worker_counts[] = { 0, 1, 3 };

/* ---- The spends themselves -------------------------------------------------------- */

static void
test_spends_verify (void)
{
  /* Each spend does what its kind says on its own, so the queue's answers
   * can be trusted. */
  for (int k = 0; k < N_KINDS; k++)
    for (int i = 0; i < PER_KIND; i++)
      {
        const Spend *s = &pool[k][i];
        UmkScriptError err = UMK_SCRIPT_ERR_UNKNOWN_ERROR;
        bool ok = umk_verify_input (s->spend, 0, &s->credit->out[0], FLAGS, &s->sigdata, &err);
        g_assert_cmpint (ok, ==, expected_error ((Kind) k) == UMK_SCRIPT_ERR_OK);
        g_assert_cmpint (err, ==, expected_error ((Kind) k));
      }
  /* the P2WPKH spends really carry a signature */
  g_assert_true (pool[KIND_P2WPKH][0].spend->has_witness);
  g_assert_true (pool[KIND_P2WSH_OP_TRUE][0].spend->has_witness);
}

/* ---- All pass ---------------------------------------------------------------------- */

static void
test_all_pass (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed ((guint32) g_test_rand_int ());
  for (guint w = 0; w < G_N_ELEMENTS (worker_counts); w++)
    {
      g_autoptr (UmkScriptCheckQueue) q = umk_script_check_queue_new (worker_counts[w]);
      g_assert_cmpint (umk_script_check_queue_workers (q), ==, worker_counts[w]);
      for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
        {
          g_autofree UmkScriptCheck *checks = passing_batch (rand, sizes[s]);
          size_t failed;
          UmkScriptError err;
          g_assert_true (umk_script_check_run (q, checks, sizes[s], &failed, &err));
          /* the out arguments may be NULL */
          g_assert_true (umk_script_check_run (q, checks, sizes[s], NULL, NULL));
        }
      /* an empty batch needs no array */
      g_assert_true (umk_script_check_run (q, NULL, 0, NULL, NULL));
    }
}

/* ---- Failures ---------------------------------------------------------------------- */

static void
test_one_fails (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed ((guint32) g_test_rand_int ());
  static const Kind bad_kinds[] = { KIND_OP_FALSE, KIND_OP_RETURN, KIND_P2WPKH_WRONG };
  for (guint w = 0; w < G_N_ELEMENTS (worker_counts); w++)
    {
      g_autoptr (UmkScriptCheckQueue) q = umk_script_check_queue_new (worker_counts[w]);
      for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
        {
          size_t n = sizes[s];
          if (n == 0)
            continue;
          /* first, last, a slice boundary, and a random place */
          size_t where[]
              = { 0, n - 1, MIN (8, n - 1), (size_t) g_rand_int_range (rand, 0, (gint32) n) };
          for (guint p = 0; p < G_N_ELEMENTS (where); p++)
            {
              Kind bad = bad_kinds[(s + p) % G_N_ELEMENTS (bad_kinds)];
              g_autofree UmkScriptCheck *checks = passing_batch (rand, n);
              checks[where[p]] = check_of (&pool[bad][p % PER_KIND]);
              size_t failed = SIZE_MAX;
              UmkScriptError err = UMK_SCRIPT_ERR_OK;
              g_assert_false (umk_script_check_run (q, checks, n, &failed, &err));
              g_assert_cmpuint (failed, ==, where[p]);
              g_assert_cmpint (err, ==, expected_error (bad));
              /* without out arguments the answer is the same */
              g_assert_false (umk_script_check_run (q, checks, n, NULL, NULL));
            }
        }
    }
}

static void
test_several_fail (void)
{
  /* With many failures the queue stops at one of them, and names it
   * correctly: the index and the error belong together. */
  g_autoptr (GRand) rand = g_rand_new_with_seed ((guint32) g_test_rand_int ());
  g_autoptr (UmkScriptCheckQueue) q = umk_script_check_queue_new (3);
  for (int round = 0; round < 50; round++)
    {
      size_t n = (size_t) g_rand_int_range (rand, 2, 1200);
      g_autofree UmkScriptCheck *checks = passing_batch (rand, n);
      g_autofree Kind *kinds = g_new0 (Kind, n);
      int n_bad = g_rand_int_range (rand, 2, 20);
      for (int b = 0; b < n_bad; b++)
        {
          size_t i = (size_t) g_rand_int_range (rand, 0, (gint32) n);
          Kind k = (Kind) g_rand_int_range (rand, KIND_OP_FALSE, N_KINDS);
          checks[i] = check_of (&pool[k][b % PER_KIND]);
          kinds[i] = k;
        }
      size_t failed = SIZE_MAX;
      UmkScriptError err = UMK_SCRIPT_ERR_OK;
      g_assert_false (umk_script_check_run (q, checks, n, &failed, &err));
      g_assert_cmpuint (failed, <, n);
      g_assert_cmpint (kinds[failed], >=, KIND_OP_FALSE);
      g_assert_cmpint (err, ==, expected_error (kinds[failed]));
    }
}

/* ---- Many batches on one queue ------------------------------------------------------- */

static void
test_repeated (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed ((guint32) g_test_rand_int ());
  for (guint w = 0; w < G_N_ELEMENTS (worker_counts); w++)
    {
      g_autoptr (UmkScriptCheckQueue) q = umk_script_check_queue_new (worker_counts[w]);
      guint passes = 0, fails = 0;
      for (int round = 0; round < 300; round++)
        {
          /* small batches (the caller alone) and large ones (everyone) mixed */
          size_t n = g_rand_boolean (rand) ? (size_t) g_rand_int_range (rand, 0, 10)
                                           : (size_t) g_rand_int_range (rand, 9, 400);
          g_autofree UmkScriptCheck *checks = passing_batch (rand, n);
          gboolean fail = n > 0 && g_rand_int_range (rand, 0, 3) == 0;
          size_t where = 0;
          if (fail)
            {
              where = (size_t) g_rand_int_range (rand, 0, (gint32) n);
              checks[where] = check_of (&pool[KIND_OP_FALSE][0]);
            }
          size_t failed = SIZE_MAX;
          UmkScriptError err = UMK_SCRIPT_ERR_OK;
          gboolean ok = umk_script_check_run (q, checks, n, &failed, &err);
          g_assert_cmpint (ok, ==, !fail);
          if (fail)
            {
              g_assert_cmpuint (failed, ==, where);
              g_assert_cmpint (err, ==, UMK_SCRIPT_ERR_EVAL_FALSE);
              fails++;
            }
          else
            passes++;
        }
      /* a failure leaves nothing behind for the next batch */
      g_autofree UmkScriptCheck *checks = passing_batch (rand, 1000);
      g_assert_true (umk_script_check_run (q, checks, 1000, NULL, NULL));
      g_assert_cmpuint (passes, >, 100);
      g_assert_cmpuint (fails, >, 30);
    }
}

/* ---- Threads ---------------------------------------------------------------------------- */

/* The queue's worker threads alive in this process, by their names in /proc
 * (Linux). Other threads (GLib's, libcrypto's) may come and go meanwhile, so
 * only the workers ("scriptch.N") are counted. */
static int
thread_count (void)
{
  g_autoptr (GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  if (dir == NULL)
    return -1;
  int n = 0;
  const char *task;
  while ((task = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/proc/self/task", task, "comm", NULL);
      g_autofree char *comm = NULL;
      if (g_file_get_contents (path, &comm, NULL, NULL) && g_str_has_prefix (comm, "scriptch."))
        n++;
    }
  return n;
}

/* A new thread names itself once it runs: wait (at most 5 s) for the count
 * to reach want. Returns: the last count seen. */
static int
wait_thread_count (int want)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  int n;
  while ((n = thread_count ()) != want && g_get_monotonic_time () < deadline)
    g_usleep (1000);
  return n;
}

static void
test_free_joins (void)
{
  int before = thread_count ();
  if (before < 0)
    {
      g_test_skip ("no /proc/self/task");
      return;
    }
  g_autoptr (GRand) rand = g_rand_new_with_seed ((guint32) g_test_rand_int ());
  for (int round = 0; round < 5; round++)
    {
      UmkScriptCheckQueue *q = umk_script_check_queue_new (3);
      g_assert_cmpint (wait_thread_count (before + 3), ==, before + 3);
      if (round % 2 == 0)
        {
          g_autofree UmkScriptCheck *checks = passing_batch (rand, 500);
          g_assert_true (umk_script_check_run (q, checks, 500, NULL, NULL));
        }
      umk_script_check_queue_free (q);
      /* joined: the threads are gone, not just asked to stop */
      g_assert_cmpint (thread_count (), ==, before);
    }
  /* a queue without workers starts none */
  UmkScriptCheckQueue *q = umk_script_check_queue_new (0);
  g_assert_cmpint (thread_count (), ==, before);
  umk_script_check_queue_free (q);
  umk_script_check_queue_free (NULL);
}

static void
test_worker_limits (void)
{
  g_autoptr (UmkScriptCheckQueue) neg = umk_script_check_queue_new (-4);
  g_assert_cmpint (umk_script_check_queue_workers (neg), ==, 0);
  UmkScriptCheck one = check_of (&pool[KIND_OP_FALSE][0]);
  size_t failed = SIZE_MAX;
  g_assert_false (umk_script_check_run (neg, &one, 1, &failed, NULL));
  g_assert_cmpuint (failed, ==, 0);

  /* -par counts the calling thread: 1 is the caller alone */
  g_assert_cmpint (umk_script_check_threads_for_par (1), ==, 1);
  g_assert_cmpint (umk_script_check_threads_for_par (4), ==, 4);
  g_assert_cmpint (umk_script_check_threads_for_par (15), ==, 15);
  /* 0 is one per core, -n leaves n cores free, at least the caller (the
   * cap is tested below) */
  int cores = (int) g_get_num_processors ();
  if (cores <= 15)
    {
      g_assert_cmpint (umk_script_check_threads_for_par (0), ==, cores);
      g_assert_cmpint (umk_script_check_threads_for_par (-1), ==, MAX (cores - 1, 1));
    }
  g_assert_cmpint (umk_script_check_threads_for_par (-1000), ==, 1);
  g_assert_cmpint (umk_script_check_threads_for_par (G_MININT64 / 2), ==, 1);
}

static void
test_worker_cap (void)
{
  /* Core v31 (chainstatemanager_args.cpp, validation.cpp) subtracts the
   * calling thread from -par and then clamps the workers to
   * MAX_SCRIPTCHECK_THREADS = 15: -par=16 and above give 15 workers, 16
   * threads in all. */
  int par16 = umk_script_check_threads_for_par (16);
  int par_big = umk_script_check_threads_for_par (1000);
  g_autoptr (UmkScriptCheckQueue) q = umk_script_check_queue_new (15);
  int workers = umk_script_check_queue_workers (q);
  if (par16 != 16 || par_big != 16 || workers != 15)
    {
      g_test_fail_printf ("%s",
                          "-par caps at 15 threads in all (14 workers); Core v31 allows 15 workers "
                          "plus the caller (node/script-check.c MAX_SCRIPTCHECK_THREADS use)");
      return;
    }
  g_assert_cmpint (workers, ==, 15);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  pool_init ();
  g_test_add_func ("/script-check/spends-verify", test_spends_verify);
  g_test_add_func ("/script-check/all-pass", test_all_pass);
  g_test_add_func ("/script-check/one-fails", test_one_fails);
  g_test_add_func ("/script-check/several-fail", test_several_fail);
  g_test_add_func ("/script-check/repeated", test_repeated);
  g_test_add_func ("/script-check/free-joins", test_free_joins);
  g_test_add_func ("/script-check/worker-limits", test_worker_limits);
  g_test_add_func ("/script-check/worker-cap", test_worker_cap);
  int rc = g_test_run ();
  pool_clear ();
  return rc;
}
