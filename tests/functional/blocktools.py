"""Transactions, blocks and scripts for the functional tests, in Python 3's
standard library only: what a test needs to build blocks that break one
consensus rule at a time, and to check what a node stored.

Hashes are kept as 32 raw bytes in the order they are serialized ("internal"
order); RPC shows them byte-reversed as hex. `hash_to_hex` and `hex_to_hash`
convert, and every `.txid`, `.wtxid`, `.hash` property is in RPC form.

    import blocktools as bt

    tx = bt.Tx.from_hex(node.getrawtransaction(txid))
    block = bt.create_block(tip_hash, height, txs=[tx])   # coinbase + commitment
    block.solve()
    node.submitblock(block.hex())                         # None when accepted

    wallet = bt.AnyoneCanSpend(node)      # coins locked to P2WSH(OP_TRUE)
    wallet.generate(101)                  # generatetoaddress, scans the blocks
    sent = wallet.send_self_transfer()    # sendrawtransaction; sent['txid'], ...

The rules follow Umkoin Core v31.0 (regtest): subsidy 50 coins halving every
150 blocks, coinbase maturity 100, nBits 0x207fffff, BIP 34/65/66/CSV active
from height 1 and segwit/taproot from genesis.
"""

import copy
import decimal
import hashlib
import struct
import time

# ---------------------------------------------------------------- constants

COIN = 100_000_000
MAX_MONEY = 21_000_000 * COIN
WITNESS_SCALE_FACTOR = 4
MAX_BLOCK_WEIGHT = 4_000_000
MAX_BLOCK_SERIALIZED_SIZE = 4_000_000
MAX_BLOCK_SIGOPS_COST = 80_000
MAX_BLOCK_LEGACY_SIGOPS = MAX_BLOCK_SIGOPS_COST // WITNESS_SCALE_FACTOR
MAX_PUBKEYS_PER_MULTISIG = 20
MAX_SCRIPT_SIZE = 10_000
MAX_SCRIPT_ELEMENT_SIZE = 520
MAX_FUTURE_BLOCK_TIME = 2 * 60 * 60
MAX_TIMEWARP = 600
COINBASE_MATURITY = 100
BLOCK_HEADER_SIZE = 80
DEFAULT_BLOCK_RESERVED_WEIGHT = 8000
MIN_STANDARD_TX_NONWITNESS_SIZE = 65

SEQUENCE_FINAL = 0xffffffff
MAX_SEQUENCE_NONFINAL = 0xfffffffe
VERSIONBITS_TOP_BITS = 0x20000000

# Regtest.
REGTEST_MAGIC = bytes.fromhex('fabfb5da')
REGTEST_BITS = 0x207fffff
REGTEST_TARGET = 0x7fffff << (8 * (0x20 - 3))
REGTEST_HALVING_INTERVAL = 150
REGTEST_DIFFICULTY_INTERVAL = 72          # 43200 s timespan / 600 s spacing
REGTEST_GENESIS_HASH = '60b48405c3efa2bd7aa6a8bc206e3369e58d15f60cba7a915769e9669758cb6d'
REGTEST_GENESIS_MERKLE_ROOT = '550ccf92f28cb76c3f8ccd5073a0175182ac8b03abe96d6b18da9b46f2e2941d'
REGTEST_GENESIS_TIME = 1511512200
REGTEST_HRP = 'bcrt'
REGTEST_P2PKH_PREFIX = 111
REGTEST_P2SH_PREFIX = 196

# BIP 141: the commitment output's script starts with OP_RETURN, a 36-byte
# push and this header; the coinbase witness holds the reserved value.
WITNESS_COMMITMENT_HEADER = bytes.fromhex('aa21a9ed')
WITNESS_COMMITMENT_PREFIX = bytes.fromhex('6a24') + WITNESS_COMMITMENT_HEADER
MINIMUM_WITNESS_COMMITMENT = 38
WITNESS_RESERVED_VALUE = bytes(32)

NORMAL_GBT_REQUEST = {'rules': ['segwit']}


# ---------------------------------------------------------------- hashing

def sha256(data):
    return hashlib.sha256(data).digest()


def hash256(data):
    """SHA256d, the hash of headers, transactions and merkle nodes."""
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def hash_to_hex(h):
    """32 bytes in internal order -> the byte-reversed hex RPC shows."""
    return h[::-1].hex()


def hex_to_hash(s):
    """RPC hex -> 32 bytes in internal order."""
    b = bytes.fromhex(s)
    if len(b) != 32:
        raise ValueError(f'not a 32-byte hash: {s!r}')
    return b[::-1]


def as_hash(h):
    """Accepts internal bytes, RPC hex or an int (as Core's framework uses) and
    returns internal bytes."""
    if isinstance(h, (bytes, bytearray)):
        if len(h) != 32:
            raise ValueError('hash must be 32 bytes')
        return bytes(h)
    if isinstance(h, int):
        return h.to_bytes(32, 'little')
    return hex_to_hash(h)


def bits_to_target(bits):
    """nBits (compact) -> target as an int; ValueError for a negative or
    overflowing encoding (which no valid block has)."""
    exponent = bits >> 24
    mantissa = bits & 0x007fffff
    if exponent <= 3:
        target = mantissa >> (8 * (3 - exponent))
    else:
        target = mantissa << (8 * (exponent - 3))
    if mantissa and bits & 0x00800000:
        raise ValueError(f'negative compact target {bits:08x}')
    if mantissa and (exponent > 34 or (mantissa > 0xff and exponent > 33)
                     or (mantissa > 0xffff and exponent > 32)):
        raise ValueError(f'overflowing compact target {bits:08x}')
    return target


def target_to_bits(target):
    """The compact encoding of a target, as arith_uint256::GetCompact."""
    size = (target.bit_length() + 7) // 8
    if size <= 3:
        compact = target << (8 * (3 - size))
    else:
        compact = target >> (8 * (size - 3))
    if compact & 0x00800000:
        compact >>= 8
        size += 1
    return compact | (size << 24)


def block_proof(bits):
    """The work of one block with these bits: 2^256 / (target + 1)."""
    target = bits_to_target(bits)
    return (1 << 256) // (target + 1)


def amount(sats):
    """Satoshis -> the decimal.Decimal coin amount RPC shows (8 places)."""
    return (decimal.Decimal(sats) / COIN).quantize(decimal.Decimal('0.00000001'))


def to_sats(value):
    """A coin amount (Decimal, str or int of coins) -> satoshis."""
    d = decimal.Decimal(str(value)) * COIN
    if d != d.to_integral_value():
        raise ValueError(f'more than 8 decimals: {value}')
    return int(d)


def block_subsidy(height, halving_interval=REGTEST_HALVING_INTERVAL):
    halvings = height // halving_interval
    if halvings >= 64:
        return 0
    return (50 * COIN) >> halvings


# ---------------------------------------------------------------- serialization

class DeserializationError(ValueError):
    pass


MAX_SIZE = 0x02000000   # the largest CompactSize Core accepts


def ser_compact_size(n):
    if n < 0xfd:
        return bytes([n])
    if n <= 0xffff:
        return b'\xfd' + struct.pack('<H', n)
    if n <= 0xffffffff:
        return b'\xfe' + struct.pack('<I', n)
    return b'\xff' + struct.pack('<Q', n)


def ser_var_bytes(b):
    return ser_compact_size(len(b)) + bytes(b)


def compact_size_len(n):
    return 1 if n < 0xfd else 3 if n <= 0xffff else 5 if n <= 0xffffffff else 9


class Reader:
    """A cursor over bytes; every read past the end, non-canonical or oversized
    CompactSize raises DeserializationError."""

    def __init__(self, data, pos=0):
        self.data = bytes(data)
        self.pos = pos

    def remaining(self):
        return len(self.data) - self.pos

    def read(self, n):
        if n < 0 or self.pos + n > len(self.data):
            raise DeserializationError(f'truncated: need {n} bytes at offset {self.pos}, '
                                       f'have {len(self.data) - self.pos}')
        b = self.data[self.pos:self.pos + n]
        self.pos += n
        return b

    def unpack(self, fmt):
        return struct.unpack(fmt, self.read(struct.calcsize(fmt)))[0]

    def u8(self):
        return self.read(1)[0]

    def compact_size(self, limit=MAX_SIZE):
        first = self.u8()
        if first < 0xfd:
            n = first
        elif first == 0xfd:
            n = self.unpack('<H')
            if n < 0xfd:
                raise DeserializationError('non-canonical ReadCompactSize()')
        elif first == 0xfe:
            n = self.unpack('<I')
            if n < 0x10000:
                raise DeserializationError('non-canonical ReadCompactSize()')
        else:
            n = self.unpack('<Q')
            if n < 0x100000000:
                raise DeserializationError('non-canonical ReadCompactSize()')
        if n > limit:
            raise DeserializationError('ReadCompactSize(): size too large')
        return n

    def var_bytes(self):
        return self.read(self.compact_size())

    def expect_end(self):
        if self.pos != len(self.data):
            raise DeserializationError(f'{len(self.data) - self.pos} bytes left over')


