/* Tests for the chains' parameters: every genesis block rebuilt from its
 * parameters hashes to the known value; ports, magic, prefixes and the
 * signet/regtest options behave as Umkoin Core's. */
#include "config.h"

#include "common/args.h"
#include "common/chainparams.h"
#include "common/error.h"
#include "common/hex.h"
#include "test-util.h"

#include <string.h>

typedef struct
{
  UmkChain chain;
  const char *name;
  const char *genesis;
  const char *merkle_root;
  const char *magic;
  uint16_t port, rpc_port;
  const char *suffix;
  const char *hrp;
} ChainFacts;

/* Umkoin Core v31.0's values (kernel/chainparams.cpp, chainparamsbase.cpp). */
static const ChainFacts facts[] = {
  { UMK_CHAIN_MAIN, "main", "00000000470b9e0dd4f6fb72c93e0c655f68069899a5b2a0b4e413ef8006469a",
    "550ccf92f28cb76c3f8ccd5073a0175182ac8b03abe96d6b18da9b46f2e2941d", "f9beb4d9", 6333, 6332, "",
    "bc" },
  { UMK_CHAIN_TEST, "test", "00000000243306f10d1ba825689fb5b892c80a1ea1b41d79cad46b8b0ab09429",
    "550ccf92f28cb76c3f8ccd5073a0175182ac8b03abe96d6b18da9b46f2e2941d", "0b110907", 16333, 16332,
    "testnet3", "tb" },
  { UMK_CHAIN_TESTNET4, "testnet4",
    "000000006d2b2de2bcee5c82b6d17aac68f0646292849b3ef1f309165eec7933",
    "e1f926a4a38a8ed8b43214183f6fadd297e026ea02b3c105ea23d258e33ac847", "1c163f28", 46333, 46332,
    "testnet4", "tb" },
  { UMK_CHAIN_SIGNET, "signet", "00000202cadc702ef9673c0fa222dc9fce1c5ef52f96d4ba3d952286d37398f1",
    "550ccf92f28cb76c3f8ccd5073a0175182ac8b03abe96d6b18da9b46f2e2941d", NULL, 36333, 36332,
    "signet", "tb" },
  { UMK_CHAIN_REGTEST, "regtest",
    "60b48405c3efa2bd7aa6a8bc206e3369e58d15f60cba7a915769e9669758cb6d",
    "550ccf92f28cb76c3f8ccd5073a0175182ac8b03abe96d6b18da9b46f2e2941d", "fabfb5da", 16444, 16443,
    "regtest", "bcrt" },
};

static void
test_genesis (void)
{
  UmkTally t;
  umk_tally_init (&t, "genesis hashes");
  for (size_t i = 0; i < G_N_ELEMENTS (facts); i++)
    {
      const ChainFacts *f = &facts[i];
      g_autoptr (GError) error = NULL;
      g_autoptr (UmkChainParams) p = umk_chain_params_new (f->chain, NULL, &error);
      g_assert_no_error (error);
      g_autofree char *hash = umk_uint256_to_hex (&p->genesis->hash);
      g_autofree char *root = umk_uint256_to_hex (&p->genesis->header.merkle_root);
      UmkUint256 computed_root;
      bool mutated;
      umk_block_merkle_root (p->genesis, &computed_root, &mutated);
      bool ok = strcmp (hash, f->genesis) == 0 && strcmp (root, f->merkle_root) == 0
                && umk_uint256_equal (&computed_root, &p->genesis->header.merkle_root) && !mutated
                && umk_uint256_equal (&p->consensus.hash_genesis_block, &p->genesis->hash)
                && p->genesis->n_tx == 1 && umk_tx_is_coinbase (p->genesis->tx[0])
                && p->genesis->tx[0]->out[0].value == 50 * UMK_COIN;
      umk_tally_case (&t, ok, "%s genesis %s", f->name, hash);
    }
  umk_tally_finish_expect (&t, 5);
}

