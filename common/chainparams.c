/* chainparams.c — the five chains' parameters, restated from Umkoin Core v31.0
 * (kernel/chainparams.cpp, chainparamsbase.cpp, chainparamsseeds.h,
 * deploymentinfo.cpp) as data. */
#define G_LOG_DOMAIN "umk-chainparams"
#include "config.h"

#include "common/chainparams.h"

#include "common/error.h"
#include "common/hash.h"
#include "common/hex.h"
#include "common/serialize.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

static const char *const buried_names[UMK_N_BURIED] = {
  [UMK_BURIED_HEIGHTINCB] = "bip34", [UMK_BURIED_CLTV] = "bip65",    [UMK_BURIED_DERSIG] = "bip66",
  [UMK_BURIED_CSV] = "csv",          [UMK_BURIED_SEGWIT] = "segwit",
};

/* -testactivationheight spells two of them differently from the RPCs. */
static const char *const buried_option_names[UMK_N_BURIED] = {
  [UMK_BURIED_HEIGHTINCB] = "bip34", [UMK_BURIED_CLTV] = "cltv",     [UMK_BURIED_DERSIG] = "dersig",
  [UMK_BURIED_CSV] = "csv",          [UMK_BURIED_SEGWIT] = "segwit",
};

static const char *const deployment_names[UMK_N_DEPLOYMENTS] = {
  [UMK_DEPLOYMENT_TESTDUMMY] = "testdummy",
  [UMK_DEPLOYMENT_TAPROOT] = "taproot",
};

const char *
umk_buried_deployment_name (UmkBuriedDeployment dep)
{
  return (unsigned) dep < UMK_N_BURIED ? buried_names[dep] : NULL;
}

const char *
umk_deployment_name (UmkDeployment dep)
{
  return (unsigned) dep < UMK_N_DEPLOYMENTS ? deployment_names[dep] : NULL;
}

int
umk_consensus_buried_height (const UmkConsensusParams *c, UmkBuriedDeployment dep)
{
  switch (dep)
    {
    case UMK_BURIED_HEIGHTINCB:
      return c->bip34_height;
    case UMK_BURIED_CLTV:
      return c->bip65_height;
    case UMK_BURIED_DERSIG:
      return c->bip66_height;
    case UMK_BURIED_CSV:
      return c->csv_height;
    case UMK_BURIED_SEGWIT:
      return c->segwit_height;
    case UMK_N_BURIED:
      break;
    }
  return INT_MAX;
}

/* ---- options ---- */

void
umk_chain_options_init (UmkChainOptions *opts)
{
  memset (opts, 0, sizeof *opts);
}

void
umk_chain_options_clear (UmkChainOptions *opts)
{
  g_clear_pointer (&opts->signet_challenge, g_byte_array_unref);
  g_clear_pointer (&opts->signet_seeds, g_strfreev);
}

/* Whole-string integer parse, as Core's ToIntegral: optional sign, digits only. */
static bool
parse_int64 (const char *s, int64_t *out)
{
  if (*s == '\0' || g_ascii_isspace (*s))
    return false;
  if (*s == '+') /* ToIntegral refuses a leading '+' */
    return false;
  char *end = NULL;
  errno = 0;
  gint64 v = g_ascii_strtoll (s, &end, 10);
  if (errno != 0 || end == s || *end != '\0')
    return false;
  *out = v;
  return true;
}

gboolean
umk_chain_options_add_activation_height (UmkChainOptions *opts, const char *arg, GError **error)
{
  const char *at = strchr (arg, '@');
  if (at == NULL)
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                   "Invalid format (%s) for -testactivationheight=name@height.", arg);
      return FALSE;
    }
  int64_t height;
  if (!parse_int64 (at + 1, &height) || height < 0 || height > INT32_MAX || height >= INT_MAX)
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                   "Invalid height value (%s) for -testactivationheight=name@height.", arg);
      return FALSE;
    }
  g_autofree char *name = g_strndup (arg, (gsize) (at - arg));
  for (unsigned i = 0; i < UMK_N_BURIED; i++)
    if (strcmp (name, buried_option_names[i]) == 0)
      {
        opts->has_activation_height[i] = true;
        opts->activation_height[i] = (int) height;
        return TRUE;
      }
  g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
               "Invalid name (%s) for -testactivationheight=name@height.", arg);
  return FALSE;
}

