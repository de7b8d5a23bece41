/* rpc-blockchain.c — the "blockchain" methods, as Umkoin Core v31's
 * rpc/blockchain.cpp answers them, for a node whose chain is its genesis
 * block alone: there is no block storage or validation yet, so the tip, the
 * best header and every block the methods can find is node->params->genesis.
 * When validation arrives, these read its chain instead; the replies keep
 * their shape. Help texts are our own.
 */
#define G_LOG_DOMAIN "umk-rpc"
#include "config.h"

#include "node/rpc-dispatch.h"
#include "node/rpc-tx.h"

#include "common/args.h"
#include "common/hex.h"

#include <string.h>
#include <time.h>

/* ---- The chain as far as it exists --------------------------------------- */

static const UmkBlock *
tip (const UmkRpcCall *call)
{
  return call->node->params->genesis;
}

static int
tip_height (const UmkRpcCall *call)
{
  (void) call;
  return 0;
}

/* Returns: the block with this hash, or NULL (Core's LookupBlockIndex). */
static const UmkBlock *
lookup_block (const UmkRpcCall *call, const UmkUint256 *hash)
{
  const UmkBlock *genesis = call->node->params->genesis;
  return umk_uint256_equal (hash, &genesis->hash) ? genesis : NULL;
}

/* Core's GetDifficulty: the target's distance from difficulty 1, computed
 * from the compact bits as Core does (the rounding shows in the output). */
static double
difficulty (uint32_t bits)
{
  int shift = (bits >> 24) & 0xff;
  double diff = (double) 0x0000ffff / (double) (bits & 0x00ffffff);
  while (shift < 29)
    {
      diff *= 256.0;
      shift++;
    }
  while (shift > 29)
    {
      diff /= 256.0;
      shift--;
    }
  return diff;
}

/* Core's GetTarget: the target the bits encode. */
static void
write_target (UmkJsonWriter *w, const char *key, uint32_t bits)
{
  UmkArith256 target;
  bool negative, overflow;
  umk_arith256_set_compact (&target, bits, &negative, &overflow);
  UmkUint256 t;
  umk_arith256_to_uint256 (&t, &target);
  char hex[UMK_UINT256_HEX_SIZE];
  umk_uint256_to_hex_buf (&t, hex);
  umk_json_writer_kv_string (w, key, hex);
}

/* Total work of the chain up to the genesis block: the genesis block's own. */
static void
write_chainwork (UmkJsonWriter *w, const UmkBlock *block)
{
  UmkArith256 work;
  umk_arith256_work_from_bits (&work, block->header.bits);
  UmkUint256 u;
  umk_arith256_to_uint256 (&u, &work);
  char hex[UMK_UINT256_HEX_SIZE];
  umk_uint256_to_hex_buf (&u, hex);
  umk_json_writer_kv_string (w, "chainwork", hex);
}

static void
write_hash (UmkJsonWriter *w, const UmkUint256 *hash)
{
  char hex[UMK_UINT256_HEX_SIZE];
  umk_uint256_to_hex_buf (hash, hex);
  umk_json_writer_string (w, hex);
}

/* Core's blockheaderToJSON. The median time past of a chain of one block is
 * its time; with only the tip there is no previous or next block. */
static void
write_header_fields (UmkJsonWriter *w, const UmkBlock *block, int height, int confirmations)
{
  const UmkBlockHeader *h = &block->header;
  char text[16];
  umk_json_writer_key (w, "hash");
  write_hash (w, &block->hash);
  umk_json_writer_kv_int (w, "confirmations", confirmations);
  umk_json_writer_kv_int (w, "height", height);
  umk_json_writer_kv_int (w, "version", h->version);
  g_snprintf (text, sizeof text, "%08x", (uint32_t) h->version);
  umk_json_writer_kv_string (w, "versionHex", text);
  umk_json_writer_key (w, "merkleroot");
  write_hash (w, &h->merkle_root);
  umk_json_writer_kv_int (w, "time", h->time);
  umk_json_writer_kv_int (w, "mediantime", h->time);
  umk_json_writer_kv_int (w, "nonce", h->nonce);
  g_snprintf (text, sizeof text, "%08x", h->bits);
  umk_json_writer_kv_string (w, "bits", text);
  write_target (w, "target", h->bits);
  umk_json_writer_kv_double (w, "difficulty", difficulty (h->bits));
  write_chainwork (w, block);
  umk_json_writer_kv_int (w, "nTx", (gint64) block->n_tx);
}