static void
test_network_fields (void)
{
  for (size_t i = 0; i < G_N_ELEMENTS (facts); i++)
    {
      const ChainFacts *f = &facts[i];
      g_autoptr (UmkChainParams) p = umk_chain_params_new (f->chain, NULL, NULL);
      g_assert_cmpstr (umk_chain_name (f->chain), ==, f->name);
      UmkChain back;
      g_assert_true (umk_chain_from_name (f->name, &back));
      g_assert_cmpint (back, ==, f->chain);
      g_assert_cmpuint (p->default_port, ==, f->port);
      g_assert_cmpuint (p->default_rpc_port, ==, f->rpc_port);
      g_assert_cmpstr (p->datadir_suffix, ==, f->suffix);
      g_assert_cmpstr (p->address.bech32_hrp, ==, f->hrp);
      g_assert_true (umk_chain_from_message_start (p->message_start, &back));
      g_assert_cmpint (back, ==, f->chain);
      if (f->magic != NULL)
        {
          g_autofree char *magic = umk_hex_encode (p->message_start, 4);
          g_assert_cmpstr (magic, ==, f->magic);
        }
      g_assert_cmpint (p->consensus.pow_target_spacing, ==, 600);
      g_assert_nonnull (p->dns_seeds);
      g_assert_nonnull (p->fixed_seeds);
    }
  UmkChain c;
  g_assert_false (umk_chain_from_name ("testnet3", &c));
  g_assert_false (umk_chain_from_name ("", &c));
  const uint8_t unknown[4] = { 1, 2, 3, 4 };
  g_assert_false (umk_chain_from_message_start (unknown, &c));
}

static void
test_consensus_fields (void)
{
  g_autoptr (UmkChainParams) main = umk_chain_params_new (UMK_CHAIN_MAIN, NULL, NULL);
  const UmkConsensusParams *m = &main->consensus;
  g_assert_cmpint (m->subsidy_halving_interval, ==, 210000);
  /* Umkoin retargets every day: 144 blocks. */
  g_assert_cmpint (umk_consensus_difficulty_adjustment_interval (m), ==, 144);
  g_assert_cmpint (m->segwit_height, ==, 432);
  g_assert_cmpint (umk_consensus_buried_height (m, UMK_BURIED_CSV), ==, 432);
  g_assert_cmpuint (m->n_script_flag_exceptions, ==, 2);
  g_assert_cmphex (m->script_flag_exceptions[1].flags, ==,
                   UMK_SCRIPT_VERIFY_P2SH | UMK_SCRIPT_VERIFY_WITNESS);
  g_assert_cmpint (m->deployments[UMK_DEPLOYMENT_TAPROOT].min_activation_height, ==, 155843);
  g_assert_false (m->pow_allow_min_difficulty_blocks);
  g_autofree char *av = umk_uint256_to_hex (&m->default_assume_valid);
  g_assert_cmpstr (av, ==, "00000000000009a4af92d8d5ba9bf9fb902e66c97a4af4972ab6228e61959627");
  g_assert_cmpuint (main->address.pubkey_prefix, ==, 0);
  g_assert_cmpuint (main->address.script_prefix, ==, 5);
  g_assert_cmpuint (main->address.secret_prefix, ==, 128);

  g_autoptr (UmkChainParams) t4 = umk_chain_params_new (UMK_CHAIN_TESTNET4, NULL, NULL);
  g_assert_true (t4->consensus.enforce_bip94);
  g_assert_cmpint (umk_consensus_difficulty_adjustment_interval (&t4->consensus), ==, 72);
  g_assert_cmpint (t4->consensus.deployments[UMK_DEPLOYMENT_TAPROOT].start_time, ==,
                   UMK_BIP9_ALWAYS_ACTIVE);

  g_autoptr (UmkChainParams) rt = umk_chain_params_new (UMK_CHAIN_REGTEST, NULL, NULL);
  g_assert_cmpint (rt->consensus.subsidy_halving_interval, ==, 150);
  g_assert_true (rt->consensus.pow_no_retargeting);
  g_assert_false (rt->consensus.enforce_bip94);
  g_assert_cmpuint (rt->prune_after_height, ==, 1000);
  g_assert_cmpuint (rt->n_assumeutxo, ==, 3);
  g_assert_true (rt->is_mockable_chain);
  g_assert_cmpuint (rt->genesis->header.bits, ==, 0x207fffff);
}

