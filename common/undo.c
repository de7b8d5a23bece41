/* undo.c — block undo data and rev-file records; see undo.h. */
#define G_LOG_DOMAIN "umk-undo"
#include "config.h"

#include "common/undo.h"

#include "common/compress.h"
#include "common/error.h"
#include "common/hash.h"

#include <string.h>

/* Fewest bytes a spent coin takes (code, amount and script size of one byte
 * each) and a tx undo takes (its count): counts above remaining / minimum are
 * refused before anything is allocated. */
#define MIN_COIN_SIZE   3
#define MIN_TXUNDO_SIZE 1

void
umk_tx_undo_init (UmkTxUndo *u, size_t n)
{
  u->n = n;
  u->coins = n > 0 ? g_new (UmkCoin, n) : NULL;
  for (size_t i = 0; i < n; i++)
    umk_coin_init (&u->coins[i]);
}

void
umk_tx_undo_clear (UmkTxUndo *u)
{
  for (size_t i = 0; i < u->n; i++)
    umk_coin_clear (&u->coins[i]);
  g_clear_pointer (&u->coins, g_free);
  u->n = 0;
}

void
umk_block_undo_init (UmkBlockUndo *u, size_t n)
{
  u->n = n;
  u->txundo = n > 0 ? g_new0 (UmkTxUndo, n) : NULL;
}

void
umk_block_undo_clear (UmkBlockUndo *u)
{
  for (size_t i = 0; i < u->n; i++)
    umk_tx_undo_clear (&u->txundo[i]);
  g_clear_pointer (&u->txundo, g_free);
  u->n = 0;
}

void
umk_txin_undo_write (const UmkCoin *c, GByteArray *w)
{
  g_assert (!umk_coin_is_spent (c));
  umk_write_varint (w, umk_coin_code (c));
  /* Where old versions kept the transaction version; a VARINT zero is one zero byte. */
  if (c->height > 0)
    umk_write_u8 (w, 0);
  umk_write_compressed_txout (w, c->value, c->script, c->script_len);
}

bool
umk_txin_undo_read (UmkReader *r, UmkCoin *c)
{
  umk_coin_clear (c);
  uint32_t code, version_dummy;
  if (!umk_read_varint_u32 (r, &code))
    return false;
  if ((code >> 1) > 0 && !umk_read_varint_u32 (r, &version_dummy))
    return false;
  int64_t value;
  uint8_t *script;
  uint32_t len;
  if (!umk_read_compressed_txout (r, &value, &script, &len))
    return false;
  c->value = value;
  c->script = script;
  c->script_len = len;
  c->height = code >> 1;
  c->coinbase = (code & 1) != 0;
  return true;
}

void
umk_tx_undo_write (const UmkTxUndo *u, GByteArray *w)
{
  umk_write_compact_size (w, u->n);
  for (size_t i = 0; i < u->n; i++)
    umk_txin_undo_write (&u->coins[i], w);
}

bool
umk_tx_undo_read (UmkReader *r, UmkTxUndo *u)
{
  umk_tx_undo_clear (u);
  uint64_t n;
  if (!umk_read_compact_size (r, &n, true))
    return false;
  if (n > umk_reader_remaining (r) / MIN_COIN_SIZE)
    return umk_reader_fail (r, UMK_SER_TRUNCATED, NULL);
  umk_tx_undo_init (u, (size_t) n);
  for (size_t i = 0; i < u->n; i++)
    if (!umk_txin_undo_read (r, &u->coins[i]))
      {
        umk_tx_undo_clear (u);
        return false;
      }
  return true;
}

void
umk_block_undo_write (const UmkBlockUndo *u, GByteArray *w)
{
  umk_write_compact_size (w, u->n);
  for (size_t i = 0; i < u->n; i++)
    umk_tx_undo_write (&u->txundo[i], w);
}

bool
umk_block_undo_read (UmkReader *r, UmkBlockUndo *u)
{
  umk_block_undo_clear (u);
  uint64_t n;
  if (!umk_read_compact_size (r, &n, true))
    return false;
  if (n > umk_reader_remaining (r) / MIN_TXUNDO_SIZE)
    return umk_reader_fail (r, UMK_SER_TRUNCATED, NULL);
  umk_block_undo_init (u, (size_t) n);
  for (size_t i = 0; i < u->n; i++)
    if (!umk_tx_undo_read (r, &u->txundo[i]))
      {
        umk_block_undo_clear (u);
        return false;
      }
  return true;
}

void
umk_block_undo_checksum (const UmkUint256 *prev_hash, const uint8_t *undo, size_t len,
                         UmkUint256 *out)
{
  UmkSha256 h;
  umk_sha256_init (&h);
  umk_sha256_update (&h, prev_hash->b, sizeof prev_hash->b);
  umk_sha256_update (&h, undo, len);
  umk_sha256d_final (&h, out->b);
}

size_t
umk_block_undo_write_record (GByteArray *w, const uint8_t magic[4], const UmkUint256 *prev_hash,
                             const UmkBlockUndo *u)
{
  umk_write_bytes (w, magic, 4);
  size_t size_at = w->len;
  umk_write_u32le (w, 0); /* the size, filled in below */
  size_t start = w->len;
  umk_block_undo_write (u, w);
  size_t len = w->len - start;
  g_assert (len <= UINT32_MAX);
  umk_store_u32le (w->data + size_at, (uint32_t) len);
  UmkUint256 sum;
  umk_block_undo_checksum (prev_hash, w->data + start, len, &sum);
  umk_write_bytes (w, sum.b, sizeof sum.b);
  return start;
}

bool
umk_block_undo_read_checked (UmkReader *r, const UmkUint256 *prev_hash, UmkBlockUndo *u,
                             GError **error)
{
  size_t start = r->pos;
  UmkUint256 stored, computed;
  if (!umk_block_undo_read (r, u) || !umk_read_bytes (r, stored.b, sizeof stored.b))
    {
      umk_block_undo_clear (u);
      umk_reader_set_error (r, error, "block undo");
      return false;
    }
  /* The checksum covers the bytes as stored, not a re-serialization of them. */
  umk_block_undo_checksum (prev_hash, r->data + start, r->pos - start - sizeof stored.b, &computed);
  if (!umk_uint256_equal (&stored, &computed))
    {
      umk_block_undo_clear (u);
      g_set_error_literal (error, UMK_ERROR, UMK_ERROR_INVALID, "Checksum mismatch");
      return false;
    }
  return true;
}
