/* coin.c — UTXO entries and their database encoding; see coin.h. */
#define G_LOG_DOMAIN "umk-coin"
#include "config.h"

#include "common/coin.h"

#include "common/compress.h"

void
umk_coin_init (UmkCoin *c)
{
  *c = (UmkCoin) UMK_COIN_INIT;
}

void
umk_coin_clear (UmkCoin *c)
{
  g_clear_pointer (&c->script, g_free);
  umk_coin_init (c);
}

void
umk_coin_set (UmkCoin *c, int64_t value, const uint8_t *script, size_t len, uint32_t height,
              bool coinbase)
{
  g_assert (len <= UINT32_MAX);
  uint8_t *copy = len > 0 ? g_memdup2 (script, len) : NULL;
  g_free (c->script);
  c->value = value;
  c->script = copy;
  c->script_len = (uint32_t) len;
  c->height = height;
  c->coinbase = coinbase;
}

void
umk_coin_copy (UmkCoin *dst, const UmkCoin *src)
{
  if (dst == src)
    return;
  umk_coin_set (dst, src->value, src->script, src->script_len, src->height, src->coinbase);
}

void
umk_coin_move (UmkCoin *dst, UmkCoin *src)
{
  if (dst == src)
    return;
  g_free (dst->script);
  *dst = *src;
  umk_coin_init (src);
}

void
umk_coin_serialize (const UmkCoin *c, GByteArray *w)
{
  g_assert (!umk_coin_is_spent (c));
  umk_write_varint (w, umk_coin_code (c));
  umk_write_compressed_txout (w, c->value, c->script, c->script_len);
}

bool
umk_coin_deserialize (UmkReader *r, UmkCoin *c)
{
  umk_coin_clear (c);
  uint32_t code;
  int64_t value;
  uint8_t *script;
  uint32_t len;
  if (!umk_read_varint_u32 (r, &code) || !umk_read_compressed_txout (r, &value, &script, &len))
    return false;
  c->value = value;
  c->script = script;
  c->script_len = len;
  c->height = code >> 1;
  c->coinbase = (code & 1) != 0;
  return true;
}
