/* tx.c — transaction parsing and serialization.
 *
 * Parsing walks the bytes twice with the same function: first to validate the
 * structure and count inputs, outputs and witness items, then, with one
 * allocation sized from those counts, to fill the arrays. The second walk cannot
 * fail; the first one is what untrusted input meets.
 */
#define G_LOG_DOMAIN "umk-tx"
#include "config.h"

#include "common/tx.h"

#include "common/error.h"
#include "common/hash.h"

#include <string.h>

typedef struct
{
  uint32_t n_in;
  uint32_t n_out;
  size_t n_witness;
  size_t body_offset; /* relative to the transaction's first byte */
  size_t body_len;
  bool has_witness;
} TxShape;

/* Arrays to fill on the second walk; NULL on the first. */
typedef struct
{
  UmkTxIn *in;
  UmkTxOut *out;
  UmkSpan *witness;
} TxFill;

static bool
walk_inputs (UmkReader *r, uint32_t *n_in, TxFill *fill)
{
  uint64_t n;
  if (!umk_read_compact_size (r, &n, true))
    return false;
  /* An input is at least 41 bytes: refuse counts the data cannot hold before
   * looping over them. */
  if (n > umk_reader_remaining (r) / 41)
    return umk_reader_fail (r, UMK_SER_TRUNCATED, NULL);
  for (uint64_t i = 0; i < n; i++)
    {
      UmkTxIn tmp, *in = fill ? &fill->in[i] : &tmp;
      if (!umk_read_bytes (r, in->prevout.hash.b, 32) || !umk_read_u32le (r, &in->prevout.n)
          || !umk_read_var_view (r, &in->script_sig.data, &in->script_sig.len)
          || !umk_read_u32le (r, &in->sequence))
        return false;
      in->n_witness = 0;
      in->witness = NULL;
    }
  *n_in = (uint32_t) n;
  return true;
}

static bool
walk_outputs (UmkReader *r, uint32_t *n_out, TxFill *fill)
{
  uint64_t n;
  if (!umk_read_compact_size (r, &n, true))
    return false;
  if (n > umk_reader_remaining (r) / 9)
    return umk_reader_fail (r, UMK_SER_TRUNCATED, NULL);
  for (uint64_t i = 0; i < n; i++)
    {
      UmkTxOut tmp, *out = fill ? &fill->out[i] : &tmp;
      if (!umk_read_i64le (r, &out->value)
          || !umk_read_var_view (r, &out->script_pubkey.data, &out->script_pubkey.len))
        return false;
    }
  *n_out = (uint32_t) n;
  return true;
}

/* Reads each input's witness stack. Returns: false on a read error; *any_item
 * tells whether some stack is non-empty. */
static bool
walk_witnesses (UmkReader *r, uint32_t n_in, TxFill *fill, size_t *n_items, bool *any_item)
{
  size_t total = 0;
  *any_item = false;
  for (uint32_t i = 0; i < n_in; i++)
    {
      uint64_t n;
      if (!umk_read_compact_size (r, &n, true))
        return false;
      if (n > umk_reader_remaining (r))
        return umk_reader_fail (r, UMK_SER_TRUNCATED, NULL);
      UmkSpan *items = fill ? fill->witness + total : NULL;
      for (uint64_t k = 0; k < n; k++)
        {
          UmkSpan tmp, *item = items ? &items[k] : &tmp;
          if (!umk_read_var_view (r, &item->data, &item->len))
            return false;
        }
      if (fill)
        {
          fill->in[i].n_witness = (uint32_t) n;
          fill->in[i].witness = items;
        }
      if (n > 0)
        *any_item = true;
      total += (size_t) n;
    }
  *n_items = total;
  return true;
}

/* Walks one transaction in Umkoin Core's encoding rules: an empty input list
 * followed by a non-zero flag byte introduces the extended (segwit) format; flag
 * bit 0 means witness data follows the outputs; any other flag bit, or a
 * witness section in which every stack is empty, is an error. */
