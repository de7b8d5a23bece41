/* rpc-rawtx-util.c — argument parsing and signing for the raw-transaction
 * methods, in the order of checks of Umkoin Core v31.0's
 * rpc/rawtransaction_util.cpp, so that a bad request fails with the same
 * error as it does there.
 */
#define G_LOG_DOMAIN "umk-rpc"
#include "config.h"

#include "node/rpc-rawtx-util.h"

#include "node/rpc-dispatch.h"
#include "node/rpc-tx.h"

#include "common/address.h"
#include "common/hash.h"
#include "common/hex.h"
#include "common/script.h"
#include "common/serialize.h"

#include <string.h>

/* ---- The coin lookup hook ------------------------------------------------ */

G_LOCK_DEFINE_STATIC (coin_lookup);
static UmkRpcCoinLookup coin_lookup_fn;
static gpointer coin_lookup_user;

void
umk_rpc_rawtx_set_coin_lookup (UmkRpcCoinLookup fn, gpointer user)
{
  G_LOCK (coin_lookup);
  coin_lookup_fn = fn;
  coin_lookup_user = user;
  G_UNLOCK (coin_lookup);
}

/* ---- Values -------------------------------------------------------------- */

#define FIXED_UPPER_BOUND (G_GINT64_CONSTANT (1000000000000000000) - 1)

/* One mantissa digit. Zeros are only counted, so that trailing zeros (as in
 * "1.00000000") never overflow; they are multiplied in when a non-zero digit
 * follows. */
static gboolean
mantissa_digit (char ch, int64_t *mantissa, int *tzeros)
{
  if (ch == '0')
    {
      ++*tzeros;
      return TRUE;
    }
  for (int i = 0; i <= *tzeros; i++)
    {
      if (*mantissa > FIXED_UPPER_BOUND / 10)
        return FALSE;
      *mantissa *= 10;
    }
  *mantissa += ch - '0';
  *tzeros = 0;
  return TRUE;
}

gboolean
umk_rpc_parse_fixed_point (const char *text, int decimals, int64_t *out)
{
  int64_t mantissa = 0, exponent = 0;
  int tzeros = 0, point_ofs = 0;
  gboolean negative = FALSE, exp_negative = FALSE;
  const char *p = text;

  if (*p == '-')
    {
      negative = TRUE;
      p++;
    }
  if (*p == '0')
    p++; /* a single leading zero */
  else if (*p >= '1' && *p <= '9')
    {
      for (; g_ascii_isdigit (*p); p++)
        if (!mantissa_digit (*p, &mantissa, &tzeros))
          return FALSE;
    }
  else
    return FALSE;
  if (*p == '.')
    {
      p++;
      if (!g_ascii_isdigit (*p))
        return FALSE;
      for (; g_ascii_isdigit (*p); p++, point_ofs++)
        if (!mantissa_digit (*p, &mantissa, &tzeros))
          return FALSE;
    }
  if (*p == 'e' || *p == 'E')
    {
      p++;
      if (*p == '+')
        p++;
      else if (*p == '-')
        {
          exp_negative = TRUE;
          p++;
        }
      if (!g_ascii_isdigit (*p))
        return FALSE;
      for (; g_ascii_isdigit (*p); p++)
        {
          if (exponent > FIXED_UPPER_BOUND / 10)
            return FALSE;
          exponent = exponent * 10 + (*p - '0');
        }
    }
  if (*p != '\0')
    return FALSE;

  if (exp_negative)
    exponent = -exponent;
  exponent = exponent - point_ofs + tzeros + decimals;
  if (negative)
    mantissa = -mantissa;
  /* Values below 10^-decimals, or of 10^(18-decimals) and more, do not fit. */
  if (exponent < 0 || exponent >= 18)
    return FALSE;
  for (int64_t i = 0; i < exponent; i++)
    {
      if (mantissa > FIXED_UPPER_BOUND / 10 || mantissa < -(FIXED_UPPER_BOUND / 10))
        return FALSE;
      mantissa *= 10;
    }
  if (mantissa > FIXED_UPPER_BOUND || mantissa < -FIXED_UPPER_BOUND)
    return FALSE;
  *out = mantissa;
  return TRUE;
}

static gboolean
holds_type (JsonNode *node, GType type)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

static gboolean
is_number (JsonNode *node)
{
  return holds_type (node, G_TYPE_INT64) || holds_type (node, G_TYPE_DOUBLE);
}

static gboolean
is_null (JsonNode *node)
{
  return node == NULL || JSON_NODE_HOLDS_NULL (node);
}