# ---------------------------------------------------------------- transactions

class OutPoint:
    __slots__ = ('hash', 'n')

    def __init__(self, txid=bytes(32), n=0):
        self.hash = as_hash(txid)
        self.n = n

    @classmethod
    def null(cls):
        return cls(bytes(32), 0xffffffff)

    def is_null(self):
        return self.hash == bytes(32) and self.n == 0xffffffff

    @property
    def txid(self):
        return hash_to_hex(self.hash)

    def serialize(self):
        return self.hash + struct.pack('<I', self.n)

    @classmethod
    def deserialize(cls, r):
        return cls(r.read(32), r.unpack('<I'))

    def key(self):
        return (self.hash, self.n)

    def __eq__(self, other):
        return isinstance(other, OutPoint) and self.key() == other.key()

    def __hash__(self):
        return hash(self.key())

    def __repr__(self):
        return f'OutPoint({self.txid}:{self.n})'


class TxIn:
    __slots__ = ('prevout', 'script_sig', 'sequence', 'witness')

    def __init__(self, prevout=None, script_sig=b'', sequence=SEQUENCE_FINAL, witness=None):
        self.prevout = prevout if prevout is not None else OutPoint()
        self.script_sig = bytes(script_sig)
        self.sequence = sequence
        self.witness = list(witness or [])

    def serialize(self):
        return self.prevout.serialize() + ser_var_bytes(self.script_sig) + struct.pack('<I', self.sequence)

    @classmethod
    def deserialize(cls, r):
        prevout = OutPoint.deserialize(r)
        script_sig = r.var_bytes()
        return cls(prevout, script_sig, r.unpack('<I'))

    def __repr__(self):
        return (f'TxIn({self.prevout!r}, script_sig={self.script_sig.hex()}, '
                f'sequence={self.sequence:#x}, witness={[w.hex() for w in self.witness]})')


class TxOut:
    __slots__ = ('value', 'script_pubkey')

    def __init__(self, value=0, script_pubkey=b''):
        self.value = value
        self.script_pubkey = bytes(script_pubkey)

    def serialize(self):
        return struct.pack('<q', self.value) + ser_var_bytes(self.script_pubkey)

    @classmethod
    def deserialize(cls, r):
        value = r.unpack('<q')
        return cls(value, r.var_bytes())

    def __repr__(self):
        return f'TxOut({self.value}, {self.script_pubkey.hex()})'


class Tx:
    """A transaction. Serialization, txid and wtxid as Core's: the extended
    (marker 0x00, flag 0x01) format only when some input has a witness."""

    def __init__(self, vin=None, vout=None, version=2, locktime=0):
        self.version = version
        self.vin = list(vin or [])
        self.vout = list(vout or [])
        self.locktime = locktime

    # ---- serialization

    def has_witness(self):
        return any(txin.witness for txin in self.vin)

    def serialize(self, with_witness=True):
        witness = with_witness and self.has_witness()
        parts = [struct.pack('<I', self.version & 0xffffffff)]
        if witness:
            parts.append(b'\x00\x01')
        parts.append(ser_compact_size(len(self.vin)))
        parts += [txin.serialize() for txin in self.vin]
        parts.append(ser_compact_size(len(self.vout)))
        parts += [txout.serialize() for txout in self.vout]
        if witness:
            for txin in self.vin:
                parts.append(ser_compact_size(len(txin.witness)))
                parts += [ser_var_bytes(item) for item in txin.witness]
        parts.append(struct.pack('<I', self.locktime))
        return b''.join(parts)

    def serialize_without_witness(self):
        return self.serialize(with_witness=False)

    def hex(self, with_witness=True):
        return self.serialize(with_witness).hex()

    @classmethod
    def deserialize(cls, r, allow_witness=True):
        tx = cls(version=r.unpack('<I'))
        flags = 0
        tx.vin = [TxIn.deserialize(r) for _ in range(r.compact_size())]
        if not tx.vin and allow_witness:
            flags = r.u8()
            if flags:
                tx.vin = [TxIn.deserialize(r) for _ in range(r.compact_size())]
                tx.vout = [TxOut.deserialize(r) for _ in range(r.compact_size())]
        else:
            tx.vout = [TxOut.deserialize(r) for _ in range(r.compact_size())]
        if flags & 1 and allow_witness:
            flags ^= 1
            for txin in tx.vin:
                txin.witness = [r.var_bytes() for _ in range(r.compact_size())]
            if not tx.has_witness():
                raise DeserializationError('Superfluous witness record')
        if flags:
            raise DeserializationError('Unknown transaction optional data')
        tx.locktime = r.unpack('<I')
        return tx

    @classmethod
    def from_bytes(cls, data):
        r = Reader(data)
        tx = cls.deserialize(r)
        r.expect_end()
        return tx

    @classmethod
    def from_hex(cls, s):
        return cls.from_bytes(bytes.fromhex(s))

    def copy(self):
        return copy.deepcopy(self)

    # ---- identity and size

    @property
    def txid_bytes(self):
        return hash256(self.serialize(with_witness=False))

    @property
    def wtxid_bytes(self):
        return hash256(self.serialize(with_witness=True))

    @property
    def txid(self):
        return hash_to_hex(self.txid_bytes)

    @property
    def wtxid(self):
        return hash_to_hex(self.wtxid_bytes)

    def stripped_size(self):
        return len(self.serialize(with_witness=False))

    def total_size(self):
        return len(self.serialize(with_witness=True))

    def weight(self):
        return self.stripped_size() * (WITNESS_SCALE_FACTOR - 1) + self.total_size()

    def vsize(self):
        return (self.weight() + WITNESS_SCALE_FACTOR - 1) // WITNESS_SCALE_FACTOR

    def is_coinbase(self):
        return len(self.vin) == 1 and self.vin[0].prevout.is_null()

    def value_out(self):
        return sum(o.value for o in self.vout)

    def outpoint(self, n):
        return OutPoint(self.txid_bytes, n)

    def __repr__(self):
        return (f'Tx(version={self.version}, vin={self.vin!r}, vout={self.vout!r}, '
                f'locktime={self.locktime})')


# ---------------------------------------------------------------- merkle trees

def merkle_root_and_mutation(leaves):
    """(root, mutated) as Core's ComputeMerkleRoot: the last node of an odd
    level is paired with itself, and `mutated` reports two equal nodes paired
    on some level (CVE-2012-2459: a list with a repeated tail has the same root).
    The root of no leaves is 32 zero bytes."""
    if not leaves:
        return bytes(32), False
    level = list(leaves)
    mutated = False
    while len(level) > 1:
        for i in range(0, len(level) - 1, 2):
            if level[i] == level[i + 1]:
                mutated = True
        if len(level) & 1:
            level.append(level[-1])
        level = [hash256(level[i] + level[i + 1]) for i in range(0, len(level), 2)]
    return level[0], mutated


def merkle_root(leaves):
    return merkle_root_and_mutation(leaves)[0]


# ---------------------------------------------------------------- blocks