gboolean
umk_chain_options_add_vbparams (UmkChainOptions *opts, const char *arg, GError **error)
{
  g_auto (GStrv) parts = g_strsplit (arg, ":", -1);
  guint n = g_strv_length (parts);
  if (n < 3 || n > 4)
    {
      g_set_error_literal (error, UMK_ERROR, UMK_ERROR_INVALID,
                           "Version bits parameters malformed, expecting "
                           "deployment:start:end[:min_activation_height]");
      return FALSE;
    }
  int64_t start, timeout, min_height = 0;
  if (!parse_int64 (parts[1], &start))
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID, "Invalid nStartTime (%s)", parts[1]);
      return FALSE;
    }
  if (!parse_int64 (parts[2], &timeout))
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID, "Invalid nTimeout (%s)", parts[2]);
      return FALSE;
    }
  if (n == 4
      && (!parse_int64 (parts[3], &min_height) || min_height < INT_MIN || min_height > INT_MAX))
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID, "Invalid min_activation_height (%s)",
                   parts[3]);
      return FALSE;
    }
  for (unsigned i = 0; i < UMK_N_DEPLOYMENTS; i++)
    if (strcmp (parts[0], deployment_names[i]) == 0)
      {
        opts->has_vbparams[i] = true;
        opts->vb_start_time[i] = start;
        opts->vb_timeout[i] = timeout;
        opts->vb_min_activation_height[i] = (int) min_height;
        return TRUE;
      }
  g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID, "Invalid deployment (%s)", parts[0]);
  return FALSE;
}

gboolean
umk_chain_options_set_signet_challenge (UmkChainOptions *opts, const char *hex, GError **error)
{
  GByteArray *bytes = umk_hex_decode (hex, NULL);
  if (bytes == NULL)
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID, "-signetchallenge must be hex, not '%s'.",
                   hex);
      return FALSE;
    }
  g_clear_pointer (&opts->signet_challenge, g_byte_array_unref);
  opts->signet_challenge = bytes;
  return TRUE;
}

/* ---- genesis ---- */

/* The genesis block's only transaction pays 50 coins to a fixed public key;
 * its scriptSig pushes 486604799 (0x1d00ffff, four bytes), the number 4 as a
 * one-byte push, and a newspaper-style message. */
static UmkBlock *
build_genesis (const char *message, const char *pubkey_hex, uint32_t time, uint32_t nonce,
               uint32_t bits, int32_t version, int64_t reward)
{
  static const uint8_t push_bits[] = { 0x04, 0xff, 0xff, 0x00, 0x1d, 0x01, 0x04 };
  uint8_t pubkey[65];
  gboolean ok = umk_hex_decode_fixed (pubkey_hex, pubkey, sizeof pubkey);
  g_assert (ok);
  size_t msg_len = strlen (message);
  g_assert (msg_len < 76); /* one-byte direct push */

  GByteArray *script_sig = g_byte_array_new ();
  umk_write_bytes (script_sig, push_bits, sizeof push_bits);
  umk_write_u8 (script_sig, (uint8_t) msg_len);
  umk_write_bytes (script_sig, message, msg_len);

  GByteArray *w = g_byte_array_new ();
  /* header with the merkle root left zero for now */
  UmkBlockHeader header = { .version = version, .time = time, .bits = bits, .nonce = nonce };
  umk_block_header_write (&header, w);
  umk_write_compact_size (w, 1);
  size_t tx_start = w->len;
  umk_write_u32le (w, 1); /* tx version */
  umk_write_compact_size (w, 1);
  uint8_t null_hash[32] = { 0 };
  umk_write_bytes (w, null_hash, 32);
  umk_write_u32le (w, UINT32_MAX);
  umk_write_var_bytes (w, script_sig->data, script_sig->len);
  umk_write_u32le (w, UMK_SEQUENCE_FINAL);
  umk_write_compact_size (w, 1);
  umk_write_i64le (w, reward);
  umk_write_compact_size (w, 1 + sizeof pubkey + 1);
  umk_write_u8 (w, sizeof pubkey);
  umk_write_bytes (w, pubkey, sizeof pubkey);
  umk_write_u8 (w, 0xac); /* OP_CHECKSIG */
  umk_write_u32le (w, 0); /* lock time */
  g_byte_array_unref (script_sig);

  /* With one transaction the merkle root is its txid. */
  umk_sha256d (w->data + tx_start, w->len - tx_start, w->data + 36);

  g_autoptr (GBytes) bytes = g_byte_array_free_to_bytes (w);
  UmkBlock *block = umk_block_new_from_bytes (bytes, NULL);
  g_assert (block != NULL);
  return block;
}