char *
umk_rpc_value_str (JsonNode *node)
{
  if (holds_type (node, G_TYPE_STRING))
    return g_strdup (json_node_get_string (node));
  if (holds_type (node, G_TYPE_INT64))
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  if (holds_type (node, G_TYPE_DOUBLE))
    {
      /* The shortest text that reads back as the same double: what was sent,
       * for every number a client would write by hand. */
      double d = json_node_get_double (node);
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      for (int prec = 1; prec <= 17; prec++)
        {
          char fmt[8];
          g_snprintf (fmt, sizeof fmt, "%%.%dg", prec);
          g_ascii_formatd (buf, sizeof buf, fmt, d);
          if (g_ascii_strtod (buf, NULL) == d)
            break;
        }
      return g_strdup (buf);
    }
  if (holds_type (node, G_TYPE_BOOLEAN))
    return g_strdup (json_node_get_boolean (node) ? "1" : "");
  return g_strdup ("");
}

gboolean
umk_rpc_amount_from_value (JsonNode *value, int64_t *amount, GError **error)
{
  if (!is_number (value) && !holds_type (value, G_TYPE_STRING))
    {
      umk_rpc_set_error (error, UMK_RPC_TYPE_ERROR, "Amount is not a number or string");
      return FALSE;
    }
  g_autofree char *text = umk_rpc_value_str (value);
  int64_t v;
  if (!umk_rpc_parse_fixed_point (text, 8, &v))
    {
      umk_rpc_set_error (error, UMK_RPC_TYPE_ERROR, "Invalid amount");
      return FALSE;
    }
  if (!umk_money_range (v))
    {
      umk_rpc_set_error (error, UMK_RPC_TYPE_ERROR, "Amount out of range");
      return FALSE;
    }
  *amount = v;
  return TRUE;
}

/* UniValue::get_str: the string, or -3 naming the actual type. */
static const char *
get_str (JsonNode *value, GError **error)
{
  if (!holds_type (value, G_TYPE_STRING))
    {
      umk_rpc_set_error (error, UMK_RPC_TYPE_ERROR,
                         "JSON value of type %s is not of expected type string",
                         umk_rpc_type_name (is_null (value) ? NULL : value));
      return NULL;
    }
  return json_node_get_string (value);
}

gboolean
umk_rpc_parse_hash_v (JsonNode *value, const char *name, UmkUint256 *out, GError **error)
{
  const char *hex = get_str (value, error);
  if (hex == NULL)
    return FALSE;
  size_t len = strlen (hex);
  if (len == 64 && umk_uint256_from_hex (out, hex))
    return TRUE;
  if (len != 64)
    umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER,
                       "%s must be of length %d (not %zu, for '%s')", name, 64, len, hex);
  else
    umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER, "%s must be hexadecimal string (not '%s')",
                       name, hex);
  return FALSE;
}

static GByteArray *
parse_hex_str (const char *hex, const char *name, GError **error)
{
  if (!umk_hex_is_valid (hex))
    {
      umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER,
                         "%s must be hexadecimal string (not '%s')", name, hex);
      return NULL;
    }
  return umk_hex_decode (hex, NULL);
}

GByteArray *
umk_rpc_parse_hex_v (JsonNode *value, const char *name, GError **error)
{
  /* Anything but a string reads as "", which is not hex. */
  return parse_hex_str (holds_type (value, G_TYPE_STRING) ? json_node_get_string (value) : "", name,
                        error);
}

gboolean
umk_rpc_node_int (JsonNode *value, gint64 min, gint64 max, gint64 *out, GError **error)
{
  if (!is_number (value))
    {
      umk_rpc_set_error (error, UMK_RPC_TYPE_ERROR,
                         "JSON value of type %s is not of expected type number",
                         umk_rpc_type_name (is_null (value) ? NULL : value));
      return FALSE;
    }
  /* UniValue parses its number text as an integer: "1.0" is out of range. */
  if (!holds_type (value, G_TYPE_INT64) || json_node_get_int (value) < min
      || json_node_get_int (value) > max)
    {
      umk_rpc_set_error (error, UMK_RPC_MISC_ERROR, "JSON integer out of range");
      return FALSE;
    }
  *out = json_node_get_int (value);
  return TRUE;
}

/* ---- Transactions -------------------------------------------------------- */