class BlockHeader:
    def __init__(self, version=VERSIONBITS_TOP_BITS, prev=bytes(32), merkle_root=bytes(32),
                 time=0, bits=REGTEST_BITS, nonce=0):
        self.version = version
        self.prev = as_hash(prev)
        self.merkle_root = as_hash(merkle_root)
        self.time = time
        self.bits = bits
        self.nonce = nonce

    def serialize_header(self):
        return (struct.pack('<i', self.version) + self.prev + self.merkle_root
                + struct.pack('<III', self.time, self.bits, self.nonce))

    def header_hex(self):
        return self.serialize_header().hex()

    @classmethod
    def deserialize_header(cls, r):
        version = r.unpack('<i')
        prev = r.read(32)
        root = r.read(32)
        t, bits, nonce = struct.unpack('<III', r.read(12))
        return BlockHeader(version, prev, root, t, bits, nonce)

    @property
    def hash_bytes(self):
        return hash256(self.serialize_header())

    @property
    def hash(self):
        return hash_to_hex(self.hash_bytes)

    @property
    def prev_hash(self):
        return hash_to_hex(self.prev)

    def target(self):
        return bits_to_target(self.bits)

    def check_pow(self):
        try:
            target = self.target()
        except ValueError:
            return False
        return 0 < target <= REGTEST_TARGET and int.from_bytes(self.hash_bytes, 'little') <= target

    def solve(self, max_tries=None):
        """Grinds the nonce from its current value until the hash meets the
        target (on regtest about one try in two)."""
        target = self.target()
        prefix = self.serialize_header()[:76]
        nonce = self.nonce
        tries = 0
        while int.from_bytes(hash256(prefix + struct.pack('<I', nonce)), 'little') > target:
            nonce = (nonce + 1) & 0xffffffff
            tries += 1
            if max_tries is not None and tries >= max_tries:
                raise RuntimeError('no nonce found')
        self.nonce = nonce
        return self

    def unsolve(self):
        """Makes the PoW fail (for "high-hash"): the next nonce whose hash is
        above the target."""
        target = self.target()
        while True:
            self.nonce = (self.nonce + 1) & 0xffffffff
            if int.from_bytes(self.hash_bytes, 'little') > target:
                return self


class Block(BlockHeader):
    def __init__(self, txs=None, **header):
        super().__init__(**header)
        self.txs = list(txs or [])

    def header(self):
        """The header alone (its serialize_header() is what submitheader takes)."""
        return BlockHeader(self.version, self.prev, self.merkle_root, self.time, self.bits, self.nonce)

    # ---- serialization

    def serialize(self, with_witness=True):
        return b''.join([self.serialize_header(), ser_compact_size(len(self.txs))]
                        + [tx.serialize(with_witness) for tx in self.txs])

    def hex(self, with_witness=True):
        return self.serialize(with_witness).hex()

    @classmethod
    def deserialize(cls, r):
        header = BlockHeader.deserialize_header(r)
        block = cls()
        block.__dict__.update(header.__dict__)
        block.txs = [Tx.deserialize(r) for _ in range(r.compact_size())]
        return block

    @classmethod
    def from_bytes(cls, data):
        r = Reader(data)
        block = cls.deserialize(r)
        r.expect_end()
        return block

    @classmethod
    def from_hex(cls, s):
        return cls.from_bytes(bytes.fromhex(s))

    def copy(self):
        return copy.deepcopy(self)

    # ---- merkle roots and the witness commitment

    def compute_merkle_root(self):
        return merkle_root([tx.txid_bytes for tx in self.txs])

    def merkle_mutated(self):
        return merkle_root_and_mutation([tx.txid_bytes for tx in self.txs])[1]

    def witness_merkle_root(self):
        """The root of the wtxids, with 32 zero bytes for the coinbase."""
        leaves = [bytes(32)] + [tx.wtxid_bytes for tx in self.txs[1:]]
        return merkle_root(leaves)

    def witness_commitment_index(self):
        """The index of the coinbase output Core takes as the commitment (the
        last one that looks like one), or None."""
        if not self.txs:
            return None
        return witness_commitment_index(self.txs[0])

    def expected_commitment(self, reserved_value=None):
        if reserved_value is None:
            wit = self.txs[0].vin[0].witness if self.txs and self.txs[0].vin else []
            reserved_value = wit[0] if len(wit) == 1 else WITNESS_RESERVED_VALUE
        return hash256(self.witness_merkle_root() + reserved_value)

    def refresh(self):
        """After changing transactions: recomputes the witness commitment (if
        the coinbase has one) and the merkle root. Solve again afterwards."""
        idx = self.witness_commitment_index()
        if idx is not None:
            cb = self.txs[0]
            cb.vout[idx].script_pubkey = witness_commitment_script(self.expected_commitment())
        self.merkle_root = self.compute_merkle_root()
        return self

    def check_witness_commitment(self):
        """None when the block's witness data is committed as consensus wants
        (or there is none), else Core's reject reason."""
        idx = self.witness_commitment_index()
        if idx is not None:
            wit = self.txs[0].vin[0].witness
            if len(wit) != 1 or len(wit[0]) != 32:
                return 'bad-witness-nonce-size'
            if self.txs[0].vout[idx].script_pubkey[6:38] != hash256(self.witness_merkle_root() + wit[0]):
                return 'bad-witness-merkle-match'
            return None
        if any(tx.has_witness() for tx in self.txs):
            return 'unexpected-witness'
        return None

    # ---- size

    def stripped_size(self):
        return len(self.serialize(with_witness=False))

    def total_size(self):
        return len(self.serialize(with_witness=True))

    def weight(self):
        return self.stripped_size() * (WITNESS_SCALE_FACTOR - 1) + self.total_size()

    def legacy_sigops(self):
        return sum(tx_legacy_sigops(tx) for tx in self.txs)

    def __repr__(self):
        return f'Block({self.hash}, prev={self.prev_hash}, {len(self.txs)} txs)'


def witness_commitment_index(coinbase):
    idx = None
    for i, out in enumerate(coinbase.vout):
        spk = out.script_pubkey
        if len(spk) >= MINIMUM_WITNESS_COMMITMENT and spk[:6] == WITNESS_COMMITMENT_PREFIX:
            idx = i
    return idx


def witness_commitment_script(commitment):
    return WITNESS_COMMITMENT_PREFIX + commitment


def add_witness_commitment(block, reserved_value=WITNESS_RESERVED_VALUE):
    """Gives the coinbase the witness reserved value and appends the BIP 141
    commitment output; then recomputes the merkle root."""
    cb = block.txs[0]
    cb.vin[0].witness = [reserved_value]
    cb.vout.append(TxOut(0, witness_commitment_script(hash256(block.witness_merkle_root() + reserved_value))))
    block.merkle_root = block.compute_merkle_root()
    return block


# ---------------------------------------------------------------- scripts

class Op(int):
    """An opcode: script() writes it as one byte (an int is pushed as a number)."""

    def __repr__(self):
        return OPCODE_NAMES.get(int(self), f'Op({int(self):#04x})')


OPCODE_NAMES = {}


def _op(name, value):
    OPCODE_NAMES[value] = name
    return Op(value)


OP_0 = OP_FALSE = _op('OP_0', 0x00)
OP_PUSHDATA1 = _op('OP_PUSHDATA1', 0x4c)
OP_PUSHDATA2 = _op('OP_PUSHDATA2', 0x4d)
OP_PUSHDATA4 = _op('OP_PUSHDATA4', 0x4e)
OP_1NEGATE = _op('OP_1NEGATE', 0x4f)
OP_1 = OP_TRUE = _op('OP_1', 0x51)
OP_2, OP_3, OP_4, OP_5, OP_6, OP_7, OP_8 = (_op(f'OP_{n}', 0x50 + n) for n in range(2, 9))
OP_9, OP_10, OP_11, OP_12, OP_13, OP_14, OP_15, OP_16 = (_op(f'OP_{n}', 0x50 + n) for n in range(9, 17))
OP_NOP = _op('OP_NOP', 0x61)
OP_IF = _op('OP_IF', 0x63)
OP_NOTIF = _op('OP_NOTIF', 0x64)
OP_ELSE = _op('OP_ELSE', 0x67)
OP_ENDIF = _op('OP_ENDIF', 0x68)
OP_VERIFY = _op('OP_VERIFY', 0x69)
OP_RETURN = _op('OP_RETURN', 0x6a)
OP_DROP = _op('OP_DROP', 0x75)
OP_DUP = _op('OP_DUP', 0x76)
OP_EQUAL = _op('OP_EQUAL', 0x87)
OP_EQUALVERIFY = _op('OP_EQUALVERIFY', 0x88)
OP_HASH160 = _op('OP_HASH160', 0xa9)
OP_CHECKSIG = _op('OP_CHECKSIG', 0xac)
OP_CHECKSIGVERIFY = _op('OP_CHECKSIGVERIFY', 0xad)
OP_CHECKMULTISIG = _op('OP_CHECKMULTISIG', 0xae)
OP_CHECKMULTISIGVERIFY = _op('OP_CHECKMULTISIGVERIFY', 0xaf)
OP_CHECKLOCKTIMEVERIFY = _op('OP_CHECKLOCKTIMEVERIFY', 0xb1)
OP_CHECKSEQUENCEVERIFY = _op('OP_CHECKSEQUENCEVERIFY', 0xb2)
OP_CHECKSIGADD = _op('OP_CHECKSIGADD', 0xba)


