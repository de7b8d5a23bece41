/* coinstats.c — gettxoutsetinfo's statistics and UTXO set hashes; see coinstats.h. */
#define G_LOG_DOMAIN "umk-coinstats"
#include "config.h"

#include "common/coinstats.h"

#include "common/hash.h"
#include "common/serialize.h"

#include <string.h>

/* One output of the current transaction, waiting until the run of its txid ends. */
typedef struct
{
  uint32_t n;
  int64_t value;
  uint32_t script_len;
  guint offset; /* its TxOutSer bytes in priv->bytes */
  guint len;
} Pending;

struct _UmkCoinStatsPriv
{
  UmkSha256 sha;    /* HASH_SERIALIZED */
  UmkMuHash muhash; /* HASH_MUHASH */
  UmkUint256 txid;  /* of the pending run */
  GArray *pending;  /* Pending, sorted by n, at most one per n */
  GByteArray *bytes;
  bool finished;
};

void
umk_coin_txout_ser (GByteArray *w, const UmkOutPoint *outpoint, const UmkCoin *coin)
{
  umk_write_bytes (w, outpoint->hash.b, sizeof outpoint->hash.b);
  umk_write_u32le (w, outpoint->n);
  umk_write_u32le (w, umk_coin_code (coin));
  umk_write_i64le (w, coin->value);
  umk_write_var_bytes (w, coin->script, coin->script_len);
}

void
umk_muhash_insert_coin (UmkMuHash *m, const UmkOutPoint *outpoint, const UmkCoin *coin)
{
  g_autoptr (GByteArray) w = g_byte_array_new ();
  umk_coin_txout_ser (w, outpoint, coin);
  umk_muhash_insert (m, w->data, w->len);
}

void
umk_muhash_remove_coin (UmkMuHash *m, const UmkOutPoint *outpoint, const UmkCoin *coin)
{
  g_autoptr (GByteArray) w = g_byte_array_new ();
  umk_coin_txout_ser (w, outpoint, coin);
  umk_muhash_remove (m, w->data, w->len);
}

UmkCoinStats *
umk_coin_stats_new (UmkCoinStatsHash kind)
{
  UmkCoinStats *s = g_new0 (UmkCoinStats, 1);
  s->kind = kind;
  s->total_amount_valid = true;
  s->priv = g_new0 (UmkCoinStatsPriv, 1);
  UmkCoinStatsPriv *p = s->priv;
  p->pending = g_array_new (FALSE, FALSE, sizeof (Pending));
  p->bytes = g_byte_array_new ();
  if (kind == UMK_COIN_STATS_HASH_SERIALIZED)
    umk_sha256_init (&p->sha);
  else if (kind == UMK_COIN_STATS_HASH_MUHASH)
    umk_muhash_init (&p->muhash);
  return s;
}

void
umk_coin_stats_free (UmkCoinStats *s)
{
  if (s == NULL)
    return;
  UmkCoinStatsPriv *p = s->priv;
  if (s->kind == UMK_COIN_STATS_HASH_SERIALIZED && !p->finished)
    umk_sha256_abort (&p->sha);
  g_array_unref (p->pending);
  g_byte_array_unref (p->bytes);
  g_free (p);
  g_free (s);
}

/* Core's ApplyStats and ApplyHash for one transaction's run of outputs. */
static void
flush_run (UmkCoinStats *s)
{
  UmkCoinStatsPriv *p = s->priv;
  if (p->pending->len == 0)
    return;
  s->transactions++;
  for (guint i = 0; i < p->pending->len; i++)
    {
      const Pending *e = &g_array_index (p->pending, Pending, i);
      s->txouts++;
      if (s->total_amount_valid
          && __builtin_add_overflow (s->total_amount, e->value, &s->total_amount))
        s->total_amount_valid = false;
      s->bogosize += umk_coin_bogosize (e->script_len);
      const uint8_t *ser = p->bytes->data + e->offset;
      if (s->kind == UMK_COIN_STATS_HASH_SERIALIZED)
        umk_sha256_update (&p->sha, ser, e->len);
      else if (s->kind == UMK_COIN_STATS_HASH_MUHASH)
        umk_muhash_insert (&p->muhash, ser, e->len);
    }
  g_array_set_size (p->pending, 0);
  g_byte_array_set_size (p->bytes, 0);
}

void
umk_coin_stats_add (UmkCoinStats *s, const UmkOutPoint *outpoint, const UmkCoin *coin)
{
  UmkCoinStatsPriv *p = s->priv;
  g_return_if_fail (!p->finished);
  g_assert (!umk_coin_is_spent (coin));
  if (p->pending->len > 0 && !umk_uint256_equal (&p->txid, &outpoint->hash))
    flush_run (s);
  p->txid = outpoint->hash;
  s->coins_count++;

  Pending e = { .n = outpoint->n, .value = coin->value, .script_len = coin->script_len };
  if (s->kind != UMK_COIN_STATS_HASH_NONE)
    {
      e.offset = p->bytes->len;
      umk_coin_txout_ser (p->bytes, outpoint, coin);
      e.len = p->bytes->len - e.offset;
    }

  /* Core collects a run in a map keyed by index: kept sorted, and a repeated
   * index replaces the earlier coin. Indexes normally arrive ascending. */
  guint pos = p->pending->len;
  while (pos > 0 && g_array_index (p->pending, Pending, pos - 1).n >= e.n)
    pos--;
  if (pos < p->pending->len && g_array_index (p->pending, Pending, pos).n == e.n)
    g_array_index (p->pending, Pending, pos) = e;
  else
    g_array_insert_val (p->pending, pos, e);
}

void
umk_coin_stats_finish (UmkCoinStats *s, UmkUint256 *hash_out)
{
  UmkCoinStatsPriv *p = s->priv;
  g_return_if_fail (!p->finished);
  flush_run (s);
  p->finished = true;
  memset (hash_out->b, 0, sizeof hash_out->b);
  if (s->kind == UMK_COIN_STATS_HASH_SERIALIZED)
    umk_sha256d_final (&p->sha, hash_out->b);
  else if (s->kind == UMK_COIN_STATS_HASH_MUHASH)
    umk_muhash_finalize (&p->muhash, hash_out);
}
