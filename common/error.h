/* error.h — the GError domain of the common library. */
#pragma once

#include <glib.h>

#define UMK_ERROR (umk_error_quark ())

typedef enum
{
  UMK_ERROR_INVALID,   /* malformed input: bad characters, bad checksum, bad encoding */
  UMK_ERROR_TRUNCATED, /* input ended before the value did */
  UMK_ERROR_TOO_LARGE, /* a size or count over its limit */
  UMK_ERROR_FAILED,    /* an operation on a resource (file, directory) failed */
} UmkError;

GQuark umk_error_quark (void);
