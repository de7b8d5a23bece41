/* coin.h — an unspent transaction output as the UTXO set stores it, and its
 * database value format (Umkoin Core's Coin serialization).
 */
#pragma once

#include "common/serialize.h"

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

/* A coin owns its script (g_malloc'd; NULL when empty). value == -1 marks a
 * spent or absent coin, as Core's null CTxOut does.
 *
 * Every function that stores into a coin first frees what it held, so a coin
 * must be initialized before use: UMK_COIN_INIT, umk_coin_init(), or memory
 * filled with zeros. */
typedef struct
{
  int64_t value;
  uint8_t *script;
  uint32_t script_len;
  uint32_t height;
  bool coinbase;
} UmkCoin;

#define UMK_COIN_INIT                                                            \
  {                                                                              \
    .value = -1, .script = NULL, .script_len = 0, .height = 0, .coinbase = false \
  }

void umk_coin_init (UmkCoin *c);
/* Frees the script and makes the coin spent (value -1, height 0, not coinbase). */
void umk_coin_clear (UmkCoin *c);
/* Makes dst a deep copy of src (src may be spent). */
void umk_coin_copy (UmkCoin *dst, const UmkCoin *src);
/* Stores an output: copies len bytes of script. */
void umk_coin_set (UmkCoin *c, int64_t value, const uint8_t *script, size_t len, uint32_t height,
                   bool coinbase);
/* Moves src's contents into dst and leaves src spent (no copy of the script). */
void umk_coin_move (UmkCoin *dst, UmkCoin *src);

static inline bool
umk_coin_is_spent (const UmkCoin *c)
{
  return c->value == -1;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (UmkCoin, umk_coin_clear)

/* The coin's height and coinbase flag packed as Core packs them: height * 2 + coinbase. */
static inline uint32_t
umk_coin_code (const UmkCoin *c)
{
  return c->height * 2u + (c->coinbase ? 1u : 0u);
}

/* The UTXO database value: VARINT(height * 2 + coinbase), then the compressed
 * output. The coin must not be spent (Core asserts the same). */
void umk_coin_serialize (const UmkCoin *c, GByteArray *w);
/* Reads a database value into c. On failure c is left spent and the reader
 * holds the error. */
bool umk_coin_deserialize (UmkReader *r, UmkCoin *c) G_GNUC_WARN_UNUSED_RESULT;
