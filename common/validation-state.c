/* validation-state.c — reject reasons and debug messages of failed checks. */
#define G_LOG_DOMAIN "umk-validation"
#include "config.h"

#include "common/validation-state.h"

#include <string.h>

/* Both state structs share one layout after the result field; these helpers
 * work on the parts they have in common. */
static void
set_strings (char *reason, char *debug, const char *reject_reason, const char *debug_fmt,
             va_list ap)
{
  g_strlcpy (reason, reject_reason != NULL ? reject_reason : "", UMK_REJECT_REASON_SIZE);
  if (debug_fmt != NULL)
    g_vsnprintf (debug, UMK_DEBUG_MESSAGE_SIZE, debug_fmt, ap);
  else
    debug[0] = '\0';
}

static char *
to_string (UmkValidationMode mode, const char *reason, const char *debug)
{
  if (mode == UMK_VALIDATION_VALID)
    return g_strdup ("Valid");
  if (debug[0] != '\0')
    return g_strconcat (reason, ", ", debug, NULL);
  return g_strdup (reason);
}

void
umk_block_state_init (UmkBlockValidationState *state)
{
  memset (state, 0, sizeof *state);
}

void
umk_tx_state_init (UmkTxValidationState *state)
{
  memset (state, 0, sizeof *state);
}

bool
umk_block_state_invalid (UmkBlockValidationState *state, UmkBlockResult result,
                         const char *reject_reason, const char *debug_fmt, ...)
{
  va_list ap;
  va_start (ap, debug_fmt);
  set_strings (state->reject_reason, state->debug_message, reject_reason, debug_fmt, ap);
  va_end (ap);
  state->result = result;
  if (state->mode != UMK_VALIDATION_ERROR)
    state->mode = UMK_VALIDATION_INVALID;
  return false;
}

bool
umk_tx_state_invalid (UmkTxValidationState *state, UmkTxResult result, const char *reject_reason,
                      const char *debug_fmt, ...)
{
  va_list ap;
  va_start (ap, debug_fmt);
  set_strings (state->reject_reason, state->debug_message, reject_reason, debug_fmt, ap);
  va_end (ap);
  state->result = result;
  if (state->mode != UMK_VALIDATION_ERROR)
    state->mode = UMK_VALIDATION_INVALID;
  return false;
}

bool
umk_block_state_error (UmkBlockValidationState *state, const char *reject_reason)
{
  if (state->mode == UMK_VALIDATION_VALID)
    g_strlcpy (state->reject_reason, reject_reason, sizeof state->reject_reason);
  state->mode = UMK_VALIDATION_ERROR;
  return false;
}

bool
umk_tx_state_error (UmkTxValidationState *state, const char *reject_reason)
{
  if (state->mode == UMK_VALIDATION_VALID)
    g_strlcpy (state->reject_reason, reject_reason, sizeof state->reject_reason);
  state->mode = UMK_VALIDATION_ERROR;
  return false;
}

char *
umk_block_state_to_string (const UmkBlockValidationState *state)
{
  return to_string (state->mode, state->reject_reason, state->debug_message);
}

char *
umk_tx_state_to_string (const UmkTxValidationState *state)
{
  return to_string (state->mode, state->reject_reason, state->debug_message);
}
