/* tx-check.c — context-free transaction checks. */
#define G_LOG_DOMAIN "umk-tx"
#include "config.h"

#include "common/tx-check.h"

#include "common/block.h"
#include "common/chainparams.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

static int
outpoint_cmp (const void *a, const void *b)
{
  const UmkOutPoint *x = a, *y = b;
  int c = memcmp (x->hash.b, y->hash.b, 32);
  if (c)
    return c;
  return x->n < y->n ? -1 : x->n > y->n;
}

static bool
fail (const char **reason, const char *r)
{
  if (reason)
    *reason = r;
  return false;
}

bool
umk_tx_check (const UmkTx *tx, const char **reject_reason)
{
  if (tx->n_in == 0)
    return fail (reject_reason, "bad-txns-vin-empty");
  if (tx->n_out == 0)
    return fail (reject_reason, "bad-txns-vout-empty");
  /* The witness is not counted: it has not been checked for malleation yet. */
  if (tx->stripped_size * UMK_WITNESS_SCALE_FACTOR > UMK_MAX_BLOCK_WEIGHT)
    return fail (reject_reason, "bad-txns-oversize");

  /* Each value and the running total stay in range (CVE-2010-5139: an
   * overflowing sum once created 184 billion coins). */
  int64_t total = 0;
  for (uint32_t i = 0; i < tx->n_out; i++)
    {
      int64_t v = tx->out[i].value;
      if (v < 0)
        return fail (reject_reason, "bad-txns-vout-negative");
      if (v > UMK_MAX_MONEY)
        return fail (reject_reason, "bad-txns-vout-toolarge");
      total += v; /* both ≤ MAX_MONEY: cannot overflow */
      if (!umk_money_range (total))
        return fail (reject_reason, "bad-txns-txouttotal-toolarge");
    }

  /* Duplicate inputs (CVE-2018-17144) would spend one coin twice. Sorting a
   * copy is O(n log n) for the largest transactions, unlike pairwise checks. */
  if (tx->n_in > 1)
    {
      g_autofree UmkOutPoint *sorted = g_new (UmkOutPoint, tx->n_in);
      for (uint32_t i = 0; i < tx->n_in; i++)
        sorted[i] = tx->in[i].prevout;
      qsort (sorted, tx->n_in, sizeof *sorted, outpoint_cmp);
      for (uint32_t i = 1; i < tx->n_in; i++)
        if (outpoint_cmp (&sorted[i - 1], &sorted[i]) == 0)
          return fail (reject_reason, "bad-txns-inputs-duplicate");
    }

  if (umk_tx_is_coinbase (tx))
    {
      size_t len = tx->in[0].script_sig.len;
      if (len < 2 || len > 100)
        return fail (reject_reason, "bad-cb-length");
    }
  else
    for (uint32_t i = 0; i < tx->n_in; i++)
      if (umk_outpoint_is_null (&tx->in[i].prevout))
        return fail (reject_reason, "bad-txns-prevout-null");

  return true;
}