/* ---- getblockcount, getbestblockhash, getdifficulty ----------------------- */

static gboolean
rpc_getblockcount (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  (void) error;
  umk_json_writer_int (w, tip_height (call));
  return TRUE;
}

static gboolean
rpc_getbestblockhash (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  (void) error;
  write_hash (w, &tip (call)->hash);
  return TRUE;
}

static gboolean
rpc_getdifficulty (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  (void) error;
  umk_json_writer_double (w, difficulty (tip (call)->header.bits));
  return TRUE;
}

/* ---- getblockhash -------------------------------------------------------- */

static gboolean
rpc_getblockhash (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  gint64 height;
  if (!umk_rpc_param_int (call, 0, G_MININT, G_MAXINT, &height, error))
    return FALSE;
  if (height < 0 || height > tip_height (call))
    {
      umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER, "Block height out of range");
      return FALSE;
    }
  write_hash (w, &tip (call)->hash);
  return TRUE;
}

static const UmkRpcArg getblockhash_args[] = {
  { "height", UMK_RPC_ARG_NUM, UMK_RPC_ARG_REQUIRED, NULL, "A height in the best chain", 0, NULL },
};

/* ---- getblockheader ------------------------------------------------------ */

static gboolean
rpc_getblockheader (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  UmkUint256 hash;
  if (!umk_rpc_param_hash (call, 0, "hash", &hash, error))
    return FALSE;
  gboolean verbose = TRUE;
  if (umk_rpc_param (call, 1) && !umk_rpc_param_bool (call, 1, &verbose, error))
    return FALSE;
  const UmkBlock *block = lookup_block (call, &hash);
  if (block == NULL)
    {
      umk_rpc_set_error (error, UMK_RPC_INVALID_ADDRESS_OR_KEY, "Block not found");
      return FALSE;
    }
  if (!verbose)
    {
      uint8_t raw[UMK_BLOCK_HEADER_SIZE];
      umk_block_header_serialize (&block->header, raw);
      g_autofree char *hex = umk_hex_encode (raw, sizeof raw);
      umk_json_writer_string (w, hex);
      return TRUE;
    }
  umk_json_writer_begin_object (w);
  write_header_fields (w, block, 0, tip_height (call) - 0 + 1);
  umk_json_writer_end_object (w);
  return TRUE;
}

static const UmkRpcArg getblockheader_args[] = {
  { "blockhash", UMK_RPC_ARG_STR_HEX, UMK_RPC_ARG_REQUIRED, NULL, "The hash of the block", 0,
    NULL },
  { "verbose", UMK_RPC_ARG_BOOL, UMK_RPC_ARG_DEFAULT, "true",
    "true for a JSON object, false for the serialized header in hex", 0, NULL },
};

/* ---- getblock ------------------------------------------------------------ */

/* Core's ParseVerbosity with booleans allowed (true is 1). */
static gboolean
parse_verbosity (const UmkRpcCall *call, guint i, gint64 def, gint64 *out, GError **error)
{
  JsonNode *node = umk_rpc_param (call, i);
  if (node == NULL)
    {
      *out = def;
      return TRUE;
    }
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    {
      *out = json_node_get_boolean (node) ? 1 : 0;
      return TRUE;
    }
  return umk_rpc_param_int (call, i, G_MININT, G_MAXINT, out, error);
}

