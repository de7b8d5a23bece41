#include "config.h"

#include "common/error.h"

G_DEFINE_QUARK (umk - error - quark, umk_error)