static bool
walk_tx (UmkReader *r, bool allow_witness, TxShape *shape, TxFill *fill, uint32_t *version,
         uint32_t *lock_time)
{
  size_t start = r->pos;
  uint8_t flags = 0;

  memset (shape, 0, sizeof *shape);
  if (!umk_read_u32le (r, version))
    return false;
  shape->body_offset = r->pos - start;
  if (!walk_inputs (r, &shape->n_in, fill))
    return false;
  if (shape->n_in == 0 && allow_witness)
    {
      if (!umk_read_u8 (r, &flags))
        return false;
      if (flags != 0)
        {
          shape->body_offset = r->pos - start;
          if (!walk_inputs (r, &shape->n_in, fill) || !walk_outputs (r, &shape->n_out, fill))
            return false;
        }
      /* flags == 0: the byte was an empty output list. */
    }
  else if (!walk_outputs (r, &shape->n_out, fill))
    return false;
  shape->body_len = r->pos - start - shape->body_offset;

  if ((flags & 1) && allow_witness)
    {
      flags ^= 1;
      bool any;
      if (!walk_witnesses (r, shape->n_in, fill, &shape->n_witness, &any))
        return false;
      if (!any)
        return umk_reader_fail (r, UMK_SER_INVALID, "Superfluous witness record");
      shape->has_witness = true;
    }
  if (flags != 0)
    return umk_reader_fail (r, UMK_SER_INVALID, "Unknown transaction optional data");
  return umk_read_u32le (r, lock_time);
}

static void
compute_ids (UmkTx *tx)
{
  const uint8_t *raw = tx->raw.data;
  if (!tx->has_witness)
    {
      umk_sha256d (raw, tx->raw.len, tx->txid.b);
      tx->wtxid = tx->txid;
      return;
    }
  UmkSha256 h;
  umk_sha256_init (&h);
  umk_sha256_update (&h, raw, 4);
  umk_sha256_update (&h, raw + tx->body_offset, tx->body_len);
  umk_sha256_update (&h, raw + tx->raw.len - 4, 4);
  umk_sha256d_final (&h, tx->txid.b);
  umk_sha256d (raw, tx->raw.len, tx->wtxid.b);
}

static void
tx_clear (gpointer data)
{
  UmkTx *tx = data;
  g_bytes_unref (tx->buffer);
}

UmkTx *
umk_tx_read (UmkReader *r, GBytes *buffer, bool allow_witness)
{
  gsize buf_len;
  const uint8_t *buf = g_bytes_get_data (buffer, &buf_len);
  g_return_val_if_fail (r->data >= buf && r->data + r->len <= buf + buf_len, NULL);

  size_t start = r->pos;
  TxShape shape;
  uint32_t version, lock_time;
  if (!walk_tx (r, allow_witness, &shape, NULL, &version, &lock_time))
    return NULL;

  size_t in_bytes = (size_t) shape.n_in * sizeof (UmkTxIn);
  size_t out_bytes = (size_t) shape.n_out * sizeof (UmkTxOut);
  size_t wit_bytes = shape.n_witness * sizeof (UmkSpan);
  UmkTx *tx = g_atomic_rc_box_alloc0 (sizeof (UmkTx) + in_bytes + out_bytes + wit_bytes);
  uint8_t *arrays = (uint8_t *) (tx + 1);
  TxFill fill = {
    .in = (UmkTxIn *) arrays,
    .out = (UmkTxOut *) (arrays + in_bytes),
    .witness = (UmkSpan *) (arrays + in_bytes + out_bytes),
  };

  /* Second walk over bytes already validated: fills the arrays. */
  UmkReader again;
  umk_reader_init (&again, r->data, r->len);
  again.pos = start;
  TxShape shape2;
  bool ok = walk_tx (&again, allow_witness, &shape2, &fill, &tx->version, &tx->lock_time);
  g_assert (ok && again.pos == r->pos && shape2.n_witness == shape.n_witness);

  tx->n_in = shape.n_in;
  tx->n_out = shape.n_out;
  tx->in = fill.in;
  tx->out = fill.out;
  tx->has_witness = shape.has_witness;
  tx->raw.data = r->data + start;
  tx->raw.len = r->pos - start;
  tx->body_offset = shape.body_offset;
  tx->body_len = shape.body_len;
  tx->stripped_size = 4 + shape.body_len + 4;
  tx->buffer = g_bytes_ref (buffer);
  compute_ids (tx);
  return tx;
}