static gboolean
rpc_getblock (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  UmkUint256 hash;
  gint64 verbosity;
  if (!umk_rpc_param_hash (call, 0, "blockhash", &hash, error)
      || !parse_verbosity (call, 1, 1, &verbosity, error))
    return FALSE;
  const UmkBlock *block = lookup_block (call, &hash);
  if (block == NULL)
    {
      umk_rpc_set_error (error, UMK_RPC_INVALID_ADDRESS_OR_KEY, "Block not found");
      return FALSE;
    }
  if (verbosity <= 0)
    {
      gsize len;
      const uint8_t *raw = g_bytes_get_data (block->bytes, &len);
      g_autofree char *hex = umk_hex_encode (raw, len);
      umk_json_writer_string (w, hex);
      return TRUE;
    }

  const UmkAddressParams *address = &call->node->params->address;
  umk_json_writer_begin_object (w);
  write_header_fields (w, block, 0, tip_height (call) - 0 + 1);
  umk_json_writer_kv_int (w, "strippedsize", (gint64) block->stripped_size);
  umk_json_writer_kv_int (w, "size", (gint64) block->size);
  umk_json_writer_kv_int (w, "weight", (gint64) umk_block_weight (block));

  /* The coinbase's own fields, so clients need not decode it. */
  const UmkTx *coinbase = block->tx[0];
  const UmkTxIn *in0 = &coinbase->in[0];
  umk_json_writer_key (w, "coinbase_tx");
  umk_json_writer_begin_object (w);
  umk_json_writer_key (w, "version");
  umk_json_writer_uint (w, coinbase->version);
  umk_json_writer_kv_int (w, "locktime", coinbase->lock_time);
  umk_json_writer_kv_int (w, "sequence", in0->sequence);
  g_autofree char *script_sig = umk_hex_encode (in0->script_sig.data, in0->script_sig.len);
  umk_json_writer_kv_string (w, "coinbase", script_sig);
  if (in0->n_witness > 0)
    {
      g_autofree char *witness = umk_hex_encode (in0->witness[0].data, in0->witness[0].len);
      umk_json_writer_kv_string (w, "witness", witness);
    }
  umk_json_writer_end_object (w);

  umk_json_writer_key (w, "tx");
  umk_json_writer_begin_array (w);
  for (size_t i = 0; i < block->n_tx; i++)
    {
      /* Verbosity 3 adds each input's prevout from the undo data; a block
       * without undo data (the genesis block has none) shows as with 2. */
      if (verbosity == 1)
        write_hash (w, &block->tx[i]->txid);
      else
        umk_rpc_write_tx (w, address, block->tx[i], NULL, TRUE);
    }
  umk_json_writer_end_array (w);
  umk_json_writer_end_object (w);
  return TRUE;
}

static const UmkRpcArg getblock_args[] = {
  { "blockhash", UMK_RPC_ARG_STR_HEX, UMK_RPC_ARG_REQUIRED, NULL, "The hash of the block", 0,
    NULL },
  { "verbosity|verbose", UMK_RPC_ARG_NUM, UMK_RPC_ARG_DEFAULT, "1",
    "0: the serialized block in hex; 1: a JSON object with the transaction ids; 2: the "
    "transactions decoded as well; 3: also each input's previous output, where undo data exists",
    UMK_RPC_ARG_SKIP_TYPE_CHECK, NULL },
};

/* ---- getblockchaininfo --------------------------------------------------- */

/* Core's GuessVerificationProgress for the tip: the share of all transactions
 * expected by now that the chain holds, from the chain's ChainTxData. */
static double
verification_progress (const UmkRpcCall *call)
{
  const UmkChainParams *p = call->node->params;
  const UmkBlock *block = tip (call);
  double chain_tx = (double) block->n_tx; /* transactions up to and including the tip */
  gint64 now = (gint64) time (NULL);
  /* With a recent best header the time is derived from heights (it is the tip here). */
  gint64 block_time
      = ABS (now - (gint64) block->header.time) <= 2 * 60 * 60 ? now : block->header.time;
  double total;
  if (block->n_tx <= p->chain_tx_data.tx_count)
    total = (double) p->chain_tx_data.tx_count
            + (double) (now - p->chain_tx_data.time) * p->chain_tx_data.tx_rate;
  else
    total = chain_tx + (double) (now - block_time) * p->chain_tx_data.tx_rate;
  return MIN (chain_tx / total, 1.0);
}

static gboolean
deprecated_rpc_enabled (const UmkRpcCall *call, const char *what)
{
  g_auto (GStrv) enabled = umk_args_get_list (call->node->args, "-deprecatedrpc");
  return g_strv_contains ((const char *const *) enabled, what);
}

