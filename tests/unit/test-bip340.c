/* Tests for BIP 340 signing and verification (common/key, common/pubkey)
 * against the BIP's own vector file. */
#include "config.h"

#include "common/hex.h"
#include "common/key.h"
#include "common/pubkey.h"
#include "test-util.h"

#include <string.h>

enum
{
  COL_INDEX,
  COL_SECKEY,
  COL_PUBKEY,
  COL_AUX,
  COL_MSG,
  COL_SIG,
  COL_RESULT,
  COL_COMMENT,
  N_COLS
};

static bool
is_all_zero (const uint8_t *p, size_t len)
{
  for (size_t i = 0; i < len; i++)
    if (p[i] != 0)
      return false;
  return true;
}

/* One row; on failure *why says which check broke. */
static bool
check_row (char **col, const char **why)
{
  uint8_t pubkey[32], sig[64];
  if (!umk_hex_decode_fixed (col[COL_PUBKEY], pubkey, 32)
      || !umk_hex_decode_fixed (col[COL_SIG], sig, 64))
    {
      *why = "bad hex in public key or signature";
      return false;
    }
  g_autoptr (GByteArray) msg = umk_test_hex (col[COL_MSG]);
  bool expected = strcmp (col[COL_RESULT], "TRUE") == 0;
  if (!expected && strcmp (col[COL_RESULT], "FALSE") != 0)
    {
      *why = "verification result is neither TRUE nor FALSE";
      return false;
    }

  if (umk_schnorr_verify (pubkey, sig, msg->data, msg->len) != expected)
    {
      *why = "umk_schnorr_verify gave the wrong result";
      return false;
    }
  if (expected && !umk_xonly_is_valid (pubkey))
    {
      *why = "a key that verifies is not umk_xonly_is_valid";
      return false;
    }

  if (*col[COL_SECKEY] == '\0')
    return true;
  uint8_t seckey[32], aux[32], got[64];
  if (!umk_hex_decode_fixed (col[COL_SECKEY], seckey, 32)
      || !umk_hex_decode_fixed (col[COL_AUX], aux, 32))
    {
      *why = "bad hex in secret key or aux_rand";
      return false;
    }
  if (!umk_seckey_get_xonly (seckey, got) || memcmp (got, pubkey, 32) != 0)
    {
      *why = "umk_seckey_get_xonly differs from the public key";
      return false;
    }
  if (!umk_schnorr_sign (seckey, msg->data, msg->len, aux, got) || memcmp (got, sig, 64) != 0)
    {
      *why = "umk_schnorr_sign differs from the signature";
      return false;
    }
  /* key.h: a NULL aux means 32 zero bytes. */
  if (is_all_zero (aux, 32)
      && (!umk_schnorr_sign (seckey, msg->data, msg->len, NULL, got) || memcmp (got, sig, 64) != 0))
    {
      *why = "umk_schnorr_sign with NULL aux differs from the signature";
      return false;
    }
  return true;
}

static void
test_vectors (void)
{
  g_autoptr (GBytes) file = umk_test_load_bytes ("bip340_test_vectors.csv");
  g_autofree char *text = g_strndup (g_bytes_get_data (file, NULL), g_bytes_get_size (file));
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  UmkTally t;
  umk_tally_init (&t, "bip340_test_vectors.csv");
  bool header = true;
  for (char **l = lines; *l != NULL; l++)
    {
      g_strchomp (*l); /* also a '\r' if the file has CRLF line ends */
      if (**l == '\0')
        continue;
      if (header)
        {
          header = false;
          continue;
        }
      /* Only the comment could hold a comma, so it takes the rest. */
      g_auto (GStrv) col = g_strsplit (*l, ",", N_COLS);
      if (g_strv_length (col) < N_COLS - 1)
        {
          umk_tally_case (&t, false, "row \"%s\": too few columns", *l);
          continue;
        }
      const char *why = "";
      bool ok = check_row (col, &why);
      umk_tally_case (&t, ok, "index %s: %s", col[COL_INDEX], why);
    }
  umk_tally_finish_expect (&t, 19);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/bip340/vectors", test_vectors);
  return g_test_run ();
}