UmkTx *
umk_tx_new_from_bytes (GBytes *bytes, GError **error)
{
  gsize len;
  const uint8_t *data = g_bytes_get_data (bytes, &len);
  UmkReader r;
  umk_reader_init (&r, data, len);
  UmkTx *tx = umk_tx_read (&r, bytes, true);
  if (tx == NULL)
    {
      umk_reader_set_error (&r, error, "transaction");
      return NULL;
    }
  if (umk_reader_remaining (&r) != 0)
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                   "transaction: %zu unexpected bytes after the transaction",
                   umk_reader_remaining (&r));
      umk_tx_unref (tx);
      return NULL;
    }
  return tx;
}

UmkTx *
umk_tx_new_from_data (const void *data, size_t len, GError **error)
{
  g_autoptr (GBytes) bytes = g_bytes_new (data, len);
  return umk_tx_new_from_bytes (bytes, error);
}

UmkTx *
umk_tx_ref (UmkTx *tx)
{
  return g_atomic_rc_box_acquire (tx);
}

void
umk_tx_unref (UmkTx *tx)
{
  g_atomic_rc_box_release_full (tx, tx_clear);
}

void
umk_tx_write (const UmkTx *tx, GByteArray *w, bool with_witness)
{
  if (with_witness || !tx->has_witness)
    {
      umk_write_bytes (w, tx->raw.data, tx->raw.len);
      return;
    }
  umk_write_bytes (w, tx->raw.data, 4);
  umk_write_bytes (w, tx->raw.data + tx->body_offset, tx->body_len);
  umk_write_bytes (w, tx->raw.data + tx->raw.len - 4, 4);
}

/* ---- building ---- */

static void
builder_in_clear (gpointer data)
{
  UmkTxBuilderIn *in = data;
  g_clear_pointer (&in->script_sig, g_byte_array_unref);
  g_clear_pointer (&in->witness, g_ptr_array_unref);
}

static void
builder_out_clear (gpointer data)
{
  UmkTxBuilderOut *out = data;
  g_clear_pointer (&out->script_pubkey, g_byte_array_unref);
}

UmkTxBuilder *
umk_tx_builder_new (void)
{
  UmkTxBuilder *b = g_new0 (UmkTxBuilder, 1);
  b->version = 2;
  b->in = g_array_new (FALSE, TRUE, sizeof (UmkTxBuilderIn));
  g_array_set_clear_func (b->in, builder_in_clear);
  b->out = g_array_new (FALSE, TRUE, sizeof (UmkTxBuilderOut));
  g_array_set_clear_func (b->out, builder_out_clear);
  return b;
}

void
umk_tx_builder_free (UmkTxBuilder *b)
{
  if (b == NULL)
    return;
  g_array_unref (b->in);
  g_array_unref (b->out);
  g_free (b);
}

UmkTxBuilderIn *
umk_tx_builder_add_input (UmkTxBuilder *b, const UmkOutPoint *prevout, uint32_t sequence)
{
  UmkTxBuilderIn in = {
    .prevout = *prevout,
    .script_sig = g_byte_array_new (),
    .sequence = sequence,
    .witness = g_ptr_array_new_with_free_func ((GDestroyNotify) g_byte_array_unref),
  };
  g_array_append_val (b->in, in);
  return &g_array_index (b->in, UmkTxBuilderIn, b->in->len - 1);
}

