/* script-flags.h — script verification flags, bit positions as Umkoin Core
 * numbers them (consensus code and test vectors name them; see script issue). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

typedef uint64_t UmkScriptFlags;

enum
{
  UMK_SCRIPT_VERIFY_NONE = 0,
  UMK_SCRIPT_VERIFY_P2SH = 1ull << 0,
  UMK_SCRIPT_VERIFY_STRICTENC = 1ull << 1,
  UMK_SCRIPT_VERIFY_DERSIG = 1ull << 2,
  UMK_SCRIPT_VERIFY_LOW_S = 1ull << 3,
  UMK_SCRIPT_VERIFY_NULLDUMMY = 1ull << 4,
  UMK_SCRIPT_VERIFY_SIGPUSHONLY = 1ull << 5,
  UMK_SCRIPT_VERIFY_MINIMALDATA = 1ull << 6,
  UMK_SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_NOPS = 1ull << 7,
  UMK_SCRIPT_VERIFY_CLEANSTACK = 1ull << 8,
  UMK_SCRIPT_VERIFY_CHECKLOCKTIMEVERIFY = 1ull << 9,
  UMK_SCRIPT_VERIFY_CHECKSEQUENCEVERIFY = 1ull << 10,
  UMK_SCRIPT_VERIFY_WITNESS = 1ull << 11,
  UMK_SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM = 1ull << 12,
  UMK_SCRIPT_VERIFY_MINIMALIF = 1ull << 13,
  UMK_SCRIPT_VERIFY_NULLFAIL = 1ull << 14,
  UMK_SCRIPT_VERIFY_WITNESS_PUBKEYTYPE = 1ull << 15,
  UMK_SCRIPT_VERIFY_CONST_SCRIPTCODE = 1ull << 16,
  UMK_SCRIPT_VERIFY_TAPROOT = 1ull << 17,
  UMK_SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_TAPROOT_VERSION = 1ull << 18,
  UMK_SCRIPT_VERIFY_DISCOURAGE_OP_SUCCESS = 1ull << 19,
  UMK_SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_PUBKEYTYPE = 1ull << 20,
};

#define UMK_SCRIPT_VERIFY_FLAG_COUNT 21
#define UMK_SCRIPT_VERIFY_ALL        ((1ull << UMK_SCRIPT_VERIFY_FLAG_COUNT) - 1)

/* The name of flag bit i (0 ≤ i < UMK_SCRIPT_VERIFY_FLAG_COUNT), as the test
 * vectors spell it ("P2SH", "STRICTENC", …). */
const char *umk_script_flag_name (unsigned bit);

/* Parses comma-separated flag names; "" and "NONE" are no flags. Returns false
 * and names the first unknown word in *bad (owned by the caller) if any. */
bool umk_script_flags_parse (const char *names, UmkScriptFlags *out, char **bad);
