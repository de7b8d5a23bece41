/* hash.c — thin wrapper over libcrypto; see hash.h for why and the failure policy. */
#define G_LOG_DOMAIN "umk-hash"
#include "config.h"

#include "common/hash.h"

#include <glib.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <limits.h>
#include <string.h>

/* Algorithms are fetched from the default provider once; implicit fetching on
 * every call (EVP_sha256()) costs a lock and a lookup. */
static EVP_MD *md_sha256;
static EVP_MD *md_sha512;
static EVP_MD *md_ripemd160;
static EVP_MD *md_sha1;
static EVP_MAC *mac_siphash;

static void
crypto_fail (const char *what)
{
  g_error ("libcrypto: %s failed (out of memory or algorithm missing from the default provider)",
           what);
}

static gpointer
fetch_algorithms (gpointer unused)
{
  (void) unused;
  md_sha256 = EVP_MD_fetch (NULL, "SHA256", NULL);
  md_sha512 = EVP_MD_fetch (NULL, "SHA512", NULL);
  /* RIPEMD-160 is in the default provider since OpenSSL 3.0.7. */
  md_ripemd160 = EVP_MD_fetch (NULL, "RIPEMD160", NULL);
  md_sha1 = EVP_MD_fetch (NULL, "SHA1", NULL);
  mac_siphash = EVP_MAC_fetch (NULL, "SIPHASH", NULL);
  if (!md_sha256 || !md_sha512 || !md_ripemd160 || !md_sha1 || !mac_siphash)
    crypto_fail ("fetching SHA256, SHA512, RIPEMD160, SHA1 and SIPHASH");
  return NULL;
}

static inline void
ensure_algorithms (void)
{
  static GOnce once = G_ONCE_INIT;
  g_once (&once, fetch_algorithms, NULL);
}

/* A per-thread pool of digest contexts, freed when the thread exits. A small
 * pool rather than one context allows a few hashes in flight at once (a hash
 * writer inside a computation that itself hashes). */
#define POOL_SIZE 8

typedef struct
{
  EVP_MD_CTX *ctx[POOL_SIZE];
  unsigned n;
} CtxPool;

/* Thread-exit destructors run in no set order: OpenSSL's own may already
 * have freed this thread's state, and freeing a context can create it
 * anew (error queue), which OpenSSL's exit handler then frees a second
 * time. Releasing it again after our last call into libcrypto on this
 * thread closes that window; the call is idempotent. */
static void
release_thread_state (void)
{
  OPENSSL_thread_stop ();
}

static void
pool_free (gpointer data)
{
  CtxPool *pool = data;
  for (unsigned i = 0; i < pool->n; i++)
    EVP_MD_CTX_free (pool->ctx[i]);
  g_free (pool);
  release_thread_state ();
}

static GPrivate pool_key = G_PRIVATE_INIT (pool_free);

static EVP_MD_CTX *
ctx_take (void)
{
  CtxPool *pool = g_private_get (&pool_key);
  if (pool != NULL && pool->n > 0)
    return pool->ctx[--pool->n];
  EVP_MD_CTX *ctx = EVP_MD_CTX_new ();
  if (ctx == NULL)
    crypto_fail ("EVP_MD_CTX_new");
  return ctx;
}

static void
ctx_give (EVP_MD_CTX *ctx)
{
  CtxPool *pool = g_private_get (&pool_key);
  if (pool == NULL)
    {
      pool = g_new0 (CtxPool, 1);
      g_private_set (&pool_key, pool);
    }
  if (pool->n < POOL_SIZE)
    pool->ctx[pool->n++] = ctx;
  else
    EVP_MD_CTX_free (ctx);
}

static void
digest_once (const EVP_MD *md, const void *data, size_t len, uint8_t *out)
{
  EVP_MD_CTX *ctx = ctx_take ();
  if (EVP_DigestInit_ex2 (ctx, md, NULL) != 1 || EVP_DigestUpdate (ctx, data, len) != 1
      || EVP_DigestFinal_ex (ctx, out, NULL) != 1)
    crypto_fail ("digest");
  ctx_give (ctx);
}

void
umk_sha256_init (UmkSha256 *h)
{
  ensure_algorithms ();
  EVP_MD_CTX *ctx = ctx_take ();
  if (EVP_DigestInit_ex2 (ctx, md_sha256, NULL) != 1)
    crypto_fail ("EVP_DigestInit_ex2");
  h->evp = ctx;
}

void
umk_sha256_update (UmkSha256 *h, const void *data, size_t len)
{
  if (len == 0)
    return;
  if (EVP_DigestUpdate (h->evp, data, len) != 1)
    crypto_fail ("EVP_DigestUpdate");
}

void
umk_sha256_final (UmkSha256 *h, uint8_t out[UMK_SHA256_SIZE])
{
  if (EVP_DigestFinal_ex (h->evp, out, NULL) != 1)
    crypto_fail ("EVP_DigestFinal_ex");
  ctx_give (h->evp);
  h->evp = NULL;
}

void
umk_sha256d_final (UmkSha256 *h, uint8_t out[UMK_SHA256_SIZE])
{
  EVP_MD_CTX *ctx = h->evp;
  uint8_t first[UMK_SHA256_SIZE];
  if (EVP_DigestFinal_ex (ctx, first, NULL) != 1 || EVP_DigestInit_ex2 (ctx, md_sha256, NULL) != 1
      || EVP_DigestUpdate (ctx, first, sizeof first) != 1
      || EVP_DigestFinal_ex (ctx, out, NULL) != 1)
    crypto_fail ("double SHA-256");
  ctx_give (ctx);
  h->evp = NULL;
}

void
umk_sha256_abort (UmkSha256 *h)
{
  if (h->evp != NULL)
    ctx_give (h->evp);
  h->evp = NULL;
}

