/* chainparams.h — consensus and network parameters of the five Umkoin chains.
 *
 * The values are Umkoin Core v31.0's (kernel/chainparams.cpp, chainparamsbase.cpp),
 * restated as data. Each chain's genesis block is built from its parameters when
 * the parameters are created, and its hash is checked against the known one.
 */
#pragma once

#include "common/block.h"
#include "common/chaintype.h"
#include "common/script-flags.h"
#include "common/uint256.h"

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#define UMK_COIN      100000000ll
#define UMK_MAX_MONEY (21000000ll * UMK_COIN)

static inline bool
umk_money_range (int64_t value)
{
  return value >= 0 && value <= UMK_MAX_MONEY;
}

/* Heights of the rules activated by height ("buried", BIP 90). */
typedef enum
{
  UMK_BURIED_HEIGHTINCB, /* BIP 34 */
  UMK_BURIED_CLTV,       /* BIP 65 */
  UMK_BURIED_DERSIG,     /* BIP 66 */
  UMK_BURIED_CSV,        /* BIP 68, 112, 113 */
  UMK_BURIED_SEGWIT,     /* BIP 141, 143, 147 */
  UMK_N_BURIED,
} UmkBuriedDeployment;

/* Version-bits (BIP 9) deployments. */
typedef enum
{
  UMK_DEPLOYMENT_TESTDUMMY,
  UMK_DEPLOYMENT_TAPROOT,
  UMK_N_DEPLOYMENTS,
} UmkDeployment;

#define UMK_BIP9_NO_TIMEOUT    INT64_MAX
#define UMK_BIP9_ALWAYS_ACTIVE (-1)
#define UMK_BIP9_NEVER_ACTIVE  (-2)

typedef struct
{
  int bit;
  int64_t start_time; /* median time past, or ALWAYS_ACTIVE / NEVER_ACTIVE */
  int64_t timeout;
  int min_activation_height;
  uint32_t period;
  uint32_t threshold;
} UmkBip9Deployment;

/* A buried block whose scripts are checked with reduced flags. */
typedef struct
{
  UmkUint256 block_hash;
  UmkScriptFlags flags;
} UmkScriptFlagException;

typedef struct
{
  UmkUint256 hash_genesis_block;
  int subsidy_halving_interval;
  const UmkScriptFlagException *script_flag_exceptions;
  size_t n_script_flag_exceptions;
  int bip34_height;
  UmkUint256 bip34_hash;
  int bip65_height;
  int bip66_height;
  int csv_height;
  int segwit_height;
  int min_bip9_warning_height;
  UmkBip9Deployment deployments[UMK_N_DEPLOYMENTS];
  UmkUint256 pow_limit;
  bool pow_allow_min_difficulty_blocks;
  bool enforce_bip94; /* timewarp fix; on testnet4 also the block-storm rule */
  bool pow_no_retargeting;
  int64_t pow_target_spacing;
  int64_t pow_target_timespan;
  UmkUint256 minimum_chain_work;
  UmkUint256 default_assume_valid;
  bool signet_blocks;
  uint8_t *signet_challenge;
  size_t signet_challenge_len;
} UmkConsensusParams;

static inline int64_t
umk_consensus_difficulty_adjustment_interval (const UmkConsensusParams *c)
{
  return c->pow_target_timespan / c->pow_target_spacing;
}

int umk_consensus_buried_height (const UmkConsensusParams *c, UmkBuriedDeployment dep);

/* What addresses and keys look like on a chain. */
typedef struct
{
  uint8_t pubkey_prefix; /* base58 version byte of P2PKH addresses */
  uint8_t script_prefix; /* P2SH */
  uint8_t secret_prefix; /* WIF private keys */
  uint8_t ext_public_prefix[4];
  uint8_t ext_secret_prefix[4];
  const char *bech32_hrp;
} UmkAddressParams;

typedef struct
{
  int height;
  UmkUint256 hash_serialized;
  uint64_t chain_tx_count;
  UmkUint256 block_hash;
} UmkAssumeutxoData;

