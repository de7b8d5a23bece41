/* blockstore.h — blocks and undo data in blocks/blkNNNNN.dat and
 * blocks/revNNNNN.dat, in Umkoin Core's record format, so that block files
 * move between our node and umkoind in both directions (-reindex,
 * -loadblock).
 *
 * A block record is the chain's 4-byte message start, the block's size (4
 * bytes, little-endian) and the serialized block. An undo record is the message
 * start, the size, the serialized undo data and a 32-byte checksum: SHA256d of
 * the previous block's hash followed by the undo data. Blocks go to the newest
 * blk file until it would pass 128 MiB; a block's undo data goes to the rev
 * file with the number of its blk file.
 *
 * Like Core since v28 the files are XORed with the 8-byte key in
 * blocks/xor.dat (byte i of a file with key[i % 8]); a new blocks folder gets a
 * random key unless -blocksxor=0, an old one without xor.dat a key of zeros.
 *
 * Thread-safe: any thread may read while one writes.
 */
#pragma once

#include "common/uint256.h"

#include <glib.h>
#include <lmdb.h>
#include <stdbool.h>
#include <stdint.h>

#define UMK_MAX_BLOCKFILE_SIZE   0x8000000u /* 128 MiB */
#define UMK_FASTPRUNE_BLOCKFILE_SIZE 0x10000u /* -fastprune (regtest): 64 KiB */
#define UMK_STORAGE_HEADER_BYTES 8          /* message start + size */

/* What one blk/rev file pair holds (Core's CBlockFileInfo). */
typedef struct
{
  uint32_t n_blocks;
  uint32_t size;      /* bytes used in blkNNNNN.dat */
  uint32_t undo_size; /* bytes used in revNNNNN.dat */
  int32_t height_first;
  int32_t height_last;
  uint64_t time_first;
  uint64_t time_last;
} UmkBlockFileInfo;

typedef struct _UmkBlockStore UmkBlockStore;

/* Opens the blocks folder (created 0700). infos come from the database
 * (umk_block_store_load_infos) before the first write. */
UmkBlockStore *umk_block_store_new (const char *blocks_dir, const uint8_t message_start[4],
                                    gboolean xor_new_files,
                                    GError **error) G_GNUC_WARN_UNUSED_RESULT;
void umk_block_store_free (UmkBlockStore *bs);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (UmkBlockStore, umk_block_store_free)

const char *umk_block_store_dir (const UmkBlockStore *bs);

/* Starts a new blk file before one would reach size (-fastprune's small files
 * let tests prune without writing gigabytes). */
void umk_block_store_set_max_file_size (UmkBlockStore *bs, uint32_t size);

/* Reads the file statistics from the database's files table. */
gboolean umk_block_store_load_infos (UmkBlockStore *bs, MDB_txn *txn, MDB_dbi files,
                                     GError **error);
/* Writes the statistics changed since the last save. */
gboolean umk_block_store_save_infos (UmkBlockStore *bs, MDB_txn *txn, MDB_dbi files,
                                     GError **error);
/* Forgets every statistic (-reindex starts the files over). */
void umk_block_store_reset_infos (UmkBlockStore *bs);

/* Appends a block record. *file and *pos (the offset of the block data, after
 * the record header) say where it went. */
gboolean umk_block_store_write_block (UmkBlockStore *bs, const uint8_t *data, size_t len,
                                      int height, uint32_t time, int *file, uint32_t *pos,
                                      GError **error);
/* Notes a block that already is in a blk file (-reindex found it there). */
void umk_block_store_note_block (UmkBlockStore *bs, int file, uint32_t pos, size_t len, int height,
                                 uint32_t time);

/* Reads the block at (file, pos), checking the record header. Returns: the
 * serialized block, or NULL with error. */
GBytes *umk_block_store_read_block (UmkBlockStore *bs, int file, uint32_t pos,
                                    GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Appends an undo record to revNNNNN.dat for file. */
gboolean umk_block_store_write_undo (UmkBlockStore *bs, int file, const uint8_t *data, size_t len,
                                     const UmkUint256 *prev_hash, uint32_t *pos, GError **error);
/* Reads undo data, checking the record header and the checksum. */
GBytes *umk_block_store_read_undo (UmkBlockStore *bs, int file, uint32_t pos,
                                   const UmkUint256 *prev_hash,
                                   GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Forces written blocks and undo data to disk (before the database commit
 * that refers to them). */
gboolean umk_block_store_flush (UmkBlockStore *bs, GError **error);

/* Bytes used by all blk and rev files (getblockchaininfo size_on_disk). */
uint64_t umk_block_store_size_on_disk (UmkBlockStore *bs);
/* The highest file number in use, and a copy of a file's statistics. */
int umk_block_store_last_file (UmkBlockStore *bs);
gboolean umk_block_store_file_info (UmkBlockStore *bs, int file, UmkBlockFileInfo *out);

/* Deletes blk/rev file pair number file and zeroes its statistics (pruning). */
void umk_block_store_remove_file (UmkBlockStore *bs, int file);

/* Path of blkNNNNN.dat (or revNNNNN.dat with undo). */
char *umk_block_store_path (const UmkBlockStore *bs, int file,
                            gboolean undo) G_GNUC_WARN_UNUSED_RESULT;

/* Reads up to len bytes at offset of blkNNNNN.dat, de-obfuscated (-reindex
 * scans the files with this). Returns: bytes read, or -1 with error. */
gssize umk_block_store_read_raw (UmkBlockStore *bs, int file, uint64_t offset, uint8_t *buf,
                                 size_t len, GError **error);