def script_num(n):
    """CScriptNum's serialization: minimal little-endian sign-magnitude."""
    if n == 0:
        return b''
    neg = n < 0
    v = -n if neg else n
    out = bytearray()
    while v:
        out.append(v & 0xff)
        v >>= 8
    if out[-1] & 0x80:
        out.append(0x80 if neg else 0x00)
    elif neg:
        out[-1] |= 0x80
    return bytes(out)


def decode_script_num(b):
    if not b:
        return 0
    v = int.from_bytes(b, 'little')
    if b[-1] & 0x80:
        return -(v & ~(0x80 << (8 * (len(b) - 1))))
    return v


def push_data(data):
    """The push CScript << vector writes: direct for up to 75 bytes, then
    OP_PUSHDATA1/2/4 (an empty vector is OP_0; one byte is never OP_n)."""
    data = bytes(data)
    n = len(data)
    if n < OP_PUSHDATA1:
        return bytes([n]) + data
    if n <= 0xff:
        return bytes([OP_PUSHDATA1, n]) + data
    if n <= 0xffff:
        return bytes([OP_PUSHDATA2]) + struct.pack('<H', n) + data
    return bytes([OP_PUSHDATA4]) + struct.pack('<I', n) + data


def push_int(n):
    """CScript << int64: OP_0, OP_1NEGATE, OP_1..OP_16, else a number push."""
    if n == 0:
        return bytes([OP_0])
    if n == -1 or 1 <= n <= 16:
        return bytes([n + (OP_1 - 1)])
    return push_data(script_num(n))


def script(*items):
    """Builds a script: Op -> its byte, int -> push_int, bytes -> push_data."""
    out = bytearray()
    for item in items:
        if isinstance(item, Op):
            out.append(int(item))
        elif isinstance(item, int):
            out += push_int(item)
        elif isinstance(item, (bytes, bytearray)):
            out += push_data(item)
        else:
            raise TypeError(f'cannot put {item!r} in a script')
    return bytes(out)


def script_ops(spk):
    """Yields (opcode, pushed data or None) as Core's GetOp; stops (without an
    error) at a truncated push, as the sigop counter does."""
    i, n = 0, len(spk)
    while i < n:
        op = spk[i]
        i += 1
        data = None
        if op <= OP_PUSHDATA4:
            if op < OP_PUSHDATA1:
                size = op
            elif op == OP_PUSHDATA1:
                if i + 1 > n:
                    return
                size = spk[i]
                i += 1
            elif op == OP_PUSHDATA2:
                if i + 2 > n:
                    return
                size = struct.unpack_from('<H', spk, i)[0]
                i += 2
            else:
                if i + 4 > n:
                    return
                size = struct.unpack_from('<I', spk, i)[0]
                i += 4
            if i + size > n:
                return
            data = spk[i:i + size]
            i += size
        yield op, data


def script_sigops(spk, accurate=False):
    """GetSigOpCount: CHECKSIG(VERIFY) 1; CHECKMULTISIG(VERIFY) 20, or with
    `accurate` the key count of a preceding OP_1..OP_16."""
    count = 0
    last = None
    for op, _ in script_ops(spk):
        if op in (OP_CHECKSIG, OP_CHECKSIGVERIFY):
            count += 1
        elif op in (OP_CHECKMULTISIG, OP_CHECKMULTISIGVERIFY):
            if accurate and last is not None and OP_1 <= last <= OP_16:
                count += last - (OP_1 - 1)
            else:
                count += MAX_PUBKEYS_PER_MULTISIG
        last = op
    return count


def tx_legacy_sigops(tx):
    """GetLegacySigOpCount: scriptSigs and scriptPubKeys, counted inaccurately."""
    return (sum(script_sigops(i.script_sig) for i in tx.vin)
            + sum(script_sigops(o.script_pubkey) for o in tx.vout))


def is_p2sh(spk):
    return len(spk) == 23 and spk[0] == OP_HASH160 and spk[1] == 20 and spk[22] == OP_EQUAL


def witness_program(spk):
    """(version, program) of a witness output script, else None."""
    if not 4 <= len(spk) <= 42:
        return None
    if spk[0] != OP_0 and not OP_1 <= spk[0] <= OP_16:
        return None
    if spk[1] + 2 != len(spk):
        return None
    return (0 if spk[0] == OP_0 else spk[0] - (OP_1 - 1)), spk[2:]


def _last_push(script_sig):
    """The data of the last operation of a push-only scriptSig (empty for
    OP_0..OP_16), or None when it is not push-only or does not parse: the
    redeem script Core's P2SH sigop counter looks at."""
    ops = []
    i, n = 0, len(script_sig)
    while i < n:
        op = script_sig[i]
        i += 1
        data = b''
        if op <= OP_PUSHDATA4:
            if op < OP_PUSHDATA1:
                size = op
            else:
                width = {OP_PUSHDATA1: 1, OP_PUSHDATA2: 2, OP_PUSHDATA4: 4}[op]
                if i + width > n:
                    return None
                size = int.from_bytes(script_sig[i:i + width], 'little')
                i += width
            if i + size > n:
                return None
            data = script_sig[i:i + size]
            i += size
        elif op > OP_16:
            return None
        ops.append(data)
    return ops[-1] if ops else b''


def _witness_sigops(version, program, witness):
    if version == 0:
        if len(program) == 20:
            return 1
        if len(program) == 32 and witness:
            return script_sigops(witness[-1], accurate=True)
    return 0


def tx_sigop_cost(tx, spent_scripts):
    """GetTransactionSigOpCost with P2SH and witness counting on (as in every
    regtest block above genesis): spent_scripts are the scriptPubKeys the
    inputs spend, in order."""
    cost = tx_legacy_sigops(tx) * WITNESS_SCALE_FACTOR
    if tx.is_coinbase():
        return cost
    for txin, spk in zip(tx.vin, spent_scripts):
        redeem = _last_push(txin.script_sig) if is_p2sh(spk) else None
        if redeem is not None:
            cost += script_sigops(redeem, accurate=True) * WITNESS_SCALE_FACTOR
        prog = witness_program(spk)
        if prog is None and redeem is not None:
            prog = witness_program(redeem)
        if prog is not None:
            cost += _witness_sigops(prog[0], prog[1], txin.witness)
    return cost


# Outputs anyone can spend.
OP_TRUE_SCRIPT = bytes([OP_TRUE])
BARE_OP_TRUE = OP_TRUE_SCRIPT                 # spent with an empty scriptSig


def p2wsh_script(witness_script):
    return bytes([OP_0, 32]) + sha256(witness_script)


P2WSH_OP_TRUE = p2wsh_script(OP_TRUE_SCRIPT)  # spent with witness [OP_TRUE]


def sigops_witness_script(n):
    """A witness script that counts n sigops (in a branch never taken) and
    succeeds: OP_0 OP_IF OP_CHECKSIG*n OP_ENDIF OP_1."""
    return bytes([OP_0, OP_IF]) + bytes([OP_CHECKSIG]) * n + bytes([OP_ENDIF, OP_1])


# ---------------------------------------------------------------- addresses

_BECH32_CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l'
_BECH32_CONST = 1
_BECH32M_CONST = 0x2bc830a3


def _bech32_polymod(values):
    gen = (0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3)
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1ffffff) << 5 ^ v
        for i in range(5):
            if (top >> i) & 1:
                chk ^= gen[i]
    return chk


def _hrp_expand(hrp):
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def bech32_encode(hrp, data5, bech32m=False):
    const = _BECH32M_CONST if bech32m else _BECH32_CONST
    poly = _bech32_polymod(_hrp_expand(hrp) + list(data5) + [0] * 6) ^ const
    checksum = [(poly >> (5 * (5 - i))) & 31 for i in range(6)]
    return hrp + '1' + ''.join(_BECH32_CHARSET[d] for d in list(data5) + checksum)