/* Core's CScript::HasValidOps with the size limit of CheckTxScriptsSanity. */
static gboolean
script_sane (const UmkSpan *s)
{
  if (s->len > UMK_MAX_SCRIPT_SIZE)
    return FALSE;
  size_t pc = 0;
  UmkScriptOp op;
  while (pc < s->len)
    if (!umk_script_next_op (s->data, s->len, &pc, &op) || op.opcode > UMK_OP_NOP10
        || op.len > UMK_MAX_SCRIPT_ELEMENT_SIZE)
      return FALSE;
  return TRUE;
}

static gboolean
tx_scripts_sane (const UmkTx *tx)
{
  if (!umk_tx_is_coinbase (tx))
    for (uint32_t i = 0; i < tx->n_in; i++)
      if (!script_sane (&tx->in[i].script_sig))
        return FALSE;
  for (uint32_t i = 0; i < tx->n_out; i++)
    if (!script_sane (&tx->out[i].script_pubkey))
      return FALSE;
  return TRUE;
}

static UmkTx *
read_whole (GBytes *bytes, gboolean witness)
{
  gsize len;
  const uint8_t *data = g_bytes_get_data (bytes, &len);
  UmkReader r;
  umk_reader_init (&r, data, len);
  UmkTx *tx = umk_tx_read (&r, bytes, witness);
  if (tx != NULL && umk_reader_remaining (&r) != 0)
    g_clear_pointer (&tx, umk_tx_unref);
  return tx;
}

UmkTx *
umk_rpc_decode_hex_tx (const char *hex, gboolean try_no_witness, gboolean try_witness)
{
  if (!umk_hex_is_valid (hex))
    return NULL;
  g_autoptr (GByteArray) raw = umk_hex_decode (hex, NULL);
  g_autoptr (GBytes) bytes = g_byte_array_free_to_bytes (g_steal_pointer (&raw));

  /* A legacy transaction without inputs reads, in the witness encoding, as a
   * marker and flag; the reading whose scripts make sense decides. */
  g_autoptr (UmkTx) extended = try_witness ? read_whole (bytes, TRUE) : NULL;
  if (extended != NULL && tx_scripts_sane (extended))
    return g_steal_pointer (&extended);
  g_autoptr (UmkTx) legacy = try_no_witness ? read_whole (bytes, FALSE) : NULL;
  if (legacy != NULL && tx_scripts_sane (legacy))
    return g_steal_pointer (&legacy);
  if (extended != NULL)
    return g_steal_pointer (&extended);
  return g_steal_pointer (&legacy);
}

/* Core's AddInputs. */
static gboolean
add_inputs (UmkTxBuilder *b, JsonNode *inputs, const UmkJsonDuplicates *dups, int replaceable,
            GError **error)
{
  if (is_null (inputs))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (inputs))
    {
      umk_rpc_set_error (error, UMK_RPC_TYPE_ERROR,
                         "JSON value of type %s is not of expected type array",
                         umk_rpc_type_name (inputs));
      return FALSE;
    }
  JsonArray *arr = json_node_get_array (inputs);
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      JsonNode *input = json_array_get_element (arr, i);
      if (!JSON_NODE_HOLDS_OBJECT (input))
        {
          umk_rpc_set_error (error, UMK_RPC_TYPE_ERROR,
                             "JSON value of type %s is not of expected type object",
                             umk_rpc_type_name (input));
          return FALSE;
        }
      JsonObject *o = json_node_get_object (input);
      UmkOutPoint prevout;
      /* find_value: the first of a repeated key */
      if (!umk_rpc_parse_hash_v (umk_json_duplicates_first (dups, o, "txid"), "txid", &prevout.hash,
                                 error))
        return FALSE;
      JsonNode *vout = umk_json_duplicates_first (dups, o, "vout");
      if (!is_number (vout))
        {
          umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER,
                             "Invalid parameter, missing vout key");
          return FALSE;
        }
      gint64 n;
      if (!umk_rpc_node_int (vout, G_MININT32, G_MAXINT32, &n, error))
        return FALSE;
      if (n < 0)
        {
          umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER,
                             "Invalid parameter, vout cannot be negative");
          return FALSE;
        }
      prevout.n = (uint32_t) n;

      /* Replaceable unless told otherwise; else final, but one below final
       * when a lock time must take effect. */
      uint32_t sequence;
      if (replaceable != 0)
        sequence = UMK_SEQUENCE_FINAL - 2;
      else if (b->lock_time != 0)
        sequence = UMK_SEQUENCE_FINAL - 1;
      else
        sequence = UMK_SEQUENCE_FINAL;
      JsonNode *seq = umk_json_duplicates_first (dups, o, "sequence");
      if (is_number (seq))
        {
          gint64 s;
          if (!umk_rpc_node_int (seq, G_MININT64, G_MAXINT64, &s, error))
            return FALSE;
          if (s < 0 || s > UMK_SEQUENCE_FINAL)
            {
              umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER,
                                 "Invalid parameter, sequence number is out of range");
              return FALSE;
            }
          sequence = (uint32_t) s;
        }
      umk_tx_builder_add_input (b, &prevout, sequence);
    }
  return TRUE;
}