static void
test_signet (void)
{
  g_autoptr (UmkChainParams) def = umk_chain_params_new (UMK_CHAIN_SIGNET, NULL, NULL);
  g_assert_true (def->consensus.signet_blocks);
  g_assert_cmpuint (def->consensus.signet_challenge_len, ==, 71);
  g_assert_false (umk_uint256_is_zero (&def->consensus.minimum_chain_work));

  /* A custom challenge changes the magic and drops the default's assumptions. */
  UmkChainOptions opts;
  umk_chain_options_init (&opts);
  g_autoptr (GError) error = NULL;
  g_assert_true (umk_chain_options_set_signet_challenge (&opts, "51", &error));
  g_assert_no_error (error);
  g_autoptr (UmkChainParams) custom = umk_chain_params_new (UMK_CHAIN_SIGNET, &opts, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (custom->consensus.signet_challenge_len, ==, 1);
  g_assert_cmpmem (custom->consensus.signet_challenge, 1, "\x51", 1);
  g_assert_true (memcmp (custom->message_start, def->message_start, 4) != 0);
  g_assert_true (umk_uint256_is_zero (&custom->consensus.minimum_chain_work));
  g_assert_null (custom->dns_seeds[0]);
  /* the genesis block is the same */
  g_assert_true (umk_uint256_equal (&custom->genesis->hash, &def->genesis->hash));

  g_assert_false (umk_chain_options_set_signet_challenge (&opts, "5", &error));
  g_assert_error (error, UMK_ERROR, UMK_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "-signetchallenge must be hex, not '5'.");
  umk_chain_options_clear (&opts);
}

typedef struct
{
  const char *arg;
  const char *error; /* NULL: accepted */
} OptionCase;

static void
test_regtest_options (void)
{
  static const OptionCase heights[] = {
    { "segwit@10", NULL },
    { "bip34@2", NULL },
    { "dersig@3", NULL },
    { "cltv@4", NULL },
    { "csv@5", NULL },
    { "segwit", "Invalid format (segwit) for -testactivationheight=name@height." },
    { "segwit@-1", "Invalid height value (segwit@-1) for -testactivationheight=name@height." },
    { "segwit@x", "Invalid height value (segwit@x) for -testactivationheight=name@height." },
    { "segwit@", "Invalid height value (segwit@) for -testactivationheight=name@height." },
    { "segwit@2147483647",
      "Invalid height value (segwit@2147483647) for -testactivationheight=name@height." },
    { "taproot@1", "Invalid name (taproot@1) for -testactivationheight=name@height." },
  };
  static const OptionCase vb[] = {
    { "testdummy:0:999", NULL },
    { "taproot:-2:9223372036854775807:10", NULL },
    { "taproot:1",
      "Version bits parameters malformed, expecting deployment:start:end[:min_activation_height]" },
    { "taproot:1:2:3:4",
      "Version bits parameters malformed, expecting deployment:start:end[:min_activation_height]" },
    { "taproot:x:2", "Invalid nStartTime (x)" },
    { "taproot:1:y", "Invalid nTimeout (y)" },
    { "taproot:1:2:z", "Invalid min_activation_height (z)" },
    { "segwit:1:2", "Invalid deployment (segwit)" },
  };
  UmkChainOptions opts;
  umk_chain_options_init (&opts);
  for (size_t i = 0; i < G_N_ELEMENTS (heights); i++)
    {
      g_autoptr (GError) error = NULL;
      gboolean ok = umk_chain_options_add_activation_height (&opts, heights[i].arg, &error);
      if (heights[i].error == NULL)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
        }
      else
        {
          g_assert_false (ok);
          g_assert_cmpstr (error->message, ==, heights[i].error);
        }
    }
  for (size_t i = 0; i < G_N_ELEMENTS (vb); i++)
    {
      g_autoptr (GError) error = NULL;
      gboolean ok = umk_chain_options_add_vbparams (&opts, vb[i].arg, &error);
      if (vb[i].error == NULL)
        g_assert_true (ok);
      else
        {
          g_assert_false (ok);
          g_assert_cmpstr (error->message, ==, vb[i].error);
        }
    }
  opts.fastprune = true;
  opts.enforce_bip94 = true;
  g_autoptr (UmkChainParams) p = umk_chain_params_new (UMK_CHAIN_REGTEST, &opts, NULL);
  const UmkConsensusParams *c = &p->consensus;
  g_assert_cmpint (c->segwit_height, ==, 10);
  g_assert_cmpint (c->bip34_height, ==, 2);
  g_assert_cmpint (c->bip66_height, ==, 3);
  g_assert_cmpint (c->bip65_height, ==, 4);
  g_assert_cmpint (c->csv_height, ==, 5);
  g_assert_cmpint (c->deployments[UMK_DEPLOYMENT_TESTDUMMY].timeout, ==, 999);
  g_assert_cmpint (c->deployments[UMK_DEPLOYMENT_TAPROOT].start_time, ==, -2);
  g_assert_cmpint (c->deployments[UMK_DEPLOYMENT_TAPROOT].min_activation_height, ==, 10);
  g_assert_true (c->enforce_bip94);
  g_assert_cmpuint (p->prune_after_height, ==, 100);

  /* The options do nothing to other chains. */
  g_autoptr (UmkChainParams) m = umk_chain_params_new (UMK_CHAIN_MAIN, &opts, NULL);
  g_assert_cmpint (m->consensus.segwit_height, ==, 432);
  umk_chain_options_clear (&opts);

  g_assert_cmpstr (umk_buried_deployment_name (UMK_BURIED_SEGWIT), ==, "segwit");
  g_assert_cmpstr (umk_buried_deployment_name (UMK_BURIED_HEIGHTINCB), ==, "bip34");
  g_assert_cmpstr (umk_deployment_name (UMK_DEPLOYMENT_TAPROOT), ==, "taproot");
}