def bech32_decode(s):
    """(hrp, data5, is_bech32m) or None for an invalid string."""
    if any(ord(c) < 33 or ord(c) > 126 for c in s) or (s.lower() != s and s.upper() != s):
        return None
    s = s.lower()
    pos = s.rfind('1')
    if pos < 1 or pos + 7 > len(s) or len(s) > 90:
        return None
    if any(c not in _BECH32_CHARSET for c in s[pos + 1:]):
        return None
    hrp = s[:pos]
    data = [_BECH32_CHARSET.find(c) for c in s[pos + 1:]]
    const = _bech32_polymod(_hrp_expand(hrp) + data)
    if const not in (_BECH32_CONST, _BECH32M_CONST):
        return None
    return hrp, data[:-6], const == _BECH32M_CONST


def convert_bits(data, frombits, tobits, pad=True):
    acc = bits = 0
    out = []
    maxv = (1 << tobits) - 1
    for value in data:
        if value < 0 or value >> frombits:
            return None
        acc = (acc << frombits) | value
        bits += frombits
        while bits >= tobits:
            bits -= tobits
            out.append((acc >> bits) & maxv)
    if pad:
        if bits:
            out.append((acc << (tobits - bits)) & maxv)
    elif bits >= frombits or ((acc << (tobits - bits)) & maxv):
        return None
    return out


def segwit_address(version, program, hrp=REGTEST_HRP):
    """BIP 173 (v0, bech32) / BIP 350 (v1+, bech32m) address."""
    return bech32_encode(hrp, [version] + convert_bits(program, 8, 5), bech32m=version > 0)


def decode_segwit_address(addr, hrp=REGTEST_HRP):
    """(version, program) or None."""
    dec = bech32_decode(addr)
    if dec is None or dec[0] != hrp or not dec[1]:
        return None
    version = dec[1][0]
    program = convert_bits(dec[1][1:], 5, 8, pad=False)
    if program is None or not 2 <= len(program) <= 40 or version > 16:
        return None
    if version == 0 and len(program) not in (20, 32):
        return None
    if dec[2] != (version > 0):
        return None
    return version, bytes(program)


def segwit_script(version, program):
    return bytes([OP_0 if version == 0 else OP_1 + version - 1, len(program)]) + bytes(program)


_B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'


def base58check_encode(payload):
    data = payload + hash256(payload)[:4]
    n = int.from_bytes(data, 'big')
    out = ''
    while n:
        n, r = divmod(n, 58)
        out = _B58[r] + out
    return '1' * (len(data) - len(data.lstrip(b'\0'))) + out


