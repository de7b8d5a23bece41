/* script-check.c — the script verification workers. */
#define G_LOG_DOMAIN "umk-validation"
#include "config.h"

#include "node/script-check.h"

/* Workers besides the calling thread (Core's MAX_SCRIPTCHECK_THREADS). */
#define MAX_SCRIPTCHECK_THREADS 15
/* Checks taken at once: small enough to balance the load, large enough that
 * the shared counter is not contended. */
#define SLICE 8

struct _UmkScriptCheckQueue
{
  GMutex lock;
  GCond work_ready; /* a batch was posted, or quit */
  GCond work_done;  /* a worker left the batch */
  GThread **threads;
  int n_workers;
  gboolean quit;
  guint64 generation; /* bumped per batch so a worker joins each batch once */
  /* the batch */
  const UmkScriptCheck *checks;
  size_t n;
  gint next;   /* atomic: the next unclaimed check */
  gint failed; /* atomic: a check failed; everyone stops */
  size_t failed_index;
  UmkScriptError failed_error;
  int busy; /* workers still inside the batch */
};

static void
run_slices (UmkScriptCheckQueue *q)
{
  for (;;)
    {
      if (g_atomic_int_get (&q->failed))
        return;
      size_t start = (size_t) g_atomic_int_add (&q->next, SLICE);
      if (start >= q->n)
        return;
      size_t end = MIN (start + SLICE, q->n);
      for (size_t i = start; i < end; i++)
        {
          const UmkScriptCheck *c = &q->checks[i];
          UmkScriptError err = UMK_SCRIPT_ERR_OK;
          if (!umk_verify_input (c->tx, c->n_in, c->spent, c->flags, c->sigdata, &err))
            {
              g_mutex_lock (&q->lock);
              if (!g_atomic_int_get (&q->failed))
                {
                  q->failed_index = i;
                  q->failed_error = err;
                  g_atomic_int_set (&q->failed, 1);
                }
              g_mutex_unlock (&q->lock);
              return;
            }
        }
    }
}

static gpointer
worker_main (gpointer data)
{
  UmkScriptCheckQueue *q = data;
  guint64 seen = 0;
  g_mutex_lock (&q->lock);
  for (;;)
    {
      while (!q->quit && q->generation == seen)
        g_cond_wait (&q->work_ready, &q->lock);
      if (q->quit)
        break;
      seen = q->generation;
      g_mutex_unlock (&q->lock);
      run_slices (q);
      g_mutex_lock (&q->lock);
      q->busy--;
      g_cond_signal (&q->work_done);
    }
  g_mutex_unlock (&q->lock);
  return NULL;
}

UmkScriptCheckQueue *
umk_script_check_queue_new (int n_workers)
{
  UmkScriptCheckQueue *q = g_new0 (UmkScriptCheckQueue, 1);
  g_mutex_init (&q->lock);
  g_cond_init (&q->work_ready);
  g_cond_init (&q->work_done);
  q->n_workers = CLAMP (n_workers, 0, MAX_SCRIPTCHECK_THREADS);
  q->threads = g_new0 (GThread *, q->n_workers + 1);
  for (int i = 0; i < q->n_workers; i++)
    {
      char name[16];
      g_snprintf (name, sizeof name, "scriptch.%d", i);
      q->threads[i] = g_thread_new (name, worker_main, q);
    }
  return q;
}

void
umk_script_check_queue_free (UmkScriptCheckQueue *q)
{
  if (q == NULL)
    return;
  g_mutex_lock (&q->lock);
  q->quit = TRUE;
  g_cond_broadcast (&q->work_ready);
  g_mutex_unlock (&q->lock);
  for (int i = 0; i < q->n_workers; i++)
    g_thread_join (q->threads[i]);
  g_free (q->threads);
  g_cond_clear (&q->work_ready);
  g_cond_clear (&q->work_done);
  g_mutex_clear (&q->lock);
  g_free (q);
}

int
umk_script_check_queue_workers (const UmkScriptCheckQueue *q)
{
  return q->n_workers;
}

gboolean
umk_script_check_run (UmkScriptCheckQueue *q, const UmkScriptCheck *checks, size_t n,
                      size_t *failed, UmkScriptError *error)
{
  if (n == 0)
    return TRUE;
  g_return_val_if_fail (n < G_MAXINT - SLICE * (MAX_SCRIPTCHECK_THREADS + 1), FALSE);
  g_mutex_lock (&q->lock);
  q->checks = checks;
  q->n = n;
  g_atomic_int_set (&q->next, 0);
  g_atomic_int_set (&q->failed, 0);
  /* Waking workers costs more than a few checks; small batches stay here. */
  gboolean wake = q->n_workers > 0 && n > SLICE;
  if (wake)
    {
      q->busy = q->n_workers;
      q->generation++;
      g_cond_broadcast (&q->work_ready);
    }
  g_mutex_unlock (&q->lock);
  run_slices (q);
  g_mutex_lock (&q->lock);
  while (wake && q->busy > 0)
    g_cond_wait (&q->work_done, &q->lock);
  gboolean ok = !g_atomic_int_get (&q->failed);
  if (!ok)
    {
      if (failed != NULL)
        *failed = q->failed_index;
      if (error != NULL)
        *error = q->failed_error;
    }
  q->checks = NULL;
  g_mutex_unlock (&q->lock);
  return ok;
}

int
umk_script_check_threads_for_par (gint64 par)
{
  gint64 cores = (gint64) g_get_num_processors ();
  gint64 threads = par;
  if (par <= 0)
    threads = cores + par;
  if (threads < 1)
    threads = 1;
  return (int) MIN (threads, MAX_SCRIPTCHECK_THREADS + 1);
}