typedef struct
{
  const char *key;
  JsonNode *value;
} Output;

/* Appends the members of o as UniValue holds them: a repeated key as often
 * as the text gives it. Returns: how many. */
static guint
add_members (GArray *pairs, JsonObject *o, const UmkJsonDuplicates *dups)
{
  guint n;
  const UmkJsonMember *all = umk_json_duplicates_members (dups, o, &n);
  if (all)
    {
      for (guint i = 0; i < n; i++)
        {
          Output out = { all[i].name, all[i].value };
          g_array_append_val (pairs, out);
        }
      return n;
    }
  g_autoptr (GList) members = json_object_get_members (o);
  for (GList *m = members; m; m = m->next)
    {
      Output out = { m->data, json_object_get_member (o, m->data) };
      g_array_append_val (pairs, out);
    }
  return json_object_get_size (o);
}

/* Core's NormalizeOutputs: the outputs as key-value pairs, in order. */
static GArray *
normalize_outputs (JsonNode *outputs, const UmkJsonDuplicates *dups, GError **error)
{
  if (is_null (outputs))
    {
      umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER,
                         "Invalid parameter, output argument must be non-null");
      return NULL;
    }
  g_autoptr (GArray) pairs = g_array_new (FALSE, FALSE, sizeof (Output));
  if (JSON_NODE_HOLDS_OBJECT (outputs))
    {
      add_members (pairs, json_node_get_object (outputs), dups);
      return g_steal_pointer (&pairs);
    }
  if (!JSON_NODE_HOLDS_ARRAY (outputs))
    {
      umk_rpc_set_error (error, UMK_RPC_TYPE_ERROR,
                         "JSON value of type %s is not of expected type array",
                         umk_rpc_type_name (outputs));
      return NULL;
    }
  JsonArray *arr = json_node_get_array (outputs);
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      JsonNode *pair = json_array_get_element (arr, i);
      if (!JSON_NODE_HOLDS_OBJECT (pair))
        {
          umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER,
                             "Invalid parameter, key-value pair not an object as expected");
          return NULL;
        }
      if (add_members (pairs, json_node_get_object (pair), dups) != 1)
        {
          umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER,
                             "Invalid parameter, key-value pair must contain exactly one key");
          return NULL;
        }
    }
  return g_steal_pointer (&pairs);
}

/* UniValue's operator[] on the normalized outputs: the first value of key. */
static JsonNode *
first_value (GArray *pairs, const char *key)
{
  for (guint i = 0; i < pairs->len; i++)
    if (strcmp (g_array_index (pairs, Output, i).key, key) == 0)
      return g_array_index (pairs, Output, i).value;
  return NULL;
}

/* Core's ParseOutputs and AddOutputs. */
static gboolean
add_outputs (UmkTxBuilder *b, const UmkAddressParams *params, JsonNode *outputs,
             const UmkJsonDuplicates *dups, GError **error)
{
  g_autoptr (GArray) pairs = normalize_outputs (outputs, dups, error);
  if (pairs == NULL)
    return FALSE;
  g_autoptr (GPtrArray) seen = g_ptr_array_new_with_free_func ((GDestroyNotify) g_byte_array_unref);
  gboolean has_data = FALSE;
  for (guint i = 0; i < pairs->len; i++)
    {
      const char *key = g_array_index (pairs, Output, i).key;
      if (strcmp (key, "data") == 0)
        {
          if (has_data)
            {
              umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER,
                                 "Invalid parameter, duplicate key: data");
              return FALSE;
            }
          has_data = TRUE;
          g_autofree char *text = umk_rpc_value_str (first_value (pairs, key));
          g_autoptr (GByteArray) data = parse_hex_str (text, "Data", error);
          if (data == NULL)
            return FALSE;
          g_autoptr (GByteArray) script = g_byte_array_new ();
          umk_write_u8 (script, UMK_OP_RETURN);
          umk_script_write_push (script, data->data, data->len);
          umk_tx_builder_add_output (b, 0, script->data, script->len);
          continue;
        }
      /* The amount is checked before the address, as Core does. */
      g_autoptr (GByteArray) script = umk_address_to_script (params, key, NULL);
      int64_t amount;
      if (!umk_rpc_amount_from_value (first_value (pairs, key), &amount, error))
        return FALSE;
      if (script == NULL)
        {
          umk_rpc_set_error (error, UMK_RPC_INVALID_ADDRESS_OR_KEY, "Invalid Umkoin address: %s",
                             key);
          return FALSE;
        }
      for (guint k = 0; k < seen->len; k++)
        {
          const GByteArray *s = seen->pdata[k];
          if (s->len == script->len && memcmp (s->data, script->data, s->len) == 0)
            {
              umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER,
                                 "Invalid parameter, duplicated address: %s", key);
              return FALSE;
            }
        }
      umk_tx_builder_add_output (b, amount, script->data, script->len);
      g_ptr_array_add (seen, g_steal_pointer (&script));
    }
  return TRUE;
}

