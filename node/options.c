/* options.c — umkoin-node's options, in umkoind's -help categories. */
#define G_LOG_DOMAIN "umk-node"
#include "config.h"

#include "node/options.h"

#include "common/chaintype.h"
#include "common/ipc.h"
#include "common/logging.h"

/* What an option that is accepted but does nothing yet waits for. Its help
 * ends with a sentence naming it, so nobody mistakes it for a working knob. */
typedef enum
{
  WORKS,      /* implemented (or read by the RPC server) */
  NO_BLOCKS,  /* block storage, validation and the chainstate */
  NO_P2P,     /* the peer-to-peer network code */
  NO_MEMPOOL, /* the transaction memory pool and relay policy */
  NO_WALLET,  /* umkoin-wallet */
  NO_MINING,  /* block templates */
  NO_INDEX,   /* the optional indexes */
  NO_REST,    /* the REST interface */
} Status;

static const char *const status_note[] = {
  [WORKS] = NULL,
  [NO_BLOCKS] = "Accepted for compatibility with umkoind; no effect until umkoin-node stores and "
                "validates blocks.",
  [NO_P2P] = "Accepted for compatibility with umkoind; no effect until umkoin-node has its "
             "peer-to-peer network code.",
  [NO_MEMPOOL] = "Accepted for compatibility with umkoind; no effect until umkoin-node has a "
                 "mempool.",
  [NO_WALLET] = "Passed on to umkoin-wallet (from the command line; it reads the config file "
                "itself); no effect until the wallet uses it.",
  [NO_MINING] = "Accepted for compatibility with umkoind; no effect until umkoin-node creates "
                "block templates.",
  [NO_INDEX] = "Accepted for compatibility with umkoind; no effect until umkoin-node has this "
               "index.",
  [NO_REST] = "Accepted for compatibility with umkoind; no effect until umkoin-node serves REST.",
};

typedef struct
{
  const char *name; /* with its syntax, as -help shows it */
  unsigned flags;
  UmkOptionsCategory category;
  Status status;
  const char *help;
} NodeOption;

#define ANY     UMK_ARG_ALLOW_ANY
#define DEBUG   (UMK_ARG_ALLOW_ANY | UMK_ARG_DEBUG_ONLY)
#define NETONLY (UMK_ARG_ALLOW_ANY | UMK_ARG_NETWORK_ONLY)
#define SECRET  (UMK_ARG_ALLOW_ANY | UMK_ARG_SENSITIVE)

#define OPT   UMK_OPTIONS_OPTIONS
#define CONN  UMK_OPTIONS_CONNECTION
#define WAL   UMK_OPTIONS_WALLET
#define WALDT UMK_OPTIONS_WALLET_DEBUG_TEST
#define DT    UMK_OPTIONS_DEBUG_TEST
#define RELAY UMK_OPTIONS_NODE_RELAY
#define BLOCK UMK_OPTIONS_BLOCK_CREATION
#define RPC   UMK_OPTIONS_RPC

/* The flags are Core's: they change how a value is parsed and where a config
 * file may set it, so they matter even for options that do nothing yet. */