UmkTxBuilderOut *
umk_tx_builder_add_output (UmkTxBuilder *b, int64_t value, const void *script, size_t script_len)
{
  UmkTxBuilderOut out = { .value = value, .script_pubkey = g_byte_array_new () };
  umk_write_bytes (out.script_pubkey, script, script_len);
  g_array_append_val (b->out, out);
  return &g_array_index (b->out, UmkTxBuilderOut, b->out->len - 1);
}

void
umk_tx_builder_write (const UmkTxBuilder *b, GByteArray *w)
{
  bool witness = false;
  for (guint i = 0; i < b->in->len; i++)
    if (g_array_index (b->in, UmkTxBuilderIn, i).witness->len > 0)
      witness = true;

  umk_write_u32le (w, b->version);
  if (witness)
    {
      umk_write_u8 (w, 0); /* marker: an empty input list */
      umk_write_u8 (w, 1); /* flag: witness data follows */
    }
  umk_write_compact_size (w, b->in->len);
  for (guint i = 0; i < b->in->len; i++)
    {
      const UmkTxBuilderIn *in = &g_array_index (b->in, UmkTxBuilderIn, i);
      umk_write_bytes (w, in->prevout.hash.b, 32);
      umk_write_u32le (w, in->prevout.n);
      umk_write_var_bytes (w, in->script_sig->data, in->script_sig->len);
      umk_write_u32le (w, in->sequence);
    }
  umk_write_compact_size (w, b->out->len);
  for (guint i = 0; i < b->out->len; i++)
    {
      const UmkTxBuilderOut *out = &g_array_index (b->out, UmkTxBuilderOut, i);
      umk_write_i64le (w, out->value);
      umk_write_var_bytes (w, out->script_pubkey->data, out->script_pubkey->len);
    }
  if (witness)
    for (guint i = 0; i < b->in->len; i++)
      {
        const GPtrArray *stack = g_array_index (b->in, UmkTxBuilderIn, i).witness;
        umk_write_compact_size (w, stack->len);
        for (guint k = 0; k < stack->len; k++)
          {
            const GByteArray *item = g_ptr_array_index (stack, k);
            umk_write_var_bytes (w, item->data, item->len);
          }
      }
  umk_write_u32le (w, b->lock_time);
}

UmkTx *
umk_tx_builder_finish (const UmkTxBuilder *b, GError **error)
{
  GByteArray *w = g_byte_array_new ();
  umk_tx_builder_write (b, w);
  g_autoptr (GBytes) bytes = g_byte_array_free_to_bytes (w);
  return umk_tx_new_from_bytes (bytes, error);
}

/* ---- outpoints as hash table keys ---- */

guint
umk_outpoint_hash (gconstpointer outpoint)
{
  static gsize once = 0;
  static uint64_t k0, k1;
  if (g_once_init_enter (&once))
    {
      k0 = (uint64_t) g_random_int () << 32 | g_random_int ();
      k1 = (uint64_t) g_random_int () << 32 | g_random_int ();
      g_once_init_leave (&once, 1);
    }
  const UmkOutPoint *o = outpoint;
  uint8_t buf[36];
  memcpy (buf, o->hash.b, 32);
  buf[32] = (uint8_t) o->n;
  buf[33] = (uint8_t) (o->n >> 8);
  buf[34] = (uint8_t) (o->n >> 16);
  buf[35] = (uint8_t) (o->n >> 24);
  return (guint) umk_siphash24 (k0, k1, buf, sizeof buf);
}

gboolean
umk_outpoint_equal (gconstpointer a, gconstpointer b)
{
  const UmkOutPoint *x = a, *y = b;
  return x->n == y->n && memcmp (x->hash.b, y->hash.b, 32) == 0;
}