typedef struct
{
  int64_t time;
  uint64_t tx_count;
  double tx_rate;
} UmkChainTxData;

typedef struct
{
  unsigned commitment_period;
  unsigned redownload_buffer_size;
} UmkHeadersSyncParams;

typedef struct
{
  UmkChain chain;
  UmkConsensusParams consensus;
  uint8_t message_start[4];
  uint16_t default_port;
  uint16_t default_rpc_port;
  const char *datadir_suffix; /* "" for main, "testnet3", "testnet4", "signet", "regtest" */
  uint64_t prune_after_height;
  uint64_t assumed_blockchain_size; /* GB */
  uint64_t assumed_chain_state_size;
  char **dns_seeds;
  char **fixed_seeds; /* "host:port" */
  UmkAddressParams address;
  bool default_consistency_checks;
  bool is_mockable_chain;
  const UmkAssumeutxoData *assumeutxo;
  size_t n_assumeutxo;
  UmkChainTxData chain_tx_data;
  UmkHeadersSyncParams headers_sync;
  UmkBlock *genesis;
} UmkChainParams;

/* The address parameters of a chain (static data, available without building
 * the chain's parameters). */
const UmkAddressParams *umk_chain_address_params (UmkChain chain);

/* Options that change signet and regtest (command line -signetchallenge,
 * -signetseednode, -testactivationheight, -vbparams, -fastprune, -test=bip94). */
typedef struct
{
  GByteArray *signet_challenge; /* NULL: the default signet */
  char **signet_seeds;          /* NULL: the default seeds */
  bool has_activation_height[UMK_N_BURIED];
  int activation_height[UMK_N_BURIED];
  bool has_vbparams[UMK_N_DEPLOYMENTS];
  int64_t vb_start_time[UMK_N_DEPLOYMENTS];
  int64_t vb_timeout[UMK_N_DEPLOYMENTS];
  int vb_min_activation_height[UMK_N_DEPLOYMENTS];
  bool fastprune;
  bool enforce_bip94;
} UmkChainOptions;

void umk_chain_options_init (UmkChainOptions *opts);
void umk_chain_options_clear (UmkChainOptions *opts);
/* Applies one -testactivationheight=name@height value (regtest only).
 * Returns: false with Core's message in error for a malformed value. */
gboolean umk_chain_options_add_activation_height (UmkChainOptions *opts, const char *arg,
                                                  GError **error);
/* Applies one -vbparams=deployment:start:end[:min_activation_height] value. */
gboolean umk_chain_options_add_vbparams (UmkChainOptions *opts, const char *arg, GError **error);
/* Sets the signet challenge from -signetchallenge's hex. */
gboolean umk_chain_options_set_signet_challenge (UmkChainOptions *opts, const char *hex,
                                                 GError **error);

typedef struct _UmkArgs UmkArgs;
/* Fills opts from -signetchallenge, -signetseednode, -fastprune, -test=bip94,
 * -testactivationheight and -vbparams (Core's ReadSigNetArgs and
 * ReadRegTestArgs). Returns: FALSE with Core's message for a bad value. */
gboolean umk_chain_options_from_args (UmkChainOptions *opts, const UmkArgs *args,
                                      GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Builds the parameters of a chain (opts may be NULL for the defaults) and
 * checks its genesis block. Returns: NULL with error if a genesis hash does not
 * match (a build or data error) */
UmkChainParams *umk_chain_params_new (UmkChain chain, const UmkChainOptions *opts, GError **error);
void umk_chain_params_free (UmkChainParams *params);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (UmkChainParams, umk_chain_params_free)

/* Which chain uses these message start bytes. Returns: false if none. */
bool umk_chain_from_message_start (const uint8_t magic[4], UmkChain *out);

/* Names of the deployments as RPCs and -vbparams spell them. */
const char *umk_buried_deployment_name (UmkBuriedDeployment dep);
const char *umk_deployment_name (UmkDeployment dep);
