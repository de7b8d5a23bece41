/* script-check.h — runs a block's script checks on the -par worker threads.
 *
 * ConnectBlock gathers one check per input (the transaction, the output it
 * spends, the flags, the per-transaction signature data) while it walks the
 * block, and runs them all at the end: the workers and the calling thread
 * take small slices from a shared counter until the checks run out or one
 * fails. Everything a check reads is immutable while the batch runs.
 */
#pragma once

#include "common/interpreter.h"
#include "common/script-error.h"
#include "common/sighash.h"
#include "common/tx.h"

#include <glib.h>

typedef struct
{
  const UmkTx *tx;
  uint32_t n_in;
  const UmkTxOut *spent;
  UmkScriptFlags flags;
  const UmkTxSigData *sigdata;
} UmkScriptCheck;

typedef struct _UmkScriptCheckQueue UmkScriptCheckQueue;

/* A queue with n_workers threads besides the caller's (0: checks run on the
 * calling thread only). */
UmkScriptCheckQueue *umk_script_check_queue_new (int n_workers) G_GNUC_WARN_UNUSED_RESULT;
void umk_script_check_queue_free (UmkScriptCheckQueue *q);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (UmkScriptCheckQueue, umk_script_check_queue_free)

int umk_script_check_queue_workers (const UmkScriptCheckQueue *q);

/* Runs the checks. Returns: TRUE if all passed; else FALSE with one failing
 * check's index and error (when several fail, any one of them). One batch at a
 * time: callers serialize (the chainstate lock does). */
gboolean umk_script_check_run (UmkScriptCheckQueue *q, const UmkScriptCheck *checks, size_t n,
                               size_t *failed, UmkScriptError *error);

/* -par: the number of script verification threads (including the caller's)
 * for the option's value: 0 means as many as there are cores, negative leaves
 * that many cores free; capped at 16 (15 workers and the caller) as Core
 * does. */
int umk_script_check_threads_for_par (gint64 par);
