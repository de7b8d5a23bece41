/* script-helpers.h — what the script tests share: the script notation of
 * Umkoin Core's test vectors, and the transaction pair a script is tested in. */
#pragma once

#include "common/tx.h"

#include <glib.h>
#include <stdbool.h>

/* The notation is Core's ParseScript: decimal numbers pushed as script
 * numbers, 0x… raw bytes inserted as they are, '…' strings pushed, and opcode
 * names with or without the OP_ prefix. */
/* Appends the script to out. Returns false with error set on an unknown word
 * or a number out of the range ±0xffffffff. */
bool umk_test_parse_script (const char *text, GByteArray *out, GError **error);

/* Core's script-test transactions: a coinbase-like "credit" paying amount to
 * script_pubkey, and a version-1 "spend" of its output 0 with script_sig and
 * witness (GByteArray items, may be NULL), all sequences final, one output of
 * the same amount to an empty script. Returns the spend; *credit gets the other. */
UmkTx *umk_test_build_spend (const GByteArray *script_pubkey, int64_t amount,
                             const GByteArray *script_sig, GPtrArray *witness, UmkTx **credit);
