/* The provisioned keys every sharing example carries (filled in by the vendor at sealing time). */
#include "common.h"

uint8_t cloak_common_key[CLOAK_KEY_SIZE] PROVISIONED;
uint8_t cloak_signing_key[CLOAK_P256_PRIVATE_SIZE] PROVISIONED;
uint8_t cloak_peer_verification_key[CLOAK_P256_PUBLIC_SIZE] PROVISIONED;
uint8_t cloak_peer_measurement[32] PROVISIONED;
