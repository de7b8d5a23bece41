/* args-help.c — the -help text. */
#define G_LOG_DOMAIN "umk-args"
#include "config.h"

#include "common/args-private.h"

#include <string.h>

/* ---- Help --------------------------------------------------------------- */

char *
umk_format_paragraph (const char *in, size_t width, size_t indent)
{
  g_return_val_if_fail (in != NULL && width >= indent, NULL);
  GString *out = g_string_new (NULL);
  size_t n = strlen (in);
  size_t ptr = 0;
  size_t indented = 0;
  while (ptr < n)
    {
      const char *nl = memchr (in + ptr, '\n', n - ptr);
      size_t lineend = nl ? (size_t) (nl - in) : n;
      size_t linelen = lineend - ptr;
      size_t rem_width = width - indented;
      if (linelen <= rem_width)
        {
          /* The line fits: copy it with its newline, if it has one. */
          g_string_append_len (out, in + ptr, MIN (linelen + 1, n - ptr));
          ptr = lineend + 1;
          indented = 0;
          continue;
        }
      /* Break at the last space or newline that still fits... */
      size_t finalspace = (size_t) -1;
      for (size_t j = MIN (ptr + rem_width, n - 1) + 1; j-- > ptr;)
        if (in[j] == ' ' || in[j] == '\n')
          {
            finalspace = j;
            break;
          }
      if (finalspace == (size_t) -1)
        {
          /* ...or, for a word longer than the line, after the word. */
          for (size_t j = ptr; j < n; j++)
            if (in[j] == ' ' || in[j] == '\n')
              {
                finalspace = j;
                break;
              }
          if (finalspace == (size_t) -1)
            {
              g_string_append (out, in + ptr);
              break;
            }
        }
      g_string_append_len (out, in + ptr, finalspace - ptr);
      g_string_append_c (out, '\n');
      if (in[finalspace] == '\n')
        indented = 0;
      else if (indent)
        {
          g_string_append_printf (out, "%*s", (int) indent, "");
          indented = indent;
        }
      ptr = finalspace + 1;
    }
  return g_string_free (out, FALSE);
}

static const char *
category_title (UmkOptionsCategory cat, gboolean show_debug)
{
  switch (cat)
    {
    case UMK_OPTIONS_OPTIONS:
      return "Options:";
    case UMK_OPTIONS_CONNECTION:
      return "Connection options:";
    case UMK_OPTIONS_ZMQ:
      return "ZeroMQ notification options:";
    case UMK_OPTIONS_DEBUG_TEST:
      return "Debugging/Testing options:";
    case UMK_OPTIONS_NODE_RELAY:
      return "Node relay options:";
    case UMK_OPTIONS_BLOCK_CREATION:
      return "Block creation options:";
    case UMK_OPTIONS_RPC:
      return "RPC server options:";
    case UMK_OPTIONS_IPC:
      return "IPC interprocess connection options:";
    case UMK_OPTIONS_WALLET:
      return "Wallet options:";
    case UMK_OPTIONS_WALLET_DEBUG_TEST:
      return show_debug ? "Wallet debugging/testing options:" : NULL;
    case UMK_OPTIONS_CHAINPARAMS:
      return "Chain selection options:";
    case UMK_OPTIONS_GUI:
      return "UI Options:";
    case UMK_OPTIONS_COMMANDS:
      return "Commands:";
    case UMK_OPTIONS_REGISTER_COMMANDS:
      return "Register Commands:";
    case UMK_OPTIONS_CLI_COMMANDS:
      return "CLI Commands:";
    default:
      return NULL;
    }
}

#define HELP_SCREEN_WIDTH 79
#define HELP_OPT_INDENT   2
#define HELP_MSG_INDENT   7

char *
umk_args_help_message (const UmkArgs *args)
{
  g_return_val_if_fail (args != NULL, NULL);
  LOCK_ARGS (args);
  gboolean show_debug = umk_args_get_bool_locked (a, "-help-debug", FALSE);
  GString *usage = g_string_new (NULL);
  for (int cat = 0; cat < UMK_OPTIONS_HIDDEN; cat++)
    {
      if (!a->category_used[cat])
        continue;
      const char *title = category_title ((UmkOptionsCategory) cat, show_debug);
      if (title)
        g_string_append_printf (usage, "%s\n\n", title);
      g_autoptr (GPtrArray) sorted = umk_args_sorted_category_locked (a, (UmkOptionsCategory) cat);
      for (guint i = 0; i < sorted->len; i++)
        {
          const ArgInfo *info = g_ptr_array_index (sorted, i);
          if (!show_debug && (info->flags & UMK_ARG_DEBUG_ONLY))
            continue;
          g_autofree char *para = umk_format_paragraph (
              info->help, HELP_SCREEN_WIDTH - HELP_MSG_INDENT, HELP_MSG_INDENT);
          g_string_append_printf (usage, "%*s%s%s\n%*s%s\n\n", HELP_OPT_INDENT, "", info->name,
                                  info->help_param, HELP_MSG_INDENT, "", para);
        }
    }
  return g_string_free (usage, FALSE);
}

gboolean
umk_args_help_requested (const UmkArgs *args)
{
  g_return_val_if_fail (args != NULL, FALSE);
  LOCK_ARGS (args);
  return umk_args_is_set_locked (a, "-?") || umk_args_is_set_locked (a, "-h")
         || umk_args_is_set_locked (a, "-help") || umk_args_is_set_locked (a, "-help-debug");
}