#define TX_MIN_STANDARD_VERSION 1
#define TX_MAX_STANDARD_VERSION 3

GByteArray *
umk_rpc_construct_transaction (const UmkAddressParams *params, JsonNode *inputs, JsonNode *outputs,
                               JsonNode *locktime, int replaceable, guint32 version,
                               const UmkJsonDuplicates *dups, GError **error)
{
  g_autoptr (UmkTxBuilder) b = umk_tx_builder_new ();
  b->lock_time = 0;
  if (!is_null (locktime))
    {
      gint64 lt;
      if (!umk_rpc_node_int (locktime, G_MININT64, G_MAXINT64, &lt, error))
        return NULL;
      if (lt < 0 || lt > G_MAXUINT32)
        {
          umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER,
                             "Invalid parameter, locktime out of range");
          return NULL;
        }
      b->lock_time = (uint32_t) lt;
    }
  if (version < TX_MIN_STANDARD_VERSION || version > TX_MAX_STANDARD_VERSION)
    {
      umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER,
                         "Invalid parameter, version out of range(%d~%d)", TX_MIN_STANDARD_VERSION,
                         TX_MAX_STANDARD_VERSION);
      return NULL;
    }
  b->version = version;
  if (!add_inputs (b, inputs, dups, replaceable, error)
      || !add_outputs (b, params, outputs, dups, error))
    return NULL;

  /* BIP 125: replaceable needs some input at or below 0xfffffffd. */
  if (replaceable == 1 && b->in->len > 0)
    {
      gboolean signals = FALSE;
      for (guint i = 0; i < b->in->len; i++)
        if (g_array_index (b->in, UmkTxBuilderIn, i).sequence <= UMK_SEQUENCE_FINAL - 2)
          signals = TRUE;
      if (!signals)
        {
          umk_rpc_set_error (
              error, UMK_RPC_INVALID_PARAMETER,
              "Invalid parameter combination: Sequence number(s) contradict replaceable option");
          return NULL;
        }
    }
  GByteArray *raw = g_byte_array_new ();
  umk_tx_builder_write (b, raw);
  return raw;
}

/* ---- Coins --------------------------------------------------------------- */

typedef struct
{
  int64_t value; /* < 0: empty */
  GByteArray *script;
} Coin;

struct _UmkRpcCoins
{
  GHashTable *map; /* UmkOutPoint* -> Coin* */
};

static void
coin_free (gpointer p)
{
  Coin *c = p;
  g_byte_array_unref (c->script);
  g_free (c);
}

UmkRpcCoins *
umk_rpc_coins_new (void)
{
  UmkRpcCoins *coins = g_new0 (UmkRpcCoins, 1);
  coins->map = g_hash_table_new_full (umk_outpoint_hash, umk_outpoint_equal, g_free, coin_free);
  return coins;
}

void
umk_rpc_coins_free (UmkRpcCoins *coins)
{
  if (coins == NULL)
    return;
  g_hash_table_unref (coins->map);
  g_free (coins);
}

void
umk_rpc_coins_set (UmkRpcCoins *coins, const UmkOutPoint *out, int64_t value, const uint8_t *script,
                   size_t script_len)
{
  Coin *c = g_new0 (Coin, 1);
  c->value = value < 0 ? -1 : value;
  c->script = g_byte_array_new ();
  if (value >= 0 && script_len > 0)
    g_byte_array_append (c->script, script, (guint) script_len);
  g_hash_table_replace (coins->map, g_memdup2 (out, sizeof *out), c);
}

gboolean
umk_rpc_coins_get (const UmkRpcCoins *coins, const UmkOutPoint *out, int64_t *value,
                   const GByteArray **script)
{
  const Coin *c = g_hash_table_lookup (coins->map, out);
  if (c == NULL || c->value < 0)
    return FALSE;
  *value = c->value;
  *script = c->script;
  return TRUE;
}

