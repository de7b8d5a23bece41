/* script.c — decoding operations and recognising script templates. */
#define G_LOG_DOMAIN "umk-script"
#include "config.h"

#include "common/script.h"

#include "common/script-num.h"
#include "common/serialize.h"

#include <string.h>

bool
umk_script_next_op (const uint8_t *script, size_t len, size_t *pc, UmkScriptOp *op)
{
  op->opcode = UMK_OP_INVALIDOPCODE;
  op->data = NULL;
  op->len = 0;
  if (*pc >= len)
    return false;

  uint8_t opcode = script[(*pc)++];
  if (opcode > UMK_OP_PUSHDATA4)
    {
      op->opcode = opcode;
      return true;
    }

  size_t left = len - *pc;
  size_t n;
  if (opcode < UMK_OP_PUSHDATA1)
    n = opcode;
  else
    {
      size_t width = opcode == UMK_OP_PUSHDATA1 ? 1 : opcode == UMK_OP_PUSHDATA2 ? 2 : 4;
      if (left < width)
        goto truncated;
      const uint8_t *p = script + *pc;
      n = width == 1 ? p[0] : width == 2 ? (size_t) (p[0] | p[1] << 8) : umk_load_u32le (p);
      *pc += width;
      left -= width;
    }
  if (left < n)
    goto truncated;
  op->opcode = opcode;
  op->data = script + *pc;
  op->len = n;
  *pc += n;
  return true;

truncated:
  *pc = len;
  return false;
}

const char *
umk_opcode_name (uint8_t op)
{
  static const char *const small[]
      = { "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16" };
  /* 0x61 (OP_NOP) .. 0xba (OP_CHECKSIGADD) */
  static const char *const named[] = {
    "OP_NOP",
    "OP_VER",
    "OP_IF",
    "OP_NOTIF",
    "OP_VERIF",
    "OP_VERNOTIF",
    "OP_ELSE",
    "OP_ENDIF",
    "OP_VERIFY",
    "OP_RETURN",
    "OP_TOALTSTACK",
    "OP_FROMALTSTACK",
    "OP_2DROP",
    "OP_2DUP",
    "OP_3DUP",
    "OP_2OVER",
    "OP_2ROT",
    "OP_2SWAP",
    "OP_IFDUP",
    "OP_DEPTH",
    "OP_DROP",
    "OP_DUP",
    "OP_NIP",
    "OP_OVER",
    "OP_PICK",
    "OP_ROLL",
    "OP_ROT",
    "OP_SWAP",
    "OP_TUCK",
    "OP_CAT",
    "OP_SUBSTR",
    "OP_LEFT",
    "OP_RIGHT",
    "OP_SIZE",
    "OP_INVERT",
    "OP_AND",
    "OP_OR",
    "OP_XOR",
    "OP_EQUAL",
    "OP_EQUALVERIFY",
    "OP_RESERVED1",
    "OP_RESERVED2",
    "OP_1ADD",
    "OP_1SUB",
    "OP_2MUL",
    "OP_2DIV",
    "OP_NEGATE",
    "OP_ABS",
    "OP_NOT",
    "OP_0NOTEQUAL",
    "OP_ADD",
    "OP_SUB",
    "OP_MUL",
    "OP_DIV",
    "OP_MOD",
    "OP_LSHIFT",
    "OP_RSHIFT",
    "OP_BOOLAND",
    "OP_BOOLOR",
    "OP_NUMEQUAL",
    "OP_NUMEQUALVERIFY",
    "OP_NUMNOTEQUAL",
    "OP_LESSTHAN",
    "OP_GREATERTHAN",
    "OP_LESSTHANOREQUAL",
    "OP_GREATERTHANOREQUAL",
    "OP_MIN",
    "OP_MAX",
    "OP_WITHIN",
    "OP_RIPEMD160",
    "OP_SHA1",
    "OP_SHA256",
    "OP_HASH160",
    "OP_HASH256",
    "OP_CODESEPARATOR",
    "OP_CHECKSIG",
    "OP_CHECKSIGVERIFY",
    "OP_CHECKMULTISIG",
    "OP_CHECKMULTISIGVERIFY",
    "OP_NOP1",
    "OP_CHECKLOCKTIMEVERIFY",
    "OP_CHECKSEQUENCEVERIFY",
    "OP_NOP4",
    "OP_NOP5",
    "OP_NOP6",
    "OP_NOP7",
    "OP_NOP8",
    "OP_NOP9",
    "OP_NOP10",
    "OP_CHECKSIGADD",
  };
  G_STATIC_ASSERT (G_N_ELEMENTS (named) == UMK_OP_CHECKSIGADD - UMK_OP_NOP + 1);

  switch (op)
    {
    case UMK_OP_0:
      return "0";
    case UMK_OP_PUSHDATA1:
      return "OP_PUSHDATA1";
    case UMK_OP_PUSHDATA2:
      return "OP_PUSHDATA2";
    case UMK_OP_PUSHDATA4:
      return "OP_PUSHDATA4";
    case UMK_OP_1NEGATE:
      return "-1";
    case UMK_OP_RESERVED:
      return "OP_RESERVED";
    case UMK_OP_INVALIDOPCODE:
      return "OP_INVALIDOPCODE";
    default:
      break;
    }
  if (op >= UMK_OP_1 && op <= UMK_OP_16)
    return small[op - UMK_OP_1];
  if (op >= UMK_OP_NOP && op <= UMK_OP_CHECKSIGADD)
    return named[op - UMK_OP_NOP];
  return "OP_UNKNOWN";
}

