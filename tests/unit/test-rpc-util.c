/* test-rpc-util.c — what the node's and the wallet's RPC servers share:
 * named arguments placed by position (Core's transformNamedArguments, as
 * its rpc_namedparams test and interface_rpc.py exercise it), the argument
 * count and type checks, and help's layout. */
#include "config.h"

#include "common/rpc-util.h"

#include <string.h>

static const UmkRpcArg inner_str
    = { "txid", UMK_RPC_ARG_STR_HEX, UMK_RPC_ARG_OMITTED, NULL, "A transaction id" };

/* A method like Core's test echo: arg0 required, then optional ones, one
 * with an alias. */
static const UmkRpcArg args[] = {
  { "arg0", UMK_RPC_ARG_STR, UMK_RPC_ARG_REQUIRED, NULL, "First." },
  { "arg1|alias1", UMK_RPC_ARG_NUM, UMK_RPC_ARG_DEFAULT, "5", "Second." },
  { "arg2", UMK_RPC_ARG_BOOL, UMK_RPC_ARG_OMITTED, NULL, "Third." },
  { "arg3", UMK_RPC_ARG_ARR, UMK_RPC_ARG_HINT, "all", "Fourth.\nOn two lines.", 0, &inner_str },
  { "arg4", UMK_RPC_ARG_AMOUNT, UMK_RPC_ARG_OMITTED, NULL, "Fifth." },
};

typedef struct
{
  const char *keys[6];
  gint positional_len;
  gboolean ok;
  const char *message;
  guint n_out;
  gint slots[G_N_ELEMENTS (args)];
} PlaceCase;

static void
test_place_named (void)
{
  static const PlaceCase cases[] = {
    { { "arg0", NULL }, -1, TRUE, NULL, 1, { 0 } },
    /* a hole before arg2 is null; the order of keys does not matter */
    { { "arg2", "arg0", NULL }, -1, TRUE, NULL, 3, { 1, -1, 0 } },
    /* an alias places like the name */
    { { "alias1", NULL }, -1, TRUE, NULL, 2, { -1, 0 } },
    /* "args" gives the front: two positional, then arg2 by name */
    { { "args", "arg2", NULL }, 2, TRUE, NULL, 3, { -1, -1, 1 } },
    /* "args" longer than the named part */
    { { "args", NULL }, 4, TRUE, NULL, 4, { -1, -1, -1, -1 } },
    /* "args" that is not an array is dropped */
    { { "args", "arg0", NULL }, -1, TRUE, NULL, 1, { 1 } },
    { { "arg0", "arg0", NULL }, -1, FALSE, "Parameter arg0 specified multiple times", 0, { 0 } },
    { { "args", "arg1", NULL },
      2,
      FALSE,
      "Parameter arg1|alias1 specified twice both as positional and named argument",
      0,
      { 0 } },
    { { "arg0", "nope", "other", NULL }, -1, FALSE, "Unknown named parameter nope", 0, { 0 } },
    /* the name wins over the alias, and the alias left over is unknown */
    { { "alias1", "arg1", NULL }, -1, FALSE, "Unknown named parameter alias1", 0, { 0 } },
  };
  for (gsize c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      const PlaceCase *pc = &cases[c];
      guint n_keys = 0;
      while (pc->keys[n_keys] != NULL)
        n_keys++;
      gint slots[G_N_ELEMENTS (args)];
      guint n_out = 99;
      g_autoptr (GError) error = NULL;
      gboolean ok = umk_rpc_place_named (args, G_N_ELEMENTS (args), pc->keys, n_keys,
                                         pc->positional_len, slots, &n_out, &error);
      g_test_message ("case %zu", c);
      g_assert_cmpint (ok, ==, pc->ok);
      if (!ok)
        {
          g_assert_error (error, UMK_RPC_ERROR, UMK_RPC_INVALID_PARAMETER);
          g_assert_cmpstr (error->message, ==, pc->message);
          continue;
        }
      g_assert_no_error (error);
      g_assert_cmpuint (n_out, ==, pc->n_out);
      guint first_named = pc->positional_len > 0 ? (guint) pc->positional_len : 0;
      for (guint i = first_named; i < n_out; i++)
        g_assert_cmpint (slots[i], ==, pc->slots[i]);
    }
}

static void
test_num_args (void)
{
  g_assert_false (umk_rpc_valid_num_args (args, G_N_ELEMENTS (args), 0));
  for (guint n = 1; n <= G_N_ELEMENTS (args); n++)
    g_assert_true (umk_rpc_valid_num_args (args, G_N_ELEMENTS (args), n));
  g_assert_false (umk_rpc_valid_num_args (args, G_N_ELEMENTS (args), G_N_ELEMENTS (args) + 1));
  g_assert_true (umk_rpc_valid_num_args (NULL, 0, 0));
  g_assert_false (umk_rpc_valid_num_args (NULL, 0, 1));
}

static void
test_types (void)
{
  /* null for optional ones, anything for an amount */
  const char *good[] = { "string", "null", "null", "array", "object" };
  g_autoptr (GError) error = NULL;
  g_assert_true (umk_rpc_check_types (args, G_N_ELEMENTS (args), good, 5, &error));
  g_assert_true (umk_rpc_check_types (args, G_N_ELEMENTS (args), good, 1, &error));
  g_assert_no_error (error);

  /* every mismatch is listed; a missing required one is null */
  const char *bad[] = { "number", "string", "bool" };
  g_assert_false (umk_rpc_check_types (args, G_N_ELEMENTS (args), bad, 3, &error));
  g_assert_error (error, UMK_RPC_ERROR, UMK_RPC_TYPE_ERROR);
  g_assert_cmpstr (error->message, ==,
                   "Wrong type passed:\n{\n"
                   "    \"Position 1 (arg0)\": \"JSON value of type number is not of expected "
                   "type string\",\n"
                   "    \"Position 2 (arg1|alias1)\": \"JSON value of type string is not of "
                   "expected type number\"\n}");
  g_clear_error (&error);
  g_assert_false (umk_rpc_check_types (args, G_N_ELEMENTS (args), NULL, 0, &error));
  g_assert_true (strstr (error->message, "JSON value of type null is not of expected type string")
                 != NULL);
}

static void
test_help (void)
{
  g_autoptr (GString) s = g_string_new (NULL);
  umk_rpc_help_append_head (s, "echo", "  Echoes.\n", args, G_N_ELEMENTS (args));
  g_assert_cmpstr (s->str, ==,
                   "echo \"arg0\" ( arg1 arg2 [\"txid\",...] arg4 )\n"
                   "\n"
                   "Echoes.\n"
                   "\n"
                   "Arguments:\n"
                   "1. arg0           (string, required) First.\n"
                   "2. arg1           (numeric, optional, default=5) Second.\n"
                   "3. arg2           (boolean, optional) Third.\n"
                   "4. arg3           (json array, optional, default=all) Fourth.\n"
                   "                  On two lines.\n"
                   "     [\n"
                   "       \"txid\",    (string) A transaction id\n"
                   "       ...\n"
                   "     ]\n"
                   "5. arg4           (numeric or string, optional) Fifth.\n");
  g_string_truncate (s, 0);
  umk_rpc_help_append_oneline (s, "getinfo", NULL, 0);
  g_assert_cmpstr (s->str, ==, "getinfo");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/rpc-util/place-named", test_place_named);
  g_test_add_func ("/rpc-util/num-args", test_num_args);
  g_test_add_func ("/rpc-util/types", test_types);
  g_test_add_func ("/rpc-util/help", test_help);
  return g_test_run ();
}