void
umk_sha256_copy (UmkSha256 *dst, const UmkSha256 *src)
{
  EVP_MD_CTX *ctx = ctx_take ();
  if (EVP_MD_CTX_copy_ex (ctx, src->evp) != 1)
    crypto_fail ("EVP_MD_CTX_copy_ex");
  dst->evp = ctx;
}

void
umk_sha256 (const void *data, size_t len, uint8_t out[UMK_SHA256_SIZE])
{
  ensure_algorithms ();
  digest_once (md_sha256, data, len, out);
}

void
umk_sha256d (const void *data, size_t len, uint8_t out[UMK_SHA256_SIZE])
{
  UmkSha256 h;
  umk_sha256_init (&h);
  umk_sha256_update (&h, data, len);
  umk_sha256d_final (&h, out);
}

void
umk_sha512 (const void *data, size_t len, uint8_t out[UMK_SHA512_SIZE])
{
  ensure_algorithms ();
  digest_once (md_sha512, data, len, out);
}

void
umk_ripemd160 (const void *data, size_t len, uint8_t out[UMK_RIPEMD160_SIZE])
{
  ensure_algorithms ();
  digest_once (md_ripemd160, data, len, out);
}

void
umk_sha1 (const void *data, size_t len, uint8_t out[UMK_SHA1_SIZE])
{
  ensure_algorithms ();
  digest_once (md_sha1, data, len, out);
}

void
umk_hash160 (const void *data, size_t len, uint8_t out[UMK_HASH160_SIZE])
{
  uint8_t sha[UMK_SHA256_SIZE];
  umk_sha256 (data, len, sha);
  umk_ripemd160 (sha, sizeof sha, out);
}

static void
hmac (const EVP_MD *md, const void *key, size_t key_len, const void *data, size_t data_len,
      uint8_t *out, unsigned out_len)
{
  unsigned len = 0;
  /* HMAC() handles an empty key given as NULL poorly; hand it a valid pointer. */
  static const uint8_t empty = 0;
  if (key_len > INT_MAX)
    crypto_fail ("HMAC (key too long)");
  if (HMAC (md, key_len ? key : &empty, (int) key_len, data_len ? data : &empty, data_len, out,
            &len)
          == NULL
      || len != out_len)
    crypto_fail ("HMAC");
}

void
umk_hmac_sha256 (const void *key, size_t key_len, const void *data, size_t data_len,
                 uint8_t out[UMK_SHA256_SIZE])
{
  ensure_algorithms ();
  hmac (md_sha256, key, key_len, data, data_len, out, UMK_SHA256_SIZE);
}

void
umk_hmac_sha512 (const void *key, size_t key_len, const void *data, size_t data_len,
                 uint8_t out[UMK_SHA512_SIZE])
{
  ensure_algorithms ();
  hmac (md_sha512, key, key_len, data, data_len, out, UMK_SHA512_SIZE);
}

void
umk_tagged_hash_init (UmkSha256 *h, const char *tag)
{
  uint8_t tag_hash[UMK_SHA256_SIZE];
  umk_sha256 (tag, strlen (tag), tag_hash);
  umk_sha256_init (h);
  umk_sha256_update (h, tag_hash, sizeof tag_hash);
  umk_sha256_update (h, tag_hash, sizeof tag_hash);
}

void
umk_tagged_hash (const char *tag, const void *data, size_t len, uint8_t out[UMK_SHA256_SIZE])
{
  UmkSha256 h;
  umk_tagged_hash_init (&h, tag);
  umk_sha256_update (&h, data, len);
  umk_sha256_final (&h, out);
}

/* One SipHash context per thread, re-keyed on every call. */
static void
mac_ctx_free (gpointer data)
{
  EVP_MAC_CTX_free (data);
  release_thread_state ();
}

static GPrivate siphash_key = G_PRIVATE_INIT (mac_ctx_free);

uint64_t
umk_siphash24 (uint64_t k0, uint64_t k1, const void *data, size_t len)
{
  ensure_algorithms ();
  EVP_MAC_CTX *ctx = g_private_get (&siphash_key);
  if (ctx == NULL)
    {
      ctx = EVP_MAC_CTX_new (mac_siphash);
      if (ctx == NULL)
        crypto_fail ("EVP_MAC_CTX_new");
      g_private_set (&siphash_key, ctx);
    }

  uint8_t key[16];
  for (int i = 0; i < 8; i++)
    {
      key[i] = (uint8_t) (k0 >> (8 * i));
      key[8 + i] = (uint8_t) (k1 >> (8 * i));
    }
  /* Output size 8 selects SipHash-2-4 with a 64-bit tag; the default is 16. */
  size_t out_size = 8;
  unsigned int c_rounds = 2, d_rounds = 4;
  OSSL_PARAM params[] = {
    OSSL_PARAM_construct_size_t (OSSL_MAC_PARAM_SIZE, &out_size),
    OSSL_PARAM_construct_uint (OSSL_MAC_PARAM_C_ROUNDS, &c_rounds),
    OSSL_PARAM_construct_uint (OSSL_MAC_PARAM_D_ROUNDS, &d_rounds),
    OSSL_PARAM_construct_end (),
  };
  uint8_t out[8];
  size_t out_len = 0;
  if (EVP_MAC_init (ctx, key, sizeof key, params) != 1
      || (len > 0 && EVP_MAC_update (ctx, data, len) != 1)
      || EVP_MAC_final (ctx, out, &out_len, sizeof out) != 1 || out_len != sizeof out)
    crypto_fail ("SipHash-2-4");
  OPENSSL_cleanse (key, sizeof key);

  uint64_t r = 0;
  for (int i = 7; i >= 0; i--)
    r = (r << 8) | out[i];
  return r;
}
