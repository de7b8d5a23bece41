/* tx-check.h — the checks a transaction must pass on its own, before any
 * context (Core's CheckTransaction): a block or mempool containing a
 * transaction that fails them is invalid. */
#pragma once

#include "common/tx.h"

#include <stdbool.h>

/* Returns true if tx passes; otherwise false and *reject_reason is Core's
 * reason ("bad-txns-vin-empty", "bad-txns-vout-negative", …), a static string. */
bool umk_tx_check (const UmkTx *tx, const char **reject_reason);