static UmkArgs *
chain_args (const char *const *argv, int argc)
{
  UmkArgs *args = umk_args_new ();
  umk_args_add_chain_options (args);
  umk_args_add (args, "-fastprune", UMK_ARG_ALLOW_ANY, "", UMK_OPTIONS_DEBUG_TEST);
  umk_args_add (args, "-test=<option>", UMK_ARG_ALLOW_ANY, "", UMK_OPTIONS_DEBUG_TEST);
  g_autoptr (GError) error = NULL;
  g_assert_true (umk_args_parse (args, argc, argv, &error));
  g_assert_no_error (error);
  return args;
}

static void
test_options_from_args (void)
{
  const char *const argv[] = { "prog",
                               "-regtest",
                               "-fastprune",
                               "-test=bip94",
                               "-testactivationheight=csv@7",
                               "-vbparams=taproot:1:2" };
  g_autoptr (UmkArgs) args = chain_args (argv, G_N_ELEMENTS (argv));
  UmkChainOptions opts;
  umk_chain_options_init (&opts);
  g_autoptr (GError) error = NULL;
  g_assert_true (umk_chain_options_from_args (&opts, args, &error));
  g_assert_true (opts.fastprune);
  g_assert_true (opts.enforce_bip94);
  g_assert_true (opts.has_activation_height[UMK_BURIED_CSV]);
  g_assert_cmpint (opts.activation_height[UMK_BURIED_CSV], ==, 7);
  g_assert_true (opts.has_vbparams[UMK_DEPLOYMENT_TAPROOT]);
  g_assert_cmpint (opts.vb_timeout[UMK_DEPLOYMENT_TAPROOT], ==, 2);
  umk_chain_options_clear (&opts);

  const char *const two[] = { "prog", "-signet", "-signetchallenge=51", "-signetchallenge=52" };
  g_autoptr (UmkArgs) args2 = chain_args (two, G_N_ELEMENTS (two));
  umk_chain_options_init (&opts);
  g_assert_false (umk_chain_options_from_args (&opts, args2, &error));
  g_assert_cmpstr (error->message, ==, "-signetchallenge cannot be multiple values.");
  umk_chain_options_clear (&opts);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/chainparams/genesis", test_genesis);
  g_test_add_func ("/chainparams/network-fields", test_network_fields);
  g_test_add_func ("/chainparams/consensus-fields", test_consensus_fields);
  g_test_add_func ("/chainparams/signet", test_signet);
  g_test_add_func ("/chainparams/regtest-options", test_regtest_options);
  g_test_add_func ("/chainparams/options-from-args", test_options_from_args);
  return g_test_run ();
}