static const char default_message[] = "UMK est. 2006. Umkoin est. 2017.";
static const char default_pubkey[]
    = "04880766d2f2a4f8e8a2ca8ef5f6baf014f2ac460acc69604df1af697ec9cd9d01548a7d6015e0"
      "cabfcbc160316143d9aae4a17c944f611b8daf18fb1492935d67";

/* ---- the chains ---- */

typedef struct
{
  const char *hash;
  UmkScriptFlags flags;
} FlagException;

static const FlagException main_exceptions[] = {
  /* BIP 16 exception */
  { "0000000000281e753b0fc8c003269be3ad8e7af0689763840f884f302297f14a", UMK_SCRIPT_VERIFY_NONE },
  /* taproot exception */
  { "0000000000006416703a4143581f958afc8325fe6e7b5fc427ff8a2a065f84da",
    UMK_SCRIPT_VERIFY_P2SH | UMK_SCRIPT_VERIFY_WITNESS },
};

static const FlagException test_exceptions[] = {
  /* BIP 16 exception */
  { "000000003179f186e3103c23f0c7b8fe73f6146e77e4f89a7710772f9970561c", UMK_SCRIPT_VERIFY_NONE },
};

typedef struct
{
  int height;
  const char *hash_serialized;
  uint64_t chain_tx_count;
  const char *block_hash;
} AssumeutxoRow;

static const AssumeutxoRow main_assumeutxo[] = {
  { 184670, "c19354e88d95754938d666c7e6c9619476545aab49a0382ce7367eaf1f202bfa", 450460,
    "000000000000051e91debfeac2d29a0f78bfaf2bdf20f3ac9f89adcf1d04f501" },
};
static const AssumeutxoRow test_assumeutxo[] = {
  { 184670, "1ae1eca0399a4a472b193f500325471eae6b2def1c12606271ce343f41dc3cff", 244295,
    "00000000004d3598944324a547f7ea9b01b73ee5e355534026dd1751fa107938" },
};
static const AssumeutxoRow regtest_assumeutxo[] = {
  { 110, "611314483dc02d0591d15b104c54c09491612744815b0659a7530ecb1a4cecbe", 111,
    "724bbf18ed0d9f52068ddd6738dbb54245e56e7dc578381bc1f4b0db4616b2f4" },
  { 200, "17dcc016d188d16068907cdeb38b75691a118d43053b8cd6a25969419381d13a", 201,
    "385901ccbd69dff6bbd00065d01fb8a9e464dede7cfe0372443884f9b1dcf6b9" },
  { 299, "4a5e9e1cfeba05a536885f813a56411d904782900eb00a533eab1e5be4f277ba", 300,
    "3d2073fc14cc954687a8a30f12a121af3facc560370dc296a8d4e6ff7091259b" },
};

typedef struct
{
  UmkChain chain;
  uint16_t port;
  uint8_t magic[4]; /* signet: computed from the challenge */
  int halving;
  const FlagException *exceptions;
  size_t n_exceptions;
  int bip34_height;
  const char *bip34_hash;
  int bip65_height, bip66_height, csv_height, segwit_height, min_bip9_warning_height;
  const char *pow_limit;
  int64_t timespan;
  bool allow_min_difficulty, enforce_bip94, no_retargeting;
  UmkBip9Deployment deployments[UMK_N_DEPLOYMENTS];
  const char *minimum_chain_work, *assume_valid;
  uint64_t prune_after_height, assumed_blockchain_size, assumed_chain_state_size;
  const char *dns_seeds[2];
  const char *fixed_seeds[3];
  bool consistency_checks, mockable;
  const AssumeutxoRow *assumeutxo;
  size_t n_assumeutxo;
  UmkChainTxData tx_data;
  UmkHeadersSyncParams headers_sync;
  /* genesis */
  const char *genesis_message, *genesis_pubkey;
  uint32_t genesis_time, genesis_nonce, genesis_bits;
  const char *genesis_hash, *genesis_merkle_root;
} ChainRow;