def base58check_decode(s):
    n = 0
    for c in s:
        if c not in _B58:
            return None
        n = n * 58 + _B58.index(c)
    body = n.to_bytes((n.bit_length() + 7) // 8, 'big') if n else b''
    data = b'\0' * (len(s) - len(s.lstrip('1'))) + body
    if len(data) < 4 or hash256(data[:-4])[:4] != data[-4:]:
        return None
    return data[:-4]


def address_to_script(addr, hrp=REGTEST_HRP):
    """The scriptPubKey of a regtest address (segwit, P2PKH or P2SH)."""
    seg = decode_segwit_address(addr, hrp)
    if seg is not None:
        return segwit_script(*seg)
    payload = base58check_decode(addr)
    if payload is not None and len(payload) == 21:
        if payload[0] == REGTEST_P2PKH_PREFIX:
            return bytes([OP_DUP, OP_HASH160, 20]) + payload[1:] + bytes([OP_EQUALVERIFY, OP_CHECKSIG])
        if payload[0] == REGTEST_P2SH_PREFIX:
            return bytes([OP_HASH160, 20]) + payload[1:] + bytes([OP_EQUAL])
    raise ValueError(f'not a regtest address: {addr!r}')


P2WSH_OP_TRUE_ADDRESS = segwit_address(0, P2WSH_OP_TRUE[2:])


# Descriptor checksums (BIP 380), so tests can pass descriptors with or
# without one.
_DESC_INPUT_CHARSET = ("0123456789()[],'/*abcdefgh@:$%{}IJKLMNOPQRSTUVWXYZ&+-.;<=>?!^_|~"
                       "ijklmnopqrstuvwxyzABCDEFGH`#\"\\ ")


def _desc_polymod(symbols):
    gen = (0xf5dee51989, 0xa9fdca3312, 0x1bab10e32d, 0x3706b1677a, 0x644d626ffd)
    chk = 1
    for v in symbols:
        top = chk >> 35
        chk = ((chk & 0x7ffffffff) << 5) ^ v
        for i in range(5):
            if (top >> i) & 1:
                chk ^= gen[i]
    return chk


def descriptor_checksum(desc):
    symbols, groups = [], []
    for c in desc:
        v = _DESC_INPUT_CHARSET.find(c)
        if v < 0:
            raise ValueError(f'character {c!r} not allowed in a descriptor')
        symbols.append(v & 31)
        groups.append(v >> 5)
        if len(groups) == 3:
            symbols.append(groups[0] * 9 + groups[1] * 3 + groups[2])
            groups = []
    if len(groups) == 1:
        symbols.append(groups[0])
    elif len(groups) == 2:
        symbols.append(groups[0] * 3 + groups[1])
    poly = _desc_polymod(symbols + [0] * 8) ^ 1
    return ''.join(_BECH32_CHARSET[(poly >> (5 * (7 - i))) & 31] for i in range(8))


def with_checksum(desc):
    return f'{desc}#{descriptor_checksum(desc)}'


# ---------------------------------------------------------------- building blocks

def coinbase_script_sig(height, extra=bytes([OP_0])):
    """BIP 34: the height as CScript() << height, then `extra` (v31's miner
    adds OP_0, so the scriptSig has the 2 bytes consensus wants)."""
    return push_int(height) + bytes(extra)


def create_coinbase(height, value=None, script_pubkey=P2WSH_OP_TRUE, extra=bytes([OP_0]), fees=0):
    """A coinbase as Umkoin Core v31.0's miner makes it: BIP 34 height push
    plus `extra` in the scriptSig, sequence 0xfffffffe, lock time height-1,
    one output of `value` (default: subsidy + fees) to script_pubkey. No
    witness commitment: create_block adds it."""
    if value is None:
        value = block_subsidy(height) + fees
    txin = TxIn(OutPoint.null(), coinbase_script_sig(height, extra), MAX_SEQUENCE_NONFINAL)
    return Tx([txin], [TxOut(value, script_pubkey)], version=2, locktime=max(height - 1, 0))


def create_block(prev_hash, height, time=None, bits=REGTEST_BITS, txs=(), coinbase=None,
                 version=VERSIONBITS_TOP_BITS, script_pubkey=P2WSH_OP_TRUE, fees=0,
                 witness_commitment=True, solve=True):
    """A block on prev_hash at `height`: the coinbase (made by create_coinbase
    unless given), the transactions, the BIP 141 commitment (coinbase witness
    = 32 zero bytes, output 6a24aa21a9ed + hash) and the merkle root, solved.
    time defaults to now; fees are added to the default coinbase value."""
    if coinbase is None:
        coinbase = create_coinbase(height, script_pubkey=script_pubkey, fees=fees)
    block = Block([coinbase] + list(txs), version=version, prev=as_hash(prev_hash),
                  time=int(_now() if time is None else time), bits=bits)
    if witness_commitment:
        add_witness_commitment(block)
    else:
        block.merkle_root = block.compute_merkle_root()
    if solve:
        block.solve()
    return block


def _now():
    return time.time()


def block_from_template(tmpl, coinbase_script_pubkey=P2WSH_OP_TRUE, extra=bytes([OP_0]), txs=None):
    """A solved block from a getblocktemplate reply: its version, previous
    block, curtime, bits, height, coinbasevalue and transactions, and its
    default_witness_commitment when given."""
    height = tmpl['height']
    cb = create_coinbase(height, value=tmpl['coinbasevalue'], script_pubkey=coinbase_script_pubkey, extra=extra)
    if txs is None:
        txs = [Tx.from_hex(t['data']) for t in tmpl['transactions']]
    block = Block([cb] + list(txs), version=tmpl['version'], prev=hex_to_hash(tmpl['previousblockhash']),
                  time=tmpl['curtime'], bits=int(tmpl['bits'], 16))
    commitment = tmpl.get('default_witness_commitment')
    if commitment is not None:
        cb.vin[0].witness = [WITNESS_RESERVED_VALUE]
        cb.vout.append(TxOut(0, bytes.fromhex(commitment)))
    block.merkle_root = block.compute_merkle_root()
    block.solve()
    return block


def pad_script(length, base=bytes([OP_RETURN])):
    """An output script of exactly `length` bytes (base followed by OP_0s),
    to give a transaction a chosen size. An OP_RETURN script never enters the
    UTXO set."""
    if length < len(base):
        raise ValueError('too short')
    return base + bytes(length - len(base))


def set_block_stripped_size(block, size, tx_index=-1, out_index=-1):
    """Pads (or trims) one output script of one transaction so that the block
    without witnesses is exactly `size` bytes; refreshes and solves. The
    padded output should be a filler (see pad_script)."""
    for _ in range(4):   # CompactSize lengths can change once or twice
        delta = size - block.stripped_size()
        if delta == 0:
            break
        out = block.txs[tx_index].vout[out_index]
        new_len = len(out.script_pubkey) + delta
        new_len -= compact_size_len(new_len) - compact_size_len(len(out.script_pubkey))
        out.script_pubkey = pad_script(new_len, out.script_pubkey[:1])
        block.refresh()
    if block.stripped_size() != size:
        raise ValueError(f'cannot reach stripped size {size}')
    block.solve()
    return block


def get_block(node, block_hash):
    """A node's block (getblock verbosity 0) as a Block."""
    return Block.from_hex(node.getblock(block_hash, 0))


def tip_info(node):
    """(hash, height, time, mediantime) of the node's tip."""
    h = node.getbestblockhash()
    header = node.getblockheader(h)
    return h, header['height'], header['time'], header['mediantime']


def next_block_time(node, prev_hash=None):
    """A time valid for a child of prev_hash (default: the tip): now, or one
    second after the parent when that is later."""
    prev_hash = prev_hash or node.getbestblockhash()
    return max(node.getblockheader(prev_hash)['time'] + 1, int(_now()))


def build_on_tip(node, txs=(), **kwargs):
    """A solved block with txs on the node's tip (see create_block)."""
    tip = node.getbestblockhash()
    height = node.getblockheader(tip)['height'] + 1
    kwargs.setdefault('time', next_block_time(node, tip))
    return create_block(tip, height, txs=txs, **kwargs)


def sync_blocks(src, dst):
    """Copies the blocks of src's active chain that dst's active chain lacks,
    oldest first, with getblock(hash, 0) + submitblock (there is no P2P yet).
    Returns the submitblock results. Afterwards dst has src's tip (if src's
    chain has at least as much work)."""
    src_height = src.getblockcount()
    dst_height = dst.getblockcount()
    fork = min(src_height, dst_height)
    while fork > 0 and src.getblockhash(fork) != dst.getblockhash(fork):
        fork -= 1
    results = []
    for height in range(fork + 1, src_height + 1):
        h = src.getblockhash(height)
        results.append(dst.submitblock(src.getblock(h, 0)))
    return results


# ---------------------------------------------------------------- UTXO set statistics

def _coin_ser(outpoint_key, height, coinbase, txout):
    txid, n = outpoint_key
    return (txid + struct.pack('<I', n) + struct.pack('<I', (height << 1) | int(coinbase))
            + txout.serialize())


def is_unspendable(spk):
    return (len(spk) > 0 and spk[0] == OP_RETURN) or len(spk) > MAX_SCRIPT_SIZE


class UtxoSet:
    """The UTXO set of a chain, built from its blocks in Python: a reference
    for gettxoutsetinfo (hash_serialized_3 and muhash as Umkoin Core's)."""

    def __init__(self):
        self.coins = {}       # (txid bytes, n) -> (height, coinbase, TxOut)
        self.undo = []        # per connected block: (spent coins, created keys)
        self.best_block = None
        self.height = -1

    def connect(self, block, height):
        """Applies a block (genesis is not applied: its coinbase is not spendable)."""
        spent, created = [], []
        if height > 0:
            for tx in block.txs:
                txid = tx.txid_bytes
                if not tx.is_coinbase():
                    for txin in tx.vin:
                        key = txin.prevout.key()
                        coin = self.coins.pop(key, None)
                        if coin is None:
                            raise ValueError(f'{tx.txid} spends missing {txin.prevout!r}')
                        spent.append((key, coin))
                for n, out in enumerate(tx.vout):
                    if not is_unspendable(out.script_pubkey):
                        key = (txid, n)
                        self.coins[key] = (height, tx.is_coinbase(), out)
                        created.append(key)
        self.undo.append((spent, created))
        self.best_block = block.hash
        self.height = height

    def disconnect(self, prev_hash):
        spent, created = self.undo.pop()
        for key in created:
            del self.coins[key]
        for key, coin in spent:
            self.coins[key] = coin
        self.best_block = prev_hash
        self.height -= 1

    def _sorted(self):
        return sorted(self.coins.items(), key=lambda kv: kv[0])

    def hash_serialized_3(self):
        h = hashlib.sha256()
        for key, (height, cb, out) in self._sorted():
            h.update(_coin_ser(key, height, cb, out))
        return hash_to_hex(hashlib.sha256(h.digest()).digest())

    def muhash(self):
        mh = MuHash3072()
        for key, (height, cb, out) in self._sorted():
            mh.insert(_coin_ser(key, height, cb, out))
        return hash_to_hex(mh.digest())

    def stats(self, with_muhash=False):
        """What gettxoutsetinfo reports (disk_size aside)."""
        txids = set()
        total = bogo = 0
        for (txid, _), (_, _, out) in self.coins.items():
            txids.add(txid)
            total += out.value
            bogo += 32 + 4 + 4 + 8 + 2 + len(out.script_pubkey)
        s = {'height': self.height, 'bestblock': self.best_block, 'txouts': len(self.coins),
             'bogosize': bogo, 'hash_serialized_3': self.hash_serialized_3(),
             'total_amount': amount(total), 'transactions': len(txids)}
        if with_muhash:
            s['muhash'] = self.muhash()
        return s


def node_utxo_reference(node):
    """A UtxoSet rebuilt from the node's active chain (one getblock per block)."""
    utxos = UtxoSet()
    for height in range(0, node.getblockcount() + 1):
        utxos.connect(get_block(node, node.getblockhash(height)), height)
    return utxos


# MuHash3072 (as Core's crypto/muhash): each element is SHA256'd, the hash
# keys ChaCha20 (nonce 0, counter from 0) for 384 bytes read as a
# little-endian 3072-bit number; the set is the product of its elements
# modulo 2^3072 - 1103717, and the digest is SHA256 of that number's 384
# little-endian bytes.
MUHASH_PRIME = (1 << 3072) - 1103717


def _rotl32(v, c):
    return ((v << c) & 0xffffffff) | (v >> (32 - c))


def chacha20_block(key, counter, nonce=bytes(12)):
    """One 64-byte ChaCha20 block (RFC 8439 layout)."""
    state = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]
    state += list(struct.unpack('<8I', key))
    state += [counter & 0xffffffff] + list(struct.unpack('<3I', nonce))
    x = list(state)

    def qr(a, b, c, d):
        x[a] = (x[a] + x[b]) & 0xffffffff
        x[d] = _rotl32(x[d] ^ x[a], 16)
        x[c] = (x[c] + x[d]) & 0xffffffff
        x[b] = _rotl32(x[b] ^ x[c], 12)
        x[a] = (x[a] + x[b]) & 0xffffffff
        x[d] = _rotl32(x[d] ^ x[a], 8)
        x[c] = (x[c] + x[d]) & 0xffffffff
        x[b] = _rotl32(x[b] ^ x[c], 7)

    for _ in range(10):
        qr(0, 4, 8, 12)
        qr(1, 5, 9, 13)
        qr(2, 6, 10, 14)
        qr(3, 7, 11, 15)
        qr(0, 5, 10, 15)
        qr(1, 6, 11, 12)
        qr(2, 7, 8, 13)
        qr(3, 4, 9, 14)
    return struct.pack('<16I', *((x[i] + state[i]) & 0xffffffff for i in range(16)))


class MuHash3072:
    def __init__(self):
        self.numerator = 1
        self.denominator = 1

    @staticmethod
    def _element(data):
        key = sha256(data)
        stream = b''.join(chacha20_block(key, i) for i in range(6))
        return int.from_bytes(stream, 'little')

    def insert(self, data):
        self.numerator = (self.numerator * self._element(data)) % MUHASH_PRIME

    def remove(self, data):
        self.denominator = (self.denominator * self._element(data)) % MUHASH_PRIME

    def digest(self):
        value = (self.numerator * pow(self.denominator, -1, MUHASH_PRIME)) % MUHASH_PRIME
        return sha256(value.to_bytes(384, 'little'))


