/* descriptor.h — output script descriptors (BIP 380) as Umkoin Core v31.0's
 * script/descriptor.cpp reads them, for the forms that need no keys: the
 * checksum, addr(<address>) and raw(<hex>).
 *
 * Error messages are Core's, word for word, because RPC clients see them.
 * Descriptors with keys (pk, pkh, wpkh, sh, wsh, multi, tr, …) are not parsed
 * yet and say so.
 */
#pragma once

#include "common/chainparams.h"

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

#define UMK_DESCRIPTOR_CHECKSUM_LEN 8

/* The BIP 380 checksum of desc[0..len) (the part before '#').
 * Returns: false if a character is outside the descriptor character set
 *          (out is then ""); true with 8 characters and a NUL in out. */
bool umk_descriptor_checksum (const char *desc, size_t len,
                              char out[UMK_DESCRIPTOR_CHECKSUM_LEN + 1]);

/* Returns: "desc#checksum", or NULL if desc has characters a descriptor
 *          cannot hold. */
char *umk_descriptor_add_checksum (const char *desc) G_GNUC_WARN_UNUSED_RESULT;

/* Core's CheckChecksum: text is "payload" or "payload#checksum".
 * Returns: true with the payload's length in *payload_len (and, if checksum is
 *          not NULL, the computed checksum); false with Core's message
 *          ("Multiple '#' symbols", "Missing checksum", "Expected 8 character
 *          checksum, not N characters", "Invalid characters in payload",
 *          "Provided checksum 'x' does not match computed checksum 'y'"). */
bool umk_descriptor_check_checksum (const char *text, bool require_checksum, size_t *payload_len,
                                    char checksum[UMK_DESCRIPTOR_CHECKSUM_LEN + 1], GError **error);

typedef enum
{
  UMK_DESCRIPTOR_ADDR, /* addr(<address>) */
  UMK_DESCRIPTOR_RAW,  /* raw(<hex script>) */
} UmkDescriptorType;

typedef struct
{
  UmkDescriptorType type;
  GByteArray *script; /* the output script it stands for */
  char *canonical;    /* Core's ToString without the checksum: the address re-encoded
                         (bech32 in lower case), the script in lower-case hex */
} UmkDescriptor;

/* Parses a top-level descriptor (Core's Parse) for the chain's addresses.
 * Returns: the descriptor, or NULL with Core's message in error (domain
 *          UMK_ERROR, code UMK_ERROR_INVALID): the checksum messages above,
 *          "Address is not valid", "Raw script is not hex",
 *          "'x' is not a valid descriptor function", or, for the key-based
 *          forms not parsed here, "x() descriptors are not supported yet". */
UmkDescriptor *umk_descriptor_parse (const UmkAddressParams *params, const char *text,
                                     bool require_checksum,
                                     GError **error) G_GNUC_WARN_UNUSED_RESULT;
void umk_descriptor_free (UmkDescriptor *desc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (UmkDescriptor, umk_descriptor_free)

/* Returns: the canonical form with its checksum ("addr(...)#xxxxxxxx"). */
char *umk_descriptor_to_string (const UmkDescriptor *desc) G_GNUC_WARN_UNUSED_RESULT;