void
umk_rpc_coins_find (UmkRpcCoins *coins, UmkNode *node, const UmkTx *tx)
{
  G_LOCK (coin_lookup);
  UmkRpcCoinLookup fn = coin_lookup_fn;
  gpointer user = coin_lookup_user;
  G_UNLOCK (coin_lookup);
  for (uint32_t i = 0; i < tx->n_in; i++)
    {
      const UmkOutPoint *out = &tx->in[i].prevout;
      g_autoptr (GByteArray) script = g_byte_array_new ();
      int64_t value = -1;
      if (fn == NULL || !fn (node, out, &value, script, user) || value < 0)
        value = -1;
      umk_rpc_coins_set (coins, out, value, script->data, script->len);
    }
}

/* ---- prevtxs ------------------------------------------------------------- */

/* Core's RPCTypeCheckObj for string and number members (the keys in the
 * byte order of Core's std::map). */
static gboolean
type_check_member (JsonObject *o, const char *key, gboolean want_string, gboolean allow_null,
                   GError **error)
{
  JsonNode *v = json_object_get_member (o, key);
  if (is_null (v))
    {
      if (allow_null)
        return TRUE;
      umk_rpc_set_error (error, UMK_RPC_TYPE_ERROR, "Missing %s", key);
      return FALSE;
    }
  if (want_string ? holds_type (v, G_TYPE_STRING) : is_number (v))
    return TRUE;
  umk_rpc_set_error (error, UMK_RPC_TYPE_ERROR,
                     "JSON value of type %s for field %s is not of expected type %s",
                     umk_rpc_type_name (v), key, want_string ? "string" : "number");
  return FALSE;
}

void
umk_rpc_p2sh_script (const uint8_t *script, size_t len, uint8_t out[23])
{
  out[0] = UMK_OP_HASH160;
  out[1] = 20;
  umk_hash160 (script, len, out + 2);
  out[22] = UMK_OP_EQUAL;
}

void
umk_rpc_p2wsh_script (const uint8_t *script, size_t len, uint8_t out[34])
{
  out[0] = UMK_OP_0;
  out[1] = 32;
  umk_sha256 (script, len, out + 2);
}

static gboolean
bytes_equal (const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len)
{
  return a_len == b_len && (a_len == 0 || memcmp (a, b, a_len) == 0);
}

/* The redeem and witness scripts of one P2SH or P2WSH prevout. */
static gboolean
add_prevout_scripts (JsonObject *o, const GByteArray *spk, gboolean is_p2sh,
                     UmkSignProvider *keystore, GError **error)
{
  if (!type_check_member (o, "redeemScript", TRUE, TRUE, error)
      || !type_check_member (o, "witnessScript", TRUE, TRUE, error))
    return FALSE;
  JsonNode *rs = json_object_get_member (o, "redeemScript");
  JsonNode *ws = json_object_get_member (o, "witnessScript");
  if (is_null (rs) && is_null (ws))
    {
      umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER, "Missing redeemScript/witnessScript");
      return FALSE;
    }
  /* The witness script is the one to sign with when both are given. */
  g_autoptr (GByteArray) script = !is_null (ws) ? umk_rpc_parse_hex_v (ws, "witnessScript", error)
                                                : umk_rpc_parse_hex_v (rs, "redeemScript", error);
  if (script == NULL)
    return FALSE;
  umk_sign_provider_add_script (keystore, script->data, script->len);
  /* Its P2WSH form too, for P2SH-P2WSH given through redeemScript. */
  uint8_t wsh[34];
  umk_rpc_p2wsh_script (script->data, script->len, wsh);
  umk_sign_provider_add_script (keystore, wsh, sizeof wsh);

  if (!is_null (ws) && !is_null (rs)
      && strcmp (json_node_get_string (ws), json_node_get_string (rs)) != 0)
    {
      g_autoptr (GByteArray) redeem = umk_rpc_parse_hex_v (rs, "redeemScript", error);
      if (redeem == NULL)
        return FALSE;
      if (!bytes_equal (redeem->data, redeem->len, wsh, sizeof wsh))
        {
          umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER,
                             "redeemScript does not correspond to witnessScript");
          return FALSE;
        }
    }

  gboolean matches;
  if (is_p2sh)
    {
      uint8_t sh[23], sh_wsh[23];
      umk_rpc_p2sh_script (script->data, script->len, sh);
      umk_rpc_p2sh_script (wsh, sizeof wsh, sh_wsh);
      matches = bytes_equal (spk->data, spk->len, sh, sizeof sh)
                || bytes_equal (spk->data, spk->len, sh_wsh, sizeof sh_wsh);
    }
  else
    matches = bytes_equal (spk->data, spk->len, wsh, sizeof wsh);
  if (!matches)
    {
      umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER,
                         "redeemScript/witnessScript does not match scriptPubKey");
      return FALSE;
    }
  return TRUE;
}

