/* undo.h — the undo data of a block: the coins its transactions spent, so the
 * block can be disconnected (Umkoin Core's CTxUndo/CBlockUndo and the records
 * of the rev?????.dat files).
 *
 * Serialization:
 *   spent coin  VARINT(height * 2 + coinbase), a zero byte if height > 0 (the
 *               transaction version older versions kept there), compressed output
 *   tx undo     CompactSize count, then the spent coins in input order
 *   block undo  CompactSize count, then one tx undo per transaction but the coinbase
 *
 * A rev-file record is: network magic (4 bytes), the undo size (uint32 LE), the
 * undo data, then a 32-byte checksum = SHA256d(previous block hash || undo data).
 * The index stores the position of the undo data, just after the 8-byte header.
 */
#pragma once

#include "common/coin.h"
#include "common/serialize.h"
#include "common/uint256.h"

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Header (magic and size) before the undo data of a rev-file record. */
#define UMK_UNDO_RECORD_HEADER_SIZE 8
/* Header and checksum around the undo data (Core's UNDO_DATA_DISK_OVERHEAD). */
#define UMK_UNDO_DATA_DISK_OVERHEAD (UMK_UNDO_RECORD_HEADER_SIZE + 32)

typedef struct
{
  UmkCoin *coins; /* one per input, in input order */
  size_t n;
} UmkTxUndo;

typedef struct
{
  UmkTxUndo *txundo; /* one per transaction, the coinbase excluded */
  size_t n;
} UmkBlockUndo;

/* Empty, or with n spent (UMK_COIN_INIT) coins to fill in. */
void umk_tx_undo_init (UmkTxUndo *u, size_t n);
void umk_tx_undo_clear (UmkTxUndo *u);
/* Empty, or with n empty tx undos to fill in. */
void umk_block_undo_init (UmkBlockUndo *u, size_t n);
void umk_block_undo_clear (UmkBlockUndo *u);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (UmkBlockUndo, umk_block_undo_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (UmkTxUndo, umk_tx_undo_clear)

/* One spent coin (Core's TxInUndoFormatter); the coin must not be spent. */
void umk_txin_undo_write (const UmkCoin *c, GByteArray *w);
bool umk_txin_undo_read (UmkReader *r, UmkCoin *c) G_GNUC_WARN_UNUSED_RESULT;

void umk_tx_undo_write (const UmkTxUndo *u, GByteArray *w);
/* Reads into u, which must be initialized; it is replaced. On failure u is
 * left empty and the reader holds the error. */
bool umk_tx_undo_read (UmkReader *r, UmkTxUndo *u) G_GNUC_WARN_UNUSED_RESULT;

void umk_block_undo_write (const UmkBlockUndo *u, GByteArray *w);
/* As umk_tx_undo_read(), for a whole block. */
bool umk_block_undo_read (UmkReader *r, UmkBlockUndo *u) G_GNUC_WARN_UNUSED_RESULT;

/* SHA256d(prev_hash's 32 bytes as stored || undo). */
void umk_block_undo_checksum (const UmkUint256 *prev_hash, const uint8_t *undo, size_t len,
                              UmkUint256 *out);

/* Appends a whole rev-file record (magic, size, undo data, checksum).
 * Returns: the offset in w of the undo data (the position the index keeps). */
size_t umk_block_undo_write_record (GByteArray *w, const uint8_t magic[4],
                                    const UmkUint256 *prev_hash, const UmkBlockUndo *u);
/* Reads undo data and its checksum at the reader's position (the stored undo
 * position, after the header) and checks the checksum against prev_hash, as
 * Core's ReadBlockUndo does. On failure u is left empty and error is set
 * (UMK_ERROR_INVALID "Checksum mismatch" or a parse error). */
bool umk_block_undo_read_checked (UmkReader *r, const UmkUint256 *prev_hash, UmkBlockUndo *u,
                                  GError **error) G_GNUC_WARN_UNUSED_RESULT;