# ---------------------------------------------------------------- block files

def read_block_file(path, magic=REGTEST_MAGIC):
    """Yields the blocks of a blkNNNNN.dat file (records: message start,
    4-byte little-endian size, block) as raw bytes; stops at zero padding."""
    with open(path, 'rb') as f:
        data = f.read()
    pos = 0
    while pos + 8 <= len(data):
        if data[pos:pos + 4] != magic:
            if data[pos:pos + 4] == bytes(4):
                break
            raise DeserializationError(f'bad message start at offset {pos}')
        size = struct.unpack_from('<I', data, pos + 4)[0]
        if pos + 8 + size > len(data):
            raise DeserializationError(f'truncated record at offset {pos}')
        yield data[pos + 8:pos + 8 + size]
        pos += 8 + size


# ---------------------------------------------------------------- a wallet without keys

class Utxo:
    __slots__ = ('txid', 'vout', 'value', 'height', 'coinbase', 'script_pubkey')

    def __init__(self, txid, vout, value, height=None, coinbase=False, script_pubkey=P2WSH_OP_TRUE):
        self.txid = txid                  # RPC hex
        self.vout = vout
        self.value = value                # satoshis
        self.height = height              # None while unconfirmed
        self.coinbase = coinbase
        self.script_pubkey = script_pubkey

    @property
    def outpoint(self):
        return OutPoint(self.txid, self.vout)

    def __repr__(self):
        return f'Utxo({self.txid}:{self.vout}, {self.value}, height={self.height}, cb={self.coinbase})'


class AnyoneCanSpend:
    """Coins nobody needs a key for: outputs to P2WSH(OP_TRUE) (spent with the
    witness [OP_TRUE]; standard, so its transactions go through the mempool)
    or, with bare=True, to a bare OP_TRUE (spent with an empty scriptSig; not
    standard: only for blocks a test builds itself).

    generate() mines with generatetoaddress (or generatetodescriptor) and
    reads each new block with getblock to learn its coinbase; scan_block()
    does the same for blocks a test builds; the wallet also follows its own
    transactions, so spends can be chained. It never signs anything."""

    def __init__(self, node, bare=False, fee=1000):
        self.node = node
        self.bare = bare
        self.script_pubkey = BARE_OP_TRUE if bare else P2WSH_OP_TRUE
        self.address = None if bare else P2WSH_OP_TRUE_ADDRESS
        self.descriptor = with_checksum(f'raw({self.script_pubkey.hex()})' if bare
                                        else f'addr({self.address})')
        self.fee = fee                    # default fee per transaction, satoshis
        self.utxos = []
        self.height = 0                   # the highest block scanned

    # ---- following the chain

    def generate(self, n, node=None, use_descriptor=False):
        """Mines n blocks to this wallet on `node` and scans them; returns the hashes."""
        node = node or self.node
        if use_descriptor or self.bare:
            hashes = node.generatetodescriptor(n, self.descriptor)
        else:
            hashes = node.generatetoaddress(n, self.address)
        for h in hashes:
            block = get_block(node, h)
            self.scan_block(block, node.getblockheader(h)['height'])
        return hashes

    def scan_block(self, block, height):
        """Marks the wallet's outputs a block creates (and its spends)."""
        spent = {txin.prevout.key() for tx in block.txs for txin in tx.vin}
        self.utxos = [u for u in self.utxos if u.outpoint.key() not in spent]
        known = {u.outpoint.key(): u for u in self.utxos}
        for tx in block.txs:
            txid = tx.txid
            txid_bytes = tx.txid_bytes
            for n, out in enumerate(tx.vout):
                if out.script_pubkey != self.script_pubkey or (txid_bytes, n) in spent:
                    continue
                u = known.get((txid_bytes, n))
                if u is None:
                    self.utxos.append(Utxo(txid, n, out.value, height, tx.is_coinbase(), out.script_pubkey))
                else:
                    u.height = height
        self.height = max(self.height, height)

    def rescan(self, node=None):
        """Forgets everything and reads the node's whole active chain."""
        node = node or self.node
        self.utxos = []
        self.height = 0
        for height in range(1, node.getblockcount() + 1):
            self.scan_block(get_block(node, node.getblockhash(height)), height)

    def forget_unconfirmed(self):
        self.utxos = [u for u in self.utxos if u.height is not None]

    # ---- choosing coins

    def spendable(self, next_height=None, confirmed_only=False):
        """UTXOs a transaction in block next_height (default: after the last
        scanned block) may spend: coinbases 100 blocks deep."""
        next_height = self.height + 1 if next_height is None else next_height
        out = []
        for u in self.utxos:
            if u.height is None:
                if not confirmed_only:
                    out.append(u)
            elif not u.coinbase or next_height - u.height >= COINBASE_MATURITY:
                out.append(u)
        return out

    def get_utxo(self, next_height=None, confirmed_only=False, min_value=0, mark_spent=True):
        """The oldest spendable UTXO (of at least min_value), removed from the
        wallet unless mark_spent is false."""
        for u in self.spendable(next_height, confirmed_only):
            if u.value >= min_value:
                if mark_spent:
                    self.utxos.remove(u)
                return u
        raise AssertionError(f'no spendable UTXO (wallet has {len(self.utxos)}, height {self.height})')

    def immature_utxo(self, next_height=None, mark_spent=True):
        """A coinbase UTXO that is not yet mature for next_height."""
        next_height = self.height + 1 if next_height is None else next_height
        for u in reversed(self.utxos):
            if u.coinbase and u.height is not None and next_height - u.height < COINBASE_MATURITY:
                if mark_spent:
                    self.utxos.remove(u)
                return u
        raise AssertionError('no immature coinbase')

    # ---- transactions

    def input_for(self, utxo, sequence=0xfffffffd):
        txin = TxIn(utxo.outpoint, b'', sequence)
        if utxo.script_pubkey == P2WSH_OP_TRUE:
            txin.witness = [OP_TRUE_SCRIPT]
        return txin

    def create_spend(self, utxos, outputs, locktime=0, version=2):
        """A transaction spending utxos (anyone-can-spend ones) to outputs
        (TxOut list). Fee = inputs - outputs."""
        return Tx([self.input_for(u) for u in utxos], outputs, version=version, locktime=locktime)

    def create_self_transfer(self, utxo=None, fee=None, n_outputs=1, extra_outputs=(), **spend_kwargs):
        """A transaction of one UTXO (default: get_utxo()) back to the wallet in
        n_outputs equal outputs, less fee, plus extra_outputs (paid from it too)."""
        utxo = utxo or self.get_utxo()
        fee = self.fee if fee is None else fee
        extra = list(extra_outputs)
        value = utxo.value - fee - sum(o.value for o in extra)
        if value < n_outputs * 1000:
            raise AssertionError(f'{utxo!r} too small for the outputs and fee')
        each = value // n_outputs
        outs = [TxOut(each, self.script_pubkey) for _ in range(n_outputs)]
        outs[-1].value += value - each * n_outputs
        tx = self.create_spend([utxo], outs + extra, **spend_kwargs)
        return tx

    def add_outputs(self, tx, height=None):
        """Takes the wallet's outputs of tx (not confirmed yet unless height given)."""
        for n, out in enumerate(tx.vout):
            if out.script_pubkey == self.script_pubkey:
                self.utxos.append(Utxo(tx.txid, n, out.value, height, tx.is_coinbase(), out.script_pubkey))

    def send(self, tx, node=None):
        """sendrawtransaction; the txid must come back; the outputs join the
        wallet as unconfirmed. Returns a dict: txid, wtxid, hex, tx, fee
        (satoshis, if the spent coins were the wallet's), vsize, weight."""
        node = node or self.node
        hex_tx = tx.hex()
        txid = node.sendrawtransaction(hex_tx)
        if txid != tx.txid:
            raise AssertionError(f'sendrawtransaction returned {txid}, expected {tx.txid}')
        spent = {txin.prevout.key() for txin in tx.vin}
        self.utxos = [u for u in self.utxos if u.outpoint.key() not in spent]
        self.add_outputs(tx)
        return {'txid': tx.txid, 'wtxid': tx.wtxid, 'hex': hex_tx, 'tx': tx,
                'vsize': tx.vsize(), 'weight': tx.weight()}

    def send_self_transfer(self, node=None, utxo=None, fee=None, **kwargs):
        utxo = utxo or self.get_utxo()
        fee = self.fee if fee is None else fee
        tx = self.create_self_transfer(utxo=utxo, fee=fee, **kwargs)
        sent = self.send(tx, node)
        sent['fee'] = fee
        sent['spent'] = utxo
        return sent

    def send_to(self, script_pubkey, value, node=None, utxo=None, fee=None):
        """Pays value to script_pubkey (change back to the wallet)."""
        utxo = utxo or self.get_utxo(min_value=value + 10_000)
        fee = self.fee if fee is None else fee
        tx = self.create_spend([utxo], [TxOut(value, script_pubkey),
                                        TxOut(utxo.value - value - fee, self.script_pubkey)])
        sent = self.send(tx, node)
        sent['fee'] = fee
        return sent