static gboolean
rpc_getblockchaininfo (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  (void) error;
  const UmkChainParams *p = call->node->params;
  const UmkBlock *block = tip (call);
  char bits[16];
  g_snprintf (bits, sizeof bits, "%08x", block->header.bits);

  umk_json_writer_begin_object (w);
  umk_json_writer_kv_string (w, "chain", umk_chain_name (p->chain));
  umk_json_writer_kv_int (w, "blocks", tip_height (call));
  /* The best header is the genesis block's until headers are downloaded. */
  umk_json_writer_kv_int (w, "headers", 0);
  umk_json_writer_key (w, "bestblockhash");
  write_hash (w, &block->hash);
  umk_json_writer_kv_string (w, "bits", bits);
  write_target (w, "target", block->header.bits);
  umk_json_writer_kv_double (w, "difficulty", difficulty (block->header.bits));
  umk_json_writer_kv_int (w, "time", block->header.time);
  umk_json_writer_kv_int (w, "mediantime", block->header.time);
  umk_json_writer_kv_double (w, "verificationprogress", verification_progress (call));
  umk_json_writer_kv_bool (w, "initialblockdownload", TRUE);
  write_chainwork (w, block);
  /* Nothing is stored on disk yet. */
  umk_json_writer_kv_int (w, "size_on_disk", 0);
  gint64 prune = umk_args_get_int (call->node->args, "-prune", 0);
  umk_json_writer_kv_bool (w, "pruned", prune != 0);
  if (prune != 0)
    {
      /* Nothing has been pruned: the first block kept is height 0. -prune=1
       * means pruning by hand (pruneblockchain). */
      umk_json_writer_kv_int (w, "pruneheight", 0);
      umk_json_writer_kv_bool (w, "automatic_pruning", prune != 1);
      if (prune != 1)
        {
          umk_json_writer_key (w, "prune_target_size");
          umk_json_writer_uint (w, (guint64) prune * 1024 * 1024);
        }
    }
  if (p->chain == UMK_CHAIN_SIGNET)
    {
      g_autofree char *challenge
          = umk_hex_encode (p->consensus.signet_challenge, p->consensus.signet_challenge_len);
      umk_json_writer_kv_string (w, "signet_challenge", challenge);
    }
  /* No warnings exist yet: an empty list, or the old single string. */
  umk_json_writer_key (w, "warnings");
  if (deprecated_rpc_enabled (call, "warnings"))
    umk_json_writer_string (w, "");
  else
    {
      umk_json_writer_begin_array (w);
      umk_json_writer_end_array (w);
    }
  umk_json_writer_end_object (w);
  return TRUE;
}

/* ---- waitfornewblock, waitforblock, waitforblockheight ------------------ */

/* The tip never changes yet, so these wait for their timeout or for the
 * server to stop, and then answer with the tip (Core answers with the tip on
 * timeout and on shutdown too). */

static gboolean
parse_timeout (const UmkRpcCall *call, guint i, gint64 *timeout_ms, GError **error)
{
  *timeout_ms = 0;
  if (umk_rpc_param (call, i)
      && !umk_rpc_param_int (call, i, G_MININT, G_MAXINT, timeout_ms, error))
    return FALSE;
  if (*timeout_ms < 0)
    {
      umk_rpc_set_error (error, UMK_RPC_MISC_ERROR, "Negative timeout");
      return FALSE;
    }
  return TRUE;
}

static void
write_tip_ref (const UmkRpcCall *call, UmkJsonWriter *w)
{
  umk_json_writer_begin_object (w);
  umk_json_writer_key (w, "hash");
  write_hash (w, &tip (call)->hash);
  umk_json_writer_kv_int (w, "height", tip_height (call));
  umk_json_writer_end_object (w);
}

/* Waits for a tip change that cannot come yet: timeout 0 means for ever. */
static void
wait_tip_changed (const UmkRpcCall *call, gint64 timeout_ms)
{
  umk_rpc_dispatcher_wait (call->dispatcher, timeout_ms > 0 ? timeout_ms * 1000 : -1);
}

