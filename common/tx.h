/* tx.h — transactions: parsing, serialization, ids and weight.
 *
 * A UmkTx is immutable and reference counted. It is parsed from its serialized
 * bytes and keeps them: scripts and witness items are views into those bytes,
 * and the structure's arrays live in the same allocation as the UmkTx itself.
 * Several transactions can share one buffer (a block's), each holding a
 * reference to it, so a transaction may outlive the block it came in.
 *
 * To build a transaction (wallet, RPC, tests) fill a UmkTxBuilder, serialize it,
 * and parse the bytes: there is one read-only representation.
 */
#pragma once

#include "common/serialize.h"
#include "common/uint256.h"

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#define UMK_WITNESS_SCALE_FACTOR 4
#define UMK_SEQUENCE_FINAL       0xffffffffu

/* A view of bytes owned by someone else (the transaction's buffer). */
typedef struct
{
  const uint8_t *data;
  size_t len;
} UmkSpan;

typedef struct
{
  UmkUint256 hash;
  uint32_t n;
} UmkOutPoint;

static inline bool
umk_outpoint_is_null (const UmkOutPoint *o)
{
  return o->n == UINT32_MAX && umk_uint256_is_zero (&o->hash);
}

/* GHashTable functions for keys that point at a UmkOutPoint. The hash is
 * SipHash with a key drawn once per process (Core's salted hasher), so
 * transactions crafted to collide cannot slow a table down. */
guint umk_outpoint_hash (gconstpointer outpoint);
gboolean umk_outpoint_equal (gconstpointer a, gconstpointer b);

typedef struct
{
  UmkOutPoint prevout;
  UmkSpan script_sig;
  uint32_t sequence;
  uint32_t n_witness;
  const UmkSpan *witness; /* n_witness stack items, bottom first */
} UmkTxIn;

typedef struct
{
  int64_t value;
  UmkSpan script_pubkey;
} UmkTxOut;

typedef struct
{
  uint32_t version;
  uint32_t lock_time;
  uint32_t n_in;
  uint32_t n_out;
  const UmkTxIn *in;
  const UmkTxOut *out;
  bool has_witness;     /* some input has a non-empty witness */
  UmkSpan raw;          /* the serialization the transaction was parsed from */
  size_t stripped_size; /* size without witness data (the txid's serialization) */
  UmkUint256 txid;      /* hash of the serialization without witness */
  UmkUint256 wtxid;     /* hash of the full serialization; equals txid without witness */
  /* private */
  GBytes *buffer;     /* holds raw alive */
  size_t body_offset; /* inputs and outputs: raw[body_offset, body_offset + body_len) */
  size_t body_len;
} UmkTx;

/* Parses one transaction at the reader's position. The transaction keeps a
 * reference to buffer, which must contain the reader's bytes; r->pos advances
 * past it. allow_witness false reads the legacy encoding only (as Core does for
 * peers without witness support).
 * Returns: a new transaction, or NULL with the reader's error set (e.g.
 * "Superfluous witness record", "Unknown transaction optional data", end of data). */
UmkTx *umk_tx_read (UmkReader *r, GBytes *buffer, bool allow_witness) G_GNUC_WARN_UNUSED_RESULT;

/* Parses a transaction that is exactly the given bytes (trailing data is an
 * error). The bytes are copied. */
UmkTx *umk_tx_new_from_data (const void *data, size_t len,
                             GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* As above without copying: the transaction keeps a reference to bytes. */
UmkTx *umk_tx_new_from_bytes (GBytes *bytes, GError **error) G_GNUC_WARN_UNUSED_RESULT;

UmkTx *umk_tx_ref (UmkTx *tx);
void umk_tx_unref (UmkTx *tx);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (UmkTx, umk_tx_unref)

/* Appends the serialization; with_witness false writes the legacy (stripped) form. */
void umk_tx_write (const UmkTx *tx, GByteArray *w, bool with_witness);

static inline size_t
umk_tx_total_size (const UmkTx *tx)
{
  return tx->raw.len;
}
/* BIP 141 weight: stripped size * 3 + total size. */
static inline size_t
umk_tx_weight (const UmkTx *tx)
{
  return tx->stripped_size * (UMK_WITNESS_SCALE_FACTOR - 1) + tx->raw.len;
}
/* Virtual size: weight / 4 rounded up (without the sigop adjustment of policy). */
static inline size_t
umk_tx_vsize (const UmkTx *tx)
{
  return (umk_tx_weight (tx) + UMK_WITNESS_SCALE_FACTOR - 1) / UMK_WITNESS_SCALE_FACTOR;
}
static inline bool
umk_tx_is_coinbase (const UmkTx *tx)
{
  return tx->n_in == 1 && umk_outpoint_is_null (&tx->in[0].prevout);
}

/* ---- building ---- */

typedef struct
{
  UmkOutPoint prevout;
  GByteArray *script_sig;
  uint32_t sequence;
  GPtrArray *witness; /* of GByteArray */
} UmkTxBuilderIn;

typedef struct
{
  int64_t value;
  GByteArray *script_pubkey;
} UmkTxBuilderOut;

typedef struct
{
  uint32_t version;
  uint32_t lock_time;
  GArray *in;  /* of UmkTxBuilderIn */
  GArray *out; /* of UmkTxBuilderOut */
} UmkTxBuilder;

UmkTxBuilder *umk_tx_builder_new (void);
void umk_tx_builder_free (UmkTxBuilder *b);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (UmkTxBuilder, umk_tx_builder_free)
/* Adds an input with an empty scriptSig and witness; returns it for filling in. */
UmkTxBuilderIn *umk_tx_builder_add_input (UmkTxBuilder *b, const UmkOutPoint *prevout,
                                          uint32_t sequence);
UmkTxBuilderOut *umk_tx_builder_add_output (UmkTxBuilder *b, int64_t value, const void *script,
                                            size_t script_len);
/* Serializes (with the segwit encoding if any input has witness items). */
void umk_tx_builder_write (const UmkTxBuilder *b, GByteArray *w);
/* Serializes and parses: the result is an ordinary UmkTx. */
UmkTx *umk_tx_builder_finish (const UmkTxBuilder *b, GError **error) G_GNUC_WARN_UNUSED_RESULT;