# ---------------------------------------------------------------- keys (added for the raw-transaction tests)

def _ripemd160_py(data):
    """RIPEMD-160 in pure Python (hashlib's 'ripemd160' depends on the
    OpenSSL build and is missing from some)."""
    def rol(x, n):
        return ((x << n) | (x >> (32 - n))) & 0xffffffff

    funcs = (lambda x, y, z: x ^ y ^ z,
             lambda x, y, z: (x & y) | (~x & z),
             lambda x, y, z: (x | ~y) ^ z,
             lambda x, y, z: (x & z) | (y & ~z),
             lambda x, y, z: x ^ (y | ~z))
    rl = [list(range(16)),
          [7, 4, 13, 1, 10, 6, 15, 3, 12, 0, 9, 5, 2, 14, 11, 8],
          [3, 10, 14, 4, 9, 15, 8, 1, 2, 7, 0, 6, 13, 11, 5, 12],
          [1, 9, 11, 10, 0, 8, 12, 4, 13, 3, 7, 15, 14, 5, 6, 2],
          [4, 0, 5, 9, 7, 12, 2, 10, 14, 1, 3, 8, 11, 6, 15, 13]]
    rr = [[5, 14, 7, 0, 9, 2, 11, 4, 13, 6, 15, 8, 1, 10, 3, 12],
          [6, 11, 3, 7, 0, 13, 5, 10, 14, 15, 8, 12, 4, 9, 1, 2],
          [15, 5, 1, 3, 7, 14, 6, 9, 11, 8, 12, 2, 10, 0, 4, 13],
          [8, 6, 4, 1, 3, 11, 15, 0, 5, 12, 2, 13, 9, 7, 10, 14],
          [12, 15, 10, 4, 1, 5, 8, 7, 6, 2, 13, 14, 0, 3, 9, 11]]
    sl = [[11, 14, 15, 12, 5, 8, 7, 9, 11, 13, 14, 15, 6, 7, 9, 8],
          [7, 6, 8, 13, 11, 9, 7, 15, 7, 12, 15, 9, 11, 7, 13, 12],
          [11, 13, 6, 7, 14, 9, 13, 15, 14, 8, 13, 6, 5, 12, 7, 5],
          [11, 12, 14, 15, 14, 15, 9, 8, 9, 14, 5, 6, 8, 6, 5, 12],
          [9, 15, 5, 11, 6, 8, 13, 12, 5, 12, 13, 14, 11, 8, 5, 6]]
    sr = [[8, 9, 9, 11, 13, 15, 15, 5, 7, 7, 8, 11, 14, 14, 12, 6],
          [9, 13, 15, 7, 12, 8, 9, 11, 7, 7, 12, 7, 6, 15, 13, 11],
          [9, 7, 15, 11, 8, 6, 6, 14, 12, 13, 5, 14, 13, 13, 7, 5],
          [15, 5, 8, 11, 14, 14, 6, 14, 6, 9, 12, 9, 12, 5, 15, 8],
          [8, 5, 12, 9, 12, 5, 14, 6, 8, 13, 6, 5, 15, 13, 11, 11]]
    kl = (0x00000000, 0x5a827999, 0x6ed9eba1, 0x8f1bbcdc, 0xa953fd4e)
    kr = (0x50a28be6, 0x5c4dd124, 0x6d703ef3, 0x7a6d76e9, 0x00000000)
    h = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0]
    msg = bytes(data) + b'\x80'
    msg += bytes((56 - len(msg)) % 64) + struct.pack('<Q', (len(data) * 8) & 0xffffffffffffffff)
    for off in range(0, len(msg), 64):
        x = struct.unpack('<16I', msg[off:off + 64])
        al, bl, cl, dl, el = h
        ar, br, cr, dr, er = h
        for j in range(5):
            for i in range(16):
                t = rol((al + funcs[j](bl, cl, dl) + x[rl[j][i]] + kl[j]) & 0xffffffff, sl[j][i]) + el
                al, el, dl, cl, bl = el, dl, rol(cl, 10), bl, t & 0xffffffff
                t = rol((ar + funcs[4 - j](br, cr, dr) + x[rr[j][i]] + kr[j]) & 0xffffffff, sr[j][i]) + er
                ar, er, dr, cr, br = er, dr, rol(cr, 10), br, t & 0xffffffff
        t = (h[1] + cl + dr) & 0xffffffff
        h[1] = (h[2] + dl + er) & 0xffffffff
        h[2] = (h[3] + el + ar) & 0xffffffff
        h[3] = (h[4] + al + br) & 0xffffffff
        h[4] = (h[0] + bl + cr) & 0xffffffff
        h[0] = t
    return struct.pack('<5I', *h)


def ripemd160(data):
    try:
        return hashlib.new('ripemd160', bytes(data)).digest()
    except ValueError:
        return _ripemd160_py(data)


def hash160(data):
    """RIPEMD160(SHA256(data)): the hash of P2PKH, P2WPKH and P2SH."""
    return ripemd160(sha256(data))


# secp256k1, just enough to turn a private key into its public key (signing
# is the node's job: signrawtransactionwithkey).
SECP256K1_P = 2**256 - 2**32 - 977
SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141
SECP256K1_G = (0x79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798,
               0x483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8)


def _ec_add(a, b):
    p = SECP256K1_P
    if a is None:
        return b
    if b is None:
        return a
    if a[0] == b[0]:
        if (a[1] + b[1]) % p == 0:
            return None
        lam = 3 * a[0] * a[0] * pow(2 * a[1], -1, p) % p
    else:
        lam = (b[1] - a[1]) * pow(b[0] - a[0], -1, p) % p
    x = (lam * lam - a[0] - b[0]) % p
    return x, (lam * (a[0] - x) - a[1]) % p


def ec_pubkey(secret, compressed=True):
    """The public key of a private key (an int in 1..n-1), SEC1-encoded."""
    if not 0 < secret < SECP256K1_N:
        raise ValueError('private key out of range')
    point, addend = None, SECP256K1_G
    while secret:
        if secret & 1:
            point = _ec_add(point, addend)
        addend = _ec_add(addend, addend)
        secret >>= 1
    x, y = point
    if compressed:
        return bytes([2 + (y & 1)]) + x.to_bytes(32, 'big')
    return b'\x04' + x.to_bytes(32, 'big') + y.to_bytes(32, 'big')


REGTEST_SECRET_PREFIX = 0xef


def wif_encode(secret, compressed=True, prefix=REGTEST_SECRET_PREFIX):
    """A private key in wallet import format (regtest by default)."""
    return base58check_encode(bytes([prefix]) + secret.to_bytes(32, 'big') + (b'\x01' if compressed else b''))


def p2pkh_script(pubkey):
    return bytes([OP_DUP, OP_HASH160, 20]) + hash160(pubkey) + bytes([OP_EQUALVERIFY, OP_CHECKSIG])


def p2wpkh_script(pubkey):
    return bytes([OP_0, 20]) + hash160(pubkey)


def p2sh_script(redeem_script):
    return bytes([OP_HASH160, 20]) + hash160(redeem_script) + bytes([OP_EQUAL])


def p2pkh_address(pubkey):
    return base58check_encode(bytes([REGTEST_P2PKH_PREFIX]) + hash160(pubkey))


def p2sh_address(redeem_script):
    return base58check_encode(bytes([REGTEST_P2SH_PREFIX]) + hash160(redeem_script))


def p2wpkh_address(pubkey):
    return segwit_address(0, hash160(pubkey))