#define ZERO256 "0000000000000000000000000000000000000000000000000000000000000000"
#define TESTDUMMY(th, per)                                                          \
  {                                                                                 \
    .bit = 28, .start_time = UMK_BIP9_NEVER_ACTIVE, .timeout = UMK_BIP9_NO_TIMEOUT, \
    .min_activation_height = 0, .period = per, .threshold = th                      \
  }
#define TAPROOT_ALWAYS(th, per)                                                     \
  {                                                                                 \
    .bit = 2, .start_time = UMK_BIP9_ALWAYS_ACTIVE, .timeout = UMK_BIP9_NO_TIMEOUT, \
    .min_activation_height = 0, .period = per, .threshold = th                      \
  }

static const ChainRow chains[UMK_N_CHAINS] = {
  [UMK_CHAIN_MAIN] = {
    .chain = UMK_CHAIN_MAIN, .port = 6333,
    .magic = { 0xf9, 0xbe, 0xb4, 0xd9 },
    .halving = 210000,
    .exceptions = main_exceptions, .n_exceptions = G_N_ELEMENTS (main_exceptions),
    .bip34_height = 0,
    .bip34_hash = "00000000470b9e0dd4f6fb72c93e0c655f68069899a5b2a0b4e413ef8006469a",
    .bip65_height = 0, .bip66_height = 0, .csv_height = 432, .segwit_height = 432,
    .min_bip9_warning_height = 576,
    .pow_limit = "00000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    .timespan = 86400,
    .deployments = {
      [UMK_DEPLOYMENT_TESTDUMMY] = TESTDUMMY (130, 144),
      [UMK_DEPLOYMENT_TAPROOT] = { .bit = 2, .start_time = 1619222400, .timeout = 1628640000,
                                   .min_activation_height = 155843, .period = 144,
                                   .threshold = 130 },
    },
    .minimum_chain_work = "000000000000000000000000000000000000000000000000fa4291d4fe51e2d1",
    .assume_valid = "00000000000009a4af92d8d5ba9bf9fb902e66c97a4af4972ab6228e61959627",
    .prune_after_height = 100000, .assumed_blockchain_size = 32, .assumed_chain_state_size = 8,
    .dns_seeds = { "dnsseed.umkoin.org." },
    .fixed_seeds = { "68.183.210.111:6333", "82.193.103.110:6333" },
    .assumeutxo = main_assumeutxo, .n_assumeutxo = G_N_ELEMENTS (main_assumeutxo),
    .tx_data = { .time = 1724426984, .tx_count = 450460, .tx_rate = 0.000068329949656 },
    .headers_sync = { .commitment_period = 445, .redownload_buffer_size = 11402 },
    .genesis_message = default_message, .genesis_pubkey = default_pubkey,
    .genesis_time = 1511563812, .genesis_nonce = 4263252653u, .genesis_bits = 0x1d00ffff,
    .genesis_hash = "00000000470b9e0dd4f6fb72c93e0c655f68069899a5b2a0b4e413ef8006469a",
    .genesis_merkle_root = "550ccf92f28cb76c3f8ccd5073a0175182ac8b03abe96d6b18da9b46f2e2941d",
  },
  [UMK_CHAIN_TEST] = {
    .chain = UMK_CHAIN_TEST, .port = 16333,
    .magic = { 0x0b, 0x11, 0x09, 0x07 },
    .halving = 210000,
    .exceptions = test_exceptions, .n_exceptions = G_N_ELEMENTS (test_exceptions),
    .bip34_height = 0,
    .bip34_hash = "00000000243306f10d1ba825689fb5b892c80a1ea1b41d79cad46b8b0ab09429",
    .bip65_height = 0, .bip66_height = 0, .csv_height = 40500, .segwit_height = 40500,
    .min_bip9_warning_height = 40644,
    .pow_limit = "00000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    .timespan = 86400, .allow_min_difficulty = true,
    .deployments = {
      [UMK_DEPLOYMENT_TESTDUMMY] = TESTDUMMY (1512, 2016),
      [UMK_DEPLOYMENT_TAPROOT] = { .bit = 2, .start_time = 1619222400, .timeout = 1628640000,
                                   .min_activation_height = 0, .period = 2016,
                                   .threshold = 1512 },
    },
    .minimum_chain_work = "0000000000000000000000000000000000000000000000000298d8be9ba049e1",
    .assume_valid = "0000000000171423f711b1ded2bea3d810a5c44ae6f7e707f395238f59db0040",
    .prune_after_height = 1000, .assumed_blockchain_size = 64, .assumed_chain_state_size = 8,
    .dns_seeds = { "dnsseed.umkoin.org." },
    .fixed_seeds = { "68.183.210.111:16333", "82.193.103.110:16333" },
    .assumeutxo = test_assumeutxo, .n_assumeutxo = G_N_ELEMENTS (test_assumeutxo),
    .tx_data = { .time = 1724540448, .tx_count = 244205, .tx_rate = 0.000186968473221 },
    .headers_sync = { .commitment_period = 440, .redownload_buffer_size = 11266 },
    .genesis_message = default_message, .genesis_pubkey = default_pubkey,
    .genesis_time = 1511678228, .genesis_nonce = 1037567534, .genesis_bits = 0x1d00ffff,
    .genesis_hash = "00000000243306f10d1ba825689fb5b892c80a1ea1b41d79cad46b8b0ab09429",
    .genesis_merkle_root = "550ccf92f28cb76c3f8ccd5073a0175182ac8b03abe96d6b18da9b46f2e2941d",
  },
  [UMK_CHAIN_TESTNET4] = {
    .chain = UMK_CHAIN_TESTNET4, .port = 46333,
    .magic = { 0x1c, 0x16, 0x3f, 0x28 },
    .halving = 210000,
    .bip34_height = 1, .bip34_hash = ZERO256,
    .bip65_height = 1, .bip66_height = 1, .csv_height = 1, .segwit_height = 1,
    .min_bip9_warning_height = 0,
    .pow_limit = "00000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    .timespan = 43200, .allow_min_difficulty = true, .enforce_bip94 = true,
    .deployments = {
      [UMK_DEPLOYMENT_TESTDUMMY] = TESTDUMMY (54, 72),
      [UMK_DEPLOYMENT_TAPROOT] = TAPROOT_ALWAYS (54, 72),
    },
    .minimum_chain_work = ZERO256, .assume_valid = ZERO256,
    .prune_after_height = 1000, .assumed_blockchain_size = 1, .assumed_chain_state_size = 0,
    .dns_seeds = { "dnsseed.umkoin.org." },
    /* Core's testnet4 seeds use port 16333 although the chain's port is 46333. */
    .fixed_seeds = { "68.183.210.111:16333", "82.193.103.110:16333" },
    .headers_sync = { .commitment_period = 275, .redownload_buffer_size = 7017 },
    .genesis_message = "2024/08/23 Flag Day",
    .genesis_pubkey = "04678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb6"
                      "49f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5f",
    .genesis_time = 1724371200, .genesis_nonce = 2076037833, .genesis_bits = 0x1d00ffff,
    .genesis_hash = "000000006d2b2de2bcee5c82b6d17aac68f0646292849b3ef1f309165eec7933",
    .genesis_merkle_root = "e1f926a4a38a8ed8b43214183f6fadd297e026ea02b3c105ea23d258e33ac847",
  },
  [UMK_CHAIN_SIGNET] = {
    .chain = UMK_CHAIN_SIGNET, .port = 36333,
    .halving = 210000,
    .bip34_height = 1, .bip34_hash = ZERO256,
    .bip65_height = 1, .bip66_height = 1, .csv_height = 1, .segwit_height = 1,
    .min_bip9_warning_height = 0,
    .pow_limit = "00000377ae000000000000000000000000000000000000000000000000000000",
    .timespan = 86400,
    .deployments = {
      [UMK_DEPLOYMENT_TESTDUMMY] = TESTDUMMY (130, 144),
      [UMK_DEPLOYMENT_TAPROOT] = TAPROOT_ALWAYS (130, 144),
    },
    /* the default signet's values; a custom challenge resets them */
    .minimum_chain_work = "000000000000000000000000000000000000000000000000000000000049d414",
    .assume_valid = "00000202cadc702ef9673c0fa222dc9fce1c5ef52f96d4ba3d952286d37398f1",
    .prune_after_height = 1000, .assumed_blockchain_size = 2, .assumed_chain_state_size = 0,
    .dns_seeds = { "dnsseed.umkoin.org." },
    .fixed_seeds = { "68.183.210.111:16333", "82.193.103.110:16333" },
    .tx_data = { .time = 16000041600, .tx_count = 1, .tx_rate = 0.001898346323372538 },
    .headers_sync = { .commitment_period = 390, .redownload_buffer_size = 9584 },
    .genesis_message = default_message, .genesis_pubkey = default_pubkey,
    .genesis_time = 1600041600, .genesis_nonce = 243630, .genesis_bits = 0x1e0377ae,
    .genesis_hash = "00000202cadc702ef9673c0fa222dc9fce1c5ef52f96d4ba3d952286d37398f1",
    .genesis_merkle_root = "550ccf92f28cb76c3f8ccd5073a0175182ac8b03abe96d6b18da9b46f2e2941d",
  },
  [UMK_CHAIN_REGTEST] = {
    .chain = UMK_CHAIN_REGTEST, .port = 16444,
    .magic = { 0xfa, 0xbf, 0xb5, 0xda },
    .halving = 150,
    .bip34_height = 1, .bip34_hash = ZERO256,
    .bip65_height = 1, .bip66_height = 1, .csv_height = 1, .segwit_height = 0,
    .min_bip9_warning_height = 0,
    .pow_limit = "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    .timespan = 43200, .allow_min_difficulty = true, .no_retargeting = true,
    .deployments = {
      [UMK_DEPLOYMENT_TESTDUMMY] = { .bit = 28, .start_time = 0, .timeout = UMK_BIP9_NO_TIMEOUT,
                                     .min_activation_height = 0, .period = 72, .threshold = 54 },
      [UMK_DEPLOYMENT_TAPROOT] = TAPROOT_ALWAYS (54, 72),
    },
    .minimum_chain_work = ZERO256, .assume_valid = ZERO256,
    .prune_after_height = 1000, .assumed_blockchain_size = 0, .assumed_chain_state_size = 0,
    .dns_seeds = { "dummySeed.invalid." },
    .consistency_checks = true, .mockable = true,
    .assumeutxo = regtest_assumeutxo, .n_assumeutxo = G_N_ELEMENTS (regtest_assumeutxo),
    .tx_data = { .time = 0, .tx_count = 0, .tx_rate = 0.001 },
    .headers_sync = { .commitment_period = 275, .redownload_buffer_size = 7017 },
    .genesis_message = default_message, .genesis_pubkey = default_pubkey,
    .genesis_time = 1511512200, .genesis_nonce = 4, .genesis_bits = 0x207fffff,
    .genesis_hash = "60b48405c3efa2bd7aa6a8bc206e3369e58d15f60cba7a915769e9669758cb6d",
    .genesis_merkle_root = "550ccf92f28cb76c3f8ccd5073a0175182ac8b03abe96d6b18da9b46f2e2941d",
  },
};

