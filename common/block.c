#define G_LOG_DOMAIN "umk-block"
#include "config.h"

#include "common/block.h"

#include "common/error.h"
#include "common/hash.h"

#include <limits.h>
#include <string.h>

bool
umk_block_header_read (UmkReader *r, UmkBlockHeader *out)
{
  return umk_read_i32le (r, &out->version) && umk_read_bytes (r, out->prev_block.b, 32)
         && umk_read_bytes (r, out->merkle_root.b, 32) && umk_read_u32le (r, &out->time)
         && umk_read_u32le (r, &out->bits) && umk_read_u32le (r, &out->nonce);
}

void
umk_block_header_serialize (const UmkBlockHeader *h, uint8_t out[UMK_BLOCK_HEADER_SIZE])
{
  umk_store_u32le (out, (uint32_t) h->version);
  memcpy (out + 4, h->prev_block.b, 32);
  memcpy (out + 36, h->merkle_root.b, 32);
  umk_store_u32le (out + 68, h->time);
  umk_store_u32le (out + 72, h->bits);
  umk_store_u32le (out + 76, h->nonce);
}

void
umk_block_header_write (const UmkBlockHeader *h, GByteArray *w)
{
  uint8_t buf[UMK_BLOCK_HEADER_SIZE];
  umk_block_header_serialize (h, buf);
  umk_write_bytes (w, buf, sizeof buf);
}

void
umk_block_header_hash (const UmkBlockHeader *h, UmkUint256 *out)
{
  uint8_t buf[UMK_BLOCK_HEADER_SIZE];
  umk_block_header_serialize (h, buf);
  umk_sha256d (buf, sizeof buf, out->b);
}

UmkBlock *
umk_block_read (UmkReader *r, GBytes *bytes)
{
  size_t start = r->pos;
  UmkBlockHeader header;
  uint64_t n_tx;
  if (!umk_block_header_read (r, &header) || !umk_read_compact_size (r, &n_tx, true))
    return NULL;
  /* The smallest transaction is 10 bytes: do not allocate for more than fit. */
  if (n_tx > umk_reader_remaining (r) / 10)
    {
      umk_reader_fail (r, UMK_SER_TRUNCATED, NULL);
      return NULL;
    }

  UmkBlock *block = g_new0 (UmkBlock, 1);
  block->header = header;
  block->bytes = g_bytes_ref (bytes);
  block->tx = g_new0 (UmkTx *, n_tx > 0 ? n_tx : 1);
  size_t stripped = r->pos - start;
  for (uint64_t i = 0; i < n_tx; i++)
    {
      block->tx[i] = umk_tx_read (r, bytes, true);
      if (block->tx[i] == NULL)
        {
          umk_block_free (block);
          return NULL;
        }
      block->n_tx++;
      stripped += block->tx[i]->stripped_size;
    }
  block->size = r->pos - start;
  block->stripped_size = stripped;
  umk_block_header_hash (&header, &block->hash);
  return block;
}

UmkBlock *
umk_block_new_from_bytes (GBytes *bytes, GError **error)
{
  gsize len;
  const uint8_t *data = g_bytes_get_data (bytes, &len);
  UmkReader r;
  umk_reader_init (&r, data, len);
  UmkBlock *block = umk_block_read (&r, bytes);
  if (block == NULL)
    {
      umk_reader_set_error (&r, error, "block");
      return NULL;
    }
  if (umk_reader_remaining (&r) != 0)
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                   "block: %zu unexpected bytes after the block", umk_reader_remaining (&r));
      umk_block_free (block);
      return NULL;
    }
  return block;
}

void
umk_block_free (UmkBlock *block)
{
  if (block == NULL)
    return;
  for (size_t i = 0; i < block->n_tx; i++)
    umk_tx_unref (block->tx[i]);
  g_free (block->tx);
  g_bytes_unref (block->bytes);
  g_free (block);
}