static const NodeOption node_options[] = {
  /* ---- Options ---- */
  { "-alertnotify=<cmd>", ANY, OPT, NO_BLOCKS,
    "Run <cmd> when the node raises an alert; %s in <cmd> becomes the message." },
  { "-assumevalid=<hex>", ANY, OPT, WORKS,
    "Skip the script checks of this block and its ancestors when it is in the best chain "
    "(0 checks everything; the default is a recent block of each public chain)." },
  { "-blockfilterindex=<type>", ANY, OPT, NO_INDEX,
    "Keep an index of compact block filters of the given type (basic); 1 or no value for "
    "every type (default: 0)." },
  { "-blocknotify=<cmd>", ANY, OPT, NO_BLOCKS,
    "Run <cmd> when the best block changes; %s in <cmd> becomes the block hash." },
  { "-blockreconstructionextratxn=<n>", ANY, OPT, NO_P2P,
    "How many extra transactions to keep in memory for rebuilding compact blocks." },
  { "-blocksdir=<dir>", ANY, OPT, NO_BLOCKS,
    "Keep the blocks folder (the *.dat files) under <dir> instead of the data directory. "
    "<dir> must exist." },
  { "-blocksonly", ANY, OPT, WORKS,
    "Refuse transactions from peers and do not announce our own, except to peers with the "
    "forcerelay permission; RPC transactions are unaffected (default: 0)." },
  { "-blocksxor", ANY, OPT, WORKS,
    "Obfuscate the block files with an XOR key: random for a new blocks folder, zero for an "
    "existing one or with -blocksxor=0 (default: 1)." },
  { "-coinstatsindex", ANY, OPT, NO_INDEX,
    "Keep the coin statistics index the gettxoutsetinfo RPC reads (default: 0)." },
  { "-daemon", ANY, OPT, WORKS,
    "Run in the background, detached from the terminal and its session; the command returns "
    "as soon as the node has forked (default: 0)." },
  { "-daemonwait", ANY, OPT, WORKS,
    "Run in the background as -daemon does, but return only when start-up has finished, with "
    "exit status 0 if it succeeded and 1 if it failed (default: 0)." },
  { "-dbbatchsize", DEBUG, OPT, NO_BLOCKS, "Largest database write batch, in bytes." },
  { "-dbcache=<n>", ANY, OPT, WORKS,
    "Memory for the database caches, in MiB; unused mempool memory is added to it." },
  { "-loadblock=<file>", ANY, OPT, WORKS,
    "Import blocks from <file> (in blk*.dat format) at start-up; may be given several times." },
  { "-maxmempool=<n>", ANY, OPT, WORKS, "Keep the transaction memory pool under <n> MB." },
  { "-mempoolexpiry=<n>", ANY, OPT, WORKS,
    "Drop transactions that stayed in the mempool longer than <n> hours." },
  { "-minimumchainwork=<hex>", DEBUG, OPT, WORKS,
    "The least total work, in hex, that a chain must have to be trusted during initial "
    "download." },
  { "-par=<n>", ANY, OPT, WORKS,
    "Threads for script verification: 0 for one per core, a negative number to leave that "
    "many cores free." },
  { "-persistmempool", ANY, OPT, WORKS,
    "Save the mempool to mempool.dat at shutdown and load it at start-up (default: 1)." },
  { "-persistmempoolv1", ANY, OPT, WORKS,
    "Write mempool.dat in the old version 1 format instead of version 2 (default: 0)." },
  { "-pid=<file>", ANY, OPT, WORKS,
    "Write the process id to <file> while the node runs; a relative path is taken from the "
    "network's data directory; -nopid writes none (default: " UMK_NODE_PID_FILENAME ")." },
  { "-prune=<n>", ANY, OPT, WORKS,
    "Delete old block files to save disk space: 0 keeps everything, 1 allows pruning with "
    "the pruneblockchain RPC, a value of 550 or more is a target size in MiB. Incompatible "
    "with -txindex; undoing it means downloading the whole chain again." },
  { "-reindex", ANY, OPT, WORKS,
    "Throw away the chainstate, the block index and the optional indexes and rebuild them "
    "from the blk*.dat files." },
  { "-reindex-chainstate", ANY, OPT, WORKS,
    "Throw away the chainstate and rebuild it from the blk*.dat files." },
  { "-shutdownnotify=<cmd>", ANY, OPT, WORKS,
    "Run <cmd> through the shell just before shutting down, and wait for it to finish, so keep "
    "it short (or let it put itself in the background). May be given several times." },
  { "-startupnotify=<cmd>", ANY, OPT, WORKS,
    "Run <cmd> through the shell once start-up has finished, without waiting for it." },
  { "-txindex", ANY, OPT, WORKS,
    "Keep an index of all transactions, for getrawtransaction (default: 0)." },
  { "-txospenderindex", ANY, OPT, NO_INDEX,
    "Keep an index of which transaction spends each output, for gettxspendingprevout "
    "(default: 0)." },

  /* ---- Connection options ---- */
  { "-addnode=<ip>", NETONLY, CONN, WORKS,
    "Connect to this node and keep the connection open; may be given several times." },
  { "-asmap=<file>", ANY, CONN, NO_P2P,
    "Group peers by the autonomous systems listed in <file> (relative to the network's data "
    "directory)." },
  { "-bantime=<n>", ANY, CONN, WORKS, "How long, in seconds, a manual ban lasts by default." },
  { "-bind=<addr>[:<port>][=onion]", NETONLY, CONN, WORKS,
    "Listen for peers on this address; =onion marks incoming connections there as coming "
    "through Tor. May be given several times." },
  { "-cjdnsreachable", ANY, CONN, NO_P2P,
    "This host is on the CJDNS network, so fc00::/8 addresses are reached through it "
    "(default: 0)." },
  { "-connect=<ip>", NETONLY, CONN, WORKS,
    "Connect only to these nodes; -noconnect makes no automatic connections. May be given "
    "several times." },
  { "-discover", ANY, CONN, NO_P2P,
    "Find out our own IP addresses (default: 1 when listening without -externalip or "
    "-proxy)." },
  { "-dns", ANY, CONN, WORKS,
    "Resolve host names given to -addnode, -seednode and -connect (default: 1)." },
  { "-dnsseed", ANY, CONN, WORKS,
    "Ask the DNS seeds for peer addresses when we know too few (default: 1 unless -connect "
    "or -maxconnections=0)." },
  { "-externalip=<ip>", ANY, CONN, NO_P2P, "Announce <ip> as our own public address." },
  { "-fixedseeds", ANY, CONN, WORKS,
    "Fall back on the built-in seed addresses when the DNS seeds give none (default: 1)." },
  { "-forcednsseed", ANY, CONN, NO_P2P,
    "Always ask the DNS seeds for peer addresses (default: 0)." },
  { "-i2pacceptincoming", ANY, CONN, NO_P2P,
    "Accept incoming I2P connections through the -i2psam proxy (default: 1)." },
  { "-i2psam=<ip:port>", ANY, CONN, NO_P2P,
    "Reach I2P peers, and accept them, through the I2P SAM proxy at this address." },
  { "-listen", ANY, CONN, WORKS,
    "Accept connections from other nodes (default: 1 without -proxy, -connect or "
    "-maxconnections=0)." },
  { "-listenonion", ANY, CONN, NO_P2P,
    "Create a Tor onion service for incoming connections (default: 1)." },
  { "-maxconnections=<n>", ANY, CONN, WORKS,
    "Keep at most <n> automatic peer connections; -addnode peers are counted apart." },
  { "-maxreceivebuffer=<n>", ANY, CONN, WORKS,
    "Receive buffer per connection, in units of 1000 bytes." },
  { "-maxsendbuffer=<n>", ANY, CONN, WORKS, "Send buffer per connection, in units of 1000 bytes." },
  { "-maxuploadtarget=<n>", ANY, CONN, NO_P2P,
    "Try to send no more than this to peers per 24 hours (0 for no limit); suffixes k, m, g, "
    "t count in 1000s, K, M, G, T in 1024s (default unit: M)." },
  { "-natpmp", ANY, CONN, NO_P2P,
    "Map the listening port on the router with PCP or NAT-PMP (default: 0)." },
  { "-networkactive", ANY, CONN, WORKS,
    "Start with the peer-to-peer network switched on (default: 1); the setnetworkactive RPC "
    "changes it." },
  { "-onion=<ip:port|path>", ANY, CONN, NO_P2P,
    "Reach Tor onion services through this SOCKS5 proxy (unix:<path> for a socket); -noonion "
    "turns it off (default: the -proxy)." },
  { "-onlynet=<net>", ANY, CONN, WORKS,
    "Make automatic outgoing connections only to this network (ipv4, ipv6, onion, i2p, "
    "cjdns); may be given several times." },
  { "-peerblockfilters", ANY, CONN, NO_P2P,
    "Serve BIP 157 compact block filters to peers (default: 0)." },
  { "-peerbloomfilters", ANY, CONN, NO_P2P,
    "Let peers filter blocks and transactions with bloom filters (default: 0)." },
  { "-peertimeout=<n>", DEBUG, CONN, WORKS,
    "Seconds to wait after connecting before a peer may be dropped for inactivity." },
  { "-port=<port>", NETONLY, CONN, WORKS, "Listen for peers on <port>." },
  { "-proxy=<ip>[:<port>]|unix:<path>[=<network>]", UMK_ARG_ALLOW_ANY | UMK_ARG_DISALLOW_ELISION,
    CONN, WORKS,
    "Connect through this SOCKS5 proxy, for every network or, with =<network>, only for "
    "ipv4, ipv6, tor or cjdns; -noproxy turns it off." },
  { "-proxyrandomize", ANY, CONN, NO_P2P,
    "Use new proxy credentials for each connection, for Tor stream isolation (default: 1)." },
  { "-seednode=<ip>", ANY, CONN, WORKS,
    "Connect to this node to learn peer addresses, then disconnect; may be given several "
    "times." },
  { "-timeout=<n>", ANY, CONN, WORKS, "Give up on a connection attempt after <n> milliseconds." },
  { "-torcontrol=<ip>:<port>", ANY, CONN, NO_P2P,
    "Tor's control port, for creating the onion service." },
  { "-torpassword=<pass>", SECRET, CONN, NO_P2P, "Password for Tor's control port." },
  { "-txreconciliation", DEBUG, CONN, NO_P2P,
    "Reconcile transactions with peers as BIP 330 describes (default: 0)." },
  { "-v2transport", ANY, CONN, NO_P2P,
    "Speak the encrypted BIP 324 v2 transport with peers that support it (default: 1)." },
  { "-whitebind=<[permissions@]addr>", ANY, CONN, WORKS,
    "Listen on this address and give the peers that connect there these permissions; may be "
    "given several times." },
  { "-whitelist=<[permissions@]IP address or network>", ANY, CONN, WORKS,
    "Give peers from this address or network these permissions (as -whitebind); may be given "
    "several times." },

  /* ---- Wallet options ---- */
  { "-addresstype", ANY, WAL, NO_WALLET,
    "Type of new addresses: legacy, p2sh-segwit, bech32 or bech32m." },
  { "-avoidpartialspends", ANY, WAL, NO_WALLET,
    "Spend all outputs of an address together or none of them, for privacy, at the cost of "
    "higher fees." },
  { "-changetype", ANY, WAL, NO_WALLET,
    "Type of change outputs: legacy, p2sh-segwit, bech32 or bech32m." },
  { "-consolidatefeerate=<amt>", ANY, WAL, NO_WALLET,
    "Up to this fee rate (UMK/kvB) transactions may spend extra inputs to merge small "
    "outputs." },
  { "-disablewallet", ANY, WAL, WORKS,
    "Start no umkoin-wallet process: no wallet is loaded and the wallet RPC methods are "
    "unavailable (unless a umkoin-wallet attaches through -ipcbind)." },
  { "-discardfee=<amt>", ANY, WAL, NO_WALLET,
    "Fee rate (UMK/kvB) up to which change that small may be added to the fee instead." },
  { "-fallbackfee=<amt>", ANY, WAL, NO_WALLET,
    "Fee rate (UMK/kvB) to use when there is not enough data to estimate one; 0 to refuse." },
  { "-keypool=<n>", ANY, WAL, NO_WALLET, "How many keys to derive ahead of use." },
  { "-maxapsfee=<n>", ANY, WAL, NO_WALLET,
    "Extra fee (UMK) the wallet may pay to avoid partial spends." },
  { "-mintxfee=<amt>", ANY, WAL, NO_WALLET,
    "Fee rates (UMK/kvB) below this count as zero when creating transactions." },
  { "-signer=<cmd>", ANY, WAL, NO_WALLET, "Command of an external signing device." },
  { "-spendzeroconfchange", ANY, WAL, NO_WALLET, "Spend unconfirmed change in new transactions." },
  { "-txconfirmtarget=<n>", ANY, WAL, NO_WALLET,
    "Pay a fee that should get transactions confirmed within <n> blocks." },
  { "-wallet=<path>", NETONLY, WAL, WORKS,
    "Load this existing wallet at start-up (relative to -walletdir); may be given several "
    "times. Passed on to umkoin-wallet." },
  { "-walletbroadcast", ANY, WAL, NO_WALLET, "Broadcast the wallet's transactions." },
  { "-walletdir=<dir>", NETONLY, WAL, WORKS,
    "Folder of the wallets (default: <datadir>/wallets if it exists, else <datadir>). Passed "
    "on to umkoin-wallet." },
  { "-walletnotify=<cmd>", ANY, WAL, NO_WALLET,
    "Run <cmd> when a wallet transaction changes; %s becomes the txid, %w the wallet name, %b "
    "the block hash and %h the block height." },
  { "-walletrbf", ANY, WAL, NO_WALLET, "Mark transactions sent through RPC as replaceable." },

  /* ---- Wallet debugging/testing options ---- */
  { "-unsafesqlitesync", DEBUG, WALDT, NO_WALLET,
    "Do not wait for wallet writes to reach the disk; for tests only, as it risks data "
    "loss." },
  { "-walletcrosschain", DEBUG, WALDT, NO_WALLET,
    "Allow a wallet file to be used on other chains." },
  { "-walletrejectlongchains", DEBUG, WALDT, NO_WALLET,
    "Refuse to create transactions that break the mempool's chain limits." },

  /* ---- Debugging/Testing options ---- */
  { "-acceptstalefeeestimates", DEBUG, DT, NO_MEMPOOL,
    "Read fee estimates even when they are stale (regtest only)." },
  { "-capturemessages", DEBUG, DT, NO_P2P, "Write every P2P message to disk." },
  { "-checkaddrman=<n>", DEBUG, DT, NO_P2P,
    "Check the address manager's consistency every <n> operations (0: never)." },
  { "-checkblockindex", DEBUG, DT, NO_BLOCKS,
    "Check the block tree, chainstate and related data for consistency now and then." },
  { "-checkblocks=<n>", DEBUG, DT, WORKS,
    "How many of the last blocks to verify at start-up (0: all)." },
  { "-checklevel=<n>", DEBUG, DT, WORKS, "How thoroughly -checkblocks verifies, from 0 to 4." },
  { "-checkmempool=<n>", DEBUG, DT, NO_MEMPOOL,
    "Check the mempool's consistency every <n> transactions (0: never)." },
  { "-deprecatedrpc=<method>", DEBUG, DT, WORKS,
    "Keep the deprecated RPC method or behaviour <method> working; may be given several "
    "times. (umkoin-node has nothing deprecated yet.)" },
  { "-fastprune", DEBUG, DT, WORKS,
    "Use smaller block files and a lower minimum prune height, for tests." },
  { "-limitancestorcount=<n>", DEBUG, DT, WORKS,
    "Old limit on a mempool transaction's unconfirmed ancestors, now only used by the wallet "
    "when choosing coins (see -limitclustercount)." },
  { "-limitclustercount=<n>", DEBUG, DT, WORKS,
    "Refuse a transaction into the mempool when it would be linked to <n> or more "
    "unconfirmed transactions." },
  { "-limitclustersize=<n>", DEBUG, DT, WORKS,
    "Refuse a transaction into the mempool when it and the unconfirmed transactions linked to "
    "it would exceed <n> kvB." },
  { "-limitdescendantcount=<n>", DEBUG, DT, WORKS,
    "Old limit on a mempool transaction's unconfirmed descendants, now only used by the wallet "
    "when choosing coins (see -limitclustercount)." },
  { "-maxsigcachesize=<n>", DEBUG, DT, NO_BLOCKS,
    "Memory for the signature and script caches together, in MiB." },
  { "-maxtipage=<n>", DEBUG, DT, WORKS,
    "How old, in seconds, the tip may be before the node counts as catching up." },
  { "-maxtxfee=<amt>", ANY, DT, NO_WALLET, "Largest total fee (UMK) of one wallet transaction." },
  { "-mocktime=<n>", DEBUG, DT, WORKS,
    "Pretend the time is <n> seconds since the epoch (0: the real time)." },
  { "-printpriority", DEBUG, DT, NO_MINING,
    "Log the fee rate of each transaction put into a block template." },
  { "-stopafterblockimport", DEBUG, DT, WORKS,
    "Stop once the blocks from disk are imported (default: 0)." },
  { "-stopatheight", DEBUG, DT, WORKS, "Stop once the best chain reaches this height (0: never)." },
  { "-test=<option>", DEBUG, DT, WORKS,
    "Turn on a test-only behaviour (regtest only); may be given more than once. Known: "
    "addrman (a fixed address manager key, so address placement repeats), "
    "reindex_after_failure_noninteractive_yes (accepted for Core's tests; this node never "
    "asks), bip94 (enforce BIP 94's timewarp rules)." },
  { "-uacomment=<cmt>", ANY, DT, WORKS,
    "Add a comment to the user agent the node tells its peers." },

  /* ---- Node relay options ---- */
  { "-acceptnonstdtxn", DEBUG, RELAY, WORKS,
    "Relay and mine non-standard transactions (test chains only)." },
  { "-bytespersigop", ANY, RELAY, WORKS,
    "How many bytes a signature operation counts as, for relay and mining." },
  { "-datacarrier", ANY, RELAY, WORKS,
    "Relay and mine transactions that carry data in OP_RETURN outputs." },
  { "-datacarriersize", ANY, RELAY, WORKS,
    "Largest total size of the data-carrying outputs of a transaction relayed and mined." },
  { "-dustrelayfee=<amt>", DEBUG, RELAY, WORKS,
    "Fee rate (UMK/kvB) below which an output costs more to spend than it is worth (dust)." },
  { "-incrementalrelayfee=<amt>", DEBUG, RELAY, WORKS,
    "Fee rate (UMK/kvB) a replacement or a mempool eviction must add." },
  { "-minrelaytxfee=<amt>", ANY, RELAY, WORKS,
    "Fee rates (UMK/kvB) below this count as zero for relay, mining and transaction "
    "creation." },
  { "-permitbaremultisig", ANY, RELAY, WORKS,
    "Relay transactions that create bare (non-P2SH) multisig outputs." },
  { "-privatebroadcast", ANY, RELAY, NO_P2P,
    "Send transactions from sendrawtransaction through short Tor or I2P connections, before "
    "they enter our mempool (default: 0)." },
  { "-whitelistforcerelay", ANY, RELAY, WORKS,
    "Give whitelisted peers with default permissions the forcerelay permission (default: 0)." },
  { "-whitelistrelay", ANY, RELAY, WORKS,
    "Give whitelisted peers with default permissions the relay permission (default: 1)." },

  /* ---- Block creation options ---- */
  { "-blockmaxweight=<n>", DEBUG, BLOCK, WORKS, "Largest weight of a block template." },
  { "-blockmintxfee=<amt>", ANY, BLOCK, WORKS,
    "Lowest fee rate (UMK/kvB) of a transaction put into a block template." },
  { "-blockreservedweight=<n>", ANY, BLOCK, WORKS,
    "Weight kept free in block templates for the header and the miner's coinbase." },
  { "-blockversion=<n>", DEBUG, BLOCK, WORKS, "Version of the blocks created, for testing forks." },

  /* ---- RPC server options (read by node/rpc-server.c) ---- */
  { "-rest", ANY, RPC, NO_REST, "Answer public REST requests (default: 0)." },
  { "-rpcallowip=<ip>", ANY, RPC, WORKS,
    "Accept JSON-RPC connections from this source: one address (1.2.3.4), a network with a "
    "netmask (1.2.3.4/255.255.255.0) or a prefix length (1.2.3.4/24), or everything (0.0.0.0/0, "
    "::/0). May be given several times." },
  { "-rpcauth=<userpw>", SECRET, RPC, WORKS,
    "A JSON-RPC user and a salted HMAC-SHA-256 of its password, as <USERNAME>:<SALT>$<HASH>; "
    "clients then log in with that user name and the password. May be given several "
    "times." },
  { "-rpcbind=<addr>[:port]", NETONLY, RPC, WORKS,
    "Listen for JSON-RPC connections on this address (and port, which beats -rpcport; "
    "[host]:port for IPv6). Only used together with -rpcallowip. Never expose the RPC server "
    "to untrusted networks. May be given several times (default: 127.0.0.1 and ::1)." },
  { "-rpccookiefile=<loc>", ANY, RPC, WORKS,
    "Where to write the authentication cookie; a relative path is taken from the network's "
    "data directory (default: .cookie there)." },
  { "-rpccookieperms=<readable-by>", ANY, RPC, WORKS,
    "Who may read the cookie file: owner, group or all (default: owner)." },
  { "-rpcdoccheck", DEBUG, RPC, WORKS,
    "Report an RPC method whose documentation does not match it (default: 0)." },
  { "-rpcpassword=<pw>", SECRET, RPC, WORKS, "Password of -rpcuser for JSON-RPC connections." },
  { "-rpcport=<port>", NETONLY, RPC, WORKS, NULL /* built with the chains' ports below */ },
  { "-rpcservertimeout=<n>", DEBUG, RPC, WORKS, "Seconds an HTTP request may take (default: 30)." },
  { "-rpcthreads=<n>", ANY, RPC, WORKS, "Number of threads that answer RPC calls (default: 16)." },
  { "-rpcuser=<user>", SECRET, RPC, WORKS, "User name for JSON-RPC connections." },
  { "-rpcwhitelist=<whitelist>", ANY, RPC, WORKS,
    "Limit a user to some RPC methods, as <USERNAME>:<method>,<method>,...; several lists for "
    "one user are intersected. See -rpcwhitelistdefault." },
  { "-rpcwhitelistdefault", ANY, RPC, WORKS,
    "Whether users without -rpcwhitelist may call nothing: by default yes once any "
    "-rpcwhitelist is given; 1 makes it so even without one, 0 never." },
  { "-rpcworkqueue=<n>", DEBUG, RPC, WORKS,
    "How many RPC calls may wait for a thread before new ones are refused (default: 64)." },
  { "-server", ANY, RPC, WORKS, "Accept JSON-RPC commands (default: 1)." },

  /* ---- IPC (node/ipc-server.c) ---- */
  { "-ipcbind=<address>", ANY, UMK_OPTIONS_IPC, WORKS,
    "Listen for IPC connections (umkoin-gui -ipcconnect, umkoin-wallet -ipcconnect): unix "
    "(default <datadir>/node.sock) or unix:<path>; may be repeated. Only processes of this "
    "user may connect; the socket is made 0600, a missing folder 0700." },
};