gboolean
umk_rpc_parse_prevouts (JsonNode *prevtxs, UmkSignProvider *keystore, UmkRpcCoins *coins,
                        GError **error)
{
  if (is_null (prevtxs))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (prevtxs))
    {
      umk_rpc_set_error (error, UMK_RPC_TYPE_ERROR,
                         "JSON value of type %s is not of expected type array",
                         umk_rpc_type_name (prevtxs));
      return FALSE;
    }
  JsonArray *arr = json_node_get_array (prevtxs);
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      JsonNode *p = json_array_get_element (arr, i);
      if (!JSON_NODE_HOLDS_OBJECT (p))
        {
          umk_rpc_set_error (error, UMK_RPC_DESERIALIZATION_ERROR,
                             "expected object with {\"txid'\",\"vout\",\"scriptPubKey\"}");
          return FALSE;
        }
      JsonObject *o = json_node_get_object (p);
      if (!type_check_member (o, "scriptPubKey", TRUE, FALSE, error)
          || !type_check_member (o, "txid", TRUE, FALSE, error)
          || !type_check_member (o, "vout", FALSE, FALSE, error))
        return FALSE;

      UmkOutPoint out;
      gint64 n;
      if (!umk_rpc_parse_hash_v (json_object_get_member (o, "txid"), "txid", &out.hash, error)
          || !umk_rpc_node_int (json_object_get_member (o, "vout"), G_MININT32, G_MAXINT32, &n,
                                error))
        return FALSE;
      if (n < 0)
        {
          umk_rpc_set_error (error, UMK_RPC_DESERIALIZATION_ERROR, "vout cannot be negative");
          return FALSE;
        }
      out.n = (uint32_t) n;
      g_autoptr (GByteArray) spk
          = umk_rpc_parse_hex_v (json_object_get_member (o, "scriptPubKey"), "scriptPubKey", error);
      if (spk == NULL)
        return FALSE;

      int64_t old_value;
      const GByteArray *old_script;
      if (umk_rpc_coins_get (coins, &out, &old_value, &old_script)
          && !bytes_equal (old_script->data, old_script->len, spk->data, spk->len))
        {
          g_autofree char *a = umk_rpc_script_asm (old_script->data, old_script->len, FALSE);
          g_autofree char *b = umk_rpc_script_asm (spk->data, spk->len, FALSE);
          umk_rpc_set_error (error, UMK_RPC_DESERIALIZATION_ERROR,
                             "Previous output scriptPubKey mismatch:\n%s\nvs:\n%s", a, b);
          return FALSE;
        }
      /* An amount not given is the maximum: signing a witness input then
       * fails with "Missing amount". */
      int64_t value = UMK_MAX_MONEY;
      if (json_object_has_member (o, "amount")
          && !umk_rpc_amount_from_value (json_object_get_member (o, "amount"), &value, error))
        return FALSE;
      umk_rpc_coins_set (coins, &out, value, spk->data, spk->len);

      gboolean is_p2sh = umk_script_is_p2sh (spk->data, spk->len);
      gboolean is_p2wsh = spk->len == 34 && spk->data[0] == UMK_OP_0 && spk->data[1] == 32;
      if (keystore != NULL && (is_p2sh || is_p2wsh)
          && !add_prevout_scripts (o, spk, is_p2sh, keystore, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
umk_rpc_parse_sighash (JsonNode *value, int *hash_type, GError **error)
{
  static const struct
  {
    const char *name;
    int type;
  } types[] = {
    { "DEFAULT", UMK_SIGHASH_DEFAULT },
    { "ALL", UMK_SIGHASH_ALL },
    { "ALL|ANYONECANPAY", UMK_SIGHASH_ALL | UMK_SIGHASH_ANYONECANPAY },
    { "NONE", UMK_SIGHASH_NONE },
    { "NONE|ANYONECANPAY", UMK_SIGHASH_NONE | UMK_SIGHASH_ANYONECANPAY },
    { "SINGLE", UMK_SIGHASH_SINGLE },
    { "SINGLE|ANYONECANPAY", UMK_SIGHASH_SINGLE | UMK_SIGHASH_ANYONECANPAY },
  };
  if (is_null (value))
    {
      *hash_type = UMK_SIGHASH_DEFAULT;
      return TRUE;
    }
  const char *name = get_str (value, error);
  if (name == NULL)
    return FALSE;
  for (size_t i = 0; i < G_N_ELEMENTS (types); i++)
    if (strcmp (name, types[i].name) == 0)
      {
        *hash_type = types[i].type;
        return TRUE;
      }
  umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER, "'%s' is not a valid sighash parameter.",
                     name);
  return FALSE;
}

/* ---- Signing ------------------------------------------------------------- */

static void
write_hex (UmkJsonWriter *w, const uint8_t *data, size_t len)
{
  g_autofree char *hex = umk_hex_encode (data, len);
  umk_json_writer_string (w, hex);
}

gboolean
umk_rpc_sign_transaction (UmkJsonWriter *w, const UmkTx *tx, const UmkSignProvider *keystore,
                          const UmkRpcCoins *coins, int hash_type, GError **error)
{
  uint32_t n = tx->n_in;
  g_autofree UmkTxOut *spent = g_new0 (UmkTxOut, n + 1);
  g_autofree bool *found = g_new0 (bool, n + 1);
  for (uint32_t i = 0; i < n; i++)
    {
      const GByteArray *script;
      found[i] = umk_rpc_coins_get (coins, &tx->in[i].prevout, &spent[i].value, &script);
      if (found[i])
        {
          spent[i].script_pubkey.data = script->data;
          spent[i].script_pubkey.len = script->len;
        }
    }
  g_autoptr (GArray) errors = g_array_new (FALSE, FALSE, sizeof (UmkSignInputError));
  g_autoptr (UmkTxBuilder) signed_tx
      = umk_sign_transaction (tx, keystore, spent, found, hash_type, errors);

  for (guint e = 0; e < errors->len; e++)
    {
      const UmkSignInputError *err = &g_array_index (errors, UmkSignInputError, e);
      if (err->kind != UMK_SIGN_ERR_MISSING_AMOUNT)
        continue;
      /* Core reports this one as a failure of the whole call, naming the
       * coin as CTxOut::ToString does. */
      const UmkTxOut *coin = &spent[err->input];
      g_autofree char *hex = umk_hex_encode (coin->script_pubkey.data, coin->script_pubkey.len);
      if (strlen (hex) > 30)
        hex[30] = '\0';
      umk_rpc_set_error (error, UMK_RPC_TYPE_ERROR,
                         "Missing amount for CTxOut(nValue=%" G_GINT64_FORMAT ".%08" G_GINT64_FORMAT
                         ", scriptPubKey=%s)",
                         (gint64) (coin->value / UMK_COIN), (gint64) (coin->value % UMK_COIN), hex);
      return FALSE;
    }

  g_autoptr (GByteArray) raw = g_byte_array_new ();
  umk_tx_builder_write (signed_tx, raw);
  umk_json_writer_begin_object (w);
  umk_json_writer_key (w, "hex");
  write_hex (w, raw->data, raw->len);
  umk_json_writer_kv_bool (w, "complete", errors->len == 0);
  if (errors->len > 0)
    {
      umk_json_writer_key (w, "errors");
      umk_json_writer_begin_array (w);
      for (guint e = 0; e < errors->len; e++)
        {
          const UmkSignInputError *err = &g_array_index (errors, UmkSignInputError, e);
          const UmkTxBuilderIn *in = &g_array_index (signed_tx->in, UmkTxBuilderIn, err->input);
          char txid[UMK_UINT256_HEX_SIZE];
          umk_uint256_to_hex_buf (&in->prevout.hash, txid);
          umk_json_writer_begin_object (w);
          umk_json_writer_kv_string (w, "txid", txid);
          umk_json_writer_kv_int (w, "vout", in->prevout.n);
          umk_json_writer_key (w, "witness");
          umk_json_writer_begin_array (w);
          for (guint k = 0; k < in->witness->len; k++)
            {
              const GByteArray *item = in->witness->pdata[k];
              write_hex (w, item->data, item->len);
            }
          umk_json_writer_end_array (w);
          umk_json_writer_key (w, "scriptSig");
          write_hex (w, in->script_sig->data, in->script_sig->len);
          umk_json_writer_kv_int (w, "sequence", in->sequence);
          umk_json_writer_kv_string (w, "error", err->message);
          umk_json_writer_end_object (w);
        }
      umk_json_writer_end_array (w);
    }
  umk_json_writer_end_object (w);
  return TRUE;
}