/* The default signet's challenge: a 1-of-2 bare multisig. */
static const char default_signet_challenge[]
    = "512103ad5e0edad18cb1f0fc0d28a3d4f1f3e445640337489abb10404f2d1e086be430210359ef5021"
      "964fe22d6f8e05b2463c9540ce96883fe3b278760f048f5189f2e6c452ae";

/* A signet's message start: the first four bytes of SHA256d of its challenge
 * serialized with its length. */
static void
signet_message_start (const uint8_t *challenge, size_t len, uint8_t out[4])
{
  g_autoptr (GByteArray) ser = g_byte_array_new ();
  umk_write_var_bytes (ser, challenge, len);
  uint8_t h[32];
  umk_sha256d (ser->data, ser->len, h);
  memcpy (out, h, 4);
}

static void
set_hash (UmkUint256 *out, const char *hex)
{
  bool ok = umk_uint256_from_hex (out, hex);
  g_assert (ok);
}

static char **
strv_from (const char *const *list, size_t n)
{
  GStrvBuilder *b = g_strv_builder_new ();
  for (size_t i = 0; i < n && list[i] != NULL; i++)
    g_strv_builder_add (b, list[i]);
  char **v = g_strv_builder_end (b);
  g_strv_builder_unref (b);
  return v;
}