/* Accepted, never listed: what umkoind hides (options removed from Core that
 * it still recognises, GUI options a shared config file may hold, and ZeroMQ,
 * which Umkoin Core's release builds leave out). */
static const char *const hidden_options[] = {
  "-dbcrashratio",
  "-forcecompactdb",
  "-choosedatadir",
  "-lang=<lang>",
  "-min",
  "-resetguisettings",
  "-splash",
  "-uiplatform",
  "-checkpoints",
  "-limitancestorsize",
  "-limitdescendantsize",
  "-zmqpubhashblock=<address>",
  "-zmqpubhashtx=<address>",
  "-zmqpubrawblock=<address>",
  "-zmqpubrawtx=<address>",
  "-zmqpubsequence=<n>",
  "-zmqpubhashblockhwm=<n>",
  "-zmqpubhashtxhwm=<n>",
  "-zmqpubrawblockhwm=<n>",
  "-zmqpubrawtxhwm=<n>",
  "-zmqpubsequencehwm=<n>",
  NULL,
};

static char *
rpcport_help (void)
{
  return g_strdup_printf ("Listen for JSON-RPC connections on <port> (default: %u, testnet3: %u, "
                          "testnet4: %u, signet: %u, regtest: %u)",
                          umk_chain_default_rpc_port (UMK_CHAIN_MAIN),
                          umk_chain_default_rpc_port (UMK_CHAIN_TEST),
                          umk_chain_default_rpc_port (UMK_CHAIN_TESTNET4),
                          umk_chain_default_rpc_port (UMK_CHAIN_SIGNET),
                          umk_chain_default_rpc_port (UMK_CHAIN_REGTEST));
}

void
umk_node_add_options (UmkArgs *args)
{
  g_return_if_fail (args != NULL);

  umk_args_add_help_options (args);
  umk_args_add_common_options (args, UMK_COMMON_VERSION | UMK_COMMON_HELP_DEBUG | UMK_COMMON_DATADIR
                                         | UMK_COMMON_CONF | UMK_COMMON_SETTINGS);
  umk_args_add_chain_options (args);
  umk_log_add_options (args);

  for (gsize i = 0; i < G_N_ELEMENTS (node_options); i++)
    {
      const NodeOption *o = &node_options[i];
      g_autofree char *built = o->help ? NULL : rpcport_help ();
      const char *help = o->help ? o->help : built;
      g_autofree char *text = o->status == WORKS
                                  ? g_strdup (help)
                                  : g_strconcat (help, " ", status_note[o->status], NULL);
      umk_args_add (args, o->name, o->flags, text, o->category);
    }
  umk_args_add_hidden (args, hidden_options);
  /* -ipcfd: umkoin-gui starts the node on a socketpair. */
  umk_ipc_add_options (args, FALSE);
}