static gboolean
rpc_waitfornewblock (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  gint64 timeout;
  if (!parse_timeout (call, 0, &timeout, error))
    return FALSE;
  UmkUint256 current = tip (call)->hash;
  if (umk_rpc_param (call, 1) && !umk_rpc_param_hash (call, 1, "current_tip", &current, error))
    return FALSE;
  /* A current_tip that is not the tip has changed already: answer now. */
  if (umk_uint256_equal (&current, &tip (call)->hash))
    wait_tip_changed (call, timeout);
  write_tip_ref (call, w);
  return TRUE;
}

static gboolean
rpc_waitforblock (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  UmkUint256 hash;
  gint64 timeout;
  if (!umk_rpc_param_hash (call, 0, "blockhash", &hash, error)
      || !parse_timeout (call, 1, &timeout, error))
    return FALSE;
  if (!umk_uint256_equal (&hash, &tip (call)->hash))
    wait_tip_changed (call, timeout);
  write_tip_ref (call, w);
  return TRUE;
}

static gboolean
rpc_waitforblockheight (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  gint64 height, timeout;
  if (!umk_rpc_param_int (call, 0, G_MININT, G_MAXINT, &height, error)
      || !parse_timeout (call, 1, &timeout, error))
    return FALSE;
  if (tip_height (call) < height)
    wait_tip_changed (call, timeout);
  write_tip_ref (call, w);
  return TRUE;
}

#define TIMEOUT_ARG(fallback)                                               \
  {                                                                         \
    "timeout", UMK_RPC_ARG_NUM, UMK_RPC_ARG_DEFAULT, fallback,              \
        "How long to wait, in milliseconds; 0 waits without limit", 0, NULL \
  }

static const UmkRpcArg waitfornewblock_args[] = {
  TIMEOUT_ARG ("0"),
  { "current_tip", UMK_RPC_ARG_STR_HEX, UMK_RPC_ARG_OMITTED, NULL,
    "Wait until the tip is another block than this one", 0, NULL },
};
static const UmkRpcArg waitforblock_args[] = {
  { "blockhash", UMK_RPC_ARG_STR_HEX, UMK_RPC_ARG_REQUIRED, NULL,
    "The block that should become the tip", 0, NULL },
  TIMEOUT_ARG ("0"),
};
static const UmkRpcArg waitforblockheight_args[] = {
  { "height", UMK_RPC_ARG_NUM, UMK_RPC_ARG_REQUIRED, NULL, "The height the tip should reach", 0,
    NULL },
  TIMEOUT_ARG ("0"),
};

#define WAIT_RESULT                                        \
  "\nResult:\n"                                            \
  "{                       (json object)\n"                \
  "  \"hash\" : \"hex\",       (string) The tip's hash\n"  \
  "  \"height\" : n          (numeric) The tip's height\n" \
  "}\n"

#define HASH_EXAMPLE "\"60b48405c3efa2bd7aa6a8bc206e3369e58d15f60cba7a915769e9669758cb6d\""

#define HEADER_FIELDS_RESULT                                                                     \
  "  \"hash\" : \"hex\",                 (string) The block's hash\n"                            \
  "  \"confirmations\" : n,            (numeric) Blocks on top of it in the best chain, itself " \
  "included; -1 outside the best chain\n"                                                        \
  "  \"height\" : n,                   (numeric) Its height\n"                                   \
  "  \"version\" : n,                  (numeric) The version field\n"                            \
  "  \"versionHex\" : \"hex\",           (string) The version field in hex\n"                    \
  "  \"merkleroot\" : \"hex\",           (string) The merkle root of its transactions\n"         \
  "  \"time\" : xxx,                   (numeric) Its timestamp, in seconds since 1970\n"         \
  "  \"mediantime\" : xxx,             (numeric) The median timestamp of it and the ten "        \
  "blocks before\n"                                                                              \
  "  \"nonce\" : n,                    (numeric) The nonce\n"                                    \
  "  \"bits\" : \"hex\",                 (string) The target in compact form\n"                  \
  "  \"target\" : \"hex\",               (string) The target\n"                                  \
  "  \"difficulty\" : n,               (numeric) The difficulty\n"                               \
  "  \"chainwork\" : \"hex\",            (string) Work of the chain up to it, in hex\n"          \
  "  \"nTx\" : n,                      (numeric) Its number of transactions\n"                   \
  "  \"previousblockhash\" : \"hex\",    (string, optional) The block before it\n"               \
  "  \"nextblockhash\" : \"hex\",        (string, optional) The block after it, if in the best " \
  "chain\n"