void
umk_block_write (const UmkBlock *block, GByteArray *w)
{
  umk_block_header_write (&block->header, w);
  umk_write_compact_size (w, block->n_tx);
  for (size_t i = 0; i < block->n_tx; i++)
    umk_tx_write (block->tx[i], w, true);
}

/* ---- merkle trees ---- */

void
umk_merkle_root (const UmkUint256 *leaves, size_t n, UmkUint256 *root, bool *mutated)
{
  bool mutation = false;
  if (n == 0)
    {
      memset (root, 0, sizeof *root);
      if (mutated != NULL)
        *mutated = false;
      return;
    }
  /* Level by level in one scratch array; an odd level pairs its last hash
   * with itself. */
  UmkUint256 *level = g_new (UmkUint256, n + 1);
  memcpy (level, leaves, n * sizeof *level);
  while (n > 1)
    {
      for (size_t i = 0; i + 1 < n; i += 2)
        if (umk_uint256_equal (&level[i], &level[i + 1]))
          mutation = true;
      if (n & 1)
        {
          level[n] = level[n - 1];
          n++;
        }
      for (size_t i = 0; i < n / 2; i++)
        umk_sha256d (&level[2 * i], 64, level[i].b);
      n /= 2;
    }
  *root = level[0];
  g_free (level);
  if (mutated != NULL)
    *mutated = mutation;
}

void
umk_block_merkle_root (const UmkBlock *block, UmkUint256 *root, bool *mutated)
{
  UmkUint256 *leaves = g_new (UmkUint256, block->n_tx > 0 ? block->n_tx : 1);
  for (size_t i = 0; i < block->n_tx; i++)
    leaves[i] = block->tx[i]->txid;
  umk_merkle_root (leaves, block->n_tx, root, mutated);
  g_free (leaves);
}

void
umk_block_witness_merkle_root (const UmkBlock *block, UmkUint256 *root, bool *mutated)
{
  UmkUint256 *leaves = g_new0 (UmkUint256, block->n_tx > 0 ? block->n_tx : 1);
  /* leaves[0] stays zero: the coinbase's wtxid cannot commit to itself. */
  for (size_t i = 1; i < block->n_tx; i++)
    leaves[i] = block->tx[i]->wtxid;
  umk_merkle_root (leaves, block->n_tx, root, mutated);
  g_free (leaves);
}

static const uint8_t commitment_header[6] = { 0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed };

int
umk_block_witness_commitment_index (const UmkBlock *block)
{
  if (block->n_tx == 0)
    return -1;
  const UmkTx *cb = block->tx[0];
  int found = -1;
  for (uint32_t i = 0; i < cb->n_out && i <= INT_MAX; i++)
    {
      const UmkSpan *s = &cb->out[i].script_pubkey;
      if (s->len >= 38 && memcmp (s->data, commitment_header, sizeof commitment_header) == 0)
        found = (int) i;
    }
  return found;
}

bool
umk_block_check_witness (const UmkBlock *block, bool expect_commitment, const char **reason)
{
  int pos = expect_commitment ? umk_block_witness_commitment_index (block) : -1;
  if (pos >= 0)
    {
      const UmkTx *cb = block->tx[0];
      if (cb->n_in < 1 || cb->in[0].n_witness != 1 || cb->in[0].witness[0].len != 32)
        {
          *reason = "bad-witness-nonce-size";
          return false;
        }
      uint8_t buf[64], commitment[32];
      UmkUint256 root;
      umk_block_witness_merkle_root (block, &root, NULL);
      memcpy (buf, root.b, 32);
      memcpy (buf + 32, cb->in[0].witness[0].data, 32);
      umk_sha256d (buf, sizeof buf, commitment);
      if (memcmp (commitment, cb->out[pos].script_pubkey.data + 6, 32) != 0)
        {
          *reason = "bad-witness-merkle-match";
          return false;
        }
      return true;
    }
  /* Without a commitment, witness data could be changed at will. */
  for (size_t i = 0; i < block->n_tx; i++)
    if (block->tx[i]->has_witness)
      {
        *reason = "unexpected-witness";
        return false;
      }
  return true;
}