bool
umk_opcode_is_success (uint8_t op)
{
  return op == 80 || op == 98 || (op >= 126 && op <= 129) || (op >= 131 && op <= 134)
         || (op >= 137 && op <= 138) || (op >= 141 && op <= 142) || (op >= 149 && op <= 153)
         || (op >= 187 && op <= 254);
}

bool
umk_script_is_p2sh (const uint8_t *s, size_t len)
{
  return len == 23 && s[0] == UMK_OP_HASH160 && s[1] == 0x14 && s[22] == UMK_OP_EQUAL;
}

bool
umk_script_is_witness_program (const uint8_t *s, size_t len, int *version, const uint8_t **program,
                               size_t *program_len)
{
  if (len < 4 || len > 42)
    return false;
  if (s[0] != UMK_OP_0 && (s[0] < UMK_OP_1 || s[0] > UMK_OP_16))
    return false;
  if ((size_t) s[1] + 2 != len)
    return false;
  if (version)
    *version = umk_opcode_small_int (s[0]);
  if (program)
    *program = s + 2;
  if (program_len)
    *program_len = s[1];
  return true;
}

bool
umk_script_is_push_only (const uint8_t *s, size_t len)
{
  size_t pc = 0;
  UmkScriptOp op;
  while (pc < len)
    {
      if (!umk_script_next_op (s, len, &pc, &op))
        return false;
      /* OP_RESERVED is not a push, but Core has always counted it as one here
       * (it fails when executed anyway). */
      if (op.opcode > UMK_OP_16)
        return false;
    }
  return true;
}

bool
umk_script_is_unspendable (const uint8_t *s, size_t len)
{
  return (len > 0 && s[0] == UMK_OP_RETURN) || len > UMK_MAX_SCRIPT_SIZE;
}

unsigned
umk_script_sigop_count (const uint8_t *s, size_t len, bool accurate)
{
  unsigned n = 0;
  uint8_t last = UMK_OP_INVALIDOPCODE;
  size_t pc = 0;
  UmkScriptOp op;
  while (umk_script_next_op (s, len, &pc, &op))
    {
      if (op.opcode == UMK_OP_CHECKSIG || op.opcode == UMK_OP_CHECKSIGVERIFY)
        n++;
      else if (op.opcode == UMK_OP_CHECKMULTISIG || op.opcode == UMK_OP_CHECKMULTISIGVERIFY)
        {
          if (accurate && last >= UMK_OP_1 && last <= UMK_OP_16)
            n += (unsigned) umk_opcode_small_int (last);
          else
            n += UMK_MAX_PUBKEYS_PER_MULTISIG;
        }
      last = op.opcode;
    }
  return n;
}

void
umk_script_write_push (GByteArray *w, const void *data, size_t len)
{
  if (len < UMK_OP_PUSHDATA1)
    umk_write_u8 (w, (uint8_t) len);
  else if (len <= 0xff)
    {
      umk_write_u8 (w, UMK_OP_PUSHDATA1);
      umk_write_u8 (w, (uint8_t) len);
    }
  else if (len <= 0xffff)
    {
      umk_write_u8 (w, UMK_OP_PUSHDATA2);
      umk_write_u16le (w, (uint16_t) len);
    }
  else
    {
      umk_write_u8 (w, UMK_OP_PUSHDATA4);
      umk_write_u32le (w, (uint32_t) len);
    }
  umk_write_bytes (w, data, len);
}

void
umk_script_write_int (GByteArray *w, int64_t n)
{
  if (n == 0)
    umk_write_u8 (w, UMK_OP_0);
  else if (n == -1 || (n >= 1 && n <= 16))
    umk_write_u8 (w, (uint8_t) (UMK_OP_1 - 1 + n));
  else
    {
      uint8_t num[UMK_SCRIPT_NUM_MAX_ENCODED];
      size_t len = umk_script_num_encode (n, num);
      umk_script_write_push (w, num, len);
    }
}