UmkChainParams *
umk_chain_params_new (UmkChain chain, const UmkChainOptions *opts, GError **error)
{
  g_return_val_if_fail ((unsigned) chain < UMK_N_CHAINS, NULL);
  const ChainRow *row = &chains[chain];
  UmkChainParams *p = g_new0 (UmkChainParams, 1);
  UmkConsensusParams *c = &p->consensus;

  p->chain = chain;
  c->subsidy_halving_interval = row->halving;
  if (row->n_exceptions > 0)
    {
      UmkScriptFlagException *ex = g_new0 (UmkScriptFlagException, row->n_exceptions);
      for (size_t i = 0; i < row->n_exceptions; i++)
        {
          set_hash (&ex[i].block_hash, row->exceptions[i].hash);
          ex[i].flags = row->exceptions[i].flags;
        }
      c->script_flag_exceptions = ex;
      c->n_script_flag_exceptions = row->n_exceptions;
    }
  c->bip34_height = row->bip34_height;
  set_hash (&c->bip34_hash, row->bip34_hash);
  c->bip65_height = row->bip65_height;
  c->bip66_height = row->bip66_height;
  c->csv_height = row->csv_height;
  c->segwit_height = row->segwit_height;
  c->min_bip9_warning_height = row->min_bip9_warning_height;
  memcpy (c->deployments, row->deployments, sizeof c->deployments);
  set_hash (&c->pow_limit, row->pow_limit);
  c->pow_allow_min_difficulty_blocks = row->allow_min_difficulty;
  c->enforce_bip94 = row->enforce_bip94;
  c->pow_no_retargeting = row->no_retargeting;
  c->pow_target_spacing = 600;
  c->pow_target_timespan = row->timespan;
  set_hash (&c->minimum_chain_work, row->minimum_chain_work);
  set_hash (&c->default_assume_valid, row->assume_valid);

  memcpy (p->message_start, row->magic, 4);
  p->default_port = row->port;
  p->default_rpc_port = umk_chain_default_rpc_port (chain);
  p->datadir_suffix = umk_chain_datadir_suffix (chain);
  p->prune_after_height = row->prune_after_height;
  p->assumed_blockchain_size = row->assumed_blockchain_size;
  p->assumed_chain_state_size = row->assumed_chain_state_size;
  p->dns_seeds = strv_from (row->dns_seeds, G_N_ELEMENTS (row->dns_seeds));
  p->fixed_seeds = strv_from (row->fixed_seeds, G_N_ELEMENTS (row->fixed_seeds));
  p->address = *umk_chain_address_params (chain);
  p->default_consistency_checks = row->consistency_checks;
  p->is_mockable_chain = row->mockable;
  if (row->n_assumeutxo > 0)
    {
      UmkAssumeutxoData *au = g_new0 (UmkAssumeutxoData, row->n_assumeutxo);
      for (size_t i = 0; i < row->n_assumeutxo; i++)
        {
          au[i].height = row->assumeutxo[i].height;
          set_hash (&au[i].hash_serialized, row->assumeutxo[i].hash_serialized);
          au[i].chain_tx_count = row->assumeutxo[i].chain_tx_count;
          set_hash (&au[i].block_hash, row->assumeutxo[i].block_hash);
        }
      p->assumeutxo = au;
      p->n_assumeutxo = row->n_assumeutxo;
    }
  p->chain_tx_data = row->tx_data;
  p->headers_sync = row->headers_sync;

  if (chain == UMK_CHAIN_SIGNET)
    {
      GByteArray *challenge;
      if (opts != NULL && opts->signet_challenge != NULL)
        {
          /* A custom signet starts with nothing assumed. */
          challenge = g_byte_array_ref (opts->signet_challenge);
          memset (&c->minimum_chain_work, 0, sizeof c->minimum_chain_work);
          memset (&c->default_assume_valid, 0, sizeof c->default_assume_valid);
          p->assumed_blockchain_size = 0;
          p->chain_tx_data = (UmkChainTxData){ 0 };
          g_clear_pointer (&p->fixed_seeds, g_strfreev);
          p->fixed_seeds = g_new0 (char *, 1);
          g_clear_pointer (&p->dns_seeds, g_strfreev);
          p->dns_seeds = g_new0 (char *, 1);
        }
      else
        challenge = umk_hex_decode (default_signet_challenge, NULL);
      if (opts != NULL && opts->signet_seeds != NULL)
        {
          g_strfreev (p->dns_seeds);
          p->dns_seeds = g_strdupv (opts->signet_seeds);
        }
      c->signet_blocks = true;
      c->signet_challenge_len = challenge->len;
      c->signet_challenge = g_memdup2 (challenge->data, challenge->len);
      signet_message_start (challenge->data, challenge->len, p->message_start);
      g_byte_array_unref (challenge);
    }

  if (chain == UMK_CHAIN_REGTEST && opts != NULL)
    {
      if (opts->fastprune)
        p->prune_after_height = 100;
      c->enforce_bip94 = opts->enforce_bip94;
      int *heights[UMK_N_BURIED] = {
        [UMK_BURIED_HEIGHTINCB] = &c->bip34_height, [UMK_BURIED_CLTV] = &c->bip65_height,
        [UMK_BURIED_DERSIG] = &c->bip66_height,     [UMK_BURIED_CSV] = &c->csv_height,
        [UMK_BURIED_SEGWIT] = &c->segwit_height,
      };
      for (unsigned i = 0; i < UMK_N_BURIED; i++)
        if (opts->has_activation_height[i])
          *heights[i] = opts->activation_height[i];
      for (unsigned i = 0; i < UMK_N_DEPLOYMENTS; i++)
        if (opts->has_vbparams[i])
          {
            c->deployments[i].start_time = opts->vb_start_time[i];
            c->deployments[i].timeout = opts->vb_timeout[i];
            c->deployments[i].min_activation_height = opts->vb_min_activation_height[i];
          }
    }

  p->genesis = build_genesis (row->genesis_message, row->genesis_pubkey, row->genesis_time,
                              row->genesis_nonce, row->genesis_bits, 1, 50 * UMK_COIN);
  c->hash_genesis_block = p->genesis->hash;
  UmkUint256 want_hash, want_root;
  set_hash (&want_hash, row->genesis_hash);
  set_hash (&want_root, row->genesis_merkle_root);
  if (!umk_uint256_equal (&p->genesis->hash, &want_hash)
      || !umk_uint256_equal (&p->genesis->header.merkle_root, &want_root))
    {
      char got[UMK_UINT256_HEX_SIZE];
      umk_uint256_to_hex_buf (&p->genesis->hash, got);
      g_set_error (error, UMK_ERROR, UMK_ERROR_FAILED,
                   "%s genesis block hash %s does not match the known %s", umk_chain_name (chain),
                   got, row->genesis_hash);
      umk_chain_params_free (p);
      return NULL;
    }
  return p;
}

void
umk_chain_params_free (UmkChainParams *p)
{
  if (p == NULL)
    return;
  g_free ((gpointer) p->consensus.script_flag_exceptions);
  g_free (p->consensus.signet_challenge);
  g_strfreev (p->dns_seeds);
  g_strfreev (p->fixed_seeds);
  g_free ((gpointer) p->assumeutxo);
  umk_block_free (p->genesis);
  g_free (p);
}

bool
umk_chain_from_message_start (const uint8_t magic[4], UmkChain *out)
{
  for (unsigned i = 0; i < UMK_N_CHAINS; i++)
    {
      const uint8_t *m = chains[i].magic;
      if (i == UMK_CHAIN_SIGNET)
        {
          /* the default signet's, derived from its challenge once */
          static uint8_t signet_magic[4];
          static gsize done = 0;
          if (g_once_init_enter (&done))
            {
              g_autoptr (GByteArray) ch = umk_hex_decode (default_signet_challenge, NULL);
              signet_message_start (ch->data, ch->len, signet_magic);
              g_once_init_leave (&done, 1);
            }
          m = signet_magic;
        }
      if (memcmp (m, magic, 4) == 0)
        {
          *out = (UmkChain) i;
          return true;
        }
    }
  return false;
}