/* ---- The table ----------------------------------------------------------- */

const UmkRpcMethod umk_rpc_blockchain_methods[] = {
  { "blockchain", "getbestblockhash",
    "Gives the hash of the tip of the best fully validated chain.", NULL, 0,
    "\nResult:\n"
    "\"hex\"    (string) The tip's block hash\n",
    UMK_RPC_EXAMPLES ("getbestblockhash", "", ""), rpc_getbestblockhash },
  { "blockchain", "getblock",
    "Gives a block: in hex (verbosity 0), or as a JSON object with its header fields and "
    "transaction ids (1), with its transactions decoded (2), or with their inputs' previous "
    "outputs too (3).",
    getblock_args, G_N_ELEMENTS (getblock_args),
    "\nResult (for verbosity = 0):\n"
    "\"hex\"    (string) The serialized block\n"
    "\nResult (for verbosity = 1):\n"
    "{                                 (json object)\n" HEADER_FIELDS_RESULT
    "  \"strippedsize\" : n,             (numeric) Its size without witness data\n"
    "  \"size\" : n,                     (numeric) Its size in bytes\n"
    "  \"weight\" : n,                   (numeric) Its weight (BIP 141)\n"
    "  \"coinbase_tx\" : {               (json object) Fields of its coinbase transaction\n"
    "    \"version\" : n,                (numeric) The version\n"
    "    \"locktime\" : n,               (numeric) The lock time\n"
    "    \"sequence\" : n,               (numeric) The input's sequence number\n"
    "    \"coinbase\" : \"hex\",           (string) The input's script\n"
    "    \"witness\" : \"hex\"             (string, optional) The input's witness item, if any\n"
    "  },\n"
    "  \"tx\" : [                        (json array) Its transaction ids\n"
    "    \"hex\",                        (string) A transaction id\n"
    "    ...\n"
    "  ]\n"
    "}\n"
    "\nResult (for verbosity = 2 and 3):\n"
    "{                                 (json object)\n"
    "  ...,                            As for verbosity 1, but each member of \"tx\" is the\n"
    "                                  decoded transaction, as getrawtransaction shows it\n"
    "}\n",
    UMK_RPC_EXAMPLES ("getblock", HASH_EXAMPLE, HASH_EXAMPLE), rpc_getblock },
  { "blockchain", "getblockchaininfo", "Describes the state of the block chain.", NULL, 0,
    "\nResult:\n"
    "{                                 (json object)\n"
    "  \"chain\" : \"str\",                (string) The chain: main, test, testnet4, signet or "
    "regtest\n"
    "  \"blocks\" : n,                   (numeric) Height of the best fully validated chain\n"
    "  \"headers\" : n,                  (numeric) Height of the best validated header\n"
    "  \"bestblockhash\" : \"str\",        (string) The tip's hash\n"
    "  \"bits\" : \"hex\",                 (string) The tip's target in compact form\n"
    "  \"target\" : \"hex\",               (string) The tip's target\n"
    "  \"difficulty\" : n,               (numeric) The tip's difficulty\n"
    "  \"time\" : xxx,                   (numeric) The tip's timestamp\n"
    "  \"mediantime\" : xxx,             (numeric) The tip's median time past\n"
    "  \"verificationprogress\" : n,     (numeric) Estimated share of the chain verified, 0 to "
    "1\n"
    "  \"initialblockdownload\" : true|false,    (boolean) Whether the node thinks it is still "
    "catching up\n"
    "  \"chainwork\" : \"hex\",            (string) Work of the best chain, in hex\n"
    "  \"size_on_disk\" : n,             (numeric) Bytes of block and undo files on disk\n"
    "  \"pruned\" : true|false,          (boolean) Whether old blocks are deleted\n"
    "  \"pruneheight\" : n,              (numeric, optional) The lowest height still stored "
    "(pruning only)\n"
    "  \"automatic_pruning\" : true|false,    (boolean, optional) Whether pruning is automatic "
    "(pruning only)\n"
    "  \"prune_target_size\" : n,        (numeric, optional) The size pruning keeps to "
    "(automatic pruning only)\n"
    "  \"signet_challenge\" : \"hex\",     (string, optional) The block script (signet only)\n"
    "  \"warnings\" : [                  (json array) Warnings about the node or the network "
    "(a string with -deprecatedrpc=warnings)\n"
    "    \"str\",                        (string) A warning\n"
    "    ...\n"
    "  ]\n"
    "}\n",
    UMK_RPC_EXAMPLES ("getblockchaininfo", "", ""), rpc_getblockchaininfo },
  { "blockchain", "getblockcount",
    "Gives the height of the best fully validated chain; a chain of only the genesis block has "
    "height 0.",
    NULL, 0,
    "\nResult:\n"
    "n    (numeric) The height\n",
    UMK_RPC_EXAMPLES ("getblockcount", "", ""), rpc_getblockcount },
  { "blockchain", "getblockhash", "Gives the hash of the block at a height of the best chain.",
    getblockhash_args, G_N_ELEMENTS (getblockhash_args),
    "\nResult:\n"
    "\"hex\"    (string) The block's hash\n",
    UMK_RPC_EXAMPLES ("getblockhash", "1000", "1000"), rpc_getblockhash },
  { "blockchain", "getblockheader",
    "Gives a block's header: as a JSON object, or with verbose false as the 80 serialized bytes "
    "in hex.",
    getblockheader_args, G_N_ELEMENTS (getblockheader_args),
    "\nResult (for verbose = true):\n"
    "{                                 (json object)\n" HEADER_FIELDS_RESULT "}\n"
    "\nResult (for verbose = false):\n"
    "\"hex\"    (string) The serialized header\n",
    UMK_RPC_EXAMPLES ("getblockheader", HASH_EXAMPLE, HASH_EXAMPLE), rpc_getblockheader },
  { "blockchain", "getdifficulty",
    "Gives the difficulty of the tip: how many times harder than the easiest target its "
    "proof of work is.",
    NULL, 0,
    "\nResult:\n"
    "n    (numeric) The difficulty\n",
    UMK_RPC_EXAMPLES ("getdifficulty", "", ""), rpc_getdifficulty },
  { "blockchain", "waitforblock",
    "Waits until a given block is the tip, then describes the tip; on timeout or shutdown it "
    "describes the tip as it is.\n"
    "Use umkoin-cli -rpcclienttimeout=0 so that the client does not give up first.",
    waitforblock_args, G_N_ELEMENTS (waitforblock_args), WAIT_RESULT,
    UMK_RPC_EXAMPLES ("waitforblock", HASH_EXAMPLE " 1000", HASH_EXAMPLE ", 1000"),
    rpc_waitforblock },
  { "blockchain", "waitforblockheight",
    "Waits until the tip reaches a height, then describes the tip; on timeout or shutdown it "
    "describes the tip as it is.\n"
    "Use umkoin-cli -rpcclienttimeout=0 so that the client does not give up first.",
    waitforblockheight_args, G_N_ELEMENTS (waitforblockheight_args), WAIT_RESULT,
    UMK_RPC_EXAMPLES ("waitforblockheight", "100 1000", "100, 1000"), rpc_waitforblockheight },
  { "blockchain", "waitfornewblock",
    "Waits until the tip changes, then describes the new tip; on timeout or shutdown it "
    "describes the tip as it is.\n"
    "Use umkoin-cli -rpcclienttimeout=0 so that the client does not give up first.",
    waitfornewblock_args, G_N_ELEMENTS (waitfornewblock_args), WAIT_RESULT,
    UMK_RPC_EXAMPLES ("waitfornewblock", "1000", "1000"), rpc_waitfornewblock },
};
const guint umk_rpc_n_blockchain_methods = G_N_ELEMENTS (umk_rpc_blockchain_methods);
